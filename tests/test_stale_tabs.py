"""Two tabs on one plan: an action from a tab drawn before another tab changed the plan acts on the record the
student saw, or says that it changed (issue #14.7)."""

from __future__ import annotations

from datetime import date

from backends import saved

from lor.models import BusyPeriod, LetterRequest, Program
from lor.ui import text_key


def test_removing_a_busy_period_from_a_stale_tab_removes_the_one_shown(open_page):
    ws = saved()
    first = BusyPeriod(name="Retreat", start=date(2027, 1, 4), end=date(2027, 1, 6))
    second = BusyPeriod(name="Board exam", start=date(2027, 2, 1), end=date(2027, 2, 3))
    third = BusyPeriod(name="Away", start=date(2027, 3, 1), end=date(2027, 3, 3))
    tab1 = open_page("timeline")
    ws.set_setting("busy", {"custom": [p.model_dump(mode="json") for p in (first, second, third)]})
    tab1.run()
    tab2 = open_page("timeline", example=False)
    rows = [b.key for b in tab2.button if b.key and b.key.startswith("timeline-custom-")]
    tab2.button(key=rows[0]).click().run()  # tab 2 removes the retreat
    assert [p["name"] for p in saved().get_setting("busy")["custom"]] == ["Board exam", "Away"]
    rows1 = [b.key for b in tab1.button if b.key and b.key.startswith("timeline-custom-")]
    tab1.button(key=rows1[1]).click().run()  # tab 1 still shows both, and removes the board exam
    assert not tab1.exception
    assert [p["name"] for p in saved().get_setting("busy")["custom"]] == ["Away"]


def warnings(at) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]


def keys(at, prefix: str) -> list[str]:
    """The Remove buttons (and the like) whose key starts with ``prefix``; a form's own Add button is not one."""
    return [b.key for b in at.button if b.key and b.key.startswith(prefix) and not b.key.endswith("-add")]


def test_removing_a_busy_period_another_tab_removed_says_it_is_already_gone(open_page):
    retreat = BusyPeriod(name="Retreat", start=date(2027, 1, 4), end=date(2027, 1, 6))
    tab1 = open_page("timeline")
    saved().set_setting("busy", {"custom": [retreat.model_dump(mode="json")]})
    tab1.run()
    tab2 = open_page("timeline", example=False)
    [row] = keys(tab2, "timeline-custom-")
    tab2.button(key=row).click().run()
    tab1.button(key=row).click().run()
    assert not tab1.exception
    assert "Retreat was already removed (in another tab); here is the current version." in warnings(tab1)
    assert keys(tab1, "timeline-custom-") == []


def test_a_writers_busy_time_removed_from_a_stale_tab_is_the_one_shown(open_page):
    ws = saved()
    tab1 = open_page("timeline")
    raman = next(m for m in ws.mentors() if m.id == "m-raman")
    periods = [
        BusyPeriod(name=name, start=date(2027, 1, day), end=date(2027, 1, day + 1), who=raman.name)
        for name, day in (("On service", 4), ("Vacation", 11), ("Conference", 18))
    ]
    ws.save_mentor(raman.model_copy(update={"busy": periods}))
    raman = next(m for m in ws.mentors() if m.id == "m-raman")
    tab1.run()
    tab2 = open_page("timeline", example=False)
    tab2.button(key=f"timeline-mentor-m-raman-busy-{raman.busy[0].id}-delete").click().run()
    tab1.button(key=f"timeline-mentor-m-raman-busy-{raman.busy[1].id}-delete").click().run()
    assert not tab1.exception
    left = next(m for m in saved().mentors() if m.id == "m-raman").busy
    assert [p.name for p in left] == ["Conference"]


def test_undoing_a_move_another_tab_changed_refuses_and_shows_the_current_dates(open_page):
    tab1 = open_page("timeline")
    saved().set_setting("busy", {"moved": {"acp_meeting:2027": {"start": "2027-04-08", "end": "2027-04-11"}}})
    tab1.run()
    saved().set_setting("busy", {"moved": {"acp_meeting:2027": {"start": "2027-04-15", "end": "2027-04-18"}}})
    tab1.button(key="timeline-moved-acp_meeting-2027-undo").click().run()
    assert not tab1.exception
    assert "This changed in another tab; here is the current version." in warnings(tab1)
    assert saved().get_setting("busy")["moved"] == {"acp_meeting:2027": {"start": "2027-04-15", "end": "2027-04-18"}}
    assert any("Apr 15, 2027" in str(m.value).replace("\\", "") for m in tab1.markdown)  # the current dates


def mentor(name: str):
    return next(m for m in saved().mentors() if m.name == name)


def test_a_field_another_tab_changed_is_not_overwritten_and_the_current_value_shows(open_page):
    tab1 = open_page("recommenders")
    hale = mentor("Dr. Margaret Hale")
    tab1.session_state[f"mentor-{hale.id}-edit"] = True  # what opening "Edit details" does
    tab1.run()
    saved().save_mentor(hale.model_copy(update={"notes": "Changed in tab 2"}))
    tab1.text_area(key=f"mentor-{hale.id}-notes").input("Typed in tab 1").run()
    assert not tab1.exception
    assert mentor("Dr. Margaret Hale").notes == "Changed in tab 2"
    assert "This changed in another tab; here is the current version." in warnings(tab1)
    assert tab1.text_area(key=f"mentor-{hale.id}-notes").value == "Changed in tab 2"
    # Another field of the same writer, unchanged elsewhere, still saves (and keeps tab 2's notes).
    tab1.text_input(key=f"mentor-{hale.id}-email").input("hale@example.edu").run()
    assert (mentor("Dr. Margaret Hale").email, mentor("Dr. Margaret Hale").notes) == (
        "hale@example.edu",
        "Changed in tab 2",
    )


def test_deleting_a_writer_another_tab_deleted_says_it_is_already_gone(open_page):
    tab1 = open_page("recommenders")
    hale = mentor("Dr. Margaret Hale")
    tab1.session_state[f"mentor-{hale.id}-edit"] = True
    tab1.run()
    saved().delete_mentor(hale.id)
    tab1.button(key=f"mentor-{hale.id}-delete").click().run()
    assert not tab1.exception
    assert "That writer is already gone: it was deleted in another tab." in warnings(tab1)


def test_yes_delete_after_another_tab_added_a_letter_asks_again_naming_it(open_page):
    tab1 = open_page("recommenders")
    hale = mentor("Dr. Margaret Hale")
    tab1.session_state[f"mentor-{hale.id}-edit"] = True
    tab1.run()
    tab1.button(key=f"mentor-{hale.id}-delete").click().run()
    asked = [w for w in warnings(tab1) if w.startswith("Delete Dr. Margaret Hale")]
    letters_before = [r for r in saved().letters() if r.mentor_id == hale.id]
    app = saved().applications()[0]
    saved().save_letter(LetterRequest(mentor_id=hale.id, application_id=app.id))  # tab 2 plans another letter
    tab1.button(key=f"mentor-{hale.id}-delete-yes").click().run()
    assert not tab1.exception
    assert hale.id in {m.id for m in saved().mentors()}  # nothing deleted: the question named fewer letters
    assert "This changed in another tab; here is the current version." in warnings(tab1)
    again = [w for w in warnings(tab1) if w.startswith("Delete Dr. Margaret Hale")]
    assert again != asked and f"{len(letters_before) + 1} letter" in again[0]
    tab1.button(key=f"mentor-{hale.id}-delete-yes").click().run()
    assert hale.id not in {m.id for m in saved().mentors()}


def test_undo_leaves_alone_what_another_tab_changed_meanwhile(open_page):
    tab1 = open_page("letters")
    app = next(a for a in saved().applications() if a.programs)
    program = app.programs[0]
    key = f"program-{app.id}-{text_key(program.name)}-remove"
    tab1.session_state["letters-tabs"] = "Assign to programs"
    tab1.run()
    tab1.button(key=key).click().run()
    tab1.button(key=f"{key}-yes").click().run()
    now = next(a for a in saved().applications() if a.id == app.id)
    replacement = Program(name=program.name, max_letters=2)  # tab 2 adds a program of the same name
    saved().save_application(now.model_copy(update={"programs": [*now.programs, replacement]}))
    tab1.button(key=f"undo-programs-{app.id}-button").click().run()
    assert not tab1.exception
    kept = [p for p in next(a for a in saved().applications() if a.id == app.id).programs if p.name == program.name]
    assert kept == [replacement]
    assert any(w.startswith("This changed in another tab; here is the current version.") for w in warnings(tab1))


def test_a_status_change_from_a_stale_tab_is_refused(open_page):
    tab1 = open_page("letters")
    tab1.selectbox(key="letters-select").set_value("l-hale").run()
    letter = next(r for r in saved().letters() if r.id == "l-hale")
    saved().save_letter(
        letter.model_copy(update={"status": "asked", "asked_on": letter.asked_on or date(2026, 11, 20)})
    )
    tab1.button(key="letter-l-hale-move-asked").click().run()
    assert not tab1.exception
    assert "This changed in another tab; here is the current version." in warnings(tab1)
    saved().delete_letter("l-hale")
    tab1.button(key="letter-l-hale-move-agreed").click().run()
    assert not tab1.exception
    assert "That letter is already gone: it was deleted in another tab." in warnings(tab1)


def test_a_program_edited_in_another_tab_is_not_overwritten_by_a_stale_form(open_page):
    tab1 = open_page("letters")
    tab1.session_state["letters-tabs"] = "Assign to programs"
    tab1.run()
    app = next(a for a in saved().applications() if a.programs)
    first = app.programs[0]
    renamed = first.model_copy(update={"name": "Renamed in tab 2"})
    saved().save_application(app.model_copy(update={"programs": [renamed, *app.programs[1:]]}))
    k = f"program-{app.id}-edit-{text_key(first.name)}"
    tab1.text_input(key=f"{k}-name").input("Typed in tab 1")
    tab1.button(key=f"program-{app.id}-edit-save").click().run()
    assert not tab1.exception
    names = [p.name for p in next(a for a in saved().applications() if a.id == app.id).programs]
    assert "Renamed in tab 2" in names and "Typed in tab 1" not in names
    assert "This changed in another tab; here is the current version." in warnings(tab1)


def test_a_writers_busy_form_sent_after_another_tab_deleted_that_writer_adds_nothing(open_page):
    tab1 = open_page("timeline")
    tab1.selectbox(key="timeline-mentor-busy-writer").set_value("m-raman")
    tab1.text_input(key="timeline-mentor-busy-name").set_value("Vacation")
    saved().delete_mentor("m-raman")
    tab1.button(key="FormSubmitter:timeline-mentor-busy-form-Add to this writer").click().run()
    assert not tab1.exception
    assert "This changed in another tab; here is the current version." in warnings(tab1)
    assert all(p.name != "Vacation" for m in saved().mentors() for p in m.busy)  # not given to another writer
