"""Concrete suggestions that would move a position back in the ADL queue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActionKind(StrEnum):
    REDUCE = "reduce"
    ADD_MARGIN = "add_margin"
    REALIZE_PROFIT = "realize_profit"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Action:
    """One step: `amount` in `unit` (contracts, a currency code, or "%" of the position)."""

    kind: ActionKind
    amount: float
    unit: str
    target_tier: int


@dataclass(frozen=True, slots=True)
class Advice:
    text: str
    actions: tuple[Action, ...] = ()
