"""Every field of every record a student keeps, set through its page from empty, changed, and cleared (issue #22.1).

The list of fields comes from the models: a test fails when a model gains a field that is neither edited on a page
(``EDITED``) nor explained (``NOT_EDITED``), so a new field cannot ship without a way to set it. The values each
field walks through come from the field's own type (its literals, a date, a list, text), and after every step the
test reads what the store holds.
"""

from __future__ import annotations

import os
import types
import typing
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, get_args, get_origin

import pytest
from plan_dates import TODAY
from pydantic import BaseModel

from lor.models import (
    PACKET_ITEMS,
    Application,
    BusyPeriod,
    LetterRequest,
    Mentor,
    PlanSettings,
    Program,
    Student,
)
from lor.store import Store

# -- which page edits which field, and how -------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """How a field is set on its page: the widget's key, and how the stored value shows in it."""

    key: str
    clearable: bool = True  # False: the field always has a value (a name, a due date, a choice)
    to_widget: Any = None  # stored value -> what the widget takes (identity when None)


# Keys of one plan's records: a = the application, m = the writer, l = the letter (ids below).
EDITED: dict[type[BaseModel], dict[str, Edit]] = {
    Student: {
        "name": Edit("student-name", clearable=False),
        "email": Edit("student-email", to_widget=lambda v: v or ""),
        "school": Edit("student-school"),
        "graduation_year": Edit("student-year", to_widget=lambda v: v or 0),
        "target_specialty": Edit("student-specialty", to_widget=lambda v: v or ""),
        "phone": Edit("student-phone"),
    },
    Application: {
        "name": Edit("application-a-name", clearable=False),
        "pathway": Edit("application-a-pathway", clearable=False),
        "specialty": Edit("application-a-specialty"),
        "portal": Edit("application-a-portal", clearable=False),
        "deadline": Edit("application-a-deadline", clearable=False),
        "academic": Edit("application-a-academic"),
        "notes": Edit("application-a-notes"),
        "osteopathic_recognition": Edit("application-a-osteopathic_recognition"),
        "season": Edit("application-a-season"),
        "track": Edit("application-a-track", clearable=False),
    },
    Mentor: {
        "name": Edit("mentor-m-name", clearable=False),
        "email": Edit("mentor-m-email", to_widget=lambda v: v or ""),
        "role": Edit("mentor-m-role", clearable=False),
        "specialty": Edit("mentor-m-specialty"),
        "setting": Edit("mentor-m-setting", clearable=False),
        "weeks_known": Edit("mentor-m-weeks", clearable=False),
        "one_on_one": Edit("mentor-m-one-on-one", clearable=False),
        "performance": Edit("mentor-m-performance", clearable=False),
        "observed": Edit("mentor-m-observed", to_widget="\n".join),
        "last_worked": Edit("mentor-m-last-worked"),
        "notes": Edit("mentor-m-notes"),
        "title": Edit("mentor-m-title"),
        "unavailable": Edit("mentor-m-unavailable"),
        "degree": Edit("mentor-m-degree"),
        "rotation_end": Edit("mentor-m-rotation_end"),
        "intake_deadline": Edit("mentor-m-intake_deadline"),
    },
    LetterRequest: {
        "letter_type": Edit("letter-l-type", clearable=False),
        "waived": Edit(
            "letter-l-waiver", to_widget=lambda v: {None: "undecided", True: "waived", False: "not_waived"}[v]
        ),
        "letter_id": Edit("letter-l-letter-id", to_widget=lambda v: v or ""),
        "version": Edit("letter-l-version", clearable=False),
        "tailored_for": Edit("letter-l-tailored-for"),
        "brag_sheet": Edit("letter-l-brag", to_widget="\n".join),
        "strengths": Edit("letter-l-strengths"),
        "due": Edit("letter-l-due"),
        "notes": Edit("letter-l-notes"),
        "also_for": Edit("letter-l-also-for"),
        "via": Edit("letter-l-via"),
        "packet": Edit("letter-l-packet-"),  # one checkbox per item (PACKET_ITEMS)
    },
    Program: {
        "name": Edit("name", clearable=False),
        "deadline": Edit("deadline"),
        "max_letters": Edit("max", clearable=False),
        "required_types": Edit("types"),
    },
    BusyPeriod: {
        "name": Edit("name", clearable=False),
        "start": Edit("start", clearable=False),
        "end": Edit("end", clearable=False),
        "severity": Edit("severity", clearable=False),
        "who": Edit("who", clearable=False),
    },
}

NOT_EDITED: dict[type[BaseModel], dict[str, str]] = {
    Application: {"id": "made by the app", "programs": "edited as Program records on the Letters page"},
    Mentor: {
        "id": "made by the app",
        "busy": "edited as BusyPeriod records on the Timeline",
        "touchpoints": "added with the contact log's form, one dated entry at a time",
    },
    LetterRequest: {
        "id": "made by the app",
        "mentor_id": "a letter belongs to its writer: plan another letter for another writer",
        "application_id": "the application it was planned for; more applications go in also_for",
        "status": "moved by the status buttons and Done, which date each step (tests/test_page_letters.py)",
        **{
            f: "dated by the status buttons, Done or the reminder button"
            for f in (
                "asked_on",
                "agreed_on",
                "declined_on",
                "packet_sent_on",
                "reminder_1_on",
                "reminder_2_on",
                "submitted_on",
                "thanked_on",
                "updated_on",
                "withdrawn_on",
                "status_checked_on",
            )
        },
    },
    Program: {"assigned": "ticked on the assignment grid (tests/test_page_letters.py)"},
    BusyPeriod: {
        "source": "the app's own periods name their source; the student's own say 'you'",
        "key": "the key of a default period, set by the app",
        "id": "made by the app",
    },
}


def test_every_field_of_every_record_is_edited_on_a_page_or_explained():
    for model in (Student, Application, Mentor, LetterRequest, Program, BusyPeriod):
        fields = set(model.model_fields)
        covered = set(EDITED.get(model, {})) | set(NOT_EDITED.get(model, {}))
        assert fields == covered, f"{model.__name__}: unexplained {fields - covered}, stale {covered - fields}"


# -- values from each field's type ---------------------------------------------------------------------------


def _inner(annotation: Any) -> tuple[Any, bool]:
    """(the type inside Optional / Annotated, whether None is allowed)."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def values_for(model: type[BaseModel], field: str) -> tuple[Any, Any, Any]:
    """(a first value, another value, the cleared value) for a field, from its type."""
    annotation, optional = _inner(model.model_fields[field].annotation)
    default = model.model_fields[field].get_default(call_default_factory=True)
    if field in ("specialty", "target_specialty"):  # a slug from the specialty list
        return "internal_medicine", "pediatrics", None
    if get_origin(annotation) is Literal:
        choices = [c for c in get_args(annotation) if c not in ("", default)]
        empty = None if optional else default
        return choices[0], choices[-1], ("" if "" in get_args(annotation) else empty)
    if annotation is bool:
        return True, False, None if optional else False
    if annotation is date:
        if field == "last_worked":  # a day already past
            return TODAY - timedelta(days=30), TODAY - timedelta(days=60), None
        return TODAY + timedelta(days=30), TODAY + timedelta(days=60), None
    if annotation is int:
        return (2028, 2029, None) if field in ("graduation_year", "season") else (4, 9, default)
    if get_origin(annotation) is list:
        return ["First thing", "Second thing"], ["Third thing"], []
    if field == "email":
        return "first@school.edu", "second@school.edu", None
    return "First value", "Second value", "" if not optional else None


# -- the plan each walk starts from: every record with only its required fields ------------------------------


def empty_records(ws) -> None:
    ws.save_application(Application(id="a", name="IM", pathway="residency", specialty="internal_medicine",
                                    deadline=TODAY + timedelta(days=200)))  # fmt: skip
    ws.save_application(Application(id="b", name="Prelim", deadline=TODAY + timedelta(days=200)))
    ws.save_mentor(Mentor(id="m", name="Initial writer"))
    ws.save_mentor(Mentor(id="c", name="The committee", role="committee"))
    ws.save_letter(LetterRequest(id="l", mentor_id="m", application_id="a"))
    ws.save_letter(LetterRequest(id="lc", mentor_id="c", application_id="a", letter_type="committee"))


def stored() -> Store:
    return Store(os.environ["LOR_DB"]).default_workspace()


def set_widget(at, key: str, value: Any):
    for kind in ("text_input", "text_area", "selectbox", "radio", "checkbox", "date_input", "number_input",
                 "multiselect"):  # fmt: skip
        try:
            widget = getattr(at, kind)(key=key)
        except KeyError:
            continue
        return widget.set_value(value)
    raise KeyError(f"no widget with key {key!r} on the page")


def _errors(at) -> str:
    """What refused a change: a "Not saved" error, or a stale-tab warning (never the mix panel's own findings)."""
    refusals = [e.value for e in at.error if e.value.startswith(("Not saved", "Not added", "Not changed"))]
    stale = [w.value for w in at.warning if "gone" in w.value or "another tab" in w.value]
    return " ".join(refusals + stale)


FIELDS = [(m, f) for m in (Student, Application, Mentor, LetterRequest) for f in EDITED[m] if f != "packet"]


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m.__name__}.{f}" for m, f in FIELDS])
def test_a_field_is_set_from_empty_changed_and_cleared_through_its_page(open_page, model, field):
    ws = stored()
    empty_records(ws)
    if model is Mentor and field == "intake_deadline":
        ws.save_mentor(Mentor(id="m", name="Initial writer", role="committee"))  # only a letter source has one
    if model is LetterRequest and field == "via":
        ws.save_mentor(Mentor(id="m", name="Initial writer", role="attending"))
    edit = EDITED[model][field]
    page = {Student: "dashboard", Application: "recommenders", Mentor: "recommenders", LetterRequest: "letters"}
    at = open_page(page[model], example=False)
    assert not at.exception, at.exception
    if model is Mentor:
        at.session_state["mentor-m-edit"] = True  # what opening the card's "Edit details" panel does
        at.run()
    if model is LetterRequest:
        at.selectbox(key="letters-select").set_value("l").run()
    first, second, cleared = values_for(model, field)
    if field == "also_for":
        first, second, cleared = ["b"], ["b"], []
    if field == "via":
        first, second, cleared = "c", "c", None
    steps = [first, second] + ([cleared] if edit.clearable else [])

    def read() -> Any:
        if model is Student:
            return getattr(ws.student(), field)
        records = {Application: ws.applications, Mentor: ws.mentors, LetterRequest: ws.letters}[model]()
        return getattr(next(r for r in records if r.id in ("a", "m", "l")), field)

    for value in steps:
        shown = edit.to_widget(value) if edit.to_widget else value
        widget = set_widget(at, edit.key, shown)
        if model is Student:  # a form: its fields are sent together when it is submitted
            set_widget(at, "student-name", "Jordan" if field != "name" else shown)
            at.button(key="student-save").click().run()
        else:
            widget.run()
        assert not at.exception, at.exception
        assert not _errors(at), f"{field} = {value!r}: {_errors(at)}"
        expected = value if not (field == "email" and value is None) else None
        assert read() == expected, f"{model.__name__}.{field}: set {value!r}, stored {read()!r}"
    if not edit.clearable and model is not Student:
        before = read()
        if not isinstance(before, str):
            return  # a choice, a date or a number: its widget has no empty state to send
        empty = ""
        try:
            set_widget(at, edit.key, empty).run()
        except Exception:  # a widget that can't be emptied at all (a choice): nothing to refuse
            return
        assert read() == before  # refused in plain words, the value kept


def test_every_packet_item_is_ticked_and_unticked_from_empty(open_page):
    ws = stored()
    empty_records(ws)
    at = open_page("letters", example=False)
    at.selectbox(key="letters-select").set_value("l").run()
    for item in PACKET_ITEMS:
        at.checkbox(key=f"letter-l-packet-{item}").check().run()
        assert ws.letters()[0].packet.get(item) is True, item
        at.checkbox(key=f"letter-l-packet-{item}").uncheck().run()
        assert not ws.letters()[0].packet.get(item), item
    assert not at.exception


def test_a_program_is_added_then_every_field_changed_and_its_deadline_cleared(open_page):
    from lor.ui import text_key

    ws = stored()
    empty_records(ws)
    at = open_page("letters", example=False)
    at.text_input(key="program-a-name").input("Riverside")  # a form: sent when it is submitted
    at.button(key="program-a-add").click().run()
    assert [p.name for p in ws.applications()[0].programs] == ["Riverside"]
    name = "Riverside"
    for new_name, deadline, most, kinds in (
        ("Riverside IM", TODAY + timedelta(days=220), 3, ["sel"]),
        ("Riverside Medicine", None, 4, []),
    ):
        k = f"program-a-edit-{text_key(name)}"
        at.text_input(key=f"{k}-name").input(new_name)
        at.date_input(key=f"{k}-deadline").set_value(deadline)
        at.number_input(key=f"{k}-max").set_value(most)
        at.multiselect(key=f"{k}-types").set_value(kinds)
        at.button(key="program-a-edit-save").click().run()
        assert not at.exception, at.exception
        program = ws.applications()[0].programs[0]
        assert (program.name, program.deadline, program.max_letters, program.required_types) == (
            new_name,
            deadline,
            most,
            kinds,
        )
        name = new_name


def test_a_busy_period_of_the_students_own_is_added_with_each_field(open_page):
    ws = stored()
    empty_records(ws)
    at = open_page("timeline", example=False)
    start = TODAY + timedelta(days=40)
    at.text_input(key="timeline-custom-name").input("Board exam study")
    at.date_input(key="timeline-custom-start").set_value(start)
    at.date_input(key="timeline-custom-end").set_value(start + timedelta(days=13))
    at.selectbox(key="timeline-custom-severity").set_value("caution")
    at.selectbox(key="timeline-custom-who").set_value("internal_medicine")
    at.button(key="timeline-custom-add").click().run()
    assert not at.exception, at.exception
    [period] = PlanSettings.read(ws.settings()).busy.custom
    assert (period.name, period.start, period.end, period.severity, period.who) == (
        "Board exam study",
        start,
        start + timedelta(days=13),
        "caution",
        "internal_medicine",
    )
