"""Shared fixtures: a Store on each backend (a SQLite file, a PostgreSQL schema), workspaces, AppTest runs of any page.

The store contract runs on both backends: every test that takes ``store``, ``ws`` or ``example_ws`` runs twice.
PostgreSQL tests use a throwaway database made for this test session (dropped at its end) on the server that
``LOR_TEST_DATABASE_URL`` names (a role allowed to create databases), with a fresh schema per test. Without a
reachable server they skip with a loud reason, except under CI (CI=true), where they fail: CI must run them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from backends import BACKENDS, configured_store
from plan_dates import TODAY
from streamlit.testing.v1 import AppTest

from lor.example import load_example
from lor.store import Store, Workspace, store_at

ROOT = Path(__file__).resolve().parent.parent
_POSTGRES_SKIPPED: list[str] = []


def _without_postgres(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"PostgreSQL tests must run under CI, but {reason}", pytrace=False)
    _POSTGRES_SKIPPED.append(reason)
    pytest.skip(f"POSTGRESQL NOT TESTED: {reason} (set LOR_TEST_DATABASE_URL to a server; see README)")


def pytest_report_header() -> str:
    admin = os.environ.get("LOR_TEST_DATABASE_URL", "").strip()
    if not admin:
        return "PostgreSQL store tests: LOR_TEST_DATABASE_URL not set, they will skip (fail under CI)"
    parts = urlsplit(admin)
    return f"PostgreSQL store tests: on {parts.hostname}:{parts.port or 5432}, a throwaway database per session"


def pytest_terminal_summary(terminalreporter) -> None:
    if _POSTGRES_SKIPPED:
        terminalreporter.write_sep("!", "PostgreSQL store tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"  {_POSTGRES_SKIPPED[0]}")
        terminalreporter.write_line("  Only the SQLite backend was tested. CI (CI=true) fails instead of skipping.")


LAYERS = ("unit", "app", "browser", "bench")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--bench", action="store_true", help="also run tests/test_bench.py (left out by default)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test belongs to one layer, so a developer can run one (README, "Tests"): ``browser`` drives Chromium
    (tests/browser/), ``app`` runs pages with Streamlit's AppTest, ``bench`` checks the benchmark (left out unless
    ``--bench``), and ``unit`` is the rest: the core and the store. A run on PostgreSQL is marked ``postgres`` too,
    so ``-m "unit and not postgres"`` is the loop of well under a minute."""
    kept, dropped = [], []
    for item in items:
        path = Path(str(item.fspath))
        if "browser" in path.parts:
            layer = "browser"
        elif path.name == "test_bench.py":
            layer = "bench"
        elif "open_page" in getattr(item, "fixturenames", ()) or "AppTest" in vars(item.module):
            layer = "app"
        else:
            layer = "unit"
        item.add_marker(getattr(pytest.mark, layer))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgres" in callspec.id.split("-"):
            item.add_marker(pytest.mark.postgres)
        (dropped if layer == "bench" and not config.getoption("--bench") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no plans, desks or join codes counted against its client ("local" in AppTest): the
    per-client limits live in the server process, which is the test process here."""
    from lor import ui

    limits = (ui.NEW_PLANS, ui.NEW_DESKS, ui.WRONG_CODES, ui.LOOKUPS)
    for limit in limits:
        limit.clear()
    yield


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """The address of a PostgreSQL database made for this test session and dropped when it ends."""
    admin = os.environ.get("LOR_TEST_DATABASE_URL", "").strip()
    if not admin:
        _without_postgres("LOR_TEST_DATABASE_URL is not set")
    import psycopg

    name = f"lor_test_{os.getpid()}_{secrets.token_hex(3)}"
    parts = urlsplit(admin)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        _without_postgres(f"cannot create a test database on {parts.hostname}:{parts.port or 5432} ({exc})")
    yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    from lor.store.postgres import close_all_pools

    close_all_pools()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    """An empty PostgreSQL store's address for one test: its own schema in the session's database."""
    import psycopg

    from lor.store.postgres import close_pool

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{pg_database}?options=-csearch_path%3D{schema}"
    yield url
    close_pool(url)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a test's empty store lives: a SQLite file, or a PostgreSQL address."""
    if backend == "postgres":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "lor.db")


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    opened = store_at(store_location)
    yield opened
    opened.close()


@pytest.fixture
def ws(store: Store) -> Workspace:
    return store.default_workspace()


@pytest.fixture
def example_ws(store: Store) -> Workspace:
    workspace = store.default_workspace()
    load_example(workspace, TODAY)
    return workspace


@pytest.fixture
def app_backend() -> str:
    """The backend open_page's app runs on; a module overrides this fixture to run its pages on both."""
    return "sqlite"


@pytest.fixture
def open_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_backend: str, request: pytest.FixtureRequest
) -> Callable[..., AppTest]:
    """Run app.py in AppTest on a fresh database and switch to pages/<name>.py."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("HOME", str(tmp_path))  # no secrets file of the developer's own
    monkeypatch.setenv("LOR_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("LOR_TODAY", TODAY.isoformat())
    # Explicitly one plan unless a test asks for class mode: with a database URL, class mode is the default.
    monkeypatch.setenv("LOR_SHARED", "0")
    monkeypatch.delenv("LOR_DATABASE_URL", raising=False)
    if app_backend == "postgres":
        monkeypatch.setenv("LOR_DATABASE_URL", request.getfixturevalue("pg_url"))

    def _open(name: str = "dashboard", *, example: bool = True, shared: bool = False, query=None) -> AppTest:
        if shared:
            os.environ["LOR_SHARED"] = "1"
        if example:
            load_example(configured_store().default_workspace(), TODAY)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if name != "dashboard" and not at.exception:
            at.switch_page(f"pages/{name}.py")
            at.run()
        return at

    return _open
