"""Accounts: add, edit, remove; the secret goes straight to the keyring; "Verify" asks the venue.

The config file gets the account's name, venue, API URL and wallet address — never a secret.
The key is judged by the same rules as `accounts add` (core/security/key_acceptance.py) and saved in
the same order: keyring first, then config (storage/account_save.py). The bridge does that on
a worker thread, and the read-only check runs in the engine; both answer with a signal, so the
dialog never blocks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from adl_monitor.core.model.account_spec import (
    PASSPHRASE_EXCHANGES,
    SUPPORTED_EXCHANGES,
    AccountSpec,
    Credentials,
    account_problem,
)
from adl_monitor.core.security.held_secrets import hold
from adl_monitor.core.security.key_acceptance import KeyOutcome, accept_key
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.core.venues.display_names import venue_display_name
from adl_monitor.storage.config import AppConfig, ConfigError, load_config, update_config
from adl_monitor.ui.bridge import EngineBridge

_RED = "#db2828"
_ORANGE = "#f2711c"
_GREEN = "#2fb344"


def _translate(text: str) -> str:
    return QCoreApplication.translate("AccountsDialog", text)


def describe_key_check(check: KeyCheck) -> tuple[str, str]:
    """The verdict in words a trader understands, and the colour to show it in."""
    tr = _translate
    perms = ", ".join(check.permissions)
    if check.verdict is KeyVerdict.READ_ONLY:
        text, colour = tr("Read-only key: it can read positions and nothing else."), _GREEN
    elif check.verdict is KeyVerdict.CAN_TRADE:
        text = tr(
            "This key can trade ({perms}). ADL Monitor only reads: create a read-only key, "
            "or tick “Allow a key that can trade” to use this one with a warning."
        ).format(perms=perms or tr("trading"))
        colour = _ORANGE
    elif check.verdict is KeyVerdict.CAN_WITHDRAW:
        text = tr(
            "This key can withdraw funds ({perms}). It is refused: create a read-only key."
        ).format(perms=perms or tr("withdrawals"))
        colour = _RED
    elif check.verdict is KeyVerdict.NOT_NEEDED:
        text, colour = tr("No key needed: positions are read by wallet address."), _GREEN
    else:
        text, colour = tr("The key could not be verified:"), _ORANGE
        return (f"{text} {check.message}" if check.message else text), colour
    if check.message:
        text += "\n" + tr("The exchange's answer: {message}").format(message=check.message)
    return text, colour


class AccountsDialog(QDialog):
    accounts_changed = Signal(object)  # tuple[AccountSpec, ...] now in the config

    def __init__(
        self, bridge: EngineBridge, config_path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Accounts"))
        self._bridge = bridge
        self._config_path = config_path
        self._editing: str | None = None  # name of the account in the form, None = new
        self._last_check: tuple[str, KeyCheck] | None = None
        self._saving: tuple[AccountSpec, bool] | None = None  # sent to the keyring; new?

        self.list = QListWidget()
        self.list.setMinimumWidth(200)
        self.add_button = QPushButton(self.tr("Add"))
        self.remove_button = QPushButton(self.tr("Remove"))

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Bybit main"))
        self.exchange = QComboBox()
        for exchange in SUPPORTED_EXCHANGES:
            self.exchange.addItem(venue_display_name(exchange), exchange)
        self.api_url = QLineEdit()
        self.api_url.setPlaceholderText(self.tr("optional: testnet, proxy or simulator URL"))
        self.wallet = QLineEdit()
        self.wallet.setPlaceholderText("0x…")
        self.api_key = QLineEdit()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.allow_trading = QCheckBox(self.tr("Allow a key that can trade (shown with a warning)"))
        self.key_hint = QLabel("")
        self.key_hint.setWordWrap(True)
        self.verify_button = QPushButton(self.tr("Verify"))
        self.save_button = QPushButton(self.tr("Save"))
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.badge = QLabel("⚠ " + self.tr("This account's key can trade"))
        self.badge.setStyleSheet(f"color: {_ORANGE}; font-weight: bold;")
        self.badge.hide()

        self.form = QFormLayout()
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Exchange"), self.exchange)
        self.form.addRow(self.tr("API URL"), self.api_url)
        self.form.addRow(self.tr("Wallet address"), self.wallet)
        self.form.addRow(self.tr("API key"), self.api_key)
        self.form.addRow(self.tr("Secret"), self.secret)
        self.form.addRow(self.tr("Passphrase"), self.password)
        self.form.addRow(self.allow_trading)
        self.form.addRow(self.key_hint)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.remove_button)
        left.addLayout(list_buttons)

        right = QVBoxLayout()
        right.addWidget(self.badge)
        right.addLayout(self.form)
        action_row = QHBoxLayout()
        action_row.addWidget(self.verify_button)
        action_row.addStretch(1)
        action_row.addWidget(self.save_button)
        right.addLayout(action_row)
        right.addWidget(self.result_label)
        right.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)

        self.list.currentItemChanged.connect(self._on_current_changed)
        self.add_button.clicked.connect(self.new_account)
        self.remove_button.clicked.connect(self.remove_current)
        self.save_button.clicked.connect(self.save)
        self.verify_button.clicked.connect(self.verify)
        self.exchange.currentIndexChanged.connect(self._update_fields)
        bridge.key_checked.connect(self._on_key_checked)
        bridge.secret_stored.connect(self._on_secret_stored)
        bridge.secure_store_missing.connect(self._on_no_secure_store)
        self._reload()
        if self.list.count() == 0:
            self.new_account()

    # -- config --------------------------------------------------------------------------
    def _config(self) -> AppConfig:
        return load_config(self._config_path)

    def _reload(self, select: str | None = None) -> None:
        try:
            accounts = self._config().accounts
        except ConfigError as error:
            self._say(str(error), _RED)
            accounts = ()
        self.list.blockSignals(True)
        self.list.clear()
        for spec in accounts:
            label = f"{spec.name} · {venue_display_name(spec.exchange)}"
            if spec.allow_trading_key:
                label += "  ⚠"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, spec)
            if spec.allow_trading_key:
                item.setToolTip(self.tr("This account's key can trade"))
            self.list.addItem(item)
            if spec.name == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(self.list.count() > 0)

    # -- form ----------------------------------------------------------------------------
    def new_account(self) -> None:
        self.list.clearSelection()
        self._editing = None
        self._fill(None)
        self.name.setFocus()

    def _on_current_changed(self, item: QListWidgetItem | None) -> None:
        spec = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self._editing = spec.name if spec is not None else None
        self._fill(spec)

    def _fill(self, spec: AccountSpec | None) -> None:
        self.name.setText(spec.name if spec else "")
        self.name.setReadOnly(spec is not None)  # renaming would orphan the keyring entry
        index = self.exchange.findData(spec.exchange if spec else SUPPORTED_EXCHANGES[0])
        self.exchange.setCurrentIndex(max(0, index))
        self.api_url.setText(spec.api_url or "" if spec else "")
        self.wallet.setText(spec.wallet_address or "" if spec else "")
        for field in (self.api_key, self.secret, self.password):
            field.clear()
        self.allow_trading.setChecked(bool(spec and spec.allow_trading_key))
        self.badge.setVisible(bool(spec and spec.allow_trading_key))
        self.key_hint.setText(
            self.tr("Leave the key fields empty to keep the key stored in the keyring.")
            if spec
            else self.tr("The key and secret go to the system keyring, never to the config file.")
        )
        self.result_label.clear()
        self._last_check = None
        self._update_fields()

    def _update_fields(self) -> None:
        exchange = self.exchange.currentData()
        keyless = exchange == "hyperliquid"
        for widget in (self.api_key, self.secret, self.allow_trading):
            self._set_row_visible(widget, not keyless)
        self._set_row_visible(self.password, exchange in PASSPHRASE_EXCHANGES)
        self._set_row_visible(self.wallet, keyless)

    def _set_row_visible(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget, visible)

    def _spec_from_form(self) -> AccountSpec | None:
        name = self.name.text().strip()
        if not name:
            self._say(self.tr("Give the account a name."), _RED)
            return None
        exchange = str(self.exchange.currentData())
        wallet = self.wallet.text().strip() or None
        if exchange == "hyperliquid" and not wallet:
            self._say(
                self.tr("Hyperliquid needs the wallet address whose positions to read."), _RED
            )
            return None
        spec = AccountSpec(
            name=name,
            exchange=exchange,
            api_url=self.api_url.text().strip() or None,
            wallet_address=wallet if exchange == "hyperliquid" else None,
            allow_trading_key=self.allow_trading.isChecked() and exchange != "hyperliquid",
        )
        # The same check as the config loader and `accounts add`, before a key is sent anywhere.
        try:
            others = self._config().accounts
        except ConfigError:
            others = ()
        problem = account_problem(spec, others)
        if problem is not None:
            self._say(problem, _RED)
            return None
        return spec

    def _credentials_from_form(self, spec: AccountSpec) -> Credentials | None:
        if not spec.needs_key:
            return None
        key, secret = self.api_key.text().strip(), self.secret.text().strip()
        if not key and not secret:
            return None
        password = self.password.text().strip() or None
        password = password if spec.exchange in PASSPHRASE_EXCHANGES else None
        return hold(Credentials(key, secret, password))

    def _say(self, text: str, colour: str) -> None:
        self.result_label.setStyleSheet(f"color: {colour};")
        self.result_label.setText(text)

    # -- actions -------------------------------------------------------------------------
    def verify(self) -> None:
        spec = self._spec_from_form()
        if spec is None:
            return
        credentials = self._credentials_from_form(spec)
        if spec.needs_key and credentials is None and self._editing is None:
            self._say(self.tr("Enter the API key and secret to verify them."), _RED)
            return
        self._say(
            self.tr("Asking {venue} what this key may do…").format(
                venue=venue_display_name(spec.exchange)
            ),
            "",
        )
        self.verify_button.setEnabled(False)
        self._bridge.verify_key(spec, credentials)

    def _on_key_checked(self, name: str, result: object) -> None:
        if name != self.name.text().strip():
            return
        self.verify_button.setEnabled(True)
        if isinstance(result, KeyCheck):
            self._last_check = (name, result)
            text, colour = describe_key_check(result)
            self._say(text, colour)
            if result.verdict is KeyVerdict.CAN_TRADE and self.allow_trading.isChecked():
                self.badge.show()
        else:
            self._say(self.tr("Could not verify the key: {why}").format(why=result), _RED)

    def save(self) -> None:
        spec = self._spec_from_form()
        if spec is None:
            return
        try:
            config = self._config()
        except ConfigError as error:
            self._say(str(error), _RED)
            return
        if self._editing is None and config.account(spec.name) is not None:
            self._say(
                self.tr("An account named {name} exists already.").format(name=spec.name), _RED
            )
            return
        credentials = self._credentials_from_form(spec)
        if (
            spec.needs_key
            and credentials is not None
            and not (credentials.api_key and credentials.secret)
        ):
            self._say(self.tr("Enter both the API key and the secret."), _RED)
            return
        if spec.needs_key and credentials is None and self._editing is None:
            self._say(self.tr("Enter the API key and secret of this account."), _RED)
            return
        check = (
            self._last_check[1] if self._last_check and self._last_check[0] == spec.name else None
        )
        refusal = self._refusal(check, spec.allow_trading_key) if check is not None else None
        if refusal is not None:
            self._say(refusal, _RED)
            return
        new = self._editing is None
        if credentials is None:  # no keyring call: only the config changes
            self._save_config_only(spec, new)
            return
        self._saving = (spec, new)
        self._say(self.tr("Storing the key in the system keyring…"), "")
        self._bridge.save_account(spec, credentials, self._config_path, new=new)
        # announced once the key is in the keyring and the account in the config

    def _refusal(self, check: KeyCheck, allow_trading: bool) -> str | None:
        """Why `accept_key` refuses the checked key, in the dialog's words (None: accepted)."""
        outcome = accept_key(check, allow_trading).outcome
        if outcome is KeyOutcome.WITHDRAW_REFUSED:
            return self.tr("This key can withdraw funds and is refused: create a read-only key.")
        if outcome is KeyOutcome.TRADING_REFUSED:
            return self.tr(
                "This key can trade: tick “Allow a key that can trade” or use a read-only key."
            )
        return None

    def _save_config_only(self, spec: AccountSpec, new: bool) -> None:
        from adl_monitor.storage.account_save import save_account
        from adl_monitor.storage.secrets import SecretStore

        try:  # a TOML file under its lock, no keyring: quick enough for the GUI thread
            save_account(spec, None, SecretStore(), self._config_path, new=new)
        except (ConfigError, OSError) as error:
            self._say(str(error), _RED)
            return
        self._saved(spec)
        self._say(self.tr("Saved."), _GREEN)

    def _saved(self, spec: AccountSpec) -> None:
        self._editing = spec.name
        for field in (self.api_key, self.secret, self.password):
            field.clear()
        self.badge.setVisible(spec.allow_trading_key)
        self._reload(select=spec.name)
        self.accounts_changed.emit(self._config().accounts)

    def _on_secret_stored(self, name: str, error: str) -> None:
        """The keyring and config writes finished (on a worker thread); only now may the
        engine look."""
        saving = self._saving
        if saving is not None and saving[0].name == name:
            self._saving = None
        if error:
            self._say(error, _RED)
        elif saving is not None and saving[0].name == name:
            self._say(self.tr("Saved. The key is in the system keyring."), _GREEN)
            self._saved(saving[0])

    def _on_no_secure_store(self, spec: AccountSpec, credentials: Credentials) -> None:
        """Nothing was saved (keyring first): keep the key in memory, or save nothing."""
        saving, self._saving = self._saving, None
        answer = QMessageBox.question(
            self,
            self.tr("No secure keyring"),
            self.tr(
                "This system has no secure keyring (such as GNOME Keyring or KWallet), so the "
                "key of {name} cannot be stored. Keep it in memory until ADL Monitor quits? "
                "You will have to enter it again next time."
            ).format(name=spec.name),
        )
        if answer != QMessageBox.StandardButton.Yes or saving is None:
            self._say(
                self.tr(
                    "{name} was not saved: install a keyring (such as GNOME Keyring or KWallet) "
                    "and add it again."
                ).format(name=spec.name),
                _ORANGE,
            )
            return
        self._bridge.enable_session_only_secrets()
        self._saving = saving
        self._bridge.save_account(spec, credentials, self._config_path, new=saving[1])

    def remove_current(self) -> None:
        item = self.list.currentItem()
        if item is None:  # the stub omits it, but Qt returns None when nothing is selected
            return  # type: ignore[unreachable]
        spec: AccountSpec = item.data(Qt.ItemDataRole.UserRole)
        answer = QMessageBox.question(
            self,
            self.tr("Remove account"),
            self.tr("Remove {name} and delete its key from the keyring?").format(name=spec.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            update_config(lambda now: now.without_account(spec.name), self._config_path)
        except (ConfigError, OSError) as error:
            self._say(str(error), _RED)
            return
        self._bridge.store_secret(spec, None)
        self._reload()
        self.new_account()
        self._say(self.tr("Removed {name}.").format(name=spec.name), _GREEN)
        self.accounts_changed.emit(self._config().accounts)
