"""Two tabs on one plan in a real browser (two Streamlit sessions): a click in a tab drawn before the other tab
changed the plan acts on the record it showed, or says "This changed in another tab" (issue #14.7)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from lor.example import load_example
from lor.models import BusyPeriod, PlanSettings
from lor.store import Store
from tools.browser import TODAY, exceptions_on, fill, open_panel, wait_for_app

pytestmark = pytest.mark.browser
CHANGED = "This changed in another tab; here is the current version."


def plan(server):
    return Store(server.db).default_workspace()


def open_tab(context, url: str):
    pg = context.new_page()
    pg.goto(url)
    wait_for_app(pg)
    return pg


def open_busy_periods(pg) -> None:
    """Open the Busy periods panel and wait until its lists are drawn and the page has settled. A run that
    finishes after the click (the calendar reports its first view once it has loaded) can redraw the panel
    closed, so it is opened again then, as a person would."""
    panel = pg.locator("details", has_text="Busy periods: when not to ask").first
    for _ in range(3):
        if panel.get_attribute("open") is None:
            panel.locator("summary").first.click()
        wait_for_app(pg)
        if pg.get_by_text("Your own busy periods").is_visible():
            return
    expect(pg.get_by_text("Your own busy periods")).to_be_visible()


def test_remove_in_a_stale_tab_removes_the_period_it_showed(browser, local_server, patient_expect):
    ws = plan(local_server)
    load_example(ws, date.fromisoformat(TODAY))
    periods = [
        BusyPeriod(name=name, start=date(2027, 1, day), end=date(2027, 1, day + 1))
        for name, day in (("Retreat", 4), ("Board exam", 11), ("Away", 18))
    ]
    ws.set_setting("busy", {"custom": [p.model_dump(mode="json") for p in periods]})
    custom = [p.id for p in PlanSettings.read(plan(local_server).settings()).busy.custom]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab1 = open_tab(context, f"{local_server.url}/timeline")
        tab2 = open_tab(context, f"{local_server.url}/timeline")
        for tab in (tab1, tab2):
            open_busy_periods(tab)
        names = lambda: [p["name"] for p in plan(local_server).get_setting("busy")["custom"]]  # noqa: E731
        tab2.locator(f".st-key-timeline-custom-{custom[0]}-delete button").click()
        expect(tab2.locator(f".st-key-timeline-custom-{custom[0]}-delete")).to_have_count(0)
        assert names() == ["Board exam", "Away"]
        # Tab 1 still shows all three; its Remove beside "Board exam" removes the board exam, not "Away".
        tab1.locator(f".st-key-timeline-custom-{custom[1]}-delete button").click()
        expect(tab1.locator(f".st-key-timeline-custom-{custom[1]}-delete")).to_have_count(0)
        assert names() == ["Away"]
        # Tab 2 still shows the board exam: removing it again says it is gone, and changes nothing.
        tab2.locator(f".st-key-timeline-custom-{custom[1]}-delete button").click()
        expect(tab2.get_by_text("Board exam was already removed (in another tab)")).to_be_visible()
        assert names() == ["Away"]
        assert exceptions_on(tab1) == exceptions_on(tab2) == []
    finally:
        context.close()


def test_a_field_changed_in_another_tab_is_kept_and_shown(browser, local_server, patient_expect):
    ws = plan(local_server)
    load_example(ws, date.fromisoformat(TODAY))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg = open_tab(context, f"{local_server.url}/recommenders")
        open_panel(pg, "mentor-m-raman-edit", ".st-key-mentor-m-raman-notes textarea")
        raman = next(m for m in ws.mentors() if m.id == "m-raman")
        ws.save_mentor(raman.model_copy(update={"notes": "Saved in the other tab"}))
        fill(pg, "mentor-m-raman-notes", "Typed in this tab")
        expect(pg.get_by_text(CHANGED)).to_be_visible()
        expect(pg.locator(".st-key-mentor-m-raman-notes textarea")).to_have_value("Saved in the other tab")
        assert next(m for m in ws.mentors() if m.id == "m-raman").notes == "Saved in the other tab"
        assert exceptions_on(pg) == []
    finally:
        context.close()


def test_the_busy_periods_panel_stays_open_and_put_it_back_restores_what_this_tab_removed(
    browser, local_server, patient_expect
):
    ws = plan(local_server)
    load_example(ws, date.fromisoformat(TODAY))
    ws.set_setting("busy", {"custom": []})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    names = lambda: sorted(p["name"] for p in plan(local_server).get_setting("busy")["custom"])  # noqa: E731
    try:
        tab1 = open_tab(context, f"{local_server.url}/timeline")
        open_busy_periods(tab1)
        for name in ("Retreat", "Away"):
            fill(tab1, "timeline-custom-name", name)
            tab1.get_by_role("button", name="Add busy period").click()
            # Its message shows beside the list, so the panel the student was working in stays open.
            expect(tab1.get_by_text(f"Added {name}.")).to_be_visible()
            wait_for_app(tab1)
        assert names() == ["Away", "Retreat"]
        retreat, away = (p.id for p in PlanSettings.read(plan(local_server).settings()).busy.custom)
        tab1.locator(f".st-key-timeline-custom-{retreat}-delete button").click()
        expect(tab1.locator(".st-key-timeline-custom-removed")).to_contain_text("Removed Retreat")
        assert names() == ["Away"]
        # Another tab removes "Away" meanwhile; this tab's Put it back brings back only what it removed.
        tab2 = open_tab(context, f"{local_server.url}/timeline")
        open_busy_periods(tab2)
        tab2.locator(f".st-key-timeline-custom-{away}-delete button").click()
        expect(tab2.locator(f".st-key-timeline-custom-{away}-delete")).to_have_count(0)
        tab1.locator(f".st-key-timeline-custom-put-back-{retreat} button").click()
        expect(tab1.get_by_text("Put back Retreat")).to_be_visible()
        assert names() == ["Retreat"]
        assert exceptions_on(tab1) == exceptions_on(tab2) == []
    finally:
        context.close()
