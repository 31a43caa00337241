"""The plans' database stops answering in the middle of a session (issue #12's leftover, issue #14.5): every visitor
gets a plain page within seconds that says their plans are safe and to try again, never a traceback; when the
database answers again, the same link opens the same plan.

The PostgreSQL server is reached through a small TCP relay that the test can cut, as a hosted database that goes
away (a restart, a network fault) looks to the app.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from plain_text import shown
from streamlit.testing.v1 import AppTest

from lor.models import Mentor
from lor.store import DatabaseUnavailable, store_at

ROOT = Path(__file__).resolve().parent.parent

SAFE = "Your plan is safe"


class Relay:
    """Forwards a local port to the database server until ``cut()``; then every connection is dropped and new
    ones are refused, until ``restore()``."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while self.open:
                ready, _, _ = select.select([a, b], [], [], 0.2)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()

    def cut(self) -> None:
        self.open = False
        for a, b in self.pairs:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self.pairs.clear()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.fixture
def relayed_url(pg_url: str):
    parts = urlsplit(pg_url)
    relay = Relay(parts.hostname or "localhost", parts.port or 5432)
    netloc = f"{parts.username}:{parts.password}@127.0.0.1:{relay.port}"
    yield relay, urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    relay.close()
    from lor.pgstore import close_pool

    close_pool(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")))


def test_a_store_operation_on_a_database_gone_away_raises_database_unavailable_naming_no_password(relayed_url):
    relay, url = relayed_url
    store = store_at(url)
    ws = store.open(store.create_workspace()[0])
    relay.cut()
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as info:
        ws.mentors()
    assert time.monotonic() - started < 30  # generous: the point is "not the old pool's 30 s, then a traceback"
    parts = urlsplit(url)
    assert "not answering" in str(info.value) and f"{parts.username}@127.0.0.1" in str(info.value)
    assert f":{parts.password}@" not in str(info.value)  # the address is shown without its password
    relay.restore()
    assert ws.mentors() == []  # it answers again: the same plan, nothing lost


def test_a_student_whose_database_went_away_gets_a_plain_page_then_the_plan_again(relayed_url, monkeypatch, tmp_path):
    relay, url = relayed_url
    store = store_at(url)
    edit, _ = store.create_workspace()
    store.open(edit).save_mentor(Mentor(id="m1", name="Dr. Kept"))
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LOR_SHARED", "1")
    monkeypatch.setenv("LOR_DATABASE_URL", url)

    def visit(page: str) -> AppTest:  # a page load (or reload) with the student's private link
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["w"] = edit
        at.run()
        if page != "dashboard":
            at.switch_page(f"pages/{page}.py").run()
        return at

    assert not visit("dashboard").exception
    relay.cut()
    for page in ("dashboard", "letters"):
        at = visit(page)
        assert not at.exception, at.exception
        assert [t.value for t in at.title] == ["LOR Planner can't reach its database"]
        text = " ".join(shown(m.value) for m in [*at.markdown, *at.error])
        assert SAFE in text and "Try again in a minute" in text
        assert "Traceback" not in text and "psycopg" not in text and f":{urlsplit(url).password}@" not in text
    relay.restore()
    at = visit("recommenders")
    assert not at.exception and "Dr. Kept" in " ".join(
        shown(m.value) for m in [*at.markdown, *at.caption, *at.subheader]
    )
