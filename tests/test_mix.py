"""check_mix against data/letter_rules.toml: every rule passes and fails where it should."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from plan_dates import TODAY

from lor.mix import application_problems, check_mix, load_rules, mix_for_letters, rules_for
from lor.models import Application, Mentor, Program
from lor.portals import portal_rules

DEADLINE = date(2027, 9, 1)


def app(pathway: str = "residency", specialty: str | None = None, **kw) -> Application:
    return Application(id="a", name="Target", pathway=pathway, specialty=specialty, deadline=DEADLINE, **kw)


def people(n: int, role: str = "attending", specialty: str | None = None, prefix: str = "m", **kw) -> list[Mentor]:
    return [
        Mentor(id=f"{prefix}{i}", name=f"Dr. {prefix.upper()}{i}", role=role, specialty=specialty, **kw)
        for i in range(n)
    ]


IM, EM, OB, ORTHO, CARDS, PEDS, SURG, NSG, CRS = (
    "internal_medicine",
    "emergency_medicine",
    "obstetrics_gynecology",
    "orthopaedic_surgery",
    "cardiology",
    "pediatrics",
    "general_surgery",
    "neurosurgery",
    "colon_rectal_surgery",
)
RECENT = TODAY - timedelta(days=90)
LONG_AGO_SUPERVISOR = [Mentor(id="old", name="Dr. Old", role="supervisor", last_worked=date(2023, 1, 1))]


def med_set(science: int, non_science: int) -> list[Mentor]:
    return people(science, "science_faculty", prefix="s") + people(non_science, "non_science_faculty", prefix="n")


def em_set(sloes: int) -> tuple[list[Mentor], dict[str, str]]:
    writers = people(3, specialty=EM)
    return writers, {w.id: "sloe" for w in writers[:sloes]}


# rule id -> (passing case, failing case); each case is (application, writers, letter_types).
CASES = {
    "med-science-faculty": (
        (app("medical_school"), med_set(2, 1), None),
        (app("medical_school"), med_set(1, 2), None),
    ),
    "med-non-science-faculty": (
        (app("medical_school"), med_set(2, 1), None),
        (app("medical_school"), med_set(3, 0), None),
    ),
    "do-physician-letter": (
        (app("medical_school", portal="AACOMAS"), med_set(2, 1) + people(1, prefix="d", degree="DO"), None),
        (app("medical_school", portal="AACOMAS"), med_set(2, 1), None),
    ),
    "med-usual-count": (
        (app("medical_school"), med_set(2, 2), None),
        (app("medical_school"), med_set(4, 2), None),
    ),
    "res-min-letters": (
        (app(specialty=IM), people(3, specialty=IM), None),
        (app(specialty=IM), people(2, specialty=IM), None),
    ),
    "portal-limit": (
        (app(specialty=IM), people(4, specialty=IM), None),
        (app(specialty=IM), people(5, specialty=IM), None),
    ),
    "res-specialty-one": (
        (app(specialty=IM), people(1, specialty=IM) + people(2, specialty="pediatrics", prefix="p"), None),
        (
            app(specialty=IM),
            people(1, "resident", specialty=IM) + people(2, specialty="pediatrics", prefix="p"),
            None,
        ),
    ),
    "res-specialty-two": (
        (app(specialty=IM), people(2, specialty=IM) + people(1, specialty="pediatrics", prefix="p"), None),
        (app(specialty=IM), people(1, specialty=IM) + people(2, specialty="pediatrics", prefix="p"), None),
    ),
    "res-chair-letter": (
        (app(specialty=PEDS), people(2, specialty=PEDS) + people(1, "department_chair", PEDS, prefix="c"), None),
        (app(specialty=PEDS), people(3, specialty=PEDS), None),
    ),
    "im-sel": (
        (app(specialty=IM), people(2, specialty=IM) + people(1, "department", IM, prefix="d"), {"d0": "sel"}),
        (app(specialty=IM), people(3, specialty=IM), None),
    ),
    "surgery-chair-letter": (
        (app(specialty=SURG), people(2, specialty=SURG) + people(1, "department", SURG, prefix="d"), {"d0": "chair"}),
        (app(specialty=SURG), people(3, specialty=SURG), None),
    ),
    "res-osteopathic-recognition": (
        (
            app(specialty=IM, osteopathic_recognition=True),
            people(2, specialty=IM) + people(1, specialty=IM, degree="DO", prefix="d"),
            None,
        ),
        (app(specialty=IM, osteopathic_recognition=True), people(3, specialty=IM, degree="MD"), None),
    ),
    "res-research-academic": (
        (
            app(specialty=IM, academic=True),
            people(2, specialty=IM) + people(1, "research_mentor", prefix="r"),
            None,
        ),
        (app(specialty=IM, academic=True), people(3, specialty=IM), None),
    ),
    "res-no-resident-writer": (
        (app(specialty=IM), people(3, specialty=IM), None),
        (app(specialty=IM), people(3, specialty=IM) + people(1, "resident", IM, prefix="r"), None),
    ),
    "em-sloe": ((app(specialty=EM), *em_set(1)), (app(specialty=EM), *em_set(0))),
    "em-second-sloe": ((app(specialty=EM), *em_set(2)), (app(specialty=EM), *em_set(1))),
    "em-off-service-sloe": (
        (app(specialty=EM), *em_set(1)),
        (
            app(specialty=EM),
            people(2, specialty=EM) + people(1, specialty=IM, prefix="i"),
            {"m0": "sloe", "i0": "sloe"},
        ),
    ),
    "obgyn-sloe": (
        (app(specialty=OB), people(3, specialty=OB), {"m0": "sloe"}),
        (app(specialty=OB), people(3, specialty=OB), None),
    ),
    "obgyn-sloe-not-narrative": (
        (app(specialty=OB), people(3, specialty=OB), {"m0": "sloe", "m1": "narrative"}),
        (app(specialty=OB), people(3, specialty=OB), {"m0": ["sloe", "narrative"]}),
    ),
    "obgyn-two-more": (
        (app(specialty=OB), people(3, specialty=OB), {"m0": "sloe"}),
        (app(specialty=OB), people(2, specialty=OB) + people(1, specialty=IM, prefix="i"), {"m0": "sloe"}),
    ),
    "standardized-letter": (
        (app(specialty="dermatology"), people(3, specialty="dermatology"), {"m0": "standardized"}),
        (app(specialty="dermatology"), people(3, specialty="dermatology"), None),
    ),
    "residencycas-specialties": (
        (app(specialty=EM, portal="ResidencyCAS"), people(3, specialty=EM), None),
        (app(specialty=OB, portal="ERAS"), people(3, specialty=OB), None),
    ),
    "ophthalmology-sf-match": (
        (app(specialty="ophthalmology", portal="SF Match"), people(3, specialty="ophthalmology"), None),
        (app(specialty="ophthalmology", portal="ERAS"), people(3, specialty="ophthalmology"), None),
    ),
    "ortho-eslor": (
        (app(specialty=ORTHO), people(3, specialty=ORTHO), {"m1": "eslor"}),
        (app(specialty=ORTHO), people(3, specialty=ORTHO), None),
    ),
    "im-chair-personal": (
        (app(specialty=IM), people(2, specialty=IM) + people(1, "department_chair", IM, prefix="c"), {"c0": "chair"}),
        (app(specialty=IM), people(3, specialty=IM), None),
    ),
    "plastics-psca": (
        (app(specialty="plastic_surgery"), people(3, specialty="plastic_surgery"), None),
        (app(specialty="plastic_surgery"), people(1, specialty="plastic_surgery"), None),
    ),
    "neurosurgery-home-loe": (
        (app(specialty=NSG), people(2, specialty=NSG) + people(1, "department", NSG, prefix="d"), {"d0": "sloe"}),
        (app(specialty=NSG), people(3, specialty=NSG), None),
    ),
    "neurosurgery-away-loe": (
        (
            app(specialty=NSG),
            people(1, specialty=NSG) + people(2, "department", NSG, prefix="d"),
            {"d0": "sloe", "d1": "sloe"},
        ),
        (app(specialty=NSG), people(2, specialty=NSG) + people(1, "department", NSG, prefix="d"), {"d0": "sloe"}),
    ),
    "neurosurgery-free-form": (
        (
            app(specialty=NSG),
            people(1, specialty=NSG) + people(2, "department", NSG, prefix="d"),
            {"d0": "sloe", "d1": "sloe"},
        ),
        (app(specialty=NSG), people(2, "department", NSG, prefix="d"), {"d0": "sloe", "d1": "sloe"}),
    ),
    "otolaryngology-slor": (
        (app(specialty="otolaryngology"), people(3, specialty="otolaryngology"), {"m0": "sloe"}),
        (app(specialty="otolaryngology"), people(3, specialty="otolaryngology"), None),
    ),
    "radiology-slor": (
        (app(specialty="radiology"), people(3, specialty="radiology"), {"m0": "standardized"}),
        (app(specialty="radiology"), people(3, specialty="radiology"), None),
    ),
    "crs-sloe": (
        (app("fellowship", CRS), people(3, specialty=SURG), {"m0": "sloe"}),
        (app("fellowship", CRS), people(3, specialty=SURG), None),
    ),
    "crs-only-sloe": (
        (app("fellowship", CRS), people(3, specialty=SURG), {"m0": "sloe", "m1": "sloe", "m2": "sloe"}),
        (app("fellowship", CRS), people(3, specialty=SURG), {"m0": "sloe", "m1": "sloe"}),
    ),
    "fel-program-director": (
        (
            app("fellowship", CARDS),
            people(1, "program_director", IM, prefix="pd") + people(2, specialty=CARDS),
            None,
        ),
        (app("fellowship", CARDS), people(3, specialty=CARDS), None),
    ),
    "fel-field-faculty": (
        (
            app("fellowship", CARDS),
            people(1, "program_director", IM, prefix="pd") + people(2, specialty=CARDS),
            None,
        ),
        (
            app("fellowship", CARDS),
            people(1, "program_director", CARDS, prefix="pd") + people(1, specialty=CARDS),
            None,
        ),
    ),
    "fel-count": (
        (app("fellowship", CARDS), people(3, specialty=CARDS), None),
        (app("fellowship", CARDS), people(2, specialty=CARDS), None),
    ),
    "job-clinical-supervisors": (
        (app("job"), people(3, "supervisor", last_worked=RECENT), None),
        (app("job"), people(2, "supervisor", last_worked=RECENT) + LONG_AGO_SUPERVISOR, None),
    ),
    "scholarship-count": (
        (app("scholarship"), people(2, "research_mentor"), None),
        (app("scholarship"), people(4, "research_mentor"), None),
    ),
    "research-mentor": (
        (app("research"), people(1, "research_mentor") + people(1, "science_faculty", prefix="s"), None),
        (app("research"), people(2, "science_faculty"), None),
    ),
    "research-count": (
        (app("research"), people(3, "research_mentor"), None),
        (app("research"), people(1, "research_mentor"), None),
    ),
    "program-required-types": (
        (app(specialty=EM, programs=[Program(name="City EM", required_types=["sloe"])]), *em_set(1)),
        (app(specialty=EM, programs=[Program(name="City EM", required_types=["sloe"])]), *em_set(0)),
    ),
}


def check_for(rule_id: str, application, writers, letter_types):
    report = check_mix(application, writers, letter_types=letter_types, today=TODAY)
    matching = [c for c in report.checks if c.rule == rule_id]
    assert len(matching) == 1, f"{rule_id} not checked for this application"
    return matching[0]


def test_every_rule_in_the_rules_file_has_test_cases():
    assert {r["id"] for r in load_rules()} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_and_fails(rule_id):
    passing, failing = CASES[rule_id]
    good = check_for(rule_id, *passing)
    bad = check_for(rule_id, *failing)
    rule = next(r for r in load_rules() if r["id"] == rule_id)
    assert good.ok, good.message
    assert good.required is bad.required is rule["required"]
    if rule["kind"] == "note":  # a note says the same whatever the letters: something to know, never a gap
        assert bad.ok and bad.note and good.message == bad.message
        return
    if rule.get("optional"):  # an optional letter not planned is a note, not a failure
        assert bad.ok and bad.note and not good.note and good.message != bad.message
        return
    assert not bad.ok, bad.message
    assert good.message != bad.message
    # The portal limit cites the chosen portal's own page; every other check its rule's sources.
    portal = portal_rules(failing[0].portal).source if rule["kind"] == "portal_limit" else None
    assert bad.source == (portal or rule["source"])


def test_required_checks_are_the_ones_the_design_names():
    required = {r["id"] for r in load_rules() if r["required"]}
    assert required == {
        "med-science-faculty",
        "med-non-science-faculty",
        "res-min-letters",
        "res-specialty-one",
        "em-sloe",
        "fel-program-director",
    }


def test_every_rule_has_a_summary_and_a_source_for_the_faq():
    for rule in load_rules():
        assert rule["summary"].strip() and rule["source"].strip(), rule["id"]


def test_report_ok_depends_only_on_required_checks():
    # A good internal medicine set without a chair letter: advice is open, the application is ready.
    report = check_mix(app(specialty=IM), people(3, specialty=IM))
    assert report.ok
    assert any(not c.ok and not c.required for c in report.checks)
    assert not check_mix(app(specialty=IM), people(2, specialty=IM)).ok


def test_more_than_four_letters_is_flagged_even_without_programs():
    report = check_mix(app(specialty=IM), people(5, specialty=IM))
    limit = next(c for c in report.checks if c.rule == "portal-limit")
    assert not limit.ok and not limit.required and "4" in limit.message and "ERAS" in limit.message
    assert report.ok  # storing five letters is allowed


def test_a_program_with_a_lower_limit_lowers_the_limit():
    application = app(specialty=IM, programs=[Program(name="Small", max_letters=3)])
    limit = next(c for c in check_mix(application, people(4, specialty=IM)).checks if c.rule == "portal-limit")
    assert not limit.ok and "at most 3" in limit.message


def test_a_residency_without_a_specialty_asks_for_it():
    report = check_mix(app(specialty=None), people(3))
    check = next(c for c in report.checks if c.rule == "res-specialty-one")
    assert not check.ok and "specialty" in check.message and "Choose" in check.message
    assert not report.ok


@pytest.mark.parametrize("stand_in", [("committee", "attending"), ("packet", "attending"), ("narrative", "committee")])
def test_a_committee_letter_or_packet_stands_in_for_medical_school(stand_in):
    letter_type, role = stand_in
    writer = Mentor(id="c", name="Premed committee", role=role)
    report = check_mix(app("medical_school"), [writer], letter_types={"c": letter_type})
    assert report.ok
    assert all(c.ok for c in report.checks)


def test_an_amcas_packet_counts_as_one_entry():
    writers = [*med_set(7, 2), Mentor(id="pk", name="Packet", role="committee")]
    report = check_mix(app("medical_school", portal="AMCAS"), writers, letter_types={"pk": "packet"})
    assert next(c for c in report.checks if c.rule == "portal-limit").ok


def test_letter_type_keys_are_normalised_and_writers_counted_once():
    writers = [Mentor(id="7", name="Dr. Seven", specialty=EM), *people(2, specialty=EM)]
    report = check_mix(app(specialty=EM), [*writers, writers[0]], letter_types={7: "sloe"})
    assert next(c for c in report.checks if c.rule == "em-sloe").ok
    assert "3 letters" in next(c for c in report.checks if c.rule == "res-min-letters").message


def test_a_failing_check_names_the_best_unused_candidate_who_fixes_it():
    writers = people(3, specialty=EM)
    strong = dict(weeks_known=12, one_on_one="frequent", performance="outstanding", last_worked=RECENT)
    candidates = [
        *writers,  # already writing: never suggested
        Mentor(id="star", name="IM star", specialty=IM, **strong),  # best score, but cannot write a SLOE
        Mentor(id="away", name="EM on leave", specialty=EM, unavailable=True, **strong),
        Mentor(id="ok", name="EM faculty", specialty=EM, weeks_known=4, last_worked=RECENT),
        Mentor(id="meh", name="EM junior", specialty=EM, weeks_known=1, one_on_one="none", performance="average"),
    ]
    report = check_mix(app(specialty=EM), writers, candidates=candidates, today=TODAY)
    first, second = (s for s in report.suggestions if "SLOE" in s)
    # Each candidate fixes one gap at most; a weak one is named only with a warning that it is weak.
    assert "EM faculty (attending) fits best" in first and "EM faculty" not in second
    assert "EM junior (attending) could fill this, but is a weak fit" in second
    assert not any(name in " ".join(report.suggestions) for name in ("IM star", "on leave"))


# Issue 22.6: each suggestion names a writer who fits its words, and says what kind of writer they are.
CLOSE = dict(weeks_known=8, one_on_one="frequent", performance="outstanding", last_worked=RECENT)


def test_a_chair_who_barely_knows_you_is_never_proposed_as_someone_who_worked_closely_with_you():
    writers = people(3, specialty=CARDS)  # enough letters, none from internal medicine
    chair = Mentor(
        id="chair", name="Dr. Chair", role="department_chair", specialty=IM, weeks_known=1, one_on_one="none"
    )
    report = check_mix(app(specialty=IM), writers, candidates=[chair], today=TODAY)
    specialty = next(s for s in report.suggestions if s.startswith("Add an attending in your specialty"))
    # Before: "Among your mentors, Dr. Chair fits best (score 75, strong)".
    assert "Dr. Chair" not in specialty
    close_chair = chair.model_copy(update=CLOSE)
    report = check_mix(app(specialty=IM), writers, candidates=[close_chair], today=TODAY)
    specialty = next(s for s in report.suggestions if s.startswith("Add an attending in your specialty"))
    assert "Dr. Chair (department chair) fits best" in specialty


def test_a_research_mentor_is_named_as_a_research_mentor_not_as_an_attending():
    pi = Mentor(id="pi", name="Dr. Lab", role="research_mentor", specialty=CARDS, setting="lab", **CLOSE)
    report = check_mix(app(specialty=IM), [], candidates=[pi], today=TODAY)
    count = next(s for s in report.suggestions if s.startswith("Add another writer who knows your work well"))
    assert "Dr. Lab (research mentor) fits best" in count
    assert "Add an attending who supervised you closely" not in " ".join(report.suggestions)
    assert not any("Dr. Lab" in s for s in report.suggestions if "in your specialty" in s)


def test_the_im_sel_suggestion_names_the_department_not_the_chair():
    chair = Mentor(id="chair", name="Dr. Chair", role="department_chair", specialty=IM, **CLOSE)
    department = Mentor(id="dom", name="Department of Medicine", role="department", specialty=IM)
    sel = next(
        s for s in check_mix(app(specialty=IM), [], candidates=[chair], today=TODAY).suggestions if "IM SEL" in s
    )
    assert "Dr. Chair" not in sel
    report = check_mix(app(specialty=IM), [], candidates=[chair, department], today=TODAY)
    sel = next(s for s in report.suggestions if "IM SEL" in s)
    assert sel.endswith("Department of Medicine writes this letter: plan it with them.")
    assert "score" not in sel  # a letter source has no relationship score to show


def test_suggestions_without_candidates_say_what_to_add():
    report = check_mix(app("medical_school"), [])
    assert len(report.suggestions) >= 2
    assert any("science" in s for s in report.suggestions)


def test_rules_for_picks_the_pathway_and_specialty():
    em_ids = {r["id"] for r in rules_for("residency", EM)}
    assert {"em-sloe", "res-min-letters", "program-required-types"} <= em_ids
    assert not em_ids & {"obgyn-sloe", "res-chair-letter", "med-science-faculty"}
    assert "res-chair-letter" in {r["id"] for r in rules_for("residency", "pediatrics")}


def test_load_rules_hands_out_copies():
    load_rules()[0]["summary"] = "changed"
    assert load_rules()[0]["summary"] != "changed"


def test_a_broken_rules_file_is_refused(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text(
        '[[rule]]\nid = "x"\npathway = "residency"\nrequired = false\nkind = "magic"\nsummary = "s"\n'
        'message_ok = "o"\nmessage_fail = "f"\nsuggest = "g"\nsource = "src"\nchecked = "2026-11-30"\n'
    )
    with pytest.raises(ValueError, match="unknown kind"):
        load_rules(bad)


def test_the_mix_of_an_applications_letters_leaves_out_declined_and_withdrawn_ones():
    from lor.models import LetterRequest

    writers = people(4, specialty=EM)
    letters = [
        LetterRequest(id="1", mentor_id="m0", application_id="a", letter_type="sloe", status="agreed"),
        LetterRequest(id="2", mentor_id="m1", application_id="a", status="planned"),
        LetterRequest(id="3", mentor_id="m2", application_id="a", letter_type="sloe", status="declined"),
        LetterRequest(id="4", mentor_id="m3", application_id="a", status="withdrawn"),
        LetterRequest(id="5", mentor_id="m3", application_id="other", status="submitted"),
    ]
    report = mix_for_letters(app(specialty=EM), writers, letters, today=TODAY)
    checks = {c.rule: c for c in report.checks}
    assert checks["em-sloe"].ok and not checks["em-second-sloe"].ok
    assert checks["res-min-letters"].message.startswith("2 of 3")
    assert any("Dr. M2" in s or "Dr. M3" in s for s in report.suggestions)  # unused mentors are candidates


def test_a_writer_who_said_no_is_never_suggested_for_that_application_again():
    from lor.models import LetterRequest

    writers = people(3, specialty=EM)
    letters = [
        LetterRequest(id="1", mentor_id="m0", application_id="a", letter_type="sloe", status="agreed"),
        LetterRequest(id="2", mentor_id="m1", application_id="a", letter_type="sloe", status="declined"),
    ]
    report = mix_for_letters(app(specialty=EM), writers, letters, today=TODAY)
    assert report.suggestions and not any("Dr. M1" in s for s in report.suggestions)
    assert any("Dr. M2" in s for s in report.suggestions)  # the writer not yet asked is still a candidate
    # For another application, the writer who said no here is a candidate like any other.
    other = app(specialty=EM).model_copy(update={"id": "b"})
    elsewhere = mix_for_letters(other, writers, letters, today=TODAY)
    assert any("Dr. M1" in s for s in elsewhere.suggestions)


def test_application_problems_in_plain_words():
    assert application_problems(app(specialty=EM), TODAY) == []
    past = Application(name="Late", pathway="job", deadline=date(2026, 11, 1))
    assert application_problems(past, TODAY) == [
        "The deadline November 1, 2026 has already passed. Choose a date from today on."
    ]
    assert "Choose a specialty" in application_problems(app("fellowship"), TODAY)[0]
    assert application_problems(app("medical_school"), TODAY) == []


def test_a_ranking_passed_in_gives_the_same_report_as_scoring_afresh():
    """The Overview hands each application's ranking to the mix check so no writer is scored twice; the
    suggestions (best unused candidate per gap) must be exactly those of a fresh ranking."""
    import json

    from lor.scoring import rank_mentors
    from lor.store import parse_backup
    from tools.class_plan import class_scale_document

    plan = parse_backup(class_scale_document(TODAY))
    mentors, letters = plan["mentors"], plan["letters"]
    suggested = 0
    for app in plan["applications"]:
        fresh = mix_for_letters(app, mentors, letters, today=TODAY)
        reused = mix_for_letters(app, mentors, letters, today=TODAY, ranked=rank_mentors(mentors, app, today=TODAY))
        assert json.dumps(reused.model_dump(mode="json")) == json.dumps(fresh.model_dump(mode="json"))
        suggested += sum("score" in s for s in fresh.suggestions)
    assert suggested  # some gap named a candidate, so the ranking was used
