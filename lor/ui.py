"""Small Streamlit helpers shared by the pages: the session's workspace, today, headers, errors.

The only module in lor/ that imports streamlit; everything here is presentation or session glue.
"""

from __future__ import annotations

import os
from datetime import date

import streamlit as st
from pydantic import ValidationError

from lor.models import plain_errors
from lor.store import Store, Workspace, database_path, read_secret

WS_KEY = "lor-workspace"
NEW_LINKS_KEY = "lor-new-links"


@st.cache_resource(show_spinner=False)
def _store_at(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The Store for this server's database file (opened once per path)."""
    return _store_at(str(database_path()))


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def md(text: object) -> str:
    """User text made safe to place inside st.markdown: every Markdown/HTML-significant character escaped."""
    return str(text).translate(_MD_SPECIAL)


def shared_mode() -> bool:
    """True on a class deployment: LOR_SHARED=1 or [lor] shared = true in secrets."""
    env = os.environ.get("LOR_SHARED", "").strip().lower()
    if env:
        return env in ("1", "true", "yes", "on")
    return read_secret("shared") is True


def today() -> date:
    """Today's date; LOR_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    pinned = os.environ.get("LOR_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def resolve_workspace() -> Workspace | None:
    """The workspace this visit opens, or None when its link is unknown or revoked.

    Local mode: the one default workspace. Shared mode: ?view=<token> read-only, ?w=<token> editable,
    no link: a new private workspace whose edit link is put into the address bar.
    """
    db = store()
    if not shared_mode():
        ws = db.default_workspace()
    else:
        params = st.query_params
        try:
            if "view" in params:
                ws = db.open(params["view"])
                ws.read_only = True  # an advisor link never edits, whichever token it carries
            elif "w" in params:
                ws = db.open(params["w"])
            else:
                edit, view = db.create_workspace()
                st.query_params["w"] = edit
                st.session_state[NEW_LINKS_KEY] = {"edit": edit, "view": view}
                ws = db.open(edit)
        except KeyError:
            return None
    st.session_state[WS_KEY] = ws
    return ws


def _run_through_app() -> None:
    # A fresh server whose first visitor opens a page's URL directly (/faq) runs that page in Streamlit's
    # legacy pages/ mode, skipping app.py (no workspace resolution, file names in the sidebar). The flag
    # behind it is cleared for good by the first st.navigation call, so clear it and run again via app.py.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if WS_KEY not in st.session_state:  # this session never went through app.py
            st.rerun()


def workspace() -> Workspace:
    """The workspace of the current session (resolved by app.py)."""
    _run_through_app()
    ws = st.session_state.get(WS_KEY)
    if ws is None:  # a page run on its own, e.g. in a test
        ws = resolve_workspace()
    if ws is None:
        st.error("This link does not open any plan.")
        st.stop()
    return ws


def page_header(title: str, purpose: str) -> Workspace:
    """Draw the page title and its one-line purpose; returns the session's workspace."""
    ws = workspace()
    st.title(title)
    st.caption(purpose)
    if ws.read_only:
        st.info("You are viewing this plan read-only (advisor link). Nothing here can be changed.", icon="👁️")
    return ws


def show_validation_error(exc: ValidationError | ValueError, *, prefix: str = "") -> None:
    """Show a validation problem as plain sentences, never a traceback."""
    lines = plain_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
    text = " ".join(lines)
    st.error(f"{prefix} {text}".strip(), icon="⚠️")


def stale_link_page() -> None:
    """The page a wrong, stale or revoked link gets: clear words and a way to start again."""
    st.title("This link does not open any plan")
    st.write(
        "The link may be mistyped, cut short, or replaced by a newer one. No plan was opened, and nobody "
        "else's plan is shown. If you have a backup file, start a new plan and restore it on "
        "Share & backup."
    )
    if st.button("Start a new plan", key="stale-start-new", type="primary"):
        st.query_params.clear()
        st.session_state.pop(WS_KEY, None)
        st.rerun()


def sidebar(ws: Workspace) -> None:
    """The sidebar shown on every page: whose plan, the mode, and (shared mode) the backup reminder."""
    with st.sidebar:
        student = ws.student()
        if student:
            st.caption(f"Plan of {student.name}")
        if ws.read_only:
            st.caption("Read-only advisor view")
        if shared_mode() and not ws.read_only:
            st.warning(
                "This shared server can lose its files when it restarts. Download a backup now and then.",
                icon="💾",
            )
            st.download_button(
                "Download backup (JSON)",
                data=ws.store.export_json(ws),
                file_name=f"lor-plan-{today().isoformat()}.json",
                mime="application/json",
                key="sidebar-backup",
            )


def link_to(param: str, token: str) -> str:
    """The full address that opens this app with ``?param=token`` (private or advisor link)."""
    try:
        base = (st.context.url or "").split("?")[0]
    except (AttributeError, RuntimeError):
        base = ""
    return f"{base or 'http://localhost:8501/'}?{param}={token}"


def private_link_notice() -> None:
    """Right after a new plan is made in shared mode: show its private link once, with the advice to keep it."""
    links = st.session_state.get(NEW_LINKS_KEY)
    if not links or not shared_mode():
        return
    st.success(
        "A new private plan was made for you. Bookmark this link: it is the only way back to your plan "
        "(anyone with it can edit the plan, so keep it to yourself).",
        icon="🔖",
    )
    st.code(link_to("w", links["edit"]), language=None)
