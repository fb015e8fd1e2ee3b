"""An account as the user configured it, and the credentials that unlock it.

Lives in core (not storage) so that `exchanges/` can receive it without importing storage.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from adl_monitor.core import venues

_ENV_UNSAFE = re.compile(r"[^A-Z0-9]")
_LOOPBACK_NAMES = frozenset({"localhost"})
API_URL_EXAMPLE = "https://host[:port][/path]"

# ccxt ids this app knows how to read ADL from, and what their accounts need: derived from the
# venue table (core/venues/table.py), the one place a venue is declared.
SUPPORTED_EXCHANGES: tuple[str, ...] = venues.ids()
KEYLESS_EXCHANGES: frozenset[str] = frozenset(v.id for v in venues.VENUES if not v.credentials.key)
PASSPHRASE_EXCHANGES: frozenset[str] = frozenset(
    v.id for v in venues.VENUES if v.credentials.passphrase
)
WALLET_EXCHANGES: frozenset[str] = frozenset(
    v.id for v in venues.VENUES if v.credentials.wallet_address
)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """What the config file says about one account. Never holds a secret."""

    name: str
    exchange: str
    api_url: str | None = None
    wallet_address: str | None = None
    allow_trading_key: bool = False
    simulator: bool = False
    """`simulator = true` in the config: the account is ADL Monitor's own simulated exchange, so
    the app may use the simulator's public demo key when none is stored — honoured only when
    `api_url` is on this computer (`uses_demo_key`); docs/simulator.md."""

    @property
    def uses_demo_key(self) -> bool:
        """Whether the simulator's public demo key may unlock this account: marked as the
        simulator AND its api_url is on this computer. A real venue's key is never guessed."""
        return self.simulator and is_on_this_computer(self.api_url)

    @property
    def env_prefix(self) -> str:
        """`ADLMON_<NAME>_`, NAME being `env_name(self.name)`."""
        return f"ADLMON_{env_name(self.name)}_"

    @property
    def needs_key(self) -> bool:
        return self.exchange not in KEYLESS_EXCHANGES


@dataclass(frozen=True, slots=True)
class Credentials:
    """An API key pair. The secret parts never show in a repr, a str or a log line."""

    api_key: str
    secret: str = field(repr=False)
    password: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        prefix = self.api_key[:4] + "…" if len(self.api_key) > 4 else "…"
        return f"Credentials(api_key={prefix!r}, secret=<hidden>, password=<hidden>)"

    __str__ = __repr__


def shown(text: str) -> str:
    """`text` as it may be printed: as is when printable, else quoted with its control
    characters escaped (a name holding `\\x1b[2J` must not clear the user's terminal)."""
    return text if text.isprintable() else repr(text)


def env_name(name: str) -> str:
    """The account name as it appears in `ADLMON_<NAME>_*` (docs/config.md, "Environment
    variables for keys").

    An ASCII name keeps the historical form, so existing users' variables keep working:
    upper-cased, anything but A-Z/0-9 turned into `_`. A name with any other character would
    lose it in that form (every Cyrillic name became `_____`), so it gets a readable ASCII part
    (accents dropped) plus the first 8 hex digits of the SHA-256 of the exact name: two different
    non-ASCII names cannot share a form by accident. A collision with an ASCII name is still
    possible in principle; `env_collision_problem` refuses it.
    """
    if name.isascii():
        return _ENV_UNSAFE.sub("_", name.upper())
    ascii_part = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    readable = _ENV_UNSAFE.sub("_", ascii_part.upper()).strip("_")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8].upper()
    return f"{readable}_{digest}" if readable else digest


def env_collision_problem(name: str, others: Iterable[AccountSpec]) -> str | None:
    """A sentence when `name` would read the same `ADLMON_<NAME>_*` variables as another
    account (e.g. `main-acct` and `main.acct`): both would silently share one key."""
    form = env_name(name)
    for other in others:
        if other.name != name and env_name(other.name) == form:
            return (
                f"{shown(name)}: this name would share the environment variables "
                f"ADLMON_{form}_* with the account {other.name!r}, so both would read the same "
                "key — pick a name that differs in more than case and punctuation."
            )
    return None


def api_url_problem(name: str, api_url: str | None) -> str | None:
    """A sentence when `api_url` is not `https://host[:port][/path]` (or plain http on this
    computer), else None.

    Plain http would send the key and the signed requests in clear text to whoever sits on the
    way, so it is allowed only on loopback (127.0.0.0/8, ::1, localhost): the simulator and
    local test servers. A user name, password, query or fragment in the URL is refused too:
    they have no meaning for a REST host and would be logged.
    """
    if api_url is None:
        return None
    valid = f"a valid one looks like {API_URL_EXAMPLE}, e.g. https://api.bybit.com"
    try:
        parts = urlsplit(api_url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or any(character.isspace() for character in api_url)
    ):
        # A URL with a password in it is never echoed: the password would reach the screen.
        url = "with a user name or password in it" if "@" in api_url else repr(api_url)
        return (
            f"{shown(name)}: the api_url {url} is not a web address ADL Monitor can use — {valid}."
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return (
            f"{shown(name)}: the api_url {api_url!r} uses plain http, which would send the API "
            "key in clear text — use https:// (plain http is accepted only for this computer: "
            "127.0.0.1, ::1 or localhost)."
        )
    return None


def simulator_problem(spec: AccountSpec) -> str | None:
    """A sentence when `simulator = true` is set on an account that is not on this computer:
    the simulator's demo key is never sent anywhere else."""
    if not spec.simulator or is_on_this_computer(spec.api_url):
        return None
    return (
        f"{shown(spec.name)}: simulator = true is only for ADL Monitor's simulated exchange on "
        "this computer — give an api_url on 127.0.0.1 or localhost, or remove simulator = true "
        "and store the account's own key."
    )


def account_problem(spec: AccountSpec, others: Iterable[AccountSpec] = ()) -> str | None:
    """The one sentence that refuses this account next to `others`, or None when it is fine.

    The single check used by the config loader, `accounts add` and the Accounts dialog.
    """
    return (
        api_url_problem(spec.name, spec.api_url)
        or simulator_problem(spec)
        or env_collision_problem(spec.name, others)
    )


def is_on_this_computer(api_url: str | None) -> bool:
    """Whether `api_url`'s host is a loopback address (127.0.0.0/8, ::1) or localhost."""
    if not api_url:
        return False
    try:
        host = urlsplit(api_url).hostname
    except ValueError:
        return False
    return host is not None and _is_loopback(host)


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
