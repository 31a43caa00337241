"""The Dashboard, used like a student would: overdue steps first, and Done that means what it says."""

from __future__ import annotations

from datetime import timedelta

from backends import saved
from plan_dates import TODAY

from lor.models import LetterRequest
from lor.overview import overview_of, step_when


def step_texts(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and ("🔴" in m.value or "🗓️" in m.value)]


def test_overdue_steps_come_first_marked_overdue_with_the_day_they_were_planned_for(open_page):
    at = open_page("dashboard")
    overdue = [m for m in overview_of(saved(), TODAY).this_week() if m.overdue]
    assert overdue, "the example plan has an overdue step"
    texts = step_texts(at)
    for text, step in zip(texts, overdue, strict=False):
        planned = step.planned_for
        assert f"🔴 Overdue (planned for {planned:%a} {planned:%b} {planned.day})" in text
    assert all("🔴" not in t for t in texts[len(overdue) :])


def test_done_on_the_dashboard_records_the_step_and_the_next_plan_shows_it(open_page):
    at = open_page("dashboard")
    step = overview_of(saved(), TODAY).this_week()[0]
    at.button(key=f"dash-done-{step.uid}").click().run()
    assert not at.exception, at.exception
    after = {m.uid: m for m in overview_of(saved(), TODAY).milestones}
    assert step.uid not in after or after[step.uid].done
    assert f"dash-done-{step.uid}" not in [b.key for b in at.button]


def test_a_step_that_cannot_be_done_yet_has_no_done_button_and_says_why(open_page):
    # A planned letter due in six days: its ask is this week, and so is its packet, which must wait for the ask.
    at = open_page("dashboard")
    ws = saved()
    ws.save_letter(LetterRequest(id="l-kim", mentor_id="m-kim", application_id="a-im", due=TODAY + timedelta(days=6)))
    at.run()
    week = overview_of(ws, TODAY).this_week()
    later = [m for m in week if m.kind == "packet" and m.request_id == "l-kim"]
    offered = {b.key for b in at.button}
    assert later, "a packet step this week for a writer not asked yet"
    assert f"dash-done-{later[0].uid}" not in offered
    assert "Not yet: This step comes after the ask. Mark the ask done first." in [c.value for c in at.caption]


def test_a_step_waiting_on_the_writers_answer_asks_for_the_answer_not_done(open_page):
    # Dr. Vasquez was asked a week ago and hasn't answered: not overdue, not Done (issue #22.9).
    at = open_page("dashboard")
    ws = saved()
    step = next(m for m in overview_of(ws, TODAY).this_week() if m.waiting)
    assert not step.overdue and "Overdue" not in step_when(step, TODAY)
    offered = {b.key for b in at.button}
    assert f"dash-done-{step.uid}" not in offered
    assert {f"dash-done-{step.uid}-yes", f"dash-done-{step.uid}-no"} <= offered
    at.button(key=f"dash-done-{step.uid}-yes").click().run()
    assert not at.exception, at.exception
    assert next(r for r in saved().letters() if r.id == step.request_id).status == "agreed"


def test_counts_read_as_words_and_empty_sections_have_no_heading(open_page):
    at = open_page("dashboard")
    ws = saved()
    asked = next(r for r in ws.letters() if r.status == "asked")
    ws.save_letter(asked.model_copy(update={"asked_on": TODAY}))
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert "asked today" in text and "asked 0 days" not in text
    # No letters yet (writers and applications only): no heading over an empty section.
    for letter in ws.letters():
        ws.delete_letter(letter.id)
    at.run()
    assert not at.exception, at.exception
    assert "Letters by status" not in [s.value for s in at.subheader]


def test_the_examples_unmet_program_requirements_fail_on_the_dashboard_and_the_mix_panel(open_page):
    # One source for the check (lor.mix.program_gaps): the Letters tab's assignment grid, the Dashboard, the
    # mix panel, the report and the advisor desk all say it.
    at = open_page("dashboard")
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert (
        "❌ Riverside University IM Residency requires an IM SEL (departmental letter), and none is assigned." in shown
    )
    assert "❌ Lakeshore Community IM Program: 0 of 4 letters assigned." in shown
    assert "Every letter-mix check passes." not in [c.value for c in at.caption]
    mix = open_page("recommenders")
    assert "Not ready yet: at least one required letter is missing." in [e.value for e in mix.error]
