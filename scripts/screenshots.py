"""Screenshots of every page on the example plan, for the README and for looking at what we built.

Usage: python -m scripts.screenshots [page ...]   (writes artifacts/<page>[-phone].png; --docs also docs/)

Every page at two widths: a laptop (1400×1000; docs/<page>.png is its first screen) and a phone (390×844;
docs/<page>-phone.png is the whole page, up to 3000 px tall). ``desk`` is the advisor desk of a class server with
a dozen advisees in varied states (docs/desk.png, docs/desk-phone.png).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Literal

from playwright.sync_api import ViewportSize, sync_playwright

from lor.example import load_example
from lor.store import Store
from tools.advisees import add_advisee
from tools.browser import ARTIFACTS, CHROMIUM_FLAGS, ROOT, TODAY, Server, find_chromium, shot, wait_for_app

PAGES = ["dashboard", "recommenders", "letters", "timeline", "faq", "share", "desk"]
ADVISEES = [
    "Ana Ruiz",
    "Ben Ortiz",
    "Chloe Nguyen",
    "Dev Patel",
    "Emma Johansson",
    "Farid Haddad",
    "Grace Okoye",
    "Hiro Tanaka",
    "Isabel Moreno",
    "Jamal Carter",
    "Kira Novak",
    "Liam O'Brien",
]
WIDTHS: dict[str, ViewportSize] = {"": {"width": 1400, "height": 1000}, "-phone": {"width": 390, "height": 844}}


def seed_desk(db: Path) -> str:
    """A desk with a dozen advisees in varied states; returns its desk link token."""
    store = Store(db)
    token, code = store.create_desk("Dr. Lee's advisees, Class of 2027")
    for i, name in enumerate(ADVISEES):
        state: Literal["example", "missing_letters"] = (
            "missing_letters" if i % 4 == 1 else "example"
        )  # the others some weeks behind or ahead
        add_advisee(
            store, name, today=date.fromisoformat(TODAY), state=state, weeks={3: -4, 2: 4}.get(i % 4, 0), code=code
        )
    return token


def capture(pg, name: str, suffix: str, docs: bool) -> None:
    """artifacts/<name><suffix>.png (the whole page), and with ``docs`` its docs/ copy (the first screen at laptop
    width, the whole page on a phone)."""
    if docs and not suffix:
        (ROOT / "docs").mkdir(exist_ok=True)
        pg.screenshot(path=str(ROOT / "docs" / f"{name}.png"))
    out = shot(pg, f"{name}{suffix}", max_height=3000 if suffix else 6000)
    if docs and suffix:
        (ROOT / "docs" / f"{name}{suffix}.png").write_bytes(out.read_bytes())
    errors = pg.query_selector_all('[data-testid="stException"]')
    print(f"{name}{suffix}: {out} {'EXCEPTION' if errors else 'ok'}")


def desk_shots(browser, docs: bool) -> None:
    tmp = Path(tempfile.mkdtemp())
    token = seed_desk(tmp / "browser.db")
    server = Server(tmp, shared=True)
    try:
        for suffix, viewport in WIDTHS.items():
            pg = browser.new_page(viewport=viewport)
            pg.goto(f"{server.url}/?desk={token}")
            wait_for_app(pg)
            pg.wait_for_timeout(1500)
            capture(pg, "desk", suffix, docs)
            pg.close()
    finally:
        server.stop()


def main(argv: list[str]) -> None:
    docs = "--docs" in argv
    chosen = [a for a in argv if not a.startswith("--")] or PAGES
    pages = [p for p in chosen if p != "desk"]
    tmp = Path(tempfile.mkdtemp())
    load_example(Store(tmp / "browser.db").default_workspace(), date.fromisoformat(TODAY))
    server = Server(tmp, shared=False)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
            if "desk" in chosen:
                desk_shots(browser, docs)
            for suffix, viewport in WIDTHS.items():
                pg = browser.new_page(viewport=viewport)
                for name in pages:
                    pg.set_viewport_size(viewport)
                    pg.goto(f"{server.url}/{'' if name == 'dashboard' else name}")
                    wait_for_app(pg)
                    pg.wait_for_timeout(6000 if name == "timeline" else 1000)
                    capture(pg, name, suffix, docs)
                pg.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
