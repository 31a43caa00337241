"""Right after Restore, the sidebar names the restored plan's student (it named the previous one until the next
click: classmode review #9)."""

from __future__ import annotations

import json

import pytest
from plan_dates import TODAY
from playwright.sync_api import expect

from lor.example import load_example
from lor.store import Store
from tools.browser import Server, exceptions_on, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("restore")
    load_example(Store(tmp / "browser.db").default_workspace(), TODAY)  # Jordan Rivera's plan
    running = Server(tmp, shared=False)
    yield running
    running.stop()


def test_after_restore_the_sidebar_names_the_restored_student_at_once(page, server):
    store = Store(server.db)
    doc = json.loads(store.export_json(store.default_workspace()))
    doc["student"]["name"] = "Sam Okafor"
    page.goto(f"{server.url}/share")
    wait_for_app(page, timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Plan of Jordan Rivera")
    upload = {"name": "backup.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}
    page.locator(".st-key-share-restore-file input[type=file]").set_input_files(upload)
    page.locator(".st-key-share-restore-confirm label").click()
    page.locator(".st-key-share-restore button").click()
    expect(page.get_by_test_id("stMain")).to_contain_text("Restored: your plan now holds the backup's contents.")
    expect(sidebar).to_contain_text("Plan of Sam Okafor")
    expect(sidebar).not_to_contain_text("Jordan Rivera")
    assert exceptions_on(page) == []
