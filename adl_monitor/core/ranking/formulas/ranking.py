"""Ordering scores the way venues order their queues, and saying a score in words."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from adl_monitor.core.model.estimate import Score


def rank_key(score: Score) -> tuple[int, float]:
    """Sort key: larger = nearer the front (deleveraged first).

    Profitable before losing on every venue, whatever the values (Binance scores every loser 0,
    a profitable position with no maintenance margin scores 0 too); then by value. A
    non-finite value cannot be placed and sorts behind its group.
    """
    value = score.value if math.isfinite(score.value) else -math.inf
    return (1 if score.profitable else 0, value)


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def _times(value: float) -> str:
    return f"{value:.1f}×"


_LEVERAGE_WORDS = {
    "effective_leverage": "effective leverage",
    "nominal_leverage": "leverage (nominal: margin unknown)",
    "assumed_leverage": "leverage (assumed: none reported)",
}

_RATIO_WORDS = {
    "position_margin_ratio": "position margin ratio",
    "account_margin_ratio": "account margin ratio",
    "account_maintenance_margin_rate": "account maintenance margin rate",
    "position_maintenance_margin_rate": "position maintenance margin rate",
}


def _first_of(names: Iterable[str], inputs: Mapping[str, float]) -> str | None:
    """The first of `names` that is one of the inputs."""
    for name in names:
        if name in inputs:
            return name
    return None


def describe(score: Score) -> str:
    """The score in plain words: "PnL 12.0 % × effective leverage 8.3× = 0.996 (classic)"."""
    inputs = score.inputs
    result = f"= {score.value:.3g} ({score.formula})"
    if score.formula == "classic":
        name = _first_of(_LEVERAGE_WORDS, inputs)
        if "pnl_pct" in inputs and name is not None:
            op = "×" if score.profitable else "÷"
            return (
                f"PnL {_pct(inputs['pnl_pct'])} {op} {_LEVERAGE_WORDS[name]} "
                f"{_times(inputs[name])} {result}"
            )
    elif score.formula == "binance" and {"pnl_pct", "margin_ratio"} <= inputs.keys():
        return (
            f"PnL {_pct(inputs['pnl_pct'])} of wallet × margin ratio "
            f"{_pct(inputs['margin_ratio'])} {result}"
        )
    elif score.formula in ("htx", "bitget"):
        pnl_name = next((n for n in inputs if n.startswith(("pnl_ratio", "roi"))), None)
        ratio_name = next((n for n in _RATIO_WORDS if n in inputs), None)
        if pnl_name is not None and ratio_name is not None:
            pnl_word = "ROI" if pnl_name == "roi" else "PnL ratio"
            gaining_op, losing_op = ("÷", "×") if score.formula == "htx" else ("×", "÷")
            op = gaining_op if score.profitable else losing_op
            return (
                f"{pnl_word} {_pct(inputs[pnl_name])} {op} {_RATIO_WORDS[ratio_name]} "
                f"{_pct(inputs[ratio_name])} {result}"
            )
    elif score.formula == "hyperliquid":
        if not score.profitable and "pnl_pct" in inputs:
            return f"PnL {_pct(inputs['pnl_pct'])}: losing, outside the queue {result}"
        price = _first_of(("mark_over_entry", "entry_over_mark"), inputs)
        account = None
        for name in inputs:  # (a loop: every profitable Hyperliquid position is described)
            if name in ("account_value", "wallet_balance") or name.startswith("isolated_margin"):
                account = name
                break
        if price is not None and account is not None and "notional" in inputs:
            words = "mark/entry" if price == "mark_over_entry" else "entry/mark"
            leverage = inputs["notional"] / inputs[account]
            return (
                f"{words} {inputs[price]:.3f} × notional/account value {_times(leverage)} {result}"
            )
    listed = ", ".join(f"{name.replace('_', ' ')} {value:.4g}" for name, value in inputs.items())
    return f"{listed} {result}" if listed else result
