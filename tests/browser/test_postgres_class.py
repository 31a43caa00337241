"""A class on PostgreSQL in a real browser: two app processes share plans, and a killed server loses nothing.

Each server is a real `streamlit run app.py` in class mode with LOR_DATABASE_URL pointing at a fresh schema of the
test session's throwaway PostgreSQL database (see tests/conftest.py: without a server these skip loudly, under CI
they fail). Each person is a separate browser context.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_links import add_writer, go_to, make_advisor_link, open_url, query

from lor.store import store_at
from tools.browser import Server, exceptions_on, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

READ_ONLY_TEXT = "You are viewing this plan read-only (advisor link)"


@pytest.fixture
def servers(tmp_path, pg_url):
    """Start class-mode servers on one PostgreSQL database; every one started is stopped at the end."""
    started: list[Server] = []

    def _start(name: str) -> Server:
        folder = tmp_path / name
        folder.mkdir()
        server = Server(folder, shared=True, env={"LOR_DATABASE_URL": pg_url})
        started.append(server)
        return server

    yield _start
    for server in started:
        if server.proc.poll() is None:
            server.stop()
        else:
            server.log.close()


def start_with_example(pg, server: Server) -> str:
    """A new student: opens the app, loads the example plan (the first write saves it); returns the private token."""
    open_url(pg, f"{server.url}/")
    pg.locator(".st-key-dashboard-load-example button").click()
    pg.wait_for_url(re.compile(r"[?&]w="))
    expect(pg.get_by_role("heading", name="Letters by status")).to_be_visible()
    wait_for_app(pg)
    return query(pg, "w")


def test_two_app_processes_on_one_database_share_a_plan(servers, person, pg_url):
    first, second = servers("first"), servers("second")
    on_first = person()
    token = start_with_example(on_first, first)
    go_to(on_first, "Choose recommenders")  # the first server has now cached this plan's records
    expect(on_first.get_by_test_id("stMain")).to_contain_text("Dr. Priya Raman")

    on_second = person()
    open_url(on_second, f"{second.url}/recommenders?w={token}")
    expect(on_second.get_by_test_id("stSidebar")).to_contain_text("Plan of Jordan Rivera")
    add_writer(on_second, "Dr. Added Through Second")

    # The first server's next rerun (a page switch in the same session) shows the change made through the second.
    go_to(on_first, "Letters")
    go_to(on_first, "Choose recommenders")
    expect(on_first.get_by_test_id("stMain")).to_contain_text("Dr. Added Through Second")

    add_writer(on_first, "Dr. Added Through First")
    go_to(on_second, "Dashboard")
    go_to(on_second, "Choose recommenders")
    expect(on_second.get_by_test_id("stMain")).to_contain_text("Dr. Added Through First")

    names = {m.name for m in store_at(pg_url).open(token).mentors()}
    assert {"Dr. Added Through First", "Dr. Added Through Second", "Dr. Priya Raman"} <= names
    assert store_at(pg_url).workspace_count() == 1
    assert exceptions_on(on_first) == [] and exceptions_on(on_second) == []


def test_a_killed_server_loses_no_plan_and_no_link(servers, person, pg_url):
    before = servers("before-reboot")
    students = {}
    for name in ("Ana", "Ben"):
        pg = person()
        edit = start_with_example(pg, before)
        add_writer(pg, f"Dr. Last Write Of {name}")  # confirmed on screen just before the kill
        view = make_advisor_link(pg)
        students[name] = (edit, view)
    newcomer = person()
    open_url(newcomer, f"{before.url}/recommenders")
    add_writer(newcomer, "Dr. Only Writer")  # a plan whose first write was on another page
    students["Cy"] = (query(newcomer, "w"), None)
    store = store_at(pg_url)
    saved = {name: store.export_json(store.open(edit)) for name, (edit, _) in students.items()}

    before.proc.kill()  # SIGKILL, as a platform reboot would: no clean shutdown
    before.proc.wait(10)
    after = servers("after-reboot")

    for name, (edit, view) in students.items():
        pg = person()
        open_url(pg, f"{after.url}/recommenders?w={edit}")
        writer = "Dr. Only Writer" if name == "Cy" else f"Dr. Last Write Of {name}"
        expect(pg.get_by_test_id("stMain")).to_contain_text(writer)
        assert exceptions_on(pg) == []
        if view:
            advisor = person()
            open_url(advisor, f"{after.url}/?view={view}")
            expect(advisor.get_by_test_id("stAlert").filter(has_text=READ_ONLY_TEXT)).to_have_count(1)
            expect(advisor.get_by_test_id("stSidebar")).to_contain_text("Plan of Jordan Rivera")
    fresh = store_at(pg_url)
    assert fresh.workspace_count() == 3
    for name, (edit, _) in students.items():
        assert fresh.export_json(fresh.open(edit)) == saved[name], f"{name}'s plan changed across the restart"
