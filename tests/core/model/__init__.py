"""Tests of `adl_monitor/core/model`."""
