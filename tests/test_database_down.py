"""The plans' database stops answering in the middle of a session (issue #12's leftover, issue #14.5): every visitor
gets a plain page within seconds that says their plans are safe and to try again, never a traceback; when the
database answers again, the same link opens the same plan.

The PostgreSQL server is reached through a small TCP relay that the test can cut, as a hosted database that goes
away (a restart, a network fault) looks to the app.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from plain_text import shown
from plan_dates import TODAY
from streamlit.testing.v1 import AppTest

from lor.example import load_example
from lor.models import Mentor
from lor.store import DatabaseUnavailable, Store, store_at
from lor.ui.problems import DATABASE_DOWN, DETAILS_NOT_SAVED

ROOT = Path(__file__).resolve().parent.parent

SAFE = "Your plan is safe"


def assert_no_deployment_details(text: str, url: str | None = None) -> None:
    """Nothing a visitor reads names the database's user, host, port or name, or repeats the driver's words."""
    for driver_words in ("server closed the connection", "disk I/O", "is locked", "consuming input", "statement"):
        assert driver_words not in text
    if url:
        parts = urlsplit(url)
        for detail in (parts.username, parts.hostname, f":{parts.port}", parts.path.strip("/")):
            assert not detail or detail not in text, detail


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
    from lor.store.postgres import close_pool

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
        assert_no_deployment_details(text, url)
    relay.restore()
    at = visit("recommenders")
    assert not at.exception and "Dr. Kept" in " ".join(
        shown(m.value) for m in [*at.markdown, *at.caption, *at.subheader]
    )


# -- a SQLite plans file that can't be used (issue #14.5) and one a newer version changed (#14.12) ------------


def _app(monkeypatch, tmp_path: Path, db: Path, *, shared: bool = False, query: dict | None = None) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LOR_DB", str(db))
    monkeypatch.setenv("LOR_TODAY", TODAY.isoformat())
    monkeypatch.delenv("LOR_DATABASE_URL", raising=False)
    if shared:
        monkeypatch.setenv("LOR_SHARED", "1")
    else:
        monkeypatch.delenv("LOR_SHARED", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _page_text(at: AppTest) -> str:
    return " ".join(shown(e.value) for e in [*at.title, *at.markdown, *at.error, *at.warning, *at.caption])


@pytest.mark.parametrize(
    "case,expected",
    [
        ("folder is a file", "can't be created"),
        ("not a database", "is damaged or is not a LOR Planner database"),
        ("corrupted pages", "damaged"),
    ],
)
def test_a_plans_file_that_cannot_be_opened_gets_a_plain_page(monkeypatch, tmp_path, caplog, case, expected):
    if case == "folder is a file":
        (tmp_path / "plans").write_text("a file where the folder should be")
        db = tmp_path / "plans" / "lor.db"
    elif case == "not a database":
        db = tmp_path / "lor.db"
        db.write_bytes(b"this is a text file, not SQLite\n" * 200)
    else:
        db = tmp_path / "lor.db"
        store = Store(db)
        load_example(store.default_workspace(), TODAY)
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = bytearray(db.read_bytes())
        raw[4096:] = b"\xff" * (len(raw) - 4096)  # every page after the first overwritten
        db.write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING, logger="lor"):
        at = _app(monkeypatch, tmp_path, db)
    assert not at.exception, at.exception
    text = _page_text(at)
    assert at.title[0].value == "LOR Planner can't reach its database"
    assert DATABASE_DOWN in text and SAFE in text
    assert "Traceback" not in text and "sqlite3." not in text
    assert expected not in text and str(tmp_path) not in text and "lor.db" not in text  # for the log only:
    assert expected in caplog.text and str(db) in caplog.text


def test_on_a_read_only_disk_plans_open_read_only_and_keep_their_backup(monkeypatch, tmp_path):
    db = tmp_path / "lor.db"
    store = Store(db)
    edit, _ = store.create_workspace()
    load_example(store.open(edit), TODAY)
    # The disk turns read-only: every write SQLite tries fails as it would there (root ignores file modes).
    real_connect = sqlite3.connect

    def read_only_disk(target, *args, **kwargs):
        if kwargs.get("uri"):
            return real_connect(target, *args, **kwargs)
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(sqlite3, "connect", read_only_disk)
    at = _app(monkeypatch, tmp_path, db, shared=True, query={"w": edit})
    assert not at.exception, at.exception
    assert "can't be written right now" in _page_text(at) and "download a backup" in _page_text(at)
    assert "readonly database" not in _page_text(at)  # the driver's words go to the log
    at.switch_page("pages/share.py").run()
    assert not at.exception, at.exception
    backup = [b for b in at.get("download_button") if "share-backup" in str(getattr(b, "proto", ""))]
    assert backup, "the backup download is still offered"
    assert not [u for u in at.get("file_uploader")]  # no restore on a disk that can't be written
    with pytest.raises(PermissionError) as info:
        Store(db).open(edit).save_mentor(Mentor(name="Dr. New"))
    assert "can't be changed right now" in str(info.value)


def test_a_database_from_a_newer_version_opens_read_only_with_a_message(store_location, backend):
    store = store_at(store_location)
    ws = store.default_workspace()
    ws.save_mentor(Mentor(id="m1", name="Dr. Kept"))
    if backend == "sqlite":
        with sqlite3.connect(store_location) as conn:
            conn.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('lor', 'm099_future', 'x')"
            )
    else:
        import psycopg

        with psycopg.connect(store_location.split("?")[0], options=_options(store_location)) as conn:
            conn.execute("INSERT INTO lor_migrations (name, applied_at) VALUES ('m099_future', now())")
        store.close()
    newer = store_at(store_location)
    assert newer.read_only and "newer version of LOR Planner" in newer.read_only_reason
    assert "m099_future" in newer.read_only_reason
    ws = newer.default_workspace()
    assert ws.read_only and [m.name for m in ws.mentors()] == ["Dr. Kept"]
    with pytest.raises(PermissionError) as info:
        ws.save_mentor(Mentor(id="m1", name="Dr. Changed"))
    assert "newer version" in str(info.value)
    assert "Dr. Kept" in newer.export_json(ws)  # its backup can still be downloaded
    newer.close()


def _options(url: str) -> str:
    from urllib.parse import parse_qs

    return parse_qs(urlsplit(url).query).get("options", [""])[0]


# -- a widget's own save (a callback) meets the database gone: the database page, not a traceback (issue #23.5) --


@pytest.fixture(params=["sqlite", "postgres"])
def app_backend(request) -> str:
    return request.param


def _break_database(backend: str, monkeypatch) -> None:
    """From now on every connection fails, as when the disk fails or the database server goes away."""
    if backend == "sqlite":

        def failing(*args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(sqlite3, "connect", failing)
    else:
        import psycopg
        from psycopg_pool import ConnectionPool

        def gone(self, *args, **kwargs):
            raise psycopg.OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(ConnectionPool, "connection", gone)


def _database_page(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["LOR Planner can't reach its database"]
    assert SAFE in _page_text(at) and DATABASE_DOWN in _page_text(at)
    assert_no_deployment_details(_page_text(at), os.environ.get("LOR_DATABASE_URL"))
    assert os.environ["LOR_DB"] not in _page_text(at)
    assert any("Your last change was not saved" in w.value for w in at.warning)


def test_the_database_gone_during_a_writer_field_edit_shows_the_database_page(open_page, app_backend, monkeypatch):
    at = open_page("recommenders")
    from backends import configured_store

    mid = configured_store().default_workspace().mentors()[0].id
    at.session_state[f"mentor-{mid}-edit"] = True  # what opening "Edit details" does
    at.run()
    _break_database(app_backend, monkeypatch)
    at.number_input(key=f"mentor-{mid}-weeks").set_value(12).run()
    _database_page(at)


def test_the_database_gone_during_a_letter_tick_shows_the_database_page(open_page, app_backend, monkeypatch):
    at = open_page("letters")
    at.selectbox(key="letters-select").set_value("l-hale").run()
    _break_database(app_backend, monkeypatch)
    at.checkbox(key="letter-l-hale-packet-cv").check().run()
    _database_page(at)
    monkeypatch.undo()  # the database answers again: the next run opens the plan
    at.run()
    assert not at.exception and at.title[0].value == "Letters"


@contextlib.contextmanager
def _plans_locked(backend: str):
    """Another connection holds the plans' write lock (a stuck process, a long migration): writes wait, then fail."""
    if backend == "sqlite":
        lock = sqlite3.connect(os.environ["LOR_DB"], isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            lock.execute("ROLLBACK")
            lock.close()
    else:
        import psycopg

        url = os.environ["LOR_DATABASE_URL"]
        with psycopg.connect(url.split("?")[0], options=_options(url)) as lock:
            lock.execute("LOCK TABLE workspaces IN ACCESS EXCLUSIVE MODE")
            yield
            lock.rollback()


def test_a_new_visitors_first_save_that_fails_says_so_above_the_form_and_keeps_what_they_typed(open_page, app_backend):
    at = open_page("dashboard", example=False, shared=True)
    at.text_input(key="student-name").input("Ana Ruiz")
    with _plans_locked(app_backend):
        at.button(key="student-save").click().run()
    assert not at.exception, at.exception
    details = at.expander[0]  # "Your details": the form, with the message at its top
    assert [e.value for e in details.error] == [DETAILS_NOT_SAVED]
    assert not at.query_params.get("w")  # no private link: nothing was made
    assert at.text_input(key="student-name").value == "Ana Ruiz"
    assert_no_deployment_details(_page_text(at), os.environ.get("LOR_DATABASE_URL"))
    from backends import configured_store

    assert configured_store().workspace_count() == 0


def test_a_write_to_a_locked_plans_file_gives_up_after_about_5_seconds(tmp_path):
    store = Store(tmp_path / "lor.db")
    ws = store.open(store.create_workspace()[0])
    ws.save_mentor(Mentor(id="m1", name="Dr. Kept"))
    lock = sqlite3.connect(tmp_path / "lor.db", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another process writing, or a stuck one
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            ws.save_mentor(Mentor(id="m2", name="Dr. Waiting"))
        assert 4.5 <= time.monotonic() - started <= 6.5  # the README's "about 5 seconds"
        assert [m.name for m in ws.mentors()] == ["Dr. Kept"]  # reads go on meanwhile
    finally:
        lock.execute("ROLLBACK")
        lock.close()


# -- a database that accepts connections and then says nothing: a plain page fast, then at once (issue #23.5) -------


class Silent:
    """A TCP listener that accepts every connection and never sends a byte: a database that never answers."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.server.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        for sock in [self.server, *self.held]:
            sock.close()


class StallingRelay(Relay):
    """A relay that can stop passing bytes while keeping every connection open (a hung server or network path)."""

    stalled = False

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while self.open:
                ready, _, _ = select.select([a, b], [], [], 0.05)
                if self.stalled:
                    continue
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return


@pytest.fixture
def quick_timeouts(monkeypatch):
    """The production timeouts, shortened so a test waits a second or two, not five."""
    import lor.store.postgres

    monkeypatch.setattr(lor.store.postgres, "CONNECT_TIMEOUT_S", 2)
    monkeypatch.setattr(lor.store.postgres, "ANSWER_TIMEOUT_S", 1.0)
    monkeypatch.setattr(lor.store.postgres, "POOL_TIMEOUT_S", 1.0)


def _timed(call, limit: float) -> tuple[float, BaseException | None]:
    """Run ``call`` in a thread; (seconds taken, what it raised). A call still waiting after ``limit`` s fails the test
    (before the fix it waited as long as the network let it)."""
    found: list[BaseException | None] = [None]

    def run() -> None:
        try:
            call()
        except BaseException as exc:
            found[0] = exc

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"still waiting for the database after {limit} s"
    return time.monotonic() - started, found[0]


def test_a_database_that_never_answers_gets_the_plain_page_fast_then_at_once(monkeypatch, tmp_path, quick_timeouts):
    silent = Silent()
    try:
        monkeypatch.chdir(ROOT)
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("LOR_SHARED", "1")
        monkeypatch.setenv("LOR_DATABASE_URL", f"postgresql://u:pw@127.0.0.1:{silent.port}/lor")
        for limit in (4.0, 1.0):  # the first visit waits for the connect timeout; the next ones do not wait again
            started = time.monotonic()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
            assert time.monotonic() - started < limit
            assert not at.exception
            assert [t.value for t in at.title] == ["LOR Planner can't reach its database"]
            assert "not answering" in _page_text(at) or "timeout" in _page_text(at)
    finally:
        silent.close()


def test_a_database_that_stops_answering_mid_session_fails_fast_then_at_once(pg_url, quick_timeouts):
    parts = urlsplit(pg_url)
    relay = StallingRelay(parts.hostname or "localhost", parts.port or 5432)
    url = urlunsplit(
        (parts.scheme, f"{parts.username}:{parts.password}@127.0.0.1:{relay.port}", parts.path, parts.query, "")
    )
    try:
        store = store_at(url)
        ws = store.open(store.create_workspace()[0])
        ws.save_mentor(Mentor(id="m1", name="Dr. Kept"))
        relay.stalled = True
        took, raised = _timed(ws.mentors, 15)
        assert isinstance(raised, DatabaseUnavailable) and "not answering" in str(raised) and took < 6
        took, raised = _timed(ws.mentors, 15)
        assert isinstance(raised, DatabaseUnavailable) and took < 0.5  # said at once while it stays silent
    finally:
        relay.close()
        from lor.store.postgres import close_pool

        close_pool(url)
