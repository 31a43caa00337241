"""The load test's hostile page-opener (scripts/load_test.bot_open) against a real class-mode server: it must
see what a browser would (the page's title, the plan behind the link, a stale link's own page) or the load test's
hostile figures would measure the wrong pages."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets
from plan_dates import TODAY
from streamlit.proto.BackMsg_pb2 import BackMsg

from lor.example import load_example
from lor.models import Mentor
from lor.store import Store
from scripts.load_test import PAGE_TITLES, bot_open

pytestmark = pytest.mark.browser


def run(coroutine):
    """Run a coroutine to its end on a thread of its own (Playwright's sync API holds this thread's event loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_bot_opens_every_page_of_a_plan_through_its_private_link(shared_server):
    store = Store(shared_server.db)
    edit_token, _ = store.create_workspace()
    store.open(edit_token).save_mentor(Mentor(name="Dr. Bot Check"))
    for page, title in PAGE_TITLES.items():
        ms, headings, exceptions = run(
            bot_open(shared_server.url, f"w={edit_token}", "" if page == "dashboard" else page)
        )
        assert title in headings, (page, headings)
        assert exceptions == 0 and ms > 0


def test_the_bot_gets_the_stale_link_page_for_a_link_that_opens_no_plan(shared_server):
    _, headings, exceptions = run(bot_open(shared_server.url, "w=not-a-real-link", "letters"))
    assert "This link does not open any plan" in headings and "Letters" not in headings
    assert exceptions == 0


def test_a_flood_of_reruns_on_one_connection_does_not_stall_the_server_for_others(shared_server):
    """One visitor's script sends 300 "run the page again" messages back to back on one connection and hangs up.
    Each used to stop the last run and start a thread for the next one on the server's event loop, so nobody was
    answered for about a minute (6 minutes for 2,000); with runner.fastReruns off they queue behind the run."""
    store = Store(shared_server.db)
    edit, _ = store.create_workspace()
    load_example(store.open(edit), TODAY)

    async def flood(count: int) -> None:
        async with websockets.connect(
            "ws" + shared_server.url.removeprefix("http") + "/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            origin=websockets.Origin(shared_server.url),
        ) as ws:
            for i in range(count):
                message = BackMsg()
                message.rerun_script.query_string = f"w={edit}&i={i}"
                message.rerun_script.page_name = "timeline"
                await ws.send(message.SerializeToString())

    run(flood(300))
    started = time.monotonic()
    _, headings, exceptions = run(bot_open(shared_server.url, "", ""))  # another visitor, right after
    waited = time.monotonic() - started
    assert "Dashboard" in headings and exceptions == 0
    assert waited < 15, f"another visitor waited {waited:.0f} s for the Dashboard after the flood"
