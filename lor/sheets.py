"""The writer request sheet: one printable page per writer with every program, due date and instruction.

Writers ask for one batched list (DOMAIN.md "The packet"), so the sheet gathers all of this writer's
letters. ``items`` is a list of ``(LetterRequest, Application)`` pairs: each letter this writer is
writing and the application it belongs to. A letter assigned to programs lists those programs; a letter
not yet assigned lists all of its application's programs. The HTML sheet escapes every user string, so a
name like ``<script>`` prints as text; the Markdown sheet is plain text and keeps it as typed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from lor.messages import (
    GENERAL_SALUTATION_PORTALS,
    committee_steps,
    mailto_link,
    purpose,
    source_thanks,
    writer_attachments,
)
from lor.models import (
    CLOSED_STATUSES,
    Application,
    LetterRequest,
    Mentor,
    Program,
    Student,
    label,
    served_application,
)
from lor.planner import committee_due
from lor.portals import letter_id_name, writer_steps
from lor.seasons import due_is_estimate, portal_opens_after
from lor.text import day_text as _day
from lor.text import estimated as _estimated
from lor.text import plural

Items = list[tuple[LetterRequest, Application]]

WAIVER_TEXT: dict[bool | None, str] = {
    # The AAMC Letter Writer Portal's terms: a writer must not share a waived letter with the student, nor pick that
    # student to upload it (data/guidance/waiver.md).
    True: (
        "Waived: the student will not see this letter. Please don't share it with them or ask them to upload it "
        "for you."
    ),
    # Not waived: the portals still don't show it; the writer may share it, and in AAMC services may let the
    # student upload it. FERPA adds a right to a copy held by a school the student attends or enrolls in.
    False: (
        "Not waived: the portals don't show letters to students, but you may share this one with the student, and "
        "in AAMC services (ERAS, AMCAS) you may let them upload it for you. The student also keeps the legal "
        "(FERPA) right to see a copy held by a school they attend or later enroll in."
    ),
    None: "Not decided yet.",
}


@dataclass(frozen=True)
class _Row:
    letter: LetterRequest
    application: Application
    due: date
    programs: list[Program]
    committee: str = ""  # the committee the letter goes to by its date (``via``), instead of the portal
    estimated: bool = False  # the due date is the app's estimate of the season's date, not a published one
    opens: date | None = None  # the portal opens for the season on this day, after today: its request comes then

    @property
    def due_text(self) -> str:
        """ "Wed Sep 1, 2027", or "about Wed Sep 1, 2027 (not yet published)" when the app estimated it."""
        return _estimated(_day(self.due), self.estimated)


def _programs_for(letter: LetterRequest, application: Application) -> list[Program]:
    assigned = [p for p in application.programs if letter.id in p.assigned]
    chosen = assigned or list(application.programs)
    return sorted(chosen, key=lambda p: (p.deadline is None, p.deadline or date.max, p.name.casefold()))


def _rows(items: Items, committees: Mapping[str, Mentor], today: date) -> list[_Row]:
    rows = []
    for letter, application in items:
        committee = committees.get(letter.via or "")
        to_committee = committee_due(application, committee, letter)
        if committee is not None and to_committee is not None:
            # The schools get the committee's letter, not this one: the writer's only date is the committee's.
            rows.append(_Row(letter, application, to_committee, [], committee.name))
            continue
        programs = _programs_for(letter, application)
        dates = [letter.due or application.deadline] + [p.deadline for p in programs if p.deadline]
        due = min(dates)
        opens = portal_opens_after(application, today)
        rows.append(_Row(letter, application, due, programs, "", due_is_estimate(application, due), opens))
    return sorted(rows, key=lambda r: (r.due, r.application.name.casefold()))


def _brag(items: Items, mentor: Mentor) -> list[str]:
    bullets = [b for letter, _ in items for b in letter.brag_sheet]
    return list(dict.fromkeys(bullets or mentor.observed))


def _strengths(items: Items) -> list[str]:
    return list(dict.fromkeys(letter.strengths.strip() for letter, _ in items if letter.strengths.strip()))


def _version(row: _Row) -> str:
    letter = row.letter
    if row.committee:
        return f"One letter, sent to {row.committee} for my committee letter"
    if letter.version == "tailored":
        return f"Tailored for {letter.tailored_for}" if letter.tailored_for else "Tailored"
    return "General (the same letter goes to every program)"


def sheet_items(mentor_id: str, letters: list[LetterRequest], applications: list[Application]) -> Items:
    """The (letter, application) pairs a writer's sheet lists: their letters still in play."""
    apps = {a.id: a for a in applications}
    return [
        (x, served_application([apps[i] for i in x.application_ids if i in apps]))
        for x in letters
        if x.mentor_id == mentor_id and x.application_id in apps and x.status not in CLOSED_STATUSES
    ]


# ---------------------------------------------------------------- HTML

_CSS = """
@page { size: letter; margin: 0.6in; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2933; font: 14px/1.5 -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
.sheet { max-width: 8.5in; margin: 24px auto; background: #fff; padding: 0.6in 0.7in; border-radius: 8px;
  box-shadow: 0 1px 4px rgba(0,0,0,.08); }
header { border-bottom: 3px solid #1f4e79; padding-bottom: 10px; margin-bottom: 16px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: #1f4e79; margin: 0; }
h1 { font-size: 24px; margin: 2px 0 4px; }
h2 { font-size: 15px; color: #1f4e79; margin: 20px 0 6px; border-bottom: 1px solid #d9dee5;
  padding-bottom: 2px; }
h3 { font-size: 14px; margin: 0 0 4px; }
.muted { color: #52606d; margin: 0; }
.first-due { background: #eef4fa; border-left: 4px solid #1f4e79; padding: 8px 12px; margin: 12px 0; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 5px 6px; border-bottom: 1px solid #e4e7eb; }
th { font-size: 12px; color: #52606d; font-weight: 600; }
tr.earliest td { font-weight: 700; }
.letter { border: 1px solid #d9dee5; border-radius: 6px; padding: 10px 12px; margin: 10px 0;
  break-inside: avoid; }
dl { display: grid; grid-template-columns: 9em 1fr; gap: 2px 10px; margin: 6px 0; }
dt { color: #52606d; }
dd { margin: 0; }
ul { margin: 4px 0; padding-left: 20px; }
footer { margin-top: 20px; border-top: 1px solid #d9dee5; padding-top: 8px; font-size: 13px; }
@media print { body { background: #fff; } .sheet { margin: 0; padding: 0; box-shadow: none; } }
"""


EARLIEST_ROW = ' class="earliest"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_letter(row: _Row, earliest: date) -> str:
    letter, app = row.letter, row.application
    facts = [
        ("Due", f"<strong>{_e(row.due_text)}</strong>" if row.due == earliest else _e(row.due_text)),
        ("For", _e(purpose(app).capitalize())),
        *((name, _e(text)) for name, text in _where(row)),
    ]
    if letter.letter_id:
        facts.append((letter_id_name(app.portal), f"<code>{_e(letter.letter_id)}</code>"))
    facts.append(("Letter type", _e(label(letter.letter_type))))
    facts.append(("Version", _e(_version(row))))
    facts.append(("Waiver", _e(WAIVER_TEXT[letter.waived])))
    if app.portal in GENERAL_SALUTATION_PORTALS and not row.committee:
        facts.append(("Salutation", _e("“Dear Program Director” works well.")))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    programs = ""
    if row.programs:
        items = []
        for p in row.programs:
            when = f" — due {_day(p.deadline)}" if p.deadline else ""
            text = _e(f"{p.name}{when}")
            items.append(f"<li><strong>{text}</strong></li>" if p.deadline == earliest else f"<li>{text}</li>")
        programs = f"<p class='muted'>Programs</p><ul>{''.join(items)}</ul>"
    return f"<section class='letter'><h3>{_e(app.name)}</h3><dl>{dl}</dl>{programs}</section>"


def _where(row: _Row) -> list[tuple[str, str]]:
    """Where the letter goes and how, as (label, text): the portal, or the committee that gathers it."""
    app = row.application
    if row.committee:
        return [("Send to", row.committee), ("How to submit", committee_steps(row.committee, app.portal))]
    how = writer_steps(app.portal, row.letter.letter_type, app.specialty)
    where = [("Portal", label(app.portal))]
    if row.opens is not None:
        where.append(("When", _opens_words(row)))
    return [*where, ("How to submit", how)]


def _opens_words(row: _Row) -> str:
    """What a writer asked before the portal opens needs to know: the request comes then; writing can start now."""
    portal = label(row.application.portal)
    opens = row.opens or row.due
    return (
        f"{portal} opens for this season in {opens:%B %Y}. I'll send the portal request when it opens; you can write "
        "the letter before it arrives."
    )


def request_sheet_html(
    student: Student | None,
    mentor: Mentor,
    items: Items,
    *,
    today: date,
    committees: Mapping[str, Mentor] | None = None,
) -> str:
    """A self-contained, printable HTML page for one writer: every letter, program, due date and step.
    ``committees`` (mentor id → mentor) finds the committee a letter goes through (``via``)."""
    rows = _rows(items, committees or {}, today)
    who = student.name if student else "Your student"
    earliest = rows[0].due if rows else None
    parts = [
        "<header><p class='eyebrow'>Letter of recommendation request</p>",
        f"<h1>{_e(who)}</h1>",
        f"<p class='muted'>Prepared for {_e(mentor.name)}"
        + (f", {_e(mentor.title)}" if mentor.title else "")
        + f" · {_e(_day(today))}</p></header>",
        f"<p>{_e(source_thanks(mentor))} Everything you need is on this page: "
        f"{plural(len(rows), 'letter')}, with the earliest due date first.</p>",
    ]
    if rows:
        first = rows[0]
        parts.append(
            f"<p class='first-due'><strong>First due date: {_e(first.due_text)}</strong> "
            f"({_e(first.application.name)})</p>"
        )
        table = "".join(
            f"<tr{EARLIEST_ROW if r.due == earliest else ''}><td>{_e(r.due_text)}</td>"
            f"<td>{_e(r.application.name)}</td><td>{_e(r.committee or label(r.application.portal))}</td>"
            f"<td>{_e(r.letter.letter_id or '—')}</td><td>{len(r.programs) or '—'}</td></tr>"
            for r in rows
        )
        parts.append(
            "<h2>Due dates</h2><table><thead><tr><th>Due</th><th>Application</th><th>Goes to</th>"
            f"<th>Letter or request ID</th><th>Programs</th></tr></thead><tbody>{table}</tbody></table>"
        )
        parts.append("<h2>Each letter</h2>" + "".join(_html_letter(r, first.due) for r in rows))
    else:
        parts.append("<p class='muted'>No letters for this writer yet.</p>")
    brag = _brag(items, mentor)
    if brag:
        parts.append("<h2>What you saw me do</h2><ul>" + "".join(f"<li>{_e(b)}</li>" for b in brag) + "</ul>")
    strengths = _strengths(items)
    if strengths:
        parts.append(
            "<h2>Strengths I hope you might speak to</h2>"
            + "".join(f"<p>{_e(s)}</p>" for s in strengths)
            + "<p class='muted'>A gentle pointer, not a script: please write what you saw.</p>"
        )
    attached = writer_attachments(letter for letter, _ in items)
    if attached:
        parts.append("<h2>Also attached</h2><ul>" + "".join(f"<li>{_e(a)}</li>" for a in attached) + "</ul>")
    parts.append(_html_contact(student))
    body = "".join(parts)
    title = _e(f"Letter request — {who} for {mentor.name}")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{_CSS}</style></head>"
        f"<body><main class='sheet'>{body}</main></body></html>\n"
    )


def _html_contact(student: Student | None) -> str:
    if not student:
        return "<footer><p class='muted'>Contact details not entered yet.</p></footer>"
    lines = [f"<strong>{_e(student.name)}</strong>"]
    if student.school:
        lines.append(_e(student.school))
    if student.email:
        link = mailto_link(student.email)  # None for an address saved under the older, looser rule: text only
        lines.append(f"<a href='{_e(link)}'>{_e(student.email)}</a>" if link else _e(student.email))
    if student.phone:
        lines.append(_e(student.phone))
    return (
        f"<footer><p>Questions, or anything missing? Please reach me any time.</p><p>{' · '.join(lines)}</p></footer>"
    )


# ---------------------------------------------------------------- Markdown


def _line(text: object) -> str:
    """User text for the plain-text sheet: exactly as typed, on one line (a line break can't start a heading)."""
    return " ".join(str(text).split())


def _md_letter(row: _Row, earliest: date) -> list[str]:
    letter, app = row.letter, row.application
    due = _line(row.due_text)
    lines = [
        f"### {_line(app.name)}",
        "",
        f"- **Due:** {f'**{due}**' if row.due == earliest else due}",
        f"- **For:** {_line(purpose(app).capitalize())}",
        *(f"- **{name}:** {_line(text)}" for name, text in _where(row)),
    ]
    if letter.letter_id:
        lines.append(f"- **{letter_id_name(app.portal)}:** {_line(letter.letter_id)}")
    lines.append(f"- **Letter type:** {_line(label(letter.letter_type))}")
    lines.append(f"- **Version:** {_line(_version(row))}")
    lines.append(f"- **Waiver:** {_line(WAIVER_TEXT[letter.waived])}")
    if app.portal in GENERAL_SALUTATION_PORTALS and not row.committee:
        lines.append("- **Salutation:** “Dear Program Director” works well.")
    if row.programs:
        lines.append("- **Programs:**")
        for p in row.programs:
            text = _line(f"{p.name}{f' — due {_day(p.deadline)}' if p.deadline else ''}")
            lines.append(f"  - **{text}**" if p.deadline == earliest else f"  - {text}")
    return [*lines, ""]


def request_sheet_markdown(
    student: Student | None,
    mentor: Mentor,
    items: Items,
    *,
    today: date,
    committees: Mapping[str, Mentor] | None = None,
) -> str:
    """The same writer request sheet as plain text in Markdown style, for pasting into an email or a document.

    A file for people, not for a Markdown renderer: names and notes appear exactly as typed (no backslashes),
    each on one line; escaping belongs only where text is rendered on screen (``markdown_escape``).
    """
    rows = _rows(items, committees or {}, today)
    who = student.name if student else "Your student"
    title = f"for {mentor.name}" + (f", {mentor.title}" if mentor.title else "")
    out = [
        f"# Letter of recommendation request: {_line(who)}",
        "",
        f"Prepared {_line(title)} · {_line(_day(today))}",
        "",
        f"{source_thanks(mentor)} Everything you need is on this page, earliest due first.",
        "",
    ]
    if rows:
        first = rows[0]
        out += [
            f"**First due date: {_line(first.due_text)}** ({_line(first.application.name)})",
            "",
        ]
        out += ["## Each letter", ""]
        for row in rows:
            out += _md_letter(row, first.due)
    else:
        out += ["No letters for this writer yet.", ""]
    brag = _brag(items, mentor)
    if brag:
        out += ["## What you saw me do", "", *[f"- {_line(b)}" for b in brag], ""]
    strengths = _strengths(items)
    if strengths:
        out += ["## Strengths I hope you might speak to", "", *[_line(s) for s in strengths], ""]
        out += ["_A gentle pointer, not a script: please write what you saw._", ""]
    attached = writer_attachments(letter for letter, _ in items)
    if attached:
        out += ["## Also attached", "", *[f"- {_line(a)}" for a in attached], ""]
    out += ["## Contact", ""]
    if student:
        contact = [student.name, student.school, student.email or "", student.phone]
        out.append(" · ".join(_line(c) for c in contact if c))
    else:
        out.append("Contact details not entered yet.")
    return "\n".join(out) + "\n"
