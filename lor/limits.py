"""Limits on how often one visitor may do an expensive thing: restoring a backup (issue #14.8).

A restore parses up to 5 MB and rewrites a whole plan, so a class server lets each browser session restore at most
``RESTORES_PER_SESSION`` backups a minute, and each plan at most ``RESTORES_PER_PLAN`` a minute whichever session
restores it (so opening the plan in a new tab, or reloading, does not reset the count). Plain values and a clock
argument: no Streamlit, no database; lor/ui.py keeps one ``RestoreLimits`` per server process and one
``RecentEvents`` per session. The per-plan counts live in the server process's memory (one process serves a class
on Community Cloud); a restart forgets them, which at worst allows one more minute's restores.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

from lor.text import plural

RESTORES_PER_SESSION = 3
RESTORES_PER_PLAN = 3
RESTORE_WINDOW_S = 60.0


@dataclass
class RecentEvents:
    """The times of the last events of one kind: at most ``limit`` within ``window_s`` seconds."""

    limit: int
    window_s: float
    _times: deque[float] = field(default_factory=deque)

    def _forget_old(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.window_s:
            self._times.popleft()

    def count(self, now: float | None = None) -> int:
        """How many events fall within the window ending at ``now``."""
        self._forget_old(time.monotonic() if now is None else now)
        return len(self._times)

    def wait_seconds(self, now: float | None = None) -> int:
        """0 when one more event may happen now; otherwise how many whole seconds until it may."""
        now = time.monotonic() if now is None else now
        if self.count(now) < self.limit:
            return 0
        return max(1, int(self._times[0] + self.window_s - now + 0.999))

    def record(self, now: float | None = None) -> None:
        """Count one event at ``now``."""
        self._times.append(time.monotonic() if now is None else now)


class RestoreLimits:
    """Restores per session and per plan within a sliding window; ``admit`` checks both and counts the restore.

    Thread-safe: a class server runs each session on its own thread, and two sessions may restore one plan.
    """

    def __init__(
        self,
        *,
        per_session: int = RESTORES_PER_SESSION,
        per_plan: int = RESTORES_PER_PLAN,
        window_s: float = RESTORE_WINDOW_S,
        max_plans: int = 10_000,
    ):
        self.per_session, self.per_plan, self.window_s = per_session, per_plan, window_s
        self.max_plans = max_plans  # plans remembered; beyond it, plans with no recent restore are forgotten
        self._plans: dict[Hashable, RecentEvents] = {}
        self._lock = threading.Lock()

    def session_window(self) -> RecentEvents:
        """A new session's own count (keep it in the session's state)."""
        return RecentEvents(self.per_session, self.window_s)

    def admit(self, session: RecentEvents, plan: Hashable, now: float | None = None) -> str | None:
        """None, and the restore is counted, when ``session`` may restore into ``plan`` at ``now`` (seconds on a
        monotonic clock); otherwise the plain sentence to show, and nothing is counted."""
        now = time.monotonic() if now is None else now
        with self._lock:
            window = self._plans.get(plan)
            if window is None:
                if len(self._plans) >= self.max_plans:
                    self._forget_idle(now)
                window = self._plans[plan] = RecentEvents(self.per_plan, self.window_s)
            wait = session.wait_seconds(now)
            if wait:
                return (
                    f"You have restored {plural(session.count(now), 'backup')} in the last minute; "
                    f"wait {plural(wait, 'second')}, then restore again."
                )
            wait = window.wait_seconds(now)
            if wait:
                return (
                    f"This plan has had {plural(window.count(now), 'backup')} restored in the last minute "
                    f"(from this or another tab); wait {plural(wait, 'second')}, then restore again."
                )
            session.record(now)
            window.record(now)
            return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, w in self._plans.items() if not w.count(now)]:
            del self._plans[key]

    def __len__(self) -> int:
        return len(self._plans)
