"""One student's plan in the store: read its records, write them (each write one transaction that bumps the plan's
version), share it with advisor desks. ``DeskView`` is a plan opened from a desk: read-only whatever happens.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from lor import backup
from lor.backup import RECORD_MODELS, check_horizon, plan_too_large
from lor.limits import DESK_MEMBERS_MAX
from lor.models import STORED, Application, LetterRequest, Mentor, PlanSettings, Student
from lor.store.errors import DeskFull
from lor.store.schema import PLAN_CHARS_SQL, PLAN_TABLES

if TYPE_CHECKING:
    from lor.store.store import Store

LOCAL_WORKSPACE = "local"  # the one plan of a student's own computer (no link)


def now_text() -> str:
    """The current time, UTC, as the store writes it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def log_event(db: Any, desk_id: str, workspace_id: str, student: str | None, event: str) -> None:
    """Add a line to a desk's log, inside the caller's transaction."""
    db.execute(
        "INSERT INTO desk_log (desk_id, id, at, workspace_id, student, event) VALUES ($1, $2, $3, $4, $5, $6)",
        [desk_id, secrets.token_hex(8), now_text(), workspace_id, student or "Unnamed student", event],
    )


def utc(now: datetime | None) -> datetime:
    """``now`` in UTC (a naive time is taken as UTC); the current time when None."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


@dataclass(frozen=True)
class DeskInfo:
    """What a student may know about a desk: its id and name (and when their plan joined it), never its link."""

    id: str
    name: str
    joined: str | None = None


def narrowed(letter: LetterRequest, application_id: str) -> LetterRequest:
    """A shared letter without ``application_id``: the next application it serves becomes its first."""
    rest = [i for i in letter.application_ids if i != application_id]
    return letter.model_copy(update={"application_id": rest[0], "also_for": rest[1:]})


def _is_committee(data: str | None) -> bool:
    return data is not None and Mentor.model_validate_json(data, context=STORED).role == "committee"


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
        self.change_lost = False  # a write was refused because the link no longer opens the plan
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
        model = RECORD_MODELS[kind]
        with self.store._db() as db:
            rows = db.query(
                f"SELECT data FROM {kind} WHERE workspace_id = $1 ORDER BY {self.store.dialect.order_column}", [self.id]
            )
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
            row = next(iter(db.query("SELECT data FROM student WHERE workspace_id = $1", [self.id])), None)
        return Student.model_validate_json(row["data"], context=STORED) if row else None

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (any JSON value), or ``default``."""
        with self.store._db() as db:
            row = next(
                iter(db.query("SELECT value FROM settings WHERE workspace_id = $1 AND key = $2", [self.id, key])),
                None,
            )
        return json.loads(row["value"]) if row else default

    def settings(self) -> dict[str, Any]:
        """Every stored setting, by key."""
        with self.store._db() as db:
            rows = db.query("SELECT key, value FROM settings WHERE workspace_id = $1 ORDER BY key", [self.id])
            return {row["key"]: json.loads(row["value"]) for row in rows}

    def version(self) -> int:
        """A counter in the database that grows with every write: a cheap cache key for pages, valid across
        server processes that share the database."""
        if not self.saved:
            return 0
        with self.store._db() as db:
            sql = "SELECT version, edit_hash, view_hash, feed_hash FROM workspaces WHERE id = $1"
            row = next(iter(db.query(sql, [self.id])), None)
            self.store._check_access(db, self, row)
        return row["version"] if row else 0

    def is_empty(self) -> bool:
        """True when the workspace holds no mentors, applications or letters."""
        with self.store._db() as db:
            return not any(
                next(iter(db.query(f"SELECT 1 AS found FROM {kind} WHERE workspace_id = $1 LIMIT 1", [self.id])), None)
                for kind in RECORD_MODELS
            )

    def desks(self) -> list[DeskInfo]:
        """The advisor desks this plan is shared with (id, name, day joined), oldest first. Never a desk link."""
        if not self.saved:
            return []
        with self.store._db() as db:
            rows = db.query(
                "SELECT d.id, d.name, m.joined FROM desk_members m JOIN desks d ON d.id = m.desk_id "
                "WHERE m.workspace_id = $1 ORDER BY m.joined, d.name",
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
            count = next(iter(db.query("SELECT COUNT(*) AS n FROM desk_members WHERE desk_id = $1", [desk.id])))["n"]
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = $1 AND workspace_id = $2"
            member = next(iter(db.query(sql, [desk.id, self.id])), None) is not None
        if count >= DESK_MEMBERS_MAX and not member:
            raise DeskFull(
                f"This desk already has {DESK_MEMBERS_MAX} students, the most a desk holds. Ask your advisor to "
                "remove students who have left it, or to make a second desk."
            )
        student = self.student() if self.saved else None
        with self._sharing() as db:
            if not member:
                db.execute(
                    "INSERT INTO desk_members (desk_id, workspace_id, joined) VALUES ($1, $2, $3) "
                    "ON CONFLICT (desk_id, workspace_id) DO NOTHING",
                    [desk.id, self.id, now_text()],
                )
                log_event(db, desk.id, self.id, student.name if student else None, "joined")
        return desk

    def leave_desk(self, desk_id: str) -> None:
        """Stop sharing this plan with a desk, at once: the desk no longer lists or opens it."""
        self._check_writable()
        if not self.saved:
            return
        student = self.student()
        with self._sharing() as db:
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = $1 AND workspace_id = $2"
            if next(iter(db.query(sql, [str(desk_id), self.id])), None) is None:
                return
            db.execute("DELETE FROM desk_members WHERE desk_id = $1 AND workspace_id = $2", [str(desk_id), self.id])
            log_event(db, str(desk_id), self.id, student.name if student else None, "left")

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
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Insert or update these records, delete these letters and store these settings, all in one transaction:
        one user action that changes several records (a step done for all of a writer's letters, two letters merged,
        a backup writer planned and remembered as the declined letter's backup) is saved whole or not at all."""
        self._check_writable()
        setting_rows = self._setting_rows(settings or {})
        rows: list[tuple[str, Mentor | Application | LetterRequest]] = []
        groups: tuple[tuple[str, Iterable[Mentor | Application | LetterRequest]], ...] = (
            ("mentors", mentors),
            ("applications", applications),
            ("letters", letters),
        )
        for kind, records in groups:
            for record in records:
                record = type(record).model_validate(record.model_dump())  # re-validate edits made in place
                check_horizon(record)
                rows.append((kind, record))
        gone = [str(i) for i in delete_letters]
        if not rows and not gone and not setting_rows:
            return
        with self.store._write(self) as db:
            grew = 0
            before = self._stored_references(db, [r.id for kind, r in rows if kind == "letters"])
            for kind, record in rows:
                data = record.model_dump_json()
                sql = f"SELECT LENGTH(data) AS n FROM {kind} WHERE workspace_id = $1 AND id = $2"
                grew += len(data) - self._chars(db, sql, [self.id, record.id])
                db.execute(
                    f"INSERT INTO {kind} (workspace_id, id, name, data) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (workspace_id, id) DO UPDATE SET name = excluded.name, data = excluded.data",
                    [self.id, record.id, getattr(record, "name", ""), data],
                )
            for letter_id in gone:
                db.execute("DELETE FROM letters WHERE workspace_id = $1 AND id = $2", [self.id, letter_id])
            for key, text, _validated in setting_rows:
                grew += len(text) - self._put_setting(db, key, text)
            letters_written = [record for kind, record in rows if isinstance(record, LetterRequest)]
            if letters_written:
                self._check_references(db, letters_written, before)
            if rows or setting_rows:
                self._check_room(db, grew, rows[-1][1] if rows else setting_rows[-1][2])

    def _setting_rows(self, settings: Mapping[str, Any]) -> list[tuple[str, str, PlanSettings]]:
        """Each setting validated (lor.models.SETTING_KEYS, dates within the horizon) and dumped as it is stored:
        the setting's own dump, never the value as given, so a key LOR Planner doesn't have is dropped and the plan
        limits (which count what the models hold) bound what the database keeps."""
        out = []
        for key, value in settings.items():
            validated = PlanSettings.from_stored({key: value})
            check_horizon(validated)
            out.append(
                (key, json.dumps(validated.model_dump(mode="json", by_alias=True)[key], sort_keys=True), validated)
            )
        return out

    def _put_setting(self, db: Any, key: str, text: str) -> int:
        """Store one validated setting's text; returns the length of the text it replaced."""
        before = self._chars(
            db, "SELECT LENGTH(value) AS n FROM settings WHERE workspace_id = $1 AND key = $2", [self.id, key]
        )
        db.execute(
            "INSERT INTO settings (workspace_id, key, value) VALUES ($1, $2, $3) "
            "ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value",
            [self.id, key, text],
        )
        return before

    def _stored_references(self, db: Any, letter_ids: list[str]) -> dict[str, LetterRequest]:
        """These letters as stored now (those that are), by id."""
        if not letter_ids:
            return {}
        wanted = set(letter_ids)
        rows = db.query("SELECT id, data FROM letters WHERE workspace_id = $1", [self.id])
        return {
            row["id"]: LetterRequest.model_validate_json(row["data"], context=STORED)
            for row in rows
            if row["id"] in wanted
        }

    def _check_references(self, db: Any, letters: list[LetterRequest], before: dict[str, LetterRequest]) -> None:
        """Refuse (as a ValidationError the pages show; the transaction rolls back) a letter that points at a writer,
        an application or a committee the plan no longer has: a tab drawn before another tab deleted it, or a forged
        choice. Such a letter would make the plan's own backup unrestorable. A reference the stored letter already
        held (saved by an older version) is let be, so the letter stays editable."""
        mentors = {
            row["id"]: row["data"]
            for row in db.query("SELECT id, data FROM mentors WHERE workspace_id = $1", [self.id])
        }
        apps = {row["id"] for row in db.query("SELECT id FROM applications WHERE workspace_id = $1", [self.id])}
        for letter in letters:
            stored = before.get(letter.id)
            held_apps = set(stored.application_ids) if stored else set()
            if letter.mentor_id not in mentors and not (stored and stored.mentor_id == letter.mentor_id):
                problem = "Its writer is no longer in this plan (deleted, perhaps in another tab)."
            elif any(i not in apps and i not in held_apps for i in letter.application_ids):
                problem = (
                    "An application it is for is no longer in this plan (deleted, perhaps in another tab): reload "
                    "the page to see the applications there are now."
                )
            elif (
                letter.via and not (stored and stored.via == letter.via) and not _is_committee(mentors.get(letter.via))
            ):
                problem = (
                    "The committee it is sent to is no longer among this plan's writers (deleted, perhaps in another "
                    "tab): reload the page to see the choices there are now."
                )
            else:
                continue
            raise ValidationError.from_exception_data(
                "LetterRequest",
                [{"type": "value_error", "loc": (), "input": None, "ctx": {"error": ValueError(problem)}}],
            )

    @staticmethod
    def _chars(db: Any, sql: str, params: list[Any]) -> int:
        row = next(iter(db.query(sql, params)), None)
        return int(row["n"] or 0) if row else 0

    def _check_room(self, db: Any, grew: int, record: BaseModel) -> None:
        """Refuse (as a ValidationError the pages show) a write that grew the plan past MAX_PLAN_CHARS; a plan
        already past it can still shrink or change without growing."""
        if grew <= 0:
            return
        total = self._chars(db, PLAN_CHARS_SQL, [self.id])
        if total > backup.MAX_PLAN_CHARS:  # read when used: a limit set lower later applies at once
            problem = plan_too_large(total)
            raise ValidationError.from_exception_data(
                type(record).__name__,
                [{"type": "value_error", "loc": (), "input": None, "ctx": {"error": ValueError(problem)}}],
            )

    def _delete(self, kind: str, record_id: str) -> None:
        with self.store._write(self) as db:
            db.execute(f"DELETE FROM {kind} WHERE workspace_id = $1 AND id = $2", [self.id, str(record_id)])

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
        check_horizon(student)
        data = student.model_dump_json()
        with self.store._write(self) as db:
            before = self._chars(db, "SELECT LENGTH(data) AS n FROM student WHERE workspace_id = $1", [self.id])
            db.execute(
                "INSERT INTO student (workspace_id, data) VALUES ($1, $2) "
                "ON CONFLICT (workspace_id) DO UPDATE SET data = excluded.data",
                [self.id, data],
            )
            self._check_room(db, len(data) - before, student)

    def _delete_with_letters(self, kind: str, field: str, record_id: str) -> None:
        # Deleting a writer or an application deletes its letter requests too: they'd point nowhere.
        with self.store._write(self) as db:
            db.execute(f"DELETE FROM {kind} WHERE workspace_id = $1 AND id = $2", [self.id, str(record_id)])
            db.execute(
                f"DELETE FROM letters WHERE workspace_id = $1 AND {self.store.dialect.json_field(field)} = $2",
                [self.id, str(record_id)],
            )

    def delete_mentor(self, mentor_id: str) -> None:
        """Delete a mentor and the letter requests addressed to them; a letter sent through them (a committee) goes
        straight to the portal instead."""
        through = [x for x in self.letters() if x.via == str(mentor_id) and x.mentor_id != str(mentor_id)]
        if not through:
            self._delete_with_letters("mentors", "mentor_id", mentor_id)
            return
        self._check_writable()
        with self.store._write(self) as db:
            for letter in through:
                db.execute(
                    "UPDATE letters SET data = $1 WHERE workspace_id = $2 AND id = $3",
                    [letter.model_copy(update={"via": None}).model_dump_json(), self.id, letter.id],
                )
            db.execute("DELETE FROM mentors WHERE workspace_id = $1 AND id = $2", [self.id, str(mentor_id)])
            field = self.store.dialect.json_field("mentor_id")
            db.execute(f"DELETE FROM letters WHERE workspace_id = $1 AND {field} = $2", [self.id, str(mentor_id)])

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
                    "UPDATE letters SET data = $1 WHERE workspace_id = $2 AND id = $3",
                    [kept.model_dump_json(), self.id, letter.id],
                )
            db.execute("DELETE FROM applications WHERE workspace_id = $1 AND id = $2", [self.id, application_id])
            db.execute(
                f"DELETE FROM letters WHERE workspace_id = $1 AND {self.store.dialect.json_field(field)} = $2",
                [self.id, application_id],
            )

    def delete_letter(self, letter_id: str) -> None:
        """Delete one letter request."""
        self._delete("letters", letter_id)

    def set_setting(self, key: str, value: Any) -> None:
        """Store one of the plan's settings (lor.models.SETTING_KEYS); it must be valid and its dates within the
        horizon (pydantic ValidationError otherwise, an unknown key included)."""
        self._check_writable()
        [(key, text, validated)] = self._setting_rows({key: value})
        with self.store._write(self) as db:
            self._check_room(db, len(text) - self._put_setting(db, key, text), validated)

    def clear(self) -> None:
        """Delete everything in this workspace (its links stay valid)."""
        self._check_writable()
        if not self.saved:
            return  # nothing to delete, and no reason to save an empty plan
        with self.store._write(self) as db:
            for table in PLAN_TABLES:
                db.execute(f"DELETE FROM {table} WHERE workspace_id = $1", [self.id])


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
