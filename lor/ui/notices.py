"""Messages to the student: escaped text, messages kept across a rerun, refusals from a stale tab."""

from __future__ import annotations

import enum
import hashlib
from typing import Any, Final, Literal

import streamlit as st
from pydantic import ValidationError

from lor.limits import (
    full_message,
)
from lor.models import (
    plain_errors,
)
from lor.text import markdown_escape
from lor.ui.keys import FLASH_KEY


def md(text: object) -> str:
    """User text made safe to place inside st.markdown: every Markdown/HTML-significant character escaped."""
    return markdown_escape(text)


FlashKind = Literal["success", "info", "warning", "error", "toast"]


def flash(kind: FlashKind, text: str, *, place: str = "page") -> None:
    """Keep a message to show on the next run: one drawn just before ``st.rerun()`` is never seen.
    ``text`` is plain text (escaped when shown); ``kind`` is the st function that shows it; ``place`` is where
    (``show_flash(place)``): the top of the page, or beside a list far down it, where the student clicked."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text, place))


def show_flash(place: str = "page") -> None:
    """Show the messages kept by ``flash()`` for ``place``, once, where this is called."""
    kept = st.session_state.pop(FLASH_KEY, [])
    for kind, text, where in kept:
        if where == place:
            getattr(st, kind)(md(text))
    others = [item for item in kept if item[2] != place]
    if others:
        st.session_state[FLASH_KEY] = others


# -- actions from a tab drawn before another tab changed the plan (two tabs, or a page left open) ---------------

CHANGED_ELSEWHERE = "This changed in another tab; here is the current version."


class _Missing(enum.Enum):
    MISSING = "missing"


# What a stale-tab check is given for a record (or a part of one) that is no longer stored. It is not None: a field
# that was never set is None, and "empty" must never read as "deleted" (issue #22.1: a waiver, a Letter ID or a date
# set for the first time was refused as "already gone").
MISSING: Final = _Missing.MISSING


def unchanged(current: object, drawn: object, *, gone: str, place: str = "page") -> bool:
    """True when ``current`` (the record, or the part of it the action depends on, as stored now; ``MISSING`` when
    it is no longer there) is still ``drawn`` (as the page showed it), so an action the student took on it may go
    ahead. Otherwise the action must not: this says so at ``place`` on the next run (``gone``: the sentence for a
    record already deleted), and the page, drawn again, shows the current version."""
    if current is MISSING:
        flash("warning", gone, place=place)
        return False
    if current != drawn:
        flash("warning", CHANGED_ELSEWHERE, place=place)
        return False
    return True


def drawn_last_run(name: str, value: object) -> object:
    """What this session's previous run drew for ``name`` (None on the first), keeping ``value`` for the next.

    A form submitted from a tab drawn before another tab changed the plan is submitted against what it showed:
    compare this with what the form is drawn from now, and refuse (``CHANGED_ELSEWHERE``) when they differ.
    """
    key = f"lor-drawn-{name}"
    previous = st.session_state.get(key)
    st.session_state[key] = value
    return previous


def unique_labels(labels: dict[str, str]) -> dict[str, str]:
    """Choice labels (record id -> its name) made distinct: a repeated name gets " (2)", " (3)"... A selectbox sends
    the chosen label back to the server, so two writers with one name would otherwise be one choice: the last."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for record_id, text in labels.items():
        shown, n = text, 1
        while shown in taken:
            n += 1
            shown = f"{text} ({n})"
        taken.add(shown)
        out[record_id] = shown
    return out


def text_key(text: str) -> str:
    """Free text (a program's name, a moved period's stored key) as one part of a widget key: a short digest,
    made only of letters and digits. Keys join their parts with "-"; an id may hold a "-" but is never another id
    plus a dash (lor.store.confusable_ids), so text with a "-" or ":" in it can never make two different records'
    keys equal (or a key too long)."""
    return "t" + hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def plan_full(kind: str, count: int, *, whose: str = "Your plan", where: Any = None) -> bool:
    """True when ``count`` records of ``kind`` (a lor.limits.PlanLimits field) are the most a plan keeps; then the
    app's sentence is shown (in ``where``, else here) in place of the form or button that would add one more."""
    message = full_message(kind, count, whose=whose)
    if message is not None:
        (where or st).info(md(message), icon="📦")
    return message is not None


def show_validation_error(exc: ValidationError | ValueError, *, prefix: str = "") -> None:
    """Show a validation problem as plain sentences, never a traceback."""
    lines = plain_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
    text = " ".join(lines)
    st.error(f"{prefix} {text}".strip(), icon="⚠️")
