"""The load test's hostile page-opener (scripts/load_test.bot_open) against a real class-mode server: it must
see what a browser would (the page's title, the plan behind the link, a stale link's own page) or the load test's
hostile figures would measure the wrong pages."""

from __future__ import annotations

import asyncio

import pytest

from lor.models import Mentor
from lor.store import Store
from scripts.load_test import PAGE_TITLES, bot_open

pytestmark = pytest.mark.browser


def test_the_bot_opens_every_page_of_a_plan_through_its_private_link(shared_server):
    store = Store(shared_server.db)
    edit_token, _ = store.create_workspace()
    store.open(edit_token).save_mentor(Mentor(name="Dr. Bot Check"))
    for page, title in PAGE_TITLES.items():
        ms, headings, exceptions = asyncio.run(
            bot_open(shared_server.url, f"w={edit_token}", "" if page == "dashboard" else page)
        )
        assert title in headings, (page, headings)
        assert exceptions == 0 and ms > 0


def test_the_bot_gets_the_stale_link_page_for_a_link_that_opens_no_plan(shared_server):
    _, headings, exceptions = asyncio.run(bot_open(shared_server.url, "w=not-a-real-link", "letters"))
    assert "This link does not open any plan" in headings and "Letters" not in headings
    assert exceptions == 0
