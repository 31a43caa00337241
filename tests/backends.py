"""The two store backends every store-contract test runs on, and the store the app under test is configured with.

A module of its own (not conftest): 'conftest' names the browser folder's when the whole suite runs.
"""

from __future__ import annotations

from lor.store import Store, open_store

BACKENDS = ["sqlite", "postgres"]


def configured_store() -> Store:
    """The store the app under test is configured with (LOR_DATABASE_URL or LOR_DB, as open_page sets them)."""
    return open_store()
