"""Widgets the pages share: downloads made when clicked, lazy panels, scrolling, Done on a step."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import streamlit as st

from lor.models import (
    Milestone,
)
from lor.overview import mark_step_done, record_answer, step_blocker
from lor.store import (
    Workspace,
)
from lor.ui.cache import PLAN_CACHE, plan_version, snapshot
from lor.ui.changes import record_change
from lor.ui.notices import flash


def download_button(
    ws: Workspace | None,
    label: str,
    build: Callable[[], str | bytes],
    *,
    kind: str,
    args: tuple[Hashable, ...] = (),
    file_name: str,
    mime: str,
    key: str,
    where: Any = None,
) -> None:
    """A download of a file made from this plan: ``build()`` runs once per plan version (``kind`` and ``args``
    name the file in the cache), and a click never reruns the page.

    Not Streamlit's deferred download (``data=`` a callable): the file it makes on a click belongs to no session,
    so the end of any two script runs on the server (another student's clicks) deletes it, and on a busy class
    server the browser could fetch nothing. With ``ws`` None (a file made from many plans, e.g. the advisor
    desk's table) ``build()`` runs on every run of the page: keep it cheap.
    """
    if ws is not None and ws.saved:
        data = PLAN_CACHE.get((ws.store.location, ws.id, f"download-{kind}", args), plan_version(ws), build)
    else:
        data = build()
    (where or st).download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click="ignore")


DATE_FORMAT = "YYYY/MM/DD"  # every st.date_input's format: one way to type a day on every page (Streamlit's default)

LAZY_AFTER = 12  # records in one list; beyond this, each record's inputs wait in a lazy panel


def lazy_for(count: int) -> bool:
    """True when a list of ``count`` records is long enough to keep each record's inputs in lazy panels."""
    return count > LAZY_AFTER


@contextmanager
def panel(label: str, *, key: str, lazy: bool, **kwargs: Any) -> Iterator[bool]:
    """An st.expander; yields whether to draw its body. With ``lazy``, the body runs only while it is open.

    Streamlit looks through the whole session state for every input it draws, so a page's cost grows with the
    square of its inputs: a long list of records keeps each record's inputs in lazy panels (opening or closing
    one reruns the page).
    """
    # Only a lazy panel needs its key (its open state); a plain one stays keyless like any st.expander, so the
    # same record's panel may appear twice on a page (the advisor's view lists writers once per application).
    box = st.expander(label, key=key if lazy else None, on_change="rerun" if lazy else "ignore", **kwargs)
    with box:
        yield box.open is not False


def scroll_to(key: str) -> None:
    """Scroll the page so the element with this key is in view (a rerun otherwise keeps the old offset, which
    after a delete points past the place where the student was)."""
    st.html(
        "<script>setTimeout(() => { const el = window.parent.document.querySelector('.st-key-"
        + key
        + "') || document.querySelector('.st-key-"
        + key
        + "'); if (el) el.scrollIntoView({block: 'center'}); }, 100);</script>",
        unsafe_allow_javascript=True,
    )


def scroll_to_top() -> None:
    """Scroll the page back to its top (after a change that replaced the whole page, such as loading the example
    plan: the old offset would land the student at the bottom of the new page)."""
    st.html(
        "<script>setTimeout(() => { const doc = window.parent.document; doc.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stAppViewContainer"]\').forEach(e => { e.scrollTop = 0; }); '
        "(doc.defaultView || window).scrollTo(0, 0); }, 100);</script>",
        unsafe_allow_javascript=True,
    )


def step_row() -> tuple[Any, Any]:
    """A plan step's row: its text, and its Done button at the width of its label (a fixed column cut "Done" to
    "D." at 1024 px), which moves under the text when the row is too narrow for both."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    return row.container(width="stretch"), row.container(width="content")


def step_done(
    ws: Workspace,
    step: Milestone,
    today: date,
    *,
    key: str,
    text: Any,
    action: Any,
    place: str,
    label: str = "Done",
) -> bool:
    """Done for one plan step, the same on every page: a button (in ``action``) when the step can be done now,
    else why not yet (a caption in ``text``); nothing on a read-only plan. A click records the step with
    lor.overview.mark_step_done (or the writer's answer) and returns True: the caller reruns, and
    ``ui.change_notice(place)`` shows what changed, with Undo, or why it could not be done."""
    if ws.read_only:
        return False
    blocker = step_blocker(snapshot(ws), step, today)
    if step.waiting and blocker and blocker.startswith("Waiting"):
        # Not the student's move: the writer hasn't answered the ask. Record the answer instead of a Done.
        text.caption("Record their answer here when it comes.")
        # Under the step's text, side by side, not in the narrow action column: there the labels were cut to
        # "They …" at most desktop widths, so yes and no looked alike.
        with text.container(horizontal=True, wrap=True, gap="small", key=f"{key}-answer"):
            yes = st.button("They said yes", key=f"{key}-yes", type="primary")
            no = st.button("They said no", key=f"{key}-no")
        if not (yes or no):
            return False
        try:
            record_change(ws, place, lambda: record_answer(ws, step, today, yes=yes))
        except ValueError as exc:
            flash("error", str(exc), place=f"change-{place}")
        return True
    if blocker:
        text.caption(f"Not yet: {blocker}")
        return False
    if not action.button(label, key=key, type="primary" if label != "Done" else "secondary"):
        return False
    try:
        record_change(ws, place, lambda: mark_step_done(ws, step, today))
    except ValueError as exc:
        flash("error", str(exc), place=f"change-{place}")
    return True
