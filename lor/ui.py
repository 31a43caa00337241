"""Small Streamlit helpers shared by the pages: the session's workspace, today, headers, errors, the per-plan
cache of records and computed results, and lazy panels for long lists.

The only module in lor/ that imports streamlit; everything here is presentation or session glue.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal, NoReturn, TypeVar, cast
from urllib.parse import urlencode

import streamlit as st
from pydantic import BaseModel, ValidationError
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lor.config import ConfigError, Settings, load_settings
from lor.desk import DeskRow, JoinAttempts, desk_row
from lor.guidance import Card, context_cards
from lor.limits import (
    DESKS_PER_CLIENT,
    JOINS_PER_DESK,
    PLANS_PER_CLIENT,
    WRONG_CODES_PER_CLIENT,
    KeyedLimit,
    RestoreLimits,
    full_message,
    plan_size_problems,
    wait_words,
)
from lor.models import (
    Application,
    LetterRequest,
    Mentor,
    Milestone,
    PlanSettings,
    Student,
    current_day,
    plain_errors,
)
from lor.overview import Overview, mark_step_done, overview_of, record_answer, step_blocker
from lor.removal import Kind as RecordKind
from lor.removal import Removal, removal_of, remove, restore
from lor.store import (
    ABANDONED_AFTER,
    EMPTY_DESK_AFTER,
    MAX_BACKUP_BYTES,
    UNUSED_AFTER,
    DatabaseUnavailable,
    Desk,
    DeskInfo,
    DeskView,
    Store,
    Workspace,
    backup_text,
    class_database_line,
    parse_backup,
    store_at,
)
from lor.text import markdown_escape

WS_KEY = "lor-workspace"
NEW_LINKS_KEY = "lor-new-links"
LINK_KEY = "lor-link"  # (param, token) this session's plan was opened with, shared mode
FLASH_KEY = "lor-flash"  # messages kept for the next run: [(kind, text), ...]
FRESH_LINK_KEY = "lor-link-fresh"  # set when the private link was just issued: the next page header shows it
NOTICE_SHOWN_KEY = "lor-link-notice-shown"  # this run's page header showed the link notice already
DESK_KEY = "lor-desk"  # (desk token, id of the plan opened from it or None): this session is an advisor desk
JOIN_ATTEMPTS_KEY = "lor-join-attempts"  # this session's lor.desk.JoinAttempts
BACKUP_LIMIT_HELP = f"A LOR Planner backup file (.json) of at most {MAX_BACKUP_BYTES // 1_000_000} MB."


@st.cache_resource(show_spinner=False)
def _store_at(location: str) -> Store:
    opened = store_at(location)
    opened.on_unavailable = _database_gone
    return opened


DATABASE_GONE_KEY = "lor-database-gone"  # the DatabaseUnavailable a widget callback or a fragment run met


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
            memo["settings"] = load_settings(server_address=server_address())
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


def store() -> Store:
    """The Store the settings name: PostgreSQL at the configured database URL, else the SQLite file (opened once)."""
    current = settings()
    return _store_at(current.database_url or str(current.db_path))


def md(text: object) -> str:
    """User text made safe to place inside st.markdown: every Markdown/HTML-significant character escaped."""
    return markdown_escape(text)


def shared_mode() -> bool:
    """True on a class deployment: LOR_SHARED=1 or [lor] shared = true in secrets, or a server others reach (a
    database URL, Community Cloud, a non-loopback address) without an explicit shared = false."""
    return settings().shared


def mode_notice(where: Any = None) -> None:
    """Which mode the app runs in, and why (lor.config.Settings.mode): a caption in class mode, a warning when one
    plan is served to everybody on a server others reach."""
    current = settings()
    if current.exposed and not current.shared:
        (where or st).warning(md(current.mode()), icon="👥")
    elif current.shared:
        (where or st).caption(md(current.mode()))
    # One person's own computer: Share & backup says so in its own words; the sidebar stays quiet.


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


def configuration_problem_page() -> None:
    """The page every visitor gets while a setting is broken: which file, which key, what to do. No plan opens."""
    problem = configuration_problem()
    if isinstance(problem, DatabaseUnavailable):
        database_problem(problem)
        return
    st.title("LOR Planner is not running: a setting needs fixing")
    if problem is None:
        st.write("The setting has been fixed. Reload this page to open the app.")
        return
    st.error(f"A setting can't be used: {md(problem.problem)}", icon="⚙️")
    st.write("The file (or place) it is in:")
    st.code(problem.source, language=None)
    st.write("The setting:")
    st.code(problem.key, language=None)
    st.write(
        "Until it is fixed the app opens no plan at all, so no plan can be shown to the wrong person or mixed "
        "with another. Whoever runs this app: correct the setting (on Streamlit Community Cloud: the app's "
        "Settings, then Secrets; every setting is described in `.streamlit/secrets.toml.example`), then reload "
        "this page. Plans already saved are unaffected."
    )


def database_problem(problem: DatabaseUnavailable, *, change_lost: bool = False) -> None:
    """What every visitor sees while the plans' database can't be used (at start or mid-session): what is wrong,
    that no plan is lost, and what to do; never a traceback. ``change_lost``: the visitor's last change (a field, a
    tick) met the problem and was not saved."""
    st.title("LOR Planner can't reach its database")
    st.error(md(str(problem)), icon="🗄️")
    if change_lost:
        st.warning("Your last change was not saved: make it again once your plan opens.", icon="↩️")
    st.write(
        "Your plan is safe: plans stay in the database, and nothing you saved before this is lost. Try again in "
        "a minute (reload this page). Whoever runs this app: check that the database server is running and that "
        "the address, user and password in the app's secrets ([connections.lor] url) or the plans file are right."
    )


def today() -> date:
    """Today's date; LOR_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    return current_day()


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
        try:
            if "view" in params:
                ws = db.open(params["view"])
                ws.read_only = True  # an advisor link never edits, whichever token it carries
            elif "w" in params:
                ws = db.open(params["w"])
            else:
                ws = _unsaved_plan(db)
        except KeyError:
            st.session_state.pop(LINK_KEY, None)
            return None
        if "view" in params or "w" in params:
            st.session_state[LINK_KEY] = ("view", params["view"]) if "view" in params else ("w", params["w"])
        ws.on_revoked = _link_gone
        # Empty plans nobody uses (lor.store.Store.purge_empty_plans), at most once an hour; after the open, which
        # notes this visit, so a student back after a month keeps even an empty plan.
        db.purge_if_due()
    st.session_state[WS_KEY] = ws
    return ws


def _link_gone(ws: Workspace) -> NoReturn:
    """Called by the store when a callback, a fragment or this page still holds a plan whose link was replaced or
    turned off since (or, from a desk, whose student left): nothing was read or written; the whole app runs again
    and shows what the link opens now ("This link does not open any plan", or the desk saying the student left)."""
    st.session_state.pop(WS_KEY, None)
    st.rerun(scope="app")


def _unsaved_plan(db: Store) -> Workspace:
    # This session's plan-to-be, kept across reruns and page switches until its first write saves it.
    ws = st.session_state.get(WS_KEY)
    if ws is None or ws.saved or ws.read_only or ws.store is not db:
        ws = db.new_workspace()
    ws.on_created = _issue_private_link
    ws.before_create = _client_may_start_a_plan
    ws.on_refused = _not_created
    return ws


# -- how many plans and desks one client makes, and join codes it tries (issue #23.4) -----------------------------
# Per server process: the server-wide limits are counted in the database (lor.store.Store._creation_wait).

NEW_PLANS = KeyedLimit(PLANS_PER_CLIENT)
NEW_DESKS = KeyedLimit(DESKS_PER_CLIENT)
WRONG_CODES = KeyedLimit(WRONG_CODES_PER_CLIENT)
DESK_JOINS = KeyedLimit(JOINS_PER_DESK)


def client_key() -> str:
    """Who is asking, for the per-client limits: the address the connection came from or, behind a proxy on a
    private or loopback address (Community Cloud, nginx), the last address it forwarded for; "local" in tests."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For", "")
    except (AttributeError, RuntimeError, KeyError):
        return "local"
    peer = peer if isinstance(peer, str) else None  # AppTest's context is a stand-in object
    forwarded = forwarded if isinstance(forwarded, str) else ""
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    if hops and (peer is None or _private(peer)):
        return hops[-1]  # what our own proxy saw; an earlier hop could be anything the client wrote
    return peer or "local"


def _private(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_private
    except ValueError:
        return False


def _client_may_start_a_plan(ws: Workspace) -> str | None:
    wait = NEW_PLANS.admit(client_key())
    if not wait:
        return None
    return (
        f"Many new plans were started from your network address in the last {PLANS_PER_CLIENT.window_words()} "
        f"({PLANS_PER_CLIENT.limit}, the most this server starts for one address); wait {wait_words(wait)}, then try "
        "again. Nothing was saved."
    )


def _not_created(ws: Workspace, why: str) -> NoReturn:
    """The store refused to make this plan (too many made lately): say why at the top of the page, run it again."""
    flash("warning", why)
    st.rerun(scope="app")


def create_desk(name: str) -> tuple[str, str]:
    """A new advisor desk (lor.store.Store.create_desk), within DESKS_PER_CLIENT for this client; ValueError (with
    the sentence to show) when it can't be made now."""
    wait = NEW_DESKS.wait_seconds(client_key())
    if wait:
        raise ValueError(
            f"{DESKS_PER_CLIENT.limit} advisor desks were made from your network address in the last "
            f"{DESKS_PER_CLIENT.window_words()}, the most this server makes for one address; wait {wait_words(wait)}."
        )
    made = store().create_desk(name)
    NEW_DESKS.record(client_key())
    return made


def find_desk(code: str) -> DeskInfo:
    """The desk a join code opens, within the limits on tries: per session (JoinAttempts), per client (wrong codes:
    a reload or a new tab does not start a fresh count) and per desk (look-ups that found it). KeyError with the
    sentence to show otherwise."""
    attempts, client = join_attempts(), client_key()
    wait = max(attempts.wait_seconds(), WRONG_CODES.wait_seconds(client))
    if wait:
        raise KeyError(f"Too many tries. Wait {wait_words(wait)}, then enter the code again.")
    attempts.record()
    try:
        found = store().find_desk(code)
    except KeyError:
        WRONG_CODES.record(client)
        raise
    wait = DESK_JOINS.admit(found.id)
    if wait:
        raise KeyError(
            f"Many students have looked this desk up in the last {JOINS_PER_DESK.window_words()}; wait "
            f"{wait_words(wait)}, then enter the code again."
        )
    return found


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


def _run_through_app() -> None:
    # A fresh server whose first visitor opens a page's URL directly (/faq) runs that page in Streamlit's
    # legacy pages/ mode, skipping app.py (no workspace resolution, file names in the sidebar). The flag
    # behind it is cleared for good by the first st.navigation call, so clear it and run again via app.py.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if WS_KEY not in st.session_state and DESK_KEY not in st.session_state:  # never went through app.py
            st.rerun()


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
    st.title(title)
    st.caption(advisor if ws.read_only and advisor else purpose)
    # A plan saved by its first write shows its new private link at once, on whichever page that happened.
    st.session_state[NOTICE_SHOWN_KEY] = st.session_state.pop(FRESH_LINK_KEY, False)
    if st.session_state[NOTICE_SHOWN_KEY]:
        _link_notice()
    if isinstance(ws, DeskView):
        st.info("You are viewing this plan read-only from your advisor desk. Nothing here can be changed.", icon="👁️")
        if st.button("Back to the desk", key="desk-back-top", icon="↩️"):
            back_to_desk()
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
        student = snapshot(ws).student()
        if student:
            st.caption(f"Plan of {md(student.name)}")
        if ws.read_only:
            st.caption("Read-only advisor view")
        mode_notice()
        if shared_mode() and not ws.read_only:
            if plans_can_vanish():
                st.warning(
                    "This shared server keeps plans in a file on its own disk, which can be wiped when it "
                    "restarts. Download a backup now and then.",
                    icon="💾",
                )
            download_button(
                ws,
                "Download backup (JSON)",
                lambda: backup(ws),
                kind="backup",
                file_name=f"lor-plan-{today().isoformat()}.json",
                mime="application/json",
                key="sidebar-backup",
            )


def where_plans_live() -> str:
    """One sentence for Share & backup: which database holds the plans, and whether they outlive a restart."""
    db = store()
    if db.backend == "postgres":
        return (
            f"Plans are kept in {db.describe()}, outside this app: they survive the app restarting, sleeping or "
            "being redeployed."
        )
    if shared_mode():
        return (
            f"Plans are kept in {db.describe()} on this app's own disk. On Streamlit Community Cloud that disk is "
            "wiped when the app restarts, sleeps or is redeployed, so download a backup now and then (or give the "
            "app a PostgreSQL database: see the README)."
        )
    return f"Your plan is kept in {db.describe()} on this computer ({db.location}); it stays until you delete it."


def plans_can_vanish() -> bool:
    """True on a class server that keeps plans in a SQLite file: Community Cloud wipes that disk on a reboot.

    With a PostgreSQL database the plans live on the database server and outlive the app.
    """
    return shared_mode() and store().backend == "sqlite"


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


# -- one read of a plan per version, and the pages' heavy work on it, cached -------------------------------
#
# Every write to a workspace bumps its version in the database, so a result is kept with the version it was
# computed at and used only while the workspace is still at that version: an edit is seen on the next run, also
# one made by another server process on the same PostgreSQL database, and the key holds the database (file or
# server) and workspace id, so one plan's results never reach another. Results are shared by reruns and sessions
# without a copy (st.cache_data would unpickle a fresh copy on every run, which costs more than recomputing a small
# plan): read what these helpers return, never change it in place.


class PlanCache:
    """Results computed from plans, each kept for the latest version of its plan only.

    ``get(key, version, compute)`` returns the stored value when it was computed at ``version``; otherwise it
    computes, and keeps the result unless a newer version is already stored (versions only grow). So a plan
    never holds more than one state here. Beyond ``max_entries``, or ``max_bytes`` (an estimate of what the
    values hold), the least recently used entries go; a value larger than a quarter of ``max_bytes`` is returned
    but not kept, so one huge plan can't push every other plan's results out.
    Safe to share between Streamlit's session threads; two sessions may at worst compute the same value twice.
    """

    def __init__(self, max_entries: int = 128, max_bytes: int = 64_000_000):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[int, Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size_bytes(self) -> int:
        """The estimated size of every value kept."""
        return self._bytes

    def get(
        self,
        key: Hashable,
        version: int,
        compute: Callable[[], T],
        *,
        counted: Callable[[], Set[int]] | None = None,
        models: Callable[[T], set[int]] | None = None,
    ) -> T:
        """The value for ``key`` at ``version``: stored, or computed now by ``compute()``.

        For the size estimate (``approx_bytes``): ``counted()``, called after ``compute()``, gives the ids of
        objects the value shares with an entry that counts them; ``models(value)`` is a set to fill with the ids of
        the pydantic models the value holds, left empty when the value is too large to keep.
        """
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == version:
                self._entries.move_to_end(key)
                return found[1]
        value = compute()
        held = models(value) if models else None
        size = approx_bytes(
            value, limit=self.max_bytes // 4, counted=counted() if counted else frozenset(), models=held
        )
        if held is not None and size > self.max_bytes // 4:
            held.clear()  # not kept: whatever is computed from it counts these models itself
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] <= version:
                if found is not None:
                    self._bytes -= self._entries.pop(key)[2]
                if size <= self.max_bytes // 4:
                    self._entries[key] = (version, value, size)
                    self._bytes += size
                while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                    self._bytes -= self._entries.popitem(last=False)[1][2]
        return value

    def peek(self, key: Hashable, version: int) -> Any:
        """The stored value for ``key`` when it was computed at ``version``, else None; never computes or stores."""
        with self._lock:
            found = self._entries.get(key)
        return found[1] if found is not None and found[0] == version else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


SAMPLE_AFTER = 24  # approx_bytes measures a longer list by this many of its items, evenly spread, scaled up
SAMPLED = 12


def approx_bytes(
    value: object, *, limit: int | None = None, counted: Set[int] = frozenset(), models: set[int] | None = None
) -> int:
    """About how much memory ``value`` holds: strings, numbers, containers, models, Plotly figures, arrays, and
    the attributes of other objects, each object counted once. Stops counting past ``limit`` (returns more).

    A list, tuple or dict longer than ``SAMPLE_AFTER`` is measured by ``SAMPLED`` of its items, scaled to its length
    (a plan's long lists hold records of one kind): a cache miss on the largest plan costs a few milliseconds to
    measure instead of walking every object. Objects whose ids are in ``counted`` (already counted in another
    cache entry, e.g. the snapshot's records inside an Overview computed from them) are skipped with everything
    they hold; ``models``, when given, collects the ids of the pydantic models counted, and of every model item of
    a sampled list (the set's own memory is counted too).
    """
    seen: set[int] = set(counted)
    if models is not None:
        seen.add(id(models))  # counted below, once full
    stack: list[tuple[object, float]] = [(value, 1.0)]
    total = 0.0
    kinds = _KIND_OF_TYPE
    while stack:
        item, weight = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        kind = kinds.get(type(item)) or _kind_of(type(item))
        if kind == _TEXT:
            total += weight * (49 + len(cast(Any, item)))
        elif kind == _SCALAR:
            total += weight * 32
        elif kind == _MODEL:
            total += weight * 56
            stack.append((item.__dict__, weight))
            stack.append((cast(Any, item).__pydantic_fields_set__, weight))
            if models is not None:
                models.add(id(item))
        elif kind == _DICT:
            mapping = cast(dict, item)
            total += weight * (64 + 100 * len(mapping))
            if len(mapping) > SAMPLE_AFTER:
                pairs = list(mapping.items())
                step = len(pairs) / SAMPLED
                for k in range(SAMPLED):
                    key, val = pairs[int(k * step)]
                    stack.extend([(key, weight * step), (val, weight * step)])
            else:
                stack.extend((k, weight) for k in mapping)
                stack.extend((v, weight) for v in mapping.values())
        elif kind == _SEQUENCE:
            items = cast(Any, item)
            total += weight * (56 + 8 * len(items))
            if len(items) > SAMPLE_AFTER and isinstance(items, (list, tuple)):
                step = len(items) / SAMPLED
                if models is not None:
                    models.update(id(x) for x in items if isinstance(x, BaseModel))
                stack.extend((items[int(k * step)], weight * step) for k in range(SAMPLED))
            else:
                stack.extend((x, weight) for x in items)
        elif kind == _ARRAY:  # a numpy array
            total += weight * (112 + int(cast(Any, item).nbytes))
            if cast(Any, item).dtype == object:
                stack.extend((x, weight) for x in cast(Any, item).ravel().tolist())
        elif kind == _FIGURE:  # a Plotly figure: its data and layout, not its validators
            total += weight * 1_000
            stack.extend([(getattr(item, "_data", None), weight), (getattr(item, "_layout", None), weight)])
        elif hasattr(item, "__dict__") or hasattr(item, "__slots__"):
            total += weight * 56
            stack.extend((v, weight) for v in (vars(item).values() if hasattr(item, "__dict__") else []))
            stack.extend((getattr(item, s, None), weight) for s in getattr(type(item), "__slots__", ()))
        else:
            total += weight * 32
        if limit is not None and total > limit:
            return int(total)
    if models is not None:
        total += 64 + 72 * len(models)
    return int(total)


# What approx_bytes does with an object, by its type (found once per type: a pydantic model answers every failed
# attribute look-up through Python code, so asking each of 10,000 models "are you an array?" cost more than
# reading the plan).
_TEXT, _SCALAR, _MODEL, _DICT, _SEQUENCE, _ARRAY, _FIGURE, _OTHER = range(1, 9)
_KIND_OF_TYPE: dict[type, int] = {}


def _kind_of(kind: type) -> int:
    if issubclass(kind, (str, bytes, bytearray)):
        found = _TEXT
    elif issubclass(kind, (int, float, date, type(None))):
        found = _SCALAR
    elif issubclass(kind, BaseModel):
        found = _MODEL
    elif issubclass(kind, dict):
        found = _DICT
    elif issubclass(kind, (list, tuple, set, frozenset)):
        found = _SEQUENCE
    elif hasattr(kind, "nbytes") and hasattr(kind, "dtype"):
        found = _ARRAY
    elif hasattr(kind, "to_plotly_json"):
        found = _FIGURE
    else:
        found = _OTHER
    _KIND_OF_TYPE[kind] = found
    return found


# Results of about four pages per plan, the plans of a busy class server; a few tens of MB at most (Community
# Cloud's smallest container has about 690 MB for everything).
PLAN_CACHE = PlanCache(max_entries=128, max_bytes=48_000_000)
T = TypeVar("T")


class PlanSnapshot:
    """A workspace's records read once; reads like a Workspace (student(), mentors(), get_setting(), ...)."""

    def __init__(self, ws: Workspace):
        self.id = ws.id
        # The ids of the records' models, filled in when PLAN_CACHE keeps the snapshot: a result computed from it
        # (an Overview, a Timeline) holds the same records, already counted in the snapshot's entry.
        self.record_ids: set[int] = set()
        self._student = ws.student()
        self._mentors = ws.mentors()
        self._applications = ws.applications()
        self._letters = ws.letters()
        # Kept as JSON text: each caller gets its own copy to change, and parsing is far cheaper than deepcopy
        # for a plan with hundreds of moved or own busy periods.
        self._settings = {key: json.dumps(value) for key, value in ws.settings().items()}

    def student(self) -> Student | None:
        return self._student

    def mentors(self) -> list[Mentor]:
        return self._mentors

    def applications(self) -> list[Application]:
        return self._applications

    def letters(self) -> list[LetterRequest]:
        return self._letters

    def settings(self) -> dict[str, Any]:
        return {key: json.loads(value) for key, value in self._settings.items()}

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A copy of a stored setting (callers may change it), or ``default``."""
        return json.loads(self._settings[key]) if key in self._settings else default

    def is_empty(self) -> bool:
        return not (self._mentors or self._applications or self._letters)


def _snapshot_at(ws: Workspace, version: int) -> PlanSnapshot:
    # The version is read before the records: a write racing the reads can only leave newer records under the
    # older version (replaced on the next run), never older records under the newer one.
    return PLAN_CACHE.get(
        (ws.store.location, ws.id, "snapshot"), version, lambda: PlanSnapshot(ws), models=lambda plan: plan.record_ids
    )


def plan_version(ws: Workspace) -> int:
    """ws.version(), read from the database once per script run (or fragment run) and plan, and again after
    any write this process makes: a page of 30 writer cards, each asking, costs one query, not 60.

    A run sees the plan as it was when the run first asked; a change made by another server process shows on
    the next run, as before (a run lasts a fraction of a second)."""
    memo = _this_run()
    if memo is None:
        return ws.version()
    key = ("version", ws.store.location, ws.id)
    found = memo.get(key)
    if found is not None and found[0] == ws.store.writes:
        return found[1]
    writes = ws.store.writes
    version = ws.version()
    memo[key] = (writes, version)
    return version


def snapshot(ws: Workspace) -> PlanSnapshot:
    """The workspace's records, read from the database once per version."""
    if not ws.saved:
        return PlanSnapshot(ws)  # an empty plan-to-be: nothing worth a cache entry per anonymous visit
    return _snapshot_at(ws, plan_version(ws))


def per_plan(ws: Workspace, kind: str, compute: Callable[..., T], *args: Hashable) -> T:
    """``compute(snapshot(ws), *args)``, computed once per plan version and ``args``; ``kind`` names the result
    (one name per function: it is part of the key)."""
    if not ws.saved:
        return compute(PlanSnapshot(ws), *args)
    version = plan_version(ws)
    key = (ws.store.location, ws.id, kind, args)
    used: list[PlanSnapshot] = []

    def run() -> T:
        used.append(_snapshot_at(ws, version))
        return compute(used[0], *args)

    return PLAN_CACHE.get(key, version, run, counted=lambda: used[0].record_ids)


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


def backup(ws: Workspace) -> str:
    """The plan's backup document (what Store.export_json gives), written from the records already read for
    this version of the plan."""
    return backup_text(snapshot(ws))


def overview(ws: Workspace, day: date) -> Overview:
    """lor.overview.overview_of(ws, day), once per plan version."""
    return per_plan(ws, "overview", overview_of, day)


def cards(ws: Workspace, day: date) -> list[Card]:
    """lor.guidance.context_cards(ws, day), once per plan version."""
    return per_plan(ws, "context-cards", context_cards, day)


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


# -- deleting with a second chance: ask first, naming what goes, then offer Undo where the student is ------

CONFIRM_DELETE_KEY = "lor-delete-confirm"  # the delete button whose confirmation is showing
UNDO_KEY = "lor-undo"  # (place on the page, Removal): the last delete, kept for the session until undone


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
    applications = [*plan.applications(), *removal.applications]
    problems = plan_size_problems(
        [*plan.mentors(), *removal.mentors],
        applications,
        [*plan.letters(), *removal.letters],
        PlanSettings.read(plan.settings()),
    )
    if not problems and removal.programs:
        problems = [full_message("programs_per_plan", sum(len(a.programs) for a in applications)) or ""]
        problems = [p for p in problems if p]
    return problems[0] if problems else None


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


# Phones (issue #22.9). Streamlit folds the sidebar after a page is picked only when the browser says it is a
# phone; a narrow window that doesn't say so kept the menu open over the page after every tap. And a link's label
# must wrap instead of being cut at the window's edge (the Dashboard's first steps were).
NARROW = 640  # px: Streamlit's own breakpoint for stacking columns
PHONE_CSS = f"""<style>
@media (max-width: {NARROW}px) {{
  [data-testid="stPageLink"] p {{ white-space: normal; overflow: visible; text-overflow: clip; }}
  [data-testid="stPageLink"] a {{ height: auto; align-items: flex-start; }}
}}
</style>"""
PHONE_JS = f"""<script>(() => {{
  const doc = window.parent ? window.parent.document : document;
  const win = doc.defaultView || window;
  if (win.__lorFoldMenu) return;
  win.__lorFoldMenu = true;
  doc.addEventListener("click", (event) => {{
    const link = event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a');
    if (!link || win.innerWidth > {NARROW}) return;
    setTimeout(() => {{
      const fold = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (fold) fold.click();
    }}, 50);
  }}, true);
}})();</script>"""


def phone_fixes() -> None:
    """On a narrow window: fold the menu once a page is picked, and let link labels wrap (every page calls it)."""
    st.html(PHONE_CSS)
    st.html(PHONE_JS, unsafe_allow_javascript=True)


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
    if step.waiting and blocker and blocker.startswith("waiting"):
        # Not the student's move: the writer hasn't answered the ask. Record the answer instead of a Done.
        text.caption("Waiting for their answer.")
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


# -- advisor desks (class mode): ?desk=<token> opens a desk; ?desk=<token>&plan=<id> one advisee's plan from it ----

DESK_ROWS = PlanCache(max_entries=5_000)  # one small row per plan on any desk of this server, per plan version


def desk_requested() -> bool:
    """True when this visit is an advisor desk's (class mode only): ``?desk=`` in the address, or a desk session
    whose query string a page switch dropped. A student's own link (``?w=``, ``?view=``) always wins."""
    if not shared_mode():
        return False
    params = st.query_params
    if "w" in params or "view" in params:
        st.session_state.pop(DESK_KEY, None)
        return False
    return "desk" in params or DESK_KEY in st.session_state


def resolve_desk() -> Desk | None:
    """The desk this visit opens (None for a wrong, old or guessed desk link), and the advisee's plan opened from
    it, read-only, as the session's workspace (``WS_KEY``; None on the desk itself)."""
    params = st.query_params
    kept = st.session_state.get(DESK_KEY)
    if "desk" not in params and kept:  # a page switch dropped the query string
        st.query_params["desk"] = kept[0]
    token = params["desk"]
    # Within a session the plan opened from the desk is the session's (open_from_desk, back_to_desk); a new visit
    # takes it from the address (?plan=), so a bookmarked advisee's plan opens straight away.
    plan_id = kept[1] if kept and kept[0] == token else params.get("plan")
    try:
        desk = store().open_desk(token)
    except KeyError:
        st.session_state.pop(DESK_KEY, None)
        st.session_state.pop(WS_KEY, None)
        return None
    plan = None
    if plan_id:
        try:
            plan = desk.open_plan(plan_id)
        except KeyError:  # the student left the desk (or the id is wrong): back to the desk, saying so
            flash("warning", "That student no longer shares their plan with this desk.")
    if plan is None and "plan" in params:
        del st.query_params["plan"]
    elif plan is not None:
        st.query_params["plan"] = plan.id
    st.session_state[DESK_KEY] = (token, plan.id if plan else None)
    if plan is None:
        st.session_state.pop(WS_KEY, None)
    else:
        plan.on_revoked = _link_gone
        st.session_state[WS_KEY] = plan
    return desk


def desk_plan() -> DeskView | None:
    """The advisee's plan this desk session has open (read-only), or None on the desk itself."""
    ws = st.session_state.get(WS_KEY)
    return ws if isinstance(ws, DeskView) and DESK_KEY in st.session_state else None


def open_from_desk(plan_id: str) -> None:
    """Open one advisee's plan from the desk: its Dashboard first, read-only (the run after this one switches)."""
    token = st.session_state[DESK_KEY][0]
    st.session_state[DESK_KEY] = (token, plan_id)
    st.query_params["plan"] = plan_id
    st.session_state["lor-desk-opening"] = True
    st.rerun()


def desk_opening() -> bool:
    """True once, on the run right after ``open_from_desk``: the desk page then switches to the Dashboard."""
    kept = st.session_state.get(DESK_KEY)
    return bool(st.session_state.pop("lor-desk-opening", False)) and bool(kept and kept[1])


def back_to_desk() -> None:
    """Close the advisee's plan and show the desk again."""
    token = st.session_state[DESK_KEY][0]
    st.session_state[DESK_KEY] = (token, None)
    st.session_state.pop(WS_KEY, None)
    st.session_state.pop("desk-table", None)  # the row picked to open this plan must not open it again
    if "plan" in st.query_params:
        del st.query_params["plan"]
    st.switch_page("pages/desk.py")


def open_desk_here(token: str) -> None:
    """Turn this browser tab into the desk just made (its link goes into the address bar)."""
    for key in (WS_KEY, LINK_KEY, NEW_LINKS_KEY):
        st.session_state.pop(key, None)
    st.query_params.clear()
    st.query_params["desk"] = token
    st.session_state[DESK_KEY] = (token, None)
    st.rerun()


def session_desk() -> Desk | None:
    """The desk this session has open, or None (a student's session)."""
    _run_through_app()  # a fresh server's first request straight to /desk skipped app.py: run it through app.py
    found = st.session_state.get(DESK_KEY)
    if not found or not shared_mode():
        return None
    try:
        return store().open_desk(found[0])
    except KeyError:
        return None


def desk_sidebar(desk: Desk) -> None:
    """The desk's sidebar: whose desk, and, with an advisee's plan open, whose plan and the way back."""
    with st.sidebar:
        st.caption(f"Advisor desk: {md(desk.name)}")
        plan = desk_plan()
        if plan is not None:
            student = snapshot(plan).student()
            st.caption(f"Plan of {md(student.name) if student else 'an unnamed student'}, read-only")
            if st.button("Back to the desk", key="desk-back", icon="↩️", type="primary"):
                back_to_desk()


def desk_management(desk: Desk, rows: list[DeskRow]) -> None:
    """The advisor's controls over the desk itself: take a student off it, or close it for good."""
    if rows:
        names = unique_labels({row.plan_id: row.name for row in rows})
        with st.container(horizontal=True, vertical_alignment="bottom"):
            who = st.selectbox(
                "Remove a student from this desk", list(names), format_func=names.__getitem__, key="desk-remove-who"
            )
            if st.button("Remove from the desk", key="desk-remove") and who is not None:
                desk.remove_member(who)
                flash(
                    "success",
                    f"{names[who]} is no longer on this desk; their plan itself is unchanged. They can join again "
                    "with the current join code (make a new one to stop that).",
                )
                st.rerun()
    st.caption(
        f"A desk whose link nobody opens for {UNUSED_AFTER.days} days (about 18 months) is deleted, and so is one no "
        f"student has joined after {EMPTY_DESK_AFTER.days} days without a visit; the students' plans stay."
    )
    sure = st.checkbox(
        "Close this desk for good: its link and join code stop working, and no plan is on it any more",
        key="desk-close-confirm",
    )
    if st.button("Close the desk", key="desk-close", disabled=not sure):
        desk.close()
        for key in (DESK_KEY, WS_KEY, LINK_KEY):
            st.session_state.pop(key, None)
        st.query_params.clear()
        flash("success", f"The desk {desk.name} is closed. The students' plans are unchanged.")
        st.rerun()


def stale_desk_page() -> None:
    """The page a wrong, old or guessed desk link gets: plain words, nothing revealed."""
    st.title("This link does not open any desk")
    st.write(
        "The desk link may be mistyped or cut short. No desk was opened and no plan is shown. If you made the "
        "desk, use the link you bookmarked when you made it."
    )


def desk_rows(desk: Desk, day: date) -> list[DeskRow]:
    """One row per plan on the desk, each computed once per plan version from the Overview the Dashboard uses
    (lor.overview): a rerun of the desk reads every plan's version in one query and re-plans nothing that has not
    changed. An Overview already in PLAN_CACHE is used; one computed here is not stored there, so opening a desk
    of 150 plans never pushes the class's own pages out of that cache (the row is what the desk keeps)."""
    rows = []
    for member in desk.members():
        plan = member.plan

        def compute(plan: DeskView = plan, version: int = member.version, changed: str = member.changed) -> DeskRow:
            ov = PLAN_CACHE.peek((plan.store.location, plan.id, "overview", (day,)), version)
            if ov is None:
                ov = overview_of(PlanSnapshot(plan), day)
            return desk_row(ov, plan_id=plan.id, last_change=changed)

        rows.append(DESK_ROWS.get((desk.store.location, plan.id, "desk-row", day), member.version, compute))
    return rows


def join_attempts() -> JoinAttempts:
    """This session's join-code look-ups (lor.desk.JoinAttempts): a few per ten minutes."""
    return st.session_state.setdefault(JOIN_ATTEMPTS_KEY, JoinAttempts())


# -- class mode: restores per minute, the database's size (issue #14.8) ------------------------------------------

RESTORE_LIMITS = RestoreLimits()  # this server process's per-plan restore counts (lor.limits)
RESTORES_KEY = "lor-restores"  # this session's lor.limits.RecentEvents of restores


def restore_refusal(ws: Workspace) -> str | None:
    """Class mode: None when this session may restore a backup into ``ws`` now (the restore is then counted), or
    the sentence saying how long to wait. Local mode has no limit: the computer is the student's own."""
    if not shared_mode():
        return None
    session = st.session_state.setdefault(RESTORES_KEY, RESTORE_LIMITS.session_window())
    return RESTORE_LIMITS.admit(session, (ws.store.location, ws.id))


PURGE_NOTICE = (
    f"A class server deletes what nobody uses: a plan that nobody opens (by its private or advisor link, or from a "
    f"desk) or changes for {UNUSED_AFTER.days} days (about 18 months), an empty plan after {ABANDONED_AFTER.days} "
    f"days without a visit, and an advisor desk its link does not open for {UNUSED_AFTER.days} days (or "
    f"{EMPTY_DESK_AFTER.days}, while no student is on it). Download a backup to keep a plan longer."
)


def class_database_size() -> str:
    """ "The class database holds 152 plans in 3.4 MB." for Share & backup in class mode."""
    db = store()
    return class_database_line(db.workspace_count(), db.size_bytes())


# -- the restore box: the chosen file read once, only its summary kept (issue #23.3) ----------------------------

PREVIEW_KEY = "lor-restore-preview"  # (the chosen file's id, its RestorePreview)


@dataclass(frozen=True)
class RestorePreview:
    """What Share & backup says about the file in the restore box before Restore is pressed: why it can't be
    restored, or whose plan it holds and how much."""

    problem: str | None = None
    student: str | None = None
    mentors: int = 0
    applications: int = 0
    letters: int = 0


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
        )
    del data
    st.session_state[PREVIEW_KEY] = (file_key, preview)
    return preview
