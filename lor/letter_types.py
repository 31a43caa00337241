"""Which letter type an application needs from a writer, and which writers owe a departmental letter.

Read from the [[expects]] rows of data/letter_rules.toml: an EM attending on an EM application owes a
SLOE, the department of medicine owes the IM SEL, a dermatology attending owes the standardized letter.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lor.models import Application, Mentor

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "letter_rules.toml"

# Faculty who supervise clinical work: they can write a specialty's standardized letter.
CLINICAL_ROLES: tuple[str, ...] = (
    "attending",
    "supervisor",
    "program_director",
    "clerkship_director",
    "division_chief",
    "department_chair",
)
DEPARTMENT_ROLES: tuple[str, ...] = ("department", "department_chair")


@dataclass(frozen=True)
class Expectation:
    """One [[expects]] row: the letter type a kind of writer owes applications in some specialties."""

    specialties: tuple[str, ...]
    type: str
    roles: tuple[str, ...]
    same_specialty: bool
    notify_by: str
    prerequisite: str
    source: str
    checked: str
    pathway: str = "residency"
    every_writer: bool = False  # every clinical writer owes this type (colon and rectal surgery's SLOE)

    @property
    def departmental(self) -> bool:
        """True for a letter the department writes as a group (planned as a slot)."""
        return bool(self.roles)


@cache
def expectations() -> tuple[Expectation, ...]:
    """Every [[expects]] row, departmental rows first (they win over a same-specialty row)."""
    with RULES_FILE.open("rb") as fh:
        rows = tomllib.load(fh).get("expects", [])
    out = []
    for row in rows:
        specialty = row["specialty"]
        out.append(
            Expectation(
                specialties=(specialty,) if isinstance(specialty, str) else tuple(specialty),
                type=row["type"],
                roles=tuple(row.get("roles", ())),
                same_specialty=bool(row.get("same_specialty")),
                notify_by=row.get("notify_by", ""),
                prerequisite=row.get("prerequisite", ""),
                source=row["source"],
                checked=row["checked"],
                pathway=row.get("pathway", "residency"),
                every_writer=bool(row.get("every_writer")),
            )
        )
    return tuple(sorted(out, key=lambda e: not e.departmental))


def expectation_for(mentor: Mentor, application: Application) -> Expectation | None:
    """The row saying what this writer owes this application, or None (a narrative letter)."""
    if application.specialty is None:
        return None
    for row in expectations():
        if application.pathway != row.pathway or application.specialty not in row.specialties:
            continue
        if row.departmental and mentor.role in row.roles:
            return row
        if row.same_specialty and mentor.specialty == application.specialty and mentor.role in CLINICAL_ROLES:
            return row
        if row.every_writer and mentor.role in CLINICAL_ROLES:
            return row
    return None


def every_writer_type(application: Application) -> str | None:
    """The letter type every clinical writer owes this application, when its specialty sets one (colon and rectal
    surgery: the APDCRS SLOE, whatever the writer's own specialty); else None."""
    for row in expectations():
        if row.every_writer and row.pathway == application.pathway and application.specialty in row.specialties:
            return row.type
    return None


def expected_letter_type(mentor: Mentor, application: Application) -> str:
    """The letter type to plan with this writer: "sloe" for an EM attending on an EM application, etc."""
    if mentor.role == "committee":
        return "committee"
    row = expectation_for(mentor, application)
    return row.type if row else "narrative"


def departmental(mentor: Mentor, application: Application) -> Expectation | None:
    """The departmental letter this writer stands for on this application (IM SEL, chair letter), or None."""
    row = expectation_for(mentor, application)
    return row if row is not None and row.departmental else None


def department_letter(application: Application) -> Expectation | None:
    """The letter the application's specialty expects from a department as a group (the IM SEL), or None."""
    for row in expectations():
        wanted = row.pathway == application.pathway and application.specialty in row.specialties
        if wanted and row.departmental and "department" in row.roles:
            return row
    return None
