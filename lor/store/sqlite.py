"""The SQLite backend: plans in one file on this computer (a student's own, tests), through sqlite-utils.

One short-lived connection per operation (Streamlit runs each session on its own thread, and a sqlite3 connection
must not cross threads), WAL on, a busy timeout set. The schema's migrations run through sqlite-utils' Migrations,
so a file made by an earlier version keeps the record of what it has.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from lor.store.errors import DatabaseUnavailable, first_line
from lor.store.schema import MIGRATION_NAMES, MIGRATIONS, SQLITE, Migration

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0  # how long a write waits for another one to finish; a visitor then gets the database page


def _migration(migration: Migration) -> Any:
    def apply(db: Database) -> None:
        for sql in migration.ddl(SQLITE):
            db.execute(sql)

    apply.__name__ = apply.__qualname__ = migration.name
    apply.__doc__ = migration.doc
    return apply


migrations = Migrations("lor")
for _m in MIGRATIONS:
    migrations(name=_m.name)(_migration(_m))


def _params(params: list[Any] | tuple[Any, ...]) -> dict[str, Any]:
    # The store's SQL numbers its placeholders ($1, $2), PostgreSQL's own form; SQLite reads $1 as the parameter
    # named "1". The SQL text is the same on both databases; only how the values are handed over differs.
    return {str(n): value for n, value in enumerate(params, start=1)}


class SqliteSession:
    """One connection's calls, as the store makes them: query (rows as dicts), execute, executemany."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.db = Database(conn)

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Iterator[dict[str, Any]]:
        return self.db.query(sql, _params(params))

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
        self.db.execute(sql, _params(params))

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        self.conn.executemany(sql, [_params(row) for row in rows])


class SqliteBackend:
    """A LOR Planner database in a SQLite file."""

    dialect = SQLITE

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.read_only = False  # True when the plans can be read but not changed (a read-only disk, a newer file)
        self.read_only_reason = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.session() as db:
                newer = _unknown(self._applied(db))
                if not newer:
                    db.execute("PRAGMA journal_mode=WAL")
                    migrations.apply(db.db)
        except (OSError, sqlite3.Error) as exc:
            self._open_read_only(exc)
            return
        except DatabaseUnavailable as exc:
            if not isinstance(exc.__cause__, sqlite3.OperationalError):
                raise  # damaged, or not a database at all: nothing to open read-only
            self._open_read_only(exc.__cause__)
            return
        if newer:
            self.refuse_newer(newer)

    @staticmethod
    def _applied(db: SqliteSession) -> list[str]:
        return [m.name for m in migrations.applied(db.db)]

    def applied_migrations(self) -> list[str]:
        """The names of the migrations this file has, oldest first (applying any it lacks first, when writable)."""
        with self.session() as db:
            if not self.read_only:
                migrations.apply(db.db)
            return self._applied(db)

    def refuse_newer(self, newer: list[str]) -> None:
        # A database a newer version of the app has changed: editing a record here would drop the fields this
        # version doesn't know, so its plans open read-only until the app is updated (issue #14.12).
        self.read_only = True
        self.read_only_reason = newer_reason(newer)

    def _open_read_only(self, exc: BaseException) -> None:
        """The plans file can't be written (a read-only disk, an unwritable folder) or read: open what can be
        read, read-only; raise DatabaseUnavailable, in plain words, for what can't be opened at all."""
        reason = first_line(exc)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            raise DatabaseUnavailable(self._damaged(exc)) from None
        if not self.path.is_file():
            raise DatabaseUnavailable(
                f"The plans file {self.path} can't be created ({reason}): the folder it goes in can't be written."
            ) from None
        self.read_only = True
        try:
            with self.session() as db:
                names = self._applied(db)
                next(iter(db.query("SELECT COUNT(*) AS n FROM workspaces")))
        except (sqlite3.Error, DatabaseUnavailable) as again:
            raise DatabaseUnavailable(f"The plans file {self.path} can't be opened ({first_line(again)}).") from None
        if _unknown(names):
            self.refuse_newer(_unknown(names))
            return
        log.warning("The plans file %s can't be written (%s): plans open read-only.", self.path, reason)
        self.read_only_reason = (
            "The disk that holds the plans can't be written right now, so plans open read-only: nothing can be "
            "changed, and you can download a backup on Share & backup. Try again later."
        )

    def _damaged(self, exc: BaseException) -> str:
        return (
            f"The plans file {self.path} is damaged or is not a LOR Planner database ({first_line(exc)}). Restore it "
            "from a copy, or move it aside to start an empty one."
        )

    @property
    def location(self) -> str:
        """Which database this is: the file's path."""
        return str(self.path)

    def describe(self) -> str:
        """Where plans are kept, in words for the Share & backup page."""
        return f"the SQLite file {self.path.name}"

    def close(self) -> None:
        """Nothing to let go of: a SQLite backend holds no connection between calls."""

    @contextmanager
    def session(self) -> Iterator[SqliteSession]:
        """One connection for one operation; DatabaseUnavailable, in plain words, when the file can't be used."""
        try:
            if self.read_only:  # immutable: no lock, journal or WAL file is written (the disk may refuse them)
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None)
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"The plans file {self.path} can't be opened ({first_line(exc)}).") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            yield SqliteSession(conn)
        except sqlite3.OperationalError as exc:  # the disk failed or filled, or stayed locked past the timeout
            if "readonly" in str(exc) and not self.read_only:  # the disk turned read-only: serve plans read-only
                self.read_only = True
                self.read_only_reason = (
                    "The disk that holds the plans can't be written right now, so plans open read-only: nothing "
                    "can be changed, and you can download a backup on Share & backup. Try again later."
                )
            raise DatabaseUnavailable(
                f"The plans file {self.path} can't be used right now ({first_line(exc)})."
            ) from exc
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            raise DatabaseUnavailable(self._damaged(exc)) from exc
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[SqliteSession]:
        # BEGIN IMMEDIATE takes the write lock up front, so a second writer waits (busy_timeout) instead of
        # failing with "database is locked" when a deferred transaction tries to upgrade from read to write.
        with self.session() as db:
            db.execute(self.dialect.begin)
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def size_bytes(self) -> int:
        """How many bytes the database takes on disk: the SQLite file with its write-ahead log."""
        wal = self.path.with_name(self.path.name + "-wal")
        return sum(p.stat().st_size for p in (self.path, wal) if p.exists())


def _unknown(names: list[str]) -> list[str]:
    """The applied migrations this version of the app doesn't have: a newer version changed the database."""
    return [name for name in names if name not in MIGRATION_NAMES]


def newer_reason(newer: list[str]) -> str:
    """Why plans open read-only on a database a newer version of the app changed, in a sentence."""
    return (
        f"The plans' database was last changed by a newer version of LOR Planner (it has {', '.join(newer)}), "
        "so this version opens plans read-only: editing here could lose what the newer version saved. "
        "Whoever runs this app: update it. You can still download a backup on Share & backup."
    )
