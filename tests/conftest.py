"""Shared fixtures: a Store on a temporary file, workspaces, and AppTest runs of any page."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from plan_dates import TODAY
from streamlit.testing.v1 import AppTest

from lor.example import load_example
from lor.store import Store, Workspace

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "lor.db")


@pytest.fixture
def ws(store: Store) -> Workspace:
    return store.default_workspace()


@pytest.fixture
def example_ws(store: Store) -> Workspace:
    workspace = store.default_workspace()
    load_example(workspace, TODAY)
    return workspace


@pytest.fixture
def open_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Run app.py in AppTest on a fresh database and switch to pages/<name>.py."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LOR_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("LOR_TODAY", TODAY.isoformat())
    monkeypatch.delenv("LOR_SHARED", raising=False)

    def _open(name: str = "dashboard", *, example: bool = True, shared: bool = False, query=None) -> AppTest:
        if shared:
            os.environ["LOR_SHARED"] = "1"
        if example:
            load_example(Store(os.environ["LOR_DB"]).default_workspace(), TODAY)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if name != "dashboard" and not at.exception:
            at.switch_page(f"pages/{name}.py")
            at.run()
        return at

    return _open
