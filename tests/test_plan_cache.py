"""The per-plan cache behind the pages: a result is reused only while its plan is unchanged, never across plans."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from plan_dates import TODAY
from test_plancache import _busy_writers

from lor import plancache, ui
from lor.example import load_example
from lor.models import Mentor
from lor.store import Store


def test_the_snapshot_shows_an_edit_on_the_next_read(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    ws.save_mentor(Mentor(id="m1", name="Dr. Before"))
    assert [m.name for m in ui.snapshot(ws).mentors()] == ["Dr. Before"]
    ws.save_mentor(Mentor(id="m1", name="Dr. After"))
    assert [m.name for m in ui.snapshot(ws).mentors()] == ["Dr. After"]
    ws.set_setting("buffer_days", 7)
    assert ui.snapshot(ws).get_setting("buffer_days") == 7


def test_two_databases_with_the_same_workspace_id_and_version_keep_their_own_plans(tmp_path: Path):
    first = Store(tmp_path / "one.db").default_workspace()
    second = Store(tmp_path / "two.db").default_workspace()
    first.save_mentor(Mentor(id="m1", name="Dr. One"))
    second.save_mentor(Mentor(id="m1", name="Dr. Two"))
    assert (first.id, first.version()) == (second.id, second.version())
    assert [m.name for m in ui.snapshot(first).mentors()] == ["Dr. One"]
    assert [m.name for m in ui.snapshot(second).mentors()] == ["Dr. Two"]
    assert ui.overview(first, TODAY).mentor_names == {"m1": "Dr. One"}
    assert ui.overview(second, TODAY).mentor_names == {"m1": "Dr. Two"}


def test_shared_plans_keep_their_own_results(tmp_path: Path):
    store = Store(tmp_path / "class.db")
    mine, theirs = (store.open(store.create_workspace()[0]) for _ in range(2))
    mine.save_mentor(Mentor(name="Dr. Mine"))
    theirs.save_mentor(Mentor(name="Dr. Theirs"))
    assert [m.name for m in ui.snapshot(mine).mentors()] == ["Dr. Mine"]
    assert [m.name for m in ui.snapshot(theirs).mentors()] == ["Dr. Theirs"]


def test_per_plan_reuses_a_result_until_the_plan_changes(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    ws.save_mentor(Mentor(id="m1", name="Dr. Reed"))
    runs: list[list[str]] = []

    def names(plan: plancache.PlanSnapshot, day: date) -> list[str]:
        runs.append([m.name for m in plan.mentors()])
        return runs[-1]

    assert ui.per_plan(ws, "test-names", names, TODAY) == ["Dr. Reed"]
    assert ui.per_plan(ws, "test-names", names, TODAY) == ["Dr. Reed"]
    assert len(runs) == 1
    ws.save_mentor(Mentor(id="m2", name="Dr. Kim"))
    assert ui.per_plan(ws, "test-names", names, TODAY) == ["Dr. Reed", "Dr. Kim"]
    assert ui.per_plan(ws, "test-names", names, date(2026, 11, 26)) == ["Dr. Reed", "Dr. Kim"]
    assert len(runs) == 3  # another day is another result


def test_a_snapshot_setting_is_a_copy_the_caller_may_change(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    ws.set_setting("busy", {"disabled": ["july_transition"]})
    ui.snapshot(ws).get_setting("busy")["disabled"].append("winter_holidays")
    assert ui.snapshot(ws).get_setting("busy")["disabled"] == ["july_transition"]


def test_a_desk_uses_a_cached_overview_and_never_crowds_the_class_out_of_the_cache(tmp_path: Path):
    from tools.advisees import add_advisee

    store = Store(tmp_path / "class.db")
    token, code = store.create_desk("Dr. Lee")
    student = add_advisee(store, "Ana Ruiz", today=TODAY, code=code)[1]
    ui.PLAN_CACHE.clear()
    ui.DESK_ROWS.clear()
    seen = ui.overview(student, TODAY)  # the student's Dashboard ran first
    others = [add_advisee(store, f"Student {i}", today=TODAY, code=code)[1] for i in range(ui.PLAN_CACHE.max_entries)]
    desk = store.open_desk(token)
    rows = ui.desk_rows(desk, TODAY)
    assert len(rows) == len(others) + 1
    key = (store.location, student.id, "overview", (TODAY,))
    assert ui.PLAN_CACHE.peek(key, student.version()) is seen  # still there: the desk added nothing to the cache
    assert len(ui.PLAN_CACHE) <= 2  # the student's overview and snapshot only
    again = ui.desk_rows(desk, TODAY)
    assert all(a is b for a, b in zip(rows, again, strict=True))  # a rerun recomputes no row
    student.save_student(student.student().model_copy(update={"name": "Ana R. Ruiz"}))
    changed = {r.plan_id: r for r in ui.desk_rows(desk, TODAY)}
    assert changed[student.id].name == "Ana R. Ruiz"
    assert all(changed[r.plan_id] is r for r in again if r.plan_id != student.id)


def test_a_result_made_from_the_snapshot_does_not_count_its_records_a_second_time(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    _busy_writers(ws)
    ui.PLAN_CACHE.clear()
    plan = ui.snapshot(ws)
    records = ui.PLAN_CACHE.size_bytes
    ov = ui.overview(ws, TODAY)
    assert ov.mentors == plan.mentors()  # the Overview holds the snapshot's records, already counted:
    assert (
        ui.PLAN_CACHE.size_bytes - records < plancache.approx_bytes(ov) / 4
    )  # the cache adds only what it adds itself
    ws.save_mentor(Mentor(id="m-new", name="Dr. New"))
    assert "Dr. New" in ui.overview(ws, TODAY).mentor_names.values()  # and an edit is seen at once


def test_the_backup_is_written_from_the_cached_records_and_shows_an_edit_at_once(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    load_example(ws, TODAY)
    assert ui.backup(ws) == ws.store.export_json(ws)
    ws.save_mentor(Mentor(id="m-added", name="Dr. Added"))
    text = ui.backup(ws)
    assert text == ws.store.export_json(ws)
    assert "Dr. Added" in [m["name"] for m in json.loads(text)["mentors"]]
