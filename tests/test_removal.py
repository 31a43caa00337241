"""Deleting with a second chance: what a delete takes with it, and Undo putting everything back."""

from __future__ import annotations

import pytest
from plan_dates import TODAY

from lor.removal import removal_of, remove, restore


def contents(ws):
    key = lambda r: r.id  # noqa: E731
    return (
        sorted(ws.mentors(), key=key),
        sorted(ws.applications(), key=key),
        sorted(ws.letters(), key=key),
    )


def test_deleting_a_writer_names_their_letters_and_undo_restores_everything(example_ws):
    before = contents(example_ws)
    vasquez = next(m for m in example_ws.mentors() if m.name == "Dr. Elena Vasquez")
    removal = removal_of(example_ws, "mentor", vasquez.id)
    own = [r for r in example_ws.letters() if r.mentor_id == vasquez.id]
    assert removal.summary().startswith(f"Dr. Elena Vasquez and {len(own)} letter")
    assert "at “Asked”" in removal.summary()
    remove(example_ws, removal)
    assert vasquez.id not in {m.id for m in example_ws.mentors()}
    assert not [r for r in example_ws.letters() if r.mentor_id == vasquez.id]
    restore(example_ws, removal)
    assert contents(example_ws) == before


def test_a_writer_without_letters_is_named_alone(example_ws):
    lonely = next(m for m in example_ws.mentors() if not any(r.mentor_id == m.id for r in example_ws.letters()))
    assert removal_of(example_ws, "mentor", lonely.id).summary() == lonely.name


def test_deleting_an_application_names_its_programs_and_letters_and_undo_restores_them(example_ws):
    before = contents(example_ws)
    app = example_ws.applications()[0]
    removal = removal_of(example_ws, "application", app.id)
    only = [r for r in example_ws.letters() if r.application_ids == (app.id,)]
    shared = [r for r in example_ws.letters() if r.serves(app.id) and len(r.application_ids) > 1]
    assert f"{len(only)} letters (" in removal.summary()
    assert f"{len(app.programs)} programs" in removal.summary()
    assert f"{len(shared)} shared letters stay for the other applications" in removal.summary()
    remove(example_ws, removal)
    assert app.id not in {a.id for a in example_ws.applications()}
    assert not [r for r in example_ws.letters() if r.serves(app.id)]
    # The letters it shared with the preliminary-year application stay, now that application's own.
    assert {r.id for r in shared} <= {r.id for r in example_ws.letters()}
    restore(example_ws, removal)
    assert contents(example_ws) == before


def test_deleting_an_assigned_letter_unticks_it_everywhere_and_undo_ticks_it_again(example_ws):
    before = contents(example_ws)
    app = next(a for a in example_ws.applications() if any(p.assigned for p in a.programs))
    letter_id = next(i for p in app.programs for i in p.assigned)
    places = sum(letter_id in p.assigned for p in app.programs)
    removal = removal_of(example_ws, "letter", letter_id)
    assert removal.summary().endswith(f"and its place on {places} program{'s' if places != 1 else ''}")
    remove(example_ws, removal)
    assert letter_id not in {r.id for r in example_ws.letters()}
    assert not [p for a in example_ws.applications() for p in a.programs if letter_id in p.assigned]
    restore(example_ws, removal)
    assert contents(example_ws) == before


def test_removing_a_program_and_undo_puts_it_back_in_its_place(example_ws):
    app = next(a for a in example_ws.applications() if len(a.programs) > 1)
    second = app.programs[1]
    removal = removal_of(example_ws, "program", app.id, program=second.name)
    assert removal.summary().startswith(second.name)
    remove(example_ws, removal)
    assert second.name not in [p.name for p in example_ws.applications()[0].programs]
    restore(example_ws, removal)
    assert next(a for a in example_ws.applications() if a.id == app.id).programs == app.programs


def test_a_record_that_is_gone_cannot_be_deleted_twice(example_ws):
    with pytest.raises(KeyError):
        removal_of(example_ws, "mentor", "nobody")


def test_the_letter_summary_keeps_acronyms(ws):
    from lor.models import Application, LetterRequest, Mentor

    ws.save_mentor(Mentor(id="m", name="Dr. Ortiz"))
    ws.save_application(Application(id="a", name="EM 2027", specialty="emergency_medicine", deadline=TODAY))
    ws.save_letter(LetterRequest(id="r", mentor_id="m", application_id="a", letter_type="sloe"))
    assert removal_of(ws, "letter", "r").summary() == "the SLOE from Dr. Ortiz for EM 2027 (planned)"
