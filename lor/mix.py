"""The letter mix an application needs, checked against the rules in data/letter_rules.toml.

Long on purpose: every check a student, an advisor and a desk see (the letter mix, a program's unmet requirement,
the suggestions that answer each) is made here, so the pages can never disagree about what is missing.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from lor.models import (
    CLOSED_STATUSES,
    Application,
    LetterRequest,
    Mentor,
    MentorScore,
    MixCheck,
    MixReport,
    label,
    label_in_sentence,
)
from lor.portals import letter_limit, pathway_default, portal_rules
from lor.scoring import CLINICAL_ROLES, active_letters, can_write, is_letter_source, knows_you_well, rank_mentors
from lor.text import full_date, plural
from lor.timing import months_before

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "letter_rules.toml"

COMMON_FIELDS = (
    "id",
    "pathway",
    "required",
    "kind",
    "summary",
    "message_ok",
    "message_fail",
    "suggest",
    "source",
    "checked",
)
PATHWAYS_WITH_ANY = ("medical_school", "residency", "fellowship", "job", "scholarship", "research", "any")
STAND_IN_TYPES = ("committee", "packet")
PHYSICIAN_ROLES = ("attending", "program_director", "clerkship_director", "division_chief", "department_chair")

Fixer = Callable[[Mentor], bool]


@cache
def _load(path: str) -> tuple[dict, ...]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    rules = []
    seen: set[str] = set()
    for raw in data.get("rule", []):
        rule = dict(raw)
        kind_fields = _KINDS[rule["kind"]][0] if rule.get("kind") in _KINDS else ()
        missing = [f for f in (*COMMON_FIELDS, *kind_fields) if f not in rule]
        if missing:
            raise ValueError(f"Rule {rule.get('id', '?')} in {path} lacks {', '.join(missing)}")
        if rule["kind"] not in _KINDS:
            raise ValueError(f"Rule {rule['id']} has an unknown kind {rule['kind']!r}")
        if rule.get("optional") and "message_optional" not in rule:
            raise ValueError(f"Rule {rule['id']} is optional but has no message_optional")
        if rule["pathway"] not in PATHWAYS_WITH_ANY:
            raise ValueError(f"Rule {rule['id']} has an unknown pathway {rule['pathway']!r}")
        if rule["id"] in seen:
            raise ValueError(f"Rule id {rule['id']} appears twice in {path}")
        seen.add(rule["id"])
        specialty = rule.get("specialty")
        rule["specialties"] = [specialty] if isinstance(specialty, str) else list(specialty or [])
        rule["candidate_suggestion"] = data.get("candidate_suggestion", "")
        rule["candidate_suggestion_weak"] = data.get("candidate_suggestion_weak", "")
        rule["candidate_suggestion_source"] = data.get("candidate_suggestion_source", "")
        rule.setdefault("committee_message", data.get("committee_message", ""))  # a rule's own names its check
        rules.append(rule)
    return tuple(rules)


def load_rules(path: str | Path | None = None) -> list[dict]:
    """Every letter-mix rule from the rules file, as dicts with `id`, `summary`, `source` and the rest."""
    return copy.deepcopy(list(_load(str(path or RULES_PATH))))


def rules_for(pathway: str, specialty: str | None = None) -> list[dict]:
    """The rules that apply to one pathway and specialty (rules for every pathway included)."""
    return copy.deepcopy(
        [
            rule
            for rule in _load(str(RULES_PATH))
            if rule["pathway"] in (pathway, "any") and (not rule["specialties"] or specialty in rule["specialties"])
        ]
    )


# The portal a pathway's applications usually go through, when no rule names one for the specialty.
USUAL_PORTALS: dict[str, str] = {"medical_school": "AMCAS", "residency": "ERAS", "fellowship": "ERAS"}


def usual_portal(pathway: str, specialty: str | None = None) -> str:
    """The portal this pathway and specialty's programs take letters through: the one a `portal_is` rule names
    (emergency medicine: ResidencyCAS; ophthalmology: SF Match), else the pathway's usual one, else "other"."""
    for rule in rules_for(pathway, specialty):
        if rule["kind"] == "portal_is":
            return str(rule["expected"])
    return USUAL_PORTALS.get(pathway, "other")


def check_mix(
    application: Application,
    mentors: Iterable[Mentor],
    *,
    letter_types: Mapping[str, str | Iterable[str]] | None = None,
    candidates: Iterable[Mentor] | None = None,
    today: date | None = None,
    ranked: Sequence[tuple[Mentor, MentorScore]] | None = None,
) -> MixReport:
    """Each letter-mix check for this application and set of writers, and what to add.

    ``letter_types`` maps a mentor id to the letter type they write (or a list, when they write two);
    a writer not listed writes a narrative letter. With ``candidates``, a failing check names the
    best-scoring unused candidate who would fix it; ``today`` dates their scores (the deadline otherwise)
    and limits "recent" clinical work. ``ranked``, when the caller has it, is rank_mentors of the candidates
    (or more mentors) for this application and day, so they are not scored a second time.
    """
    writers = list({m.id: m for m in mentors}.values())
    types = _types_by_mentor(writers, letter_types)
    pool = [m for m in (candidates or []) if m.id not in types and not m.unavailable]
    named: set[str] = set()  # each candidate is suggested for one gap at most
    pool_ranked: list[tuple[Mentor, MentorScore]] = []  # the pool, best first: scored once, at the first gap

    def ranking() -> list[tuple[Mentor, MentorScore]]:
        if not pool_ranked:
            in_pool = {m.id for m in pool}
            pool_ranked.extend(
                [pair for pair in ranked if pair[0].id in in_pool]
                if ranked is not None
                else rank_mentors(pool, application, today=today or application.deadline)
            )
        return pool_ranked

    checks: list[MixCheck] = []
    suggestions: list[str] = []
    for rule in rules_for(application.pathway, application.specialty):
        if not _applies(rule, application):
            continue
        result = _evaluate(rule, _Case(rule, application, writers, types, today))
        if rule.get("optional") and not result.ok:
            # An optional letter not planned: worth knowing about, never a gap to fill.
            result = _Result(True, result.values, message="message_optional", note=True)
        texts = {**rule, **rule.get("by_portal", {}).get(application.portal, {})}  # a portal's own wording wins
        key = result.message or ("message_ok" if result.ok else "message_fail")
        message = _fill(texts.get(key, key), result.values)
        checks.append(
            MixCheck(
                rule=rule["id"],
                ok=result.ok,
                required=rule["required"],
                message=message,
                source=result.source or rule["source"],
                checked=result.checked or rule["checked"],
                note=result.note,
            )
        )
        if result.ok:
            continue
        suggestion = _fill(texts["suggest"], result.values)
        if result.fixer is not None and pool:
            best = _best_candidate([(m, sc) for m, sc in ranking() if m.id not in named], result.fixer)
            if best is not None:
                named.add(best["id"])
                template = rule[
                    "candidate_suggestion_source"
                    if best["source"]
                    else "candidate_suggestion_weak"
                    if best["tier"] == "weak"
                    else "candidate_suggestion"
                ]
                suggestion += " " + _fill(template, best)
        suggestions.append(suggestion)
    return MixReport(ok=all(c.ok for c in checks if c.required), checks=checks, suggestions=suggestions)


def letter_types_for(letters: Iterable[LetterRequest]) -> dict[str, list[str]]:
    """Mentor id -> the letter types they write, from a set of letters."""
    out: dict[str, list[str]] = {}
    for letter in letters:
        out.setdefault(letter.mentor_id, []).append(letter.letter_type)
    return out


def declined_writers(letters: Iterable[LetterRequest], application_id: str) -> set[str]:
    """The ids of the writers who said no to a letter for this application."""
    return {x.mentor_id for x in letters if x.serves(application_id) and x.status == "declined"}


def mix_for_letters(
    application: Application,
    mentors: Iterable[Mentor],
    letters: Iterable[LetterRequest],
    *,
    today: date,
    ranked: Sequence[tuple[Mentor, MentorScore]] | None = None,
) -> MixReport:
    """The mix report of an application's active letters; every other mentor is a candidate to suggest
    (``ranked``: rank_mentors of ``mentors`` for this application and day, when the caller has it)."""
    mentors, letters = list(mentors), list(letters)
    active = active_letters(letters, application.id)
    # A letter a committee gathers goes into the committee letter: one entry on the portal, not one each.
    committees = {x.mentor_id for x in active if x.letter_type in STAND_IN_TYPES}
    active = [x for x in active if x.via is None or x.via not in committees]
    types = letter_types_for(active)
    writers = [m for m in mentors if m.id in types]
    # A writer who said no to this application is never suggested for it again (they still count once they agree
    # to another letter for it).
    declined = declined_writers(letters, application.id) - set(types)
    candidates = [m for m in mentors if m.id not in declined]
    if ranked is not None:
        ranked = [(m, sc) for m, sc in ranked if m.id not in declined]
    report = check_mix(application, writers, letter_types=types, candidates=candidates, today=today, ranked=ranked)
    gaps = program_gaps(application, letters)
    if gaps:
        report = report.model_copy(
            update={
                "ok": False,
                "checks": [*report.checks, *(gap.check() for gap in gaps)],
                "suggestions": [*report.suggestions, PROGRAM_GAP_SUGGESTION],
            }
        )
    if not active:
        # Before any letter is planned, advice that "passes" says nothing ("0 letters: within the limit").
        report = report.model_copy(update={"checks": [c for c in report.checks if c.required or not c.ok]})
    return report


PROGRAM_GAP_RULE = "program-assigned"  # the MixCheck of a program's unmet requirement (lor.mix.program_gaps)
PROGRAM_GAP_SOURCE = (
    'The programs and their requirements entered under Letters → Assign to programs; AAMC, "ERAS for Letter '
    'Writers FAQ" (a program sees only the letters assigned to it), '
    "https://www.aamc.org/services/eras-institutions/eras-letter-writers-faq"
)
PROGRAM_GAP_SUGGESTION = "Assign letters to every program under Letters → Assign to programs."


@dataclass(frozen=True)
class ProgramGap:
    """One program's unmet requirement: no letter assigned to it, or a required letter type none of its assigned
    letters is. The one source of this check for the Letters tab, the mix panel, the Dashboard, the report and the
    advisor desk."""

    program: str
    message: str  # the sentence: "Riverside University IM Residency requires an IM SEL, and none is assigned."
    short: str  # for a list of reasons: "Riverside University IM Residency requires an IM SEL, none assigned"
    letter_type: str | None = None  # the required type missing; None when no letter at all is assigned

    def check(self) -> MixCheck:
        """The gap as a failing required letter-mix check."""
        return MixCheck(rule=PROGRAM_GAP_RULE, ok=False, required=True, message=self.message, source=PROGRAM_GAP_SOURCE)


def program_gaps(application: Application, letters: Iterable[LetterRequest]) -> list[ProgramGap]:
    """Every program of the application whose assigned letters (not declined or withdrawn) miss a requirement:
    none at all, or none of a letter type the program requires. A letter assigned before it arrived counts here
    (the Letters tab flags it as a placeholder)."""
    by_id = {x.id: x for x in letters}
    gaps = []
    for program in application.programs:
        live = [by_id[i] for i in program.assigned if i in by_id and by_id[i].status not in CLOSED_STATUSES]
        if not live:
            gaps.append(
                ProgramGap(
                    program.name,
                    f"{program.name}: 0 of {program.max_letters} letters assigned. A program sees only the letters "
                    "assigned to it.",
                    f"{program.name}: no letters assigned",
                )
            )
        for letter_type in dict.fromkeys(program.required_types):
            if not any(x.letter_type == letter_type for x in live):
                kind = short_letter_type(letter_type)
                gaps.append(
                    ProgramGap(
                        program.name,
                        f"{program.name} requires {_a(label_in_sentence(letter_type))}, and none is assigned.",
                        f"{program.name} requires {_a(kind)}, none assigned",
                        letter_type,
                    )
                )
    return gaps


def _a(text: str) -> str:
    return f"an {text}" if text[:1].lower() in "aeiou" else f"a {text}"  # "an IM SEL", "a SLOE"


def short_letter_type(letter_type: str) -> str:
    """A letter type's label without its explanation: "IM SEL", not "IM SEL (departmental letter)"."""
    return label_in_sentence(letter_type).split(" (", 1)[0]


PICK_SPECIALTY = ("residency", "fellowship")


def deadline_problem(deadline: date, today: date) -> str | None:
    """The sentence refusing a due date already past (a new application's, or an edit of one); None when it's fine."""
    if deadline < today:
        return f"The deadline {full_date(deadline)} has already passed. Choose a date from today on."
    return None


def application_problems(application: Application, today: date) -> list[str]:
    """Plain sentences about what stops a new application from being saved (empty when it is fine)."""
    problems = []
    past = deadline_problem(application.deadline, today)
    if past:
        problems.append(past)
    transitional = application.pathway == "residency" and application.track == "transitional"
    if application.pathway in PICK_SPECIALTY and application.specialty is None and not transitional:
        problems.append(f"Choose a specialty: {label(application.pathway).lower()} letters depend on it.")
    return problems


def _applies(rule: dict, application: Application) -> bool:
    """False for a rule with nothing to check here (another portal; not academic; no limit; no program types)."""
    if rule.get("portals") and application.portal not in rule["portals"]:
        return False
    if application.portal in rule.get("except_portals", ()):
        return False  # TMDSAS sets no writer types: the science/non-science rules don't apply there
    if rule.get("when_academic") and not application.academic:
        return False
    if rule.get("when_osteopathic") and not application.osteopathic_recognition:
        return False
    if rule.get("tracks") and application.pathway == "residency" and application.track not in rule["tracks"]:
        return False  # a preliminary or transitional year: no departmental letter, no specialty of its own
    if rule["kind"] == "portal_limit":  # no limit: nothing to check, unless the portal says so as a note
        return letter_limit(application)[0] > 0 or bool(portal_rules(application.portal).message_no_limit)
    if rule["kind"] == "program_types":
        return any(p.required_types for p in application.programs)
    return True


def _types_by_mentor(writers: list[Mentor], letter_types: Mapping | None) -> dict[str, list[str]]:
    given = {str(k): v for k, v in (letter_types or {}).items()}
    out = {}
    for m in writers:
        value = given.get(m.id, "narrative")
        out[m.id] = [value] if isinstance(value, str) else [str(v) for v in value] or ["narrative"]
    return out


@dataclass(frozen=True)
class _Case:
    """What a rule kind sees: the rule, the application, its writers and the letter types they write."""

    rule: dict
    application: Application
    writers: list[Mentor]
    types: dict[str, list[str]]
    today: date | None

    @property
    def letters(self) -> int:
        return sum(len(t) for t in self.types.values())

    @property
    def all_types(self) -> list[str]:
        return [t for ts in self.types.values() for t in ts]

    @property
    def stand_in_packet(self) -> bool:
        """True when the writers include a committee letter or letter packet."""
        return any(m.role == "committee" for m in self.writers) or any(t in STAND_IN_TYPES for t in self.all_types)

    @property
    def stand_in(self) -> bool:
        """True when the rule lets a committee letter or packet cover it and the writers include one."""
        return bool(self.rule.get("committee_stands_in")) and self.stand_in_packet

    def values(self, **more: object) -> dict:
        base = {
            "count": self.letters,
            "min": self.rule.get("min", ""),
            "max": self.rule.get("max", ""),
            "limit": self.rule.get("max", ""),
            "specialty": _field_words(self.application.specialty),
            "names": "",
            "missing": "",
            "portal": self.application.portal,
        }
        return {**base, **more}


@dataclass(frozen=True)
class _Result:
    """Whether a rule passes, the values for its message, and who would fix it (None: nobody to suggest)."""

    ok: bool
    values: dict
    fixer: Fixer | None = None
    message: str = ""  # a message key other than message_ok / message_fail, or a full template
    source: str = ""  # the page behind this result, when it is not the rule's own (a portal's limit)
    checked: str = ""
    note: bool = False  # something to know, not to meet (an optional letter, a practice not confirmed)


_KINDS: dict[str, tuple[tuple[str, ...], Callable[[_Case], _Result]]] = {}


def _kind(name: str, *fields: str) -> Callable[[Callable[[_Case], _Result]], Callable[[_Case], _Result]]:
    """Register the check for one rule kind and the fields its rules must have."""

    def register(check: Callable[[_Case], _Result]) -> Callable[[_Case], _Result]:
        _KINDS[name] = (fields, check)
        return check

    return register


@_kind("letter_count", "min")
def _letter_count(case: _Case) -> _Result:
    if case.stand_in:
        return _Result(True, case.values(), message="committee_message")
    too_few = case.letters < case.rule["min"]
    too_many = "max" in case.rule and case.letters > case.rule["max"]
    # One more letter is best from someone who knows your work well: the suggestion names no one else.
    return _Result(not (too_few or too_many), case.values(), knows_you_well if too_few else None)


@_kind("max_letters", "max")
def _max_letters(case: _Case) -> _Result:
    limit = case.rule["max"]
    if case.rule.get("per_program") and case.application.programs:
        limit = min(limit, *(p.max_letters for p in case.application.programs))
    return _Result(case.letters <= limit, case.values(limit=limit))


@_kind("portal_limit")
def _portal_limit(case: _Case) -> _Result:
    limit, scope, message_ok, message_fail, source = letter_limit(case.application)
    rules = portal_rules(case.application.portal)
    if not limit:  # SF Match: no limit was found, and ERAS's 4 is not its own
        return _Result(
            True, case.values(), message=rules.message_no_limit, source=source, checked=rules.checked, note=True
        )
    if case.stand_in_packet and rules.limit_with_packet:
        limit = rules.limit_with_packet
    if scope == "per_program" and case.application.programs:
        limit = min(limit, *(p.max_letters for p in case.application.programs))
    ok = case.letters <= limit
    checked = rules.checked if rules.limit else str(pathway_default().get("checked", ""))
    # The check cites the portal's own page, not the file the limit is stored in.
    return _Result(
        ok, case.values(limit=limit), message=message_ok if ok else message_fail, source=source, checked=checked
    )


@_kind("min_role", "min")
def _min_role(case: _Case) -> _Result:
    roles, wanted = case.rule.get("roles", []), case.rule.get("types", [])
    matching = [m for m in case.writers if m.role in roles or any(t in wanted for t in case.types[m.id])]
    values = case.values(count=len(matching))
    if case.stand_in:
        return _Result(True, values, message="committee_message")

    def fixer(m: Mentor) -> bool:
        if "suggest_roles" in case.rule:  # the suggestion names a kind of writer ("your department of medicine")
            return m.role in case.rule["suggest_roles"]
        return m.role in roles or any(can_write(m, t, case.application) for t in wanted)

    return _Result(len(matching) >= case.rule["min"], values, fixer)


@_kind("min_specialty", "min", "message_no_specialty")
def _min_specialty(case: _Case) -> _Result:
    if case.application.specialty is None:
        return _Result(False, case.values(count=0), message="message_no_specialty")
    excluded, skip_types = case.rule.get("exclude_roles", []), set(case.rule.get("exclude_types", []))

    def in_field(m: Mentor) -> bool:
        return m.specialty == case.application.specialty and m.role not in excluded

    def fixer(m: Mentor) -> bool:
        # Suggested as "an attending in your specialty who worked closely with you": a person who did.
        return in_field(m) and knows_you_well(m)

    count = sum(1 for m in case.writers if in_field(m) and not set(case.types[m.id]) <= skip_types)
    return _Result(count >= case.rule["min"], case.values(count=count), fixer)


@_kind("min_type", "types", "min")
def _min_type(case: _Case) -> _Result:
    wanted = case.rule["types"]
    in_field = case.rule.get("writer_in_specialty")
    field = case.application.specialty
    count = sum(
        1
        for m in case.writers
        for t in case.types[m.id]
        if t in wanted and (not in_field or (m.specialty == field and m.role != "resident"))
    )
    return _Result(
        count >= case.rule["min"],
        case.values(count=count),
        lambda m: any(can_write(m, t, case.application) for t in wanted),
    )


@_kind("off_service", "type")
def _off_service(case: _Case) -> _Result:
    field = case.application.specialty
    names = [m.name for m in case.writers if case.rule["type"] in case.types[m.id] and m.specialty != field]
    return _Result(not names, case.values(names=", ".join(names)))


@_kind("portal_is", "expected")
def _portal_is(case: _Case) -> _Result:
    return _Result(case.application.portal == case.rule["expected"], case.values(portal=label(case.application.portal)))


@_kind("only_types", "types")
def _only_types(case: _Case) -> _Result:
    wanted = case.rule["types"]
    others = [m.name for m in case.writers if any(t not in wanted for t in case.types[m.id])]
    return _Result(not others, case.values(names=", ".join(others)))


@_kind("note")
def _note(case: _Case) -> _Result:
    return _Result(True, case.values(), note=True)


@_kind("physician", "min", "message_no_degree")
def _physician(case: _Case) -> _Result:
    degree = case.rule.get("degree")

    def physician(m: Mentor) -> bool:
        return m.degree in ("MD", "DO") or (m.role in PHYSICIAN_ROLES and m.degree in ("", "MD", "DO"))

    def fixer(m: Mentor) -> bool:
        return m.degree == degree if degree else physician(m)

    doctors = [m for m in case.writers if physician(m)]
    wanted = [m for m in doctors if fixer(m)]
    names = ", ".join(f"{m.name} ({m.degree})" if m.degree else m.name for m in (wanted or doctors))
    values = case.values(count=len(wanted), names=names)
    if len(wanted) >= case.rule["min"]:
        return _Result(True, values)
    if doctors and not degree:
        return _Result(True, values, message="message_no_degree")
    return _Result(False, values, fixer)


@_kind("no_role", "roles")
def _no_role(case: _Case) -> _Result:
    offenders = [m.name for m in case.writers if m.role in case.rule["roles"]]
    return _Result(not offenders, case.values(names=", ".join(offenders)))


@_kind("exclusive_type", "type", "conflicts")
def _exclusive_type(case: _Case) -> _Result:
    rule = case.rule
    both = [
        m.name
        for m in case.writers
        if rule["type"] in case.types[m.id] and set(case.types[m.id]) & set(rule["conflicts"])
    ]
    return _Result(not both, case.values(names=", ".join(both)))


@_kind("recent_clinical", "min", "months")
def _recent_clinical(case: _Case) -> _Result:
    since = months_before(case.today, case.rule["months"]) if case.today else None

    def fixer(m: Mentor) -> bool:
        last = m.last_contact()
        return m.role in CLINICAL_ROLES and (since is None or (last is not None and last >= since))

    count = sum(1 for m in case.writers if fixer(m))
    return _Result(count >= case.rule["min"], case.values(count=count), fixer)


@_kind("program_types")
def _program_types(case: _Case) -> _Result:
    missing_types: set[str] = set()
    gaps = []
    for program in case.application.programs:
        lacking = [t for t in program.required_types if t not in case.all_types]
        if lacking:
            missing_types.update(lacking)
            gaps.append(f"{program.name} needs {', '.join(label(t) for t in lacking)}")
    return _Result(
        not gaps,
        case.values(missing="; ".join(gaps)),
        lambda m: any(can_write(m, t, case.application) for t in missing_types),
    )


def _evaluate(rule: dict, case: _Case) -> _Result:
    """The registered check of the rule's kind."""
    return _KINDS[rule["kind"]][1](case)


def _best_candidate(ranked: list[tuple[Mentor, MentorScore]], fixer: Fixer) -> dict | None:
    """The best-scoring candidate (``ranked``: best first) who would fix a check, as values for the suggestion."""
    for mentor, score in ranked:
        if fixer(mentor):
            role = "" if mentor.role == "other" or is_letter_source(mentor) else label_in_sentence(mentor.role)
            return {
                "name": mentor.name,
                "who": f"{mentor.name} ({role})" if role else mentor.name,  # what kind of writer they are
                "score": score.score,
                "tier": score.tier,
                "id": mentor.id,
                "source": is_letter_source(mentor),
            }
    return None


def _field_words(specialty: str | None) -> str:
    # "Internal medicine" reads as "internal medicine" mid-sentence; "OB/GYN" keeps its capitals.
    text = label(specialty) if specialty else "your specialty"
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: Mapping) -> str:
    count = values.get("count")
    letters = (
        {
            "letters": plural(count, "letter"),
            "entries": plural(count, "letter entry", "letter entries"),
            "evaluations": plural(count, "evaluation"),
        }
        if isinstance(count, int)
        else {}
    )
    return template.format_map(_Values({**values, **letters}))
