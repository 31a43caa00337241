"""The calendar feed's route on the app's own server (``app.py`` hands it to ``st.App``): ``GET
/calendar/<token>.ics``. The reply is ``lor.feed.answer``; this module only speaks Starlette and finds the store."""

from __future__ import annotations

from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lor.config import ConfigError, load_settings
from lor.feed import FeedReply, answer, not_found
from lor.limits import client_address
from lor.models import current_day
from lor.store import DatabaseUnavailable, Store, store_at

FEED_PATH = "/calendar/{name}"  # name: "<token>.ics"


@lru_cache(maxsize=4)
def _store(location: str) -> Store:
    return store_at(location)


def _reply(request: Request) -> FeedReply:
    name = request.path_params["name"]
    if not name.endswith(".ics"):
        return not_found()
    try:
        settings = load_settings(from_here=True)  # the database's location doesn't depend on the mode
    except ConfigError:
        return FeedReply(503, {"Retry-After": "600", "Content-Type": "text/plain; charset=utf-8"}, b"Unavailable\n")
    peer = request.client.host if request.client else None
    client = client_address(peer, request.headers.get("x-forwarded-for", ""), trusted_hops=settings.trusted_proxy_hops)
    try:
        return answer(
            _store(settings.database_url or str(settings.db_path)),
            name.removesuffix(".ics"),
            today=current_day(),
            client=client,
            if_none_match=request.headers.get("if-none-match"),
            if_modified_since=request.headers.get("if-modified-since"),
        )
    except DatabaseUnavailable:
        return FeedReply(503, {"Retry-After": "600", "Content-Type": "text/plain; charset=utf-8"}, b"Unavailable\n")


async def calendar_feed(request: Request) -> Response:
    """``GET /calendar/<token>.ics``: the plan's steps as iCalendar, or the one plain 404."""
    reply = await run_in_threadpool(_reply, request)  # the store and the planner block; keep the event loop free
    return Response(reply.body, status_code=reply.status, headers=reply.headers)


ROUTES = [Route(FEED_PATH, calendar_feed, methods=["GET", "HEAD"])]
