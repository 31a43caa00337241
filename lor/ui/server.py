"""This server and this run: settings, the store, class mode or not, a database that went away, today."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, NoReturn

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lor.config import ConfigError, Settings, load_settings, visit_from_here
from lor.models import (
    current_day,
)
from lor.store import (
    DatabaseUnavailable,
    Store,
    Workspace,
    store_at,
)
from lor.ui.keys import DATABASE_GONE_KEY, DESK_KEY, LINK_CHANGE_LOST_KEY, WS_KEY
from lor.ui.notices import md


@st.cache_resource(show_spinner=False)
def _store_at(location: str) -> Store:
    opened = store_at(location)
    opened.on_unavailable = _database_gone
    return opened


def _database_gone(problem: DatabaseUnavailable) -> None:
    """Called by the store whenever the database fails. In a widget callback or a fragment's own run an exception
    would reach only Streamlit's generic error (and a traceback in the log): keep the problem and run the whole app
    again, which shows the database page (``lost_database``). In a page's own run it propagates to app.py, which
    shows the same page."""
    ctx = get_script_run_ctx()
    if ctx is None or not (_in_callback() or ctx.fragment_ids_this_run):
        return
    st.session_state[DATABASE_GONE_KEY] = str(problem)
    st.rerun(scope="app")


def _in_callback() -> bool:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import RunLocation, ThreadState

        return ThreadState.get().run_location is RunLocation.CALLBACK
    except (ImportError, AttributeError, RuntimeError):  # another Streamlit version: the page's own run handles it
        return False


def lost_database() -> DatabaseUnavailable | None:
    """The database problem a callback or fragment of this session met on the previous run, once; app.py then shows
    the database page without asking the database again."""
    found = st.session_state.pop(DATABASE_GONE_KEY, None)
    return DatabaseUnavailable(found) if found else None


def _this_run() -> dict[Hashable, Any] | None:
    """A dict that lives for the current script run (or fragment run) of this session, for values read once per
    run; None outside a Streamlit run."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    run = ctx.cursors  # a new dict at the start of every run and fragment run
    memo: tuple[dict, dict[Hashable, Any]] | None = getattr(ctx, "_lor_run", None)
    if memo is None or memo[0] is not run:
        memo = (run, {})
        ctx._lor_run = memo  # type: ignore[attr-defined]
    return memo[1]


def settings() -> Settings:
    """This server's settings, read once per run (a fixed secrets file counts on the next page load).

    Raises lor.config.ConfigError when a setting can't be used; app.py then shows configuration_problem_page.
    """
    memo = _this_run()
    if memo is None:
        return load_settings(server_address=server_address())
    if "settings" not in memo:
        try:
            memo["settings"] = load_settings(server_address=server_address(), from_here=_from_here())
        except ConfigError as exc:
            memo["settings"] = exc
    found = memo["settings"]
    if isinstance(found, ConfigError):
        raise found
    return found


def server_address() -> str | None:
    """Streamlit's ``server.address`` option (None when not set): an address other than loopback means others can
    reach this server, so it runs in class mode unless ``[lor] shared = false`` says otherwise."""
    try:
        value = st.get_option("server.address")
    except (RuntimeError, StreamlitAPIException):
        return None
    return str(value) if value else None


def _from_here() -> bool:
    """True when this session's browser runs on the server's own computer (lor.config.visit_from_here)."""
    try:
        headers = dict(st.context.headers)
        remote_ip = st.context.ip_address
    except (RuntimeError, StreamlitAPIException, AttributeError):
        return True  # not a browser session (a script, a test run): nobody else is there
    return visit_from_here(remote_ip, headers)


def store() -> Store:
    """The Store the settings name: PostgreSQL at the configured database URL, else the SQLite file (opened once)."""
    current = settings()
    return _store_at(current.database_url or str(current.db_path))


def shared_mode() -> bool:
    """True on a class deployment: LOR_SHARED=1 or [lor] shared = true in secrets, or a server others reach (a
    database URL, Community Cloud, a non-loopback address) without an explicit shared = false."""
    return settings().shared


def mode_notice(where: Any = None, *, read_only: bool = False) -> None:
    """Which mode the app runs in, and why (lor.config.Settings.mode), on every page: a caption, or a warning when
    one plan is served to everybody on a server others reach. ``read_only``: an advisor link opened this plan."""
    current = settings()
    if read_only:
        (where or st).caption(
            "Read-only advisor view: this advisor link shows the student's plan and can't change anything in it."
        )
    elif current.exposed and not current.shared:
        (where or st).warning(md(current.mode()), icon="👥")
    else:
        (where or st).caption(md(current.mode()))


def configuration_problem() -> ConfigError | DatabaseUnavailable | None:
    """The reason this server must not serve plans: a secrets file it can't read, a setting of the wrong type, or
    a configured database it can't reach. Asked once per run: a database that does not answer costs one wait."""
    memo = _this_run()
    if memo is not None and "problem" in memo:
        return memo["problem"]
    found: ConfigError | DatabaseUnavailable | None = None
    try:
        store()
    except (ConfigError, DatabaseUnavailable) as exc:
        found = exc
    if memo is not None:
        memo["problem"] = found
    return found


def today() -> date:
    """Today's date; LOR_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    return current_day()


def _link_gone(ws: Workspace) -> NoReturn:
    """Called by the store when a callback, a fragment or this page still holds a plan whose link was replaced or
    turned off since (or, from a desk, whose student left): nothing was read or written; the whole app runs again
    and shows what the link opens now ("This link does not open any plan", or the desk saying the student left),
    saying that the change just made was not saved when a click or a field brought this about."""
    if ws.change_lost or _in_callback():
        st.session_state[LINK_CHANGE_LOST_KEY] = True
    st.session_state.pop(WS_KEY, None)
    st.rerun(scope="app")


def _run_through_app() -> None:
    # A fresh server whose first visitor opens a page's URL directly (/faq) runs that page in Streamlit's
    # legacy pages/ mode, skipping app.py (no workspace resolution, file names in the sidebar). The flag
    # behind it is cleared for good by the first st.navigation call, so clear it and run again via app.py.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if WS_KEY not in st.session_state and DESK_KEY not in st.session_state:  # never went through app.py
            st.rerun()
