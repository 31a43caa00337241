"""Every email draft, in every kind of situation, reads as words a student would send (issue 22.7).

The situations are generated from the models' own Literal types (lor.models ROLES, SETTINGS, PORTALS,
LETTER_TYPES, PATHWAYS, STATUSES) and the draft kinds, so a new role, setting or portal is covered without
anyone adding it here. All of them at once would be about 5 million drafts; instead the rows below hold every
combination of values of any three of those seven dimensions (and every pair of values with the others: the
writer's degree and name, the specialty, the days left, the waiver, the letter ID, whether the student's
details are filled in), a covering design of under 2,000 drafts that runs in a few seconds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import timedelta

import pytest
from plan_dates import TODAY

from lor.messages import DRAFT_KINDS, draft, draft_kinds_for, draft_menu, salutation
from lor.models import (
    DEGREES,
    LETTER_TYPES,
    PATHWAYS,
    PORTALS,
    ROLES,
    SETTINGS,
    STATUSES,
    Application,
    LetterRequest,
    Mentor,
    Program,
    Student,
    label,
)
from lor.portals import letter_id_name
from lor.scoring import is_letter_source

KINDS = tuple(kind for kind, _ in DRAFT_KINDS)
# (the name as typed, the given name that must never follow "Dear Dr.", the surname a greeting uses)
PEOPLE = (
    ("Dr. Marcus Webb", "Marcus", "Webb"),
    ("Dr. Ludwig van Beethoven", "Ludwig", "van Beethoven"),
    ("Dr. María de la Cruz, MD", "María", "de la Cruz"),
    ("Martin Luther King Jr.", "Martin", "King"),
    ("Prof. Ana Ortiz", "Ana", "Ortiz"),
    ("Grace Lee, PhD", "Grace", "Lee"),
)
SOURCES = {"department": "Department of Medicine", "committee": "Health Professions Committee"}
MODEL_DIMENSIONS: dict[str, Sequence] = {
    "role": ROLES,
    "setting": SETTINGS,
    "portal": PORTALS,
    "letter_type": LETTER_TYPES,
    "pathway": PATHWAYS,
    "status": STATUSES,
    "kind": KINDS,
}
OTHER_DIMENSIONS: dict[str, Sequence] = {
    "degree": DEGREES,
    "person": range(len(PEOPLE)),
    "specialty": (None, "internal_medicine", "obstetrics_gynecology"),
    "days_left": (268, 10, 0),
    "waived": (True, False, None),
    "letter_id": (None, "ABC1234567"),
    "student": (True, False),
}


def covering_rows(dims: dict[str, Sequence], groups: list[tuple[str, ...]]) -> list[dict]:
    """Rows of one value per dimension in which every combination of values of each group of dimensions appears.

    Greedy: each row starts from a combination not yet covered and fills every other dimension with the value
    that covers the most combinations still missing.
    """
    names = list(dims)
    missing = {g: set(itertools.product(*(dims[d] for d in g))) for g in groups}
    groups_of = {d: [g for g in groups if d in g] for d in names}
    rows: list[dict] = []
    for group in groups:
        for seed in itertools.product(*(dims[d] for d in group)):
            if seed not in missing[group]:
                continue
            row = dict(zip(group, seed, strict=True))
            for d in names:
                if d in row:
                    continue
                ready = [(g, missing[g]) for g in groups_of[d] if all(x in row or x == d for x in g)]
                best, gain = dims[d][0], -1
                for value in dims[d]:
                    row[d] = value
                    gained = sum(tuple(row[x] for x in g) in left for g, left in ready)
                    if gained > gain:
                        best, gain = value, gained
                row[d] = best
            for g in groups:
                missing[g].discard(tuple(row[x] for x in g))
            rows.append(row)
    return rows


DIMENSIONS = {**MODEL_DIMENSIONS, **OTHER_DIMENSIONS}
GROUPS = [*itertools.combinations(MODEL_DIMENSIONS, 3), *itertools.combinations(DIMENSIONS, 2)]
ROWS = covering_rows(DIMENSIONS, GROUPS)


def situation(row: dict) -> dict:
    """The draft() arguments of one row."""
    typed = SOURCES.get(row["role"]) or PEOPLE[row["person"]][0]
    mentor = Mentor(
        id="w1",
        name=typed,
        email="writer@example.edu",
        role=row["role"],
        setting=row["setting"],
        degree=row["degree"],
        specialty=row["specialty"],
        observed=["presented a patient at morning report"],
        last_worked=TODAY - timedelta(days=400),
    )
    due = TODAY + timedelta(days=row["days_left"])
    application = Application(
        id="a1",
        name="Target 2027",
        pathway=row["pathway"],
        specialty=row["specialty"],
        portal=row["portal"],
        deadline=due,
        programs=[Program(name="City Hospital", deadline=due + timedelta(days=14)), Program(name="Lakeside")],
    )
    letter = LetterRequest(
        id="l1",
        mentor_id="w1",
        application_id="a1",
        letter_type=row["letter_type"],
        status=row["status"],
        waived=row["waived"],
        letter_id=row["letter_id"],
    )
    student = Student(name="Ana Ruiz", email="ana@example.edu", school="State SOM") if row["student"] else None
    return {"student": student, "mentor": mentor, "application": application, "letter": letter, "today": TODAY}


WORD = re.compile(r"[\w’'-]+")
UNFILLED = (
    re.compile(r"[{}]"),  # a template field left in
    re.compile(r"\bNone\b"),  # a missing value printed by Python
    re.compile(r":[ \t]*—[ \t]*$", re.M),  # "Letter ID: —"
    re.compile(r"\(\s*—\s*\)"),
    re.compile(r"\b(?:due|by|in|for|to|at|of|from|on)\s+—"),  # "due —"
    re.compile(r"—\s*[,.;:)]"),
)


def doubled_phrase(text: str) -> str | None:
    """The first run of two or more words repeated right after itself ("with you with you"), or None."""
    for line in text.splitlines():
        words = WORD.findall(line.casefold())
        for n in range(2, 7):
            for i in range(len(words) - 2 * n + 1):
                if words[i : i + n] == words[i + n : i + 2 * n]:
                    return " ".join(words[i : i + 2 * n])
    return None


def test_the_rows_cover_every_combination_they_promise():
    for group in GROUPS:
        wanted = set(itertools.product(*(DIMENSIONS[d] for d in group)))
        assert wanted <= {tuple(row[d] for d in group) for row in ROWS}, group
    assert len(ROWS) < 2_500


def test_every_draft_reads_as_words_a_student_would_send():
    problems: list[str] = []
    for row in ROWS:
        args = situation(row)
        if row["kind"].startswith("reminder") and is_letter_source(args["mentor"]):
            with pytest.raises(ValueError, match="no reminders"):  # an office runs its own process
                draft(row["kind"], **args)
            continue
        d = draft(row["kind"], **args)
        text = f"{d.subject}\n{d.body}"
        where = f"{row} -> {d.kind}"
        if phrase := doubled_phrase(text):
            problems.append(f"doubled phrase {phrase!r}: {where}")
        for pattern in UNFILLED:
            if found := pattern.search(text):
                problems.append(f"unfilled value {found.group()!r}: {where}")
        mentor = args["mentor"]
        for greeting in re.findall(r"^Dear (.*),$", d.body, re.M):
            if is_letter_source(mentor):
                assert greeting == mentor.name, where
                continue
            _, given, surname = PEOPLE[row["person"]]
            title, _, rest = greeting.partition(" ")
            if title in ("Dr.", "Professor"):
                if given in greeting or rest != surname:
                    problems.append(f"full name after 'Dear {title}': {greeting!r}: {where}")
            elif greeting != mentor.name:
                problems.append(f"a greeting neither titled nor the name as typed: {greeting!r}: {where}")
        if "short notice" in text.casefold() and row["days_left"] >= 14:
            problems.append(f"short notice {row['days_left']} days ahead: {where}")
        has_id = f"{letter_id_name(args['application'].portal)}: {row['letter_id']}" in d.body
        if row["letter_id"] and d.kind in ("thanks_yes", "reminder_1", "reminder_2") and not has_id:
            problems.append(f"no Letter ID in the {d.kind} email: {where}")
    assert problems == [], f"{len(problems)} problems, e.g.\n" + "\n".join(problems[:10])


def test_the_checks_catch_the_words_of_the_issue():
    assert doubled_phrase("I learned a lot working with you with you.") == "with you with you"
    assert doubled_phrase("Thank you. You were kind.") is None
    assert any(p.search("- Letter ID: —") for p in UNFILLED)
    assert any(p.search("letters are due None") for p in UNFILLED)


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_setting_says_where_you_worked_together_once(setting):
    writer = Mentor(name="Dr. Marcus Webb", setting=setting, specialty="internal_medicine")
    app = Application(name="IM", specialty="internal_medicine", deadline=TODAY + timedelta(days=268))
    for kind in ("ask_email", "ask_in_person", "goal_conversation", "decline_reply"):
        body = draft(kind, student=None, mentor=writer, application=app, letter=None, today=TODAY).body
        assert "working with you" in body.casefold()
        assert "with you with you" not in body  # before: sub-internship, away rotation and "Other"
    assert draft("ask_email", student=None, mentor=writer, application=app, letter=None, today=TODAY).body.startswith(
        "Dear Dr. Webb,"
    )


@pytest.mark.parametrize(
    ("typed", "greeting"),
    [
        ("Dr. Marcus Webb", "Dr. Webb"),
        ("Dr. Ludwig van Beethoven", "Dr. van Beethoven"),
        ("Dr. María de la Cruz", "Dr. de la Cruz"),
        ("Dr. Martin Luther King Jr.", "Dr. King"),
        ("Ana Ortiz, MD", "Dr. Ortiz"),
        ("Webb, Marcus", "Dr. Webb"),
        ("Dr. John Do", "Dr. Do"),  # a surname, not the degree
        ("Dr. Ana Silva DO", "Dr. Silva"),
        ("Dr. Di Wang", "Dr. Wang"),  # a given name, not a particle
        ("Prof. Ana Ortiz", "Professor Ortiz"),
        ("Ms. Lee", "Ms. Lee"),
    ],
)
def test_a_greeting_uses_the_title_and_the_surname(typed, greeting):
    assert salutation(Mentor(name=typed, role="attending")) == greeting


def test_without_a_title_or_a_doctorate_the_greeting_is_the_name_as_typed():
    assert salutation(Mentor(name="Marcus Webb", role="attending")) == "Dr. Webb"  # a physician's role
    assert salutation(Mentor(name="Marcus Webb", role="non_science_faculty")) == "Marcus Webb"
    assert salutation(Mentor(name="Marcus Webb", role="non_science_faculty", degree="PhD")) == "Dr. Webb"


@pytest.mark.parametrize("role", ["committee", "department"])
def test_a_committee_or_department_gets_a_request_not_a_personal_ask(role):
    office = Mentor(name=SOURCES[role], role=role, specialty="internal_medicine")
    pathway = "medical_school" if role == "committee" else "residency"
    app = Application(name="Target", pathway=pathway, specialty="internal_medicine", deadline=TODAY + timedelta(60))
    letter = LetterRequest(mentor_id=office.id, application_id=app.id, letter_type="committee")
    asks = [draft(k, student=None, mentor=office, application=app, letter=letter, today=TODAY) for k in KINDS[:4]]
    for d in asks:
        text = f"{d.subject}\n{d.body}"
        # Before: "Do you feel you know my work well enough to write a strong letter of recommendation for me?"
        assert "know my work well enough" not in text and "strong letter" not in text
    email = draft("ask_email", student=None, mentor=office, application=app, letter=letter, today=TODAY)
    assert email.body.startswith(f"Dear {office.name},")
    assert "would like to request" in email.body and "how to register or request it" in email.body
    assert draft_kinds_for(letter, mentor=office, today=TODAY) == ["ask_in_person", "ask_email"]
    # A department saved under its contact person's name is greeted like a person.
    contact = office.model_copy(update={"name": "Dr. Margaret Hale"})
    assert salutation(contact) == "Dr. Hale"


def test_no_short_notice_ask_for_a_letter_due_months_away():
    writer = Mentor(name="Dr. Marcus Webb", specialty="internal_medicine")
    later = Application(name="IM", specialty="internal_medicine", deadline=TODAY + timedelta(days=268))
    letter = LetterRequest(mentor_id=writer.id, application_id=later.id)
    # Before: the Draft list offered "Ask on short notice", which apologized for a letter due in 268 days.
    assert "ask_short_notice" not in draft_menu(letter, application=later, today=TODAY)
    d = draft("ask_short_notice", student=None, mentor=writer, application=later, letter=letter, today=TODAY)
    assert d.kind == "ask_email" and "short notice" not in d.body
    soon = later.model_copy(update={"deadline": TODAY + timedelta(days=10)})
    menu = draft_menu(letter, application=soon, today=TODAY)
    assert "ask_short_notice" in menu and "ask_email" not in menu


@pytest.mark.parametrize("portal", PORTALS)
def test_the_packet_email_carries_the_letter_id_when_one_is_set(portal):
    writer = Mentor(name="Dr. Marcus Webb", specialty="internal_medicine")
    app = Application(name="IM", specialty="internal_medicine", portal=portal, deadline=TODAY + timedelta(days=60))
    letter = LetterRequest(mentor_id=writer.id, application_id=app.id, status="agreed", letter_id="L-778899")
    body = draft("thanks_yes", student=None, mentor=writer, application=app, letter=letter, today=TODAY).body
    name = letter_id_name(portal)  # the portal's own word: "AMCAS Request ID" in AMCAS (issue #24.3)
    assert f"{name}: L-778899" in body
    unset = letter.model_copy(update={"letter_id": None})
    assert f"{name}:" not in draft("thanks_yes", student=None, mentor=writer, application=app, letter=unset,
                                   today=TODAY).body  # fmt: skip


def test_degree_choices_read_as_written():
    # Before: "Md / Do / Phd".
    assert [label(d) for d in DEGREES if d in ("MD", "DO", "PhD")] == ["MD", "DO", "PhD"]
