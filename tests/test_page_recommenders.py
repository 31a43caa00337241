"""The "Choose recommenders" page, used like a student would: add, rank, plan, check the mix, find backups."""

from __future__ import annotations

import os
from datetime import date

import pytest
from backends import saved
from plain_text import shown
from plan_dates import TODAY

from lor.example import load_example
from lor.models import label
from lor.store import Store

EM = "emergency_medicine"
INPUT_KINDS = (
    "button",
    "selectbox",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "checkbox",
    "radio",
    "multiselect",
    "toggle",
    "slider",
    "select_slider",
)


def add_application(at, name="EM residency 2027", *, pathway="residency", specialty=EM, deadline=date(2027, 9, 1)):
    at.text_input(key="application-name").input(name)
    at.selectbox(key="application-pathway").set_value(pathway)
    at.selectbox(key="application-specialty").set_value(specialty)
    at.selectbox(key="application-portal").set_value("ResidencyCAS")
    at.date_input(key="application-deadline").set_value(deadline)
    at.button(key="application-add").click().run()
    assert not at.exception, at.exception


def add_mentor(
    at,
    name,
    *,
    specialty=EM,
    weeks=4,
    one_on_one="some",
    performance="strong",
    observed="",
    role="attending",
    setting="rotation",
    last_worked=date(2026, 10, 1),
):
    at.text_input(key="mentor-name").input(name)
    at.selectbox(key="mentor-role").set_value(role)
    at.selectbox(key="mentor-specialty").set_value(specialty)
    at.selectbox(key="mentor-setting").set_value(setting)
    at.number_input(key="mentor-weeks").set_value(weeks)
    at.selectbox(key="mentor-one-on-one").set_value(one_on_one)
    at.selectbox(key="mentor-performance").set_value(performance)
    at.text_area(key="mentor-observed").input(observed)
    at.date_input(key="mentor-last-worked").set_value(last_worked)
    at.button(key="mentor-add").click().run()
    assert not at.exception, at.exception


def markdown(at) -> list[str]:
    """The page's Markdown as the student reads it."""
    return [shown(m.value) for m in at.markdown]


def ranked_names(at) -> list[str]:
    return [v.split("**")[1] for v in markdown(at) if v.startswith("**") and "** · " in v]


def mix_lines(at) -> list[str]:
    return [v for v in markdown(at) if v.startswith(("✅", "⚠️", "❌"))]


def mentor_id(name: str) -> str:
    return next(m.id for m in saved().mentors() if m.name == name)


def letter_of(name: str):
    return next(r for r in saved().letters() if r.mentor_id == mentor_id(name))


def test_a_student_ranks_mentors_plans_letters_and_gets_a_backup(open_page):
    at = open_page("recommenders", example=False)
    assert not at.exception
    add_application(at)
    assert any("Added EM residency 2027" in s.value for s in at.success)
    assert at.selectbox(key="recommenders-application").value == saved().applications()[0].id

    add_mentor(at, "Dr. Cy Park", specialty="internal_medicine", weeks=1, one_on_one="none", performance="average")
    add_mentor(
        at,
        "Dr. Ana Ortiz",
        weeks=8,
        one_on_one="frequent",
        performance="outstanding",
        observed="Ran a trauma resuscitation\nPresented at M&M\nTaught the interns",
    )
    add_mentor(at, "Dr. Ben Cole", weeks=4)
    assert len(saved().mentors()) == 3
    assert ranked_names(at) == ["Dr. Ana Ortiz", "Dr. Ben Cole", "Dr. Cy Park"]
    assert [p.value for p in at.get("progress")] == sorted((p.value for p in at.get("progress")), reverse=True)
    text = "\n".join(markdown(at))
    assert "**+12** 8 weeks together on a rotation" in text
    assert "**+6** Saw 3 specific things you did" in text
    assert "Works in emergency medicine, the specialty you are applying to" in text
    assert any("Brief contact" in w.value for w in at.warning)  # Dr. Park's warnings

    # The letter type starts on what the application needs from each writer: an EM attending owes a SLOE
    # (issue #13, item 9). Plan the SLOE with Dr. Ortiz and, by choice, a narrative letter with Dr. Cole.
    ortiz, cole = mentor_id("Dr. Ana Ortiz"), mentor_id("Dr. Ben Cole")
    assert at.selectbox(key=f"mentor-{ortiz}-letter-type").value == "sloe"
    at.button(key=f"mentor-{ortiz}-plan").click().run()
    assert "Planned a SLOE from Dr. Ana Ortiz." in [shown(s.value) for s in at.success]  # not "a sloe"
    at.selectbox(key=f"mentor-{cole}-letter-type").set_value("narrative")
    at.button(key=f"mentor-{cole}-plan").click().run()
    assert not at.exception, at.exception
    assert {(r.mentor_id, r.letter_type, r.status) for r in saved().letters()} == {
        (ortiz, "sloe", "planned"),
        (cole, "narrative", "planned"),
    }
    lines = mix_lines(at)
    assert "✅ SLOE from emergency medicine faculty: 1 — covered. *(required)*" in lines
    assert any(line.startswith("❌ 2 of 3 letters") for line in lines)
    assert any(e.value.startswith("Not ready yet") for e in at.error)

    # The SLOE becomes a narrative letter: the required SLOE check fails.
    at.selectbox(key=f"letter-{letter_of('Dr. Ana Ortiz').id}-type").set_value("narrative").run()
    assert letter_of("Dr. Ana Ortiz").letter_type == "narrative"
    assert any(line.startswith("❌ No SLOE from emergency medicine faculty yet") for line in mix_lines(at))
    at.selectbox(key=f"letter-{letter_of('Dr. Ana Ortiz').id}-type").set_value("sloe").run()
    assert "✅ SLOE from emergency medicine faculty: 1 — covered. *(required)*" in mix_lines(at)

    # Dr. Cole declines (recorded on the Letters page): the page offers the next-best free mentor.
    ws = saved()
    ws.save_letter(letter_of("Dr. Ben Cole").model_copy(update={"status": "declined", "declined_on": TODAY}))
    at.run()
    assert not at.exception, at.exception
    assert any(v.startswith("**Dr. Ben Cole** declined") for v in markdown(at))
    assert any(link.value == "What to do when a writer says no" for link in at.get("page_link"))
    backup = at.button(key=f"letter-{letter_of('Dr. Ben Cole').id}-backup")
    assert shown(backup.label) == "Plan Dr. Cy Park instead"
    backup.click().run()
    assert not at.exception, at.exception
    park = mentor_id("Dr. Cy Park")
    assert any(r.mentor_id == park and r.status == "planned" for r in saved().letters())
    assert not any(v.startswith("**Dr. Ben Cole** declined") for v in markdown(at))  # handled
    assert any(line.startswith("❌ 2 of 3 letters") for line in mix_lines(at))  # Ortiz + Park


def test_the_application_form_refuses_past_deadlines_and_a_missing_specialty(open_page):
    at = open_page("recommenders", example=False)
    add_application(at, "Too late", deadline=date(2026, 11, 1))
    assert any("already passed" in e.value for e in at.error)
    add_application(at, "No field", specialty=None)
    assert any("Choose a specialty" in e.value for e in at.error)
    add_application(at, "  ", deadline=date(2027, 9, 1))
    assert any("Name can't be empty" in e.value for e in at.error)
    assert saved().applications() == []


def test_mentor_form_errors_are_plain_and_nothing_is_saved(open_page):
    at = open_page("recommenders", example=False)
    add_application(at)
    add_mentor(at, "   ")
    assert any("Name can't be empty" in e.value for e in at.error)
    assert saved().mentors() == []


def test_html_in_a_name_shows_as_text_and_duplicates_are_warned(open_page):
    at = open_page("recommenders", example=False)
    add_application(at)
    add_mentor(at, "<b>Dr. Bold</b>")
    add_mentor(at, "<b>Dr. Bold</b>")
    assert len(saved().mentors()) == 2  # duplicates are allowed
    headers = [m.value for m in at.markdown if "Dr\\. Bold" in m.value and "** · " in m.value]
    assert headers and all("\\<b\\>" in v for v in headers)
    assert not any(m.allow_html for m in at.markdown)
    assert sum("More than one writer is named" in w.value for w in at.warning) == 2


def test_editing_a_mentor_saves_at_once_and_logging_a_contact_clears_the_nudge(open_page):
    at = open_page("recommenders", example=False)
    add_application(at)
    add_mentor(at, "Dr. Quiet", weeks=2, last_worked=date(2025, 1, 10))
    mid = mentor_id("Dr. Quiet")
    nudge = "schedule a short talk about your goals"
    assert any(nudge in i.value for i in at.info)
    before = at.get("progress")[0].value

    at.session_state[f"mentor-{mid}-edit"] = True  # what opening "Edit details" does
    at.run()
    at.number_input(key=f"mentor-{mid}-weeks").set_value(12).run()
    assert saved().mentors()[0].weeks_known == 12
    assert at.get("progress")[0].value > before

    at.text_input(key=f"mentor-{mid}-touchpoint-note").input("Coffee to talk about EM")
    at.button(key=f"mentor-{mid}-touchpoint-add").click().run()
    assert not at.exception, at.exception
    assert [t.note for t in saved().mentors()[0].touchpoints] == ["Coffee to talk about EM"]
    assert not any(nudge in i.value for i in at.info)

    at.text_input(key=f"mentor-{mid}-name").input("").run()
    assert any("Not saved" in e.value for e in at.error)
    assert saved().mentors()[0].name == "Dr. Quiet"

    at.button(key=f"mentor-{mid}-delete").click().run()
    assert any(w.value.replace("\\", "").startswith("Delete Dr. Quiet?") for w in at.warning)  # asks first
    assert saved().mentors() != []
    at.button(key=f"mentor-{mid}-delete-yes").click().run()
    assert saved().mentors() == []


def test_the_example_plan_shows_the_ranking_the_mix_and_a_backup_for_the_declined_letter(open_page):
    at = open_page("recommenders")
    assert not at.exception, at.exception
    assert ranked_names(at)[0] == "Dr. Priya Raman"
    assert ranked_names(at)[-1] == "Dr. Thomas Reed"
    assert mix_lines(at)
    assert any(v.startswith("**Dr. Thomas Reed** declined") for v in markdown(at))
    assert any(shown(b.label) == "Plan Dr. Daniel Kim instead" for b in at.button)
    # The Department of Medicine writes the IM SEL: a letter source with its own steps (issues #11, #22.5); Dr.
    # Hale, the chair, is scored as a person (issue #22.6: before, a flat 75 "strong" as the IM SEL writer).
    warnings = [shown(w.value) for w in at.warning]
    assert any("its own letter with its own steps" in w for w in warnings)


def test_an_advisor_link_shows_the_ranking_and_mix_without_any_input(open_page):
    store = Store(os.environ["LOR_DB"])
    edit, view = store.create_workspace()
    load_example(store.open(edit), TODAY)
    at = open_page("recommenders", example=False, shared=True, query={"view": view})
    assert not at.exception, at.exception
    assert "Dr. Priya Raman" in ranked_names(at)
    assert mix_lines(at)
    for kind in INPUT_KINDS:
        assert len(at.get(kind)) == 0, kind


def test_opening_the_page_never_changes_a_plan_it_cannot_fully_show(open_page):
    # A specialty slug the lists don't know (from a restored backup) survives a visit untouched.
    at = open_page("recommenders", example=True)
    ws = saved()
    odd = ws.mentors()[0].model_copy(update={"specialty": "sports_medicine"})
    ws.save_mentor(odd)
    before = ws.version()
    at.run()
    assert not at.exception, at.exception
    assert saved().version() == before
    assert next(m for m in saved().mentors() if m.id == odd.id).specialty == "sports_medicine"


@pytest.mark.parametrize(
    ("pathway", "specialty", "portal"),
    [
        ("residency", EM, "ResidencyCAS"),  # the reviewer's case: EM left on ERAS got the app's own warning
        ("residency", "ophthalmology", "SF Match"),
        ("residency", "internal_medicine", "ERAS"),
        ("medical_school", None, "AMCAS"),
    ],
)
def test_a_portal_left_as_is_is_the_one_the_specialtys_programs_use(open_page, pathway, specialty, portal):
    at = open_page("recommenders", example=False)
    at.text_input(key="application-name").input("My application")
    at.selectbox(key="application-pathway").set_value(pathway)
    if specialty:
        at.selectbox(key="application-specialty").set_value(specialty)
    at.date_input(key="application-deadline").set_value(date(2027, 9, 1))
    at.button(key="application-add").click().run()
    assert not at.exception, at.exception
    [application] = saved().applications()
    assert application.portal == portal
    assert any(f"portal: {label(portal)}" in shown(s.value) for s in at.success)


def test_a_letter_source_card_has_no_score_no_goal_talk_and_no_contact_log(open_page):
    # Student review #5: the Department of Medicine (IM SEL) card said "Possible · Score 50/100", "No contact in 6
    # months…" and "Touchpoints (0)": an office has no relationship to score, warm up or log.
    at = open_page("recommenders")
    assert not at.exception, at.exception
    names = ranked_names(at)
    sources = [m.name for m in saved().mentors() if m.letter_source and m.name in names]
    assert sources == ["Department of Medicine (IM SEL)"]
    assert len(at.get("progress")) == len(names) - len(sources)  # a score bar for each person only
    contact_logs = [e for e in at.expander if e.label.startswith("Touchpoints")]
    assert len(contact_logs) == len(names) - len(sources)
    assert any(e.label.startswith("How this letter works") for e in at.expander)
    assert not any("Score 50" in shown(str(p.value)) for p in at.get("progress"))
