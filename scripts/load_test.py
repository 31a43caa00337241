"""Class-scale load test: many students editing their own plans at once on one shared-mode server.

Usage: python -m scripts.load_test [--sessions 20] [--edits 20] [--stagger 0.5] [--json artifacts/load_test.json]
                                  [--database postgres [--database-url postgresql://USER:PASSWORD@HOST/DB]]
                                  [--hostile [--hostile-backup heavy|settings|settings-text]]

Starts `streamlit run app.py` on 127.0.0.1 in shared mode (LOR_SHARED=1) with a temporary database, then
drives N concurrent browser sessions (one Chromium, one Playwright context per student). Each session opens
/, clicks "Load example plan" (which saves a new private workspace; its edit token is read from ?w=), opens
/recommenders with its link and adds writers through the "Add a writer" form, one save per edit, with
unique names ("Load S03 E07"), then switches page through the sidebar and checks the link kept its plan.

Measured, on the page's own clock: page-update latency per edit (the click event on "Add writer" until the
app is idle again and shows "Added <name>."), page-load latency (start of navigation until the app is idle
with its title drawn), the sidebar page switch. On the server: resident memory (VmRSS of its process tree
every 0.2 s, VmHWM at the end), and the wall and CPU time of every script run (a sitecustomize.py on the
server's PYTHONPATH wraps Streamlit's ScriptRunner._run_script; app code is untouched). CPU seconds of the
server, of Chromium with Playwright's driver, and of the whole machine tell where the time went: on one
small machine the browsers compete with the server for the same cores.
Verified afterwards through lor.store.Store on the database file: every confirmed edit is stored (lost
writes), no workspace holds another session's mentors (leaks), one workspace per session, and the sidebar
switch kept each session on its own plan.

The server runs without a file watcher, so edits to the checkout during a run cannot reload its modules.
Exit status: 0 when every edit was made and stored, nothing leaked, one workspace per session and every
session kept its plan; 1 otherwise. Only loopback traffic; every loop is bounded, and the whole browser run
has a time limit (--timeout, 15 min by default). Results: --json (artifacts/load_test.json) and stdout.
With --database postgres the plans live in a new PostgreSQL database made on the --database-url server
(LOR_LOAD_DATABASE_URL, else the CI role on localhost) for this run and dropped after it.

--hostile (issue #14): two runs back to back on fresh servers. The baseline: N-1 students as above. The hostile
run: the same N-1 students, plus one hostile student who restores the heaviest valid backup (tools/heavy_plan.py)
on Share & backup and then opens every page of that plan, one after another, until the others are done. It prints
the others' p95 page time in the hostile run over the baseline's (page time: every page load, edit and page switch
they waited for; goal <= 1.5x) and the server's peak memory in the hostile run (goal < 600 MB), and exits 1 when
either run fails its checks or a goal is missed.

--hostile-backup (issue #23): what the hostile student restores. heavy (the default): the heaviest valid backup,
as above. settings: the attacker's 4.97 MB backup of empty lists under unknown keys of settings.busy; the app refuses
it in the restore box, so the hostile student chooses it there again and again (each time a new file for the
server to read) until the others are done. settings-text: the same with 40-character strings (fewer values): it
restores, its padding dropped, and the hostile student opens every page of that plan in a loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import websockets
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from lor.store import store_at
from tools.browser import (
    ARTIFACTS,
    CHROMIUM_FLAGS,
    POSTGRES_ADMIN_URL,
    TODAY,
    Server,
    find_chromium,
    postgres_database,
)
from tools.browser_bench import PAGES as PAGE_TITLES  # each page's title, by its URL path
from tools.heavy_plan import PAGES, heavy_document, settings_attack_document

STATE = "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
IDLE_WITH_TITLE = f"() => {STATE} === 'notRunning' && !!document.querySelector('[data-testid=\"stMain\"] h1')"
NAME = re.compile(r"^Load S(\d+) E(\d+)$")
SHOWS_ALERT = (
    '[...document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stAlert"]\')]'
    ".some((a) => a.textContent.includes(arg))"
)
CLICK_CLOCK = "document.addEventListener('click', () => { window.__lorClick = performance.now(); }, true);"
STEP_TIMEOUT_MS = 120_000  # one page load or one edit, on a busy 2-core machine
OPTION_TIMEOUT_MS = 30_000  # an open option list that shows nothing this long was closed under the click
POLL_MS = 25  # the page checks its cheap "done" condition this often (textContent, never innerText: no layout)


def mentor_name(session: int, edit: int) -> str:
    return f"Load S{session:02d} E{edit:02d}"


@dataclass
class SessionResult:
    index: int
    token: str | None = None
    page_loads_ms: list[float] = field(default_factory=list)
    edits_ms: list[float] = field(default_factory=list)
    switch_ms: float | None = None  # sidebar page switch
    confirmed: list[str] = field(default_factory=list)  # names the UI confirmed ("Added <name>.")
    kept_plan_on_navigation: bool | None = None
    step: str = "start"  # what the session was doing (named in its error)
    exceptions_shown: int = 0
    reopened_lists: int = 0  # option lists that closed before the click and were opened again
    error: str | None = None


# -- the server: memory and script-run times -------------------------------------------------------------

# Put on the server's PYTHONPATH as sitecustomize.py: logs every script run (one user action, st.rerun loops
# included) as "<end time> <wall ms> <cpu ms of the script thread>", to split server time from browser time.
RUN_CLOCK = """
import os, threading, time

_path = os.environ.get("LOR_LOADTEST_RUNLOG")
if _path:
    from streamlit.runtime.scriptrunner import script_runner as _sr

    _run, _lock = _sr.ScriptRunner._run_script, threading.Lock()

    def _timed(self, rerun_data):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return _run(self, rerun_data)
        finally:
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            with _lock, open(_path, "a") as f:
                f.write(f"{time.time():.3f} {wall * 1000:.1f} {cpu * 1000:.1f}\\n")

    _sr.ScriptRunner._run_script = _timed
"""


def start_server(tmp: Path, database_url: str | None = None) -> Server:
    """tools.browser.Server in shared mode, with the run clock and without a file watcher (an edit to lor/ by other
    work in this checkout would otherwise reload modules inside the running server; a deployment never sees
    edits either)."""
    site = tmp / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(RUN_CLOCK)
    extra = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        "LOR_LOADTEST_RUNLOG": str(tmp / "runs.log"),
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        return Server(tmp, shared=True, env={"LOR_DATABASE_URL": database_url} if database_url else None)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def script_runs(log: Path) -> tuple[list[float], list[float]]:
    """(wall ms, cpu ms) of every script run the server logged."""
    walls, cpus = [], []
    if log.exists():
        for line in log.read_text().splitlines()[:100_000]:
            parts = line.split()
            if len(parts) == 3:
                walls.append(float(parts[1]))
                cpus.append(float(parts[2]))
    return walls, cpus


# -- server memory -------------------------------------------------------------------------------------


def process_tree(pid: int, limit: int = 64) -> list[int]:
    """pid and its descendants (through /proc/<pid>/task/*/children), at most `limit` processes."""
    found: list[int] = []
    todo = [pid]
    while todo and len(found) < limit:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in task.read_text().split())
    return found


def status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class Sampler(threading.Thread):
    """Every `interval` seconds (at most `max_samples` times) until stopped: the summed VmRSS of the server's
    process tree, and the CPU time of every other process under this one (Playwright's driver, Chromium)."""

    def __init__(self, server_pid: int, interval: float = 0.2, max_samples: int = 50_000):
        super().__init__(daemon=True)
        self.server_pid, self.interval, self.max_samples = server_pid, interval, max_samples
        self.samples_kb: list[int] = []
        self.browser_cpu: dict[int, float] = {}  # pid -> latest CPU seconds seen
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set() and len(self.samples_kb) < self.max_samples:
            server = process_tree(self.server_pid)
            self.samples_kb.append(sum(status_kb(p, "VmRSS") for p in server))
            for p in set(process_tree(os.getpid(), limit=256)) - set(server) - {os.getpid()}:
                self.browser_cpu[p] = max(self.browser_cpu.get(p, 0.0), cpu_seconds(p))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


# -- one student ---------------------------------------------------------------------------------------


async def loaded_ms(pg: Page, url: str) -> float:
    """Open `url`; milliseconds on the page's own clock from the start of the navigation until the app is
    idle with its title drawn."""
    await pg.goto(url, timeout=STEP_TIMEOUT_MS)
    done = await pg.wait_for_function(
        f"() => ({IDLE_WITH_TITLE})() && performance.now()", timeout=STEP_TIMEOUT_MS, polling=POLL_MS
    )
    return float(await done.json_value())


async def updated_ms(pg: Page, done: str, arg: str = "") -> float:
    """After a click: wait for the script to start (briefly: a fast run may be over before the first poll), then
    for the app to be idle with `done` true (st.rerun leaves a short idle gap between its two runs, so idle
    alone does not mean the change is on screen). Returns milliseconds from the click event, page clock."""
    with contextlib.suppress(PlaywrightTimeout):
        await pg.wait_for_function(f"() => {STATE} === 'running'", timeout=2_000, polling=POLL_MS)
    handle = await pg.wait_for_function(
        f"(arg) => {STATE} === 'notRunning' && ({done}) && performance.now() - window.__lorClick",
        arg=arg,
        timeout=STEP_TIMEOUT_MS,
        polling=POLL_MS,
    )
    return float(await handle.json_value())


async def choose(pg: Page, key: str, option: str, tries: int = 3) -> int:
    """Pick ``option`` in the selectbox ``key`` as a person would: click the box, then the option; when the list
    closes before the option can be clicked (a run finishing on a saturated machine redraws the box), wait for the
    app to be idle and open it again. Returns how many times the list had to be reopened (reported)."""
    box = pg.locator(f".st-key-{key} input")  # the box itself, not its help icon
    choice = pg.get_by_role("option", name=option, exact=True)
    for attempt in range(tries):
        if not await choice.is_visible():  # a second click on an open list would close it
            await box.click(timeout=STEP_TIMEOUT_MS)
        try:
            await choice.click(timeout=OPTION_TIMEOUT_MS)
            return attempt
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            await pg.wait_for_function(f"() => {STATE} === 'notRunning'", timeout=STEP_TIMEOUT_MS, polling=POLL_MS)
    return tries


async def student(browser, url: str, result: SessionResult, edits: int, delay: float) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(CLICK_CLOCK)
    pg = await context.new_page()
    try:
        result.step = "open /"
        result.page_loads_ms.append(await loaded_ms(pg, url + "/"))

        result.step = "load the example plan"
        await pg.locator(".st-key-dashboard-load-example button").click(timeout=STEP_TIMEOUT_MS)
        await updated_ms(
            pg, "!document.querySelector('.st-key-dashboard-load-example') && !!document.querySelector('h1')"
        )
        # The plan, and its private link, exist from its first write on.
        match = re.search(r"[?&]w=([^&]+)", pg.url)
        if not match:
            raise RuntimeError(f"no private link in the address after the first change: {pg.url}")
        result.token = match.group(1)

        result.step = "open /recommenders"
        result.page_loads_ms.append(await loaded_ms(pg, f"{url}/recommenders?w={result.token}"))
        form = pg.locator('[data-testid="stExpander"]').filter(has=pg.locator(".st-key-mentor-name"))
        name_input = pg.locator(".st-key-mentor-name input")
        for e in range(1, edits + 1):
            name = mentor_name(result.index, e)
            if not await name_input.is_visible():  # the expander closes when the page above it changes
                result.step = f"edit {e}: open the Add a writer form"
                await form.locator("summary").first.click(timeout=STEP_TIMEOUT_MS)
            result.step = f"edit {e}: type the name"
            await name_input.fill(name, timeout=STEP_TIMEOUT_MS)
            result.step = f"edit {e}: choose the performance they saw"  # never assumed: the form starts empty
            result.reopened_lists += await choose(pg, "mentor-performance", "Strong")
            result.step = f"edit {e}: submit"
            await pg.locator(".st-key-mentor-add button").click(timeout=STEP_TIMEOUT_MS)
            result.edits_ms.append(await updated_ms(pg, SHOWS_ALERT, f"Added {name}."))
            result.confirmed.append(name)

        # The sidebar navigation drops the query string; the session must keep its own plan.
        result.step = "switch to Letters in the sidebar"
        await pg.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Letters").click()
        await pg.wait_for_url(re.compile(r"/letters"), timeout=STEP_TIMEOUT_MS)
        result.switch_ms = await updated_ms(
            pg, "document.querySelector('[data-testid=\"stMain\"] h1')?.textContent === 'Letters'"
        )
        result.kept_plan_on_navigation = f"w={result.token}" in pg.url
        result.exceptions_shown = await pg.locator('[data-testid="stException"]').count()
    except Exception as exc:  # one failed session is reported, the others go on
        result.error = f"{result.step}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        with contextlib.suppress(Exception):
            ARTIFACTS.mkdir(exist_ok=True)
            await pg.screenshot(path=str(ARTIFACTS / f"load_test_fail_S{result.index:02d}.png"), timeout=30_000)
    finally:
        await context.close()


@dataclass
class HostileResult:
    """The hostile student: the heavy restore in Chromium, then every page of the heavy plan in a loop."""

    backup: Path
    token: str | None = None
    restore_ms: float | None = None
    refused: str | None = None  # the restore box's sentence, when the app refused the file
    previews: int = 0  # times the refused file was chosen again
    preview_ms: list[float] = field(default_factory=list)
    page_loads_ms: dict[str, list[float]] = field(default_factory=dict)
    rounds: int = 0  # complete passes over every page
    step: str = "start"
    exceptions_shown: int = 0
    error: str | None = None


async def bot_open(url: str, query: str, page: str) -> tuple[float, list[str], int]:
    """Open one page of the app the way a new browser tab does, without drawing it: a new websocket session and
    one script run for ``page`` (its URL path; "" for the Dashboard) with ``query``. Returns the milliseconds until
    the run finished, the page's headings, and how many tracebacks it sent."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    headings: list[str] = []
    exceptions = 0
    started = time.perf_counter()
    async with asyncio.timeout(STEP_TIMEOUT_MS / 1000):
        async with websockets.connect(
            "ws" + url.removeprefix("http") + "/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            origin=websockets.Origin(url),
            max_size=None,
        ) as ws:
            await ws.send(message.SerializeToString())
            async for data in ws:
                forward = ForwardMsg()
                forward.ParseFromString(data)
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    if element.WhichOneof("type") == "heading":
                        headings.append(element.heading.body)
                    elif element.WhichOneof("type") == "exception":
                        exceptions += 1
                elif kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    break
    return (time.perf_counter() - started) * 1000, headings, exceptions


async def hostile_student(browser, url: str, result: HostileResult, others_done: asyncio.Event) -> None:
    """Restore the heaviest valid backup on Share & backup in Chromium, then open every page of that plan, one
    after another with no pause, until the other students are done (the current page load is finished first).

    The page loop runs as a script would (bot_open: a websocket session per page, nothing drawn): as fast as the
    server answers, which is the harder attack on it, and without charging the attacker's own drawing of the
    heavy pages to the other students' share of this machine's two cores (a real attacker's browser runs on the
    attacker's computer, not on the server)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(CLICK_CLOCK)
    pg = await context.new_page()
    try:
        result.step = "open /share"
        await loaded_ms(pg, url + "/share")
        result.step = "restore the backup"
        chooser = pg.locator(".st-key-share-restore-file input[type=file]")
        await chooser.set_input_files(str(result.backup))
        confirm = pg.locator(".st-key-share-restore-confirm")
        refusal = pg.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]')
        await confirm.or_(refusal).first.wait_for(timeout=STEP_TIMEOUT_MS)  # the file is read and previewed
        if not await confirm.count():
            result.refused = (await refusal.first.text_content() or "").strip()
            await choose_again(pg, chooser, result, others_done)
            return
        await confirm.get_by_text("Yes, replace my current plan").click(timeout=STEP_TIMEOUT_MS)
        restore = pg.locator(".st-key-share-restore button")
        await pg.wait_for_function(
            "() => !document.querySelector('.st-key-share-restore button')?.disabled", timeout=STEP_TIMEOUT_MS
        )
        await restore.click(timeout=STEP_TIMEOUT_MS)
        result.restore_ms = await updated_ms(pg, SHOWS_ALERT, "Restored: your plan now holds")
        match = re.search(r"[?&]w=([^&]+)", pg.url)
        if not match:
            raise RuntimeError(f"no private link in the address after the restore: {pg.url}")
        result.token = match.group(1)
    except Exception as exc:  # reported; the others go on
        result.error = f"{result.step}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        with contextlib.suppress(Exception):
            ARTIFACTS.mkdir(exist_ok=True)
            await pg.screenshot(path=str(ARTIFACTS / "load_test_fail_hostile.png"), timeout=30_000)
        return
    finally:
        await context.close()
    try:
        while not others_done.is_set():
            for page in PAGES:
                if others_done.is_set():
                    break
                result.step = f"round {result.rounds + 1}: open /{page}"
                ms, headings, exceptions = await bot_open(url, f"w={result.token}", "" if page == "dashboard" else page)
                if PAGE_TITLES[page] not in headings:
                    raise RuntimeError(f"/{page} drew {headings[:3]}, not its title {PAGE_TITLES[page]!r}")
                result.page_loads_ms.setdefault(page, []).append(ms)
                result.exceptions_shown += exceptions
            else:
                result.rounds += 1
    except Exception as exc:  # reported; the others go on
        result.error = f"{result.step}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"


async def choose_again(pg: Page, chooser, result: HostileResult, others_done: asyncio.Event) -> None:
    """The refused file chosen again and again in the restore box (each time a new upload the server reads) until
    the other students are done: what is left to an attacker whose file is refused. Each time under a new name (a
    browser sends the same file chosen twice in a row only once)."""
    data = result.backup.read_bytes()
    while not others_done.is_set():
        result.step = f"choose the refused file again ({result.previews + 1})"
        remove = pg.locator('.st-key-share-restore-file button[aria-label^="Remove"]')  # the chosen file's ×
        await remove.first.click(timeout=STEP_TIMEOUT_MS)
        await pg.wait_for_function(
            f"() => {STATE} === 'notRunning' && !document.querySelector('[data-testid=\"stMain\"] "
            '[data-testid="stAlertContentError"]\')',
            timeout=STEP_TIMEOUT_MS,
            polling=POLL_MS,
        )
        started = time.perf_counter()
        name = f"plan-{result.previews + 1}.json"
        await chooser.set_input_files({"name": name, "mimeType": "application/json", "buffer": data})
        await pg.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]').first.wait_for(
            timeout=STEP_TIMEOUT_MS
        )
        await pg.wait_for_function(f"() => {STATE} === 'notRunning'", timeout=STEP_TIMEOUT_MS, polling=POLL_MS)
        result.preview_ms.append((time.perf_counter() - started) * 1000)
        result.previews += 1


async def drive(
    url: str, results: list[SessionResult], edits: int, stagger: float, hostile: HostileResult | None = None
) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS)
        try:
            others_done = asyncio.Event()

            async def students() -> None:
                try:
                    await asyncio.gather(*(student(browser, url, r, edits, (r.index - 1) * stagger) for r in results))
                finally:
                    others_done.set()

            extra = [hostile_student(browser, url, hostile, others_done)] if hostile else []
            await asyncio.gather(students(), *extra)
        finally:
            await browser.close()


# -- verification and report ---------------------------------------------------------------------------


def verify(location: str, results: list[SessionResult]) -> dict:
    """Read every session's workspace back through the store: lost writes, leaks, workspace count."""
    store = store_at(location)
    lost: list[str] = []
    leaks: list[str] = []
    for r in results:
        if r.token is None:
            continue
        names = [m.name for m in store.open(r.token).mentors()]
        lost += [n for n in r.confirmed if n not in names]
        for n in names:
            m = NAME.match(n)
            if m and int(m.group(1)) != r.index:
                leaks.append(f"{n} in session {r.index}'s workspace")
        duplicates = {n for n in names if NAME.match(n) and names.count(n) > 1}
        leaks += [f"{n} stored twice in session {r.index}'s workspace" for n in sorted(duplicates)]
    tokens = [r.token for r in results if r.token]
    return {
        "lost_writes": lost,
        "leaks": leaks,
        "workspaces": store.workspace_count(),
        "distinct_tokens": len(set(tokens)) == len(tokens),
    }


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))], 1)


def stats(values: list[float]) -> dict:
    return {
        "p50": pct(values, 0.5),
        "p95": pct(values, 0.95),
        "max": round(max(values), 1) if values else None,
        "mean": round(statistics.fmean(values), 1) if values else None,
        "count": len(values),
    }


def page_times(results: list[SessionResult]) -> list[float]:
    """Every wait of the (non-hostile) students: page loads, edits and the page switch, in ms."""
    return [x for r in results for x in [*r.page_loads_ms, *r.edits_ms, *([r.switch_ms] if r.switch_ms else [])]]


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def summarize(args, results: list[SessionResult], check: dict, measured: dict) -> dict:
    sessions = len(results)
    rss, hwm_kb = measured["rss_kb"], measured["hwm_kb"]
    run_wall, run_cpu = measured["script_runs"]
    busy, total = measured["machine_cpu"]
    return {
        "sessions": sessions,
        "edits_per_session": args.edits,
        "edits_confirmed": sum(len(r.confirmed) for r in results),
        "edits_expected": sessions * args.edits,
        "edit_latency_ms": stats([x for r in results for x in r.edits_ms]),
        "page_load_latency_ms": stats([x for r in results for x in r.page_loads_ms]),
        "page_switch_latency_ms": stats([r.switch_ms for r in results if r.switch_ms is not None]),
        "page_time_ms": stats(page_times(results)),
        "server_script_run_ms": {"wall": stats(run_wall), "cpu": stats(run_cpu)},
        "server_rss_mb": {
            "peak": round(max([*rss, hwm_kb]) / 1024, 1),
            "peak_sampled": round(max(rss) / 1024, 1) if rss else None,
            "vm_hwm": round(hwm_kb / 1024, 1),
            "start": round(rss[0] / 1024, 1) if rss else None,
            "end": round(rss[-1] / 1024, 1) if rss else None,
            "samples": len(rss),
        },
        "server_cpu_seconds": round(measured["server_cpu"], 1),
        "browser_cpu_seconds": round(measured["browser_cpu"], 1),
        "load_test_client_cpu_seconds": round(measured["client_cpu"], 1),
        "machine_cpu_busy_seconds": round(busy, 1),
        "machine_cpu_capacity_seconds": round(total, 1),
        "lost_writes": len(check["lost_writes"]),
        "lost_write_names": check["lost_writes"][:50],
        "cross_workspace_leaks": len(check["leaks"]),
        "leak_details": check["leaks"][:50],
        "workspaces": check["workspaces"],
        "workspaces_match_sessions": check["workspaces"] == sessions + measured["extra_plans"]
        and check["distinct_tokens"],
        "navigation_kept_plan": sum(1 for r in results if r.kept_plan_on_navigation),
        "exceptions_shown": sum(r.exceptions_shown for r in results),
        "option_lists_reopened": sum(r.reopened_lists for r in results),
        "server_log_tracebacks": measured["server_log"].count("Traceback"),
        "session_errors": [f"S{r.index:02d}: {r.error}" for r in results if r.error],
        "wall_time_s": round(measured["wall"], 1),
        "load_average_at_start": measured["load_before"],
        "load_average_at_end": measured["load_after"],
        "cpu_count": os.cpu_count(),
        "stagger_s": args.stagger,
    }


def ok(report: dict) -> bool:
    return (
        report["lost_writes"] == 0
        and report["cross_workspace_leaks"] == 0
        and report["workspaces_match_sessions"]
        and report["edits_confirmed"] == report["edits_expected"]
        and report["navigation_kept_plan"] == report["sessions"]
        and not report["session_errors"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--stagger", type=float, default=0.5, help="seconds between session starts")
    parser.add_argument("--timeout", type=float, default=900, help="limit for the whole browser run, seconds")
    parser.add_argument("--json", type=Path, default=ARTIFACTS / "load_test.json")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite", help="where plans live")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOR_LOAD_DATABASE_URL", POSTGRES_ADMIN_URL),
        help="with --database postgres: a server and a role that may create databases",
    )
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="a baseline run, then one with a hostile student (heavy restore, every page in a loop); compare",
    )
    parser.add_argument(
        "--hostile-backup",
        choices=["heavy", "settings", "settings-text"],
        default="heavy",
        help="with --hostile: the heaviest valid backup, or the attacker's 5 MB settings backup (see above)",
    )
    args = parser.parse_args(argv)
    if not (1 <= args.sessions <= 200 and 1 <= args.edits <= 500):
        parser.error("--sessions must be 1..200 and --edits 1..500")

    args.json.parent.mkdir(parents=True, exist_ok=True)
    if not args.hostile:
        report = fresh_run(args, args.sessions, hostile=False)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"{'PASS' if report['passed'] else 'FAIL'}: report in {args.json}")
        return 0 if report["passed"] else 1
    if args.sessions < 2:
        parser.error("--hostile needs --sessions 2 or more (one of them is the hostile student)")
    baseline = fresh_run(args, args.sessions - 1, hostile=False)
    attacked = fresh_run(args, args.sessions - 1, hostile=True)
    comparison = compare(baseline, attacked)
    args.json.write_text(json.dumps({"baseline": baseline, "hostile": attacked, "comparison": comparison}, indent=2))
    print(
        f"Hostile student ({args.database}): the other {args.sessions - 1} students' p95 page time "
        f"{comparison['others_p95_page_time_ms']['hostile']} ms vs {comparison['others_p95_page_time_ms']['baseline']}"
        f" ms without it: {comparison['others_p95_page_time_ratio']}x (goal <= {P95_GOAL}x); page loads alone "
        f"{comparison['others_p95_page_load_ratio']}x, edits {comparison['others_p95_edit_ratio']}x; server peak RSS "
        f"{comparison['hostile_server_peak_mb']} MB (goal < {RSS_GOAL_MB} MB; {comparison['baseline_server_peak_mb']}"
        " MB without it)"
    )
    print(f"{'PASS' if comparison['passed'] else 'FAIL'}: report in {args.json}")
    return 0 if comparison["passed"] else 1


P95_GOAL = 1.5  # the others' p95 page time with a hostile student, over the same without one
RSS_GOAL_MB = 600  # the server's peak memory with a hostile student (Community Cloud's smallest tier: ~690 MB)


def _ratio(after: float | None, before: float | None) -> float | None:
    return round(after / before, 2) if after is not None and before else None


def compare(baseline: dict, attacked: dict) -> dict:
    """The hostile run against the baseline: the others' p95 waits and the server's peak memory, with the goals."""
    ratio = _ratio(attacked["page_time_ms"]["p95"], baseline["page_time_ms"]["p95"])
    peak = attacked["server_rss_mb"]["peak"]
    return {
        "others_p95_page_time_ms": {
            "baseline": baseline["page_time_ms"]["p95"],
            "hostile": attacked["page_time_ms"]["p95"],
        },
        "others_p95_page_time_ratio": ratio,
        "others_p95_page_load_ratio": _ratio(
            attacked["page_load_latency_ms"]["p95"], baseline["page_load_latency_ms"]["p95"]
        ),
        "others_p95_edit_ratio": _ratio(attacked["edit_latency_ms"]["p95"], baseline["edit_latency_ms"]["p95"]),
        "others_p50_page_time_ratio": _ratio(attacked["page_time_ms"]["p50"], baseline["page_time_ms"]["p50"]),
        "hostile_server_peak_mb": peak,
        "baseline_server_peak_mb": baseline["server_rss_mb"]["peak"],
        "server_cpu_seconds": {"baseline": baseline["server_cpu_seconds"], "hostile": attacked["server_cpu_seconds"]},
        "goal_p95_ratio": P95_GOAL,
        "goal_peak_mb": RSS_GOAL_MB,
        "passed": bool(
            baseline["passed"] and attacked["passed"] and ratio is not None and ratio <= P95_GOAL and peak < RSS_GOAL_MB
        ),
    }


def fresh_run(args: argparse.Namespace, sessions: int, *, hostile: bool) -> dict:
    """One load test on a fresh server and a fresh database (a new PostgreSQL database with --database postgres)."""
    if args.database == "postgres":
        with postgres_database(args.database_url, prefix="lor_load") as url:
            return run(args, url, sessions=sessions, hostile=hostile)
    return run(args, None, sessions=sessions, hostile=hostile)


def run(args: argparse.Namespace, database_url: str | None, *, sessions: int, hostile: bool = False) -> dict:
    """One load test on a fresh server (plans in ``database_url``, else a temporary SQLite file); prints and
    returns its report. ``hostile``: one more session, the hostile student, besides the ``sessions`` students."""
    measured: dict = {"load_before": [round(x, 2) for x in os.getloadavg()]}
    tmp = Path(tempfile.mkdtemp(prefix="lor-load-"))
    bad = None
    if hostile:
        day = date.fromisoformat(TODAY)
        kind = getattr(args, "hostile_backup", "heavy")
        backup = tmp / f"{kind}-plan.json"
        text = (
            heavy_document(day)
            if kind == "heavy"
            else settings_attack_document(day, random_text=kind == "settings-text")
        )
        backup.write_text(text, encoding="utf-8")
        bad = HostileResult(backup=backup)
    server = start_server(tmp, database_url)
    sampler = Sampler(server.proc.pid)
    sampler.start()
    started, cpu_before = time.perf_counter(), machine_cpu_seconds()
    results = [SessionResult(index=i) for i in range(1, sessions + 1)]
    try:
        try:
            asyncio.run(asyncio.wait_for(drive(server.url, results, args.edits, args.stagger, bad), args.timeout))
        except TimeoutError:
            print(f"TIMEOUT: the browser run took more than {args.timeout:.0f} s", file=sys.stderr)
            for r in results:
                if r.error is None and r.kept_plan_on_navigation is None:
                    r.error = f"{r.step}: stopped by the overall time limit"
        measured["wall"] = time.perf_counter() - started
        mine = os.times()
        measured["client_cpu"] = mine.user + mine.system
        cpu_after = machine_cpu_seconds()
        measured["machine_cpu"] = (cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1])
        measured["load_after"] = [round(x, 2) for x in os.getloadavg()]
        measured["hwm_kb"] = max(status_kb(p, "VmHWM") for p in process_tree(server.proc.pid))
        measured["server_cpu"] = sum(cpu_seconds(p) for p in process_tree(server.proc.pid))
    finally:
        sampler.stop()
        server.stop()
    check = verify(database_url or str(server.db), results)
    measured["rss_kb"] = sampler.samples_kb
    measured["browser_cpu"] = sum(sampler.browser_cpu.values())
    measured["script_runs"] = script_runs(tmp / "runs.log")
    measured["server_log"] = (tmp / "server.log").read_text(errors="replace")
    measured["extra_plans"] = 1 if bad is not None and bad.token else 0
    report = summarize(args, results, check, measured)
    report["database"] = args.database
    report["edits_per_server_cpu_second"] = round(report["edits_confirmed"] / max(measured["server_cpu"], 0.1), 1)
    if bad is not None:
        report["hostile_student"] = {
            "backup": getattr(args, "hostile_backup", "heavy"),
            "restore_ms": round(bad.restore_ms, 1) if bad.restore_ms is not None else None,
            "refused": bad.refused,
            "refused_file_chosen_again": bad.previews,
            "refused_file_preview_ms": stats(bad.preview_ms),
            "rounds_over_every_page": bad.rounds,
            "page_load_ms": {page: stats(times) for page, times in bad.page_loads_ms.items()},
            "exceptions_shown": bad.exceptions_shown,
            "error": bad.error,
        }
        if bad.error:
            report["session_errors"].append(f"hostile: {bad.error}")
        report["exceptions_shown"] += bad.exceptions_shown
    report["passed"] = ok(report)

    title = "with a hostile student" if hostile else "baseline" if args.hostile else ""
    print(f"{report['sessions']} sessions x {report['edits_per_session']} edits in {report['wall_time_s']} s {title}")
    print(f"  edits confirmed {report['edits_confirmed']}/{report['edits_expected']} ({args.database})")
    print(f"  edits per second of server CPU: {report['edits_per_server_cpu_second']}")
    for title, key in [
        ("edit latency", "edit_latency_ms"),
        ("page load", "page_load_latency_ms"),
        ("page switch", "page_switch_latency_ms"),
        ("page time (all)", "page_time_ms"),
    ]:
        v = report[key]
        print(f"  {title + ' ms:':17} p50 {v['p50']}  p95 {v['p95']}  max {v['max']}  (n={v['count']})")
    w, c = report["server_script_run_ms"]["wall"], report["server_script_run_ms"]["cpu"]
    print(
        f"  server script run ms: wall p50 {w['p50']} p95 {w['p95']}; cpu p50 {c['p50']} p95 {c['p95']}"
        f" (n={w['count']})"
    )
    m = report["server_rss_mb"]
    print(f"  server RSS MB: peak {m['peak']} (VmHWM {m['vm_hwm']}), start {m['start']}, end {m['end']}")
    print(
        f"  CPU s: server {report['server_cpu_seconds']}, Chromium+driver {report['browser_cpu_seconds']},"
        f" this script {report['load_test_client_cpu_seconds']}, whole machine {report['machine_cpu_busy_seconds']}"
        f" of {report['machine_cpu_capacity_seconds']}; load average {report['load_average_at_start']}"
        f" -> {report['load_average_at_end']}"
    )
    print(
        f"  lost writes {report['lost_writes']}, leaks {report['cross_workspace_leaks']}, "
        f"workspaces {report['workspaces']}, navigation kept plan {report['navigation_kept_plan']}, "
        f"exceptions shown {report['exceptions_shown']}, server tracebacks {report['server_log_tracebacks']}, "
        f"option lists reopened {report['option_lists_reopened']}"
    )
    if bad is not None:
        h = report["hostile_student"]
        loads = ", ".join(f"{page} p50 {v['p50']}" for page, v in h["page_load_ms"].items())
        print(f"  hostile student: restore {h['restore_ms']} ms, {h['rounds_over_every_page']} rounds; page ms {loads}")
        if h["refused"]:
            print(
                f"  hostile student's {h['backup']} backup refused ({h['refused'][:90]}...); chosen again "
                f"{h['refused_file_chosen_again']} times, preview ms p50 {h['refused_file_preview_ms']['p50']}"
            )
    for line in report["session_errors"]:
        print("  ERROR", line)
    print(f"  {'passed' if report['passed'] else 'FAILED'} its checks")
    return report


if __name__ == "__main__":
    sys.exit(main())
