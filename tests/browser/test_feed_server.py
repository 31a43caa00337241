"""The calendar feed on a real ``streamlit run app.py`` (issue #28): fetched over HTTP as a calendar app does, and
synced by a real calendar client (vdirsyncer into a folder, listed by khal)."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from lor.example import load_example
from lor.store import Store, Workspace
from tools.browser import TODAY, Server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("feed"), shared=False)
    yield running
    running.stop()


@pytest.fixture
def plan(server: Server) -> Iterator[tuple[Store, Workspace]]:
    store = Store(server.db)
    ws = store.default_workspace()
    load_example(ws, date.fromisoformat(TODAY))
    yield store, ws
    store.turn_off_feed(ws)
    store.close()


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def days(body: bytes) -> dict[str, date]:
    return {str(e["uid"]): e.decoded("dtstart") for e in Calendar.from_ical(body).walk("VEVENT")}


def move_deadline(ws: Workspace, weeks: int) -> None:
    app = ws.applications()[0]
    ws.save_application(app.model_copy(update={"deadline": app.deadline - timedelta(weeks=weeks)}))


def test_a_calendar_app_polls_the_feed(server: Server, plan: tuple[Store, Workspace]):
    store, ws = plan
    url = f"{server.url}/calendar/{store.new_feed_link(ws)}.ics"
    status, headers, body = get(url)
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    assert "max-age=" in headers["cache-control"] and headers["last-modified"]
    before = days(body)
    assert before

    status, again, rest = get(url, **{"If-None-Match": headers["etag"]})
    assert (status, rest, again["etag"]) == (304, b"", headers["etag"])

    move_deadline(ws, 2)
    status, changed, body = get(url, **{"If-None-Match": headers["etag"]})
    assert status == 200 and changed["etag"] != headers["etag"]
    after = days(body)
    assert any(after[uid] != before[uid] for uid in set(before) & set(after))

    assert get(server.url + "/")[0] == 200  # the pages are still served beside the route


def test_bad_replaced_and_turned_off_links_get_the_same_plain_404(server: Server, plan: tuple[Store, Workspace]):
    store, ws = plan
    replaced = store.new_feed_link(ws)
    current = store.new_feed_link(ws)
    assert get(f"{server.url}/calendar/{current}.ics")[0] == 200
    store.turn_off_feed(ws)
    answers = [get(f"{server.url}/calendar/{t}.ics") for t in ("B" * 32, replaced, current)]
    assert {(s, b, h["content-type"]) for s, h, b in answers} == {(404, b"Not found\n", "text/plain; charset=utf-8")}
    assert get(f"{server.url}/calendar/{replaced}")[0] == 404  # without .ics


# -- a real calendar client ---------------------------------------------------------------------------------------

VDIRSYNCER = """\
[general]
status_path = "{root}/status/"

[pair lor]
a = "lor_feed"
b = "lor_folder"
collections = null
conflict_resolution = "a wins"

[storage lor_feed]
type = "http"
url = "{url}"

[storage lor_folder]
type = "filesystem"
path = "{root}/calendar/"
fileext = ".ics"
"""

KHAL = """\
[calendars]
[[lor]]
path = {root}/calendar/
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
"""


def calendar_client_missing() -> str | None:
    missing = [name for name in ("vdirsyncer", "khal") if shutil.which(name) is None]
    if not missing:
        return None
    reason = f"{' and '.join(missing)} not installed (apt-get install vdirsyncer khal; .ci/run installs them)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    print(f"\n*** SKIPPING the calendar client test: {reason} ***")
    return reason


def test_vdirsyncer_subscribes_and_khal_lists_the_change_without_duplicates(
    server: Server, plan: tuple[Store, Workspace], tmp_path: Path
):
    reason = calendar_client_missing()
    if reason:
        pytest.skip(reason)
    store, ws = plan
    url = f"{server.url}/calendar/{store.new_feed_link(ws)}.ics"
    (tmp_path / "calendar").mkdir()
    (tmp_path / "vdirsyncer").write_text(VDIRSYNCER.format(root=tmp_path, url=url))
    (tmp_path / "khal").write_text(KHAL.format(root=tmp_path))
    env = {**os.environ, "VDIRSYNCER_CONFIG": str(tmp_path / "vdirsyncer"), "HOME": str(tmp_path)}

    def sync_and_list() -> list[str]:
        for step in (["discover", "lor"], ["sync"]):
            subprocess.run(["vdirsyncer", *step], env=env, check=True, capture_output=True, input=b"y\n", timeout=60)
        out = subprocess.run(
            ["khal", "-c", str(tmp_path / "khal"), "list", "--format", "{start-date} {title}", "2026-01-01", "900d"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return [line for line in out.splitlines() if line[:4].isdigit()]

    first = sync_and_list()
    served = days(get(url)[2])
    assert len(first) == len(served) == len(list((tmp_path / "calendar").glob("*.ics")))

    move_deadline(ws, 2)
    second = sync_and_list()
    assert len(second) == len(set(second)) == len(days(get(url)[2]))  # no step twice
    assert second != first
