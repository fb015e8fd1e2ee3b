"""Pressing OK in Settings never makes the app ask the exchanges faster than they publish.

The whole desktop app (real window, tray, Settings dialog, engine thread, ccxt connectors)
monitors eight accounts on the simulated exchange. The requests each simulated venue receives
are counted at the simulator, over an interval after the change; whatever the config said and
whatever the dialog wrote, no venue sees more than its accounts can ask at the venue's own
cadence (`position_interval`, 5 s on every simulated venue). The bug this guards against: the
dialog wrote `refresh_seconds = 0` ("each venue's own pace") and the engine read it as a 0.05 s
period — twenty times the venue's pace for every account.

The bound is one-sided, so a slow machine only makes the test pass by a wider margin: it
counts requests over a wall-clock interval, never how long anything took.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from adl_monitor.core.alerts.rules import AlertSettings
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage import settings as opt
from adl_monitor.storage.config import AppConfig, save_config
from adl_monitor.storage.secrets import SecretStore
from adl_monitor.ui.app import DesktopApp
from adl_monitor.ui.bridge import EngineBridge
from adl_monitor.ui.settings_dialog import SettingsDialog
from adl_monitor.wiring.desktop import desktop_wiring

VENUE_CADENCE = 5.0
"""Every simulated venue's `position_interval` (exchanges/base.py): a refresh per 5 s."""
SAME_PATH_PER_REFRESH = {("bybit", "GET /v5/position/list"): 2}
"""Paths one refresh of one account asks more than once (Bybit reads its positions once per
settle coin); every other path at most once — markets, the key check and Binance's ADL less."""
STREAM_SETUP = {("binanceusdm", "POST /fapi/v1/listenKey")}
"""Opening a position stream is paced by the stream's back-off, not by the refresh period."""
WINDOW = 2.5
"""Seconds the requests are counted over: shorter than the cadence, so at the venue's pace
each account refreshes once or twice in it, and at 0.05 s dozens of times."""
COPIES = 2  # accounts per venue: eight accounts on the four simulated venues


class RequestCounter:
    """Counts what the simulator's venues receive: wraps each venue's request handler in the
    running simulator (the real handler still answers)."""

    def __init__(self, sim: SimExchangeThread) -> None:
        self.hits: list[tuple[float, str, str]] = []
        for venue, dialect in sim.sim.dialects.items():
            real = dialect.handle

            async def counted(request: Any, path: str, real: Any = real, venue: str = venue) -> Any:
                self.hits.append((time.monotonic(), venue, f"{request.method} {path}"))
                return await real(request, path)

            dialect.handle = counted  # type: ignore[method-assign]

    def since(self, start: float) -> Counter[tuple[str, str]]:
        return Counter((venue, path) for at, venue, path in list(self.hits) if at >= start)


def _accounts(sim: SimExchangeThread) -> list[AccountSpec]:
    """Two accounts per simulated venue, their demo keys in the (in-memory) keyring."""
    store = SecretStore()
    specs = []
    for demo in sim.sim.demo_accounts():
        for copy in range(1, COPIES + 1):
            spec = AccountSpec(
                name=f"{demo.exchange}-{copy}",
                exchange=demo.exchange,
                api_url=demo.api_url,
                wallet_address=demo.wallet_address,
            )
            credentials = demo.credentials()
            if credentials is not None:
                store.set(spec, credentials)
            specs.append(spec)
    return specs


def _config(tmp_path: Path, accounts: list[AccountSpec], refresh: object) -> Path:
    settings = {} if refresh is None else {"refresh_seconds": refresh}
    path = tmp_path / "config" / "config.toml"
    return save_config(AppConfig(accounts=tuple(accounts), settings=settings), path)


@pytest.fixture
def counter(sim: SimExchangeThread) -> RequestCounter:
    return RequestCounter(sim)


@pytest.fixture
def running_app(qtbot: Any, qapp: Any, sim: SimExchangeThread, tmp_path: Path) -> Iterator[Any]:
    """Start the desktop app on a config with eight simulated accounts; yields a function
    taking the config's `refresh_seconds` (None: not set) that returns the running app."""
    apps: list[DesktopApp] = []

    def start(refresh: object) -> DesktopApp:
        accounts = _accounts(sim)
        config = _config(tmp_path, accounts, refresh)
        wiring = desktop_wiring(config, False, None)
        bridge = EngineBridge(wiring.start_engine)
        desktop = DesktopApp(qapp, bridge, wiring)
        apps.append(desktop)
        qtbot.addWidget(desktop.window)
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            desktop.show()
        names = {spec.name for spec in accounts}
        qtbot.waitUntil(lambda: _all_read(desktop.window.last_snapshot, names), timeout=30_000)
        return desktop

    yield start
    for desktop in apps:
        desktop.quit()


def _all_read(snapshot: Snapshot | None, names: set[str]) -> bool:
    if snapshot is None:
        return False
    read = {status.name for status in snapshot.accounts if status.fetched_at is not None}
    return read >= names


def _press_ok(
    qtbot: Any, desktop: DesktopApp, refresh: int | None = None, cooldown: int | None = None
) -> str:
    """Open Settings, change what is given, press OK; returns what the dialog said on opening."""
    desktop.open_settings()
    # The one on screen: a dialog closed by an earlier OK is deleted only when the event loop
    # gets to it, and may still be the window's child (and `findChild` would return it).
    (dialog,) = [d for d in desktop.window.findChildren(SettingsDialog) if d.isVisible()]
    said: str = dialog.error.text()
    if refresh is not None:
        dialog.refresh.setValue(refresh)
    if cooldown is not None:
        dialog.cooldown.setValue(cooldown)
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return said


def _assert_at_venue_pace(qtbot: Any, counter: RequestCounter, *, woken: bool) -> None:
    """Count over WINDOW seconds; no path of any venue is asked more often than two accounts
    refreshing at the venue's cadence can ask it (`woken`: the user's "refresh now" adds one
    refresh to each account)."""
    start = time.monotonic()
    qtbot.wait(int(WINDOW * 1000))
    elapsed = time.monotonic() - start
    refreshes = math.floor(elapsed / VENUE_CADENCE) + 1 + (1 if woken else 0)
    counts = counter.since(start)
    too_many = {
        key: n
        for key, n in counts.items()
        if key not in STREAM_SETUP and n > COPIES * SAME_PATH_PER_REFRESH.get(key, 1) * refreshes
    }
    assert not too_many, (
        f"{refreshes} refreshes per account allowed in {elapsed:.1f} s, but: {too_many}; "
        f"all: {dict(counts)}"
    )


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
@pytest.mark.parametrize(
    "configured",
    [None, 0, -1, 2, 1e15, math.inf, math.nan, "fast"],
    ids=["unset", "zero", "negative", "below-cadence", "1e15", "inf", "nan", "text"],
)
def test_ok_in_settings_keeps_every_venue_at_its_own_pace(
    qtbot: Any, running_app: Any, counter: RequestCounter, configured: object
) -> None:
    desktop = running_app(configured)
    refused = configured not in (None, 0, 2)
    if refused:  # named in one sentence, and the default (the venues' own pace) is used
        assert "refresh_seconds" in desktop.window.notice.text()
        assert "is ignored" in desktop.window.notice.text()
    else:
        assert not desktop.window.notice.isVisible()
    _assert_at_venue_pace(qtbot, counter, woken=False)  # as the config was at start-up

    said = _press_ok(qtbot, desktop)  # the engine refreshes now, then at the new period
    assert ("refresh_seconds" in said) is refused
    _assert_at_venue_pace(qtbot, counter, woken=True)
    assert opt.Settings.load(desktop.config_path).problems() == ()  # OK wrote a valid value
    assert not desktop.window.notice.isVisible()


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_a_refresh_below_the_venue_cadence_from_the_dialog_is_not_faster(
    qtbot: Any, running_app: Any, counter: RequestCounter
) -> None:
    desktop = running_app(None)
    _press_ok(qtbot, desktop, refresh=1)
    assert opt.Settings.load(desktop.config_path).get(opt.REFRESH_SECONDS) == 1
    _assert_at_venue_pace(qtbot, counter, woken=True)


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_ok_in_settings_keeps_a_pause_and_a_snooze(qtbot: Any, running_app: Any) -> None:
    desktop = running_app(None)
    engine = desktop.bridge.runner.engine

    def rules() -> AlertSettings:  # what the engine's alert rules hold now
        settings: AlertSettings = engine._alert_rules.settings
        return settings

    desktop.tray.pause_action.setChecked(True)  # the tray's "Pause alerts"
    qtbot.waitUntil(lambda: rules().paused)
    _press_ok(qtbot, desktop, cooldown=30)
    qtbot.waitUntil(lambda: rules().cooldown == timedelta(minutes=30))
    assert rules().paused
    assert desktop.tray.pause_action.isChecked()
    assert desktop.window.alert_state.text() == "Alerts paused"

    desktop.tray.pause_action.setChecked(False)
    snooze = desktop.tray.snooze_menu.actions()[1]  # "For 1 hour"
    snooze.trigger()
    qtbot.waitUntil(lambda: rules().snooze_until is not None and not rules().paused)
    until = rules().snooze_until
    _press_ok(qtbot, desktop, cooldown=45)
    qtbot.waitUntil(lambda: rules().cooldown == timedelta(minutes=45))
    assert rules().snooze_until == until
    assert not rules().paused
    assert desktop.window.alert_state.text().startswith("Alerts snoozed until")
