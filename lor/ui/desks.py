"""An advisor desk's session (class mode): ?desk=<token> opens a desk, and advisees' plans read-only from it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lor.desk import DeskRow, desk_row, log_lines
from lor.joincodes import JoinAttempts
from lor.limits import (
    DESKS_PER_CLIENT,
    LOOKUPS_PER_CLIENT,
    wait_words,
)
from lor.overview import overview_of
from lor.plancache import PlanCache, PlanSnapshot
from lor.store import (
    DESK_NOTE_MAX,
    EMPTY_DESK_AFTER,
    UNUSED_AFTER,
    Desk,
    DeskInfo,
    DeskView,
)
from lor.ui import clients
from lor.ui.cache import PLAN_CACHE, snapshot
from lor.ui.keys import DESK_KEY, JOIN_ATTEMPTS_KEY, LINK_KEY, NEW_LINKS_KEY, WS_KEY
from lor.ui.notices import flash, md
from lor.ui.server import _link_gone, _run_through_app, mode_notice, shared_mode, store


def create_desk(name: str) -> tuple[str, str]:
    """A new advisor desk (lor.store.Store.create_desk), within DESKS_PER_CLIENT for this client; ValueError (with
    the sentence to show) when it can't be made now."""
    wait = clients.NEW_DESKS.wait_seconds(clients.client_key())
    if wait:
        raise ValueError(
            f"{DESKS_PER_CLIENT.limit} advisor desks were made from your network address in the last "
            f"{DESKS_PER_CLIENT.window_words()}, the most this server makes for one address; wait {wait_words(wait)}."
        )
    made = store().create_desk(name)
    clients.NEW_DESKS.record(clients.client_key())
    return made


def find_desk(code: str) -> DeskInfo:
    """The desk a join code opens, within the limits on tries (lor.limits): per session (JoinAttempts) and per client,
    every look-up and, tighter, wrong codes (a reload or a new tab does not start a fresh count). No count per desk,
    so nobody can use up a desk's look-ups. KeyError with the sentence to show otherwise."""
    attempts, client = join_attempts(), clients.client_key()
    wait = max(attempts.wait_seconds(), clients.WRONG_CODES.wait_seconds(client))
    if wait:
        raise KeyError(f"Too many tries. Wait {wait_words(wait)}, then enter the code again.")
    wait = clients.LOOKUPS.wait_seconds(client)
    if wait:
        raise KeyError(
            f"Many join codes were entered from your network address in the last {LOOKUPS_PER_CLIENT.window_words()} "
            f"({LOOKUPS_PER_CLIENT.limit}, the most this server takes from one address); wait {wait_words(wait)}, "
            "then enter the code again."
        )
    attempts.record()
    clients.LOOKUPS.record(client)
    try:
        return store().find_desk(code)
    except KeyError:
        clients.WRONG_CODES.record(client)
        raise


# -- advisor desks (class mode): ?desk=<token> opens a desk; ?desk=<token>&plan=<id> one advisee's plan from it ----

DESK_ORDER_KEY = "lor-desk-order"  # the plan ids in the order the desk last showed them
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


def desk_plan_title(ws: object, title: str) -> str:
    """A page's title, with the student's name when the page shows a plan opened from a desk ("Dashboard: Ana
    Ruiz"), so an advisor always knows whose plan this is; the browser tab says it too."""
    if not isinstance(ws, DeskView):
        return title
    student = snapshot(ws).student()
    name = student.name if student and student.name.strip() else "Unnamed student"
    st.set_page_config(page_title=f"{name} · {title}")
    return f"{title}: {md(name)}"


def desk_plan_bar() -> None:
    """Above a plan opened from a desk: it is read-only, the way back, and the previous and next student in the
    desk's order (as the desk last showed it, filters included)."""
    st.info("You are viewing this plan read-only from your advisor desk. Nothing here can be changed.", icon="👁️")
    kept = st.session_state.get(DESK_KEY)
    order = st.session_state.get(DESK_ORDER_KEY, [])
    at = order.index(kept[1]) if kept and kept[1] in order else None
    with st.container(horizontal=True):
        if st.button("Back to the desk", key="desk-back-top", icon="↩️"):
            back_to_desk()
        if at is not None:
            st.caption(f"Student {at + 1} of {len(order)} on the desk")
            if at > 0 and st.button("Previous student", key="desk-prev", icon="⬅️"):
                _switch_plan(order[at - 1])
            if at + 1 < len(order) and st.button("Next student", key="desk-next", icon="➡️"):
                _switch_plan(order[at + 1])


def _switch_plan(plan_id: str) -> None:
    """Show another advisee's plan on this same page (resolve_desk opens it on the rerun)."""
    token = st.session_state[DESK_KEY][0]
    st.session_state[DESK_KEY] = (token, plan_id)
    st.query_params["plan"] = plan_id
    st.rerun()


def remember_order(plan_ids: list[str]) -> None:
    """The desk's order as last shown (for Previous and Next student on a plan opened from it)."""
    st.session_state[DESK_ORDER_KEY] = plan_ids


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
        mode_notice()  # class mode, and why


def desk_management(desk: Desk, rows: list[DeskRow], names: dict[str, str]) -> None:
    """The advisor's controls over the desk itself: take a student off it (after a confirmation), read who joined
    and left, or close it for good."""
    if rows:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            who = st.selectbox(
                "Remove a student from this desk", list(names), format_func=names.__getitem__, key="desk-remove-who"
            )
            if st.button("Remove from the desk", key="desk-remove") and who is not None:
                st.session_state["lor-remove-pending"] = who
        pending = st.session_state.get("lor-remove-pending")
        if pending in names:
            st.warning(
                f"Remove {names[pending]} from this desk? Their plan itself is unchanged, and they can join again "
                "with the current join code (make a new one to stop that)."
            )
            with st.container(horizontal=True):
                if st.button(f"Yes, remove {names[pending]}", key="desk-remove-confirm", type="primary"):
                    st.session_state.pop("lor-remove-pending", None)
                    desk.remove_member(pending, student=names[pending])
                    flash("success", f"{names[pending]} is no longer on this desk; their plan itself is unchanged.")
                    st.rerun()
                if st.button("Cancel", key="desk-remove-cancel"):
                    st.session_state.pop("lor-remove-pending", None)
                    st.rerun()
    events = desk.log()
    st.markdown("**Joined and left** (newest first)")
    if events:
        st.markdown("\n".join(f"- {md(line)}" for line in log_lines(events)))
    else:
        st.caption("Nobody has joined or left yet.")
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


def desk_note(desk: Desk, plan_id: str, name: str, note: str) -> None:
    """The advisor's private note on one student: kept with the desk, seen only through the desk link."""
    with st.container(key="desk-notes"):
        text = st.text_area(
            f"Your private note on {name}",
            value=note,
            key=f"desk-note-{plan_id}",
            max_chars=DESK_NOTE_MAX,
            help="Only people holding this desk's link see it; the student never does. Kept with the desk.",
        )
        if st.button("Save the note", key="desk-note-save"):
            try:
                desk.save_note(plan_id, text)
            except (KeyError, ValueError) as exc:
                st.error(md(str(exc.args[0])))
            else:
                flash("success", f"Note on {name} saved.")
                st.rerun()


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
