"""`adl-monitor accounts add|list|remove|verify`: manage accounts; secrets go to the OS keyring.

`add` reads the key, secret and passphrase from a hidden prompt, or from stdin (one per line)
when stdin is not a terminal — never from the command line, where they would land in the shell
history and the process list. It then asks the venue what the key may do, and only saves it
when that is "read only": a key that can withdraw is always refused; a key that can trade only
with `--allow-trading-key`, and the account then carries a permanent warning.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adl_monitor.commands.command_line import friendly_errors
from adl_monitor.core.model.account_spec import (
    PASSPHRASE_EXCHANGES,
    SUPPORTED_EXCHANGES,
    AccountSpec,
    Credentials,
    account_problem,
)
from adl_monitor.core.model.failure import VenueFailure
from adl_monitor.core.security.held_secrets import hold
from adl_monitor.core.security.key_acceptance import NO_WAY_TO_ASK, KeyOutcome, accept_key
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.terminal_text import terminal_lines

if TYPE_CHECKING:
    from adl_monitor.storage.config import AppConfig

EXIT_OK = 0
EXIT_FAILED = 1
VERIFY_TIMEOUT = 20.0


class _Refused(Exception):
    """A user-facing refusal; the message is one sentence."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("accounts", help="add, list, remove or verify exchange accounts")
    actions = parser.add_subparsers(dest="accounts_action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="add an account (the key is read from a prompt or stdin and verified read-only)",
        description="Add an account. The API key, secret and (OKX, KuCoin, Bitget) passphrase "
        "are read from a hidden prompt, or one per line from stdin when it is not a terminal. "
        "The key must be read-only: a key that can withdraw is refused; a key that can trade "
        "is refused unless --allow-trading-key.",
    )
    add.add_argument("name", help="a name for the account, e.g. 'binance-main'")
    add.add_argument(
        "--exchange",
        required=True,
        choices=SUPPORTED_EXCHANGES,
        metavar="ID",
        help="ccxt id: " + ", ".join(SUPPORTED_EXCHANGES),
    )
    add.add_argument(
        "--api-url",
        default=None,
        help="https://host[:port][/path] replacing the venue's REST host (testnet, proxy, "
        "simulator); plain http only on 127.0.0.1, ::1 or localhost",
    )
    add.add_argument("--wallet-address", default=None, help="Hyperliquid: the wallet address")
    add.add_argument(
        "--allow-trading-key",
        action="store_true",
        help="accept a key that can trade (never one that can withdraw)",
    )

    listing = actions.add_parser("list", help="list the configured accounts")
    remove = actions.add_parser("remove", help="remove an account and its stored key")
    remove.add_argument("name")
    verify = actions.add_parser(
        "verify", help="check that every key (or NAME's) is read-only; exit 1 when one is not"
    )
    verify.add_argument("name", nargs="?", default=None)
    for sub in (add, listing, remove, verify):
        sub.add_argument("--config", default=None, help="config file (default: platform dir)")
        sub.set_defaults(func=run)
    parser.set_defaults(func=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from adl_monitor.commands.command_line import setup_cli_logging

    setup_cli_logging(False)
    from adl_monitor.storage.config import ConfigError
    from adl_monitor.storage.secrets import SecretStoreError

    action = {"add": _add, "list": _list, "remove": _remove, "verify": _verify}
    try:
        return action[args.accounts_action](args)
    except (_Refused, ConfigError, SecretStoreError) as error:
        print(terminal_lines(str(error)), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Cancelled; nothing was saved.", file=sys.stderr)
        return EXIT_FAILED


def _config_path(args: argparse.Namespace) -> Path | None:
    return Path(args.config).expanduser() if args.config else None


# -- add -------------------------------------------------------------------------------------


def _add(args: argparse.Namespace) -> int:
    from adl_monitor.storage.account_save import save_account
    from adl_monitor.storage.config import load_config
    from adl_monitor.storage.secrets import InsecureStoreError, SecretStore, env_credentials

    name = args.name.strip()
    if not name:
        raise _Refused("The account name must not be empty.")
    config = load_config(_config_path(args))
    if config.account(name) is not None:
        raise _Refused(
            f"An account named {name!r} already exists — remove it first with "
            f"`adl-monitor accounts remove {name}`, or pick another name."
        )
    spec = AccountSpec(
        name=name,
        exchange=args.exchange,
        api_url=args.api_url or None,
        wallet_address=args.wallet_address or None,
    )
    _refuse_if_invalid(spec, config.accounts)
    if spec.exchange == "hyperliquid" and not spec.wallet_address:
        raise _Refused(
            f"{name}: Hyperliquid accounts are read by wallet address — add "
            "--wallet-address 0x…; no API key is needed."
        )
    # Headless machines (no keyring): the key may already be in ADLMON_<NAME>_*; it then
    # stays there and only the account goes to the config.
    from_env = env_credentials(spec) if spec.needs_key else None
    credentials = from_env or (_read_credentials(spec) if spec.needs_key else None)
    check = _check_or_refuse(spec, credentials)
    spec = _accept_or_refuse(spec, check, args.allow_trading_key)
    stored = credentials is not None and from_env is None
    try:
        # Keyring, then config (storage/account_save.py); the config is re-read under the
        # writer lock: another `accounts add` may have written meanwhile.
        save_account(
            spec,
            credentials if stored else None,
            SecretStore(),
            _config_path(args) or config.path,
            new=True,
            change=lambda now: _with_new_account(now, spec),
        )
    except InsecureStoreError as error:
        prefix = spec.env_prefix
        raise _Refused(
            f"{str(error).rstrip('.')}. On a machine without a keyring, set "
            f"{prefix}API_KEY and {prefix}SECRET in the environment and run this command "
            "again: the key then stays in the environment. Nothing was saved."
        ) from None
    where = "key in the keyring" if stored else "key from the environment, not stored"
    if not spec.needs_key:
        where = "no key needed"
    print(terminal_lines(f"{name}: saved, {where} ({_verdict_words(check)})."))
    return EXIT_OK


def _refuse_if_invalid(spec: AccountSpec, existing: Sequence[AccountSpec]) -> None:
    problem = account_problem(spec, existing)
    if problem is not None:
        raise _Refused(f"{problem} Nothing was saved.")


def _with_new_account(config: AppConfig, spec: AccountSpec) -> AppConfig:
    """The config as it is on disk now, plus `spec` — refused if a name now clashes."""
    if config.account(spec.name) is not None:
        raise _Refused(
            f"An account named {spec.name!r} was added meanwhile — nothing was saved; "
            f"remove it first with `adl-monitor accounts remove {spec.name}`."
        )
    _refuse_if_invalid(spec, config.accounts)
    return config.with_account(spec)


def _read_credentials(spec: AccountSpec) -> Credentials:
    """From a hidden prompt on a terminal, else one value per line from stdin."""
    wants_password = spec.exchange in PASSPHRASE_EXCHANGES
    if sys.stdin.isatty():
        api_key = getpass.getpass(f"{spec.name} API key: ").strip()
        secret = getpass.getpass(f"{spec.name} API secret: ").strip()
        password = getpass.getpass(f"{spec.name} passphrase: ").strip() if wants_password else ""
    else:
        lines = [line.strip() for line in sys.stdin.read().splitlines()]
        lines = [line for line in lines if line]
        api_key = lines[0] if lines else ""
        secret = lines[1] if len(lines) > 1 else ""
        password = lines[2] if len(lines) > 2 and wants_password else ""
    if not api_key or not secret:
        order = "key, secret and passphrase" if wants_password else "key and secret"
        raise _Refused(
            f"{spec.name}: no API key was given — type it at the prompt, or pipe the {order} "
            "on stdin, one per line. Nothing was saved."
        )
    if wants_password and not password:
        raise _Refused(
            f"{spec.name}: {spec.exchange} keys need their passphrase too. Nothing was saved."
        )
    return hold(Credentials(api_key, secret, password or None))


def _check_or_refuse(spec: AccountSpec, credentials: Credentials | None) -> KeyCheck:
    try:
        check: KeyCheck = _run_checks([(spec, credentials)])[0]
        return check
    except VenueFailure as failure:
        raise _Refused(
            f"{spec.name}: could not verify the key — {_sentence_tail(failure, spec)} "
            "Nothing was saved."
        ) from None


def _accept_or_refuse(spec: AccountSpec, check: KeyCheck, allow_trading: bool) -> AccountSpec:
    from dataclasses import replace

    permissions = _permissions(check)
    decision = accept_key(check, allow_trading)
    if decision.outcome is KeyOutcome.WITHDRAW_REFUSED:
        raise _Refused(
            f"{spec.name}: refused — this API key can withdraw funds{permissions}. Create a "
            "read-only key on the exchange and add it again. Nothing was saved."
        )
    if decision.outcome is KeyOutcome.TRADING_REFUSED:
        raise _Refused(
            f"{spec.name}: refused — this API key can trade{permissions}. Use a read-only "
            "key, or pass --allow-trading-key to accept it with a permanent warning. "
            "Nothing was saved."
        )
    if decision.trading_key:
        print(
            terminal_lines(
                f"WARNING {spec.name}: this API key can trade{permissions}; saved because of "
                "--allow-trading-key, and the account will carry this warning everywhere."
            ),
            file=sys.stderr,
        )
        return replace(spec, allow_trading_key=True)
    if decision.outcome is KeyOutcome.UNVERIFIED:
        print(
            terminal_lines(
                f"{spec.name}: could not verify that the key is read-only — "
                f"{decision.unverified_reason}. Check on "
                "the exchange that it cannot trade or withdraw."
            ),
            file=sys.stderr,
        )
    return spec


# -- list, remove ----------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    from adl_monitor.commands.snapshot_text import table
    from adl_monitor.storage.config import load_config
    from adl_monitor.storage.secrets import SecretStore, env_credentials

    config = load_config(_config_path(args))
    if not config.accounts:
        print(
            "No accounts configured — add one with `adl-monitor accounts add NAME --exchange ID`.",
            end="\n",
        )
        return EXIT_OK
    store = SecretStore()
    rows = []
    for spec in config.accounts:
        if not spec.needs_key:
            key = "not needed"
        elif env_credentials(spec) is not None:
            key = "environment"
        else:
            key = "keyring" if store.has(spec) else "MISSING"
        warning = (
            "key can trade (accepted with --allow-trading-key)" if (spec.allow_trading_key) else ""
        )
        rows.append((spec.name, spec.exchange, spec.api_url or "", key, warning))
    print(table(rows, ("NAME", "EXCHANGE", "API URL", "KEY", "WARNING")))
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    from adl_monitor.storage.config import load_config, save_config
    from adl_monitor.storage.secrets import SecretStore

    config = load_config(_config_path(args))
    spec = config.account(args.name)
    if spec is None:
        where = config.path or _config_path(args)
        raise _Refused(f"There is no account named {args.name!r} in {where}.")
    store = SecretStore()
    in_keyring = store.in_keyring(spec)
    save_config(config.without_account(spec.name), _config_path(args) or config.path)
    store.delete(spec)
    print(terminal_lines(removal_sentence(spec, in_keyring, os.environ)))
    return EXIT_OK


def removal_sentence(spec: AccountSpec, in_keyring: bool, environ: Mapping[str, str]) -> str:
    """What `remove` really did with the key: deleted it from the keyring, found none there,
    and which `ADLMON_<NAME>_*` variables still hold it — those are the user's to unset."""
    env_names = [
        spec.env_prefix + suffix
        for suffix in ("API_KEY", "SECRET", "PASSWORD")
        if environ.get(spec.env_prefix + suffix)
    ]
    if not spec.needs_key and not env_names:
        return f"{spec.name}: removed (it needed no key)."
    keyring_part = (
        "its key deleted from the keyring"
        if in_keyring
        else "nothing was stored for it in the keyring"
    )
    if not env_names:
        return f"{spec.name}: removed, and {keyring_part}."
    return (
        f"{spec.name}: removed, and {keyring_part}; the key also comes from the environment "
        f"variable{'s' if len(env_names) > 1 else ''} {', '.join(env_names)}, which this "
        "command cannot change — unset them in your shell or service file."
    )


# -- verify ----------------------------------------------------------------------------------


def _verify(args: argparse.Namespace) -> int:
    from adl_monitor.engine.account_worker import missing_key_sentence
    from adl_monitor.storage.config import load_config
    from adl_monitor.storage.secrets import SecretStore

    config = load_config(_config_path(args))
    specs = config.accounts
    if args.name is not None:
        spec = config.account(args.name)
        if spec is None:
            raise _Refused(f"There is no account named {args.name!r} in {config.path}.")
        specs = (spec,)
    if not specs:
        raise _Refused("No accounts configured — nothing to verify.")
    store = SecretStore()
    pairs = [(spec, store.get(spec)) for spec in specs]
    results = _run_checks(pairs, return_failures=True)
    all_read_only = True
    for (spec, credentials), result in zip(pairs, results, strict=True):
        if spec.needs_key and credentials is None:
            all_read_only = False
            print(terminal_lines(f"{missing_key_sentence(spec.name)} (not verified)"))
        elif isinstance(result, VenueFailure):
            all_read_only = False
            print(terminal_lines(f"{spec.name}: NOT verified — {_sentence_tail(result, spec)}"))
        elif result.read_only:
            print(terminal_lines(f"{spec.name}: read-only ({_verdict_words(result)})."))
        else:
            all_read_only = False
            print(terminal_lines(f"{spec.name}: NOT read-only — {_verdict_words(result)}."))
    return EXIT_OK if all_read_only else EXIT_FAILED


# -- shared ----------------------------------------------------------------------------------


def _run_checks(
    pairs: Sequence[tuple[AccountSpec, Credentials | None]], *, return_failures: bool = False
) -> list[Any]:
    """Ask every venue at once; one event loop for the lot."""
    from adl_monitor.engine.connector import venue_connector_factory
    from adl_monitor.engine.engine import check_account_key
    from adl_monitor.storage.paths import cache_dir

    factory = venue_connector_factory(cache_dir())

    async def check_all() -> list[Any]:
        return list(
            await asyncio.gather(
                *(check_account_key(s, c, factory, VERIFY_TIMEOUT) for s, c in pairs),
                return_exceptions=return_failures,
            )
        )

    results = asyncio.run(check_all())
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, VenueFailure):
            raise result
    return results


def _permissions(check: KeyCheck) -> str:
    return f" (permissions: {', '.join(check.permissions)})" if check.permissions else ""


def _verdict_words(check: KeyCheck) -> str:
    permissions = _permissions(check)
    words = {
        KeyVerdict.READ_ONLY: "the exchange reports the key as read-only",
        KeyVerdict.NOT_NEEDED: "no key needed: read by wallet address",
        KeyVerdict.CAN_TRADE: f"the key can trade{permissions}",
        KeyVerdict.CAN_WITHDRAW: f"the key can withdraw funds{permissions}",
        KeyVerdict.UNVERIFIED: "could not verify: " + (check.message.rstrip(".") or NO_WAY_TO_ASK),
    }
    return words[check.verdict]


def _sentence_tail(failure: VenueFailure, spec: AccountSpec) -> str:
    """The failure's advice without the leading account name (the caller already names it)."""
    sentence = failure.sentence(spec.name, will_retry=False)  # the command ends here
    prefix = f"{spec.name}: "
    return sentence[len(prefix) :] if sentence.startswith(prefix) else sentence
