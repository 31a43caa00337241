"""The PostgreSQL backend: a class's plans on a database server, which outlives the app (Community Cloud wipes the
app's own disk whenever it reboots).

psycopg 3 with a connection pool, one per database address per process, shared by Streamlit's session threads; each
operation borrows a connection for one transaction. Statements use PostgreSQL's own numbered placeholders ($1), sent
through psycopg's RawCursor as they are. The schema's migrations are recorded in a small table of their own.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from lor.store.errors import DatabaseUnavailable, first_line
from lor.store.schema import MIGRATIONS, POSTGRES

# A class on Community Cloud is one process with a thread per session; most operations take a few ms, so a
# handful of connections serve a class, and the free tiers of hosted PostgreSQL allow far more than this.
POOL_MIN, POOL_MAX = 1, 10
# A database that stops answering mid-session gets a plain page within seconds, not a traceback after half a minute:
# a page waits this long for a connection (a free one, or a new one when the old ones broke) before it says so.
POOL_TIMEOUT_S = 5.0
OPEN_TIMEOUT_S = 15.0  # how long the first connection may take (a sleeping free-tier database wakes in seconds)
CONNECT_TIMEOUT_S = 5
PROBE_TIMEOUT_S = 2  # the one connection tried after the pool gave up waiting (libpq's shortest)
# A database that accepts connections but never answers would hold a page (and its thread) for good: the server
# ends a statement after STATEMENT_TIMEOUT_S (a lock held too long), and the app gives up on a connection that has
# not answered within ANSWER_TIMEOUT_S (a server, or a network path, that says nothing at all).
STATEMENT_TIMEOUT_S = 5
ANSWER_TIMEOUT_S = 5.0
# After the database failed slowly (it did not answer), pages say so at once for this long instead of each waiting
# again; then the next page tries again.
RETRY_AFTER_S = 15.0

_pools: dict[str, ConnectionPool] = {}
_lock = threading.Lock()


class PostgresBackend:
    """A LOR Planner database on a PostgreSQL server."""

    dialect = POSTGRES

    def __init__(self, url: str):
        scheme, _, rest = url.partition("://")
        self.url = f"{scheme.split('+')[0]}://{rest}"  # st.connection's postgresql+psycopg:// form works too
        self.read_only = False
        self.read_only_reason = ""
        _pool_for(self.url)  # connects and migrates now, so a wrong address fails here rather than mid-page

    @property
    def pool(self) -> ConnectionPool:
        # Looked up on each use: a closed pool (close(), tests) is reopened by the next operation.
        return _pool_for(self.url)

    def applied_migrations(self) -> list[str]:
        """The names of the migrations this database has, oldest first."""
        return applied_migrations(self.pool)

    @property
    def location(self) -> str:
        """Which database this is, without secrets: the server address without a password."""
        parts = urlsplit(self.url)
        return _redacted(self.url) + (f"?{parts.query}" if parts.query else "")

    def describe(self) -> str:
        """Where plans are kept, in words for the Share & backup page."""
        parts = urlsplit(self.url)
        return f"the PostgreSQL database {parts.path.lstrip('/') or '(default)'} on {parts.hostname or 'localhost'}"

    def close(self) -> None:
        """Close this database's connection pool (every backend of this address shares it)."""
        close_pool(self.url)

    @contextmanager
    def session(self) -> Iterator[PgSession]:
        """One connection for one operation, which is one transaction: committed on success, rolled back on error."""
        _refuse_if_silent(self.url)
        fired: list[bool] = []
        try:
            with ExitStack() as stack:
                conn = self._connection(stack)
                with _WATCHDOG.limit(conn, ANSWER_TIMEOUT_S, fired=fired):
                    yield PgSession(conn)
                    conn.commit()
        except psycopg.OperationalError as exc:  # the server went away, or no connection came in time
            if fired:
                _silent[self.url] = time.monotonic()  # it said nothing at all
            raise DatabaseUnavailable(unreachable(self.url, exc)) from None

    def _connection(self, stack: ExitStack) -> psycopg.Connection[Any]:
        try:
            return stack.enter_context(self.pool.connection())
        except PoolTimeout:
            # After an outage the pool waits longer and longer between reconnection attempts; when the server
            # answers again, start a fresh pool rather than keep every visitor on the problem page meanwhile.
            started = time.monotonic()
            try:
                psycopg.connect(self.url, connect_timeout=PROBE_TIMEOUT_S).close()
            except psycopg.Error:
                _note_failure(self.url, started, PROBE_TIMEOUT_S)
                raise DatabaseUnavailable(unreachable(self.url, TimeoutError("no answer"))) from None
            close_pool(self.url)
            return stack.enter_context(self.pool.connection())

    @contextmanager
    def transaction(self) -> Iterator[PgSession]:
        with self.session() as db:  # every operation is one transaction already
            yield db

    def size_bytes(self) -> int:
        """How many bytes the current database takes on the server (pg_database_size: tables, indexes, TOAST)."""
        with self.session() as db:
            return int(next(iter(db.query("SELECT pg_database_size(current_database()) AS n")))["n"])


class PgSession:
    """The store's calls on one psycopg connection: its statements, with their numbered placeholders, as they are."""

    def __init__(self, conn: psycopg.Connection[Any]):
        self.conn = conn

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Iterator[dict[str, Any]]:
        with psycopg.RawCursor(self.conn, row_factory=dict_row) as cur:
            cur.execute(sql, params)
            return iter(cur.fetchall())

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
        with psycopg.RawCursor(self.conn) as cur:
            cur.execute(sql, params)

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        if rows:
            with psycopg.RawCursor(self.conn) as cur:
                cur.executemany(sql, rows)


def _pool_for(url: str) -> ConnectionPool:
    with _lock:
        pool = _pools.get(url)
        if pool is None or pool.closed:
            _refuse_if_silent(url)
            started = time.monotonic()
            try:  # one plain connection first: a wrong address or password fails at once, not after the pool's wait
                psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
            except psycopg.Error as exc:
                _note_failure(url, started, CONNECT_TIMEOUT_S)
                raise DatabaseUnavailable(
                    f"The PostgreSQL database {_redacted(url)} can't be used: {first_line(exc)}"
                ) from None
            pool = ConnectionPool(
                url,
                min_size=POOL_MIN,
                max_size=POOL_MAX,
                timeout=POOL_TIMEOUT_S,
                # A hosted database closes idle connections (and free tiers sleep): check one before lending it,
                # within ANSWER_TIMEOUT_S; each new connection gets the server-side statement timeout.
                check=_check_connection,
                configure=_configure,
                # No server-side prepared statements, so transaction poolers (PgBouncer, Supavisor) work too.
                kwargs={"connect_timeout": CONNECT_TIMEOUT_S, "prepare_threshold": None},
                name="lor",
                open=False,
            )
            try:
                pool.open(wait=True, timeout=OPEN_TIMEOUT_S)
                apply_migrations(pool)
            except psycopg.Error as exc:
                pool.close()
                raise DatabaseUnavailable(
                    f"The PostgreSQL database {_redacted(url)} can't be used: {first_line(exc)}"
                ) from None
            _pools[url] = pool
        return pool


def _configure(conn: psycopg.Connection[Any]) -> None:
    with _WATCHDOG.limit(conn, ANSWER_TIMEOUT_S):
        conn.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_S * 1000)}")
        conn.commit()


def _check_connection(conn: psycopg.Connection[Any]) -> None:
    with _WATCHDOG.limit(conn, ANSWER_TIMEOUT_S):
        ConnectionPool.check_connection(conn)


class _Watchdog:
    """Ends a connection that has not answered by its deadline: one thread shuts the connection's socket down, so
    the call waiting on it fails at once (psycopg.OperationalError) instead of waiting as long as the network lets
    it. libpq's own timeouts cover connecting, and a server's statement_timeout a slow statement; neither covers a
    server, or a network path, that accepts a request and then says nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, int, list[bool]]] = {}
        self._thread: threading.Thread | None = None

    @contextmanager
    def limit(
        self, conn: psycopg.Connection[Any], seconds: float, *, fired: list[bool] | None = None
    ) -> Iterator[None]:
        """Shut ``conn`` down if the block takes longer than ``seconds``; ``fired`` gets a True when it did."""
        token = fired if fired is not None else []
        with self._lock:
            self._deadlines[id(token)] = (time.monotonic() + seconds, conn.pgconn.socket, token)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="lor-db-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._deadlines.pop(id(token), None)

    def _watch(self) -> None:
        while True:
            time.sleep(0.2)
            now = time.monotonic()
            with self._lock:  # held while shutting down: the call it limits can't finish and hand its socket on
                for key, (deadline, fd, fired) in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[key]
                        fired.append(True)
                        _shut_down(fd)


def _shut_down(fd: int) -> None:
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


_WATCHDOG = _Watchdog()
_silent: dict[str, float] = {}  # database address -> when it last failed to answer (time.monotonic)


def _note_failure(url: str, started: float, timeout: float) -> None:
    """Remember a database whose connection attempt ran into its timeout (it did not answer; a refusal or a dropped
    connection comes at once), so the next pages say so at once."""
    if time.monotonic() - started >= 0.8 * timeout:
        _silent[url] = time.monotonic()


def _refuse_if_silent(url: str) -> None:
    since = _silent.get(url)
    if since is None:
        return
    if time.monotonic() - since >= RETRY_AFTER_S:
        _silent.pop(url, None)  # time to ask again
        return
    raise DatabaseUnavailable(
        f"The PostgreSQL database {_redacted(url)} is not answering: it did not answer a moment ago, and the app "
        f"asks again every {RETRY_AFTER_S:.0f} seconds."
    )


def unreachable(url: str, exc: BaseException) -> str:
    """What a visitor reads when the database stopped answering: which one (no password) and why, in one line."""
    return f"The PostgreSQL database {_redacted(url)} is not answering: {first_line(exc)}"


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = f"{parts.username}@{parts.hostname}" if parts.username else parts.hostname or "localhost"
    return urlunsplit((parts.scheme, f"{host}:{parts.port}" if parts.port else host, parts.path, "", ""))


def close_pool(url: str) -> None:
    """Close the connection pool of one database address (tests, the copy command); the next store reopens it."""
    with _lock:
        pool = _pools.pop(url, None)
        _silent.pop(url, None)
    if pool is not None:
        pool.close()


def close_all_pools() -> None:
    """Close every connection pool this process opened."""
    for url in list(_pools):
        close_pool(url)


def applied_migrations(pool: ConnectionPool) -> list[str]:
    """The names of the migrations this database has, oldest first."""
    with pool.connection() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS lor_migrations (name text PRIMARY KEY, applied_at timestamptz)")
        return [row[0] for row in conn.execute("SELECT name FROM lor_migrations ORDER BY applied_at, name")]


def apply_migrations(pool: ConnectionPool) -> list[str]:
    """Apply the schema's migrations this database lacks, each in its own transaction; returns the names applied.

    An advisory lock makes two app processes starting at once take turns instead of both creating the tables.
    """
    done: list[str] = []
    for migration in MIGRATIONS:
        with pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('lor-planner-migrations'))")
            conn.execute("CREATE TABLE IF NOT EXISTS lor_migrations (name text PRIMARY KEY, applied_at timestamptz)")
            if conn.execute("SELECT 1 FROM lor_migrations WHERE name = %s", [migration.name]).fetchone():
                continue
            for sql in migration.ddl(POSTGRES):
                conn.execute(sql)  # our own DDL, not user text
            conn.execute("INSERT INTO lor_migrations (name, applied_at) VALUES (%s, now())", [migration.name])
            done.append(migration.name)
    return done
