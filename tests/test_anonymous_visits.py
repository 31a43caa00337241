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
