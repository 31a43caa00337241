"""Backups as properties: any plan survives export → import → export unchanged, and any JSON at all is either a
valid backup or refused with one plain sentence (never a traceback or another kind of error)."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from plain_text import assert_plain
from plan_dates import TODAY
from pydantic import ValidationError

from lor.busy import DEFAULT_PERIODS
from lor.example import example_document
from lor.models import (
    LETTER_TYPES,
    PATHWAYS,
    PORTALS,
    ROLES,
    SETTING_KEYS,
    STATUSES,
    Application,
    BusyChoices,
    BusyPeriod,
    LetterRequest,
    Mentor,
    PlanSettings,
    Program,
    Student,
    current_day,
    name_key,
    planning_horizon,
)
from lor.store import Store, backup_text, parse_backup

# Any text a student might type: emoji, right-to-left scripts, Markdown and HTML, but no lone surrogates
# (which UTF-8 cannot hold) and no control characters (which no text box produces).
TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
NAMES = st.text(TEXT, min_size=1, max_size=30).filter(lambda s: s.strip())
NOTES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
# Every date a plan can hold lies within the planning horizon (busy periods run up to 30 days on from their start).
_FIRST, _LAST = planning_horizon(current_day())
DAYS = st.dates(min_value=_FIRST, max_value=date.fromordinal(_LAST.toordinal() - 30))


def _model(model, **fields):
    try:
        return model(**fields)
    except ValidationError:
        assume(False)  # a combination the form would refuse: not a plan anyone can save


@st.composite
def busy_periods(draw) -> BusyPeriod:
    start = draw(DAYS)
    return _model(
        BusyPeriod,
        name=draw(NAMES),
        start=start,
        end=date.fromordinal(start.toordinal() + draw(st.integers(0, 30))),
        severity=draw(st.sampled_from(["avoid", "caution"])),
    )


@st.composite
def plans(draw) -> dict:
    """A backup document of a plan a student could have made: every record valid, every reference kept."""
    mentors = [
        _model(
            Mentor,
            name=draw(NAMES),
            role=draw(st.sampled_from(ROLES)),
            weeks_known=draw(st.integers(0, 200)),
            observed=draw(st.lists(NAMES, max_size=3)),
            last_worked=draw(st.none() | DAYS),
            busy=draw(st.lists(busy_periods(), max_size=2)),
            notes=draw(NOTES),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    applications = [
        _model(
            Application,
            name=draw(NAMES),
            pathway=draw(st.sampled_from(PATHWAYS)),
            portal=draw(st.sampled_from(PORTALS)),
            deadline=draw(DAYS),
            notes=draw(NOTES),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    letters = [
        _model(
            LetterRequest,
            mentor_id=draw(st.sampled_from(mentors)).id,
            application_id=draw(st.sampled_from(applications)).id,
            letter_type=draw(st.sampled_from(LETTER_TYPES)),
            status=draw(st.sampled_from(STATUSES)),
            asked_on=draw(st.none() | DAYS),
            letter_id=draw(st.text(TEXT, max_size=12)),
            notes=draw(NOTES),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    for app in applications:
        own = [x.id for x in letters if x.application_id == app.id]
        app.programs = [  # program names are unique within an application, case and spacing aside
            _model(
                Program,
                name=name,
                deadline=draw(st.none() | DAYS),
                assigned=draw(st.lists(st.sampled_from(own), max_size=2, unique=True)) if own else [],
            )
            for name in draw(st.lists(NAMES, max_size=2, unique_by=name_key))
        ]
    choices = BusyChoices(
        disabled=draw(st.lists(st.sampled_from([p.key for p in DEFAULT_PERIODS]), max_size=3, unique=True)),
        custom=draw(st.lists(busy_periods(), max_size=2)),
    )
    plan_settings = PlanSettings(busy=choices, buffer_days=draw(st.integers(0, 21)))
    student = draw(st.none() | st.builds(lambda name: _model(Student, name=name), NAMES))
    return {
        "schema": 1,
        "app": "lor-planner",
        "student": student.model_dump(mode="json") if student else None,
        "mentors": [m.model_dump(mode="json") for m in mentors],
        "applications": [a.model_dump(mode="json") for a in applications],
        "letters": [x.model_dump(mode="json") for x in letters],
        "settings": plan_settings.model_dump(mode="json", by_alias=True),
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(plans())
def test_export_import_export_is_identical_for_any_plan(doc):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "lor.db")
        first_ws, second_ws = store.default_workspace(), store.open(store.create_workspace()[0])
        store.import_json(first_ws, json.dumps(doc))
        first = store.export_json(first_ws)
        store.import_json(second_ws, first)
        assert store.export_json(second_ws) == first
    # Written in the standard library's two-space, sorted-key form, as every earlier version wrote it.
    assert first == json.dumps(json.loads(first), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    # And what came back is the plan that went in, record for record.
    parsed = parse_backup(first)
    assert [m.model_dump(mode="json") for m in parsed["mentors"]] == doc["mentors"]
    assert [a.model_dump(mode="json") for a in parsed["applications"]] == doc["applications"]
    assert [x.model_dump(mode="json") for x in parsed["letters"]] == doc["letters"]
    assert PlanSettings.from_stored(parsed["settings"]) == PlanSettings.from_stored(doc["settings"])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)
EXAMPLE = json.loads(example_document(TODAY))


def _parsed_or_refused_in_plain_words(text: str) -> None:
    try:
        parse_backup(text.encode("utf-8"))
    except ValueError as exc:
        assert_plain(str(exc))


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_any_json_is_a_backup_or_refused_in_one_plain_sentence(value):
    _parsed_or_refused_in_plain_words(json.dumps(value))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_backup_with_any_one_value_changed_is_read_or_refused_in_one_plain_sentence(data):
    # Closer to a real damaged file: the example backup with one field anywhere replaced by any JSON value.
    doc = json.loads(json.dumps(EXAMPLE))
    kind = data.draw(st.sampled_from(["top", "mentors", "applications", "letters", "settings"]))
    value = data.draw(JSON)
    if kind == "top":
        doc[data.draw(st.sampled_from([*doc, "extra"]))] = value
    elif kind == "settings":
        doc["settings"][data.draw(st.sampled_from(["busy", "buffer_days", "recommenders-backups-planned"]))] = value
    else:
        record = data.draw(st.sampled_from(doc[kind]))
        record[data.draw(st.sampled_from(sorted(record)))] = value
    _parsed_or_refused_in_plain_words(json.dumps(doc))


class _SettingsOnly:
    """A plan with no records whose settings hold any JSON value (backup_text reads nothing else)."""

    def __init__(self, settings: dict) -> None:
        self._settings = settings

    def student(self) -> None:
        return None

    def mentors(self) -> list:
        return []

    def applications(self) -> list:
        return []

    def letters(self) -> list:
        return []

    def settings(self) -> dict:
        return self._settings


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(SETTING_KEYS)), JSON, max_size=3))
def test_the_backup_text_is_the_standard_librarys_form_for_any_settings_value(value):
    text = backup_text(_SettingsOnly(value))
    assert json.loads(text)["settings"] == value
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# Any text at all, lone surrogates (half an emoji) and control characters included.
ANY_TEXT = st.text(st.characters(), max_size=12)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_any_text_anywhere_is_refused_in_plain_words_or_restored_and_backed_up_again(data):
    # Issue #14.6: a setting holding half an emoji was restored, and every backup download after it failed.
    doc = json.loads(json.dumps(EXAMPLE))
    text = data.draw(ANY_TEXT)
    where = data.draw(st.sampled_from(["setting name", "setting value", "record field", "record text", "program"]))
    if where == "setting name":
        doc["settings"][text] = 1
    elif where == "setting value":
        doc["settings"][data.draw(st.sampled_from(["busy", "recommenders-backups-planned"]))] = {text: text}
    elif where == "program":
        doc["applications"][0]["programs"] = [{"name": text}, {"name": data.draw(ANY_TEXT)}]
    else:
        record = data.draw(st.sampled_from(doc["mentors"] + doc["applications"] + doc["letters"]))
        record[text if where == "record field" else data.draw(st.sampled_from(["name", "notes", "id"]))] = text
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "lor.db")
        ws = store.default_workspace()
        try:
            store.import_json(ws, json.dumps(doc))
        except ValueError as exc:
            assert_plain(str(exc))
            return
        backup = store.export_json(ws)
        backup.encode("utf-8")  # the download works
        store.import_json(store.open(store.create_workspace()[0]), backup)  # and restores
