"""LOR Planner's settings (class mode, where plans live), read the way Streamlit reads st.secrets, without Streamlit.

Secrets files, each optional, a later one replacing whole top-level tables of an earlier one (Streamlit 1.67's
default `secrets.files`): ``~/.streamlit/secrets.toml``, ``<current folder>/.streamlit/secrets.toml``, then
``<app folder>/.streamlit/secrets.toml`` (the folder of app.py, so a server started from another folder reads the
same settings). Environment variables win over the files: ``LOR_SHARED``, ``LOR_DATABASE_URL``, ``LOR_DB``.

Configuration fails closed: a secrets file that exists but cannot be read, or a setting of the wrong type, raises
ConfigError naming the file and the key; the app then refuses to serve rather than guess (a guess could put a whole
class into one shared plan).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

APP_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = APP_DIR / "data" / "lor.db"
POSTGRES_SCHEMES = ("postgresql", "postgres")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class ConfigError(ValueError):
    """A setting that can't be used: ``source`` is the file (or environment variable), ``key`` the setting."""

    def __init__(self, problem: str, *, source: str, key: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.problem = problem
        self.source = source
        self.key = key


@dataclass(frozen=True)
class Settings:
    """What the app runs with. ``database_url`` set means PostgreSQL; otherwise SQLite at ``db_path``."""

    shared: bool = False
    database_url: str | None = None
    db_path: Path = DEFAULT_DB
    files: tuple[Path, ...] = field(default=())  # the secrets files that were found and read

    @property
    def backend(self) -> str:
        """ "postgres" or "sqlite"."""
        return "postgres" if self.database_url else "sqlite"


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

    Raises ConfigError for a file that exists but cannot be read or is not valid TOML.
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
        merged.update(contents)  # a later file replaces whole top-level tables, as st.secrets does
        origin.update(dict.fromkeys(contents, path))
    return merged, origin


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    cwd: str | Path | None = None,
    home: str | Path | None = None,
) -> Settings:
    """The settings from the secrets files and the environment; raises ConfigError for anything unusable."""
    env = os.environ if env is None else env
    secrets, origin = read_secrets(secrets_files(cwd=cwd, home=home))

    def source(table: str) -> str:
        return str(origin.get(table, "secrets.toml"))

    lor = secrets.get("lor", {})
    if not isinstance(lor, dict):
        raise ConfigError("must be a table ([lor] on a line of its own).", source=source("lor"), key="[lor]")
    shared = lor.get("shared", False)
    if type(shared) is not bool:
        raise ConfigError(
            f"must be true or false, without quotes (it is {json.dumps(shared, default=str)}).",
            source=source("lor"),
            key="[lor] shared",
        )
    db_path = lor.get("db_path")
    if db_path is not None and (not isinstance(db_path, str) or not db_path.strip()):
        raise ConfigError("must be a file path in quotes.", source=source("lor"), key="[lor] db_path")

    url = None
    connections = secrets.get("connections", {})
    if not isinstance(connections, dict) or not isinstance(connections.get("lor", {}), dict):
        raise ConfigError(
            "must be a table ([connections.lor] on a line of its own).",
            source=source("connections"),
            key="[connections.lor]",
        )
    if "lor" in connections:
        url = connections["lor"].get("url")
        if not isinstance(url, str):
            raise ConfigError(
                'needs url = "postgresql://user:password@host/database" (the whole address, in quotes).',
                source=source("connections"),
                key="[connections.lor] url",
            )
        url = _postgres_url(url, source=source("connections"), key="[connections.lor] url")

    env_shared = env.get("LOR_SHARED", "").strip().lower()
    if env_shared:
        if env_shared not in _TRUE + _FALSE:
            raise ConfigError(
                f"must be 1 or 0 (or true / false); it is {env.get('LOR_SHARED')!r}.",
                source="environment variable",
                key="LOR_SHARED",
            )
        shared = env_shared in _TRUE
    if env.get("LOR_DATABASE_URL", "").strip():
        url = _postgres_url(env["LOR_DATABASE_URL"], source="environment variable", key="LOR_DATABASE_URL")
    # A relative db_path in secrets is relative to the app's folder, so starting the server from another folder
    # opens the same database; LOR_DB is relative to where the command runs, like any path typed in a shell.
    path = APP_DIR / (db_path or "data/lor.db")
    if env.get("LOR_DB", "").strip():
        path = Path(env["LOR_DB"])
    return Settings(shared=shared, database_url=url, db_path=path, files=tuple(dict.fromkeys(origin.values())))


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
