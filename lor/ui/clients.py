"""How many plans and desks one client (a network address) makes, and the join codes it tries (issue #23.4)."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from lor.limits import (
    DESKS_PER_CLIENT,
    LOOKUPS_PER_CLIENT,
    PLANS_PER_CLIENT,
    WRONG_CODES_PER_CLIENT,
    KeyedLimit,
    client_address,
    wait_words,
)
from lor.store import (
    Workspace,
)
from lor.ui.notices import flash
from lor.ui.server import settings

# -- how many plans and desks one client makes, and join codes it tries (issue #23.4) -----------------------------
# Per server process: the server-wide limits are counted in the database (lor.store.Store._creation_wait).

NEW_PLANS = KeyedLimit(PLANS_PER_CLIENT)


NEW_DESKS = KeyedLimit(DESKS_PER_CLIENT)


WRONG_CODES = KeyedLimit(WRONG_CODES_PER_CLIENT)


LOOKUPS = KeyedLimit(LOOKUPS_PER_CLIENT)  # join codes looked up, right or wrong


def client_key() -> str:
    """Who is asking, for the per-client limits: the address the connection came from, or the one a trusted proxy
    wrote into X-Forwarded-For (``[lor] trusted_proxy_hops``, 1 on Community Cloud; lor.limits.client_address);
    "local" in tests."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For", "")
    except (AttributeError, RuntimeError, KeyError):
        return "local"
    peer = peer if isinstance(peer, str) else None  # AppTest's context is a stand-in object
    forwarded = forwarded if isinstance(forwarded, str) else ""
    return client_address(peer, forwarded, trusted_hops=settings().trusted_proxy_hops)


def _client_may_start_a_plan(ws: Workspace) -> str | None:
    wait = NEW_PLANS.admit(client_key())
    if not wait:
        return None
    return (
        f"Many new plans were started from your network address in the last {PLANS_PER_CLIENT.window_words()} "
        f"({PLANS_PER_CLIENT.limit}, the most this server starts for one address); wait {wait_words(wait)}, then try "
        "again. Nothing was saved."
    )


def _not_created(ws: Workspace, why: str) -> NoReturn:
    """The store refused to make this plan (too many made lately): say why at the top of the page, run it again."""
    flash("warning", why)
    st.rerun(scope="app")
