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
