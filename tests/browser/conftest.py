"""Real-browser fixtures: a live `streamlit run app.py` server and Playwright driving Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tools.browser import CHROMIUM_FLAGS, Server, find_chromium


def no_browser(reason: str) -> NoReturn:
    """Skip loudly on a machine without a browser; under CI (CI=true) fail instead, so CI can't pass
    without having run the browser tests."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"NO BROWSER under CI: {reason}", pytrace=False)
    pytest.skip(f"NO BROWSER: {reason}")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        no_browser("playwright is not installed")
    executable = find_chromium()
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        except Exception as exc:  # no browser at all on this machine
            no_browser(f"could not start Chromium ({executable or 'playwright default'}): {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def local_server(tmp_path_factory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("local"), shared=False)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("shared"), shared=True)
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def person(browser):
    """Make new people: each call is a fresh browser context (no shared cookies or session), 1400×1000."""
    contexts = []

    def _new():
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def patient_expect() -> Iterator[None]:
    """Give each Playwright `expect` 30 s instead of 5 s: test runs share 2 cores, and a Streamlit rerun can wait."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module", params=["desktop", "phone"])
def story(request, browser, tmp_path_factory):
    """A story test's own empty plan and server, and one browser tab at this viewport (the module's tests run in
    order on it, each one step of the student's season): (viewport, server, page)."""
    from story import VIEWPORTS

    name = request.module.__name__.removeprefix("test_")
    server = Server(tmp_path_factory.mktemp(f"{name}-{request.param}"), shared=False)
    context = browser.new_context(viewport=VIEWPORTS[request.param], accept_downloads=True)
    pg = context.new_page()
    yield request.param, server, pg
    context.close()
    server.stop()
