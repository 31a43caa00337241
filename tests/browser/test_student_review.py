"""The student usability review's findings, as the student sees them in a real browser: labels readable at every
width, refusals and confirmations where the click was, nothing pushing a phone's page sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tools.browser import TODAY, exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

# Every element in the locator whose text is cut (wider than its box): what a student would see as "They …".
CUT_TEXT = """els => els.flatMap(b => [b, ...b.querySelectorAll('*')])
    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
    .map(e => e.textContent)"""


@pytest.fixture(scope="module")
def example(browser, local_server) -> Iterator:
    """A tab on the example plan, loaded through the Dashboard, at 1400×1000."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.goto(f"{local_server.url}/")
    wait_for_app(pg)
    pg.locator(".st-key-dashboard-load-example button").click()
    expect(pg.get_by_role("heading", name="Letters by status")).to_be_visible()
    wait_for_app(pg)
    yield pg
    context.close()


@pytest.mark.parametrize("width", [1024, 1400, 800])
def test_the_answer_buttons_read_in_full_on_the_dashboard(example, local_server, width):
    pg = example
    pg.set_viewport_size({"width": width, "height": 1000})
    pg.goto(f"{local_server.url}/")
    wait_for_app(pg)
    yes = pg.get_by_role("button", name="They said yes")
    no = pg.get_by_role("button", name="They said no")
    expect(yes).to_be_visible()
    expect(no).to_be_visible()
    for button in (yes, no):
        assert button.evaluate_all(CUT_TEXT) == [], f"cut at {width} px"
        assert button.inner_text().strip() in ("They said yes", "They said no")
    assert exceptions_on(pg) == []
    pg.set_viewport_size({"width": 1400, "height": 1000})


def test_a_request_sheet_downloads_under_the_writers_name(example, local_server):
    pg = example
    pg.goto(f"{local_server.url}/letters")
    wait_for_app(pg)
    pg.get_by_role("tab", name="Writer request sheets").click()
    for key, suffix in (("sheet-m-raman-md", "md"), ("sheet-m-raman-html", "html")):
        with pg.expect_download() as download:
            pg.locator(f".st-key-{key} button").click()
        assert download.value.suggested_filename == f"letter-request-priya-raman-{TODAY}.{suffix}"


def test_a_grid_checkbox_is_named_in_plain_words_for_a_screen_reader(example, local_server):
    pg = example
    pg.goto(f"{local_server.url}/letters")
    wait_for_app(pg)
    pg.get_by_role("tab", name="Assign to programs").click()
    box = pg.get_by_role("checkbox", name="Dr. Priya Raman's letter to Riverside University IM Residency", exact=True)
    expect(box).to_have_count(1)
    labels = pg.locator("[data-testid='stCheckbox'] input")
    names = labels.evaluate_all("els => els.map(e => e.getAttribute('aria-label') || e.labels[0]?.innerText)")
    assert names and not [n for n in names if n and "\\" in n]


def test_the_restore_box_names_the_apps_own_5_mb_limit(example, local_server):
    pg = example
    pg.goto(f"{local_server.url}/share")
    wait_for_app(pg)
    box = pg.get_by_test_id("stFileUploaderDropzone")
    expect(box).to_contain_text("5MB")
    assert "6MB" not in box.inner_text()
