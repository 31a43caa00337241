"""The Timeline page as a student (and an advisor) uses it: this week's steps, the calendar, busy periods."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from plain_text import shown
from plan_dates import TODAY

from lor.example import load_example
from lor.ics import ALARMS_TEXT
from lor.models import Application, LetterRequest, Mentor
from lor.overview import overview_of
from lor.store import Store


def store() -> Store:
    return Store(os.environ["LOR_DB"])


def saved_letter(letter_id: str) -> LetterRequest:
    return next(r for r in store().default_workspace().letters() if r.id == letter_id)


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "error", "warning") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def click_event(at, uid: str):
    """Do what FullCalendar's eventClick does: the component's value becomes the clicked event."""
    at.session_state["timeline-calendar"] = {
        "callback": "eventClick",
        "eventClick": {
            "event": {"id": uid, "title": "A step", "start": "2026-11-25", "allDay": True, "resourceId": None},
            "view": {"type": "dayGridMonth", "title": "November 2026"},
        },
    }
    return at.run()


def test_empty_workspace_shows_a_first_step(open_page):
    at = open_page("timeline", example=False)
    assert not at.exception
    assert any("Choose recommenders" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("tl-done-")]
    charts = [c.key for c in at.get("plotly_chart")]
    assert charts == ["timeline-year-chart", "timeline-year-chart-stacked"]  # the busy year (laptop and phone)
    assert "timeline-view" not in at.session_state  # one picture only: nothing to switch


def test_example_plan_shows_this_week_overdue_first_and_one_picture_at_a_time(open_page):
    at = open_page("timeline")
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["This week", "Calendar"]
    week = [m.value for m in at.markdown if m.value.startswith("**")]
    assert week[0].startswith("**Overdue")  # Dr. Raman said yes a month ago: her packet is late
    assert "tl-done-l-raman-packet" in [b.key for b in at.button]
    assert not at.get("plotly_chart")  # the calendar first; the other pictures are built when chosen
    at.session_state["timeline-view"] = "year"
    at.run()
    assert [c.key for c in at.get("plotly_chart")] == ["timeline-year-chart", "timeline-year-chart-stacked"]
    assert "Calendar" not in [s.value for s in at.subheader]
    at.session_state["timeline-view"] = "writers"
    at.run()
    assert [c.key for c in at.get("plotly_chart")] == ["timeline-gantt"]
    assert "By writer" in [s.value for s in at.subheader]
    downloads = [d.key for d in at.get("download_button")]
    assert {"timeline-ics-all", "timeline-csv-plan", "timeline-ics-m-raman"} <= set(downloads)
    # Before: "with a reminder before each step", while only asks and reminders had an alarm.
    assert ALARMS_TEXT in texts(at) and "a reminder before each step" not in texts(at)


def calendar_options(at) -> list[dict]:
    """The options each FullCalendar (the month grid and the phone's list) was drawn with."""
    return [json.loads(c.proto.json_args)["options"] for c in at.get("component_instance")]


def test_the_month_view_opens_on_the_month_of_the_first_step_to_come(open_page):
    ws = store().default_workspace()
    writer = Mentor(
        id="w", name="Dr. Far", role="research_mentor", setting="lab", specialty="internal_medicine", last_worked=TODAY
    )
    later = Application(id="a", name="Next season", specialty="internal_medicine", deadline=date(2027, 9, 1))
    ws.save_mentor(writer)
    ws.save_application(later)
    ws.save_letter(LetterRequest(id="l", mentor_id="w", application_id="a"))
    at = open_page("timeline", example=False)
    first = min(date.fromisoformat(e["start"]) for e in json.loads(at.get("component_instance")[0].proto.json_args)[
        "events"] if not e.get("display"))  # fmt: skip
    assert (first.year, first.month) > (TODAY.year, TODAY.month)  # months away
    # Before: "initialDate" was today, so the calendar opened on an empty month.
    assert [o["initialDate"] for o in calendar_options(at)] == [first.isoformat()] * 2
    assert all(o["now"] == TODAY.isoformat() for o in calendar_options(at))


def test_done_in_this_week_records_the_ask_on_the_letter(open_page):
    # Dr. Kim's rotation ended two weeks ago: a letter planned with him is asked this week.
    at = open_page("timeline")
    store().default_workspace().save_letter(LetterRequest(id="l-kim", mentor_id="m-kim", application_id="a-im"))
    at.run()
    at.button(key="tl-done-l-kim-ask").click().run()
    assert not at.exception
    letter = saved_letter("l-kim")
    assert letter.status == "asked"
    assert letter.asked_on == TODAY
    assert any("Asked" in s.value for s in at.success)
    assert "tl-done-l-kim-ask" not in [b.key for b in at.button]


def test_a_goal_conversation_done_is_logged_on_the_writer(open_page):
    ws = store().default_workspace()
    ws.save_mentor(
        Mentor(id="m-new", name="Dr. Noor Haddad", specialty="internal_medicine", last_worked=date(2025, 9, 1))
    )
    ws.save_application(Application(id="a-prelim", name="Preliminary year", deadline=date(2027, 3, 8)))
    ws.save_letter(LetterRequest(id="l-new", mentor_id="m-new", application_id="a-prelim"))
    at = open_page("timeline", example=False)
    at.button(key="tl-done-l-new-check_in").click().run()
    assert not at.exception
    mentor = store().default_workspace().mentors()[0]
    assert [(t.day, t.kind) for t in mentor.touchpoints] == [(TODAY, "check_in")]
    assert saved_letter("l-new").status == "planned"
    assert "tl-done-l-new-check_in" not in [b.key for b in at.button]


def test_clicking_a_calendar_step_shows_its_letter_and_mark_done_saves_it(open_page):
    at = open_page("timeline")
    click_event(at, "l-raman-packet")
    assert not at.exception
    shown = texts(at)
    assert "Send Dr\\. Priya Raman your packet" in shown
    assert "Writer: Dr\\. Priya Raman" in shown and "Letter status: Agreed" in shown
    at.button(key="timeline-event-done").click().run()
    assert not at.exception
    letter = saved_letter("l-raman")
    assert (letter.status, letter.packet_sent_on) == ("packet_sent", TODAY)
    assert "Done ✓" in [s.value for s in at.success]
    assert not [b for b in at.button if b.key == "timeline-event-done"]


def test_a_step_waiting_on_the_writer_records_their_answer_not_a_silent_yes(open_page):
    at = open_page("timeline")
    click_event(at, "l-vasquez-packet")
    assert "Once Dr\\. Elena Vasquez says yes, send your packet" in texts(at)
    keys = [b.key for b in at.button]
    assert "timeline-event-done" not in keys  # Done used to record a yes the writer never gave (issue #22.9)
    at.button(key="timeline-event-done-no").click().run()
    assert not at.exception
    assert saved_letter("l-vasquez").status == "declined"


def test_a_status_check_marked_done_is_dated_on_the_letter_and_shows_done(open_page):
    at = click_event(open_page("timeline"), "l-raman-status_check")
    at.button(key="timeline-event-done").click().run()
    assert not at.exception
    letter = saved_letter("l-raman")
    assert (letter.status, letter.status_checked_on) == ("agreed", TODAY)  # the status stays
    assert any("mark its due date done" in i.value for i in at.success)
    assert "Done ✓" in [s.value for s in at.success]  # the next plan shows the step done


def test_a_closed_step_stays_closed_although_the_calendar_repeats_its_last_click(open_page):
    at = click_event(open_page("timeline"), "l-hale-ask")
    assert "timeline-event-done" in [b.key for b in at.button]
    at.button(key="timeline-event-close").click().run()
    at.run()  # the component still returns the same click on every rerun
    assert not at.exception
    assert not [b for b in at.button if b.key in ("timeline-event-done", "timeline-event-close")]
    assert "Writer: Dr\\. Margaret Hale" not in texts(at)


def test_a_click_on_a_step_no_longer_in_the_plan_shows_nothing_and_breaks_nothing(open_page):
    at = click_event(open_page("timeline"), "no-such-step")
    assert not at.exception
    assert not [b for b in at.button if b.key == "timeline-event-done"]


def test_switching_off_a_default_period_is_saved_at_once(open_page):
    at = open_page("timeline")
    at.toggle(key="timeline-busy-july_transition").set_value(False).run()
    assert not at.exception
    assert store().default_workspace().get_setting("busy")["disabled"] == ["july_transition"]
    at.toggle(key="timeline-busy-july_transition").set_value(True).run()
    assert store().default_workspace().get_setting("busy")["disabled"] == []


def test_the_buffer_is_saved_and_moves_the_writers_due_date(open_page):
    def due(letter_id: str) -> date:
        ov = overview_of(store().default_workspace(), TODAY)
        return next(m.day for m in ov.milestones if m.kind == "deadline" and letter_id in m.letter_ids)

    at = open_page("timeline")
    assert due("l-raman") == date(2027, 9, 1)  # the ERAS season's date
    at.number_input(key="timeline-buffer-days").set_value(14).run()
    assert not at.exception
    assert store().default_workspace().get_setting("buffer_days") == 14
    assert due("l-raman") == date(2027, 8, 18)  # the writer is given a date two weeks earlier


def test_moving_a_default_period_for_one_year(open_page):
    at = open_page("timeline")
    at.selectbox(key="timeline-move-period").set_value("acp_meeting").run()
    at.selectbox(key="timeline-move-year").set_value(2027).run()
    at.date_input(key="timeline-move-acp_meeting-2027-start").set_value(date(2027, 4, 8))
    at.date_input(key="timeline-move-acp_meeting-2027-end").set_value(date(2027, 4, 11))
    at.button(key="timeline-move-save").click().run()
    assert not at.exception
    moved = store().default_workspace().get_setting("busy")["moved"]
    assert moved == {"acp_meeting:2027": {"start": "2027-04-08", "end": "2027-04-11"}}
    at.button(key="timeline-moved-acp_meeting-2027-undo").click().run()
    assert store().default_workspace().get_setting("busy")["moved"] == {}


def test_your_own_period_ending_before_it_starts_gets_a_plain_error(open_page):
    at = open_page("timeline")
    at.text_input(key="timeline-custom-name").set_value("Department retreat")
    at.date_input(key="timeline-custom-start").set_value(date(2027, 1, 20))
    at.date_input(key="timeline-custom-end").set_value(date(2027, 1, 18))
    at.button(key="timeline-custom-add").click().run()
    assert not at.exception
    assert any("before it starts" in e.value for e in at.error)
    assert (store().default_workspace().get_setting("busy") or {}).get("custom", []) == []


def test_adding_your_own_period(open_page):
    at = open_page("timeline")
    at.text_input(key="timeline-custom-name").set_value("Department retreat")
    at.date_input(key="timeline-custom-start").set_value(date(2027, 1, 18))
    at.date_input(key="timeline-custom-end").set_value(date(2027, 1, 20))
    at.selectbox(key="timeline-custom-who").set_value("internal_medicine")
    at.button(key="timeline-custom-add").click().run()
    assert not at.exception
    [custom] = store().default_workspace().get_setting("busy")["custom"]
    assert custom["name"] == "Department retreat"
    assert (custom["start"], custom["end"], custom["who"]) == ("2027-01-18", "2027-01-20", "internal_medicine")
    assert f"timeline-custom-{custom['id']}-delete" in [b.key for b in at.button]


def test_a_writers_own_busy_time_is_saved_on_the_writer(open_page):
    at = open_page("timeline")
    at.selectbox(key="timeline-mentor-busy-writer").set_value("m-raman")
    at.text_input(key="timeline-mentor-busy-name").set_value("Vacation")
    at.date_input(key="timeline-mentor-busy-start").set_value(date(2026, 12, 21))
    at.date_input(key="timeline-mentor-busy-end").set_value(date(2026, 12, 31))
    at.button(key="FormSubmitter:timeline-mentor-busy-form-Add to this writer").click().run()
    assert not at.exception
    raman = next(m for m in store().default_workspace().mentors() if m.id == "m-raman")
    assert [(p.name, p.start, p.end, p.severity) for p in raman.busy] == [
        ("Vacation", date(2026, 12, 21), date(2026, 12, 31), "avoid")
    ]
    vacation = raman.busy[0]
    at.button(key=f"timeline-mentor-m-raman-busy-{vacation.id}-delete").click().run()
    raman = next(m for m in store().default_workspace().mentors() if m.id == "m-raman")
    assert raman.busy == []
    assert "Removed Dr. Priya Raman's Vacation (Mon Dec 21, 2026 – Thu Dec 31, 2026)." in shown(texts(at))
    # Put it back restores the same period, id and all, and says so; the notice is gone afterwards.
    at.button(key=f"timeline-writer-busy-put-back-{vacation.id}").click().run()
    assert not at.exception
    raman = next(m for m in store().default_workspace().mentors() if m.id == "m-raman")
    assert raman.busy == [vacation]
    assert "Put back Dr. Priya Raman's Vacation" in shown(texts(at)) and "Removed Dr. Priya" not in shown(texts(at))


def test_removed_periods_of_your_own_can_each_be_put_back_once_or_the_notice_dismissed(open_page):
    at = open_page("timeline")
    for name in ("Retreat", "Boards week", "Away"):
        at.text_input(key="timeline-custom-name").set_value(name)
        at.date_input(key="timeline-custom-start").set_value(date(2027, 1, 18))
        at.date_input(key="timeline-custom-end").set_value(date(2027, 1, 20))
        at.button(key="timeline-custom-add").click().run()
    own = lambda: store().default_workspace().get_setting("busy")["custom"]  # noqa: E731
    retreat, boards, away = own()
    for period in (retreat, boards):
        at.button(key=f"timeline-custom-{period['id']}-delete").click().run()
    assert own() == [away] and "Removed Retreat" in texts(at) and "Removed Boards week" in texts(at)
    # Each removal keeps its own Put it back: the second Remove did not drop the first one's.
    at.button(key=f"timeline-custom-put-back-{retreat['id']}").click().run()
    assert sorted(p["id"] for p in own()) == sorted([retreat["id"], away["id"]])
    assert "Put back Retreat" in texts(at) and "Removed Boards week" in texts(at)
    # A period added again by hand (same name and dates) is not put back twice.
    at.text_input(key="timeline-custom-name").set_value("Boards week")
    at.date_input(key="timeline-custom-start").set_value(date(2027, 1, 18))
    at.date_input(key="timeline-custom-end").set_value(date(2027, 1, 20))
    at.button(key="timeline-custom-add").click().run()
    at.button(key=f"timeline-custom-put-back-{boards['id']}").click().run()
    assert [p["name"] for p in own()].count("Boards week") == 1
    assert "Boards week (Mon Jan 18, 2027 – Wed Jan 20, 2027) is already in the list." in shown(texts(at))
    at.button(key=f"timeline-custom-{away['id']}-delete").click().run()
    at.button(key="timeline-custom-removed-dismiss").click().run()
    assert "Away" not in [p["name"] for p in own()]
    assert "Removed Away" not in texts(at)
    assert not [b.key for b in at.button if b.key and b.key.startswith("timeline-custom-put-back")]


@pytest.fixture
def advisor_page(open_page, monkeypatch):
    monkeypatch.setenv("LOR_SHARED", "1")
    db = store()
    edit, view = db.create_workspace()
    load_example(db.open(edit), TODAY)
    return open_page("timeline", example=False, query={"view": view})


def test_advisor_sees_calendars_and_lists_but_no_controls_except_downloads(advisor_page):
    at = advisor_page
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["This week", "Calendar"]
    # No switch for the advisor (a control): every picture, one under another.
    assert len(at.get("plotly_chart")) == 3  # the year (laptop and phone layouts) and the Gantt
    assert not at.get("button_group")
    for kind in ("button", "toggle", "number_input", "date_input", "text_input", "selectbox", "checkbox"):
        assert not at.get(kind), f"read-only page shows a {kind}"
    assert at.get("download_button")
    click_event(at, "l-vasquez-packet")
    assert not at.exception
    assert "Writer: Dr\\. Elena Vasquez" in texts(at)
    assert not at.get("button")
