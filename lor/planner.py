"""Plan a letter: dated, busy-aware steps from the first conversation to the thank-you and the update.

The numbers (ask window, reminders, status check, ...) are the [timing] table of data/busy_periods.toml.

Long on purpose: every step of a letter is placed against the others (goal talk before ask, reminders between
the packet and the due date, one conversation per writer across applications); the placement rules read best
side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from lor.busy import (
    calendar_group,
    effective_calendar,
    holiday_days,
    is_working_day,
    reaches,
    working_day_after,
    working_day_before,
)
from lor.letter_types import departmental
from lor.models import (
    BUSY_SETTING,
    CLOSED_STATUSES,
    MILESTONE_KINDS,
    Application,
    BusyChoices,
    BusyPeriod,
    LetterRequest,
    Mentor,
    Milestone,
    Plan,
    PlanSettings,
    label,
    planning_horizon,
    served_application,
)
from lor.portals import Match, match_for, results_day
from lor.seasons import usual_intake
from lor.sources import unverified_note
from lor.text import and_list
from lor.text import day_text as _fmt
from lor.text import plural as _plural
from lor.timing import Timing, needs_goal_conversation, timing

_Span = tuple[date, date, BusyPeriod]
# Settings where the writer saw the student on a rotation: the ask follows its end (issue #11, point 9).
ROTATION_SETTINGS: tuple[str, ...] = ("rotation", "sub_internship", "away_rotation")
_ORDER = {kind: i for i, kind in enumerate(MILESTONE_KINDS)}
_DAY = timedelta(days=1)
# How far a letter has come, by status; a later status implies the earlier steps happened.
_RANK = {"planned": 0, "asked": 1, "agreed": 2, "packet_sent": 3, "submitted": 4, "thanked": 5, "updated": 6}
_STEP_NAMES = {
    "check_in": "goal conversation",
    "ask": "ask",
    "packet": "packet",
    "reminder_1": "first reminder",
    "reminder_2": "last reminder",
    "status_check": "status check",
    "deadline": "due date",
    "thank_you": "thank-you",
    "update": "update",
}
_TITLES = {
    "check_in": "Catch up with {name} about your goals",
    "ask": "Ask {name} for a letter",
    "packet": "Send {name} your packet",
    "reminder_1": "First reminder to {name}",
    "reminder_2": "Last reminder to {name}",
    "status_check": "Check that {name}'s letter arrived",
    "deadline": "{name}'s letter is due",
    "thank_you": "Thank {name}",
    "update": "Tell {name} how it went",
}
_AWAITING_YES_TITLE = "Once {name} says yes, send your packet"
_AWAITING_YES_NOTE = (
    "Still waiting for an answer. If a week passes with no reply, one short, friendly follow-up is fine. "
)
_UPDATE_NOTE = "Tell them how it went, and thank them again. Writers like to know."
_UPDATE_NOTES = {
    "residency": "Match Day. Tell them where you matched and thank them again; writers like to know.",
    "fellowship": "By now you should know where you matched. Tell them, and thank them again.",
    "medical_school": "Most admission decisions are in by now. Tell them where you were admitted.",
}
_UPDATE_TITLES = {
    "residency": "Tell {name} where you matched",
    "fellowship": "Tell {name} where you matched",
    "medical_school": "Tell {name} where you were admitted",
}


def _rules() -> dict[str, Any]:
    return _rules_for(timing())


@cache
def _rules_for(t: Timing) -> dict[str, Any]:
    return {
        "late": t.late_days,
        "short": t.short_notice_days,
        "latest_ask": t.latest_ask_days,
        "check_in": t.check_in_days,
        "reminders": t.reminder_days,
        "status_check": t.status_check_days,
        "thank_you": t.thank_you_days,
        "update_weeks": t.update_weeks,
        "fellowship_update_weeks": t.fellowship_update_weeks,
        "medical_school_update": t.medical_school_update,
        "check_in_offsets": _check_in_offsets(t.check_in_days),
    }


def _check_in_offsets(check_in: tuple[int, int]) -> tuple[timedelta, ...]:
    """Days before the ask to try for the goal conversation: 2–4 weeks (middle first), then earlier."""
    near, far = check_in
    middle = (near + far) // 2
    ideal = sorted(range(near, far + 1), key=lambda n: (abs(n - middle), -n))
    # When 2–4 weeks before the ask is all busy, up to two weeks earlier still works.
    return tuple(timedelta(days=n) for n in [*ideal, *range(far + 1, far + 15)])


def ask_window(application: Application) -> tuple[int, int]:
    """The (fewest, most) weeks before the due date in which to ask for this letter: (8, 12) for residency."""
    return timing().weeks_for(application.pathway)


def outcome_day(application: Application, due: date) -> date:
    """When to tell writers how it went: Match Day, admissions spring, or some weeks after the due date."""
    rules = _rules()
    if application.pathway == "residency":
        return results_day(application, due)
    if application.pathway == "fellowship":
        return working_day_after(due + timedelta(weeks=rules["fellowship_update_weeks"]))
    if application.pathway == "medical_school":
        month, dom = rules["medical_school_update"]
        day = date(due.year, month, dom)
        if day < due + timedelta(weeks=rules["update_weeks"]):
            day = date(due.year + 1, month, dom)
        return working_day_after(day)
    return working_day_after(due + timedelta(weeks=rules["update_weeks"]))


class _Busy:
    """Day lookups for one plan: working day or not, and the busy periods covering it.

    The periods near the ask window are sorted out once; days outside that range (a rare search far
    earlier) fall back to the full list. Each day's answer is remembered for the rest of the plan.
    """

    __slots__ = ("_all", "_avoid", "_caution", "_first", "_last", "_memo")

    def __init__(self, periods: list[BusyPeriod], first: date, last: date) -> None:
        self._all = periods
        self._first, self._last = first, last
        self._avoid, self._caution = self._split(periods, first, last)
        self._memo: dict[date, int] = {}

    @staticmethod
    def _split(periods: list[BusyPeriod], first: date, last: date) -> tuple[list[_Span], list[_Span]]:
        avoid: list[_Span] = []
        caution: list[_Span] = []
        for p in periods:
            if p.end >= first and p.start <= last:
                (avoid if p.severity == "avoid" else caution).append((p.start, p.end, p))
        return avoid, caution

    def _spans(self, day: date) -> tuple[list[_Span], list[_Span]]:
        if self._first <= day <= self._last:
            return self._avoid, self._caution
        return self._split(self._all, day, day)

    def status(self, day: date) -> int:
        """0 a quiet working day, 1 a working day in a caution period, 2 in an avoid period, 3 closed."""
        level = self._memo.get(day)
        if level is not None:
            return level
        if day.weekday() >= 5 or day in holiday_days(day.year):
            level = 3
        else:
            avoid, caution = (self._avoid, self._caution) if self._first <= day <= self._last else self._spans(day)
            level = 0
            for start, end, _ in avoid:
                if start <= day <= end:
                    level = 2
                    break
            else:
                for start, end, _ in caution:
                    if start <= day <= end:
                        level = 1
                        break
        self._memo[day] = level
        return level

    def avoid(self, day: date) -> BusyPeriod | None:
        """The first avoid period covering ``day``."""
        return next((p for start, end, p in self._spans(day)[0] if start <= day <= end), None)

    def caution(self, day: date) -> BusyPeriod | None:
        """The first caution period covering ``day``."""
        return next((p for start, end, p in self._spans(day)[1] if start <= day <= end), None)

    def free(self, day: date) -> bool:
        """A working day in no avoid period."""
        return self.status(day) <= 1

    def pick(self, days: Iterable[date]) -> date | None:
        """The first quiet working day of ``days``, else the first free one, else None."""
        fallback = None
        for day in days:
            level = self.status(day)
            if level == 0:
                return day
            if level == 1 and fallback is None:
                fallback = day
        return fallback


def _days(first: date, last: date, *, backwards: bool = False) -> Iterable[date]:
    if backwards:
        day = last
        while day >= first:
            yield day
            day -= _DAY
    else:
        day = first
        while day <= last:
            yield day
            day += _DAY


def _first(days: Iterable[date], ok: Callable[[date], bool]) -> date | None:
    for day in days:
        if ok(day):
            return day
    return None


class _Plan:
    """One plan being built: the steps so far, the warnings, and the rules about today."""

    def __init__(
        self,
        application: Application,
        mentor: Mentor,
        *,
        busy: Iterable[BusyPeriod],
        today: date,
        due: date,
        letter: LetterRequest | None,
    ) -> None:
        self.application = application
        self.mentor = mentor
        self.name = mentor.name
        self.today = today
        self.due = due
        self.letter = letter
        self.existing = letter is not None
        # Asked but no answer yet: the packet goes out only after a yes, so its step says so.
        self.awaiting_yes = letter is not None and letter.status == "asked"
        # The ask is searched for from a little before its window up to the due date.
        lo, hi = ask_window(application)
        first = max(today, due - timedelta(weeks=2 * hi - lo + 6))
        self.busy = _Busy([*busy, *mentor.busy], first, max(due, today) + timedelta(days=7))
        self.steps: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.after_rotation = False  # the ask follows a rotation with the writer: no goal conversation
        self.committee = ""  # the committee the letter goes to (its name), when it goes there and not to the portal
        self.today_taken = False  # a step still to do already sits on today
        self.pending_seen = False  # the next step still to do has been handled
        self.ids = {
            "request_id": letter.id if letter else None,
            "mentor_id": mentor.id,
            "application_id": application.id,
        }

    def title(self, kind: str) -> str:
        if kind == "packet" and self.awaiting_yes:
            return _AWAITING_YES_TITLE.format(name=self.name)
        if kind == "update":
            return _UPDATE_TITLES.get(self.application.pathway, _TITLES[kind]).format(name=self.name)
        return _TITLES[kind].format(name=self.name)

    def _step(self, **fields: Any) -> None:
        # Steps are kept as dicts and validated together when the plan is done: one call into
        # pydantic per plan instead of one per step (plans are made thousands of times).
        fields.update(self.ids)
        self.steps.append(fields)

    def record(self, kind: str, day: date, note: str, *, title: str | None = None) -> None:
        """A step already done, shown on the day it happened."""
        self._step(kind=kind, day=day, title=title or self.title(kind), note=note, done=True)

    def place(
        self,
        kind: str,
        day: date,
        note: str,
        *,
        after: date | None = None,
        after_step: str = "step before it",
        title: str | None = None,
    ) -> date | None:
        """Put a step still to do on ``day``, or leave it out with a warning; returns the day used.

        An existing letter's first step still to do goes on today, marked overdue, when its day has
        passed; any other step whose day has passed, that would not come after ``after``, or that
        would share today with another step, is left out.
        """
        step = _STEP_NAMES[kind]
        next_step = kind not in ("check_in", "deadline") and not self.pending_seen
        if kind not in ("check_in", "deadline"):
            self.pending_seen = True
        overdue, planned_for = False, None
        waiting = kind == "packet" and self.awaiting_yes
        if waiting:
            # Not the student's move yet: the writer hasn't answered. It waits on today (never overdue) until the
            # student records the answer; the reminders and the due date still count from the plan.
            self._step(kind=kind, day=max(day, self.today), title=self.title(kind), note=note, waiting=True)
            return max(day, self.today)
        if day < self.today:
            if not (self.existing and next_step):
                self.warnings.append(f"The {step} ({_fmt(day)}) has already passed, so it's left out.")
                return None
            note = f"Overdue: this was planned for {_fmt(day)}. {note}"
            day, overdue, planned_for = self.today, True, day
        if after is not None and day <= after:
            self.warnings.append(f"The {step} ({_fmt(day)}) would not come after the {after_step}, so it's left out.")
            return None
        if day == self.today and kind != "deadline":
            if self.today_taken:
                self.warnings.append(f"The {step} would land on today beside another step, so it's left out.")
                return None
            self.today_taken = True
        self._step(
            kind=kind, day=day, title=title or self.title(kind), note=note, overdue=overdue, planned_for=planned_for
        )
        return day

    def status_check(self, day: date, note: str, **after: Any) -> None:
        """The status check: shown done on the day the student looked, else placed like any step."""
        checked = self.letter.status_checked_on if self.letter else None
        if checked:
            self.record("status_check", checked, "Asked the committee." if self.committee else "Looked in the portal.")
        else:
            self.place("status_check", day, note, **after)

    def plan(self) -> Plan:
        self.steps.sort(key=lambda m: (m["day"], _ORDER[m["kind"]]))
        return Plan.model_validate({"milestones": self.steps, "warnings": self.warnings})

    # --- choosing the ask -------------------------------------------------------------------------

    def rotation_end(self) -> date | None:
        """The last day of a rotation with this writer, when one is known (its own field, or the last day worked
        together for a writer seen on a rotation)."""
        mentor = self.mentor
        return mentor.rotation_end or (mentor.last_worked if mentor.setting in ROTATION_SETTINGS else None)

    def rotation_ask(self) -> tuple[date, str, bool] | None:
        """The ask timed to when the writer saw the student on a rotation, or None (the usual window decides).

        A rotation still running: in its last week, while the work is in front of them. One that ended at most
        ``rotation_recent_days`` ago: now, while they remember it. One that ended longer ago: soon (within
        ``rotation_soon_days``), reminding them of specifics; memories fade, and waiting for the usual window only
        makes that worse. A writer can write now and upload once the portal opens. Busy periods still apply; an ask
        that would fall within ``late_days`` of the due date leaves it to the usual late-notice rules.

        Returns (the ask day, its note, whether the rotation stands in for a goal conversation).
        """
        end, today, due, name = self.rotation_end(), self.today, self.due, self.name
        if end is None:
            return None
        t = timing()
        upload = "they can write it now and upload it once the portal opens"
        target = end + timedelta(days=t.ask_after_rotation_days)
        if target >= today:
            day = _first(_days(max(today, target - timedelta(days=6)), target, backwards=True), self.busy.free)
            note = (
                f"In the last week of your rotation with {name} (it ends {_fmt(end)}), while your work is in front "
                f"of them; {upload}."
            )
        elif (today - end).days <= t.rotation_recent_days:
            day = _first(_days(today, today + timedelta(days=t.rotation_soon_days)), self.busy.free)
            note = (
                f"Now, while {name} remembers your rotation (it ended {_fmt(end)}), rather than waiting for the "
                f"usual window; {upload}."
            )
        else:
            # Long enough ago for a goal conversation first (no contact for months): catch up soon, ask 2–4 weeks
            # after it; else ask soon.
            catch_up = needs_goal_conversation(self.mentor.last_contact(), today)
            first = today + timedelta(days=t.check_in_days[0] if catch_up else 0)
            day = _first(_days(first, first + timedelta(days=t.rotation_soon_days)), self.busy.free)
            note = (
                f"Soon: your rotation with {name} ended {_fmt(end)}, so remind them of specific patients, moments "
                f"and feedback, and send your brag sheet with the ask; {upload}."
            )
            if day is not None and (due - day).days >= _rules()["late"]:
                return day, self._busy_note(day, note), not catch_up
            return None
        if day is None or (due - day).days < _rules()["late"]:
            return None
        return day, self._busy_note(day, note), True

    def choose_ask(self) -> tuple[date, str]:
        """The ask day and its note (warnings go to self.warnings); due is after today."""
        rules = _rules()
        today, due, busy, name = self.today, self.due, self.busy, self.name
        days_left = (due - today).days
        if days_left >= rules["late"]:
            rotation = self.rotation_ask()
            if rotation is not None:
                self.after_rotation = rotation[2]
                return rotation[0], rotation[1]
        lo, hi = ask_window(self.application)
        window = f"{lo}–{hi} weeks before the due date"
        day: date | None
        if days_left < rules["short"]:
            day = today if is_working_day(today) else working_day_after(today)
            if day >= due:
                day = today
            self.warnings.append(
                f"Only {_plural(days_left, 'day')} until the due date: that's short notice. Ask right away, "
                f"say plainly that you know it's short notice, and give {name} an easy way to say no."
            )
            return day, "Short notice: keep the request brief and kind, and offer an easy way out."
        if days_left < rules["late"]:
            latest = due - timedelta(days=rules["short"])
            day = _first(_days(today, latest), busy.free) or working_day_after(today)
            self.warnings.append(
                f"Only {_plural(days_left, 'day')} until the due date: that's late. "
                f"Ask {name} as soon as you can and make it easy to say no."
            )
            return day, self._busy_note(day, "As soon as you can.")
        latest = due - timedelta(days=rules["latest_ask"])
        w_start, w_end = due - timedelta(weeks=hi), due - timedelta(weeks=lo)
        if w_end < today:
            day = _first(_days(today, latest), busy.free)
            self.warnings.append(f"The usual time to ask ({window}) has passed. Ask {name} as soon as you can.")
            if day is None:
                return self._blocked(today, latest), "As soon as you can."
            return day, self._busy_note(day, "As soon as you can.")
        first = max(w_start, today)
        day = busy.pick(_days(first, w_end))
        if day is not None:
            return day, self._busy_note(day, f"In the usual window, {window} ({_fmt(due)}).")
        gap = f"Every working day from {_fmt(first)} to {_fmt(w_end)}, the usual time to ask, is busy for {name}"
        if first > today:
            # A quiet day up to one window-length earlier, else the nearest free day down to today.
            near = max(today, w_start - timedelta(weeks=hi - lo))
            day = busy.pick(_days(near, first - _DAY, backwards=True))
            if day is None or busy.status(day) == 1:
                day = _first(_days(today, first - _DAY, backwards=True), busy.free)
            if day is not None:
                self.warnings.append(f"{gap}, so the ask moves earlier, to {_fmt(day)}.")
                return day, self._busy_note(day, f"Earlier than the usual window ({window}).")
        day = _first(_days(w_end + _DAY, latest), busy.free)
        if day is not None:
            self.warnings.append(f"{gap}, so the ask moves later, to {_fmt(day)}, at least 3 weeks before it's due.")
            return day, self._busy_note(day, f"Later than the usual window ({window}).")
        return self._blocked(first, latest), f"The usual window is {window}."

    def _blocked(self, first: date, latest: date) -> date:
        day = working_day_after(first)
        self.warnings.append(
            f"Every working day from {_fmt(self.today)} to {_fmt(latest)} is busy for {self.name}. "
            f"The ask stays on {_fmt(day)}; check with {self.name} first, or consider another writer."
        )
        return day

    def _busy_note(self, day: date, note: str) -> str:
        avoid = self.busy.avoid(day)
        if avoid is not None:
            return f"{note} It falls in {avoid.name}, so keep the request short and flexible."
        caution = self.busy.caution(day)
        if caution is not None:
            return f"{note} It falls in {caution.name}, a busy time, so keep the request short."
        return note

    # --- the steps --------------------------------------------------------------------------------

    def check_in(self, ask: date) -> None:
        """A goal conversation 2–4 weeks before the ask when the last contact is old or unknown."""
        last = self.mentor.last_contact()
        if self.after_rotation or not needs_goal_conversation(last, ask):
            return
        options = [ask - offset for offset in _rules()["check_in_offsets"]]
        options = [d for d in options if d >= self.today and not (d == self.today and self.today_taken)]
        day = self.busy.pick(options)  # a quiet day when one fits (not in finals week), else any free one
        since = f"you last worked together on {_fmt(last)}" if last else "no recent contact is recorded"
        if day is None:
            why = f"the weeks before it are busy for {self.name}" if options else "there isn't time for one"
            self.warnings.append(
                f"A goal conversation before the ask would help ({since}), but {why}. When you ask "
                f"{self.name}, remind them when you worked together and what you're applying for."
            )
            return
        self.place(
            "check_in",
            day,
            f"A short talk about your goals before you ask, since {since}. A request should never come out of nowhere.",
        )

    def packet_day(self, ask: date) -> date:
        """The next working day within 2 days of the ask, else the ask day itself (never two on today)."""
        for n in (1, 2):
            day = ask + timedelta(days=n)
            if day <= self.due and is_working_day(day):
                return day
        return ask + _DAY if ask == self.today else ask

    def reminders_and_check(self, after: date | None, done: Mapping[str, date | None], after_step: str = "ask") -> None:
        """Up to two reminders and one status check, each strictly after ``after`` and before due."""
        rules = _rules()
        due = self.due
        last = after
        first_days, last_days = rules["reminders"]
        for kind, days in (("reminder_1", first_days), ("reminder_2", last_days)):
            if kind in done:
                if done[kind]:
                    last, after_step = done[kind], _STEP_NAMES[kind]
                continue
            if kind == "reminder_1" and "reminder_2" in done:
                continue  # the last reminder went out already; never a third
            day = working_day_before(due - timedelta(days=days))
            note = (
                "A short, friendly note with the due date and how to submit."
                if kind == "reminder_1"
                else "The last reminder: never more than two."
            )
            placed = self.place(kind, day, note, after=last, after_step=after_step)
            if placed:
                last, after_step = placed, _STEP_NAMES[kind]
        near, far = rules["status_check"]
        options = [due - timedelta(days=near), due - timedelta(days=far)]
        day = _first(options, is_working_day) or working_day_before(options[0])
        self.status_check(
            day,
            f"{self.where_to_look()}. If the letter is still missing, one brief, kind note to {self.name} is fine.",
            after=last,
            after_step=after_step,
        )

    def where_to_look(self) -> str:
        """Where the student checks that the letter arrived: the portal, or the committee that gathers it."""
        return (
            f"Ask {self.committee} whether your letter from {self.name} arrived"
            if self.committee
            else ("Look in the portal")
        )


def _writer_due(
    application: Application,
    letter: LetterRequest | None,
    buffer_days: int,
    today: date,
    name: str,
    *,
    gathered_by: Mentor | None = None,
) -> tuple[date, str, list[str]]:
    """The writer's due date, the deadline step's note, and warnings about them."""
    if buffer_days < 0:
        raise ValueError("buffer_days can't be negative")
    deadline = application.deadline
    warnings: list[str] = []
    to_committee = committee_due(application, gathered_by, letter)
    if to_committee is not None and gathered_by is not None:
        note = (
            f"For {application.name}, through {gathered_by.name}: the letter goes to the committee by its "
            f"date, and the committee's letter goes to the portal."
        )
        return to_committee, note, warnings
    if letter is not None and letter.due is not None:
        due = letter.due
        if due > deadline:
            warnings.append(
                f"The date given to {name} ({_fmt(due)}) is after the application's deadline "
                f"({_fmt(deadline)}); consider an earlier one."
            )
    else:
        due = deadline - timedelta(days=buffer_days)
        if buffer_days and due <= today <= deadline:
            warnings.append(
                f"There's no room left for a {_plural(buffer_days, 'day')} buffer, so {name} gets the real "
                f"deadline, {_fmt(deadline)}."
            )
            due = deadline
    note = f"For {application.name}: the portal should show the letter by this day."
    if due < deadline:
        note += (
            f" The real deadline is {_fmt(deadline)}; {name} was given a date "
            f"{_plural((deadline - due).days, 'day')} earlier, so a late letter still arrives in time."
        )
    return due, note, warnings


def plan_letter(
    application: Application,
    mentor: Mentor,
    *,
    busy: Sequence[BusyPeriod],
    today: date,
    buffer_days: int = 0,
) -> Plan:
    """The dated steps for asking ``mentor`` for a letter for ``application``, sorted by day.

    Avoids ``busy`` and ``mentor.busy``. The ask goes on the earliest working day (Monday–Friday, not
    a US federal holiday) in the window before the writer's due date (8–12 weeks for residency and
    fellowship, 4–8 otherwise) that is in no ``avoid`` period, preferring days in no ``caution``
    period. When the whole window is busy it looks earlier (down to today), then later (up to 3 weeks
    before the due date), and says so in a warning. Under 3 weeks' notice the ask goes on the first
    free working day, under 2 weeks on today or the next working day, with a warning. Every step is
    on or after today; a step whose day has passed, or a reminder that would not fall strictly
    between the ask and the due date, is left out with a warning. With ``buffer_days`` the writer is
    given a date that many days before the application's deadline.

    Raises ValueError when the application's deadline is already past.
    """
    if application.deadline < today:
        raise ValueError(
            f"The due date ({_fmt(application.deadline)}) has already passed; pick a new date to plan this letter."
        )
    due, deadline_note, warnings = _writer_due(application, None, buffer_days, today, mentor.name)
    plan = _Plan(application, mentor, busy=busy, today=today, due=due, letter=None)
    plan.warnings.extend(warnings)
    source = letter_source(mentor, application, due)
    if due > today and source is not None:
        _source_steps(plan, source, {})
    elif due > today:
        ask, note = plan.choose_ask()
        plan.check_in(ask)
        after = plan.place("ask", ask, f"For {application.name}. {note}")
        if after is not None:
            packet = plan.place("packet", plan.packet_day(after), _packet_note())
            plan.reminders_and_check(packet or after, {}, "packet" if packet else "ask")
    else:
        plan.warnings.append(
            f"The letter is due today, so there's no time to ask for it properly. If {mentor.name} hasn't "
            "agreed yet, talk to them in person, or ask the program whether a later letter is accepted."
        )
    _finish(plan, due, deadline_note, None)
    return plan.plan()


@dataclass(frozen=True)
class LetterSource:
    """A letter that is not one person's ask: a committee letter, or a department writing as a group (the IM SEL, a
    group SLOE). It runs its own process by its own date (``intake``), so the plan has no personal ask, goal
    conversation or reminders: the student registers or tells it, hands in what it needs, and checks it arrived."""

    kind: str  # "committee" or "department"
    what: str  # "committee letter", "IM SEL"
    intake: date  # when it needs the student's materials
    intake_entered: bool  # True: the student entered the date; False: the usual one (data/seasons.toml)
    prerequisite: str = ""
    basis: str = ""  # where the usual date comes from, when no official page sets it ("mid-July is one school's")


def letter_source(
    mentor: Mentor, application: Application, due: date, *, letter_type: str | None = None
) -> LetterSource | None:
    """How the writer's letter is sourced, when it is not a personal ask: a committee (role "committee"), a
    department (role "department"), or the departmental letter the application's specialty expects from this
    writer (a surgery chair letter), unless the letter planned is of another type; else None."""
    slot = departmental(mentor, application)
    if slot is not None and letter_type is not None and letter_type != slot.type and not mentor.letter_source:
        slot = None  # a chair asked for a personal, narrative letter: a person's ask
    if mentor.role == "committee":
        kind, what, prerequisite = "committee", "committee letter", ""
    elif slot is not None or mentor.role == "department":
        kind = "department"
        what = label(slot.type).split(" (")[0] if slot is not None else "departmental letter"
        prerequisite = slot.prerequisite if slot is not None else ""
    else:
        return None
    if mentor.intake_deadline is not None:
        return LetterSource(kind, what, mentor.intake_deadline, True, prerequisite)
    if slot is not None and slot.notify_by:
        month, dom = (int(part) for part in slot.notify_by.split("-"))
        day = date(due.year, month, dom)
        if day >= due:
            day = date(due.year - 1, month, dom)
        return LetterSource(kind, what, day, False, prerequisite, _basis(slot.source))
    usual = usual_intake(kind, due)
    day = usual.day if usual else due - timedelta(weeks=ask_window(application)[1])
    return LetterSource(
        kind, what, day, False, prerequisite, _basis(usual.source) if usual and kind == "department" else ""
    )


def committee_due(
    application: Application, committee: Mentor | None, letter: LetterRequest | None = None
) -> date | None:
    """The day a letter that ``committee`` gathers (the letter's ``via``) is due to the committee: its deadline
    (entered, else the usual one) when that comes before the application's; None when the letter goes to the portal
    itself (no committee, a committee date after the portal's, or a date of its own given to the writer)."""
    if committee is None or (letter is not None and letter.due is not None):
        return None
    source = letter_source(committee, application, application.deadline)
    return source.intake if source is not None and source.intake < application.deadline else None


def writer_due_day(letter: LetterRequest, application: Application, mentors: Mapping[str, Mentor]) -> date:
    """The day the writer delivers ``letter`` by: its own date, else the committee's for a letter one gathers
    (``via``), else the application's deadline. ``mentors`` maps writer ids to writers (the committee among them)."""
    return letter.due or committee_due(application, mentors.get(letter.via or ""), letter) or application.deadline


def _basis(source: str) -> str:
    """The unverified part of a usual date's source, as a phrase ("AAIM sets no date; mid-July is ...")."""
    note = unverified_note(source)
    return note.split(":", 1)[1].strip() if ":" in note else note


_SOURCE_TITLES = {
    "committee": ("Register with {name} for your committee letter", "Hand in what {name} needs"),
    "department": ("Tell {name} you need its {what}", "Send {name} what it needs for your {what}"),
}
_SOURCE_NOTES = {
    "committee": (
        "A committee letter is not a personal ask: sign up, and ask what it needs (its forms, a personal statement, "
        "which individual letters, an interview) and by when.",
        "Its deadline: hand in your materials, and make sure each individual letter it gathers reaches it.",
    ),
    "department": (
        "A departmental letter: the department writes it from your record there.",
        "Send what the department asks for (usually your CV, personal statement and a photo) and confirm its "
        "internal deadline.",
    ),
}


def _source_steps(plan: _Plan, source: LetterSource, done: Mapping[str, date | None]) -> None:
    """The steps of a committee or departmental letter: tell it (or register), hand in what it needs by its own
    date, check the letter arrived before the portal's due date. Steps already done are recorded."""
    due, today, name = plan.due, plan.today, plan.name
    ask_title, packet_title = (t.format(name=name, what=source.what) for t in _SOURCE_TITLES[source.kind])
    ask_note, packet_note = _SOURCE_NOTES[source.kind]
    usual = f"its usual date, unconfirmed: {source.basis}" if source.basis else "its usual date"
    whose = "the date you entered" if source.intake_entered else f"{usual}. Enter the real one on Choose recommenders"
    intake = working_day_before(source.intake) if not is_working_day(source.intake) else source.intake
    after: date | None = None
    if "ask" in done:
        if done["ask"]:
            plan.record("ask", done["ask"], "Done.", title=ask_title)
            after = done["ask"]
    else:
        # Tell the department a few weeks before its date, so there is time to gather what it needs. Register with a
        # committee before the writers whose letters it gathers are asked: a week before their ask window opens.
        if source.kind == "committee":
            tell = working_day_before(intake - timedelta(weeks=ask_window(plan.application)[1] + 1))
        else:
            tell = working_day_before(intake - timedelta(days=_rules()["late"]))
        if tell < today:
            what = (
                f"the usual time to tell {name} about your {source.what}"
                if source.kind == "department"
                else (f"the usual time to register with {name}")
            )
            plan.warnings.append(
                f"{what[0].upper()}{what[1:]} ({_fmt(tell)}) has passed: do it today, and ask what it still needs."
            )
            tell = today if is_working_day(today) else working_day_after(today)
        after = plan.place("ask", tell, f"{ask_note} {source.prerequisite}".strip(), title=ask_title)
    if "packet" in done:
        if done["packet"]:
            plan.record("packet", done["packet"], "Handed in.", title=packet_title)
            after = done["packet"]
    elif after is not None and "deadline" not in done:
        day = max(intake, plan.packet_day(after)) if source.kind == "committee" else plan.packet_day(after)
        note = f"{packet_note} Its date: {_fmt(source.intake)}, {whose}."
        placed = plan.place("packet", day, note, title=packet_title)
        after = placed or after
    if "deadline" not in done and due >= today:
        near, far = _rules()["status_check"]
        check = _first([due - timedelta(days=far + 7), due - timedelta(days=near + 7)], is_working_day)
        plan.status_check(
            check or working_day_before(due - timedelta(days=far + 7)),
            f"Check the portal, and if the {source.what} is not there, ask {name}'s office kindly when it will be.",
            after=after,
            after_step="packet",
        )


def _update_note(application: Application) -> str:
    if application.pathway == "residency":
        match = match_for(application)
        # The day is computed from the match's usual rule; its source says when that day was last published.
        return (
            f"{match.name} ({_match_rule(match)}). Tell them where you matched and thank them again; writers like "
            "to know."
        )
    return _UPDATE_NOTES.get(application.pathway, _UPDATE_NOTE)


def _match_rule(match: Match) -> str:
    if match.rule == "nrmp":
        return "the third Friday of March, NRMP's usual day"
    month, dom = (int(part) for part in match.day.split("-"))
    return f"its usual day, on or after {date(2000, month, dom):%B} {dom}; check its own calendar"


def _packet_note() -> str:
    return (
        "Right after a yes: a short thank-you with your packet (CV, goals, what the letter is for, "
        "how to submit, the due date)."
    )


def _finish(plan: _Plan, due: date, deadline_note: str, letter: LetterRequest | None) -> None:
    """The due date, the thank-you and the update."""
    rules = _rules()
    submitted = _done_steps(letter).get("deadline", False) if letter else False
    submitted_on = letter.submitted_on if letter else None
    if letter is not None and submitted:
        if submitted_on:
            plan.record(
                "deadline",
                submitted_on,
                f"For {plan.application.name}: the letter arrived.",
                title=f"{plan.name}'s letter arrived",
            )
    elif due >= plan.today:
        plan.place("deadline", due, deadline_note)
    else:
        plan.warnings.append(
            f"The due date ({_fmt(due)}) has passed and the letter hasn't arrived. Check the portal, "
            f"then agree a new date with {plan.name} or the program."
        )
    done = _done_dates(letter) if letter else {}
    # The thank-you follows the letter: a few days after it arrived, or after the due date (or today,
    # when the due date passed and the letter is still missing).
    base = submitted_on or (due if submitted or due >= plan.today else plan.today)
    if "thank_you" in done:
        if done["thank_you"]:
            plan.record("thank_you", done["thank_you"], "Thanked.")
    else:
        plan.place(
            "thank_you",
            working_day_after(base + timedelta(days=rules["thank_you"])),
            "Once the letter is in: a thank-you email, or a handwritten card for a big milestone.",
        )
    if "update" in done:
        if done["update"]:
            plan.record("update", done["update"], "Updated.")
        return
    # The outcome follows the application's season, not an earlier date given to the writer (a committee's).
    plan.place(
        "update", outcome_day(plan.application, max(due, plan.application.deadline)), _update_note(plan.application)
    )


def _done_steps(letter: LetterRequest) -> dict[str, bool]:
    rank = _RANK.get(letter.status, 0)
    done = {
        "ask": rank >= _RANK["asked"] or letter.asked_on is not None or letter.agreed_on is not None,
        "packet": rank >= _RANK["packet_sent"] or letter.packet_sent_on is not None,
        "reminder_1": letter.reminder_1_on is not None,
        "reminder_2": letter.reminder_2_on is not None,
        "deadline": rank >= _RANK["submitted"] or letter.submitted_on is not None,
        "thank_you": rank >= _RANK["thanked"] or letter.thanked_on is not None,
        "update": rank >= _RANK["updated"] or letter.updated_on is not None,
    }
    # A later step recorded means the writer was asked, whatever the status says.
    done["ask"] = any(done.values())
    return done


def _done_dates(letter: LetterRequest) -> dict[str, date | None]:
    """The steps already done on a letter, each with its recorded day (None when not recorded)."""
    days = {
        "ask": letter.asked_on,
        "packet": letter.packet_sent_on,
        "reminder_1": letter.reminder_1_on,
        "reminder_2": letter.reminder_2_on,
        "deadline": letter.submitted_on,
        "thank_you": letter.thanked_on,
        "update": letter.updated_on,
    }
    return {kind: days[kind] for kind, done in _done_steps(letter).items() if done}


def plan_request(
    letter: LetterRequest,
    application: Application,
    mentor: Mentor,
    *,
    busy: Sequence[BusyPeriod],
    today: date,
    buffer_days: int = 0,
    gathered_by: Mentor | None = None,
) -> Plan:
    """The plan of an existing letter: steps done on their recorded days, the rest planned from today.

    Decisions, for the Timeline page and the Dashboard:
    - Steps recorded on the letter (asked_on, packet_sent_on, reminder_1_on, reminder_2_on,
      submitted_on, thanked_on, updated_on) appear on their recorded day with ``done=True``, even in
      the past. A step the status implies but without a date (status "asked", no asked_on) counts as
      done and is not shown.
    - Steps still to do are planned as plan_letter would, from today on. Only the single next step
      still to do is never dropped: if its day has passed (the ask window is over but the letter is
      still "planned"; the packet was never sent) it goes on today with ``overdue=True`` and a note
      saying so. Any later step whose day has passed is left out with a warning, so the student never
      gets two reminders on one day.
    - Once the letter is submitted, reminders and the status check are no longer needed.
    - The writer's due date is ``letter.due`` when set; for a letter a committee gathers (``gathered_by``), the
      committee's own date; else the application's deadline less ``buffer_days``. A due date already past does
      not raise: the plan says so in a warning.
    - A committee or departmental letter (``letter_source``) has its own steps: register or tell it, hand in what
      it needs by its date, check it arrived; no personal ask or reminders.
    - A declined or withdrawn letter has no plan (no milestones, no warnings).
    """
    if letter.status in CLOSED_STATUSES:
        return Plan()
    due, deadline_note, warnings = _writer_due(
        application, letter, buffer_days, today, mentor.name, gathered_by=gathered_by
    )
    plan = _Plan(application, mentor, busy=busy, today=today, due=due, letter=letter)
    plan.warnings.extend(warnings)
    if gathered_by is not None and committee_due(application, gathered_by, letter) is not None:
        plan.committee = gathered_by.name
    done = _done_dates(letter)
    submitted = "deadline" in done
    source = letter_source(mentor, application, due, letter_type=letter.letter_type)
    if source is not None:
        _source_steps(plan, source, done)
        _finish(plan, due, deadline_note, letter)
        return plan.plan()
    after: date | None = None
    if "ask" in done:
        after = done["ask"]
        if after:
            plan.record("ask", after, f"For {application.name}.")
    elif due <= today:
        pass  # nothing sensible to ask for now; _finish explains
    else:
        lo, _ = ask_window(application)
        window_end = working_day_before(due - timedelta(weeks=lo))
        days_left = (due - today).days
        if window_end < today and days_left >= _rules()["short"]:
            if days_left < _rules()["late"]:
                plan.warnings.append(
                    f"Only {_plural(days_left, 'day')} until the due date: that's late. "
                    f"Ask {mentor.name} as soon as you can and make it easy to say no."
                )
            after = plan.place("ask", window_end, f"For {application.name}. Ask as soon as you can.")
        else:
            ask, note = plan.choose_ask()
            plan.check_in(ask)
            after = plan.place("ask", ask, f"For {application.name}. {note}")
    asked = "ask" in done or after is not None
    after_step = "ask"
    if asked and "packet" in done:
        if done["packet"]:
            plan.record("packet", done["packet"], "Packet sent.")
            if after is None or done["packet"] >= after:
                after, after_step = done["packet"], "packet"
    elif asked and not submitted and due >= today:
        note = (_AWAITING_YES_NOTE if plan.awaiting_yes else "") + _packet_note()
        packet = plan.place("packet", plan.packet_day(after) if after else today, note)
        if packet:
            after, after_step = packet, "packet"
    for kind in ("reminder_1", "reminder_2"):
        if sent_on := done.get(kind):
            plan.record(kind, sent_on, "Reminder sent.")
    if asked and not submitted:
        if due >= today:
            sent: dict[str, date | None] = {k: done[k] for k in ("reminder_1", "reminder_2") if k in done}
            plan.reminders_and_check(after, sent, after_step)
        else:
            plan.status_check(
                due,
                f"The letter was due on {_fmt(due)}. {plan.where_to_look()}; if it's still missing, send "
                f"{mentor.name} one brief, kind note.",
            )
    _finish(plan, due, deadline_note, letter)
    return plan.plan()


def _busy_choices(settings: PlanSettings | BusyChoices | Mapping[str, Any] | None) -> BusyChoices:
    # The plan's settings, their busy choices, or a stored mapping: every setting, or the "busy" one alone.
    if isinstance(settings, PlanSettings):
        return settings.busy
    if isinstance(settings, Mapping) and BUSY_SETTING in settings:
        return PlanSettings.read(settings).busy
    return BusyChoices.read(settings)


# The busy calendars a whole plan is planned against run from two weeks back (a chart of the recent past shows
# them too) to well past the last due date (the outcome update and a year's view of the calendar).
BUSY_FROM = timedelta(days=14)
BUSY_UNTIL = timedelta(days=400)


@dataclass(frozen=True)
class WorkspacePlan:
    """Every active letter of a plan, planned once: the steps, what the planner had to compromise, and the
    busy periods each writer was planned around (for the Timeline's calendars and charts)."""

    milestones: list[Milestone]  # every step of every active letter, sorted by day
    warnings: dict[str, list[str]]  # letter id -> the planner's warnings, for the letters that have any
    busy: dict[str, list[BusyPeriod]]  # mentor id -> the default and custom periods for them, then their own

    def steps_by_mentor(self) -> dict[str, list[Milestone]]:
        """The steps grouped by writer (mentor id), each group in date order."""
        out: dict[str, list[Milestone]] = {}
        for step in self.milestones:
            out.setdefault(step.mentor_id or "", []).append(step)
        return out


def workspace_plan(
    mentors: Iterable[Mentor],
    applications: Iterable[Application],
    letters: Iterable[LetterRequest],
    *,
    settings: PlanSettings | BusyChoices | Mapping[str, Any] | None,
    today: date,
    buffer_days: int = 0,
) -> WorkspacePlan:
    """Plan every active letter (not declined or withdrawn) with plan_request, once.

    Each writer is planned against effective_calendar(settings) for their specialty and role. Letters whose
    writer or application is missing are skipped.
    """
    mentors, applications = list(mentors), list(applications)
    by_mentor = {m.id: m for m in mentors}
    by_app = {a.id: a for a in applications}
    active = [
        letter
        for letter in letters
        if letter.status not in CLOSED_STATUSES and letter.mentor_id in by_mentor and letter.application_id in by_app
    ]
    committees = {m.id: m for m in mentors if m.role == "committee"}
    start = today - BUSY_FROM
    # Never past the planning horizon, whatever a plan saved before it existed holds: the work stays bounded.
    end = min(max([today, *(a.deadline for a in applications)]), planning_horizon(today)[1]) + BUSY_UNTIL
    choices = _busy_choices(settings)
    # One calendar per group of writers the default and custom periods treat alike, shared by the group; each is
    # the plan's whole calendar (built once) filtered as effective_calendar filters for a specialty and role.
    calendars: dict[tuple[str, str], list[BusyPeriod]] = {}
    group_of: dict[str, tuple[str, str]] = {}
    busy: dict[str, list[BusyPeriod]] = {}
    everyone = effective_calendar(start, end, settings=choices) if mentors else []
    for mentor in mentors:
        group = group_of[mentor.id] = calendar_group(mentor.specialty, mentor.role, custom=choices.custom)
        if group not in calendars:
            calendars[group] = [p for p in everyone if reaches(p, specialty=group[0], role=group[1])]
        busy[mentor.id] = [*calendars[group], *mentor.busy]
    by_writer: dict[str, list[Milestone]] = {}
    warnings: dict[str, list[str]] = {}
    for letter in active:
        mentor = by_mentor[letter.mentor_id]
        served = [by_app[i] for i in letter.application_ids if i in by_app]
        plan = plan_request(
            letter,
            served_application(served),
            mentor,
            busy=calendars[group_of[mentor.id]],
            today=today,
            buffer_days=buffer_days,
            gathered_by=committees.get(letter.via or ""),
        )
        ids = [a.id for a in served]
        by_writer.setdefault(mentor.id, []).extend(
            m.model_copy(update={"application_id": letter.application_id, "application_ids": ids})
            for m in plan.milestones
        )
        if plan.warnings:
            warnings[letter.id] = plan.warnings
    names = {a.id: a.name for a in applications}
    milestones = [
        m for mentor_id, steps in by_writer.items() for m in one_conversation(by_mentor[mentor_id], steps, names)
    ]
    milestones.sort(key=lambda m: (m.day, _ORDER[m.kind], m.title))
    return WorkspacePlan(milestones=milestones, warnings=warnings, busy=busy)


# The steps of the conversation with a writer: one of each, whatever the number of letters (issue #22.2). The due
# date stays per letter (two letters may be due on different days); steps already done merge when on one day.
_CONVERSATION = ("check_in", "ask", "packet", "reminder_1", "reminder_2", "status_check", "thank_you", "update")
_LATEST = ("thank_you", "update")  # once every letter is in: the latest of the letters' days
_PLURAL_TITLES = {
    "ask": "Ask {name} for your letters",
    "packet": "Send {name} one packet for all your letters",
    "reminder_1": "First reminder to {name} (all your letters)",
    "reminder_2": "Last reminder to {name} (all your letters)",
    "status_check": "Check that {name}'s letters arrived",
    "deadline": "{name}'s letters are due",
    "thank_you": "Thank {name} for your letters",
}


def one_conversation(mentor: Mentor, steps: list[Milestone], app_names: Mapping[str, str]) -> list[Milestone]:
    """A writer's steps over all their letters as one conversation: one goal conversation, ask, packet, two
    reminders at most, one status check, one thank-you and one update, each naming every letter it covers
    (``request_ids``). ``steps`` are the letters' own plans, in the order of the letters."""
    letters = list(dict.fromkeys(m.request_id for m in steps))
    if len(letters) <= 1:
        return steps
    reminders_sent = len({m.day for m in steps if m.done and m.kind in ("reminder_1", "reminder_2")})
    groups: dict[tuple, list[Milestone]] = {}
    for step in steps:
        if step.done:
            key: tuple = ("done", step.kind, step.day)
        elif step.kind in _CONVERSATION:
            if step.kind in ("reminder_1", "reminder_2") and reminders_sent >= (2 if step.kind == "reminder_1" else 1):
                continue  # reminders count per writer: never a third, whichever letter it would be for
            key = ("todo", step.kind)
        else:
            key = ("todo", step.kind, step.day)
        groups.setdefault(key, []).append(step)
    out = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        pick = (max if group[0].kind in _LATEST else min)(group, key=lambda m: m.day)
        ids = list(dict.fromkeys(i for m in group for i in m.letter_ids))
        apps = list(dict.fromkeys(i for m in group for i in (m.application_ids or [m.application_id or ""]) if i))
        plural = not pick.done and not mentor.letter_source  # a committee's own step titles read well for both
        title = _PLURAL_TITLES.get(pick.kind, pick.title).format(name=mentor.name) if plural else pick.title
        update: dict[str, Any] = {"request_id": group[0].request_id, "request_ids": ids, "application_ids": apps}
        if not pick.done:
            covered = and_list([app_names.get(i, "an application") for i in apps])
            update |= {
                "title": title,
                "note": f"One step for your {len(ids)} letters from {mentor.name} ({covered}). {pick.note}",
            }
        out.append(pick.model_copy(update=update))
    return out


def workspace_milestones(
    mentors: Iterable[Mentor],
    applications: Iterable[Application],
    letters: Iterable[LetterRequest],
    *,
    settings: PlanSettings | BusyChoices | Mapping[str, Any] | None,
    today: date,
    buffer_days: int = 0,
) -> list[Milestone]:
    """Every step of every active letter (not declined or withdrawn), sorted by day (see workspace_plan)."""
    return workspace_plan(
        mentors, applications, letters, settings=settings, today=today, buffer_days=buffer_days
    ).milestones


def this_week(milestones: Iterable[Milestone], today: date, days: int = 7) -> list[Milestone]:
    """The steps still to do up to ``days`` days from today: overdue ones first, then by day."""
    horizon = today + timedelta(days=days)
    todo = [m for m in milestones if not m.done and m.day <= horizon]
    return sorted(todo, key=lambda m: (not (m.overdue or m.day < today), m.day, _ORDER[m.kind], m.title))
