"""Issue #24, "Content, second pass": what a fact check against the sources still found, reproduced through the
public API (check_mix, score_mentor, plan_letter) and through the page that shows it.

Each test builds the case the review found and checks the answer the portals' and the specialty organisations'
own pages give (sources in data/*.toml, checked Dec 7, 2026); what no official page confirmed is said to be
unconfirmed.
"""

from __future__ import annotations

import os
import re
from datetime import date

from plan_dates import TODAY

from lor.guidance import get_topic, load_guidance, season_dates
from lor.mix import check_mix
from lor.models import Application, LetterRequest, Mentor, Program
from lor.planner import plan_letter
from lor.scoring import score_mentor
from lor.store import Store

DUE = date(2027, 9, 1)


def _app(**kw) -> Application:
    kw.setdefault("pathway", "residency")
    return Application(id="a", name="Target", deadline=DUE, **kw)


def _people(n: int, prefix: str = "m", **kw) -> list[Mentor]:
    return [Mentor(id=f"{prefix}{i}", name=f"Dr. {prefix.upper()}{i}", **kw) for i in range(n)]


def _check(report, rule: str):
    return next(c for c in report.checks if c.rule == rule)


def _rules(report) -> set[str]:
    return {c.rule for c in report.checks}


def _workspace():
    return Store(os.environ["LOR_DB"]).default_workspace()


def _page_text(at) -> str:
    """Everything the page says, its Markdown escapes undone ("ERAS\\: ..." reads "ERAS: ...")."""
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success]
    text = " ".join(str(p.value) for p in parts) + " " + " ".join(str(w.label) for w in at.text_input)
    return re.sub(r"\\(.)", r"\1", text)


# 1. ERAS locks a program's letters once you apply ---------------------------------------------------------------


def test_point_1_eras_says_its_assignments_lock_and_advises_a_free_slot():
    from lor.assignment import check_assignments

    letters = [LetterRequest(id=f"l{i}", mentor_id=f"m{i}", application_id="a", status="submitted") for i in range(4)]
    late = LetterRequest(id="late", mentor_id="m9", application_id="a", status="agreed")
    full = Program(name="Riverside", assigned=[x.id for x in letters])
    notes = [i.message for i in check_assignments(_app(programs=[full]), [*letters, late])]
    # Before: "—" in the FAQ and nothing on the grid; the lock has been ERAS policy since the 2014 season.
    assert any(
        n.startswith("A rule of ERAS: ERAS locks the letters assigned to a program once you apply") for n in notes
    )
    assert any("Riverside has all 4 slots taken" in n and "keep a slot free" in n for n in notes)
    room = Program(name="Lakeshore", assigned=[x.id for x in letters[:3]])
    assert not any("slots taken" in i.message for i in check_assignments(_app(programs=[room]), [*letters, late]))
    table = get_topic("assignment").body
    assert "| ERAS |" in table and "ERAS locks the letters assigned to a program once you apply" in table


def test_point_1_the_letters_page_shows_the_eras_lock_on_the_assignment_grid(open_page):
    at = open_page("letters")
    assert not at.exception
    assert "A rule of ERAS: ERAS locks the letters assigned to a program once you apply" in _page_text(at)


# 2. Medical-school letter types: what most MD schools ask; each school's own rule wins; TMDSAS sets none ----------


def test_point_2_the_science_letters_stay_required_but_say_whose_rule_it_is():
    one_science = _people(1, "s", role="science_faculty") + _people(1, "n", role="non_science_faculty")
    # ERAS: an application built without a portal has the default one; AACOMAS speaks of DO schools (review 2)
    for portal in ("AMCAS", "ERAS"):
        science = _check(check_mix(_app(pathway="medical_school", portal=portal), one_science), "med-science-faculty")
        assert science.required and not science.ok
        # Before: "Medical schools expect two from science faculty", as if every school did.
        assert (
            "Most MD schools" in science.message and "MSAR" in science.message and "DO schools vary" in science.message
        )
    tmdsas = check_mix(_app(pathway="medical_school", portal="TMDSAS"), one_science)
    assert not {"med-science-faculty", "med-non-science-faculty"} & _rules(tmdsas)  # TMDSAS sets no writer types
    assert tmdsas.ok


def test_point_2_the_faq_mix_list_says_each_schools_rule_wins():
    body = get_topic("mix").body
    assert "What most MD schools ask" in body and "MSAR" in body and "TMDSAS sets no writer types" in body


# 3. AMCAS: the AAMC Letter Writer Portal from an emailed link, the AMCAS Request ID -------------------------------


def test_point_3_amcas_drafts_send_the_emailed_link_and_name_the_request_id():
    from lor.messages import draft

    writer = Mentor(name="Dr. Chem", role="science_faculty", last_worked=TODAY)
    application = _app(pathway="medical_school", portal="AMCAS")
    letter = LetterRequest(mentor_id=writer.id, application_id="a", status="agreed", letter_id="A1B2C3D4")
    body = draft("thanks_yes", student=None, mentor=writer, application=application, letter=letter, today=TODAY).body
    # Before: "with my AAMC ID and the letter ID from the AMCAS Letter Request Form".
    assert "secure link to the AAMC Letter Writer Portal" in body and "guest" in body
    assert "AMCAS Request ID: A1B2C3D4" in body and "Letter ID:" not in body
    assert "Letter Request Form" in body  # the fallback when the email goes astray


def test_point_3_the_old_seven_digit_warning_does_not_fire_on_request_ids():
    from lor.lifecycle import letter_id_warning

    for request_id in ("12345", "A1B2C3D4", "98765432"):
        assert letter_id_warning("AMCAS", request_id) is None


def test_point_3_the_letters_page_names_the_portals_own_term(open_page):
    ws = _workspace()
    writer = Mentor(id="chem", name="Dr. Chem", role="science_faculty")
    ws.save_mentor(writer)
    ws.save_application(
        Application(id="md", name="MD schools", pathway="medical_school", portal="AMCAS", deadline=date(2027, 6, 1))
    )
    ws.save_letter(LetterRequest(id="l-chem", mentor_id="chem", application_id="md", status="agreed"))
    at = open_page("letters", example=False)
    assert not at.exception
    at.selectbox(key="letters-select").set_value("l-chem").run()
    label = at.text_input(key="letter-l-chem-letter-id").label
    assert label.startswith("AMCAS Request ID") and "Letter Request Form" in label


# 4. Dates belong to a season --------------------------------------------------------------------------------------


def test_point_4_guidance_dates_come_from_the_season_data():
    block = season_dates(date(2026, 12, 7))
    # Before: "Sept. 3 / Sept. 24, 2025", the ERAS 2026 days, cited as if current.
    assert "**ERAS 2028, residency**" in block and "September 22, 2027 (*estimated*)" in block
    assert "Last published: ERAS 2026, September 24, 2025" in block
    assert "ResidencyCAS 2027–28" in block and "October 1, 2027" in block  # a week after ERAS
    assert "Rank order list entry opens in early February (February 1 in 2023 and 2024)" in block
    published = season_dates(date(2025, 3, 1), ("ERAS residency",))
    assert "September 24, 2025 (published)" in published
    for topic in load_guidance():
        assert "Sept. 3" not in topic.body and "mid-January" not in topic.body, topic.slug


def test_point_4_nrmp_ranking_opens_february_first():
    from lor.busy import academic_calendar

    interviews = next(p for p in academic_calendar(date(2026, 9, 1), date(2027, 3, 1)) if p.key == "interview_season")
    assert "February 1" in interviews.source and "mid-January" not in interviews.source


def test_point_4_the_faq_shows_the_seasons_ahead_and_the_season_the_rules_were_checked_for(open_page):
    at = open_page("faq", example=False, query={"topic": "ask-early"})
    assert not at.exception
    text = _page_text(at)
    assert "These rules follow the 2027 seasons' published rules" in text
    assert "ERAS 2028, residency" in text and "*estimated*" in text


# 5. ERAS imports the most recent submitted application's letters, up to seven seasons back -----------------------


def test_point_5_reapplicants_import_from_their_most_recent_application():
    for slug in ("reapplying", "reuse"):
        topic = get_topic(slug)
        text = " ".join(f"{topic.summary} {topic.body}".split())
        assert "last season's letters" not in text and "most recent submitted application" in text
        assert "seven seasons" in text


# 6. FERPA: a right at a school you attend or enroll in ------------------------------------------------------------


def test_point_6_not_waiving_keeps_a_right_only_where_you_enroll():
    from lor.lifecycle import WAIVER_ADVICE

    waiver = " ".join(get_topic("waiver").body.split())
    assert "another institution" not in waiver and "later enroll in" in waiver and "only applied to" in waiver
    assert "enroll in" in WAIVER_ADVICE


# 7. The IM SEL is the department's letter; a chair may add a personal one -----------------------------------------


def test_point_7_a_chairs_personal_letter_is_not_the_im_sel():
    attendings = _people(2, specialty="internal_medicine")
    chair = Mentor(id="chair", name="Dr. Chair", role="department_chair", specialty="internal_medicine")
    department = Mentor(id="dom", name="Department of Medicine", role="department", specialty="internal_medicine")
    only_chair = check_mix(_app(specialty="internal_medicine"), [*attendings, chair], letter_types={"chair": "chair"})
    # Before: the chair's own letter passed as the IM SEL.
    assert not _check(only_chair, "im-sel").ok
    both = check_mix(
        _app(specialty="internal_medicine"),
        [*attendings, chair, department],
        letter_types={"chair": "chair", "dom": "sel"},
    )
    assert _check(both, "im-sel").ok and _check(both, "im-chair-personal").ok
    without = _check(
        check_mix(_app(specialty="internal_medicine"), [*attendings, department], letter_types={"dom": "sel"}),
        "im-chair-personal",
    )
    assert without.ok and without.note and "not needed" in without.message
    score = score_mentor(chair, _app(specialty="internal_medicine"), today=TODAY)
    assert any("IM SEL is the department's letter" in w for w in score.warnings)


def test_point_7_the_im_sel_date_says_whose_it_is():
    department = Mentor(name="Department of Medicine", role="department", specialty="internal_medicine")
    plan = plan_letter(_app(specialty="internal_medicine"), department, busy=[], today=date(2027, 3, 10))
    packet = next(m for m in plan.milestones if m.kind == "packet")
    assert "Jul 15, 2027" in packet.note and "unconfirmed" in packet.note and "Indiana University" in packet.note


# Missing: standardized letters --------------------------------------------------------------------------------------


def test_neurosurgery_wants_home_and_away_letters_of_evaluation_and_a_free_form_letter():
    from lor.letter_types import expected_letter_type

    home = Mentor(id="home", name="Home Neurosurgery", role="department", specialty="neurosurgery")
    away = Mentor(id="away", name="Away Neurosurgery", role="department", specialty="neurosurgery")
    mentor = Mentor(id="pi", name="Dr. Mentor", specialty="neurosurgery")
    assert expected_letter_type(home, _app(specialty="neurosurgery")) == "sloe"
    report = check_mix(_app(specialty="neurosurgery"), [home, mentor], letter_types={"home": "sloe"})
    assert _check(report, "neurosurgery-home-loe").ok and _check(report, "neurosurgery-free-form").ok
    assert not _check(report, "neurosurgery-away-loe").ok
    full = check_mix(
        _app(specialty="neurosurgery"), [home, away, mentor], letter_types={"home": "sloe", "away": "sloe"}
    )
    assert all(c.ok for c in full.checks if c.rule.startswith("neurosurgery"))
    steps = plan_letter(_app(specialty="neurosurgery"), home, busy=[], today=date(2027, 3, 10)).milestones
    assert "reminder_1" not in {m.kind for m in steps}  # a department's slot, not a personal ask


def test_colon_and_rectal_surgery_takes_only_the_apdcrs_sloe_from_every_writer():
    from lor.letter_types import expected_letter_type

    application = _app(pathway="fellowship", specialty="colon_rectal_surgery")
    pd = Mentor(id="pd", name="Dr. PD", role="program_director", specialty="general_surgery")
    surgeons = [*_people(3, specialty="general_surgery"), pd]
    assert expected_letter_type(surgeons[0], application) == "sloe"  # a general surgeon writes it too
    narrative = check_mix(application, surgeons)
    assert not _check(narrative, "crs-sloe").ok and not _check(narrative, "crs-only-sloe").ok
    assert "set aside" in _check(narrative, "crs-only-sloe").message
    sloes = check_mix(application, surgeons, letter_types={m.id: "sloe" for m in surgeons})
    assert _check(sloes, "crs-sloe").ok and _check(sloes, "crs-only-sloe").ok and sloes.ok


def test_otolaryngology_and_radiology_slors_are_optional_notes_that_say_what_is_unconfirmed():
    ent = _check(check_mix(_app(specialty="otolaryngology"), _people(3, specialty="otolaryngology")),
                 "otolaryngology-slor")  # fmt: skip
    assert ent.ok and ent.note and "2012–13" in ent.message and "unconfirmed" in ent.message
    rad = _check(check_mix(_app(specialty="radiology"), _people(3, specialty="radiology")), "radiology-slor")
    assert rad.ok and rad.note and "optional" in rad.message


def test_plastic_surgery_notes_the_psca_and_no_narrative_option():
    report = check_mix(_app(specialty="plastic_surgery"), _people(3, specialty="plastic_surgery"))
    psca = _check(report, "plastics-psca")
    assert psca.ok and psca.note and "PSCA" in psca.message and "unconfirmed" in psca.message
    assert "General" in get_topic("sloe").body and "no narrative choice" in " ".join(get_topic("sloe").body.split())


def test_the_eslor_and_standardized_letter_cards_say_what_is_unconfirmed():
    card = " ".join(get_topic("standardized-letters").body.split())
    assert card.count("*Unconfirmed:*") >= 2 and "APDCRS requires" in card and "Society of Neurological" in card
    eslor = _check(check_mix(_app(specialty="orthopaedic_surgery"), []), "ortho-eslor")
    assert "Unverified: the AOA's upload steps were written for the old LoR Portal" in eslor.source
    assert "predate the 2027 Letter Writer Portal" in get_topic("sloe").body


def test_the_recommenders_page_shows_notes_and_the_season_checked(open_page):
    ws = _workspace()
    ws.save_application(Application(id="ent", name="ENT", specialty="otolaryngology", deadline=DUE))
    for m in _people(3, specialty="otolaryngology"):
        ws.save_mentor(m)
        ws.save_letter(LetterRequest(mentor_id=m.id, application_id="ent"))
    at = open_page("recommenders", example=False)
    assert not at.exception
    text = _page_text(at)
    assert "ℹ️ No otolaryngology standardized letter (SLOR) planned" in text and "*(note)*" in text
    assert "These rules follow the 2027 seasons' published rules" in text


# Missing: dates and portal facts --------------------------------------------------------------------------------------


def test_ophthalmology_letters_are_due_before_sf_match_releases_them():
    from lor.seasons import season_dates as portal_season

    sf = portal_season("SF Match", "residency", 2028)
    # Three weeks early since the second fact check: SF Match takes 2–3 weeks to process letters.
    assert (sf.event_day, sf.due) == (date(2027, 9, 1), date(2027, 8, 11))
    rule = _check(check_mix(_app(specialty="ophthalmology"), _people(3, specialty="ophthalmology")),
                  "ophthalmology-sf-match")  # fmt: skip
    assert "September 1" in rule.message


def test_the_eras_department_chair_question_and_team_signed_group_letters():
    report = check_mix(_app(specialty="general_surgery"), _people(3, specialty="general_surgery"))
    assert any("department chair question" in s and "signed by the whole team" in s for s in report.suggestions)
    peds = _check(check_mix(_app(specialty="pediatrics"), _people(3, specialty="pediatrics")), "res-chair-letter")
    assert "COMSEP" in peds.source and "departmental letter" in peds.message


def test_amcas_no_longer_being_sent_and_tmdsas_letters_in_english_dated_this_cycle():
    from lor.portals import portal_rules, writer_steps

    assert "No Longer Being Sent" in portal_rules("AMCAS").locked
    assert "No Longer Being Sent" in get_topic("missed-deadline").body
    steps = writer_steps("TMDSAS")
    assert "English" in steps and "dated" in steps and "this cycle" in steps


# Shown, not only stored ----------------------------------------------------------------------------------------------


def test_the_portal_limit_check_cites_the_portals_own_page():
    writers = _people(7, "s", role="science_faculty")
    limit = _check(check_mix(_app(pathway="medical_school", portal="AACOMAS"), writers), "portal-limit")
    # Before: "data/portals.toml".
    assert "data/portals.toml" not in limit.source and "AACOMAS Applicant Help Center" in limit.source
    assert limit.checked == "2026-12-07"


def test_the_faq_portal_table_links_its_sources_and_names_the_cycle_and_day_checked():
    table = get_topic("assignment").body
    assert (
        '[AAMC, "ERAS for Letter Writers FAQ"](https://www.aamc.org/services/eras-institutions/eras-letter-writers-faq)'
        in table
    )
    assert "checked Dec 7, 2026" in table and "*Checked for the 2027 application cycle" in table
