"""What a student waits for in a real browser, and what the server pays for it: `python -m tools.bench browser`.

Starts `streamlit run app.py` (local mode, LOR_TODAY pinned) on the example plan and on the class-scale plan, and
a bare Streamlit page with one button, each as its own server, and drives them with headless Chromium. For every
action it reads the server process's CPU time from /proc/<pid>/stat (user + system, all threads) before the
action and once the page has settled, and the time from the action (click or key) to the settled page on the
page's own clock. "Settled": the script is idle and has stayed idle for QUIET_MS (a click that saves and calls
st.rerun runs the script twice with a short idle gap between).

Measured per plan: a full rerun of each page (the "r" key, as Streamlit's own rerun shortcut), opening each page
from the sidebar, and the common interactions (Done on a step, add a writer, plan a letter, change one field of
a writer, change a letter's status, switch the Timeline view). The bare page gives the floor in the same run:
its rerun for the reruns and its button click for the interactions; every figure is also given as a ratio to it,
which is steadier than the absolute numbers on a shared machine. Reported, never asserted in tests.

``--plan heavy`` (with ``--plan example``) adds the plan at every limit (tools/heavy_plan.py) and
``heavy_vs_example``: each page's rerun on it as a multiple of the example plan's, server CPU and settled time.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from tools.browser import CHROMIUM_FLAGS, ROOT, Server, choose, find_chromium, postgres_database, wait_for_app
from tools.class_plan import TODAY, class_scale_document

PAGES = {
    "dashboard": "Dashboard",
    "recommenders": "Choose recommenders",
    "letters": "Letters",
    "timeline": "Timeline",
    "faq": "FAQ guidance",
    "share": "Share & backup",
}
BARE_PAGE = 'import streamlit as st\n\nst.title("Bare page")\nst.button("Click", key="bare-button")\n'
QUIET_MS = 400  # the script must stay idle this long to count as settled
STEP_TIMEOUT_S = 120.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# Every transition of the script's state is stamped on the page's clock; a click stamps __lorClick.
PAGE_CLOCK = """
window.__lorIdleAt = 0; window.__lorRunAt = 0; window.__lorClick = 0;
document.addEventListener('click', () => { window.__lorClick = performance.now(); }, true);
const watch = () => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) { setTimeout(watch, 20); return; }
  new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') window.__lorRunAt = performance.now();
    else window.__lorIdleAt = performance.now();
  }).observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
};
document.addEventListener('DOMContentLoaded', watch);
"""
STATE = "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (every thread), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Driver:
    """One browser page on one server: actions timed from the action to the settled page, with the server's CPU."""

    def __init__(self, browser, server: Server):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(PAGE_CLOCK)
        self.pg = self.context.new_page()

    def close(self) -> None:
        self.context.close()

    def settle(self, since: float) -> float:
        """Wait until the script ran after ``since`` (page clock) and has been idle for QUIET_MS; returns the
        milliseconds from ``since`` to the moment it went idle."""
        deadline = time.monotonic() + STEP_TIMEOUT_S
        started = False
        while time.monotonic() < deadline:
            state, run_at, idle_at, now = self.pg.evaluate(
                f"() => [{STATE}, window.__lorRunAt, window.__lorIdleAt, performance.now()]"
            )
            started = started or run_at >= since
            if state == "running":
                started = True
            elif (started or now - since > 2000) and now - max(idle_at, since) >= QUIET_MS:
                return max(idle_at - since, 0.0)
            time.sleep(0.03)
        raise TimeoutError("the page did not settle")

    def timed(self, act: Callable[[], None], *, stamp: bool = False) -> dict[str, float]:
        """Run ``act`` (a click stamps the clock itself; ``stamp`` stamps it just before, for keys) and measure."""
        self.settle(self.pg.evaluate("performance.now()") - QUIET_MS)  # start from a quiet page
        before = server_cpu_seconds(self.server.proc.pid)
        if stamp:
            self.pg.evaluate("window.__lorClick = performance.now()")
        else:
            self.pg.evaluate("window.__lorClick = -1")
        act()
        since = float(self.pg.evaluate("window.__lorClick"))
        if since < 0:
            raise RuntimeError("the action made no click")
        settled = self.settle(since)
        cpu = server_cpu_seconds(self.server.proc.pid) - before
        return {"settle_ms": settled, "cpu_ms": 1000 * cpu}

    def open(self, path: str = "/") -> None:
        self.pg.goto(self.server.url + path, timeout=STEP_TIMEOUT_S * 1000)
        self.pg.wait_for_function(
            f"() => {STATE} === 'notRunning' && !!document.querySelector('[data-testid=\"stMain\"] h1')",
            timeout=STEP_TIMEOUT_S * 1000,
        )
        self.settle(self.pg.evaluate("performance.now()") - QUIET_MS)

    def rerun(self) -> dict[str, float]:
        """A full rerun of the page shown, through Streamlit's "r" shortcut."""

        def press() -> None:
            self.pg.locator('[data-testid="stMain"] h1').first.click()  # focus the page, not an input
            self.pg.evaluate("window.__lorClick = performance.now()")
            self.pg.keyboard.press("r")

        return self.timed(press, stamp=True)

    def nav(self, page: str) -> dict[str, float]:
        """Open a page from the sidebar, as a student switches page."""
        link = self.pg.get_by_test_id("stSidebarNavItems").get_by_role("link", name=PAGES[page], exact=True)
        return self.timed(link.click)

    def visible_key(self, pattern: str) -> str | None:
        """The widget key (st-key-…) of the first visible element whose key matches the regex ``pattern``."""
        return self.pg.evaluate(
            """(pattern) => {
                const re = new RegExp('^st-key-(' + pattern + ')$');
                for (const el of document.querySelectorAll('[class*="st-key-"]')) {
                    const folded = el.closest('details:not([open])');
                    if (folded || !el.checkVisibility() || el.getBoundingClientRect().height === 0) continue;
                    for (const c of el.classList) { const m = c.match(re); if (m) return m[1]; }
                }
                return null;
            }""",
            pattern,
        )


def _median(samples: list[dict[str, float]]) -> dict[str, Any]:
    if not samples:
        return {}
    return {
        "cpu_ms": round(statistics.median(s["cpu_ms"] for s in samples), 1),
        "settle_ms": round(statistics.median(s["settle_ms"] for s in samples), 1),
        "n": len(samples),
    }


# -- the interactions, each repeated on the plan shown; each returns its samples (empty when not possible) ---


def _click_each(d: Driver, path: str, pattern: str, repeats: int) -> list[dict[str, float]]:
    """Open ``path``, then click the first visible button whose key matches ``pattern``, ``repeats`` times."""
    d.open(path)
    out = []
    for _ in range(repeats):
        key = d.visible_key(pattern)
        if key is None:
            break
        out.append(d.timed(d.pg.locator(f".st-key-{key} button").first.click))
    return out


def done_on_a_step(d: Driver, repeats: int) -> list[dict[str, float]]:
    return _click_each(d, "/", r"dash-done-[^ ]+", repeats)


def add_a_writer(d: Driver, repeats: int) -> list[dict[str, float]]:
    d.open("/recommenders")
    out = []
    for i in range(repeats):
        d.pg.locator('[data-testid="stMain"] h1').first.click()  # close any list left open by the last step
        wait_for_app(d.pg)  # the form's open/closed state is only final once the page is drawn
        form = d.pg.locator('[data-testid="stExpander"]').filter(has=d.pg.locator(".st-key-mentor-name"))
        if form.locator("details").first.get_attribute("open") is None:  # never click an open form shut
            form.locator("summary").first.click()
        d.pg.locator(".st-key-mentor-name input").fill(f"Bench Writer {i + 1}")
        wait_for_app(d.pg)  # typing runs nothing (the form holds it until Add); a settled page before the list
        choose(d.pg, "mentor-performance", "Strong")  # typed, as the tests do: the option list redraws while open
        out.append(d.timed(d.pg.locator(".st-key-mentor-add button").click))
    return out


def _open_panel_holding(d: Driver, pattern: str, summary_text: str) -> str | None:
    """Open the first card's collapsed panel (by its label) that holds a widget matching ``pattern``; returns the
    key of that widget once visible."""
    key = d.visible_key(pattern)
    if key:
        return key
    panel = d.pg.locator('[data-testid="stExpander"] summary').filter(has_text=summary_text).first
    if not panel.count():
        return None
    panel.scroll_into_view_if_needed()
    panel.click()
    d.settle(d.pg.evaluate("performance.now()") - QUIET_MS)
    return d.visible_key(pattern)


def plan_a_letter(d: Driver, repeats: int) -> list[dict[str, float]]:
    d.open("/recommenders")
    out = []
    for _ in range(repeats):
        key = _open_panel_holding(d, r"mentor-.+-plan", "Plan a")
        if key is None:
            break
        out.append(d.timed(d.pg.locator(f".st-key-{key} button").first.click))
    return out


def change_a_writer_field(d: Driver, repeats: int) -> list[dict[str, float]]:
    d.open("/recommenders")
    key = _open_panel_holding(d, r"mentor-.+-weeks", "Edit details")
    if key is None:
        return []
    out = []
    box = d.pg.locator(f".st-key-{key} input").first
    for i in range(repeats):
        box.fill(str(20 + i))

        out.append(d.timed(partial(box.press, "Tab"), stamp=True))
        box = d.pg.locator(f".st-key-{key} input").first
    return out


def change_a_letter_status(d: Driver, repeats: int) -> list[dict[str, float]]:
    return _click_each(d, "/letters", r"letter-.+-move-(asked|agreed|packet_sent|submitted|thanked)", repeats)


def switch_the_timeline_view(d: Driver, repeats: int) -> list[dict[str, float]]:
    d.open("/timeline")
    views = d.pg.locator(".st-key-timeline-view button")
    if not views.count():
        return []  # this version draws every view at once: nothing to switch
    out = []
    names = views.all_inner_texts()
    for i in range(repeats):
        name = names[(i + 1) % len(names)]
        out.append(d.timed(d.pg.locator(".st-key-timeline-view button").filter(has_text=name).first.click))
    return out


INTERACTIONS: dict[str, Callable[[Driver, int], list[dict[str, float]]]] = {
    "done_on_a_step": done_on_a_step,
    "add_a_writer": add_a_writer,
    "plan_a_letter": plan_a_letter,
    "change_a_writer_field": change_a_writer_field,
    "change_a_letter_status": change_a_letter_status,
    "switch_the_timeline_view": switch_the_timeline_view,
}


# -- the servers ---------------------------------------------------------------------------------------------


@contextmanager
def _server(tmp: Path, *, app_dir: Path, script: str, document: str | None, env: dict[str, str]) -> Iterator[Server]:
    from lor.store import store_at

    location = env.get("LOR_DATABASE_URL") or str(tmp / "browser.db")
    if document is not None:
        os.environ["LOR_TODAY"] = TODAY.isoformat()  # the servers' day: a plan's dates are checked against it
        db = store_at(location)
        try:
            db.import_json(db.default_workspace(), document)
        finally:
            db.close()
    server = Server(
        tmp, shared=False, env={"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", **env}, root=app_dir, script=script
    )
    try:
        yield server
    finally:
        server.stop()


PLAN_NAMES = ("example", "class", "heavy")


def _plans(only: list[str] | None) -> dict[str, Callable[[], str]]:
    from lor.example import example_document
    from tools.heavy_plan import heavy_document

    plans = {
        "example": lambda: example_document(TODAY),
        "class": lambda: class_scale_document(TODAY),
        "heavy": lambda: heavy_document(TODAY),  # at every plan limit; measured only when asked for
    }
    return {k: v for k, v in plans.items() if (k in only if only else k != "heavy")}


def measure(
    *,
    quick: bool = False,
    app_dir: Path = ROOT,
    plans: list[str] | None = None,
    database_url: str | None = None,  # a PostgreSQL server (a role that may create databases); None: SQLite
    pages: list[str] | None = None,
    interactions: list[str] | None = None,
) -> dict[str, Any]:
    """The whole browser bench as a dict (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    reruns, repeats = (3, 2) if quick else (6, 3)
    chosen_pages = pages or list(PAGES)
    chosen_interactions = interactions or list(INTERACTIONS)
    out: dict[str, Any] = {
        "app_dir": str(app_dir),
        "database": "postgres" if database_url else "sqlite",
        "reruns": reruns,
        "repeats": repeats,
        "quiet_ms": QUIET_MS,
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(), headless=True, args=["--headless", *CHROMIUM_FLAGS]
        )
        try:
            with tempfile.TemporaryDirectory(prefix="lor-bench-bare-") as tmp:
                bare_dir = Path(tmp)
                (bare_dir / "bare.py").write_text(BARE_PAGE, encoding="utf-8")
                with _server(bare_dir, app_dir=bare_dir, script="bare.py", document=None, env={}) as server:
                    d = Driver(browser, server)
                    d.open("/")
                    bare_rerun = _median([d.rerun() for _ in range(reruns)])
                    bare_click = _median(
                        [d.timed(d.pg.locator(".st-key-bare-button button").click) for _ in range(reruns)]
                    )
                    d.close()
            out["bare_page"] = {"rerun": bare_rerun, "button_click": bare_click, "load_average": os.getloadavg()}
            for plan, document in _plans(plans).items():
                with (
                    tempfile.TemporaryDirectory(prefix=f"lor-bench-{plan}-") as tmp,
                    postgres_database(database_url, prefix="lor_bench") if database_url else nullcontext() as url,
                    _server(Path(tmp), app_dir=app_dir, script="app.py", document=document(), env=_env(url)) as server,
                ):
                    out[plan] = _measure_plan(browser, server, chosen_pages, chosen_interactions, reruns, repeats)
                    out[plan]["load_average"] = os.getloadavg()
        finally:
            browser.close()
    _add_ratios(out)
    if "example" in out and "heavy" in out:
        out["heavy_vs_example"] = {
            page: {
                "cpu": round(out["heavy"]["pages"][page]["rerun"]["cpu_ms"] / max(timing["rerun"]["cpu_ms"], 1.0), 2),
                "settle": round(
                    out["heavy"]["pages"][page]["rerun"]["settle_ms"] / max(timing["rerun"]["settle_ms"], 1.0), 2
                ),
            }
            for page, timing in out["example"]["pages"].items()
            if page in out["heavy"]["pages"]
        }
    return out


def _env(database_url: str | None) -> dict[str, str]:
    return {"LOR_DATABASE_URL": database_url} if database_url else {}


def _measure_plan(browser, server: Server, pages: list[str], interactions: list[str], reruns: int, repeats: int):
    result: dict[str, Any] = {"pages": {}, "interactions": {}}
    d = Driver(browser, server)
    try:
        d.open("/")
        for page in pages:
            if page != "dashboard":
                opened = d.nav(page)
            else:
                d.nav("faq")
                opened = d.nav("dashboard")
            runs = [d.rerun() for _ in range(reruns)]
            result["pages"][page] = {"rerun": _median(runs), "open": _median([opened])}
        for name in interactions:
            with _reported(result, name):
                result["interactions"][name] = _median(INTERACTIONS[name](d, repeats))
    finally:
        d.close()
    return result


@contextmanager
def _reported(result: dict[str, Any], name: str) -> Iterator[None]:
    # One interaction that fails (a layout this version does not have) is reported, the others go on.
    try:
        yield
    except Exception as exc:
        result["interactions"][name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}


def _add_ratios(out: dict[str, Any]) -> None:
    bare = out["bare_page"]
    for plan in PLAN_NAMES:
        if plan not in out:
            continue
        for timing in out[plan]["pages"].values():
            _ratio(timing["rerun"], bare["rerun"])
            _ratio(timing["open"], bare["button_click"])
        for timing in out[plan]["interactions"].values():
            _ratio(timing, bare["button_click"])


def _ratio(timing: dict[str, Any], floor: dict[str, Any]) -> None:
    if "cpu_ms" not in timing:
        return
    timing["cpu_ratio"] = round(timing["cpu_ms"] / max(floor["cpu_ms"], 1.0), 1)
    timing["settle_ratio"] = round(timing["settle_ms"] / max(floor["settle_ms"], 1.0), 1)


def table(out: dict[str, Any]) -> str:
    """The bench as a Markdown table: server CPU and settle time per action, each with its ratio to the bare page."""
    bare = out["bare_page"]
    plans = [p for p in PLAN_NAMES if p in out]
    head = "| action | " + " | ".join(f"{p}: server CPU (× bare) | {p}: settled (× bare)" for p in plans) + " |"
    rows = [head, "|---|" + "---|---|" * len(plans)]

    def cell(t: dict[str, Any] | None) -> str:
        if not t or "cpu_ms" not in t:
            return "— | —"
        return f"{t['cpu_ms']:.0f} ms ({t['cpu_ratio']}) | {t['settle_ms']:.0f} ms ({t['settle_ratio']})"

    b_rerun = f"{bare['rerun']['cpu_ms']:.0f} ms (1) | {bare['rerun']['settle_ms']:.0f} ms (1)"
    b_click = f"{bare['button_click']['cpu_ms']:.0f} ms (1) | {bare['button_click']['settle_ms']:.0f} ms (1)"
    rows.append("| bare page: rerun | " + " | ".join([b_rerun] * len(plans)) + " |")
    rows.append("| bare page: button click | " + " | ".join([b_click] * len(plans)) + " |")
    for page, title in PAGES.items():
        if any(page in out[p]["pages"] for p in plans):
            rows.append(
                f"| {title}: rerun | "
                + " | ".join(cell(out[p]["pages"].get(page, {}).get("rerun")) for p in plans)
                + " |"
            )
    for page, title in PAGES.items():
        if any(page in out[p]["pages"] for p in plans):
            rows.append(
                f"| open {title} | " + " | ".join(cell(out[p]["pages"].get(page, {}).get("open")) for p in plans) + " |"
            )
    for name in INTERACTIONS:
        if any(name in out[p]["interactions"] for p in plans):
            words = name.replace("_", " ").capitalize()
            rows.append(f"| {words} | " + " | ".join(cell(out[p]["interactions"].get(name)) for p in plans) + " |")
    return "\n".join(rows)
