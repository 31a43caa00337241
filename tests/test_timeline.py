"""What the Timeline draws, computed without Streamlit: every planned step, the planner's notes and the pictures."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from plan_dates import TODAY

from lor.models import PlanSettings
from lor.planner import workspace_plan
from lor.timeline import timeline_of


def test_the_timeline_holds_every_planned_step_and_each_letters_notes(example_ws):
    drawn = timeline_of(example_ws, TODAY)
    settings = PlanSettings.read(example_ws.settings())
    planned = workspace_plan(
        example_ws.mentors(),
        example_ws.applications(),
        example_ws.letters(),
        settings=settings,
        today=TODAY,
        buffer_days=settings.buffer_days,
    )
    assert drawn.milestones == planned.milestones
    names = {m.id: m.name for m in example_ws.mentors()}
    expected = [(names[x.mentor_id], planned.warnings[x.id]) for x in example_ws.letters() if x.id in planned.warnings]
    assert [(n.writer, n.warnings) for n in drawn.notes] == expected
    assert sum(len(steps) for steps in drawn.steps_by_mentor.values()) == len(drawn.milestones)


def test_the_pictures_cover_a_year_from_this_week_and_every_step(example_ws):
    drawn = timeline_of(example_ws, TODAY)
    assert drawn.year_start.weekday() == 0 and drawn.year_start <= TODAY < drawn.year_start + timedelta(days=7)
    assert drawn.gantt_end > max(m.day for m in drawn.milestones)
    assert all(p.end >= drawn.gantt_start for p in drawn.periods)
    events = drawn.events()
    assert {e["id"] for e in events if e.get("display") != "background"} == {m.uid for m in drawn.milestones}
    # The list view (phones) shows no background shading, so it is sent the steps alone.
    assert drawn.events(shading=False) == [e for e in events if e.get("display") != "background"]
    assert len(drawn.events(shading=False)) < len(events)
    assert drawn.gantt_figure() is not None


def test_the_month_calendar_opens_on_the_first_step_still_to_come(example_ws):
    drawn = timeline_of(example_ws, TODAY)
    ahead = [m.day for m in drawn.milestones if not m.done and m.day >= TODAY]
    assert drawn.opening_day == min(ahead)
    later = drawn.milestones[0].model_copy(update={"done": False, "day": TODAY + timedelta(days=150)})
    done = later.model_copy(update={"done": True, "day": TODAY + timedelta(days=1)})
    assert replace(drawn, milestones=[done, later]).opening_day == later.day  # five months away: that month
    assert replace(drawn, milestones=[done]).opening_day == TODAY  # nothing left to do: today's month


def test_an_empty_plan_has_no_steps_and_no_writer_chart_but_still_a_year_of_busy_times(ws):
    drawn = timeline_of(ws, TODAY)
    assert drawn.milestones == [] and drawn.notes == [] and drawn.events() == []
    assert drawn.gantt_figure() is None
    assert drawn.periods, "the year calendar shows the default busy periods before any writer is added"
    assert drawn.year_figure().data
