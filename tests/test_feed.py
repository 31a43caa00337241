"""The calendar feed (issue #28): its link per plan, and what ``GET /calendar/<token>.ics`` answers, on both
databases; and the Timeline's subscription controls."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from icalendar import Calendar
from plan_dates import TODAY

from lor import feed
from lor.ics import milestones_to_ics
from lor.store import Store, Workspace, hash_token
from lor.timeline import timeline_of


@pytest.fixture(autouse=True)
def _fresh_feed_state():
    """Each test starts with no feed built and no reads counted (both live in the server process)."""
    for state in (feed.BODIES, feed.TOKEN_READS, feed.CLIENT_READS):
        state.clear()
    yield


def fetch(store: Store, token: str, **headers: str) -> feed.FeedReply:
    return feed.answer(store, token, today=TODAY, client="10.0.0.1", **headers)


def events(body: bytes) -> dict[str, str]:
    """Each event's UID and day."""
    return {str(e["uid"]): e.decoded("dtstart").isoformat() for e in Calendar.from_ical(body).walk("VEVENT")}


def test_a_feed_link_opens_its_plan_read_only_and_is_stored_only_as_its_hash(store: Store, example_ws: Workspace):
    assert not store.has_feed(example_ws)
    token = store.new_feed_link(example_ws)
    assert store.has_feed(example_ws)
    assert len(token) >= 32
    opened = store.open_feed(token)
    assert opened.workspace.id == example_ws.id and opened.workspace.read_only
    with pytest.raises(PermissionError):
        opened.workspace.save_mentor(example_ws.mentors()[0])
    rows = store.dump_rows()["workspaces"]
    assert [r["feed_hash"] for r in rows] == [hash_token(token)]
    assert token not in repr(store.dump_rows())
    with pytest.raises(KeyError):
        store.open(token)  # a feed link is not a private or advisor link


def test_a_new_feed_link_replaces_the_old_and_turning_it_off_ends_both(store: Store, example_ws: Workspace):
    old = store.new_feed_link(example_ws)
    new = store.new_feed_link(example_ws)
    assert new != old
    with pytest.raises(KeyError):
        store.open_feed(old)
    assert store.open_feed(new).workspace.id == example_ws.id
    store.turn_off_feed(example_ws)
    assert not store.has_feed(example_ws)
    for token in (old, new, "x" * 32, "", "short"):
        with pytest.raises(KeyError):
            store.open_feed(token)


def test_the_feed_holds_exactly_the_timeline_download(store: Store, example_ws: Workspace):
    reply = fetch(store, store.new_feed_link(example_ws))
    assert reply.status == 200
    download = milestones_to_ics(timeline_of(example_ws, TODAY).milestones, calendar_name="LOR plan")
    assert reply.body == download  # same bytes, same UIDs: the Timeline's "Whole plan (.ics)"
    assert reply.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "max-age=10800" in reply.headers["Cache-Control"]
    assert reply.headers["ETag"].startswith('"') and reply.headers["Last-Modified"].endswith("GMT")
    assert len(events(reply.body)) == len(timeline_of(example_ws, TODAY).milestones)


def test_an_unchanged_plan_answers_304_and_a_moved_deadline_moves_the_steps(store: Store, example_ws: Workspace):
    token = store.new_feed_link(example_ws)
    first = fetch(store, token)
    again = fetch(store, token, if_none_match=first.headers["ETag"])
    assert (again.status, again.body, again.headers["ETag"]) == (304, b"", first.headers["ETag"])
    assert fetch(store, token, if_modified_since=first.headers["Last-Modified"]).status == 304
    assert fetch(store, token, if_none_match='"something else"').status == 200

    app = example_ws.applications()[0]
    example_ws.save_application(app.model_copy(update={"deadline": app.deadline - timedelta(days=14)}))
    changed = fetch(store, token, if_none_match=first.headers["ETag"])
    assert changed.status == 200 and changed.headers["ETag"] != first.headers["ETag"]
    before, after = events(first.body), events(changed.body)
    assert set(before) & set(after)  # the same steps, by UID...
    assert any(before[uid] != after[uid] for uid in set(before) & set(after))  # ...some on other days


def test_unknown_replaced_and_turned_off_links_get_one_identical_404(store: Store, example_ws: Workspace):
    replaced = store.new_feed_link(example_ws)
    turned_off = store.new_feed_link(example_ws)
    store.turn_off_feed(example_ws)
    replies = [fetch(store, t) for t in ("A" * 32, replaced, turned_off, "../../etc/passwd", "")]
    assert {(r.status, r.body, tuple(sorted(r.headers.items()))) for r in replies} == {
        (404, feed.NOT_FOUND, (("Cache-Control", "no-store"), ("Content-Type", "text/plain; charset=utf-8")))
    }


def test_reads_are_bounded_per_feed_and_per_client(store: Store, example_ws: Workspace):
    token = store.new_feed_link(example_ws)
    replies = [fetch(store, token).status for _ in range(feed.READS_PER_TOKEN.limit + 1)]
    assert replies[-1] == 429 and set(replies[:-1]) == {200}
    feed.TOKEN_READS.clear()
    for _ in range(feed.READS_PER_CLIENT.limit):
        feed.CLIENT_READS.admit("10.0.0.2")
    assert feed.answer(store, token, today=TODAY, client="10.0.0.2").status == 429
    assert feed.answer(store, token, today=TODAY, client="10.0.0.3").status == 200


def test_a_poll_of_an_unchanged_plan_builds_nothing(store: Store, example_ws: Workspace, monkeypatch):
    token = store.new_feed_link(example_ws)
    fetch(store, token)
    monkeypatch.setattr(feed, "plan_ics", lambda *a: pytest.fail("built again"))
    assert fetch(store, token).status == 200


# -- the Timeline's controls ------------------------------------------------------------------------------------


def local_store() -> Store:
    return Store(os.environ["LOR_DB"])


def test_a_student_makes_replaces_and_turns_off_the_feed_on_the_timeline(open_page):
    at = open_page("timeline")
    assert not at.exception
    assert "Calendar subscription" in [s.value for s in at.subheader]
    at.button(key="timeline-feed-new").click().run()
    shown = [c.value for c in at.code]
    address = next(v for v in shown if "/calendar/" in v)
    first = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert local_store().open_feed(first).workspace.id == local_store().default_workspace().id
    assert any("webcal://" in m.value for m in at.markdown)
    at.button(key="timeline-feed-new").click().run()
    second = next(v for v in (c.value for c in at.code) if "/calendar/" in v).rsplit("/", 1)[1][:-4]
    assert second != first
    with pytest.raises(KeyError):
        local_store().open_feed(first)
    at.button(key="timeline-feed-off").click().run()
    assert not at.exception
    assert not [c for c in at.code if "/calendar/" in c.value]
    with pytest.raises(KeyError):
        local_store().open_feed(second)
    assert not local_store().has_feed(local_store().default_workspace())
