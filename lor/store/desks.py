"""Advisor desks in the store: a desk opened by its link lists and opens, read-only, the plans that joined it with
its join code. Nothing here writes to a plan."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lor.joincodes import format_join_code, hash_join_code, join_code_for
from lor.store.workspace import DeskView

if TYPE_CHECKING:
    from lor.store.store import Store


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

    def remove_member(self, workspace_id: str) -> None:
        """Take one plan off this desk, at once (the plan itself is untouched; its student may join again with the
        current join code)."""
        with self.store._transaction() as db:
            db.execute(
                "DELETE FROM desk_members WHERE desk_id = $1 AND workspace_id = $2", [self.id, str(workspace_id)]
            )

    def close(self) -> None:
        """Delete this desk: its link and join code open nothing from now on, and no plan is on it any more (the
        plans themselves are untouched)."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM desk_members WHERE desk_id = $1", [self.id])
            db.execute("DELETE FROM desks WHERE id = $1", [self.id])
