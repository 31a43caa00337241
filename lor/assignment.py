"""Which letters go to which program: per-program limits, required letter types, and unassigned letters.

Decision: a letter that has not arrived yet may be assigned as a *placeholder* so the student can plan
the grid ahead; it counts toward the program's limit and is flagged, because the portal itself only
lets an arrived letter be assigned (DOMAIN.md "Assignment"). Declined and withdrawn letters never can.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from lor.lifecycle import ARRIVED_STATUSES
from lor.messages import lower_label
from lor.mix import program_gaps
from lor.models import CLOSED_STATUSES, Application, LetterRequest, Mentor, Program, label, name_key
from lor.portals import default_max_letters, portal_rules
from lor.text import month_year, plural

__all__ = ["default_max_letters"]  # kept here too: pages ask the assignment module for a program's limit

Level = Literal["error", "warning", "info"]

OLD_CYCLE_DAYS = 300  # a letter that arrived this long before the deadline belongs to an earlier cycle


class AssignmentError(ValueError):
    """An assignment the rules refuse, with the rule and its source."""


@dataclass(frozen=True)
class AssignmentIssue:
    """One finding about an application's letter assignments, for one program or the whole application."""

    ok: bool
    level: Level
    message: str
    program: str | None = None


def limit_rule(application: Application, program: Program) -> str:
    """The sentence that states a program's letter limit and the portal rule behind it."""
    rules = portal_rules(application.portal)
    if rules.limit and program.max_letters == rules.limit:
        return rules.assignment_rule()
    return f"{program.name} takes at most {program.max_letters} letters (the limit entered for this program)."


def portal_rule(application: Application) -> str:
    """What the application's portal does not let the student change later ("" when nothing is known)."""
    return portal_rules(application.portal).locked


def _writer(letter: LetterRequest, mentors: dict[str, Mentor]) -> str:
    mentor = mentors.get(letter.mentor_id)
    who = mentor.name if mentor else "An unknown writer"
    if letter.letter_type == "narrative":
        return f"{who}'s letter"
    return f"{who}'s {lower_label(letter.letter_type)}"


def _a(text: str) -> str:
    return f"an {text}" if text[:1].lower() in "aeiou" else f"a {text}"  # "an IM SEL", "a SLOE"


def _find_program(application: Application, program_name: str) -> Program:
    for program in application.programs:
        if name_key(program.name) == name_key(program_name):
            return program
    raise AssignmentError(f"There is no program called “{program_name}” in {application.name}.")


def _reuse_note(
    application: Application,
    letter: LetterRequest,
    applications: dict[str, Application],
    mentors: dict[str, Mentor],
) -> str | None:
    """A note when a letter written for another specialty or an earlier cycle is reused here."""
    who = _writer(letter, mentors)
    origin = applications.get(letter.application_id)
    if origin and not letter.serves(application.id) and origin.specialty != application.specialty:
        return (
            f"{who} was written for {label(origin.specialty)}, not {label(application.specialty)}. "
            "A different specialty usually calls for a separate letter from the writer."
        )
    arrived = letter.submitted_on or (origin.deadline if origin else None)
    if arrived and arrived < application.deadline - timedelta(days=OLD_CYCLE_DAYS):
        return (
            f"{who} arrived on {month_year(arrived)}, in an earlier cycle. Ask the writer whether they would "
            "update it for this one."
        )
    return None


def _issue(level: Level, message: str, program: Program | None = None) -> AssignmentIssue:
    """One finding; errors and warnings are not ok, notes are."""
    return AssignmentIssue(ok=level == "info", level=level, message=message, program=program.name if program else None)


def _program_issues(
    application: Application, program: Program, by_id: dict[str, LetterRequest], names: dict[str, Mentor]
) -> list[AssignmentIssue]:
    """The limit, deleted letters and placeholders of one program's assignments."""
    found = [by_id[i] for i in program.assigned if i in by_id]
    out = []
    if len(program.assigned) > program.max_letters:
        out.append(
            _issue(
                "error",
                f"{program.name} has {len(program.assigned)} letters assigned. " + limit_rule(application, program),
                program,
            )
        )
    missing = len(program.assigned) - len(found)
    if missing:
        out.append(
            _issue(
                "warning",
                f"{program.name} lists {plural(missing, 'deleted letter')}. Remove them from the grid.",
                program,
            )
        )
    for letter in found:
        who = _writer(letter, names)
        if letter.status in CLOSED_STATUSES:
            status = label(letter.status).lower()
            out.append(
                _issue(
                    "error",
                    f"{who} is {status} and will never arrive. Unassign it from {program.name} and pick a backup.",
                    program,
                )
            )
        elif letter.status not in ARRIVED_STATUSES:
            out.append(
                _issue(
                    "warning",
                    f"{who} is a placeholder for {program.name}: it hasn't arrived yet, and the portal only lets "
                    "you assign a letter once it is in.",
                    program,
                )
            )
    return out


def _late_letter_slot(
    application: Application, program: Program, letters: list[LetterRequest], names: dict[str, Mentor]
) -> list[AssignmentIssue]:
    """A note when every slot of a program is taken while a letter of the application is still on its way, on a
    portal that locks assignments once you apply (ERAS): the late letter could never be added there."""
    if not portal_rules(application.portal).keep_slot or len(program.assigned) < program.max_letters:
        return []
    coming = [
        x
        for x in letters
        if x.serves(application.id)
        and x.id not in program.assigned
        and x.status not in ARRIVED_STATUSES
        and x.status not in CLOSED_STATUSES
    ]
    if not coming:
        return []
    who = " and ".join(_writer(x, names) for x in coming[:2]) + (" and others" if len(coming) > 2 else "")
    still = "is still on its way" if len(coming) == 1 else "are still on their way"
    return [
        _issue(
            "info",
            f"{program.name} has all {program.max_letters} slots taken while {who} {still}. "
            f"{label(application.portal)} locks a program's letters once you apply, so keep a slot free if the late "
            "letter should reach it.",
            program,
        )
    ]


def _required_type_issues(
    application: Application, program: Program, by_id: dict[str, LetterRequest]
) -> list[AssignmentIssue]:
    """A finding for each requirement of the program its assigned letters miss (lor.mix.program_gaps, the check
    every page shows), and for each required type assigned that hasn't arrived yet."""
    found = [by_id[i] for i in program.assigned if i in by_id]
    out = []
    for gap in program_gaps(application.model_copy(update={"programs": [program]}), list(by_id.values())):
        out.append(_issue("error" if gap.letter_type else "warning", gap.message, program))
    for letter_type in dict.fromkeys(program.required_types):
        typed = [x for x in found if x.letter_type == letter_type and x.status not in CLOSED_STATUSES]
        if typed and not any(x.status in ARRIVED_STATUSES for x in typed):
            wanted = _a(lower_label(letter_type))
            out.append(
                _issue(
                    "warning", f"{program.name} requires {wanted}; yours is assigned but hasn't arrived yet.", program
                )
            )
    return out


def check_assignments(
    application: Application,
    letters: list[LetterRequest],
    *,
    mentors: list[Mentor] | None = None,
    applications: list[Application] | None = None,
) -> list[AssignmentIssue]:
    """Findings about which letters each program receives: limits, required types, placeholders, gaps.

    ``letters`` may hold every letter of the workspace; ``mentors`` and ``applications`` (optional) give
    writers' names and let the check notice a letter reused from another specialty or cycle. The
    portal's own rule about what can't be changed later (data/portals.toml) comes last, as a note.
    """
    by_id = {letter.id: letter for letter in letters}
    names = {m.id: m for m in mentors or []}
    apps = {a.id: a for a in applications or []}
    apps.setdefault(application.id, application)
    issues: list[AssignmentIssue] = []
    if not application.programs:
        issues.append(_issue("info", "Add the programs you are applying to, to check which letters each one receives."))
    noted: set[str] = set()
    for program in application.programs:
        found = _program_issues(application, program, by_id, names)
        for letter_id in program.assigned:
            letter = by_id.get(letter_id)
            if letter is None or letter.id in noted:
                continue
            note = _reuse_note(application, letter, apps, names)
            if note:
                noted.add(letter.id)
                found.append(_issue("info", note, program))
        found += _required_type_issues(application, program, by_id)
        found += _late_letter_slot(application, program, letters, names)
        if not found:
            count = len([i for i in program.assigned if i in by_id])
            found.append(
                _issue(
                    "info", f"{program.name}: {count} of {program.max_letters} letters assigned, all arrived.", program
                )
            )
        issues += found
    if application.programs:
        assigned = {i for p in application.programs for i in p.assigned}
        for letter in letters:
            if letter.serves(application.id) and letter.status in ARRIVED_STATUSES and letter.id not in assigned:
                issues.append(
                    _issue(
                        "warning",
                        f"{_writer(letter, names)} has arrived but isn't assigned to any program. "
                        "Programs only see the letters you assign to them.",
                    )
                )
    locked = portal_rule(application)
    if locked:
        issues.append(_issue("info", f"A rule of {label(application.portal)}: {locked}"))
    return issues


def assignable_letters(application: Application, letters: list[LetterRequest]) -> list[LetterRequest]:
    """The letters the grid offers for this application: its own still in play (a letter shared with other
    applications on the portal too), plus any already assigned."""
    assigned = {i for p in application.programs for i in p.assigned}
    return [x for x in letters if x.id in assigned or (x.serves(application.id) and x.status not in CLOSED_STATUSES)]


def _letter_id(letter: LetterRequest | str) -> str:
    return letter if isinstance(letter, str) else letter.id


def _with_program(application: Application, program: Program) -> Application:
    programs = [program if p.name == program.name else p for p in application.programs]
    return application.model_copy(update={"programs": programs})


def assign(
    application: Application, program_name: str, letter: LetterRequest | str, *, letters: list[LetterRequest]
) -> Application:
    """A new Application with the letter assigned to the program; AssignmentError names the rule it breaks.

    A letter that has not arrived is allowed as a placeholder and counts toward the limit.
    """
    program = _find_program(application, program_name)
    letter_id = _letter_id(letter)
    known = {x.id: x for x in letters}
    if letter_id not in known:
        raise AssignmentError("That letter isn't in your plan any more, so it can't be assigned.")
    found = known[letter_id]
    if letter_id in program.assigned:
        return application
    if found.status in CLOSED_STATUSES:
        raise AssignmentError(
            f"This letter is {label(found.status).lower()}, so it will never arrive and can't be assigned."
        )
    if len(program.assigned) >= program.max_letters:
        raise AssignmentError(
            f"{program.name} already has {len(program.assigned)} letters. " + limit_rule(application, program)
        )
    updated = program.model_copy(update={"assigned": [*program.assigned, letter_id]})
    return _with_program(application, updated)


def unassign(application: Application, program_name: str, letter: LetterRequest | str) -> Application:
    """A new Application with the letter taken off the program (unchanged if it was not there)."""
    program = _find_program(application, program_name)
    letter_id = _letter_id(letter)
    if letter_id not in program.assigned:
        return application
    updated = program.model_copy(update={"assigned": [i for i in program.assigned if i != letter_id]})
    return _with_program(application, updated)


def add_program(application: Application, program: Program) -> Application:
    """A new Application with the program added; AssignmentError when the name is already taken."""
    taken = {name_key(p.name) for p in application.programs}
    if name_key(program.name) in taken:
        raise AssignmentError(f"{program.name} is already in {application.name}.")
    return application.model_copy(update={"programs": [*application.programs, program]})


def remove_program(application: Application, program_name: str) -> Application:
    """A new Application without the named program."""
    program = _find_program(application, program_name)
    return application.model_copy(update={"programs": [p for p in application.programs if p is not program]})


def edit_program(application: Application, program_name: str, changed: Program) -> Application:
    """A new Application with the named program replaced by ``changed`` (its name, due date, limit and required
    types); its assigned letters stay. AssignmentError for a name another program has, or a limit below the
    letters already assigned."""
    program = _find_program(application, program_name)
    others = {name_key(p.name) for p in application.programs if p is not program}
    if name_key(changed.name) in others:
        raise AssignmentError(f"{changed.name} is already in {application.name}.")
    if changed.max_letters < len(program.assigned):
        raise AssignmentError(
            f"{len(program.assigned)} letters are assigned to {program.name}; untick some before lowering its "
            f"limit to {changed.max_letters}."
        )
    updated = changed.model_copy(update={"assigned": list(program.assigned)})
    programs = [updated if p is program else p for p in application.programs]
    return application.model_copy(update={"programs": programs})
