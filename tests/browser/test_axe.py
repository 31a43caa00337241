"""Accessibility: axe-core (WCAG 2 A/AA) finds no serious or critical violation on any page, empty or on the
example plan, on a laptop and on a phone. The calendar's iframe is checked too."""

from __future__ import annotations

from datetime import date

import pytest

from lor.example import load_example
from lor.store import Store
from tools.browser import TODAY, Server, axe_violations, wait_for_app

pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
pytestmark = [pytest.mark.browser]

PAGES = ["", "recommenders", "letters", "timeline", "faq", "share"]
CALENDAR = ".st-key-timeline-calendar iframe"
VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module", params=["empty", "example"])
def plan_server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"axe-{request.param}")
    if request.param == "example":
        load_example(Store(tmp / "browser.db").default_workspace(), date.fromisoformat(TODAY))
    server = Server(tmp, shared=False)
    yield server
    server.stop()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_serious_or_critical_accessibility_violation_on_any_page(browser, plan_server, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    pg = context.new_page()
    found = {}
    try:
        for path in PAGES:
            pg.goto(f"{plan_server.url}/{path}")
            wait_for_app(pg)
            # The calendar that fits the window (the other layout is folded away, see NARROW_CSS).
            shown = ".st-key-timeline-calendar-list iframe" if viewport.endswith("phone") else CALENDAR
            if path == "timeline" and pg.locator(shown).count():
                pg.frame_locator(shown).locator(".fc-view").first.wait_for(timeout=30_000)
            pg.wait_for_timeout(500)
            violations = axe_violations(pg)
            if violations:
                found[path or "dashboard"] = violations
            views = pg.locator(".st-key-timeline-view button")
            for name in views.all_inner_texts()[1:] if path == "timeline" else []:  # each picture in its turn
                views.filter(has_text=name).click()
                wait_for_app(pg)
                pg.wait_for_timeout(500)
                violations = axe_violations(pg)
                if violations:
                    found[f"timeline ({name})"] = violations
    finally:
        context.close()
    assert not found, "\n".join(
        f"{page}: {v['rule']} ({v['impact']}) in {v['frame']} at {v['target']}: {v['summary']}"
        for page, items in found.items()
        for v in items
    )
