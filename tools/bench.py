"""Timings of the core and the pages: `python -m tools.bench [--quick]` prints one JSON document.

Its keys:

- ``machine``: ``cpu_count``, ``load_average_at_start`` (1, 5, 15 min), ``python``, ``streamlit``, ``platform``.
- ``planner``: 10,000 plan_letter calls against a three-year academic calendar (``seconds``, ``cpu_seconds``,
  ``per_call_ms``, ``meets_target``: under 1 s); ``scoring``: 10,000 score_mentor calls.
- ``pages``: on the class-scale plan (``class_scale_document``: 28 mentors, 8 applications, 46 letters,
  40 programs) with LOR_TODAY=2026-11-25, each page (``dashboard``, ``recommenders``, ``letters``,
  ``timeline``, ``faq``, ``share``) run through app.py in AppTest, warmed once, then rerun ``reruns`` times:
  ``median_ms``, ``p95_ms``, ``cpu_median_ms``, ``elements`` drawn, ``compile_ms`` (AppTest compiles the
  scripts on every run; a server does it once), ``ratio_to_bare``, ``meets_target`` (median ≤ 150 ms),
  ``after_edit_median_ms`` (reruns that each follow a change to the plan, so no cached result applies) and
  the ``load_average`` when measured; ``bare_page`` is the same for a one-element page, the floor.
- ``desk``: the advisor desk (class mode) with 150 joined example-size plans: ``first_run_seconds`` (every row
  computed), ``desk`` (warm reruns, and ``after_edit_median_ms``: each rerun after one advisee's plan changed),
  ``dashboard`` (the class-scale plan's Dashboard, same run) and ``ratio_to_dashboard`` (target ≤ 2).
- ``server_start``: seconds from launching `streamlit run` until /_stcore/health answers 200, for app.py
  (``app_seconds``) and the one-element page (``bare_page_seconds``).

- ``browser`` (only when named: `python -m tools.bench browser`): a real `streamlit run app.py` driven by headless
  Chromium on the example and the class-scale plan, server CPU and click-to-settled time of every page's rerun
  and of the common interactions beside a bare one-button page (see tools/browser_bench.py). ``--plan``,
  ``--app-dir`` (measure another checkout, for a before/after), ``--database postgres`` (plans in a throwaway PostgreSQL
  database on LOR_BENCH_DATABASE_URL's server, else the CI role on localhost) and ``--table`` (also
  print it as a Markdown table, on stderr) shape it.

``--quick`` makes fewer calls and reruns (a smoke run); ``--page NAME`` narrows the page measurement;
``--profile NAME`` prints a pyinstrument profile of one warm rerun of a page. Add a measurement by decorating a
function with ``@measurement("name")``: it takes ``quick`` (bool) and returns a dict. Timings are reported,
never asserted in tests: machines differ, and this one is shared.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from lor.busy import academic_calendar
from lor.models import PATHWAYS, Application, BusyPeriod, Mentor
from lor.planner import plan_letter
from tools.class_plan import CLASS_SCALE, TODAY, class_scale_document

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


# -- pages: warm reruns in AppTest, and a cold server start -------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("dashboard", "recommenders", "letters", "timeline", "faq", "share")
PAGE_TARGET_MS = 150.0
only_pages: tuple[str, ...] = PAGES  # `--page NAME` narrows the pages measurement while profiling
BARE_PAGE = 'import streamlit as st\n\nst.write("hello")\n'


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (None where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _summary_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return {"median_ms": round(1000 * statistics.median(ordered), 1), "p95_ms": round(1000 * p95, 1)}


@contextmanager
def class_scale_env(today: date = TODAY) -> Iterator[Path]:
    """A temporary database holding the class-scale plan, with LOR_DB, LOR_TODAY set and the working
    directory at the project root (as `streamlit run app.py` has it); everything restored after."""
    from lor.store import Store

    saved = {k: os.environ.get(k) for k in ("LOR_DB", "LOR_TODAY", "LOR_SHARED")}
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="lor-bench-") as tmp:
        db = Path(tmp) / "class.db"
        store = Store(db)
        store.import_json(store.default_workspace(), class_scale_document(today))
        os.environ.update({"LOR_DB": str(db), "LOR_TODAY": today.isoformat()})
        os.environ.pop("LOR_SHARED", None)
        os.chdir(ROOT)
        try:
            yield db
        finally:
            os.chdir(cwd)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _open_page(page: str | None, script: Path, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.query_params.update(query or {})
    at.run()
    if page and page != "dashboard":
        at.switch_page(f"pages/{page}.py")
        at.run()
    if at.exception:
        raise RuntimeError(f"{page or script.name} raised: {at.exception[0].message}")
    at.run()  # warm: the first run of a page fills caches and imports
    return at


def compile_ms(paths: list[Path]) -> float:
    """Milliseconds Streamlit takes to compile these scripts (magic included). AppTest does it on every run;
    a server does it once per file, so this share of a page's AppTest time never reaches a real visitor."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        cache = ScriptCache()
        for path in paths:
            cache.get_bytecode(str(path))
        best = min(best, time.perf_counter() - start)
    return round(1000 * best, 1)


def time_reruns(
    page: str | None,
    script: Path,
    reruns: int,
    *,
    edit: Callable[[int], None] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Median and p95 of ``reruns`` warm reruns (wall and CPU ms) of one page run through ``script``.

    With ``edit``, as many reruns again, each after ``edit(i)`` changed the plan: ``after_edit_median_ms`` is
    what a visitor waits for after a click that saves something (nothing computed before can be reused).
    """
    at = _open_page(page, script, query)

    def timed(before: Callable[[int], None] | None) -> tuple[list[float], list[float]]:
        walls, cpus = [], []
        for i in range(reruns):
            if before:
                before(i)
            wall, cpu = time.perf_counter(), time.process_time()
            at.run()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        return walls, cpus

    walls, cpus = timed(None)
    result = _summary_ms(walls)
    result["cpu_median_ms"] = round(1000 * statistics.median(cpus), 1)
    result["elements"] = sum(1 for _ in at.main) + sum(1 for _ in at.sidebar)
    result["compile_ms"] = compile_ms([script, ROOT / "pages" / f"{page}.py"] if page else [script])
    if edit:
        walls, _ = timed(edit)
        result["after_edit_median_ms"] = round(1000 * statistics.median(walls), 1)
    return result


def _resave_buffer(ws: Any) -> None:
    """Save the plan's writer buffer again, unchanged: the plan's version grows and no page shows a difference."""
    from lor.models import BUFFER_SETTING

    ws.set_setting(BUFFER_SETTING, ws.get_setting(BUFFER_SETTING, 0))


def _touch(db: Path) -> Callable[[int], None]:
    """An edit that changes the plan's version and nothing a page shows (a setting saved again, unchanged)."""
    from lor.store import Store

    ws = Store(db).default_workspace()
    return lambda i: _resave_buffer(ws)


def profile_page(page: str, *, today: date = TODAY) -> str:
    """A pyinstrument profile (text) of one warm rerun of ``page`` on the class-scale plan: the script's
    own thread (where the page runs), then AppTest's main thread (reading the page's output)."""
    from pyinstrument import Profiler
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    script_profiler = Profiler(interval=0.0005)
    original = LocalScriptRunner._run_script_thread

    def profiled(runner: LocalScriptRunner) -> None:
        script_profiler.start()
        try:
            original(runner)
        finally:
            script_profiler.stop()

    with class_scale_env(today):
        at = _open_page(page, ROOT / "app.py")
        main_profiler = Profiler(interval=0.0005)
        LocalScriptRunner._run_script_thread = profiled  # type: ignore[method-assign,assignment]
        try:
            main_profiler.start()
            at.run()
            main_profiler.stop()
        finally:
            LocalScriptRunner._run_script_thread = original  # type: ignore[method-assign]
    return "\n".join(
        [
            "== script thread ==",
            script_profiler.output_text(unicode=True, color=False),
            "== main thread (AppTest) ==",
            main_profiler.output_text(unicode=True, color=False),
        ]
    )


@measurement("pages")
def pages(quick: bool) -> dict[str, Any]:
    """Warm rerun time of every page on the class-scale plan, against a one-element page as the floor."""
    reruns = 5 if quick else 15
    out: dict[str, Any] = {"reruns": reruns, "target_median_ms": PAGE_TARGET_MS, "plan": CLASS_SCALE}
    with class_scale_env() as db, tempfile.TemporaryDirectory(prefix="lor-bench-bare-") as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_PAGE, encoding="utf-8")
        out["bare_page"] = {**time_reruns(None, bare, reruns), "load_average": load_average()}
        floor = out["bare_page"]["median_ms"] or 1.0
        for page in only_pages:
            timing = time_reruns(page, ROOT / "app.py", reruns, edit=_touch(db))
            timing["ratio_to_bare"] = round(timing["median_ms"] / floor, 1)
            timing["meets_target"] = timing["median_ms"] <= PAGE_TARGET_MS
            timing["load_average"] = load_average()
            out[page] = timing
    return out


DESK_STUDENTS = 150
DESK_TARGET_RATIO = 2.0  # a desk rerun within twice the Dashboard's, at class scale


@measurement("desk")
def desk(quick: bool) -> dict[str, Any]:
    """The advisor desk with 150 joined example-size plans (class mode), against the Dashboard of the class-scale
    plan in the same run: ``first_run_seconds`` (every plan's row computed), warm reruns, and reruns that each
    follow an edit to one advisee's plan (one row recomputed)."""
    from lor.store import Store
    from tools.advisees import add_advisee

    reruns = 5 if quick else 15
    out: dict[str, Any] = {"reruns": reruns, "students": DESK_STUDENTS, "target_ratio": DESK_TARGET_RATIO}
    with class_scale_env() as db:
        out["dashboard"] = {**time_reruns("dashboard", ROOT / "app.py", reruns), "load_average": load_average()}
        store = Store(db)
        token, code = store.create_desk("Bench desk")
        plans = []
        start = time.perf_counter()
        for i in range(DESK_STUDENTS):
            plans.append(add_advisee(store, f"Student {i:03d}", today=TODAY, code=code)[1])
        out["seed_seconds"] = round(time.perf_counter() - start, 2)
        os.environ["LOR_SHARED"] = "1"  # class_scale_env restores it
        start = time.perf_counter()
        _open_page(None, ROOT / "app.py", {"desk": token})
        out["first_run_seconds"] = round(time.perf_counter() - start, 2)
        touch = lambda i: _resave_buffer(plans[i % len(plans)])  # noqa: E731
        timing = time_reruns(None, ROOT / "app.py", reruns, edit=touch, query={"desk": token})
        out["desk"] = {**timing, "load_average": load_average()}
    ratio = out["desk"]["median_ms"] / (out["dashboard"]["median_ms"] or 1.0)
    out["ratio_to_dashboard"] = round(ratio, 2)
    out["meets_target"] = ratio <= DESK_TARGET_RATIO
    return out


def server_start_seconds(script: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> float:
    """Seconds from launching `streamlit run <script>` on a free loopback port until /_stcore/health is 200."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
    args += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit run {script} exited early (code {proc.returncode})")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"streamlit run {script} was not healthy after {timeout:.0f} s")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@measurement("server_start")
def server_start(quick: bool) -> dict[str, Any]:
    """Cold start of `streamlit run app.py` (class-scale database) and of the one-element page, to health."""
    runs = 1 if quick else 3
    out: dict[str, Any] = {"runs": runs, "load_average": load_average()}
    with class_scale_env() as db, tempfile.TemporaryDirectory(prefix="lor-bench-bare-") as tmp:
        env = {**os.environ, "LOR_DB": str(db), "LOR_TODAY": TODAY.isoformat(), "LOR_SHARED": "0"}
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_PAGE, encoding="utf-8")
        app = [server_start_seconds("app.py", env, ROOT) for _ in range(runs)]
        floor = [server_start_seconds(str(bare), env, Path(tmp)) for _ in range(runs)]
    out["app_seconds"] = round(statistics.median(app), 2)
    out["bare_page_seconds"] = round(statistics.median(floor), 2)
    return out


def machine() -> dict[str, Any]:
    """What the numbers were measured on: CPUs, the load when the run started, versions."""
    return {
        "cpu_count": os.cpu_count(),
        "load_average_at_start": load_average(),
        "python": platform.python_version(),
        "streamlit": metadata.version("streamlit"),
        "platform": platform.platform(),
    }


ON_REQUEST = {"browser"}  # heavy: runs only when named


@measurement("browser")
def browser(quick: bool) -> dict[str, Any]:
    """A real server and headless Chromium: what a student waits for and what the server pays (tools/browser_bench)."""
    from tools import browser_bench

    return browser_bench.measure(quick=quick, **browser_options)


browser_options: dict[str, Any] = {}


def run(names: list[str] | None = None, *, quick: bool = False) -> dict[str, Any]:
    """The named measurements (all but the browser bench when ``names`` is empty) with a note on the machine."""
    chosen = names or [name for name in MEASUREMENTS if name not in ON_REQUEST]
    unknown = [n for n in chosen if n not in MEASUREMENTS]
    if unknown:
        raise KeyError(f"unknown measurement(s): {', '.join(unknown)}; known: {', '.join(MEASUREMENTS)}")
    results: dict[str, Any] = {"machine": machine(), "quick": quick}
    for name in chosen:
        results[name] = MEASUREMENTS[name](quick)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: print the measurements as JSON."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"measurements to run (default all: {', '.join(MEASUREMENTS)})")
    parser.add_argument("--quick", action="store_true", help="fewer calls, one run each (for CI smoke runs)")
    parser.add_argument("--profile", metavar="PAGE", choices=PAGES, help="print a profile of one warm rerun of PAGE")
    parser.add_argument("--page", action="append", choices=PAGES, help="measure only this page (repeatable)")
    parser.add_argument(
        "--plan",
        action="append",
        choices=["example", "class", "heavy"],
        help="browser bench: this plan only (repeatable; 'heavy', the plan at every limit, only when named)",
    )
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="browser bench: the checkout to serve")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite", help="browser bench: backend")
    parser.add_argument("--table", action="store_true", help="browser bench: also print a Markdown table on stderr")
    args = parser.parse_args(argv)
    browser_options.update(
        plans=args.plan, pages=args.page, app_dir=args.app_dir.resolve(), database_url=_database_url(args.database)
    )
    global only_pages
    only_pages = tuple(args.page or PAGES)
    if args.profile:
        sys.stdout.write(profile_page(args.profile))
        return 0
    try:
        results = run(args.names, quick=args.quick)
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    if args.table and "browser" in results:
        from tools.browser_bench import table

        sys.stderr.write(table(results["browser"]) + "\n")
    return 0


def _database_url(backend: str) -> str | None:
    if backend == "sqlite":
        return None
    from tools.browser import POSTGRES_ADMIN_URL

    return os.environ.get("LOR_BENCH_DATABASE_URL", POSTGRES_ADMIN_URL)


if __name__ == "__main__":
    raise SystemExit(main())
