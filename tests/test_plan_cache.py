"""The per-plan cache behind the pages: a result is reused only while its plan is unchanged, never across plans."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from plan_dates import TODAY

from lor import ui
from lor.example import load_example
from lor.models import BusyPeriod, Mentor
from lor.store import Store


class Counter:
    """A computation that counts how often it really ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_value_is_computed_once_per_version_and_again_after_the_version_grows():
    cache, compute = ui.PlanCache(), Counter()
    assert cache.get("plan", 1, compute) == 1
    assert cache.get("plan", 1, compute) == 1
    assert compute.calls == 1
    assert cache.get("plan", 2, compute) == 2
    assert cache.get("plan", 2, compute) == 2
    assert compute.calls == 2


def test_a_late_result_for_an_older_version_never_replaces_a_newer_one():
    cache = ui.PlanCache()
    cache.get("plan", 5, lambda: "at 5")
    assert cache.get("plan", 4, lambda: "at 4") == "at 4"  # the caller still gets what it asked for
    assert cache.get("plan", 5, lambda: "recomputed") == "at 5"


def test_keys_never_share_a_value_and_the_least_recently_used_goes_first():
    cache = ui.PlanCache(max_entries=2)
    cache.get("a", 1, lambda: "A")
    cache.get("b", 1, lambda: "B")
    assert cache.get("a", 1, lambda: "A again") == "A"  # a is now the most recently used
    cache.get("c", 1, lambda: "C")
    assert len(cache) == 2
    assert cache.get("b", 1, lambda: "B again") == "B again"  # b was evicted
    assert cache.get("c", 1, lambda: "C again") == "C"


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

    def names(plan: ui.PlanSnapshot, day: date) -> list[str]:
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


def test_the_cache_keeps_to_its_byte_budget_and_never_keeps_one_huge_value():
    cache = ui.PlanCache(max_entries=100, max_bytes=400_000)
    for plan in range(10):
        cache.get(f"plan-{plan}", 1, lambda: "x" * 90_000)  # each about a quarter of the budget
    assert cache.size_bytes <= 400_000 and len(cache) == 4  # the oldest went first
    assert cache.get("plan-9", 1, lambda: "recomputed") != "recomputed"
    huge = cache.get("huge", 1, lambda: "y" * 200_000)  # over a quarter of the budget: returned, not kept
    assert len(huge) == 200_000 and cache.get("huge", 1, lambda: "recomputed") == "recomputed"
    assert cache.size_bytes <= 400_000


def test_a_plotly_figure_is_measured_by_its_data():
    import plotly.graph_objects as go

    small = ui.approx_bytes(go.Figure(go.Bar(x=[1, 2], y=[3, 4])))
    big = ui.approx_bytes(go.Figure(go.Bar(x=list(range(20_000)), y=list(range(20_000)))))
    assert big > 20_000 * 8 > small


def _busy_writers(ws, writers: int = 5, periods: int = 100) -> None:
    for i in range(writers):
        busy = [
            BusyPeriod(name=f"Clinic {j}", start=TODAY + timedelta(days=3 * j), end=TODAY + timedelta(days=3 * j + 1))
            for j in range(periods)
        ]
        ws.save_mentor(Mentor(id=f"m{i}", name=f"Dr. {i}", busy=busy))


def test_a_result_made_from_the_snapshot_does_not_count_its_records_a_second_time(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    _busy_writers(ws)
    ui.PLAN_CACHE.clear()
    plan = ui.snapshot(ws)
    records = ui.PLAN_CACHE.size_bytes
    ov = ui.overview(ws, TODAY)
    assert ov.mentors == plan.mentors()  # the Overview holds the snapshot's records, already counted:
    assert ui.PLAN_CACHE.size_bytes - records < ui.approx_bytes(ov) / 4  # the cache adds only what it adds itself
    ws.save_mentor(Mentor(id="m-new", name="Dr. New"))
    assert "Dr. New" in ui.overview(ws, TODAY).mentor_names.values()  # and an edit is seen at once


def test_a_result_counts_the_records_itself_when_the_snapshot_is_too_large_to_keep(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    _busy_writers(ws)
    cache = ui.PlanCache(max_bytes=400_000)  # a quarter of it is less than the snapshot
    plan = ui.PlanSnapshot(ws)
    assert cache.get("snapshot", 1, lambda: plan, models=lambda p: p.record_ids) is plan
    assert len(cache) == 0 and plan.record_ids == set()
    cache.get("names", 1, lambda: list(plan.mentors()), counted=lambda: plan.record_ids)
    assert len(cache) == 0  # counted with the records it holds, the result is too large to keep as well


def test_the_backup_is_written_from_the_cached_records_and_shows_an_edit_at_once(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    load_example(ws, TODAY)
    assert ui.backup(ws) == ws.store.export_json(ws)
    ws.save_mentor(Mentor(id="m-added", name="Dr. Added"))
    text = ui.backup(ws)
    assert text == ws.store.export_json(ws)
    assert "Dr. Added" in [m["name"] for m in json.loads(text)["mentors"]]
