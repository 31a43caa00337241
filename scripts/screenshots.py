"""Screenshots of every page on the example plan, for the README and for looking at what we built.

Usage: python -m scripts.screenshots [page ...]   (writes artifacts/<page>.png; --docs also docs/)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from lor.example import load_example
from lor.store import Store
from tools.browser import ARTIFACTS, CHROMIUM_FLAGS, ROOT, TODAY, Server, find_chromium, shot, wait_for_app

PAGES = ["dashboard", "recommenders", "letters", "timeline", "faq", "share"]


def main(argv: list[str]) -> None:
    docs = "--docs" in argv
    pages = [a for a in argv if not a.startswith("--")] or PAGES
    tmp = Path(tempfile.mkdtemp())
    load_example(Store(tmp / "browser.db").default_workspace(), date.fromisoformat(TODAY))
    server = Server(tmp, shared=False)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            for name in pages:
                pg.goto(f"{server.url}/{'' if name == 'dashboard' else name}")
                wait_for_app(pg)
                pg.wait_for_timeout(2500 if name == "timeline" else 800)
                if docs:
                    (ROOT / "docs").mkdir(exist_ok=True)
                    pg.screenshot(path=str(ROOT / "docs" / f"{name}.png"))
                out = shot(pg, name)
                pg.set_viewport_size({"width": 1400, "height": 1000})
                errors = pg.query_selector_all('[data-testid="stException"]')
                print(f"{name}: {out} {'EXCEPTION' if errors else 'ok'}")
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
