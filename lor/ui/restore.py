"""Restoring a backup in class mode: restores per minute, and the chosen file read once, its summary kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lor.limits import (
    RestoreLimits,
)
from lor.store import (
    MAX_BACKUP_BYTES,
    Workspace,
    parse_backup,
)
from lor.ui.keys import PREVIEW_KEY, RESTORES_KEY
from lor.ui.server import shared_mode

BACKUP_LIMIT_MB = MAX_BACKUP_BYTES // 1_000_000
BACKUP_LIMIT_HELP = f"A LOR Planner backup file (.json) of at most {BACKUP_LIMIT_MB} MB."


# -- class mode: restores per minute, the database's size (issue #14.8) ------------------------------------------

RESTORE_LIMITS = RestoreLimits()  # this server process's per-plan restore counts (lor.limits)


def restore_refusal(ws: Workspace) -> str | None:
    """Class mode: None when this session may restore a backup into ``ws`` now (the restore is then counted), or
    the sentence saying how long to wait. Local mode has no limit: the computer is the student's own."""
    if not shared_mode():
        return None
    session = st.session_state.setdefault(RESTORES_KEY, RESTORE_LIMITS.session_window())
    return RESTORE_LIMITS.admit(session, (ws.store.location, ws.id))


@dataclass(frozen=True)
class RestorePreview:
    """What Share & backup says about the file in the restore box before Restore is pressed: why it can't be
    restored, or whose plan it holds and how much."""

    problem: str | None = None
    student: str | None = None
    mentors: int = 0
    applications: int = 0
    letters: int = 0
    repaired: tuple[str, ...] = ()  # references to records the backup lacks, left out (lor.backup._check_references)


def restore_preview(upload: Any) -> RestorePreview:
    """The file chosen in the restore box, parsed once (lor.store.parse_backup) however often the page reruns while
    it stays chosen; the session keeps only this small summary, never the parsed plan."""
    data = upload.getvalue()
    file_key = getattr(upload, "file_id", None) or hashlib.sha256(data).hexdigest()
    kept = st.session_state.get(PREVIEW_KEY)
    if kept is not None and kept[0] == file_key:
        return kept[1]
    try:
        parsed = parse_backup(data)
    except ValueError as exc:
        preview = RestorePreview(problem=str(exc))
    else:
        preview = RestorePreview(
            student=parsed["student"].name if parsed["student"] else None,
            mentors=len(parsed["mentors"]),
            applications=len(parsed["applications"]),
            letters=len(parsed["letters"]),
            repaired=tuple(parsed["repaired"]),
        )
    del data
    st.session_state[PREVIEW_KEY] = (file_key, preview)
    return preview
