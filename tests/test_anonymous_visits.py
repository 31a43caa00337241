"""Crawlers, link previews and curious clicks fill no database: a class-mode visit that writes nothing saves nothing."""

from backends import configured_store


def test_repeated_anonymous_visits_leave_no_rows(open_page):
    # Each visit is a new session on the landing address, as a crawler or a link preview makes it; none writes.
    # (Every page's anonymous visit, and the first write that does save a plan, are in test_sharing.py on both
    # backends; this counts rows after many visits, on SQLite: no write means no row on either backend.) Each kind
    # of address is visited 5 times: more repeats of the same fresh session test nothing more, only take longer.
    queries = [{}, {"utm_source": "email"}, {"ref": "preview"}, {"topic": "waiver"}]
    for visit in range(5 * len(queries)):
        at = open_page("dashboard", example=False, shared=True, query=queries[visit % len(queries)])
        assert not at.exception and at.title[0].value == "Dashboard"
    assert configured_store().workspace_count() == 0


def test_a_class_mode_visit_purges_plans_that_were_never_written(open_page):
    # Plans a version that created a plan on every visit left behind (a row each, never written), two days old,
    # beside a plan with content: the next visit's hourly purge removes the empty ones and keeps the other.
    import sqlite3

    from lor.models import Mentor

    store = configured_store()
    for _ in range(3):
        store.create_workspace()
    kept, _ = store.create_workspace()
    store.open(kept).save_mentor(Mentor(id="m1", name="Dr. Lee"))
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE workspaces SET created = '2020-01-01T00:00:00+00:00', opened = NULL")
    at = open_page("dashboard", example=False, shared=True)
    assert not at.exception and at.title[0].value == "Dashboard"
    assert store.workspace_count() == 1
    assert [m.name for m in store.open(kept).mentors()] == ["Dr. Lee"]
