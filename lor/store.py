"""Storage for LOR Planner: workspaces, their records, links, JSON backup / restore, and moving a class's plans.

``Store(path)`` keeps plans in a SQLite file through sqlite-utils (the default: a student's own computer, tests);
lor/pgstore.py keeps them on a PostgreSQL server for a class; ``open_store()`` picks one from the settings. One
short-lived connection (SQLite, WAL on, a busy timeout set) or pooled one (PostgreSQL) per operation, since Streamlit
runs each session on its own thread. Every row belongs to a workspace; records are stored as validated JSON.

Command line: ``python -m lor.store copy --from data/lor.db --to postgresql://…`` copies every plan with its links;
``python -m lor.store purge [--db …]`` deletes empty plans now (a class server also does it hourly, see
``Store.purge_empty_plans``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Protocol, cast

import orjson
from pydantic import BaseModel, ValidationError
from sqlite_utils import Database
from sqlite_utils.db import Table
from sqlite_utils.migrations import Migrations

from lor.config import Settings, is_database_url, load_settings
from lor.joincodes import NO_DESK, desk_name, format_join_code, hash_join_code, join_code_for, normalize_join_code
from lor.limits import (
    DESK_MEMBERS_MAX,
    DESKS_PER_SERVER,
    PLANS_PER_SERVER,
    Rate,
    plan_size_problems,
    wait_words,
)
from lor.models import (
    FIELD_LABELS,
    SETTING_KEYS,
    STORED,
    Application,
    LetterRequest,
    Mentor,
    PlanSettings,
    Student,
    current_day,
    dates_outside_horizon,
    plain_errors,
    quoted,
)
from lor.text import plural

SCHEMA = 1  # the backup document's format version
APP_NAME = "lor-planner"
LOCAL_WORKSPACE = "local"
MAX_BACKUP_BYTES = 5_000_000  # a real plan is a few hundred kB at most
MAX_RECORDS = 2_000  # per kind, per workspace
MAX_DEPTH = 32  # a real backup nests 6 levels deep; far deeper would break reading it back
# Values (and field names) in one backup: a plan at every limit holds about 30,000, the example plan 2,000. Counted
# before any object is built, so a 5 MB file of [[],[],...] costs a scan, not 250 MB of empty lists.
MAX_VALUES = 200_000
# The most a plan takes in the database: the characters of its records' and settings' JSON. A plan at every count
# limit takes about 0.3 MB; this leaves room for long notes, and its backup (indented: about 1.8 times as long)
# still fits MAX_BACKUP_BYTES.
MAX_PLAN_CHARS = 2_500_000
MAX_DIGITS = 20  # no number in a plan is longer; Python refuses to read one past 4,300 digits with its own message
BUSY_TIMEOUT_S = 10.0
# Purging empty plans (Store.purge_empty_plans): see the README's class-mode section.
NEVER_WRITTEN_GRACE = timedelta(days=1)  # a plan row made without a write, kept this long for its first write
ABANDONED_AFTER = timedelta(days=30)  # an emptied plan nobody opened (or changed) for this long
PURGE_EVERY = timedelta(hours=1)  # purge_if_due: at most this often per database per process
UNUSED_AFTER = timedelta(days=540)  # a plan or desk nobody opened or changed for about 18 months
EMPTY_DESK_AFTER = timedelta(days=30)  # a desk no student is on, not opened by its link for this long

_KINDS: dict[str, type[BaseModel]] = {
    "mentors": Mentor,
    "applications": Application,
    "letters": LetterRequest,
}

migrations = Migrations("lor")


def _table(db: Database, name: str) -> Table:
    # db[name] may be a table or a view to the type checker; every name used here is a table.
    return cast(Table, db[name])


@migrations()
def m001_initial(db: Database) -> None:
    """Workspaces, their records, and their settings."""
    _table(db, "workspaces").create(
        {"id": str, "edit_hash": str, "view_hash": str, "created": str, "version": int},
        pk="id",
        not_null={"created", "version"},
        if_not_exists=True,
    )
    _table(db, "workspaces").create_index(["edit_hash"], unique=True, if_not_exists=True)
    _table(db, "workspaces").create_index(["view_hash"], unique=True, if_not_exists=True)
    for table in ("mentors", "applications", "letters"):
        _table(db, table).create(
            {"workspace_id": str, "id": str, "name": str, "data": str},
            pk=("workspace_id", "id"),
            foreign_keys=[("workspace_id", "workspaces", "id")],
            if_not_exists=True,
        )
    _table(db, "student").create({"workspace_id": str, "data": str}, pk="workspace_id", if_not_exists=True)
    _table(db, "settings").create(
        {"workspace_id": str, "key": str, "value": str}, pk=("workspace_id", "key"), if_not_exists=True
    )


@migrations()
def m002_desks(db: Database) -> None:
    """Advisor desks (class mode), the plans that joined each one, and when each plan last changed."""
    _table(db, "workspaces").add_column("changed", str)
    _table(db, "desks").create(
        {"id": str, "name": str, "link_hash": str, "code_hash": str, "code_salt": str, "created": str},
        pk="id",
        not_null={"name", "link_hash", "code_hash", "code_salt", "created"},
        if_not_exists=True,
    )
    _table(db, "desks").create_index(["link_hash"], unique=True, if_not_exists=True)
    _table(db, "desks").create_index(["code_hash"], unique=True, if_not_exists=True)
    _table(db, "desk_members").create(
        {"desk_id": str, "workspace_id": str, "joined": str},
        pk=("desk_id", "workspace_id"),
        foreign_keys=[("desk_id", "desks", "id"), ("workspace_id", "workspaces", "id")],
        if_not_exists=True,
    )
    _table(db, "desk_members").create_index(["workspace_id"], if_not_exists=True)


@migrations()
def m003_opened(db: Database) -> None:
    """When each plan was last opened by one of its links (noted at most once a day), so purging can tell an
    abandoned empty plan from one its student still visits."""
    _table(db, "workspaces").add_column("opened", str)


@migrations()
def m004_desk_opened(db: Database) -> None:
    """When each desk was last opened by its link (noted at most once a day), so purging can tell a desk in use from
    one its advisor left."""
    _table(db, "desks").add_column("opened", str)


class CreationRefused(ValueError):
    """A new plan or desk refused because too many were made lately (lor.limits): nothing was saved. The message is
    the sentence to show."""


class DeskFull(ValueError):
    """A join refused because the desk holds DESK_MEMBERS_MAX students already."""


def narrowed(letter: LetterRequest, application_id: str) -> LetterRequest:
    """A shared letter without ``application_id``: the next application it serves becomes its first."""
    rest = [i for i in letter.application_ids if i != application_id]
    return letter.model_copy(update={"application_id": rest[0], "also_for": rest[1:]})


class DatabaseUnavailable(RuntimeError):
    """The configured database can't be reached or opened; the message says which one and why, without secrets."""


LINK_GONE: Final = "This link no longer opens the plan: it was replaced or turned off, or the plan left the desk."


class LinkGone(PermissionError):
    """A write or read through a Workspace whose link was replaced or turned off since it was opened (or whose plan
    left the desk it was opened from): nothing was read or changed."""


def open_store(settings: Settings | None = None) -> Store:
    """The store the settings name (``load_settings()`` when None): PostgreSQL when a database URL is set,
    otherwise the SQLite file at ``db_path``."""
    settings = settings if settings is not None else load_settings()
    return store_at(settings.database_url or settings.db_path)


def store_at(location: str | Path) -> Store:
    """The store at a SQLite file path or a ``postgresql://`` address."""
    if is_database_url(location):
        from lor.pgstore import PostgresStore  # psycopg loads only when PostgreSQL is used

        return PostgresStore(str(location))
    return Store(location)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a link token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()  # a mangled link opens nothing


def new_token() -> str:
    """A fresh link token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


_UNREAD: Final = object()  # Store._note_opened: the plan's "opened" value was not read by the caller


class Store:
    """A LOR Planner database; hands out Workspaces. ``Store(path)`` is a SQLite file; ``open_store`` picks the
    backend from the settings (PostgreSQL when a database URL is configured, see lor/pgstore.py).

    The SQL here is the subset SQLite and PostgreSQL share (``?`` placeholders, ``ON CONFLICT`` upserts); a
    backend supplies its connections (``_db``, ``_transaction``) and the two expressions that differ.
    """

    backend = "sqlite"
    _ORDER = "rowid"  # insertion order of a record; an update keeps it
    _JSON_FIELD = "json_extract(data, '$.{field}')"
    _LOCK_ROWS = ""  # what locks the rows a purge selects until it deletes them (PostgreSQL: FOR UPDATE)

    read_only = False  # True when the plans can be read but not changed (a read-only disk, a newer database)
    read_only_reason = ""  # why, in a sentence for the page header

    writes = 0  # writes made through this object: a page run may reuse a version it read while this stays put

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                newer = _unknown_migrations([m.name for m in migrations.applied(db)])
                if not newer:
                    db.execute("PRAGMA journal_mode=WAL")
                    migrations.apply(db)
        except (OSError, sqlite3.Error) as exc:
            self._open_read_only(exc)
            return
        except DatabaseUnavailable as exc:
            if not isinstance(exc.__cause__, sqlite3.OperationalError):
                raise  # damaged, or not a database at all: nothing to open read-only
            self._open_read_only(exc.__cause__)
            return
        if newer:
            self._refuse_newer(newer)

    def _refuse_newer(self, newer: list[str]) -> None:
        # A database a newer version of the app has changed: editing a record here would drop the fields this
        # version doesn't know, so its plans open read-only until the app is updated (issue #14.12).
        self.read_only = True
        self.read_only_reason = (
            f"The plans' database was last changed by a newer version of LOR Planner (it has {', '.join(newer)}), "
            "so this version opens plans read-only: editing here could lose what the newer version saved. "
            "Whoever runs this app: update it. You can still download a backup on Share & backup."
        )

    def _open_read_only(self, exc: BaseException) -> None:
        """The plans file can't be written (a read-only disk, an unwritable folder) or read: open what can be
        read, read-only; raise DatabaseUnavailable, in plain words, for what can't be opened at all."""
        reason = _first_line(exc)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            raise DatabaseUnavailable(_damaged(self.path, exc)) from None
        if not self.path.is_file():
            raise DatabaseUnavailable(
                f"The plans file {self.path} can't be created ({reason}): the folder it goes in can't be written."
            ) from None
        self.read_only = True
        try:
            with self._db() as db:
                names = [m.name for m in migrations.applied(db)]
                next(iter(db.query("SELECT COUNT(*) AS n FROM workspaces")))
        except (sqlite3.Error, DatabaseUnavailable) as again:
            raise DatabaseUnavailable(f"The plans file {self.path} can't be opened ({_first_line(again)}).") from None
        if _unknown_migrations(names):
            self._refuse_newer(_unknown_migrations(names))
            return
        self.read_only_reason = (
            f"The disk that holds the plans can't be written right now ({reason}), so plans open read-only: "
            "nothing can be changed, and you can download a backup on Share & backup. Try again later."
        )

    @property
    def location(self) -> str:
        """Which database this is, without secrets: the file path, or the server address without a password."""
        return str(self.path)

    def describe(self) -> str:
        """Where plans are kept, in words for the Share & backup page."""
        return f"the SQLite file {self.path.name}"

    def close(self) -> None:
        """Let go of any connections held open (a SQLite store holds none between calls)."""

    on_unavailable: Callable[[DatabaseUnavailable], None] | None = None  # told first whenever the database fails

    @contextmanager
    def _db(self) -> Iterator[Any]:
        """One connection (a transaction on PostgreSQL) for one operation; DatabaseUnavailable when the database
        can't be used, after ``on_unavailable`` (the app's way to show its database page from a widget callback or a
        fragment, where an exception would only reach Streamlit's generic error)."""
        try:
            with self._connect() as db:
                yield db
        except DatabaseUnavailable as exc:
            if self.on_unavailable is not None:
                self.on_unavailable(exc)
            raise

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        try:
            if self.read_only:  # immutable: no lock, journal or WAL file is written (the disk may refuse them)
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None)
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"The plans file {self.path} can't be opened ({_first_line(exc)}).") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            yield _SqliteSession(conn)
        except sqlite3.OperationalError as exc:  # the disk failed or filled, or stayed locked past the timeout
            if "readonly" in str(exc) and not self.read_only:  # the disk turned read-only: serve plans read-only
                self.read_only = True
                self.read_only_reason = (
                    "The disk that holds the plans can't be written right now, so plans open read-only: nothing "
                    "can be changed, and you can download a backup on Share & backup. Try again later."
                )
            raise DatabaseUnavailable(
                f"The plans file {self.path} can't be used right now ({_first_line(exc)})."
            ) from exc
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            raise DatabaseUnavailable(_damaged(self.path, exc)) from exc
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        # BEGIN IMMEDIATE takes the write lock up front, so a second writer waits (busy_timeout) instead of
        # failing with "database is locked" when a deferred transaction tries to upgrade from read to write.
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _write(self, ws: Workspace) -> Iterator[Any]:
        """One transaction that changes ``ws``: it creates a plan not yet saved, and bumps the version first
        (which also makes concurrent writers of one plan wait for each other on PostgreSQL's row lock)."""
        ws._check_writable()
        with ws._creating:
            links = None
            if not ws.saved:
                self._admit_new_plan(ws)
            with self._transaction() as db:
                if not ws.saved:
                    links = self._insert_workspace(db, ws.id)
                db.execute("UPDATE workspaces SET version = version + 1, changed = ? WHERE id = ?", [_now(), ws.id])
                self._check_access(db, ws)  # after the row lock: no race; a lost link rolls the transaction back
                yield db
            self.writes += 1
            if links:
                ws.saved, ws.new_links = True, links
                ws.access = ("edit", hash_token(links[0]))
        if links and ws.on_created:
            ws.on_created(ws)

    def _admit_new_plan(self, ws: Workspace) -> None:
        """Refuse (CreationRefused; ``ws.on_refused`` first, which the app uses to say so and rerun) a first write
        when its client (``ws.before_create``) or the whole server (PLANS_PER_SERVER) made too many plans lately."""
        refusal = ws.before_create(ws) if ws.before_create is not None else None
        if refusal is None:
            with self._db() as db:
                wait = self._creation_wait(db, "workspaces", PLANS_PER_SERVER)
            if wait:
                refusal = (
                    f"This class server has started {PLANS_PER_SERVER.limit:,} new plans in the last "
                    f"{PLANS_PER_SERVER.window_words()}, the most it starts; wait {wait_words(wait)}, then try again. "
                    "Nothing was saved."
                )
        if refusal is not None:
            if ws.on_refused is not None:
                ws.on_refused(ws, refusal)
            raise CreationRefused(refusal)

    @staticmethod
    def _creation_wait(db: Any, table: str, rate: Rate, now: datetime | None = None) -> int:
        """0 when the database holds fewer than ``rate.limit`` rows of ``table`` made within ``rate.window_s``; else
        the seconds until the oldest of them leaves the window."""
        now = _utc(now)
        since = (now - timedelta(seconds=rate.window_s)).isoformat(timespec="seconds")
        rows = list(
            db.query(
                f"SELECT created FROM {table} WHERE created >= ? ORDER BY created DESC LIMIT ?", [since, rate.limit]
            )
        )
        if len(rows) < rate.limit:
            return 0
        oldest = datetime.fromisoformat(rows[-1]["created"])
        return max(1, int((oldest + timedelta(seconds=rate.window_s) - now).total_seconds() + 0.999))

    def _insert_workspace(self, db: Any, workspace_id: str) -> tuple[str, str]:
        edit, view = new_token(), new_token()
        db.execute(
            "INSERT INTO workspaces (id, edit_hash, view_hash, created, version) VALUES (?, ?, ?, ?, 0)",
            [workspace_id, hash_token(edit), hash_token(view), _now()],
        )
        return edit, view

    def _check_access(self, db: Any, ws: Workspace, row: dict[str, Any] | None = None) -> None:
        """Go on only while what ``ws`` was opened with still opens it: its link's hash is still the plan's, or the
        plan is still on the desk it was opened from (``row``: the plan's workspaces row, when already read).
        Otherwise ``ws.on_revoked(ws)`` (the app's rerun), else LinkGone."""
        if ws.access is None:
            return
        kind, value = ws.access
        if kind == "desk":
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = ? AND workspace_id = ?"
            holds = next(iter(db.query(sql, [value, ws.id])), None) is not None
        else:
            if row is None:
                row = next(iter(db.query("SELECT edit_hash, view_hash FROM workspaces WHERE id = ?", [ws.id])), None)
            stored = row[f"{kind}_hash"] if row and kind in ("edit", "view") else None
            holds = isinstance(stored, str) and hmac.compare_digest(stored, value)
        if not holds:
            if ws.on_revoked is not None:
                ws.on_revoked(ws)
            raise LinkGone(LINK_GONE)

    # -- workspaces -------------------------------------------------------------------------------

    def default_workspace(self) -> Workspace:
        """The single workspace of local mode (no link, no token)."""
        if self.read_only:
            return Workspace(self, LOCAL_WORKSPACE, read_only=True)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO workspaces (id, edit_hash, view_hash, created, version) VALUES (?, NULL, NULL, ?, 0) "
                "ON CONFLICT (id) DO NOTHING",
                [LOCAL_WORKSPACE, _now()],
            )
        return Workspace(self, LOCAL_WORKSPACE, read_only=self.read_only)

    def create_workspace(self) -> tuple[str, str]:
        """A new private workspace; returns its (edit_token, view_token)."""
        with self._transaction() as db:
            return self._insert_workspace(db, secrets.token_hex(8))

    def new_workspace(self) -> Workspace:
        """A new private plan that is saved, and gets its links (``.new_links``), only with its first write.

        So a visitor who never writes leaves nothing in the database. ``.on_created(ws)`` is called once then.
        """
        return Workspace(self, secrets.token_hex(8), read_only=self.read_only, saved=False)

    def open(self, token: str) -> Workspace:
        """The workspace a link token opens: editable for an edit token, read-only for a view token.

        Raises KeyError for an unknown, revoked or malformed token.
        """
        if not isinstance(token, str) or not 16 <= len(token) <= 128:
            raise KeyError("this link does not open any plan")
        digest = hash_token(token)
        with self._db() as db:
            rows = list(
                db.query(
                    "SELECT id, edit_hash, view_hash, opened FROM workspaces WHERE edit_hash = ? OR view_hash = ?",
                    [digest, digest],
                )
            )
        for row in rows:
            if row["edit_hash"] and hmac.compare_digest(row["edit_hash"], digest):
                self._note_opened(row["id"], opened=row["opened"])
                return Workspace(self, row["id"], read_only=self.read_only, access=("edit", digest))
            if row["view_hash"] and hmac.compare_digest(row["view_hash"], digest):
                self._note_opened(row["id"], opened=row["opened"])
                return Workspace(self, row["id"], read_only=True, access=("view", digest))
        raise KeyError("this link does not open any plan")

    def regenerate_link(self, ws: Workspace, which: str) -> str:
        """Replace the workspace's edit or view link; the old one stops working. Returns the new token."""
        if which not in ("edit", "view"):
            raise ValueError("which must be 'edit' or 'view'")
        token = new_token()
        with self._write(ws) as db:
            db.execute(f"UPDATE workspaces SET {which}_hash = ? WHERE id = ?", [hash_token(token), ws.id])
        if ws.access is not None and ws.access[0] == which:
            ws.access = (which, hash_token(token))  # the session that made the new link goes on with it
        return token

    def revoke_view_link(self, ws: Workspace) -> None:
        """Turn the advisor (view) link off until a new one is made."""
        ws._check_writable()
        if not ws.saved:
            return
        with self._write(ws) as db:
            db.execute("UPDATE workspaces SET view_hash = NULL WHERE id = ?", [ws.id])

    def has_view_link(self, ws: Workspace) -> bool:
        """True when the workspace has a working advisor link."""
        with self._db() as db:
            row = next(iter(db.query("SELECT view_hash FROM workspaces WHERE id = ?", [ws.id])), None)
        return bool(row and row["view_hash"])

    def workspace_count(self) -> int:
        """How many workspaces the database holds (for the instructor's view and the load test)."""
        with self._db() as db:
            return next(iter(db.query("SELECT COUNT(*) AS n FROM workspaces")))["n"]

    # -- housekeeping (class mode): empty plans, the database's size ------------------------------

    def _note_opened(
        self, workspace_id: str, now: datetime | None = None, *, opened: Any = _UNREAD, table: str = "workspaces"
    ) -> None:
        """Note that a link opened this plan: a write at most once per plan a day (so opening does not queue
        behind other writers); never a reason not to open it. ``opened`` is the stored value when the caller
        already read it (``open`` does, with the link's row); otherwise it is read here."""
        if self.read_only:
            return
        day = _utc(now).date().isoformat()
        if opened is not _UNREAD and opened is not None and opened >= day:
            return  # the usual case: noted today already, and known without another query
        try:
            with self._db() as db:
                if opened is _UNREAD:
                    row = next(iter(db.query(f"SELECT opened FROM {table} WHERE id = ?", [workspace_id])), None)
                    if row is None or (row["opened"] is not None and row["opened"] >= day):
                        return
                db.execute(
                    f"UPDATE {table} SET opened = ? WHERE id = ? AND (opened IS NULL OR opened < ?)",
                    [_utc(now).isoformat(timespec="seconds"), workspace_id, day],
                )
        except DatabaseUnavailable:
            pass  # a busy or failing disk: the plan still opens; the note waits for the next visit

    def purge_empty_plans(self, now: datetime | None = None) -> Purged:
        """Delete the plans that hold nothing, so anonymous visits can't pile up rows; never a plan with content.

        A plan is purged when none of its tables (writers, applications, letters, settings, student) holds a row,
        it is on no advisor desk, and either it was never written and was made over ``NEVER_WRITTEN_GRACE`` ago
        (a link handed out by ``create_workspace`` whose first write never came), or it was written (then emptied)
        and neither opened, changed nor made in the last ``ABANDONED_AFTER`` (its link then opens nothing). The
        local plan is never purged. ``now`` (default: the current time, UTC) is the clock.
        """
        now = _utc(now)
        fresh = (now - NEVER_WRITTEN_GRACE).isoformat(timespec="seconds")
        idle = (now - ABANDONED_AFTER).isoformat(timespec="seconds")
        empty = " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {table} t WHERE t.workspace_id = w.id)" for table in (*_TABLES, "desk_members")
        )
        stale = (
            f"w.id <> '{LOCAL_WORKSPACE}' AND {empty} AND ("
            "(w.version = 0 AND w.created < ?) OR "
            "(w.version > 0 AND w.created < ? AND (w.changed IS NULL OR w.changed < ?) "
            "AND (w.opened IS NULL OR w.opened < ?)))"
        )
        params = [fresh, idle, idle, idle]
        counts = {"never": 0, "abandoned": 0}
        with self._transaction() as db:
            rows = list(db.query(f"SELECT w.id, w.version FROM workspaces w WHERE {stale}{self._LOCK_ROWS}", params))
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                ids = [row["id"] for row in chunk]
                marks = ", ".join("?" * len(ids))
                # The conditions again, in the statement that deletes: a first write that won a race keeps its plan.
                db.execute(
                    f"DELETE FROM workspaces WHERE id IN ({marks}) AND id IN (SELECT w.id FROM workspaces w "
                    f"WHERE {stale})",
                    [*ids, *params],
                )
                kept = {r["id"] for r in db.query(f"SELECT id FROM workspaces WHERE id IN ({marks})", ids)}
                for row in chunk:
                    if row["id"] not in kept:
                        counts["never" if row["version"] == 0 else "abandoned"] += 1
        return Purged(never_written=counts["never"], abandoned=counts["abandoned"])

    def purge_unused(self, now: datetime | None = None) -> Purged:
        """Delete what nobody uses any more: plans (with everything in them) that no link opened, no desk opened and
        nobody changed for ``UNUSED_AFTER``; desks their link did not open for ``UNUSED_AFTER``; and desks no student
        is on that their link did not open for ``EMPTY_DESK_AFTER``. The plans on a deleted desk stay; a deleted
        plan leaves every desk. The local plan is never purged."""
        now = _utc(now)
        idle = (now - UNUSED_AFTER).isoformat(timespec="seconds")
        empty_idle = (now - EMPTY_DESK_AFTER).isoformat(timespec="seconds")
        unused_plan = (
            f"w.id <> '{LOCAL_WORKSPACE}' AND w.created < ? AND (w.changed IS NULL OR w.changed < ?) "
            "AND (w.opened IS NULL OR w.opened < ?)"
        )
        unused_desk = (
            "(d.created < ? AND (d.opened IS NULL OR d.opened < ?)) OR (d.created < ? AND (d.opened IS NULL OR "
            "d.opened < ?) AND NOT EXISTS (SELECT 1 FROM desk_members m WHERE m.desk_id = d.id))"
        )
        plans = desks = 0
        with self._transaction() as db:
            lock = self._LOCK_ROWS
            ids = [r["id"] for r in db.query(f"SELECT w.id FROM workspaces w WHERE {unused_plan}{lock}", [idle] * 3)]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for table in (*_TABLES, "desk_members"):
                    db.execute(f"DELETE FROM {table} WHERE workspace_id IN ({marks})", chunk)
                db.execute(f"DELETE FROM workspaces WHERE id IN ({marks})", chunk)
                plans += len(chunk)
            params = [idle, idle, empty_idle, empty_idle]
            desk_lock = lock.replace(" OF w", " OF d")
            gone = [r["id"] for r in db.query(f"SELECT d.id FROM desks d WHERE {unused_desk}{desk_lock}", params)]
            for start in range(0, len(gone), 500):
                chunk = gone[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                db.execute(f"DELETE FROM desk_members WHERE desk_id IN ({marks})", chunk)
                db.execute(f"DELETE FROM desks WHERE id IN ({marks})", chunk)
                desks += len(chunk)
        return Purged(unused=plans, desks=desks)

    def purge(self, now: datetime | None = None) -> Purged:
        """Every purge at once: empty plans (``purge_empty_plans``), then unused plans and desks (``purge_unused``)."""
        empty, unused = self.purge_empty_plans(now), self.purge_unused(now)
        return Purged(empty.never_written, empty.abandoned, unused.unused, unused.desks)

    def purge_if_due(self, now: datetime | None = None) -> Purged | None:
        """``purge`` at most once per ``PURGE_EVERY`` per database in this process (a class server
        calls this whenever a plan is opened); None when it was not due, the store is read-only or the database
        failed (housekeeping never stops a page)."""
        now = _utc(now)
        with _purge_lock:
            last = _last_purge.get(self.location)
            if self.read_only or (last is not None and timedelta(0) <= now - last < PURGE_EVERY):
                return None
            _last_purge[self.location] = now
        try:
            return self.purge(now)
        except DatabaseUnavailable:
            return None

    def size_bytes(self) -> int:
        """How many bytes the database takes on disk: the SQLite file with its write-ahead log."""
        wal = self.path.with_name(self.path.name + "-wal")
        return sum(p.stat().st_size for p in (self.path, wal) if p.exists())

    # -- advisor desks (class mode) ----------------------------------------------------------------

    def create_desk(self, name: str) -> tuple[str, str]:
        """A new advisor desk named ``name``; returns its (desk_token, join_code).

        The desk token (192 random bits, stored only as a hash) opens the desk (``open_desk``); the join code
        is what the advisor gives students. Raises ValueError for an empty or overlong name, CreationRefused when
        the server made DESKS_PER_SERVER desks lately.
        """
        name = desk_name(name)
        token, salt = new_token(), secrets.token_hex(8)
        code = join_code_for(token, salt)
        with self._transaction() as db:
            wait = self._creation_wait(db, "desks", DESKS_PER_SERVER)
            if wait:
                raise CreationRefused(
                    f"This class server has made {DESKS_PER_SERVER.limit} advisor desks in the last "
                    f"{DESKS_PER_SERVER.window_words()}, the most it makes; wait {wait_words(wait)}, then try again."
                )
            db.execute(
                "INSERT INTO desks (id, name, link_hash, code_hash, code_salt, created) VALUES (?, ?, ?, ?, ?, ?)",
                [secrets.token_hex(8), name, hash_token(token), hash_join_code(code), salt, _now()],
            )
        return token, format_join_code(code)

    def open_desk(self, token: str) -> Desk:
        """The desk a desk link token opens. Raises KeyError for an unknown or malformed token."""
        if not isinstance(token, str) or not 16 <= len(token) <= 128:
            raise KeyError("this link does not open any desk")
        digest = hash_token(token)
        with self._db() as db:
            sql = "SELECT id, name, link_hash, opened FROM desks WHERE link_hash = ?"
            row = next(iter(db.query(sql, [digest])), None)
        if row is None or not hmac.compare_digest(row["link_hash"], digest):
            raise KeyError("this link does not open any desk")
        self._note_opened(row["id"], opened=row["opened"], table="desks")
        return Desk(self, row["id"], row["name"], token)

    def find_desk(self, code: str) -> DeskInfo:
        """The desk a join code belongs to (its id and name only), for a student to confirm before joining.

        Raises KeyError for any code that is not a desk's current code: a wrong, old, guessed or near-miss code
        all fail the same way, since codes are looked up by their hash.
        """
        normal = normalize_join_code(code)
        if normal is None:
            raise KeyError(NO_DESK)
        with self._db() as db:
            row = next(iter(db.query("SELECT id, name FROM desks WHERE code_hash = ?", [hash_join_code(normal)])), None)
        if row is None:
            raise KeyError(NO_DESK)
        return DeskInfo(row["id"], row["name"])

    # -- backup / restore -------------------------------------------------------------------------

    def export_json(self, ws: Workspace) -> str:
        """The whole workspace as a backup document; the same contents always give the same text."""
        return backup_text(ws)

    def import_json(self, ws: Workspace, text: str | bytes) -> None:
        """Replace the workspace's contents with a backup document, all or nothing.

        Raises ValueError with the reason (and changes nothing) for a broken, foreign, too large or
        newer-version document; PermissionError on a read-only workspace.
        """
        ws._check_writable()
        rows: StoredRows = parse_backup(text)["rows"]  # only what was validated: the models' own JSON
        with self._write(ws) as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table} WHERE workspace_id = ?", [ws.id])
            if rows.student is not None:
                db.execute("INSERT INTO student (workspace_id, data) VALUES (?, ?)", [ws.id, rows.student])
            for kind in _KINDS:
                db.executemany(
                    f"INSERT INTO {kind} (workspace_id, id, name, data) VALUES (?, ?, ?, ?)",
                    [[ws.id, record_id, name, data] for record_id, name, data in rows.records[kind]],
                )
            db.executemany(
                "INSERT INTO settings (workspace_id, key, value) VALUES (?, ?, ?)",
                [[ws.id, key, value] for key, value in rows.settings.items()],
            )

    # -- moving a whole database (python -m lor.store copy) ---------------------------------------

    def dump_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, link hashes included, records in the order they were added."""
        with self._db() as db:
            out = {"workspaces": list(db.query(f"SELECT {', '.join(_COLUMNS['workspaces'])} FROM workspaces"))}
            for table in (*_TABLES, *_DESK_TABLES):
                order = f" ORDER BY {self._ORDER}" if table in _KINDS else ""
                out[table] = list(db.query(f"SELECT {', '.join(_COLUMNS[table])} FROM {table}{order}"))
        return out

    def load_rows(self, rows: dict[str, list[dict[str, Any]]], *, replace: bool = False) -> None:
        """Put ``dump_rows()`` output into this database in one transaction.

        Refuses (ValueError) a database that already holds plans, unless ``replace``: then they are deleted first.
        """
        with self._transaction() as db:
            held = next(iter(db.query("SELECT COUNT(*) AS n FROM workspaces")))["n"]
            if held and not replace:
                raise ValueError(
                    f"The target database already holds {held} plan(s). Nothing was copied; copy with --replace "
                    "to delete them and put the source's plans in their place."
                )
            for table in ("desk_members", "desks", *_TABLES, "workspaces"):
                db.execute(f"DELETE FROM {table}")
            for table in ("workspaces", *_TABLES, *_DESK_TABLES):
                columns = _COLUMNS[table]
                db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [[row[c] for c in columns] for row in rows[table]],
                )


class _SqliteSession(Database):
    """sqlite-utils' Database, plus the executemany the PostgreSQL session also has."""

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        self.conn.executemany(sql, rows)


_TABLES = ("mentors", "applications", "letters", "settings", "student")  # every table that holds a plan's rows
# The characters of JSON one plan takes (MAX_PLAN_CHARS): five sums by primary key prefix, one query.
_PLAN_CHARS_SQL = (
    "SELECT "
    + " + ".join(
        f"(SELECT COALESCE(SUM(LENGTH({'value' if table == 'settings' else 'data'})), 0) FROM {table} "
        "WHERE workspace_id = ?)"
        for table in _TABLES
    )
    + " AS n"
)
_DESK_TABLES = ("desks", "desk_members")  # copied with the plans, after them
_COLUMNS = {
    "workspaces": ("id", "edit_hash", "view_hash", "created", "version", "changed", "opened"),
    "desks": ("id", "name", "link_hash", "code_hash", "code_salt", "created", "opened"),
    "desk_members": ("desk_id", "workspace_id", "joined"),
    **dict.fromkeys(_KINDS, ("workspace_id", "id", "name", "data")),
    "settings": ("workspace_id", "key", "value"),
    "student": ("workspace_id", "data"),
}


class PlanContents(Protocol):
    """A whole plan's reads, as a Workspace (or lor.ui's per-version snapshot of one) gives them."""

    def student(self) -> Student | None: ...
    def mentors(self) -> list[Mentor]: ...
    def applications(self) -> list[Application]: ...
    def letters(self) -> list[LetterRequest]: ...
    def settings(self) -> dict[str, Any]: ...


def backup_text(plan: PlanContents) -> str:
    """The backup document of ``plan`` (what Store.export_json gives): sorted keys, two-space indents, UTF-8 text.

    orjson writes exactly the text ``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)`` would, in a
    tenth of the time (the standard library's indenting encoder is pure Python: 60 ms for the largest plan). It
    writes some floats differently (1e-7, not 1e-07) and refuses integers past 64 bits: no record field is either,
    and settings holding them go through the standard library.
    """
    student = plan.student()
    # Only the settings a plan has: an older tool's key (with any value, even half an emoji) would make the backup
    # fail to download or to restore.
    settings = {k: v for k, v in plan.settings().items() if k in SETTING_KEYS}
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "app": APP_NAME,
        "student": student.model_dump(mode="json") if student else None,
        "mentors": [m.model_dump(mode="json") for m in plan.mentors()],
        "applications": [a.model_dump(mode="json") for a in plan.applications()],
        "letters": [r.model_dump(mode="json") for r in plan.letters()],
        "settings": settings,
    }
    if not _has_float(settings):
        try:
            return orjson.dumps(
                doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
            ).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def parse_backup(text: str | bytes, *, today: date | None = None) -> dict[str, Any]:
    """Validate a backup document; returns its models, or raises ValueError saying what is wrong.

    Every date must lie within the planning horizon of ``today`` (default: lor.models.current_day()).
    """
    if isinstance(text, bytes):
        if len(text) > MAX_BACKUP_BYTES:
            raise ValueError(_too_large(len(text)))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("This file is not a LOR Planner backup: it is not a text (JSON) file.") from None
    if len(text) > MAX_BACKUP_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_BACKUP_BYTES:
        raise ValueError(_too_large(len(text.encode("utf-8", "surrogatepass"))))
    _check_shape(text)
    try:
        doc = json.loads(text, parse_int=_whole_number, parse_constant=_no_constant)
        too_deep = _too_deep(doc)
    except RecursionError:
        too_deep = True
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"This file is not valid JSON (line {exc.lineno}, column {exc.colno}): it may be cut off or "
            "edited by hand. Nothing was changed."
        ) from None
    if too_deep:
        raise ValueError("This file is not a LOR Planner backup: it is nested far too deeply. Nothing was changed.")
    broken = _broken_text_at(doc)
    if broken:
        raise ValueError(
            "This backup holds a broken character (half of an emoji, or a stray code) that can't be saved, in "
            f"{broken}. Nothing was changed."
        )
    if not isinstance(doc, dict) or "schema" not in doc:
        raise ValueError("This file is not a LOR Planner backup: it has no 'schema' field. Nothing was changed.")
    schema = doc["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ValueError("This backup has an unknown 'schema' value. Nothing was changed.")
    if schema > SCHEMA:
        raise ValueError(
            f"This backup was made by a newer version of LOR Planner (format {schema}; this app reads up to "
            f"{SCHEMA}). Update the app, then restore it. Nothing was changed."
        )
    if doc.get("app", APP_NAME) != APP_NAME:
        raise ValueError("This file comes from another app, not LOR Planner. Nothing was changed.")
    out: dict[str, Any] = {}
    try:
        out["student"] = Student.model_validate(doc["student"]) if doc.get("student") else None
        for kind, model in _KINDS.items():
            items = doc.get(kind, [])
            if not isinstance(items, list):
                raise ValueError(f"'{kind}' must be a list.")
            if len(items) > MAX_RECORDS:
                raise ValueError(f"it holds {len(items):,} {kind}; the limit is {MAX_RECORDS:,}.")
            out[kind] = [model.model_validate(item) for item in items]
    except ValidationError as exc:
        reason = _first_of(plain_errors(exc))
        raise ValueError(f"This backup has an entry that is not valid: {reason} Nothing was changed.") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"This backup is not valid: {exc} Nothing was changed.") from None
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        raise ValueError("This backup is not valid: 'settings' must be a table. Nothing was changed.")
    plan_settings = _check_settings(settings)
    # What is stored is the settings' own dump: a key inside one that LOR Planner doesn't have (settings.busy.x) is
    # dropped here, never kept unseen in the database.
    dumped = plan_settings.model_dump(mode="json", by_alias=True)
    out["settings"] = {key: dumped[key] for key in settings}
    _check_references(out)
    outside = dates_outside_horizon(
        [out[kind] for kind in ("student", *_KINDS)] + [plan_settings], today or current_day()
    )
    if outside:
        more = f" ({len(outside) - 1:,} more dates are outside it too.)" if len(outside) > 1 else ""
        raise ValueError(f"This backup can't be restored: {outside[0]}{more} Nothing was changed.")
    too_big = plan_size_problems(out["mentors"], out["applications"], out["letters"], plan_settings)
    if too_big:
        shown = too_big[:4]
        more = f" ({plural(len(too_big) - 4, 'more limit')} too.)" if len(too_big) > 4 else ""
        raise ValueError(f"This backup can't be restored: {' '.join(shown)}{more} Nothing was changed.")
    out["rows"] = rows = StoredRows.of(out)
    if rows.chars > MAX_PLAN_CHARS:
        raise ValueError(f"This backup can't be restored: {_plan_too_large(rows.chars)} Nothing was changed.")
    return out


@dataclass(frozen=True)
class StoredRows:
    """A validated plan as the database stores it: each record's JSON as its model writes it (unknown keys gone)."""

    student: str | None
    records: dict[str, list[tuple[str, str, str]]]  # kind -> (id, name, JSON) in order
    settings: dict[str, str]  # key -> JSON

    @classmethod
    def of(cls, parsed: dict[str, Any]) -> StoredRows:
        return cls(
            student=parsed["student"].model_dump_json() if parsed["student"] is not None else None,
            records={
                kind: [(r.id, getattr(r, "name", ""), r.model_dump_json()) for r in parsed[kind]] for kind in _KINDS
            },
            settings={key: json.dumps(value, sort_keys=True) for key, value in parsed["settings"].items()},
        )

    @property
    def chars(self) -> int:
        """How many characters of JSON the plan takes in the database (what MAX_PLAN_CHARS bounds)."""
        return (
            len(self.student or "")
            + sum(len(data) for rows in self.records.values() for _, _, data in rows)
            + sum(len(value) for value in self.settings.values())
        )


def _plan_too_large(chars: int) -> str:
    return (
        f"the plan would take {chars / 1_000_000:,.1f} million characters in the database, and a plan can take at "
        f"most {MAX_PLAN_CHARS / 1_000_000:,.0f} million (shorten long notes or delete records you no longer need)."
    )


# One token of JSON text: a string, an opening or closing bracket, a run of other value characters (a number, true),
# or a lone quote (a string that never ends: the text is not valid JSON, and json.loads says where). Commas, colons
# and spaces are skipped by the search itself. Every alternative fails within one character except a whole string,
# so the scan is linear in the text.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[{]|[\]}]|[^\s\[\]{},:"]++|"')


def _check_shape(text: str) -> None:
    """Refuse text nested deeper than MAX_DEPTH or holding more than MAX_VALUES values, before json.loads builds
    a single object from it (a valid JSON document of millions of empty lists takes hundreds of MB as objects)."""
    depth = values = 0
    for match in _TOKEN.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(
                    "This file is not a LOR Planner backup: it is nested far too deeply. Nothing was changed."
                )
        elif first in "]}":
            depth -= 1
            continue
        elif match.end() - match.start() == 1 and first == '"':
            return  # a string that never ends: json.loads refuses the text, with the line and column
        values += 1
        if values > MAX_VALUES:
            raise ValueError(
                f"This file is not a LOR Planner backup: it holds more than {MAX_VALUES:,} values, and a plan at "
                "every limit holds about 30,000. Nothing was changed."
            )


def _first_of(reasons: list[str]) -> str:
    # One reason, so the message stays one readable sentence (a long list would bury it); the rest are counted.
    more = len(reasons) - 1
    return reasons[0] + (
        f" ({more:,} more {'entry is' if more == 1 else 'entries are'} not valid either.)" if more else ""
    )


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ValueError(
            f"This file is not a LOR Planner backup: it holds a number {len(digits.lstrip('-')):,} digits long, and "
            f"no number in a plan has more than {MAX_DIGITS}. Nothing was changed."
        )
    return int(digits)


def _no_constant(name: str) -> float:
    raise ValueError(f"This file is not valid JSON: it holds {name}, which JSON does not allow. Nothing was changed.")


_RECORD_LABELS = {"mentors": "writer", "applications": "application", "letters": "letter"}


def _broken_text_at(doc: Any) -> str | None:
    """Where the first text that can't be stored (a lone surrogate, a NUL: see _storable) is in a backup, in words;
    None if there is none. Such text would be refused by the database, or stored and then break every backup
    download after it."""
    dumped = json.dumps(doc, ensure_ascii=False)  # the usual case is checked at C speed; the walk only names the place
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        if "\\u0000" not in dumped:  # how json writes a NUL
            return None
    stack: list[tuple[Any, tuple[str, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if not _storable(value):
                return " › ".join(path) or "the file"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if not _storable(key):
                    return " › ".join((*path, "the name of a field"))
                stack.append((item, (*path, _place(key, path))))
        elif isinstance(value, list):
            owner = _RECORD_LABELS.get(path[-1]) if len(path) == 1 else None
            stack.extend(
                (item, (*path[:-1], f"{owner} {i + 1}") if owner else (*path, f"item {i + 1}"))
                for i, item in reversed(list(enumerate(value)))
            )
    return None


def _storable(text: str) -> bool:
    """False for text UTF-8 can't hold (a lone surrogate) or PostgreSQL can't store (a NUL)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _place(key: str, path: tuple[str, ...]) -> str:
    if not path and key in _RECORD_LABELS:
        return key  # replaced by "writer 2" etc. below it
    if not path:
        return {"student": "the student", "settings": "the settings"}.get(key, f"'{quoted(key)}'")
    if key in FIELD_LABELS or re.fullmatch(r"[a-z_]{1,40}", key):
        text = FIELD_LABELS.get(key, key.replace("_", " "))
        return text[:1].lower() + text[1:]
    return f"'{quoted(key)}'"


def _too_deep(doc: Any) -> bool:
    # Iterative, so a deep document can't exhaust the stack here; its JSON could not be written back later.
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return False


def _check_settings(settings: dict[str, Any]) -> PlanSettings:
    """Refuse a setting LOR Planner doesn't have, and the ones it has (lor.models.PlanSettings) in a shape the pages
    can't read."""
    unknown = sorted(str(key) for key in settings if key not in SETTING_KEYS)
    if unknown:
        raise ValueError(
            f"This backup has a setting LOR Planner does not have, '{quoted(unknown[0])}' (its settings are "
            f"{', '.join(sorted(SETTING_KEYS))}). Nothing was changed."
        )
    try:
        return PlanSettings.from_stored(settings)
    except ValidationError as exc:
        reason = _first_of(plain_errors(exc))
        raise ValueError(f"This backup has a setting that is not valid: {reason} Nothing was changed.") from None


def confusable_ids(ids: Iterable[str]) -> tuple[str, str] | None:
    """Two ids of which one is the other followed by a dash and more ("x" and "x-y"), or None. Widget keys join an
    id and fixed words with dashes ("mentor-x-edit"), so such a pair could give two widgets one key; ids the app
    makes never hold a dash, only a hand-made or old backup's can."""
    known = set(ids)
    for longer in sorted(known):
        for at, char in enumerate(longer):
            if char == "-" and longer[:at] in known:
                return longer[:at], longer
    return None


def _check_references(parsed: dict[str, Any]) -> None:
    for kind in _KINDS:
        ids = [r.id for r in parsed[kind]]
        if len(ids) != len(set(ids)):
            raise ValueError(f"This backup lists the same id twice among its {kind}. Nothing was changed.")
    confused = confusable_ids(r.id for kind in _KINDS for r in parsed[kind])
    if confused:
        raise ValueError(
            f"This backup has two ids the app could mix up ('{quoted(confused[0])}' and '{quoted(confused[1])}': "
            "one is the other followed by a dash). Nothing was changed."
        )
    mentors = {m.id for m in parsed["mentors"]}
    apps = {a.id for a in parsed["applications"]}
    committees = {m.id for m in parsed["mentors"] if m.role == "committee"}
    for letter in parsed["letters"]:
        if letter.mentor_id not in mentors or any(i not in apps for i in letter.application_ids):
            raise ValueError(
                f"This backup has a letter ({letter.id}) whose writer or application is missing. Nothing was changed."
            )
        if letter.via is not None and letter.via not in committees:
            raise ValueError(
                f"This backup has a letter ({letter.id}) sent through a committee that is not among its writers. "
                "Nothing was changed."
            )


def _check_horizon(record: BaseModel) -> None:
    """Refuse a record holding a date outside the planning horizon, as a ValidationError the pages show."""
    problems = dates_outside_horizon(record, current_day())
    if problems:
        raise ValidationError.from_exception_data(
            type(record).__name__,
            [{"type": "value_error", "loc": (), "input": None, "ctx": {"error": ValueError(problems[0])}}],
        )


def _damaged(path: Path, exc: BaseException) -> str:
    return (
        f"The plans file {path} is damaged or is not a LOR Planner database ({_first_line(exc)}). Restore it from "
        "a copy, or move it aside to start an empty one."
    )


def _unknown_migrations(names: list[str]) -> list[str]:
    """The applied migrations this version of the app doesn't have: a newer version changed the database."""
    known = {m.name for m in migrations._migrations}
    return [name for name in names if name not in known]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _too_large(size: int) -> str:
    # Exact bytes both ways: "5.0 MB; the limit is 5 MB" (a file 1 byte over) read as a contradiction.
    return (
        f"This file is too large to be a LOR Planner backup: it is {size:,} bytes, and a backup can be at most "
        f"{MAX_BACKUP_BYTES:,} bytes ({MAX_BACKUP_BYTES // 1_000_000} MB). Nothing was changed."
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _utc(now: datetime | None) -> datetime:
    """``now`` in UTC (a naive time is taken as UTC); the current time when None."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


@dataclass(frozen=True)
class Purged:
    """How many plans (by why) and desks a purge deleted."""

    never_written: int = 0
    abandoned: int = 0
    unused: int = 0  # plans with content nobody opened or changed for UNUSED_AFTER
    desks: int = 0

    @property
    def total(self) -> int:
        """Plans deleted (desks are counted apart)."""
        return self.never_written + self.abandoned + self.unused


_last_purge: dict[str, datetime] = {}  # database location -> when this process last purged it
_purge_lock = threading.Lock()


def size_text(size: int) -> str:
    """A database size in words: "3.4 MB", "640 kB"."""
    if size >= 100_000:
        return f"{size / 1_000_000:,.1f} MB"
    return f"{max(1, round(size / 1000)):,} kB"


def class_database_line(plans: int, size: int) -> str:
    """The sentence Share & backup shows in class mode: "The class database holds 152 plans in 3.4 MB." """
    return f"The class database holds {plural(plans, 'plan')} in {size_text(size)}."


class Workspace:
    """One student's plan: read with mentors() / applications() / letters(), write with save_* / delete_*."""

    def __init__(
        self,
        store: Store,
        workspace_id: str,
        *,
        read_only: bool,
        saved: bool = True,
        access: tuple[str, str] | None = None,
    ):
        self.store = store
        self.id = workspace_id
        self.read_only = read_only
        self.saved = saved  # False until the first write of a plan made by Store.new_workspace()
        self.new_links: tuple[str, str] | None = None  # (edit, view) tokens, set when the first write saved it
        self.on_created: Callable[[Workspace], None] | None = None
        # What this object was opened with, checked again by every write and every version read (so a tab, a
        # callback or a fragment holding it loses the plan the moment its link is replaced or turned off, or
        # its student leaves the desk): ("edit" or "view", the link's hash), ("desk", the desk's id), or None
        # (the local plan, and a new plan until its first write gives it links).
        self.access = access
        # Called instead of raising LinkGone when that check fails (the app reruns into its "link not found" page).
        self.on_revoked: Callable[[Workspace], None] | None = None
        # A plan not saved yet: ``before_create`` says why its first write must not make it (the client made too many
        # plans lately), or None; ``on_refused(ws, why)`` is called before CreationRefused is raised.
        self.before_create: Callable[[Workspace], str | None] | None = None
        self.on_refused: Callable[[Workspace, str], None] | None = None
        self._creating = threading.Lock()

    def __repr__(self) -> str:
        return f"Workspace({self.id!r}, read_only={self.read_only})"

    def _check_writable(self) -> None:
        if self.read_only:
            if self.store.read_only:
                raise PermissionError(f"This plan can't be changed right now. {self.store.read_only_reason}")
            raise PermissionError("This plan is open read-only (advisor link); it cannot be changed here.")

    # -- reads ------------------------------------------------------------------------------------

    def _records(self, kind: str) -> list[Any]:
        model = _KINDS[kind]
        with self.store._db() as db:
            rows = db.query(f"SELECT data FROM {kind} WHERE workspace_id = ? ORDER BY {self.store._ORDER}", [self.id])
            return [model.model_validate_json(row["data"], context=STORED) for row in rows]

    def mentors(self) -> list[Mentor]:
        """The workspace's mentors, in the order they were added."""
        return self._records("mentors")

    def applications(self) -> list[Application]:
        """The workspace's applications, in the order they were added."""
        return self._records("applications")

    def letters(self) -> list[LetterRequest]:
        """The workspace's letter requests, in the order they were added."""
        return self._records("letters")

    def student(self) -> Student | None:
        """The student's profile, or None before it is filled in."""
        with self.store._db() as db:
            row = next(iter(db.query("SELECT data FROM student WHERE workspace_id = ?", [self.id])), None)
        return Student.model_validate_json(row["data"], context=STORED) if row else None

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (any JSON value), or ``default``."""
        with self.store._db() as db:
            row = next(
                iter(db.query("SELECT value FROM settings WHERE workspace_id = ? AND key = ?", [self.id, key])),
                None,
            )
        return json.loads(row["value"]) if row else default

    def settings(self) -> dict[str, Any]:
        """Every stored setting, by key."""
        with self.store._db() as db:
            rows = db.query("SELECT key, value FROM settings WHERE workspace_id = ? ORDER BY key", [self.id])
            return {row["key"]: json.loads(row["value"]) for row in rows}

    def version(self) -> int:
        """A counter in the database that grows with every write: a cheap cache key for pages, valid across
        server processes that share the database."""
        if not self.saved:
            return 0
        with self.store._db() as db:
            sql = "SELECT version, edit_hash, view_hash FROM workspaces WHERE id = ?"
            row = next(iter(db.query(sql, [self.id])), None)
            self.store._check_access(db, self, row)
        return row["version"] if row else 0

    def is_empty(self) -> bool:
        """True when the workspace holds no mentors, applications or letters."""
        with self.store._db() as db:
            return not any(
                next(iter(db.query(f"SELECT 1 AS found FROM {kind} WHERE workspace_id = ? LIMIT 1", [self.id])), None)
                for kind in _KINDS
            )

    def desks(self) -> list[DeskInfo]:
        """The advisor desks this plan is shared with (id, name, day joined), oldest first. Never a desk link."""
        if not self.saved:
            return []
        with self.store._db() as db:
            rows = db.query(
                "SELECT d.id, d.name, m.joined FROM desk_members m JOIN desks d ON d.id = m.desk_id "
                "WHERE m.workspace_id = ? ORDER BY m.joined, d.name",
                [self.id],
            )
            return [DeskInfo(row["id"], row["name"], row["joined"]) for row in rows]

    def join_desk(self, code: str) -> DeskInfo:
        """Share this plan read-only with the desk whose join code this is; returns the desk (id and name).

        Joining twice is harmless. Raises KeyError (see ``Store.find_desk``) for a code that opens no desk, DeskFull
        when the desk holds DESK_MEMBERS_MAX students, and PermissionError on a read-only plan. A plan not saved yet
        is saved (and gets its links) by joining.
        """
        self._check_writable()
        desk = self.store.find_desk(code)
        with self.store._db() as db:
            count = next(iter(db.query("SELECT COUNT(*) AS n FROM desk_members WHERE desk_id = ?", [desk.id])))["n"]
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = ? AND workspace_id = ?"
            member = next(iter(db.query(sql, [desk.id, self.id])), None) is not None
        if count >= DESK_MEMBERS_MAX and not member:
            raise DeskFull(
                f"This desk already has {DESK_MEMBERS_MAX} students, the most a desk holds. Ask your advisor to "
                "remove students who have left it, or to make a second desk."
            )
        with self._sharing() as db:
            db.execute(
                "INSERT INTO desk_members (desk_id, workspace_id, joined) VALUES (?, ?, ?) "
                "ON CONFLICT (desk_id, workspace_id) DO NOTHING",
                [desk.id, self.id, _now()],
            )
        return desk

    def leave_desk(self, desk_id: str) -> None:
        """Stop sharing this plan with a desk, at once: the desk no longer lists or opens it."""
        self._check_writable()
        if not self.saved:
            return
        with self._sharing() as db:
            db.execute("DELETE FROM desk_members WHERE desk_id = ? AND workspace_id = ?", [str(desk_id), self.id])

    @contextmanager
    def _sharing(self) -> Iterator[Any]:
        # Whom a plan is shared with is not part of the plan: it leaves the version (and "last changed") alone,
        # except that joining with a plan not saved yet saves it.
        if not self.saved:
            with self.store._write(self) as db:
                yield db
            return
        self._check_writable()
        with self.store._transaction() as db:
            self.store._check_access(db, self)
            yield db

    # -- writes -----------------------------------------------------------------------------------

    def _save(self, kind: str, record: BaseModel) -> None:
        self.save_changes(**{kind: [record]})  # type: ignore[arg-type]

    def save_changes(
        self,
        *,
        mentors: Iterable[Mentor] = (),
        applications: Iterable[Application] = (),
        letters: Iterable[LetterRequest] = (),
        delete_letters: Iterable[str] = (),
    ) -> None:
        """Insert or update these records and delete these letters, all in one transaction: one user action that
        changes several records (a step done for all of a writer's letters, two letters merged) is saved whole or
        not at all."""
        self._check_writable()
        rows: list[tuple[str, Mentor | Application | LetterRequest]] = []
        groups: tuple[tuple[str, Iterable[Mentor | Application | LetterRequest]], ...] = (
            ("mentors", mentors),
            ("applications", applications),
            ("letters", letters),
        )
        for kind, records in groups:
            for record in records:
                record = type(record).model_validate(record.model_dump())  # re-validate edits made in place
                _check_horizon(record)
                rows.append((kind, record))
        gone = [str(i) for i in delete_letters]
        if not rows and not gone:
            return
        with self.store._write(self) as db:
            grew = 0
            for kind, record in rows:
                data = record.model_dump_json()
                sql = f"SELECT LENGTH(data) AS n FROM {kind} WHERE workspace_id = ? AND id = ?"
                grew += len(data) - self._chars(db, sql, [self.id, record.id])
                db.execute(
                    f"INSERT INTO {kind} (workspace_id, id, name, data) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (workspace_id, id) DO UPDATE SET name = excluded.name, data = excluded.data",
                    [self.id, record.id, getattr(record, "name", ""), data],
                )
            for letter_id in gone:
                db.execute("DELETE FROM letters WHERE workspace_id = ? AND id = ?", [self.id, letter_id])
            if rows:
                self._check_room(db, grew, rows[-1][1])

    @staticmethod
    def _chars(db: Any, sql: str, params: list[Any]) -> int:
        row = next(iter(db.query(sql, params)), None)
        return int(row["n"] or 0) if row else 0

    def _check_room(self, db: Any, grew: int, record: BaseModel) -> None:
        """Refuse (as a ValidationError the pages show) a write that grew the plan past MAX_PLAN_CHARS; a plan
        already past it can still shrink or change without growing."""
        if grew <= 0:
            return
        total = self._chars(db, _PLAN_CHARS_SQL, [self.id] * 5)
        if total > MAX_PLAN_CHARS:
            problem = _plan_too_large(total)
            raise ValidationError.from_exception_data(
                type(record).__name__,
                [{"type": "value_error", "loc": (), "input": None, "ctx": {"error": ValueError(problem)}}],
            )

    def _delete(self, kind: str, record_id: str) -> None:
        with self.store._write(self) as db:
            db.execute(f"DELETE FROM {kind} WHERE workspace_id = ? AND id = ?", [self.id, str(record_id)])

    def save_mentor(self, mentor: Mentor) -> None:
        """Insert or update a mentor by id."""
        self._save("mentors", mentor)

    def save_application(self, application: Application) -> None:
        """Insert or update an application by id."""
        self._save("applications", application)

    def save_letter(self, letter: LetterRequest) -> None:
        """Insert or update a letter request by id."""
        self._save("letters", letter)

    def save_letters(self, letters: Iterable[LetterRequest]) -> None:
        """Insert or update several letter requests in one transaction."""
        self.save_changes(letters=letters)

    def save_student(self, student: Student) -> None:
        """Insert or update the student's profile."""
        self._check_writable()
        student = Student.model_validate(student.model_dump())
        _check_horizon(student)
        data = student.model_dump_json()
        with self.store._write(self) as db:
            before = self._chars(db, "SELECT LENGTH(data) AS n FROM student WHERE workspace_id = ?", [self.id])
            db.execute(
                "INSERT INTO student (workspace_id, data) VALUES (?, ?) "
                "ON CONFLICT (workspace_id) DO UPDATE SET data = excluded.data",
                [self.id, data],
            )
            self._check_room(db, len(data) - before, student)

    def _delete_with_letters(self, kind: str, field: str, record_id: str) -> None:
        # Deleting a writer or an application deletes its letter requests too: they'd point nowhere.
        with self.store._write(self) as db:
            db.execute(f"DELETE FROM {kind} WHERE workspace_id = ? AND id = ?", [self.id, str(record_id)])
            db.execute(
                f"DELETE FROM letters WHERE workspace_id = ? AND {self.store._JSON_FIELD.format(field=field)} = ?",
                [self.id, str(record_id)],
            )

    def delete_mentor(self, mentor_id: str) -> None:
        """Delete a mentor and the letter requests addressed to them."""
        self._delete_with_letters("mentors", "mentor_id", mentor_id)

    def delete_application(self, application_id: str) -> None:
        """Delete an application and its letter requests; a letter it shares with other applications stays for
        them (``narrowed``)."""
        shared = [x for x in self.letters() if x.serves(application_id) and len(x.application_ids) > 1]
        if not shared:
            self._delete_with_letters("applications", "application_id", application_id)
            return
        self._check_writable()
        field = "application_id"
        with self.store._write(self) as db:
            for letter in shared:
                kept = narrowed(letter, application_id)
                db.execute(
                    "UPDATE letters SET data = ? WHERE workspace_id = ? AND id = ?",
                    [kept.model_dump_json(), self.id, letter.id],
                )
            db.execute("DELETE FROM applications WHERE workspace_id = ? AND id = ?", [self.id, application_id])
            db.execute(
                f"DELETE FROM letters WHERE workspace_id = ? AND {self.store._JSON_FIELD.format(field=field)} = ?",
                [self.id, application_id],
            )

    def delete_letter(self, letter_id: str) -> None:
        """Delete one letter request."""
        self._delete("letters", letter_id)

    def set_setting(self, key: str, value: Any) -> None:
        """Store one of the plan's settings (lor.models.SETTING_KEYS); it must be valid and its dates within the
        horizon (pydantic ValidationError otherwise, an unknown key included)."""
        self._check_writable()
        validated = PlanSettings.from_stored({key: value})
        _check_horizon(validated)
        # The setting's own dump is stored, never the value as given: a key inside it that LOR Planner doesn't have
        # is dropped, so the plan limits (which count what the models hold) bound what the database keeps.
        text = json.dumps(validated.model_dump(mode="json", by_alias=True)[key], sort_keys=True)
        with self.store._write(self) as db:
            sql = "SELECT LENGTH(value) AS n FROM settings WHERE workspace_id = ? AND key = ?"
            before = self._chars(db, sql, [self.id, key])
            db.execute(
                "INSERT INTO settings (workspace_id, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value",
                [self.id, key, text],
            )
            self._check_room(db, len(text) - before, validated)

    def clear(self) -> None:
        """Delete everything in this workspace (its links stay valid)."""
        self._check_writable()
        if not self.saved:
            return  # nothing to delete, and no reason to save an empty plan
        with self.store._write(self) as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table} WHERE workspace_id = ?", [self.id])


@dataclass(frozen=True)
class DeskInfo:
    """What a student may know about a desk: its id and name (and when their plan joined it), never its link."""

    id: str
    name: str
    joined: str | None = None


class DeskView(Workspace):
    """A student's plan opened from an advisor desk: read-only whatever a caller sets, and every write refused."""

    @property
    def read_only(self) -> bool:
        return True

    @read_only.setter
    def read_only(self, value: bool) -> None:
        pass  # a desk never edits a plan, whatever a caller sets

    def _check_writable(self) -> None:
        raise PermissionError("This plan is open from an advisor desk, read-only; it cannot be changed there.")


@dataclass(frozen=True)
class DeskMember:
    """One plan on a desk: the plan (read-only), its version and when it last changed and joined (ISO times)."""

    plan: DeskView
    version: int
    changed: str
    joined: str


class Desk:
    """An advisor desk, opened with its desk link (``Store.open_desk``): lists and opens, read-only, the plans
    that joined it with its join code. Nothing here writes to a plan."""

    def __init__(self, store: Store, desk_id: str, name: str, token: str):
        self.store = store
        self.id = desk_id
        self.name = name
        self._token = token

    def __repr__(self) -> str:
        return f"Desk({self.id!r}, {self.name!r})"

    @property
    def join_code(self) -> str:
        """The current join code, "ABCD-EFGH". Made from the desk link and a stored salt, so the database never
        holds the code itself, yet whoever holds the desk link can always show it."""
        with self.store._db() as db:
            row = next(iter(db.query("SELECT code_salt FROM desks WHERE id = ?", [self.id])))
        return format_join_code(join_code_for(self._token, row["code_salt"]))

    def rotate_join_code(self) -> str:
        """A new join code; the old one stops working and every plan that joined stays. Returns the new code."""
        salt = secrets.token_hex(8)
        code = join_code_for(self._token, salt)
        with self.store._transaction() as db:
            db.execute(
                "UPDATE desks SET code_salt = ?, code_hash = ? WHERE id = ?", [salt, hash_join_code(code), self.id]
            )
        return format_join_code(code)

    def members(self) -> list[DeskMember]:
        """Every plan that joined this desk (and has not left), in the order they joined: one query."""
        with self.store._db() as db:
            rows = list(
                db.query(
                    "SELECT w.id, w.version, COALESCE(w.changed, w.created) AS changed, m.joined "
                    "FROM desk_members m JOIN workspaces w ON w.id = m.workspace_id "
                    "WHERE m.desk_id = ? ORDER BY m.joined, w.id",
                    [self.id],
                )
            )
        return [
            DeskMember(
                DeskView(self.store, row["id"], read_only=True, access=("desk", self.id)),
                row["version"],
                row["changed"],
                row["joined"],
            )
            for row in rows
        ]

    def open_plan(self, workspace_id: str) -> DeskView:
        """One member's plan, read-only. Raises KeyError when that plan is not (or no longer) on this desk."""
        with self.store._db() as db:
            row = next(
                iter(
                    db.query(
                        "SELECT 1 AS found FROM desk_members WHERE desk_id = ? AND workspace_id = ?",
                        [self.id, str(workspace_id)],
                    )
                ),
                None,
            )
        if row is None:
            raise KeyError("that plan is not shared with this desk")
        self.store._note_opened(str(workspace_id))  # an advisor reading it counts as use (purging)
        return DeskView(self.store, str(workspace_id), read_only=True, access=("desk", self.id))

    def remove_member(self, workspace_id: str) -> None:
        """Take one plan off this desk, at once (the plan itself is untouched; its student may join again with the
        current join code)."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM desk_members WHERE desk_id = ? AND workspace_id = ?", [self.id, str(workspace_id)])

    def close(self) -> None:
        """Delete this desk: its link and join code open nothing from now on, and no plan is on it any more (the
        plans themselves are untouched)."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM desk_members WHERE desk_id = ?", [self.id])
            db.execute("DELETE FROM desks WHERE id = ?", [self.id])


def copy_plans(source: Store, target: Store, *, replace: bool = False) -> dict[str, int]:
    """Copy every plan from one database to another (SQLite to PostgreSQL, or back), link hashes included, so
    every private and advisor link opens the same plan on the target. Returns the row count per table.

    Refuses (ValueError, nothing copied) a target that already holds plans, unless ``replace``.
    """
    if source.location == target.location:
        raise ValueError("The source and the target are the same database. Nothing was copied.")
    rows = source.dump_rows()
    target.load_rows(rows, replace=replace)
    return {table: len(items) for table, items in rows.items()}


def main(argv: list[str] | None = None) -> int:
    """``python -m lor.store copy --from data/lor.db --to postgresql://…``: move a class to another database."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lor.store", description="Move plans, or purge empty ones.")
    commands = parser.add_subparsers(dest="command", required=True)
    copy = commands.add_parser("copy", help="copy every plan, with its links, to another database")
    copy.add_argument("--from", dest="source", required=True, help="a SQLite file or a postgresql:// address")
    copy.add_argument("--to", dest="target", required=True, help="a SQLite file or a postgresql:// address")
    copy.add_argument("--replace", action="store_true", help="delete the plans the target already holds first")
    purge = commands.add_parser("purge", help="delete empty plans, and plans and desks nobody used for 540 days")
    purge.add_argument("--db", help="a SQLite file or a postgresql:// address (default: the app's own settings)")
    args = parser.parse_args(argv)
    if args.command == "purge":
        return _purge_command(args.db)

    if not is_database_url(args.source) and not Path(args.source).is_file():
        print(f"There is no database file at {args.source}. Nothing was copied.")
        return 2
    source, target = store_at(args.source), store_at(args.target)
    try:
        counts = copy_plans(source, target, replace=args.replace)
    except ValueError as exc:
        print(exc)
        return 1
    finally:
        source.close()
        target.close()
    print(
        f"Copied {counts['workspaces']} plan(s) ({counts['mentors']} writers, {counts['applications']} applications, "
        f"{counts['letters']} letters, {counts['desks']} advisor desk(s)) from {source.location} to {target.location}. "
        "Every private, advisor and desk link now opens there too."
    )
    return 0


def _purge_command(location: str | None) -> int:
    """``python -m lor.store purge [--db …]``: what the class server does hourly, now, with a line saying what."""
    if location and not is_database_url(location) and not Path(location).is_file():
        print(f"There is no database file at {location}. Nothing was purged.")
        return 2
    store = store_at(location) if location else open_store()
    try:
        if store.read_only:
            print(f"{store.location} can't be changed right now. Nothing was purged.")
            return 1
        done = store.purge()
        print(
            f"Purged {plural(done.total, 'plan')} from {store.location}: {done.never_written:,} never written "
            f"(made over {NEVER_WRITTEN_GRACE.days} day ago), {done.abandoned:,} emptied and not opened for "
            f"{ABANDONED_AFTER.days} days, {done.unused:,} not opened or changed for {UNUSED_AFTER.days} days; and "
            f"{plural(done.desks, 'advisor desk')} not opened for {UNUSED_AFTER.days} days (or with no student "
            f"for {EMPTY_DESK_AFTER.days}). {class_database_line(store.workspace_count(), store.size_bytes())}"
        )
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    import sys

    from lor.store import main as _main  # the module's own classes, not a second copy made by running it as __main__

    sys.exit(_main())
