"""Accounts dialog: secrets go to the keyring (never the config), "Verify" asks the venue.

The engine and the simulated exchange are real: the verdicts come from the simulator's key
permission endpoints through the real connectors, on loopback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET, DEMO_TRADE_KEY, DEMO_WITHDRAW_KEY
from adl_monitor.storage.config import load_config
from adl_monitor.storage.secrets import SERVICE
from adl_monitor.ui.accounts_dialog import AccountsDialog
from adl_monitor.ui.bridge import EngineBridge
from tests.memory_keyring import MemoryKeyring
from tests.ui.artifacts import save_artifact


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "config.toml"


def _dialog(qtbot, bridge: EngineBridge, config_path: Path) -> AccountsDialog:  # type: ignore[no-untyped-def]
    dialog = AccountsDialog(bridge, config_path)
    qtbot.addWidget(dialog)
    return dialog


def _fill(dialog: AccountsDialog, sim, name: str, key: str) -> None:  # type: ignore[no-untyped-def]
    dialog.new_account()
    dialog.name.setText(name)
    dialog.exchange.setCurrentIndex(dialog.exchange.findData("bybit"))
    dialog.api_url.setText(f"{sim.base_url}/bybit")
    dialog.api_key.setText(key)
    dialog.secret.setText(DEMO_SECRET)


def _verify(qtbot, dialog: AccountsDialog, bridge: EngineBridge) -> str:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(bridge.key_checked, timeout=15_000):
        dialog.verify_button.click()
    qtbot.waitUntil(lambda: dialog.verify_button.isEnabled())
    return dialog.result_label.text()


def test_secret_goes_to_the_keyring_and_not_to_the_config(
    qtbot,
    engine_bridge: EngineBridge,
    sim,
    config_path: Path,
    memory_keyring: MemoryKeyring,
    loopback_factory,
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "my bybit", DEMO_API_KEY)
    assert "Read-only key" in _verify(qtbot, dialog, engine_bridge)
    assert "my bybit:check_key" in loopback_factory.checked

    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000) as stored:
        dialog.save_button.click()
    assert stored.args == ["my bybit", ""]
    assert "in the system keyring" in dialog.result_label.text()
    assert DEMO_SECRET in memory_keyring.store[(SERVICE, "my bybit")]
    text = config_path.read_text(encoding="utf-8")
    assert DEMO_SECRET not in text and DEMO_API_KEY not in text
    (spec,) = load_config(config_path).accounts
    assert (spec.name, spec.exchange, spec.api_url) == (
        "my bybit",
        "bybit",
        f"{sim.base_url}/bybit",
    )
    assert not dialog.api_key.text() and not dialog.secret.text()  # the form forgets the key


def test_trading_key_is_named_and_kept_only_with_a_warning(
    qtbot, engine_bridge: EngineBridge, sim, config_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "trader", DEMO_TRADE_KEY)
    assert "This key can trade" in _verify(qtbot, dialog, engine_bridge)
    dialog.save_button.click()
    assert "tick" in dialog.result_label.text()
    assert not config_path.exists() or not load_config(config_path).accounts

    dialog.allow_trading.setChecked(True)
    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000):
        dialog.save_button.click()
    assert load_config(config_path).account("trader").allow_trading_key  # type: ignore[union-attr]
    assert dialog.badge.isVisibleTo(dialog)
    assert "⚠" in dialog.list.item(0).text()
    save_artifact(dialog, "accounts-dialog-trading-key.png")


def test_withdrawal_key_is_refused(
    qtbot, engine_bridge: EngineBridge, sim, config_path: Path, memory_keyring: MemoryKeyring
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "risky", DEMO_WITHDRAW_KEY)
    assert "can withdraw funds" in _verify(qtbot, dialog, engine_bridge)
    dialog.allow_trading.setChecked(True)
    dialog.save_button.click()
    assert "refused" in dialog.result_label.text()
    assert not memory_keyring.store
    assert not config_path.exists() or not load_config(config_path).accounts


def test_wrong_secret_is_explained(
    qtbot, engine_bridge: EngineBridge, sim, config_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "typo", DEMO_API_KEY)
    dialog.secret.setText("not-the-secret")
    words = _verify(qtbot, dialog, engine_bridge)
    assert "could not be verified" in words
    assert "typo" in words and "rejected" in words
    assert "Read-only" not in words


def test_remove_deletes_the_account_and_its_key(
    qtbot,
    engine_bridge: EngineBridge,
    sim,
    config_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "gone soon", DEMO_API_KEY)
    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000):
        dialog.save_button.click()
    assert (SERVICE, "gone soon") in memory_keyring.store
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.list.setCurrentRow(0)
    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000):
        dialog.remove_button.click()
    assert load_config(config_path).accounts == ()
    qtbot.waitUntil(lambda: (SERVICE, "gone soon") not in memory_keyring.store)


def test_without_a_secure_keyring_the_key_can_stay_in_memory_for_the_session(
    qtbot, engine_bridge: EngineBridge, sim, config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: NoKeyring())
    asked: list[str] = []

    def yes(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "no keyring", DEMO_API_KEY)
    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000) as stored:
        dialog.save_button.click()
    assert stored.args == ["no keyring", ""]
    assert "no secure keyring" in asked[0]
    spec = load_config(config_path).account("no keyring")
    assert engine_bridge.session.secrets.get(spec).secret == DEMO_SECRET  # type: ignore[union-attr]
    assert DEMO_SECRET not in config_path.read_text(encoding="utf-8")


def test_plain_http_to_another_host_is_refused_before_the_key_is_sent(
    qtbot, engine_bridge: EngineBridge, sim, config_path: Path, loopback_factory
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "far", DEMO_API_KEY)
    dialog.api_url.setText("http://api.bybit.invalid")
    dialog.verify_button.click()
    assert "plain http" in dialog.result_label.text() and "https://" in dialog.result_label.text()
    dialog.save_button.click()
    assert "plain http" in dialog.result_label.text()
    assert loopback_factory.checked == [] and not config_path.exists()


def test_a_name_sharing_another_accounts_environment_form_is_refused(
    qtbot, engine_bridge: EngineBridge, sim, config_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "main-acct", DEMO_API_KEY)
    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000):
        dialog.save_button.click()
    _fill(dialog, sim, "Main.Acct", DEMO_API_KEY)
    dialog.save_button.click()
    assert "would share the environment variables" in dialog.result_label.text()
    assert [a.name for a in load_config(config_path).accounts] == ["main-acct"]


def test_the_dialog_and_accounts_add_store_the_key_before_the_config_names_it(
    qtbot,
    engine_bridge: EngineBridge,
    sim,
    config_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    """One save order for both paths (storage/account_save.py): a config entry never names an
    account whose key is not in the keyring yet."""
    import io

    from adl_monitor.cli import main

    order: list[tuple[str, bool]] = []
    real_set = memory_keyring.set_password

    def set_password(service: str, name: str, password: str) -> None:
        named = config_path.exists() and load_config(config_path).account(name) is not None
        order.append((name, named))
        real_set(service, name, password)

    monkeypatch.setattr(memory_keyring, "set_password", set_password)
    dialog = _dialog(qtbot, engine_bridge, config_path)
    _fill(dialog, sim, "from the dialog", DEMO_API_KEY)
    with qtbot.waitSignal(engine_bridge.secret_stored, timeout=10_000) as stored:
        dialog.save_button.click()
    assert stored.args == ["from the dialog", ""]

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n"))
    added = main(
        [
            "accounts",
            "add",
            "from the cli",
            "--exchange",
            "bybit",
            "--api-url",
            f"{sim.base_url}/bybit",
            "--config",
            str(config_path),
        ]
    )
    assert added == 0
    assert order == [("from the dialog", False), ("from the cli", False)]
    names = [spec.name for spec in load_config(config_path).accounts]
    assert names == ["from the dialog", "from the cli"]
