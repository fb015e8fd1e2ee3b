"""Tests of `adl_monitor/core/security`."""
