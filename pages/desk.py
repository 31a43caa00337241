"""Advisor desk (class mode): create a desk; on a desk, one row per advisee who shared their plan, neediest first."""

from functools import partial

import streamlit as st

from lor import ui
from lor.desk import (
    INACTIVE_DAYS,
    STATUSES,
    STILL_DAYS,
    by_need,
    choices,
    desk_csv,
    desk_names,
    filter_by_status,
    filter_rows,
    table_rows,
)
from lor.models import label
from lor.report import desk_report_html
from lor.text import plural

desk = ui.session_desk()

if desk is None:  # a student's session in class mode: make a desk for an advisor
    st.title("Advisor desk")
    st.caption("For advisors: one page that lists every advisee who shared a plan with you, neediest first.")
    ui.show_flash()  # e.g. the desk this tab had open was just closed
    if not ui.shared_mode():
        st.info("Advisor desks exist on a class deployment only (see the README).", icon="💻")
        st.stop()
    st.write(
        "Make a desk, then give your students its **join code**. Each student who enters it on their Share & "
        "backup page shares their plan with your desk, read-only, and can leave at any time. The desk shows "
        "who has an overdue step, a missing required letter or a writer who has not answered; it can never "
        "change a plan."
    )
    with st.form("desk-create-form"):
        name = st.text_input("Desk name", key="desk-create-name", placeholder="Dr. Lee's advisees, Class of 2027")
        made = st.form_submit_button("Create the desk", key="desk-create", type="primary")
    if made and st.session_state.get("lor-desk-made-name") == " ".join(name.split()):
        made = False  # a second press of the same form (a double click) shows the desk just made, not a new one
    if made:
        try:
            token, code = ui.create_desk(name)  # a few per network address and per server, each hour
        except ValueError as exc:
            st.error(ui.md(str(exc)))
        else:
            st.session_state["lor-desk-made"] = (token, code)
            st.session_state["lor-desk-made-name"] = " ".join(name.split())
    if "lor-desk-made" in st.session_state:
        token, code = st.session_state["lor-desk-made"]
        st.success("Your desk is ready.", icon="✅")
        st.write(
            "**Desk link**: bookmark it now. It is the only way into your desk, and anyone with it sees "
            "every plan on the desk, so keep it to yourself (or share it only with a co-advisor)."
        )
        st.code(ui.link_to("desk", token), language=None)
        st.write("**Join code** for your students (they enter it on Share & backup):")
        st.code(code, language=None)
        if st.button("Open my desk", key="desk-open-new", type="primary"):
            st.session_state.pop("lor-desk-made")
            ui.open_desk_here(token)
    st.stop()

if ui.desk_opening():  # a row was just opened: the advisee's Dashboard first
    st.switch_page("pages/dashboard.py")

today = ui.today()
st.title(ui.md(desk.name))
st.caption("Advisor desk: every student who shared a plan with this desk, the ones who need help first.")
ui.show_flash()
st.info("Read-only: nothing on this desk, or on a plan opened from it, can change a student's plan.", icon="👁️")

with st.container(border=True):
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(f"**Join code for students:** `{desk.join_code}`")
    left.caption(
        "Students enter it on their Share & backup page. A new code stops the old one from working; students "
        "who already joined stay."
    )
    if not st.session_state.get("lor-rotate-pending"):
        if right.button("Make a new join code", key="desk-rotate"):
            st.session_state["lor-rotate-pending"] = True
            st.rerun()
    else:
        right.warning(
            f"The code {desk.join_code} stops working at once: students who have not joined yet need the new one. "
            "Students already on the desk stay."
        )
        if right.button("Yes, make a new code", key="desk-rotate-confirm", type="primary"):
            st.session_state.pop("lor-rotate-pending", None)
            ui.flash("success", f"New join code: {desk.rotate_join_code()}. The old code no longer works.")
            st.rerun()
        if right.button("Cancel", key="desk-rotate-cancel"):
            st.session_state.pop("lor-rotate-pending", None)
            st.rerun()
    st.caption("This page's address is your desk link: bookmark it and keep it to yourself.")

rows = ui.desk_rows(desk, today)
names = desk_names(rows)  # rows come in join order: a shared name keeps its number
notes = desk.notes()  # the advisor's own, kept with the desk
with (
    st.expander("Manage this desk: remove a student, joined and left, close the desk"),
    st.container(key="desk-manage"),
):
    ui.desk_management(desk, rows, names)  # changes the desk, never a plan
if not rows:
    st.write("No student has joined yet. Give your students the join code above.")
    st.stop()

pathways, specialties = choices(rows)
f0, f1, f2 = st.columns([2, 1, 1])
statuses = f0.multiselect("Status", STATUSES, key="desk-status", placeholder="Any status")
pathway = f1.selectbox(
    "Application type", [None, *pathways], format_func=lambda p: "Any" if p is None else label(p), key="desk-pathway"
)
specialty = f2.selectbox(
    "Specialty", [None, *specialties], format_func=lambda s: "Any" if s is None else label(s), key="desk-specialty"
)
shown = by_need(filter_by_status(filter_rows(rows, pathway=pathway, specialty=specialty), statuses))
helping = sum(r.needs_help for r in rows)
st.markdown(
    f"**{plural(len(shown), 'student')}** shown of {len(rows)}; **{helping}** of {len(rows)} need help (not "
    "started, an overdue step, a missing required letter or a writer not answering). The most urgent come first: "
    "the reasons weigh more the sooner the deadline."
)

count = st.column_config.NumberColumn
day = st.column_config.DateColumn
table = table_rows(shown)
for cells, row in zip(table, shown, strict=True):
    cells["Student"] = names[row.plan_id]
    cells["Note"] = notes.get(row.plan_id, "")
picked = st.dataframe(
    table,
    hide_index=True,
    key="desk-table",
    on_select="rerun",
    selection_mode="single-row",
    height=min(35 * (len(shown) + 1) + 3, 640),  # a dozen advisees without a scrollbar; a class scrolls
    column_config={
        "Student": st.column_config.TextColumn(width="medium"),
        "Status": st.column_config.TextColumn(
            help=f"Not started: no application or no letter yet. Needs help: an overdue step, a missing required "
            f"letter or a writer not answering. Inactive: no change for {INACTIVE_DAYS} days or more."
        ),
        "Why": st.column_config.TextColumn(width="large", help="The one or two most urgent reasons"),
        "Nearest due": day(format="MMM D, YYYY", help="The nearest letter deadline still ahead"),
        "Due for": st.column_config.TextColumn(width="medium"),
        "Overdue steps": count(
            "Overdue", help="The student's steps whose day has passed (not one waiting on a writer)", width="small"
        ),
        "Missing required letters": count(
            "Missing", help="Required letter-mix checks that fail, a program's unmet requirement included"
        ),
        "Writers not answering": count("Silent", help=f"Writers asked more than {STILL_DAYS} days ago, no answer yet"),
        "Letters in": count("In", help="Letters the writers have submitted", width="small"),
        "Letters needed": count("Needed", help="Letters the applications need (the most any one requires)"),
        "Applications": count("Apps", help="Applications in the plan", width="small"),
        "Last change": day(format="MMM D, YYYY", help="When the student last changed the plan"),
        "Note": st.column_config.TextColumn(width="medium", help="Your private note (students never see it)"),
    },
)
ui.remember_order([r.plan_id for r in shown])  # Previous and Next student follow the desk's order
selected = picked.selection.rows if picked else []
if selected:
    ui.open_from_desk(shown[selected[0]].plan_id)

if not shown:
    st.write("No student matches these filters.")
    st.stop()
with st.container(horizontal=True, vertical_alignment="bottom"):
    who = st.selectbox(
        "Open a student's plan (read-only)",
        range(len(shown)),
        format_func=lambda i: names[shown[i].plan_id],
        key="desk-student",
    )
    if st.button("Open plan", key="desk-open", type="primary") and who is not None:
        ui.open_from_desk(shown[who].plan_id)
    ui.download_button(
        None,
        "Download the table (CSV)",
        lambda: desk_csv(shown, names=names, notes=notes),
        kind="desk-csv",
        file_name=f"lor-desk-{today.isoformat()}.csv",
        mime="text/csv",
        key="desk-csv",
    )
    ui.download_button(
        None,
        "Desk report (HTML, prints)",
        partial(desk_report_html, desk.name, shown, names=names, notes=notes, today=today),
        kind="desk-report",
        file_name=f"lor-desk-report-{today.isoformat()}.html",
        mime="text/html",
        key="desk-report",
    )

if who is not None:
    ui.desk_note(desk, shown[who].plan_id, names[shown[who].plan_id], notes.get(shown[who].plan_id, ""))
