"""What the Timeline page draws: this week's steps, the month calendar, the year at a glance, the per-writer chart,
the downloads, and the settings for the writer buffer and busy periods.

Read-only (advisor) mode shows the calendars and lists; the only controls left are downloads, because a
download changes nothing in the plan.

Long on purpose: one page's views, each a function the page lays out; they share the plan snapshot and the
busy-period choices, and splitting them by panel would scatter one page over several files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import streamlit as st
from pydantic import ValidationError
from streamlit_calendar import calendar  # type: ignore[import-untyped]

from lor import ui
from lor.busy import DEFAULT_PERIODS, HOLIDAYS_KEY, calendar_note, default_period
from lor.charts import CALENDAR_SHADE_TEXT, calendar_legend, who_text
from lor.export import letters_csv, plan_csv
from lor.ics import ALARMS_TEXT, milestones_to_ics
from lor.limits import full_message
from lor.models import (
    BUFFER_SETTING,
    BUSY_SETTING,
    ROLES,
    SPECIALTIES,
    BusyChoices,
    BusyPeriod,
    Mentor,
    Milestone,
    MovedPeriod,
    PlanSettings,
    label,
)
from lor.overview import step_when
from lor.planner import this_week
from lor.sources import source_line
from lor.store import Workspace
from lor.text import and_list, day_text, name_slug, plural, step_label
from lor.timeline import Timeline, timeline_of
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
    # The day's number stays on top of the shading, and a period's name starts below it, never across it.
    " .fc .fc-daygrid-day-top { position: relative; z-index: 3; }"
    # Another month's days: FullCalendar fades their number to 30 %, unreadable on the shading; grey instead.
    " .fc .fc-day-other .fc-daygrid-day-top { opacity: 1; color: #595959; }"
    " .fc .fc-daygrid-day .fc-bg-event .fc-event-title { margin-top: 1.9em; }"
)
NARROW = 640  # px: Streamlit stacks columns below this width too
# The layout that doesn't fit is folded to no height rather than display:none, so it keeps its width and its
# own height: a calendar drawn inside display:none measures 0 px and stays empty when a phone turns sideways.
_FOLDED = "height: 0 !important; min-height: 0 !important; overflow: hidden !important; visibility: hidden;"
_FOLDED += " max-height: 0 !important; flex: 0 0 0px !important;"  # a chart's box is sized by flex-basis, not height
_FOLDED += " margin-top: -1rem;"  # the column's gap before it
NARROW_CSS = f"""<style>
/* The picture switch: the theme's teal on its own tint is 4.47:1 when chosen and focused; near-black text is
   readable on every state, which the tint and border still tell apart. */
.st-key-timeline-view button p {{ color: #0B141B !important; }}
@media (max-width: {NARROW}px) {{
  .st-key-timeline-calendar, .st-key-timeline-year-chart {{ {_FOLDED} }}
}}
@media (min-width: {NARROW + 1}px) {{
  .st-key-timeline-calendar-list, .st-key-timeline-year-chart-stacked {{ {_FOLDED} }}
}}
</style>"""
CALENDAR_LAYOUTS: dict[str, dict[str, Any]] = {
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
VIEW_KEY = "timeline-view"
FILES_LAZY_AFTER = 150  # planned steps (about 16 letters): beyond this the whole-plan files are made on request
VIEWS = {"calendar": "Calendar", "year": "Year at a glance", "writers": "By writer"}
SEVERITY_WORDS = {"avoid": "Avoid: never ask then", "caution": "Caution: ask then only if nothing else fits"}


def week_row(ws: Workspace, step: Milestone, today: date) -> None:
    """One step due this week: when (overdue ones with the day they were planned for), what, and Done when
    it can be done now."""
    left, right = ui.step_row()
    left.markdown(f"**{ui.md(step_when(step, today))}** · {ui.md(step.title)}")
    if step.note:
        left.caption(ui.md(step.note))
    if ui.step_done(ws, step, today, key=f"tl-done-{step.uid}", text=left, action=right, place="timeline-week"):
        st.rerun()


def on_toggle_default(ws: Workspace, key: str) -> None:
    """Save a default period switched on or off (runs before the page, so the plan uses it at once)."""
    busy = PlanSettings.read(ws.settings()).busy
    ws.set_setting(BUSY_SETTING, busy.switched(key, on=st.session_state[f"timeline-busy-{key}"]).stored())


def on_buffer_change(ws: Workspace) -> None:
    """Save the buffer in days before the real deadline."""
    ws.set_setting(BUFFER_SETTING, int(st.session_state[BUFFER_KEY]))


def timeline(ws: Workspace, today: date) -> Timeline:
    """lor.timeline.timeline_of on this plan, once per plan version."""
    return ui.per_plan(ws, "timeline", timeline_of, today)


def figure(ws: Workspace, today: date, which: str) -> Any:
    """One of the Timeline's pictures ("events", "step-events", "year", "year-stacked", "gantt"), built once per
    plan version."""
    build = {
        "events": lambda t: t.events(),
        "step-events": lambda t: t.events(shading=False),
        "year": lambda t: t.year_figure(),
        "year-stacked": lambda t: t.year_figure(stacked=True),
        "gantt": lambda t: t.gantt_figure(),
    }[which]
    return ui.per_plan(ws, f"timeline-{which}", lambda plan, day: build(timeline(ws, day)), today)


@st.fragment
def pictures(ws: Workspace, today: date) -> None:
    """The plan in one picture at a time, chosen with a switch: the month calendar, the year at a glance, or each
    writer's chart. Only the chosen one is built and sent to the browser, and switching reruns this part alone.

    The advisor's read-only page shows every picture instead (a switch would be a control). A fragment: it reads
    the plan again (per version) on every run, so it never shows an older plan than the rest
    of the page; a Done in it reruns the whole page, because "This week" above changes too.
    """
    drawn = timeline(ws, today)
    shown = [k for k in VIEWS if k == "year" or drawn.milestones]
    if ws.read_only:  # the advisor's page has no controls but downloads: every picture, one under another
        for view in shown:
            {"calendar": lambda: calendar_section(ws, drawn, today), "year": lambda: year_section(ws, today)}.get(
                view, lambda: gantt_section(ws, today)
            )()
        return
    if len(shown) > 1:
        if st.session_state.get(VIEW_KEY) not in shown:
            st.session_state[VIEW_KEY] = shown[0]
        st.segmented_control(
            "Show", shown, format_func=lambda k: VIEWS[k], required=True, key=VIEW_KEY, label_visibility="collapsed"
        )
    chosen = st.session_state.get(VIEW_KEY) if len(shown) > 1 else shown[0]
    if chosen == "calendar":
        calendar_section(ws, drawn, today)
    elif chosen == "year":
        year_section(ws, today)
    else:
        gantt_section(ws, today)


def planner_notes(drawn: Timeline) -> None:
    """What the planner had to compromise, one box per letter."""
    for note in drawn.notes:
        lines = "\n".join(f"- {ui.md(w)}" for w in note.warnings)
        st.warning(f"**{ui.md(note.writer)}** ({ui.md(note.application)})\n\n{lines}", icon="🗓️")


def this_week_section(ws: Workspace, drawn: Timeline, today: date) -> None:
    """The steps due in the next 7 days, overdue first, each with Done; a long week keeps the rest in a panel."""
    st.subheader("This week")
    ui.change_notice(ws, "timeline-week")  # what a Done here changed, with Undo
    week = this_week(drawn.milestones, today)
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


def calendar_section(ws: Workspace, drawn: Timeline, today: date) -> None:
    """The month calendar (never inside a tab: FullCalendar renders badly there) and the clicked step's details."""
    st.subheader("Calendar")
    st.caption(calendar_legend())
    # Both layouts are drawn and CSS shows the one that fits (NARROW_CSS): Streamlit 1.67 can't tell the page
    # the window's width, and a media query decides in the browser, with no rerun and no extra component.
    options = {
        "initialDate": drawn.opening_day.isoformat(),  # the month of the first step still to come
        "now": today.isoformat(),
        "timeZone": "UTC",
        "firstDay": 1,
        "dayMaxEvents": 4,
        # Words, not icon fonts: the icons are images without a text alternative for screen readers.
        "buttonIcons": False,
        "buttonText": {"prev": "‹ Previous", "next": "Next ›", "month": "Month", "list": "List"},
    }
    # The phone's list view never shows background shading: it gets the steps alone, not the busy periods too.
    events = {CALENDAR_KEY: figure(ws, today, "events"), f"{CALENDAR_KEY}-list": figure(ws, today, "step-events")}
    for key, layout in CALENDAR_LAYOUTS.items():
        clicked = calendar(
            events=events[key],
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
    selected = next((m for m in drawn.milestones if m.uid == selected_uid), None) if selected_uid else None
    if selected is None:
        st.caption(
            "Click a step on the calendar to see its letter."
            if ws.read_only
            else "Click a step on the calendar to see its letter and mark it done."
        )
        return
    step_details(ws, selected, today)


def step_details(ws: Workspace, selected: Milestone, today: date) -> None:
    """The calendar step the student clicked: its letter, writer and application, with Mark done and Close."""
    plan = ui.snapshot(ws)
    letters = [r for r in plan.letters() if r.id in selected.letter_ids]
    writer = next((m for m in plan.mentors() if m.id == selected.mentor_id), None)
    apps = {a.id: a for a in plan.applications()}
    served = and_list(
        [apps[i].name for i in (selected.application_ids or [selected.application_id or ""]) if i in apps]
    )
    statuses = and_list(list(dict.fromkeys(label(r.status) for r in letters)))
    with st.container(border=True):
        st.markdown(f"**{ui.md(step_label(selected.kind))}** · {ui.md(day_text(selected.day))}")
        st.markdown(ui.md(selected.title))
        st.markdown(
            f"Writer: {ui.md(writer.name if writer else '—')}  \n"
            f"{'Applications' if len(selected.application_ids) > 1 else 'Application'}: {ui.md(served or '—')}  \n"
            f"{'Letters' if len(letters) > 1 else 'Letter'} status: {ui.md(statuses or '—')}"
        )
        if selected.note:
            st.caption(ui.md(selected.note))
        if selected.done:
            st.success("Done ✓")
        if ws.read_only:
            return
        ui.change_notice(ws, "timeline-event")  # what Mark done changed, with Undo
        left, right = st.columns(2)
        if not selected.done and ui.step_done(
            ws,
            selected,
            today,
            key="timeline-event-done",
            text=st,
            action=left,
            label="Mark done",
            place="timeline-event",
        ):
            st.rerun()
        if right.button("Close", key="timeline-event-close"):
            st.session_state.pop(SELECTED_KEY, None)
            st.rerun()


def year_section(ws: Workspace, today: date) -> None:
    """The year heat calendar, drawn twice (across, and months stacked for a phone; NARROW_CSS shows one)."""
    st.subheader("The year at a glance")
    whose = "the student's" if ws.read_only else "your"
    st.caption(
        f"Each square is a day: shaded when {whose} writers are busy (hover over a day, or tap it on a phone, for "
        f"the reason), with {whose} steps on top."
    )
    for which, key in (("year", "timeline-year-chart"), ("year-stacked", "timeline-year-chart-stacked")):
        st.plotly_chart(figure(ws, today, which), width="stretch", config={"displayModeBar": False}, key=key)


def gantt_section(ws: Workspace, today: date) -> None:
    """Each writer's busy times and letters, when any writer has a planned step."""
    gantt = figure(ws, today, "gantt")
    if gantt is None:
        return
    st.subheader("By writer")
    st.caption("Each writer's busy times, and each letter from the ask to its due date.")
    st.plotly_chart(gantt, width="stretch", config={"displayModeBar": False}, key="timeline-gantt")


def downloads_section(ws: Workspace, drawn: Timeline, today: date, *, lazy: bool) -> None:
    """The plan as .ics and CSV files, and one .ics per writer; each file is made once per plan version."""
    plan = ui.snapshot(ws)
    mentors, applications, letters = plan.mentors(), plan.applications(), plan.letters()
    milestones = drawn.milestones
    st.subheader("Downloads")
    st.caption(
        f"Calendar files (.ics) open in Google Calendar, Outlook and Apple Calendar: one all-day event per step. "
        f"{ALARMS_TEXT} The spreadsheet files open in Excel or Google Sheets."
    )
    stamp = today.isoformat()
    # A long plan's files take a moment to make: they wait in a panel, made when it is opened (once per version).
    files: AbstractContextManager[bool] = (
        ui.panel("Calendar file and spreadsheets for the whole plan", key="timeline-files", lazy=True)
        if len(milestones) > FILES_LAZY_AFTER
        else nullcontext(True)
    )
    with files as shown:
        if shown:
            left, middle, right = st.columns(3)
            ui.download_button(
                ws,
                "Whole plan (.ics)",
                partial(milestones_to_ics, milestones),
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
                lambda: plan_csv(milestones, names=drawn.names | {a.id: a.name for a in applications}).encode(
                    "utf-8-sig"
                ),
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
        for mentor in mentors if shown else []:  # a closed lazy panel draws nothing
            steps = drawn.steps_by_mentor.get(mentor.id)
            if steps:
                ui.download_button(
                    ws,
                    f"{ui.md(mentor.name)} (.ics)",
                    partial(milestones_to_ics, steps, calendar_name=f"LOR plan: {mentor.name}"),
                    kind="writer-ics",
                    args=(today, mentor.id),
                    file_name=f"lor-plan-{name_slug(mentor.name)}-{stamp}.ics",
                    mime="text/calendar",
                    key=f"timeline-ics-{mentor.id}",
                )


def buffer_setting(ws: Workspace, buffer_days: int) -> None:
    """The writer buffer: how many days before the real deadline the writers are given."""
    with st.expander("Ask early: a buffer before the real deadline"):
        st.write(
            "Many advisors suggest the “2-2-2” habit: ask about 2 months ahead, remind about 2 weeks before, "
            "and give your writers a date 1–2 weeks before the real deadline, so a late letter still arrives "
            "in time. The planner then counts every step back from that earlier date."
        )
        if ws.read_only:
            st.write(f"Buffer: {buffer_days} days.")
            return
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


def default_periods(ws: Workspace, busy: BusyChoices) -> None:
    """Every default busy period with its dates, who it affects and its source; a switch for each."""
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


def move_period_form(ws: Workspace, busy: BusyChoices, today: date) -> None:
    """Move a default period to other dates in one year (conference dates change every year)."""
    st.markdown("**Move a period for one year**")
    movable = [p for p in DEFAULT_PERIODS if p.key != HOLIDAYS_KEY]
    period_names = {p.key: p.name for p in movable}
    cols = list(st.columns(2))
    move_key = cols[0].selectbox(
        "Period", list(period_names), format_func=lambda k: period_names[k], key="timeline-move-period"
    )
    move_year = cols[1].selectbox(
        "In the year it starts",
        [today.year - 1, today.year, today.year + 1],
        index=1,
        key="timeline-move-year",
    )
    shown_dates = busy.moved.get(f"{move_key}:{move_year}") or default_period(move_key, move_year)
    first, last = (shown_dates.start, shown_dates.end) if shown_dates else (today, today)
    cols = list(st.columns(2))
    new_first = cols[0].date_input(
        "First day", value=first, key=f"timeline-move-{move_key}-{move_year}-start", format=ui.DATE_FORMAT
    )
    new_last = cols[1].date_input(
        "Last day", value=last, key=f"timeline-move-{move_key}-{move_year}-end", format=ui.DATE_FORMAT
    )
    if st.button("Save these dates", key="timeline-move-save"):
        try:
            BusyPeriod(name=period_names[move_key], start=new_first, end=new_last)
        except ValidationError as exc:
            ui.show_validation_error(exc)
        else:
            full = None if f"{move_key}:{move_year}" in busy.moved else full_message("moved_periods", len(busy.moved))
            if full:
                st.error(ui.md(full), icon="📦")
                return
            ws.set_setting(BUSY_SETTING, busy.moved_to(move_key, move_year, new_first, new_last).stored())
            ui.flash(
                "success",
                f"{period_names[move_key]} {move_year} now runs {day_text(new_first)} – {day_text(new_last)}.",
                place=MOVED_PLACE,
            )
            st.rerun()


MOVED_KEY = re.compile(r"[A-Za-z0-9_]+:[0-9]+")
# Where each busy-period list says what a click from a stale tab did (beside the list, not at the page's top).
MOVED_PLACE, CUSTOM_PLACE, WRITERS_PLACE = "timeline-moved", "timeline-custom", "timeline-writer-busy"


def moved_key_part(moved_key: str) -> str:
    """A moved period's stored key ("<key>:<year>") as a widget key part: "acp_meeting-2027", or a digest for
    anything else a restored file may hold (so "a:b-c" and "a-b:c" never share a button)."""
    return moved_key.replace(":", "-") if MOVED_KEY.fullmatch(moved_key) else ui.text_key(moved_key)


def undo_move(ws: Workspace, moved_key: str, drawn: MovedPeriod, name: str) -> None:
    """Undo a move, if that move is still the one the page showed."""
    busy = PlanSettings.read(ws.settings()).busy
    gone = f"The move of {name} was already undone (in another tab); here is the current version."
    if ui.unchanged(busy.moved.get(moved_key, ui.MISSING), drawn, gone=gone, place=MOVED_PLACE):
        ws.set_setting(BUSY_SETTING, busy.unmoved(moved_key).stored())


def moved_periods(ws: Workspace, busy: BusyChoices) -> None:
    """The periods moved for a year, each with Undo."""
    moved = len(busy.moved)
    if busy.moved:
        st.markdown(f"**Moved periods** ({moved})")
    ui.show_flash(MOVED_PLACE)
    # A long list's panel keeps one label (a label with the count would change on each Undo and shut the panel).
    with rows_panel("Show the moved periods", "timeline-moved-list", lazy=ui.lazy_for(moved)) as shown:
        for moved_key, dates in sorted(busy.moved.items()) if shown else []:
            moved_row(ws, moved_key, dates)


def moved_row(ws: Workspace, moved_key: str, dates: MovedPeriod) -> None:
    """One moved period, with Undo."""
    key, _, year = moved_key.partition(":")
    name = next((p.name for p in DEFAULT_PERIODS if p.key == key), key)
    text = f"{name} {year}: {day_text(dates.start)} – {day_text(dates.end)}"
    row_with_action(
        ws,
        text,
        "Undo",
        key=f"timeline-moved-{moved_key_part(moved_key)}-undo",
        on_click=undo_move,
        args=(ws, moved_key, dates, f"{name} {year}"),
    )


def rows_panel(label: str, key: str, *, lazy: bool) -> AbstractContextManager[bool]:
    """Where a list of rows with buttons goes: with ``lazy`` (a long list), a panel drawn only while open, so a
    plan with hundreds of busy periods doesn't draw a button for each on every run; else the page itself."""
    return ui.panel(label, key=key, lazy=True) if lazy else nullcontext(True)


def row_with_action(ws: Workspace, text: str, label: str, *, key: str, on_click: Callable, args: tuple) -> None:
    """One line of plain text with a button beside it (none in a read-only plan) that calls ``on_click(*args)``.

    The button's arguments are the record as this run drew it, so a click in a tab drawn before another tab
    changed the list still acts on the record the student saw (or says it changed), never on a neighbour.
    """
    if ws.read_only:
        st.write(ui.md(text))
        return
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.write(ui.md(text))
    right.button(label, key=key, on_click=on_click, args=args)


REMOVED_KEY = "timeline-removed-busy"  # this session's recent Removes, newest last: [Removed], for Put it back
REMOVED_KEPT = 10


@dataclass(frozen=True)
class Removed:
    """A busy period this session removed: where (the list's place), whose (a writer's id and name, or None for
    the student's own), and the period as it was."""

    place: str
    mentor_id: str | None
    writer: str | None
    period: BusyPeriod

    def text(self) -> str:
        whose = f"{self.writer}'s " if self.writer else ""
        return f"{whose}{self.period.name} ({day_text(self.period.start)} – {day_text(self.period.end)})"


def removals(keep: Callable[[Removed], bool]) -> list[Removed]:
    """This session's recent Removes that ``keep`` accepts, oldest first."""
    return [r for r in st.session_state.get(REMOVED_KEY, []) if keep(r)]


def note_removed(removed: Removed) -> None:
    kept = removals(lambda r: r.period.id != removed.period.id)
    st.session_state[REMOVED_KEY] = [*kept, removed][-REMOVED_KEPT:]


def remove_custom(ws: Workspace, drawn: BusyPeriod) -> None:
    """Remove one of the student's own periods, if it is still as the page showed it."""
    busy = PlanSettings.read(ws.settings()).busy
    current = next((p for p in busy.custom if p.id == drawn.id), ui.MISSING)
    gone = f"{drawn.name} was already removed (in another tab); here is the current version."
    if ui.unchanged(current, drawn, gone=gone, place=CUSTOM_PLACE):
        ws.set_setting(BUSY_SETTING, busy.without_custom(drawn.id).stored())
        note_removed(Removed(CUSTOM_PLACE, None, None, drawn))


def _same(a: BusyPeriod, b: BusyPeriod) -> bool:
    return a.id == b.id or (a.name, a.start, a.end) == (b.name, b.start, b.end)


def put_back(ws: Workspace, removed: Removed) -> None:
    """Put a removed busy period back, with its id, unless it (or one of the same name and dates) is in its list
    again, its writer is gone, or the list is full; each case says so beside the list."""
    st.session_state[REMOVED_KEY] = removals(lambda r: r != removed)
    period, place = removed.period, removed.place
    busy, mentor = PlanSettings.read(ws.settings()).busy, None
    if removed.mentor_id is None:
        listed = busy.custom
        full = full_message("own_busy_periods", len(busy.custom))
    else:
        mentor = next((m for m in ws.mentors() if m.id == removed.mentor_id), None)
        if mentor is None:
            ui.flash(
                "warning", f"{removed.text()} can't go back: {removed.writer} is no longer in your plan.", place=place
            )
            return
        listed = mentor.busy
        full = full_message("busy_per_writer", len(mentor.busy), whose=mentor.name)
    if any(_same(p, period) for p in listed):
        ui.flash("info", f"{removed.text()} is already in the list.", place=place)
    elif full is not None:
        ui.flash("warning", f"{removed.text()} can't go back. {full}", place=place)
    else:
        if mentor is None:
            ws.set_setting(BUSY_SETTING, busy.with_custom(period).stored())
        else:
            ws.save_mentor(mentor.model_copy(update={"busy": [*mentor.busy, period]}))
        ui.flash("success", f"Put back {removed.text()}.", place=place)


def forget_removed(place: str) -> None:
    st.session_state[REMOVED_KEY] = removals(lambda r: r.place != place)


def removed_notice(ws: Workspace, place: str) -> None:
    """After Removes at ``place``: what went, newest first, each with Put it back, and one Dismiss."""
    found = removals(lambda r: r.place == place)
    if ws.read_only or not found:
        return
    with st.container(border=True, key=f"{place}-removed"):
        for removed in reversed(found):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.success(f"Removed {ui.md(removed.text())}.", icon="🗑️")
            right.button(
                "Put it back", key=f"{place}-put-back-{removed.period.id}", on_click=put_back, args=(ws, removed)
            )
        st.button("Dismiss", key=f"{place}-removed-dismiss", on_click=forget_removed, args=(place,))


def remove_writer_period(ws: Workspace, mentor_id: str, writer: str, drawn: BusyPeriod) -> None:
    """Remove one of a writer's own busy periods, if it is still as the page showed it."""
    mentor = next((m for m in ws.mentors() if m.id == mentor_id), None)
    current = next((p for p in mentor.busy if p.id == drawn.id), ui.MISSING) if mentor else ui.MISSING
    gone = (
        f"{drawn.name} was already removed (in another tab); here is the current version."
        if mentor
        else f"{writer} is no longer in your plan (deleted in another tab); here is the current version."
    )
    if ui.unchanged(current, drawn, gone=gone, place=WRITERS_PLACE) and mentor:
        ws.save_mentor(mentor.model_copy(update={"busy": [p for p in mentor.busy if p.id != drawn.id]}))
        note_removed(Removed(WRITERS_PLACE, mentor_id, writer, drawn))


def custom_periods(ws: Workspace, busy: BusyChoices, today: date) -> None:
    """The student's own busy periods, each with Remove, and a form to add one."""
    own = len(busy.custom)
    st.markdown(f"**Your own busy periods** ({own})" if own else "**Your own busy periods**")
    st.caption("A time when asking would be a bad idea for everyone you ask, or for one role or specialty.")
    ui.show_flash(CUSTOM_PLACE)
    removed_notice(ws, CUSTOM_PLACE)
    with rows_panel("Show your own busy periods", "timeline-custom-list", lazy=ui.lazy_for(own)) as shown:
        for item in busy.custom if shown else []:
            when = f"{day_text(item.start)} – {day_text(item.end)}"
            text = f"{item.name} · {when} · {item.severity} · {who_text(item.who)}"
            row_with_action(
                ws, text, "Remove", key=f"timeline-custom-{item.id}-delete", on_click=remove_custom, args=(ws, item)
            )
    if ws.read_only or ui.plan_full("own_busy_periods", len(busy.custom)):
        return
    with st.form("timeline-custom-form", clear_on_submit=True):
        name = st.text_input("What is it?", key="timeline-custom-name", placeholder="e.g. Department retreat")
        cols = list(st.columns(2))
        first = cols[0].date_input("First day", value=today, key="timeline-custom-start", format=ui.DATE_FORMAT)
        last = cols[1].date_input("Last day", value=today, key="timeline-custom-end", format=ui.DATE_FORMAT)
        cols = list(st.columns(2))
        severity = cols[0].selectbox(
            "How busy",
            ["avoid", "caution"],
            format_func=lambda k: SEVERITY_WORDS[k],
            key="timeline-custom-severity",
        )
        who = cols[1].selectbox("Who it affects", WHO_CHOICES, format_func=label, key="timeline-custom-who")
        if not st.form_submit_button("Add busy period", key="timeline-custom-add"):
            return
    try:
        period = BusyPeriod(name=name, start=first, end=last, severity=severity, who=who, source="Added by you")
    except ValidationError as exc:
        ui.show_validation_error(exc)
        return
    ws.set_setting(BUSY_SETTING, busy.with_custom(period).stored())
    ui.flash("success", f"Added {period.name}.", place=CUSTOM_PLACE)  # beside the list: the panel stays open
    st.rerun()


def writer_periods(ws: Workspace, mentors: list[Mentor], today: date) -> None:
    """Each writer's own busy times, each with Remove, and a form to add one to a writer."""
    st.markdown("**Each writer's own busy times**")
    st.caption("Weeks on service, vacation, their conferences: no ask is planned for them then.")
    ui.show_flash(WRITERS_PLACE)
    removed_notice(ws, WRITERS_PLACE)
    long = ui.lazy_for(sum(len(m.busy) for m in mentors))  # many rows: each writer's in their own lazy panel
    for mentor in mentors:
        if not mentor.busy:
            continue
        label = f"{ui.md(mentor.name)}'s busy periods"  # one label: a count in it would shut the panel on Remove
        with rows_panel(label, f"timeline-mentor-{mentor.id}-busy-list", lazy=long) as shown:
            if shown:
                writer_rows(ws, mentor)
    if mentors and not ws.read_only:
        writer_busy_form(ws, mentors, today)


def writer_rows(ws: Workspace, mentor: Mentor) -> None:
    """One writer's own busy periods, each with Remove."""
    for period in mentor.busy:
        text = f"{mentor.name} — {period.name} · {day_text(period.start)} – {day_text(period.end)} · {period.severity}"
        row_with_action(
            ws,
            text,
            "Remove",
            key=f"timeline-mentor-{mentor.id}-busy-{period.id}-delete",
            on_click=remove_writer_period,
            args=(ws, mentor.id, mentor.name, period),
        )


def writer_busy_form(ws: Workspace, mentors: list[Mentor], today: date) -> None:
    """Add a busy period to one writer (unless every writer has the most the app keeps)."""
    if ui.plan_full("busy_per_writer", min(len(m.busy) for m in mentors), whose="Every writer"):
        return
    names = ui.unique_labels({m.id: m.name for m in mentors})
    drawn = ui.drawn_last_run("timeline-mentor-busy-form", names)
    with st.form("timeline-mentor-busy-form", clear_on_submit=True):
        cols = list(st.columns(2))
        mentor_id = cols[0].selectbox(
            "Writer", list(names), format_func=lambda k: names[k], key="timeline-mentor-busy-writer"
        )
        name = cols[1].text_input("What is it?", key="timeline-mentor-busy-name", placeholder="e.g. On service")
        cols = list(st.columns(3))
        first = cols[0].date_input("First day", value=today, key="timeline-mentor-busy-start", format=ui.DATE_FORMAT)
        last = cols[1].date_input("Last day", value=today, key="timeline-mentor-busy-end", format=ui.DATE_FORMAT)
        severity = cols[2].selectbox(
            "How busy",
            ["avoid", "caution"],
            format_func=lambda k: SEVERITY_WORDS[k],
            key="timeline-mentor-busy-severity",
        )
        if not st.form_submit_button("Add to this writer"):
            return
    writer = next((m for m in mentors if m.id == mentor_id), None)
    if drawn != names or writer is None:  # the writers changed since the form was drawn: the choice may be another
        st.warning(ui.CHANGED_ELSEWHERE)
        return
    full = full_message("busy_per_writer", len(writer.busy), whose=writer.name)
    if full:
        st.error(ui.md(full), icon="📦")
        return
    try:
        period = BusyPeriod(name=name, start=first, end=last, severity=severity, who=writer.name, source="Added by you")
        updated = Mentor.model_validate({**writer.model_dump(), "busy": [*writer.busy, period]})
    except ValidationError as exc:
        ui.show_validation_error(exc)
        return
    ws.save_mentor(updated)
    ui.flash("success", f"Added {period.name} for {writer.name}.", place=WRITERS_PLACE)
    st.rerun()
