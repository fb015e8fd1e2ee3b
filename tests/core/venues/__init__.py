"""Tests of `adl_monitor/core/venues`."""
