"""Letter assignment: per-program limits and their source, placeholders, required types, gaps."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lor.assignment import (
    AssignmentError,
    add_program,
    assign,
    assignable_letters,
    check_assignments,
    default_max_letters,
    remove_program,
    unassign,
)
from lor.models import Application, LetterRequest, Mentor, Program

MENTORS = [Mentor(id=f"m{i}", name=f"Dr. Writer {i}") for i in range(6)]


def letters(*statuses: str, app: str = "a1") -> list[LetterRequest]:
    return [LetterRequest(id=f"l{i}", mentor_id=f"m{i}", application_id=app, status=s) for i, s in enumerate(statuses)]


def application(*programs: Program, portal: str = "ERAS") -> Application:
    return Application(
        id="a1", name="IM 2027", specialty="internal_medicine", portal=portal, deadline=date(2027, 9, 1),
        programs=list(programs),
    )  # fmt: skip


def test_default_limits_by_portal():
    assert default_max_letters("ERAS") == 4
    assert default_max_letters("ResidencyCAS") == 4
    assert default_max_letters("AMCAS") == 10
    assert 1 <= default_max_letters("other") <= 10


def test_a_fifth_letter_is_refused_naming_the_rule_and_its_source():
    pool = letters(*["submitted"] * 5)
    app = application(Program(name="Mass General"))
    for letter in pool[:4]:
        app = assign(app, "Mass General", letter, letters=pool)
    assert app.programs[0].assigned == ["l0", "l1", "l2", "l3"]
    with pytest.raises(AssignmentError) as caught:
        assign(app, "Mass General", pool[4], letters=pool)
    message = str(caught.value)
    assert "at most 4 letters to each program" in message and "AAMC ERAS" in message


def test_a_program_limit_of_its_own_is_named_as_such():
    pool = letters("submitted", "submitted")
    app = application(Program(name="Small school", max_letters=1))
    app = assign(app, "Small school", "l0", letters=pool)
    with pytest.raises(AssignmentError, match="Small school takes at most 1"):
        assign(app, "Small school", "l1", letters=pool)


def test_assign_returns_a_new_application_and_is_idempotent():
    pool = letters("submitted")
    app = application(Program(name="UCSF"))
    after = assign(app, "ucsf", pool[0], letters=pool)
    assert app.programs[0].assigned == [] and after.programs[0].assigned == ["l0"]
    assert assign(after, "UCSF", "l0", letters=pool).programs[0].assigned == ["l0"]


@pytest.mark.parametrize(
    ("status", "letter_id", "words"),
    [
        ("declined", "l0", "never arrive"),
        ("withdrawn", "l0", "never arrive"),
        ("submitted", "gone", "isn't in your plan"),
    ],
)
def test_letters_that_can_never_be_used_are_refused(status, letter_id, words):
    with pytest.raises(AssignmentError, match=words):
        assign(application(Program(name="UCSF")), "UCSF", letter_id, letters=letters(status))


def test_unknown_program_is_refused():
    with pytest.raises(AssignmentError, match="no program called"):
        assign(application(Program(name="UCSF")), "Yale", "l0", letters=letters("submitted"))


def test_a_pending_letter_is_a_placeholder_that_counts_toward_the_limit():
    pool = letters("packet_sent", "submitted", "submitted", "submitted", "submitted")
    app = application(Program(name="UCSF"))
    for letter in pool[:4]:
        app = assign(app, "UCSF", letter, letters=pool)
    with pytest.raises(AssignmentError):
        assign(app, "UCSF", pool[4], letters=pool)
    issues = check_assignments(app, pool, mentors=MENTORS)
    placeholder = [i for i in issues if "placeholder" in i.message]
    assert len(placeholder) == 1 and placeholder[0].level == "warning" and "Dr. Writer 0" in placeholder[0].message


def test_arrived_letter_left_unassigned_is_flagged():
    pool = letters("submitted", "thanked")
    app = assign(application(Program(name="UCSF")), "UCSF", "l0", letters=pool)
    issues = check_assignments(app, pool, mentors=MENTORS)
    unassigned = [i for i in issues if "isn't assigned to any program" in i.message]
    assert [i.level for i in unassigned] == ["warning"] and "Dr. Writer 1" in unassigned[0].message


def test_over_the_limit_stored_data_is_an_error():
    pool = letters(*["submitted"] * 5)
    app = application(Program(name="UCSF", assigned=[x.id for x in pool]))
    errors = [i for i in check_assignments(app, pool) if i.level == "error"]
    assert len(errors) == 1 and "5 letters" in errors[0].message and errors[0].program == "UCSF"


def test_required_types_must_be_covered_by_an_arrived_letter():
    pool = letters("submitted", "packet_sent")
    pool[1] = pool[1].model_copy(update={"letter_type": "sloe"})
    needs = Program(name="EM program", required_types=["sloe", "chair"], assigned=["l0", "l1"])
    issues = check_assignments(application(needs), pool)
    by_text = {i.message: i.level for i in issues}
    assert by_text["EM program requires a SLOE; yours is assigned but hasn't arrived yet."] == "warning"
    assert by_text["EM program requires a department chair letter, and none is assigned."] == "error"


def test_a_required_type_written_in_capitals_gets_the_article_it_is_read_with():
    needs = Program(name="Riverside IM", required_types=["sel"])
    messages = [i.message for i in check_assignments(application(needs), letters("submitted"))]
    assert "Riverside IM requires an IM SEL (departmental letter), and none is assigned." in messages


def test_a_clean_program_gets_an_ok_line_and_no_programs_gets_a_hint():
    pool = letters("submitted")
    app = assign(application(Program(name="UCSF")), "UCSF", "l0", letters=pool)
    issues = check_assignments(app, pool)
    assert [(i.ok, i.level) for i in issues] == [(True, "info")] * 2 and "1 of 4" in issues[0].message
    assert issues[1].message.startswith("A rule of ERAS: ERAS locks")  # the portal's rule comes last, as a note
    hint = check_assignments(application(), pool)
    assert len(hint) == 2 and hint[0].ok and "Add the programs" in hint[0].message


def test_a_letter_from_another_specialty_or_cycle_gets_a_note():
    surgery = Application(id="a0", name="Surgery 2026", specialty="general_surgery", deadline=date(2026, 9, 1))
    old = LetterRequest(id="old", mentor_id="m0", application_id="a0", status="submitted")
    app = application(Program(name="UCSF", assigned=["old"]))
    notes = [i for i in check_assignments(app, [old], applications=[surgery]) if i.level == "info"]
    assert any("separate letter" in i.message for i in notes)
    same_spec = surgery.model_copy(update={"specialty": "internal_medicine"})
    dated = old.model_copy(update={"submitted_on": date(2026, 7, 1)})
    notes = [i for i in check_assignments(app, [dated], applications=[same_spec]) if i.level == "info"]
    assert any("earlier cycle" in i.message for i in notes)


def test_unassign_and_programs_add_and_remove():
    pool = letters("submitted")
    app = assign(application(Program(name="UCSF")), "UCSF", "l0", letters=pool)
    assert unassign(app, "UCSF", "l0").programs[0].assigned == []
    bigger = add_program(app, Program(name="Yale"))
    assert [p.name for p in bigger.programs] == ["UCSF", "Yale"]
    with pytest.raises(AssignmentError, match="already"):
        add_program(bigger, Program(name="yale"))
    assert [p.name for p in remove_program(bigger, "UCSF").programs] == ["Yale"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 7)), max_size=30))
def test_no_sequence_of_assignments_ever_exceeds_a_program_limit(steps):
    pool = letters(*["submitted"] * 8)
    app = application(Program(name="P0"), Program(name="P1", max_letters=2), Program(name="P2", max_letters=6))
    for program, letter in steps:
        with contextlib.suppress(AssignmentError):
            app = assign(app, f"P{program}", pool[letter], letters=pool)
    assert all(len(p.assigned) <= p.max_letters for p in app.programs)
    assert all(len(set(p.assigned)) == len(p.assigned) for p in app.programs)
    assert not [i for i in check_assignments(app, pool) if i.level == "error"]


def test_the_grid_offers_letters_in_play_and_anything_already_assigned():
    pool = letters("planned", "declined", "submitted")
    pool.append(LetterRequest(id="other", mentor_id="m9", application_id="a2", status="submitted"))
    app = application(Program(name="UCSF", assigned=["other"]))
    assert [x.id for x in assignable_letters(app, pool)] == ["l0", "l2", "other"]


def test_a_program_can_be_renamed_redated_and_relimited_keeping_its_letters():
    from lor.assignment import edit_program

    app = Application(
        id="a",
        name="IM",
        specialty="internal_medicine",
        deadline=date(2027, 9, 1),
        programs=[Program(name="Yale", assigned=["l1", "l2"]), Program(name="UCSF")],
    )
    changed = edit_program(app, "Yale", Program(name="Yale New Haven", deadline=date(2027, 9, 15), max_letters=3))
    yale = changed.programs[0]
    assert (yale.name, yale.deadline, yale.max_letters, yale.assigned) == (
        "Yale New Haven",
        date(2027, 9, 15),
        3,
        ["l1", "l2"],
    )
    with pytest.raises(AssignmentError, match="already in"):
        edit_program(app, "Yale", Program(name="ucsf"))
    with pytest.raises(AssignmentError, match="untick some"):
        edit_program(app, "Yale", Program(name="Yale", max_letters=1))


def test_a_programs_unmet_requirements_are_one_check_for_the_grid_and_the_letter_mix():
    from lor.mix import PROGRAM_GAP_RULE, mix_for_letters, program_gaps

    letters = [
        LetterRequest(id="n1", mentor_id="m1", application_id="im", status="submitted"),
        LetterRequest(id="sel", mentor_id="m2", application_id="im", letter_type="sel", status="declined"),
    ]
    app = Application(
        id="im",
        name="IM",
        pathway="residency",
        specialty="internal_medicine",
        portal="ERAS",
        deadline=date(2027, 9, 1),
        programs=[
            Program(name="Riverside", required_types=["sel"], assigned=["n1", "sel"]),  # the SEL was declined
            Program(name="Lakeshore"),
            Program(name="Harbor", assigned=["n1"]),
        ],
    )
    gaps = program_gaps(app, letters)
    assert [(g.program, g.short) for g in gaps] == [
        ("Riverside", "Riverside requires an IM SEL, none assigned"),
        ("Lakeshore", "Lakeshore: no letters assigned"),
    ]
    grid = [(i.level, i.message) for i in check_assignments(app, letters) if i.message in {g.message for g in gaps}]
    assert grid == [("error", gaps[0].message), ("warning", gaps[1].message)]
    mentors = [Mentor(id="m1", name="Dr. A", specialty="internal_medicine"), Mentor(id="m2", name="IM dept")]
    mix = mix_for_letters(app, mentors, letters, today=date(2026, 11, 25))
    failing = [c.message for c in mix.checks if c.rule == PROGRAM_GAP_RULE]
    assert failing == [g.message for g in gaps] and not mix.ok
