"""Explainable recommender scores: how well a mentor can write a strong letter for one application."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lor import timing
from lor.letter_types import CLINICAL_ROLES, Expectation, departmental
from lor.models import CLOSED_STATUSES, Application, LetterRequest, Mentor, MentorScore, Reason, label
from lor.text import plural

SCORING_FILE = Path(__file__).resolve().parent.parent / "data" / "scoring.toml"


@cache
def weights() -> dict[str, Any]:
    """The score's weights from data/scoring.toml; every factor has a source or a reason and a date."""
    with SCORING_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    for name, factor in data.items():
        if isinstance(factor, dict) and not ((factor.get("source") or factor.get("reason")) and factor.get("checked")):
            raise ValueError(f"data/scoring.toml [{name}] needs a source or a reason, and a checked date")
    return data


_W = weights()
# Tiers: a score at or above STRONG_AT is "strong", at or above POSSIBLE_AT "possible", else "weak".
STRONG_AT: int = _W["tiers"]["strong_at"]
POSSIBLE_AT: int = _W["tiers"]["possible_at"]
WEEKS_CAP: int = _W["weeks"]["cap"]
WEEK_STEPS: tuple[tuple[int, int], ...] = tuple((a, b) for a, b in _W["weeks"]["steps"])
SETTING_POINTS: dict[str, int] = dict(_W["setting"]["points"])
ONE_ON_ONE_POINTS: dict[str, int] = dict(_W["one_on_one"]["points"])
POINTS_PER_OBSERVATION: int = _W["observed"]["points_each"]
OBSERVED_CAP: int = _W["observed"]["cap"]
RELEVANCE_MAX: int = _W["relevance"]["max"]
ACTING_INTERN_BONUS: int = _W["relevance"]["acting_intern_bonus"]
BIG_TITLES: tuple[str, ...] = ("department_chair", "program_director", "clerkship_director", "division_chief")
TITLE_POINTS: int = _W["title"]["points"]
DEPTH_FOR_TITLE_WEEKS: int = _W["title"]["min_weeks"]
PERFORMANCE_POINTS: dict[str, int] = dict(_W["performance"]["points"])
NEVER_STRONG_PERFORMANCE: tuple[str, ...] = tuple(_W["performance"]["never_strong"])
RECENCY_STEPS: tuple[tuple[int, int], ...] = tuple((a, b) for a, b in _W["recency"]["steps"])
STALE_DAYS: int = _W["recency"]["stale_days"]
RESIDENT_PENALTY: int = _W["resident"]["penalty"]
BRIEF_WEEKS: int = _W["brief"]["weeks"]
DEPARTMENTAL_SCORE: int = _W["departmental"]["score"]
ACTING_INTERN_SETTINGS: tuple[str, ...] = ("sub_internship", "away_rotation")

FACULTY_ROLES: tuple[str, ...] = (
    *CLINICAL_ROLES,
    "research_mentor",
    "science_faculty",
    "non_science_faculty",
)

_SETTING_WORDS: dict[str, str] = {
    "rotation": "on a rotation",
    "longitudinal": "in a longitudinal setting",
    "lab": "in a research lab",
    "course": "in a course",
    "project": "on a project",
    "clinic": "in a clinic",
    "job": "at work",
    "volunteer": "in volunteer work",
    "other": "in another setting",
    "sub_internship": "on a sub-internship",
    "away_rotation": "on an away rotation",
}


def _points_list(points: dict[str, int]) -> str:
    return ", ".join(f"{label(key).lower()} {value}" for key, value in sorted(points.items(), key=lambda kv: -kv[1]))


def scoring_help() -> str:
    """The "How the score works" help, generated from data/scoring.toml so it always matches the score."""
    w = weights()
    depth = w["weeks"]["steps"][0][1] + max(SETTING_POINTS.values()) + max(ONE_ON_ONE_POINTS.values())
    depth += POINTS_PER_OBSERVATION * OBSERVED_CAP
    rec = RECENCY_STEPS
    lines = [
        '**How the score works** (0–100; every point is listed under "Why this score").',
        "",
        f"1. **Depth of the relationship** — up to {depth} points: weeks together (up to {WEEK_STEPS[0][1]}; "
        f"more than {WEEKS_CAP} weeks counts as {WEEKS_CAP}), where you worked together "
        f"({_points_list(SETTING_POINTS)}), one-on-one time ({_points_list(ONE_ON_ONE_POINTS)}) and the "
        f"concrete things they saw you do ({POINTS_PER_OBSERVATION} points each, up to {OBSERVED_CAP}).",
        f"2. **Relevance to where you are applying** — up to {RELEVANCE_MAX}: the same specialty for residency "
        "and fellowship (your residency program director counts for fellowship); science and non-science "
        "faculty for medical school; clinical supervisors for jobs; research mentors for research and "
        f"scholarships. A sub-internship or away rotation in your specialty adds {ACTING_INTERN_BONUS} for "
        f"residency; a research mentor counts {w['relevance']['research_mentor_residency']} for a residency "
        f"({w['relevance']['research_mentor_academic']} for an academic program).",
        f"3. **Role** — up to {TITLE_POINTS}: a chair, program director, clerkship director or division chief "
        f"adds points only with {DEPTH_FOR_TITLE_WEEKS}+ weeks together and some one-on-one time.",
        f"4. **Performance they saw** — up to {max(PERFORMANCE_POINTS.values())}: {_points_list(PERFORMANCE_POINTS)}.",
        f"5. **Recency** — up to {rec[0][1]}: contact in the last 6 months {rec[0][1]}, the last year "
        f"{rec[1][1]}, the last 18 months {rec[2][1]}.",
        "",
        f"A resident (not faculty) writing for residency or fellowship loses {-RESIDENT_PENALTY} points and is "
        f"always *weak*: programs want faculty letters. A departmental letter (the IM SEL, a chair letter, a "
        f"group eSLOE) is not scored on one relationship: it gets {DEPARTMENTAL_SCORE} and is planned as a "
        "slot with its own steps.",
        "",
        f"**Tiers:** {STRONG_AT}+ is *strong*, {POSSIBLE_AT}–{STRONG_AT - 1} is *possible*, below "
        f"{POSSIBLE_AT} is *weak*. A writer who saw average or uneven work is never *strong*, nor is someone "
        f"you spent under {BRIEF_WEEKS} weeks with and never had one-on-one time with. Warnings point out what "
        "could make a letter thin even when the score looks good.",
        "",
        "Why each weight is what it is:",
        *(
            f"- {factor['title']}: {factor.get('reason') or factor.get('source')}"
            for factor in w.values()
            if isinstance(factor, dict) and "title" in factor
        ),
    ]
    return "\n".join(lines) + "\n"


SCORING_HELP = scoring_help()

# Help text for each factor, shown beside the mentor form's fields.
FACTOR_HELP: dict[str, str] = {
    "name": "How you address them, e.g. Dr. Priya Raman.",
    "email": "Optional. Handy for the email drafts.",
    "role": (
        "Their position. A chair, program director, clerkship director or division chief adds points only "
        "when they also know you well. A resident is a weak writer for residency. Choose Department for a "
        "departmental letter such as the IM SEL."
    ),
    "specialty": "Their field. For residency and fellowship, a writer in your target specialty counts most.",
    "setting": (
        "Where you worked together. A longitudinal clinic, lab or project shows more than a short rotation; a "
        "sub-internship or away rotation in your specialty counts most for residency."
    ),
    "weeks_known": f"Weeks you actually worked together. Counts up to {WEEKS_CAP} weeks; more adds nothing.",
    "one_on_one": "How often you worked with them directly, not just in a group or lecture.",
    "performance": "Honestly: the level of work they saw. Average or uneven work makes a lukewarm letter.",
    "observed": (
        f'One per line: concrete things they saw you do ("led a family meeting"). Each adds '
        f"{POINTS_PER_OBSERVATION} points, up to {OBSERVED_CAP}."
    ),
    "last_worked": ("The last day you worked together. Recent contact scores higher; over 18 months gets a warning."),
    "unavailable": "Tick if they are on leave or cannot write this cycle: they move to the end of the list.",
    "notes": "Anything else worth remembering about this writer.",
    "degree": "MD, DO or another degree. Many DO schools want a letter from a physician, ideally a DO.",
    "rotation_end": (
        "The last day of a rotation with them, past or still ahead: the ask is planned near its end, while "
        "they remember your work."
    ),
}


def score_mentor(mentor: Mentor, application: Application, *, today: date) -> MentorScore:
    """The mentor's score for this application, with a reason for every point and plain warnings.

    A department writing its departmental letter (the IM SEL, a chair letter) is not scored on the
    relationship: it gets the departmental score of data/scoring.toml, with the reason.
    """
    slot = departmental(mentor, application)
    if slot is not None:
        return _departmental_score(mentor, slot)
    reasons: list[Reason] = []
    warnings: list[str] = []

    def add(points: int, text: str) -> None:
        if points:
            reasons.append(Reason(points=points, text=text))

    # 1. Depth of the relationship.
    weeks = mentor.weeks_known
    setting = _SETTING_WORDS.get(mentor.setting, "together")
    weeks_text = f"{plural(weeks, 'week')} together {setting}"
    if weeks > WEEKS_CAP:
        weeks_text += f" (counted as {WEEKS_CAP} weeks: depth levels off after that)"
    add(_step_points(weeks, WEEK_STEPS), weeks_text)
    add(SETTING_POINTS.get(mentor.setting, 0), _setting_reason(mentor.setting))
    add(ONE_ON_ONE_POINTS[mentor.one_on_one], f"{mentor.one_on_one.capitalize()} one-on-one time")
    count = len(mentor.observed)
    seen = min(count, OBSERVED_CAP)
    observed_text = f"Saw {plural(count, 'specific thing')} you did"
    if count > OBSERVED_CAP:
        observed_text += f" (counted up to {OBSERVED_CAP})"
    add(seen * POINTS_PER_OBSERVATION, observed_text)
    if weeks < BRIEF_WEEKS:
        warnings.append(
            f"Brief contact ({plural(weeks, 'week')}): there may be too little to fill a convincing letter."
        )
    if mentor.one_on_one == "none":
        warnings.append("No one-on-one time: they may know your work only from a distance.")

    # 2. Relevance to the target.
    points, text = _relevance(mentor, application)
    add(points, text)

    # 3. Role and reputation, only with enough depth behind it.
    deep_enough = weeks >= DEPTH_FOR_TITLE_WEEKS and mentor.one_on_one != "none"
    if mentor.role in BIG_TITLES:
        if deep_enough:
            add(TITLE_POINTS, f"A {label(mentor.role).lower()} who knows you well carries extra weight")
        else:
            warnings.append(
                f"Big title, thin relationship: a {label(mentor.role).lower()} who hardly knows you tends to "
                "write a vaguer letter than an attending who has watched you work for weeks. "
                "Choose them only if they can speak to your work in detail."
            )
    resident_writes = mentor.role == "resident" and application.pathway in _W["resident"]["pathways"]
    if resident_writes:
        add(RESIDENT_PENALTY, "Letters from residents count for less than letters from faculty")
        warnings.append(
            f"A resident is a weak writer for {label(application.pathway).lower()}: programs want letters from "
            "faculty and give a resident's letter little weight, however good the work they saw. Ask the "
            "attending you worked with instead (the resident can tell them what they saw)."
        )

    # 4. Performance they observed.
    perf_words = {
        "outstanding": "They saw outstanding work",
        "strong": "They saw strong work",
        "average": "They saw average work",
        "inconsistent": "They saw uneven work",
    }
    add(PERFORMANCE_POINTS[mentor.performance], perf_words[mentor.performance])
    if mentor.performance in ("average", "inconsistent"):
        warnings.append(
            f"They saw {'average' if mentor.performance == 'average' else 'uneven'} performance: "
            "their letter may be lukewarm. Prefer someone who saw your best work."
        )

    # 5. Recency.
    last = mentor.last_contact()
    if last is None:
        warnings.append("No date of your last contact: add when you last worked or spoke together.")
    else:
        days = max((today - last).days, 0)
        add(_step_points(days, RECENCY_STEPS, descending=True), _recency_reason(days))
        if days > STALE_DAYS:
            warnings.append("No contact in over 18 months: reconnect and send an update before you ask.")

    if mentor.unavailable:
        warnings.append("Marked unavailable this cycle: plan someone else.")

    raw = sum(r.points for r in reasons)
    score = min(max(raw, 0), 100)
    if score != raw:
        reasons.append(Reason(points=score - raw, text=f"The score stays between 0 and 100 (was {raw})"))
    tier = _tier(score)
    if tier == "strong" and weeks < BRIEF_WEEKS and mentor.one_on_one == "none":
        tier = "possible"
    if tier == "strong" and mentor.performance in NEVER_STRONG_PERFORMANCE:
        tier = "possible"  # they can only praise what they saw
    if resident_writes:
        tier = _W["resident"]["max_tier"]
    return MentorScore(score=score, tier=tier, reasons=reasons, warnings=warnings)


def _tier(score: int) -> str:
    return "strong" if score >= STRONG_AT else "possible" if score >= POSSIBLE_AT else "weak"


def _departmental_score(mentor: Mentor, slot: Expectation) -> MentorScore:
    """The fixed score of a departmental letter, explained: it is a slot, not a relationship."""
    what = label(slot.type)
    reason = Reason(
        points=DEPARTMENTAL_SCORE,
        text=f"{what}: written by the department from your record there, and expected by programs",
    )
    short, before = what.split(" (")[0], slot.prerequisite.rstrip(".")
    warnings = [
        f"A departmental letter ({short}) is planned as a slot with its own steps: tell the department early"
        + (f" ({before[0].lower()}{before[1:]})" if before else "")
        + ". It is not scored on how well one person knows you."
    ]
    if mentor.unavailable:
        warnings.append("Marked unavailable this cycle: plan someone else.")
    return MentorScore(score=DEPARTMENTAL_SCORE, tier=_tier(DEPARTMENTAL_SCORE), reasons=[reason], warnings=warnings)


def rank_mentors(
    mentors: Iterable[Mentor], application: Application, *, today: date
) -> list[tuple[Mentor, MentorScore]]:
    """Mentors with their scores, best first; unavailable mentors last."""
    scored = [(m, score_mentor(m, application, today=today)) for m in mentors]
    scored.sort(key=lambda pair: (pair[0].unavailable, -pair[1].score, pair[0].name.casefold(), pair[0].id))
    return scored


def can_write(mentor: Mentor, letter_type: str, application: Application) -> bool:
    """True when this mentor is someone who can write a letter of this type for this application."""
    if letter_type in ("committee", "packet"):
        return mentor.role == "committee"
    if letter_type in ("chair", "sel"):
        return mentor.role in ("department_chair", "department")
    if letter_type == "standardized":
        field = application.specialty
        return mentor.role in CLINICAL_ROLES and (field is None or mentor.specialty == field)
    if letter_type == "sloe":
        field = application.specialty or "emergency_medicine"
        return mentor.role in CLINICAL_ROLES and mentor.specialty == field
    if letter_type == "eslor":
        field = application.specialty or "orthopaedic_surgery"
        return mentor.role in CLINICAL_ROLES and mentor.specialty == field
    return mentor.role != "committee"


def backup_letter_type(mentor: Mentor, wanted: str, application: Application) -> str:
    """The letter type to plan with a backup writer: the one wanted if they can write it, else narrative."""
    return wanted if can_write(mentor, wanted, application) else "narrative"


def active_letters(letters: Iterable[LetterRequest], application_id: str) -> list[LetterRequest]:
    """The application's letters that still count: neither declined nor withdrawn."""
    return [r for r in letters if r.serves(application_id) and r.status not in CLOSED_STATUSES]


def suggest_backup(
    declined: LetterRequest | Mentor,
    application: Application,
    mentors: Iterable[Mentor],
    letters: Iterable[LetterRequest],
    *,
    today: date,
) -> tuple[Mentor, MentorScore] | None:
    """The next-best available writer for the same application and letter slot, or None."""
    wanted = declined.letter_type if isinstance(declined, LetterRequest) else "narrative"
    gone = {declined.mentor_id if isinstance(declined, LetterRequest) else declined.id}
    busy_with_this = set()
    for letter in letters:
        if not letter.serves(application.id):
            continue
        if letter.status in CLOSED_STATUSES:
            if letter.status == "declined":
                gone.add(letter.mentor_id)
        else:
            busy_with_this.add(letter.mentor_id)
    pool = [m for m in mentors if m.id not in gone and m.id not in busy_with_this and not m.unavailable]
    ranked = rank_mentors(pool, application, today=today)
    same_type = [pair for pair in ranked if can_write(pair[0], wanted, application)]
    if same_type:
        return same_type[0]
    return ranked[0] if ranked else None


def backup_suggestions(
    application: Application,
    mentors: Iterable[Mentor],
    letters: Iterable[LetterRequest],
    *,
    today: date,
    handled: Iterable[str] = (),
) -> list[tuple[LetterRequest, Mentor | None, tuple[Mentor, MentorScore] | None]]:
    """Declined letters (and letters from unavailable writers) of this application, with a backup for each.

    Letters whose ids are in ``handled`` (a backup was already planned) are left out.
    """
    mentors = list(mentors)
    letters = list(letters)
    by_id = {m.id: m for m in mentors}
    done = set(handled)
    out = []
    for letter in letters:
        if not letter.serves(application.id) or letter.id in done:
            continue
        writer = by_id.get(letter.mentor_id)
        gone_writer = writer is not None and writer.unavailable and letter.status not in CLOSED_STATUSES
        if letter.status == "declined" or gone_writer:
            out.append((letter, writer, suggest_backup(letter, application, mentors, letters, today=today)))
    return out


def backup_reason(letter: LetterRequest) -> str:
    """Why a letter needs a backup, to follow the writer's name: "declined" or "is unavailable this cycle"."""
    return "declined" if letter.status == "declined" else "is unavailable this cycle"


def needs_goal_conversation(mentor: Mentor, today: date, letters: Iterable[LetterRequest] = ()) -> bool:
    """True when the last contact is unknown or old enough for a goal conversation before the ask.

    "Old enough" is ``check_in_after_months`` of the timing rules. Given the mentor's letters, False once
    one of them is past "planned" (already asked, or said no).
    """
    if any(r.mentor_id == mentor.id and r.status != "planned" for r in letters):
        return False
    return timing.needs_goal_conversation(mentor.last_contact(), today)


def _step_points(value: int, steps: tuple[tuple[int, int], ...], *, descending: bool = False) -> int:
    # Ascending: the first step whose threshold the value reaches. Descending: the first it stays within.
    for threshold, points in steps:
        if (value <= threshold) if descending else (value >= threshold):
            return points
    return 0


def _setting_reason(setting: str) -> str:
    if setting in ACTING_INTERN_SETTINGS:
        return f"Working together {_SETTING_WORDS[setting]} shows how you handle an intern's role"
    if setting in ("longitudinal", "lab", "project", "clinic"):
        return f"Working together {_SETTING_WORDS[setting]} shows how you grow over time"
    if setting == "job":
        return "Working together on the job shows how you handle real responsibility"
    if setting == "course":
        return "A course shows your work over a term"
    if setting == "rotation":
        return "A rotation gives a short but close look at your work"
    return f"They know you from {_SETTING_WORDS.get(setting, 'another setting').split(' ', 1)[1]}"


def _recency_reason(days: int) -> str:
    if days <= 183:
        return "You were in contact within the last 6 months"
    if days <= 365:
        return "You were in contact within the last year"
    if days <= STALE_DAYS:
        return "You were in contact within the last 18 months"
    return "Your last contact was over 18 months ago"


def _relevance(mentor: Mentor, application: Application) -> tuple[int, str]:
    """Points and a sentence for how well this writer fits the kind of application."""
    pathway = application.pathway
    role = mentor.role
    same_field = application.specialty is not None and mentor.specialty == application.specialty
    field = label(application.specialty).lower() if application.specialty else ""
    if pathway in ("residency", "fellowship"):
        rel = _W["relevance"]
        if pathway == "fellowship" and role == "program_director":
            return RELEVANCE_MAX, "Your residency program director: fellowships usually want this letter"
        if role == "research_mentor" and application.specialty is not None:
            if application.academic:
                return rel["research_mentor_academic"], "A research mentor helps for an academic program"
            return rel["research_mentor_residency"], "A research mentor: residency programs read clinical letters first"
        if same_field and pathway == "residency" and mentor.setting in ACTING_INTERN_SETTINGS:
            return (
                RELEVANCE_MAX + ACTING_INTERN_BONUS,
                f"Saw you work at intern level in {field} ({label(mentor.setting).lower()}): what programs weigh most",
            )
        if same_field:
            return RELEVANCE_MAX, f"Works in {field}, the specialty you are applying to"
        if application.specialty is None:
            return 8, "Set the application's specialty to judge specialty fit"
        if role in CLINICAL_ROLES:
            return 6, f"A clinician outside {field}: useful, but not a specialty letter"
        return 2, f"Outside {field}"
    if pathway == "medical_school":
        if role in ("science_faculty", "non_science_faculty"):
            return RELEVANCE_MAX, f"{label(role)} who taught or graded you: what medical schools ask for"
        if role == "committee":
            return RELEVANCE_MAX, "A committee letter can stand in for individual letters"
        if role == "research_mentor":
            return 12, "A research supervisor is a welcome extra letter"
        if role in CLINICAL_ROLES:
            return 10, "A clinical supervisor is a welcome extra letter"
        return 6, "A personal reference is a possible extra letter"
    if pathway == "job":
        if role in CLINICAL_ROLES:
            return RELEVANCE_MAX, "A clinical supervisor: jobs want people who saw your clinical work"
        if role == "resident":
            return 10, "A colleague who saw your clinical work"
        return 6, "Not a clinical supervisor"
    # Scholarships, grants and research positions.
    if role == "research_mentor":
        return RELEVANCE_MAX, "A research mentor: what research roles look for"
    if mentor.setting in ("lab", "project"):
        return 14, "Saw your research or project work"
    if role in FACULTY_ROLES:
        return 8, "Faculty who can speak to your goals"
    return 4, "Can speak to your goals"
