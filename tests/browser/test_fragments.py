"""Each writer's card on Choose recommenders reruns alone after a click in it (a Streamlit fragment), but a change
there that alters anything outside the card (the letter mix, the ranking) redraws the whole page: never stale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from lor.store import Store
from tools.browser import exceptions_on, fill, open_panel, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def recommenders(browser, local_server) -> Iterator:
    """Choose recommenders on the example plan, loaded through the Dashboard."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(f"{local_server.url}/")
    wait_for_app(pg)
    pg.locator(".st-key-dashboard-load-example button").click()
    expect(pg.get_by_role("heading", name="Letters by status")).to_be_visible()
    pg.goto(f"{local_server.url}/recommenders")
    wait_for_app(pg)
    yield pg
    context.close()


def raman(server):
    return next(m for m in Store(server.db).default_workspace().mentors() if m.id == "m-raman")


def choose(pg, key: str, option: str) -> None:
    """Pick a selectbox option by typing it (a long list draws only the options in view)."""
    box = pg.locator(f".st-key-{key} input")
    box.scroll_into_view_if_needed()
    box.click()
    pg.keyboard.type(option)
    pg.get_by_role("option", name=option, exact=True).click()


def open_edit_panel(pg, mentor_id: str) -> None:
    open_panel(pg, f"mentor-{mentor_id}-edit", f".st-key-mentor-{mentor_id}-weeks input")  # drawn once open


def test_a_writers_new_specialty_changes_the_letter_mix_outside_the_card(recommenders, local_server):
    pg = recommenders
    main = pg.get_by_test_id("stMain")
    expect(main).to_contain_text("Letters from internal medicine faculty: 4 — covered.")
    open_edit_panel(pg, "m-raman")
    choose(pg, "mentor-m-raman-specialty", "Pediatrics")
    # The card saved the change and the mix panel, drawn outside the card's fragment, shows it.
    expect(main).to_contain_text("Letters from internal medicine faculty: 3 — covered.")
    assert raman(local_server).specialty == "pediatrics"
    expect(main).to_contain_text("Dr. Priya Raman · Attending · Pediatrics")
    open_edit_panel(pg, "m-raman")  # the card moved down the ranking, so its panel was drawn anew
    choose(pg, "mentor-m-raman-specialty", "Internal medicine")
    expect(main).to_contain_text("Letters from internal medicine faculty: 4 — covered.")
    assert exceptions_on(pg) == []


def test_a_change_only_the_card_shows_is_saved_and_shown_in_the_card(recommenders, local_server):
    pg = recommenders
    open_edit_panel(pg, "m-raman")
    fill(pg, "mentor-m-raman-notes", "Prefers email on Mondays")
    expect(pg.locator(".st-key-mentor-m-raman-notes textarea")).to_have_value("Prefers email on Mondays")
    for _ in range(100):  # the save happens in the card's own rerun
        if raman(local_server).notes == "Prefers email on Mondays":
            break
        pg.wait_for_timeout(100)
    assert raman(local_server).notes == "Prefers email on Mondays"
    expect(pg.get_by_test_id("stMain")).to_contain_text("Letters from internal medicine faculty: 4 — covered.")
    assert exceptions_on(pg) == []
