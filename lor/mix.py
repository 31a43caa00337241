"""The letter mix an application needs, checked against the rules in data/letter_rules.toml."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path

from lor.models import Application, LetterRequest, Mentor, MixCheck, MixReport, label
from lor.scoring import CLINICAL_ROLES, active_letters, can_write, months_before, rank_mentors

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "letter_rules.toml"

# What each kind of rule needs besides the fields every rule has.
KINDS: dict[str, tuple[str, ...]] = {
    "letter_count": ("min",),
    "max_letters": ("max",),
    "min_role": ("min",),
    "min_specialty": ("min", "message_no_specialty"),
    "min_type": ("types", "min"),
    "no_role": ("roles",),
    "exclusive_type": ("type", "conflicts"),
    "recent_clinical": ("min", "months"),
    "program_types": (),
}
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
)
PATHWAYS_WITH_ANY = ("medical_school", "residency", "fellowship", "job", "scholarship", "research", "any")
STAND_IN_TYPES = ("committee", "packet")

Fixer = Callable[[Mentor], bool]


@cache
def _load(path: str) -> tuple[dict, ...]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    rules = []
    seen: set[str] = set()
    for raw in data.get("rule", []):
        rule = dict(raw)
        missing = [f for f in (*COMMON_FIELDS, *KINDS.get(rule.get("kind", ""), ())) if f not in rule]
        if missing:
            raise ValueError(f"Rule {rule.get('id', '?')} in {path} lacks {', '.join(missing)}")
        if rule["kind"] not in KINDS:
            raise ValueError(f"Rule {rule['id']} has an unknown kind {rule['kind']!r}")
        if rule["pathway"] not in PATHWAYS_WITH_ANY:
            raise ValueError(f"Rule {rule['id']} has an unknown pathway {rule['pathway']!r}")
        if rule["id"] in seen:
            raise ValueError(f"Rule id {rule['id']} appears twice in {path}")
        seen.add(rule["id"])
        specialty = rule.get("specialty")
        rule["specialties"] = [specialty] if isinstance(specialty, str) else list(specialty or [])
        rule["candidate_suggestion"] = data.get("candidate_suggestion", "")
        rule["committee_message"] = data.get("committee_message", "")
        rules.append(rule)
    return tuple(rules)


def load_rules(path: str | Path | None = None) -> list[dict]:
    """Every letter-mix rule from the rules file, as dicts with `id`, `summary`, `source` and the rest."""
    return copy.deepcopy(list(_load(str(path or RULES_PATH))))


def rules_for(pathway: str, specialty: str | None = None) -> list[dict]:
    """The rules that apply to one pathway and specialty (rules for every pathway included)."""
    return [
        rule
        for rule in load_rules()
        if rule["pathway"] in (pathway, "any") and (not rule["specialties"] or specialty in rule["specialties"])
    ]


def check_mix(
    application: Application,
    mentors: Iterable[Mentor],
    *,
    letter_types: Mapping[object, str | Iterable[str]] | None = None,
    candidates: Iterable[Mentor] | None = None,
    today: date | None = None,
) -> MixReport:
    """Each letter-mix check for this application and set of writers, and what to add.

    ``letter_types`` maps a mentor id to the letter type they write (or a list, when they write two);
    a writer not listed writes a narrative letter. With ``candidates``, a failing check names the
    best-scoring unused candidate who would fix it; ``today`` dates their scores (the deadline otherwise)
    and limits "recent" clinical work.
    """
    writers = list({m.id: m for m in mentors}.values())
    types = _types_by_mentor(writers, letter_types)
    pool = [m for m in (candidates or []) if m.id not in types and not m.unavailable]
    checks: list[MixCheck] = []
    suggestions: list[str] = []
    for rule in rules_for(application.pathway, application.specialty):
        if not _applies(rule, application):
            continue
        ok, message_key, values, fixer = _evaluate(rule, application, writers, types, today)
        template = rule[message_key] if message_key in rule else rule["message_ok" if ok else "message_fail"]
        message = _fill(template, values)
        checks.append(
            MixCheck(rule=rule["id"], ok=ok, required=rule["required"], message=message, source=rule["source"])
        )
        if ok:
            continue
        suggestion = _fill(rule["suggest"], values)
        if fixer is not None and pool:
            best = _best_candidate(pool, fixer, application, today)
            if best is not None and rule["candidate_suggestion"]:
                suggestion += " " + _fill(rule["candidate_suggestion"], best)
        suggestions.append(suggestion)
    return MixReport(ok=all(c.ok for c in checks if c.required), checks=checks, suggestions=suggestions)


def letter_types_for(letters: Iterable[LetterRequest]) -> dict[str, list[str]]:
    """Mentor id -> the letter types they write, from a set of letters."""
    out: dict[str, list[str]] = {}
    for letter in letters:
        out.setdefault(letter.mentor_id, []).append(letter.letter_type)
    return out


def mix_for_letters(
    application: Application,
    mentors: Iterable[Mentor],
    letters: Iterable[LetterRequest],
    *,
    today: date,
) -> MixReport:
    """The mix report of an application's active letters; every other mentor is a candidate to suggest."""
    mentors = list(mentors)
    active = active_letters(letters, application.id)
    types = letter_types_for(active)
    writers = [m for m in mentors if m.id in types]
    report = check_mix(application, writers, letter_types=types, candidates=mentors, today=today)
    if not active:
        # Before any letter is planned, advice that "passes" says nothing ("0 letters: within the limit").
        report = report.model_copy(update={"checks": [c for c in report.checks if c.required or not c.ok]})
    return report


PICK_SPECIALTY = ("residency", "fellowship")


def application_problems(application: Application, today: date) -> list[str]:
    """Plain sentences about what stops a new application from being saved (empty when it is fine)."""
    problems = []
    if application.deadline < today:
        problems.append(
            f"The deadline {application.deadline:%B %-d, %Y} has already passed. Choose a date from today on."
        )
    if application.pathway in PICK_SPECIALTY and application.specialty is None:
        problems.append(f"Choose a specialty: {label(application.pathway).lower()} letters depend on it.")
    return problems


def _applies(rule: dict, application: Application) -> bool:
    """False for a rule that has nothing to check here (not an academic program; no program types)."""
    if rule.get("when_academic") and not application.academic:
        return False
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


def _evaluate(
    rule: dict,
    application: Application,
    writers: list[Mentor],
    types: dict[str, list[str]],
    today: date | None,
) -> tuple[bool, str, dict, Fixer | None]:
    """Whether the rule passes, which message to use, the values to fill in, and who would fix it."""
    kind = rule["kind"]
    letters = sum(len(t) for t in types.values())
    all_types = [t for ts in types.values() for t in ts]
    stand_in = bool(rule.get("committee_stands_in")) and (
        any(m.role == "committee" for m in writers) or any(t in STAND_IN_TYPES for t in all_types)
    )
    values = {
        "count": letters,
        "min": rule.get("min", ""),
        "max": rule.get("max", ""),
        "limit": rule.get("max", ""),
        "specialty": _field_words(application.specialty),
        "names": "",
        "missing": "",
    }
    anyone: Fixer = lambda m: True  # noqa: E731

    if kind == "letter_count":
        if stand_in:
            return True, "committee_message", values, None
        too_few = letters < rule["min"]
        too_many = "max" in rule and letters > rule["max"]
        return not (too_few or too_many), "", values, anyone if too_few else None

    if kind == "max_letters":
        limit = rule["max"]
        if rule.get("per_program") and application.programs:
            limit = min(limit, *(p.max_letters for p in application.programs))
        values["limit"] = limit
        return letters <= limit, "", values, None

    if kind == "min_role":
        roles, wanted_types = rule.get("roles", []), rule.get("types", [])
        matching = [m for m in writers if m.role in roles or any(t in wanted_types for t in types[m.id])]
        values["count"] = len(matching)
        if stand_in:
            return True, "committee_message", values, None

        def fixer(m: Mentor) -> bool:
            return m.role in roles or any(can_write(m, t, application) for t in wanted_types)

        return len(matching) >= rule["min"], "", values, fixer

    if kind == "min_specialty":
        if application.specialty is None:
            values["count"] = 0
            return False, "message_no_specialty", values, None
        excluded = rule.get("exclude_roles", [])

        def fixer(m: Mentor) -> bool:
            return m.specialty == application.specialty and m.role not in excluded

        values["count"] = sum(1 for m in writers if fixer(m))
        return values["count"] >= rule["min"], "", values, fixer

    if kind == "min_type":
        wanted_types = rule["types"]
        values["count"] = sum(1 for t in all_types if t in wanted_types)
        return (
            values["count"] >= rule["min"],
            "",
            values,
            lambda m: any(can_write(m, t, application) for t in wanted_types),
        )

    if kind == "no_role":
        offenders = [m.name for m in writers if m.role in rule["roles"]]
        values["names"] = ", ".join(offenders)
        return not offenders, "", values, None

    if kind == "exclusive_type":
        both = [m.name for m in writers if rule["type"] in types[m.id] and set(types[m.id]) & set(rule["conflicts"])]
        values["names"] = ", ".join(both)
        return not both, "", values, None

    if kind == "recent_clinical":
        since = months_before(today, rule["months"]) if today else None

        def fixer(m: Mentor) -> bool:
            last = m.last_contact()
            return m.role in CLINICAL_ROLES and (since is None or (last is not None and last >= since))

        values["count"] = sum(1 for m in writers if fixer(m))
        return values["count"] >= rule["min"], "", values, fixer

    if kind == "program_types":
        missing_types: set[str] = set()
        gaps = []
        for program in application.programs:
            lacking = [t for t in program.required_types if t not in all_types]
            if lacking:
                missing_types.update(lacking)
                gaps.append(f"{program.name} needs {', '.join(label(t) for t in lacking)}")
        values["missing"] = "; ".join(gaps)
        return not gaps, "", values, lambda m: any(can_write(m, t, application) for t in missing_types)

    raise ValueError(f"Unknown rule kind {kind!r}")


def _best_candidate(pool: list[Mentor], fixer: Fixer, application: Application, today: date | None) -> dict | None:
    """The best-scoring candidate who would fix a check, as values for the suggestion text."""
    for mentor, score in rank_mentors(pool, application, today=today or application.deadline):
        if fixer(mentor):
            return {"name": mentor.name, "score": score.score, "tier": score.tier, "id": mentor.id}
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
    letters = {"letters": f"{count} letter{'' if count == 1 else 's'}"} if isinstance(count, int) else {}
    return template.format_map(_Values({**values, **letters}))
