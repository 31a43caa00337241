"""CSV downloads of the plan and the letters, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets; following OWASP's CSV-injection advice, such a cell gets a
leading single quote so it shows as the text the student typed. Quoting of commas, quotes and line
breaks is left to the ``csv`` module. Encode the text as UTF-8 (``utf-8-sig`` for Excel) to keep emoji.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from lor.models import Application, LetterRequest, Mentor, Milestone, label
from lor.text import step_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PLAN_COLUMNS = ("Date", "Step", "Writer", "Application", "What", "Note", "Done")
LETTER_COLUMNS = (
    "Writer",
    "Writer email",
    "Application",
    "Letter type",
    "Status",
    "Due",
    "Asked",
    "Agreed",
    "Declined",
    "Packet sent",
    "Reminder 1",
    "Reminder 2",
    "Submitted",
    "Thanked",
    "Updated",
    "Waived",
    "Letter ID",
    "Version",
    "Notes",
)


def safe_cell(value: object) -> str:
    """The value as spreadsheet text, with a leading quote if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def plan_csv(milestones: Iterable[Milestone], *, names: Mapping[str, str]) -> str:
    """The plan as CSV text, one row per step in date order; ``names`` maps writer and application ids."""
    rows = []
    for m in sorted(milestones, key=lambda m: (m.day, m.uid)):
        rows.append(
            (
                m.day,
                step_label(m.kind),
                names.get(m.mentor_id or "", ""),
                names.get(m.application_id or "", ""),
                m.title,
                m.note,
                m.done,
            )
        )
    return _csv(PLAN_COLUMNS, rows)


def letters_csv(
    letters: Iterable[LetterRequest], mentors: Iterable[Mentor], applications: Iterable[Application]
) -> str:
    """Every letter as CSV text: writer, application, type, status, due date and the date of each step."""
    by_mentor = {m.id: m for m in mentors}
    by_app = {a.id: a for a in applications}
    rows = []
    for r in letters:
        mentor = by_mentor.get(r.mentor_id)
        app = by_app.get(r.application_id)
        waived = "" if r.waived is None else r.waived
        rows.append(
            (
                mentor.name if mentor else "",
                mentor.email if mentor else "",
                app.name if app else "",
                label(r.letter_type),
                label(r.status),
                r.due or (app.deadline if app else None),
                r.asked_on,
                r.agreed_on,
                r.declined_on,
                r.packet_sent_on,
                r.reminder_1_on,
                r.reminder_2_on,
                r.submitted_on,
                r.thanked_on,
                r.updated_on,
                waived,
                r.letter_id,
                label(r.version),
                r.notes,
            )
        )
    return _csv(LETTER_COLUMNS, rows)
