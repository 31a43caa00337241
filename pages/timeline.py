"""Timeline: this week's steps, the plan on a calendar, the busy times of the year, and calendar files.

Read-only (advisor) mode shows the calendars and lists; the only controls left are downloads, because a
download changes nothing in the plan.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import partial
from typing import Any

import streamlit as st
from pydantic import ValidationError
from streamlit_calendar import calendar

from lor import ui
from lor.busy import DEFAULT_PERIODS, HOLIDAYS_KEY, calendar_note, default_period, effective_calendar
from lor.charts import (
    CALENDAR_SHADE_TEXT,
    calendar_events,
    calendar_legend,
    mentor_gantt,
    unique_periods,
    who_text,
    year_calendar,
)
from lor.export import letters_csv, plan_csv
from lor.ics import milestones_to_ics
from lor.models import (
    BUFFER_SETTING,
    BUSY_SETTING,
    ROLES,
    SPECIALTIES,
    BusyPeriod,
    Mentor,
    Milestone,
    PlanSettings,
    label,
)
from lor.overview import step_when
from lor.planner import this_week, workspace_plan
from lor.sources import source_line
from lor.store import Workspace
from lor.text import day_text, plural, step_label
from lor.timing import timing

CALENDAR_KEY = "timeline-calendar"
HANDLED_KEY = "timeline-calendar-handled"  # the last calendar value acted on (it repeats on reruns)
SELECTED_KEY = "timeline-selected"  # the uid of the step whose details are shown
BUFFER_KEY = "timeline-buffer-days"
WHO_CHOICES = ("everyone", *ROLES, *SPECIALTIES)
# Long caution periods (interview season) would repeat their name on every week row; avoid ones keep it.
# Busy shading is opaque (its colour is already light) so the period's name keeps its contrast.
CALENDAR_CSS = (
    ".lor-busy-caution .fc-event-title { display: none; } "
    f".fc .fc-bg-event {{ opacity: 1; }} .fc .fc-bg-event .fc-event-title {{ color: {CALENDAR_SHADE_TEXT}; }}"
    " .fc .fc-toolbar-title { font-size: 1.3em; }"
)
NARROW = 640  # px: Streamlit stacks columns below this width too
# The layout that doesn't fit is folded to no height rather than display:none, so it keeps its width and its
# own height: a calendar drawn inside display:none measures 0 px and stays empty when a phone turns sideways.
_FOLDED = "height: 0 !important; min-height: 0 !important; overflow: hidden !important; visibility: hidden;"
_FOLDED += " margin-top: -1rem;"  # the column's gap before it
NARROW_CSS = f"""<style>
@media (max-width: {NARROW}px) {{
  .st-key-timeline-calendar, .st-key-timeline-year-chart {{ {_FOLDED} }}
}}
@media (min-width: {NARROW + 1}px) {{
  .st-key-timeline-calendar-list, .st-key-timeline-year-chart-stacked {{ {_FOLDED} }}
}}
</style>"""
SEVERITY_WORDS = {"avoid": "Avoid: never ask then", "caution": "Caution: ask then only if nothing else fits"}


def file_slug(text: str) -> str:
    """A name made safe for a download's file name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "writer"


def week_row(ws: Workspace, step: Milestone, today: date) -> None:
    """One step due this week: when (overdue ones with the day they were planned for), what, and Done when
    it can be done now."""
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.markdown(f"**{ui.md(step_when(step, today))}** · {ui.md(step.title)}")
    if step.note:
        left.caption(ui.md(step.note))
    outcome = ui.step_done(ws, step, today, key=f"tl-done-{step.uid}", text=left, action=right)
    if outcome:
        ui.flash(*outcome)
        st.rerun()


def on_toggle_default(ws: Workspace, key: str) -> None:
    """Save a default period switched on or off (runs before the page, so the plan uses it at once)."""
    busy = PlanSettings.read(ws.settings()).busy
    ws.set_setting(BUSY_SETTING, busy.switched(key, on=st.session_state[f"timeline-busy-{key}"]).stored())


def on_buffer_change(ws: Workspace) -> None:
    """Save the buffer in days before the real deadline."""
    ws.set_setting(BUFFER_SETTING, int(st.session_state[BUFFER_KEY]))


def timeline_of(plan: ui.PlanSnapshot, today: date) -> dict[str, Any]:
    """What the page draws from the plan and the day alone: the plan, the planner's notes, the calendar events
    and both figures. The page gets it through ui.per_plan, once per plan version."""
    mentors, applications, letters = plan.mentors(), plan.applications(), plan.letters()
    settings = PlanSettings.read(plan.settings())
    planned = workspace_plan(
        mentors, applications, letters, settings=settings, today=today, buffer_days=settings.buffer_days
    )
    milestones = planned.milestones
    # The windows the pictures cover: a year from this week; the Gantt from two weeks ago to the last step.
    year_start = today - timedelta(days=today.weekday())
    year_end = year_start + timedelta(weeks=53) - timedelta(days=1)
    gantt_start = today - timedelta(days=14)
    gantt_end = max([today + timedelta(days=90), *(m.day for m in milestones)]) + timedelta(days=7)
    span_end = max([year_end, gantt_end, *(a.deadline + timedelta(days=14) for a in applications)])
    year_periods = [
        p
        for p in (
            unique_periods(planned.busy.values())
            if mentors
            else effective_calendar(gantt_start, span_end, settings=settings.busy)
        )
        if p.start <= span_end and p.end >= gantt_start
    ]
    # Planner notes: what it had to compromise (a late start, a busy window), one box per letter.
    by_mentor = {m.id: m for m in mentors}
    by_app = {a.id: a for a in applications}
    notes = [
        (by_mentor[x.mentor_id].name, by_app[x.application_id].name, planned.warnings[x.id])
        for x in letters
        if x.id in planned.warnings
    ]
    names = {m.id: m.name for m in mentors}
    return {
        "milestones": milestones,
        "notes": notes,
        "steps_by_mentor": planned.steps_by_mentor(),
        "events": calendar_events(milestones, year_periods, names=names) if milestones else [],
        "year_figure": year_calendar(year_periods, milestones, start=year_start, end=year_end),
        "year_figure_stacked": year_calendar(year_periods, milestones, start=year_start, end=year_end, stacked=True),
        "gantt_figure": (
            mentor_gantt(mentors, planned.busy, milestones, start=gantt_start, end=gantt_end, today=today)
            if mentors and milestones
            else None
        ),
    }


ws = ui.page_header(
    "Timeline",
    "When to ask each writer, send the packet and the two reminders — planned around the busy times "
    "of the academic year.",
)
today = ui.today()
st.html(NARROW_CSS)  # which calendar and heat map fit the window (see NARROW_CSS)
ui.show_flash()

plan = ui.snapshot(ws)
mentors = plan.mentors()
applications = plan.applications()
letters = plan.letters()
settings = PlanSettings.read(plan.settings())
busy, buffer_days = settings.busy, settings.buffer_days
by_mentor = {m.id: m for m in mentors}
by_app = {a.id: a for a in applications}
names = {m.id: m.name for m in mentors}
drawn = ui.per_plan(ws, "timeline", timeline_of, today)
milestones = drawn["milestones"]
lazy = ui.lazy_for(len(mentors))  # many writers: their files and busy-period rows wait until a panel is opened

if not letters:
    st.info(
        "Nothing is planned yet. First step: add an application and plan a letter on "
        "*Choose recommenders*; its ask, packet and reminders then appear here on a calendar.",
        icon="👋",
    )
    ui.page_link("recommenders", "Go to Choose recommenders", icon="🧭")

for writer_name, application_name, warnings in drawn["notes"]:
    lines = "\n".join(f"- {ui.md(w)}" for w in warnings)
    st.warning(f"**{ui.md(writer_name)}** ({ui.md(application_name)})\n\n{lines}", icon="🗓️")

# This week
if letters:
    st.subheader("This week")
    week = this_week(milestones, today)
    if not week:
        st.write("Nothing is due in the next 7 days. 🎉")
    for step in week[: ui.LAZY_AFTER]:
        week_row(ws, step, today)
    if ui.lazy_for(len(week)):  # a long week: the most urgent steps first, the rest in a lazy panel
        more = week[ui.LAZY_AFTER :]
        # The count goes in a caption: a panel whose label changed would close after every Done.
        st.caption(f"{plural(len(more), 'more step')} due this week.")
        with ui.panel("The rest of this week", key="timeline-week-more", lazy=True) as shown:
            for step in more if shown else []:
                week_row(ws, step, today)

# The month calendar (first of the pictures, and never inside a tab: FullCalendar renders badly there).
if milestones:
    st.subheader("Calendar")
    st.caption(calendar_legend())
    # Both layouts are drawn and CSS shows the one that fits (NARROW_CSS): Streamlit 1.67 can't tell the page
    # the window's width, and a media query decides in the browser, with no rerun and no extra component.
    options = {
        "initialDate": today.isoformat(),
        "now": today.isoformat(),
        "timeZone": "UTC",
        "firstDay": 1,
        "dayMaxEvents": 4,
        # Words, not icon fonts: the icons are images without a text alternative for screen readers.
        "buttonIcons": False,
        "buttonText": {"prev": "‹ Previous", "next": "Next ›", "month": "Month", "list": "List"},
    }
    layouts = {
        CALENDAR_KEY: {
            "initialView": "dayGridMonth",
            "headerToolbar": {"left": "prev,next", "center": "title", "right": "dayGridMonth,listMonth"},
        },
        f"{CALENDAR_KEY}-list": {  # a phone: the month as a list, each step on its own full-width line
            "initialView": "listMonth",
            "headerToolbar": {"left": "prev,next", "center": "", "right": "title"},
            "height": "auto",
        },
    }
    for key, layout in layouts.items():
        clicked = calendar(
            events=drawn["events"],
            options={**options, **layout},
            custom_css=CALENDAR_CSS,
            callbacks=["eventClick"],
            key=key,
        )
        handled = f"{HANDLED_KEY}-{key}"
        if clicked and clicked != st.session_state.get(handled):
            st.session_state[handled] = clicked
            if clicked.get("callback") == "eventClick":
                event = (clicked.get("eventClick") or {}).get("event") or {}
                st.session_state[SELECTED_KEY] = event.get("id")

    selected_uid = st.session_state.get(SELECTED_KEY)
    selected = next((m for m in milestones if m.uid == selected_uid), None) if selected_uid else None
    if selected is not None:
        letter = next((r for r in letters if r.id == selected.request_id), None)
        writer = by_mentor.get(selected.mentor_id or "")
        application = by_app.get(selected.application_id or "")
        with st.container(border=True):
            st.markdown(f"**{ui.md(step_label(selected.kind))}** · {ui.md(day_text(selected.day))}")
            st.markdown(ui.md(selected.title))
            st.markdown(
                f"Writer: {ui.md(writer.name if writer else '—')}  \n"
                f"Application: {ui.md(application.name if application else '—')}  \n"
                f"Letter status: {ui.md(label(letter.status) if letter else '—')}"
            )
            if selected.note:
                st.caption(ui.md(selected.note))
            if selected.done:
                st.success("Done ✓")
            if not ws.read_only:
                left, right = st.columns(2)
                if not selected.done:
                    outcome = ui.step_done(
                        ws, selected, today, key="timeline-event-done", text=st, action=left, label="Mark done"
                    )
                    if outcome:
                        ui.flash(*outcome)
                        st.rerun()
                if right.button("Close", key="timeline-event-close"):
                    st.session_state.pop(SELECTED_KEY, None)
                    st.rerun()
    else:
        st.caption(
            "Click a step on the calendar to see its letter."
            if ws.read_only
            else "Click a step on the calendar to see its letter and mark it done."
        )

st.subheader("The year at a glance")
whose = "the student's" if ws.read_only else "your"
st.caption(
    f"Each square is a day: shaded when {whose} writers are busy (hover for the reason), with {whose} steps on top."
)
st.plotly_chart(
    drawn["year_figure"],
    width="stretch",
    config={"displayModeBar": False},
    key="timeline-year-chart",
)
st.plotly_chart(  # the same year for a phone, months stacked (NARROW_CSS shows one of the two)
    drawn["year_figure_stacked"],
    width="stretch",
    config={"displayModeBar": False},
    key="timeline-year-chart-stacked",
)

if drawn["gantt_figure"] is not None:
    st.subheader("By writer")
    st.caption("Each writer's busy times, and each letter from the ask to its due date.")
    st.plotly_chart(
        drawn["gantt_figure"],
        width="stretch",
        config={"displayModeBar": False},
        key="timeline-gantt",
    )

if milestones:
    st.subheader("Downloads")
    st.caption(
        "Calendar files (.ics) open in Google Calendar, Outlook and Apple Calendar, with a reminder before "
        "each step. The spreadsheet files open in Excel or Google Sheets."
    )
    stamp = today.isoformat()
    # Each file is made once per version of the plan (ui.download_button), not on every run of the page.
    left, middle, right = st.columns(3)
    ui.download_button(
        ws,
        "Whole plan (.ics)",
        partial(milestones_to_ics, milestones, calendar_name="LOR plan"),
        kind="plan-ics",
        args=(today,),
        file_name=f"lor-plan-{stamp}.ics",
        mime="text/calendar",
        key="timeline-ics-all",
        where=left,
    )
    ui.download_button(
        ws,
        "Plan as a spreadsheet (.csv)",
        lambda: plan_csv(milestones, names=names | {a.id: a.name for a in applications}).encode("utf-8-sig"),
        kind="plan-csv-bom",
        args=(today,),
        file_name=f"lor-plan-{stamp}.csv",
        mime="text/csv",
        key="timeline-csv-plan",
        where=middle,
    )
    ui.download_button(
        ws,
        "Letters as a spreadsheet (.csv)",
        lambda: letters_csv(letters, mentors, applications).encode("utf-8-sig"),
        kind="letters-csv-bom",
        file_name=f"lor-letters-{stamp}.csv",
        mime="text/csv",
        key="timeline-csv-letters",
        where=right,
    )
    with ui.panel("A calendar file for one writer", key="timeline-writer-files", lazy=lazy) as shown:
        writers = mentors if shown else []  # a closed lazy panel draws nothing
        for mentor in writers:
            steps = drawn["steps_by_mentor"].get(mentor.id)
            if steps:
                ui.download_button(
                    ws,
                    f"{ui.md(mentor.name)} (.ics)",
                    partial(milestones_to_ics, steps, calendar_name=f"LOR plan: {mentor.name}"),
                    kind="writer-ics",
                    args=(today, mentor.id),
                    file_name=f"lor-plan-{file_slug(mentor.name)}-{stamp}.ics",
                    mime="text/calendar",
                    key=f"timeline-ics-{mentor.id}",
                )

# Settings
st.subheader("Settings")
with st.expander("Ask early: a buffer before the real deadline"):
    st.write(
        "Many advisors suggest the “2-2-2” habit: ask about 2 months ahead, remind about 2 weeks before, "
        "and give your writers a date 1–2 weeks before the real deadline, so a late letter still arrives "
        "in time. The planner then counts every step back from that earlier date."
    )
    if ws.read_only:
        st.write(f"Buffer: {buffer_days} days.")
    else:
        st.number_input(
            "Days before the real deadline to give your writers",
            min_value=0,
            max_value=timing().max_buffer_days,
            value=min(buffer_days, timing().max_buffer_days),
            step=1,
            key=BUFFER_KEY,
            on_change=on_buffer_change,
            args=(ws,),
            help="0 means writers get the real deadline. 7–14 days is a common buffer.",
        )

with ui.panel("Busy periods: when not to ask", key="timeline-busy-periods", lazy=lazy) as shown:
    if not shown:
        st.stop()  # this panel is the end of the page: a closed lazy panel leaves nothing more to draw
    st.info(calendar_note(), icon="📅")
    st.write(
        "**Avoid** days are never used for an ask; **caution** days are used only when nothing else fits "
        "the window. Switch off a period that doesn't apply to your writers."
    )
    for period in DEFAULT_PERIODS:
        source = source_line(period.source, period.checked)
        facts = f"{period.dates} · {who_text(period.who)} · {period.severity} · {source}"
        if ws.read_only:
            state = "off" if period.key in busy.disabled else "on"
            st.markdown(f"**{ui.md(period.name)}** ({state})")
        else:
            st.toggle(
                period.name,
                value=period.key not in busy.disabled,
                key=f"timeline-busy-{period.key}",
                on_change=on_toggle_default,
                args=(ws, period.key),
                help=period.note or None,
            )
        st.caption(ui.md(facts))

    if not ws.read_only:
        st.markdown("**Move a period for one year**")
        movable = [p for p in DEFAULT_PERIODS if p.key != HOLIDAYS_KEY]
        period_names = {p.key: p.name for p in movable}
        cols = st.columns(2)
        move_key = cols[0].selectbox(
            "Period", list(period_names), format_func=period_names.get, key="timeline-move-period"
        )
        move_year = cols[1].selectbox(
            "In the year it starts",
            [today.year - 1, today.year, today.year + 1],
            index=1,
            key="timeline-move-year",
        )
        shown_dates = busy.moved.get(f"{move_key}:{move_year}") or default_period(move_key, move_year)
        first, last = (shown_dates.start, shown_dates.end) if shown_dates else (today, today)
        cols = st.columns(2)
        new_first = cols[0].date_input("First day", value=first, key=f"timeline-move-{move_key}-{move_year}-start")
        new_last = cols[1].date_input("Last day", value=last, key=f"timeline-move-{move_key}-{move_year}-end")
        if st.button("Save these dates", key="timeline-move-save"):
            try:
                BusyPeriod(name=period_names[move_key], start=new_first, end=new_last)
            except ValidationError as exc:
                ui.show_validation_error(exc)
            else:
                ws.set_setting(BUSY_SETTING, busy.moved_to(move_key, move_year, new_first, new_last).stored())
                ui.flash("success", f"{period_names[move_key]} {move_year} now runs {new_first} – {new_last}.")
                st.rerun()

    if busy.moved:
        st.markdown("**Moved periods**")
    for moved_key, dates in sorted(busy.moved.items()):
        key, _, year = moved_key.partition(":")
        name = next((p.name for p in DEFAULT_PERIODS if p.key == key), key)
        text = f"{name} {year}: {dates.start} – {dates.end}"
        if ws.read_only:
            st.write(ui.md(text))
            continue
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.write(ui.md(text))
        if right.button("Undo", key=f"timeline-moved-{key}-{year}-undo"):
            ws.set_setting(BUSY_SETTING, busy.unmoved(moved_key).stored())
            st.rerun()

    st.markdown("**Your own busy periods**")
    st.caption("A time when asking would be a bad idea for everyone you ask, or for one role or specialty.")
    for i, item in enumerate(busy.custom):
        text = f"{item.name} · {item.start} – {item.end} · {item.severity} · {who_text(item.who)}"
        if ws.read_only:
            st.write(ui.md(text))
            continue
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.write(ui.md(text))
        if right.button("Remove", key=f"timeline-custom-{i}-delete"):
            ws.set_setting(BUSY_SETTING, busy.without_custom(i).stored())
            st.rerun()
    if not ws.read_only:
        with st.form("timeline-custom-form", clear_on_submit=True):
            name = st.text_input("What is it?", key="timeline-custom-name", placeholder="e.g. Department retreat")
            cols = st.columns(2)
            first = cols[0].date_input("First day", value=today, key="timeline-custom-start")
            last = cols[1].date_input("Last day", value=today, key="timeline-custom-end")
            cols = st.columns(2)
            severity = cols[0].selectbox(
                "How busy",
                ["avoid", "caution"],
                format_func=SEVERITY_WORDS.get,
                key="timeline-custom-severity",
            )
            who = cols[1].selectbox("Who it affects", WHO_CHOICES, format_func=label, key="timeline-custom-who")
            if st.form_submit_button("Add busy period"):
                try:
                    period = BusyPeriod(
                        name=name, start=first, end=last, severity=severity, who=who, source="Added by you"
                    )
                except ValidationError as exc:
                    ui.show_validation_error(exc)
                else:
                    ws.set_setting(BUSY_SETTING, busy.with_custom(period).stored())
                    ui.flash("success", f"Added {period.name}.")
                    st.rerun()

    st.markdown("**Each writer's own busy times**")
    st.caption("Weeks on service, vacation, their conferences: no ask is planned for them then.")
    for mentor in mentors:
        for i, period in enumerate(mentor.busy):
            text = (
                f"{mentor.name} — {period.name} · {day_text(period.start)} – {day_text(period.end)} · {period.severity}"
            )
            if ws.read_only:
                st.write(ui.md(text))
                continue
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.write(ui.md(text))
            if right.button("Remove", key=f"timeline-mentor-{mentor.id}-busy-{i}-delete"):
                ws.save_mentor(mentor.model_copy(update={"busy": mentor.busy[:i] + mentor.busy[i + 1 :]}))
                st.rerun()
    if mentors and not ws.read_only:
        with st.form("timeline-mentor-busy-form", clear_on_submit=True):
            cols = st.columns(2)
            mentor_id = cols[0].selectbox(
                "Writer", list(names), format_func=names.get, key="timeline-mentor-busy-writer"
            )
            name = cols[1].text_input("What is it?", key="timeline-mentor-busy-name", placeholder="e.g. On service")
            cols = st.columns(3)
            first = cols[0].date_input("First day", value=today, key="timeline-mentor-busy-start")
            last = cols[1].date_input("Last day", value=today, key="timeline-mentor-busy-end")
            severity = cols[2].selectbox(
                "How busy",
                ["avoid", "caution"],
                format_func=SEVERITY_WORDS.get,
                key="timeline-mentor-busy-severity",
            )
            if st.form_submit_button("Add to this writer"):
                mentor = by_mentor[mentor_id]
                try:
                    period = BusyPeriod(
                        name=name,
                        start=first,
                        end=last,
                        severity=severity,
                        who=mentor.name,
                        source="Added by you",
                    )
                    updated = Mentor.model_validate({**mentor.model_dump(), "busy": [*mentor.busy, period]})
                except ValidationError as exc:
                    ui.show_validation_error(exc)
                else:
                    ws.save_mentor(updated)
                    ui.flash("success", f"Added {period.name} for {mentor.name}.")
                    st.rerun()
