"""The vocabulary of LOR Planner: pydantic models for students, mentors, applications and letters.

Every model validates what a user can type (names, lengths, emails, dates) and raises
``pydantic.ValidationError``; ``plain_errors`` turns that into sentences a student can read.

Long on purpose: the whole vocabulary in one place, so a field, its limit and its plain-language error are read
together; everything else imports from here and nothing here imports the rest.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Final, Literal, TypeVar, get_args

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from lor.timing import timing

NAME_MAX = 200
NOTES_MAX = 5_000
SHORT_TEXT_MAX = 500

Role = Literal[
    "department_chair",
    "program_director",
    "clerkship_director",
    "division_chief",
    "attending",
    "research_mentor",
    "science_faculty",
    "non_science_faculty",
    "supervisor",
    "resident",
    "committee",
    "other",
    "department",  # a department writing as a group (IM SEL, surgery chair letter, a group eSLOE)
]
Setting = Literal[
    "rotation",
    "longitudinal",
    "lab",
    "course",
    "project",
    "clinic",
    "job",
    "volunteer",
    "other",
    "sub_internship",
    "away_rotation",
]
OneOnOne = Literal["none", "some", "frequent"]
Performance = Literal["outstanding", "strong", "average", "inconsistent"]
Pathway = Literal["medical_school", "residency", "fellowship", "job", "scholarship", "research"]
Portal = Literal["ERAS", "ResidencyCAS", "AMCAS", "AACOMAS", "TMDSAS", "Interfolio", "other", "SF Match"]
# "sel": the internal medicine Structured Evaluative Letter, written by the department; "standardized":
# a standardized letter filled in on the portal's own form (dermatology, urology, integrated plastics).
LetterType = Literal["narrative", "sloe", "eslor", "chair", "committee", "packet", "sel", "standardized"]
Degree = Literal["", "MD", "DO", "PhD", "other"]
# A residency application's track: a categorical program, a preliminary year (medicine or surgery), or a
# transitional year. Preliminary and transitional years usually share the categorical application's letters.
Track = Literal["categorical", "preliminary", "transitional"]
Status = Literal[
    "planned", "asked", "agreed", "declined", "packet_sent", "submitted", "thanked", "updated", "withdrawn"
]
Severity = Literal["avoid", "caution"]
MilestoneKind = Literal[
    "check_in", "ask", "packet", "reminder_1", "reminder_2", "status_check", "deadline", "thank_you", "update"
]
Tier = Literal["strong", "possible", "weak"]
TouchpointKind = Literal["feedback", "check_in", "update", "meeting", "other"]
Version = Literal["general", "tailored"]

# Letters that will never arrive, and letters the portal shows as received.
CLOSED_STATUSES: tuple[str, ...] = ("declined", "withdrawn")
ARRIVED_STATUSES: frozenset[str] = frozenset({"submitted", "thanked", "updated"})

ROLES: tuple[str, ...] = get_args(Role)
SETTINGS: tuple[str, ...] = get_args(Setting)
ONE_ON_ONE: tuple[str, ...] = get_args(OneOnOne)
PERFORMANCES: tuple[str, ...] = get_args(Performance)
PATHWAYS: tuple[str, ...] = get_args(Pathway)
PORTALS: tuple[str, ...] = get_args(Portal)
DEGREES: tuple[str, ...] = get_args(Degree)
LETTER_TYPES: tuple[str, ...] = get_args(LetterType)
STATUSES: tuple[str, ...] = get_args(Status)
SEVERITIES: tuple[str, ...] = get_args(Severity)
MILESTONE_KINDS: tuple[str, ...] = get_args(MilestoneKind)
TOUCHPOINT_KINDS: tuple[str, ...] = get_args(TouchpointKind)
TRACKS: tuple[str, ...] = get_args(Track)
# The application fields that mean something only on some pathways: a medical school has no specialty, and only a
# residency has a track (categorical, preliminary) or ACGME Osteopathic Recognition.
_FIELD_PATHWAYS: dict[str, frozenset[str]] = {
    "specialty": frozenset(PATHWAYS) - {"medical_school"},
    "track": frozenset({"residency"}),
    "osteopathic_recognition": frozenset({"residency"}),
}


def field_applies(name: str, pathway: str) -> bool:
    """True when the application field ``name`` means something on ``pathway`` (the forms show only those)."""
    return pathway in _FIELD_PATHWAYS.get(name, frozenset(PATHWAYS))


# Writers that are not a person but a letter source: a committee letter, or a department writing as a group (the
# IM SEL, a group SLOE). They have no relationship to score and run their own process and deadline (issue #22.5).
LETTER_SOURCE_ROLES: tuple[str, ...] = ("committee", "department")

SPECIALTIES: tuple[str, ...] = (
    "anesthesiology",
    "dermatology",
    "emergency_medicine",
    "family_medicine",
    "general_surgery",
    "internal_medicine",
    "neurology",
    "neurosurgery",
    "obstetrics_gynecology",
    "ophthalmology",
    "orthopaedic_surgery",
    "otolaryngology",
    "pathology",
    "pediatrics",
    "physical_medicine_rehabilitation",
    "plastic_surgery",
    "psychiatry",
    "radiation_oncology",
    "radiology",
    "urology",
    "vascular_surgery",
    "cardiology",
    "gastroenterology",
    "pulmonary_critical_care",
    "hematology_oncology",
    "colon_rectal_surgery",
    "other",
)

# The packet checklist from DOMAIN.md, in the order a student assembles it.
PACKET_ITEMS: dict[str, str] = {
    "cv": "CV or résumé",
    "personal_statement": "Personal statement or a 1–2 page summary of goals",
    "letter_purpose": "What the letter is for: program type, portal, instructions, letter ID, due date",
    "strengths": "Strengths or episodes you hope they can speak to",
    "brag_sheet": "Brag sheet: 5–7 things this writer saw you do",
}

LABELS: dict[str, str] = {
    "colon_rectal_surgery": "Colon and rectal surgery",
    # Human labels for slugs shown in the UI; anything missing falls back to title case.
    "medical_school": "Medical school",
    "obstetrics_gynecology": "OB/GYN",
    "orthopaedic_surgery": "Orthopaedic surgery",
    "physical_medicine_rehabilitation": "PM&R",
    "pulmonary_critical_care": "Pulmonary & critical care",
    "hematology_oncology": "Hematology & oncology",
    "sloe": "SLOE",
    "eslor": "eSLOR",
    "chair": "Department chair letter",
    "committee": "Committee letter",
    "packet": "Letter packet",
    "narrative": "Narrative letter",
    "packet_sent": "Packet sent",
    "reminder_1": "Reminder 1",
    "reminder_2": "Reminder 2 (final)",
    "status_check": "Status check",
    "check_in": "Goal conversation",
    "thank_you": "Thank-you",
    "one_on_one": "One-on-one",
    "sel": "IM SEL (departmental letter)",
    "standardized": "Standardized letter (portal form)",
    "department": "Department (group letter)",
    "sub_internship": "Sub-internship",
    "away_rotation": "Away rotation",
    "SF Match": "SF Match",
    "categorical": "Categorical",
    "preliminary": "Preliminary year",
    "transitional": "Transitional year",
    "MD": "MD",
    "DO": "DO",
    "PhD": "PhD",
    "": "Not recorded",
    "non_science_faculty": "Non-science faculty",
    "ERAS": "ERAS",
    "AMCAS": "AMCAS",
    "ResidencyCAS": "ResidencyCAS",
    "AACOMAS": "AACOMAS",
    "TMDSAS": "TMDSAS",
    "Interfolio": "Interfolio",
}


def label(slug: str | None) -> str:
    """A readable label for a slug ("internal_medicine" -> "Internal medicine")."""
    if slug is None:
        return "—"
    if slug != slug.lower():  # already written as shown ("MD", "PhD", "SF Match"): capitalize() would spoil it
        return LABELS.get(slug, slug)
    return LABELS.get(slug, slug.replace("_", " ").capitalize())


def label_in_sentence(slug: str | None) -> str:
    """A label inside a sentence: lower case, except an acronym keeps its capitals ("SLOE", "eSLOR", "OB/GYN")."""
    text = label(slug)
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def new_id() -> str:
    """A short random id for a new record."""
    return uuid.uuid4().hex[:12]


# Control characters other than tab and line breaks (NUL, BEL, ESC, DEL, the C1 codes): pasted from a terminal or a
# tampered backup, they would reach CSV files, calendars and emails raw, so text drops them as it is saved or read.
# So do the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make a name read backwards
# on an advisor's desk and in its CSV.
CONTROL_CHARACTERS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(value: str) -> str:
    """``value`` without control characters other than tab, newline and carriage return."""
    return CONTROL_CHARACTERS.sub("", value)


def _name(value: str) -> str:
    value = without_controls(value).strip()
    if not value:
        raise ValueError("can't be empty")
    if len(value) > NAME_MAX:
        raise ValueError(f"is too long ({len(value):,} characters; the limit is {NAME_MAX})")
    return value


def _notes_length(value: str) -> str:
    if len(value) > NOTES_MAX:
        raise ValueError(f"is too long ({len(value):,} characters; the limit is {NOTES_MAX:,})")
    return value


def _short_trimmed(value: str) -> str:
    value = value.strip()
    if len(value) > SHORT_TEXT_MAX:
        raise ValueError(f"is too long ({len(value):,} characters; the limit is {SHORT_TEXT_MAX})")
    return value


def _notes(value: str) -> str:
    return _notes_length(without_controls(value))


def _short(value: str) -> str:
    return _short_trimmed(without_controls(value))


# Characters a real address never needs that would change what a mailto: link does (start its query, a second
# recipient, an escape) or break out of quotes: refused even where RFC 5322 allows them (issue #14.11). The
# apostrophe stays (o'brien@…); every mailto: part is percent-encoded anyway (lor.messages.mailto_link).
_EMAIL_REFUSED = frozenset('?&#%<>"`,;:()[]\\')
EMAIL_MAX = 254


def email_problem(value: str | None) -> str | None:
    """Why ``value`` can't be saved as an email address, as the end of a sentence ("is not…"); None when it can
    (or is empty). Strict on purpose: one @, a dot in the domain, no spaces and none of ? & # % < > quotes , ;"""
    if value is None or not value.strip():
        return None
    return _email_checked(value)[1]


def _email_checked(value: str) -> tuple[str, str | None]:
    """(the normalized address, None), or (the address as given, why it can't be saved)."""
    value = value.strip()
    if len(value) > EMAIL_MAX:
        return value, f"is too long for an email address ({len(value):,} characters; the limit is {EMAIL_MAX})"
    if any(c.isspace() or not c.isprintable() for c in value):
        return value, "is not an email address: it can't contain spaces or line breaks"
    refused = sorted({c for c in value if c in _EMAIL_REFUSED})
    if refused:
        return value, f"is not an email address: it can't contain {' '.join(refused)}"
    if value.count("@") != 1:
        return value, "is not an email address: it needs exactly one @"
    if "." not in value.rsplit("@", 1)[1]:
        return value, "is not an email address: the part after the @ needs a dot (like school.edu)"
    try:
        return validate_email(value, check_deliverability=False, test_environment=True).normalized, None
    except EmailNotValidError as exc:
        return value, f"is not an email address: {str(exc).rstrip('.')}"


def _email(value: str | None, info: ValidationInfo) -> str | None:
    if value is None or not value.strip():
        return None
    normalized, problem = _email_checked(value)
    if problem is None:
        return normalized
    if _stored(info) and len(normalized) <= EMAIL_MAX * 4:
        return normalized  # a plan saved under an older rule still opens; email_problem() says what to fix
    raise ValueError(problem)


# Pass as ``context=`` when reading what the database already holds: rules added after a plan was saved (strict
# emails, safe ids, unique program names) must not stop that plan from opening. Every save validates strictly.
STORED: Final = {"stored": True}


def _stored(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("stored"))


# Record ids go into widget keys, file names and links: letters, digits, "_" and "-" only, like new_id()'s hex and
# the example plan's "m-hale". Keys that join ids must use a separator outside this set (":"), so they can't collide.
ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
ID_RULE: Final = "ids are 1 to 64 letters (a to z), digits, hyphens or underscores"
# A default busy period's key ("july_transition") and a moved occurrence's key ("july_transition:2027").
PERIOD_KEY_PATTERN: Final = re.compile(r"[a-z0-9_]{1,64}")
PERIOD_KEY_RULE: Final = "keys are 1 to 64 lower-case letters, digits or underscores"
MOVED_KEY_PATTERN: Final = re.compile(r"([a-z0-9_]{1,64}):([0-9]{4})")


def _safe_id(value: str, info: ValidationInfo) -> str:
    if ID_PATTERN.fullmatch(value) or (_stored(info) and 0 < len(value) <= 64):
        return value
    raise ValueError(f"has an id that can't be used ('{quoted(value)}'): {ID_RULE}")


def quoted(text: str, limit: int = 40) -> str:
    """User text shortened to one line of at most ``limit`` characters, to quote inside a message."""
    line = (
        " ".join(str(text).split()).encode("utf-8", "backslashreplace").decode("utf-8")
    )  # half an emoji shows as \ud83d
    return line if len(line) <= limit else line[: limit - 1] + "…"


def name_key(name: str) -> str:
    """What two names are compared by: case and spacing ignored ("IM  Program" is "im program")."""
    return " ".join(name.split()).casefold()


def _id(value: object) -> object:
    # Ids are strings; accept ints from callers that number their records.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _within(first: date, last: date) -> AfterValidator:
    def check(value: date) -> date:
        if not first <= value <= last:
            raise ValueError(f"must be a date between {first.year} and {last.year}")
        return value

    return AfterValidator(check)


# -- the planning horizon -------------------------------------------------------------------------------------
# Every date a student saves or restores lies within HORIZON_YEARS of today, both ways: a plan is about the next
# application season or two, and a date centuries away would make the calendars and charts of every page (built
# day by day, year by year) grow without bound on a shared server (issue #14).
HORIZON_YEARS = 5


def current_day() -> date:
    """Today's date; LOR_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    pinned = os.environ.get("LOR_TODAY", "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()


def planning_horizon(today: date) -> tuple[date, date]:
    """The first and last day a plan may hold: HORIZON_YEARS before and after ``today`` (Feb 29 → Feb 28)."""

    def shifted(years: int) -> date:
        try:
            return today.replace(year=today.year + years)
        except ValueError:  # Feb 29 in a year without one
            return today.replace(year=today.year + years, day=28)

    return shifted(-HORIZON_YEARS), shifted(HORIZON_YEARS)


def dates_outside_horizon(value: object, today: date, *, where: str = "") -> list[str]:
    """Plain sentences naming every date in ``value`` (a model, or lists and dicts of them and of dates) that falls
    outside planning_horizon(today); an empty list when every date is within it."""
    first, last = planning_horizon(today)
    out: list[str] = []

    def check(day: date, what: str, owner: str) -> None:
        if not first <= day <= last:
            whose = f" of '{owner}'" if owner else ""
            out.append(
                f"{what}{whose} is {day.isoformat()}, outside the planning window ({first.isoformat()} to "
                f"{last.isoformat()}: {HORIZON_YEARS} years either side of today)."
            )

    def visit(item: object, owner: str) -> None:
        if isinstance(item, date):
            check(item, "A date", owner)
        elif isinstance(item, BaseModel):
            owner = str(getattr(item, "name", "") or owner)
            for name in type(item).model_fields:
                field_value = getattr(item, name)
                if isinstance(field_value, date):
                    check(field_value, FIELD_LABELS.get(name, name.replace("_", " ").capitalize()), owner)
                else:
                    visit(field_value, owner)
        elif isinstance(item, Mapping):
            for v in item.values():
                visit(v, owner)
        elif isinstance(item, (list, tuple)):
            for v in item:
                visit(v, owner)

    visit(value, where)
    return out


Name = Annotated[str, AfterValidator(_name)]
# A date a user enters. Near year 1 or 9999 the planner's date arithmetic would overflow.
Day = Annotated[date, _within(date(1900, 1, 1), date(2999, 12, 31))]
# Busy periods also come from the academic calendar, which runs a few years past the latest deadline.
PeriodDay = Annotated[date, _within(date(1800, 1, 1), date(3999, 12, 31))]
Notes = Annotated[str, AfterValidator(_notes)]
ShortText = Annotated[str, AfterValidator(_short)]
# Text the planner writes from stored text (a milestone's title and note): never stored, so only its length is
# checked, and the exporters (ics, csv) drop any stray control code themselves.
PlanTitle = Annotated[str, AfterValidator(_short_trimmed)]
PlanNote = Annotated[str, AfterValidator(_notes_length)]
Email = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_email)]
Id = Annotated[str, BeforeValidator(_id), Field(min_length=1, max_length=64), AfterValidator(_safe_id)]
Slug = Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank_to_none)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True, str_max_length=NOTES_MAX * 4)


class BusyPeriod(_Model):
    """A stretch of days (inclusive) when a writer should not, or preferably not, be asked."""

    name: Name
    start: PeriodDay
    end: PeriodDay
    severity: Severity = "avoid"
    who: ShortText = "everyone"
    source: ShortText = ""
    key: ShortText = ""  # stable id of a default period ("july_transition"); empty for the user's own
    # The student's own periods (their list, a writer's list) get a stable id (with_period_ids) so Remove acts on
    # the period drawn, whatever another tab removed meanwhile; generated periods keep "".
    id: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_]*$")

    @field_validator("key")
    @classmethod
    def _safe_key(cls, value: str, info: ValidationInfo) -> str:
        if not value or PERIOD_KEY_PATTERN.fullmatch(value) or _stored(info):
            return value
        raise ValueError(f"'{quoted(value)}' is not a busy period's key ({PERIOD_KEY_RULE})")

    @model_validator(mode="after")
    def _ordered(self) -> BusyPeriod:
        if self.end < self.start:
            raise ValueError(f"'{self.name}' ends ({self.end}) before it starts ({self.start})")
        return self

    def contains(self, day: date) -> bool:
        """True when ``day`` falls inside this period (both ends included)."""
        return self.start <= day <= self.end


def with_period_ids(periods: list[BusyPeriod]) -> list[BusyPeriod]:
    """The periods, each with an id unique in the list: a missing (saved before ids) or repeated id becomes one
    derived from the period's contents, so the same saved list gets the same ids on every read."""
    seen: set[str] = set()
    out = []
    for period in periods:
        if not period.id or period.id in seen:
            text = "|".join(str(v) for v in (period.name, period.start, period.end, period.severity, period.who))
            n = 0
            while not period.id or period.id in seen:
                digest = hashlib.blake2s(f"{text}|{n}".encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
                period, n = period.model_copy(update={"id": f"p{digest}"}), n + 1
        seen.add(period.id)
        out.append(period)
    return out


class Touchpoint(_Model):
    """A dated contact with a mentor: feedback asked, a check-in, an update sent."""

    day: Day
    kind: TouchpointKind = "check_in"
    note: ShortText = ""


class Student(_Model):
    """The student whose plan this is."""

    name: Name
    email: Email = None
    school: ShortText = ""
    graduation_year: int | None = Field(default=None, ge=1950, le=2100)
    target_specialty: Slug = None
    phone: ShortText = ""


class Mentor(_Model):
    """A candidate letter writer and what they have seen of the student."""

    id: Id = Field(default_factory=new_id)
    name: Name
    email: Email = None
    role: Role = "attending"
    specialty: Slug = None
    setting: Setting = "rotation"
    weeks_known: int = Field(default=0, ge=0, le=10_000)
    one_on_one: OneOnOne = "some"
    performance: Performance = "strong"
    observed: list[ShortText] = Field(default_factory=list, max_length=50)
    last_worked: Day | None = None
    busy: list[BusyPeriod] = Field(default_factory=list, max_length=200)
    notes: Notes = ""
    touchpoints: list[Touchpoint] = Field(default_factory=list, max_length=500)
    title: ShortText = ""  # e.g. "Associate Professor of Medicine", shown on drafts
    unavailable: bool = False  # on leave or otherwise unable to write this cycle
    degree: Degree = ""  # "DO" matters to osteopathic schools; "" when not recorded
    rotation_end: Day | None = None  # the last day of a rotation with this writer, past or still ahead
    # A committee or a department (LETTER_SOURCE_ROLES): the day it needs the student's materials by (registration,
    # the individual letters it gathers); None: the usual date for its kind (data/seasons.toml).
    intake_deadline: Day | None = None

    @field_validator("observed")
    @classmethod
    def _drop_blank(cls, items: list[str]) -> list[str]:
        return [item for item in items if item]

    @field_validator("busy")
    @classmethod
    def _period_ids(cls, periods: list[BusyPeriod]) -> list[BusyPeriod]:
        return with_period_ids(periods)

    @property
    def letter_source(self) -> bool:
        """True for a committee or a department writing as a group: a letter source, not a person."""
        return self.role in LETTER_SOURCE_ROLES

    def last_contact(self) -> date | None:
        """The most recent day the student worked with or spoke to this mentor, if known."""
        days = [t.day for t in self.touchpoints]
        if self.last_worked:
            days.append(self.last_worked)
        return max(days) if days else None


class Program(_Model):
    """One program (or school) an application goes to, with its own letter rules."""

    name: Name
    deadline: Day | None = None
    max_letters: int = Field(default=4, ge=1, le=10)
    required_types: list[LetterType] = Field(default_factory=list)
    assigned: list[Id] = Field(default_factory=list)


class Application(_Model):
    """One application cycle: a pathway, a portal, a deadline for letters, and its programs."""

    id: Id = Field(default_factory=new_id)
    name: Name
    pathway: Pathway = "residency"
    specialty: Slug = None
    portal: Portal = "ERAS"
    deadline: Day
    academic: bool = False
    programs: list[Program] = Field(default_factory=list, max_length=200)
    notes: Notes = ""
    osteopathic_recognition: bool = False  # residency programs with ACGME Osteopathic Recognition
    # The season as the portal names it (ERAS 2028 is applied to in 2027 for a start in 2028); None: not set (a
    # plan saved before seasons). Its portal calendar gives the default due date (lor.seasons).
    season: int | None = Field(default=None, ge=2000, le=2100)
    track: Track = "categorical"  # residency only: a preliminary or transitional year shares letters (issue #22.4)

    @field_validator("programs")
    @classmethod
    def _unique_program_names(cls, programs: list[Program], info: ValidationInfo) -> list[Program]:
        # A program is found by its name (assigning letters, editing, removing): two of one name would be one.
        seen: set[str] = set()
        for program in programs:
            if name_key(program.name) in seen and not _stored(info):
                raise ValueError(f"has two programs named '{quoted(program.name)}': give each program its own name")
            seen.add(name_key(program.name))
        return programs


def served_application(applications: Sequence[Application]) -> Application:
    """The application a letter serving ``applications`` (one upload, several applications on one portal) is
    planned against: the one due first, named after all of them ("IM categorical and Preliminary IM")."""
    first = min(applications, key=lambda a: a.deadline)
    if len(applications) == 1:
        return first
    names = [a.name for a in applications]
    programs = [p for a in applications for p in a.programs]  # the letter goes to each one's programs
    return first.model_copy(update={"name": ", ".join(names[:-1]) + " and " + names[-1], "programs": programs})


class LetterRequest(_Model):
    """One letter: who writes it, for which application, and where it is in its life."""

    id: Id = Field(default_factory=new_id)
    mentor_id: Id
    application_id: Id
    letter_type: LetterType = "narrative"
    status: Status = "planned"
    asked_on: Day | None = None
    agreed_on: Day | None = None
    declined_on: Day | None = None
    packet_sent_on: Day | None = None
    reminder_1_on: Day | None = None
    reminder_2_on: Day | None = None
    submitted_on: Day | None = None
    thanked_on: Day | None = None
    updated_on: Day | None = None
    withdrawn_on: Day | None = None
    status_checked_on: Day | None = None  # the day the student looked in the portal for it (a Done status check)
    waived: bool | None = None
    letter_id: Annotated[
        Annotated[str, Field(max_length=100), AfterValidator(without_controls)] | None, BeforeValidator(_blank_to_none)
    ] = None
    version: Version = "general"
    tailored_for: ShortText = ""
    packet: dict[str, bool] = Field(default_factory=dict)
    brag_sheet: list[ShortText] = Field(default_factory=list, max_length=30)
    strengths: Notes = ""
    due: Day | None = None  # the date given to the writer, if earlier than the application's
    notes: Notes = ""
    # The other applications this one letter serves, on the same portal (one upload, assigned to the programs of
    # each): an IM letter that also goes to the preliminary-year application (issue #22.2).
    also_for: list[Id] = Field(default_factory=list, max_length=8)
    # The committee (a writer with role "committee") that gathers this letter into its committee letter: the letter
    # goes to the committee by its deadline, not to the portal.
    via: Annotated[Id | None, BeforeValidator(_blank_to_none)] = None

    @property
    def application_ids(self) -> tuple[str, ...]:
        """Every application this letter serves: the one it was planned for first, then ``also_for``."""
        return (self.application_id, *self.also_for)

    def serves(self, application_id: str) -> bool:
        """True when this letter goes to ``application_id`` (first or shared)."""
        return application_id == self.application_id or application_id in self.also_for

    @field_validator("also_for")
    @classmethod
    def _other_applications(cls, ids: list[str], info: ValidationInfo) -> list[str]:
        # Each application once, and never the letter's first application again.
        first = info.data.get("application_id")
        return [i for n, i in enumerate(ids) if i != first and i not in ids[:n]]

    @field_validator("packet", mode="before")
    @classmethod
    def _packet(cls, value: object) -> object:
        # A list of finished items is accepted too: ["cv", "brag_sheet"].
        if isinstance(value, (list, tuple, set)):
            return {str(item): True for item in value}
        return value

    @field_validator("brag_sheet")
    @classmethod
    def _drop_blank(cls, items: list[str]) -> list[str]:
        return [item for item in items if item]


class Milestone(_Model):
    """One dated step of a letter's plan."""

    kind: MilestoneKind
    day: date
    title: PlanTitle
    note: PlanNote = ""
    request_id: str | None = None  # the LetterRequest this step belongs to
    mentor_id: str | None = None
    application_id: str | None = None
    done: bool = False
    overdue: bool = False  # its planned day passed before it was done; the planner put it on today
    planned_for: date | None = None  # for an overdue step, the day it was first planned for
    waiting: bool = False  # waiting on the writer (their answer to the ask): not the student's move, never overdue
    # One conversation per writer (issue #22.2): a step that covers several of the writer's letters lists them all
    # (request_id is the first); an application's steps include every application its letter serves.
    request_ids: list[str] = Field(default_factory=list)
    application_ids: list[str] = Field(default_factory=list)

    @property
    def letter_ids(self) -> list[str]:
        """Every letter this step is for (the one of request_id, or all it covers)."""
        return self.request_ids or ([self.request_id] if self.request_id else [])

    def serves(self, application_id: str) -> bool:
        """True when this step is for a letter that goes to ``application_id``."""
        return application_id == self.application_id or application_id in self.application_ids

    @property
    def uid(self) -> str:
        """A stable id for this step: the same letter and kind always give the same uid."""
        return f"{self.request_id or 'plan'}-{self.kind}"


class Reason(_Model):
    """Signed points of a mentor's score and the sentence that explains them."""

    points: int
    text: str


class MentorScore(_Model):
    """An explainable recommender score: the reasons add up to the score."""

    score: int = Field(ge=0, le=100)
    tier: Tier
    reasons: list[Reason] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class MixCheck(_Model):
    """One rule of the letter mix, whether it passes, and what to do about it."""

    rule: str
    ok: bool
    required: bool
    message: str
    source: str = ""
    checked: str = ""  # the day the rule was last compared with its source (YYYY-MM-DD)
    note: bool = False  # True: something to know (an optional letter, an unconfirmed practice), not a check to meet


class MixReport(_Model):
    """Whether a set of writers gives an application the letters it needs."""

    ok: bool
    checks: list[MixCheck] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)


class Plan(_Model):
    """The dated milestones of one letter, sorted by day, and what the planner had to compromise."""

    milestones: list[Milestone] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


# -- the plan's settings ------------------------------------------------------------------------------------
# Stored in the workspace's settings table, one JSON value per key, and in a backup's "settings" table as is.
BUSY_SETTING: Final = "busy"
BUFFER_SETTING: Final = "buffer_days"
BACKUPS_SETTING: Final = "recommenders-backups-planned"  # the key Choose recommenders first saved it under


class MovedPeriod(_Model):
    """New dates for one year's occurrence of a default busy period."""

    start: PeriodDay
    end: PeriodDay

    @model_validator(mode="after")
    def _ordered(self) -> MovedPeriod:
        if self.end < self.start:
            raise ValueError(f"A moved busy period ends ({self.end}) before it starts ({self.start})")
        return self


class BusyChoices(_Model):
    """The student's changes to the default busy periods."""

    disabled: list[str] = Field(default_factory=list, max_length=500)  # keys of default periods off in every year
    moved: dict[str, MovedPeriod] = Field(default_factory=dict, max_length=2_000)  # "<key>:<year>" -> its dates
    custom: list[BusyPeriod] = Field(default_factory=list, max_length=200)  # the student's own, for everyone

    @field_validator("disabled")
    @classmethod
    def _disabled_keys(cls, keys: list[str]) -> list[str]:
        for key in keys:
            if not PERIOD_KEY_PATTERN.fullmatch(key):
                raise ValueError(f"lists '{quoted(key)}', which is not a busy period's key ({PERIOD_KEY_RULE})")
        return keys

    @field_validator("moved")
    @classmethod
    def _moved_keys(cls, moved: dict[str, MovedPeriod]) -> dict[str, MovedPeriod]:
        for key in moved:
            if not MOVED_KEY_PATTERN.fullmatch(key):
                raise ValueError(
                    f"lists '{quoted(key)}', which is not a busy period's key and year (like july_transition:2027)"
                )
        return moved

    @field_validator("disabled", "custom", "moved", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object, info: ValidationInfo) -> object:
        # A hand-edited file may say null for a part it leaves empty: nothing changed there.
        return ({} if info.field_name == "moved" else []) if value is None else value

    @field_validator("custom")
    @classmethod
    def _period_ids(cls, periods: list[BusyPeriod]) -> list[BusyPeriod]:
        return with_period_ids(periods)

    @classmethod
    def read(cls, stored: object) -> BusyChoices:
        """The choices in a stored "busy" setting; entries that are not valid are skipped, so a damaged
        entry in a saved plan never stops the whole plan."""
        if isinstance(stored, BusyChoices):
            return stored
        try:
            return cls.model_validate(stored or {})
        except ValidationError:
            pass
        raw = stored if isinstance(stored, Mapping) else {}
        disabled = raw.get("disabled")
        moved = raw.get("moved")
        return cls(
            disabled=[k for k in disabled if isinstance(k, str) and PERIOD_KEY_PATTERN.fullmatch(k)]
            if isinstance(disabled, list)
            else [],
            moved={
                k: v
                for k, v in ((k, _valid(MovedPeriod, v)) for k, v in moved.items())
                if v and isinstance(k, str) and MOVED_KEY_PATTERN.fullmatch(k)
            }
            if isinstance(moved, Mapping)
            else {},
            custom=[p for p in (_valid(BusyPeriod, item) for item in _as_list(raw.get("custom"))) if p],
        )

    def stored(self) -> dict[str, Any]:
        """The JSON value saved under the "busy" setting."""
        return self.model_dump(mode="json")

    def switched(self, key: str, *, on: bool) -> BusyChoices:
        """These choices with the default period ``key`` switched on or off."""
        disabled = [k for k in self.disabled if k != key] + ([] if on else [key])
        return self.model_copy(update={"disabled": disabled})

    def moved_to(self, key: str, year: int, start: date, end: date) -> BusyChoices:
        """These choices with the occurrence of ``key`` that starts in ``year`` moved to start..end."""
        dates = MovedPeriod(start=start, end=end)
        return self.model_copy(update={"moved": {**self.moved, f"{key}:{year}": dates}})

    def unmoved(self, moved_key: str) -> BusyChoices:
        """These choices without the move saved under ``moved_key`` ("<key>:<year>")."""
        return self.model_copy(update={"moved": {k: v for k, v in self.moved.items() if k != moved_key}})

    def with_custom(self, period: BusyPeriod) -> BusyChoices:
        """These choices with one more period of the student's own (given a new id when it has none)."""
        period = period if period.id else period.model_copy(update={"id": new_id()})
        return self.model_copy(update={"custom": with_period_ids([*self.custom, period])})

    def without_custom(self, period_id: str) -> BusyChoices:
        """These choices without the student's own period whose id is ``period_id``."""
        return self.model_copy(update={"custom": [p for p in self.custom if p.id != period_id]})


SETTING_KEYS: Final = frozenset({BUSY_SETTING, BUFFER_SETTING, BACKUPS_SETTING})  # every setting a plan stores


class PlanSettings(_Model):
    """Everything a plan stores besides its records: busy-period choices, the writer buffer (days before the
    real deadline a writer is asked to submit by) and the backup letters planned for declined ones."""

    model_config = ConfigDict(populate_by_name=True)

    busy: BusyChoices = Field(default_factory=BusyChoices, alias=BUSY_SETTING)
    buffer_days: int = Field(default=0, strict=True, alias=BUFFER_SETTING)  # 0 to timing().max_buffer_days
    backups_planned: dict[Id, Id] = Field(default_factory=dict, alias=BACKUPS_SETTING)  # declined id -> backup id

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, settings: object, info: ValidationInfo) -> object:
        # A plan stores only these settings; a key no page reads is refused, not kept unseen (issue #14.6).
        if info.context and info.context.get("as_stored") and isinstance(settings, Mapping):
            unknown = [key for key in settings if key not in SETTING_KEYS]
            if unknown:
                raise ValueError(
                    f"There is a setting named '{quoted(str(unknown[0]))}', which LOR Planner does not have "
                    f"(its settings are {', '.join(sorted(SETTING_KEYS))})."
                )
        return settings

    @field_validator("busy", "backups_planned", "buffer_days", mode="before")
    @classmethod
    def _null_is_default(cls, value: object, info: ValidationInfo) -> object:
        # An absent or null setting is the default (no buffer, no changes, nothing planned).
        return (0 if info.field_name == "buffer_days" else {}) if value is None else value

    @field_validator("buffer_days")
    @classmethod
    def _buffer_within_limit(cls, value: int) -> int:
        limit = timing().max_buffer_days  # the one limit: data/busy_periods.toml [timing]
        if value > limit or value < 0:
            side = f"above {limit}" if value > limit else "below 0"
            raise ValueError(f"can't be {side} (whole days from 0 to {limit})")
        return value

    @classmethod
    def from_stored(cls, settings: Mapping[str, Any]) -> PlanSettings:
        """Strictly: the settings of a backup being restored. Raises ValidationError on anything not valid."""
        return cls.model_validate(settings, context={"as_stored": True})

    @classmethod
    def read(cls, settings: Mapping[str, Any] | None) -> PlanSettings:
        """The settings of a saved plan (``Workspace.settings()``); a part that is not valid reads as its default."""
        settings = settings or {}
        try:
            return cls.from_stored(settings)
        except ValidationError:
            pass
        buffer = _valid(cls, {BUFFER_SETTING: settings.get(BUFFER_SETTING)})
        planned = settings.get(BACKUPS_SETTING)
        return cls(
            busy=BusyChoices.read(settings.get(BUSY_SETTING)),
            buffer_days=buffer.buffer_days if buffer else 0,
            backups_planned={
                k: v
                for k, v in planned.items()
                if isinstance(v, str) and ID_PATTERN.fullmatch(k) and ID_PATTERN.fullmatch(v)
            }
            if isinstance(planned, Mapping)
            else {},
        )


def _valid(model: type[_M], value: object) -> _M | None:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


_M = TypeVar("_M", bound=BaseModel)


FIELD_LABELS = {
    "weeks_known": "Weeks known",
    "one_on_one": "One-on-one time",
    "last_worked": "Last worked together",
    "mentor_id": "Writer",
    "application_id": "Application",
    "letter_id": "Letter ID",
    "graduation_year": "Graduation year",
    "max_letters": "Maximum letters",
    BUFFER_SETTING: "The writer buffer (days before the deadline)",
    BACKUPS_SETTING: "Planned backups",
    "busy": "Busy periods",
    "disabled": "Busy periods switched off",
    "moved": "Moved busy periods",
    "custom": "Your own busy periods",
    "id": "A record",
    "programs": "An application",
    "assigned": "A program's letter list",
    "key": "A busy period",
}


_WRONG_KIND = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a group of named fields",
    "model_type": "a group of named fields",
    "model_attributes_type": "a group of named fields",
}


# Text with a lone surrogate (half of an emoji's UTF-16 pair) can't be written as UTF-8: not to the database, not
# to a backup. Pydantic refuses it in every text field; a backup is checked for it everywhere (lor.store).
BROKEN_TEXT: Final = "holds a broken character (half of an emoji, or a stray code) that can't be saved; type it again"


def _field_names() -> set[str]:
    if not _FIELD_NAMES:
        models = [_Model]
        while models:
            model = models.pop()
            models += model.__subclasses__()
            for name, info in model.model_fields.items():
                _FIELD_NAMES.update({name, info.alias or name})
    return _FIELD_NAMES


_FIELD_NAMES: set[str] = set()


def plain_errors(exc: ValidationError) -> list[str]:
    """Turn a ValidationError into short sentences a student can act on."""
    out = []
    for err in exc.errors():
        # Name the innermost field: a dict's keys ("l1", "july_transition:2027", "[key]") are the user's, not fields.
        where = [str(p) for p in err["loc"] if not isinstance(p, int) and str(p) in _field_names()]
        field = where[-1] if where else ""
        name = FIELD_LABELS.get(field, field.replace("_", " ").capitalize()) if field else "This entry"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "literal_error":
            msg = "must be one of the listed choices"
        elif err["type"] == "greater_than_equal":
            msg = f"can't be below {err['ctx']['ge']}"
        elif err["type"] == "less_than_equal":
            msg = f"can't be above {err['ctx']['le']}"
        elif err["type"] == "missing":
            msg = "is required"
        elif err["type"] in ("date_from_datetime_parsing", "date_parsing", "date_type"):
            msg = "must be a date (YYYY-MM-DD)"
        elif err["type"] == "too_long":
            msg = "has too many entries"
        elif err["type"] == "string_too_long":
            msg = "is too long"
        elif err["type"] == "string_unicode":
            msg = BROKEN_TEXT
        elif err["type"] == "int_parsing_size":
            msg = "must be a whole number of a sensible size"
        elif err["type"] in _WRONG_KIND:  # a hand-edited backup: say what kind of value belongs there
            msg = f"must be {_WRONG_KIND[err['type']]}"
            field = field or "entry"
        if not field:  # model-level check: the message is already a sentence
            out.append(msg[0].upper() + msg[1:] if msg else "This entry is not valid.")
        else:
            out.append(f"{name} {msg}.")
    return out
