"""Advisor desks in the store: a desk opened by its link lists and opens, read-only, the plans that joined it with
its join code. Nothing here writes to a plan."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lor.joincodes import format_join_code, hash_join_code, join_code_for
from lor.models import without_controls
from lor.store.workspace import DeskView, log_event, now_text

if TYPE_CHECKING:
    from lor.store.store import Store


DESK_NOTE_MAX = 2_000  # characters of an advisor's note on one student
LOG_SHOWN = 50  # the desk log's newest events the desk shows


@dataclass(frozen=True)
class DeskEvent:
    """One line of a desk's log: a student joined, left or was removed (``event``), with the name they had then."""

    at: str  # ISO time, UTC
    workspace_id: str
    student: str
    event: str  # "joined", "left" or "removed"


def clean_note(text: str) -> str:
    """An advisor's note as stored: control characters dropped, trimmed; ValueError when too long."""
    cleaned = without_controls(str(text or "")).strip()
    if len(cleaned) > DESK_NOTE_MAX:
        raise ValueError(f"A note can be at most {DESK_NOTE_MAX:,} characters; this one has {len(cleaned):,}.")
    return cleaned


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
            row = next(iter(db.query("SELECT code_salt FROM desks WHERE id = $1", [self.id])))
        return format_join_code(join_code_for(self._token, row["code_salt"]))

    def rotate_join_code(self) -> str:
        """A new join code; the old one stops working and every plan that joined stays. Returns the new code."""
        salt = secrets.token_hex(8)
        code = join_code_for(self._token, salt)
        with self.store._transaction() as db:
            db.execute(
                "UPDATE desks SET code_salt = $1, code_hash = $2 WHERE id = $3", [salt, hash_join_code(code), self.id]
            )
        return format_join_code(code)

    def members(self) -> list[DeskMember]:
        """Every plan that joined this desk (and has not left), in the order they joined: one query."""
        with self.store._db() as db:
            rows = list(
                db.query(
                    "SELECT w.id, w.version, COALESCE(w.changed, w.created) AS changed, m.joined "
                    "FROM desk_members m JOIN workspaces w ON w.id = m.workspace_id "
                    "WHERE m.desk_id = $1 ORDER BY m.joined, w.id",
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
                        "SELECT 1 AS found FROM desk_members WHERE desk_id = $1 AND workspace_id = $2",
                        [self.id, str(workspace_id)],
                    )
                ),
                None,
            )
        if row is None:
            raise KeyError("that plan is not shared with this desk")
        self.store._note_opened(str(workspace_id))  # an advisor reading it counts as use (purging)
        return DeskView(self.store, str(workspace_id), read_only=True, access=("desk", self.id))

    def remove_member(self, workspace_id: str, *, student: str | None = None) -> None:
        """Take one plan off this desk, at once (the plan itself is untouched; its student may join again with the
        current join code); the desk's log notes it, with ``student`` (the name the desk showed)."""
        with self.store._transaction() as db:
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = $1 AND workspace_id = $2"
            if next(iter(db.query(sql, [self.id, str(workspace_id)])), None) is None:
                return
            db.execute(
                "DELETE FROM desk_members WHERE desk_id = $1 AND workspace_id = $2", [self.id, str(workspace_id)]
            )
            log_event(db, self.id, str(workspace_id), student, "removed")

    def notes(self) -> dict[str, str]:
        """Plan id → the advisor's private note on that student (students never see these): one query."""
        with self.store._db() as db:
            rows = db.query("SELECT workspace_id, note FROM desk_notes WHERE desk_id = $1", [self.id])
            return {row["workspace_id"]: row["note"] for row in rows}

    def save_note(self, workspace_id: str, text: str) -> str:
        """Keep the advisor's note on one student of this desk (an empty note deletes it); returns the note as kept.
        KeyError when the plan is not on this desk; ValueError (a sentence) when the note is too long."""
        note = clean_note(text)
        with self.store._transaction() as db:
            sql = "SELECT 1 AS found FROM desk_members WHERE desk_id = $1 AND workspace_id = $2"
            if next(iter(db.query(sql, [self.id, str(workspace_id)])), None) is None:
                raise KeyError("that plan is not shared with this desk")
            db.execute("DELETE FROM desk_notes WHERE desk_id = $1 AND workspace_id = $2", [self.id, str(workspace_id)])
            if note:
                db.execute(
                    "INSERT INTO desk_notes (desk_id, workspace_id, note, changed) VALUES ($1, $2, $3, $4)",
                    [self.id, str(workspace_id), note, now_text()],
                )
        return note

    def log(self, limit: int = LOG_SHOWN) -> list[DeskEvent]:
        """The desk's newest ``limit`` joins, leaves and removals, newest first."""
        with self.store._db() as db:
            rows = list(
                db.query(
                    "SELECT at, workspace_id, student, event FROM desk_log WHERE desk_id = $1 "
                    f"ORDER BY at DESC, id LIMIT {int(limit)}",
                    [self.id],
                )
            )
        return [DeskEvent(r["at"], r["workspace_id"], r["student"] or "Unnamed student", r["event"]) for r in rows]

    def close(self) -> None:
        """Delete this desk: its link and join code open nothing from now on, and no plan is on it any more (the
        plans themselves are untouched)."""
        with self.store._transaction() as db:
            for table in ("desk_log", "desk_notes", "desk_members"):
                db.execute(f"DELETE FROM {table} WHERE desk_id = $1", [self.id])
            db.execute("DELETE FROM desks WHERE id = $1", [self.id])
