"""Busy periods of the academic year (data/busy_periods.toml) and the user's changes to them.

A busy period is a stretch of days when a letter writer should not be asked (``avoid``) or better not
(``caution``). The defaults recur every year; each occurrence carries the same ``key`` every year.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import holidays as holidays_package

from lor.models import BusyChoices, BusyPeriod, label

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "busy_periods.toml"
EVERYONE = "everyone"
HOLIDAYS_KEY = "us_federal_holidays"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DefaultPeriod:
    """One default busy period as the settings table shows it."""

    key: str
    name: str
    who: str  # comma-separated slugs, as in BusyPeriod.who: "everyone", "internal_medicine", ...
    severity: str
    dates: str  # the dates in words: "June 20 – July 15"
    source: str
    note: str = ""
    checked: str = ""  # the day the period was last compared with its source
    confirmed_years: tuple[int, ...] = ()  # years whose real dates are in the data (conferences)

    @property
    def who_label(self) -> str:
        """Who the period reaches, in words."""
        return who_label(self.who)


@cache
def _data() -> dict[str, Any]:
    with DATA_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    for row in data["period"]:
        rules = [k for k in ("start", "week_of", "holidays") if k in row]
        if len(rules) != 1 or ("start" in row) != ("end" in row):
            raise ValueError(f"busy period {row.get('key')!r} needs exactly one dates rule")
        if row["severity"] not in ("avoid", "caution"):
            raise ValueError(f"busy period {row['key']!r} has an unknown severity {row['severity']!r}")
    keys = [row["key"] for row in data["period"]]
    if len(keys) != len(set(keys)):
        raise ValueError("busy period keys must be unique")
    return data


def calendar_note() -> str:
    """A sentence telling the user that the default dates are approximations, and which years were checked."""
    note = " ".join(_data()["note"].split())
    confirmed = [
        f"{row['name']} {', '.join(str(y['year']) for y in row['years'])}"
        for row in _data()["period"]
        if row.get("years")
    ]
    checked = date.fromisoformat(str(_data()["checked"]))
    if confirmed:
        # The app's own date format, and no "as of" or "on" that would read as past on a plan dated earlier.
        note += (
            f" Real dates checked {checked:%b} {checked.day}, {checked.year}: {'; '.join(confirmed)}. Other years use "
            "the approximate dates."
        )
    return note


def _default_periods() -> tuple[DefaultPeriod, ...]:
    return tuple(
        DefaultPeriod(
            key=row["key"],
            name=row["name"],
            who=", ".join(row["who"]),
            severity=row["severity"],
            dates=row["dates"],
            source=row["source"],
            note=row.get("note", ""),
            checked=row["checked"],
            confirmed_years=tuple(sorted(int(y["year"]) for y in row.get("years", ()))),
        )
        for row in _data()["period"]
    )


DEFAULT_PERIODS: tuple[DefaultPeriod, ...] = _default_periods()


def who_label(who: str) -> str:
    """Who a period reaches, in words ("program_director, department_chair" -> "Program director, ...")."""
    return ", ".join(label(slug) for slug in _who_slugs(who))


@cache
def _who_slugs(who: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in who.split(",") if part.strip())


def reaches(period: BusyPeriod, *, specialty: str | None = None, role: str | None = None) -> bool:
    """True when the period applies to a writer with this specialty and role (None and None: all do)."""
    if specialty is None and role is None:
        return True
    slugs = _who_slugs(period.who)
    return EVERYONE in slugs or specialty in slugs or role in slugs


@cache
def _named_slugs() -> frozenset[str]:
    return frozenset(slug for row in _data()["period"] for slug in row["who"])


def calendar_group(specialty: str | None, role: str | None, *, custom: Iterable[BusyPeriod] = ()) -> tuple[str, str]:
    """The (specialty, role) under which writers share one busy calendar: the two values as ``effective_calendar``
    takes them, with a specialty or role that no default or ``custom`` period names replaced by "" (it reaches
    the same periods). So a plan whose 40 writers have 40 made-up specialties still builds few calendars."""
    named = _named_slugs() | {slug for p in custom for slug in _who_slugs(p.who)}
    return (specialty if specialty in named else ""), (role if role in named else "")


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth given weekday (0 = Monday) of a month: nth_weekday(2026, 3, 4, 3) is Match Day 2026."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def match_day(year: int) -> date:
    """Match Day: the third Friday of March of that year."""
    return nth_weekday(year, 3, 4, 3)


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> dict[date, str]:
    return dict(holidays_package.country_holidays("US", years=year))


@lru_cache(maxsize=64)
def holiday_days(year: int) -> frozenset[date]:
    """The US federal holidays (observed days included) of one year."""
    return frozenset(_holidays_of_year(year))


def federal_holidays(start: date, end: date) -> dict[date, str]:
    """US federal holidays (observed days included) between start and end, inclusive: day -> name."""
    return {
        day: name
        for year in range(start.year, end.year + 1)
        for day, name in sorted(_holidays_of_year(year).items())
        if start <= day <= end
    }


def is_working_day(day: date, holidays: Collection[date] | None = None) -> bool:
    """True for Monday–Friday days that are not holidays (US federal holidays unless given)."""
    if day.weekday() >= 5:
        return False
    return day not in (holiday_days(day.year) if holidays is None else holidays)


def working_day_before(day: date, holidays: Collection[date] | None = None) -> date:
    """The day itself when it is a working day, else the closest earlier working day.

    ``holidays`` defaults to the US federal holidays; pass any collection of dates to use others.
    """
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def working_day_after(day: date, holidays: Collection[date] | None = None) -> date:
    """The day itself when it is a working day, else the closest later working day."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def _month_day(year: int, text: str) -> date:
    month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


@lru_cache(maxsize=32)  # dates are bounded by the planning horizon: a dozen years in use at a time
def _periods_of_year(year: int) -> tuple[BusyPeriod, ...]:
    """Every default period that starts in ``year`` (so winter holidays run into year + 1)."""
    out: list[BusyPeriod] = []
    for row in _data()["period"]:
        common = {
            "key": row["key"],
            "severity": row["severity"],
            "who": ", ".join(row["who"]),
            "source": row["source"],
        }
        if "holidays" in row:
            for day, name in sorted(_holidays_of_year(year).items()):
                out.append(BusyPeriod(name=name, start=day, end=day, **common))
            continue
        if "week_of" in row:
            rule = row["week_of"]
            anchor = nth_weekday(year, rule["month"], _WEEKDAYS.index(rule["weekday"]), rule["nth"])
            start = anchor - timedelta(days=anchor.weekday())
            end = start + timedelta(days=4)
        else:
            start = _month_day(year, row["start"])
            end = _month_day(year, row["end"])
            if end < start:
                end = _month_day(year + 1, row["end"])
            confirmed = next((y for y in row.get("years", ()) if int(y["year"]) == year), None)
            if confirmed is not None:
                start, end = date.fromisoformat(confirmed["start"]), date.fromisoformat(confirmed["end"])
                common = {**common, "source": confirmed["source"]}
            elif row.get("years"):
                common = {**common, "source": f"{row['source']} (approximate dates: {year}'s were not checked)"}
        out.append(BusyPeriod(name=row["name"], start=start, end=end, **common))
    return tuple(out)


def _sorted(periods: Iterable[BusyPeriod]) -> list[BusyPeriod]:
    return sorted(periods, key=lambda p: (p.start, p.end, p.key, p.name))


def default_period(key: str, year: int) -> BusyPeriod | None:
    """The default period ``key`` as it falls in ``year`` (the occurrence that starts that year), before any
    change the student made; None when there is no such period that year."""
    return next((p.model_copy() for p in _periods_of_year(year) if p.key == key), None)


def academic_calendar(
    start: date, end: date, *, specialty: str | None = None, role: str | None = None
) -> list[BusyPeriod]:
    """The default busy periods overlapping start..end (inclusive), each whole, not clipped.

    With ``specialty`` and ``role`` both None, every period; otherwise the periods for everyone plus
    those whose ``who`` names that specialty or that role.
    """
    if end < start:
        raise ValueError(f"The calendar ends ({end}) before it starts ({start}).")
    return _sorted(
        period.model_copy()
        for year in range(start.year - 1, end.year + 1)
        for period in _periods_of_year(year)
        if period.start <= end and period.end >= start and reaches(period, specialty=specialty, role=role)
    )


def effective_calendar(
    start: date,
    end: date,
    *,
    settings: BusyChoices | Mapping[str, Any] | None = None,
    specialty: str | None = None,
    role: str | None = None,
) -> list[BusyPeriod]:
    """The busy periods overlapping start..end after the user's changes, filtered like academic_calendar.

    ``settings`` is the plan's BusyChoices (or the stored "busy" setting it reads from: ``{"disabled":
    [key, ...], "moved": {"<key>:<year>": {"start": …, "end": …}}, "custom": [BusyPeriod, ...]}``).
    A disabled key drops that period in every year; a moved entry replaces the occurrence that
    starts in that year (US federal holidays can be disabled as a group, not moved); custom periods
    are added as they are. Entries that are not valid are skipped.
    """
    if end < start:
        raise ValueError(f"The calendar ends ({end}) before it starts ({start}).")
    choices = BusyChoices.read(settings)
    disabled = set(choices.disabled)
    out: list[BusyPeriod] = []
    # One year wider on each side: a moved occurrence may land in the range from outside it.
    for year in range(start.year - 2, end.year + 2):
        for period in _periods_of_year(year):
            if period.key in disabled or not reaches(period, specialty=specialty, role=role):
                continue
            change = None if period.key == HOLIDAYS_KEY else choices.moved.get(f"{period.key}:{year}")
            if change:
                period = period.model_copy(update={"start": change.start, "end": change.end})
            if period.start <= end and period.end >= start:
                out.append(period.model_copy())
    for period in choices.custom:
        if period.start <= end and period.end >= start and reaches(period, specialty=specialty, role=role):
            out.append(period.model_copy())
    return _sorted(out)


def is_busy(day: date, periods: Iterable[BusyPeriod]) -> list[BusyPeriod]:
    """The periods that cover ``day`` (an empty list when the day is free)."""
    return [p for p in periods if p.start <= day <= p.end]
