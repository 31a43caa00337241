"""Busy periods: the academic calendar from data/busy_periods.toml, the user's changes, working days."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from lor.busy import (
    DATA_FILE,
    DEFAULT_PERIODS,
    HOLIDAYS_KEY,
    academic_calendar,
    calendar_note,
    effective_calendar,
    federal_holidays,
    is_busy,
    is_working_day,
    match_day,
    who_label,
    working_day_after,
    working_day_before,
)
from lor.models import BusyPeriod

ALL_KEYS = {
    "july_transition",
    "winter_holidays",
    "thanksgiving_week",
    HOLIDAYS_KEY,
    "match_week",
    "interview_season",
    "im_in_training_exam",
    "final_exams_fall",
    "final_exams_spring",
    "acgme_aec",
    "acp_meeting",
    "acep_assembly",
    "acs_clinical_congress",
    "aamc_learn_serve_lead",
}


def _third_friday_of_march(year: int) -> date:
    # Counted by hand, independently of lor.busy: the Fridays of March, the third one.
    fridays = [date(year, 3, d) for d in range(1, 32) if date(year, 3, d).weekday() == 4]
    return fridays[2]


def _periods(key: str, start: date, end: date, **who: str) -> list[BusyPeriod]:
    return [p for p in academic_calendar(start, end, **who) if p.key == key]


def test_every_period_of_the_domain_table_is_in_the_data_file_with_a_source():
    rows = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))["period"]
    assert {row["key"] for row in rows} == ALL_KEYS
    assert all(row["source"].strip() for row in rows)
    assert [p.key for p in DEFAULT_PERIODS] == [row["key"] for row in rows]


def test_settings_table_says_conference_dates_are_approximate():
    conferences = [p for p in DEFAULT_PERIODS if p.key in {"acgme_aec", "acp_meeting", "acep_assembly"}]
    assert conferences and all("move" in p.note.lower() for p in conferences)
    assert "approximation" in calendar_note()


def test_without_a_filter_every_period_comes_back():
    periods = academic_calendar(date(2027, 1, 1), date(2027, 12, 31))
    assert {p.key for p in periods} == ALL_KEYS


@pytest.mark.parametrize(
    ("year", "first", "last"),
    [(2026, date(2026, 3, 16), date(2026, 3, 20)), (2027, date(2027, 3, 15), date(2027, 3, 19)),
     (2028, date(2028, 3, 13), date(2028, 3, 17))],
)  # fmt: skip
def test_match_week_is_monday_to_friday_around_the_third_friday_of_march(year, first, last):
    assert _third_friday_of_march(year) == last == match_day(year)
    [week] = _periods("match_week", date(year, 1, 1), date(year, 12, 31))
    assert (week.start, week.end) == (first, last)
    assert week.severity == "caution"
    assert "program_director" in week.who and "department_chair" in week.who


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_july_transition_is_june_20_to_july_15_and_avoided(year):
    [july] = _periods("july_transition", date(year, 1, 1), date(year, 12, 31))
    assert (july.start, july.end, july.severity) == (date(year, 6, 20), date(year, 7, 15), "avoid")
    assert [p.key for p in is_busy(date(year, 7, 1), [july])] == ["july_transition"]
    assert is_busy(date(year, 7, 16), [july]) == []


def test_thanksgiving_week_is_the_week_of_the_fourth_thursday():
    [week] = _periods("thanksgiving_week", date(2026, 11, 1), date(2026, 11, 30))
    assert (week.start, week.end) == (date(2026, 11, 23), date(2026, 11, 27))
    [week] = _periods("thanksgiving_week", date(2027, 11, 1), date(2027, 11, 30))
    assert (week.start, week.end) == (date(2027, 11, 22), date(2027, 11, 26))


def test_a_federal_holiday_on_a_weekday_is_an_avoid_day_for_everyone():
    labor_day = date(2027, 9, 6)  # a Monday
    periods = academic_calendar(date(2027, 9, 1), date(2027, 9, 30), specialty="pediatrics", role="attending")
    [holiday] = [p for p in is_busy(labor_day, periods) if p.key == HOLIDAYS_KEY]
    assert holiday.name == "Labor Day"
    assert (holiday.start, holiday.end, holiday.severity, holiday.who) == (labor_day, labor_day, "avoid", "everyone")
    assert not is_working_day(labor_day)
    assert date(2027, 7, 5) in federal_holidays(date(2027, 7, 1), date(2027, 7, 31))  # July 4th observed


def test_winter_holidays_run_across_the_new_year():
    periods = academic_calendar(date(2027, 1, 1), date(2027, 1, 1))
    [winter] = [p for p in periods if p.key == "winter_holidays"]
    assert (winter.start, winter.end) == (date(2026, 12, 20), date(2027, 1, 2))  # whole, not clipped
    assert is_busy(date(2027, 1, 2), periods)
    assert not [p for p in is_busy(date(2027, 1, 3), periods) if p.key == "winter_holidays"]
    across = _periods("winter_holidays", date(2026, 1, 1), date(2027, 12, 31))
    assert [(p.start, p.end) for p in across] == [
        (date(2025, 12, 20), date(2026, 1, 2)),
        (date(2026, 12, 20), date(2027, 1, 2)),
        (date(2027, 12, 20), date(2028, 1, 2)),
    ]


def test_a_period_is_returned_when_it_only_overlaps_the_range():
    [interviews] = _periods("interview_season", date(2027, 1, 31), date(2027, 2, 10))
    assert (interviews.start, interviews.end) == (date(2026, 10, 15), date(2027, 1, 31))
    assert _periods("interview_season", date(2027, 2, 1), date(2027, 2, 10)) == []


def test_keys_are_the_same_every_year():
    periods = academic_calendar(date(2026, 1, 1), date(2028, 12, 31))
    assert sum(p.key == "acp_meeting" for p in periods) == 3
    assert all(p.key for p in periods)


def test_a_specialty_gets_everyones_periods_plus_its_own():
    keys = {p.key for p in academic_calendar(date(2027, 1, 1), date(2027, 12, 31), specialty="emergency_medicine")}
    assert {"acep_assembly", "july_transition", "winter_holidays", HOLIDAYS_KEY} <= keys
    assert not keys & {"acp_meeting", "im_in_training_exam", "acs_clinical_congress", "match_week"}


def test_a_role_gets_everyones_periods_plus_its_own():
    pd_keys = {p.key for p in academic_calendar(date(2027, 1, 1), date(2027, 12, 31), role="program_director")}
    assert {"match_week", "acgme_aec", "interview_season", "thanksgiving_week"} <= pd_keys
    assert not pd_keys & {"aamc_learn_serve_lead", "final_exams_fall", "acep_assembly"}
    faculty = {p.key for p in academic_calendar(date(2027, 1, 1), date(2027, 12, 31), role="science_faculty")}
    assert {"final_exams_fall", "final_exams_spring"} <= faculty
    chair = {p.key for p in academic_calendar(date(2027, 1, 1), date(2027, 12, 31), role="department_chair")}
    assert "aamc_learn_serve_lead" in chair


def test_specialty_and_role_together_add_both():
    keys = {
        p.key
        for p in academic_calendar(
            date(2027, 1, 1), date(2027, 12, 31), specialty="internal_medicine", role="program_director"
        )
    }
    assert {"acp_meeting", "im_in_training_exam", "match_week", "acgme_aec"} <= keys
    assert "acep_assembly" not in keys


def test_a_calendar_that_ends_before_it_starts_is_a_mistake():
    with pytest.raises(ValueError, match="before it starts"):
        academic_calendar(date(2027, 2, 1), date(2027, 1, 1))


def test_returned_periods_are_copies_the_caller_may_change():
    first = academic_calendar(date(2027, 3, 1), date(2027, 3, 31))
    first[0].name = "Changed"
    assert academic_calendar(date(2027, 3, 1), date(2027, 3, 31))[0].name != "Changed"


def test_who_reads_as_words():
    assert who_label("program_director, department_chair") == "Program director, Department chair"
    assert who_label("everyone") == "Everyone"


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [
        (date(2027, 9, 8), date(2027, 9, 8), date(2027, 9, 8)),  # a Wednesday stays
        (date(2027, 9, 11), date(2027, 9, 10), date(2027, 9, 13)),  # Saturday
        (date(2027, 9, 6), date(2027, 9, 3), date(2027, 9, 7)),  # Labor Day Monday
        (date(2026, 12, 27), date(2026, 12, 24), date(2026, 12, 28)),  # Sunday after Christmas (Friday)
    ],
)
def test_working_days_skip_weekends_and_federal_holidays(day, before, after):
    assert working_day_before(day) == before
    assert working_day_after(day) == after


def test_given_holidays_replace_the_federal_ones():
    # Labor Day (Monday 6 September) is a working day when the school's own list leaves it out.
    assert working_day_before(date(2027, 9, 8), holidays={date(2027, 9, 8), date(2027, 9, 7)}) == date(2027, 9, 6)


SETTINGS_RANGE = (date(2027, 1, 1), date(2027, 12, 31))


def test_a_disabled_period_disappears_every_year():
    periods = effective_calendar(date(2026, 1, 1), date(2028, 12, 31), settings={"disabled": ["july_transition"]})
    assert not [p for p in periods if p.key == "july_transition"]
    assert [p for p in periods if p.key == "winter_holidays"]


def test_federal_holidays_can_be_switched_off_as_a_group():
    periods = effective_calendar(*SETTINGS_RANGE, settings={"disabled": [HOLIDAYS_KEY]})
    assert not [p for p in periods if p.key == HOLIDAYS_KEY]


def test_a_moved_period_changes_only_that_year():
    moved = {"acp_meeting:2027": {"start": "2027-04-01", "end": "2027-04-05"}}
    periods = effective_calendar(date(2027, 1, 1), date(2028, 12, 31), settings={"moved": moved})
    acp = [(p.start, p.end) for p in periods if p.key == "acp_meeting"]
    assert acp == [(date(2027, 4, 1), date(2027, 4, 5)), (date(2028, 4, 15), date(2028, 4, 30))]


def test_a_winter_break_moved_for_its_starting_year_keeps_its_key():
    moved = {"winter_holidays:2027": {"start": "2027-12-18", "end": "2028-01-03"}}
    periods = effective_calendar(date(2028, 1, 1), date(2028, 1, 31), settings={"moved": moved})
    [winter] = [p for p in periods if p.key == "winter_holidays"]
    assert (winter.start, winter.end) == (date(2027, 12, 18), date(2028, 1, 3))


def test_custom_periods_are_added_and_filtered_like_the_defaults():
    custom = [
        {"name": "Spring break", "start": "2027-03-08", "end": "2027-03-12", "severity": "avoid"},
        {"name": "EM boards", "start": "2027-05-01", "end": "2027-05-03", "who": "emergency_medicine"},
        {"name": "", "start": "2027-06-01", "end": "2027-06-02"},  # damaged: skipped
        {"name": "Backwards", "start": "2027-06-05", "end": "2027-06-01"},  # damaged: skipped
    ]
    im = effective_calendar(*SETTINGS_RANGE, settings={"custom": custom}, specialty="internal_medicine")
    assert [p.name for p in is_busy(date(2027, 3, 10), im)] == ["Spring break"]
    assert not is_busy(date(2027, 5, 2), im)
    em = effective_calendar(*SETTINGS_RANGE, settings={"custom": custom}, specialty="emergency_medicine")
    assert [p.name for p in is_busy(date(2027, 5, 2), em)] == ["EM boards"]


def test_no_settings_is_the_academic_calendar():
    start, end = date(2026, 11, 25), date(2029, 11, 25)
    assert effective_calendar(start, end) == academic_calendar(start, end)
    assert effective_calendar(start, end, role="attending") == academic_calendar(start, end, role="attending")


def test_a_three_year_calendar_is_stable_overlapping_and_free_of_duplicates():
    start, end = date(2026, 11, 25), date(2029, 11, 25)
    periods = academic_calendar(start, end)
    assert periods == academic_calendar(start, end)  # the cached years give the same answer again
    assert all(p.start <= end and p.end >= start for p in periods)
    assert len({(p.key, p.name, p.start) for p in periods}) == len(periods)
    assert [p.start for p in periods] == sorted(p.start for p in periods)
