"""The plan cache and the plan snapshot, without Streamlit: a result per plan version, within a byte budget."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from plan_dates import TODAY

from lor import plancache
from lor.models import BusyPeriod, Mentor
from lor.store import Store


class Counter:
    """A computation that counts how often it really ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def _busy_writers(ws, writers: int = 5, periods: int = 100) -> None:
    for i in range(writers):
        busy = [
            BusyPeriod(name=f"Clinic {j}", start=TODAY + timedelta(days=3 * j), end=TODAY + timedelta(days=3 * j + 1))
            for j in range(periods)
        ]
        ws.save_mentor(Mentor(id=f"m{i}", name=f"Dr. {i}", busy=busy))


def test_a_value_is_computed_once_per_version_and_again_after_the_version_grows():
    cache, compute = plancache.PlanCache(), Counter()
    assert cache.get("plan", 1, compute) == 1
    assert cache.get("plan", 1, compute) == 1
    assert compute.calls == 1
    assert cache.get("plan", 2, compute) == 2
    assert cache.get("plan", 2, compute) == 2
    assert compute.calls == 2


def test_a_late_result_for_an_older_version_never_replaces_a_newer_one():
    cache = plancache.PlanCache()
    cache.get("plan", 5, lambda: "at 5")
    assert cache.get("plan", 4, lambda: "at 4") == "at 4"  # the caller still gets what it asked for
    assert cache.get("plan", 5, lambda: "recomputed") == "at 5"


def test_keys_never_share_a_value_and_the_least_recently_used_goes_first():
    cache = plancache.PlanCache(max_entries=2)
    cache.get("a", 1, lambda: "A")
    cache.get("b", 1, lambda: "B")
    assert cache.get("a", 1, lambda: "A again") == "A"  # a is now the most recently used
    cache.get("c", 1, lambda: "C")
    assert len(cache) == 2
    assert cache.get("b", 1, lambda: "B again") == "B again"  # b was evicted
    assert cache.get("c", 1, lambda: "C again") == "C"


def test_the_cache_keeps_to_its_byte_budget_and_never_keeps_one_huge_value():
    cache = plancache.PlanCache(max_entries=100, max_bytes=400_000)
    for plan in range(10):
        cache.get(f"plan-{plan}", 1, lambda: "x" * 90_000)  # each about a quarter of the budget
    assert cache.size_bytes <= 400_000 and len(cache) == 4  # the oldest went first
    assert cache.get("plan-9", 1, lambda: "recomputed") != "recomputed"
    huge = cache.get("huge", 1, lambda: "y" * 200_000)  # over a quarter of the budget: returned, not kept
    assert len(huge) == 200_000 and cache.get("huge", 1, lambda: "recomputed") == "recomputed"
    assert cache.size_bytes <= 400_000


def test_a_plotly_figure_is_measured_by_its_data():
    import plotly.graph_objects as go

    small = plancache.approx_bytes(go.Figure(go.Bar(x=[1, 2], y=[3, 4])))
    big = plancache.approx_bytes(go.Figure(go.Bar(x=list(range(20_000)), y=list(range(20_000)))))
    assert big > 20_000 * 8 > small


def test_a_result_counts_the_records_itself_when_the_snapshot_is_too_large_to_keep(tmp_path: Path):
    ws = Store(tmp_path / "lor.db").default_workspace()
    _busy_writers(ws)
    cache = plancache.PlanCache(max_bytes=400_000)  # a quarter of it is less than the snapshot
    plan = plancache.PlanSnapshot(ws)
    assert cache.get("snapshot", 1, lambda: plan, models=lambda p: p.record_ids) is plan
    assert len(cache) == 0 and plan.record_ids == set()
    cache.get("names", 1, lambda: list(plan.mentors()), counted=lambda: plan.record_ids)
    assert len(cache) == 0  # counted with the records it holds, the result is too large to keep as well
