"""Choose recommenders: rank your possible writers for one application, plan letters, and check the letter mix."""

import streamlit as st

from lor import ui
from lor.ui.views.recommenders import (
    APP_KEY,
    add_application_form,
    add_mentor_form,
    add_source_form,
    application_caption,
    backups_panel,
    edit_application,
    mix_panel,
    prepare_forms,
    ranked_list,
    read_only_view,
)

ws = ui.page_header(
    "Choose recommenders",
    "Who has seen your best work, over time, in a setting that matters for where you are applying?",
    advisor="The student's possible writers, ranked for each application, and the letter mix each one needs.",
)
today = ui.today()
ui.show_flash()
plan = ui.snapshot(ws)  # one read of the records per plan version
applications = plan.applications()
mentors = plan.mentors()
letters = plan.letters()

if ws.read_only:
    read_only_view(applications, mentors, letters, today)
    st.stop()

ids = [a.id for a in applications]
if st.session_state.get(APP_KEY) not in ids and ids:
    st.session_state[APP_KEY] = ids[0]
by_id = {a.id: a for a in applications}
prepare_forms(today, by_id.get(str(st.session_state.get(APP_KEY, ""))))
add_application_form(ws, today, expanded=not applications)
ui.undo_notice(ws, "application")
if not applications:
    st.info("Start with an application: the ranking depends on where you are applying.")
    add_mentor_form(ws, today, None, expanded=not mentors)
    for mentor in mentors:
        st.markdown(f"- {ui.md(mentor.name)}")
    st.stop()

names = ui.unique_labels({a.id: a.name for a in applications})
chosen = by_id[str(st.selectbox("Application", ids, format_func=lambda i: names.get(i, i), key=APP_KEY))]
application_caption(chosen)
edit_application(ws, chosen, today)

mix_panel(chosen, mentors, letters, today)
backups_panel(ws, chosen, mentors, letters, today)
st.divider()
add_mentor_form(ws, today, chosen, expanded=not mentors)
add_source_form(ws, today)
ranked_list(ws, chosen, mentors, letters, today)
