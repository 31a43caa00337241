"""Restores per minute (issue #14.8): the counting rule, on an explicit clock (no sleeping)."""

from lor.limits import RecentEvents, RestoreLimits


def test_a_session_may_restore_three_backups_a_minute_then_is_told_how_long_to_wait():
    limits = RestoreLimits()
    session = limits.session_window()
    for t in (0.0, 10.0, 20.0):
        assert limits.admit(session, "plan-a", now=t) is None
    refusal = limits.admit(session, "plan-a", now=25.0)
    assert refusal == "You have restored 3 backups in the last minute; wait 35 seconds, then restore again."
    assert limits.admit(session, "plan-a", now=59.5) is not None  # the first restore is still within the minute
    assert limits.admit(session, "plan-a", now=60.0) is None  # ...and now it is not


def test_a_new_session_on_the_same_plan_does_not_start_a_fresh_count():
    limits = RestoreLimits()
    first = limits.session_window()
    for t in (0.0, 1.0, 2.0):
        assert limits.admit(first, "plan-a", now=t) is None
    reloaded = limits.session_window()  # a reload or a new tab: a new session, the same plan
    refusal = limits.admit(reloaded, "plan-a", now=3.0)
    assert refusal is not None and refusal.startswith("This plan has had 3 backups restored in the last minute")
    assert "wait 57 seconds" in refusal
    assert limits.admit(reloaded, "plan-b", now=3.0) is None  # another plan has its own count


def test_a_refused_restore_is_not_counted():
    limits = RestoreLimits(per_session=1, per_plan=5)
    session = limits.session_window()
    assert limits.admit(session, "p", now=0.0) is None
    for t in (1.0, 2.0, 3.0):
        assert limits.admit(session, "p", now=t) is not None
    assert limits.admit(session, "p", now=60.0) is None  # the refusals did not push the window along


def test_the_plan_memory_forgets_idle_plans_when_full():
    limits = RestoreLimits(max_plans=3)
    for i in range(3):
        assert limits.admit(limits.session_window(), f"p{i}", now=0.0) is None
    assert limits.admit(limits.session_window(), "p3", now=120.0) is None
    assert len(limits) == 1  # the three idle plans were forgotten, the new one counted


def test_one_second_left_reads_in_the_singular():
    events = RecentEvents(limit=1, window_s=60)
    events.record(now=0.0)
    assert events.wait_seconds(now=59.2) == 1 and events.count(now=59.2) == 1
    limits = RestoreLimits(per_session=1)
    session = limits.session_window()
    limits.admit(session, "p", now=0.0)
    assert "You have restored 1 backup in the last minute; wait 1 second," in str(limits.admit(session, "p", now=59.5))
