"""The planner's timing rules: one definition of every threshold, read from data/busy_periods.toml [timing].

Every module that needs a number of days or weeks (the planner, the drafts, the FAQ cards, the letter
cards, the score's goal-conversation nudge, the buffer setting) calls ``timing()`` when it needs it, so
changing the data file changes every consumer at once. Tests point ``TIMING_FILE`` at a copy.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

TIMING_FILE = Path(__file__).resolve().parent.parent / "data" / "busy_periods.toml"


@dataclass(frozen=True)
class Timing:
    """The [timing] table as typed values (days unless the name says otherwise)."""

    ask_weeks: tuple[tuple[str, tuple[int, int]], ...]  # pathway -> (fewest, most) weeks before the due date
    late_days: int  # under this many days' notice an ask is late
    short_notice_days: int  # under this many days' notice an ask is short notice
    latest_ask_days: int  # a blocked ask may move later, but not past this many days before the due date
    check_in_after_months: int  # no contact for this long: a goal conversation before the ask
    check_in_days: tuple[int, int]  # the goal conversation this many days before the ask (nearest, farthest)
    reminder_days: tuple[int, int]  # the first and the last reminder, days before the due date
    status_check_days: tuple[int, int]
    thank_you_days: int
    update_weeks: int
    fellowship_update_weeks: int
    medical_school_update: tuple[int, int]  # (month, day)
    max_buffer_days: int  # the most days a writer's date may be set before the real deadline
    ask_after_rotation_days: int  # a writer seen on a rotation is asked this many days after it ends
    rotation_recent_days: int  # a rotation that ended at most this many days ago: ask right away
    rotation_soon_days: int  # an ask timed to a rotation that ended goes within this many days of today
    source: str
    checked: str

    def weeks_for(self, pathway: str) -> tuple[int, int]:
        """The (fewest, most) weeks before the due date in which to ask, for one pathway."""
        table = dict(self.ask_weeks)
        return table.get(pathway, table["other"])


def timing() -> Timing:
    """The timing rules from ``TIMING_FILE`` (read once per file)."""
    return _load(str(TIMING_FILE))


@cache
def _load(path: str) -> Timing:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)["timing"]
    month, day = (int(part) for part in raw["medical_school_update"].split("-"))
    return Timing(
        ask_weeks=tuple((k, (int(v[0]), int(v[1]))) for k, v in raw["ask_weeks"].items()),
        late_days=int(raw["late_days"]),
        short_notice_days=int(raw["short_notice_days"]),
        latest_ask_days=int(raw["latest_ask_days"]),
        check_in_after_months=int(raw["check_in_after_months"]),
        check_in_days=_two(raw["check_in_days"], "check_in_days"),
        reminder_days=_two(raw["reminder_days"], "reminder_days"),
        status_check_days=_two(raw["status_check_days"], "status_check_days"),
        thank_you_days=int(raw["thank_you_days"]),
        update_weeks=int(raw["update_weeks"]),
        fellowship_update_weeks=int(raw["fellowship_update_weeks"]),
        medical_school_update=(month, day),
        max_buffer_days=int(raw["max_buffer_days"]),
        ask_after_rotation_days=int(raw["ask_after_rotation_days"]),
        rotation_recent_days=int(raw["rotation_recent_days"]),
        rotation_soon_days=int(raw["rotation_soon_days"]),
        source=str(raw["source"]),
        checked=str(raw["checked"]),
    )


def _two(value: object, name: str) -> tuple[int, int]:
    # Reminders are two at most (a letter has two reminder dates); the other pairs are ranges.
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"[timing] {name} must be a list of two numbers of days")
    return int(value[0]), int(value[1])


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def needs_goal_conversation(last_contact: date | None, ask_day: date) -> bool:
    """True when the last contact is unknown or ``check_in_after_months`` or more before the ask.

    One rule everywhere: the plan applies it on the planned ask day; the pages, which suggest asking
    now, apply it on today.
    """
    return last_contact is None or last_contact <= months_before(ask_day, timing().check_in_after_months)


def is_short_notice(due: date, today: date) -> bool:
    """True when fewer than ``short_notice_days`` days are left before the due date."""
    return (due - today).days < timing().short_notice_days


def is_late(due: date, today: date) -> bool:
    """True when fewer than ``late_days`` days are left before the due date (short notice included)."""
    return (due - today).days < timing().late_days


def goal_talk_nudge() -> str:
    """What a writer's card says when the last contact is ``check_in_after_months`` old or unknown."""
    t = timing()
    near, far = (d // 7 for d in t.check_in_days)
    return (
        f"No contact in {t.check_in_after_months} months or more (or none logged): schedule a short talk about your "
        f"goals {near}–{far} weeks before you ask, so the request doesn't come out of nowhere."
    )
