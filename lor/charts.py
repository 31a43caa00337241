"""Pictures of the plan: a year heat calendar, a per-writer Gantt chart, and FullCalendar event dicts.

Plain Plotly and dicts; the Timeline page draws them. Colours are calm on purpose: the busy shading
is a background for the student's own steps, which carry the stronger colours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from lor.models import MILESTONE_KINDS, ROLES, SPECIALTIES, BusyPeriod, Mentor, Milestone, label
from lor.text import plotly_text, step_label

# One colour per step, no two alike. Each is close to the coloured square (or heart) in KIND_SWATCHES so a
# plain-text legend (no HTML) can name the colours the calendar uses.
# Each is dark enough for white text at 5:1 or more (WCAG AA), except the two reminders, which carry dark text.
KIND_COLOURS: dict[str, str] = {
    "check_in": "#6a55a8",
    "ask": "#2b6cb0",
    "packet": "#8a6142",
    "reminder_1": "#d9a93a",
    "reminder_2": "#e07b2e",
    "status_check": "#5f6b73",
    "deadline": "#b3321a",
    "thank_you": "#b03a7a",
    "update": "#38761d",
}
KIND_SWATCHES: dict[str, str] = {
    "check_in": "🟪",
    "ask": "🟦",
    "packet": "🟫",
    "reminder_1": "🟨",
    "reminder_2": "🟧",
    "status_check": "⬛",
    "deadline": "🟥",
    "thank_you": "💗",  # there are seven coloured squares for nine steps; a heart for the thanks, in its colour
    "update": "🟩",
}
KIND_SYMBOLS: dict[str, str] = {
    "check_in": "diamond",
    "ask": "star",
    "packet": "square",
    "reminder_1": "triangle-up",
    "reminder_2": "triangle-down",
    "status_check": "circle-open",
    "deadline": "x",
    "thank_you": "hexagram",
    "update": "circle",
}
SEVERITY_COLOURS: dict[str, str] = {"caution": "#f7e3b0", "avoid": "#efb8b0"}
SEVERITY_LEVELS: dict[str, int] = {"caution": 1, "avoid": 2}
FREE_COLOUR = "#eef1f4"
DONE_COLOUR = "#e4e7ea"
DONE_TEXT = "#4a545d"  # 6.2:1 on DONE_COLOUR
# Busy shading on the month calendar: opaque and light, so the period's name reads in dark text (FullCalendar's
# own translucent shading left it at 1.7:1).
CALENDAR_SHADES: dict[str, str] = {"caution": "#fbf1d7", "avoid": "#f8e0dc"}
CALENDAR_SHADE_TEXT = "#3d3a36"
DONE_MARK = "✓ "
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LEVEL_NAMES: tuple[str, ...] = ("Free", "Caution", "Avoid")

_SLUGS = frozenset(ROLES) | frozenset(SPECIALTIES)

# Light backgrounds get dark text on the calendar so titles stay readable.
_LIGHT_KINDS = frozenset({"reminder_1", "reminder_2"})


def _one_year_after(start: date) -> date:
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def who_text(who: str) -> str:
    """Who a period reaches, in words: known role and specialty slugs labelled, anything else as typed."""
    parts = [part.strip() for part in who.split(",") if part.strip()]
    return ", ".join(label(part) if part in _SLUGS else part for part in parts)


def _reason(period: BusyPeriod) -> str:
    who = f" — {who_text(period.who)}" if period.who and period.who != "everyone" else ""
    return f"{period.name}{who} ({period.severity})"


def busy_days(periods: Iterable[BusyPeriod], start: date, end: date) -> dict[date, tuple[int, list[str]]]:
    """Each busy day between start and end (inclusive): its level (1 caution, 2 avoid) and reasons."""
    out: dict[date, tuple[int, list[str]]] = {}
    seen: set[tuple[str, date, date, str, str]] = set()
    for period in sorted(periods, key=lambda p: (p.start, p.name)):
        ident = (period.name, period.start, period.end, period.severity, period.who)
        if ident in seen:  # the same default period reached through several writers
            continue
        seen.add(ident)
        for day in _days(max(period.start, start), min(period.end, end)):
            level, reasons = out.get(day, (0, []))
            out[day] = (max(level, SEVERITY_LEVELS[period.severity]), [*reasons, _reason(period)])
    return out


def unique_periods(groups: Iterable[Iterable[BusyPeriod]]) -> list[BusyPeriod]:
    """The periods of several writers in one list, each period once, sorted by start."""
    out: dict[tuple[str, date, date, str, str], BusyPeriod] = {}
    for group in groups:
        for p in group:
            out.setdefault((p.name, p.start, p.end, p.severity, p.who), p)
    return sorted(out.values(), key=lambda p: (p.start, p.end, p.name))


def _discrete_scale() -> list[list[object]]:
    colours = [FREE_COLOUR, SEVERITY_COLOURS["caution"], SEVERITY_COLOURS["avoid"]]
    scale: list[list[object]] = []
    for i, colour in enumerate(colours):
        scale += [[i / 3, colour], [(i + 1) / 3, colour]]
    return scale


def year_calendar(
    periods: Iterable[BusyPeriod],
    milestones: Iterable[Milestone],
    *,
    start: date,
    end: date | None = None,
    title: str | None = None,
    stacked: bool = False,
) -> go.Figure:
    """A GitHub-style year calendar: busy days shaded by severity, the plan's steps marked on top.

    ``stacked`` lays it out for a phone: the weeks run down the page (months stacked, labelled on the left)
    and the seven weekdays across, so each day stays a square a finger can find instead of a 3-px dot.
    """
    end = end or _one_year_after(start)
    if end < start:
        raise ValueError(f"The calendar ends ({end}) before it starts ({start}).")
    first_monday = start - timedelta(days=start.weekday())
    frame = pd.DataFrame({"day": pd.date_range(start, end, freq="D")})
    frame["week"] = (frame["day"] - pd.Timestamp(first_monday)).dt.days // 7
    frame["weekday"] = frame["day"].dt.day_of_week
    weeks = int(frame["week"].max()) + 1

    busy = busy_days(periods, start, end)
    z: list[list[int | None]] = [[None] * weeks for _ in WEEKDAYS]
    dates: list[list[str | None]] = [[None] * weeks for _ in WEEKDAYS]
    reasons: list[list[str | None]] = [[None] * weeks for _ in WEEKDAYS]
    for day, week, weekday in zip(frame["day"].dt.date, frame["week"], frame["weekday"], strict=True):
        level, why = busy.get(day, (0, []))
        z[weekday][week] = level
        dates[weekday][week] = day.isoformat()
        reasons[weekday][week] = "<br>".join(plotly_text(r) for r in why) if why else "Free"

    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(weeks)),
            y=list(WEEKDAYS),
            customdata=dates,
            text=reasons,
            hovertemplate="%{customdata}<br>%{text}<extra></extra>",
            hoverongaps=False,
            zmin=0,
            zmax=2,
            colorscale=_discrete_scale(),
            colorbar={
                "tickvals": [1 / 3, 1, 5 / 3],
                "ticktext": list(LEVEL_NAMES),
                "thickness": 12,
                "len": 0.9,
                "outlinewidth": 0,
            },
            xgap=3,
            ygap=3,
            name="Busy days",
        )
    )

    by_kind: dict[str, dict[date, list[Milestone]]] = defaultdict(lambda: defaultdict(list))
    for m in milestones:
        if start <= m.day <= end:
            by_kind[m.kind][m.day].append(m)
    for kind in MILESTONE_KINDS:
        if kind not in by_kind:
            continue
        days = sorted(by_kind[kind])
        steps = [by_kind[kind][d] for d in days]
        fig.add_trace(
            go.Scatter(
                x=[(d - first_monday).days // 7 for d in days],
                y=[WEEKDAYS[d.weekday()] for d in days],
                mode="markers",
                name=step_label(kind),
                customdata=[d.isoformat() for d in days],
                text=["<br>".join(plotly_text(_done_title(m)) for m in group) for group in steps],
                hovertemplate="%{customdata}<br>%{text}<extra>" + plotly_text(step_label(kind)) + "</extra>",
                marker={
                    "symbol": KIND_SYMBOLS[kind],
                    "color": KIND_COLOURS[kind],
                    "size": 10,
                    "line": {"width": 1, "color": "#2b2b2b"},
                    "opacity": [0.45 if all(m.done for m in group) else 1.0 for group in steps],
                },
            )
        )

    ticks = _month_ticks(start, end, first_monday)
    fig.update_layout(
        title=plotly_text(title) if title else None,
        height=250,
        margin={"l": 40, "r": 20, "t": 60 if title else 30, "b": 30},
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis={
            "tickvals": [t[0] for t in ticks],
            "ticktext": [t[1] for t in ticks],
            "showgrid": False,
            "zeroline": False,
            "range": [-0.5, weeks - 0.5],
            "tickangle": 0,
        },
        yaxis={"autorange": "reversed", "showgrid": False, "zeroline": False, "fixedrange": True},
    )
    return _stacked(fig, weeks, ticks) if stacked else fig


def _stacked(fig: go.Figure, weeks: int, ticks: list[tuple[int, str]]) -> go.Figure:
    """The same year calendar turned a quarter: weeks down the page, weekdays across; the colour key on top and
    the steps' legend underneath, so neither covers the weekday names."""
    for trace in fig.data:
        if isinstance(trace, go.Heatmap):
            trace.update(x=list(WEEKDAYS), y=list(range(weeks)), transpose=True, xgap=2, ygap=2)
            trace.colorbar.update(orientation="h", y=1.0, yanchor="bottom", len=1, thickness=10, ypad=4)
        else:
            trace.update(x=trace.y, y=trace.x, marker_size=9)
    height = 16 * weeks + 60
    fig.update_layout(
        height=height + 170,
        margin={"l": 44, "r": 8, "t": 50, "b": 120},
        legend={"orientation": "h", "yanchor": "top", "y": -30 / height, "x": 0, "font": {"size": 11}},
        xaxis={"tickvals": None, "ticktext": None, "range": None, "side": "bottom", "fixedrange": True},
        yaxis={
            "tickvals": [t[0] for t in ticks],
            "ticktext": [t[1] for t in ticks],
            "range": [weeks - 0.5, -0.5],
            "autorange": None,
            "fixedrange": True,
        },
    )
    return fig


def _done_title(m: Milestone) -> str:
    return DONE_MARK + m.title if m.done else m.title


def _month_ticks(start: date, end: date, first_monday: date) -> list[tuple[int, str]]:
    # A label on the week of each month's first day; the starting month gets one only if it has room.
    firsts = []
    month = start.replace(day=1)
    if start.day == 1 or (month + timedelta(days=32)).replace(day=1) - start >= timedelta(days=21):
        firsts.append((start, month))
    month = (month + timedelta(days=32)).replace(day=1)
    while month <= end:
        firsts.append((month, month))
        month = (month + timedelta(days=32)).replace(day=1)
    ticks: list[tuple[int, str]] = []
    for shown, month in firsts:
        text = month.strftime("%b<br>%Y") if not ticks or month.month == 1 else month.strftime("%b")
        ticks.append(((shown - first_monday).days // 7, text))
    return ticks


def _row_names(mentors: Sequence[Mentor]) -> dict[str, str]:
    # Two writers may share a name; their rows must not merge. A row's name is its tick label and its hover
    # text, so it is escaped like every other user string in a figure.
    counts: dict[str, int] = defaultdict(int)
    out = {}
    for m in mentors:
        counts[m.name] += 1
        out[m.id] = plotly_text(m.name if counts[m.name] == 1 else f"{m.name} ({counts[m.name]})")
    return out


def _bar_ms(first: date, last: date) -> int:
    # A Plotly date axis measures bar length in milliseconds; the last day is drawn in full.
    return ((last - first).days + 1) * 86_400_000


def mentor_gantt(
    mentors: Sequence[Mentor],
    periods_by_mentor: Mapping[str, Iterable[BusyPeriod]],
    milestones: Iterable[Milestone],
    *,
    start: date,
    end: date,
    today: date | None = None,
) -> go.Figure:
    """One row per writer: their busy periods, each letter's ask → due bar, and reminder markers."""
    if end < start:
        raise ValueError(f"The chart ends ({end}) before it starts ({start}).")
    rows = _row_names(mentors)
    milestones = list(milestones)
    fig = go.Figure()

    for severity in ("caution", "avoid"):  # avoid drawn last, on top of a long caution period
        bars = []
        for m in mentors:
            for p in unique_periods([periods_by_mentor.get(m.id, [])]):
                if p.severity != severity or p.end < start or p.start > end:
                    continue
                first, last = max(p.start, start), min(p.end, end)
                bars.append((rows[m.id], first, last, plotly_text(p.name), f"{p.start} – {p.end}"))
        if bars:
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=[b[0] for b in bars],
                    base=[b[1].isoformat() for b in bars],
                    x=[_bar_ms(b[1], b[2]) for b in bars],
                    customdata=[[b[3], b[4]] for b in bars],
                    hovertemplate="%{y}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                    marker={"color": SEVERITY_COLOURS[severity], "line": {"width": 0}},
                    width=0.8,
                    name=f"Busy: {severity}",
                )
            )

    by_request: dict[str, list[Milestone]] = defaultdict(list)
    for ms in milestones:
        if ms.mentor_id in rows:
            by_request[ms.request_id or f"{ms.mentor_id}-{ms.application_id}"].append(ms)
    windows = []
    for steps in by_request.values():
        days = {s.kind: s.day for s in steps}
        first = days.get("ask", min(s.day for s in steps))
        last = days.get("deadline", max(s.day for s in steps))
        if last < start or first > end or last < first:
            continue
        first, last = max(first, start), min(last, end)
        windows.append((rows[steps[0].mentor_id or ""], first, last, plotly_text(steps[0].title)))
    if windows:
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[w[0] for w in windows],
                base=[w[1].isoformat() for w in windows],
                x=[_bar_ms(w[1], w[2]) for w in windows],
                customdata=[[w[1].isoformat(), w[2].isoformat()] for w in windows],
                hovertemplate="%{y}<br>Ask %{customdata[0]} → due %{customdata[1]}<extra></extra>",
                marker={"color": KIND_COLOURS["ask"], "opacity": 0.85, "line": {"width": 0}},
                width=0.35,
                name="Ask → due",
            )
        )

    for kinds, name, kind in (
        (("ask",), "Ask", "ask"),
        (("reminder_1", "reminder_2", "status_check"), "Reminder", "reminder_1"),
        (("deadline",), "Due", "deadline"),
    ):
        points = [ms for ms in milestones if ms.kind in kinds and ms.mentor_id in rows and start <= ms.day <= end]
        if not points:
            continue
        fig.add_trace(
            go.Scatter(
                x=[ms.day.isoformat() for ms in points],
                y=[rows[ms.mentor_id or ""] for ms in points],
                mode="markers",
                name=name,
                text=[plotly_text(_done_title(ms)) for ms in points],
                customdata=[ms.day.isoformat() for ms in points],
                hovertemplate="%{customdata}<br>%{text}<extra></extra>",
                marker={
                    "symbol": [KIND_SYMBOLS[ms.kind] for ms in points],
                    "color": KIND_COLOURS[kind],
                    "size": 10,
                    "line": {"width": 1, "color": "#2b2b2b"},
                    "opacity": [0.45 if ms.done else 1.0 for ms in points],
                },
            )
        )

    if today is not None and start <= today <= end:
        fig.add_vline(x=today.isoformat(), line_width=1, line_dash="dot", line_color="#555")
    names = [rows[m.id] for m in mentors]
    fig.update_layout(
        barmode="overlay",
        height=max(260, 90 + 26 * len(mentors)),
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={
            "type": "date",
            "range": [start.isoformat(), (end + timedelta(days=1)).isoformat()],
            "showgrid": True,
            "gridcolor": "#eceff1",
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "autorange": "reversed",
            "automargin": True,
        },
    )
    return fig


def _event_title(m: Milestone, names: Mapping[str, str] | None) -> str:
    who = names.get(m.mentor_id or "") if names else None
    text = f"{step_label(m.kind)}: {who}" if who else m.title
    return DONE_MARK + text if m.done else text


def calendar_events(
    milestones: Iterable[Milestone],
    periods: Iterable[BusyPeriod],
    *,
    names: Mapping[str, str] | None = None,
) -> list[dict]:
    """FullCalendar events: each step as an all-day event coloured by kind, busy periods as shading.

    ``names`` maps a writer's id to the name shown in the title ("Ask: Dr. Rivera"); without it the
    step's own title is used. Busy periods are background events whose ``end`` is exclusive.
    """
    events: list[dict] = []
    for m in sorted(milestones, key=lambda m: (m.day, MILESTONE_KINDS.index(m.kind), m.uid)):
        colour = KIND_COLOURS[m.kind]
        events.append(
            {
                "id": m.uid,
                "title": _event_title(m, names),
                "start": m.day.isoformat(),
                "allDay": True,
                "backgroundColor": DONE_COLOUR if m.done else colour,
                "borderColor": colour,
                "textColor": DONE_TEXT if m.done else ("#2b2b2b" if m.kind in _LIGHT_KINDS else "#ffffff"),
                "classNames": ["lor-step", f"lor-{m.kind}"]
                + (["lor-done"] if m.done else [])
                + (["lor-overdue"] if m.overdue else []),
                "extendedProps": {
                    "request_id": m.request_id,
                    "mentor_id": m.mentor_id,
                    "application_id": m.application_id,
                    "kind": m.kind,
                    "done": m.done,
                    "overdue": m.overdue,
                    "note": m.note,
                },
            }
        )
    for p in unique_periods([periods]):
        events.append(
            {
                "id": f"busy-{p.key or p.name}-{p.start.isoformat()}",
                "title": p.name,
                "start": p.start.isoformat(),
                "end": (p.end + timedelta(days=1)).isoformat(),
                "allDay": True,
                "display": "background",
                "backgroundColor": CALENDAR_SHADES[p.severity],
                "classNames": ["lor-busy", f"lor-busy-{p.severity}"],
                "extendedProps": {"busy": True, "severity": p.severity, "who": p.who},
            }
        )
    return events


def calendar_legend() -> str:
    """A one-line, plain-text legend for the calendar's colours (no HTML needed)."""
    steps = " · ".join(f"{KIND_SWATCHES[k]} {step_label(k)}" for k in MILESTONE_KINDS)
    return f"{steps} · shaded days: light red = avoid asking, light yellow = better avoided"
