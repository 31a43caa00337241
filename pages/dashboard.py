"""Dashboard: the student's whole situation on one screen."""

import streamlit as st
from pydantic import ValidationError

from lor import ui
from lor.example import load_example
from lor.models import SPECIALTIES, STATUSES, Milestone, Student, label
from lor.overview import step_when
from lor.text import asked_words, plural

ws = ui.page_header(
    "Dashboard",
    "Your letters at a glance: what to do this week and what each application still needs.",
    advisor="The student's letters at a glance: what is due this week and what each application still needs.",
)
today = ui.today()
ui.private_link_notice()
ui.show_flash()
EXAMPLE_LOADED_KEY = "dashboard-example-loaded"
if st.session_state.pop(EXAMPLE_LOADED_KEY, False):
    ui.scroll_to_top()  # the button sat at the bottom of the empty page: start the new one at its top

plan = ui.snapshot(ws)  # one read of the records per plan version, shared with the sidebar
SPECIALTY_CHOICES: list[str] = ["", *SPECIALTIES]


def student_form(student: Student | None, *, expanded: bool) -> None:
    """The student's own details (used in email drafts and request sheets); a save is confirmed."""
    title = "Your details" if student else "Your details: add your name for email drafts"
    with st.expander(title, expanded=expanded, icon="🪪"), st.form("student-form", border=False):
        status = st.container()  # a save that fails says so here, above the fields, not below the page
        name = st.text_input("Your name", value=student.name if student else "", key="student-name")
        email = st.text_input("Your email", value=(student.email or "") if student else "", key="student-email")
        school = st.text_input("School or program", value=student.school if student else "", key="student-school")
        cols = st.columns(3)
        # 0 and "" stand for "not set" in the choices (a form sends them like any other choice), None when saved.
        years = [0, *range(today.year - 5, today.year + 9)]
        current = (student.graduation_year or 0) if student else 0
        if current not in years:
            years.append(current)
        year = cols[0].selectbox(
            "Graduation year",
            years,
            index=years.index(current),
            format_func=lambda y: str(y) if y else "Not set",
            key="student-year",
        )
        aim = (student.target_specialty or "") if student else ""
        choices = SPECIALTY_CHOICES if aim in SPECIALTY_CHOICES else [*SPECIALTY_CHOICES, aim]
        specialty = cols[1].selectbox(
            "Specialty you're aiming for",
            choices,
            index=choices.index(aim),
            format_func=lambda s: label(s) if s else "Not decided",
            key="student-specialty",
        )
        phone = cols[2].text_input("Phone (for writers)", value=student.phone if student else "", key="student-phone")
        if st.form_submit_button("Save my details", key="student-save", type="primary"):
            try:
                ws.save_student(
                    Student(
                        name=name,
                        email=email,
                        school=school,
                        graduation_year=int(year) or None,
                        target_specialty=specialty or None,
                        phone=phone,
                    )
                )
            except ValidationError as exc:
                ui.show_validation_error(exc, prefix="Not saved:")
            except ui.DatabaseUnavailable as exc:
                ui.details_not_saved(exc, status)
            else:
                ui.flash("toast", "Saved your details.")
                st.rerun()


if plan.is_empty() and ws.read_only:
    st.info("The student has not added any application, writer or letter to this plan yet.", icon="📭")
    st.stop()
if plan.is_empty():
    st.subheader("Welcome: three first steps")
    with st.container(key="links-first-steps"):  # underlined: they are links (ui.phone_fixes)
        ui.page_link("recommenders", "1. Add an application, then the people who might write for you", icon="🧭")
        ui.page_link(
            "recommenders",
            "2. Plan a letter with your strongest writers: the Timeline picks a good day to ask",
            icon="📝",
        )
        ui.page_link("letters", "3. Track each letter, from the ask to the thank-you", icon="✉️")
    if not ws.read_only:
        student_form(plan.student(), expanded=plan.student() is None)
        st.write("Or look around first with a complete example plan (you can start over at any time).")
        if st.button("Load example plan", key="dashboard-load-example"):
            load_example(ws, today)
            ui.flash(
                "success",
                "Loaded the example plan of Jordan Rivera: look around, change anything. "
                "To start your own, use Start over on Share & backup.",
            )
            st.session_state[EXAMPLE_LOADED_KEY] = True
            st.rerun()
    st.stop()

student = plan.student()
if not ws.read_only:
    student_form(student, expanded=False)

ov = ui.overview(ws, today)
names = ov.mentor_names


def step_card(m: Milestone) -> None:
    """One step due this week: overdue ones marked with the day they were planned for; Done when it can be."""
    late = m.overdue or m.day < today
    with st.container(border=True):
        text, action = ui.step_row()
        text.markdown(f"**{ui.md(m.title)}**  \n{'🔴' if late else '🗓️'} {step_when(m, today)}")
        if ui.step_done(ws, m, today, key=f"dash-done-{m.uid}", text=text, action=action, place="dash-week"):
            st.rerun()


left, right = st.columns([3, 2], gap="large")

with left:
    st.subheader("This week")
    ui.change_notice(ws, "dash-week")  # what a Done here changed, with Undo
    week = ov.this_week()
    if not week:
        st.write("Nothing due in the next 7 days. A good week to thank someone or check in with a writer.")
    for m in week[: ui.LAZY_AFTER]:
        step_card(m)
    if ui.lazy_for(len(week)):  # a long week: the most urgent steps first, the rest in a lazy panel
        more = week[ui.LAZY_AFTER :]
        # The count goes in a caption: a panel whose label changed would close after every Done.
        st.caption(f"{plural(len(more), 'more step')} due this week.")
        with ui.panel("The rest of this week", key="dash-week-more", lazy=True) as shown:
            for m in more if shown else []:
                step_card(m)

    st.subheader("Applications")
    for app in ov.applications:
        mix = ov.mixes[app.id]
        failing_required = [c for c in mix.checks if c.required and not c.ok]
        advice = [c for c in mix.checks if not c.required and not c.ok]
        icon = "❌" if failing_required else ("⚠️" if advice else "✅")
        due = ov.due_line(app)  # the nearest date first: a committee's can come months before the portal's
        with st.container(border=True):
            st.markdown(f"{icon} **{ui.md(app.name)}** · {ui.md(app.portal)} · {due}")
            for check in failing_required:
                st.markdown(f"❌ {ui.md(check.message)}")
            for check in advice[:2]:
                st.markdown(f"⚠️ {ui.md(check.message)}")
            if not failing_required and not advice:
                st.caption("Every letter-mix check passes.")
            ui.page_link("faq", "Which letters does this need?", icon="💡", topic="mix")

with right:
    counts = ov.status_counts()
    present = [s for s in STATUSES if counts[s]]
    if present:  # no heading over an empty section
        st.subheader("Letters by status")
        with st.container(horizontal=True, wrap=True, gap="medium"):  # in the pipeline's order on a phone too
            for status in present:
                st.metric(label(status), counts[status], width=110)

    waiting = ov.waiting_on()
    st.subheader("Waiting for an answer")
    if not waiting:
        st.caption("No writer owes the student a reply." if ws.read_only else "No writer owes you a reply.")
    for letter in waiting:
        when = asked_words((today - letter.asked_on).days if letter.asked_on else None)
        st.markdown(f"- {ui.md(names.get(letter.mentor_id, '?'))}: {when}")

    cards = ui.cards(ws, today)
    if cards:
        st.subheader("For you now")
        for card in cards:
            st.info(f"**{ui.md(card.title)}**{card.separator}{ui.md(card.reason)}")
            ui.page_link("faq", "Read more", icon="💡", topic=card.slug)
