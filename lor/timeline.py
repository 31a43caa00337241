"""What the Timeline shows, computed from a plan and a day: every step, the planner's notes per letter, the busy
periods in the pictures' windows, and the calendar events and figures drawn from them.

Plain Python (the figures are Plotly objects, each built only when asked for): the page caches a ``Timeline`` per plan
version and each figure per plan version too, so a rerun that changes nothing builds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

import plotly.graph_objects as go

from lor.busy import effective_calendar
from lor.charts import calendar_events, mentor_gantt, unique_periods, year_calendar
from lor.models import Application, BusyPeriod, LetterRequest, Mentor, Milestone, PlanSettings
from lor.planner import workspace_plan


class PlanRecords(Protocol):
    """A plan's records and settings, as lor.store.Workspace and lor.ui's per-version snapshot give them."""

    def mentors(self) -> list[Mentor]: ...
    def applications(self) -> list[Application]: ...
    def letters(self) -> list[LetterRequest]: ...
    def settings(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class LetterNote:
    """What the planner had to compromise for one letter (a late start, a busy window)."""

    writer: str
    application: str
    warnings: list[str]


@dataclass(frozen=True)
class Timeline:
    """The planned steps of a plan and the windows its pictures cover (a year from this week; the per-writer chart
    from two weeks ago to a week past the last step)."""

    today: date
    mentors: list[Mentor]
    milestones: list[Milestone]  # every step of every active letter, by day
    notes: list[LetterNote]
    steps_by_mentor: dict[str, list[Milestone]]
    busy_by_mentor: dict[str, list[BusyPeriod]]
    periods: list[BusyPeriod]  # the busy periods inside the pictures' windows, each once
    year_start: date
    year_end: date
    gantt_start: date
    gantt_end: date

    @property
    def opening_day(self) -> date:
        """The day the month calendar opens on: the first step still to do from today on (today without one)."""
        return min((m.day for m in self.milestones if not m.done and m.day >= self.today), default=self.today)

    @property
    def names(self) -> dict[str, str]:
        """Writer names by mentor id."""
        return {m.id: m.name for m in self.mentors}

    def events(self, *, shading: bool = True) -> list[dict[str, Any]]:
        """The month calendar's events: every step, on top of the busy periods as background shading (without
        ``shading``: the steps alone, for a list view, which never shows background events)."""
        if not self.milestones:
            return []
        return calendar_events(self.milestones, self.periods if shading else [], names=self.names)

    def year_figure(self, *, stacked: bool = False) -> go.Figure:
        """The year heat calendar (``stacked``: months one under another, for a phone)."""
        return year_calendar(self.periods, self.milestones, start=self.year_start, end=self.year_end, stacked=stacked)

    def gantt_figure(self) -> go.Figure | None:
        """Each writer's busy times and letters on one chart; None while no writer has a planned step."""
        if not (self.mentors and self.milestones):
            return None
        return mentor_gantt(
            self.mentors,
            self.busy_by_mentor,
            self.milestones,
            start=self.gantt_start,
            end=self.gantt_end,
            today=self.today,
        )


def timeline_of(plan: PlanRecords, today: date) -> Timeline:
    """Plan every active letter once and collect what the Timeline page draws from it."""
    mentors, applications, letters = plan.mentors(), plan.applications(), plan.letters()
    settings = PlanSettings.read(plan.settings())
    planned = workspace_plan(
        mentors, applications, letters, settings=settings, today=today, buffer_days=settings.buffer_days
    )
    milestones = planned.milestones
    year_start = today - timedelta(days=today.weekday())
    year_end = year_start + timedelta(weeks=53) - timedelta(days=1)
    gantt_start = today - timedelta(days=14)
    gantt_end = max([today + timedelta(days=90), *(m.day for m in milestones)]) + timedelta(days=7)
    span_end = max([year_end, gantt_end, *(a.deadline + timedelta(days=14) for a in applications)])
    candidates = (
        unique_periods(planned.busy.values())
        if mentors
        else effective_calendar(gantt_start, span_end, settings=settings.busy)
    )
    periods = [p for p in candidates if p.start <= span_end and p.end >= gantt_start]
    by_mentor = {m.id: m for m in mentors}
    by_app = {a.id: a for a in applications}
    notes = [
        LetterNote(by_mentor[x.mentor_id].name, by_app[x.application_id].name, planned.warnings[x.id])
        for x in letters
        if x.id in planned.warnings
    ]
    return Timeline(
        today=today,
        mentors=list(mentors),
        milestones=milestones,
        notes=notes,
        steps_by_mentor=planned.steps_by_mentor(),
        busy_by_mentor=planned.busy,
        periods=periods,
        year_start=year_start,
        year_end=year_end,
        gantt_start=gantt_start,
        gantt_end=gantt_end,
    )
