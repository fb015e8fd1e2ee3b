"""The status bar's account strip: one badge per account (live, stale with age, error).

The state comes from the engine (docs/liveness.md): "live" means the account was read within
three of its venue's refresh periods and its latest read did not fail — the same verdict and
the same age as its rows. Every failure's sentence is shown, a stale account's as well as a
failed one's, not only logged.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from adl_monitor.core.model.snapshot import AccountState, AccountStatus
from adl_monitor.core.venues.display_names import venue_display_name
from adl_monitor.ui import formatting as fmt

_STATE_COLOUR = {
    AccountState.LIVE: "#2fb344",
    AccountState.STALE: "#f0c419",
    AccountState.ERROR: "#db2828",
    AccountState.CONNECTING: "#8a8f98",
}


class AccountBadge(QLabel):
    """ "● demo-bybit: live" — the sentence of an error is in the text and the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.status: AccountStatus | None = None

    def set_status(self, status: AccountStatus, now: datetime) -> None:
        self.status = status
        seconds = fmt.age_seconds(status.fetched_at, now)
        if status.state is AccountState.LIVE:
            state = self.tr("live")
        elif status.state is AccountState.STALE:
            state = self.tr("stale, last data {age} ago").format(age=fmt.age(seconds))
        elif status.state is AccountState.ERROR:
            state = self.tr("error")
        else:
            state = self.tr("connecting…")
        dot = f'<span style="color:{_STATE_COLOUR[status.state]}">●</span>'
        text = f"{dot} {_escape(status.name)}: {_escape(state)}"
        if status.key_read_only is False:
            text += ' <span style="color:#f2711c">⚠ ' + _escape(self.tr("trading key")) + "</span>"
        self.setText(text)
        tip = [f"{status.name} ({venue_display_name(status.exchange)})"]
        if status.error:
            tip.append(status.error)
        if status.warning:
            tip.append(status.warning)
        if status.key_read_only is False and not status.warning:
            tip.append(
                self.tr(
                    "This API key can trade. ADL Monitor only reads, but a read-only key is safer."
                )
            )
        if status.fetched_at is not None:
            tip.append(
                self.tr("Last data at {time} ({age} ago)").format(
                    time=fmt.local_time(status.fetched_at), age=fmt.age(seconds)
                )
            )
        self.setToolTip("\n".join(tip))


class AccountStatusStrip(QWidget):
    """All accounts' badges side by side, plus the first error's sentence in full."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 0, 4, 0)
        self._layout.setSpacing(14)
        self._badges: dict[str, AccountBadge] = {}
        self.error_label = QLabel("")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #db2828;")
        self._layout.addWidget(self.error_label, 1)
        self._statuses: tuple[AccountStatus, ...] = ()

    def set_accounts(
        self, statuses: tuple[AccountStatus, ...], now: datetime | None = None
    ) -> None:
        now = now or datetime.now(UTC)
        self._statuses = statuses
        names = [s.name for s in statuses]
        for name in list(self._badges):
            if name not in names:
                self._badges.pop(name).deleteLater()
        placed = self._placed()
        for position, status in enumerate(statuses):
            badge = self._badges.get(status.name)
            if badge is None:
                badge = AccountBadge(self)
                self._badges[status.name] = badge
            if position >= len(placed) or placed[position] is not badge:
                # Only a new or moved badge: re-inserting all of them each second made the
                # status bar lay itself out again every time (benchmarks/gui_load.py).
                self._layout.insertWidget(position, badge)
                placed = self._placed()
            badge.set_status(status, now)
        # Failed accounts first, then stale ones: each sentence names its account.
        errors = [s.error for s in statuses if s.state is AccountState.ERROR and s.error]
        errors += [s.error for s in statuses if s.state is AccountState.STALE and s.error]
        self.error_label.setText(errors[0] if errors else "")
        self.error_label.setToolTip("\n".join(errors))

    def _placed(self) -> list[QWidget | None]:
        """The badges in the layout, in order (the error sentence is last)."""
        items = (self._layout.itemAt(i) for i in range(self._layout.count() - 1))
        return [item.widget() if item is not None else None for item in items]

    def tick(self, now: datetime | None = None) -> None:
        """Ages move on between snapshots."""
        if self._statuses:
            self.set_accounts(self._statuses, now)

    def badge(self, name: str) -> AccountBadge | None:
        return self._badges.get(name)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
