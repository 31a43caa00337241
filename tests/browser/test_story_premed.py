"""Story (b) of issue #22: a premed applying through AMCAS and AACOMAS with a committee letter, in a real browser on a
laptop and on a phone, from an empty plan.

The server's day is Wed Nov 25, 2026. Her school's Pre-Health Committee needs everything by Feb 1, 2027. The committee
is a letter source, not a person: no relationship score, its own steps (register, hand in what it needs by its date),
and the individual letters it gathers are due to it, not to AMCAS, and count inside its one letter.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from story import (
    add_application,
    add_source,
    add_writer,
    calendar_events,
    choose_application,
    download,
    go,
    main,
    open_expander,
    plan_letter,
    printed_pages,
    saved,
    writer_id,
)

from lor.overview import overview_of
from lor.report import advisor_report_html
from tools.browser import TODAY, choose, exceptions_on, shot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

DAY = date.fromisoformat(TODAY)
INTAKE = date(2027, 2, 1)
COMMITTEE = "Pre-Health Committee"


def test_1_amcas_and_aacomas_applications_take_their_season_s_dates(story):
    _viewport, server, pg = story
    go(pg, server, "recommenders")
    add_application(pg, "MD schools", pathway="Medical school")
    expect(main(pg)).to_contain_text("AMCAS 2028 · letters due Jun 11, 2027")
    open_expander(pg, "Add an application", ".st-key-application-name input")
    choose(pg, "application-portal", "AACOMAS")
    add_application(pg, "DO schools", pathway="Medical school")
    apps = {a.name: a for a in saved(server).applications()}
    assert (apps["MD schools"].portal, apps["MD schools"].season) == ("AMCAS", 2028)
    assert (apps["DO schools"].portal, apps["DO schools"].deadline) == (
        "AACOMAS",
        date(2027, 6, 1),
    )  # Jun 15 less 2 weeks


def test_2_the_committee_is_a_letter_source_not_a_person(story):
    viewport, server, pg = story
    choose_application(pg, server, "MD schools")
    add_source(pg, COMMITTEE, kind="A committee letter", intake=INTAKE)
    committee = next(m for m in saved(server).mentors() if m.name == COMMITTEE)
    assert (committee.role, committee.intake_deadline) == ("committee", INTAKE)
    # Its card (the only writer so far) explains why it has no relationship score, and says none of a person's.
    expect(main(pg)).to_contain_text("A committee letter: your school's committee writes it")
    # Its card: no score, fit label, goal-talk nudge or contact log; an office, not a relationship (student review #5).
    # (The page's "How the score works" help names the person's warnings, so the card alone is read.)
    card = (
        main(pg)
        .get_by_test_id("stVerticalBlock")
        .filter(has_text=f"{COMMITTEE} · Committee letter")
        .filter(has_text="How this letter works")
        .last  # the innermost block holding both: the card
    )
    expect(card).to_contain_text("Letter source")
    for person_words in ("Weak", "Brief contact", "No one-on-one time", "Score 50", "Possible", "Touchpoints"):
        expect(card).not_to_contain_text(person_words)
    for name, role in (("Dr. Ana Chem", "Science faculty"), ("Dr. Ben Bio", "Science faculty")):
        add_writer(pg, name, role=role, setting="Course", weeks=15, performance="Outstanding")
    add_writer(pg, "Prof. Cara Hist", role="Non-science faculty", setting="Course", weeks=15)
    shot(pg, f"story-b-{viewport}-2-committee")


def test_3_individual_letters_go_into_the_committee_letter(story):
    _viewport, server, pg = story
    choose_application(pg, server, "MD schools")
    plan_letter(pg, server, COMMITTEE, expect_text="Planned a committee letter")
    for name in ("Dr. Ana Chem", "Dr. Ben Bio", "Prof. Cara Hist"):
        plan_letter(pg, server, name, expect_text=f"it goes to {COMMITTEE}, into your committee letter")
    committee = writer_id(server, COMMITTEE)
    letters = saved(server).letters()
    assert {r.via for r in letters if r.mentor_id != committee} == {committee}
    expect(main(pg)).to_contain_text("covered — your committee letter or letter packet stands in")
    # The DO schools take the same committee letter through AACOMAS: another portal, so its own upload, but the
    # committee hears from the student once.
    choose_application(pg, server, "DO schools")
    plan_letter(pg, server, COMMITTEE, expect_text="Planned a committee letter")
    assert len([r for r in saved(server).letters() if r.mentor_id == committee]) == 2


def test_4_the_committee_runs_on_its_own_deadline_months_before_amcas(story):
    viewport, server, pg = story
    committee = writer_id(server, COMMITTEE)
    plan = overview_of(saved(server), DAY).milestones
    mine = [m for m in plan if m.mentor_id == committee]
    register = [m for m in mine if m.kind == "ask"]
    assert len(register) == 1 and register[0].title == f"Register with {COMMITTEE} for your committee letter"
    assert register[0].day < INTAKE  # not an ask in May for a June AMCAS date
    [hand_in] = [m for m in mine if m.kind == "packet"]
    assert hand_in.day == INTAKE
    assert not [m for m in mine if m.kind in ("check_in", "reminder_1", "reminder_2")]
    chem = writer_id(server, "Dr. Ana Chem")
    [due] = [m for m in plan if m.mentor_id == chem and m.kind == "deadline"]
    assert due.day == INTAKE  # due to the committee, by its date
    ask = next(m for m in plan if m.mentor_id == chem and m.kind == "ask")
    assert register[0].day < ask.day < INTAKE - timedelta(weeks=3)  # register first (student review #12)
    [update] = [m for m in plan if m.mentor_id == chem and m.kind == "update"]
    assert update.day.year == 2028  # AMCAS 2028: admissions in the spring of 2028 (student review #3)
    go(pg, server, "faq")
    expect(main(pg)).to_contain_text("Committee letters have their own deadlines")  # For you now
    expect(main(pg)).to_contain_text(f"{COMMITTEE} runs your committee letter: its deadline is February 1")
    assert exceptions_on(pg) == []
    shot(pg, f"story-b-{viewport}-4-faq")


def test_5_the_writer_s_sheet_sends_the_letter_to_the_committee(story):
    viewport, server, pg = story
    go(pg, server, "letters")
    pg.get_by_role("tab", name="Writer request sheets").click()
    wait_for_app(pg)
    chem = writer_id(server, "Dr. Ana Chem")
    sheet = download(pg, f"sheet-{chem}-md", server.db.parent / "sheet.md").decode()
    # Due to the committee by its date, not to AMCAS in June (student review #1).
    assert "**Due:** **Mon Feb 1, 2027**" in sheet and f"**Send to:** {COMMITTEE}" in sheet
    assert "Letter Writer Portal" not in sheet and "Jun 11" not in sheet
    go(pg, server, "")
    expect(main(pg)).to_contain_text(f"{COMMITTEE}'s deadline in 68 days")  # the Dashboard: nearest first (#10)
    assert exceptions_on(pg) == []
    shot(pg, f"story-b-{viewport}-5-sheet")


def test_6_the_calendar_file_and_the_report(story):
    viewport, server, pg = story
    go(pg, server, "timeline")
    frame = ".st-key-timeline-calendar-list iframe" if viewport == "phone" else ".st-key-timeline-calendar iframe"
    expect(pg.frame_locator(frame).locator(".fc-event").first).to_be_visible()
    wait_for_app(pg)
    events = calendar_events(download(pg, "timeline-ics-all", server.db.parent / "plan.ics"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries.count(f"Register with {COMMITTEE} for your committee letter") == 1
    assert len(events) == len(overview_of(saved(server), DAY).milestones)
    html = advisor_report_html(overview_of(saved(server), DAY))
    assert COMMITTEE in html
    assert printed_pages(pg, html, server.db.parent / "report.pdf") >= 2
    assert exceptions_on(pg) == []
    shot(pg, f"story-b-{viewport}-6-timeline")
