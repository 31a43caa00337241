"""Every validation rule of the models, and the plain sentences a student sees for each."""

from datetime import date

import pytest
from pydantic import ValidationError

from lor.busy import DEFAULT_PERIODS
from lor.models import (
    ID_PATTERN,
    PERIOD_KEY_PATTERN,
    STORED,
    Application,
    BusyChoices,
    BusyPeriod,
    LetterRequest,
    Mentor,
    Milestone,
    PlanSettings,
    Program,
    Student,
    email_problem,
    new_id,
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


# -- emails a mailto: link can carry safely (issue #14.11) -----------------------------------------------------

HOSTILE_EMAILS = {
    "stu?bcc=evil@b.com": "?",
    "a@b.com,c@d.com": ",",
    "a@b.com;c@d.com": ";",
    "<a@b.com>": "<",
    '"ab"@c.com': '"',
    "a#b@c.com": "#",
    "a%0Ab@c.com": "%",
    "a&cc=b@c.com": "&",
    "a@b@c.com": "exactly one @",
    "a@localhost": "needs a dot",
    "a@b.com\nBcc: c@d.com": "spaces or line breaks",
    "a" * 250 + "@b.com": "too long",
}


@pytest.mark.parametrize("email", list(HOSTILE_EMAILS))
def test_an_email_that_could_add_recipients_or_break_a_link_is_refused_in_plain_words(email):
    message = errors_of(lambda: Mentor(name="A", email=email))[0]
    assert message.startswith("Email is ") and HOSTILE_EMAILS[email] in message
    assert errors_of(lambda: Student(name="A", email=email))[0] == message


@pytest.mark.parametrize(
    "email", ["josé@example.com", "δοκιμή@παράδειγμα.δοκιμή", "o'brien@school.edu", "first.last+lor@med.school.edu"]
)
def test_real_addresses_with_accents_apostrophes_and_plus_signs_stay_valid(email):
    assert Mentor(name="A", email=email).email == email and email_problem(email) is None


def test_an_email_saved_under_the_older_rule_still_opens_and_says_what_is_wrong():
    stored = Mentor.model_validate({"name": "A", "email": "stu?bcc=evil@b.com"}, context=STORED)
    assert stored.email == "stu?bcc=evil@b.com"
    assert email_problem(stored.email) == "is not an email address: it can't contain ?"


# -- text UTF-8 can't hold, ids, keys, program names (issue #14.6) ----------------------------------------------


@pytest.mark.parametrize("field", ["name", "notes", "title"])
def test_half_an_emoji_in_any_text_is_refused_in_plain_words(field):
    fields = {"name": "Dr. A", field: "Dr. \ud83d"}  # the first half of 😀, alone
    message = errors_of(lambda: Mentor(**fields))[0]
    assert "broken character" in message and "Input should" not in message


def test_new_ids_the_example_plans_ids_and_numbered_ids_are_safe():
    assert all(ID_PATTERN.fullmatch(new_id()) for _ in range(50))
    for record_id in ("m-hale", "l-reed", "a-im", "t3-12", 42):
        assert Mentor(id=record_id, name="A").id == str(record_id)


@pytest.mark.parametrize("record_id", ["x y", "x:y", "x/y", "x.y", "<b>", "x" * 65, "é", ""])
def test_ids_outside_letters_digits_hyphen_and_underscore_are_refused(record_id):
    message = errors_of(lambda: Mentor(id=record_id, name="A"))[0]
    assert message.startswith("A record ") or message.startswith("Id ")
    assert errors_of(lambda: LetterRequest(mentor_id=record_id, application_id="a"))


def test_an_id_saved_under_the_older_rule_still_opens():
    assert Mentor.model_validate({"id": "x y", "name": "A"}, context=STORED).id == "x y"


def test_every_default_busy_period_key_is_a_safe_key():
    assert all(PERIOD_KEY_PATTERN.fullmatch(p.key) for p in DEFAULT_PERIODS)


@pytest.mark.parametrize("key", ["a:b-c", "a-b:c", "july_transition", "july_transition:27", "July:2027", ":2027"])
def test_a_moved_busy_period_key_must_be_a_key_and_a_four_digit_year(key):
    dates = {"start": "2027-07-01", "end": "2027-07-05"}
    message = errors_of(lambda: BusyChoices(moved={key: dates}))[0]
    assert message.startswith("Moved busy periods lists ") and "july_transition:2027" in message
    assert BusyChoices(moved={"july_transition:2027": dates}).moved
    assert BusyChoices.read({"moved": {key: dates, "july_transition:2027": dates}}).moved.keys() == {
        "july_transition:2027"
    }


@pytest.mark.parametrize("key", ["a-b", "July", "a:b", ""])
def test_a_switched_off_busy_period_must_be_named_by_a_safe_key(key):
    assert errors_of(lambda: BusyChoices(disabled=[key]))[0].startswith("Busy periods switched off lists ")
    assert BusyChoices.read({"disabled": [key, "july_transition"]}).disabled == ["july_transition"]


def test_an_unknown_setting_is_refused_by_name_when_stored_and_ignored_when_read():
    message = errors_of(lambda: PlanSettings.from_stored({"theme": "dark"}))[0]
    assert "'theme'" in message and "does not have" in message
    assert PlanSettings.read({"theme": "dark", "buffer_days": 3}).buffer_days == 3


@pytest.mark.parametrize("second", ["Mass General", "mass general", "  MASS   General ", "Mass\tGeneral"])
def test_two_programs_of_one_name_in_an_application_are_refused(second):
    programs = [Program(name="Mass General"), Program(name=second)]
    message = errors_of(lambda: Application(name="IM", deadline=date(2027, 9, 1), programs=programs))[0]
    assert (
        message
        == "An application has two programs named '" + " ".join(second.split()) + "': give each program its own name."
    )
    stored = Application.model_validate(
        {"name": "IM", "deadline": "2027-09-01", "programs": [p.model_dump() for p in programs]}, context=STORED
    )
    assert len(stored.programs) == 2  # a plan saved before the rule still opens
