"""Deletes ask first, naming what goes with the record; Undo right after puts everything back (issue 13)."""

from __future__ import annotations

from datetime import date

from backends import saved

from lor.ui import text_key


def plain(text: str) -> str:
    return text.replace("\\", "")


def contents():
    ws = saved()
    return (
        sorted(ws.mentors(), key=lambda r: r.id),
        sorted(ws.applications(), key=lambda r: r.id),
        sorted(ws.letters(), key=lambda r: r.id),
    )


def test_deleting_a_writer_asks_naming_their_letters_and_undo_restores_them(open_page):
    at = open_page("recommenders")
    before = contents()
    vasquez = next(m for m in saved().mentors() if m.name == "Dr. Elena Vasquez")
    at.session_state[f"mentor-{vasquez.id}-edit"] = True  # what opening "Edit details" does
    at.run()
    at.button(key=f"mentor-{vasquez.id}-delete").click().run()
    question = next(plain(w.value) for w in at.warning if plain(w.value).startswith("Delete Dr. Elena Vasquez"))
    assert "and 1 letter (1 at “Asked”)?" in question
    assert contents() == before  # nothing deleted yet

    at.button(key=f"mentor-{vasquez.id}-delete-yes").click().run()
    assert not at.exception, at.exception
    assert vasquez.id not in {m.id for m in saved().mentors()}
    assert not [r for r in saved().letters() if r.mentor_id == vasquez.id]
    notice = [plain(s.value) for s in at.success if "Deleted Dr. Elena Vasquez" in plain(s.value)]
    assert notice == ["Deleted Dr. Elena Vasquez and 1 letter (1 at “Asked”)."]
    # The notice stands where the card was, between the cards ranked around it.
    undo = next(b for b in at.button if b.key and b.key.endswith("-button") and b.key.startswith("undo-mentor-"))
    undo.click().run()
    assert not at.exception, at.exception
    assert contents() == before
    assert not any("Deleted Dr. Elena Vasquez" in plain(s.value) for s in at.success)


def test_cancel_keeps_everything(open_page):
    at = open_page("recommenders")
    before = contents()
    hale = next(m for m in saved().mentors() if m.name == "Dr. Margaret Hale")
    at.session_state[f"mentor-{hale.id}-edit"] = True
    at.run()
    at.button(key=f"mentor-{hale.id}-delete").click().run()
    at.button(key=f"mentor-{hale.id}-delete-cancel").click().run()
    assert contents() == before
    assert f"mentor-{hale.id}-delete" in [b.key for b in at.button]


def test_every_field_of_an_application_can_be_edited(open_page):
    at = open_page("recommenders")
    app = saved().applications()[0]
    k = f"application-{app.id}"
    at.text_input(key=f"{k}-name").input("IM residency 2028").run()
    at.selectbox(key=f"{k}-portal").set_value("ResidencyCAS").run()
    at.date_input(key=f"{k}-deadline").set_value(date(2027, 2, 1)).run()
    assert not at.exception, at.exception
    now = saved().applications()[0]
    assert (now.name, now.portal, now.deadline) == ("IM residency 2028", "ResidencyCAS", date(2027, 2, 1))
    at.text_input(key=f"{k}-name").input(" ").run()
    assert any("Not saved" in e.value for e in at.error)
    assert saved().applications()[0].name == "IM residency 2028"


def test_deleting_an_application_and_undo(open_page):
    at = open_page("recommenders")
    before = contents()
    app = saved().applications()[0]
    at.button(key=f"application-{app.id}-delete").click().run()
    question = next(plain(w.value) for w in at.warning if plain(w.value).startswith("Delete "))
    assert app.name in question and "letters (" in question
    at.button(key=f"application-{app.id}-delete-yes").click().run()
    assert not at.exception, at.exception
    assert app.id not in {a.id for a in saved().applications()}
    at.button(key="undo-application-button").click().run()
    assert not at.exception, at.exception
    assert contents() == before


def test_a_letter_can_be_deleted_and_undone_on_the_letters_page(open_page):
    at = open_page("letters")
    before = contents()
    letter = next(r for r in saved().letters() if r.status == "planned")
    at.selectbox(key="letters-select").set_value(letter.id).run()
    at.button(key=f"letter-{letter.id}-delete").click().run()
    at.button(key=f"letter-{letter.id}-delete-yes").click().run()
    assert not at.exception, at.exception
    assert letter.id not in {r.id for r in saved().letters()}
    at.button(key="undo-letter-button").click().run()
    assert contents() == before


def test_a_program_removed_by_mistake_comes_back_with_its_assignments(open_page):
    at = open_page("letters")
    before = contents()
    app = next(a for a in saved().applications() if a.programs)
    program = next((p for p in app.programs if p.assigned), app.programs[0])
    key = f"program-{app.id}-{text_key(program.name)}-remove"
    at.button(key=key).click().run()
    at.button(key=f"{key}-yes").click().run()
    assert program.name not in [p.name for p in saved().applications()[0].programs]
    at.button(key=f"undo-programs-{app.id}-button").click().run()
    assert contents() == before


def test_a_program_can_be_corrected_on_the_letters_page(open_page):
    at = open_page("letters")
    app = next(a for a in saved().applications() if a.programs)
    first = app.programs[0]
    at.session_state["letters-tabs"] = "Assign to programs"
    at.run()
    k = f"program-{app.id}-edit-{text_key(first.name)}"
    at.text_input(key=f"{k}-name").input(f"{first.name} (main campus)")
    at.date_input(key=f"{k}-deadline").set_value(date(2027, 1, 4))
    at.button(key=f"program-{app.id}-edit-save").click().run()
    assert not at.exception, at.exception
    program = next(a for a in saved().applications() if a.id == app.id).programs[0]
    assert (program.name, program.deadline, program.assigned) == (
        f"{first.name} (main campus)",
        date(2027, 1, 4),
        first.assigned,
    )


def test_adding_a_program_and_a_duplicate_name_is_refused_in_plain_words(open_page):
    at = open_page("letters")
    app = next(a for a in saved().applications() if a.programs)
    at.text_input(key=f"program-{app.id}-name").input("Mayo Clinic")
    at.button(key=f"program-{app.id}-add").click().run()
    assert "Mayo Clinic" in [p.name for p in next(a for a in saved().applications() if a.id == app.id).programs]
    assert any("Added Mayo Clinic" in s.value for s in at.success)
    at.text_input(key=f"program-{app.id}-name").input("mayo clinic")
    at.button(key=f"program-{app.id}-add").click().run()
    assert any(plain(e.value).startswith("Not added: mayo clinic is already in") for e in at.error)
