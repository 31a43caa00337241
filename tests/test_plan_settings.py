"""The plan's settings (lor.models.PlanSettings): what a restore refuses, what a damaged plan still reads,
and that every reader (planner, Timeline, Dashboard) sees the same choices."""

from __future__ import annotations

import json
from datetime import date

import pytest
from plan_dates import TODAY
from pydantic import ValidationError

from lor.busy import default_period, effective_calendar
from lor.example import example_document
from lor.models import BusyChoices, BusyPeriod, Mentor, MovedPeriod, PlanSettings, plain_errors
from lor.overview import overview_of
from lor.planner import workspace_milestones

RETREAT = {"name": "Retreat", "start": "2027-01-11", "end": "2027-01-15", "severity": "avoid", "who": "everyone"}
# Settings as the app saved them before PlanSettings existed: a schema 1 backup must still restore as they were.
OLD_SETTINGS = {
    "busy": {
        "disabled": ["july_transition"],
        "moved": {"match_week:2027": {"start": "2027-03-22", "end": "2027-03-26"}},
        "custom": [RETREAT],
    },
    "buffer_days": 7,
    "recommenders-backups-planned": {"l-reed": "l-new"},
}


def test_settings_saved_before_the_model_read_back_as_they_were():
    settings = PlanSettings.from_stored(OLD_SETTINGS)
    assert settings.buffer_days == 7
    assert settings.backups_planned == {"l-reed": "l-new"}
    assert settings.busy.disabled == ["july_transition"]
    assert settings.busy.moved == {"match_week:2027": MovedPeriod(start=date(2027, 3, 22), end=date(2027, 3, 26))}
    assert [p.model_copy(update={"id": ""}) for p in settings.busy.custom] == [BusyPeriod.model_validate(RETREAT)]
    # Saved before periods had ids: each read gives it the same id, so a Remove drawn on one read acts on the next.
    [retreat] = settings.busy.custom
    assert retreat.id and PlanSettings.from_stored(OLD_SETTINGS).busy.custom[0].id == retreat.id
    # And what the page saves back is the same shape, so an old backup and a new one read alike.
    assert BusyChoices.read(settings.busy.stored()) == settings.busy


def test_an_old_backup_with_settings_restores_and_the_plan_follows_them(store):
    doc = json.loads(example_document(TODAY))
    doc["settings"] = OLD_SETTINGS
    ws = store.default_workspace()
    store.import_json(ws, json.dumps(doc))
    assert PlanSettings.read(ws.settings()) == PlanSettings.from_stored(OLD_SETTINGS)
    # Kept as the models write it (issue #23.2: only what was validated is stored): the same settings, with the
    # fields an older file left out filled in.
    exported = json.loads(store.export_json(ws))["settings"]
    assert exported.keys() == OLD_SETTINGS.keys()
    assert PlanSettings.from_stored(exported) == PlanSettings.from_stored(OLD_SETTINGS)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"buffer_days": "ten"}, "whole number"),
        ({"buffer_days": True}, "whole number"),
        ({"buffer_days": 22}, "can't be above 21"),
        ({"buffer_days": -1}, "can't be below 0"),
        ({"busy": "oops"}, "Busy periods"),
        ({"busy": {"disabled": "july_transition"}}, "Busy periods switched off"),
        ({"busy": {"moved": {"match_week:2027": {"start": "2027-03-26", "end": "2027-03-22"}}}}, "before it starts"),
        ({"busy": {"custom": [{**RETREAT, "end": "9999-12-31"}]}}, "between 1800 and 3999"),
        ({"recommenders-backups-planned": ["l-reed"]}, "Planned backups"),
    ],
)
def test_a_restore_refuses_settings_the_app_cannot_read_in_plain_words(settings, words):
    with pytest.raises(ValidationError) as info:
        PlanSettings.from_stored(settings)
    message = " ".join(plain_errors(info.value))
    assert words in message and "Traceback" not in message


def test_a_damaged_saved_plan_keeps_every_readable_choice():
    damaged = {
        "busy": {
            "disabled": ["july_transition", 3],
            "moved": {"match_week:2027": {"start": "2027-03-22", "end": "2027-03-26"}, "x:2027": "soon"},
            "custom": [RETREAT, {"name": "No dates"}],
        },
        "buffer_days": "ten",
        "recommenders-backups-planned": {"l-reed": "l-new", "l-odd": 5},
    }
    settings = PlanSettings.read(damaged)
    assert settings.busy.disabled == ["july_transition"]
    assert list(settings.busy.moved) == ["match_week:2027"]
    assert [p.name for p in settings.busy.custom] == ["Retreat"]
    assert settings.buffer_days == 0
    assert settings.backups_planned == {"l-reed": "l-new"}


def test_missing_or_null_settings_are_the_defaults():
    for stored in ({}, None, {"busy": None, "buffer_days": None, "recommenders-backups-planned": None}):
        assert PlanSettings.read(stored) == PlanSettings()


def test_choices_change_one_thing_at_a_time():
    choices = BusyChoices()
    off = choices.switched("july_transition", on=False)
    assert off.disabled == ["july_transition"] and off.switched("july_transition", on=True).disabled == []
    moved = choices.moved_to("match_week", 2027, date(2027, 3, 22), date(2027, 3, 26))
    assert moved.unmoved("match_week:2027") == choices
    with pytest.raises(ValidationError):
        choices.moved_to("match_week", 2027, date(2027, 3, 26), date(2027, 3, 22))
    retreat = BusyPeriod.model_validate(RETREAT)
    added = choices.with_custom(retreat).with_custom(retreat.model_copy(update={"name": "Second"}))
    assert [p.name for p in added.without_custom(added.custom[0].id).custom] == ["Second"]


def test_periods_without_ids_or_with_repeated_ids_get_distinct_stable_ids():
    same = [RETREAT, RETREAT, {**RETREAT, "id": "abc"}, {**RETREAT, "id": "abc"}]
    first, again = BusyChoices.read({"custom": same}), BusyChoices.read({"custom": same})
    ids = [p.id for p in first.custom]
    assert len(set(ids)) == 4 and ids[2] == "abc"
    assert ids == [p.id for p in again.custom]
    writer = Mentor(name="Dr. Lee", busy=same)
    assert len({p.id for p in writer.busy}) == 4


def test_a_moved_period_replaces_its_default_dates_for_that_year_only():
    usual = default_period("match_week", 2027)
    assert usual is not None and usual.start.year == 2027
    choices = BusyChoices().moved_to("match_week", 2027, date(2027, 4, 5), date(2027, 4, 9))
    periods = effective_calendar(date(2027, 1, 1), date(2028, 12, 31), settings=choices)
    match = [(p.start, p.end) for p in periods if p.key == "match_week"]
    assert (date(2027, 4, 5), date(2027, 4, 9)) in match
    assert (usual.start, usual.end) not in match
    assert default_period("match_week", 2028) is not None
    assert any(start.year == 2028 for start, _ in match)
    assert default_period("no_such_period", 2027) is None


def test_the_planner_and_the_dashboard_read_the_same_settings(store):
    # Every consumer follows the stored settings: a buffer moves the writer's due date on both.
    ws = store.default_workspace()
    store.import_json(ws, example_document(TODAY))
    args = (ws.mentors(), ws.applications(), ws.letters())
    before = workspace_milestones(*args, settings=ws.settings(), today=TODAY)
    ws.set_setting("buffer_days", 14)
    settings = PlanSettings.read(ws.settings())
    after = workspace_milestones(*args, settings=settings, today=TODAY, buffer_days=settings.buffer_days)
    assert after != before
    assert overview_of(ws, TODAY).milestones == after
