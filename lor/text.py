"""Wording shared by every page, file and email: how a day is written, step labels, plurals, Markdown escaping.

Dates are built from the day's own numbers, never from platform-specific ``strftime`` flags (the no-padding dash
raises ``ValueError`` on Windows), and always in US style ("Wed Nov 25, 2026").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date

from lor.models import Application, LetterRequest, Mentor, label, label_in_sentence

# -- days ----------------------------------------------------------------------------------------------
# Month and weekday names come from the ``date`` itself (%a %A %b %B are the same on every OS); the day of
# the month is always ``day.day``, so it never carries a leading zero.


def long_date(day: date) -> str:
    """ "Wednesday, November 25, 2026": for the body of an email."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def full_date(day: date) -> str:
    """ "November 25, 2026": a date in a sentence."""
    return f"{day:%B} {day.day}, {day.year}"


def day_text(day: date) -> str:
    """ "Wed Nov 25, 2026": a planned day (timeline, calendars, request sheets, the advisor report)."""
    return f"{day:%a} {day:%b} {day.day}, {day.year}"


def short_date(day: date) -> str:
    """ "Nov 25, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"


def month_day(day: date, *, long: bool = False) -> str:
    """ "Nov 25" (or "November 25" with ``long``): a day in the coming weeks, where the year goes without saying."""
    return f"{day:%B} {day.day}" if long else f"{day:%b} {day.day}"


def weekday_month_day(day: date) -> str:
    """ "Wed Nov 25": a day this week."""
    return f"{day:%a} {day:%b} {day.day}"


def estimated(text: str, is_estimate: bool) -> str:
    """A due date as shown: "about Wed Sep 1, 2027 (not yet published)" when the app estimated it, else as is."""
    return f"about {text} (not yet published)" if is_estimate else text


def month_year(day: date) -> str:
    """ "Nov 2026"."""
    return f"{day:%b} {day.year}"


# -- counts --------------------------------------------------------------------------------------------


def plural(count: int, word: str, many: str | None = None) -> str:
    """The count with its noun: "1 letter", "2 letters", "0 letters" (``many`` for irregular plurals)."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def a_or_an(letter_type: str) -> str:
    """A letter type with its article, inside a sentence: "a SLOE", "an eSLOR", "a narrative letter"."""
    words = label_in_sentence(letter_type)
    # By the first letter as written: the types' labels start with no silent or "you"-sounding vowel.
    return f"{'an' if words[:1].lower() in ('a', 'e', 'i', 'o') else 'a'} {words}"


def and_list(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    names = list(names)
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def applications_of(letter: LetterRequest, apps: Mapping[str, Application]) -> str:
    """The applications a letter serves, by name ("IM categorical and Preliminary IM"); "Unknown application" when
    none is in the plan any more."""
    return and_list([apps[i].name for i in letter.application_ids if i in apps]) or "Unknown application"


def letter_title(letter: LetterRequest, mentors: dict[str, Mentor], apps: dict[str, Application]) -> str:
    """ "Dr. Ana Ortiz — IM residency (SLOE)": a letter named by its writer, application(s) and type, by ids
    (a writer or application no longer in the plan is named as unknown)."""
    writer = mentors[letter.mentor_id].name if letter.mentor_id in mentors else "Unknown writer"
    return f"{writer} — {applications_of(letter, apps)} ({label(letter.letter_type)})"


def lines_of(text: str) -> list[str]:
    """One item per non-empty line, trimmed: how a text box becomes a list ("What they saw you do", brag sheet)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def file_slug(text: str, fallback: str = "writer") -> str:
    """A name made safe for a download's file name: lower-case ASCII letters and digits joined by dashes (accents
    dropped, "José Núñez" → "jose-nunez"), or ``fallback`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or fallback


_TITLE = re.compile(r"^\s*(dr|prof|professor|mr|mrs|ms|mx)\.?\s+", re.IGNORECASE)


def name_slug(name: str, fallback: str = "writer") -> str:
    """A person's name in a download's file name, without a leading title: "Dr. Sara Patel" → "sara-patel"."""
    return file_slug(_TITLE.sub("", name), fallback)


# -- steps of a letter's plan --------------------------------------------------------------------------
# A plan step (Milestone.kind) is labeled by what the student does that day. It is not the vocabulary
# label of the same slug: "packet" is also a letter type (a committee "Letter packet"), and "reminder_2"
# as a letter's date is "Reminder 2 (final)". Every place that names a step (calendars, charts, CSV,
# .ics, the advisor report) uses this table.

STEP_LABELS: dict[str, str] = {
    "check_in": "Goal conversation",
    "ask": "Ask",
    "packet": "Send packet",
    "reminder_1": "Reminder 1",
    "reminder_2": "Reminder 2",
    "status_check": "Status check",
    "deadline": "Due",
    "thank_you": "Thank-you",
    "update": "Update",
}


def step_label(kind: str) -> str:
    """What the student does at a plan step: "Ask", "Send packet", "Thank-you"."""
    return STEP_LABELS[kind]


# -- Markdown ------------------------------------------------------------------------------------------

# Every character Markdown or HTML gives a meaning to; ":" too, so no text becomes a Streamlit directive
# (":red[…]", an icon).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~!&+.$:-])")

# Streamlit's Markdown (GitHub's flavor) turns web addresses ("https://…", "www.…") and email addresses into links
# after escapes are undone, so no backslash or character reference stops it; it only looks inside one run of text.
# NO_LINK, an empty Streamlit colour span, splits the run where an address would start: between "http(s)" and ":",
# "www" and ".", and before "@". It draws nothing, and the text reads and copies exactly as typed.
NO_LINK = ":gray[]"
_ADDRESS_START = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)")


def markdown_escape(text: object) -> str:
    """User text made safe for Markdown: every significant character backslash-escaped, on one line, and no web or
    email address in it turned into a link."""
    flat = " ".join(str(text).split())
    return NO_LINK.join(MARKDOWN_SPECIAL.sub(r"\\\1", part) for part in _ADDRESS_START.split(flat))


# In a widget's label Streamlit draws inline Markdown only (no lists or headings), and a hidden label is also the
# control's accessible name, read aloud as typed: escape only what could make a link, an image, LaTeX or emphasis,
# so "Dr. Sara Patel" is not read as "Dr backslash. Sara Patel".
LABEL_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def label_escape(text: object) -> str:
    """User text made safe inside a widget's label: like ``markdown_escape``, but names keep their dots, dashes,
    colons and parentheses unescaped, so a screen reader reads them as typed."""
    flat = " ".join(str(text).split())
    return NO_LINK.join(LABEL_SPECIAL.sub(r"\\\1", part) for part in _ADDRESS_START.split(flat))


# -- Plotly ----------------------------------------------------------------------------------------------

# Plotly draws a subset of HTML in every label (tick text, hover text, legend names, titles, annotations) and
# decodes character references in them; a hover template also fills in "%{...}". "%" is written as a character
# reference, which Plotly shows as "%" and its template never reads.
_PLOTLY_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"}


def plotly_text(text: object) -> str:
    """User text made safe for any Plotly label or hover text: shown exactly as typed, on one line, with no tag,
    link or template field in it taking effect."""
    flat = " ".join(str(text).split())
    return "".join(_PLOTLY_SPECIAL.get(ch, ch) for ch in flat)


def due_words(days: int) -> str:
    """How far off letters are due, as the pages say it: "letters due today", "… in 3 days", "… passed 2 days ago"."""
    if days == 0:
        return "letters due today"
    return f"letters due in {plural(days, 'day')}" if days > 0 else f"deadline passed {plural(-days, 'day')} ago"


def asked_words(days: int | None) -> str:
    """How long ago a writer was asked: "asked today", "asked yesterday", "asked 9 days ago" ("asked" when unknown)."""
    return {None: "asked", 0: "asked today", 1: "asked yesterday"}.get(days) or f"asked {plural(days or 0, 'day')} ago"
