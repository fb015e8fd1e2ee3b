"""Tests of `adl_monitor/core/alerts`."""
