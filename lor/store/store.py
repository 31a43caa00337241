"""The store: a LOR Planner database that hands out Workspaces (one student's plan each), links, advisor desks,
backup and restore, and the housekeeping of a class server.

Plans live in SQLite (``lor.store.sqlite``) or PostgreSQL (``lor.store.postgres``), behind one ``Backend``; the
schema and the SQL both databases read are ``lor.store.schema``.

Long on purpose: every operation that spans plans (links, desks, restore, purge) shares one transaction helper
and one set of access checks; split, each half would need the other's private state.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, Protocol

from lor.backup import RECORD_MODELS, StoredRows, backup_text, parse_backup
from lor.config import Settings, is_database_url, load_settings
from lor.joincodes import NO_DESK, desk_name, format_join_code, hash_join_code, join_code_for, normalize_join_code
from lor.limits import DESKS_PER_SERVER, PLANS_PER_SERVER, Rate, wait_words
from lor.store.desks import Desk
from lor.store.errors import LINK_GONE, CreationRefused, DatabaseUnavailable, LinkGone
from lor.store.links import hash_token, new_token
from lor.store.schema import COLUMNS, COPIED_TABLES, DESK_TABLES, MIGRATION_NAMES, PLAN_TABLES, Dialect, marks
from lor.store.sqlite import SqliteBackend, newer_reason
from lor.store.workspace import LOCAL_WORKSPACE, DeskInfo, Workspace, now_text, utc
from lor.text import plural


class Backend(Protocol):
    """What a database gives the store (lor.store.sqlite.SqliteBackend, lor.store.postgres.PostgresBackend)."""

    dialect: Dialect
    read_only: bool
    read_only_reason: str

    @property
    def location(self) -> str: ...
    def describe(self) -> str: ...
    def close(self) -> None: ...
    def session(self) -> AbstractContextManager[Any]: ...
    def transaction(self) -> AbstractContextManager[Any]: ...
    def size_bytes(self) -> int: ...
    def applied_migrations(self) -> list[str]: ...


# Purging empty plans (Store.purge_empty_plans): see the README's class-mode section.
NEVER_WRITTEN_GRACE = timedelta(days=1)  # a plan row made without a write, kept this long for its first write


ABANDONED_AFTER = timedelta(days=30)  # an emptied plan nobody opened (or changed) for this long


PURGE_EVERY = timedelta(hours=1)  # purge_if_due: at most this often per database per process


UNUSED_AFTER = timedelta(days=540)  # a plan or desk nobody opened or changed for about 18 months


EMPTY_DESK_AFTER = timedelta(days=30)  # a desk no student is on, not opened by its link for this long


def open_store(settings: Settings | None = None) -> Store:
    """The store the settings name (``load_settings()`` when None): PostgreSQL when a database URL is set,
    otherwise the SQLite file at ``db_path``."""
    settings = settings if settings is not None else load_settings()
    return store_at(settings.database_url or settings.db_path)


def store_at(location: str | Path) -> Store:
    """The store at a SQLite file path or a ``postgresql://`` address."""
    return Store(location)


_UNREAD: Final = object()  # Store._note_opened: the plan's "opened" value was not read by the caller


class Store:
    """A LOR Planner database; hands out Workspaces (DESIGN.md's contract). ``Store(location)`` opens a SQLite file
    (``lor.store.sqlite``), or a PostgreSQL server when ``location`` is a ``postgresql://`` address
    (``lor.store.postgres``); ``open_store`` picks the location from the settings.

    Every statement here is one text for both databases (``lor.store.schema``: numbered placeholders, and the short
    list of what differs in ``Dialect``); the backend supplies connections and transactions.
    """

    writes = 0  # writes made through this object: a page run may reuse a version it read while this stays put
    on_unavailable: Callable[[DatabaseUnavailable], None] | None = None  # told first whenever the database fails

    def __init__(self, location: str | Path):
        if is_database_url(location):
            from lor.store.postgres import PostgresBackend  # psycopg loads only when PostgreSQL is used

            self.engine: Backend = PostgresBackend(str(location))
            newer = [name for name in self.engine.applied_migrations() if name not in MIGRATION_NAMES]
            if newer:
                self.engine.read_only, self.engine.read_only_reason = True, newer_reason(newer)
        else:
            self.engine = SqliteBackend(location)
        self.dialect = self.engine.dialect

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgres"."""
        return self.dialect.name

    @property
    def path(self) -> Path | None:
        """The SQLite file (None on PostgreSQL)."""
        return getattr(self.engine, "path", None)

    @property
    def read_only(self) -> bool:
        """True when the plans can be read but not changed (a read-only disk, a database a newer app changed)."""
        return self.engine.read_only

    @property
    def read_only_reason(self) -> str:
        """Why, in a sentence for the page header."""
        return self.engine.read_only_reason

    @property
    def location(self) -> str:
        """Which database this is, without secrets: the file path, or the server address without a password."""
        return self.engine.location

    def describe(self) -> str:
        """Where plans are kept, in words for the Share & backup page."""
        return self.engine.describe()

    def close(self) -> None:
        """Let go of any connections held open (a SQLite store holds none between calls)."""
        self.engine.close()

    def applied_migrations(self) -> list[str]:
        """The schema migrations this database has, oldest first."""
        return self.engine.applied_migrations()

    def size_bytes(self) -> int:
        """How many bytes the database takes (the SQLite file with its log, or pg_database_size)."""
        return self.engine.size_bytes()

    @contextmanager
    def _db(self) -> Iterator[Any]:
        """One connection (a transaction on PostgreSQL) for one operation; DatabaseUnavailable when the database
        can't be used, after ``on_unavailable`` (the app's way to show its database page from a widget callback or a
        fragment, where an exception would only reach Streamlit's generic error)."""
        with self._db_of(self.engine.session) as db:
            yield db

    @contextmanager
    def _db_of(self, opener: Callable[[], AbstractContextManager[Any]]) -> Iterator[Any]:
        try:
            with opener() as db:
                yield db
        except DatabaseUnavailable as exc:
            if self.on_unavailable is not None:
                self.on_unavailable(exc)
            raise

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._db_of(self.engine.transaction) as db:
            yield db

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
                db.execute(
                    "UPDATE workspaces SET version = version + 1, changed = $1 WHERE id = $2", [now_text(), ws.id]
                )
                self._check_access(db, ws, writing=True)  # after the row lock: no race; a lost link rolls back
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
        now = utc(now)
        since = (now - timedelta(seconds=rate.window_s)).isoformat(timespec="seconds")
        rows = list(
            db.query(
                f"SELECT created FROM {table} WHERE created >= $1 ORDER BY created DESC LIMIT $2", [since, rate.limit]
            )
        )
        if len(rows) < rate.limit:
            return 0
        oldest = datetime.fromisoformat(rows[-1]["created"])
        return max(1, int((oldest + timedelta(seconds=rate.window_s) - now).total_seconds() + 0.999))

    def _insert_workspace(self, db: Any, workspace_id: str) -> tuple[str, str]:
        edit, view = new_token(), new_token()
        db.execute(
            "INSERT INTO workspaces (id, edit_hash, view_hash, created, version) VALUES ($1, $2, $3, $4, 0)",
            [workspace_id, hash_token(edit), hash_token(view), now_text()],
        )
        return edit, view

    def _check_access(
        self, db: Any, ws: Workspace, row: dict[str, Any] | None = None, *, writing: bool = False
    ) -> None:
        """Go on only while what ``ws`` was opened with still opens it: its link's hash is still the plan's, or the
        plan is still on the desk it was opened from (``row``: the plan's workspaces row, when already read).
        Otherwise ``ws.on_revoked(ws)`` (the app's rerun), else LinkGone; ``writing``: a change was refused, and
        ``ws.change_lost`` says so."""
        if ws.access is None:
            return
        kind, value = ws.access
        if kind == "desk":
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = $1 AND workspace_id = $2"
            holds = next(iter(db.query(sql, [value, ws.id])), None) is not None
        elif kind == "account":
            issuer, subject = json.loads(value)
            sql = "SELECT 1 AS found FROM accounts WHERE issuer = $1 AND subject = $2 AND workspace_id = $3"
            holds = next(iter(db.query(sql, [issuer, subject, ws.id])), None) is not None
        else:
            if row is None:
                sql = "SELECT edit_hash, view_hash, feed_hash FROM workspaces WHERE id = $1"
                row = next(iter(db.query(sql, [ws.id])), None)
            stored = row[f"{kind}_hash"] if row and kind in ("edit", "view", "feed") else None
            holds = isinstance(stored, str) and hmac.compare_digest(stored, value)
        if not holds:
            ws.change_lost = ws.change_lost or writing
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
                "INSERT INTO workspaces (id, edit_hash, view_hash, created, version) VALUES ($1, NULL, NULL, $2, 0) "
                "ON CONFLICT (id) DO NOTHING",
                [LOCAL_WORKSPACE, now_text()],
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
                    "SELECT id, edit_hash, view_hash, opened FROM workspaces WHERE edit_hash = $1 OR view_hash = $2",
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

    # -- school accounts (class mode with sign-in) -------------------------------------------------

    def account_workspace(self, issuer: str, subject: str) -> Workspace:
        """The plan of the account the provider ``issuer`` knows as ``subject``, made (empty, without a private link)
        the first time that account signs in. Never found by an email address or a name: those can change hands."""
        issuer, subject = _account_key(issuer, subject)
        access = ("account", json.dumps([issuer, subject]))
        sql = (
            "SELECT a.workspace_id, w.opened FROM accounts a JOIN workspaces w ON w.id = a.workspace_id "
            "WHERE a.issuer = $1 AND a.subject = $2"
        )
        with self._db() as db:
            row = next(iter(db.query(sql, [issuer, subject])), None)
        if row is None and not self.read_only:
            with self._transaction() as db:
                row = next(iter(db.query(sql, [issuer, subject])), None)
                if row is None:
                    workspace_id = secrets.token_hex(8)
                    db.execute(
                        "INSERT INTO workspaces (id, edit_hash, view_hash, created, version) "
                        "VALUES ($1, NULL, NULL, $2, 0)",
                        [workspace_id, now_text()],
                    )
                    db.execute(
                        "INSERT INTO accounts (issuer, subject, workspace_id, created) VALUES ($1, $2, $3, $4) "
                        "ON CONFLICT (issuer, subject) DO NOTHING",
                        [issuer, subject, workspace_id, now_text()],
                    )
                    row = next(iter(db.query(sql, [issuer, subject])))
                    if row["workspace_id"] != workspace_id:  # another tab of the same account won the race
                        db.execute("DELETE FROM workspaces WHERE id = $1", [workspace_id])
        if row is None:
            raise KeyError("this account has no plan yet, and the database can't be changed")
        self._note_opened(row["workspace_id"], opened=row["opened"])  # one query per page run, usually
        return Workspace(self, row["workspace_id"], read_only=self.read_only, access=access)

    def sign_out(self, issuer: str, subject: str, now: datetime | None = None) -> None:
        """Note that this account signed out: a sign-in issued before now no longer opens its plan
        (``signed_in_before_sign_out``), so a copy of the old sign-in cookie is worthless."""
        issuer, subject = _account_key(issuer, subject)
        with self._transaction() as db:
            db.execute(
                "UPDATE accounts SET signed_out = $1 WHERE issuer = $2 AND subject = $3",
                [int(utc(now).timestamp()), issuer, subject],
            )

    def signed_in_before_sign_out(self, issuer: str, subject: str, issued_at: object) -> bool:
        """True when a sign-in issued at ``issued_at`` (the ID token's ``iat``, seconds since 1970) predates the
        account's last sign-out, or its time is unknown while the account has signed out: it must sign in again."""
        issuer, subject = _account_key(issuer, subject)
        with self._db() as db:
            sql = "SELECT signed_out FROM accounts WHERE issuer = $1 AND subject = $2"
            row = next(iter(db.query(sql, [issuer, subject])), None)
        if row is None or row["signed_out"] is None:
            return False
        if isinstance(issued_at, bool) or not isinstance(issued_at, int | float):
            return True
        return issued_at <= int(row["signed_out"])

    def move_into_account(self, ws: Workspace, issuer: str, subject: str) -> Workspace:
        """Make the plan a private link opened (``ws``) the plan of this account, once: its private link stops
        working, and the account's own plan, which must still be empty, is deleted. Returns the plan as the account
        opens it. Raises ValueError (nothing changed) when the account's plan already holds something."""
        ws._check_writable()
        if ws.access is None or ws.access[0] != "edit":
            raise ValueError("Only a plan opened by its private link can be brought into an account.")
        issuer, subject = _account_key(issuer, subject)
        own = self.account_workspace(issuer, subject)
        if own.id == ws.id:
            return own
        if not own.is_empty() or own.student() is not None:
            raise ValueError(
                "Your account already has a plan with something in it, so this one can't be brought into it. "
                "Nothing was changed. Download a backup from this link and restore it into your account instead."
            )
        with self._write(ws) as db:
            db.execute("UPDATE workspaces SET edit_hash = NULL WHERE id = $1", [ws.id])
            db.execute(
                "UPDATE accounts SET workspace_id = $1 WHERE issuer = $2 AND subject = $3", [ws.id, issuer, subject]
            )
            for table in (*PLAN_TABLES, "desk_members"):
                db.execute(f"DELETE FROM {table} WHERE workspace_id = $1", [own.id])
            db.execute("DELETE FROM workspaces WHERE id = $1", [own.id])
        return Workspace(self, ws.id, read_only=self.read_only, access=("account", json.dumps([issuer, subject])))

    def regenerate_link(self, ws: Workspace, which: str) -> str:
        """Replace the workspace's edit or view link; the old one stops working. Returns the new token."""
        if which not in ("edit", "view"):
            raise ValueError("which must be 'edit' or 'view'")
        token = new_token()
        with self._write(ws) as db:
            db.execute(f"UPDATE workspaces SET {which}_hash = $1 WHERE id = $2", [hash_token(token), ws.id])
        if ws.access is not None and ws.access[0] == which:
            ws.access = (which, hash_token(token))  # the session that made the new link goes on with it
        return token

    def revoke_view_link(self, ws: Workspace) -> None:
        """Turn the advisor (view) link off until a new one is made."""
        ws._check_writable()
        if not ws.saved:
            return
        with self._write(ws) as db:
            db.execute("UPDATE workspaces SET view_hash = NULL WHERE id = $1", [ws.id])

    def has_view_link(self, ws: Workspace) -> bool:
        """True when the workspace has a working advisor link."""
        with self._db() as db:
            row = next(iter(db.query("SELECT view_hash FROM workspaces WHERE id = $1", [ws.id])), None)
        return bool(row and row["view_hash"])

    # -- calendar feeds: a read-only link a calendar app polls (lor.feed) --------------------------

    def new_feed_link(self, ws: Workspace) -> str:
        """Make the plan's calendar feed link, or replace it (the old one stops working). Returns the new token."""
        token = new_token()
        with self._write(ws) as db:
            db.execute("UPDATE workspaces SET feed_hash = $1 WHERE id = $2", [hash_token(token), ws.id])
        return token

    def turn_off_feed(self, ws: Workspace) -> None:
        """Turn the calendar feed off until a new link is made."""
        ws._check_writable()
        if not ws.saved:
            return
        with self._write(ws) as db:
            db.execute("UPDATE workspaces SET feed_hash = NULL WHERE id = $1", [ws.id])

    def has_feed(self, ws: Workspace) -> bool:
        """True when the plan has a working calendar feed link."""
        with self._db() as db:
            row = next(iter(db.query("SELECT feed_hash FROM workspaces WHERE id = $1", [ws.id])), None)
        return bool(row and row["feed_hash"])

    def open_feed(self, token: str) -> FeedPlan:
        """The plan a calendar feed token opens, read-only, with its version and when it last changed.

        Raises KeyError for an unknown, replaced, turned-off or malformed token: one message for all of them.
        """
        if not isinstance(token, str) or not 16 <= len(token) <= 128:
            raise KeyError("this link does not open any calendar")
        digest = hash_token(token)
        with self._db() as db:
            sql = "SELECT id, version, changed, created FROM workspaces WHERE feed_hash = $1"
            row = next(iter(db.query(sql, [digest])), None)
        if row is None:
            raise KeyError("this link does not open any calendar")
        ws = Workspace(self, row["id"], read_only=True, access=("feed", digest))
        return FeedPlan(ws, int(row["version"]), row["changed"] or row["created"])

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
        day = utc(now).date().isoformat()
        if opened is not _UNREAD and opened is not None and opened >= day:
            return  # the usual case: noted today already, and known without another query
        try:
            with self._db() as db:
                if opened is _UNREAD:
                    row = next(iter(db.query(f"SELECT opened FROM {table} WHERE id = $1", [workspace_id])), None)
                    if row is None or (row["opened"] is not None and row["opened"] >= day):
                        return
                db.execute(
                    f"UPDATE {table} SET opened = $1 WHERE id = $2 AND (opened IS NULL OR opened < $3)",
                    [utc(now).isoformat(timespec="seconds"), workspace_id, day],
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
        now = utc(now)
        fresh = (now - NEVER_WRITTEN_GRACE).isoformat(timespec="seconds")
        idle = (now - ABANDONED_AFTER).isoformat(timespec="seconds")
        empty = " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {table} t WHERE t.workspace_id = w.id)"
            for table in (*PLAN_TABLES, "desk_members", "accounts")  # a signed-in student's plan is theirs
        )

        def stale(first: int) -> str:  # the conditions, their four values numbered from $first
            p = [f"${n}" for n in range(first, first + 4)]
            return (
                f"w.id <> '{LOCAL_WORKSPACE}' AND {empty} AND ((w.version = 0 AND w.created < {p[0]}) OR "
                f"(w.version > 0 AND w.created < {p[1]} AND (w.changed IS NULL OR w.changed < {p[2]}) "
                f"AND (w.opened IS NULL OR w.opened < {p[3]})))"
            )

        params = [fresh, idle, idle, idle]
        counts = {"never": 0, "abandoned": 0}
        lock = self.dialect.locking("w")
        with self._transaction() as db:
            rows = list(db.query(f"SELECT w.id, w.version FROM workspaces w WHERE {stale(1)}{lock}", params))
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                ids = [row["id"] for row in chunk]
                # The conditions again, in the statement that deletes: a first write that won a race keeps its plan.
                db.execute(
                    f"DELETE FROM workspaces WHERE id IN ({marks(len(ids))}) AND id IN (SELECT w.id FROM workspaces w "
                    f"WHERE {stale(len(ids) + 1)})",
                    [*ids, *params],
                )
                kept = {r["id"] for r in db.query(f"SELECT id FROM workspaces WHERE id IN ({marks(len(ids))})", ids)}
                for row in chunk:
                    if row["id"] not in kept:
                        counts["never" if row["version"] == 0 else "abandoned"] += 1
        return Purged(never_written=counts["never"], abandoned=counts["abandoned"])

    def purge_unused(self, now: datetime | None = None) -> Purged:
        """Delete what nobody uses any more: plans (with everything in them) that no link opened, no desk opened and
        nobody changed for ``UNUSED_AFTER``; desks their link did not open for ``UNUSED_AFTER``; and desks no student
        is on that their link did not open for ``EMPTY_DESK_AFTER``. The plans on a deleted desk stay; a deleted
        plan leaves every desk. The local plan is never purged."""
        now = utc(now)
        idle = (now - UNUSED_AFTER).isoformat(timespec="seconds")
        empty_idle = (now - EMPTY_DESK_AFTER).isoformat(timespec="seconds")
        unused_plan = (
            f"w.id <> '{LOCAL_WORKSPACE}' AND w.created < $1 AND (w.changed IS NULL OR w.changed < $1) "
            "AND (w.opened IS NULL OR w.opened < $1)"
        )
        unused_desk = (
            "(d.created < $1 AND (d.opened IS NULL OR d.opened < $1)) OR (d.created < $2 AND (d.opened IS NULL OR "
            "d.opened < $2) AND NOT EXISTS (SELECT 1 FROM desk_members m WHERE m.desk_id = d.id))"
        )
        plans = desks = 0
        with self._transaction() as db:
            lock = self.dialect.locking("w")
            ids = [r["id"] for r in db.query(f"SELECT w.id FROM workspaces w WHERE {unused_plan}{lock}", [idle])]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for table in (*PLAN_TABLES, "desk_members", "desk_notes", "accounts"):  # a desk's log keeps its names
                    db.execute(f"DELETE FROM {table} WHERE workspace_id IN ({marks(len(chunk))})", chunk)
                db.execute(f"DELETE FROM workspaces WHERE id IN ({marks(len(chunk))})", chunk)
                plans += len(chunk)
            desk_lock = self.dialect.locking("d")
            gone = [
                r["id"]
                for r in db.query(f"SELECT d.id FROM desks d WHERE {unused_desk}{desk_lock}", [idle, empty_idle])
            ]
            for start in range(0, len(gone), 500):
                chunk = gone[start : start + 500]
                for table in reversed(DESK_TABLES[1:]):
                    db.execute(f"DELETE FROM {table} WHERE desk_id IN ({marks(len(chunk))})", chunk)
                db.execute(f"DELETE FROM desks WHERE id IN ({marks(len(chunk))})", chunk)
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
        now = utc(now)
        with _purge_lock:
            last = _last_purge.get(self.location)
            if self.read_only or (last is not None and timedelta(0) <= now - last < PURGE_EVERY):
                return None
            _last_purge[self.location] = now
        try:
            return self.purge(now)
        except DatabaseUnavailable:
            return None

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
                "INSERT INTO desks (id, name, link_hash, code_hash, code_salt, created) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                [secrets.token_hex(8), name, hash_token(token), hash_join_code(code), salt, now_text()],
            )
        return token, format_join_code(code)

    def open_desk(self, token: str) -> Desk:
        """The desk a desk link token opens. Raises KeyError for an unknown or malformed token."""
        if not isinstance(token, str) or not 16 <= len(token) <= 128:
            raise KeyError("this link does not open any desk")
        digest = hash_token(token)
        with self._db() as db:
            sql = "SELECT id, name, link_hash, opened FROM desks WHERE link_hash = $1"
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
            row = next(
                iter(db.query("SELECT id, name FROM desks WHERE code_hash = $1", [hash_join_code(normal)])), None
            )
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
            for table in PLAN_TABLES:
                db.execute(f"DELETE FROM {table} WHERE workspace_id = $1", [ws.id])
            if rows.student is not None:
                db.execute("INSERT INTO student (workspace_id, data) VALUES ($1, $2)", [ws.id, rows.student])
            for kind in RECORD_MODELS:
                db.executemany(
                    f"INSERT INTO {kind} (workspace_id, id, name, data) VALUES ($1, $2, $3, $4)",
                    [[ws.id, record_id, name, data] for record_id, name, data in rows.records[kind]],
                )
            db.executemany(
                "INSERT INTO settings (workspace_id, key, value) VALUES ($1, $2, $3)",
                [[ws.id, key, value] for key, value in rows.settings.items()],
            )

    # -- moving a whole database (python -m lor.store copy) ---------------------------------------

    def dump_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, link hashes included, records in the order they were added."""
        with self._db() as db:
            out = {"workspaces": list(db.query(f"SELECT {', '.join(COLUMNS['workspaces'])} FROM workspaces"))}
            for table in COPIED_TABLES:
                order = f" ORDER BY {self.dialect.order_column}" if table in RECORD_MODELS else ""
                out[table] = list(db.query(f"SELECT {', '.join(COLUMNS[table])} FROM {table}{order}"))
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
            for table in ("accounts", *reversed(DESK_TABLES), *PLAN_TABLES, "workspaces"):
                db.execute(f"DELETE FROM {table}")
            for table in ("workspaces", *COPIED_TABLES):
                columns = COLUMNS[table]
                db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks(len(columns))})",
                    [[row[c] for c in columns] for row in rows[table]],
                )


@dataclass(frozen=True)
class FeedPlan:
    """What a calendar feed token opens: the plan (read-only), its version (bumped by every write) and the time
    (ISO text, UTC) it last changed."""

    workspace: Workspace
    version: int
    changed: str


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


MAX_ACCOUNT_PART = 255  # OpenID Connect: a subject is at most 255 ASCII characters


def _account_key(issuer: object, subject: object) -> tuple[str, str]:
    """The provider's issuer and subject as stored; ValueError for a missing or overlong one (a programmer's error:
    the app refuses such a sign-in before asking the store)."""
    if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer or not subject:
        raise ValueError("a school account needs the provider's issuer and subject")
    if len(issuer) > 2 * MAX_ACCOUNT_PART or len(subject) > MAX_ACCOUNT_PART:
        raise ValueError("the provider's issuer or subject is too long")
    return issuer, subject


def size_text(size: int) -> str:
    """A database size in words: "3.4 MB", "640 kB"."""
    if size >= 100_000:
        return f"{size / 1_000_000:,.1f} MB"
    return f"{max(1, round(size / 1000)):,} kB"


def class_database_line(plans: int, size: int) -> str:
    """The sentence Share & backup shows in class mode: "The class database holds 152 plans in 3.4 MB." """
    return f"The class database holds {plural(plans, 'plan')} in {size_text(size)}."


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
