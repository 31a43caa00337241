"""Explainable recommender scores: how well a mentor can write a strong letter for one application."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lor import timing
from lor.letter_types import CLINICAL_ROLES, department_letter, departmental, every_writer_type, expectation_for
from lor.models import (
    CLOSED_STATUSES,
    Application,
    LetterRequest,
    Mentor,
    MentorScore,
    Reason,
    label,
    label_in_sentence,
)
from lor.sources import checked_label, source_line
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
RELEVANCE: dict[str, Any] = _W["relevance"]  # residency and fellowship
RELEVANCE_MAX: int = RELEVANCE["max"]
ACTING_INTERN_BONUS: int = RELEVANCE["acting_intern_bonus"]
ACTING_INTERN_SETTINGS: tuple[str, ...] = tuple(RELEVANCE["acting_intern_settings"])
RELEVANCE_MEDICAL_SCHOOL: dict[str, int] = _W["relevance_medical_school"]
RELEVANCE_JOB: dict[str, int] = _W["relevance_job"]
RELEVANCE_RESEARCH: dict[str, int] = _W["relevance_research"]
BIG_TITLES: tuple[str, ...] = tuple(_W["title"]["roles"])
TITLE_POINTS: int = _W["title"]["points"]
DEPTH_FOR_TITLE_WEEKS: int = _W["title"]["min_weeks"]
PERFORMANCE_POINTS: dict[str, int] = dict(_W["performance"]["points"])
NEVER_STRONG_PERFORMANCE: tuple[str, ...] = tuple(_W["performance"]["never_strong"])
# (days since the last contact at most, points, "the last 6 months"), most recent first.
RECENCY_STEPS: tuple[tuple[int, int, str], ...] = tuple(
    (s["within_days"], s["points"], s["words"]) for s in _W["recency"]["steps"]
)
STALE_DAYS: int = RECENCY_STEPS[-1][0]
STALE_WORDS: str = _W["recency"]["stale_words"]
RESIDENT_PENALTY: int = _W["resident"]["penalty"]
BRIEF_WEEKS: int = _W["brief"]["weeks"]
LETTER_SOURCE_SCORE: int = _W["letter_source"]["score"]
LETTER_SOURCE_TIER: str = _W["letter_source"]["tier"]
# A department or a committee writes from your record as a group: a letter source, not a person to score.
LETTER_SOURCE_ROLES: tuple[str, ...] = ("department", "committee")

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
    depth = WEEK_STEPS[0][1] + max(SETTING_POINTS.values()) + max(ONE_ON_ONE_POINTS.values())
    depth += POINTS_PER_OBSERVATION * OBSERVED_CAP
    med, job, research = RELEVANCE_MEDICAL_SCHOOL, RELEVANCE_JOB, RELEVANCE_RESEARCH
    recency = ", ".join(f"{words} {points}" for _, points, words in RECENCY_STEPS)
    lines = [
        '**How the score works** (0–100; every point is listed under "Why this score").',
        "",
        f"1. **Depth of the relationship** — up to {depth} points: weeks together (up to {WEEK_STEPS[0][1]}; "
        f"more than {WEEKS_CAP} weeks counts as {WEEKS_CAP}), where you worked together "
        f"({_points_list(SETTING_POINTS)}), one-on-one time ({_points_list(ONE_ON_ONE_POINTS)}) and the "
        f"concrete things they saw you do ({POINTS_PER_OBSERVATION} points each, up to {OBSERVED_CAP}).",
        f"2. **Relevance to where you are applying** — up to {RELEVANCE_MAX}. For residency and fellowship it is "
        f"the largest single factor: a writer in the specialty you apply to gets {RELEVANCE_MAX} (for a "
        f"fellowship, your residency program director too), a clinician from another field "
        f"{RELEVANCE['clinician_outside']}, anyone else outside it {RELEVANCE['outside']}, because program "
        "directors weigh letters from their own specialty most. A sub-internship or away rotation in your "
        f"specialty adds {ACTING_INTERN_BONUS}; a research mentor counts {RELEVANCE['research_mentor_residency']} "
        f"({RELEVANCE['research_mentor_academic']} for an academic program, "
        f"{RELEVANCE['research_mentor_in_specialty']} when they work in your specialty). Medical school: science and "
        f"non-science faculty {med['faculty']}, a research mentor {med['research_mentor']}, a clinician "
        f"{med['clinical']}, anyone else {med['other']}. Jobs: a clinical supervisor {job['clinical']}. Research "
        f"and scholarships: a research mentor {research['research_mentor']}, someone who saw your research or "
        f"project work {research['lab_or_project']}.",
        f"3. **Role** — up to {TITLE_POINTS}: a chair, program director, clerkship director or division chief "
        f"adds points only with {DEPTH_FOR_TITLE_WEEKS}+ weeks together and some one-on-one time.",
        f"4. **Performance they saw** — up to {max(PERFORMANCE_POINTS.values())}: {_points_list(PERFORMANCE_POINTS)}.",
        f"5. **Recency** — up to {RECENCY_STEPS[0][1]}: contact within {recency}.",
        "",
        f"A resident (not faculty) writing for residency or fellowship loses {-RESIDENT_PENALTY} points and is "
        f"always *weak*: programs want faculty letters. A departmental or committee letter (the IM SEL, a "
        f"group eSLOE, a premedical committee letter: a writer whose role is Department or Committee) is not "
        "scored on a relationship: its card says *Letter source* and how its letter works, with no score or fit "
        "label, and it is planned as its own letter. A department chair is scored as a person, on how well they "
        "know you.",
        "",
        f"**Tiers:** {STRONG_AT}+ is *strong*, {POSSIBLE_AT}–{STRONG_AT - 1} is *possible*, below "
        f"{POSSIBLE_AT} is *weak*. A writer who saw average or uneven work is never *strong*, nor is someone "
        f"you spent under {BRIEF_WEEKS} weeks with and never had one-on-one time with. Warnings point out what "
        "could make a letter thin even when the score looks good.",
        "",
        "Why each weight is what it is. The point values themselves are this project's judgment: the pages below "
        "back the direction of a weight, never its number.",
        *(_weight_line(factor) for factor in w.values() if isinstance(factor, dict) and "title" in factor),
    ]
    return "\n".join(lines) + "\n"


def _weight_line(factor: dict[str, Any]) -> str:
    """One weight's line in the help: its reason, then its source (what no page confirmed first) and checked day."""
    reason = str(factor.get("reason", "")).strip()
    if factor.get("source"):
        where = source_line(str(factor["source"]), str(factor["checked"]))
    else:
        where = f"The project's own judgment: no published source · checked {checked_label(str(factor['checked']))}"
    return f"- **{factor['title']}**: {reason + ' ' if reason else ''}*{where}*"


SCORING_HELP = scoring_help()

# Help text for each factor, shown beside the mentor form's fields.
FACTOR_HELP: dict[str, str] = {
    "name": "How you address them, e.g. Dr. Priya Raman.",
    "email": "Optional. Handy for the email drafts.",
    "role": (
        "Their position. A chair, program director, clerkship director or division chief adds points only "
        "when they also know you well. A resident is a weak writer for residency. Choose Department for a "
        "departmental letter such as the IM SEL, and Committee for your school's committee letter: these are "
        "letters, not people, and are not scored on a relationship."
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
    "last_worked": f"The last day you worked together. Recent contact scores higher; {STALE_WORDS} gets a warning.",
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

    A letter source (``is_letter_source``: a department or a committee writing as a group) is not scored on a
    relationship: it gets the neutral score of data/scoring.toml, with the reason. Everyone else, a department
    chair included, is scored as a person.
    """
    if is_letter_source(mentor):
        return _letter_source_score(mentor, application)
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
    if mentor.role in BIG_TITLES:
        if knows_you_well(mentor):
            add(TITLE_POINTS, f"A {label(mentor.role).lower()} who knows you well carries extra weight")
        else:
            warnings.append(
                f"Big title, thin relationship: a {label(mentor.role).lower()} who hardly knows you tends to "
                "write a vaguer letter than an attending who has watched you work for weeks. "
                "Choose them only if they can speak to your work in detail."
            )
    slot = departmental(mentor, application)
    if slot is None and mentor.role == "department_chair" and expectation_for(mentor, application) is None:
        slot = department_letter(application)  # a chair's own letter is not the IM SEL: both can be planned
    if slot is not None and mentor.role not in LETTER_SOURCE_ROLES:
        warnings.append(
            f"The {_short_type(slot.type)} is the department's letter, not {mentor.name}'s own: this score is "
            f"for a letter from them as a person. To plan the {_short_type(slot.type)}, add the department as "
            "its own writer with the role Department."
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
        add(*_recency(days))
        if days > STALE_DAYS:
            warnings.append(f"No contact in {STALE_WORDS}: reconnect and send an update before you ask.")

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


def is_letter_source(mentor: Mentor) -> bool:
    """True for a department or a committee: a source of a letter written as a group, not a person to score."""
    return mentor.role in LETTER_SOURCE_ROLES


def knows_you_well(mentor: Mentor) -> bool:
    """True when they worked with you long and closely enough for a title to count, and to be proposed as
    someone "who worked closely with you": DEPTH_FOR_TITLE_WEEKS+ weeks and some one-on-one time."""
    return not is_letter_source(mentor) and mentor.weeks_known >= DEPTH_FOR_TITLE_WEEKS and mentor.one_on_one != "none"


def _short_type(letter_type: str) -> str:
    """A departmental letter type's short name: "IM SEL", "department chair letter"."""
    return label_in_sentence(letter_type).split(" (")[0]


def _letter_source_score(mentor: Mentor, application: Application) -> MentorScore:
    """The neutral score of a departmental or committee letter, explained: a letter, not a relationship."""
    if mentor.role == "committee":
        what = "A committee letter"
        how = "your school's committee writes it from your record and the individual letters it gathers"
        warnings = [
            "A committee letter is requested, not asked for like a personal letter: register with the committee "
            "early, follow its own deadline, and give it the individual letters it asks for."
        ]
    else:
        slot = departmental(mentor, application)
        what = f"A departmental letter ({_short_type(slot.type)})" if slot else "A departmental letter"
        how = "the department writes it as a group from your record there"
        before = slot.prerequisite.rstrip(".") if slot else ""
        warnings = [
            "A departmental letter is planned as its own letter with its own steps: tell the department early"
            + (f" ({before[0].lower()}{before[1:]})" if before else "")
            + "."
        ]
    reason = Reason(
        points=LETTER_SOURCE_SCORE,
        text=f"{what}: {how}, so it is not scored on one relationship (a neutral {LETTER_SOURCE_SCORE})",
    )
    if mentor.unavailable:
        warnings.append("Marked unavailable this cycle: plan someone else.")
    return MentorScore(score=LETTER_SOURCE_SCORE, tier=LETTER_SOURCE_TIER, reasons=[reason], warnings=warnings)


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
    if letter_type == "sel":  # the IM SEL is the department's letter, never a chair's own
        return mentor.role == "department"
    if letter_type == "chair":
        return mentor.role in ("department_chair", "department")
    if letter_type == "standardized":
        field = application.specialty
        return mentor.role in CLINICAL_ROLES and (field is None or mentor.specialty == field)
    if letter_type == "sloe":
        if every_writer_type(application) == "sloe":  # colon and rectal surgery: a general surgeon writes it too
            return mentor.role in CLINICAL_ROLES
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
    one of them is past "planned" (already asked, or said no). Never for a letter source (a committee or a
    department): its letter is requested from an office, not asked of a person.
    """
    if is_letter_source(mentor):
        return False
    if any(r.mentor_id == mentor.id and r.status != "planned" for r in letters):
        return False
    return timing.needs_goal_conversation(mentor.last_contact(), today)


def _step_points(value: int, steps: tuple[tuple[int, int], ...]) -> int:
    # The points of the first step whose threshold the value reaches.
    for threshold, points in steps:
        if value >= threshold:
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


def _recency(days: int) -> tuple[int, str]:
    """Points and a sentence for the days since the last contact."""
    for within, points, words in RECENCY_STEPS:
        if days <= within:
            return points, f"You were in contact within {words}"
    return 0, f"Your last contact was {STALE_WORDS} ago"


def _relevance(mentor: Mentor, application: Application) -> tuple[int, str]:
    """Points and a sentence for how well this writer fits the kind of application (data/scoring.toml)."""
    pathway = application.pathway
    role = mentor.role
    same_field = application.specialty is not None and mentor.specialty == application.specialty
    field = label_in_sentence(application.specialty) if application.specialty else ""
    if pathway in ("residency", "fellowship"):
        rel = RELEVANCE
        if pathway == "fellowship" and role == "program_director":
            return RELEVANCE_MAX, "Your residency program director: fellowships usually want this letter"
        if role == "research_mentor" and application.specialty is not None:
            if same_field:
                return (
                    rel["research_mentor_in_specialty"],
                    f"A research mentor in {field}, the specialty you are applying to: programs still read "
                    "clinical letters first",
                )
            if application.academic:
                return rel["research_mentor_academic"], "A research mentor helps for an academic program"
            return (
                rel["research_mentor_residency"],
                f"A research mentor: {pathway} programs read clinical letters from their specialty first",
            )
        if same_field and pathway == "residency" and mentor.setting in ACTING_INTERN_SETTINGS:
            return (
                RELEVANCE_MAX + ACTING_INTERN_BONUS,
                f"Saw you work at intern level in {field} ({label_in_sentence(mentor.setting)}): what programs "
                "weigh most",
            )
        if same_field:
            return (
                RELEVANCE_MAX,
                f"Works in {field}, the specialty you are applying to: programs weigh these letters most",
            )
        if application.specialty is None:
            return rel["specialty_unknown"], "Set the application's specialty to judge specialty fit"
        if role in CLINICAL_ROLES:
            return (
                rel["clinician_outside"],
                f"A clinician outside {field}: programs weigh letters from their own specialty most, so this is "
                "an extra letter, not a specialty letter",
            )
        return rel["outside"], f"Outside {field}: programs weigh letters from their own specialty most"
    if pathway == "medical_school":
        med = RELEVANCE_MEDICAL_SCHOOL
        if role in ("science_faculty", "non_science_faculty"):
            return med["faculty"], f"{label(role)} who taught or graded you: what medical schools ask for"
        if role == "research_mentor":
            return med["research_mentor"], "A research supervisor is a welcome extra letter"
        if role in CLINICAL_ROLES:
            return med["clinical"], "A clinical supervisor is a welcome extra letter"
        return med["other"], "A personal reference is a possible extra letter"
    if pathway == "job":
        job = RELEVANCE_JOB
        if role in CLINICAL_ROLES:
            return job["clinical"], "A clinical supervisor: jobs want people who saw your clinical work"
        if role == "resident":
            return job["resident"], "A colleague who saw your clinical work"
        return job["other"], "Not a clinical supervisor"
    # Scholarships, grants and research positions.
    research = RELEVANCE_RESEARCH
    if role == "research_mentor":
        return research["research_mentor"], "A research mentor: what research roles look for"
    if mentor.setting in ("lab", "project"):
        return research["lab_or_project"], "Saw your research or project work"
    if role in FACULTY_ROLES:
        return research["faculty"], "Faculty who can speak to your goals"
    return research["other"], "Can speak to your goals"
