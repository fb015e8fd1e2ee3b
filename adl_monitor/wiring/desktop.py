"""The desktop app's engine sessions, built by the composition root and handed to the window
as a `DesktopWiring` (adl_monitor/ui/desktop_wiring.py): the UI never opens sources itself.

A starter runs on a worker thread (`EngineBridge`): it opens the sources (the simulator when
no account is configured yet), widens the credential lookup to the keyring — accounts the user
adds while the app runs have their keys there — and builds the runner.
"""

from __future__ import annotations

import os
from pathlib import Path

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.ui.bridge import EngineSession, StartRefused
from adl_monitor.ui.desktop_wiring import DesktopWiring, EngineStarter

SIM_SPEED_ENV = "ADLMON_SIM_SPEED"
"""Developer and desktop-test knob: how fast the simulated exchange's clock runs."""


def desktop_wiring(
    config_path: Path | None, demo: bool = False, scenario: str | None = None
) -> DesktopWiring:
    """What the window needs for `adl-monitor [--demo [--scenario NAME]] [--config PATH]`."""
    return DesktopWiring(
        config_path=config_path,
        demo=demo,
        start_engine=engine_starter(config_path, demo, scenario),
        start_configured_engine=engine_starter(config_path, False, None),
    )


def engine_starter(config_path: Path | None, demo: bool, scenario: str | None) -> EngineStarter:
    """A function (run on a worker thread) that opens the sources and builds the runner."""

    def start() -> EngineSession:
        # Imported here, on the worker thread after the first paint: the sources bring the
        # history database, the engine and the simulator, which the window does not need.
        from adl_monitor.storage.secrets import SecretStore
        from adl_monitor.wiring.sources import SourcesError, open_sources

        try:
            sources = open_sources(
                config_path, demo, scenario, demo_when_empty=True, speed=_sim_speed()
            )
        except SourcesError as error:
            raise StartRefused(str(error)) from None
        store = SecretStore()
        source_lookup = sources.credentials

        def credentials(spec: AccountSpec) -> Credentials | None:
            # Demo accounts have published keys; accounts the user adds are in the keyring.
            return source_lookup(spec) or store.get(spec)

        runner = sources.runner(credentials=credentials)
        return EngineSession(
            runner=runner,
            demo=sources.demo,
            scenario=sources.scenario,
            accounts=tuple(sources.accounts),
            close=sources.close,
            secrets=store,
            history_path=sources.history_path,
        )

    return start


def _sim_speed() -> float:
    try:
        return max(0.1, float(os.environ.get(SIM_SPEED_ENV, "1")))
    except ValueError:
        return 1.0
