"""Issue #11, "Content you can trust": each point's old wrong answer, reproduced through the public API.

Each test builds the case the advisor's review found, and checks the answer the portals' and the
specialty organisations' own pages give for the 2027 cycle (sources in data/*.toml).
"""

from __future__ import annotations

from datetime import date

from lor.mix import check_mix
from lor.models import Application, Mentor

TODAY = date(2026, 11, 30)
DUE = date(2027, 9, 1)


def _app(**kw) -> Application:
    kw.setdefault("pathway", "residency")
    return Application(id="a", name="Target", deadline=DUE, **kw)


def _people(n: int, prefix: str = "m", **kw) -> list[Mentor]:
    return [Mentor(id=f"{prefix}{i}", name=f"Dr. {prefix.upper()}{i}", **kw) for i in range(n)]


def _check(report, rule: str):
    return next(c for c in report.checks if c.rule == rule)


# 2. Each portal's own letter limit ---------------------------------------------------------------


def test_point_2_aacomas_is_checked_against_its_own_limit_of_six_not_amcas():
    writers = _people(5, "s", role="science_faculty") + _people(2, "n", role="non_science_faculty")
    report = check_mix(_app(pathway="medical_school", portal="AACOMAS"), writers)
    limit = _check(report, "portal-limit")
    # Before: "7 letter entries: within the AMCAS limit of 10."
    assert "AMCAS" not in limit.message
    assert not limit.ok and "AACOMAS takes at most 6" in limit.message and "every school" in limit.message


def test_point_2_tmdsas_takes_three_letters_plus_one_extra():
    writers = _people(3, "s", role="science_faculty") + _people(2, "n", role="non_science_faculty")
    report = check_mix(_app(pathway="medical_school", portal="TMDSAS"), writers)
    limit = _check(report, "portal-limit")
    assert "AMCAS" not in limit.message
    assert not limit.ok and "TMDSAS takes 3 individual letters plus one optional extra" in limit.message
    four = check_mix(_app(pathway="medical_school", portal="TMDSAS"), writers[:4])
    assert _check(four, "portal-limit").ok


def test_point_2_the_mix_check_and_the_assignment_grid_use_one_table():
    from lor.assignment import default_max_letters
    from lor.portals import portal_rules

    for portal, limit in {"ERAS": 4, "ResidencyCAS": 4, "AMCAS": 10, "AACOMAS": 6, "TMDSAS": 4}.items():
        assert default_max_letters(portal) == portal_rules(portal).limit == limit


def test_an_em_or_obgyn_application_left_on_eras_is_told_to_use_residencycas():
    # CORD: EM applications go through ResidencyCAS from the 2025–26 cycle (OB/GYN since 2024–25).
    # Before: an EM application on ERAS (the default portal) got no word that its letters go elsewhere.
    writers = _people(3, specialty="emergency_medicine")
    on_eras = _check(check_mix(_app(specialty="emergency_medicine"), writers), "residencycas-specialties")
    assert not on_eras.ok and "ResidencyCAS" in on_eras.message and "ERAS" in on_eras.message
    right = check_mix(_app(specialty="emergency_medicine", portal="ResidencyCAS"), writers)
    assert _check(right, "residencycas-specialties").ok
    eye = _check(
        check_mix(_app(specialty="ophthalmology"), _people(3, specialty="ophthalmology")), "ophthalmology-sf-match"
    )
    assert not eye.ok and "SF Match" in eye.message


# 4. Only an EM faculty SLOE counts as the EM SLOE ----------------------------------------------------


def test_point_4_sloes_from_an_internist_and_a_surgeon_are_not_the_em_sloe():
    writers = [
        Mentor(id="im", name="Dr. Internist", specialty="internal_medicine"),
        Mentor(id="gs", name="Dr. Surgeon", specialty="general_surgery"),
        Mentor(id="em", name="Dr. Emergency", specialty="emergency_medicine"),
    ]
    report = check_mix(_app(specialty="emergency_medicine"), writers, letter_types={"im": "sloe", "gs": "sloe"})
    sloe = _check(report, "em-sloe")
    # Before: "SLOE: 2 — covered."
    assert not sloe.ok and sloe.required and not report.ok
    off = _check(report, "em-off-service-sloe")
    assert not off.ok and "Dr. Internist" in off.message and "Dr. Surgeon" in off.message
    assert "off-service" in off.message.lower()
    assert any("group" in s for s in report.suggestions)  # the eSLOE is usually written by a group


# 6. OB/GYN: the SLOE replaces the chair letter ---------------------------------------------------------


def test_point_6_an_obgyn_student_with_a_sloe_is_not_told_to_get_a_chair_letter():
    writers = _people(3, specialty="obstetrics_gynecology") + _people(1, "o", specialty="pediatrics")
    report = check_mix(_app(specialty="obstetrics_gynecology"), writers, letter_types={"m0": "sloe"})
    # Before: "No department chair letter yet".
    assert not any("chair letter yet" in c.message for c in report.checks)
    assert _check(report, "obgyn-sloe").ok
    assert _check(report, "obgyn-two-more").ok  # 1 SLOE + 2 OB/GYN letters + 1 other


# 7. DO applicants ------------------------------------------------------------------------------------------


def test_point_7_aacomas_with_three_faculty_letters_gets_the_physician_advice():
    writers = _people(2, "s", role="science_faculty") + _people(1, "n", role="non_science_faculty")
    report = check_mix(_app(pathway="medical_school", portal="AACOMAS"), writers)
    physician = _check(report, "do-physician-letter")
    # Before: every check passed with no word about a physician.
    assert not physician.ok and not physician.required and "DO" in physician.message
    with_do = [*writers, Mentor(id="do", name="Dr. Osteo", degree="DO")]
    assert _check(check_mix(_app(pathway="medical_school", portal="AACOMAS"), with_do), "do-physician-letter").ok


def test_point_7_programs_with_osteopathic_recognition_get_a_note():
    writers = _people(3, specialty="family_medicine", degree="MD")
    plain = check_mix(_app(specialty="family_medicine"), writers)
    assert "res-osteopathic-recognition" not in {c.rule for c in plain.checks}
    recognized = check_mix(_app(specialty="family_medicine", osteopathic_recognition=True), writers)
    assert "Osteopathic Recognition" in _check(recognized, "res-osteopathic-recognition").message


# 5. Departmental letters are institutional, not personal ---------------------------------------------


def test_point_5_the_im_sel_is_the_departments_letter_not_a_thin_relationship():
    from lor.scoring import LETTER_SOURCE_SCORE, score_mentor

    department = Mentor(
        name="Department of Medicine", role="department", specialty="internal_medicine", weeks_known=0,
        one_on_one="none",
    )  # fmt: skip
    score = score_mentor(department, _app(specialty="internal_medicine"), today=TODAY)
    # Before: "Big title, thin relationship", steering the student away from a letter programs expect.
    assert not any("thin relationship" in w for w in score.warnings)
    assert score.score == LETTER_SOURCE_SCORE and score.tier != "weak"
    assert any("IM SEL" in r.text for r in score.reasons)
    assert any("its own letter with its own steps" in w for w in score.warnings)


# 10. Scoring that misranks -----------------------------------------------------------------------------


def test_point_10_a_sub_internship_attending_outranks_a_lab_pi_who_saw_average_work():
    from lor.scoring import rank_mentors

    application = _app(specialty="internal_medicine")
    pi = Mentor(
        id="pi", name="Dr. Lab", role="research_mentor", specialty="internal_medicine", setting="lab",
        weeks_known=104, one_on_one="frequent", performance="average", last_worked=TODAY,
    )  # fmt: skip
    subi = Mentor(
        id="subi", name="Dr. SubI", role="attending", specialty="internal_medicine", setting="sub_internship",
        weeks_known=4, one_on_one="some", performance="outstanding", last_worked=TODAY,
    )  # fmt: skip
    ranked = rank_mentors([pi, subi], application, today=TODAY)
    assert [m.id for m, _ in ranked] == ["subi", "pi"]
    assert dict((m.id, s.tier) for m, s in ranked) == {"subi": "strong", "pi": "possible"}


def test_point_10_average_work_never_makes_a_strong_writer():
    from lor.scoring import score_mentor

    deep = Mentor(
        name="Dr. Deep", specialty="internal_medicine", setting="longitudinal", weeks_known=30,
        one_on_one="frequent", performance="average", observed=["a", "b", "c", "d", "e"], last_worked=TODAY,
    )  # fmt: skip
    assert score_mentor(deep, _app(specialty="internal_medicine"), today=TODAY).tier != "strong"


def test_point_10_a_resident_is_a_weak_writer_for_residency_and_fellowship_and_says_why():
    from lor.scoring import score_mentor

    resident = Mentor(
        name="Dr. Resident", role="resident", specialty="internal_medicine", setting="sub_internship",
        weeks_known=8, one_on_one="frequent", performance="outstanding", last_worked=TODAY,
    )  # fmt: skip
    for pathway in ("residency", "fellowship"):
        score = score_mentor(resident, _app(pathway=pathway, specialty="internal_medicine"), today=TODAY)
        # Before: "possible".
        assert score.tier == "weak"
        assert any("weak writer" in w and "faculty" in w for w in score.warnings)


def test_point_10_the_scoring_help_is_generated_from_the_weights():
    from lor.scoring import SCORING_HELP, weights

    w = weights()
    for name, factor in w.items():
        if isinstance(factor, dict):
            assert (factor.get("source") or factor.get("reason")) and factor.get("checked"), name
    for key, points in w["performance"]["points"].items():
        assert f"{key} {points}" in SCORING_HELP
    for key, points in w["setting"]["points"].items():
        assert f"{key.replace('_', '-') if key == 'sub_internship' else key.replace('_', ' ')} {points}" in SCORING_HELP
    assert f"{w['tiers']['strong_at']}+ is *strong*" in SCORING_HELP
    assert f"loses {-w['resident']['penalty']} points" in SCORING_HELP
    assert "its card says *Letter source* and how its letter works, with no score" in SCORING_HELP
    relevance = w["relevance"]
    for key in ("max", "clinician_outside", "outside", "acting_intern_bonus", "research_mentor_academic"):
        assert str(relevance[key]) in SCORING_HELP, key
    for table in ("relevance_medical_school", "relevance_job", "relevance_research"):
        assert w[table]["title"] in SCORING_HELP


# 5, 8, 9. The plan: departmental slots, each match's own date, the ask after the rotation ------------


def test_point_5_a_departmental_letter_is_planned_as_a_slot_with_its_own_steps():
    from lor.planner import plan_letter

    department = Mentor(name="Department of Medicine", role="department", specialty="internal_medicine")
    plan = plan_letter(_app(specialty="internal_medicine"), department, busy=[], today=date(2027, 3, 10))
    steps = {m.kind: m for m in plan.milestones}
    assert steps["ask"].title == "Tell Department of Medicine you need its IM SEL"
    assert steps["ask"].day <= date(2027, 7, 15) and "sub-internship" in steps["ask"].note
    assert "check_in" not in steps and "reminder_1" not in steps and "reminder_2" not in steps
    assert "status_check" in steps


def test_point_8_urology_and_ophthalmology_outcomes_follow_their_own_early_match():
    from lor.planner import plan_letter

    def update_day(**kw) -> date:
        plan = plan_letter(_app(**kw), Mentor(name="Dr. X", last_worked=TODAY), busy=[], today=TODAY)
        return next(m.day for m in plan.milestones if m.kind == "update")

    # Before: every residency waited for NRMP Match Day, the third Friday of March 2028.
    assert update_day(specialty="internal_medicine") == date(2028, 3, 17)
    assert update_day(specialty="urology") == date(2028, 2, 1)
    assert update_day(specialty="ophthalmology", portal="SF Match") == date(2028, 2, 1)


def test_point_9_a_february_clerkship_is_asked_now_not_on_9_june():
    from lor.planner import plan_letter

    writer = Mentor(name="Dr. Feb", specialty="internal_medicine", setting="rotation", last_worked=date(2027, 2, 26))
    plan = plan_letter(_app(specialty="internal_medicine"), writer, busy=[], today=date(2027, 3, 10))
    ask = next(m for m in plan.milestones if m.kind == "ask")
    # Before: the ask waited for the 8-12 week window, 9 June 2027.
    assert ask.day == date(2027, 3, 10) and "remembers your rotation" in ask.note


def test_point_9_a_sloe_for_an_august_away_rotation_is_asked_at_its_end():
    from lor.planner import plan_letter

    writer = Mentor(
        name="Dr. Away", specialty="emergency_medicine", setting="away_rotation", rotation_end=date(2027, 8, 20)
    )
    application = Application(name="EM", specialty="emergency_medicine", deadline=date(2027, 9, 15))
    plan = plan_letter(application, writer, busy=[], today=date(2027, 5, 1))
    ask = next(m for m in plan.milestones if m.kind == "ask")
    # Before: asked in June, before the rotation had even started.
    assert date(2027, 8, 16) <= ask.day <= date(2027, 8, 20)
    assert "check_in" not in {m.kind for m in plan.milestones}


# 1. ERAS writer instructions for the 2027 cycle --------------------------------------------------------


def test_point_1_eras_drafts_send_writers_to_the_letter_writer_portal():
    from lor.messages import draft
    from lor.models import LetterRequest

    application = _app(specialty="internal_medicine")
    writer = Mentor(name="Dr. Lee", specialty="internal_medicine", last_worked=TODAY)
    letter = LetterRequest(mentor_id=writer.id, application_id="a", status="agreed")
    body = draft("thanks_yes", student=None, mentor=writer, application=application, letter=letter, today=TODAY).body
    # Before: "Upload the letter as a PDF in the AAMC Letter of Recommendation Portal (LoRP)".
    assert "LoRP" not in body and "Letter of Recommendation Portal" not in body
    assert "AAMC Letter Writer Portal" in body and "secure link" in body


def test_point_1_a_standardized_letter_is_filled_in_on_the_portal_form_not_uploaded():
    from lor.messages import draft
    from lor.models import LetterRequest

    application = _app(specialty="dermatology")
    writer = Mentor(name="Dr. Skin", specialty="dermatology", last_worked=TODAY)
    letter = LetterRequest(mentor_id=writer.id, application_id="a", status="agreed", letter_type="standardized")
    body = draft("thanks_yes", student=None, mentor=writer, application=application, letter=letter, today=TODAY).body
    assert "form built into the AAMC Letter Writer Portal" in body and "does not accept a PDF" in body


def _thanks_body(application: Application, writer: Mentor, letter_type: str) -> str:
    from lor.messages import draft
    from lor.models import LetterRequest

    letter = LetterRequest(mentor_id=writer.id, application_id="a", status="agreed", letter_type=letter_type)
    return draft("thanks_yes", student=None, mentor=writer, application=application, letter=letter, today=TODAY).body


def test_an_em_sloe_is_sent_to_residencycas_from_cords_esloe_site():
    # CORD's submission guide: EM SLOEs are written on CORD's eSLOE site and sent from there with the
    # ResidencyCAS Letter ID. Before: "A SLOE is filled in on the online form in the same portal."
    writer = Mentor(name="Dr. Er", specialty="emergency_medicine", last_worked=TODAY)
    body = _thanks_body(_app(specialty="emergency_medicine", portal="ResidencyCAS"), writer, "sloe")
    assert "CORD's eSLOE site" in body and "ResidencyCAS Letter ID" in body
    assert "online form in the same portal" not in body


def test_an_eslor_is_filled_in_on_the_aoa_site_then_uploaded_to_eras():
    writer = Mentor(name="Dr. Bone", specialty="orthopaedic_surgery", last_worked=TODAY)
    body = _thanks_body(_app(specialty="orthopaedic_surgery"), writer, "eslor")
    assert "American Orthopaedic Association's eSLOR site" in body and "AAMC Letter Writer Portal" in body


def test_amcas_writers_upload_through_the_aamc_letter_writer_portal():
    # The AMCAS Letter Service page now names the AAMC Letter Writer Portal (it was the "Letter Writer
    # Application").
    writer = Mentor(name="Dr. Chem", role="science_faculty", last_worked=TODAY)
    body = _thanks_body(_app(pathway="medical_school", portal="AMCAS"), writer, "narrative")
    assert "AAMC Letter Writer Portal" in body and "Letter Writer Application" not in body


def test_point_1_no_guidance_card_names_the_old_portal():
    from lor.guidance import load_guidance

    for topic in load_guidance():
        assert "LoRP" not in topic.body and "Letter of Recommendation Portal" not in topic.body, topic.slug


# 3 and #13 item 9. Standardized letters, and the letter type follows the specialty -------------------------


def test_point_3_each_writer_defaults_to_the_letter_type_the_specialty_expects():
    from lor.letter_types import expected_letter_type

    cases = [
        ("emergency_medicine", Mentor(name="EM attending", specialty="emergency_medicine"), "sloe"),
        ("obstetrics_gynecology", Mentor(name="OB attending", specialty="obstetrics_gynecology"), "sloe"),
        ("orthopaedic_surgery", Mentor(name="Ortho attending", specialty="orthopaedic_surgery"), "eslor"),
        ("dermatology", Mentor(name="Derm attending", specialty="dermatology"), "standardized"),
        ("urology", Mentor(name="Uro attending", specialty="urology"), "standardized"),
        ("plastic_surgery", Mentor(name="Plastics attending", specialty="plastic_surgery"), "standardized"),
        ("internal_medicine", Mentor(name="Dept of Medicine", role="department"), "sel"),
        (
            "general_surgery",
            Mentor(name="Surgery chair", role="department_chair", specialty="general_surgery"),
            "chair",
        ),
        ("emergency_medicine", Mentor(name="IM attending", specialty="internal_medicine"), "narrative"),
        ("internal_medicine", Mentor(name="IM attending", specialty="internal_medicine"), "narrative"),
    ]
    for specialty, writer, expected in cases:
        # Before: every writer started on "Narrative letter", even an EM attending on an EM application.
        assert expected_letter_type(writer, _app(specialty=specialty)) == expected, (specialty, writer.name)


def test_point_3_integrated_plastics_still_accepts_narrative_letters():
    # Issue #11 said integrated plastic surgery has "no narrative option". The AAMC's Letter Writer Portal
    # terms for the 2027 cycle say otherwise: in the standardized-letter pilot (dermatology, integrated
    # plastics, urology) a writer asked for a narrative letter uploads it as a PDF. So narrative letters
    # are not flagged; the planner only advises the pilot's standardized letter.
    writers = _people(3, specialty="plastic_surgery")
    report = check_mix(_app(specialty="plastic_surgery"), writers, letter_types={"m0": "standardized"})
    assert not [c for c in report.checks if not c.ok and ("Dr. M1" in c.message or "Dr. M2" in c.message)]
    assert _check(report, "standardized-letter").ok
    without = check_mix(_app(specialty="plastic_surgery"), writers)
    pilot = _check(without, "standardized-letter")
    assert not pilot.ok and not pilot.required and "piloting" in pilot.message


# 11. Portal rules about later changes; conference dates by year -----------------------------------------


def test_point_11_each_portal_states_what_cannot_be_changed_later():
    from lor.assignment import check_assignments

    said = {}
    for portal in ("ResidencyCAS", "AACOMAS", "AMCAS", "ERAS"):
        notes = check_assignments(_app(portal=portal), [])
        said[portal] = " ".join(i.message for i in notes if i.message.startswith("A rule of"))
    assert "remove or replace an evaluation once it is completed" in said["ResidencyCAS"]
    assert "remove or replace an evaluation once it is completed" in said["AACOMAS"]
    assert "edit or delete a letter entry after your first submission" in said["AMCAS"]
    # Issue #24: ERAS too. Before, nothing was said: its letters lock to a program once you apply.
    assert "locks the letters assigned to a program once you apply" in said["ERAS"]


def test_point_11_conference_dates_are_stored_per_year_with_a_source():
    from lor.busy import academic_calendar, calendar_note

    periods = academic_calendar(date(2026, 9, 1), date(2027, 11, 30), specialty="emergency_medicine")
    acep = {p.start.year: p for p in periods if p.key == "acep_assembly"}
    assert (acep[2026].start, acep[2026].end) == (date(2026, 10, 5), date(2026, 10, 8))
    assert "ACEP26" in acep[2026].source
    assert "approximate" in acep[2027].source and "2027" in acep[2027].source
    note = calendar_note()
    assert "ACEP Scientific Assembly 2025, 2026" in note and "approximate" in note


# The FAQ's tables and numbers are generated from the same data the checks use ----------------------------


def test_the_faq_portal_table_and_the_mix_points_agree_with_the_portal_data():
    from lor.guidance import get_topic
    from lor.portals import all_portal_rules

    table = get_topic("assignment").body
    for rules in all_portal_rules():
        if rules.limit:
            assert f"| {rules.key} | {rules.assignment_rule()} |" in table
    mix = get_topic("mix").body
    limits = {r.key: r.limit for r in all_portal_rules()}
    assert f"**at\n  most {limits['ERAS']}**" in mix or f"at most {limits['ERAS']}" in mix.replace("\n  ", " ")
    flat = " ".join(mix.split())
    assert f"up to {limits['AMCAS']}" in flat and f"at most {limits['AACOMAS']} evaluations" in flat
