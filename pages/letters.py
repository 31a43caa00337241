"""Letters: every letter from the ask to the thank-you — status, packet, email drafts, program assignment."""

import streamlit as st

from lor import ui
from lor.text import letter_title
from lor.ui.views.letters import (
    ASSIGN_PLACE,
    DETAIL_PLACE,
    SELECT_KEY,
    Context,
    assignment_grid,
    detail,
    letter_cards,
    merge_offers,
    pipeline,
    request_sheets,
)

ws = ui.page_header(
    "Letters", "Every letter from the ask to the thank-you: its status, packet, emails, and where it goes."
)
plan = ui.snapshot(ws)  # one read of the records per plan version
letters = plan.letters()
ctx = Context(
    today=ui.today(),
    student=plan.student(),
    mentors={m.id: m for m in plan.mentors()},
    apps={a.id: a for a in plan.applications()},
    read_only=ws.read_only,
    # A long plan keeps each card's draft and each application's program form in lazy panels.
    lazy=ui.lazy_for(len(letters)) or ui.lazy_for(len(plan.applications())),
    letters=tuple(letters),
)
ui.show_flash()

if not letters:
    st.info("No letters yet. Plan a letter on Choose recommenders: pick a writer for an application there.")
    ui.page_link("recommenders", "Choose recommenders", icon="🔁")
else:
    pipeline(letters)
    merge_offers(ws, letters, ctx)

tab_letters, tab_assign, tab_sheets = st.tabs(
    ["Letters", "Assign to programs", "Writer request sheets"],
    key="letters-tabs",
    on_change="rerun" if ctx.lazy else "ignore",  # a long plan draws only the tab that is open
)
with tab_letters:
    if tab_letters.open is not False:
        if not letters:
            ui.show_flash(DETAIL_PLACE)
            ui.undo_notice(ws, "letter")
        letter_cards(ws, letters, ctx)
        if letters:
            st.subheader("Letter details")
            ui.undo_notice(ws, "letter")  # a deleted letter's Undo stays where its details were
            by_id = {x.id: x for x in letters}
            titles = ui.unique_labels({i: letter_title(x, ctx.mentors, ctx.apps) for i, x in by_id.items()})
            if st.session_state.get(SELECT_KEY) not in by_id:
                st.session_state.pop(SELECT_KEY, None)
            chosen = st.selectbox(
                "Letter",
                list(by_id),
                format_func=lambda i: titles.get(i, i),
                key=SELECT_KEY,
            )
            detail(ws, by_id[str(chosen)], ctx, letters)

with tab_assign:
    if tab_assign.open is not False:
        st.caption(
            "Tick which letters each program receives. A letter that hasn't arrived can be planned here as a "
            "placeholder; the portal lets you assign it once it is in."
        )
        ui.show_flash(ASSIGN_PLACE)
        if not ctx.apps:
            st.caption("Add an application on Choose recommenders first.")
        for app in ctx.apps.values():
            assignment_grid(ws, app, letters, ctx)

with tab_sheets:
    if tab_sheets.open is not False:
        st.caption(
            "One page per writer with every program, due date, portal step and letter ID — "
            "the batched list writers ask for. Print the HTML or paste the Markdown into an email."
        )
        if ws.read_only:
            st.caption("Downloads are available to the plan's owner.")
        else:
            request_sheets(ws, letters, ctx)
