"""The advisor's second fact check of what a student sees (checked Dec 7, 2026): each of its ten findings,
reproduced through the public API and the functions that render what a student reads (the season lines, the FAQ
cards, the drafts, the waiver advice, the letter mix and the portal limits).

What no official page confirmed stays in, marked "Unverified" beside its source.
"""

from __future__ import annotations

import re
from datetime import date

from plan_dates import TODAY

from lor.guidance import get_topic, topic_body
from lor.mix import check_mix
from lor.models import Application, LetterRequest, Mentor
from lor.portals import letter_limit, matches, portal_rules, writer_steps
from lor.seasons import calendars, season_dates

CHECKED = "2026-12-07"
DUE = date(2027, 9, 1)


def _app(**kw) -> Application:
    kw.setdefault("pathway", "residency")
    return Application(id="a", name="Target", deadline=DUE, **kw)


def _people(n: int, prefix: str = "m", **kw) -> list[Mentor]:
    return [Mentor(id=f"{prefix}{i}", name=f"Dr. {prefix.upper()}{i}", **kw) for i in range(n)]


def _check(report, rule: str):
    return next(c for c in report.checks if c.rule == rule)


def _words(text: str) -> str:
    return " ".join(text.split())


def _draft(kind: str, application: Application, letter_type: str = "narrative", specialty: str | None = None) -> str:
    from lor.messages import draft

    writer = Mentor(id="w", name="Dr. Writer", specialty=specialty or application.specialty, last_worked=TODAY)
    letter = LetterRequest(mentor_id="w", application_id="a", status="agreed", letter_type=letter_type)
    return draft(kind, student=None, mentor=writer, application=application, letter=letter, today=TODAY).body


# 1. The score's help shows where each weight comes from ----------------------------------------------------------


def test_finding_1_the_score_help_shows_each_weights_source_and_what_is_unverified():
    from lor.scoring import SCORING_HELP, weights

    help_text = _words(SCORING_HELP)
    # Before: only the reason ("because program directors weigh letters from their own specialty most").
    assert 'NRMP, "At-A-Glance Program Director Survey"' in help_text
    assert "2018" in help_text and "pass/fail" in help_text
    assert "Unverified: the 2018 figures come from a blog's summary" in help_text
    assert "neurosurgerymatch.org" in help_text  # the title weight's source
    assert "point values are this project's judgment" in help_text
    # Every titled weight names a source, or says it is the project's judgment, with its checked date.
    weighted = [f for f in weights().values() if isinstance(f, dict) and "title" in f]
    lines = [line for line in SCORING_HELP.splitlines() if line.startswith("- **")]
    assert len(lines) == len(weighted)
    assert all("checked" in line and ("Source:" in line or "project's own judgment" in line) for line in lines)


def test_finding_1_the_recommenders_page_names_no_data_file_under_the_score_help(open_page):
    at = open_page("recommenders")
    assert not at.exception
    captions = re.sub(r"\\(.)", r"\1", " ".join(str(c.value) for c in at.caption))  # Markdown escapes undone
    # Before: "Source: data/scoring.toml (a source or a reason for each weight, above)".
    assert "data/scoring.toml" not in captions and "each weight" in captions


# 2. Required checks say whose rule they are -----------------------------------------------------------------------


def test_finding_2_the_aacomas_mix_check_stays_required_but_speaks_of_do_schools():
    one_science = _people(1, "s", role="science_faculty")
    report = check_mix(_app(pathway="medical_school", portal="AACOMAS"), one_science)
    for rule in ("med-science-faculty", "med-non-science-faculty"):
        check = _check(report, rule)
        assert check.required and not check.ok
        # Before: "Most MD schools ... (MSAR for MD schools) wins", shown to a DO applicant.
        assert "MD schools" not in check.message and "MSAR" not in check.message
        assert "each DO school" in check.message
    assert any("each DO school" in s for s in report.suggestions) and not any("MSAR" in s for s in report.suggestions)
    amcas = _check(check_mix(_app(pathway="medical_school", portal="AMCAS"), one_science), "med-science-faculty")
    assert "Most MD schools" in amcas.message and "MSAR" in amcas.message


def test_finding_2_the_specialty_letter_stays_required_and_says_it_is_what_programs_expect():
    check = _check(check_mix(_app(specialty="pediatrics"), _people(3, specialty="internal_medicine")),
                   "res-specialty-one")  # fmt: skip
    assert check.required and not check.ok
    # Before: "Programs need at least one from their own field", with no unverified note.
    assert "need at least one" not in check.message and "each program's own" in check.message
    assert "Unverified:" in check.source and "no national rule" in check.source
    body = _words(topic_body(get_topic("mix")))
    assert "What residency programs expect" in body
    assert "not a national rule" in body and "own requirement wins" in body


# 3. What not waiving means in the AAMC's services ------------------------------------------------------------------


def test_finding_3_not_waiving_means_the_writer_may_share_it_or_have_you_upload_it():
    from lor.lifecycle import WAIVER_ADVICE
    from lor.sheets import WAIVER_TEXT

    advice = _words(WAIVER_ADVICE)
    # Before: "It only keeps your FERPA right ...".
    assert "It only keeps your FERPA right" not in advice
    assert "may give you a copy" in advice and "upload it for them" in advice and "trust" in advice
    assert "enroll in" in advice  # the FERPA part stays, with its limit
    card = get_topic("waiver")
    summary, body = _words(card.summary), _words(topic_body(card))
    assert "FERPA right only" not in summary and "upload it for them" in summary
    assert "upload it for them" in body and "later enroll in" in body and "only applied to" in body
    assert any("Unverified" in s and "FERPA" in s for s in card.sources)
    sheet = WAIVER_TEXT[False]
    assert "portals don't show letters to students" in sheet and "may share" in sheet and "FERPA" in sheet
    assert "upload it for you" in WAIVER_TEXT[True]


# 4. Where an estimated season date comes from ----------------------------------------------------------------------


def test_finding_4_a_calendar_with_no_published_day_says_what_its_estimate_rests_on():
    for portal, pathway, basis in (
        ("SF Match", "residency", "2022–23"),
        ("AMCAS", "medical_school", "advising office"),
        ("AACOMAS", "medical_school", "opens in early May"),
        ("TMDSAS", "medical_school", "up to four weeks"),
    ):
        text = season_dates(portal, pathway, 2028).explained()
        # Before: "(estimated from the last published season; ...)" for calendars that never had one.
        assert "last published season" not in text, portal
        assert "the app's estimate; no official date was found" in text and basis in text, portal
        assert text.count("estimate") == 1, text  # no doubled "(estimated)"
    eras = season_dates("ERAS", "residency", 2028).explained()
    assert "estimated from ERAS 2026" in eras and "no official date was found" not in eras


def test_finding_4_unfound_dates_are_called_not_found_not_unpublished():
    for cal in calendars():
        # Before: "the AAMC had not published the ERAS 2027 or 2028 timeline when this was checked".
        assert not re.search(r"not (been )?published|had not published", cal.source), cal.portal
        assert cal.checked == CHECKED
    eras = next(c for c in calendars() if c.portal == "ERAS" and c.pathway == "residency")
    assert "not found in the copies checked" in eras.source
    nrmp = next(m for m in matches() if m.key == "nrmp")
    assert "had not published" not in nrmp.source and "not found" in nrmp.source


def test_finding_4_the_faq_names_the_basis_of_a_date_no_portal_published():
    block = topic_body(get_topic("ask-early"), today=date(2026, 12, 7))
    sf = next(line for line in block.splitlines() if line.startswith("- **SF Match 2028**"))
    assert "*the app's estimate; no official date was found*" in sf and "2022–23" in sf


# 5. SF Match: its own processing time and no borrowed limit --------------------------------------------------------


def test_finding_5_sf_match_letters_are_due_three_weeks_before_release():
    sf = season_dates("SF Match", "residency", 2028)
    # Before: a week (Aug 25), though SF Match takes 2–3 weeks to certify and distribute letters.
    assert (sf.event_day, sf.due) == (date(2027, 9, 1), date(2027, 8, 11))
    assert "2–3 weeks" in sf.margin_reason
    application = _app(specialty="ophthalmology", portal="SF Match")
    body = _words(_draft("thanks_yes", application))
    assert "late August" not in body and "two to three weeks" in body
    rule = _check(check_mix(_app(specialty="ophthalmology"), _people(3, specialty="ophthalmology")),
                  "ophthalmology-sf-match")  # fmt: skip
    assert "late August" not in rule.message + " ".join(check_mix(_app(specialty="ophthalmology"), []).suggestions)


def test_finding_5_the_per_program_limit_of_eras_is_not_applied_to_sf_match():
    application = _app(specialty="ophthalmology", portal="SF Match")
    # Before: (4, "per_program", ..., the ERAS and ResidencyCAS pages).
    assert letter_limit(application)[0] == 0
    limit = _check(check_mix(application, _people(5, specialty="ophthalmology")), "portal-limit")
    assert limit.ok and limit.note and not limit.required
    assert "at most 4" not in limit.message and "No letter limit was found for SF Match" in limit.message
    assert "SF Match" in limit.source and "Unverified" in limit.source
    # ERAS and a residency on another portal keep DESIGN's 4 per program.
    for portal in ("ERAS", "other"):
        eras = _check(check_mix(_app(portal=portal), _people(5)), "portal-limit")
        assert not eras.ok and "4" in eras.message


# 6. ERAS 2027: what is fixed once an entry is confirmed, and which letters are "Standardized" ----------------------


def test_finding_6_eras_says_a_confirmed_letter_entry_and_its_waiver_are_fixed():
    locked = portal_rules("ERAS").locked
    # Before: only the assignment lock.
    assert "Confirmed for Upload" in locked and "waiver" in locked and "Standardized" in locked
    assert "locks the letters assigned to a program once you apply" in locked
    assert "Confirmed for Upload" in topic_body(get_topic("assignment"))
    waiver = _words(topic_body(get_topic("waiver")))
    assert "Confirmed for Upload" in waiver


def test_finding_6_the_im_sel_neurosurgery_loe_and_crs_sloe_are_requested_as_standardized_letters():
    body = _words(topic_body(get_topic("sloe")))
    assert "Standardized Letter" in body and "IM SEL" in body
    other = _words(topic_body(get_topic("standardized-letters")))
    assert other.count("Standardized Letter") >= 2
    for specialty, pathway, rule in (
        ("internal_medicine", "residency", "im-sel"),
        ("neurosurgery", "residency", "neurosurgery-home-loe"),
        ("colon_rectal_surgery", "fellowship", "crs-sloe"),
    ):
        report = check_mix(_app(pathway=pathway, specialty=specialty), _people(3, specialty=specialty))
        failing = [c.rule for c in report.checks if not c.ok]
        assert rule in failing
        assert any("Standardized Letter" in s for s in report.suggestions), specialty


# 7. TMDSAS and AACOMAS: review from mid-June, a margin, and TMDSAS's own season name --------------------------------


def test_finding_7_tmdsas_and_aacomas_letters_are_due_before_schools_start_reviewing():
    tmdsas = season_dates("TMDSAS", "medical_school", 2028)
    # Before: July 1 with no margin, named "TMDSAS 2027–28".
    assert tmdsas.name == "TMDSAS Entry Year 2028"
    assert tmdsas.event_day == date(2027, 6, 15) and tmdsas.due < tmdsas.event_day
    assert "tmdsas.com" in tmdsas.source
    aacomas = season_dates("AACOMAS", "medical_school", 2028)
    assert aacomas.due < aacomas.event_day
    for dates in (tmdsas, aacomas):
        assert dates.checked == CHECKED


# 8. Every card's facts have a source with an address, or an "Unverified" note -------------------------------------


def test_finding_8_cards_cite_pages_with_addresses_and_say_what_is_unverified():
    for slug in ("choose-strategically", "weak-relationship", "writer-workload", "mspe", "reuse"):
        card = get_topic(slug)
        assert card.checked == CHECKED, slug
        for source in card.sources:
            assert "http" in source or source.startswith("Unverified"), (slug, source)
        if slug != "reuse":
            assert any(s.startswith("Unverified") for s in card.sources), slug
    weak = get_topic("weak-relationship")
    assert any("aafp.org" in s for s in weak.sources)
    assert "October 15 – January 31" not in get_topic("writer-workload").body  # an estimate, not a fact
    assert "gsa_mspeguide" not in " ".join(get_topic("mspe").sources)


def test_finding_8_the_advisor_report_credits_each_rules_own_source():
    from lor.report import RULES_CREDIT

    # Before: "Letter rules follow the AAMC (ERAS, AMCAS), Liaison ResidencyCAS and CORD guidance".
    assert "CORD guidance" not in RULES_CREDIT and "own source" in RULES_CREDIT


# 9. The organisation's own page where it exists -------------------------------------------------------------------


def test_finding_9_sources_are_the_organisations_own_pages():
    em = check_mix(_app(specialty="obstetrics_gynecology", portal="ERAS"), [])
    assert "apgo.org" in _check(em, "residencycas-specialties").source
    assert "help.unicas.com" in portal_rules("AACOMAS").source
    do = get_topic("do-letters")
    assert any("help.unicas.com" in s for s in do.sources)
    assert not any("AACOMAS Applicant Help" in s and "WebAdMIT" in s for s in do.sources)
    pd = _check(check_mix(_app(pathway="fellowship", specialty="cardiology"), []), "fel-program-director")
    assert pd.required and "FellowshipsCAS" in pd.message and "Unverified" in pd.source


# 10. Dates and wording --------------------------------------------------------------------------------------------


def test_finding_10_acep_rank_lists_ent_and_the_residencycas_deadline():
    from lor.busy import academic_calendar

    periods = academic_calendar(date(2027, 8, 1), date(2027, 11, 30), specialty="emergency_medicine")
    acep = next(p for p in periods if p.key == "acep_assembly")
    # Before: "Early October (about October 1–10)"; ACEP25 ran September 7–10, 2025.
    assert acep.start.month == 9
    nrmp = next(m for m in matches() if m.key == "nrmp")
    assert "early February" in nrmp.note and "opens February 1" not in nrmp.note
    ent = _check(check_mix(_app(specialty="otolaryngology"), _people(3, specialty="otolaryngology")),
                 "otolaryngology-slor")  # fmt: skip
    assert "since about the 2012–13 match" in ent.message and "enttoday.org" in ent.source
    rcas = _check(check_mix(_app(specialty="emergency_medicine", portal="ResidencyCAS"), []),
                  "residencycas-specialties")  # fmt: skip
    assert "September 24" in rcas.message


def test_finding_10_an_obgyn_sloe_writer_gets_obgyn_steps_not_cords():
    steps = writer_steps("ResidencyCAS", "sloe", "obstetrics_gynecology")
    assert "CORD" not in steps and "narrative" in steps
    assert "CORD" in writer_steps("ResidencyCAS", "sloe", "emergency_medicine")
    body = _words(_draft("thanks_yes", _app(specialty="obstetrics_gynecology", portal="ResidencyCAS"), "sloe"))
    assert "CORD" not in body and "separate narrative letter" in body
    em = _words(_draft("thanks_yes", _app(specialty="emergency_medicine", portal="ResidencyCAS"), "sloe"))
    assert "CORD's eSLOE site" in em
