"""A step recorded (a Done, a writer's answer, a status move, a reminder) with Undo beside the place it was clicked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from lor.models import LetterRequest, Mentor
from lor.store import Workspace
from lor.ui.keys import CHANGE_KEY
from lor.ui.notices import CHANGED_ELSEWHERE, flash, md, show_flash


@dataclass(frozen=True)
class Change:
    """One recorded step: what the app said, and the records it changed as they were before and after it."""

    message: str
    before: tuple[Mentor | LetterRequest, ...]
    after: tuple[Mentor | LetterRequest, ...]


def _records(ws: Workspace) -> dict[tuple[str, str], Mentor | LetterRequest]:
    return {
        **{("mentor", m.id): m for m in ws.mentors()},
        **{("letter", x.id): x for x in ws.letters()},
    }


def record_change(ws: Workspace, place: str, action: Callable[[], str]) -> str:
    """Run ``action`` (it saves a step and returns what changed, in a sentence) and keep what it changed, so
    ``change_notice(place)`` can show the sentence with Undo. Errors ``action`` raises pass through unkept."""
    before = _records(ws)
    message = action()
    after = _records(ws)
    changed = [k for k, v in after.items() if k in before and before[k] != v]
    change = Change(message, tuple(before[k] for k in changed), tuple(after[k] for k in changed))
    st.session_state[CHANGE_KEY] = (place, change)
    return message


def _key(record: Mentor | LetterRequest) -> tuple[str, str]:
    return ("mentor" if isinstance(record, Mentor) else "letter", record.id)


def _undo_change(ws: Workspace, place: str) -> None:
    pending = st.session_state.pop(CHANGE_KEY, None)
    if not pending or ws.read_only:
        return
    change: Change = pending[1]
    now = _records(ws)
    if any(now.get(_key(r)) != r for r in change.after):  # changed since, here or in another tab: leave it
        flash("warning", CHANGED_ELSEWHERE, place=f"change-{place}")
        return
    ws.save_changes(
        mentors=[r for r in change.before if isinstance(r, Mentor)],
        letters=[r for r in change.before if isinstance(r, LetterRequest)],
    )
    flash("info", "Undone: the plan is as it was before.", place=f"change-{place}")


def change_notice(ws: Workspace, place: str) -> bool:
    """At ``place``, after a step recorded there: what changed, with Undo and Dismiss (and, after an Undo, that it
    was undone). True when the notice is shown."""
    anchor = f"change-{place}"
    show_flash(anchor)
    pending = st.session_state.get(CHANGE_KEY)
    if not pending or pending[0] != place:
        return False
    change: Change = pending[1]
    with st.container(border=True, key=anchor):
        st.success(md(change.message), icon="✅")
        if change.after and not ws.read_only:
            with st.container(horizontal=True):
                st.button("Undo", key=f"{anchor}-undo", icon="↩️", on_click=_undo_change, args=(ws, place))
                st.button(
                    "Dismiss",
                    key=f"{anchor}-dismiss",
                    type="tertiary",
                    on_click=st.session_state.pop,
                    args=(CHANGE_KEY, None),
                )
    return True
