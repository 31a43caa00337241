"""Story (c) of issue #22, and a new student's first run (issue 13): an emergency medicine applicant through
ResidencyCAS with two SLOEs from rotations that ended, in a real browser on a laptop and on a phone.

From an empty plan (the server's day is Wed Nov 25, 2026): enter their details, add an EM application (its portal and
due date left to the app: ResidencyCAS 2027–28, letters by Sep 10, 2027), add four writers of different kinds (the form
starts clean each time), among them the attendings of a home EM rotation that ended Oct 30 and an away rotation that
ended Nov 20; plan letters (a SLOE for each EM attending by default, each asked within two weeks while they remember
the student), mark an ask done on the Dashboard and see it on the Timeline, delete a writer and undo it, move the
application's due date and see the plan move, then download the calendar file and read it, and print the report.

Each step is one test, in order, on one browser tab per viewport; each checks what the student sees and what
is really saved.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from backends import saved as saved_plan
from icalendar import Calendar
from playwright.sync_api import expect
from story import printed_pages

from lor.overview import overview_of
from lor.report import advisor_report_html
from tools.browser import (
    TODAY,
    choose,
    date_shown,
    exceptions_on,
    fill,
    fill_date,
    open_panel,
    shot,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

DAY = date.fromisoformat(TODAY)
DUE = date(2027, 9, 10)  # ResidencyCAS 2027–28: programs view applications from Oct 1, letters three weeks before
MOVED = DUE - timedelta(weeks=3)
# name, role, specialty, setting, weeks, one-on-one, performance, last worked (None: left empty), rotation end
WRITERS = [
    ("Dr. Ana Ortiz", "Attending", "Emergency medicine", "Rotation", 4, "Some", "Outstanding", date(2026, 10, 30),
     date(2026, 10, 30)),
    ("Dr. Eli Stone", "Attending", "Emergency medicine", "Away rotation", 4, "Frequent", "Outstanding",
     date(2026, 11, 20), date(2026, 11, 20)),
    ("Dr. Ben Cole", "Research mentor", "—", "Lab", 30, "Frequent", "Strong", None, None),
    ("Dr. Cy Park", "Clerkship director", "Internal medicine", "Rotation", 4, "Some", "Average", date(2026, 8, 1),
     None),
]  # fmt: skip
SLOE_WRITERS = ("Dr. Ana Ortiz", "Dr. Eli Stone")


def saved(server):
    return saved_plan(server.db)


def main(pg):
    return pg.get_by_test_id("stMain")


def go(pg, server, path: str = "") -> None:
    pg.goto(f"{server.url}/{path}")
    wait_for_app(pg)


def test_1_the_student_enters_their_details_on_an_empty_plan(story):
    viewport, server, pg = story
    assert saved(server).is_empty()
    go(pg, server)
    expect(main(pg)).to_contain_text("Welcome: three first steps")
    expect(pg.get_by_role("link", name=re.compile("Add an application"))).to_be_visible()
    fill(pg, "student-name", "Sam Lee")
    fill(pg, "student-email", "sam@example.edu")
    pg.locator(".st-key-student-save button").click()
    expect(pg.get_by_test_id("stToast")).to_contain_text("Saved your details")
    assert saved(server).student().name == "Sam Lee"
    shot(pg, f"story-em-{viewport}-1-details")


def test_1b_on_a_phone_the_first_steps_fit_and_the_menu_folds_after_a_pick(story):
    viewport, server, pg = story
    if viewport != "phone":
        return  # the laptop's menu stays beside the page
    width = pg.viewport_size["width"]
    steps = main(pg).get_by_test_id("stPageLink").all()
    assert len(steps) == 3
    for link in steps:  # wrapped, not cut at the window's edge
        box = link.bounding_box()
        assert box and box["x"] + box["width"] <= width, link.inner_text()
        clipped = link.locator("p").first.evaluate("p => p.scrollWidth > p.clientWidth + 1")
        assert not clipped, link.inner_text()
    pg.get_by_test_id("stExpandSidebarButton").click()
    menu = pg.get_by_test_id("stSidebar")
    menu.get_by_role("link", name="FAQ guidance").click()
    wait_for_app(pg)
    expect(main(pg)).to_contain_text("FAQ guidance")
    pg.wait_for_timeout(500)
    box = menu.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the menu still covers the page"  # folded away
    go(pg, server)


def test_2_the_first_step_link_opens_the_form_and_an_em_application_is_added(story):
    _viewport, server, pg = story
    pg.get_by_role("link", name=re.compile("Add an application")).click()
    expect(pg.locator(".st-key-application-name input")).to_be_visible()
    wait_for_app(pg)
    expect(pg.locator(".st-key-application-name input")).to_have_attribute("placeholder", re.compile("ERAS 2028"))
    fill(pg, "application-name", "Emergency medicine")
    choose(pg, "application-specialty", "Emergency medicine")
    # The portal and the due date are left to the app: EM applies through ResidencyCAS, and the season's date.
    pg.locator(".st-key-application-add button").click()
    expect(main(pg)).to_contain_text("Added Emergency medicine (portal: ResidencyCAS; ResidencyCAS 2027–28")
    [app] = saved(server).applications()
    assert (app.name, app.specialty, app.portal, app.season, app.deadline) == (
        "Emergency medicine",
        "emergency_medicine",
        "ResidencyCAS",
        2028,
        DUE,
    )
    expect(main(pg)).to_contain_text("letters due Sep 10, 2027 (the season's date, estimated)")


def test_3_four_writers_are_added_and_the_form_starts_clean_each_time(story):
    viewport, server, pg = story
    for name, role, specialty, setting, weeks, one_on_one, performance, last, rotation_end in WRITERS:
        wait_for_app(pg)
        form = pg.locator(".st-key-mentor-name input")
        if not form.is_visible():
            pg.get_by_text("Add a writer", exact=True).click()
        expect(form).to_be_visible()
        # Clean: nothing carried over from the writer before.
        expect(form).to_have_value("")
        expect(pg.locator(".st-key-mentor-role input")).to_have_value("Attending")
        expect(pg.locator(".st-key-mentor-setting input")).to_have_value("Rotation")
        expect(pg.locator(".st-key-mentor-one-on-one input")).to_have_value("Some")
        expect(pg.locator(".st-key-mentor-performance input")).to_have_value("")  # never assumed
        expect(pg.locator(".st-key-mentor-weeks input")).to_have_value("4")
        assert not any(ch.isdigit() for ch in date_shown(pg, "mentor-last-worked")), "last worked is empty"
        fill(pg, "mentor-name", name)
        choose(pg, "mentor-role", role)
        choose(pg, "mentor-specialty", specialty)
        choose(pg, "mentor-setting", setting)
        fill(pg, "mentor-weeks", str(weeks))
        choose(pg, "mentor-one-on-one", one_on_one)
        choose(pg, "mentor-performance", performance)
        if last:
            fill_date(pg, "mentor-last-worked", last)
        if rotation_end:
            fill_date(pg, "mentor-rotation-end", rotation_end)
        pg.locator(".st-key-mentor-add button").click()
        expect(main(pg).get_by_test_id("stAlert").filter(has_text=f"Added {name}")).to_be_visible()
        wait_for_app(pg)
    writers = {m.name: m for m in saved(server).mentors()}
    assert list(writers) == [w[0] for w in WRITERS]
    assert writers["Dr. Ben Cole"].last_worked is None  # not Dr. Ortiz's date
    assert (writers["Dr. Ben Cole"].role, writers["Dr. Ben Cole"].weeks_known) == ("research_mentor", 30)
    assert writers["Dr. Ben Cole"].performance == "strong" and writers["Dr. Cy Park"].performance == "average"
    assert writers["Dr. Cy Park"].rotation_end is None  # not Dr. Stone's date: the form started clean
    assert (writers["Dr. Eli Stone"].setting, writers["Dr. Eli Stone"].rotation_end) == (
        "away_rotation",
        date(2026, 11, 20),
    )
    assert exceptions_on(pg) == []
    shot(pg, f"story-em-{viewport}-3-writers")


def plan_letter(pg, server, name: str) -> None:
    mentor = next(m for m in saved(server).mentors() if m.name == name)
    button = pg.locator(f".st-key-mentor-{mentor.id}-plan button:visible").first
    button.scroll_into_view_if_needed()
    button.click()
    expect(main(pg)).to_contain_text(re.compile(rf"Planned an? .* from {re.escape(name)}"))
    wait_for_app(pg)


def test_4_letters_are_planned_with_four_writers(story):
    _viewport, server, pg = story
    for name in (*SLOE_WRITERS, "Dr. Ben Cole", "Dr. Cy Park"):
        plan_letter(pg, server, name)
    letters = saved(server).letters()
    assert len(letters) == 4 and {r.status for r in letters} == {"planned"}
    expect(main(pg)).to_contain_text("Two or more SLOEs from emergency medicine faculty: 2.")  # as CORD advises


def test_4b_each_em_attending_writes_a_sloe_asked_within_two_weeks_of_today(story):
    _viewport, server, _pg = story
    plan = overview_of(saved(server), DAY).milestones
    for name in SLOE_WRITERS:
        writer = next(m for m in saved(server).mentors() if m.name == name)
        [letter] = [r for r in saved(server).letters() if r.mentor_id == writer.id]
        assert letter.letter_type == "sloe"
        [ask] = [m for m in plan if m.mentor_id == writer.id and m.kind == "ask"]
        # Before: asked the next June, 7–10 months after the rotation (issue #22.3).
        assert DAY <= ask.day <= DAY + timedelta(days=14), (name, ask.day)
        assert "rotation" in ask.note


def test_5_an_ask_marked_done_on_the_dashboard_shows_done_on_the_timeline(story):
    viewport, server, pg = story
    go(pg, server)
    done = pg.locator("[class*='st-key-dash-done-'][class*='-ask'] button").first
    expect(done).to_be_visible()
    key = done.locator("xpath=..").evaluate("el => [...el.closest('[class*=st-key-dash-done-]').classList]")
    uid = next(c for c in key if c.startswith("st-key-dash-done-")).removeprefix("st-key-dash-done-")
    letter_id = uid.removesuffix("-ask")
    done.click()
    notice = pg.locator("[data-testid='stVerticalBlock'][class*='st-key-change-']").first  # said where it was clicked
    expect(notice).to_contain_text("Done: Ask")
    expect(notice.get_by_role("button", name="Undo")).to_be_visible()
    letter = next(r for r in saved(server).letters() if r.id == letter_id)
    assert (letter.status, letter.asked_on) == ("asked", DAY)
    writer = next(m.name for m in saved(server).mentors() if m.id == letter.mentor_id)

    go(pg, server, "timeline")
    frame = ".st-key-timeline-calendar-list iframe" if viewport == "phone" else ".st-key-timeline-calendar iframe"
    calendar = pg.frame_locator(frame)
    expect(calendar.locator(".fc-event", has_text=f"✓ Ask: {writer}")).to_have_count(1)
    folded = ".st-key-timeline-calendar iframe" if viewport == "phone" else ".st-key-timeline-calendar-list iframe"
    assert pg.locator(folded).bounding_box() is None or not pg.locator(folded).is_visible()
    if viewport == "phone":  # the list view, not a month grid squeezed into 356 px
        expect(calendar.locator(".fc-list-table")).to_be_visible()
    else:
        expect(calendar.locator(".fc-daygrid-body")).to_be_visible()
    pg.locator(".st-key-timeline-view button").filter(has_text="Year at a glance").click()
    if viewport == "phone":  # the year's months stacked
        expect(pg.locator(".st-key-timeline-year-chart-stacked .js-plotly-plot")).to_be_visible()
        assert not pg.locator(".st-key-timeline-year-chart").is_visible()
    else:
        expect(pg.locator(".st-key-timeline-year-chart .js-plotly-plot")).to_be_visible()
    assert exceptions_on(pg) == []
    shot(pg, f"story-em-{viewport}-5-timeline")


def test_6_a_writer_deleted_by_mistake_comes_back_with_undo(story):
    _viewport, server, pg = story
    before = saved(server)
    cole = next(m for m in before.mentors() if m.name == "Dr. Ben Cole")
    letters_before = sorted(r.id for r in before.letters())
    go(pg, server, "recommenders")
    open_panel(pg, f"mentor-{cole.id}-edit", f".st-key-mentor-{cole.id}-delete button")  # drawn once open
    pg.locator(f".st-key-mentor-{cole.id}-delete button").click()
    question = pg.locator(f".st-key-mentor-{cole.id}-delete-confirm")
    expect(question).to_contain_text("Delete Dr. Ben Cole and 1 letter (1 planned)?")
    assert cole.id in {m.id for m in saved(server).mentors()}  # nothing gone before the student confirms
    pg.locator(f".st-key-mentor-{cole.id}-delete-yes button").click()
    notice = pg.locator("[class*='st-key-undo-mentor-']").first
    expect(notice).to_contain_text("Deleted Dr. Ben Cole and 1 letter (1 planned).")
    expect(notice).to_be_in_viewport()  # the message is where the student is
    assert cole.id not in {m.id for m in saved(server).mentors()}
    notice.get_by_role("button", name="Undo").click()
    expect(pg.locator("[class*='st-key-undo-mentor-']")).to_have_count(0)
    after = saved(server)
    assert cole in after.mentors()
    assert sorted(r.id for r in after.letters()) == letters_before


def test_7_moving_the_due_date_moves_the_plan(story):
    _viewport, server, pg = story
    [app] = saved(server).applications()
    before = {m.uid: m.day for m in overview_of(saved(server), DAY).milestones if m.kind == "deadline"}
    assert set(before.values()) == {DUE}
    editor = pg.get_by_text("Edit this application (changes save at once)")
    editor.scroll_into_view_if_needed()
    if not pg.locator(f".st-key-application-{app.id}-deadline input").is_visible():
        editor.click()
    fill_date(pg, f"application-{app.id}-deadline", MOVED)
    expect(main(pg)).to_contain_text(f"letters due {MOVED:%b} {MOVED.day}, {MOVED.year}")
    assert saved(server).applications()[0].deadline == MOVED
    after = {m.uid: m.day for m in overview_of(saved(server), DAY).milestones if m.kind == "deadline"}
    assert set(after) == set(before) and set(after.values()) == {MOVED}


def test_8_the_calendar_file_downloads_and_holds_the_moved_plan(story, tmp_path):
    viewport, server, pg = story
    go(pg, server, "timeline")
    # The calendar is the page's last heavy part: once its steps are drawn, the button below it stays put.
    frame = ".st-key-timeline-calendar-list iframe" if viewport == "phone" else ".st-key-timeline-calendar iframe"
    expect(pg.frame_locator(frame).locator(".fc-event").first).to_be_visible()
    wait_for_app(pg)
    button = pg.locator(".st-key-timeline-ics-all button")
    button.scroll_into_view_if_needed()
    expect(button).to_be_enabled()
    with pg.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / "plan.ics"
    download.value.save_as(path)
    events = Calendar.from_ical(Path(path).read_bytes()).walk("VEVENT")
    plan = overview_of(saved(server), DAY).milestones
    assert {(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in events} == {
        (("✓ " if m.done else "") + m.title, m.day) for m in plan
    }
    dues = {e.decoded("DTSTART") for e in events if str(e["SUMMARY"]).endswith("letter is due")}
    assert dues == {MOVED}
    assert exceptions_on(pg) == []


def test_9_the_advisor_report_prints_its_summary_on_page_one(story, tmp_path):
    _viewport, server, pg = story
    html = advisor_report_html(overview_of(saved(server), DAY))
    assert "Emergency medicine" in html and "Dr. Eli Stone" in html
    assert printed_pages(pg, html, tmp_path / "report.pdf") >= 2
