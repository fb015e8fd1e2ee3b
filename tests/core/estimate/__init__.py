"""Tests of `adl_monitor/core/estimate`."""
