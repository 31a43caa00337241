"""A premed's plan with a Pre-Health Committee, built from empty through the public API as a student builds it.

The student review of Nov 2026 (findings 1, 3, 5, 10, 12 and the committee wording of 15 and 25): the individual
letters a committee gathers are due to the committee by its date, not to AMCAS; the committee is a letter source,
not a person; and every surface (drafts, request sheet, timeline, calendar file, report) says so.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from datetime import date

import pytest
from plain_text import shown
from plan_dates import TODAY

from lor.lifecycle import plan_letter_for
from lor.models import Application, LetterRequest, Mentor
from lor.overview import Overview, overview_of
from lor.seasons import NEXT_SEASON, resolve_season
from lor.store import Store, Workspace

COMMITTEE = "Example College Pre-Health Committee"
INTAKE = date(2027, 2, 1)  # the committee's deadline for everything it gathers
WRITERS = (
    ("Dr. Ana Ortiz", "science_faculty"),
    ("Dr. Ben Bio", "science_faculty"),
    ("Prof. Cara Hist", "non_science_faculty"),
)


@dataclass
class Premed:
    ws: Workspace
    md: Application
    committee: Mentor
    writers: dict[str, Mentor]

    def overview(self) -> Overview:
        return overview_of(self.ws, TODAY)

    def letter(self, name: str) -> LetterRequest:
        who = self.committee if name == COMMITTEE else self.writers[name]
        return next(x for x in self.ws.letters() if x.mentor_id == who.id)


def _plan(ws: Workspace, mentor: Mentor, app: Application, committee: Mentor, letter_type: str) -> None:
    """What Plan a letter on Choose recommenders saves."""
    ws.save_letter(
        plan_letter_for(
            ws.letters(),
            ws.applications(),
            mentor.id,
            app,
            letter_type=letter_type,
            share=True,
            committees={committee.id},
        )
    )


@pytest.fixture
def premed(tmp_path) -> Premed:
    return build_premed(Store(tmp_path / "plan.db").default_workspace())


def build_premed(ws: Workspace, *, plan_writers: bool = True) -> Premed:
    """Story (b): MD schools through AMCAS (the next season, AMCAS 2028), a committee whose deadline is Feb 1, 2027,
    two science writers and one non-science writer, each planned after the committee letter."""
    season, due, problem = resolve_season("AMCAS", "medical_school", NEXT_SEASON, None, TODAY)
    assert problem is None and due is not None
    md = Application(name="MD schools", pathway="medical_school", portal="AMCAS", season=season, deadline=due)
    ws.save_application(md)
    committee = Mentor(name=COMMITTEE, role="committee", setting="other", intake_deadline=INTAKE)
    ws.save_mentor(committee)
    writers = {}
    for name, role in WRITERS:
        writers[name] = Mentor(name=name, role=role, setting="course", weeks_known=15, performance="outstanding")
        ws.save_mentor(writers[name])
    _plan(ws, committee, md, committee, "committee")
    for mentor in writers.values() if plan_writers else ():
        _plan(ws, mentor, md, committee, "narrative")
    return Premed(ws, md, committee, writers)


def text_of(page: str) -> str:
    """An HTML page's words, as a reader sees them."""
    body = re.sub(r"<style.*?</style>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_story_starts_from_amcas_2028_with_every_letter_through_the_committee(premed):
    assert (premed.md.season, premed.md.deadline) == (2028, date(2027, 6, 11))
    assert {premed.letter(name).via for name in premed.writers} == {premed.committee.id}


# Finding 10: the mix appendix names each check the committee covers; counts read as words --------------------


def test_each_check_the_committee_covers_says_which_check_it_is(premed):
    checks = premed.overview().mixes[premed.md.id].checks
    covered = [c.message for c in checks if "covered" in c.message.lower()]
    assert len(covered) == 3 and len(set(covered)) == 3
    assert any(m.startswith("Science faculty letters: covered") for m in covered)
    assert any(m.startswith("Non-science faculty letter: covered") for m in covered)
    assert any(m.startswith("Number of letters: covered") for m in covered)
    limit = next(c for c in checks if c.rule == "portal-limit")
    assert limit.message.startswith("1 letter entry: within the AMCAS limit of 10")


def test_one_aacomas_evaluation_is_not_called_evaluations(premed):
    from lor.mix import check_mix

    do = Application(name="DO schools", pathway="medical_school", portal="AACOMAS", deadline=date(2027, 6, 15))
    report = check_mix(do, [premed.writers["Dr. Ana Ortiz"]])
    limit = next(c for c in report.checks if c.rule == "portal-limit")
    assert limit.message.startswith("1 evaluation: within the AACOMAS limit of 6")


# Findings 3 and 12: the order and the dates of the premed's steps ------------------------------------------------


def test_every_writer_hears_where_you_were_admitted_in_the_spring_of_the_amcas_season(premed):
    updates = [m for m in premed.overview().milestones if m.kind == "update"]
    assert len(updates) == 1 + len(WRITERS)  # the committee's and each writer's
    # AMCAS 2028 is applied to in 2027: decisions come in the spring of 2028, not before the application is sent.
    assert {m.day for m in updates} == {date(2028, 4, 17)}


def test_the_student_registers_with_the_committee_before_any_writer_is_asked(premed):
    steps = premed.overview().milestones
    [register] = [m for m in steps if m.kind == "ask" and m.mentor_id == premed.committee.id]
    asks = [m for m in steps if m.kind == "ask" and m.mentor_id != premed.committee.id]
    assert register.title == f"Register with {COMMITTEE} for your committee letter"
    assert len(asks) == len(WRITERS) and all(register.day < m.day for m in asks)


def test_goal_conversations_stay_out_of_the_fall_finals(premed):
    from lor.busy import academic_calendar

    finals = [p for p in academic_calendar(date(2026, 11, 1), date(2027, 2, 1)) if "final" in p.name.lower()]
    assert finals, "the busy calendar has university finals"
    talks = [m for m in premed.overview().milestones if m.kind == "check_in"]
    assert len(talks) == len(WRITERS)
    assert not [(m.title, m.day) for m in talks for p in finals if p.start <= m.day <= p.end]
    assert all(m.day >= TODAY for m in talks)


def test_a_writer_s_status_check_asks_the_committee_not_the_portal(premed):
    checks = [
        m for m in premed.overview().milestones if m.kind == "status_check" and m.mentor_id != premed.committee.id
    ]
    assert len(checks) == len(WRITERS)
    for step in checks:
        assert step.day < INTAKE and f"Ask {COMMITTEE} whether your letter" in step.note
        assert "portal" not in step.note


# Finding 1: a letter the committee gathers is due to the committee, by its date, and never uploaded to AMCAS -----


def _drafts(premed: Premed, name: str) -> dict[str, str]:
    from lor.messages import DRAFT_KINDS, draft

    letter, mentor = premed.letter(name), premed.writers[name]
    out = {}
    for kind, _ in DRAFT_KINDS:
        d = draft(
            kind, student=None, mentor=mentor, application=premed.md, letter=letter, today=TODAY, via=premed.committee
        )
        out[kind] = f"{d.subject}\n{d.body}"
    return out


def test_the_ask_packet_and_status_check_give_the_committee_and_its_date(premed):
    drafts = _drafts(premed, "Dr. Ana Ortiz")
    for kind in ("ask_in_person", "ask_email", "thanks_yes", "reminder_1", "reminder_2", "status_check"):
        text = drafts[kind]
        assert "February 1, 2027" in text and COMMITTEE in text, kind
        assert "June 11" not in text and "Jun 11" not in text, kind
    for kind in ("thanks_yes", "reminder_1", "status_check", "thanks_submitted"):
        text = drafts[kind]
        for portal_step in ("Letter Writer Portal", "Portal: AMCAS", "AMCAS portal", "The portal shows", "the upload"):
            assert portal_step not in text, (kind, portal_step)
    assert f"Please send it to: {COMMITTEE}, by Monday, February 1, 2027" in drafts["thanks_yes"]
    assert "the committee sends to AMCAS itself" in drafts["thanks_yes"]


def test_the_request_sheet_sends_the_letter_to_the_committee_by_its_date(premed):
    from lor.sheets import request_sheet_html, request_sheet_markdown, sheet_items

    ana = premed.writers["Dr. Ana Ortiz"]
    items = sheet_items(ana.id, premed.ws.letters(), premed.ws.applications())
    mentors = {m.id: m for m in premed.ws.mentors()}
    sheet = request_sheet_markdown(None, ana, items, today=TODAY, committees=mentors)
    assert "- **Due:** **Mon Feb 1, 2027**" in sheet
    assert f"- **Send to:** {COMMITTEE}" in sheet
    assert "Jun 11" not in sheet and "Portal:" not in sheet and "Letter Writer Portal" not in sheet
    page = text_of(request_sheet_html(None, ana, items, today=TODAY, committees=mentors))
    assert "First due date: Mon Feb 1, 2027" in page and f"Send to {COMMITTEE}" in page
    assert "Jun 11" not in page and "Letter Writer Portal" not in page


def test_the_timeline_and_the_calendar_file_date_the_letter_to_the_committee(premed):
    from lor.ics import milestones_to_ics

    steps = [m for m in premed.overview().milestones if m.mentor_id == premed.writers["Dr. Ana Ortiz"].id]
    [due] = [m for m in steps if m.kind == "deadline"]
    assert due.day == INTAKE and COMMITTEE in due.note
    calendar = milestones_to_ics(steps).decode()
    assert "DTSTART;VALUE=DATE:20270201" in calendar and "Letter Writer Portal" not in calendar


# Finding 5: the committee is a letter source, not a person, on every surface ------------------------------------


def test_the_committee_gets_no_goal_talk_no_personal_ask_and_no_reminder_drafts(premed):
    from lor.lifecycle import move
    from lor.messages import draft, draft_kinds_for, draft_label, draft_menu
    from lor.scoring import needs_goal_conversation

    committee, letter = premed.committee, premed.letter(COMMITTEE)
    assert not needs_goal_conversation(committee, TODAY, premed.ws.letters())
    menu = draft_menu(letter, application=premed.md, today=TODAY, mentor=committee)
    assert not {"goal_conversation", "reminder_1", "reminder_2"} & set(menu)
    labels = [draft_label(kind, committee) for kind in menu]
    assert (
        "What to say when you ask in person" not in labels and "Questions for the office (a visit or a call)" in labels
    )
    agreed = move(move(letter, "asked", TODAY), "agreed", TODAY).model_copy(update={"waived": True})
    handed_in = move(agreed, "packet_sent", TODAY)
    assert draft_kinds_for(handed_in, mentor=committee, today=TODAY) == ["status_check"]
    with pytest.raises(ValueError, match="no reminders"):
        draft("reminder_1", student=None, mentor=committee, application=premed.md, letter=handed_in, today=TODAY)


def test_the_committee_s_next_step_is_what_a_student_does(premed):
    ov = premed.overview()
    step = ov.next_step(premed.letter(COMMITTEE))
    assert step.startswith("Request the committee letter: register with the committee")
    assert "in person" not in step


def test_the_committee_s_steps_on_the_timeline_and_in_the_calendar_file_are_an_office_s(premed):
    from lor.ics import milestones_to_ics

    steps = [m for m in premed.overview().milestones if m.mentor_id == premed.committee.id]
    assert {m.kind for m in steps} == {"ask", "packet", "status_check", "deadline", "thank_you", "update"}
    calendar = milestones_to_ics(steps).decode()
    for personal in ("goal", "reminder", "in person", "Brag"):
        assert personal.lower() not in calendar.lower(), personal


def test_the_report_shows_no_score_and_an_office_s_next_step_for_the_committee(premed):
    from lor.report import advisor_report_html

    page = text_of(advisor_report_html(premed.overview()))
    assert f"{COMMITTEE} letter source" in page and "50/100" not in page
    assert "Request the committee letter: register with the committee" in page
    assert "Ask for the letter — in person" in page  # the individual writers are still asked in person
    assert page.count("Request the committee letter") == 2  # page 1 and Appendix B


# Finding 10: the nearest deadline, the committee's, leads on the Dashboard and in the report --------------------


def test_the_dashboard_line_and_the_report_lead_with_the_committee_s_deadline(premed):
    from lor.report import advisor_report_html

    ov = premed.overview()
    assert ov.nearest_due(premed.md) == (INTAKE, COMMITTEE)
    letters = "letters due in 198 days (an estimated date)"  # AMCAS 2028's date is the app's estimate
    assert ov.due_line(premed.md) == f"{COMMITTEE}'s deadline in 68 days (Feb 1, 2027) · {letters}"
    page = text_of(advisor_report_html(ov))
    portal = "Portal: about Fri Jun 11, 2027 (not yet published) 198 days left"
    assert f"{COMMITTEE}: Mon Feb 1, 2027 68 days left {portal}" in page
    assert f"first: {COMMITTEE}'s deadline, Mon Feb 1, 2027" in page


def test_once_the_committee_s_date_has_passed_the_portal_s_leads_again(premed):
    from lor.overview import overview_of

    later = overview_of(premed.ws, date(2027, 3, 1))
    assert later.nearest_due(premed.md) is None
    assert later.due_line(premed.md) == "letters due in 102 days (an estimated date)"


# Wording of findings 15 and 25 ------------------------------------------------------------------------------------


def test_the_committee_s_request_sheet_thanks_it_for_preparing_the_letter(premed):
    from lor.sheets import request_sheet_markdown, sheet_items

    items = sheet_items(premed.committee.id, premed.ws.letters(), premed.ws.applications())
    sheet = request_sheet_markdown(None, premed.committee, items, today=TODAY)
    assert "Thank you for preparing my committee letter." in sheet
    assert "writing on my behalf" not in sheet


# The pages: the Dashboard's application line, and the notice when a writer is planned into the committee letter ----


def test_the_dashboard_leads_with_the_committee_s_deadline(open_page):
    at = open_page("dashboard", example=False)
    build_premed(Store(os.environ["LOR_DB"]).default_workspace())
    at.run()
    assert not at.exception, at.exception
    lines = [shown(m.value) for m in at.markdown]
    line = f"{COMMITTEE}'s deadline in 68 days (Feb 1, 2027) · letters due in 198 days (an estimated date)"
    assert any(line in v for v in lines)


def test_planning_a_writer_into_the_committee_letter_names_the_committee_once(open_page):
    at = open_page("recommenders", example=False)
    premed = build_premed(Store(os.environ["LOR_DB"]).default_workspace(), plan_writers=False)
    at.run()
    at.button(key=f"mentor-{premed.writers['Dr. Ana Ortiz'].id}-plan").click().run()
    assert not at.exception, at.exception
    notices = [shown(s.value) for s in at.success]
    assert f"Planned a narrative letter from Dr. Ana Ortiz: it goes to {COMMITTEE}, into your committee letter." in (
        notices
    )
    assert not any("Committee's committee" in n for n in notices)
