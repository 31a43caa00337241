"""BEL, ESC and other control characters typed or restored into names and notes are dropped as they are saved, so they
never reach a CSV download, a calendar or a desk (issue #23.5)."""

from __future__ import annotations

import json
import re

from plan_dates import TODAY

from lor.example import example_document
from lor.export import letters_csv, plan_csv
from lor.joincodes import desk_name
from lor.models import Mentor, Student
from lor.overview import overview_of
from lor.store import Workspace

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NASTY = "Dr.\x07 Bell\x1b[31m Red\x7f\x9b\x08"


def test_control_characters_are_dropped_as_names_and_notes_are_saved(example_ws: Workspace):
    mentor = example_ws.mentors()[0]
    example_ws.save_mentor(mentor.model_copy(update={"name": NASTY, "notes": "line\x07one\nline\x1btwo\ttab"}))
    example_ws.save_student(Student(name="Stu\x1b]0;pwned\x07dent"))
    saved = next(m for m in example_ws.mentors() if m.id == mentor.id)
    assert saved.name == "Dr. Bell[31m Red" and saved.notes == "lineone\nlinetwo\ttab"
    assert example_ws.student().name == "Stu]0;pwneddent"
    ov = overview_of(example_ws, TODAY)
    for text in (letters_csv(ov.letters, ov.mentors, ov.applications), plan_csv(ov.milestones, names=ov.mentor_names)):
        assert not CONTROLS.search(text.replace("\r\n", "\n"))
    assert not CONTROLS.search(example_ws.store.export_json(example_ws).replace("\\u", ""))


def test_a_restored_backup_loses_its_control_characters_too(ws: Workspace):
    doc = json.loads(example_document(TODAY))
    doc["mentors"][0]["name"] = NASTY
    doc["letters"][0]["letter_id"] = "ID\x1b123"
    ws.store.import_json(ws, json.dumps(doc))
    assert ws.mentors()[0].name == "Dr. Bell[31m Red" and ws.letters()[0].letter_id == "ID123"
    ov = overview_of(ws, TODAY)
    assert not CONTROLS.search(letters_csv(ov.letters, ov.mentors, ov.applications).replace("\r\n", "\n"))


def test_a_plan_saved_with_control_characters_reads_without_them(ws: Workspace):
    ws.save_mentor(Mentor(id="m1", name="Dr. Old"))
    with ws.store._db() as db:  # as an older version stored it
        db.execute(
            "UPDATE mentors SET data = $1 WHERE workspace_id = $2 AND id = 'm1'",
            [json.dumps({"id": "m1", "name": "Dr. \x07Old", "notes": "\x1b[2J"}), ws.id],
        )
    assert ws.mentors()[0].name == "Dr. Old" and ws.mentors()[0].notes == "[2J"


def test_a_desk_name_loses_its_control_characters():
    assert desk_name("Dr. Lee\x07\x1b's desk") == "Dr. Lee's desk"


def test_a_nul_in_a_backup_is_dropped_like_the_other_control_characters(ws: Workspace):
    doc = json.loads(example_document(TODAY))
    doc["student"] = {"name": "Jor\x00dan Rivera"}
    doc["mentors"][0]["name"] = "Dr.\x00 Hale"
    ws.store.import_json(ws, json.dumps(doc))  # the whole backup used to be refused as "a broken character"
    assert ws.student().name == "Jordan Rivera" and ws.mentors()[0].name == "Dr. Hale"
    ws.store.export_json(ws).encode("utf-8")


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidirectional_overrides_are_dropped_so_a_name_cannot_read_backwards(ws: Workspace):
    ws.save_student(Student(name="Jordan \u202eareviR"))  # would show as "Jordan Rivera" reversed on a desk
    ws.save_mentor(Mentor(id="m1", name=f"Dr.{BIDI} Lee", notes=f"a{BIDI}b"))
    assert ws.student().name == "Jordan areviR"
    assert ws.mentors()[0].name == "Dr. Lee" and ws.mentors()[0].notes == "ab"
    assert desk_name("Dr. Lee\u2066's desk\u2069") == "Dr. Lee's desk"
