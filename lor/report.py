"""The advisor report: a self-contained HTML file that prints to a one-page summary and a labelled appendix.

Page 1 is what an advisor reads: each application's state, what needs attention, every letter and the next
week. Every list on it is capped so it fits one US Letter page whatever the plan's size, and says where the
rest is. The appendix, from page 2, holds the details: every letter-mix check and program, every letter,
each writer's score with its reasons, and every step still to come.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from html import escape

from lor.desk import STATUSES, DeskRow, why_reasons, why_text
from lor.models import (
    ARRIVED_STATUSES,
    MILESTONE_KINDS,
    Application,
    Mentor,
    MentorScore,
    Milestone,
    Student,
    label,
)
from lor.overview import Overview
from lor.seasons import due_is_estimate
from lor.text import applications_of, day_text, estimated, file_slug, plural, step_label

_CSS = """
:root { --ink:#1f2a33; --muted:#5b6770; --line:#d8e0e5; --teal:#0f6e73; --ok:#1b7f4b; --warn:#a86400;
        --bad:#b3261e; --panel:#f4f7f9; }
* { box-sizing: border-box; }
body { font: 14px/1.5 "Source Sans 3", "Segoe UI", system-ui, -apple-system, sans-serif; color: var(--ink);
       max-width: 960px; margin: 32px auto; padding: 0 24px; }
header { border-bottom: 3px solid var(--teal); padding-bottom: 10px; margin-bottom: 12px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; color: var(--teal); margin: 24px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 15px; margin: 14px 0 4px; }
.muted { color: var(--muted); }
.why { margin: 6px 0 0; padding: 4px 10px; border-left: 4px solid var(--bad); background: #fbe4e2; }
.guide { margin: 6px 0 0; }
.summary { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
.stat { background: var(--panel); border-radius: 8px; padding: 4px 12px; min-width: 90px; }
.stat b { display: block; font-size: 18px; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 10px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600;
         white-space: nowrap; }
.ok { background: #e3f4ea; color: var(--ok); }
.warn { background: #fdf0dc; color: var(--warn); }
.bad { background: #fbe4e2; color: var(--bad); }
.tier-strong { background: #e3f4ea; color: var(--ok); }
.tier-possible { background: #fdf0dc; color: var(--warn); }
.tier-weak { background: #fbe4e2; color: var(--bad); }
ul { margin: 4px 0 8px 18px; padding: 0; }
.more { color: var(--muted); font-style: italic; }
.appendix { margin-top: 40px; border-top: 3px solid var(--teal); }
.appendix > h2:first-child { border-bottom: none; font-size: 22px; }
.writer { break-inside: avoid; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
          margin: 10px 0; }
footer { margin-top: 12px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line);
         padding-top: 6px; }
@page { size: letter; margin: 0.5in; }
table.letters th:nth-child(1) { width: 19%; } table.letters th:nth-child(2) { width: 21%; }
table.letters th:nth-child(3) { width: 13%; }
table.applications th:nth-child(1) { width: 42%; } table.applications td:nth-child(2),
table.applications td:nth-child(3) { white-space: nowrap; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11px; line-height: 1.3; }
  .summary-page p { margin: 3px 0; } .summary-page ul { margin: 2px 0 2px 18px; } .more { margin: 0 0 2px; }
  .summary-page table { margin: 2px 0 4px; }
  h1 { font-size: 20px; } h2 { font-size: 15px; margin: 12px 0 4px; break-after: avoid; }
  h3 { font-size: 12.5px; margin: 8px 0 2px; break-after: avoid; }
  th, td { padding: 2px 5px; } tr { break-inside: avoid; } .stat { padding: 2px 10px; } .stat b { font-size: 15px; }
  .appendix { break-before: page; margin-top: 0; border-top: none; }
  .writer { padding: 6px 12px; }
}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _day(value: date | None) -> str:
    return day_text(value) if value else "—"


# Page 1 must fit one US Letter page at any plan size: each list on it stops here and says where the rest is.
APPLICATION_ROWS = 4
ATTENTION_ROWS = 5
LETTER_ROWS = 6
WEEK_ROWS = 5
# Page 1 cuts a name to NAME_CHARS and a sentence to LINE_CHARS (about a line); the appendix has the whole text.
NAME_CHARS = 32
APPLICATION_CHARS = 38
LINE_CHARS = 110
# Letters on page 1, the ones that need the student first: no, then silence, then steps still to take.
URGENCY = {"declined": 0, "asked": 1, "planned": 2, "agreed": 3, "packet_sent": 4}

REPORT_LAYOUT = (
    "Page 1 is the summary. The appendix, from page 2, has every letter-mix check and program, every letter, "
    "each writer's score with its reasons, and every step still to come."
)


# Where the letter rules come from, in the appendix: each rule's own page, since many rest on specialty societies,
# single schools or journals rather than the portals.
RULES_CREDIT = (
    "Each letter rule in the app follows its own source, shown beside it: the portals' pages, specialty "
    "organisations, and where no national rule was found, a school's page or a journal article (marked "
    "unverified). Programs can differ, so check each program."
)


def advisor_report_html(ov: Overview) -> str:
    """The whole plan as a self-contained HTML page for an advisor: a one-page summary, then an appendix (from a
    new page when printed). Every user string is escaped."""
    student = ov.student
    who = student.name if student else "Student"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Letter plan: {_e(who)}</title><style>{_CSS}</style></head><body>",
        "<section class='summary-page'><header>",
        f"<h1>Letters of recommendation plan: {_e(_short(who, 2 * NAME_CHARS))}</h1>",
    ]
    about = ""
    if student:
        details = [student.school, f"Class of {student.graduation_year}" if student.graduation_year else ""]
        details += [label(student.target_specialty) if student.target_specialty else "", student.email or ""]
        about = " · ".join(d for d in details if d)
        parts.append(f"<div class='muted'>{_e(_short(about, LINE_CHARS))}</div>")
    parts.append(f"<div class='muted'>Report of {_e(_day(ov.today))}, made with LOR Planner.</div>")
    parts.append(_why(ov))
    parts.append(f"<p class='guide muted'>{_e(REPORT_LAYOUT)}</p></header>")
    parts.append(_summary(ov))
    parts.append(
        "<footer>Programs can differ: check each one. The details are in the appendix, from page 2.</footer></section>"
    )
    whole = f"{who} · {about}" if about else who
    parts.append("<section class='appendix'><h2>Appendix</h2>")
    if _short(who, 2 * NAME_CHARS) != who or _short(about, LINE_CHARS) != about:  # page 1 cut them: in full here
        parts.append(f"<p>{_e(whole)}</p>")
    parts.append(f"<p class='muted'>{_e(RULES_CREDIT)}</p>")
    for app in ov.applications:
        parts.append(_application(ov, app))
    parts.append(_letters(ov, ov.letters, heading="<h2>B. Every letter</h2>"))
    parts.append(_writers(ov))
    parts.append(_timeline(ov))
    parts.append("</section></body></html>")
    return "".join(parts)


def report_file_name(student: Student | None, day: date) -> str:
    """The report's download name, after the student: "lor-report-ana-ruiz-2026-11-25.html"."""
    who = file_slug(student.name, "student") if student else "student"
    return f"lor-report-{who}-{day.isoformat()}.html"


def _why(ov: Overview) -> str:
    """The report's first line: the one or two most urgent reasons to act, the advisor desk's Why column."""
    why = why_text(why_reasons(ov))
    if not why:
        return "<p class='why'><b>Why now:</b> nothing urgent: no step overdue, no requirement unmet.</p>"
    return f"<p class='why'><b>Why now:</b> {_e(_short(why, 2 * LINE_CHARS))}</p>"


def _more(count: int, where: str) -> str:
    return f"<p class='more'>…and {count} more {where}.</p>" if count > 0 else ""


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _summary(ov: Overview) -> str:
    counts = ov.status_counts()
    statuses = ", ".join(f"{n} {label(s).lower()}" for s, n in counts.items())
    glance = f"{plural(len(ov.mentors), 'writer')} considered · {plural(len(ov.letters), 'letter')}"
    out = [f"<h2>Summary</h2><p><b>{_e(glance)}</b>{_e(': ' + statuses if statuses else '')}</p>"]
    out += [_applications_table(ov), _attention(ov)]
    moving = sorted(
        (r for r in ov.letters if r.status in URGENCY),
        key=lambda r: (URGENCY[r.status], ov.application_names.get(r.application_id, ""), r.id),
    )
    arrived = sum(1 for r in ov.letters if r.status in ARRIVED_STATUSES)
    done = f" ({plural(arrived, 'letter')} already in)" if arrived else ""
    if moving:
        out.append(_letters(ov, moving[:LETTER_ROWS], heading=f"<h3>Letters in progress{done}</h3>", short=True))
        out.append(_more(len(moving) - LETTER_ROWS, "in Appendix B"))
    else:
        out.append(f"<h3>Letters in progress</h3><p class='muted'>None{_e(done)}.</p>")
    week = ov.this_week()
    items = "".join(
        f"<li>{_e(_day(m.day))}: {_e(_short(m.title, LINE_CHARS))}{' (overdue)' if _overdue(m, ov.today) else ''}</li>"
        for m in week[:WEEK_ROWS]
    )
    out.append(
        f"<h3>Next 7 days</h3><ul>{items}</ul>{_more(len(week) - WEEK_ROWS, 'in Appendix D')}"
        if week
        else "<h3>Next 7 days</h3><p class='muted'>Nothing due in the next 7 days.</p>"
    )
    return "".join(out)


def _overdue(milestone: Milestone, today: date) -> bool:
    return milestone.overdue or milestone.day < today


def _due_day(app: Application) -> str:
    """The application's due date, "about … (not yet published)" when the app estimated it."""
    return estimated(_day(app.deadline), due_is_estimate(app, app.deadline))


def _applications_table(ov: Overview) -> str:
    if not ov.applications:
        return "<p class='muted'>No applications yet.</p>"

    def missing(app: Application) -> int:
        checks = ov.mixes[app.id].checks if app.id in ov.mixes else []
        return sum(1 for c in checks if c.required and not c.ok)

    rows = []

    def nearest(app: Application) -> date:
        near = ov.nearest_due(app)
        return near[0] if near else app.deadline

    # The applications with a required letter missing first, then the nearest due date (a committee's included).
    for app in sorted(ov.applications, key=lambda a: (missing(a) == 0, nearest(a)))[:APPLICATION_ROWS]:
        days = ov.days_left(app)
        when = f"{plural(days, 'day')} left" if days >= 0 else f"{plural(-days, 'day')} past"
        near = ov.nearest_due(app)
        first = (
            f"{_e(_short(near[1], APPLICATION_CHARS))}: {_e(_day(near[0]))}<br><span class='muted'>"
            f"{_e(plural((near[0] - ov.today).days, 'day'))} left</span><br>Portal: "
            if near
            else ""
        )
        letters = [r for r in ov.letters if r.serves(app.id)]
        arrived = sum(1 for r in letters if r.status in ARRIVED_STATUSES)
        checks = ov.mixes[app.id].checks if app.id in ov.mixes else []
        advice = sum(1 for c in checks if not c.required and not c.ok)
        mix = (
            f"<span class='badge bad'>{plural(missing(app), 'required check')} failing</span>"
            if missing(app)
            else "<span class='badge ok'>Required letters planned</span>"
        ) + (f"<br><span class='muted'>{plural(advice, 'piece')} of advice</span>" if advice else "")
        rows.append(
            f"<tr><td><b>{_e(_short(app.name, APPLICATION_CHARS))}</b><br><span class='muted'>"
            f"{_e(label(app.pathway))} · {_e(label(app.portal))}</span></td><td>{first}{_e(_due_day(app))}<br>"
            f"<span class='muted'>{_e(when)}</span></td><td>{arrived} of {len(letters)} in</td><td>{mix}</td></tr>"
        )
    return (
        "<h3>Applications</h3><table class='applications'><tr><th>Application</th><th>Letters due</th><th>Letters</th>"
        f"<th>Letter mix (Appendix A)</th></tr>{''.join(rows)}</table>"
        + _more(len(ov.applications) - APPLICATION_ROWS, "in Appendix A")
    )


def _attention(ov: Overview) -> str:
    """What an advisor should look at first: missing required letters, overdue steps, declines, silent writers."""
    names, by_id = ov.mentor_names, {a.id: a for a in ov.applications}
    items = []
    for app in ov.applications:
        for check in ov.mixes[app.id].checks if app.id in ov.mixes else []:
            if check.required and not check.ok:
                items.append(f"{app.name}: {check.message}")
    for step in ov.this_week():
        if _overdue(step, ov.today):
            planned = step.planned_for or step.day
            items.append(f"Overdue since {_day(planned)}: {step.title}")
    for letter in ov.letters:
        writer, where = names.get(letter.mentor_id, "A writer"), applications_of(letter, by_id)
        if letter.status == "declined":
            items.append(f"{writer} declined ({where}): a backup writer is needed.")
        elif letter.status == "asked" and letter.asked_on and (ov.today - letter.asked_on).days > 14:
            items.append(f"{writer} has not answered since {_day(letter.asked_on)} ({where}).")
    if not items:
        nothing = "Nothing: every required letter is planned and no step is overdue."
        return f"<h3>Needs attention</h3><p class='muted'>{nothing}</p>"
    shown = "".join(f"<li>{_e(_short(item, LINE_CHARS))}</li>" for item in items[:ATTENTION_ROWS])
    return f"<h3>Needs attention</h3><ul>{shown}</ul>" + _more(len(items) - ATTENTION_ROWS, "in the appendix")


def _letters(ov: Overview, letters, *, heading: str, short: bool = False) -> str:
    """A table of letters; ``short``: page 1's, with names cut to SHORT_TEXT and no Letter ID column."""
    if not letters:
        return f"{heading}<p class='muted'>No letters planned yet.</p>"
    names, apps = ov.mentor_names, {a.id: a for a in ov.applications}
    cut = _short if short else str
    rows = []
    for r in letters:
        waived = "yes" if r.waived else ("no" if r.waived is False else "undecided")
        letter_id = "" if short else f"<td>{_e(r.letter_id or '—')}</td>"
        rows.append(
            f"<tr><td>{_e(cut(names.get(r.mentor_id, '?')))}</td><td>{_e(cut(applications_of(r, apps)))}</td>"
            f"<td>{_e(label(r.letter_type))}</td><td>{_e(label(r.status))}</td><td>{waived}</td>{letter_id}"
            f"<td>{_e(ov.next_step(r))}</td></tr>"
        )
    id_head = "" if short else "<th>Letter ID</th>"
    return (
        f"{heading}<table class='letters'><tr><th>Writer</th><th>Application</th><th>Type</th><th>Status</th>"
        "<th>Waived</th>"
        f"{id_head}<th>Next step</th></tr>{''.join(rows)}</table>"
    )


def _application(ov: Overview, app: Application) -> str:
    mix = ov.mixes.get(app.id)
    days = ov.days_left(app)
    when = f"{plural(days, 'day')} left" if days >= 0 else f"{plural(-days, 'day')} past"
    head = (
        f"<h2>A. {_e(app.name)}: letter mix and programs</h2><div class='muted'>{_e(label(app.pathway))} · "
        f"{_e(label(app.specialty))} · {_e(app.portal)} · letters due {_e(_due_day(app))} ({_e(when)})"
        f"{_e(_nearest_words(ov, app))}"
        f"{' · academic program' if app.academic else ''}</div>"
    )
    rows = []
    if mix:
        for check in mix.checks:
            cls, word = ("ok", "OK") if check.ok else (("bad", "Missing") if check.required else ("warn", "Advice"))
            kind = "required" if check.required else "recommended"
            rows.append(
                f"<tr><td><span class='badge {cls}'>{word}</span></td><td>{_e(check.message)}</td>"
                f"<td class='muted'>{kind}</td></tr>"
            )
    mix_html = (
        "<h3>Letter mix</h3><table><tr><th></th><th>Check</th><th></th></tr>" + "".join(rows) + "</table>"
        if rows
        else ""
    )
    programs = "".join(
        f"<tr><td>{_e(p.name)}</td><td>{_e(_day(p.deadline))}</td><td>{len(p.assigned)} of {p.max_letters}</td>"
        f"<td>{_e(', '.join(label(t) for t in p.required_types) or '—')}</td></tr>"
        for p in app.programs
    )
    programs_html = (
        "<h3>Programs</h3><table><tr><th>Program</th><th>Due</th><th>Letters assigned</th>"
        f"<th>Requires</th></tr>{programs}</table>"
        if app.programs
        else ""
    )
    return head + mix_html + programs_html


def _nearest_words(ov: Overview, app: Application) -> str:
    near = ov.nearest_due(app)
    return f" · first: {near[1]}'s deadline, {_day(near[0])}" if near else ""


def _writers(ov: Overview) -> str:
    if not ov.applications or not ov.mentors:
        return ""
    first, *others = ov.applications
    out = [
        f"<h2>C. Writers, ranked for {_e(first.name)}</h2><p class='muted'>Scores weigh how well each writer knows "
        "the student first and, for residency and fellowship, whether they work in the specialty applied to; a "
        "title counts only with a real relationship.</p>"
    ]
    for mentor, score in ov.rankings.get(first.id, []):
        # A committee or department is an office, not a relationship: no score, no fit label.
        reasons = "".join(
            f"<li>{_e(r.text)}</li>" if mentor.letter_source else f"<li>{r.points:+d}: {_e(r.text)}</li>"
            for r in score.reasons
        )
        warnings = "".join(f"<li>{_e(w)}</li>" for w in score.warnings)
        out.append(
            f"<div class='writer'><b>{_e(mentor.name)}</b> <span class='muted'>{_e(mentor.title)}</span> "
            f"{_score_badge(mentor, score)}"
            f"<ul>{reasons}</ul>" + (f"<div><b>Watch out</b><ul>{warnings}</ul></div>" if warnings else "") + "</div>"
        )
    for app in others:  # the reasons differ mostly in relevance: the scores alone, to keep the appendix short
        rows = "".join(
            f"<tr><td>{_e(mentor.name)}</td><td>{_score_badge(mentor, score)}</td></tr>"
            for mentor, score in ov.rankings.get(app.id, [])
        )
        out.append(f"<h3>Scores for {_e(app.name)}</h3><table><tr><th>Writer</th><th>Score</th></tr>{rows}</table>")
    return "".join(out)


def _score_badge(mentor: Mentor, score: MentorScore) -> str:
    if mentor.letter_source:
        return "<span class='badge'>letter source</span>"
    return f"<span class='badge tier-{score.tier}'>{score.score}/100 · {_e(score.tier)}</span>"


def _timeline(ov: Overview) -> str:
    upcoming = [m for m in ov.milestones if not m.done and m.day >= ov.today]
    if not upcoming:
        return "<h2>D. Every step still to come</h2><p class='muted'>No step left to do.</p>"
    names = ov.mentor_names
    order = {k: i for i, k in enumerate(MILESTONE_KINDS)}
    rows = "".join(
        f"<tr><td>{_e(_day(m.day))}</td><td>{_e(step_label(m.kind))}</td>"
        f"<td>{_e(names.get(m.mentor_id or '', ''))}</td>"
        f"<td>{_e(m.title)}</td></tr>"
        for m in sorted(upcoming, key=lambda m: (m.day, order.get(m.kind, 0)))
    )
    return (
        f"<h2>D. Every step still to come ({len(upcoming)})</h2><table><tr><th>Day</th><th>Step</th><th>Writer</th>"
        f"<th>What</th></tr>{rows}</table>"
    )


def desk_report_html(
    desk_name: str, rows: Iterable[DeskRow], *, names: dict[str, str], notes: dict[str, str], today: date
) -> str:
    """One printable summary of a whole advisor desk, in the desk's order: each student's status, why, next
    deadline, letters in and needed, and the advisor's note (the desk link holder's own). Every user string is
    escaped."""
    rows = list(rows)
    counts = Counter(r.status_group for r in rows)
    glance = " · ".join(f"{counts[s]} {s.lower()}" for s in STATUSES if counts[s])
    body = "".join(
        f"<tr><td><b>{_e(names.get(r.plan_id, r.name))}</b></td><td>{_e(r.status)}</td>"
        f"<td>{_e(r.why) or '—'}</td><td>{_e(_day(r.nearest_due))}<br><span class='muted'>"
        f"{_e(r.nearest_due_application)}</span></td><td>{r.letters_in} of {r.letters_needed}</td>"
        f"<td>{_e(notes.get(r.plan_id, ''))}</td></tr>"
        for r in rows
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Advisor desk: {_e(desk_name)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(desk_name)}</h1><div class='muted'>Advisor desk report of {_e(_day(today))}, made with "
        f"LOR Planner: {plural(len(rows), 'student')}{_e(': ' + glance if glance else '')}. The most urgent first; "
        "the notes are the advisor's own.</div></header>"
        "<table class='desk'><tr><th>Student</th><th>Status</th><th>Why</th><th>Next deadline</th>"
        f"<th>Letters in</th><th>Note</th></tr>{body}</table></body></html>"
    )
