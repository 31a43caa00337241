"""Widget keys can't collide: a plan whose ids look alike once joined (``x_y``/``z`` and ``x``/``y_z``), whose
names repeat or hold the key separator ("a-b", "a:b"), and whose moved periods were stored by an older version as
``a:b-c`` and ``a-b:c`` (refused on save now), draws every page with every record's controls open, without a
duplicate-key error (issue #14.6)."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from plan_dates import TODAY

from lor.models import Application, BusyPeriod, LetterRequest, Mentor, Program, Student, Touchpoint
from lor.store import Store

PAGES = ["dashboard", "recommenders", "letters", "timeline", "faq", "share"]
MENTOR_IDS = ["x_y", "x", "y_z", "z", "y"]
SOON = TODAY + timedelta(weeks=10)


def tricky_plan() -> None:
    ws = Store(os.environ["LOR_DB"]).default_workspace()
    ws.save_student(Student(name="Sam-Lee"))
    retreat = BusyPeriod(name="On-service", start=SOON - timedelta(days=30), end=SOON - timedelta(days=28))
    for i, mentor_id in enumerate(MENTOR_IDS):
        ws.save_mentor(
            Mentor(
                id=mentor_id,
                name="Dr. A-B" if i < 3 else "Dr. A",  # the same name three times, and a name with a separator
                specialty="internal_medicine",
                weeks_known=4 + i,
                busy=[retreat, retreat],  # the same period twice
                touchpoints=[Touchpoint(day=TODAY - timedelta(days=9), note="x-y")],
            )
        )
    programs = [Program(name=name) for name in ("a-b", "a", "b-c", "a:b", "b")]
    for app_id in ("x", "x_y", "y"):
        ws.save_application(
            Application(
                id=app_id,
                name="IM-2027",  # three applications with one name
                specialty="internal_medicine",
                deadline=SOON,
                programs=programs,
            )
        )
    for mentor_id in MENTOR_IDS:
        for app_id in ("x", "x_y"):
            letter = LetterRequest(id=f"{mentor_id}_{app_id}", mentor_id=mentor_id, application_id=app_id)
            ws.save_letter(letter)  # "x_y_x" and "x_x_y" and "y_z_x"... look alike once joined
    moved = {
        "a:b-c": {"start": "2027-01-04", "end": "2027-01-05"},
        "a-b:c": {"start": "2027-01-06", "end": "2027-01-07"},
        "a_b:2027": {"start": "2027-01-08", "end": "2027-01-09"},  # the one well-formed move
    }
    custom = [retreat.model_dump(mode="json")] * 2
    # Saved as an older version did, before settings were checked on save (set_setting now refuses such keys):
    # a plan already holding them must still draw.
    with ws.store._write(ws) as db:
        db.execute(
            "INSERT INTO settings (workspace_id, key, value) VALUES ($1, $2, $3)",
            [ws.id, "busy", json.dumps({"moved": moved, "custom": custom}, sort_keys=True)],
        )


@pytest.mark.parametrize("page", PAGES)
def test_every_page_draws_a_plan_of_look_alike_ids_and_names_with_every_control_open(open_page, page):
    tricky_plan()
    at = open_page(page, example=False)
    assert not at.exception, at.exception
    for mentor_id in MENTOR_IDS:  # every writer's lazy panels open: their edit inputs and contact forms drawn
        at.session_state[f"mentor-{mentor_id}-edit"] = True
        at.session_state[f"mentor-{mentor_id}-touchpoints"] = True
    at.session_state["timeline-busy-periods"] = True
    at.run()
    assert not at.exception, at.exception
    if page == "letters":
        for tab in ("Assign to programs", "Writer request sheets"):
            at.session_state["letters-tabs"] = tab
            at.run()
            assert not at.exception, at.exception
        assert len([c for c in at.checkbox if c.key and c.key.startswith("assign-")]) >= 6 * 2
    if page == "recommenders":
        for app_id in ("x_y", "y"):
            at.selectbox(key="recommenders-application").set_value(app_id).run()
            assert not at.exception, at.exception
        # Three applications of one name are three choices, not one.
        assert len(set(at.selectbox(key="recommenders-application").options)) == 3
    if page == "timeline":
        undo = [b.key for b in at.button if b.key and b.key.startswith("timeline-moved-")]
        assert len(undo) == 1  # the two malformed moves are skipped on reading, as any damaged entry is
        removes = [b.key for b in at.button if b.key and b.key.endswith("-delete") and "busy" in b.key]
        assert len(removes) == 2 * len(MENTOR_IDS)
        writers = at.selectbox(key="timeline-mentor-busy-writer").options
        assert len(set(writers)) == len(MENTOR_IDS)  # same-named writers are each their own choice


def test_programs_of_one_name_in_a_plan_saved_before_names_had_to_differ_still_get_their_own_keys():
    from lor.ui.views.letters import program_key_parts

    # model_construct: the plan as an older version saved it, before the model refused repeated names.
    app = Application.model_construct(id="x", programs=[Program(name=n) for n in ("a-b", "a-b", "a:b", "a")])
    parts = program_key_parts(app)
    assert len(set(parts)) == 4
    assert all(part.isalnum() for part in parts)  # no "-" of a name can reach the key
