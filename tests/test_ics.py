"""The .ics export: all-day events a calendar app imports, updates on re-import, and shows as typed."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from plan_dates import TODAY

from lor.busy import academic_calendar
from lor.ics import milestones_to_ics
from lor.models import Application, Mentor, Milestone
from lor.planner import plan_letter


def _plan_steps() -> list[Milestone]:
    app = Application(id="a1", name="IM residency", pathway="residency", deadline=date(2027, 9, 15))
    mentor = Mentor(id="m1", name="Dr. Lee", specialty="internal_medicine", last_worked=date(2026, 1, 10))
    plan = plan_letter(app, mentor, busy=academic_calendar(TODAY, date(2028, 6, 30)), today=TODAY)
    return [m.model_copy(update={"request_id": "r1"}) for m in plan.milestones]


def _events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_each_milestone_is_an_all_day_event_with_its_title():
    steps = _plan_steps()
    events = _events(milestones_to_ics(steps))
    assert [str(e["summary"]) for e in events] == [m.title for m in steps]
    for event, step in zip(events, steps, strict=True):
        assert event["dtstart"].dt == step.day
        assert event["dtstart"].params["VALUE"] == "DATE"
        assert event["dtend"].dt == step.day + timedelta(days=1)
        assert str(event["description"]) == step.note


def test_the_calendar_has_a_name_and_a_product_id():
    cal = Calendar.from_ical(milestones_to_ics(_plan_steps(), calendar_name="Letters, 2027; IM"))
    assert str(cal["x-wr-calname"]) == "Letters, 2027; IM"
    assert "LOR Planner" in str(cal["prodid"])
    assert str(cal["version"]) == "2.0"


def test_uids_are_stable_so_a_new_export_updates_the_same_events():
    first, second = milestones_to_ics(_plan_steps()), milestones_to_ics(_plan_steps())
    assert first == second  # deterministic, down to DTSTAMP
    uids = [str(e["uid"]) for e in _events(first)]
    assert "r1-ask@lor-planner" in uids
    assert len(set(uids)) == len(uids)
    moved = [m.model_copy(update={"day": m.day + timedelta(days=1)}) if m.kind == "ask" else m for m in _plan_steps()]
    events = {str(e["uid"]): e for e in _events(milestones_to_ics(moved))}
    assert set(events) == set(uids)  # the moved ask is the same event, on its new day
    assert events["r1-ask@lor-planner"]["dtstart"].dt == next(m.day for m in moved if m.kind == "ask")


def test_steps_of_unsaved_plans_for_two_writers_keep_apart():
    steps = [
        Milestone(kind="ask", day=date(2027, 1, 5), title="Ask Dr. Lee", mentor_id="m1", application_id="a1"),
        Milestone(kind="ask", day=date(2027, 1, 5), title="Ask Dr. Kim", mentor_id="m2", application_id="a1"),
        Milestone(kind="ask", day=date(2027, 1, 6), title="Ask someone"),
        Milestone(kind="ask", day=date(2027, 1, 7), title="Ask someone else"),
    ]
    uids = [str(e["uid"]) for e in _events(milestones_to_ics(steps))]
    assert len(set(uids)) == 4


def test_every_step_still_to_do_has_an_alarm_and_a_due_date_a_week_ahead_too():
    steps = [*_plan_steps(), Milestone(kind="ask", day=date(2026, 11, 2), title="Asked", request_id="r2", done=True)]
    assert {m.kind for m in steps} >= {"ask", "packet", "reminder_1", "reminder_2", "deadline", "thank_you"}
    for event in _events(milestones_to_ics(steps)):
        triggers = [alarm["trigger"].dt for alarm in event.walk("VALARM")]
        kind = str(event["uid"]).split("@")[0].split("-", 1)[1]
        if str(event["summary"]).startswith("✓"):
            assert triggers == []  # done: nothing to remind
        elif kind == "deadline":
            assert triggers == [timedelta(days=-7, hours=9), timedelta(hours=9)]  # 9:00 a week before, and that day
        else:
            assert triggers == [timedelta(hours=9)], kind  # 9:00 that morning
        assert all(str(alarm["action"]) == "DISPLAY" for alarm in event.walk("VALARM"))


def test_done_steps_are_marked():
    step = Milestone(kind="deadline", day=date(2027, 1, 5), title="Letter arrived", request_id="r1", done=True)
    [event] = _events(milestones_to_ics([step]))
    assert str(event["summary"]) == "✓ Letter arrived"


HOSTILE = [
    "<script>alert('x')</script>",
    "Dr. O'Neil, MD; PhD",
    "line one\nline two\n\nline four",
    "Thanks! 🎉🙏",
    "د. سارة — שלום",  # right-to-left text
    'back\\slash, semi;colon, "quotes"',
]


def test_hostile_text_round_trips_exactly():
    steps = [
        Milestone(kind="ask", day=date(2027, 1, 5) + timedelta(days=i), title=text, note=text, request_id=f"r{i}")
        for i, text in enumerate(HOSTILE)
    ]
    events = _events(milestones_to_ics(steps))
    assert [str(e["summary"]) for e in events] == HOSTILE
    assert [str(e["description"]) for e in events] == HOSTILE


printable = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=80)


@settings(max_examples=100, deadline=None)
@given(printable, printable)
@example("Ask Dr. C\\Nash", "Folder C:\\Notes\\new; a, b")  # a typed backslash before N stays a backslash and an N
def test_any_printable_text_round_trips(title, note):
    title = title.strip() or "x"
    step = Milestone(kind="reminder_1", day=date(2027, 2, 1), title=title, note=note, request_id="r1")
    [event] = _events(milestones_to_ics([step]))
    assert str(event["summary"]) == step.title
    assert str(event["description"]) == note


def test_control_characters_are_dropped_not_written():
    step = Milestone(kind="ask", day=date(2027, 2, 1), title="Ask\x07 Dr.\x00 Lee", request_id="r1")
    data = milestones_to_ics([step])
    assert b"\x07" not in data and b"\x00" not in data
    assert str(_events(data)[0]["summary"]) == "Ask Dr. Lee"


def test_an_empty_plan_is_a_valid_empty_calendar():
    cal = Calendar.from_ical(milestones_to_ics([]))
    assert list(cal.walk("VEVENT")) == []
