"""A backup's settings are stored as validated, a plan's stored size is bounded, and the restore box reads a chosen file
once, within limits on its depth and number of values, before building anything (issue #23.2, #23.3)."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
from backends import configured_store
from plain_text import assert_plain
from plan_dates import TODAY
from pydantic import ValidationError

import lor.backup
import lor.store
from lor.example import example_document
from lor.models import Mentor, PlanSettings
from lor.store import MAX_BACKUP_BYTES, Store, Workspace, parse_backup
from lor.store.schema import PLAN_CHARS_SQL
from tools.heavy_plan import settings_attack_document


def stored_settings(store: Store, ws: Workspace) -> dict[str, str]:
    """The settings rows exactly as the database holds them."""
    with store._db() as db:
        rows = db.query("SELECT key, value FROM settings WHERE workspace_id = $1", [ws.id])
        return {r["key"]: r["value"] for r in rows}


def stored_chars(store: Store, ws: Workspace) -> int:
    with store._db() as db:
        return int(next(iter(db.query(PLAN_CHARS_SQL, [ws.id])))["n"])


def attack_document(size: int = 4_970_000, *, random_text: bool = False) -> str:
    """The attacker's settings backup (tools.heavy_plan.settings_attack_document, also the load test's)."""
    return settings_attack_document(TODAY, size=size, random_text=random_text)


# -- #23.2: only what was validated is stored, and a plan's stored size is bounded --------------------------------


def test_unknown_keys_inside_a_backups_settings_are_never_stored(ws: Workspace):
    doc = json.loads(example_document(TODAY))
    doc["settings"] = {
        "busy": {
            "disabled": ["july_transition"],
            "junk": ["x" * 1000] * 50,
            "custom": [{"name": "Retreat", "start": "2027-01-11", "end": "2027-01-15", "extra": "y" * 5000}],
        },
        "buffer_days": 7,
    }
    ws.store.import_json(ws, json.dumps(doc))
    raw = stored_settings(ws.store, ws)
    assert set(raw) == {"busy", "buffer_days"}
    assert "junk" not in raw["busy"] and "extra" not in raw["busy"] and "yyyy" not in raw["busy"]
    assert json.loads(raw["busy"]) == PlanSettings.from_stored(doc["settings"]).busy.stored()
    assert PlanSettings.read(ws.settings()).busy.disabled == ["july_transition"]


def test_a_setting_saved_through_the_app_is_stored_as_its_model_writes_it(ws: Workspace):
    ws.set_setting("busy", {"disabled": ["july_transition"], "padding": list(range(10_000))})
    raw = stored_settings(ws.store, ws)["busy"]
    assert "padding" not in raw and json.loads(raw)["disabled"] == ["july_transition"]


def test_the_attackers_settings_backup_is_refused_in_a_plain_sentence_and_stores_nothing(ws: Workspace):
    before = ws.store.export_json(ws)
    text = attack_document()  # 4.97 MB of empty lists under unknown keys of settings.busy
    assert len(text.encode()) <= MAX_BACKUP_BYTES
    started = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        ws.store.import_json(ws, text.encode())
    assert time.perf_counter() - started < 5
    assert_plain(str(caught.value))
    assert "Nothing was changed" in str(caught.value)
    assert ws.store.export_json(ws) == before


def test_the_random_text_variant_restores_without_a_byte_of_its_padding(ws: Workspace):
    text = attack_document(random_text=True)  # fewer, longer keys: under the value limit, so it is read
    assert len(text.encode()) <= MAX_BACKUP_BYTES
    for _ in range(2):  # each restore replaces the plan: nothing accumulates either
        ws.store.import_json(ws, text.encode())
    assert stored_chars(ws.store, ws) < 60_000  # the example plan alone, not 5 MB of padding
    assert '"x1"' not in stored_settings(ws.store, ws)["busy"]


def test_a_smaller_padded_backup_restores_without_its_padding(ws: Workspace):
    text = attack_document(300_000)  # under the value limit: read, and its unknown keys dropped
    ws.store.import_json(ws, text)
    assert stored_chars(ws.store, ws) < 60_000  # the example plan alone; not the 300 kB of padding
    assert '"x1"' not in stored_settings(ws.store, ws)["busy"]


def test_a_plan_can_not_grow_past_its_stored_size_but_can_still_shrink(example_ws: Workspace, monkeypatch):
    store = example_ws.store
    size = stored_chars(store, example_ws)
    monkeypatch.setattr(lor.backup, "MAX_PLAN_CHARS", size + 2_000)
    mentor = example_ws.mentors()[0]
    example_ws.save_mentor(mentor.model_copy(update={"notes": "n" * 1_000}))  # still fits
    with pytest.raises(ValidationError) as caught:
        example_ws.save_mentor(mentor.model_copy(update={"notes": "n" * 4_000}))
    assert "a plan can take at most" in str(caught.value)
    assert example_ws.mentors()[0].notes == "n" * 1_000  # the refused write changed nothing
    with pytest.raises(ValidationError):
        example_ws.save_mentor(Mentor(name="Dr. One More", notes="m" * 3_000))
    monkeypatch.setattr(lor.backup, "MAX_PLAN_CHARS", size // 2)  # a plan saved before a lower limit
    example_ws.save_mentor(mentor.model_copy(update={"notes": ""}))  # shrinking is always allowed
    with pytest.raises(ValueError) as restored:
        store.import_json(store.open(store.create_workspace()[0]), example_document(TODAY))
    assert "a plan can take at most" in str(restored.value)


# -- #23.3: limits before any object is built, and the restore box parses a file once ---------------------------


@pytest.mark.parametrize(
    "text,reason",
    [
        ("[" + ",".join(["[]"] * 1_600_000) + "]", "more than 200,000 values"),
        ('{"schema": 1, "x": [' + "1," * 300_000 + "1]}", "more than 200,000 values"),
        ("[" * 40 + "]" * 40, "nested far too deeply"),
        ('{"schema": 1, "a": "' + '\\"' * 1_500_000, "not valid JSON"),  # a string that never ends
    ],
)
def test_a_huge_or_deep_document_is_refused_before_it_is_built(text, reason):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValueError) as caught:
            parse_backup(text.encode())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reason in str(caught.value)
    assert time.perf_counter() - started < 5
    assert peak < 3 * len(text) + 10_000_000  # the text and its decoded copy: no tree of millions of objects


def test_the_restore_box_reads_a_chosen_file_once_and_keeps_only_its_summary(open_page, monkeypatch):
    import lor.ui
    import lor.ui.restore

    calls: list[int] = []
    real = lor.ui.restore.parse_backup

    def counted(data):
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(lor.ui.restore, "parse_backup", counted)
    at = open_page("share")
    backup = configured_store().export_json(configured_store().default_workspace()).encode()
    at.file_uploader(key="share-restore-file").set_value(("lor-plan.json", backup, "application/json")).run()
    assert any("This backup holds the plan of" in i.value for i in at.info)
    at.checkbox(key="share-restore-confirm").check().run()
    at.run()
    at.switch_page("pages/share.py").run()
    assert not at.exception
    assert calls == [len(backup)]  # one parse for the preview, however often the page ran
    kept = at.session_state[lor.ui.PREVIEW_KEY][1]
    assert isinstance(kept, lor.ui.RestorePreview) and kept.mentors == 7  # the example plan's writers
    bad = attack_document().encode()
    at.file_uploader(key="share-restore-file").set_value(("evil.json", bad, "application/json")).run()
    at.run()
    assert not at.exception
    assert len(calls) == 2 and any("200,000 values" in e.value for e in at.error)
