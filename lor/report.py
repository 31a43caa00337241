"""The advisor report: one self-contained HTML page (prints cleanly to PDF) summarising a student's plan."""

from __future__ import annotations

from datetime import date
from html import escape

from lor.lifecycle import next_step
from lor.models import MILESTONE_KINDS, label
from lor.overview import Overview
from lor.text import day_text, plural, step_label

_CSS = """
:root { --ink:#1f2a33; --muted:#5b6770; --line:#d8e0e5; --teal:#0f6e73; --ok:#1b7f4b; --warn:#a86400;
        --bad:#b3261e; --panel:#f4f7f9; }
* { box-sizing: border-box; }
body { font: 14px/1.5 "Source Sans 3", "Segoe UI", system-ui, -apple-system, sans-serif; color: var(--ink);
       max-width: 960px; margin: 32px auto; padding: 0 24px; }
header { border-bottom: 3px solid var(--teal); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; color: var(--teal); margin: 28px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.muted { color: var(--muted); }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.stat { background: var(--panel); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.stat b { display: block; font-size: 20px; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 12px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
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
.writer { break-inside: avoid; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
          margin: 10px 0; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line);
         padding-top: 8px; }
@page { margin: 0.5in; }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 12px; } h2 { break-after: avoid; }
               tr { break-inside: avoid; } th, td { padding: 4px 6px; } .writer { padding: 6px 12px; } }
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _day(value: date | None) -> str:
    return day_text(value) if value else "—"


def advisor_report_html(ov: Overview) -> str:
    """The whole plan as a self-contained HTML page for an advisor; every user string is escaped."""
    student = ov.student
    who = student.name if student else "Student"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Letter plan: {_e(who)}</title><style>{_CSS}</style></head><body>",
        "<header>",
        f"<h1>Letters of recommendation plan: {_e(who)}</h1>",
    ]
    if student:
        details = [student.school, f"Class of {student.graduation_year}" if student.graduation_year else ""]
        details += [label(student.target_specialty) if student.target_specialty else "", student.email or ""]
        parts.append(f"<div class='muted'>{_e(' · '.join(d for d in details if d))}</div>")
    parts.append(f"<div class='muted'>Report of {_e(_day(ov.today))}, made with LOR Planner.</div></header>")
    parts.append(_summary(ov))
    for app in ov.applications:
        parts.append(_application(ov, app))
    parts.append(_writers(ov))
    parts.append(_timeline(ov))
    parts.append(
        "<footer>Scores weigh how well each writer knows the student first, then relevance, then title. "
        "Letter rules follow the AAMC (ERAS, AMCAS), Liaison ResidencyCAS and CORD guidance listed in the "
        "app; programs can differ, so check each program.</footer></body></html>"
    )
    return "".join(parts)


def _summary(ov: Overview) -> str:
    counts = ov.status_counts()
    stats = [("Writers considered", len(ov.mentors)), ("Letters planned or asked", len(ov.letters))]
    stats += [(label(s), n) for s, n in counts.items()]
    cells = "".join(f"<div class='stat'><b>{n}</b>{_e(name)}</div>" for name, n in stats)
    week = ov.this_week()
    items = "".join(
        f"<li>{_e(_day(m.day))}: {_e(m.title)}{' (overdue)' if m.day < ov.today else ''}</li>" for m in week
    )
    nxt = f"<h3>Next 7 days</h3><ul>{items}</ul>" if week else "<p class='muted'>Nothing due in the next 7 days.</p>"
    return f"<h2>Summary</h2><div class='summary'>{cells}</div>{nxt}"


def _application(ov: Overview, app) -> str:
    mix = ov.mixes.get(app.id)
    days = ov.days_left(app)
    when = f"{plural(days, 'day')} left" if days >= 0 else f"{plural(-days, 'day')} past"
    head = (
        f"<h2>{_e(app.name)}</h2><div class='muted'>{_e(label(app.pathway))} · {_e(label(app.specialty))} · "
        f"{_e(app.portal)} · letters due {_e(_day(app.deadline))} ({_e(when)})"
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
    names = ov.mentor_names
    letters = [r for r in ov.letters if r.serves(app.id)]
    letter_rows = "".join(
        f"<tr><td>{_e(names.get(r.mentor_id, '?'))}</td><td>{_e(label(r.letter_type))}</td>"
        f"<td>{_e(label(r.status))}</td><td>{_e(_day(r.asked_on))}</td><td>{_e(_day(r.submitted_on))}</td>"
        f"<td>{'yes' if r.waived else ('no' if r.waived is False else 'undecided')}</td>"
        f"<td>{_e(next_step(r, due=r.due or app.deadline))}</td></tr>"
        for r in letters
    )
    letters_html = (
        "<h3>Letters</h3><table><tr><th>Writer</th><th>Type</th><th>Status</th><th>Asked</th>"
        f"<th>Submitted</th><th>Waived</th><th>Next step</th></tr>{letter_rows}</table>"
        if letters
        else "<p class='muted'>No letters planned yet.</p>"
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
    return head + mix_html + letters_html + programs_html


def _writers(ov: Overview) -> str:
    if not ov.applications or not ov.mentors:
        return ""
    app = ov.applications[0]
    out = [f"<h2>Writers, ranked for {_e(app.name)}</h2>"]
    for mentor, score in ov.rankings.get(app.id, []):
        reasons = "".join(f"<li>{r.points:+d}: {_e(r.text)}</li>" for r in score.reasons)
        warnings = "".join(f"<li>{_e(w)}</li>" for w in score.warnings)
        out.append(
            f"<div class='writer'><b>{_e(mentor.name)}</b> <span class='muted'>{_e(mentor.title)}</span> "
            f"<span class='badge tier-{score.tier}'>{score.score}/100 · {_e(score.tier)}</span>"
            f"<ul>{reasons}</ul>" + (f"<div><b>Watch out</b><ul>{warnings}</ul></div>" if warnings else "") + "</div>"
        )
    return "".join(out)


def _timeline(ov: Overview) -> str:
    upcoming = [m for m in ov.milestones if not m.done and m.day >= ov.today]
    if not upcoming:
        return ""
    names = ov.mentor_names
    order = {k: i for i, k in enumerate(MILESTONE_KINDS)}
    rows = "".join(
        f"<tr><td>{_e(_day(m.day))}</td><td>{_e(step_label(m.kind))}</td>"
        f"<td>{_e(names.get(m.mentor_id or '', ''))}</td>"
        f"<td>{_e(m.title)}</td></tr>"
        for m in sorted(upcoming, key=lambda m: (m.day, order.get(m.kind, 0)))[:40]
    )
    return (
        "<h2>Timeline: the next steps</h2><table><tr><th>Day</th><th>Step</th><th>Writer</th><th>What</th></tr>"
        f"{rows}</table>"
    )
