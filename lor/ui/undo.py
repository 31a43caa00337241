"""Second chances: a delete asks first, naming what goes, then offers Undo where the student is; a step recorded
(Done, a writer's answer, a reminder) offers Undo beside the place it was clicked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from lor.limits import restore_room_problem
from lor.models import (
    LetterRequest,
    Mentor,
    PlanSettings,
)
from lor.removal import Kind as RecordKind
from lor.removal import Removal, removal_of, remove, restore
from lor.store import (
    Workspace,
)
from lor.ui.cache import snapshot
from lor.ui.keys import CHANGE_KEY, CONFIRM_DELETE_KEY, UNDO_KEY
from lor.ui.notices import CHANGED_ELSEWHERE, flash, md, show_flash
from lor.ui.widgets import scroll_to

RECORD_WORDS = {"mentor": "writer", "application": "application", "letter": "letter", "program": "program"}


def _gone(kind: RecordKind) -> str:
    return f"That {RECORD_WORDS[kind]} is already gone: it was deleted in another tab."


def _ask_delete(ws: Workspace, kind: RecordKind, record_id: str, program: str | None, key: str) -> None:
    # The first click: ask, unless the record was deleted meanwhile (a tab drawn before another tab deleted it).
    try:
        removal_of(ws, kind, record_id, program=program)
    except KeyError:
        flash("warning", _gone(kind))
        return
    st.session_state[CONFIRM_DELETE_KEY] = key


def _confirm_delete(
    ws: Workspace, drawn: Removal, kind: RecordKind, record_id: str, program: str | None, place: str, key: str
) -> None:
    # "Yes, delete": only what the question named; if another tab changed it since, ask again with the new summary.
    try:
        now = removal_of(ws, kind, record_id, program=program)
    except KeyError:
        st.session_state.pop(CONFIRM_DELETE_KEY, None)
        flash("warning", _gone(kind))
        return
    if not now.same_as(drawn):
        flash("warning", CHANGED_ELSEWHERE, place=key)
        return
    remove(ws, now)
    st.session_state[UNDO_KEY] = (place, now)
    st.session_state.pop(CONFIRM_DELETE_KEY, None)


def delete_asked(key: str) -> bool:
    """True while the delete button ``key`` is asking its question (the first click happened, no answer yet)."""
    return st.session_state.get(CONFIRM_DELETE_KEY) == key


def delete_button(
    ws: Workspace,
    kind: RecordKind,
    record_id: str,
    *,
    key: str,
    label: str,
    place: str,
    program: str | None = None,
) -> None:
    """A delete button that first asks, naming everything that goes with the record; once confirmed it
    deletes and leaves an Undo at ``place`` (see ``undo_notice``).

    The answer acts on what the question named: if another tab deleted the record meanwhile, it says so; if
    another tab changed what would go with it, it asks again with the current list."""
    if st.session_state.get(CONFIRM_DELETE_KEY) != key:
        st.button(label, key=key, icon="🗑️", on_click=_ask_delete, args=(ws, kind, record_id, program, key))
        return
    try:
        removal = removal_of(snapshot(ws), kind, record_id, program=program)
    except KeyError:
        st.session_state.pop(CONFIRM_DELETE_KEY, None)
        return
    with st.container(border=True, key=f"{key}-confirm"):
        scroll_to(f"{key}-confirm")  # the question in view, where the student clicked
        show_flash(key)
        st.warning(f"Delete {md(removal.summary())}? You can undo it right after.", icon="🗑️")
        with st.container(horizontal=True):
            st.button(
                "Yes, delete",
                key=f"{key}-yes",
                type="primary",
                on_click=_confirm_delete,
                args=(ws, removal, kind, record_id, program, place, key),
            )
            st.button("Cancel", key=f"{key}-cancel", on_click=st.session_state.pop, args=(CONFIRM_DELETE_KEY, None))


def _no_room_for(ws: Workspace, removal: Removal) -> str | None:
    """Why bringing ``removal`` back would take the plan past a limit (lor.limits), or None."""
    plan = snapshot(ws)
    records = (plan.mentors(), plan.applications(), plan.letters(), PlanSettings.read(plan.settings()))
    return restore_room_problem(records, removal)


def _undo(ws: Workspace) -> None:
    pending = st.session_state.pop(UNDO_KEY, None)
    if pending and not ws.read_only:
        full = _no_room_for(ws, pending[1])
        if full:
            st.session_state[UNDO_KEY] = pending  # kept: the student can make room, then Undo
            flash(
                "warning",
                f"There is no room to bring back {pending[1].summary()}: {full} Delete something "
                "first, then Undo again.",
                place=f"undo-{pending[0]}",
            )
            return
        left_out = restore(ws, pending[1])
        if left_out:
            flash("warning", " ".join([CHANGED_ELSEWHERE, *left_out]))


def undo_notice(ws: Workspace, place: str) -> bool:
    """At ``place``, after a delete there: what went, with Undo (the records are kept for the session) and a
    way to dismiss it. The page is scrolled to it, so the student sees it where they were. True when shown.

    Undo puts back what the plan still has room for: a record another tab changed meanwhile stays as it is now,
    and the page says what did not come back."""
    pending = st.session_state.get(UNDO_KEY)
    if not pending or pending[0] != place:
        return False
    removal = pending[1]
    anchor = f"undo-{place}"
    with st.container(border=True, key=anchor):
        st.success(f"Deleted {md(removal.summary())}.", icon="🗑️")
        show_flash(anchor)  # e.g. no room to bring it back
        with st.container(horizontal=True):
            st.button("Undo", key=f"{anchor}-button", type="primary", icon="↩️", on_click=_undo, args=(ws,))
            st.button(
                "Dismiss",
                key=f"{anchor}-dismiss",
                type="tertiary",
                on_click=st.session_state.pop,
                args=(UNDO_KEY, None),
            )
    if len(pending) < 3:  # scroll once, on the run right after the delete, never again while it stays
        scroll_to(anchor)
        st.session_state[UNDO_KEY] = (place, removal, "seen")
    return True


# -- a step recorded, with Undo where it was clicked -------------------------------------------------------------


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
