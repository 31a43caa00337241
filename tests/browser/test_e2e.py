"""End to end in a real browser, local mode: load the example plan from the Dashboard,
work the Timeline's calendar, and download the plan as a calendar file.

One server with an empty database serves the whole module; the example plan is loaded through the UI
once, by clicking the Dashboard's button, exactly as a first-time user would.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from lor.ics import event_uid
from lor.overview import overview_of
from lor.store import Store, Workspace
from tools.browser import TODAY, exceptions_on, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

VIEWPORT = {"width": 1400, "height": 1000}
DAY = date.fromisoformat(TODAY)
CALENDAR = ".st-key-timeline-calendar iframe"


def plan_on(server) -> Workspace:
    """The server's workspace read through a fresh Store: what is really saved in its database file."""
    return Store(server.db).default_workspace()


@pytest.fixture(scope="module")
def app(browser, local_server):
    """A browser tab on the local server, after the example plan was loaded through the Dashboard."""
    assert plan_on(local_server).is_empty()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = context.new_page()
    pg.goto(f"{local_server.url}/")
    wait_for_app(pg)
    pg.locator(".st-key-dashboard-load-example button").click()
    expect(pg.get_by_role("heading", name="Letters by status")).to_be_visible()
    wait_for_app(pg)
    yield pg
    context.close()


def open_page(pg, server, path: str) -> None:
    pg.set_viewport_size(VIEWPORT)
    pg.goto(f"{server.url}/{path}")
    wait_for_app(pg)


def on_timeline(pg, server) -> None:
    """Open the Timeline unless the tab already shows it (a rerun keeps it up to date with the plan)."""
    if urlparse(pg.url).path != "/timeline" or exceptions_on(pg):
        open_page(pg, server, "timeline")


def settle_timeline(pg) -> None:
    """Wait until the calendar component (the picture the Timeline shows first) has drawn."""
    expect(pg.frame_locator(CALENDAR).locator(".fc-event.lor-step").first).to_be_visible()


def show_view(pg, name: str, chart: str, layer: str) -> None:
    """Switch the Timeline's picture and wait until its Plotly chart has drawn."""
    pg.locator(".st-key-timeline-view button").filter(has_text=name).click()
    pg.wait_for_selector(f".st-key-{chart} .js-plotly-plot {layer}", state="attached")


def test_example_plan_loads_from_the_dashboard(app, local_server):
    saved = plan_on(local_server)
    assert saved.student().name == "Jordan Rivera"
    assert {m.id for m in saved.mentors()} == {"m-hale", "m-okafor", "m-raman", "m-kim", "m-vasquez", "m-reed", "m-dom"}
    assert len(saved.letters()) == 6

    open_page(app, local_server, "")
    assert app.locator(".st-key-dashboard-load-example").count() == 0  # the welcome screen is gone
    expect(app.get_by_test_id("stSidebar")).to_contain_text("Plan of Jordan Rivera")
    expect(app.get_by_test_id("stMain")).to_contain_text("Internal medicine (categorical)")
    expect(app.get_by_test_id("stMain")).to_contain_text("Dr. Elena Vasquez: asked 7 days ago")


def test_calendar_shows_the_plan_and_a_clicked_step_can_be_marked_done(app, local_server):
    before = next(r for r in plan_on(local_server).letters() if r.id == "l-raman")
    assert (before.status, before.packet_sent_on) == ("agreed", None)

    open_page(app, local_server, "timeline")
    settle_timeline(app)
    calendar = app.frame_locator(CALENDAR)
    expect(calendar.locator(".fc-toolbar-title")).to_have_text("November 2026")  # the first step still to come
    steps = calendar.locator(".fc-event.lor-step")
    expect(steps.filter(has_text="✓ Ask: Dr. Samuel Okafor")).to_have_count(1)  # done this month
    expect(steps.filter(has_text="✓ Send packet: Dr. Samuel Okafor")).to_have_count(1)
    packet = steps.filter(has_text=re.compile(r"^Send packet: Dr\. Priya Raman$"))
    expect(packet).to_have_count(1)

    packet.click()
    done = app.locator(".st-key-timeline-event-done button")
    expect(done).to_be_visible()
    details = app.get_by_test_id("stVerticalBlock").filter(has=done).filter(has_text="Letter status").last
    expect(details).to_contain_text("Send Dr. Priya Raman your packet")
    expect(details).to_contain_text("Writer: Dr. Priya Raman")
    # One letter for both applications (issue #22.2).
    expect(details).to_contain_text("Applications: Internal medicine (categorical) and Preliminary medicine")
    expect(details).to_contain_text("Letter status: Agreed")

    done.click()
    flash = app.get_by_test_id("stAlert").filter(has_text="Done: Send Dr. Priya Raman your packet")
    expect(flash).to_be_visible()
    expect(app.locator(".st-key-timeline-event-done")).to_have_count(0)
    after = next(r for r in plan_on(local_server).letters() if r.id == "l-raman")
    assert (after.status, after.packet_sent_on) == ("packet_sent", DAY)
    expect(calendar.locator(".fc-event.lor-step", has_text="✓ Send packet: Dr. Priya Raman")).to_have_count(1)
    assert exceptions_on(app) == []


def test_year_calendar_and_gantt_are_drawn(app, local_server):
    on_timeline(app, local_server)
    settle_timeline(app)
    show_view(app, "Year at a glance", "timeline-year-chart", ".heatmaplayer")
    year = app.locator(".st-key-timeline-year-chart .js-plotly-plot")
    expect(year.locator(".heatmaplayer image").first).to_be_attached()  # the day squares
    expect(year.locator(".scatterlayer .point").first).to_be_attached()  # the student's steps on top
    expect(year.locator(".xtick text").first).to_be_attached()
    assert "Jan2027" in year.locator(".xtick text").all_text_contents()
    show_view(app, "By writer", "timeline-gantt", ".barlayer")
    expect(app.locator(".st-key-timeline-year-chart")).to_have_count(0)  # one picture at a time
    gantt = app.locator(".st-key-timeline-gantt .js-plotly-plot")
    expect(gantt.locator(".barlayer .point").first).to_be_attached()
    assert gantt.locator(".barlayer .point").count() >= 6
    rows = gantt.locator(".ytick text").all_text_contents()
    assert {"Dr. Priya Raman", "Dr. Margaret Hale", "Dr. Elena Vasquez"} <= set(rows)


def test_whole_plan_downloads_as_a_calendar_file(app, local_server, tmp_path):
    on_timeline(app, local_server)
    with app.expect_download() as download:
        app.locator(".st-key-timeline-ics-all button").click()
    assert download.value.suggested_filename == f"lor-plan-{TODAY}.ics"
    path = tmp_path / "plan.ics"
    download.value.save_as(path)

    cal = Calendar.from_ical(Path(path).read_bytes())
    events = cal.walk("VEVENT")
    got = {(str(e["UID"]), e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events}
    plan = overview_of(plan_on(local_server), DAY).milestones
    want = {(event_uid(m), m.day, ("✓ " if m.done else "") + m.title) for m in plan}
    assert got == want
    summaries = {summary for _, _, summary in got}
    assert "✓ Ask Dr. Priya Raman for a letter" in summaries
    assert (("l-raman-deadline@lor-planner", date(2027, 9, 1), "Dr. Priya Raman's letter is due")) in got
    reminder = next(e for e in events if str(e["SUMMARY"]) == "First reminder to Dr. Priya Raman")
    assert reminder.walk("VALARM"), "a reminder still to do carries an alarm"


def test_faq_link_opens_its_topic(app, local_server):
    open_page(app, local_server, "faq?topic=waiver")
    opened = app.locator('[data-testid="stExpander"] details[open]')
    expect(opened).to_have_count(1)
    expect(opened.locator("summary")).to_contain_text("Should I waive access to my letters?")
    expect(opened).to_contain_text("waiving is standard")
    assert exceptions_on(app) == []
