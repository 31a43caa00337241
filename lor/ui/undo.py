"""Deleting with a second chance: ask first, naming what goes, then offer Undo where the student is."""

from __future__ import annotations

import streamlit as st

from lor.limits import restore_room_problem
from lor.models import (
    PlanSettings,
)
from lor.removal import Kind as RecordKind
from lor.removal import Removal, removal_of, remove, restore
from lor.store import (
    Workspace,
)
from lor.ui.cache import snapshot
from lor.ui.keys import CONFIRM_DELETE_KEY, UNDO_KEY
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
