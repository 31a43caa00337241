"""Limits on how much one plan may hold, and on how often one visitor may restore a backup (issue #14.1, #14.8).

**Plan size.** Every page's work grows with the plan: the Timeline plans each letter around each writer's busy
periods, Choose recommenders scores and draws every writer. ``PLAN_LIMITS`` bounds what a plan can be given through
the app (the add forms) and through a restored backup, far above any real student's plan (2–6 letters per
application, a handful of candidate writers, a few service blocks and conferences each), so that the largest plan
the app accepts still draws every page in about the time the example plan takes (``tools/heavy_plan.py`` builds
that plan and measures it). A plan saved before a limit existed still opens and can be edited; it only can't
grow past the limit.

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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from lor.models import Application, LetterRequest, Mentor, PlanSettings, Touchpoint
from lor.removal import Removal
from lor.text import plural


@dataclass(frozen=True)
class PlanLimits:
    """The most one plan holds of each kind of record (see the module docstring)."""

    writers: int = 30
    applications: int = 8
    letters: int = 48  # 6 per application
    letters_per_application: int = 12  # AMCAS takes 10; ERAS sends at most 4 to a program
    busy_per_writer: int = 30  # a writer's own busy times (service blocks, conferences, leave)
    touchpoints_per_writer: int = 50
    programs_per_plan: int = 400  # over all applications; one application holds at most 200 (the model's limit)
    own_busy_periods: int = 50  # the student's own busy periods, for every writer
    moved_periods: int = 300  # default busy periods given other dates in one year (about 20 a year)


PLAN_LIMITS = PlanLimits()

# What each count is called, singular and plural, and what to do at the limit.
_WORDS = {  # kind: (one, many, what to do at the limit)
    "writers": ("writer", "writers", "Delete a writer you won't ask"),
    "applications": ("application", "applications", "Delete an application you no longer need"),
    "letters": ("letter", "letters", "Delete a letter you no longer need (or one that was declined)"),
    "letters_per_application": ("letter", "letters", "Delete a letter you no longer need (or one that was declined)"),
    "busy_per_writer": ("busy period", "busy periods", "Remove one that is over"),
    "touchpoints_per_writer": ("logged contact", "logged contacts", "The oldest is dropped"),
    "programs_per_plan": ("program", "programs", "Remove programs you no longer apply to"),
    "own_busy_periods": ("busy period of your own", "busy periods of your own", "Remove one that is over"),
    "moved_periods": ("moved busy period", "moved busy periods", "Put back the ones in past years"),
}


def _count(count: int, kind: str) -> str:
    one, many, _advice = _WORDS[kind]
    return f"{count:,} {one if count == 1 else many}"


def full_message(kind: str, count: int, *, whose: str = "Your plan", limits: PlanLimits = PLAN_LIMITS) -> str | None:
    """The sentence to show instead of an add form when ``count`` records of ``kind`` (a ``PlanLimits`` field) leave
    no room for one more; None while there is room."""
    limit = getattr(limits, kind)
    if count < limit:
        return None
    return f"{whose} has {_count(count, kind)}, the most the app keeps. {_WORDS[kind][2]}, then add the new one."


def letter_room_message(letters: Sequence[LetterRequest], application: Application) -> str | None:
    """The sentence to show instead of "Plan a letter" when the plan, or this application, holds the most letters
    the app keeps; None while one more fits."""
    in_application = sum(1 for x in letters if x.serves(application.id))
    return full_message("letters", len(letters)) or full_message(
        "letters_per_application", in_application, whose=application.name
    )


def plan_size_problems(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    letters: Sequence[LetterRequest],
    settings: PlanSettings,
    *,
    limits: PlanLimits = PLAN_LIMITS,
) -> list[str]:
    """Each way a whole plan (a restored backup) holds more than ``limits`` allows, as a plain sentence."""
    problems: list[str] = []

    def over(kind: str, count: int, who: str | None = None) -> None:
        limit = getattr(limits, kind)
        if count > limit:
            if who is None:
                problems.append(f"it has {_count(count, kind)}; a plan holds at most {limit:,}.")
            else:
                problems.append(f"{who} has {_count(count, kind)}; one writer can have at most {limit:,}.")

    over("writers", len(mentors))
    over("applications", len(applications))
    over("letters", len(letters))
    over("programs_per_plan", sum(len(a.programs) for a in applications))
    over("own_busy_periods", len(settings.busy.custom))
    over("moved_periods", len(settings.busy.moved))
    for a in applications:
        count = sum(1 for x in letters if x.serves(a.id))
        if count > limits.letters_per_application:
            problems.append(
                f"{a.name} has {_count(count, 'letters_per_application')}; one application can have at most "
                f"{limits.letters_per_application}."
            )
    for m in mentors:
        over("busy_per_writer", len(m.busy), m.name)
        over("touchpoints_per_writer", len(m.touchpoints), m.name)
    return problems


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


# -- making plans and desks, and joining desks (issue #23.4) -----------------------------------------------------
# A plan is made only by a visitor's first change, and a desk by an advisor's form; neither is free for the server (a
# row, then the visitor's pages), so each is bounded per server in the database (every process of a class counts) and
# per client (the address a request came from) in this process. One address may use at most a tenth of the server's
# hourly budget, so using it all up takes ten addresses or more; the server's budget lets a class of 500 start its
# plans within one hour.


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events within ``window_s`` seconds."""

    limit: int
    window_s: float

    def window_words(self) -> str:
        """The window after "in the last": "10 minutes", "hour", "2 hours"."""
        minutes = round(self.window_s / 60)
        if minutes % 60 == 0:
            return "hour" if minutes == 60 else f"{minutes // 60} hours"
        return plural(minutes, "minute")

    def per_hour(self) -> float:
        """How many events this rate lets through in an hour, on average."""
        return self.limit * 3600.0 / self.window_s


CLASS_SIZE_MAX = 500  # students on one desk, and the class the limits below are chosen for
PLANS_PER_SERVER = Rate(600, 3600.0)  # a class of 500 starts its plans within an hour, with room to spare
PLANS_PER_CLIENT = Rate(60, 3600.0)  # a tenth of the server's: a lecture hall behind one address starts 60 an hour
DESKS_PER_SERVER = Rate(30, 3600.0)
DESKS_PER_CLIENT = Rate(3, 3600.0)  # a tenth of the server's
# Join codes: every look-up counts, the right code too, per browser session (lor.joincodes.JoinAttempts) and per
# client; wrong codes have a tighter per-client limit of their own (guessing). No per-desk count: a desk's look-ups
# could then be used up by one student who has its code, or by a lecture hall joining at once.
LOOKUPS_PER_SESSION = Rate(8, 600.0)
LOOKUPS_PER_CLIENT = Rate(60, 600.0)
WRONG_CODES_PER_CLIENT = Rate(20, 600.0)  # join codes that open no desk; a reload or a new tab does not reset it
DESK_MEMBERS_MAX = CLASS_SIZE_MAX


def client_address(peer: str | None, forwarded: str, *, trusted_hops: int) -> str:
    """The address the per-client limits count: the connection's own (``peer``) or, behind ``trusted_hops`` proxies
    that each append the address they saw to X-Forwarded-For (``forwarded``), the one the outermost proxy saw; "local"
    when neither is known. Anything else in the header was written by the client, so it never counts; a header with
    fewer hops than that did not come through every proxy, and the peer counts."""
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    if trusted_hops and len(hops) >= trusted_hops:
        return hops[-trusted_hops]
    return peer or "local"


def wait_words(seconds: int) -> str:
    """ "45 seconds", "3 minutes": how long to wait, rounded up to whole minutes past one."""
    return plural(seconds, "second") if seconds < 90 else plural((seconds + 59) // 60, "minute")


class KeyedLimit:
    """``rate`` per key (a client's address, a desk's id) in this process: ``admit`` counts an event or says how
    long to wait. Thread-safe; beyond ``max_keys`` keys, those with no recent event are forgotten."""

    def __init__(self, rate: Rate, *, max_keys: int = 10_000):
        self.rate = rate
        self.max_keys = max_keys
        self._windows: dict[Hashable, RecentEvents] = {}
        self._lock = threading.Lock()

    def _window(self, key: Hashable, now: float) -> RecentEvents:
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) >= self.max_keys:
                for old in [k for k, w in self._windows.items() if not w.count(now)]:
                    del self._windows[old]
            window = self._windows[key] = RecentEvents(self.rate.limit, self.rate.window_s)
        return window

    def wait_seconds(self, key: Hashable, now: float | None = None) -> int:
        """0 when one more event for ``key`` may happen now, else the whole seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return self._window(key, now).wait_seconds(now)

    def record(self, key: Hashable, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._window(key, now).record(now)

    def admit(self, key: Hashable, now: float | None = None) -> int:
        """0, and the event is counted, when ``key`` may have one more now; else the seconds to wait (not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            window = self._window(key, now)
            wait = window.wait_seconds(now)
            if not wait:
                window.record(now)
            return wait

    def clear(self) -> None:
        """Forget every count (tests; a restart does the same)."""
        with self._lock:
            self._windows.clear()

    def __len__(self) -> int:
        return len(self._windows)


def with_contact(mentor: Mentor, contact: Touchpoint) -> Mentor:
    """The writer with one more logged contact, keeping the ``touchpoints_per_writer`` most recent: the newest is the
    one that counts for the score, so logging is never refused."""
    kept = sorted([*mentor.touchpoints, contact], key=lambda t: t.day)[-PLAN_LIMITS.touchpoints_per_writer :]
    return mentor.model_copy(update={"touchpoints": kept})


def restore_room_problem(
    plan_records: tuple[Sequence[Mentor], Sequence[Application], Sequence[LetterRequest], PlanSettings],
    removal: Removal,
) -> str | None:
    """Why bringing a deleted ``removal`` back would take the plan (its mentors, applications, letters, settings)
    past a limit, or None: Undo waits for room rather than break one."""
    mentors, applications, letters, settings = plan_records
    together = [*applications, *removal.applications]
    problems = plan_size_problems([*mentors, *removal.mentors], together, [*letters, *removal.letters], settings)
    if not problems and removal.programs:
        problems = [p for p in [full_message("programs_per_plan", sum(len(a.programs) for a in together))] if p]
    return problems[0] if problems else None
