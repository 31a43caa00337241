"""SQLite storage for LOR Planner: workspaces, their records, links, and JSON backup / restore.

One short-lived connection per operation (Streamlit runs each session on its own thread), WAL on,
a busy timeout set. Every row belongs to a workspace; records are stored as validated JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from lor.models import Application, BusyPeriod, LetterRequest, Mentor, Student, plain_errors
from lor.timing import timing

SCHEMA = 1  # the backup document's format version
APP_NAME = "lor-planner"
LOCAL_WORKSPACE = "local"
MAX_BACKUP_BYTES = 5_000_000  # a real plan is a few hundred kB at most
MAX_RECORDS = 2_000  # per kind, per workspace
MAX_DEPTH = 32  # a real backup nests 6 levels deep; far deeper would break reading it back
BUSY_TIMEOUT_S = 10.0
DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "lor.db"

_KINDS: dict[str, type[BaseModel]] = {
    "mentors": Mentor,
    "applications": Application,
    "letters": LetterRequest,
}

migrations = Migrations("lor")


@migrations()
def m001_initial(db: Database) -> None:
    """Workspaces, their records, and their settings."""
    db["workspaces"].create(
        {"id": str, "edit_hash": str, "view_hash": str, "created": str, "version": int},
        pk="id",
        not_null={"created", "version"},
        if_not_exists=True,
    )
    db["workspaces"].create_index(["edit_hash"], unique=True, if_not_exists=True)
    db["workspaces"].create_index(["view_hash"], unique=True, if_not_exists=True)
    for table in ("mentors", "applications", "letters"):
        db[table].create(
            {"workspace_id": str, "id": str, "name": str, "data": str},
            pk=("workspace_id", "id"),
            foreign_keys=[("workspace_id", "workspaces", "id")],
            if_not_exists=True,
        )
    db["student"].create({"workspace_id": str, "data": str}, pk="workspace_id", if_not_exists=True)
    db["settings"].create(
        {"workspace_id": str, "key": str, "value": str}, pk=("workspace_id", "key"), if_not_exists=True
    )


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a link token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh link token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def database_path(secrets_file: str | Path | None = None) -> Path:
    """Where the database lives: LOR_DB, else [lor] db_path in secrets.toml, else data/lor.db."""
    if os.environ.get("LOR_DB"):
        return Path(os.environ["LOR_DB"])
    configured = read_secret("db_path", secrets_file=secrets_file)
    return Path(configured) if configured else DEFAULT_DB


def read_secret(key: str, *, secrets_file: str | Path | None = None) -> Any:
    """A value from the [lor] table of .streamlit/secrets.toml, or None; never raises."""
    path = Path(secrets_file) if secrets_file else Path(".streamlit") / "secrets.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("lor", {}).get(key)
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return None


class Store:
    """A LOR Planner database file; hands out Workspaces."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            migrations.apply(db)

    @contextmanager
    def _db(self) -> Iterator[Database]:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            yield Database(conn)
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[Database]:
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

    # -- workspaces -------------------------------------------------------------------------------

    def default_workspace(self) -> Workspace:
        """The single workspace of local mode (no link, no token)."""
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO workspaces (id, edit_hash, view_hash, created, version) "
                "VALUES (?, NULL, NULL, ?, 0)",
                [LOCAL_WORKSPACE, _now()],
            )
        return Workspace(self, LOCAL_WORKSPACE, read_only=False)

    def create_workspace(self) -> tuple[str, str]:
        """A new private workspace; returns its (edit_token, view_token)."""
        edit, view = new_token(), new_token()
        with self._db() as db:
            db["workspaces"].insert(
                {
                    "id": secrets.token_hex(8),
                    "edit_hash": hash_token(edit),
                    "view_hash": hash_token(view),
                    "created": _now(),
                    "version": 0,
                }
            )
        return edit, view

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
                    "SELECT id, edit_hash, view_hash FROM workspaces WHERE edit_hash = ? OR view_hash = ?",
                    [digest, digest],
                )
            )
        for row in rows:
            if row["edit_hash"] and hmac.compare_digest(row["edit_hash"], digest):
                return Workspace(self, row["id"], read_only=False)
            if row["view_hash"] and hmac.compare_digest(row["view_hash"], digest):
                return Workspace(self, row["id"], read_only=True)
        raise KeyError("this link does not open any plan")

    def regenerate_link(self, ws: Workspace, which: str) -> str:
        """Replace the workspace's edit or view link; the old one stops working. Returns the new token."""
        ws._check_writable()
        if which not in ("edit", "view"):
            raise ValueError("which must be 'edit' or 'view'")
        token = new_token()
        with self._db() as db:
            db.execute(f"UPDATE workspaces SET {which}_hash = ? WHERE id = ?", [hash_token(token), ws.id])
        return token

    def revoke_view_link(self, ws: Workspace) -> None:
        """Turn the advisor (view) link off until a new one is made."""
        ws._check_writable()
        with self._db() as db:
            db.execute("UPDATE workspaces SET view_hash = NULL WHERE id = ?", [ws.id])

    def has_view_link(self, ws: Workspace) -> bool:
        """True when the workspace has a working advisor link."""
        with self._db() as db:
            row = next(db.query("SELECT view_hash FROM workspaces WHERE id = ?", [ws.id]), None)
        return bool(row and row["view_hash"])

    def workspace_count(self) -> int:
        """How many workspaces the database holds (for the instructor's view and the load test)."""
        with self._db() as db:
            return db["workspaces"].count

    # -- backup / restore -------------------------------------------------------------------------

    def export_json(self, ws: Workspace) -> str:
        """The whole workspace as a backup document; the same contents always give the same text."""
        student = ws.student()
        doc: dict[str, Any] = {
            "schema": SCHEMA,
            "app": APP_NAME,
            "student": student.model_dump(mode="json") if student else None,
            "mentors": [m.model_dump(mode="json") for m in ws.mentors()],
            "applications": [a.model_dump(mode="json") for a in ws.applications()],
            "letters": [r.model_dump(mode="json") for r in ws.letters()],
            "settings": ws.settings(),
        }
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def import_json(self, ws: Workspace, text: str | bytes) -> None:
        """Replace the workspace's contents with a backup document, all or nothing.

        Raises ValueError with the reason (and changes nothing) for a broken, foreign, too large or
        newer-version document; PermissionError on a read-only workspace.
        """
        ws._check_writable()
        parsed = parse_backup(text)
        with self._write() as db:
            for table in ("mentors", "applications", "letters", "settings", "student"):
                db.execute(f"DELETE FROM {table} WHERE workspace_id = ?", [ws.id])
            if parsed["student"] is not None:
                db["student"].insert({"workspace_id": ws.id, "data": parsed["student"].model_dump_json()})
            for kind in _KINDS:
                db[kind].insert_all(
                    [
                        {
                            "workspace_id": ws.id,
                            "id": r.id,
                            "name": getattr(r, "name", ""),
                            "data": r.model_dump_json(),
                        }
                        for r in parsed[kind]
                    ]
                )
            db["settings"].insert_all(
                [{"workspace_id": ws.id, "key": k, "value": json.dumps(v)} for k, v in parsed["settings"].items()]
            )
            _bump(db, ws.id)


def parse_backup(text: str | bytes) -> dict[str, Any]:
    """Validate a backup document; returns its models, or raises ValueError saying what is wrong."""
    if isinstance(text, bytes):
        if len(text) > MAX_BACKUP_BYTES:
            raise ValueError(_too_large(len(text)))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("This file is not a LOR Planner backup: it is not a text (JSON) file.") from None
    if len(text) > MAX_BACKUP_BYTES:
        raise ValueError(_too_large(len(text)))
    try:
        doc = json.loads(text)
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
        reason = " ".join(plain_errors(exc)[:3])
        raise ValueError(f"This backup has an entry that is not valid: {reason} Nothing was changed.") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"This backup is not valid: {exc} Nothing was changed.") from None
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        raise ValueError("This backup is not valid: 'settings' must be a table. Nothing was changed.")
    out["settings"] = settings
    _check_settings(settings)
    _check_references(out)
    return out


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


def _check_settings(settings: dict[str, Any]) -> None:
    """Refuse the settings the pages read (busy periods, buffer, backups planned) in a shape they can't read."""
    buffer = settings.get("buffer_days")
    busy = settings.get("busy") or {}
    planned = settings.get("recommenders-backups-planned") or {}
    problem = ""
    limit = timing().max_buffer_days
    if buffer is not None and (type(buffer) is not int or not 0 <= buffer <= limit):
        problem = f"'buffer_days' must be a whole number of days from 0 to {limit}."
    elif not isinstance(busy, dict) or not isinstance(planned, dict):
        problem = "its busy periods or planned backups are not tables."
    elif not isinstance(busy.get("disabled") or [], list) or not all(
        isinstance(k, str) for k in busy.get("disabled") or []
    ):
        problem = "'disabled' busy periods must be a list of names."
    elif not isinstance(busy.get("moved") or {}, dict) or not all(
        isinstance(v, dict) for v in (busy.get("moved") or {}).values()
    ):
        problem = "'moved' busy periods must be a table of dates."
    elif not isinstance(busy.get("custom") or [], list):
        problem = "'custom' busy periods must be a list."
    if problem:
        raise ValueError(f"This backup is not valid: {problem} Nothing was changed.")
    moved = [{**dates, "name": key} for key, dates in (busy.get("moved") or {}).items()]
    try:
        for item in [*(busy.get("custom") or []), *moved]:
            BusyPeriod.model_validate(item)
    except ValidationError as exc:
        reason = " ".join(plain_errors(exc)[:3])
        raise ValueError(f"This backup has a busy period that is not valid: {reason} Nothing was changed.") from None


def _check_references(parsed: dict[str, Any]) -> None:
    for kind in _KINDS:
        ids = [r.id for r in parsed[kind]]
        if len(ids) != len(set(ids)):
            raise ValueError(f"This backup lists the same id twice among its {kind}. Nothing was changed.")
    mentors = {m.id for m in parsed["mentors"]}
    apps = {a.id for a in parsed["applications"]}
    for letter in parsed["letters"]:
        if letter.mentor_id not in mentors or letter.application_id not in apps:
            raise ValueError(
                f"This backup has a letter ({letter.id}) whose writer or application is missing. Nothing was changed."
            )


def _too_large(size: int) -> str:
    return (
        f"This file is too large to be a LOR Planner backup ({size / 1_000_000:.1f} MB; the limit is "
        f"{MAX_BACKUP_BYTES / 1_000_000:.0f} MB). Nothing was changed."
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _bump(db: Database, workspace_id: str) -> None:
    db.execute("UPDATE workspaces SET version = version + 1 WHERE id = ?", [workspace_id])


class Workspace:
    """One student's plan: read with mentors() / applications() / letters(), write with save_* / delete_*."""

    def __init__(self, store: Store, workspace_id: str, *, read_only: bool):
        self.store = store
        self.id = workspace_id
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"Workspace({self.id!r}, read_only={self.read_only})"

    def _check_writable(self) -> None:
        if self.read_only:
            raise PermissionError("This plan is open read-only (advisor link); it cannot be changed here.")

    # -- reads ------------------------------------------------------------------------------------

    def _records(self, kind: str) -> list[Any]:
        model = _KINDS[kind]
        with self.store._db() as db:
            rows = db.query(f"SELECT data FROM {kind} WHERE workspace_id = ? ORDER BY rowid", [self.id])
            return [model.model_validate_json(row["data"]) for row in rows]

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
            row = next(db.query("SELECT data FROM student WHERE workspace_id = ?", [self.id]), None)
        return Student.model_validate_json(row["data"]) if row else None

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (any JSON value), or ``default``."""
        with self.store._db() as db:
            row = next(
                db.query("SELECT value FROM settings WHERE workspace_id = ? AND key = ?", [self.id, key]),
                None,
            )
        return json.loads(row["value"]) if row else default

    def settings(self) -> dict[str, Any]:
        """Every stored setting, by key."""
        with self.store._db() as db:
            rows = db.query("SELECT key, value FROM settings WHERE workspace_id = ? ORDER BY key", [self.id])
            return {row["key"]: json.loads(row["value"]) for row in rows}

    def version(self) -> int:
        """A counter that grows with every write: a cheap cache key for pages."""
        with self.store._db() as db:
            row = next(db.query("SELECT version FROM workspaces WHERE id = ?", [self.id]), None)
        return row["version"] if row else 0

    def is_empty(self) -> bool:
        """True when the workspace holds no mentors, applications or letters."""
        with self.store._db() as db:
            return not any(
                next(db.query(f"SELECT 1 FROM {kind} WHERE workspace_id = ? LIMIT 1", [self.id]), None)
                for kind in _KINDS
            )

    # -- writes -----------------------------------------------------------------------------------

    def _save(self, kind: str, record: BaseModel) -> None:
        self._check_writable()
        record = type(record).model_validate(record.model_dump())  # re-validate edits made in place
        row = {
            "workspace_id": self.id,
            "id": record.id,  # type: ignore[attr-defined]
            "name": getattr(record, "name", ""),
            "data": record.model_dump_json(),
        }
        with self.store._write() as db:
            db[kind].upsert(row, pk=("workspace_id", "id"))
            _bump(db, self.id)

    def _delete(self, kind: str, record_id: str) -> None:
        self._check_writable()
        with self.store._write() as db:
            db.execute(f"DELETE FROM {kind} WHERE workspace_id = ? AND id = ?", [self.id, str(record_id)])
            _bump(db, self.id)

    def save_mentor(self, mentor: Mentor) -> None:
        """Insert or update a mentor by id."""
        self._save("mentors", mentor)

    def save_application(self, application: Application) -> None:
        """Insert or update an application by id."""
        self._save("applications", application)

    def save_letter(self, letter: LetterRequest) -> None:
        """Insert or update a letter request by id."""
        self._save("letters", letter)

    def save_student(self, student: Student) -> None:
        """Insert or update the student's profile."""
        self._check_writable()
        student = Student.model_validate(student.model_dump())
        with self.store._write() as db:
            db["student"].upsert({"workspace_id": self.id, "data": student.model_dump_json()}, pk="workspace_id")
            _bump(db, self.id)

    def _delete_with_letters(self, kind: str, field: str, record_id: str) -> None:
        # Deleting a writer or an application deletes its letter requests too: they'd point nowhere.
        self._check_writable()
        with self.store._write() as db:
            db.execute(f"DELETE FROM {kind} WHERE workspace_id = ? AND id = ?", [self.id, str(record_id)])
            db.execute(
                f"DELETE FROM letters WHERE workspace_id = ? AND json_extract(data, '$.{field}') = ?",
                [self.id, str(record_id)],
            )
            _bump(db, self.id)

    def delete_mentor(self, mentor_id: str) -> None:
        """Delete a mentor and the letter requests addressed to them."""
        self._delete_with_letters("mentors", "mentor_id", mentor_id)

    def delete_application(self, application_id: str) -> None:
        """Delete an application and its letter requests."""
        self._delete_with_letters("applications", "application_id", application_id)

    def delete_letter(self, letter_id: str) -> None:
        """Delete one letter request."""
        self._delete("letters", letter_id)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (any JSON value)."""
        self._check_writable()
        with self.store._write() as db:
            db["settings"].upsert(
                {"workspace_id": self.id, "key": key, "value": json.dumps(value, sort_keys=True)},
                pk=("workspace_id", "key"),
            )
            _bump(db, self.id)

    def clear(self) -> None:
        """Delete everything in this workspace (its links stay valid)."""
        self._check_writable()
        with self.store._write() as db:
            for table in ("mentors", "applications", "letters", "settings", "student"):
                db.execute(f"DELETE FROM {table} WHERE workspace_id = ?", [self.id])
            _bump(db, self.id)
