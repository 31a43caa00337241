"""The plan a visit opens: its link, the workspace of this session, the page header, links between pages."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lor.config import ConfigError
from lor.store import (
    DeskView,
    Store,
    Workspace,
)
from lor.ui.clients import _client_may_start_a_plan, _not_created
from lor.ui.desks import desk_plan_bar, desk_plan_title, desk_requested, resolve_desk
from lor.ui.keys import DESK_KEY, FRESH_LINK_KEY, LINK_KEY, NEW_LINKS_KEY, NOTICE_SHOWN_KEY, WS_KEY
from lor.ui.notices import md
from lor.ui.problems import configuration_problem_page, database_problem
from lor.ui.server import _link_gone, _run_through_app, lost_database, shared_mode, store
from lor.ui.signin import sign_in_rule, signed_in_account


def resolve_workspace() -> Workspace | None:
    """The workspace this visit opens, or None when its link is unknown or revoked.

    Local mode: the one default workspace. Shared mode: ?view=<token> read-only, ?w=<token> editable, no link: a
    new private plan that is saved, and gets its private link, only when the visitor first changes something
    (so a visit that writes nothing, a crawler's or a link preview's, leaves no row in the database).
    """
    db = store()
    if not shared_mode():
        ws = db.default_workspace()
    else:
        params = st.query_params
        if "view" not in params and "w" not in params and LINK_KEY in st.session_state:
            # The sidebar navigation drops the query string when it switches pages: keep this session's plan.
            param, token = st.session_state[LINK_KEY]
            st.query_params[param] = token
        signing_in = sign_in_rule() is not None
        account = signed_in_account() if signing_in else None
        try:
            if "view" in params:
                ws = db.open(params["view"])
                ws.read_only = True  # an advisor link never edits, whichever token it carries
            elif signing_in:  # a private link is only ever brought into the account (app.py's sign-in gate)
                if account is None:
                    return None
                ws = db.account_workspace(account.issuer, account.subject)
            elif "w" in params:
                ws = db.open(params["w"])
            else:
                ws = _unsaved_plan(db)
        except KeyError:
            st.session_state.pop(LINK_KEY, None)
            return None
        if "view" in params or ("w" in params and not signing_in):
            st.session_state[LINK_KEY] = ("view", params["view"]) if "view" in params else ("w", params["w"])
        ws.on_revoked = _link_gone
        # Empty plans nobody uses (lor.store.Store.purge_empty_plans), at most once an hour; after the open, which
        # notes this visit, so a student back after a month keeps even an empty plan.
        db.purge_if_due()
    st.session_state[WS_KEY] = ws
    return ws


def _unsaved_plan(db: Store) -> Workspace:
    # This session's plan-to-be, kept across reruns and page switches until its first write saves it.
    ws = st.session_state.get(WS_KEY)
    if ws is None or ws.saved or ws.read_only or ws.store is not db:
        ws = db.new_workspace()
    ws.on_created = _issue_private_link
    ws.before_create = _client_may_start_a_plan
    ws.on_refused = _not_created
    return ws


def _issue_private_link(ws: Workspace) -> None:
    """Called by the store right after a new plan's first write saved it: its private link goes into the address
    bar at once, and the page header shows it with the advice to bookmark it."""
    assert ws.new_links is not None
    edit, view = ws.new_links
    st.query_params["w"] = edit
    st.session_state[LINK_KEY] = ("w", edit)
    st.session_state[NEW_LINKS_KEY] = {"edit": edit, "view": view}
    st.session_state[FRESH_LINK_KEY] = True
    st.toast("Your plan is saved. Its private link is now in the address bar: bookmark it.", icon="🔖")


def new_private_link(ws: Workspace) -> str:
    """Replace the plan's private link; the new one shows at once everywhere this session shows it (the address
    bar, the page header's notice, Share & backup), and the old one stops working."""
    token = ws.store.regenerate_link(ws, "edit")
    st.query_params["w"] = token
    st.session_state[LINK_KEY] = ("w", token)
    if NEW_LINKS_KEY in st.session_state:
        st.session_state[NEW_LINKS_KEY] = {**st.session_state[NEW_LINKS_KEY], "edit": token}
    st.session_state["lor-fresh-edit"] = token
    return token


def workspace() -> Workspace:
    """The workspace of the current session (resolved by app.py)."""
    _run_through_app()
    lost = lost_database()  # a rerun that reached the page without app.py (Streamlit's pages/ mode) checks too
    if lost is not None:
        database_problem(lost, change_lost=True)
        st.stop()
    ws = st.session_state.get(WS_KEY)
    if ws is None:  # a page run on its own, e.g. in a test
        try:
            if desk_requested():
                resolve_desk()
                ws = st.session_state.get(WS_KEY)
            else:
                ws = resolve_workspace()
        except ConfigError:
            configuration_problem_page()
            st.stop()
    if ws is None:
        st.error("This link does not open any plan.")
        st.stop()
    return ws


def page_header(title: str, purpose: str, advisor: str | None = None) -> Workspace:
    """Draw the page title and its one-line purpose (``advisor``: the same said about the student, for the
    read-only advisor view); returns the session's workspace."""
    ws = workspace()
    st.title(desk_plan_title(ws, title))
    st.caption(advisor if ws.read_only and advisor else purpose)
    # A plan saved by its first write shows its new private link at once, on whichever page that happened.
    st.session_state[NOTICE_SHOWN_KEY] = st.session_state.pop(FRESH_LINK_KEY, False)
    if st.session_state[NOTICE_SHOWN_KEY]:
        _link_notice()
    if isinstance(ws, DeskView):
        desk_plan_bar()
    elif ws.store.read_only:
        st.warning(md(ws.store.read_only_reason), icon="🔒")
    elif ws.read_only:
        st.info("You are viewing this plan read-only (advisor link). Nothing here can be changed.", icon="👁️")
    return ws


def plan_params() -> dict[str, str]:
    """The query parameters that keep this session's plan: ``{"w": token}`` or ``{"view": token}`` in class
    mode (``{"desk": token, "plan": id}`` on an advisor desk), ``{}`` on a student's own computer. Every in-app
    link carries them (see ``page_link``)."""
    desk = st.session_state.get(DESK_KEY)
    if desk:
        return {"desk": desk[0], **({"plan": desk[1]} if desk[1] else {})}
    found = st.session_state.get(LINK_KEY)
    return {found[0]: found[1]} if found else {}


def page_link(page: str, label: str | None = None, *, icon: str | None = None, topic: str | None = None) -> None:
    """A link to another page of the app (``page`` is its file name in pages/, e.g. "faq") that keeps the
    student's plan: it opens in the same tab with this session's ``?w=`` or ``?view=``, never a new plan.
    ``topic`` opens an FAQ answer; ``label`` defaults to the page's title in the menu."""
    params = {**plan_params(), **({"topic": topic} if topic else {})}
    try:
        st.page_link(f"pages/{page}.py", label=label, icon=icon, query_params=params)
    except StreamlitAPIException:  # the page run on its own, outside app.py's navigation (a page test)
        address = f"./{page}?{urlencode(params)}" if params else f"./{page}"
        st.markdown(f"{icon + ' ' if icon else ''}[{md(label or page)}]({address})")


PAGE_PATHS = ("dashboard", "recommenders", "letters", "timeline", "faq", "share", "desk")  # st.Page url paths (app.py)


def app_root(url: str) -> str:
    """The app's own address from a page's address: no query, no page name ("…/share?w=x" → "…/")."""
    base = url.split("?")[0].split("#")[0]
    head, _, last = base.rstrip("/").rpartition("/")
    if last in PAGE_PATHS and "://" in head + "/":
        base = head
    return base if base.endswith("/") else base + "/"


def link_to(param: str, token: str) -> str:
    """The full address that opens this app's Dashboard with ``?param=token`` (private or advisor link)."""
    try:
        url = st.context.url or ""
    except (AttributeError, RuntimeError):
        url = ""
    return f"{app_root(url) if url else 'http://localhost:8501/'}?{param}={token}"


def private_link_notice() -> None:
    """In shared mode: before the first change, say that the plan and its link come with it; after it, show the new
    private link with the advice to keep it (unless this run's page header just did)."""
    if not shared_mode() or st.session_state.get(NOTICE_SHOWN_KEY):
        return
    _link_notice()


def _link_notice() -> None:
    links = st.session_state.get(NEW_LINKS_KEY)
    ws = st.session_state.get(WS_KEY)
    if ws is not None and not ws.saved:
        st.info(
            "Nothing is saved yet. Your private plan, and the link that brings you back to it, are made the "
            "moment you add something (your details, an application, a writer, or the example plan).",
            icon="🔖",
        )
        return
    if not links:
        return
    st.success(
        "A new private plan was made for you. Bookmark this link: it is the only way back to your plan "
        "(anyone with it can edit the plan, so keep it to yourself).",
        icon="🔖",
    )
    st.code(link_to("w", links["edit"]), language=None)
