"""A plan's private calendar feed (``GET /calendar/<token>.ics``): the same bytes as the Timeline's .ics download,
with the validators and limits a calendar app that polls it every few hours needs. Plain Python; ``lor.feed_route``
serves it on the app's own server.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from lor.ics import milestones_to_ics
from lor.limits import KeyedLimit, Rate
from lor.models import PlanSettings
from lor.planner import workspace_plan
from lor.store import Store

if TYPE_CHECKING:
    from lor.timeline import PlanRecords

MAX_AGE_S = 3 * 3600  # calendar apps that honour Cache-Control poll about this often
# A calendar app polls a feed a few times a day; one address may be Google's fetchers, polling for a whole class.
READS_PER_TOKEN = Rate(30, 3600.0)
READS_PER_CLIENT = Rate(1200, 3600.0)
NOT_FOUND = b"Not found\n"


def plan_ics(plan: PlanRecords, today: date) -> bytes:
    """The plan's steps as the Timeline's whole-plan .ics download holds them (same events, same UIDs)."""
    settings = PlanSettings.read(plan.settings())
    planned = workspace_plan(
        plan.mentors(),
        plan.applications(),
        plan.letters(),
        settings=settings,
        today=today,
        buffer_days=settings.buffer_days,
    )
    return milestones_to_ics(planned.milestones)  # the default name, as the Timeline's download: the same bytes


@dataclass(frozen=True)
class FeedBody:
    """One version of a feed: its bytes, their ETag, and when they last changed."""

    body: bytes
    etag: str
    last_modified: datetime


@dataclass(frozen=True)
class FeedReply:
    """What the server answers: a status, headers and a body."""

    status: int
    headers: dict[str, str]
    body: bytes = b""


class FeedBodies:
    """The feed last built for each of the most recently fetched plans, with the (version, day) it was built for: a
    poll of an unchanged plan builds nothing, and an old version is dropped, not kept. Thread-safe."""

    def __init__(self, plans: int = 64):
        self.plans = plans
        self._bodies: OrderedDict[str, tuple[tuple[int, date], FeedBody]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, plan_id: str, version: tuple[int, date], build: Callable[[], FeedBody]) -> FeedBody:
        with self._lock:
            found = self._bodies.get(plan_id)
            if found is not None and found[0] == version:
                self._bodies.move_to_end(plan_id)
                return found[1]
        made = build()
        with self._lock:
            self._bodies[plan_id] = (version, made)
            self._bodies.move_to_end(plan_id)
            while len(self._bodies) > self.plans:
                self._bodies.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()

    def __len__(self) -> int:
        return len(self._bodies)


BODIES = FeedBodies()
TOKEN_READS = KeyedLimit(READS_PER_TOKEN)
CLIENT_READS = KeyedLimit(READS_PER_CLIENT)


def _last_modified(changed: str, today: date) -> datetime:
    """When the feed's content last changed: the plan's last write, or the start of ``today`` (UTC) when later,
    because the steps depend on the day too (a past step leaves the plan)."""
    try:
        written = datetime.fromisoformat(changed)
    except (TypeError, ValueError):
        written = datetime(1970, 1, 1, tzinfo=UTC)
    written = written if written.tzinfo else written.replace(tzinfo=UTC)
    return max(written.replace(microsecond=0), datetime.combine(today, time(0), tzinfo=UTC))


def _not_modified(body: FeedBody, if_none_match: str | None, if_modified_since: str | None) -> bool:
    if if_none_match is not None:  # RFC 9110: when both are sent, If-None-Match decides alone
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or body.etag in tags
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        return body.last_modified <= since
    return False


def not_found() -> FeedReply:
    """The one answer for an unknown, replaced or turned-off feed link (and a malformed one)."""
    return FeedReply(404, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}, NOT_FOUND)


def answer(
    store: Store,
    token: str,
    *,
    today: date,
    client: str,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
) -> FeedReply:
    """The reply to ``GET /calendar/<token>.ics`` from ``client`` (its address, for the per-client limit)."""
    wait = CLIENT_READS.admit(client)
    if wait:
        return FeedReply(429, {"Retry-After": str(wait), "Content-Type": "text/plain; charset=utf-8"}, b"Slow down\n")
    try:
        opened = store.open_feed(token)
    except KeyError:
        return not_found()
    wait = TOKEN_READS.admit(opened.workspace.id)
    if wait:
        return FeedReply(429, {"Retry-After": str(wait), "Content-Type": "text/plain; charset=utf-8"}, b"Slow down\n")

    def build() -> FeedBody:
        body = plan_ics(opened.workspace, today)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return FeedBody(body, etag, _last_modified(opened.changed, today))

    made = BODIES.get(opened.workspace.id, (opened.version, today), build)
    headers = {
        "ETag": made.etag,
        "Last-Modified": format_datetime(made.last_modified, usegmt=True),
        "Cache-Control": f"private, max-age={MAX_AGE_S}",
    }
    if _not_modified(made, if_none_match, if_modified_since):
        return FeedReply(304, headers)
    headers["Content-Type"] = "text/calendar; charset=utf-8"
    headers["Content-Disposition"] = 'inline; filename="lor-plan.ics"'
    return FeedReply(200, headers, made.body)
