"""The Timeline's calendar subscription: the plan's private feed link (lor.feed), made, replaced or turned off, and
how to subscribe to it in Google, Apple and Outlook calendars. Only the plan's own (editable) link sees it."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st
from streamlit import config as st_config

from lor import ui
from lor.store import Workspace

FRESH_KEY = "lor-fresh-feed"  # (plan id, token): a new feed link is shown once, in the session that made it
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")

HOW_TO = """\
- **Google Calendar** (on a computer): *Other calendars* → **+** → *From URL*, paste the address, *Add calendar*.
  Google fetches it again every several hours, sometimes only once a day.
- **Apple Calendar**: click **Subscribe** on a Mac or an iPhone; or *File* → *New Calendar Subscription* and paste
  the address. On an iPhone: *Settings* → *Calendar* → *Accounts* → *Add Account* → *Other* → *Add Subscribed
  Calendar*.
- **Outlook**: *Add calendar* → *Subscribe from web*, paste the address, *Import*.
"""


def feed_served() -> bool:
    """False when this server runs without the app's own routes (started some other way than ``streamlit run
    app.py``), so a feed link would lead nowhere."""
    return getattr(st_config, "_server_mode", None) != "starlette-managed"


def feed_address(token: str) -> str:
    """The feed's https (or http) address on this server: what Google and Outlook are given."""
    try:
        url = st.context.url or ""
    except (AttributeError, RuntimeError):
        url = ""
    root = ui.app_root(url) if url else "http://localhost:8501/"
    return f"{root}calendar/{token}.ics"


def webcal_address(address: str) -> str:
    """The same address as ``webcal://``: a click on it opens the computer's calendar app to subscribe."""
    return "webcal://" + address.split("://", 1)[-1]


def _on_this_computer_only(address: str) -> bool:
    return (urlsplit(address).hostname or "") in LOCAL_HOSTS


def _fresh_token(ws: Workspace) -> str | None:
    fresh = st.session_state.get(FRESH_KEY)
    return fresh[1] if isinstance(fresh, tuple) and fresh[0] == ws.id else None


def feed_section(ws: Workspace) -> None:
    """Subscribe to the plan in a calendar app: the feed link (shown once), a how-to, new link and turn off."""
    st.subheader("Calendar subscription")
    if not feed_served():
        st.info(
            "This server can't serve a calendar subscription. Download the whole plan's .ics file instead, and "
            "import it again after the plan changes.",
            icon="📅",
        )
        return
    st.write(
        "Subscribe once and your calendar app keeps the plan up to date by itself: it fetches the plan every few "
        "hours, so a moved ask or a step marked done reaches your phone. It holds the same events as the .ics "
        "download. The feed link is private and read-only: anyone who has it sees your steps and writers' names, "
        "and nothing more; make a new one if it leaks."
    )
    store = ws.store
    token = _fresh_token(ws)
    active = token is not None or (ws.saved and store.has_feed(ws))
    if token is not None:
        address = feed_address(token)
        st.markdown(f"[📅 Subscribe]({webcal_address(address)})")
        st.code(address, language=None)
        st.caption("Copy it now: for your safety it is shown only once. You can always make a new one.")
        if _on_this_computer_only(address):
            st.caption(
                "This address works only on this computer (the app runs here): a calendar app on this computer "
                "can subscribe, Google Calendar and your phone can't reach it."
            )
        with st.expander("How to subscribe in Google, Apple or Outlook"):
            st.markdown(HOW_TO)
    elif active:
        st.caption(
            "A calendar subscription is on. Make a new feed link to see its address again (the old one "
            "then stops working, and calendars subscribed to it stop updating)."
        )
    cols = st.columns(2)
    if cols[0].button("Make a new feed link" if active else "Make a feed link", key="timeline-feed-new"):
        st.session_state[FRESH_KEY] = (ws.id, store.new_feed_link(ws))
        st.rerun()
    if active and cols[1].button("Turn off the feed", key="timeline-feed-off"):
        store.turn_off_feed(ws)
        st.session_state.pop(FRESH_KEY, None)
        ui.flash("success", "The calendar feed is off: calendars subscribed to it stop updating.")
        st.rerun()
