"""A plan stops growing at lor.limits.PLAN_LIMITS (issue #14.1): where the app would add one record too many, the
student reads a plain sentence naming the limit and what to do instead of a form or button, and nothing is saved.
(A restored backup over a limit is refused: tests/test_hostile_input.py.)"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from plain_text import shown
from plan_dates import TODAY

from lor.limits import PLAN_LIMITS, full_message, plan_size_problems
from lor.models import Application, BusyPeriod, LetterRequest, Mentor, PlanSettings, Touchpoint
from lor.store import Store, Workspace


def plan() -> Workspace:
    return Store(os.environ["LOR_DB"]).default_workspace()


def infos(at) -> list[str]:
    return [shown(i.value) for i in at.info]


def keys(widgets) -> set[str]:
    return {w.key for w in widgets if w.key}


def give_hale_the_most_busy_periods() -> None:
    """Dr. Hale (the example plan's) gets as many busy periods of her own as one writer can have."""
    ws = plan()
    hale = next(m for m in ws.mentors() if m.id == "m-hale")
    day = TODAY + timedelta(days=10)
    busy = [BusyPeriod(name=f"Clinic {i}", start=day, end=day) for i in range(PLAN_LIMITS.busy_per_writer)]
    ws.save_mentor(hale.model_copy(update={"busy": busy}))


def test_the_limits_are_far_above_a_real_plan_and_named_in_plain_words():
    assert PLAN_LIMITS.writers >= 20 and PLAN_LIMITS.letters >= 6 * PLAN_LIMITS.applications
    assert full_message("writers", PLAN_LIMITS.writers - 1) is None
    assert full_message("writers", PLAN_LIMITS.writers) == (
        f"Your plan has {PLAN_LIMITS.writers} writers, the most the app keeps. "
        "Delete a writer you won't ask, then add the new one."
    )
    assert full_message("busy_per_writer", 30, whose="Dr. Hale").startswith("Dr. Hale has 30 busy periods")


def test_a_plan_at_every_limit_has_no_size_problem_and_one_more_of_anything_has_one():
    mentors = [
        Mentor(
            id=f"w{i}",
            name=f"Dr. W{i}",
            busy=[BusyPeriod(name="On service", start=TODAY, end=TODAY)] * PLAN_LIMITS.busy_per_writer,
            touchpoints=[Touchpoint(day=TODAY)] * PLAN_LIMITS.touchpoints_per_writer,
        )
        for i in range(PLAN_LIMITS.writers)
    ]
    apps = [Application(id=f"a{i}", name=f"App {i}", deadline=TODAY + timedelta(days=90)) for i in range(8)]
    letters = [LetterRequest(mentor_id="w0", application_id=f"a{i % 8}") for i in range(PLAN_LIMITS.letters)]
    assert plan_size_problems(mentors, apps, letters, PlanSettings()) == []
    extra = LetterRequest(mentor_id="w1", application_id="a1")
    assert plan_size_problems(mentors, apps, [*letters, extra], PlanSettings()) == [
        f"it has {PLAN_LIMITS.letters + 1} letters; a plan holds at most {PLAN_LIMITS.letters}."
    ]


def test_the_add_mentor_form_gives_way_to_the_limit_once_the_plan_is_full(open_page):
    at = open_page("recommenders")
    ws = plan()
    for i in range(PLAN_LIMITS.writers - len(ws.mentors()) - 1):
        ws.save_mentor(Mentor(id=f"w{i}", name=f"Dr. Extra {i}"))
    at.run()
    assert "mentor-name" in keys(at.text_input)  # one more fits
    at.text_input(key="mentor-name").input("Dr. Last One")
    at.selectbox(key="mentor-performance").set_value("strong")
    at.button(key="mentor-add").click().run()
    assert not at.exception, at.exception
    assert len(plan().mentors()) == PLAN_LIMITS.writers
    assert "mentor-name" not in keys(at.text_input)
    assert f"Your plan has {PLAN_LIMITS.writers} writers, the most the app keeps." in " ".join(infos(at))


def test_the_add_application_form_gives_way_to_the_limit(open_page):
    at = open_page("recommenders")
    ws = plan()
    for i in range(PLAN_LIMITS.applications - len(ws.applications())):
        ws.save_application(Application(id=f"x{i}", name=f"Extra {i}", deadline=TODAY + timedelta(days=120)))
    at.run()
    assert not at.exception, at.exception
    assert "application-name" not in keys(at.text_input)
    assert f"Your plan has {PLAN_LIMITS.applications} applications, the most the app keeps." in " ".join(infos(at))


def test_plan_a_letter_gives_way_to_the_limit_and_nothing_more_is_saved(open_page):
    at = open_page("recommenders")
    ws = plan()
    mentor, app = ws.mentors()[0], ws.applications()[0]
    for _ in range(PLAN_LIMITS.letters - len(ws.letters())):
        ws.save_letter(LetterRequest(mentor_id=mentor.id, application_id=app.id))
    at.run()
    assert not at.exception, at.exception
    assert not [k for k in keys(at.button) if k.endswith("-plan")]  # no "Plan a letter" anywhere
    assert f"Your plan has {PLAN_LIMITS.letters} letters, the most the app keeps." in " ".join(infos(at))
    assert len(plan().letters()) == PLAN_LIMITS.letters


def test_a_writer_with_the_most_busy_periods_gets_no_more_and_the_student_is_told(open_page):
    at = open_page("timeline")
    give_hale_the_most_busy_periods()
    at.run()
    at.selectbox(key="timeline-mentor-busy-writer").set_value("m-hale")
    at.text_input(key="timeline-mentor-busy-name").input("One more")
    next(b for b in at.button if b.label == "Add to this writer").click().run()
    assert not at.exception, at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert f"Dr. Margaret Hale has {PLAN_LIMITS.busy_per_writer} busy periods, the most the app keeps." in errors
    assert len(next(m for m in plan().mentors() if m.id == "m-hale").busy) == PLAN_LIMITS.busy_per_writer


def test_the_students_own_busy_periods_and_logged_contacts_stop_at_their_limits(open_page):
    at = open_page("timeline")
    ws = plan()
    day = TODAY + timedelta(days=5)
    custom = [{"name": f"Retreat {i}", "start": str(day), "end": str(day)} for i in range(PLAN_LIMITS.own_busy_periods)]
    ws.set_setting("busy", {"custom": custom})
    hale = next(m for m in ws.mentors() if m.id == "m-hale")
    ws.save_mentor(
        hale.model_copy(update={"touchpoints": [Touchpoint(day=TODAY)] * PLAN_LIMITS.touchpoints_per_writer})
    )
    at.run()
    assert not at.exception, at.exception
    assert "timeline-custom-name" not in keys(at.text_input)
    assert (
        f"Your plan has {PLAN_LIMITS.own_busy_periods} busy periods of your own, the most the app keeps."
        in " ".join(infos(at))
    )
    at.switch_page("pages/recommenders.py").run()
    assert not at.exception, at.exception
    # Contacts are not blocked: the newest counts for the score, so logging one more drops the oldest.
    kept = PLAN_LIMITS.touchpoints_per_writer
    assert f"The app keeps the {kept} most recent contacts" in " ".join(shown(c.value) for c in at.caption)
    at.session_state["mentor-m-hale-touchpoints"] = True  # open the panel, as a click does
    at.run()
    at.text_input(key="mentor-m-hale-touchpoint-note").input("Feedback talk after clinic")
    next(b for b in at.button if b.key == "mentor-m-hale-touchpoint-add").click().run()
    assert not at.exception, at.exception
    saved = next(m for m in plan().mentors() if m.id == "m-hale").touchpoints
    assert len(saved) == kept and saved[-1].note == "Feedback talk after clinic"


def test_one_application_takes_at_most_its_own_letter_limit(open_page):
    at = open_page("recommenders")
    ws = plan()
    app = ws.applications()[0]
    mentor = ws.mentors()[0]
    have = sum(1 for r in ws.letters() if r.application_id == app.id)
    for _ in range(PLAN_LIMITS.letters_per_application - have):
        ws.save_letter(LetterRequest(mentor_id=mentor.id, application_id=app.id))
    at.selectbox(key="recommenders-application").set_value(app.id).run()
    assert not at.exception, at.exception
    assert not [k for k in keys(at.button) if k.endswith("-plan")]
    limit = PLAN_LIMITS.letters_per_application
    assert f"{app.name} has {limit} letters, the most the app keeps." in " ".join(infos(at))


def test_undo_never_takes_the_plan_past_a_limit_and_waits_for_room(open_page):
    """Delete a writer at the limit, add another, then Undo: the writer can't come back until there is room."""
    at = open_page("recommenders")
    ws = plan()
    for i in range(PLAN_LIMITS.writers - len(ws.mentors())):
        ws.save_mentor(Mentor(id=f"w{i}", name=f"Dr. Extra {i}"))
    at.run()
    at.session_state["mentor-w0-edit"] = True
    at.run()
    at.button(key="mentor-w0-delete").click().run()
    at.button(key="mentor-w0-delete-yes").click().run()
    assert len(plan().mentors()) == PLAN_LIMITS.writers - 1
    plan().save_mentor(Mentor(id="w-new", name="Dr. Newcomer"))  # the room taken (here: from another tab)
    at.run()
    undo = next(b for b in at.button if b.label == "Undo")
    undo.click().run()
    assert not at.exception, at.exception
    assert len(plan().mentors()) == PLAN_LIMITS.writers and "w0" not in {m.id for m in plan().mentors()}
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "There is no room to bring back Dr. Extra 0" in warnings and "Undo again" in warnings
    plan().delete_mentor("w-new")  # room again: Undo works
    at.run()
    next(b for b in at.button if b.label == "Undo").click().run()
    assert "w0" in {m.id for m in plan().mentors()}


@pytest.mark.parametrize("kind", ["writers", "letters"])
def test_a_plan_saved_above_a_limit_still_opens_on_every_page(open_page, kind):
    """Plans saved before the limits existed keep working: only adding more is refused."""
    at = open_page("dashboard")
    ws = plan()
    if kind == "writers":
        for i in range(PLAN_LIMITS.writers + 2 - len(ws.mentors())):
            ws.save_mentor(Mentor(id=f"w{i}", name=f"Dr. Extra {i}"))
    else:
        mentor, app = ws.mentors()[0], ws.applications()[0]
        for _ in range(PLAN_LIMITS.letters + 2 - len(ws.letters())):
            ws.save_letter(LetterRequest(mentor_id=mentor.id, application_id=app.id))
    for page in ("recommenders", "letters", "timeline", "share"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)


def test_a_long_program_list_is_assigned_one_page_of_programs_at_a_time(open_page):
    from lor.models import Program
    from lor.ui.views.letters import PROGRAMS_PER_PAGE

    at = open_page("letters")
    ws = plan()
    app = next(a for a in ws.applications() if any(r.application_id == a.id for r in ws.letters()))
    programs = [Program(name=f"Program {k:02d}") for k in range(45)]
    ws.save_application(app.model_copy(update={"programs": programs}))
    at.session_state["letters-tabs"] = "Assign to programs"
    at.run()
    assert not at.exception, at.exception
    page = at.selectbox(key=f"assign-{app.id}-page")
    assert page.format_func(page.value) == f"Programs 1–{PROGRAMS_PER_PAGE} of 45"
    names = lambda: [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**Program ")]  # noqa: E731
    assert names() == [f"Program {k:02d}" for k in range(PROGRAMS_PER_PAGE)]
    page.set_value(2 * PROGRAMS_PER_PAGE).run()
    assert names() == [f"Program {k:02d}" for k in range(2 * PROGRAMS_PER_PAGE, 45)]


def test_many_letters_in_one_application_are_assigned_a_few_columns_at_a_time(open_page):
    """Twelve letters in one application would squeeze each writer's column until "(planned)" breaks mid-word."""
    from lor.assignment import assignable_letters
    from lor.models import Program
    from lor.ui.views.letters import LETTERS_PER_PAGE

    at = open_page("letters")
    ws = plan()
    ws.delete_application("a-prelim")  # one grid on the page: the columns counted below are all this one's
    app = next(a for a in ws.applications() if any(r.application_id == a.id for r in ws.letters()))
    for k in range(PLAN_LIMITS.letters_per_application):
        ws.save_mentor(Mentor(id=f"col{k:02d}", name=f"Dr. Column {k:02d}"))
        if len(assignable_letters(app, ws.letters())) < PLAN_LIMITS.letters_per_application:
            ws.save_letter(LetterRequest(mentor_id=f"col{k:02d}", application_id=app.id))
    ws.save_application(app.model_copy(update={"programs": [Program(name="Mercy IM")]}))
    app = next(a for a in ws.applications() if a.id == app.id)
    offered = assignable_letters(app, ws.letters())
    at.session_state["letters-tabs"] = "Assign to programs"
    at.run()
    assert not at.exception, at.exception

    def columns() -> list[str]:
        return [c.value for c in at.caption if c.value.endswith(")") and "(" in c.value]

    page = at.selectbox(key=f"assign-{app.id}-letters-page")
    assert page.format_func(page.value) == f"Letters 1–{LETTERS_PER_PAGE} of {len(offered)}"
    first = columns()
    assert len(first) == LETTERS_PER_PAGE
    page.set_value(LETTERS_PER_PAGE).run()
    second = columns()
    assert len(second) == len(offered) - LETTERS_PER_PAGE and not set(first) & set(second)
    # Assigning on the second page stores that letter, and the first page's letters are untouched.
    box = next(c for c in at.checkbox if c.key.startswith(f"assign-{app.id}-") and c.key.endswith(offered[-1].id))
    box.check().run()
    assert not at.exception, at.exception
    (stored,) = [a for a in ws.applications() if a.id == app.id]
    assert stored.programs[0].assigned == [offered[-1].id]


def test_a_long_list_of_writers_busy_periods_waits_in_each_writers_panel(open_page):
    at = open_page("timeline")
    give_hale_the_most_busy_periods()
    at.run()

    def removes() -> list[str]:
        return [k for k in keys(at.button) if k.startswith("timeline-mentor-m-hale-busy-") and k.endswith("-delete")]

    assert removes() == []  # 30 rows: not drawn on every run
    at.session_state["timeline-mentor-m-hale-busy-list"] = True  # what opening Dr. Hale's panel does
    at.run()
    assert not at.exception, at.exception
    assert len(removes()) == PLAN_LIMITS.busy_per_writer
