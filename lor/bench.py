"""Timings of the core: `python -m lor.bench [--quick]` prints one JSON document of named measurements.

Add a measurement by decorating a function with ``@measurement("name")``: it takes ``quick`` (bool)
and returns a dict (seconds, counts, targets). Each runs on fixed inputs; nothing reads the clock's
date. Timings are reported, never asserted in tests: machines differ.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from lor.busy import academic_calendar
from lor.models import PATHWAYS, Application, BusyPeriod, Mentor
from lor.planner import plan_letter

TODAY = date(2026, 11, 25)
PLANNER_CALLS = 10_000
PLANNER_TARGET_SECONDS = 1.0

Measurement = Callable[[bool], dict[str, Any]]
MEASUREMENTS: dict[str, Measurement] = {}


def measurement(name: str) -> Callable[[Measurement], Measurement]:
    """Register a measurement under ``name``; returns the function unchanged."""

    def register(fn: Measurement) -> Measurement:
        MEASUREMENTS[name] = fn
        return fn

    return register


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best of ``repeat`` runs: (wall seconds, CPU seconds). The best run is the least disturbed
    by other work on the machine; CPU time shows the cost even when the machine is busy."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def sample_letters(n: int) -> list[tuple[Application, Mentor]]:
    """``n`` varied (application, mentor) pairs: every pathway, due dates over three years, own busy weeks."""
    applications = [
        Application(
            name=f"Application {i}",
            pathway=PATHWAYS[i % len(PATHWAYS)],
            specialty="internal_medicine",
            deadline=TODAY + timedelta(days=10 + (i * 37) % 1000),
        )
        for i in range(200)
    ]
    mentors = []
    for i in range(50):
        away = TODAY + timedelta(days=(i * 29) % 900)
        mentors.append(
            Mentor(
                name=f"Dr. Writer {i}",
                specialty="internal_medicine",
                last_worked=TODAY - timedelta(days=(i * 53) % 700),
                busy=[BusyPeriod(name="On service", start=away, end=away + timedelta(days=13))],
            )
        )
    return [(applications[i % len(applications)], mentors[i % len(mentors)]) for i in range(n)]


@measurement("planner")
def planner(quick: bool) -> dict[str, Any]:
    """plan_letter throughput against a three-year academic calendar built once."""
    calls = PLANNER_CALLS // 10 if quick else PLANNER_CALLS
    start = time.perf_counter()
    busy = academic_calendar(TODAY, TODAY + timedelta(days=3 * 365))
    calendar_seconds = time.perf_counter() - start
    letters = sample_letters(calls)

    def run() -> None:
        for application, mentor in letters:
            plan_letter(application, mentor, busy=busy, today=TODAY)

    seconds, cpu = _timed(run, 1 if quick else 3)
    return {
        "calls": calls,
        "seconds": round(seconds, 4),
        "cpu_seconds": round(cpu, 4),
        "per_call_ms": round(1000 * seconds / calls, 4),
        "target_seconds_for_10000": PLANNER_TARGET_SECONDS,
        "meets_target": seconds * PLANNER_CALLS / calls < PLANNER_TARGET_SECONDS,
        "calendar_periods": len(busy),
        "calendar_seconds": round(calendar_seconds, 4),
    }


@measurement("scoring")
def scoring(quick: bool) -> dict[str, Any]:
    """score_mentor throughput, when lor.scoring is present."""
    try:
        score_mentor = importlib.import_module("lor.scoring").score_mentor
    except (ImportError, AttributeError) as exc:
        return {"skipped": f"lor.scoring is not available ({exc})"}
    calls = 1_000 if quick else 10_000
    letters = sample_letters(calls)

    def run() -> None:
        for application, mentor in letters:
            score_mentor(mentor, application, today=TODAY)

    seconds, cpu = _timed(run, 1 if quick else 3)
    return {
        "calls": calls,
        "seconds": round(seconds, 4),
        "cpu_seconds": round(cpu, 4),
        "per_call_ms": round(1000 * seconds / calls, 4),
    }


def run(names: list[str] | None = None, *, quick: bool = False) -> dict[str, Any]:
    """The named measurements (all when ``names`` is empty) with a note on the machine."""
    chosen = names or list(MEASUREMENTS)
    unknown = [n for n in chosen if n not in MEASUREMENTS]
    if unknown:
        raise KeyError(f"unknown measurement(s): {', '.join(unknown)}; known: {', '.join(MEASUREMENTS)}")
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "quick": quick,
    }
    for name in chosen:
        results[name] = MEASUREMENTS[name](quick)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: print the measurements as JSON."""
    parser = argparse.ArgumentParser(prog="python -m lor.bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"measurements to run (default all: {', '.join(MEASUREMENTS)})")
    parser.add_argument("--quick", action="store_true", help="fewer calls, one run each (for CI smoke runs)")
    args = parser.parse_args(argv)
    try:
        results = run(args.names, quick=args.quick)
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
