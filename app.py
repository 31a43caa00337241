"""LOR Planner: choose letter writers, ask them at the right time, track every letter, thank them."""

import streamlit as st

from lor import ui

st.set_page_config(page_title="LOR Planner", page_icon="✉️", layout="wide")

try:
    problem = ui.configuration_problem()
    workspace = None if problem else ui.resolve_workspace()
    if problem:
        st.navigation([st.Page(ui.configuration_problem_page, title="Settings problem", icon=":material/error:")]).run()
    elif workspace is None:
        st.navigation([st.Page(ui.stale_link_page, title="Link not found", icon=":material/link_off:")]).run()
    else:
        ui.sidebar(workspace)
        st.navigation(
            [
                st.Page("pages/dashboard.py", title="Dashboard", icon=":material/home:", default=True),
                st.Page("pages/recommenders.py", title="Choose recommenders", icon=":material/person_search:"),
                st.Page("pages/letters.py", title="Letters", icon=":material/mail:"),
                st.Page("pages/timeline.py", title="Timeline", icon=":material/calendar_month:"),
                st.Page("pages/faq.py", title="FAQ guidance", icon=":material/help:"),
                st.Page("pages/share.py", title="Share & backup", icon=":material/share:"),
            ]
        ).run()
except ui.DatabaseUnavailable as exc:  # the database stopped answering mid-session: a plain page, fast
    ui.database_problem(exc)
