"""Every page runs, on an empty workspace and on the example plan, and shows its title."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from plan_dates import TODAY

from lor.example import load_example
from lor.store import Store

ROOT = Path(__file__).resolve().parent.parent

PAGES = {
    "dashboard": "Dashboard",
    "recommenders": "Choose recommenders",
    "letters": "Letters",
    "timeline": "Timeline",
    "faq": "FAQ guidance",
    "share": "Share & backup",
}


@pytest.mark.parametrize("example", [False, True], ids=["empty", "example"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_and_shows_its_title(open_page, page, example):
    at = open_page(page, example=example)
    assert not at.exception, at.exception
    assert [t.value for t in at.title][:1] == [PAGES[page]]


def test_empty_dashboard_offers_first_steps_and_loads_the_example(open_page):
    at = open_page("dashboard", example=False)
    assert any("first steps" in s.value for s in at.subheader)
    at.button(key="dashboard-load-example").click().run()
    assert not at.exception
    assert not any("first steps" in s.value for s in at.subheader)


def test_pages_are_thin():
    # A page lays out widgets and calls lor/: drawing code for the long pages lives in lor/ui/views, rules in the
    # plain modules of lor/, so no page file grows past about 300 lines.
    for page in sorted((ROOT / "pages").glob("*.py")):
        text = page.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 300, page.name


def test_files_for_people_load_no_plotting_library():
    # CSV, .ics and the request sheet name steps through lor.text, not through the chart module.
    code = "import sys, lor.export, lor.ics, lor.sheets, lor.report; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("page", "shared"), [("timeline", False), ("share", False), ("dashboard", True)])
def test_every_download_is_a_ready_file_that_a_click_does_not_rerun(open_page, page, shared):
    # A deferred download (data=a callable) makes its file on the click, owned by no session: Streamlit deletes it
    # when any two script runs on the server end, so on a busy class server the browser could fetch nothing.
    query = {}
    if shared:  # a saved plan from its private link: app.py draws the sidebar backup (AppTest runs other pages bare)
        store = Store(os.environ["LOR_DB"])
        edit, _ = store.create_workspace()
        load_example(store.open(edit), TODAY)
        query = {"w": edit}
    at = open_page(page, shared=shared, example=not shared, query=query)
    buttons = [*at.main.get("download_button"), *at.sidebar.get("download_button")]
    assert buttons and ("sidebar-backup" in {b.key for b in buttons}) == shared
    for button in buttons:
        assert button.proto.url and not button.proto.deferred_file_id, button.proto.label
        assert button.proto.ignore_rerun, button.proto.label
