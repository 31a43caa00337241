"""Application portals (data/portals.toml): letter limits, portal rules, writer steps and match dates.

One table serves the letter-mix check, the assignment grid, the email drafts and the request sheet, so
they always name the same limit for the portal the student chose.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from lor.busy import match_day, working_day_after
from lor.models import PORTALS, Application

PORTALS_FILE = Path(__file__).resolve().parent.parent / "data" / "portals.toml"


@dataclass(frozen=True)
class PortalRules:
    """What one portal allows, and where that comes from."""

    key: str
    limit: int  # 0: no limit we could check
    scope: str  # "per_program" or "total"
    message_ok: str
    message_fail: str
    assignment: str
    locked: str
    writer_steps: str
    source: str
    checked: str
    source_name: str = ""
    type_steps: dict[str, str] = field(default_factory=dict)  # "sloe" or "sloe/emergency_medicine" -> writer steps
    limit_with_packet: int = 0
    every_school_gets_all: bool = False
    keep_slot: bool = False  # assignments lock on applying: keep a slot free for a letter still on its way
    id_name: str = "Letter ID"  # the portal's own name for the number that matches a letter to its request
    id_where: str = "on the portal's letter request"
    pathway_default: bool = True  # False: no limit found, and the pathway's usual one (ERAS's 4) isn't this portal's
    message_no_limit: str = ""  # what the check says, as a note, when there is no limit to apply

    def assignment_rule(self, limit: int | None = None) -> str:
        """The grid's sentence about this portal's limit, naming its source."""
        text = self.assignment.format(limit=self.limit if limit is None else limit)
        return f"{text[:-1]} ({self.source_name})." if self.source_name else text


@dataclass(frozen=True)
class Match:
    """A match whose results date the outcome update to writers."""

    key: str
    name: str
    rule: str
    source: str
    checked: str
    day: str = ""
    portals: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    note: str = ""

    def results_in(self, year: int) -> date:
        """The match's results day in ``year``, from its rule (computed: the match may not have published it)."""
        if self.rule == "nrmp":
            return match_day(year)
        month, dom = (int(part) for part in self.day.split("-"))
        return working_day_after(date(year, month, dom))


@cache
def _data() -> dict[str, Any]:
    with PORTALS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    keys = [row["key"] for row in data["portal"]]
    missing = [p for p in PORTALS if p not in keys]
    if missing or len(keys) != len(set(keys)):
        raise ValueError(f"data/portals.toml needs exactly one entry per portal (missing: {missing})")
    return data


@cache
def portal_rules(portal: str) -> PortalRules:
    """The rules of one portal; an unknown portal gets those of "other"."""
    rows = {row["key"]: row for row in _data()["portal"]}
    row = rows.get(portal, rows["other"])
    return PortalRules(**{k: v for k, v in row.items() if k in PortalRules.__dataclass_fields__})


def all_portal_rules() -> list[PortalRules]:
    """Every portal's rules, in the file's order."""
    return [portal_rules(row["key"]) for row in _data()["portal"]]


def cycle() -> str:
    """The application cycle the portal facts were checked for."""
    return str(_data()["cycle"])


def checked() -> str:
    """The day the portal facts were last checked (YYYY-MM-DD)."""
    return str(_data()["checked"])


def pathway_default() -> dict[str, Any]:
    """The per-program limit used when the portal has none we could check, by pathway."""
    return dict(_data()["pathway_default"])


def letter_limit(application: Application) -> tuple[int, str, str, str, str]:
    """(limit, scope, ok message, failing message, source) for this application's portal; limit 0 = none.

    A portal with no limit of its own falls back to the pathway's usual per-program limit (residency
    and fellowship: 4), unless that limit belongs to other portals (``pathway_default = false``: SF Match).
    """
    rules = portal_rules(application.portal)
    if rules.limit:
        return rules.limit, rules.scope, rules.message_ok, rules.message_fail, rules.source
    if not rules.pathway_default:
        return 0, rules.scope, "", "", rules.source
    default = pathway_default()
    limit = int(default.get(application.pathway, 0) or 0)
    return limit, "per_program", default["message_ok"], default["message_fail"], default["source"]


def default_max_letters(portal: str) -> int:
    """How many letters one program can receive through this portal (ERAS and ResidencyCAS: 4; 10 if none)."""
    return portal_rules(portal).limit or 10


def letter_id_name(portal: str) -> str:
    """What the portal calls a letter's request number: "Letter ID" (ERAS), "AMCAS Request ID" (AMCAS)."""
    return portal_rules(portal).id_name


def writer_steps(portal: str, letter_type: str | None = None, specialty: str | None = None) -> str:
    """What the writer does to submit, for this portal and letter type (a SLOE or eSLOR has its own steps), and
    for one specialty's letter of that type when the portal sets them apart (the EM SLOE from CORD's site)."""
    steps = portal_rules(portal).type_steps
    own = steps.get(f"{letter_type}/{specialty}", "") if letter_type and specialty else ""
    return own or steps.get(letter_type or "", "") or portal_rules(portal).writer_steps


@cache
def matches() -> tuple[Match, ...]:
    """Every match whose results date the outcome update, NRMP last (it is the default)."""
    out = []
    for row in _data()["match"]:
        fields = {k: v for k, v in row.items() if k in Match.__dataclass_fields__}
        fields["portals"] = tuple(row.get("portals", ()))
        fields["specialties"] = tuple(row.get("specialties", ()))
        out.append(Match(**fields))
    return tuple(sorted(out, key=lambda m: m.rule == "nrmp"))


def match_for(application: Application) -> Match:
    """The match a residency application's results come from: SF Match, the AUA, or NRMP."""
    for match in matches():
        if application.portal in match.portals or application.specialty in match.specialties:
            return match
    return next(m for m in matches() if m.rule == "nrmp")


def results_day(application: Application, due: date) -> date:
    """The first results day of the application's match after ``due``."""
    match = match_for(application)
    if match.rule == "nrmp":
        day = match_day(due.year)
        return day if day > due else match_day(due.year + 1)
    day = match.results_in(due.year)
    if day <= due + timedelta(days=1):
        day = match.results_in(due.year + 1)
    return day
