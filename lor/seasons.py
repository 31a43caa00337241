"""Application seasons (data/seasons.toml): when each portal's programs or schools start reviewing, and so when
letters are due by default, season by season.

A date the portal published for a season is shown as published; any other is derived from the calendar's rule
(the same weekday of the same month as the last published season) and shown as estimated. A calendar with no
published date at all is the app's own estimate, and says what it rests on (its `basis`).
"""

from __future__ import annotations

import calendar as _calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from lor.models import Application

SEASONS_FILE = Path(__file__).resolve().parent.parent / "data" / "seasons.toml"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# How a season is named on each portal: ERAS 2028; ResidencyCAS 2027–28 (Liaison names cycles by two years).
_NAMES = {
    "ResidencyCAS": "{portal} {prev}–{short}",
    "AACOMAS": "{portal} {prev}–{short}",
    "TMDSAS": "TMDSAS Entry Year {season}",  # TMDSAS names a cycle by the year students enter
}


@dataclass(frozen=True)
class Calendar:
    """One portal's season calendar for one pathway (or every pathway)."""

    portal: str
    pathway: str
    event: str
    rule: dict[str, Any]
    year_offset: int
    margin_days: int
    margin_reason: str
    source: str
    checked: str
    published: dict[int, tuple[date, str]] = field(default_factory=dict)  # season -> (day, its source)
    basis: str = ""  # what the rule rests on when no season's date was published
    opens: dict[str, Any] | None = None  # the rule of the day the portal opens for the season (writers can upload)
    opens_source: str = ""

    def opens_day(self, season: int) -> date | None:
        """The day the portal opens for ``season`` (its requests reach writers from then), or None when unknown."""
        return _rule_day(self.opens, season + self.year_offset) if self.opens else None

    def event_day(self, season: int) -> tuple[date, bool, str]:
        """(the event's day in ``season``, True when the portal published it, the source of that day)."""
        if season in self.published:
            day, source = self.published[season]
            return day, True, source
        return _rule_day(self.rule, season + self.year_offset), False, self.source


@dataclass(frozen=True)
class SeasonDates:
    """A season of one portal: when its programs start reviewing, and when letters are due by default."""

    portal: str
    season: int
    event: str  # "programs start reviewing ERAS applications"
    event_day: date
    due: date  # the default "letters due by": event_day less the calendar's margin
    published: bool  # True: the portal published event_day; False: estimated from the rule
    margin_reason: str
    source: str
    checked: str
    estimated_from: str = ""  # the latest published season the estimate copies ("ERAS 2026"); "" when none was
    basis: str = ""  # what an estimate with no published season behind it rests on
    opens: date | None = None  # the day the portal opens for this season, when known
    not_found: str = ""  # later seasons looked for and not found, in words ("ERAS 2027's dates weren't found …")

    @property
    def name(self) -> str:
        """The season as its portal names it: "ERAS 2028", "ResidencyCAS 2027–28"."""
        return season_name(self.portal, self.season)

    def explained(self) -> str:
        """One sentence for the student: what the date is, and whether the portal published it, it copies the latest
        published season, or it is the app's own estimate (and what that rests on)."""
        day = f"{self.event_day:%B} {self.event_day.day}, {self.event_day.year}"
        if self.published:
            return f"In {self.name}, {self.event} on {day} (published). Letters due {self.margin_reason}."
        if self.estimated_from:
            missing = f"; {self.not_found}" if self.not_found else ""
            return (
                f"In {self.name}, {self.event} about {day} (estimated from {self.estimated_from}, the latest season "
                f"whose date the portal published{missing}; check the portal's own calendar). Letters due "
                f"{self.margin_reason}."
            )
        return (
            f"In {self.name}, {self.event} about {day}. That day is the app's estimate; no official date was found, "
            f"and it rests on {self.basis}. Check the portal's own calendar. Letters due {self.margin_reason}."
        )


def _rule_day(rule: dict[str, Any], year: int) -> date:
    month = int(rule["month"])
    if "day" in rule:
        return date(year, month, int(rule["day"]))
    weekday = _WEEKDAYS.index(str(rule["weekday"]).lower())
    nth = int(rule["nth"])
    days = [d for d in range(1, _calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    return date(year, month, days[nth - 1] if nth > 0 else days[nth])


@cache
def _data() -> dict[str, Any]:
    with SEASONS_FILE.open("rb") as fh:
        return tomllib.load(fh)


@cache
def calendars() -> tuple[Calendar, ...]:
    """Every [[calendar]] of data/seasons.toml."""
    out = []
    for row in _data()["calendar"]:
        published = {
            int(p["season"]): (date.fromisoformat(p["day"]), str(p["source"])) for p in row.get("published", [])
        }
        out.append(
            Calendar(
                portal=row["portal"],
                pathway=row["pathway"],
                event=row["event"],
                rule=dict(row["rule"]),
                year_offset=int(row.get("year_offset", 0)),
                margin_days=int(row.get("margin_days", 0)),
                margin_reason=str(row.get("margin_reason", "")),
                source=row["source"],
                checked=row["checked"],
                published=published,
                basis=str(row.get("basis", "")),
                opens=dict(row["opens"]) if "opens" in row else None,
                opens_source=str(row.get("opens_source", "")),
            )
        )
    return tuple(out)


def calendar_for(portal: str, pathway: str) -> Calendar | None:
    """The calendar that dates applications on ``portal`` for ``pathway``, or None (no portal calendar)."""
    for cal in calendars():
        if cal.portal == portal and cal.pathway in (pathway, "any"):
            return cal
    return None


def season_name(portal: str, season: int) -> str:
    """ "ERAS 2028"; a portal that names its cycles by two years: "ResidencyCAS 2027–28"."""
    form = _NAMES.get(portal, "{portal} {season}")
    return form.format(portal=portal, season=season, prev=season - 1, short=f"{season % 100:02d}")


def season_dates(portal: str, pathway: str, season: int) -> SeasonDates | None:
    """The dates of ``season`` on ``portal`` for ``pathway``; None when the portal has no calendar here."""
    cal = calendar_for(portal, pathway)
    if cal is None:
        return None
    day, published, source = cal.event_day(season)
    return SeasonDates(
        portal=portal,
        season=season,
        event=cal.event,
        event_day=day,
        due=day - timedelta(days=cal.margin_days),
        published=published,
        margin_reason=cal.margin_reason,
        source=source,
        checked=cal.checked,
        estimated_from="" if published or not cal.published else season_name(portal, max(cal.published)),
        basis=cal.basis,
        opens=cal.opens_day(season),
        not_found=_not_found(cal, season) if not published else "",
    )


def _not_found(cal: Calendar, season: int) -> str:
    """The seasons between the latest published one and ``season`` whose dates were looked for and not found."""
    if not cal.published:
        return ""
    missing = [season_name(cal.portal, s) for s in range(max(cal.published) + 1, season)]
    if not missing:
        return ""
    return f"{' and '.join(missing)}'s dates were not found when the app's data was last checked"


def upcoming_seasons(portal: str, pathway: str, today: date, count: int = 2) -> list[SeasonDates]:
    """The next ``count`` seasons whose letters are not yet due (the first is the default), earliest first."""
    if calendar_for(portal, pathway) is None:
        return []
    out: list[SeasonDates] = []
    season = today.year - 1
    while len(out) < count and season < today.year + 10:
        dates = season_dates(portal, pathway, season)
        if dates is not None and dates.due > today:
            out.append(dates)
        season += 1
    return out


def application_season(application: Application) -> SeasonDates | None:
    """The season an application belongs to, with its dates; None when it has none or its portal has no calendar."""
    if application.season is None:
        return None
    return season_dates(application.portal, application.pathway, application.season)


def season_caption(application: Application) -> str:
    """The application's season and its due date in one line ("ERAS 2028 · letters due by your own date"),
    or "" when it has no season."""
    dates = application_season(application)
    if dates is None:
        return ""
    due = application.deadline
    mark = "published" if dates.published else "estimated"
    if due == dates.due:
        return f"{dates.name} · letters due {due:%b} {due.day}, {due.year} (the season's date, {mark})"
    own = f"{dates.name} · letters due {due:%b} {due.day}, {due.year}"
    return f"{own} (your own date; the season's date is {dates.due:%b} {dates.due.day}, {dates.due.year}, {mark})"


def due_is_estimate(application: Application, due: date) -> bool:
    """True when ``due`` is the season's default date and the portal hasn't published that season's dates (the
    app estimated it): every place that shows the date says so."""
    dates = application_season(application)
    return dates is not None and not dates.published and due == dates.due


def portal_opens_after(application: Application, today: date) -> date | None:
    """The day the application's portal opens for its season when that is still after ``today`` (a writer asked
    now gets the portal's request only then); None when it is open already or the day is unknown."""
    dates = application_season(application)
    if dates is None or dates.opens is None or dates.opens <= today:
        return None
    return dates.opens


# What an application of each pathway might be called, for the Add form's placeholder ({season}: the next season's
# name on the pathway's usual portal).
_NAME_EXAMPLES = {
    "medical_school": ("AMCAS", "MD schools, {season}", "MD schools"),
    "residency": ("ERAS", "Internal medicine, {season}", "Internal medicine residency"),
    "fellowship": ("ERAS", "Cardiology fellowship, {season}", "Cardiology fellowship"),
}


def application_name_example(pathway: str, today: date) -> str:
    """A name that fits the pathway, for the Add form: "MD schools, AMCAS 2028", "Internal medicine, ERAS 2028"."""
    if pathway not in _NAME_EXAMPLES:
        return {"job": "Hospitalist position", "scholarship": "Research scholarship"}.get(pathway, "Research year")
    portal, form, plain = _NAME_EXAMPLES[pathway]
    upcoming = upcoming_seasons(portal, pathway, today)
    return form.format(season=upcoming[0].name) if upcoming else plain


NEXT_SEASON: int = 0  # the Add form's first season choice: the next one the portal still takes letters for


def season_choices(today: date) -> list[int]:
    """The Add form's season choices: the next season whichever the portal, then the next three years by name."""
    return [NEXT_SEASON, today.year + 1, today.year + 2, today.year + 3]


def season_choice_label(choice: int) -> str:
    """ "The next season its portal takes letters for", "2028 (you apply in 2027)"."""
    if choice == NEXT_SEASON:
        return "The next season its portal takes letters for"
    return f"{choice} (you apply in {choice - 1})"


def resolve_season(
    portal: str, pathway: str, choice: int, deadline: date | None, today: date
) -> tuple[int | None, date | None, str | None]:
    """(the season, the letters' due date, a reason it can't be added) for an application being added: the due
    date entered wins; left empty, it is the season's date from the portal's calendar."""
    if choice == NEXT_SEASON:
        upcoming = upcoming_seasons(portal, pathway, today, count=1)
        dates = upcoming[0] if upcoming else None
    else:
        dates = season_dates(portal, pathway, choice)
    season = dates.season if dates else (None if choice == NEXT_SEASON else choice)
    if deadline is not None:
        return season, deadline, None
    if dates is None:
        return (
            season,
            None,
            (
                f"choose the day letters are due: {portal if portal != 'other' else 'this kind of application'} has no "
                "season calendar the app knows."
            ),
        )
    if dates.due <= today:
        return (
            season,
            None,
            (
                f"the letters for {dates.name} were due {dates.due:%B} {dates.due.day}, {dates.due.year}. Choose a "
                "later season, or enter your own due date."
            ),
        )
    return season, dates.due, None


@dataclass(frozen=True)
class Intake:
    """The usual deadline of a committee or department for the student's materials."""

    day: date
    what: str
    source: str
    checked: str


def usual_intake(role: str, due: date) -> Intake | None:
    """When a committee (role "committee") or department ("department") usually needs the student's materials, for
    letters due on ``due``: the placeholder of data/seasons.toml [intake], in the season of that due date."""
    row = _data().get("intake", {}).get(role)
    if row is None:
        return None
    # The placeholder is in the year before the season; a due date in the season's own calendar year is in the
    # year after that placeholder's year - so count from the due date: the latest such day before it.
    day = date(due.year, int(row["month"]), int(row["day"]))
    if day >= due:
        day = date(due.year - 1, int(row["month"]), int(row["day"]))
    return Intake(day=day, what=str(row["what"]), source=str(row["source"]), checked=str(_data()["intake"]["checked"]))


def rules_season() -> str:
    """The seasons the app's rules were last checked for, in words (shown in the FAQ and beside the mix)."""
    return str(_data()["rules_season"])


def rules_season_line() -> str:
    """The one line shown wherever rules are (the FAQ, the letter mix): which season they were checked for."""
    return f"These rules follow {rules_season()}."


def checked() -> str:
    """The day data/seasons.toml was last checked (YYYY-MM-DD)."""
    return str(_data()["checked"])
