"""Advisor desks: the desk's one row per advisee (join codes are lor.joincodes, so storing a plan never loads this).

A desk (class mode) lists the plans students chose to share with it. Each row is read from the plan's cached
Overview (lor.overview), the same one the Dashboard draws, so the desk and the student never disagree. The store
(lor/store.py) keeps desks and memberships; this module is plain values and rules, no database and no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lor.export import _csv
from lor.models import ARRIVED_STATUSES, CLOSED_STATUSES, label
from lor.overview import Overview
from lor.text import short_date

STILL_DAYS = 14  # a writer asked this many days ago without an answer (more than this) counts as not answering

# -- the desk's rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    """One advisee on a desk, as the advisor sees them."""

    plan_id: str
    name: str
    applications: int
    nearest_due: date | None  # the nearest letter deadline still ahead (None when none is)
    nearest_due_application: str
    letters_in: int
    letters_needed: int  # letters the plan counts on: every request not declined or withdrawn
    overdue_steps: int
    missing_required: int  # required letter-mix checks that fail, over all applications
    missing_messages: tuple[str, ...]
    silent_writers: int  # writers asked more than STILL_DAYS days ago who have not answered
    last_change: date | None
    pathways: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()
    today: date = date.min  # the day the row was computed for

    @property
    def needs_help(self) -> bool:
        """An overdue step or a missing required letter: the advisor should reach out this week."""
        return bool(self.overdue_steps or self.missing_required)

    @property
    def status(self) -> str:
        """ "Needs help", "Watch" (a silent writer or a deadline within two weeks) or "On track"."""
        if self.needs_help:
            return "Needs help"
        soon = self.nearest_due is not None and self.days_to_due is not None and self.days_to_due <= STILL_DAYS
        return "Watch" if self.silent_writers or soon else "On track"

    @property
    def days_to_due(self) -> int | None:
        """Days from the row's day to the nearest deadline ahead (None when none is)."""
        return None if self.nearest_due is None else (self.nearest_due - self.today).days


def desk_row(ov: Overview, *, plan_id: str, last_change: str | date | None = None) -> DeskRow:
    """The desk's row for one plan, from its Overview (computed once per plan version, like the Dashboard's)."""
    today = ov.today
    ahead = sorted((a.deadline, a.name) for a in ov.applications if a.deadline >= today)
    counted = [r for r in ov.letters if r.status not in CLOSED_STATUSES]
    overdue = [m for m in ov.milestones if not m.done and (m.overdue or m.day < today)]
    failing = [c.message for a in ov.applications for c in ov.mixes[a.id].checks if c.required and not c.ok]
    silent = {
        r.mentor_id for r in ov.letters if r.status == "asked" and r.asked_on and (today - r.asked_on).days > STILL_DAYS
    }
    name = ov.student.name if ov.student else f"Unnamed student ({plan_id[:6]})"
    return DeskRow(
        plan_id=plan_id,
        name=name,
        applications=len(ov.applications),
        nearest_due=ahead[0][0] if ahead else None,
        nearest_due_application=ahead[0][1] if ahead else "",
        letters_in=sum(r.status in ARRIVED_STATUSES for r in counted),
        letters_needed=len(counted),
        overdue_steps=len(overdue),
        missing_required=len(failing),
        missing_messages=tuple(failing),
        silent_writers=len(silent),
        last_change=_day(last_change),
        pathways=frozenset(a.pathway for a in ov.applications),
        specialties=frozenset(a.specialty for a in ov.applications if a.specialty),
        today=today,
    )


def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def by_need(rows: Iterable[DeskRow]) -> list[DeskRow]:
    """Who needs help first: missing required letters, then overdue steps, then silent writers, then the nearest
    deadline; ties by name."""
    far = date.max
    return sorted(
        rows,
        key=lambda r: (
            not r.needs_help,
            -r.missing_required,
            -r.overdue_steps,
            -r.silent_writers,
            r.nearest_due or far,
            r.name.casefold(),
        ),
    )


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


DESK_COLUMNS = (  # what decides who needs help comes first, so a phone shows it without scrolling sideways
    "Student",
    "Status",
    "Overdue steps",
    "Missing required letters",
    "Writers not answering",
    "Letters in",
    "Letters needed",
    "Nearest due",
    "Due for",
    "Applications",
    "Last change",
)


def table_rows(rows: Iterable[DeskRow]) -> list[dict[str, object]]:
    """The desk table, one dict per row keyed by DESK_COLUMNS (dates as "Nov 25, 2026", blank when none)."""
    return [
        {
            "Student": r.name,
            "Status": r.status,
            "Overdue steps": r.overdue_steps,
            "Missing required letters": r.missing_required,
            "Writers not answering": r.silent_writers,
            "Letters in": r.letters_in,
            "Letters needed": r.letters_needed,
            "Nearest due": short_date(r.nearest_due) if r.nearest_due else "",
            "Due for": r.nearest_due_application,
            "Applications": r.applications,
            "Last change": short_date(r.last_change) if r.last_change else "",
        }
        for r in rows
    ]


def desk_csv(rows: Iterable[DeskRow]) -> str:
    """The desk table as CSV text (spreadsheet-safe cells), in the order given."""
    out = []
    for r in rows:
        cells = table_rows([r])[0]
        cells["Nearest due"] = r.nearest_due
        cells["Last change"] = r.last_change
        out.append([cells[c] for c in DESK_COLUMNS])
    return _csv(DESK_COLUMNS, out)
