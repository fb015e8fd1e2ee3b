"""Every venue ADL Monitor connects to, one record each: the one place a venue is declared
(docs/architecture.md, "Adding a venue"). The facts come from docs/venues.md.

`_venue` fills in what most venues share (a key without passphrase, reads every 5 s, each
position ranked, losers queued behind winners); each line names only what differs.
"""

from __future__ import annotations

from adl_monitor.core.ranking.formulas import binance, bitget, classic, htx, hyperliquid
from adl_monitor.core.ranking.scales import venues as scales
from adl_monitor.core.venues.record import Cadence, CredentialsNeeded, RankedUnit, Venue

USUAL_CADENCE = Cadence(positions=5.0, indicator=5.0)
"""Most venues: positions and indicator move with every trade, so both are read every 5 s."""

_KEY = CredentialsNeeded(key=True, passphrase=False, wallet_address=False)
_KEY_AND_PASSPHRASE = CredentialsNeeded(key=True, passphrase=True, wallet_address=False)
_WALLET_ONLY = CredentialsNeeded(key=False, passphrase=False, wallet_address=True)


def _venue(
    id_: str,
    display_name: str,
    scale: scales.VenueScale,
    *,
    formula: str = classic.NAME,
    credentials: CredentialsNeeded = _KEY,
    cadence: Cadence = USUAL_CADENCE,
    ranks: RankedUnit = RankedUnit.POSITIONS,
    profitable_only: bool = False,
) -> Venue:
    return Venue(
        id=id_,
        display_name=display_name,
        scale=scale,
        formula=formula,
        cadence=cadence,
        credentials=credentials,
        ranks=ranks,
        profitable_only=profitable_only,
    )


def _binance(id_: str, display_name: str) -> Venue:
    """Binance ranks whole accounts and recomputes adlQuantile only every 30 s."""
    return _venue(
        id_,
        display_name,
        scales.BINANCE,
        formula=binance.NAME,
        cadence=Cadence(positions=5.0, indicator=30.0),
        ranks=RankedUnit.ACCOUNTS,
    )


VENUES: tuple[Venue, ...] = (
    _binance("binanceusdm", "Binance"),
    _binance("binancecoinm", "Binance COIN-M"),
    # Bybit and Gate publish no exact formula: the classic one approximates theirs, and
    # calibration against their own indicator absorbs the difference.
    _venue("bybit", "Bybit", scales.BYBIT),
    _venue("okx", "OKX", scales.OKX, credentials=_KEY_AND_PASSPHRASE),
    _venue("gate", "Gate", scales.GATE),
    _venue("htx", "HTX", scales.HTX, formula=htx.NAME),
    _venue("kucoinfutures", "KuCoin", scales.KUCOIN, credentials=_KEY_AND_PASSPHRASE),
    _venue("bitget", "Bitget", scales.BITGET, formula=bitget.NAME, credentials=_KEY_AND_PASSPHRASE),
    _venue("phemex", "Phemex", scales.PHEMEX),
    # Hyperliquid: public positions by wallet address, and only profitable positions queue
    # ("among the users on the profitable side").
    _venue(
        "hyperliquid",
        "Hyperliquid",
        scales.HYPERLIQUID,
        formula=hyperliquid.NAME,
        credentials=_WALLET_ONLY,
        profitable_only=True,
    ),
)
"""In the order the Accounts dialog and `accounts add --help` list them."""
