"""The advisor link opens the Dashboard, and the pages an advisor sees speak about the student (issue 13)."""

from __future__ import annotations

import os

import pytest
from plan_dates import TODAY

from lor.example import load_example
from lor.store import Store
from lor.ui import app_root

PAGES = ["dashboard", "recommenders", "letters", "timeline", "faq", "share"]


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://localhost:8501/share?w=abc", "http://localhost:8501/"),
        ("https://lor.streamlit.app/share", "https://lor.streamlit.app/"),
        ("https://example.org/class/lor/timeline?view=x#top", "https://example.org/class/lor/"),
        ("https://lor.streamlit.app/", "https://lor.streamlit.app/"),
        ("https://lor.streamlit.app", "https://lor.streamlit.app/"),
        ("https://share.example.org/?w=1", "https://share.example.org/"),  # a host named like a page stays
    ],
)
def test_links_open_the_app_root_whichever_page_made_them(url, root):
    assert app_root(url) == root


@pytest.mark.parametrize("page", PAGES)
def test_the_advisor_view_speaks_about_the_student(open_page, page):
    store = Store(os.environ["LOR_DB"])
    edit, view = store.create_workspace()
    load_example(store.open(edit), TODAY)
    at = open_page(page, example=False, shared=True, query={"view": view})
    assert not at.exception, at.exception
    purpose = at.caption[0].value
    assert "your" not in purpose.lower().split() and not purpose.lower().startswith("share your"), purpose
    if page == "share":
        assert "page 1 is a summary of the student's plan" in " ".join(m.value for m in at.markdown)
