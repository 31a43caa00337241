"""LOR Planner: choose letter writers, ask them at the right time, track every letter, thank them."""

import streamlit as st

from lor import ui
from lor.feed_route import ROUTES


def plan_pages() -> list:
    """The pages of one student's plan: editable from a private link, read-only from an advisor link or desk."""
    return [
        st.Page("pages/dashboard.py", title="Dashboard", icon=":material/home:", default=True),
        st.Page("pages/recommenders.py", title="Choose recommenders", icon=":material/person_search:"),
        st.Page("pages/letters.py", title="Letters", icon=":material/mail:"),
        st.Page("pages/timeline.py", title="Timeline", icon=":material/calendar_month:"),
        st.Page("pages/faq.py", title="FAQ guidance", icon=":material/help:"),
        st.Page("pages/share.py", title="Share & backup", icon=":material/share:"),
    ]


def desk_page(*, default: bool) -> st.Page:
    return st.Page("pages/desk.py", title="Advisor desk", icon=":material/groups:", default=default)


def main() -> None:
    """One run of the app for a browser session: the pages this visit may open."""
    st.set_page_config(page_title="LOR Planner", page_icon="✉️", layout="wide")
    ui.phone_fixes()
    try:
        lost = ui.lost_database()  # a widget callback or fragment of this session found the database gone
        problem = None if lost else ui.configuration_problem()
        if lost:
            ui.database_problem(lost, change_lost=True)
        elif problem:
            st.navigation(
                [st.Page(ui.configuration_problem_page, title="Settings problem", icon=":material/error:")]
            ).run()
        elif gate := ui.sign_in_gate():  # class mode with [auth]: sign in before any plan or desk opens
            st.navigation([st.Page(gate, title="Sign in", icon=":material/login:")]).run()
        elif ui.desk_requested():  # class mode, ?desk=<token>: an advisor's desk, and advisees' plans read-only from it
            desk = ui.resolve_desk()
            if desk is None:
                st.navigation([st.Page(ui.stale_desk_page, title="Link not found", icon=":material/link_off:")]).run()
            else:
                ui.desk_sidebar(desk)
                opened = ui.desk_plan() is not None
                st.navigation([desk_page(default=False), *plan_pages()] if opened else [desk_page(default=True)]).run()
        else:
            workspace = ui.resolve_workspace()
            if workspace is None:
                st.navigation([st.Page(ui.stale_link_page, title="Link not found", icon=":material/link_off:")]).run()
            else:
                ui.sidebar(workspace)
                for_advisors = [desk_page(default=False)] if ui.shared_mode() and not workspace.read_only else []
                st.navigation([*plan_pages(), *for_advisors]).run()
    except ui.DatabaseUnavailable as exc:  # the database stopped answering mid-session: a plain page, fast
        ui.database_problem(exc)


if __name__ == "__main__":  # a browser session's run
    main()
else:  # `streamlit run` imports this file once, as a module, to find the server app: the pages and the feed's route
    app = st.App(__file__, routes=ROUTES)
