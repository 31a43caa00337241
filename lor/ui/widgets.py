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
from lor.ui.notices import FlashKind


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


def step_done(
    ws: Workspace, step: Milestone, today: date, *, key: str, text: Any, action: Any, label: str = "Done"
) -> tuple[FlashKind, str] | None:
    """Done for one plan step, the same on every page: a button (in ``action``) when the step can be done now,
    else why not yet (a caption in ``text``); nothing on a read-only plan. A click records the step with
    lor.overview.mark_step_done and returns ("success", what changed) or ("error", why not); else None."""
    if ws.read_only:
        return None
    blocker = step_blocker(snapshot(ws), step, today)
    if step.waiting and blocker and blocker.startswith("Waiting"):
        # Not the student's move: the writer hasn't answered the ask. Record the answer instead of a Done.
        text.caption("Record their answer here when it comes.")
        yes = action.button("They said yes", key=f"{key}-yes", type="primary")
        no = action.button("They said no", key=f"{key}-no")
        if not (yes or no):
            return None
        try:
            return "success", record_answer(ws, step, today, yes=yes)
        except ValueError as exc:
            return "error", str(exc)
    if blocker:
        text.caption(f"Not yet: {blocker}")
        return None
    if not action.button(label, key=key, type="primary" if label != "Done" else "secondary"):
        return None
    try:
        return "success", mark_step_done(ws, step, today)
    except ValueError as exc:
        return "error", str(exc)
