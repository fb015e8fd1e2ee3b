"""Tests of `adl_monitor/core/advice`."""
