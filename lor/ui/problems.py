"""The pages a visitor gets instead of a plan: a broken setting, a database gone, a stale link or desk."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from lor.config import ModeNotChosen
from lor.store import (
    DatabaseUnavailable,
)
from lor.ui.keys import LINK_CHANGE_LOST_KEY, WS_KEY
from lor.ui.notices import md
from lor.ui.server import configuration_problem

log = logging.getLogger(__name__)

# What visitors read while the plans' database can't be used. The problem itself (the database's address, the file's
# path, the driver's words) goes to the server's log only: it is for whoever runs the app, not for every visitor.
DATABASE_DOWN = "The plans database is not answering right now; nothing was saved. Try again in a minute."
DETAILS_NOT_SAVED = (
    "Your details were not saved: the plans database is not answering right now. Try again in a minute (what you "
    "typed is still in the form)."
)


def log_database_problem(problem: DatabaseUnavailable) -> None:
    """Write what went wrong with the database to the server's log (never to the page)."""
    log.warning("The plans database can't be used: %s", problem)


def configuration_problem_page() -> None:
    """The page every visitor gets while a setting is broken: which file, which key, what to do. No plan opens."""
    problem = configuration_problem()
    if isinstance(problem, DatabaseUnavailable):
        database_problem(problem)
        return
    if isinstance(problem, ModeNotChosen):
        mode_not_chosen_page()
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


def details_not_saved(problem: DatabaseUnavailable, where: Any) -> None:
    """A form's save met the database gone: say at ``where`` (the top of the form) that nothing was saved, and keep
    the form as typed, so the visitor can press Save again in a minute."""
    log_database_problem(problem)
    where.error(DETAILS_NOT_SAVED, icon="🗄️")


def mode_not_chosen_page() -> None:
    """The page a visitor from another computer gets while nothing says whether this server serves a class or one
    person: the two choices, and no plan (one plan shown to everybody on a network is what this page prevents)."""
    st.title("LOR Planner is not running: choose who this server is for")
    st.error(
        "This page was opened from another computer, and the app's settings don't say whether this server is for "
        "a class or for one person, so it opens no plan.",
        icon="⚙️",
    )
    st.write("Whoever runs this app chooses one of the two, then reloads this page:")
    st.markdown(
        "1. **For a class**: `[lor] shared = true` in `.streamlit/secrets.toml` (or `LOR_SHARED=1`). Every student "
        "gets a private plan of their own, with a private link, and can make a read-only link for an advisor.\n"
        "2. **For one person**: `[lor] shared = false` (or `LOR_SHARED=0`), and then everybody who opens this "
        'address sees and changes the same plan; or `address = "localhost"` under `[server]` in '
        "`.streamlit/config.toml`, so that only the computer it runs on can open it."
    )
    st.caption(
        "Streamlit listens on every network interface unless server.address says otherwise, so anyone on the "
        "network can open this app. On the computer it runs on (http://localhost:8501) the app opens its one plan "
        "as usual."
    )


def database_problem(problem: DatabaseUnavailable, *, change_lost: bool = False) -> None:
    """What every visitor sees while the plans' database can't be used (at start or mid-session): a plain sentence,
    that no plan is lost, and what to do; never the database's address, a path or the driver's words (those go to
    the server's log), never a traceback. ``change_lost``: the visitor's last change (a field, a tick) met the problem
    and was not saved."""
    log_database_problem(problem)
    st.title("LOR Planner can't reach its database")
    st.error(DATABASE_DOWN, icon="🗄️")
    if change_lost:
        st.warning("Your last change was not saved: make it again once your plan opens.", icon="↩️")
    st.write(
        "Your plan is safe: plans stay in the database, and nothing you saved before this is lost. Try again in "
        "a minute (reload this page). Whoever runs this app: the server's log says what failed; check that the "
        "database server is running and that the database setting ([connections.lor] url, or the plans file) is right."
    )


def stale_link_page() -> None:
    """The page a wrong, stale or revoked link gets: clear words and a way to start again."""
    st.title("This link does not open any plan")
    if st.session_state.pop(LINK_CHANGE_LOST_KEY, False):
        st.warning(
            "Your last change was not saved: this tab's link to the plan was replaced (a new private link was made, "
            "in another tab or on another device) or turned off. Open the plan with its new link and make the "
            "change again.",
            icon="↩️",
        )
    st.write(
        "The link may be mistyped, cut short, or replaced by a newer one. No plan was opened, and nobody "
        "else's plan is shown. If you have a backup file, start a new plan and restore it on "
        "Share & backup."
    )
    if st.button("Start a new plan", key="stale-start-new", type="primary"):
        st.query_params.clear()
        st.session_state.pop(WS_KEY, None)
        st.rerun()


def stale_desk_page() -> None:
    """The page a wrong, old or guessed desk link gets: plain words, nothing revealed."""
    st.title("This link does not open any desk")
    st.write(
        "The desk link may be mistyped or cut short. No desk was opened and no plan is shown. If you made the "
        "desk, use the link you bookmarked when you made it."
    )
