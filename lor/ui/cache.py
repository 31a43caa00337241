"""One read of a plan per version, and the pages' heavy work on it, shared by reruns and sessions."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date

from lor.guidance import Card, context_cards
from lor.overview import Overview, overview_of
from lor.plancache import PlanCache, PlanSnapshot, T
from lor.store import (
    Workspace,
    backup_text,
)
from lor.ui.server import _this_run

# Results of about four pages per plan, the plans of a busy class server; a few tens of MB at most (Community
# Cloud's smallest container has about 690 MB for everything).
PLAN_CACHE = PlanCache(max_entries=128, max_bytes=48_000_000)


def _snapshot_at(ws: Workspace, version: int) -> PlanSnapshot:
    # The version is read before the records: a write racing the reads can only leave newer records under the
    # older version (replaced on the next run), never older records under the newer one.
    return PLAN_CACHE.get(
        (ws.store.location, ws.id, "snapshot"), version, lambda: PlanSnapshot(ws), models=lambda plan: plan.record_ids
    )


def plan_version(ws: Workspace) -> int:
    """ws.version(), read from the database once per script run (or fragment run) and plan, and again after
    any write this process makes: a page of 30 writer cards, each asking, costs one query, not 60.

    A run sees the plan as it was when the run first asked; a change made by another server process shows on
    the next run, as before (a run lasts a fraction of a second)."""
    memo = _this_run()
    if memo is None:
        return ws.version()
    key = ("version", ws.store.location, ws.id)
    found = memo.get(key)
    if found is not None and found[0] == ws.store.writes:
        return found[1]
    writes = ws.store.writes
    version = ws.version()
    memo[key] = (writes, version)
    return version


def snapshot(ws: Workspace) -> PlanSnapshot:
    """The workspace's records, read from the database once per version."""
    if not ws.saved:
        return PlanSnapshot(ws)  # an empty plan-to-be: nothing worth a cache entry per anonymous visit
    return _snapshot_at(ws, plan_version(ws))


def per_plan(ws: Workspace, kind: str, compute: Callable[..., T], *args: Hashable) -> T:
    """``compute(snapshot(ws), *args)``, computed once per plan version and ``args``; ``kind`` names the result
    (one name per function: it is part of the key)."""
    if not ws.saved:
        return compute(PlanSnapshot(ws), *args)
    version = plan_version(ws)
    key = (ws.store.location, ws.id, kind, args)
    used: list[PlanSnapshot] = []

    def run() -> T:
        used.append(_snapshot_at(ws, version))
        return compute(used[0], *args)

    return PLAN_CACHE.get(key, version, run, counted=lambda: used[0].record_ids)


def backup(ws: Workspace) -> str:
    """The plan's backup document (what Store.export_json gives), written from the records already read for
    this version of the plan."""
    return backup_text(snapshot(ws))


def overview(ws: Workspace, day: date) -> Overview:
    """lor.overview.overview_of(ws, day), once per plan version."""
    return per_plan(ws, "overview", overview_of, day)


def cards(ws: Workspace, day: date) -> list[Card]:
    """lor.guidance.context_cards(ws, day), once per plan version."""
    return per_plan(ws, "context-cards", context_cards, day)
