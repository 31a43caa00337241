"""The student usability review's findings, as the student sees them in a real browser: labels readable at every
width, refusals and confirmations where the click was, nothing pushing a phone's page sideways."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lor.models import Application
from lor.store import Store
from tools.browser import ARTIFACTS, TODAY, choose, exceptions_on, shot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]  # 2 shared cores: reruns can wait
DUE = date(2027, 9, 1)
# Screenshots of what each fix changed also go to SHOTS_DIR, when it is set (for a reviewer).
FIXED_SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


def shot_fixed(pg, name: str, *, whole: bool = True) -> None:
    """A screenshot of what a fix changed, for the reviewer (kept with the test artifacts as well)."""
    if whole:
        path = shot(pg, name)
    else:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path))
    if FIXED_SHOTS is not None and FIXED_SHOTS.is_dir():
        shutil.copy(path, FIXED_SHOTS / path.name)


# Every element in the locator whose text is cut (wider than its box): what a student would see as "They …".
CUT_TEXT = """els => els.flatMap(b => [b, ...b.querySelectorAll('*')])
    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
    .map(e => e.textContent)"""


# The main column wider than the window: the whole page, text included, scrolls sideways.
PAGE_SCROLLS_SIDEWAYS = """() => { const m = document.querySelector('[data-testid="stMain"]');
    return m.scrollWidth > m.clientWidth + 1 || document.documentElement.scrollWidth > window.innerWidth + 1; }"""


def test_the_first_steps_on_an_empty_dashboard_look_like_links(browser, local_server):
    Store(local_server.db).default_workspace().clear()  # an empty plan (the example is loaded by the tests after)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(f"{local_server.url}/")
    wait_for_app(pg)
    step = pg.get_by_role("link", name="1. Add an application")
    expect(step).to_be_visible()
    style = step.locator("p").evaluate(
        "e => { const s = getComputedStyle(e); return [s.textDecorationLine, s.color]; }"
    )
    body = pg.get_by_text("Or look around first").evaluate("e => getComputedStyle(e).color")
    assert "underline" in style[0] and style[1] != body, style
    shot_fixed(pg, "dashboard-empty-desktop")
    context.close()


def test_the_faq_portal_table_scrolls_in_its_own_box_on_a_phone(browser, local_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(f"{local_server.url}/faq?topic=assignment")
    wait_for_app(pg)
    table = pg.get_by_test_id("stMain").locator("table").first
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible()
    assert not pg.evaluate(PAGE_SCROLLS_SIDEWAYS)
    # Nothing of the table is lost: its own box scrolls to the last column.
    assert table.evaluate("t => t.scrollWidth > t.clientWidth && getComputedStyle(t).overflowX === 'auto'")
    shot_fixed(pg, "faq-table-phone", whole=False)
    context.close()


def test_loading_the_example_on_a_phone_lands_at_the_top_with_a_confirmation(browser, local_server):
    Store(local_server.db).default_workspace().clear()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(f"{local_server.url}/")
    wait_for_app(pg)
    pg.mouse.move(200, 400)
    pg.mouse.wheel(0, 3000)  # down to the button, at the bottom of the empty page, as a thumb would
    pg.wait_for_timeout(500)
    pg.locator(".st-key-dashboard-load-example button").click()
    expect(pg.get_by_role("heading", name="Letters by status")).to_be_attached()
    wait_for_app(pg)
    pg.wait_for_timeout(500)
    done = pg.get_by_test_id("stMain").get_by_text("Loaded the example plan")
    expect(done).to_be_in_viewport()
    expect(pg.get_by_role("heading", name="Dashboard", exact=True)).to_be_in_viewport()
    shot_fixed(pg, "example-loaded-phone", whole=False)
    context.close()
    Store(local_server.db).default_workspace().clear()  # the tests after it load the example their own way


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
    done = pg.locator("[class*='st-key-dash-done-'] button").filter(has_text="Done")
    expect(done.first).to_be_visible()
    assert done.evaluate_all(CUT_TEXT) == [], f"Done cut at {width} px"  # it was "D." at 1024 px
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


def test_deleting_an_application_asks_where_the_student_can_see_it(example, local_server):
    pg = example
    ws = Store(local_server.db).default_workspace()
    ws.save_application(
        Application(id="a-em", name="EM this season", pathway="residency", portal="ResidencyCAS", deadline=DUE)
    )
    pg.goto(f"{local_server.url}/recommenders")
    wait_for_app(pg)
    choose(pg, "recommenders-application", "EM this season")
    wait_for_app(pg)
    # No specialty yet, so its panel is open: choosing one keeps it open, Delete and all.
    choose(pg, "application-a-em-specialty", "Emergency medicine")
    wait_for_app(pg)
    delete = pg.locator(".st-key-application-a-em-delete button")
    expect(delete).to_be_visible()
    delete.click()
    wait_for_app(pg)
    question = pg.locator(".st-key-application-a-em-delete-confirm")
    expect(question).to_contain_text("Delete EM this season")
    expect(question.get_by_role("button", name="Yes, delete")).to_be_in_viewport()
    shot_fixed(pg, "delete-application-confirm-desktop", whole=False)
    question.get_by_role("button", name="Yes, delete").click()
    wait_for_app(pg)
    expect(pg.get_by_test_id("stMain")).to_contain_text("Deleted EM this season")
    assert sorted(a.id for a in ws.applications()) == ["a-im", "a-prelim"]


def test_on_a_phone_the_packet_waits_for_the_waiver_beside_its_button_and_a_move_can_be_undone(example, local_server):
    pg = example
    pg.set_viewport_size({"width": 390, "height": 844})
    pg.goto(f"{local_server.url}/letters")
    wait_for_app(pg)
    pg.locator(".st-key-letter-l-vasquez-open button").click()
    wait_for_app(pg)
    agreed = pg.locator(".st-key-letter-l-vasquez-move-agreed button")
    agreed.scroll_into_view_if_needed()
    agreed.click()
    wait_for_app(pg)
    done = pg.locator(".st-key-change-letter-l-vasquez-status")
    expect(done).to_contain_text("Saved: the letter is now “Agreed”")
    packet = pg.get_by_role("button", name="Mark as packet sent")
    expect(packet).to_be_disabled()
    packet.scroll_into_view_if_needed()
    # The button, why it waits, and what the click did with its Undo: on one phone screen.
    expect(pg.get_by_test_id("stMain").get_by_text("waits for your waiver decision")).to_be_in_viewport()
    expect(done.get_by_role("button", name="Undo")).to_be_in_viewport()
    shot_fixed(pg, "letters-packet-waits-phone", whole=False)
    done.get_by_role("button", name="Undo").click()
    wait_for_app(pg)
    expect(pg.get_by_test_id("stMain")).to_contain_text("Undone: the plan is as it was before.")
    assert (
        next(x for x in Store(local_server.db).default_workspace().letters() if x.id == "l-vasquez").status == "asked"
    )
    pg.set_viewport_size({"width": 1400, "height": 1000})


def test_a_writer_who_said_no_is_marked_and_never_offered_again_for_that_application(example, local_server):
    pg = example
    pg.goto(f"{local_server.url}/recommenders")
    wait_for_app(pg)
    main = pg.get_by_test_id("stMain")
    expect(main).to_contain_text("Dr. Thomas Reed ·")
    blocks = pg.get_by_test_id("stVerticalBlock").filter(has=pg.get_by_text("Dr. Thomas Reed ·"))
    card = blocks.filter(has=pg.get_by_text("Why this score")).last  # the card, not the column of its title
    expect(card.get_by_text("🚫 Declined")).to_be_visible()
    expect(card).to_contain_text("Said no to a letter for this application")
    expect(pg.locator(".st-key-mentor-m-reed-plan")).to_have_count(0)
    assert "Dr. Thomas Reed (attending) fits best" not in main.inner_text()
    card.scroll_into_view_if_needed()
    shot_fixed(pg, "declined-writer-card-desktop", whole=False)
