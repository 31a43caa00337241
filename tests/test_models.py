"""Every validation rule of the models, and the plain sentences a student sees for each."""

from datetime import date

import pytest
from pydantic import ValidationError

from lor.models import (
    Application,
    BusyPeriod,
    LetterRequest,
    Mentor,
    Milestone,
    Program,
    Student,
    plain_errors,
)


def errors_of(fn) -> list[str]:
    with pytest.raises(ValidationError) as info:
        fn()
    return plain_errors(info.value)


def test_a_mentor_built_from_the_contract_fields_alone_is_valid():
    m = Mentor(
        id="m1",
        name="Dr. Lee",
        email="lee@hospital.org",
        role="attending",
        specialty="internal_medicine",
        setting="longitudinal",
        weeks_known=12,
        one_on_one="frequent",
        performance="outstanding",
        observed=["ran clinic"],
        last_worked=date(2026, 10, 1),
        busy=[],
        notes="",
    )
    assert m.name == "Dr. Lee" and m.touchpoints == []


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_or_whitespace_names_are_refused_in_plain_words(name):
    assert errors_of(lambda: Mentor(name=name)) == ["Name can't be empty."]
    assert errors_of(lambda: Application(name=name, deadline=date(2027, 1, 1))) == ["Name can't be empty."]
    assert errors_of(lambda: Student(name=name)) == ["Name can't be empty."]
    assert errors_of(lambda: Program(name=name)) == ["Name can't be empty."]


def test_names_are_trimmed_and_keep_emoji_and_html_as_text():
    m = Mentor(name="  Dr. <b>Ana</b> 🩺 ")
    assert m.name == "Dr. <b>Ana</b> 🩺"


def test_names_over_200_characters_are_refused():
    assert "limit is 200" in errors_of(lambda: Mentor(name="x" * 201))[0]
    assert Mentor(name="x" * 200).name == "x" * 200


def test_notes_over_5000_characters_are_refused():
    assert "limit is 5,000" in errors_of(lambda: Mentor(name="A", notes="n" * 5001))[0]
    assert len(Mentor(name="A", notes="n" * 5000).notes) == 5000


def test_negative_weeks_are_refused():
    assert errors_of(lambda: Mentor(name="A", weeks_known=-1)) == ["Weeks known can't be below 0."]


@pytest.mark.parametrize(
    "field,value",
    [("role", "boss"), ("setting", "beach"), ("one_on_one", "daily"), ("performance", "legendary")],
)
def test_values_outside_the_listed_choices_are_refused(field, value):
    assert errors_of(lambda: Mentor(name="A", **{field: value}))[0].endswith("must be one of the listed choices.")


def test_unknown_pathway_portal_type_and_status_are_refused():
    assert errors_of(lambda: Application(name="A", pathway="law_school", deadline=date(2027, 1, 1)))
    assert errors_of(lambda: Application(name="A", portal="Fax", deadline=date(2027, 1, 1)))
    assert errors_of(lambda: LetterRequest(mentor_id="m", application_id="a", letter_type="poem"))
    assert errors_of(lambda: LetterRequest(mentor_id="m", application_id="a", status="lost"))


@pytest.mark.parametrize("email", ["not-an-email", "a@", "two words@x.org", "@hospital.org"])
def test_emails_that_are_not_emails_are_refused(email):
    assert errors_of(lambda: Mentor(name="A", email=email))[0].startswith("Email is not an email address")


def test_a_blank_email_means_no_email():
    assert Mentor(name="A", email="  ").email is None


def test_busy_period_cannot_end_before_it_starts():
    msg = errors_of(lambda: BusyPeriod(name="Wards", start=date(2027, 1, 10), end=date(2027, 1, 1)))
    assert msg == ["'Wards' ends (2027-01-01) before it starts (2027-01-10)"]
    assert BusyPeriod(name="Day", start=date(2027, 1, 1), end=date(2027, 1, 1)).contains(date(2027, 1, 1))


def test_program_defaults_to_four_letters_and_checks_letter_types():
    assert Program(name="Riverside").max_letters == 4
    assert errors_of(lambda: Program(name="P", required_types=["haiku"]))


def test_letter_packet_accepts_a_list_of_finished_items():
    letter = LetterRequest(mentor_id="m", application_id="a", packet=["cv", "brag_sheet"])
    assert letter.packet == {"cv": True, "brag_sheet": True}


def test_integer_ids_are_accepted_as_strings():
    letter = LetterRequest(id=42, mentor_id=7, application_id=3)
    assert (letter.id, letter.mentor_id, letter.application_id) == ("42", "7", "3")


def test_last_contact_is_the_latest_of_work_and_touchpoints():
    m = Mentor(
        name="A",
        last_worked=date(2026, 3, 1),
        touchpoints=[{"day": "2026-09-01", "kind": "check_in"}, {"day": "2026-05-01", "kind": "feedback"}],
    )
    assert m.last_contact() == date(2026, 9, 1)
    assert Mentor(name="B").last_contact() is None


def test_milestone_uid_is_stable_for_the_same_letter_and_step():
    a = Milestone(kind="ask", day=date(2027, 1, 4), title="Ask", request_id="l1")
    b = Milestone(kind="ask", day=date(2027, 1, 11), title="Ask again", request_id="l1")
    assert a.uid == b.uid == "l1-ask"


def test_student_graduation_year_is_checked():
    assert errors_of(lambda: Student(name="J", graduation_year=1800)) == ["Graduation year can't be below 1950."]


def test_every_portal_keeps_its_own_spelling():
    # Issue 13: "Residencycas" and "Tmdsas" in the portal menus.
    from lor.models import PORTALS, label

    assert [label(p) for p in PORTALS if p != "other"] == [p for p in PORTALS if p != "other"]
