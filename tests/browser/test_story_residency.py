"""Story (a) of issue #22: a third-year student plans next season's internal medicine application through ERAS,
with a preliminary-year backup, in a real browser on a laptop and on a phone, from an empty plan.

The server's day is Wed Nov 25, 2026. Her medicine sub-internship with Dr. Sara Patel ended last month (Oct 28).
She leaves the due dates to the season (ERAS 2028: letters by Sep 1, 2027), plans Dr. Patel for both applications
(one letter, one ask, within two weeks, while Dr. Patel remembers her), decides the waiver and types the Letter ID,
and checks what her request sheet, calendar file and advisor report say. Each step is one test, in order.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from story import (
    add_application,
    add_writer,
    calendar_events,
    choose_application,
    download,
    go,
    main,
    plan_letter,
    printed_pages,
    saved,
    writer_id,
)

from lor.overview import overview_of
from lor.report import advisor_report_html
from tools.browser import TODAY, exceptions_on, fill, shot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

DAY = date.fromisoformat(TODAY)
SUB_I_ENDED = date(2026, 10, 28)
SEASON_DUE = date(2027, 9, 1)  # ERAS 2028, estimated from the ERAS 2026 calendar (data/seasons.toml)
LETTER_ID = "E2028-4471-PT"


def test_1_two_applications_take_the_season_s_due_date(story):
    _viewport, server, pg = story
    assert saved(server).is_empty()
    go(pg, server)
    fill(pg, "student-name", "Maya Chen")
    pg.locator(".st-key-student-save button").click()
    expect(pg.get_by_test_id("stToast")).to_contain_text("Saved your details")
    go(pg, server, "recommenders")
    add_application(pg, "Internal medicine", specialty="Internal medicine")
    expect(main(pg)).to_contain_text("ERAS 2028 · letters due Sep 1, 2027")
    expect(main(pg)).to_contain_text("estimated")
    add_application(pg, "Preliminary medicine", specialty="Internal medicine", track="Preliminary year")
    apps = {a.name: a for a in saved(server).applications()}
    assert {(a.portal, a.season, a.deadline) for a in apps.values()} == {("ERAS", 2028, SEASON_DUE)}
    assert apps["Preliminary medicine"].track == "preliminary"
    assert exceptions_on(pg) == []


def test_2_writers_are_added_with_the_sub_internship_s_end(story):
    viewport, server, pg = story
    choose_application(pg, server, "Internal medicine")
    add_writer(
        pg,
        "Dr. Sara Patel",
        specialty="Internal medicine",
        setting="Sub-internship",
        weeks=4,
        one_on_one="Frequent",
        performance="Outstanding",
        observed="Ran the team's morning plan\nLed a family meeting",
        last_worked=SUB_I_ENDED,
        rotation_end=SUB_I_ENDED,
        degree="MD",
    )
    add_writer(pg, "Dr. Leo Grant", specialty="Internal medicine", setting="Longitudinal", weeks=20)
    patel = next(m for m in saved(server).mentors() if m.name == "Dr. Sara Patel")
    assert (patel.setting, patel.rotation_end, patel.degree) == ("sub_internship", SUB_I_ENDED, "MD")
    shot(pg, f"story-a-{viewport}-2-writers")


def test_3_one_writer_planned_for_both_applications_is_one_letter(story):
    viewport, server, pg = story
    choose_application(pg, server, "Internal medicine")
    plan_letter(pg, server, "Dr. Sara Patel")
    plan_letter(pg, server, "Dr. Leo Grant")
    prelim = choose_application(pg, server, "Preliminary medicine")
    patel = writer_id(server, "Dr. Sara Patel")
    share = pg.locator(f".st-key-mentor-{patel}-share-{prelim}")
    expect(share).to_contain_text("Use the same letter as for Internal medicine")  # the default
    plan_letter(pg, server, "Dr. Sara Patel", expect_text="now goes to Preliminary medicine too")
    letters = [r for r in saved(server).letters() if r.mentor_id == patel]
    assert len(letters) == 1 and letters[0].also_for == [prelim]
    assert letters[0].brag_sheet == ["Ran the team's morning plan", "Led a family meeting"]  # from what she saw
    shot(pg, f"story-a-{viewport}-3-shared")


def test_4_the_ask_comes_within_two_weeks_and_once(story):
    viewport, server, pg = story
    plan = overview_of(saved(server), DAY).milestones
    patel = writer_id(server, "Dr. Sara Patel")
    asks = [m for m in plan if m.mentor_id == patel and m.kind == "ask"]
    assert len(asks) == 1 and DAY <= asks[0].day <= DAY + timedelta(days=14)
    assert "remembers your rotation" in asks[0].note
    for kind in ("packet", "reminder_1", "reminder_2", "thank_you", "deadline"):
        assert len([m for m in plan if m.mentor_id == patel and m.kind == kind]) == 1, kind
    go(pg, server)  # the Dashboard's week lists the ask
    expect(main(pg)).to_contain_text("Ask Dr. Sara Patel for a letter")
    shot(pg, f"story-a-{viewport}-4-dashboard")


def test_5_the_waiver_and_letter_id_are_saved_and_shown(story):
    viewport, server, pg = story
    go(pg, server, "letters")
    patel = writer_id(server, "Dr. Sara Patel")
    [letter] = [r for r in saved(server).letters() if r.mentor_id == patel]
    pg.locator(".st-key-letters-select input").click()
    pg.get_by_role(
        "option", name="Dr. Sara Patel — Internal medicine and Preliminary medicine (Narrative letter)"
    ).click()
    wait_for_app(pg)
    pg.locator(f".st-key-letter-{letter.id}-waiver").get_by_text("Waive my right to see it").click()
    wait_for_app(pg)
    fill(pg, f"letter-{letter.id}-letter-id", LETTER_ID)
    wait_for_app(pg)
    expect(main(pg)).not_to_contain_text("already gone")
    stored = next(r for r in saved(server).letters() if r.id == letter.id)
    assert (stored.waived, stored.letter_id) == (True, LETTER_ID)
    pg.get_by_role("tab", name="Writer request sheets").click()
    wait_for_app(pg)
    sheet = download(pg, f"sheet-{patel}-md", server.db.parent / "sheet.md").decode()
    assert "**Waiver:** Waived" in sheet and LETTER_ID in sheet
    assert sheet.count("Internal medicine and Preliminary medicine") >= 1
    assert exceptions_on(pg) == []
    shot(pg, f"story-a-{viewport}-5-letters")


def test_6_the_calendar_file_holds_each_step_once_with_alarms(story):
    viewport, server, pg = story
    go(pg, server, "timeline")
    frame = ".st-key-timeline-calendar-list iframe" if viewport == "phone" else ".st-key-timeline-calendar iframe"
    expect(pg.frame_locator(frame).locator(".fc-event").first).to_be_visible()
    wait_for_app(pg)
    events = calendar_events(download(pg, "timeline-ics-all", server.db.parent / "plan.ics"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries.count("Ask Dr. Sara Patel for a letter") == 1
    assert len(summaries) == len(set(summaries))  # no step twice
    plan = overview_of(saved(server), DAY).milestones
    assert len(events) == len(plan)
    todo = [e for e in events if not str(e["SUMMARY"]).startswith("✓")]
    assert all(e.walk("VALARM") for e in todo)  # every step still to do rings
    shot(pg, f"story-a-{viewport}-6-timeline")


def test_7_the_advisor_report_shows_the_waiver_and_id_and_prints_a_summary_page(story):
    _viewport, server, pg = story
    html = advisor_report_html(overview_of(saved(server), DAY))
    go(pg, server, "share")
    downloaded = download(pg, "share-report", server.db.parent / "report.html").decode()
    assert "Maya Chen" in downloaded and LETTER_ID in downloaded
    rows = [row.split("</tr>")[0] for row in downloaded.split("<tr>")]
    hers = [row for row in rows if row.startswith("<td>Dr. Sara Patel</td>") and "Narrative letter" in row]
    assert hers and not [row for row in hers if "undecided" in row]  # her waiver is decided, wherever listed
    pages = printed_pages(pg, html, server.db.parent / "report.pdf")
    assert pages >= 2  # page 1 the summary, the appendix after it
    assert exceptions_on(pg) == []
