"""The planner: when to ask, remind, check, thank and update, around busy periods and late starts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_dates import TODAY

from lor.busy import academic_calendar, is_working_day, match_day
from lor.models import PATHWAYS, Application, BusyPeriod, LetterRequest, Mentor, Milestone
from lor.planner import ask_window, plan_letter, plan_request, this_week, workspace_milestones

CALENDAR = academic_calendar(TODAY, date(2029, 12, 31), specialty="internal_medicine", role="attending")


def _app(deadline: date, pathway: str = "residency", **kw) -> Application:
    return Application(
        id="app", name="IM residency", pathway=pathway, specialty="internal_medicine", deadline=deadline, **kw
    )


def _lee(**kw) -> Mentor:
    kw.setdefault("last_worked", TODAY - timedelta(days=30))
    kw.setdefault("setting", "longitudinal")  # a rotation's end times the ask (tested on its own below)
    return Mentor(id="lee", name="Dr. Lee", specialty="internal_medicine", **kw)


def _one(plan, kind: str) -> Milestone:
    [m] = [m for m in plan.milestones if m.kind == kind]
    return m


def _kinds(plan) -> list[str]:
    return [m.kind for m in plan.milestones]


def _avoid(periods, day: date) -> bool:
    return any(p.severity == "avoid" and p.start <= day <= p.end for p in periods)


# --- a normal plan -------------------------------------------------------------------------------------


def test_a_residency_letter_due_in_september_is_asked_after_the_july_transition():
    # 8–12 weeks before 15 Sep 2027 is 23 Jun – 21 Jul, most of it inside the July transition.
    plan = plan_letter(_app(date(2027, 9, 15)), _lee(), busy=CALENDAR, today=TODAY)
    ask = _one(plan, "ask")
    assert not date(2027, 6, 20) <= ask.day <= date(2027, 7, 15)
    assert ask.day == date(2027, 7, 16)  # the first working day after it, still inside the window
    assert ask.title == "Ask Dr. Lee for a letter"
    assert date(2027, 6, 23) <= ask.day <= date(2027, 7, 21)


def test_a_plan_has_every_step_in_order_with_plain_titles():
    plan = plan_letter(_app(date(2027, 9, 15)), _lee(), busy=CALENDAR, today=TODAY)
    assert _kinds(plan) == [
        "check_in", "ask", "packet", "reminder_1", "reminder_2", "status_check", "deadline", "thank_you", "update",
    ]  # fmt: skip
    assert [m.day for m in plan.milestones] == sorted(m.day for m in plan.milestones)
    assert _one(plan, "deadline").day == date(2027, 9, 15)
    assert _one(plan, "reminder_1").day == date(2027, 9, 1)
    assert _one(plan, "reminder_2").day == date(2027, 9, 8)
    assert _one(plan, "status_check").day in (date(2027, 9, 12), date(2027, 9, 13))
    assert date(2027, 9, 15) < _one(plan, "thank_you").day <= date(2027, 9, 22)
    assert _one(plan, "update").day == match_day(2028) == date(2028, 3, 17)
    assert all(m.mentor_id == "lee" and m.application_id == "app" and not m.done for m in plan.milestones)


def test_the_packet_goes_right_after_the_ask():
    plan = plan_letter(_app(date(2027, 9, 15)), _lee(), busy=CALENDAR, today=TODAY)
    gap = (_one(plan, "packet").day - _one(plan, "ask").day).days
    assert 0 <= gap <= 2


def test_reminders_move_off_weekends_and_holidays_to_the_previous_working_day():
    # Due Monday 13 Sep 2027: two weeks before is Monday 30 Aug; one week before is Labor Day.
    plan = plan_letter(_app(date(2027, 9, 13)), _lee(), busy=CALENDAR, today=TODAY)
    assert _one(plan, "reminder_1").day == date(2027, 8, 30)
    assert _one(plan, "reminder_2").day == date(2027, 9, 3)  # the Friday before Labor Day
    assert _one(plan, "status_check").day == date(2027, 9, 10)  # Saturday and Sunday skipped


@pytest.mark.parametrize(("pathway", "weeks"), [("residency", (8, 12)), ("fellowship", (8, 12)),
                                                ("medical_school", (4, 8)), ("job", (4, 8))])  # fmt: skip
def test_the_ask_window_is_counted_in_weeks_before_the_due_date(pathway, weeks):
    app = _app(date(2027, 3, 10), pathway)
    assert ask_window(app) == weeks
    ask = _one(plan_letter(app, _lee(), busy=[], today=TODAY), "ask").day
    assert weeks[0] * 7 <= (date(2027, 3, 10) - ask).days <= weeks[1] * 7


def test_the_ask_prefers_a_day_outside_caution_periods():
    caution = BusyPeriod(name="Grant deadline", start=date(2027, 2, 1), end=date(2027, 2, 20), severity="caution")
    # A job letter due 31 Mar 2027: the window opens Wed 3 Feb, inside the caution period.
    ask = _one(plan_letter(_app(date(2027, 3, 31), "job"), _lee(), busy=[caution], today=TODAY), "ask")
    assert ask.day == date(2027, 2, 22)
    crowded = BusyPeriod(name="Grant deadline", start=date(2027, 2, 1), end=date(2027, 3, 31), severity="caution")
    ask = _one(plan_letter(_app(date(2027, 3, 31), "job"), _lee(), busy=[crowded], today=TODAY), "ask")
    assert ask.day == date(2027, 2, 3)  # no quiet day in the window: the earliest caution day
    assert "Grant deadline" in ask.note


def test_the_mentors_own_busy_weeks_are_avoided_without_merging():
    away = BusyPeriod(name="On service", start=date(2027, 2, 1), end=date(2027, 2, 28), who="Dr. Lee")
    plan = plan_letter(_app(date(2027, 3, 31), "job"), _lee(busy=[away]), busy=[], today=TODAY)
    assert _one(plan, "ask").day == date(2027, 3, 1)


def test_a_fully_blocked_window_moves_the_ask_earlier_and_says_so():
    away = BusyPeriod(name="Sabbatical", start=date(2027, 1, 20), end=date(2027, 3, 3))  # the whole window
    plan = plan_letter(_app(date(2027, 3, 31), "job"), _lee(busy=[away]), busy=CALENDAR, today=TODAY)
    ask = _one(plan, "ask").day
    assert ask < date(2027, 1, 20) and not _avoid([*CALENDAR, away], ask) and is_working_day(ask)
    assert any("earlier" in w for w in plan.warnings)


def test_a_blocked_window_with_no_room_before_moves_the_ask_later_and_says_so():
    # A job letter due 10 Feb 2027: the window is 16 Dec – 13 Jan, all of it on sabbatical.
    away = BusyPeriod(name="Sabbatical", start=TODAY, end=date(2027, 1, 13))
    plan = plan_letter(_app(date(2027, 2, 10), "job"), _lee(busy=[away]), busy=[], today=TODAY)
    ask = _one(plan, "ask").day
    assert ask == date(2027, 1, 14)  # the day after, still more than 3 weeks before it's due
    assert any("later" in w for w in plan.warnings)


def test_when_every_day_is_busy_the_plan_says_so_and_still_asks():
    away = BusyPeriod(name="Sabbatical", start=TODAY, end=date(2027, 3, 31))
    plan = plan_letter(_app(date(2027, 3, 31), "job"), _lee(busy=[away]), busy=[], today=TODAY)
    assert _one(plan, "ask")
    assert any("another writer" in w for w in plan.warnings)


# --- late starts ---------------------------------------------------------------------------------------


def test_short_notice_asks_today_and_says_so():
    plan = plan_letter(_app(TODAY + timedelta(days=10), "job"), _lee(), busy=CALENDAR, today=TODAY)
    assert _one(plan, "ask").day == TODAY
    assert any("short notice" in w for w in plan.warnings)
    assert sum(m.day == TODAY for m in plan.milestones) == 1  # nothing else squeezed onto today


def test_short_notice_on_a_weekend_asks_on_the_next_working_day():
    saturday = date(2026, 11, 28)
    plan = plan_letter(_app(date(2026, 12, 5), "job"), _lee(), busy=[], today=saturday)
    assert _one(plan, "ask").day == date(2026, 11, 30)


def test_under_three_weeks_is_late_and_the_ask_goes_as_soon_as_possible():
    plan = plan_letter(_app(TODAY + timedelta(days=18), "job"), _lee(), busy=CALENDAR, today=TODAY)
    assert any("late" in w for w in plan.warnings)
    assert _one(plan, "ask").day == TODAY  # Wednesday before Thanksgiving: a caution day, not avoid


def test_steps_that_no_longer_fit_are_left_out_with_a_warning_never_moved():
    # Due Monday 7 Dec, 12 days away: the first reminder's day (2 weeks before) has passed.
    plan = plan_letter(_app(date(2026, 12, 7), "job"), _lee(), busy=[], today=TODAY)
    assert "reminder_1" not in _kinds(plan)
    assert any("first reminder" in w and "left out" in w for w in plan.warnings)
    assert _one(plan, "reminder_2").day == date(2026, 11, 30)  # a week before, where it belongs
    assert len({m.day for m in plan.milestones if m.kind.startswith("reminder")}) == 1


def test_a_reminder_on_the_packets_day_is_left_out():
    # Due Saturday 5 Dec: the packet goes Friday 27 Nov (Thanksgiving is Thursday), the day the last
    # reminder would fall on. A reminder the day the packet arrives is pointless, so it's left out.
    plan = plan_letter(_app(date(2026, 12, 5), "job"), _lee(), busy=[], today=TODAY)
    assert _one(plan, "packet").day == date(2026, 11, 27)
    assert not [m for m in plan.milestones if m.kind.startswith("reminder")]
    assert any("last reminder" in w for w in plan.warnings)


def test_a_letter_due_today_has_no_ask_and_a_plain_warning():
    plan = plan_letter(_app(TODAY, "job"), _lee(), busy=[], today=TODAY)
    assert "ask" not in _kinds(plan)
    assert _one(plan, "deadline").day == TODAY
    assert any("due today" in w for w in plan.warnings)


def test_a_deadline_already_past_raises_a_plain_error():
    with pytest.raises(ValueError, match=r"has already passed; pick a new date"):
        plan_letter(_app(TODAY - timedelta(days=1)), _lee(), busy=[], today=TODAY)


# --- buffer and goal conversation ----------------------------------------------------------------------


def test_a_buffer_gives_the_writer_an_earlier_date_and_names_the_real_deadline():
    plan = plan_letter(_app(date(2027, 9, 15)), _lee(), busy=CALENDAR, today=TODAY, buffer_days=14)
    deadline = _one(plan, "deadline")
    assert deadline.day == date(2027, 9, 1)
    assert "Sep 15, 2027" in deadline.note
    assert _one(plan, "reminder_2").day == date(2027, 8, 25)  # counted from the writer's date
    ask = _one(plan, "ask").day
    assert 8 * 7 <= (date(2027, 9, 1) - ask).days <= 12 * 7


def test_a_buffer_that_no_longer_fits_falls_back_to_the_real_deadline():
    plan = plan_letter(_app(TODAY + timedelta(days=5), "job"), _lee(), busy=[], today=TODAY, buffer_days=7)
    assert _one(plan, "deadline").day == TODAY + timedelta(days=5)
    assert any("buffer" in w for w in plan.warnings)


def test_a_goal_conversation_comes_first_when_the_last_contact_is_old():
    plan = plan_letter(_app(date(2027, 9, 15)), _lee(last_worked=date(2026, 8, 1)), busy=CALENDAR, today=TODAY)
    check_in, ask = _one(plan, "check_in"), _one(plan, "ask")
    assert 14 <= (ask.day - check_in.day).days <= 42
    assert not _avoid(CALENDAR, check_in.day)


def test_a_goal_conversation_comes_first_when_the_last_contact_is_unknown():
    plan = plan_letter(_app(date(2027, 4, 30), "job"), _lee(last_worked=None), busy=CALENDAR, today=TODAY)
    gap = (_one(plan, "ask").day - _one(plan, "check_in").day).days
    assert 14 <= gap <= 28


def test_no_goal_conversation_after_recent_contact():
    recent = date(2027, 1, 15)  # under six months before an ask in March
    plan = plan_letter(_app(date(2027, 4, 30), "job"), _lee(last_worked=recent), busy=CALENDAR, today=TODAY)
    assert "check_in" not in _kinds(plan)


def test_a_goal_conversation_that_cannot_fit_becomes_advice():
    plan = plan_letter(_app(TODAY + timedelta(days=10), "job"), _lee(last_worked=None), busy=[], today=TODAY)
    assert "check_in" not in _kinds(plan)
    assert any("goal conversation" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("pathway", "deadline", "first", "last"),
    [
        ("residency", date(2027, 9, 15), date(2028, 3, 17), date(2028, 3, 17)),
        ("medical_school", date(2027, 8, 1), date(2028, 3, 15), date(2028, 5, 31)),
        ("fellowship", date(2027, 7, 1), date(2027, 10, 1), date(2028, 3, 31)),
        ("job", date(2027, 3, 1), date(2027, 4, 19), date(2027, 5, 3)),
    ],
)
def test_the_update_waits_for_the_outcome(pathway, deadline, first, last):
    update = _one(plan_letter(_app(deadline, pathway), _lee(), busy=[], today=TODAY), "update")
    assert first <= update.day <= last


# --- properties ----------------------------------------------------------------------------------------

periods = st.builds(
    lambda start, length, severity: BusyPeriod(
        name="Busy", start=TODAY + timedelta(days=start), end=TODAY + timedelta(days=start + length), severity=severity
    ),
    st.integers(0, 220),
    st.integers(0, 40),
    st.sampled_from(["avoid", "caution"]),
)
plans = st.fixed_dictionaries(
    {
        "due_in": st.integers(0, 200),
        "pathway": st.sampled_from(PATHWAYS),
        "busy": st.lists(periods, max_size=6),
        "own": st.lists(periods, max_size=3),
        "last_worked": st.none() | st.integers(-900, 0).map(lambda n: TODAY + timedelta(days=n)),
        "buffer": st.sampled_from([0, 0, 7, 14]),
        "today_shift": st.integers(0, 6),
    }
)


def _make(case):
    today = TODAY + timedelta(days=case["today_shift"])
    app = _app(today + timedelta(days=case["due_in"]), case["pathway"])
    mentor = _lee(last_worked=case["last_worked"], busy=case["own"])
    plan = plan_letter(app, mentor, busy=case["busy"], today=today, buffer_days=case["buffer"])
    return today, app, mentor, plan


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_every_step_is_on_or_after_today_and_never_two_on_today(case):
    today, _, _, plan = _make(case)
    assert all(m.day >= today for m in plan.milestones)
    assert sum(m.day == today and m.kind != "deadline" for m in plan.milestones) <= 1
    assert [m.day for m in plan.milestones] == sorted(m.day for m in plan.milestones)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_reminders_fall_strictly_between_the_ask_and_the_due_date_and_never_more_than_two(case):
    _, _, _, plan = _make(case)
    reminders = [m for m in plan.milestones if m.kind in ("reminder_1", "reminder_2")]
    assert len(reminders) <= 2
    assert len({m.day for m in reminders}) == len(reminders)
    due = _one(plan, "deadline").day
    asks = [m.day for m in plan.milestones if m.kind == "ask"]
    for reminder in reminders:
        assert asks and asks[0] < reminder.day < due
        assert is_working_day(reminder.day)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_no_ask_in_an_avoid_period_when_a_free_working_day_exists_in_the_search_range(case):
    today, _, mentor, plan = _make(case)
    due = _one(plan, "deadline").day
    days_left = (due - today).days
    if days_left < 14:
        return  # short notice: the ask goes today or on the next working day, whatever the calendar says
    # Under 3 weeks the planner searches up to 2 weeks before the due date; otherwise up to 3.
    latest = due - timedelta(days=14 if days_left < 21 else 21)
    busy = [*case["busy"], *mentor.busy]
    free = [
        today + timedelta(days=n)
        for n in range((latest - today).days + 1)
        if is_working_day(today + timedelta(days=n)) and not _avoid(busy, today + timedelta(days=n))
    ]
    ask = _one(plan, "ask").day
    if free:
        assert not _avoid(busy, ask)
        assert is_working_day(ask)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_the_ask_stays_in_its_window_when_the_window_has_a_free_day(case):
    today, app, mentor, plan = _make(case)
    due = _one(plan, "deadline").day
    lo, hi = ask_window(app)
    first, last = max(today, due - timedelta(weeks=hi)), due - timedelta(weeks=lo)
    busy = [*case["busy"], *mentor.busy]
    window = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if case["last_worked"] and (today - case["last_worked"]).days <= 28:
        return  # a rotation that just ended moves the ask earlier (tests/test_content_2027.py, point 9)
    if (due - today).days >= 21 and any(is_working_day(d) and not _avoid(busy, d) for d in window):
        assert first <= _one(plan, "ask").day <= last


# --- existing letters ----------------------------------------------------------------------------------

APP = _app(date(2027, 1, 20), "job")


def _letter(**kw) -> LetterRequest:
    return LetterRequest(id="L1", mentor_id="lee", application_id="app", **kw)


def test_recorded_steps_show_on_their_day_as_done_and_the_rest_is_planned_from_today():
    letter = _letter(status="packet_sent", asked_on=date(2026, 11, 2), packet_sent_on=date(2026, 11, 3))
    plan = plan_request(letter, APP, _lee(), busy=CALENDAR, today=TODAY)
    ask, packet = _one(plan, "ask"), _one(plan, "packet")
    assert (ask.day, ask.done, packet.day, packet.done) == (date(2026, 11, 2), True, date(2026, 11, 3), True)
    todo = [m for m in plan.milestones if not m.done]
    assert todo and all(m.day >= TODAY for m in todo)
    assert {m.kind for m in todo} >= {"reminder_1", "reminder_2", "status_check", "deadline", "thank_you"}
    assert all(m.request_id == "L1" and m.uid.startswith("L1-") for m in plan.milestones)


def test_an_overdue_ask_goes_on_today_marked_overdue():
    plan = plan_request(_letter(), _app(date(2026, 12, 20), "job"), _lee(), busy=CALENDAR, today=TODAY)
    ask = _one(plan, "ask")
    assert (ask.day, ask.overdue) == (TODAY, True)
    assert "Overdue" in ask.note
    assert sum(m.day == TODAY for m in plan.milestones) == 1


def test_only_the_next_step_is_overdue_later_passed_steps_are_left_out():
    # Asked and packet sent long ago, no reminders recorded, due in 5 days: both reminder days passed.
    letter = _letter(status="packet_sent", asked_on=date(2026, 10, 1), packet_sent_on=date(2026, 10, 2))
    plan = plan_request(letter, _app(TODAY + timedelta(days=5), "job"), _lee(), busy=[], today=TODAY)
    overdue = [m for m in plan.milestones if m.overdue]
    assert [m.kind for m in overdue] == ["reminder_1"]
    assert overdue[0].day == TODAY
    assert "reminder_2" not in _kinds(plan)
    assert any("last reminder" in w for w in plan.warnings)


def test_recorded_reminders_count_toward_the_two():
    letter = _letter(
        status="packet_sent",
        asked_on=date(2026, 10, 1),
        packet_sent_on=date(2026, 10, 2),
        reminder_1_on=date(2026, 11, 20),
        reminder_2_on=date(2026, 11, 24),
    )
    plan = plan_request(letter, _app(TODAY + timedelta(days=5), "job"), _lee(), busy=[], today=TODAY)
    reminders = [m for m in plan.milestones if m.kind.startswith("reminder")]
    assert len(reminders) == 2 and all(m.done for m in reminders)


def test_a_submitted_letter_needs_no_reminders_only_thanks():
    letter = _letter(status="submitted", asked_on=date(2026, 9, 1), submitted_on=date(2026, 11, 1))
    plan = plan_request(letter, APP, _lee(), busy=[], today=TODAY)
    assert not [m for m in plan.milestones if m.kind.startswith("reminder") or m.kind == "status_check"]
    arrived = _one(plan, "deadline")
    assert (arrived.day, arrived.done) == (date(2026, 11, 1), True)
    thanks = _one(plan, "thank_you")
    assert (thanks.day, thanks.overdue) == (TODAY, True)


def test_a_past_due_date_on_an_existing_letter_warns_instead_of_raising():
    letter = _letter(status="asked", asked_on=date(2026, 10, 1), packet_sent_on=date(2026, 10, 2))
    plan = plan_request(letter, _app(date(2026, 11, 20), "job"), _lee(), busy=[], today=TODAY)
    assert any("has passed" in w for w in plan.warnings)
    assert all(m.day >= TODAY for m in plan.milestones if not m.done)
    assert _one(plan, "status_check").day == TODAY


def test_the_letters_own_due_date_is_the_writers_date():
    letter = _letter(due=date(2027, 1, 6))
    plan = plan_request(letter, APP, _lee(), busy=[], today=TODAY)
    deadline = _one(plan, "deadline")
    assert deadline.day == date(2027, 1, 6)
    assert "Jan 20, 2027" in deadline.note


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_a_declined_or_withdrawn_letter_has_no_plan(status):
    plan = plan_request(_letter(status=status), APP, _lee(), busy=[], today=TODAY)
    assert plan.milestones == [] and plan.warnings == []


# --- the whole workspace and this week -----------------------------------------------------------------


def test_workspace_milestones_plans_every_active_letter_sorted_by_day():
    mentors = [_lee(), Mentor(id="kim", name="Dr. Kim", role="program_director", specialty="internal_medicine")]
    letters = [
        _letter(),
        LetterRequest(id="L2", mentor_id="kim", application_id="app", status="declined"),
        LetterRequest(id="L3", mentor_id="kim", application_id="app", status="asked", asked_on=date(2026, 11, 20)),
        LetterRequest(id="L4", mentor_id="gone", application_id="app"),
    ]
    out = workspace_milestones(mentors, [APP], letters, settings=None, today=TODAY)
    assert {m.request_id for m in out} == {"L1", "L3"}
    assert [m.day for m in out] == sorted(m.day for m in out)


def test_workspace_milestones_applies_the_users_busy_settings():
    app = _app(date(2027, 3, 31), "job")
    mentors, letters = [_lee()], [_letter()]
    before = [m for m in workspace_milestones(mentors, [app], letters, settings=None, today=TODAY) if m.kind == "ask"]
    away = {"name": "Department retreat", "start": "2027-02-01", "end": "2027-02-26", "severity": "avoid"}
    after = [
        m
        for m in workspace_milestones(mentors, [app], letters, settings={"custom": [away]}, today=TODAY)
        if m.kind == "ask"
    ]
    assert before[0].day == date(2027, 2, 3)
    assert after[0].day == date(2027, 3, 1)


def test_this_week_lists_overdue_steps_first_then_by_day():
    steps = [
        Milestone(kind="packet", day=TODAY + timedelta(days=3), title="Send packet"),
        Milestone(kind="ask", day=TODAY, title="Ask", overdue=True),
        Milestone(kind="reminder_1", day=TODAY + timedelta(days=1), title="Remind"),
        Milestone(kind="thank_you", day=TODAY + timedelta(days=2), title="Thanks", done=True),
        Milestone(kind="update", day=TODAY + timedelta(days=9), title="Later"),
    ]
    assert [m.title for m in this_week(steps, TODAY)] == ["Ask", "Remind", "Send packet"]
    assert [m.title for m in this_week(steps, TODAY, days=10)][-1] == "Later"


statuses = st.sampled_from(["planned", "asked", "agreed", "packet_sent", "submitted", "thanked"])
recorded = st.none() | st.integers(-60, 0).map(lambda n: TODAY + timedelta(days=n))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=statuses,
    asked=recorded,
    packet=recorded,
    reminder_1=recorded,
    reminder_2=recorded,
    due_in=st.integers(-20, 150),
    pathway=st.sampled_from(PATHWAYS),
    busy=st.lists(periods, max_size=4),
)
def test_an_existing_letter_never_plans_into_the_past_and_keeps_to_two_reminders(
    status, asked, packet, reminder_1, reminder_2, due_in, pathway, busy
):
    letter = _letter(
        status=status, asked_on=asked, packet_sent_on=packet, reminder_1_on=reminder_1, reminder_2_on=reminder_2
    )
    plan = plan_request(letter, _app(TODAY + timedelta(days=due_in), pathway), _lee(), busy=busy, today=TODAY)
    todo = [m for m in plan.milestones if not m.done]
    assert all(m.day >= TODAY for m in todo)
    assert sum(m.overdue for m in plan.milestones) <= 1
    assert sum(m.day == TODAY and m.kind != "deadline" and not m.waiting for m in todo) <= 1  # waiting: not yours
    assert not any(m.waiting and m.overdue for m in todo)  # waiting on the writer is never overdue
    assert sum(m.kind in ("reminder_1", "reminder_2") for m in plan.milestones) <= 2
    assert len({m.uid for m in plan.milestones}) == len(plan.milestones)
    for kind, day in (("ask", asked), ("packet", packet), ("reminder_1", reminder_1), ("reminder_2", reminder_2)):
        if day is not None:
            assert any(m.kind == kind and m.day == day and m.done for m in plan.milestones)


def test_a_packet_waits_for_the_writers_yes_and_says_so():
    from datetime import date as _date

    from lor.models import Application, LetterRequest, Mentor
    from lor.planner import plan_request

    app = Application(id="a", name="IM", deadline=_date(2027, 1, 13))
    mentor = Mentor(id="m", name="Dr. Vee", last_worked=_date(2026, 10, 1))
    asked = LetterRequest(id="l", mentor_id="m", application_id="a", status="asked", asked_on=_date(2026, 11, 18))
    packet = next(
        m for m in plan_request(asked, app, mentor, busy=[], today=_date(2026, 11, 25)).milestones if m.kind == "packet"
    )
    assert packet.title == "Once Dr. Vee says yes, send your packet"
    agreed = asked.model_copy(update={"status": "agreed", "agreed_on": _date(2026, 11, 20)})
    packet = next(
        m
        for m in plan_request(agreed, app, mentor, busy=[], today=_date(2026, 11, 25)).milestones
        if m.kind == "packet"
    )
    assert packet.title == "Send Dr. Vee your packet"


# --- asks timed to when the writer saw the student (issue #22.3) -----------------------------------------


def _sub_i(end: date, **kw) -> Mentor:
    return Mentor(id="sub", name="Dr. Sub", specialty="internal_medicine", setting="sub_internship", rotation_end=end)


@pytest.mark.parametrize("ended_days_ago", [1, 14, 28])
def test_a_rotation_that_just_ended_is_asked_within_two_weeks_not_in_next_summers_window(ended_days_ago):
    # An M3's sub-I ended last month; letters are due next September (ERAS): ask now, not the next June.
    end = TODAY - timedelta(days=ended_days_ago)
    plan = plan_letter(_app(date(2027, 9, 1)), _sub_i(end), busy=CALENDAR, today=TODAY)
    ask = _one(plan, "ask")
    assert TODAY <= ask.day <= TODAY + timedelta(days=14)
    assert "remembers your rotation" in ask.note and "upload it once the portal opens" in ask.note
    assert "check_in" not in _kinds(plan)  # the rotation was the conversation
    assert not _avoid(CALENDAR, ask.day)


def test_a_rotation_that_ended_long_ago_is_asked_soon_with_a_nudge_to_remind_them_of_specifics():
    plan = plan_letter(_app(date(2027, 9, 1)), _sub_i(TODAY - timedelta(days=200)), busy=CALENDAR, today=TODAY)
    ask = _one(plan, "ask")
    assert TODAY <= ask.day <= TODAY + timedelta(days=14)
    assert "remind them of specific" in ask.note


def test_a_rotation_still_running_is_asked_in_its_last_week():
    end = date(2027, 3, 26)  # a Friday, outside every default busy period
    plan = plan_letter(_app(date(2027, 9, 1)), _sub_i(end), busy=CALENDAR, today=TODAY)
    ask = _one(plan, "ask")
    assert end - timedelta(days=6) <= ask.day <= end
    assert "last week of your rotation" in ask.note


def test_an_ask_after_a_rotation_still_avoids_a_busy_period():
    # The rotation ended just before the winter holidays: the ask waits for the first free day after them.
    today = date(2026, 12, 21)
    plan = plan_letter(_app(date(2027, 9, 1)), _sub_i(date(2026, 12, 18)), busy=CALENDAR, today=today)
    ask = _one(plan, "ask")
    assert ask.day == date(2027, 1, 4)  # the first working day after Dec 20 – Jan 2
