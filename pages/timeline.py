"""Timeline: this week's steps, the plan on a calendar, the busy times of the year, and calendar files.

Read-only (advisor) mode shows the calendars and lists; the only controls left are downloads, because a
download changes nothing in the plan.
"""

import streamlit as st

from lor import ui
from lor.models import PlanSettings
from lor.ui.views import feed
from lor.ui.views import timeline as view

ws = ui.page_header(
    "Timeline",
    "When to ask each writer, send the packet and the two reminders — planned around the busy times "
    "of the academic year.",
)
today = ui.today()
st.html(view.NARROW_CSS)  # which calendar and heat map fit the window (see NARROW_CSS)
ui.show_flash()

plan = ui.snapshot(ws)
mentors = plan.mentors()
letters = plan.letters()
settings = PlanSettings.read(plan.settings())
drawn = view.timeline(ws, today)
lazy = ui.lazy_for(len(mentors))  # many writers: their files and busy-period rows wait until a panel is opened

if not letters:
    st.info(
        "Nothing is planned yet. First step: add an application and plan a letter on "
        "*Choose recommenders*; its ask, packet and reminders then appear here on a calendar.",
        icon="👋",
    )
    ui.page_link("recommenders", "Go to Choose recommenders", icon="🧭")
view.planner_notes(drawn)
if letters:
    view.this_week_section(ws, drawn, today)
view.pictures(ws, today)
if drawn.milestones:
    view.downloads_section(ws, drawn, today, lazy=lazy)
if not ws.read_only and ws.saved:  # the feed link is the student's own: an advisor never sees or replaces it
    feed.feed_section(ws)

st.subheader("Settings")
view.buffer_setting(ws, settings.buffer_days)
with ui.panel("Busy periods: when not to ask", key="timeline-busy-periods", lazy=lazy) as shown:
    if shown:
        view.default_periods(ws, settings.busy)
        if not ws.read_only:
            view.move_period_form(ws, settings.busy, today)
        view.moved_periods(ws, settings.busy)
        view.custom_periods(ws, settings.busy, today)
        view.writer_periods(ws, mentors, today)
