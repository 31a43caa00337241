"""The Dashboard, used like a student would: overdue steps first, and Done that means what it says."""

from __future__ import annotations

import os

from plan_dates import TODAY

from lor.overview import overview_of
from lor.store import Store


def saved():
    return Store(os.environ["LOR_DB"]).default_workspace()


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
    at = open_page("dashboard")
    ws = saved()
    week = overview_of(ws, TODAY).this_week()
    letters = {r.id: r for r in ws.letters()}
    waiting = [m for m in week if m.kind == "packet" and letters[m.request_id].status == "planned"]
    offered = {b.key for b in at.button}
    assert waiting, "the example plan has a packet step for a writer not asked yet"
    for step in waiting:
        assert f"dash-done-{step.uid}" not in offered
    assert "Not yet: this step comes after the ask. Mark the ask done first." in [c.value for c in at.caption]


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
