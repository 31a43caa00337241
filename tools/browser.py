"""A live Streamlit server for browser tests, the load test and screenshots; waiting for a run, screenshots."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tools import class_plan

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
TODAY = class_plan.TODAY.isoformat()  # the day every test server is pinned to (LOR_TODAY)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """Debian's chromium, else None (then Playwright's own browser is tried)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


POSTGRES_ADMIN_URL = "postgresql://lor_ci:lor_ci@localhost:5432/postgres"  # a role allowed to create databases


@contextmanager
def postgres_database(admin_url: str = POSTGRES_ADMIN_URL, *, prefix: str = "lor_tool") -> Iterator[str]:
    """The address of a new, empty PostgreSQL database on ``admin_url``'s server, dropped afterwards (for the load
    test and the bench: a run never shares a database with anything else)."""
    import psycopg

    from lor.store.postgres import close_all_pools

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(admin_url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        close_all_pools()
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running Streamlit server on loopback with its own database file."""

    def __init__(
        self,
        tmp: Path,
        *,
        shared: bool,
        env: dict[str, str] | None = None,
        root: Path = ROOT,
        script: str = "app.py",
        port: int | None = None,
    ):
        """``root``: the checkout to serve (another one for a before/after comparison); ``script``: its main file;
        ``port``: one chosen beforehand (a sign-in test writes it into [auth] redirect_uri first)."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = tmp / "browser.db"
        env = {
            **os.environ,
            "LOR_DB": str(self.db),
            "LOR_TODAY": TODAY,
            "LOR_SHARED": "1" if shared else "0",
            **(env or {}),  # e.g. LOR_DATABASE_URL: plans on a PostgreSQL server instead
        }
        self.log = (tmp / "server.log").open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                # A test server must not reload modules when a file changes under it mid-run.
                "--server.fileWatcherType",
                "none",
            ],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("streamlit exited early; see server.log")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def wait_for_app(pg, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script and the page title is drawn."""
    pg.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && document.querySelector('[data-testid="stMain"] h1');
        }""",
        timeout=timeout,
    )
    pg.wait_for_timeout(300)


def open_panel(pg, key: str, inside: str) -> None:
    """Open the expander ``.st-key-{key}`` (unless it is open) and wait until the rerun that draws its contents
    (``inside``, a selector) has finished: a click that lands while that rerun is still drawing can be lost."""
    if pg.locator(f".st-key-{key} details").first.get_attribute("open") is None:
        pg.locator(f".st-key-{key} summary").first.click()
    pg.locator(inside).first.wait_for(state="visible")
    wait_for_app(pg)


def shot(pg, name: str, *, max_height: int = 6000) -> Path:
    """Screenshot the whole app: grow the viewport to the main column's height first (Streamlit scrolls
    inside its own container, so a plain full-page screenshot would stop at the window's edge)."""
    ARTIFACTS.mkdir(exist_ok=True)
    width = pg.viewport_size["width"] if pg.viewport_size else 1400
    height = pg.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    pg.set_viewport_size({"width": width, "height": min(max(int(height) + 40, 800), max_height)})
    pg.wait_for_timeout(500)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path))
    return path


def exceptions_on(pg) -> list[str]:
    return [e.inner_text() for e in pg.query_selector_all('[data-testid="stException"]')]


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(pg, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core (WCAG 2 A/AA) on the page and on every frame in it (the calendar is an iframe), as a list of
    {rule, impact, frame, target, html, summary}, one per failing element, keeping only the given impacts."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    script = Axe().axe_script
    found = []
    for frame in pg.frames:
        try:
            frame.evaluate(script)
            result = frame.evaluate(
                "opts => axe.run(document, opts)",
                {"runOnly": {"type": "tag", "values": AXE_TAGS}, "iframes": False, "resultTypes": ["violations"]},
            )
        except Exception:  # a frame that went away or never loaded (about:blank) has nothing to check
            continue
        where = "page" if frame == pg.main_frame else (frame.url.split("?")[0] or "frame")
        for rule in result["violations"]:
            if rule.get("impact") not in impacts:
                continue
            for node in rule["nodes"]:
                found.append(
                    {
                        "rule": rule["id"],
                        "impact": rule.get("impact"),
                        "frame": where,
                        "target": " ".join(map(str, node.get("target", []))),
                        "html": node.get("html", "")[:160],
                        "summary": (node.get("failureSummary") or "").replace("\n", " ")[:240],
                    }
                )
    return found


# -- driving Streamlit widgets by their keys (each widget's container carries the class st-key-<key>) -------


def fill(pg, key: str, text: str) -> None:
    """Type into a text or number input and leave it (Tab), as a person would."""
    box = pg.locator(f".st-key-{key} input, .st-key-{key} textarea").first
    box.click()
    box.fill(text)
    box.press("Tab")


def fill_date(pg, key: str, day) -> None:
    """Type a day into a date input (year, month and day segments, as on the keyboard) and leave it."""
    year = pg.locator(f".st-key-{key} [data-type='year']")
    year.scroll_into_view_if_needed()
    year.focus()  # a click would open the date picker, which makes the rest of the page inert until it closes
    pg.keyboard.type(f"{day.year:04d}{day.month:02d}{day.day:02d}")
    pg.keyboard.press("Enter")
    pg.locator('[data-testid="stMain"] h1').first.click()  # leaving the field commits the day it shows


def date_shown(pg, key: str) -> str:
    """What a date input shows, "2027/02/03", or its placeholders ("yyyy/mm/dd") when empty."""
    parts = pg.locator(
        f".st-key-{key} [data-type='year'], .st-key-{key} [data-type='month'], .st-key-{key} [data-type='day']"
    )
    return "/".join(t.strip() for t in parts.all_inner_texts())


def choose(pg, key: str, option: str) -> None:
    """Pick an option of a selectbox by its visible label."""
    box = pg.locator(f".st-key-{key} input")
    box.scroll_into_view_if_needed()
    box.click()  # the box itself: a click on the widget's middle can land on its label's help icon
    pg.get_by_role("option", name=option, exact=True).click()


def press(pg, key: str) -> None:
    """Click the button with this key and wait until the app has run again."""
    pg.locator(f".st-key-{key} button").click()
    pg.wait_for_timeout(300)
    wait_for_app(pg)
