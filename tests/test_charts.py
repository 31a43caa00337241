"""The Timeline's pictures: year heat calendar, per-writer Gantt, and FullCalendar events."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lor.busy import academic_calendar
from lor.charts import (
    CALENDAR_SHADES,
    DONE_COLOUR,
    KIND_COLOURS,
    KIND_SWATCHES,
    KIND_SYMBOLS,
    SEVERITY_COLOURS,
    busy_days,
    calendar_events,
    calendar_legend,
    mentor_gantt,
    unique_periods,
    year_calendar,
)
from lor.models import MILESTONE_KINDS, BusyPeriod, Mentor, Milestone
from lor.text import STEP_LABELS

JULY = BusyPeriod(name="July transition", start=date(2026, 6, 20), end=date(2026, 7, 15), severity="avoid", key="july")
MATCH = BusyPeriod(
    name="Match Week",
    start=date(2027, 3, 15),
    end=date(2027, 3, 19),
    severity="caution",
    who="program directors",
)
INTERVIEWS = BusyPeriod(name="Interview season", start=date(2026, 10, 15), end=date(2027, 1, 31), severity="caution")
WINTER = BusyPeriod(name="Winter holidays", start=date(2026, 12, 20), end=date(2027, 1, 2), severity="avoid")


def step(kind: str, day: date, request: str = "r1", mentor: str = "m1", done: bool = False) -> Milestone:
    return Milestone(
        kind=kind,
        day=day,
        title=f"{STEP_LABELS[kind]} for {request}",
        request_id=request,
        mentor_id=mentor,
        application_id="a1",
        done=done,
    )


PLAN = [
    step("ask", date(2026, 12, 7)),
    step("packet", date(2026, 12, 9)),
    step("reminder_1", date(2027, 1, 18)),
    step("reminder_2", date(2027, 1, 25)),
    step("deadline", date(2027, 2, 1)),
]


def cell(fig: go.Figure, day: date) -> tuple[object, str]:
    """The heat calendar's (z, hover reasons) for one day, found through its customdata date."""
    heat = fig.data[0]
    for r, row in enumerate(heat.customdata):
        for c, value in enumerate(row):
            if value == day.isoformat():
                return heat.z[r][c], heat.text[r][c]
    raise AssertionError(f"{day} is not on the calendar")


def trace(fig: go.Figure, name: str) -> go.Scatter | go.Bar:
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, got {[t.name for t in fig.data]}"
    return matches[0]


# Year heat calendar


def test_year_calendar_is_one_heatmap_and_a_marker_trace_per_step_kind():
    fig = year_calendar([JULY, INTERVIEWS], PLAN, start=date(2026, 6, 1))
    assert [t.type for t in fig.data] == ["heatmap"] + ["scatter"] * 5
    assert [t.name for t in fig.data[1:]] == ["Ask", "Send packet", "Reminder 1", "Reminder 2", "Due"]
    assert len({t.marker.symbol for t in fig.data[1:]}) == 5
    assert fig.data[0].xgap and fig.data[0].ygap


def test_july_first_is_an_avoid_day_named_after_the_july_transition():
    fig = year_calendar([JULY, INTERVIEWS], [], start=date(2026, 1, 1))
    level, reasons = cell(fig, date(2026, 7, 1))
    assert level == 2
    assert "July transition" in reasons


def test_july_first_is_busy_on_the_default_academic_calendar():
    periods = academic_calendar(date(2026, 1, 1), date(2026, 12, 31))
    level, reasons = cell(year_calendar(periods, [], start=date(2026, 1, 1)), date(2026, 7, 1))
    assert level == 2
    assert "July transition" in reasons


def test_a_caution_day_and_a_free_day():
    fig = year_calendar([JULY, MATCH], [], start=date(2026, 11, 25))
    assert cell(fig, date(2027, 3, 17)) == (1, "Match Week — program directors (caution)")
    assert cell(fig, date(2027, 2, 10)) == (0, "Free")


def test_hover_names_who_a_period_reaches_in_words():
    season = INTERVIEWS.model_copy(update={"who": "program_director, department_chair"})
    own = BusyPeriod(name="Vacation", start=date(2027, 2, 1), end=date(2027, 2, 5), who="Dr. Samuel Okafor")
    fig = year_calendar([season, own], [], start=date(2026, 11, 25))
    assert cell(fig, date(2026, 12, 1))[1] == "Interview season — Program director, Department chair (caution)"
    assert cell(fig, date(2027, 2, 2))[1] == "Vacation — Dr. Samuel Okafor (avoid)"


def test_overlapping_periods_show_the_stronger_level_and_every_reason():
    fig = year_calendar([INTERVIEWS, WINTER], [], start=date(2026, 11, 25))
    level, reasons = cell(fig, date(2026, 12, 24))
    assert level == 2
    assert "Winter holidays" in reasons and "Interview season" in reasons


def test_days_outside_the_range_are_blank_and_the_rows_are_weekdays():
    # 2026-11-25 is a Wednesday: Monday and Tuesday of the first week are not on the calendar.
    fig = year_calendar([], [], start=date(2026, 11, 25), end=date(2026, 12, 31))
    heat = fig.data[0]
    assert list(heat.y) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert heat.z[0][0] is None and heat.customdata[0][0] is None
    assert heat.customdata[2][0] == "2026-11-25"
    assert fig.layout.yaxis.autorange == "reversed"  # Monday on top


def test_month_labels_sit_on_the_x_axis():
    fig = year_calendar([], [], start=date(2026, 11, 1))
    assert fig.layout.xaxis.ticktext[:3] == ("Nov<br>2026", "Dec", "Jan<br>2027")
    # 1 November 2026 is a Sunday: the first column is the week of Monday 26 October, and 1 December
    # falls in the week of Monday 30 November, five columns later.
    assert fig.layout.xaxis.tickvals[:2] == (0, 5)
    # Starting late in a month, the few days of it left get no label of their own to crowd the next.
    late = year_calendar([], [], start=date(2026, 11, 25))
    assert late.layout.xaxis.ticktext[:2] == ("Dec<br>2026", "Jan<br>2027")


@settings(max_examples=25, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    length=st.integers(min_value=0, max_value=400),
)
def test_every_day_appears_once_in_its_weekday_row(start, length):
    end = start + timedelta(days=length)
    heat = year_calendar([], [], start=start, end=end).data[0]
    seen = {}
    for r, row in enumerate(heat.customdata):
        for value in row:
            if value is not None:
                assert value not in seen
                seen[value] = r
    assert len(seen) == length + 1
    assert all(date.fromisoformat(day).weekday() == r for day, r in seen.items())


def test_markers_sit_on_their_day_cell():
    fig = year_calendar([], PLAN, start=date(2026, 11, 25))
    heat = fig.data[0]
    for name, day in (("Ask", date(2026, 12, 7)), ("Due", date(2027, 2, 1))):
        marker = trace(fig, name)
        assert list(marker.customdata) == [day.isoformat()]
        row = list(heat.y).index(marker.y[0])
        assert heat.customdata[row][marker.x[0]] == day.isoformat()


def test_steps_on_the_same_day_share_a_marker_and_done_steps_are_faded():
    plan = [
        step("ask", date(2026, 12, 7), request="r1", done=True),
        step("ask", date(2026, 12, 7), request="r2", done=True),
        step("ask", date(2026, 12, 14), request="r3"),
    ]
    ask = trace(year_calendar([], plan, start=date(2026, 11, 25)), "Ask")
    assert len(ask.x) == 2
    assert "r1" in ask.text[0] and "r2" in ask.text[0] and ask.text[0].startswith("✓")
    assert ask.marker.opacity[0] < ask.marker.opacity[1]


def test_steps_outside_the_range_are_not_drawn():
    fig = year_calendar([], PLAN, start=date(2026, 12, 10), end=date(2027, 1, 20))
    assert [t.name for t in fig.data[1:]] == ["Reminder 1"]


def test_hover_text_shows_names_as_typed_not_as_markup():
    period = BusyPeriod(name="<b>Dr. X's</b> vacation", start=date(2026, 12, 1), end=date(2026, 12, 3))
    _, reasons = cell(year_calendar([period], [], start=date(2026, 11, 25)), date(2026, 12, 2))
    assert "<b>" not in reasons and "&lt;b&gt;" in reasons


def test_a_calendar_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        year_calendar([], [], start=date(2026, 11, 25), end=date(2026, 11, 1))


def test_busy_days_counts_a_period_reached_through_two_writers_once():
    days = busy_days([MATCH, MATCH.model_copy()], date(2027, 3, 1), date(2027, 3, 31))
    assert sorted(days) == [date(2027, 3, d) for d in range(15, 20)]
    assert days[date(2027, 3, 15)] == (1, ["Match Week — program directors (caution)"])


def test_unique_periods_merges_writers_and_sorts_by_start():
    assert unique_periods([[MATCH, JULY], [JULY.model_copy()]]) == [JULY, MATCH]


# Per-writer Gantt

MENTORS = [Mentor(id="m1", name="Dr. Rivera"), Mentor(id="m2", name="Dr. Okafor")]


def test_gantt_has_a_row_per_writer_in_order():
    fig = mentor_gantt(MENTORS, {}, [], start=date(2026, 11, 1), end=date(2027, 6, 30))
    assert list(fig.layout.yaxis.categoryarray) == ["Dr. Rivera", "Dr. Okafor"]
    assert fig.layout.xaxis.type == "date"


def test_gantt_draws_the_ask_to_due_bar_and_reminder_markers():
    fig = mentor_gantt(MENTORS, {}, PLAN, start=date(2026, 11, 1), end=date(2027, 6, 30))
    window = trace(fig, "Ask → due")
    assert window.orientation == "h"
    assert list(window.y) == ["Dr. Rivera"]
    assert window.base[0] == "2026-12-07"
    assert window.x[0] == (date(2027, 2, 1) - date(2026, 12, 7)).days * 86_400_000 + 86_400_000
    reminders = trace(fig, "Reminder")
    assert list(reminders.x) == ["2027-01-18", "2027-01-25"]
    assert list(reminders.y) == ["Dr. Rivera", "Dr. Rivera"]


def test_gantt_busy_bars_are_coloured_by_severity_and_clipped_to_the_range():
    own = BusyPeriod(name="On service", start=date(2026, 10, 20), end=date(2026, 11, 10), who="Dr. Okafor")
    fig = mentor_gantt(
        MENTORS,
        {"m1": [INTERVIEWS], "m2": [own, INTERVIEWS]},
        [],
        start=date(2026, 11, 1),
        end=date(2027, 6, 30),
    )
    avoid = trace(fig, "Busy: avoid")
    assert avoid.marker.color == SEVERITY_COLOURS["avoid"]
    assert list(avoid.y) == ["Dr. Okafor"]
    assert avoid.base[0] == "2026-11-01"  # clipped to the chart's start
    assert avoid.x[0] == 10 * 86_400_000
    caution = trace(fig, "Busy: caution")
    assert sorted(caution.y) == ["Dr. Okafor", "Dr. Rivera"]


def test_gantt_keeps_writers_with_the_same_name_apart_and_ignores_unknown_writers():
    twins = [Mentor(id="m1", name="Dr. Lee"), Mentor(id="m2", name="Dr. Lee")]
    plan = [step("ask", date(2026, 12, 7), mentor="m2"), step("ask", date(2026, 12, 7), mentor="gone")]
    fig = mentor_gantt(twins, {}, plan, start=date(2026, 11, 1), end=date(2027, 6, 30))
    assert list(fig.layout.yaxis.categoryarray) == ["Dr. Lee", "Dr. Lee (2)"]
    assert list(trace(fig, "Ask").y) == ["Dr. Lee (2)"]


@pytest.mark.parametrize("count", [1, 6, 60])
def test_gantt_gives_every_writer_a_readable_row_in_the_order_given(count):
    writers = [Mentor(id=f"m{i}", name=f"Writer {i}") for i in range(count)]
    plan = [step("ask", date(2026, 12, 7), mentor="m0")]  # only one writer has a step; all get a row
    fig = mentor_gantt(writers, {}, plan, start=date(2026, 11, 1), end=date(2027, 6, 30))
    assert list(fig.layout.yaxis.categoryarray) == [w.name for w in writers]
    assert fig.layout.yaxis.autorange == "reversed"  # the first writer on top
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot_height / count >= 20  # a row's label never overlaps the next, however many writers


# FullCalendar events


def test_steps_become_all_day_events_coloured_by_kind_with_stable_ids():
    events = calendar_events(PLAN, [], names={"m1": "Dr. Rivera"})
    assert [e["id"] for e in events] == [m.uid for m in PLAN]
    assert events == calendar_events(PLAN, [], names={"m1": "Dr. Rivera"})
    ask = events[0]
    assert ask["title"] == "Ask: Dr. Rivera"
    assert ask["start"] == "2026-12-07" and ask["allDay"] is True
    assert ask["backgroundColor"] == ask["borderColor"] == KIND_COLOURS["ask"]
    assert ask["extendedProps"] == {
        "request_id": "r1",
        "mentor_id": "m1",
        "application_id": "a1",
        "kind": "ask",
        "done": False,
        "overdue": False,
        "note": "",
    }


def test_without_names_an_event_uses_the_steps_own_title():
    assert calendar_events(PLAN[:1], [])[0]["title"] == "Ask for r1"


def test_done_steps_are_muted_and_ticked():
    done = step("ask", date(2026, 12, 7), done=True)
    event = calendar_events([done], [], names={"m1": "Dr. Rivera"})[0]
    assert event["title"] == "✓ Ask: Dr. Rivera"
    assert event["backgroundColor"] == DONE_COLOUR
    assert event["extendedProps"]["done"] is True


def test_busy_periods_are_background_events_with_an_exclusive_end():
    events = calendar_events([], [JULY, MATCH, JULY.model_copy()])
    assert len(events) == 2  # the same period twice is shaded once
    july = events[0]
    assert july["display"] == "background"
    assert july["start"] == "2026-06-20"
    assert july["end"] == "2026-07-16"  # the last busy day, 15 July, is included
    assert july["backgroundColor"] == CALENDAR_SHADES["avoid"]
    assert events[1]["backgroundColor"] == CALENDAR_SHADES["caution"]
    assert len({e["id"] for e in events}) == 2


def test_every_step_kind_has_a_colour_a_symbol_a_label_and_a_legend_entry():
    legend = calendar_legend()
    for kind in MILESTONE_KINDS:
        assert kind in KIND_COLOURS and kind in KIND_SYMBOLS
        assert STEP_LABELS[kind] in legend
    # A legend a student can read: no two steps share a colour or a swatch (Thank-you and Update were both 🟩).
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)
    assert len(set(KIND_SWATCHES.values())) == len(KIND_SWATCHES)


# Names typed as markup (issue #14.9): Plotly draws a subset of HTML in every label, so a name is escaped into
# every figure string, and still reads exactly as typed once Plotly decodes it.

LINK_NAME = '<a href="https://evil.example">Dr. X</a>'
BIG_NAME = '<span style="font-size:90px">Big</span>'
TEMPLATE_NAME = "Dr. %{y} & 100% <br> Lee"
OUR_TAGS = {"br", "extra"}  # the only tags the charts write themselves


def figure_strings(value: object) -> list[str]:
    """Every string in a figure's JSON: labels, hover text and templates, customdata, legend names, ticks, titles."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in figure_strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in figure_strings(v)]
    if hasattr(value, "tolist"):  # numpy arrays of customdata
        return figure_strings(value.tolist())
    return []


def tags_in(fig: go.Figure) -> set[str]:
    return {m.lower() for s in figure_strings(fig.to_plotly_json()) for m in re.findall(r"</?\s*([a-zA-Z]+)", s)}


def hostile_figures() -> list[go.Figure]:
    names = [LINK_NAME, BIG_NAME, TEMPLATE_NAME]
    writers = [Mentor(id=f"m{i}", name=n) for i, n in enumerate(names)]
    plan = [
        Milestone(kind=kind, day=day, title=f"{kind} {n}", request_id=f"r{i}", mentor_id=f"m{i}", application_id="a1")
        for i, n in enumerate(names)
        for kind, day in (("ask", date(2026, 12, 7)), ("reminder_1", date(2027, 1, 4)), ("deadline", date(2027, 2, 1)))
    ]
    busy = BusyPeriod(name=f"Away {LINK_NAME}", start=date(2026, 12, 1), end=date(2026, 12, 20), severity="avoid")
    start, end = date(2026, 11, 23), date(2027, 2, 28)
    return [
        mentor_gantt(writers, {w.id: [busy] for w in writers}, plan, start=start, end=end),
        year_calendar([busy], plan, start=start, title=f"Year of {BIG_NAME}"),
        year_calendar([busy], plan, start=start, stacked=True),
    ]


@pytest.mark.parametrize("index", range(3), ids=["gantt", "year", "year-stacked"])
def test_no_name_becomes_a_tag_or_a_template_field_in_any_figure(index):
    fig = hostile_figures()[index]
    assert tags_in(fig) <= OUR_TAGS
    strings = figure_strings(fig.to_plotly_json())
    assert not [s for s in strings if "<a" in s or "<span" in s]
    fields = {f for s in strings for f in re.findall(r"%\{([^}]*)\}", s)}
    assert fields <= {"customdata", "customdata[0]", "customdata[1]", "text", "y"}  # only the charts' own


def test_the_writer_rows_and_hover_text_read_exactly_as_typed():
    gantt, year, _ = hostile_figures()
    rows = [html.unescape(name) for name in gantt.layout.yaxis.categoryarray]
    assert rows == [LINK_NAME, BIG_NAME, " ".join(TEMPLATE_NAME.split())]
    busy = trace(gantt, "Busy: avoid")
    assert {html.unescape(c[0]) for c in busy.customdata} == {f"Away {LINK_NAME}"}
    asks = trace(year, "Ask")
    assert [html.unescape(line) for line in asks.text[0].split("<br>")] == [
        f"ask {LINK_NAME}",
        f"ask {BIG_NAME}",
        "ask Dr. %{y} & 100% <br> Lee",
    ]
    assert html.unescape(year.layout.title.text) == f"Year of {BIG_NAME}"


def test_calendar_event_titles_stay_as_typed_because_fullcalendar_draws_them_as_text():
    plan = [step("ask", date(2026, 12, 7))]
    busy = BusyPeriod(name=f"Away {BIG_NAME}", start=date(2026, 12, 1), end=date(2026, 12, 2))
    events = calendar_events(plan, [busy], names={"m1": LINK_NAME})
    assert [e["title"] for e in events] == [f"Ask: {LINK_NAME}", f"Away {BIG_NAME}"]
