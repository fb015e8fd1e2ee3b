"""Issue 9's secrets test: a whole session with marked keys, and the marks are found nowhere.

Every API key, secret and passphrase carries its own marker. The keys are added through the CLI
(on stdin) and through the Accounts dialog; snapshots, `watch` and the GUI run against the
simulated exchange (which learns the marked keys: `SimExchangeThread.add_read_only_key`) with
its faults switched on for a while; the `squeeze` moves positions up the queue so alerts fire;
history is exported by the CLI and by File → Export history…; a wrong secret, a venue's error
reply and an uncaught exception are forced. Then every file the app wrote (config and its
backups, the SQLite history and its WAL, the market cache, the log), every command's stdout and
stderr, every notification, every window title, label, tooltip and table cell, and the exported
files are searched for each marker and its base64, hex and URL-encoded forms.

The markers may stay in the in-memory test keyring (its job) and nowhere else.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from adl_monitor.cli import main
from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.config import load_config
from adl_monitor.storage.secrets import SERVICE, SecretStore
from adl_monitor.ui.accounts_dialog import AccountsDialog
from adl_monitor.ui.app import DesktopApp
from adl_monitor.ui.bridge import EngineBridge
from adl_monitor.ui.crash_handler import CrashHandler
from adl_monitor.ui.notifier import Notifier
from adl_monitor.wiring.desktop import desktop_wiring
from tests.exchanges.fixture_server import FixtureServer, running_in_thread
from tests.memory_keyring import MemoryKeyring


def _marker(kind: str) -> str:
    return f"MARKER{kind}{uuid.uuid4().hex[:16]}"


class Keys:
    """One venue's marked credentials."""

    def __init__(self, venue: str, passphrase: bool = False) -> None:
        self.venue = venue
        self.api_key = _marker("key")
        self.secret = _marker("secret")
        self.password = _marker("pass") if passphrase else None

    def markers(self) -> list[str]:
        return [m for m in (self.api_key, self.secret, self.password) if m]

    def stdin(self) -> str:
        return "\n".join(self.markers()) + "\n"


def _forms(marker: str) -> set[str]:
    """The marker as written, and as base64, hex and URL encoding would carry it."""
    raw = marker.encode()
    forms = {marker, raw.hex(), raw.hex().upper(), urllib.parse.quote(marker)}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        # Every alignment: a marker inside a longer base64 text starts at any of three offsets;
        # the first and last group of four characters also depend on the bytes around it.
        for pad in range(3):
            text = encode(b"\0" * pad + raw).decode()
            forms.add(text[4 if pad else 0 : -4])
    return {form for form in forms if len(form) >= 12}


class Witness:
    """Everything the session showed or wrote, to be searched for the markers."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, text: str) -> None:
        if text:
            self.texts.append((where, text))

    def add_tree(self, root: Path) -> None:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                self.add(str(path), path.read_bytes().decode("latin-1"))

    def leaks(self, markers: list[str]) -> list[str]:
        found = []
        for marker in markers:
            forms = _forms(marker)
            for where, text in self.texts:
                hits = [form for form in forms if form in text]
                if hits:
                    found.append(f"{marker[:12]}… in {where} (as {hits[0][:24]}…)")
        return found


@pytest.fixture
def sim() -> Iterator[SimExchangeThread]:
    thread = SimExchangeThread(scenario="squeeze", seed=9, speed=0.0, traders_per_side=40)
    thread.start()
    thread.sim.outage_hang = 1.0  # a `timeout` fault holds a request this long
    yield thread
    thread.stop()


def _run(witness: Witness, capsys: pytest.CaptureFixture[str], *argv: str) -> int:
    code = main(list(argv))
    out, err = capsys.readouterr()
    witness.add(f"stdout of {' '.join(argv[:2])}", out)
    witness.add(f"stderr of {' '.join(argv[:2])}", err)
    return code


def _add_account(
    witness: Witness,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    config: Path,
    sim: SimExchangeThread,
    name: str,
    keys: Keys,
    stdin: str | None = None,
) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin or keys.stdin()))
    return _run(
        witness,
        capsys,
        "accounts",
        "add",
        name,
        "--exchange",
        keys.venue,
        "--api-url",
        f"{sim.base_url}/{keys.venue}",
        "--config",
        str(config),
    )


def _venue_echoes_the_key(
    witness: Witness,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    config: Path,
    keys: Keys,
    sim: SimExchangeThread,
) -> None:
    """A venue whose "key rejected" reply quotes the key it was sent, and the request URL.
    Its public routes are the simulator's (ccxt loads the markets before it signs anything)."""

    async def echo(request: web.Request) -> web.StreamResponse:
        key = request.headers.get("X-BAPI-API-KEY")
        if key is None:
            async with (
                ClientSession() as session,
                session.get(f"{sim.base_url}{request.rel_url}") as public,
            ):
                return web.Response(
                    body=await public.read(), status=public.status, content_type="application/json"
                )
        body = {
            "retCode": 10003,
            "retMsg": f"API key {key} is invalid (see {request.url}&apiKey={key})",
            "result": {"apiKey": key},
        }
        return web.json_response(body, status=401)

    server = FixtureServer("bybit")
    server.fallback = echo
    with running_in_thread(server):
        config.write_text(
            f'[[accounts]]\nname = "echo"\nexchange = "bybit"\napi_url = "{server.api_url}"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("ADLMON_ECHO_API_KEY", keys.api_key)
        monkeypatch.setenv("ADLMON_ECHO_SECRET", keys.secret)
        code = _run(witness, capsys, "snapshot", "--config", str(config), "--verbose")
        assert code != 0 and "echo" in witness.texts[-1][1]  # the account failed, said so
        assert any(  # the key really went to the venue and came back in its reply
            r.headers.get("X-BAPI-API-KEY") == keys.api_key for r in server.requests
        )


def _visible_texts(witness: Witness) -> None:
    """Window titles, labels, buttons, plain line edits, tooltips, and every table cell."""
    for widget in QApplication.allWidgets():
        where = f"{type(widget).__name__} {widget.objectName()}"
        if widget.isWindow():
            witness.add(f"window title of {where}", widget.windowTitle())
        witness.add(f"tooltip of {where}", widget.toolTip())
        witness.add(f"status tip of {where}", widget.statusTip())
        if isinstance(widget, QLabel | QAbstractButton):
            witness.add(f"text of {where}", widget.text())
        if isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Normal:
            witness.add(f"text of {where}", widget.text())
        if isinstance(widget, QTextEdit | QPlainTextEdit):
            witness.add(f"text of {where}", widget.toPlainText())


def _item_texts(witness: Witness, desktop: DesktopApp) -> None:
    """Every cell of every list, table and combo box (text and tooltip), and the tray's tooltip."""
    models = {id(m): m for w in QApplication.allWidgets() if (m := _model_of(w)) is not None}
    for model in models.values():
        root = QModelIndex()
        for row in range(model.rowCount(root)):
            list_model = isinstance(model, QAbstractListModel)  # its columnCount is private
            for column in range(1 if list_model else model.columnCount(root)):
                index = model.index(row, column, root)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    text = str(model.data(index, role) or "")
                    witness.add(f"{type(model).__name__} cell {row},{column}", text)
    witness.add("tray tooltip", desktop.tray.toolTip())


def _model_of(widget: QWidget) -> QAbstractItemModel | None:
    if isinstance(widget, QAbstractItemView | QComboBox):
        return widget.model()
    return None


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_no_key_secret_or_passphrase_leaves_the_keyring(  # type: ignore[no-untyped-def]
    qtbot,
    qapp,
    sim: SimExchangeThread,
    isolated_dirs: Path,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bybit, binance, okx = Keys("bybit"), Keys("binanceusdm"), Keys("okx", passphrase=True)
    from_env = Keys("okx", passphrase=True)  # a headless user's keys, in ADLMON_ENV_OKX_*
    wrong = Keys("bybit")  # a secret the venue does not know, for the error path
    echoed = Keys("bybit")  # sent to a venue whose error reply quotes the key back
    for keys in (bybit, binance, okx, from_env):
        sim.add_read_only_key(keys.api_key, keys.secret, keys.password)
    everyone = (bybit, binance, okx, from_env, wrong, echoed)
    markers = [m for keys in everyone for m in keys.markers()]
    witness = Witness()
    config = isolated_dirs / "config" / "config.toml"
    out_dir = isolated_dirs / "exports"
    out_dir.mkdir()

    # -- accounts through the CLI: a wrong secret first, then the real ones ------------------
    typo = f"{bybit.api_key}\n{wrong.secret}\n"
    assert _add_account(witness, capsys, monkeypatch, config, sim, "typo", bybit, typo) == 1
    assert "could not verify" in witness.texts[-1][1]
    for name, keys in (("marked bybit", bybit), ("marked binance", binance)):
        assert _add_account(witness, capsys, monkeypatch, config, sim, name, keys) == 0

    with config.open("a", encoding="utf-8") as toml:
        toml.write(
            f'\n[[accounts]]\nname = "env okx"\nexchange = "okx"\napi_url = "{sim.base_url}/okx"\n'
        )
    monkeypatch.setenv("ADLMON_ENV_OKX_API_KEY", from_env.api_key)
    monkeypatch.setenv("ADLMON_ENV_OKX_SECRET", from_env.secret)
    monkeypatch.setenv("ADLMON_ENV_OKX_PASSWORD", from_env.password or "")

    # -- snapshots, healthy and with the venues misbehaving ----------------------------------
    assert _run(witness, capsys, "snapshot", "--config", str(config), "--json") == 0
    _, snapshot = witness.texts[-1]
    states = {a["name"]: a["state"] for a in json.loads(snapshot)["accounts"]}
    assert set(states.values()) == {"live"} and len(states) == 3  # the sim took every key
    sim.set_fault("bybit", "auth")  # the venue's own "key rejected" reply
    sim.set_fault("binanceusdm", "truncated")
    sim.set_fault("okx", "html")
    assert _run(witness, capsys, "snapshot", "--config", str(config), "--verbose") in (0, 1, 2)
    sim.set_fault("bybit", "503")
    sim.set_fault("binanceusdm", "timeout")
    assert _run(witness, capsys, "snapshot", "--config", str(config), "--json") in (0, 1, 2)
    sim.clear_faults()
    _venue_echoes_the_key(witness, capsys, monkeypatch, config.parent / "echo.toml", echoed, sim)

    # -- the squeeze: positions climb the queue, `watch` reports the alerts ------------------
    sim.advance(90)
    assert _run(witness, capsys, "watch", "--config", str(config), "--count", "2") == 0
    sim.advance(30)
    assert _run(witness, capsys, "watch", "--config", str(config), "--count", "2", "--json") == 0

    # -- the GUI: one more account through the dialog, notifications, export, a crash --------
    notifications: list[Alert] = []
    monkeypatch.setattr(
        Notifier, "notify", lambda self, alert, *, sound: notifications.append(alert)
    )
    wiring = desktop_wiring(config, False, None)
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    crash = CrashHandler(isolated_dirs / "log" / "adl-monitor.log", show_dialog=False)
    crash.install()
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            desktop.show()
        qtbot.waitUntil(lambda: desktop.window.model.rowCount() >= 2, timeout=30_000)

        dialog = AccountsDialog(bridge, config, desktop.window)
        qtbot.addWidget(dialog)
        dialog.accounts_changed.connect(desktop.on_accounts_changed)
        dialog.show()
        dialog.new_account()
        dialog.name.setText("marked okx")
        dialog.exchange.setCurrentIndex(dialog.exchange.findData("okx"))
        dialog.api_url.setText(f"{sim.base_url}/okx")
        dialog.api_key.setText(okx.api_key)
        dialog.secret.setText(wrong.secret)  # wrong first: the venue's reply is shown
        with qtbot.waitSignal(bridge.key_checked, timeout=15_000):
            dialog.verify_button.click()
        qtbot.waitUntil(dialog.verify_button.isEnabled)
        witness.add("dialog after a wrong secret", dialog.result_label.text())
        dialog.secret.setText(okx.secret)
        assert okx.password is not None
        dialog.password.setText(okx.password)
        with qtbot.waitSignal(bridge.key_checked, timeout=15_000):
            dialog.verify_button.click()
        qtbot.waitUntil(dialog.verify_button.isEnabled)
        assert "Read-only key" in dialog.result_label.text()
        with qtbot.waitSignal(bridge.secret_stored, timeout=10_000):
            dialog.save_button.click()
        assert [a.name for a in load_config(config).accounts] == [
            "marked bybit",
            "marked binance",
            "env okx",
            "marked okx",
        ]
        qtbot.waitUntil(
            lambda: any(r.position.account == "marked okx" for r in desktop.window.model.risks()),
            timeout=30_000,
        )
        sim.set_fault("okx", "auth")
        sim.advance(30)
        qtbot.waitUntil(lambda: bool(notifications), timeout=30_000)
        _visible_texts(witness)
        _item_texts(witness, desktop)
        sim.clear_faults()

        export = desktop.open_export()
        assert export is not None
        with qtbot.waitSignal(export.finished_export, timeout=15_000):
            export.export_to(out_dir / "gui-export.csv")

        # An uncaught exception whose text holds a secret (a library quoting what it was given).
        try:
            raise ValueError(f"cannot sign with {okx.secret} for {okx.api_key}")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
        with qtbot.waitSignal(crash.crashed, timeout=5_000) as crashed:
            pass
        witness.add("crash sentence", str(crashed.args))

        def worker() -> None:  # the same from a worker thread, with the passphrase
            raise RuntimeError(f"login refused for passphrase {okx.password}")

        with qtbot.waitSignal(crash.crashed, timeout=5_000) as crashed:
            thread = threading.Thread(target=worker, name="marked-worker")
            thread.start()
            thread.join()
        witness.add("crash sentence", str(crashed.args))
        _visible_texts(witness)
    finally:
        crash.uninstall()
        desktop.quit()
    for alert in notifications:
        witness.add("notification", f"{alert.title}\n{alert.body}")

    # -- history, exported by the CLI ---------------------------------------------------------
    csv_out, json_out = out_dir / "history.csv", out_dir / "history.json"
    assert _run(witness, capsys, "history", "export", "--csv", "--out", str(csv_out)) == 0
    assert _run(witness, capsys, "history", "export", "--json", "--out", str(json_out)) == 0
    assert _run(witness, capsys, "accounts", "list", "--config", str(config)) == 0
    assert csv_out.stat().st_size > 0 and "marked okx" in json_out.read_text(encoding="utf-8")

    # -- the search ---------------------------------------------------------------------------
    for kind in ("config", "data", "cache", "log"):
        witness.add_tree(Path(os.environ[f"ADLMON_{kind.upper()}_DIR"]))
    witness.add_tree(out_dir)
    assert any("history" in where for where, _ in witness.texts)  # the SQLite file was read
    assert any(".log" in where for where, _ in witness.texts)
    assert notifications, "the squeeze raised no alert: the test would prove nothing"
    leaks = witness.leaks(markers)
    assert not leaks, "\n".join(leaks)

    # The keyring is the one place that holds them.
    stored = "".join(
        memory_keyring.store[(SERVICE, name)] for name in ("marked bybit", "marked okx")
    )
    assert bybit.secret in stored and okx.password in stored


def test_the_search_finds_a_marker_in_each_of_its_forms() -> None:
    """The search itself can fail: a marker hidden as base64, hex or URL encoding is found."""
    marker = _marker("secret")
    raw = marker.encode()
    for shown in (
        f"a line with {marker} in it",
        f"Authorization: Basic {base64.b64encode(b'user:' + raw).decode()}",
        f"sig={base64.urlsafe_b64encode(b'xy' + raw + b'z').decode()}",
        f"dump {raw.hex()} end",
        f"GET /x?k={urllib.parse.quote(marker + '/+')}",
    ):
        witness = Witness()
        witness.add("a text", shown)
        witness.add("another text", "nothing here")
        assert len(witness.leaks([marker])) == 1, shown


def test_keys_read_from_the_keyring_or_the_environment_are_masked_in_the_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where credentials enter the process, they are registered with the log's masking: a
    traceback that quotes one bare (no `secret=` around it) shows `***` instead."""
    from adl_monitor.logging_setup import scrub

    stored, from_env = Keys("okx", passphrase=True), Keys("bybit")
    spec = AccountSpec(name="masked", exchange="okx")
    SecretStore().set(spec, Credentials(stored.api_key, stored.secret, stored.password))
    monkeypatch.setenv("ADLMON_FROM_ENV_API_KEY", from_env.api_key)
    monkeypatch.setenv("ADLMON_FROM_ENV_SECRET", from_env.secret)
    texts = [f"ValueError: bad input {m}!" for m in stored.markers() + from_env.markers()]
    assert [scrub(t) for t in texts] == texts  # nothing held yet: nothing to mask

    assert SecretStore().get(spec) is not None
    assert SecretStore().get(AccountSpec(name="from env", exchange="bybit")) is not None
    assert [scrub(t) for t in texts] == ["ValueError: bad input ***!"] * len(texts)
