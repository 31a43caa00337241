"""The two store backends every store-contract test runs on, and the store the app under test is configured with.

A module of its own (not conftest): 'conftest' names the browser folder's when the whole suite runs.
"""

from __future__ import annotations

import os

from lor.store import Store, Workspace, open_store

BACKENDS = ["sqlite", "postgres"]


def configured_store() -> Store:
    """The store the app under test is configured with (LOR_DATABASE_URL or LOR_DB, as open_page sets them)."""
    return open_store()


def saved(db: str | None = None) -> Workspace:
    """The single-plan mode's plan as stored, read back through a fresh Store: on the file ``db`` (a browser test's
    server) or the one the app under test uses (``LOR_DB``, as open_page sets it)."""
    return Store(db or os.environ["LOR_DB"]).default_workspace()
