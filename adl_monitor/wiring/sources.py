"""Where the accounts to monitor come from, and the engine built on them — for `snapshot`,
`watch` and the desktop app alike (the composition root's wiring, docs/architecture.md).

Either the user's config (accounts from the TOML file, secrets from the environment or the OS
keyring), or demo mode: the simulated exchange started on 127.0.0.1 in a background thread,
with its demo accounts and their published read-only keys. Demo mode keeps its own history and
calibration files, so simulated positions never mix with the user's real history.

Problems become a `SourcesError` whose message is one sentence saying what to do; the caller
prints it (CLI) or shows it (GUI) — never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adl_monitor.core.alerts.rules import AlertSettings
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.engine.user_settings import MonitorSettings, monitor_settings
from adl_monitor.storage import demo_history, paths

if TYPE_CHECKING:
    from adl_monitor.engine.engine import Engine
    from adl_monitor.engine.options import EngineOptions
    from adl_monitor.engine.runner import EngineRunner

_log = logging.getLogger(__name__)

DEFAULT_DEMO_SCENARIO = "calm"


class SourcesError(Exception):
    """Accounts could not be set up; the message is one sentence for the user."""


@dataclass
class Sources:
    """The accounts to monitor and how to unlock them. Close it to stop the simulator."""

    accounts: tuple[AccountSpec, ...]
    credentials: Callable[[AccountSpec], Credentials | None]
    demo: bool
    sim: Any = None
    """The running `SimExchangeThread` in demo mode, else None."""
    scenario: str | None = None
    config_path: Path | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The config's `[settings]` table (empty in pure demo mode)."""
    history_path: Path = field(default_factory=paths.default_history_path)
    calibration_path: Path = field(default_factory=lambda: paths.data_dir() / "calibration.json")
    sim_calibration_path: Path | None = None
    """Where accounts marked `simulator = true` calibrate, apart from the real accounts' file
    (engine/calibration.py); None: in `calibration_path` (the demo, all simulator)."""
    cache_dir: Path = field(default_factory=paths.cache_dir)

    def monitor_settings(self, refresh_seconds: float | None = None) -> MonitorSettings:
        """The engine and alert settings from `[settings]` (`watch --refresh` overrides), with
        a sentence per refused value (engine/user_settings.py)."""
        return monitor_settings(self.settings, refresh_seconds=refresh_seconds)

    @property
    def engine_settings(self) -> EngineSettings:
        return self.monitor_settings().engine

    @property
    def alert_settings(self) -> AlertSettings:
        return self.monitor_settings().alerts

    @property
    def settings_problems(self) -> tuple[str, ...]:
        """One sentence per value in `[settings]` that is refused (its default is used)."""
        return self.monitor_settings().problems

    @property
    def base_url(self) -> str | None:
        """The simulator's `http://127.0.0.1:PORT` in demo mode."""
        return getattr(self.sim, "base_url", None) if self.sim is not None else None

    def engine(self) -> Engine:
        """An engine for these accounts, with their history, calibration and market cache."""
        from adl_monitor.engine.engine import Engine

        return Engine(self.accounts, self.credentials, self.engine_options())

    def runner(
        self,
        *,
        credentials: Callable[[AccountSpec], Credentials | None] | None = None,
        settings: EngineSettings | None = None,
    ) -> EngineRunner:
        """The same engine on its own thread (GUI, `watch`); the caller may widen the credential
        lookup (the GUI adds the keyring for accounts added while running) or the settings."""
        from adl_monitor.engine.runner import EngineRunner

        return EngineRunner(
            self.accounts, credentials or self.credentials, self.engine_options(settings)
        )

    def engine_options(self, settings: EngineSettings | None = None) -> EngineOptions:
        """These sources' history, calibration and market cache files, with the engine and
        alert settings of `[settings]` (or the engine `settings` given)."""
        from adl_monitor.engine.options import EngineOptions

        resolved = self.monitor_settings()
        return EngineOptions(
            settings=settings if settings is not None else resolved.engine,
            alert_settings=resolved.alerts,
            history_path=self.history_path,
            calibration_path=self.calibration_path,
            sim_calibration_path=self.sim_calibration_path,
            cache_dir=self.cache_dir,
        )

    def close(self) -> None:
        sim, self.sim = self.sim, None
        if sim is not None:
            try:
                sim.stop()
            except Exception:
                _log.warning("stopping the simulated exchange failed", exc_info=True)

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_sources(
    config_path: Path | None = None,
    demo: bool = False,
    scenario: str | None = None,
    *,
    demo_when_empty: bool = False,
    seed: int = 1,
    speed: float = 1.0,
) -> Sources:
    """The config's accounts, or the simulator's demo accounts when `demo` (or when the config
    has none and `demo_when_empty`, as the GUI does). Raises `SourcesError`."""
    from adl_monitor.storage.config import ConfigError, load_config

    settings: Mapping[str, Any] = {}
    try:
        config = load_config(config_path)
    except ConfigError as error:
        if not demo:
            raise SourcesError(str(error)) from None
        _log.warning("demo mode ignores the broken config: %s", error)
    else:
        settings = config.settings
        if not demo and config.accounts:
            return _configured(config.accounts, config.path or config_path, settings)
        if not demo and not demo_when_empty:
            where = config.path or config_path or paths.default_config_path()
            raise SourcesError(
                f"No account is configured in {where} — add one with "
                "`adl-monitor accounts add NAME --exchange ID`, or try --demo."
            )
    return _demo(scenario or DEFAULT_DEMO_SCENARIO, settings, seed, speed)


def _configured(
    accounts: tuple[AccountSpec, ...], config_path: Path | None, settings: Mapping[str, Any]
) -> Sources:
    from adl_monitor.storage.secrets import SecretStore

    store = SecretStore()

    def credentials(spec: AccountSpec) -> Credentials | None:
        return store.get(spec) or simulator_credentials(spec)

    return Sources(
        accounts=accounts,
        credentials=credentials,
        demo=False,
        config_path=config_path,
        settings=settings,
        sim_calibration_path=paths.data_dir() / "sim-calibration.json",
    )


def simulator_credentials(spec: AccountSpec) -> Credentials | None:
    """The simulator's public demo key for an account the config marks `simulator = true` on
    this computer (`AccountSpec.uses_demo_key`), used only when no key of the user's is stored:
    `sim-exchange --write-config` then works as written (docs/simulator.md). Never for any
    other host — a real venue's key is never guessed."""
    if not spec.uses_demo_key:
        return None
    from adl_monitor.sim.demo import demo_credentials

    return demo_credentials(spec.exchange)


def _demo(scenario: str, settings: Mapping[str, Any], seed: int, speed: float) -> Sources:
    from adl_monitor.sim.scenarios import get_scenario

    try:
        get_scenario(scenario)
    except ValueError as error:
        raise SourcesError(f"{str(error).capitalize()}.") from None
    sim_thread = _sim_thread_class()(scenario=scenario, seed=seed, speed=speed)
    try:
        base_url = sim_thread.start()
        demo_accounts = list(sim_thread.sim.demo_accounts())
    except Exception as error:
        _log.warning("the simulated exchange did not start", exc_info=True)
        try:
            sim_thread.stop()
        finally:
            raise SourcesError(
                f"The simulated exchange could not start ({error}) — see the log file."
            ) from None
    _log.info("simulated exchange (%s) at %s", scenario, base_url)
    by_name = {account.name: account for account in demo_accounts}

    def credentials(spec: AccountSpec) -> Credentials | None:
        account = by_name.get(spec.name)
        return account.credentials() if account is not None else None

    data = paths.data_dir()
    return Sources(
        accounts=tuple(account.spec() for account in demo_accounts),
        credentials=credentials,
        demo=True,
        sim=sim_thread,
        scenario=scenario,
        settings=settings,
        history_path=demo_history.new_run_path(scenario, seed),
        calibration_path=data / "demo-calibration.json",
    )


def _sim_thread_class() -> Any:
    from adl_monitor.sim.thread import SimExchangeThread

    return SimExchangeThread
