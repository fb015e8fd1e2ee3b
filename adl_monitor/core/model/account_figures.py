"""Account-wide numbers that some venues' ranking formulas need beside the position."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AccountFigures:
    """Balances of one account in one settlement currency, as the venue reports them.

    `wallet_balance` excludes unrealized PnL; `equity` includes it. `maintenance_margin` is the
    account's total. Any of them may be unknown on a venue that does not report it.
    """

    currency: str
    wallet_balance: float | None = None
    equity: float | None = None
    maintenance_margin: float | None = None
    initial_margin: float | None = None

    @property
    def margin_ratio(self) -> float | None:
        """Maintenance margin ÷ equity (0 when equity ≤ 0), or None when unknown."""
        if self.maintenance_margin is None:
            return None
        equity = self.equity
        if equity is None and self.wallet_balance is not None:
            equity = self.wallet_balance
        if equity is None:
            return None
        return self.maintenance_margin / equity if equity > 0 else 0.0
