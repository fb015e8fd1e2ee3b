"""Engine settings from the config: the venues' own cadence unless the user chose one."""

from __future__ import annotations

from adl_monitor.engine.settings import EngineSettings


def test_the_venue_cadence_applies_until_the_user_sets_a_refresh() -> None:
    assert EngineSettings.from_config({}).period_for(5.0) == 5.0
    assert EngineSettings.from_config({"refresh_seconds": 30}).period_for(5.0) == 30.0


def test_an_invalid_refresh_reads_as_the_documented_default_not_a_crash() -> None:
    from adl_monitor.storage.settings import REFRESH_SECONDS

    for bad in ("fast", 0, 10_000, True):
        settings = EngineSettings.from_config({"refresh_seconds": bad})
        assert settings.refresh_seconds == REFRESH_SECONDS.default
