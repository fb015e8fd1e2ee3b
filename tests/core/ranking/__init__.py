"""Tests of `adl_monitor/core/ranking`."""
