"""LOR Planner's settings (class mode, where plans live), read the way Streamlit reads st.secrets, without Streamlit.

Secrets files, each optional, a later one replacing whole top-level tables of an earlier one (Streamlit 1.67's
default `secrets.files`): ``~/.streamlit/secrets.toml``, ``<current folder>/.streamlit/secrets.toml``, then
``<app folder>/.streamlit/secrets.toml`` (the folder of app.py, so a server started from another folder reads the
same settings). Environment variables win over the files: ``LOR_SHARED``, ``LOR_DATABASE_URL``, ``LOR_DB``.

Every setting is read through one schema (``SecretsFile`` and ``Environment``, pydantic, unknown keys forbidden), so
a misspelled setting (``[lor] Shared``, ``[LOR] shared``, ``shared`` outside ``[lor]``, ``LOR_SHARE``) stops the app
with a page naming the file, the key and the setting it probably meant, instead of being ignored. Configuration
fails closed: a secrets file that exists but cannot be read, or a setting of the wrong type, raises ConfigError; the
app then refuses to serve rather than guess (a guess could put a whole class into one shared plan).

A server that others reach (a database URL is set, it runs on Streamlit Community Cloud, or ``server.address`` is not
a loopback address) runs in class mode unless ``shared = false`` says otherwise explicitly. With ``server.address``
unset Streamlit listens on every network interface: a visitor from this computer gets its one plan, a visitor from
another computer gets ``ModeNotChosen`` (a page with the two settings to choose from) until a setting picks the mode.

Long on purpose: every setting, from every source (two secrets files, the environment, the server's own
address), is read through one schema here, so a mistake is caught in one place and never falls back to a
shared plan.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

APP_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = APP_DIR / "data" / "lor.db"
POSTGRES_SCHEMES = ("postgresql", "postgres")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
CLOUD_APP_ROOT = Path("/mount/src")  # where Streamlit Community Cloud checks out an app's repository
MAX_PROXY_HOPS = 5


class ConfigError(ValueError):
    """A setting that can't be used: ``source`` is the file (or environment variable), ``key`` the setting."""

    def __init__(self, problem: str, *, source: str, key: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.problem = problem
        self.source = source
        self.key = key


class ModeNotChosen(ConfigError):
    """A visitor from another computer reached a server whose settings don't say whether it serves a class (one
    private plan each) or one plan for everybody: the app opens no plan until ``[lor] shared`` (or LOR_SHARED) says."""


# -- the schema: every setting LOR Planner reads, and the sections of st.secrets that belong to Streamlit itself ------


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LorTable(_Table):
    """``[lor]``: class mode, the SQLite file, and how many proxies in front of the app write X-Forwarded-For."""

    shared: StrictBool | None = None
    db_path: StrictStr | None = None
    trusted_proxy_hops: StrictInt | None = Field(default=None, ge=0, le=MAX_PROXY_HOPS)
    allowed_domains: list[StrictStr] | None = None
    advisors: list[StrictStr] | None = None


class DatabaseConnection(_Table):
    """``[connections.lor]``: the PostgreSQL database, in the form st.connection reads."""

    url: StrictStr


class Connections(_Table):
    """``[connections.lor]``, the only connection LOR Planner reads: any other name (``[connections.Lor]``,
    ``[connections.postgresql]``) is refused, since a database URL under it would be ignored without a word."""

    lor: DatabaseConnection | None = None


class SecretsFile(_Table):
    """A secrets file: ``[lor]``, ``[connections.*]``, and ``[auth]`` (st.login's, Streamlit's own) and nothing else."""

    lor: LorTable | None = None
    connections: Connections | None = None
    auth: dict[str, Any] | None = None


class Environment(_Table):
    """The ``LOR_*`` environment variables: the same settings (they win over the files), the pinned day, and the
    variables the test and measuring tools read (the app itself ignores those)."""

    LOR_SHARED: str | None = None
    LOR_DATABASE_URL: str | None = None
    LOR_DB: str | None = None
    LOR_TODAY: date | None = None
    LOR_TEST_DATABASE_URL: str | None = None
    LOR_BENCH_DATABASE_URL: str | None = None
    LOR_LOAD_DATABASE_URL: str | None = None
    LOR_LOADTEST_RUNLOG: str | None = None


# Each setting's place in a secrets file, for "did you mean": what people type, folded to lower case.
SETTING_PLACES = {
    "shared": "[lor] shared",
    "db_path": "[lor] db_path",
    "trusted_proxy_hops": "[lor] trusted_proxy_hops",
    "allowed_domains": "[lor] allowed_domains",
    "advisors": "[lor] advisors",
    "url": "[connections.lor] url",
}
TABLE_PLACES = {"lor": "[lor]", "connections": "[connections.lor]", "auth": "[auth]"}
SETTING_VARIABLES = ("LOR_SHARED", "LOR_DATABASE_URL", "LOR_DB")  # blank is an error for these, never "not set"


AUTH_KEYS = ("redirect_uri", "cookie_secret", "expose_tokens")  # [auth]'s own keys; any other table is a provider
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")  # what every provider needs
MIN_COOKIE_SECRET = 16  # Streamlit signs the sign-in cookie with it: a short one could be guessed


@dataclass(frozen=True)
class SignIn:
    """``[auth]``, checked: the providers st.login offers (``()``: the one written at the top of ``[auth]``), and
    who may enter (``[lor] allowed_domains``, ``[lor] advisors``; lower case; empty: anyone the provider signs in)."""

    providers: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    advisors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """What the app runs with. ``database_url`` set means PostgreSQL; otherwise SQLite at ``db_path``.

    ``shared_set``: a setting chose the mode; ``shared_by``: that setting as written ("LOR_SHARED=1", "[lor] shared =
    true"); ``exposed``: why others can reach this server (a database URL, Community Cloud, a non-loopback address),
    or None for one person's own computer. ``trusted_proxy_hops``: how many proxies in front of the app each append
    the address they saw to X-Forwarded-For (``[lor] trusted_proxy_hops``; 1 on Community Cloud, else 0: the header
    is not trusted).
    """

    shared: bool = False
    database_url: str | None = None
    db_path: Path = DEFAULT_DB
    files: tuple[Path, ...] = field(default=())  # the secrets files that were found and read
    shared_set: bool = False
    exposed: str | None = None
    trusted_proxy_hops: int = 0
    shared_by: str | None = None
    sign_in: SignIn | None = None  # [auth] is set: in class mode a visitor signs in before any plan opens

    @property
    def backend(self) -> str:
        """ "postgres" or "sqlite"."""
        return "postgres" if self.database_url else "sqlite"

    def mode(self) -> str:
        """Which mode the app runs in and why, in one sentence for the sidebar and Share & backup."""
        said = self.shared_by or ("[lor] shared = true" if self.shared else "[lor] shared = false")
        if self.shared:
            why = said if self.shared_set else f"{self.exposed}, and [lor] shared is not set"
            if self.sign_in is not None:
                return f"Class mode: every student signs in with their school account to a plan of their own ({why})."
            return f"Class mode: every student has a private plan of their own ({why})."
        if self.exposed:
            return (
                f"One plan for everybody: anyone who opens this app's address sees and changes the same plan "
                f"({said}, while {self.exposed})."
            )
        why = (
            said if self.shared_set else "you opened it on the computer it runs on, and no setting asks for class mode"
        )
        return f"One plan, on this computer ({why})."


def secrets_files(*, cwd: str | Path | None = None, home: str | Path | None = None) -> list[Path]:
    """The secrets files Streamlit would read, first to last (a later file wins)."""
    home_dir = Path(home) if home is not None else Path.home()
    here = Path(cwd) if cwd is not None else Path.cwd()
    paths: list[Path] = []
    for path in (home_dir / ".streamlit" / "secrets.toml", here / ".streamlit" / "secrets.toml"):
        if path.resolve() not in [p.resolve() for p in paths]:
            paths.append(path)
    app_level = APP_DIR / ".streamlit" / "secrets.toml"
    if app_level.resolve() not in [p.resolve() for p in paths]:
        paths.append(app_level)
    return paths


def read_secrets(files: list[Path]) -> tuple[dict[str, Any], dict[str, Path]]:
    """The merged contents of the secrets files that exist, and the file each top-level key came from.

    Raises ConfigError for a file that exists but cannot be read, is not valid TOML, or holds a key the schema does
    not have.
    """
    merged: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except UnicodeDecodeError:
            raise ConfigError("the file is not UTF-8 text.", source=str(path), key="(whole file)") from None
        except OSError as exc:
            raise ConfigError(
                f"the file exists but cannot be read ({exc.strerror or exc}).", source=str(path), key="(whole file)"
            ) from None
        try:
            contents = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"the file is not valid TOML ({exc}).", source=str(path), key="(whole file)") from None
        _check_file(contents, path)
        for table in ("lor", "connections"):
            if table in contents and table in merged and contents[table] != merged[table]:
                raise ConfigError(
                    _table_in_two_files(table, earlier=origin[table], later=path),
                    source=str(path),
                    key=TABLE_PLACES[table],
                )
        merged.update(contents)  # a later file replaces whole top-level tables, as st.secrets does
        origin.update(dict.fromkeys(contents, path))
    return merged, origin


def _table_in_two_files(table: str, *, earlier: Path, later: Path) -> str:
    """Why two files may not both hold ``[lor]`` (or ``[connections]``): Streamlit keeps only the later one's."""
    shown = TABLE_PLACES[table]
    return (
        f"is in two secrets files, this one and {earlier}. Streamlit keeps only this file's {shown} and drops the "
        f"whole of the other's (a later secrets file replaces a whole table, it does not merge them), so a setting "
        f"in {earlier} (class mode, or the database) would be ignored without a word; the app stops rather than "
        f"guess. Put all of {shown} in one of the two files."
    )


def _check_file(contents: dict[str, Any], path: Path) -> SecretsFile:
    """The file's contents read through the schema; ConfigError naming the first key that doesn't fit."""
    try:
        return SecretsFile.model_validate(contents)
    except ValidationError as exc:
        errors = exc.errors()
    # A missing url says what to write; it comes before the other keys of [connections.lor] (e.g. host = ...).
    errors.sort(key=lambda e: (e["type"] != "missing", len(e["loc"])))
    first = errors[0]
    loc = [str(part) for part in first["loc"]]
    source = str(path)
    if first["type"] == "extra_forbidden" and loc[0] == "connections" and len(loc) == 2:
        raise ConfigError(
            "is not a connection LOR Planner reads: it takes its database only from [connections.lor] url, so "
            "this one would be ignored and the plans would go to a file on this server instead; the app stops "
            "rather than guess. Did you mean `[connections.lor]`?",
            source=source,
            key=_place(loc),
        )
    if first["type"] == "extra_forbidden":
        raise ConfigError(_unknown(loc), source=source, key=_place(loc))
    if loc[:2] == ["connections", "lor"]:
        if first["type"] == "missing" or loc[2:] == ["url"]:
            raise ConfigError(
                'needs url = "postgresql://user:password@host/database" (the whole address, in quotes).',
                source=source,
                key="[connections.lor] url",
            )
        raise ConfigError("must be a table ([connections.lor] on a line of its own).", source=source, key=_place(loc))
    if len(loc) == 1:
        table = "[connections.lor]" if loc[0] == "connections" else f"[{loc[0]}]"
        raise ConfigError(f"must be a table ({table} on a line of its own).", source=source, key=table)
    if loc == ["lor", "shared"]:
        value = first.get("input")
        raise ConfigError(
            f"must be true or false, without quotes (it is {json.dumps(value, default=str)}).",
            source=source,
            key="[lor] shared",
        )
    if loc == ["lor", "db_path"]:
        raise ConfigError("must be a file path in quotes.", source=source, key="[lor] db_path")
    if loc[:2] in (["lor", "allowed_domains"], ["lor", "advisors"]):
        example = '["school.edu"]' if loc[1] == "allowed_domains" else '["advisor@school.edu"]'
        raise ConfigError(
            f"must be a list of texts in quotes, e.g. {loc[1]} = {example}.", source=source, key=f"[lor] {loc[1]}"
        )
    if loc == ["lor", "trusted_proxy_hops"]:
        raise ConfigError(
            f"must be a whole number from 0 to {MAX_PROXY_HOPS}, without quotes: how many proxies in front of the app "
            "add the address they saw to X-Forwarded-For.",
            source=source,
            key="[lor] trusted_proxy_hops",
        )
    raise ConfigError(f"can't be used ({first['msg']}).", source=source, key=_place(loc))


def _place(loc: list[str]) -> str:
    """Where a key is, as it is written in the file: "[lor] Shared", "[LOR]", "shared" (top level)."""
    if len(loc) == 1:
        return loc[0]
    if loc[0] == "connections" and len(loc) >= 2:
        return f"[connections.{loc[1]}]" + (f" {'.'.join(loc[2:])}" if len(loc) > 2 else "")
    return f"[{loc[0]}] {'.'.join(loc[1:])}"


def _unknown(loc: list[str]) -> str:
    """The sentence for a key the schema doesn't have, with the setting it probably meant."""
    name = loc[-1]
    guess = _did_you_mean(name, table=loc[0] if len(loc) > 1 else None)
    hint = f" Did you mean `{guess}`?" if guess else ""
    if len(loc) == 1:
        return (
            "is not a setting LOR Planner reads at the top of a secrets file (its settings are [lor] shared, "
            f"[lor] db_path and [connections.lor] url), so it would be ignored; the app stops rather than guess.{hint}"
        )
    return f"is not a setting LOR Planner has, so it would be ignored; the app stops rather than guess.{hint}"


def _did_you_mean(name: str, *, table: str | None) -> str | None:
    folded = name.strip().casefold()
    if table is None and folded in TABLE_PLACES:
        return TABLE_PLACES[folded]  # [LOR]
    if folded in SETTING_PLACES:
        return SETTING_PLACES[folded]  # [lor] Shared, or shared at the top level
    close = difflib.get_close_matches(folded, [*SETTING_PLACES, *([] if table else TABLE_PLACES)], n=1, cutoff=0.6)
    if not close:
        return None
    return SETTING_PLACES.get(close[0]) or TABLE_PLACES[close[0]]


def _environment(env: Mapping[str, str]) -> Environment:
    """The ``LOR_*`` variables read through the schema; ConfigError for one it doesn't have (e.g. ``LOR_SHARE``)."""
    for name in SETTING_VARIABLES:
        if name in env and not env[name].strip():
            raise ConfigError(
                "is set but blank, so it is not clear what was meant; the app stops rather than guess. Give it a "
                "value (LOR_SHARED=1 or 0) or remove it.",
                source="environment variable",
                key=name,
            )
    ours = {name: value for name, value in env.items() if name.upper().startswith("LOR_") and value.strip()}
    known = list(Environment.model_fields)
    for name in sorted(ours):
        if name not in known:
            close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ConfigError(
                f"is not a setting LOR Planner has, so it would be ignored; the app stops rather than guess.{hint}",
                source="environment variable",
                key=name,
            )
    try:
        return Environment.model_validate({name: value.strip() for name, value in ours.items()})
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        raise ConfigError(
            f"can't be used ({env.get(name)!r}): it must be a day written YYYY-MM-DD.",
            source="environment variable",
            key=name,
        ) from None


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    cwd: str | Path | None = None,
    home: str | Path | None = None,
    server_address: str | None = None,
    from_here: bool = True,
) -> Settings:
    """The settings from the secrets files and the environment; raises ConfigError for anything unusable.

    ``server_address``: Streamlit's ``server.address`` option (the app passes it; None when not set). ``from_here``:
    this page was opened on the computer the server runs on (``visit_from_here``); False with ``server.address``
    unset and no setting choosing the mode raises ModeNotChosen.
    """
    env = os.environ if env is None else env
    secrets, origin = read_secrets(secrets_files(cwd=cwd, home=home))
    variables = _environment(env)
    parsed = SecretsFile.model_validate(secrets)  # each file was checked; a merge of valid files is valid

    def source(table: str) -> str:
        return str(origin.get(table, "secrets.toml"))

    lor = parsed.lor or LorTable()
    shared = lor.shared
    shared_by = None if shared is None else f"[lor] shared = {'true' if shared else 'false'}"
    if lor.db_path is not None and not lor.db_path.strip():
        raise ConfigError("must be a file path in quotes.", source=source("lor"), key="[lor] db_path")
    url = None
    if parsed.connections is not None and parsed.connections.lor is not None:
        key = "[connections.lor] url"
        url = _postgres_url(parsed.connections.lor.url, source=source("connections"), key=key)

    if variables.LOR_SHARED is not None:
        value = variables.LOR_SHARED.lower()
        if value not in _TRUE + _FALSE:
            raise ConfigError(
                f"must be 1 or 0 (or true / false); it is {variables.LOR_SHARED!r}.",
                source="environment variable",
                key="LOR_SHARED",
            )
        shared = value in _TRUE
        shared_by = f"LOR_SHARED={variables.LOR_SHARED}"
    if variables.LOR_DATABASE_URL is not None:
        url = _postgres_url(variables.LOR_DATABASE_URL, source="environment variable", key="LOR_DATABASE_URL")
    # A relative db_path in secrets is relative to the app's folder, so starting the server from another folder
    # opens the same database; LOR_DB is relative to where the command runs, like any path typed in a shell.
    path = APP_DIR / (lor.db_path or "data/lor.db")
    if variables.LOR_DB is not None:
        path = Path(variables.LOR_DB)
    sign_in = None
    if parsed.auth is not None:
        sign_in = _sign_in(parsed.auth, lor, source=source("auth"), lor_source=source("lor"))
    elif lor.allowed_domains is not None or lor.advisors is not None:
        key = "[lor] allowed_domains" if lor.allowed_domains is not None else "[lor] advisors"
        raise ConfigError(
            "is set, but there is no [auth] section: without sign-in nobody's email address is known, so the rule "
            "could not be applied; the app stops rather than let everybody in. Add [auth] (see "
            ".streamlit/secrets.toml.example) or remove this setting.",
            source=source("lor"),
            key=key,
        )
    exposed = reached_by_others(database_url=url, env=env, server_address=server_address)
    hops = lor.trusted_proxy_hops
    if exposed is None and not from_here:
        exposed = OPENED_FROM_ELSEWHERE
    if exposed == OPENED_FROM_ELSEWHERE and shared is None:
        raise ModeNotChosen(
            "this page was opened from another computer, and nothing says whether this server is for a class or "
            "for one person. Streamlit listens on every network interface (server.address is not set), so anyone "
            "on the network can open it. Choose one: for a class, [lor] shared = true (or LOR_SHARED=1), which "
            "gives every student a private plan of their own; for one person, [lor] shared = false (or "
            "LOR_SHARED=0), which serves one plan to everybody who opens the address, or server.address = "
            '"localhost" in .streamlit/config.toml, so that only this computer can open it.',
            source="this server's settings (no secrets file or environment variable sets the mode)",
            key="[lor] shared",
        )
    return Settings(
        shared=bool(exposed) if shared is None else shared,
        database_url=url,
        db_path=path,
        files=tuple(dict.fromkeys(origin.values())),
        shared_set=shared is not None,
        exposed=exposed,
        trusted_proxy_hops=(1 if on_community_cloud(env) else 0) if hops is None else hops,
        shared_by=shared_by,
        sign_in=sign_in,
    )


def _sign_in(auth: dict[str, Any], lor: LorTable, *, source: str, lor_source: str) -> SignIn:
    """``[auth]`` checked the way st.login will use it; ConfigError naming the first setting that can't work."""

    def text(value: object) -> str:
        return value.strip() if isinstance(value, str) else ""

    redirect = text(auth.get("redirect_uri"))
    parts = urlsplit(redirect)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.path.endswith("/oauth2callback"):
        raise ConfigError(
            "must be this app's address followed by /oauth2callback, in quotes, e.g. "
            '"https://your-app.streamlit.app/oauth2callback" (the same address registered with the provider).',
            source=source,
            key="[auth] redirect_uri",
        )
    if len(text(auth.get("cookie_secret"))) < MIN_COOKIE_SECRET:
        raise ConfigError(
            f"must be a random text of at least {MIN_COOKIE_SECRET} characters, in quotes (it signs the sign-in "
            'cookie; make one with: python -c "import secrets; print(secrets.token_hex(32))").',
            source=source,
            key="[auth] cookie_secret",
        )
    named = {name: table for name, table in auth.items() if isinstance(table, dict)}
    top = {key: value for key, value in auth.items() if key not in AUTH_KEYS and key not in named}
    if named and any(key in top for key in PROVIDER_KEYS):
        raise ConfigError(
            "has both a provider at its top (client_id = ...) and named providers ([auth.NAME]); use one form.",
            source=source,
            key="[auth]",
        )
    if not named and not top:
        raise ConfigError(
            "names no provider: add client_id, client_secret and server_metadata_url (or an [auth.google] / "
            "[auth.microsoft] table holding them).",
            source=source,
            key="[auth]",
        )
    for name, table in named.items() or [("", top)]:
        place = f"[auth.{name}]" if name else "[auth]"
        for key in PROVIDER_KEYS:
            value = text(table.get(key))
            if not value:
                raise ConfigError(
                    "is missing or blank: the provider gives it when the app is registered.",
                    source=source,
                    key=f"{place} {key}",
                )
            if key == "server_metadata_url" and urlsplit(value).scheme not in ("http", "https"):
                raise ConfigError(
                    "must be the provider's address ending in /.well-known/openid-configuration, in quotes.",
                    source=source,
                    key=f"{place} {key}",
                )
    domains = []
    for domain in lor.allowed_domains or []:
        folded = domain.strip().lstrip("@").lower()
        if not folded or "." not in folded or "@" in folded or any(c.isspace() for c in folded):
            raise ConfigError(
                f'must list domains such as "school.edu" ({json.dumps(domain)} is not one).',
                source=lor_source,
                key="[lor] allowed_domains",
            )
        domains.append(folded)
    advisors = []
    for address in lor.advisors or []:
        folded = address.strip().lower()
        if folded.count("@") != 1 or not folded.split("@")[0] or "." not in folded.split("@")[1]:
            raise ConfigError(
                f'must list email addresses such as "advisor@school.edu" ({json.dumps(address)} is not one).',
                source=lor_source,
                key="[lor] advisors",
            )
        advisors.append(folded)
    return SignIn(providers=tuple(named), allowed_domains=tuple(domains), advisors=tuple(advisors))


OPENED_FROM_ELSEWHERE = (
    "it was opened from another computer (server.address is not set: Streamlit listens on every network interface)"
)


def reached_by_others(*, database_url: str | None, env: Mapping[str, str], server_address: str | None) -> str | None:
    """Why people other than the one at this computer can reach this app, in words; None when nothing says so.

    A database URL means a server set up for many; Community Cloud (its checkout folder, or its container's host
    name) serves the internet; a ``server.address`` that is not a loopback address listens on a network.
    """
    if database_url:
        return "a database URL is configured"
    if on_community_cloud(env):
        return "it runs on Streamlit Community Cloud"
    address = (server_address or "").strip().strip("[]")
    if address and not _loopback(address):
        return f"server.address is {address}"
    return None


def on_community_cloud(env: Mapping[str, str]) -> bool:
    """True on Streamlit Community Cloud: the app checked out under its folder, or its container's host name."""
    return env.get("HOSTNAME") == "streamlit" or APP_DIR.is_relative_to(CLOUD_APP_ROOT)


PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "x-real-ip", "forwarded")


def visit_from_here(remote_ip: str | None, headers: Mapping[str, str]) -> bool:
    """True when a page was opened on the computer the server runs on: the connection comes from a loopback address
    (``remote_ip`` None means loopback, as st.context.ip_address gives it), the browser asked for a loopback host
    name (``Host``, and ``Origin`` when sent), and no proxy says it forwarded the request from elsewhere."""
    if remote_ip and not _loopback(remote_ip.strip("[]")):
        return False
    folded = {name.lower(): value for name, value in headers.items()}
    if any(folded.get(name, "").strip() for name in PROXY_HEADERS):
        return False
    host = folded.get("host", "").strip()
    if host and not _loopback(urlsplit(f"//{host}").hostname or ""):
        return False
    origin = folded.get("origin", "").strip()
    return not origin or origin == "null" or _loopback(urlsplit(origin).hostname or "")


def _loopback(address: str) -> bool:
    if address.lower() in ("localhost", "localhost.") or address.lower().endswith(".localhost"):
        return True
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return False  # a host name other than localhost: a network interface
    mapped = getattr(found, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return found.is_loopback or bool(mapped and mapped.is_loopback)


def is_database_url(location: object) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``, ``postgresql+driver://``) address, False for a file path."""
    scheme, sep, _ = str(location).partition("://")
    return bool(sep) and isinstance(location, str) and scheme.split("+")[0].lower() in POSTGRES_SCHEMES


def _postgres_url(url: str, *, source: str, key: str) -> str:
    """The address libpq reads; st.connection's SQLAlchemy form (postgresql+psycopg://...) loses its driver part."""
    url = url.strip()
    scheme, _, rest = url.partition("://")
    scheme = scheme.split("+")[0].lower()
    if scheme not in POSTGRES_SCHEMES or not rest:
        raise ConfigError(
            "must be a PostgreSQL address such as postgresql://user:password@host:5432/database.",
            source=source,
            key=key,
        )
    return f"{scheme}://{rest}"


def describe_database(url: str) -> str:
    """A PostgreSQL address without its password, for people to read: 'database lor on db.example.com'."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "(default)"
    return f"database {name} on {parts.hostname or 'localhost'}"
