"""Advisor desks: the desk's one row per advisee (join codes are lor.joincodes, so storing a plan never loads this).

A desk (class mode) lists the plans students chose to share with it. Each row is read from the plan's cached
Overview (lor.overview), the same one the Dashboard draws, so the desk and the student never disagree. The store
(lor/store.py) keeps desks and memberships; this module is plain values and rules, no database and no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from lor.export import _csv
from lor.mix import PROGRAM_GAP_RULE, program_gaps, rules_for, short_letter_type
from lor.models import ARRIVED_STATUSES, CLOSED_STATUSES, Application, Milestone, label
from lor.overview import Overview
from lor.text import plural, short_date

if TYPE_CHECKING:
    from lor.store.desks import DeskEvent

STILL_DAYS = 14  # a writer asked this many days ago without an answer (more than this) counts as not answering
INACTIVE_DAYS = 30  # a plan nobody changed for this many days reads "Inactive for N days"
STATUSES = ("Not started", "Needs help", "Inactive", "On track")  # the status filter's choices, most urgent first
WHY_SHOWN = 2  # reasons in the Why column: the most urgent ones
FAR_DAYS = 365  # a plan with no deadline ahead weighs as one due in a year

# -- the desk's rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One reason an advisee needs attention, in words, with its weight (higher is more urgent)."""

    weight: float
    text: str


@dataclass(frozen=True)
class DeskRow:
    """One advisee on a desk, as the advisor sees them."""

    plan_id: str
    name: str
    applications: int
    nearest_due: date | None  # the nearest letter deadline still ahead (None when none is)
    nearest_due_application: str
    letters_in: int
    letters_needed: int  # letters the applications need (the most any one of them requires), not what is planned
    overdue_steps: int  # the student's own steps past their day (a step waiting on a writer's answer is not)
    missing_required: int  # required letter-mix checks that fail, over all applications (program gaps included)
    missing_messages: tuple[str, ...]
    silent_writers: int  # writers asked more than STILL_DAYS days ago who have not answered
    last_change: date | None
    pathways: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()
    today: date = date.min  # the day the row was computed for
    letters_planned: int = 0  # letters in the plan, not declined or withdrawn
    reasons: tuple[Reason, ...] = ()  # every reason, most urgent first

    @property
    def started(self) -> bool:
        """False while the plan has no application or no letter: nothing to track yet."""
        return bool(self.applications and self.letters_planned)

    @property
    def needs_help(self) -> bool:
        """Not started, an overdue step, a missing required letter or a silent writer: reach out this week."""
        return not self.started or bool(self.overdue_steps or self.missing_required or self.silent_writers)

    @property
    def inactive_days(self) -> int | None:
        """Days since the plan last changed when that is INACTIVE_DAYS or more; None otherwise (or unknown)."""
        if self.last_change is None:
            return None
        days = (self.today - self.last_change).days
        return days if days >= INACTIVE_DAYS else None

    @property
    def status_group(self) -> str:
        """One of STATUSES: what the status filter matches."""
        if not self.started:
            return "Not started"
        if self.needs_help:
            return "Needs help"
        return "Inactive" if self.inactive_days is not None else "On track"

    @property
    def status(self) -> str:
        """ "Not started", "Needs help", "Inactive for N days" or "On track"."""
        group = self.status_group
        return f"Inactive for {self.inactive_days} days" if group == "Inactive" else group

    @property
    def why(self) -> str:
        """The one or two most urgent reasons, in words ("" when there is none)."""
        return why_text(self.reasons)

    @property
    def days_to_due(self) -> int | None:
        """Days from the row's day to the nearest deadline ahead (None when none is)."""
        return None if self.nearest_due is None else (self.nearest_due - self.today).days

    @property
    def urgency(self) -> float:
        """The reasons' weight, scaled by how soon the nearest deadline is: a problem due in six weeks outranks
        the same problem due in nine months."""
        days = FAR_DAYS if self.days_to_due is None else self.days_to_due
        weights = sorted((r.weight for r in self.reasons), reverse=True)
        # The worst reason counts in full, the others a quarter: three gaps are worse than one, not three times.
        weight = (weights[0] + sum(weights[1:]) / 4) if weights else 0.0
        return weight * 60 / (max(days, 0) + 30)


def desk_row(ov: Overview, *, plan_id: str, last_change: str | date | None = None) -> DeskRow:
    """The desk's row for one plan, from its Overview (computed once per plan version, like the Dashboard's)."""
    today = ov.today
    ahead = sorted((a.deadline, a.name) for a in ov.applications if a.deadline >= today)
    counted = [r for r in ov.letters if r.status not in CLOSED_STATUSES]
    overdue = overdue_steps(ov)
    failing = [c.message for a in ov.applications for c in ov.mixes[a.id].checks if c.required and not c.ok]
    asked = silent_writers(ov)
    name = ov.student.name if ov.student and ov.student.name.strip() else "Unnamed student"
    changed = _day(last_change)
    reasons = why_reasons(ov, last_change=changed)
    return DeskRow(
        plan_id=plan_id,
        name=name,
        applications=len(ov.applications),
        nearest_due=ahead[0][0] if ahead else None,
        nearest_due_application=ahead[0][1] if ahead else "",
        letters_in=sum(r.status in ARRIVED_STATUSES for r in counted),
        letters_needed=max((letters_needed(a) for a in ov.applications), default=0),
        overdue_steps=len(overdue),
        missing_required=len(failing),
        missing_messages=tuple(failing),
        silent_writers=len(asked),
        last_change=changed,
        pathways=frozenset(a.pathway for a in ov.applications),
        specialties=frozenset(a.specialty for a in ov.applications if a.specialty),
        today=today,
        letters_planned=len(counted),
        reasons=reasons,
    )


def why_text(reasons: Iterable[Reason]) -> str:
    """The first WHY_SHOWN reasons joined in one line ("" when there is none)."""
    return "; ".join(r.text for r in list(reasons)[:WHY_SHOWN])


def letters_needed(application: Application) -> int:
    """How many letters the application needs: the letter-count rule's minimum for its pathway (0 when none)."""
    return max(
        (
            rule["min"]
            for rule in rules_for(application.pathway, application.specialty)
            if rule["kind"] == "letter_count"
        ),
        default=0,
    )


def overdue_steps(ov: Overview) -> list[Milestone]:
    """The student's steps whose day has passed; a step waiting on a writer's answer is the writer's, not late."""
    return [m for m in ov.milestones if not m.done and not m.waiting and (m.overdue or m.day < ov.today)]


def silent_writers(ov: Overview) -> dict[str, int]:
    """Writer id → days since the oldest unanswered ask, for writers asked more than STILL_DAYS days ago."""
    asked: dict[str, int] = {}
    for r in ov.letters:
        if r.status == "asked" and r.asked_on and (ov.today - r.asked_on).days > STILL_DAYS:
            asked[r.mentor_id] = max(asked.get(r.mentor_id, 0), (ov.today - r.asked_on).days)
    return asked


def why_reasons(ov: Overview, *, last_change: date | None = None) -> tuple[Reason, ...]:
    """Every reason the student needs attention, in words, most urgent first: not started, overdue steps (how
    late), unmet requirements (a program's included), silent writers, no change for INACTIVE_DAYS. The desk's Why
    column and the report's first lines are the first WHY_SHOWN of these."""
    overdue, asked, changed = overdue_steps(ov), silent_writers(ov), last_change
    counted = [r for r in ov.letters if r.status not in CLOSED_STATUSES]
    today, names = ov.today, ov.mentor_names
    found: list[Reason] = []
    if not ov.applications:
        found.append(Reason(5, "No application yet"))
    elif not counted:
        found.append(Reason(5, "No letter planned yet"))
    for m in overdue:
        late = (today - (m.planned_for or m.day)).days
        if m.kind == "ask":
            letter = next((x for x in ov.letters if x.id in m.letter_ids), None)
            who = names.get(m.mentor_id or "", "A writer")
            if letter is not None and letter.letter_type != "narrative":
                who = short_letter_type(letter.letter_type)
            text = f"{who} ask {plural(late, 'day')} overdue"
        else:
            text = f"{m.title}: {plural(late, 'day')} overdue"
        found.append(Reason(3 + min(late, 28) / 14, text))  # four weeks late is as late as it gets
    for app in ov.applications:
        gaps = program_gaps(app, ov.letters)
        found += [Reason(3, gap.short) for gap in gaps]
        for check in ov.mixes[app.id].checks:
            if check.required and not check.ok and check.rule != PROGRAM_GAP_RULE and ov.letters:
                found.append(Reason(3, f"{app.name}: {check.message}"))
    for mentor_id, days in asked.items():
        found.append(Reason(2 + min(days, 42) / 28, f"{names.get(mentor_id, 'A writer')} silent {days} days"))
    if changed is not None and (today - changed).days >= INACTIVE_DAYS:
        found.append(Reason(1, f"No change in {(today - changed).days} days"))
    return tuple(sorted(found, key=lambda r: -r.weight))


def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def by_need(rows: Iterable[DeskRow]) -> list[DeskRow]:
    """Who needs help first (not started or a problem), then inactive plans, then those on track; within each, the
    most urgent first (the reasons' weight, scaled by how soon the deadline is), then the nearest deadline, then
    the name."""
    far = date.max
    return sorted(
        rows,
        key=lambda r: (
            not r.needs_help,
            r.inactive_days is None,
            -r.urgency,
            r.nearest_due or far,
            r.name.casefold(),
            r.plan_id,
        ),
    )


def filter_by_status(rows: Iterable[DeskRow], statuses: Iterable[str] = ()) -> list[DeskRow]:
    """The rows whose status is one of ``statuses`` (from STATUSES; "Inactive" matches every "Inactive for N days");
    all rows when none is given."""
    wanted = set(statuses)
    return [r for r in rows if not wanted or r.status_group in wanted]


def filter_rows(rows: Iterable[DeskRow], *, pathway: str | None = None, specialty: str | None = None) -> list[DeskRow]:
    """The rows with an application of this type (pathway) and in this specialty; None means any."""
    return [
        r
        for r in rows
        if (pathway is None or pathway in r.pathways) and (specialty is None or specialty in r.specialties)
    ]


def choices(rows: Sequence[DeskRow]) -> tuple[list[str], list[str]]:
    """The application types and specialties present on the desk (for its filters), sorted by label."""
    pathways = sorted({p for r in rows for p in r.pathways}, key=label)
    specialties = sorted({s for r in rows for s in r.specialties}, key=label)
    return pathways, specialties


DESK_COLUMNS = (  # who and why come first, so a phone shows them without scrolling sideways
    "Student",
    "Status",
    "Why",
    "Nearest due",
    "Due for",
    "Overdue steps",
    "Missing required letters",
    "Writers not answering",
    "Letters in",
    "Letters needed",
    "Applications",
    "Last change",
)


def table_rows(rows: Iterable[DeskRow]) -> list[dict[str, object]]:
    """The desk table, one dict per row keyed by DESK_COLUMNS; dates are dates (None when none), so they sort as
    dates."""
    return [
        {
            "Student": r.name,
            "Status": r.status,
            "Why": r.why,
            "Nearest due": r.nearest_due,
            "Due for": r.nearest_due_application,
            "Overdue steps": r.overdue_steps,
            "Missing required letters": r.missing_required,
            "Writers not answering": r.silent_writers,
            "Letters in": r.letters_in,
            "Letters needed": r.letters_needed,
            "Applications": r.applications,
            "Last change": r.last_change,
        }
        for r in rows
    ]


def desk_csv(
    rows: Iterable[DeskRow], *, names: dict[str, str] | None = None, notes: dict[str, str] | None = None
) -> str:
    """The desk table as CSV text (spreadsheet-safe cells, ISO dates), in the order given, with the advisor's
    notes last; ``names`` (plan id → name) tells students who share a name apart."""
    out = []
    for cells, r in zip(table_rows(rows := list(rows)), rows, strict=True):
        if names and r.plan_id in names:
            cells["Student"] = names[r.plan_id]
        out.append([*(cells[c] for c in DESK_COLUMNS), (notes or {}).get(r.plan_id, "")])
    return _csv((*DESK_COLUMNS, "Note"), out)


def desk_names(rows: Iterable[DeskRow]) -> dict[str, str]:
    """Plan id → the name the desk shows, given the rows in the order their students joined: a name two students
    share gets " (2)", " (3)" by that order, so each keeps its number from one load to the next."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for row in rows:
        shown, n = row.name, 1
        while shown.casefold() in taken:
            n += 1
            shown = f"{row.name} ({n})"
        taken.add(shown.casefold())
        out[row.plan_id] = shown
    return out


LOG_WORDS = {"joined": "joined", "left": "left the desk", "removed": "was removed by an advisor"}


def log_lines(events: Iterable[DeskEvent]) -> list[str]:
    """The desk log as lines: "Nov 25, 2026 14:02 UTC: Ana Ruiz joined"."""
    out = []
    for e in events:
        try:
            at = datetime.fromisoformat(e.at)
            when = f"{short_date(at.date())} {at:%H:%M} UTC"
        except ValueError:
            when = e.at
        out.append(f"{when}: {e.student} {LOG_WORDS.get(e.event, e.event)}")
    return out
