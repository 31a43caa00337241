"""Undo where the student clicked: a Done on the Dashboard or the Timeline, a writer's answer, a status move or a
reminder on Letters says what it changed beside the click, with Undo that puts the plan back as it was."""

from __future__ import annotations

import os

from lor.models import LetterRequest
from lor.store import Store


def stored(letter_id: str) -> LetterRequest:
    return next(x for x in Store(os.environ["LOR_DB"]).default_workspace().letters() if x.id == letter_id)


def said(elements) -> str:
    """What these messages say, as the student reads them (the Markdown escapes removed)."""
    return " ".join(e.value.replace("\\", "") for e in elements)


def test_a_done_on_the_dashboard_offers_undo_beside_the_week(open_page):
    at = open_page("dashboard")
    before = stored("l-raman")
    at.button(key="dash-done-l-raman-packet").click().run()
    assert not at.exception
    assert stored("l-raman").status == "packet_sent"
    assert "Done: Send Dr. Priya Raman your packet." in said(at.success)
    at.button(key="change-dash-week-undo").click().run()
    assert stored("l-raman") == before
    assert "Undone: the plan is as it was before." in said(at.info)
    assert "change-dash-week-undo" not in [b.key for b in at.button]


def test_a_writers_answer_on_the_timeline_can_be_undone_there(open_page):
    at = open_page("timeline")
    before = stored("l-vasquez")
    yes = next(b for b in at.button if b.key and b.key.startswith("tl-done-") and b.key.endswith("-yes"))
    yes.click().run()
    assert stored("l-vasquez").status == "agreed"
    at.button(key="change-timeline-week-undo").click().run()
    assert stored("l-vasquez") == before


def test_a_reminder_recorded_on_letters_is_said_beside_its_button_with_undo(open_page):
    at = open_page("letters")
    at.selectbox(key="letters-select").set_value("l-okafor").run()  # packet sent, no reminder yet
    before = stored("l-okafor")
    at.button(key="letter-l-okafor-reminder").click().run()
    assert stored("l-okafor").reminder_1_on is not None
    assert "Reminder 1 recorded" in said(at.success)
    at.button(key="change-letter-l-okafor-status-undo").click().run()
    assert stored("l-okafor") == before
