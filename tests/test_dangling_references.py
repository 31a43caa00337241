"""A letter never points at a writer, an application or a committee the plan no longer has: a tab drawn before
another tab deleted it, or a forged choice, is refused in a sentence with nothing saved, so the plan's own backup
always restores; a backup an older version made with such a pointer restores without it, saying so (classmode
review #4, #8)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from backends import configured_store
from plan_dates import TODAY
from pydantic import ValidationError
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Radio

from lor.backup import parse_backup
from lor.example import example_document
from lor.models import Application, LetterRequest, Mentor, plain_errors
from lor.store import Workspace


def letter(ws: Workspace, letter_id: str) -> LetterRequest:
    return next(x for x in ws.letters() if x.id == letter_id)


def refusal(ws: Workspace, changed: LetterRequest) -> str:
    with pytest.raises(ValidationError) as caught:
        ws.save_letter(changed)
    return " ".join(plain_errors(caught.value))


def test_also_for_an_application_another_tab_deleted_is_refused_and_the_backup_still_restores(example_ws):
    drawn = letter(example_ws, "l-vasquez")  # tab A opened Dr. Vasquez's letter: "Also for" offers Preliminary
    example_ws.delete_application("a-prelim")  # tab B deletes Preliminary medicine
    said = refusal(example_ws, drawn.model_copy(update={"also_for": ["a-prelim"]}))  # tab A ticks it
    assert "no longer in this plan" in said and "another tab" in said
    assert letter(example_ws, "l-vasquez").also_for == []  # nothing was saved
    forged = refusal(example_ws, drawn.model_copy(update={"also_for": ["zz-nonexistent"]}))
    assert "no longer in this plan" in forged
    restored = example_ws.store.new_workspace()
    example_ws.store.import_json(restored, example_ws.store.export_json(example_ws))
    assert letter(restored, "l-vasquez").also_for == []


def test_a_letter_for_a_writer_another_tab_deleted_is_not_brought_back(example_ws):
    drawn = letter(example_ws, "l-vasquez")
    example_ws.delete_mentor("m-vasquez")
    assert "writer is no longer in this plan" in refusal(example_ws, drawn.model_copy(update={"notes": "x"}))
    assert all(x.id != "l-vasquez" for x in example_ws.letters())


def _committee_plan(ws: Workspace) -> None:
    ws.save_mentor(Mentor(id="m-comm", name="Premed committee", role="committee"))
    ws.save_mentor(Mentor(id="m-bio", name="Dr. Bio"))
    ws.save_application(
        Application(id="a-md", name="MD", pathway="medical_school", portal="AMCAS", deadline=TODAY + timedelta(200))
    )
    ws.save_letter(LetterRequest(id="l-comm", mentor_id="m-comm", application_id="a-md", letter_type="committee"))
    ws.save_letter(LetterRequest(id="l-bio", mentor_id="m-bio", application_id="a-md"))


def test_sent_to_a_committee_that_is_gone_or_is_no_committee_is_refused(ws):
    _committee_plan(ws)
    drawn = letter(ws, "l-bio")
    assert "committee it is sent to" in refusal(ws, drawn.model_copy(update={"via": "m-bio"}))  # not a committee
    ws.save_letter(drawn.model_copy(update={"via": "m-comm"}))
    stale = letter(ws, "l-bio")
    ws.delete_mentor("m-comm")  # the letter it gathered now goes straight to the portal
    assert letter(ws, "l-bio").via is None
    assert "committee it is sent to" in refusal(ws, stale)
    restored = ws.store.new_workspace()
    ws.store.import_json(restored, ws.store.export_json(ws))  # the app's own backup restores
    assert letter(restored, "l-bio").via is None


def test_a_backup_with_a_pointer_to_something_gone_restores_without_it_and_says_so():
    doc = json.loads(example_document(TODAY))
    for item in doc["letters"]:
        if item["id"] == "l-vasquez":
            item["also_for"] = ["a-prelim", "a-gone"]
            item["via"] = "m-hale"  # a writer, not a committee
    parsed = parse_backup(json.dumps(doc))
    repaired = next(x for x in parsed["letters"] if x.id == "l-vasquez")
    assert repaired.also_for == ["a-prelim"] and repaired.via is None
    assert parsed["repaired"] == [
        "Letter l-vasquez was also for 1 application the backup does not hold (a-gone): left out.",
        "Letter l-vasquez went through a committee the backup does not hold (m-hale): it goes straight to the portal.",
    ]
    store = configured_store()
    ws = store.new_workspace()
    store.import_json(ws, json.dumps(doc))
    assert letter(ws, "l-vasquez").also_for == ["a-prelim"]
    del doc["applications"][0]  # the letter's own first application missing: still refused
    with pytest.raises(ValueError, match="whose writer or application is missing"):
        parse_backup(json.dumps(doc))


# -- the Letters page: the two-tab story and forged choices, each refused in one sentence -----------------------


def errors(at) -> str:
    return " ".join(e.value.replace("\\", "") for e in at.error if e.value.startswith("Not "))


def test_ticking_also_for_an_application_another_tab_deleted_says_it_was_not_saved(open_page):
    tab_a = open_page("letters")
    tab_a.selectbox(key="letters-select").set_value("l-vasquez").run()
    configured_store().default_workspace().delete_application("a-prelim")  # tab B
    tab_a.multiselect(key="letter-l-vasquez-also-for").set_value(["a-prelim"]).run()
    assert not tab_a.exception
    assert "Not saved: An application it is for is no longer in this plan" in errors(tab_a)
    assert letter(configured_store().default_workspace(), "l-vasquez").also_for == []


@pytest.mark.parametrize(
    "kind,key,forged,said",
    [
        ("radio", "letter-l-vasquez-waiver", "maybe", "Not saved: Right to see the letter must be one of the listed"),
        ("multiselect", "letter-l-vasquez-also-for", ["zz-nonexistent"], "no longer in this plan"),
    ],
)
def test_a_forged_choice_gets_one_sentence_not_an_error_box(open_page, monkeypatch, kind, key, forged, said):
    at = open_page("letters")
    at.selectbox(key="letters-select").set_value("l-vasquez").run()
    before = letter(configured_store().default_workspace(), "l-vasquez")
    if kind == "radio":  # what a websocket client sends: the option's text, here one the radio never offered
        monkeypatch.setattr(Radio, "_widget_state", property(lambda self: WidgetState(id=self.id, string_value=forged)))
        at.radio(key=key).set_value(None)
    else:
        at.multiselect(key=key).set_value(forged)
    at.run()
    assert not at.exception
    assert said in errors(at)
    assert letter(configured_store().default_workspace(), "l-vasquez") == before
