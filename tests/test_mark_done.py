"""One way to mark a plan step done (lor.overview.mark_step_done), used by the Dashboard and the Timeline:
after Done on any step offered, the next plan shows that step done or leaves it out."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lor.lifecycle import MOVES, move
from lor.models import Application, LetterRequest, Mentor
from lor.overview import mark_step_done, step_blocker, step_when
from lor.planner import workspace_milestones

TODAY = date(2026, 11, 25)


class Plan:
    """A plan held in memory, read and written like a Workspace."""

    def __init__(self, mentors, applications, letters):
        self._m, self._a, self._l = list(mentors), list(applications), list(letters)

    def mentors(self):
        return list(self._m)

    def applications(self):
        return list(self._a)

    def letters(self):
        return list(self._l)

    def save_mentor(self, mentor):
        self._m = [mentor if m.id == mentor.id else m for m in self._m]

    def save_letter(self, letter):
        self._l = [letter if r.id == letter.id else r for r in self._l]

    def save_letters(self, letters):
        for letter in letters:
            self.save_letter(letter)

    def milestones(self, today):
        return workspace_milestones(self._m, self._a, self._l, settings={}, today=today)


FORWARD = ("asked", "agreed", "packet_sent", "submitted", "thanked", "updated")


@st.composite
def plans(draw):
    weeks = draw(st.integers(min_value=1, max_value=30))
    app = Application(
        id="a", name="EM residency", specialty="emergency_medicine", deadline=TODAY + timedelta(weeks=weeks)
    )
    last = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=900).map(lambda d: TODAY - timedelta(d))))
    mentor = Mentor(id="m", name="Dr. Lee", specialty="emergency_medicine", last_worked=last)
    letter = LetterRequest(id="r", mentor_id="m", application_id="a", waived=True)
    day = TODAY - timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    for status in FORWARD[: draw(st.integers(min_value=0, max_value=len(FORWARD)))]:
        if status not in MOVES[letter.status]:
            break
        letter = move(letter, status, day)
        day = min(TODAY, day + timedelta(days=draw(st.integers(min_value=0, max_value=10))))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        if letter.status in ("agreed", "packet_sent"):
            field = "reminder_2_on" if letter.reminder_1_on else "reminder_1_on"
            letter = letter.model_copy(update={field: day})
    return Plan([mentor], [app], [letter])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.integers(min_value=0, max_value=20))
def test_after_done_on_any_step_the_next_plan_shows_it_done_or_gone(plan, pick):
    todo = [m for m in plan.milestones(TODAY) if not m.done]
    if not todo:
        return
    step = todo[pick % len(todo)]
    blocker = step_blocker(plan, step, TODAY)
    if blocker is not None:
        # Not offered: trying anyway changes nothing but says why.
        before = (plan.mentors(), plan.letters())
        with contextlib.suppress(ValueError):
            mark_step_done(plan, step, TODAY)
        assert (plan.mentors(), plan.letters()) == before
        return
    message = mark_step_done(plan, step, TODAY)
    assert message and "nothing to change" not in message
    after = {m.uid: m for m in plan.milestones(TODAY)}
    assert step.uid not in after or after[step.uid].done, (step, after.get(step.uid))


def test_a_status_check_done_on_the_dashboard_is_the_same_as_on_the_timeline():
    # Issue 13: the Dashboard said "Already recorded: nothing to change" and the step stayed pending.
    app = Application(id="a", name="IM", specialty="internal_medicine", deadline=TODAY + timedelta(days=3))
    mentor = Mentor(id="m", name="Dr. Lee", last_worked=TODAY - timedelta(days=40))
    letter = LetterRequest(id="r", mentor_id="m", application_id="a", waived=True)
    for status, back in (("asked", 60), ("agreed", 55), ("packet_sent", 54)):
        letter = move(letter, status, TODAY - timedelta(days=back))
    sent = {"reminder_1_on": TODAY - timedelta(days=20), "reminder_2_on": TODAY - timedelta(days=6)}
    letter = letter.model_copy(update=sent)
    plan = Plan([mentor], [app], [letter])
    check = next(m for m in plan.milestones(TODAY) if m.kind == "status_check" and not m.done)
    assert step_blocker(plan, check, TODAY) is None
    assert "mark its due date done" in mark_step_done(plan, check, TODAY)
    assert plan.letters()[0].status_checked_on == TODAY
    assert next(m for m in plan.milestones(TODAY) if m.uid == check.uid).done


def test_a_packet_step_is_not_offered_before_the_writer_was_asked():
    app = Application(id="a", name="IM", specialty="internal_medicine", deadline=TODAY + timedelta(weeks=10))
    letter = LetterRequest(id="r", mentor_id="m", application_id="a", waived=True)
    plan = Plan([Mentor(id="m", name="Dr. Lee", last_worked=TODAY)], [app], [letter])
    steps = {m.kind: m for m in plan.milestones(TODAY)}
    packet = steps["packet"]
    assert step_blocker(plan, packet, TODAY) == "This step comes after the ask. Mark the ask done first."
    assert step_blocker(plan, steps["ask"], TODAY) is None


def test_an_overdue_step_says_so_with_the_day_it_was_planned_for():
    app = Application(id="a", name="IM", specialty="internal_medicine", deadline=TODAY + timedelta(weeks=6))
    mentor = Mentor(id="m", name="Dr. Lee", last_worked=TODAY - timedelta(days=10))
    letter = LetterRequest(id="r", mentor_id="m", application_id="a", waived=True)
    ask = next(m for m in workspace_milestones([mentor], [app], [letter], settings={}, today=TODAY) if m.kind == "ask")
    assert ask.overdue and ask.day == TODAY and ask.planned_for < TODAY
    planned = ask.planned_for
    assert step_when(ask, TODAY) == f"Overdue (planned for {planned:%a} {planned:%b} {planned.day})"
