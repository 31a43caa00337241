"""The Letters page as a student uses it: walk a letter to the thank-you, assign letters, read-only view."""

from __future__ import annotations

import os
from datetime import timedelta

from plan_dates import TODAY

from lor.example import load_example
from lor.models import LetterRequest
from lor.store import Store
from lor.ui import text_key

RIVERSIDE = "Riverside University IM Residency"
LAKESHORE = "Lakeshore Community IM Program"


def stored_letter(letter_id: str) -> LetterRequest:
    return next(x for x in Store(os.environ["LOR_DB"]).default_workspace().letters() if x.id == letter_id)


def errors(at) -> str:
    """The refusals a click produced (the assignment check's standing findings are not refusals)."""
    return " ".join(e.value for e in at.error if e.value.startswith("Not "))


def test_walk_a_letter_from_planned_to_thanked(open_page):
    at = open_page("letters")
    assert not at.exception
    at.selectbox(key="letters-select").set_value("l-reed").run()  # the example's declined letter
    assert any("pick a backup writer" in i.value for i in at.info)
    at.selectbox(key="letters-select").set_value("l-hale").run()
    at.text_area(key="letter-l-hale-brag").input("Presented at chair's rounds\n\nAsked sharp questions").run()
    assert stored_letter("l-hale").brag_sheet == ["Presented at chair's rounds", "Asked sharp questions"]
    assert any("2 bullets so far" in c.value for c in at.caption)
    for status in ("asked", "agreed"):
        at.button(key=f"letter-l-hale-move-{status}").click().run()
        assert not at.exception and not errors(at), errors(at)
        assert stored_letter("l-hale").status == status
    # The packet carries the request, and the portal asks about the waiver with it: decide first (issue #22.9).
    # The button says so where it is, greyed out, instead of a refusal at the top of the page (review #6).
    packet = at.button(key="letter-l-hale-move-packet_sent")
    assert packet.disabled and "waits for your waiver decision" in packet.help
    assert any("waits for your waiver decision" in c.value for c in at.caption)
    at.radio(key="letter-l-hale-waiver").set_value("waived").run()
    assert not at.button(key="letter-l-hale-move-packet_sent").disabled
    at.button(key="letter-l-hale-move-packet_sent").click().run()
    assert not errors(at) and stored_letter("l-hale").status == "packet_sent"
    at.button(key="letter-l-hale-reminder").click().run()
    assert not errors(at)
    # A second reminder the same day is refused, beside the button, with the reason (review #13).
    at.button(key="letter-l-hale-reminder").click().run()
    assert "already recorded on" in errors(at)
    at.date_input(key="letter-l-hale-day").set_value(TODAY + timedelta(days=7)).run()
    at.button(key="letter-l-hale-reminder").click().run()
    assert not errors(at)
    third = at.button(key="letter-l-hale-reminder")
    assert third.disabled and "Two reminders is the limit" in third.help
    for status in ("submitted", "thanked"):
        at.button(key=f"letter-l-hale-move-{status}").click().run()
        assert not errors(at)
    letter = stored_letter("l-hale")
    assert letter.status == "thanked"
    assert (letter.asked_on, letter.reminder_1_on) == (TODAY, TODAY)
    assert letter.reminder_2_on == letter.thanked_on == TODAY + timedelta(days=7)
    # The card now suggests the outcome update, and the pipeline counts it.
    assert any(m.label == "Thanked" and m.value == "1" for m in at.metric)


def test_assign_letters_up_to_the_limit_and_the_fifth_is_refused(open_page):
    ws = Store(os.environ["LOR_DB"]).default_workspace()
    load_example(ws, TODAY)
    ws.save_letter(LetterRequest(id="l-kim", mentor_id="m-kim", application_id="a-im"))
    at = open_page("letters", example=False)
    assert not at.exception

    def tick(program: str, letter_id: str) -> None:
        at.checkbox(key=f"assign-a-im-{text_key(program)}-{letter_id}").check().run()

    for letter_id in ("l-raman", "l-vasquez", "l-hale"):
        tick(RIVERSIDE, letter_id)
        assert not errors(at)
    tick(RIVERSIDE, "l-kim")
    assert "ERAS lets you assign at most 4 letters to each program" in errors(at)
    assert at.checkbox(key=f"assign-a-im-{text_key(RIVERSIDE)}-l-kim").value is False
    for letter_id in ("l-okafor", "l-raman"):
        tick(LAKESHORE, letter_id)
    programs = {p.name: p.assigned for p in Store(os.environ["LOR_DB"]).default_workspace().applications()[0].programs}
    assert programs[RIVERSIDE] == ["l-okafor", "l-raman", "l-vasquez", "l-hale"]
    assert programs[LAKESHORE] == ["l-okafor", "l-raman"]
    assert any("placeholder" in w.value for w in at.warning)


def test_an_empty_plan_points_to_choose_recommenders(open_page):
    at = open_page("letters", example=False)
    assert not at.exception
    assert any("No letters yet" in i.value for i in at.info)


def test_the_advisor_view_shows_the_plan_without_any_input(open_page):
    store = Store(os.environ["LOR_DB"])
    edit, view = store.create_workspace()
    load_example(store.open(edit), TODAY)
    at = open_page("letters", example=False, shared=True, query={"view": view})
    assert not at.exception
    assert any(m.label == "Packet sent" and m.value == "1" for m in at.metric)
    editable = (at.button, at.checkbox, at.text_input, at.text_area, at.date_input, at.radio, at.number_input)
    assert [w.key for kind in editable for w in kind] == []
    assert [s.key for s in at.selectbox] == ["letters-select"]  # choosing which letter to read changes nothing


def test_fields_never_set_save_their_first_value(open_page):
    """Issue #22.1: a field stored as None (waiver undecided, no Letter ID, no writer's date) is empty, not gone."""
    ws = Store(os.environ["LOR_DB"]).default_workspace()
    load_example(ws, TODAY)
    ws.save_letter(LetterRequest(id="l-new", mentor_id="m-kim", application_id="a-im"))
    at = open_page("letters", example=False)
    at.selectbox(key="letters-select").set_value("l-new").run()
    at.radio(key="letter-l-new-waiver").set_value("waived").run()
    assert "already gone" not in " ".join(w.value for w in at.warning)
    assert stored_letter("l-new").waived is True
    at.radio(key="letter-l-new-waiver").set_value("not_waived").run()
    assert stored_letter("l-new").waived is False
    at.text_input(key="letter-l-new-letter-id").input("12345678").run()
    assert stored_letter("l-new").letter_id == "12345678"
    due = TODAY + timedelta(days=40)
    at.date_input(key="letter-l-new-due").set_value(due).run()
    assert stored_letter("l-new").due == due
    assert not at.exception
