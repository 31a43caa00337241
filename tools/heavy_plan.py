"""The heaviest backup a student can restore: the hostile tests' fixture and the load test's hostile student.

``heavy_document(today)`` is a valid backup at every limit of ``lor.limits.PLAN_LIMITS``: 30 writers, each with a
different role and specialty where the app has them (so few share a busy calendar), each with 30 busy periods and
50 logged contacts of their own; 8 applications due on the planning horizon's last day, 48 letters among them (12,
the most one application takes, in the first, which also has 200 programs, as has the second), the student's own
50 busy periods and 300 moved default periods.
``heavy_document(today, due=date(2999, 12, 31), writers=40, busy_per_writer=0, programs=0)`` is the 7 KB backup of
issue #14 that stalled the server before dates and sizes were bounded (now refused).

``python -m tools.heavy_plan --measure`` times every page's first run on the example plan and on the heavy one
(fresh caches, through app.py in AppTest, after an untimed warm-up) and the server memory each adds, and prints
one JSON document; ``--repeat 3`` alternates the plans three times and reports medians.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from lor.busy import DEFAULT_PERIODS
from lor.limits import PLAN_LIMITS
from lor.models import ROLES, planning_horizon
from tools.class_plan import TODAY

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("dashboard", "recommenders", "letters", "timeline", "faq", "share")
WRITERS = PLAN_LIMITS.writers
BUSY_PER_WRITER = PLAN_LIMITS.busy_per_writer
PROGRAMS = PLAN_LIMITS.programs_per_plan  # 200 (one application's limit) in each of the first two applications
PER_APPLICATION = 200
SPECIALTIES = (
    "emergency_medicine",
    "internal_medicine",
    "general_surgery",
    "pediatrics",
    "obstetrics_gynecology",
    "orthopaedic_surgery",
    "family_medicine",
    "psychiatry",
)


def heavy_document(
    today: date = TODAY,
    *,
    due: date | None = None,
    writers: int = WRITERS,
    busy_per_writer: int = BUSY_PER_WRITER,
    programs: int = PROGRAMS,
) -> str:
    """A backup at the app's limits (see the module docstring); ``due`` defaults to the horizon's last day."""
    first, last = planning_horizon(today)
    due = due or last
    limits = PLAN_LIMITS
    full = programs == PROGRAMS and writers == WRITERS  # the other records only in the plan at the limits

    def spread(count: int, k: int, days: int = 6) -> tuple[str, str]:
        # The k-th of ``count`` week-long stretches over the whole horizon: as many bars as a chart could be given.
        start = first + timedelta(days=(k * (last - first).days) // max(count, 1))
        return start.isoformat(), min(start + timedelta(days=days), last).isoformat()

    mentors: list[dict[str, Any]] = []
    for i in range(writers):
        busy = []
        for j in range(busy_per_writer):
            start, end = spread(busy_per_writer, j)
            busy.append({"name": f"Busy {j}", "start": start, "end": end, "severity": "avoid" if j % 2 else "caution"})
        touchpoints = [
            {"day": (today - timedelta(days=3 * k)).isoformat(), "kind": "check_in", "note": f"Check-in {k}"}
            for k in range(limits.touchpoints_per_writer if full else 0)
        ]
        mentors.append(
            {
                "id": f"m{i}",
                "name": f"Writer {i}",
                "role": ROLES[i % len(ROLES)],
                "specialty": SPECIALTIES[i % len(SPECIALTIES)] if i < len(ROLES) * 2 else f"specialty_{i}",
                "weeks_known": 4,
                "busy": busy,
                "touchpoints": touchpoints,
            }
        )
    applications: list[dict[str, Any]] = []
    left = programs
    for a in range(limits.applications if full else 1):
        count = min(left, PER_APPLICATION)
        left -= count
        applications.append(
            {
                "id": f"a{a}",
                "name": f"Far-off application {a}" if a else "Far-off application",
                "pathway": "residency",
                "specialty": SPECIALTIES[a % len(SPECIALTIES)] if a else "internal_medicine",
                "portal": "ERAS",
                "deadline": due.isoformat(),
                "programs": [{"name": f"Program {k}", "deadline": due.isoformat()} for k in range(count)],
            }
        )
    # The most one application takes in the first (the one with the longest assignment grid), the rest spread over
    # the others (48 at the limits); a smaller plan: one letter per writer in its one application.
    if full:
        per_app = limits.letters_per_application
        pairs = [(i, 0) for i in range(per_app)]
        pairs += [((per_app + k) % writers, 1 + k % (len(applications) - 1)) for k in range(limits.letters - per_app)]
    else:
        pairs = [(i, 0) for i in range(writers)]
    letters = [{"id": f"l{n}", "mentor_id": f"m{i}", "application_id": f"a{a}"} for n, (i, a) in enumerate(pairs)]
    settings: dict[str, Any] = {}
    if full:
        keys = sorted(p.key for p in DEFAULT_PERIODS)
        moved: dict[str, Any] = {}
        for year in range(first.year + 1, last.year):
            for key in keys:
                if len(moved) < limits.moved_periods:
                    moved[f"{key}:{year}"] = {"start": f"{year}-05-01", "end": f"{year}-05-03"}
        while len(moved) < limits.moved_periods:  # the rest for keys a newer version might have
            moved[f"later_period_{len(moved)}:{first.year + 1}"] = {
                "start": first.isoformat(),
                "end": first.isoformat(),
            }
        custom = []
        for k in range(limits.own_busy_periods):
            start, end = spread(limits.own_busy_periods, k, days=2)
            custom.append({"name": f"My busy time {k}", "start": start, "end": end, "severity": "caution"})
        settings = {"busy": {"moved": moved, "custom": custom}}
    doc = {
        "schema": 1,
        "app": "lor-planner",
        "student": {"name": "Heavy"},
        "mentors": mentors,
        "applications": applications,
        "letters": letters,
        "settings": settings,
    }
    return json.dumps(doc, separators=(",", ":")) + "\n"


def settings_attack_document(today: date = TODAY, *, size: int = 4_970_000, random_text: bool = False) -> str:
    """The attacker's settings backup of issue #23.2: the example plan with ``settings.busy`` padded to ``size``
    bytes with keys no model has, each holding an empty list (or, ``random_text``, a 40-character string: fewer
    values, so the file is read and its padding dropped)."""
    from lor.example import example_document

    doc = json.loads(example_document(today))
    head = json.dumps(doc)[:-1] + ', "settings": {"busy": {'
    parts, used, i = [], len(head) + 4, 0
    while used < size:
        parts.append(f'"x{i}": "{"q" * 40}{i}"' if random_text else f'"x{i}": []')
        used += len(parts[-1]) + 2
        i += 1
    return head + ", ".join(parts) + "}}}"


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _first_runs(document: str) -> dict[str, Any]:
    """Each page's first run (fresh per-plan cache) on a plan restored from ``document``: ms and RSS growth."""
    from streamlit.testing.v1 import AppTest

    from lor import ui
    from lor.store import Store

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lor-heavy-") as tmp:
        db = Path(tmp) / "heavy.db"
        store = Store(db)
        store.import_json(store.default_workspace(), document)
        os.environ.update({"LOR_DB": str(db), "LOR_TODAY": TODAY.isoformat()})
        os.environ.pop("LOR_SHARED", None)
        rss_before = _rss_kb()
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            at.run()  # the app's first run (imports, the Dashboard), then the page on a cold per-plan cache
            ui.PLAN_CACHE.clear()
            start, cpu = time.perf_counter(), time.process_time()
            if page != "dashboard":
                at.switch_page(f"pages/{page}.py")
            at.run()
            out[page] = {
                "ms": round(1000 * (time.perf_counter() - start)),
                # CPU time of this process (AppTest's threads only): what a busy machine does not inflate.
                "cpu_ms": round(1000 * (time.process_time() - cpu)),
                "exception": bool(at.exception),
            }
        out["rss_growth_mb"] = round((_rss_kb() - rss_before) / 1024, 1)
        out["plan_cache_mb"] = round(ui.PLAN_CACHE.size_bytes / 1_000_000, 2)
    return out


def measure(repeat: int = 1) -> dict[str, Any]:
    """Example plan vs heavy plan, page by page (ms of the first run), and the ratio of the two.

    Every page runs once on the example plan first, untimed, so that neither plan's times hold the imports and
    Streamlit's own first-use costs. With ``repeat`` above 1 the two plans take turns that many times and each
    figure is the median of its runs (the machine is shared: one run can land on a busy moment).
    """
    from lor.example import example_document

    os.chdir(ROOT)
    _first_runs(example_document(TODAY))  # warm-up, not reported
    runs: dict[str, list[dict[str, Any]]] = {"example": [], "heavy": []}
    for _ in range(repeat):
        runs["example"].append(_first_runs(example_document(TODAY)))
        runs["heavy"].append(_first_runs(heavy_document(TODAY)))
    out: dict[str, Any] = {
        "today": TODAY.isoformat(),
        "heavy_backup_kb": round(len(heavy_document(TODAY).encode()) / 1024),
        "repeat": repeat,
    }
    for plan, found in runs.items():
        out[plan] = {
            **{
                p: {
                    "ms": median(r[p]["ms"] for r in found),
                    "cpu_ms": median(r[p]["cpu_ms"] for r in found),
                    "exception": any(r[p]["exception"] for r in found),
                }
                for p in PAGES
            },
            # Memory freed by one run is reused by the next, so only the first run's growth says what a plan adds.
            "rss_growth_mb": found[0]["rss_growth_mb"],
            "plan_cache_mb": median(r["plan_cache_mb"] for r in found),
        }
    out["ratio"] = {p: round(out["heavy"][p]["ms"] / max(out["example"][p]["ms"], 1), 2) for p in PAGES}
    out["cpu_ratio"] = {p: round(out["heavy"][p]["cpu_ms"] / max(out["example"][p]["cpu_ms"], 1), 2) for p in PAGES}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.heavy_plan", description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="time every page on the example and heavy plans")
    parser.add_argument("--due", help="the application's deadline (YYYY-MM-DD); default: the horizon's end")
    parser.add_argument(
        "--today",
        help="the day the backup is made for (YYYY-MM-DD); default: LOR_TODAY, else the tests' day "
        f"({TODAY}). A server restores it only within 5 years of its own today.",
    )
    parser.add_argument("--repeat", type=int, default=1, help="with --measure: runs per plan, medians reported")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(max(args.repeat, 1)), indent=2))
    else:
        day = date.fromisoformat(args.today or os.environ.get("LOR_TODAY") or TODAY.isoformat())
        sys.stdout.write(heavy_document(day, due=date.fromisoformat(args.due) if args.due else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
