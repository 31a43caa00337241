"""The whole plan computed once: scores, letter mixes, milestones and next actions for a workspace.

The Dashboard, the advisor report and the CSV exports all read the same Overview, so they never
disagree about what is due or what an application still needs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from lor.lifecycle import complete_milestone, move, next_step
from lor.mix import mix_for_letters
from lor.models import (
    CLOSED_STATUSES,
    Application,
    BusyChoices,
    LetterRequest,
    Mentor,
    MentorScore,
    Milestone,
    MixReport,
    PlanSettings,
    Student,
    Touchpoint,
    label,
)
from lor.planner import committee_due, letter_source, this_week, workspace_milestones, writer_due_day
from lor.scoring import rank_mentors
from lor.seasons import due_is_estimate
from lor.text import due_words, plural, short_date


@dataclass
class Overview:
    """Everything the summary views show, computed from one read of the workspace."""

    today: date
    student: Student | None
    mentors: list[Mentor]
    applications: list[Application]
    letters: list[LetterRequest]
    milestones: list[Milestone] = field(default_factory=list)
    mixes: dict[str, MixReport] = field(default_factory=dict)
    rankings: dict[str, list[tuple[Mentor, MentorScore]]] = field(default_factory=dict)

    @property
    def mentor_names(self) -> dict[str, str]:
        return {m.id: m.name for m in self.mentors}

    @property
    def application_names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.applications}

    def status_counts(self) -> Counter[str]:
        """How many letters are in each status."""
        return Counter(r.status for r in self.letters)

    def this_week(self, days: int = 7) -> list[Milestone]:
        """Steps not yet done that fall within ``days`` of today, overdue first."""
        return this_week(self.milestones, self.today, days=days)

    def days_left(self, application: Application) -> int:
        """Days from today to the application's letter deadline (negative once past)."""
        return (application.deadline - self.today).days

    def nearest_due(self, application: Application) -> tuple[date, str] | None:
        """The earliest date still ahead, before the application's own, that its letters answer to: a committee's
        or department's deadline for your materials and the letters it gathers, with the office's name; None when
        the portal's due date is the nearest."""
        by_id = {m.id: m for m in self.mentors}
        found: list[tuple[date, str]] = []
        for letter in self.letters:
            if not letter.serves(application.id) or letter.status in CLOSED_STATUSES:
                continue
            writer, committee = by_id.get(letter.mentor_id), by_id.get(letter.via or "")
            if writer is not None and writer.letter_source:
                source = letter_source(writer, application, application.deadline, letter_type=letter.letter_type)
                if source is not None:
                    found.append((source.intake, writer.name))
            day = committee_due(application, committee, letter)
            if day is not None and committee is not None:
                found.append((day, committee.name))
        ahead = [(day, who) for day, who in found if self.today <= day < application.deadline]
        return min(ahead) if ahead else None

    def due_line(self, application: Application) -> str:
        """How far off the application's dates are, nearest first: "Example College Pre-Health Committee's
        deadline in 68 days (Feb 1, 2027) · letters due in 198 days"."""
        letters = due_words(self.days_left(application))
        if due_is_estimate(application, application.deadline):
            letters += " (an estimated date)"
        near = self.nearest_due(application)
        if near is None:
            return letters
        day, who = near
        days = (day - self.today).days
        when = "today" if days == 0 else f"in {plural(days, 'day')}"
        return f"{who}'s deadline {when} ({short_date(day)}) · {letters}"

    def next_step(self, letter: LetterRequest) -> str:
        """What to do next for ``letter``, by the date its writer delivers by, in an office's steps for a committee
        or a department."""
        app = next((a for a in self.applications if a.id == letter.application_id), None)
        writer = next((m for m in self.mentors if m.id == letter.mentor_id), None)
        due = writer_due_day(letter, app, {m.id: m for m in self.mentors}) if app else None
        return next_step(letter, due=due, source=writer.role if writer and writer.letter_source else None)

    def waiting_on(self) -> list[LetterRequest]:
        """Letters asked but not yet answered (no yes or no from the writer)."""
        return [r for r in self.letters if r.status == "asked"]


def build_overview(
    *,
    student: Student | None,
    mentors: list[Mentor],
    applications: list[Application],
    letters: list[LetterRequest],
    settings: BusyChoices | dict | None,
    today: date,
    buffer_days: int = 0,
) -> Overview:
    """Compute the Overview of a plan: milestones, each application's mix and ranked writers."""
    ov = Overview(today, student, mentors, applications, letters)
    ov.milestones = workspace_milestones(
        mentors, applications, letters, settings=settings or {}, today=today, buffer_days=buffer_days
    )
    for app in applications:
        ov.rankings[app.id] = rank_mentors(mentors, app, today=today)
        ov.mixes[app.id] = mix_for_letters(app, mentors, letters, today=today, ranked=ov.rankings[app.id])
    return ov


def overview_of(ws, today: date) -> Overview:
    """The Overview of a workspace (anything with mentors(), applications(), letters(), settings())."""
    settings = PlanSettings.read(ws.settings())
    return build_overview(
        student=ws.student(),
        mentors=ws.mentors(),
        applications=ws.applications(),
        letters=ws.letters(),
        settings=settings.busy,
        today=today,
        buffer_days=settings.buffer_days,
    )


GOAL_TALK_NOTE = "Goal conversation before the ask"


def step_blocker(plan, milestone: Milestone, day: date) -> str | None:
    """Why Done can't be offered on this step now, in plain words; None when it can (``plan`` reads like a
    Workspace). A step the letter can't reach yet (send the packet before the writer was even asked) waits."""
    if milestone.done:
        return "Already done."
    if milestone.kind == "check_in":
        found = any(m.id == milestone.mentor_id for m in plan.mentors())
        return None if found else "That writer is no longer in your plan."
    letters = _step_letters(plan, milestone)
    if not letters:
        return "That letter is no longer in your plan."
    if milestone.waiting and all(x.status == "asked" for x in letters):
        return "Waiting for the writer's answer. Record it first: they said yes, or they said no."
    reasons = [_letter_blocker(letter, milestone.kind, day) for letter in letters]
    # A step for several letters (one conversation with a writer) can be done when it moves any of them.
    return None if None in reasons else next((r for r in reasons if r != "Already recorded."), "Already recorded.")


def _step_letters(plan, milestone: Milestone) -> list:
    ids = milestone.letter_ids
    return [r for r in plan.letters() if r.id in ids]


def _letter_blocker(letter, kind: str, day: date) -> str | None:
    if letter.status == "planned" and kind != "ask":
        return "This step comes after the ask. Mark the ask done first."
    try:
        changed = complete_milestone(letter, kind, day) != letter
    except ValueError as exc:
        return str(exc)
    return None if changed else "Already recorded."


def step_when(milestone: Milestone, today: date) -> str:
    """When a step is due, as the step lists show it: "Overdue (planned for Wed Nov 18)", "Today", "Fri Nov 27"."""
    if milestone.overdue or (not milestone.done and milestone.day < today):
        planned = milestone.planned_for or milestone.day
        return f"Overdue (planned for {planned:%a} {planned:%b} {planned.day})"
    if milestone.day == today:
        return "Today"
    return f"{milestone.day:%a} {milestone.day:%b} {milestone.day.day}"


def mark_step_done(ws, milestone: Milestone, day: date) -> str:
    """Record a plan step as done on ``day`` in the workspace; returns a sentence saying what changed.

    The one way every page marks a step done. A goal conversation (check_in) logs a touchpoint on the
    writer, so the plan drops it; every other step moves its letter through
    lor.lifecycle.complete_milestone, so the next plan shows it done. Raises ValueError (TransitionError)
    with a plain reason when the step can't be done now.
    """
    blocker = step_blocker(ws, milestone, day)
    if blocker == "Already recorded.":
        return "Already recorded: nothing to change."
    if blocker:
        raise ValueError(blocker)
    if milestone.kind == "check_in":
        mentor = next(m for m in ws.mentors() if m.id == milestone.mentor_id)
        contact = Touchpoint(day=day, kind="check_in", note=GOAL_TALK_NOTE)
        ws.save_mentor(mentor.model_copy(update={"touchpoints": [*mentor.touchpoints, contact]}))
        return f"Noted: you talked about your goals with {mentor.name}."
    letters = [r for r in _step_letters(ws, milestone) if _letter_blocker(r, milestone.kind, day) is None]
    updated = [complete_milestone(r, milestone.kind, day) for r in letters]
    ws.save_letters(updated)
    if milestone.kind == "status_check":
        return "Noted. When the portal shows the letter, mark its due date done to record that it arrived."
    statuses = sorted({label(r.status) for r in updated})
    if len(updated) == 1:
        return f"Done: {milestone.title}. The letter is now “{statuses[0]}”."
    return f"Done: {milestone.title}. All {len(updated)} letters are now “{'”, “'.join(statuses)}”."


def record_answer(ws, milestone: Milestone, day: date, *, yes: bool) -> str:
    """Record the writer's answer to the ask for a step waiting on it (``milestone.waiting``): every letter of the
    step still waiting moves to agreed (``yes``) or declined, on ``day``. Returns what changed, in a sentence."""
    status = "agreed" if yes else "declined"
    waiting = [x for x in _step_letters(ws, milestone) if x.status == "asked"]
    if not waiting:
        raise ValueError("That answer is already recorded.")
    ws.save_letters([move(x, status, day) for x in waiting])
    if yes:
        return "Noted: they said yes. Send your packet now, within a day or two."
    return "Noted: they said no. Thank them, and choose a backup on Choose recommenders."
