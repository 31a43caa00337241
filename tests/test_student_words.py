"""The student review of Nov 2026, findings 8 and 15–19, and the committee leftovers: what the student and the writer
read in the drafts, the request sheets, the report and the pages when a date is estimated, a portal isn't open yet,
or a letter goes to a committee.
"""

from __future__ import annotations

from datetime import date

import pytest
from plan_dates import TODAY

from lor.messages import draft
from lor.models import Application, LetterRequest, Mentor
from lor.seasons import NEXT_SEASON, resolve_season, season_caption, season_dates
from lor.sheets import request_sheet_html, request_sheet_markdown


def _eras_im() -> Application:
    season, due, problem = resolve_season("ERAS", "residency", NEXT_SEASON, None, TODAY)
    assert problem is None and (season, due) == (2028, date(2027, 9, 1))
    return Application(
        name="Internal medicine",
        pathway="residency",
        specialty="internal_medicine",
        portal="ERAS",
        season=season,
        deadline=due,
    )


SUB_I = Mentor(name="Dr. Sara Patel", role="attending", setting="rotation", specialty="internal_medicine")


def _letter(app: Application, status: str = "agreed", **fields: object) -> LetterRequest:
    return LetterRequest(mentor_id=SUB_I.id, application_id=app.id, status=status, **fields)


# Finding 8 and 16: an early ask says the portal isn't open yet, and an estimated due date says so -----------------


@pytest.mark.parametrize("kind", ["ask_email", "ask_in_person", "thanks_yes"])
def test_an_ask_months_before_the_portal_opens_says_when_the_request_will_come(kind):
    app = _eras_im()
    body = draft(kind, student=None, mentor=SUB_I, application=app, letter=_letter(app), today=TODAY).body
    # Before: "Letters are due Wednesday, September 1, 2027" as fact, and the secure link of an email that won't
    # exist for seven months.
    assert "about Wednesday, September 1, 2027 (not yet published)" in body
    assert "Letters are due Wednesday" not in body and "Please submit by: Wednesday" not in body
    assert "ERAS opens for this season in June 2027" in body and "portal request" in body


def test_a_reminder_subject_and_body_call_the_estimated_date_about():
    app = _eras_im()
    letter = _letter(app, status="packet_sent", packet_sent_on=TODAY)
    reminder = draft("reminder_1", student=None, mentor=SUB_I, application=app, letter=letter, today=TODAY)
    assert reminder.subject == "A gentle reminder: letter due about Sep 1, 2027"
    assert "is due about Wednesday, September 1, 2027 (not yet published)" in reminder.body


def test_a_published_or_own_date_is_stated_plainly_and_an_open_portal_is_not_announced():
    app = _eras_im().model_copy(update={"deadline": date(2027, 8, 20)})  # the student's own date
    body = draft("ask_email", student=None, mentor=SUB_I, application=app, letter=_letter(app), today=TODAY).body
    assert "Letters are due Friday, August 20, 2027." in body and "not yet published" not in body
    june = date(2027, 6, 20)  # ERAS 2028 opened on June 2, 2027
    body = draft("thanks_yes", student=None, mentor=SUB_I, application=app, letter=_letter(app), today=june).body
    assert "opens for this season" not in body


def test_the_request_sheet_gives_the_estimated_date_and_when_the_portal_opens():
    app = _eras_im()
    items = [(_letter(app), app)]
    md = request_sheet_markdown(None, SUB_I, items, today=TODAY)
    assert "**First due date: about Wed Sep 1, 2027 (not yet published)**" in md
    assert "- **When:** ERAS opens for this season in June 2027. I'll send the portal request when it opens" in md
    page = request_sheet_html(None, SUB_I, items, today=TODAY)
    assert "First due date: about Wed Sep 1, 2027 (not yet published)" in page
    assert "ERAS opens for this season in June 2027" in page


# Finding 15: the caption of an application with its own date names the season's date with its noun and year --------


def test_the_caption_of_an_own_date_names_the_seasons_date_in_full():
    app = _eras_im().model_copy(update={"deadline": date(2027, 8, 20)})
    caption = season_caption(app)
    # Before: "the season's is Sep 1, estimated".
    assert caption.endswith("(your own date; the season's date is Sep 1, 2027, estimated)"), caption


# Finding 19: the ERAS 2028 estimate says why it copies ERAS 2026 -------------------------------------------------


def test_the_eras_estimate_says_the_2027_dates_were_looked_for_and_not_found():
    text = season_dates("ERAS", "residency", 2028).explained()
    assert "estimated from ERAS 2026" in text
    assert "ERAS 2027's dates were not found when the app's data was last checked" in text
    from lor.guidance import season_dates as faq_season_dates

    # Before, the FAQ: "Last published: ERAS 2026, September 24, 2025", and no word on ERAS 2027.
    faq = faq_season_dates(TODAY, ["ERAS residency"])
    assert "Last published: ERAS 2026" in faq and "ERAS 2027's dates were not found" in faq
    # The season right after the latest published one has nothing in between to explain.
    assert "not found" not in season_dates("ERAS", "residency", 2027).explained()


# The committee leftovers: a writer's other letters and the request sheet name the committee, not the portal --------


def _premed_with_do(tmp_path):
    from test_premed_committee import build_premed

    from lor.store import Store

    premed = build_premed(Store(tmp_path / "plan.db").default_workspace())
    do = Application(name="DO schools", pathway="medical_school", portal="AACOMAS", deadline=date(2027, 6, 15))
    ana = premed.writers["Dr. Ana Ortiz"]
    return premed, do, ana, LetterRequest(mentor_id=ana.id, application_id=do.id, status="agreed")


def test_the_packet_lists_a_committee_bound_letter_with_the_committee_and_its_date(tmp_path):
    premed, do, ana, do_letter = _premed_with_do(tmp_path)
    md_letter = premed.letter("Dr. Ana Ortiz")
    mentors = {m.id: m for m in premed.ws.mentors()}
    body = draft(
        "thanks_yes",
        student=None,
        mentor=ana,
        application=do,
        letter=do_letter,
        today=TODAY,
        others=[(md_letter, premed.md)],
        committees=mentors,
    ).body
    # Before: "- Narrative letter for MD schools (AMCAS), by Friday, June 11, 2027".
    line = "- Narrative letter for MD schools: to Example College Pre-Health Committee, by Monday, February 1, 2027"
    assert line in body
    assert "(AMCAS)" not in body


def test_a_committee_bound_sheet_says_the_letter_goes_to_the_committee(tmp_path):
    premed, _, ana, _ = _premed_with_do(tmp_path)
    items = [(premed.letter("Dr. Ana Ortiz"), premed.md)]
    committees = {premed.committee.id: premed.committee}
    md = request_sheet_markdown(None, ana, items, today=TODAY, committees=committees)
    # Before: "Version: General (the same letter goes to every program)".
    assert "every program" not in md
    assert "- **Version:** One letter, sent to Example College Pre-Health Committee for my committee letter" in md


def test_the_score_help_no_longer_promises_a_committee_a_neutral_50():
    from lor.scoring import scoring_help

    text = scoring_help()
    # Before: "it gets a neutral 50 (*possible*)", a number the committee's card no longer shows.
    assert "neutral" not in text and "gets a neutral 50" not in text
    assert "its card says *Letter source*" in text


# Finding 16: the Dashboard and the advisor report say the due date is estimated ------------------------------------


def test_the_dashboard_and_the_report_call_an_estimated_due_date_estimated(tmp_path):
    from lor.overview import overview_of
    from lor.report import advisor_report_html
    from lor.store import Store

    ws = Store(tmp_path / "plan.db").default_workspace()
    app = _eras_im()
    ws.save_application(app)
    ov = overview_of(ws, TODAY)
    # Before: "letters due in 280 days", as if the date were published.
    assert ov.due_line(app) == "letters due in 280 days (an estimated date)"
    page = advisor_report_html(ov)
    assert "about Wed Sep 1, 2027 (not yet published)" in page
    own = app.model_copy(update={"deadline": date(2027, 8, 20)})
    ws.save_application(own)
    assert overview_of(ws, TODAY).due_line(own) == "letters due in 268 days"


# Finding 15 on the pages: one word per case, no doubled captions ----------------------------------------------------


def test_a_planned_letter_is_planned_to_be_written_not_already_written(open_page):
    from backends import saved

    at = open_page("recommenders")
    ws = saved()
    vasquez = next(x for x in ws.letters() if x.id == "l-vasquez")
    ws.save_letter(vasquez.model_copy(update={"status": "planned", "asked_on": None}))
    at.selectbox(key="recommenders-application").set_value("a-prelim").run()
    assert not at.exception, at.exception
    labels = [r.label for r in at.radio if r.key == "mentor-m-vasquez-share-a-prelim"]
    # Before: "Dr. Elena Vasquez already writes you a letter on ERAS" for a letter not even asked for yet.
    assert labels == ["Dr. Elena Vasquez is planned to write you a letter on ERAS"], labels


def test_the_waiting_step_says_waiting_once(open_page):
    from test_page_timeline import click_event

    at = click_event(open_page("timeline"), "l-vasquez-packet")
    captions = [c.value for c in at.caption]
    # Before: the note's "Still waiting for an answer…" and then, right under it, "Waiting for their answer."
    assert "Waiting for their answer." not in captions
    assert "Record their answer here when it comes." in captions


def test_a_for_you_now_card_whose_title_is_a_question_takes_no_colon_after_it():
    from lor.guidance import Card

    card = Card(slug="mix", title="How many letters do I need, and from whom?", reason="Internal medicine: …")
    # Before: "How many letters do I need, and from whom?: Internal medicine: …" on the Dashboard.
    assert f"{card.title}{card.separator}{card.reason}" == (
        "How many letters do I need, and from whom? Internal medicine: …"
    )
    assert Card(slug="x", title="Waiver", reason="r").separator == ": "


def test_two_separate_letters_from_one_writer_are_both_on_the_portal_not_all(open_page):
    from backends import saved

    at = open_page("letters")
    ws = saved()
    ws.save_letter(LetterRequest(id="l-vasquez-2", mentor_id="m-vasquez", application_id="a-prelim"))
    at.run()
    assert not at.exception, at.exception
    [line] = [m.value for m in at.markdown if "separate letters" in m.value and "Vasquez" in m.value]
    # Before: "writes 2 separate letters … for Internal medicine (categorical) and Preliminary medicine, all on ERAS".
    assert "both on ERAS" in line and "all on" not in line, line


# Finding 17: a check date after the plan's today reads as a date, not as something long past; no ISO dates ----------


def test_the_rules_line_and_the_busy_note_give_the_check_date_plainly_in_the_apps_format():
    import re

    from lor.busy import calendar_note
    from lor.seasons import rules_season_line

    line = rules_season_line()
    # Before: "checked on December 7, 2026", shown on a plan dated Nov 25, 2026.
    assert "checked on" not in line and "checked Dec 7, 2026" in line
    note = calendar_note()
    # Before: "Real dates checked (as of 2026-11-30)".
    assert "as of" not in note and not re.search(r"\d{4}-\d{2}-\d{2}", note)
    assert "Real dates checked Nov 30, 2026:" in note


# Finding 18: fields that don't apply to the path are not shown ------------------------------------------------------


def test_a_declined_letter_shows_no_packet_brag_sheet_waiver_or_day_of_a_step(open_page):
    at = open_page("letters")
    at.selectbox(key="letters-select").set_value("l-reed").run()  # the example's declined letter
    assert not at.exception, at.exception
    keys = {w.key for w in [*at.date_input, *at.text_area, *at.radio, *at.checkbox]}
    # Before: a packet checklist, a brag sheet, the waiver and a "Day of this step" with no step to date.
    assert "letter-l-reed-day" not in keys and "letter-l-reed-brag" not in keys
    assert not [k for k in keys if k and k.startswith("letter-l-reed-") and ("packet" in k or "waiver" in k)]
    assert "**Packet checklist**" not in [m.value for m in at.markdown]
    assert any(b.key == "letter-l-reed-move-asked" for b in at.button)  # the undo stays


def test_a_medical_school_application_is_added_without_residency_fields(open_page):
    at = open_page("recommenders")
    at.selectbox(key="application-pathway").set_value("medical_school").run()
    assert not at.exception, at.exception
    keys = {w.key for w in at.selectbox}
    # Before: Specialty (residency specialties, "Required for residency and fellowship") and Track (residency).
    assert "application-specialty" not in keys and "application-track" not in keys
    assert at.text_input(key="application-name").placeholder == "MD schools, AMCAS 2028"
    at.text_input(key="application-name").input("MD schools")
    at.button(key="application-add").click().run()
    assert not at.exception, at.exception
    from backends import saved

    md = next(a for a in saved().applications() if a.name == "MD schools")
    assert (md.portal, md.specialty, md.track) == ("AMCAS", None, "categorical")
    at.selectbox(key="recommenders-application").set_value(md.id).run()
    labels = {w.label for w in [*at.selectbox, *at.checkbox] if w.key and w.key.startswith(f"application-{md.id}-")}
    # Before: the edit panel offered Specialty, Track (residency) and Osteopathic Recognition for AMCAS.
    assert labels and not labels & {"Specialty", "Track (residency)", "Osteopathic Recognition"}, labels
