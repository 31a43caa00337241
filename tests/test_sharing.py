"""Class mode and the advisor link: private plans, read-only views, stale links, the report."""

import logging
import re
from html.parser import HTMLParser

import pytest
from backends import BACKENDS, configured_store
from plan_dates import TODAY

from lor.example import load_example
from lor.models import Mentor
from lor.overview import overview_of
from lor.report import advisor_report_html, report_file_name
from lor.store import Store

PAGES = ["dashboard", "recommenders", "letters", "timeline", "faq", "share"]
# Widgets that change data; download buttons only read, so the advisor keeps them.
EDITING_WIDGETS = (
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "slider",
    "select_slider",
    "color_picker",
    "time_input",
)


# Widgets that only choose what to look at (never write): the FAQ search and the letter picker.
NAVIGATION_ONLY = {"faq-search", "letters-select"}


@pytest.fixture(params=BACKENDS)
def app_backend(request: pytest.FixtureRequest) -> str:
    """Class mode runs on both backends: every test here opens the app on SQLite and on PostgreSQL."""
    return request.param


def db() -> Store:
    return configured_store()


def private_token(at) -> str | None:
    token = at.query_params.get("w")
    return token[0] if isinstance(token, list) else token


def start_plan(at):
    """What a new student does first: load the example plan (their first write)."""
    at.button(key="dashboard-load-example").click().run()
    assert not at.exception
    return at


def test_a_visit_that_writes_nothing_saves_no_plan_and_issues_no_link(open_page):
    at = open_page("dashboard", example=False, shared=True)
    assert not at.exception
    assert private_token(at) is None and db().workspace_count() == 0
    assert any("Nothing is saved yet" in i.value for i in at.info)
    for page in PAGES[1:]:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
    assert private_token(at) is None and db().workspace_count() == 0


def test_two_visitors_get_two_private_workspaces(open_page):
    first = start_plan(open_page("dashboard", example=False, shared=True))
    token_a = private_token(first)
    ws_a = db().open(token_a)
    ws_a.save_mentor(Mentor(id="secret", name="Dr. Only-Mine"))

    second = open_page("recommenders", example=False, shared=True)
    assert private_token(second) is None and "Dr. Only-Mine" not in str(second.main)
    second.switch_page("pages/dashboard.py").run()
    token_b = private_token(start_plan(second))
    assert token_b and token_b != token_a
    ws_b = db().open(token_b)
    assert ws_b.id != ws_a.id and "Dr. Only-Mine" not in [m.name for m in ws_b.mentors()]
    assert db().workspace_count() == 2


def test_the_first_write_issues_the_private_link_and_shows_it_with_advice_to_bookmark(open_page):
    at = start_plan(open_page("dashboard", example=False, shared=True))
    token = private_token(at)
    assert token and db().open(token).student().name == "Jordan Rivera"
    assert any("Bookmark this link" in s.value for s in at.success)
    assert any(token in c.value for c in at.code)
    at.switch_page("pages/recommenders.py").run()  # the sidebar's navigation keeps the plan
    assert private_token(at) == token and "Dr. Priya Raman" in str(at.main)
    assert db().workspace_count() == 1


def test_a_first_write_on_another_page_saves_the_plan_too(open_page):
    at = open_page("timeline", example=False, shared=True)
    assert private_token(at) is None
    at.number_input(key="timeline-buffer-days").set_value(14).run()
    assert not at.exception
    token = private_token(at)
    assert token and db().open(token).get_setting("buffer_days") == 14
    assert any("Bookmark this link" in s.value for s in at.success)  # shown at once, on this page
    assert any(token in c.value for c in at.code)
    assert db().workspace_count() == 1


def test_a_returning_visitor_sees_their_own_plan(open_page):
    store_edit, _ = db().create_workspace()
    load_example(db().open(store_edit), TODAY)
    at = open_page("recommenders", example=False, shared=True, query={"w": store_edit})
    assert not at.exception
    assert "Dr. Priya Raman" in str(at.main)


@pytest.mark.parametrize("param", ["w", "view"])
def test_a_stale_link_shows_a_clear_page_and_no_data(open_page, param):
    edit, _ = db().create_workspace()
    load_example(db().open(edit), TODAY)
    at = open_page("dashboard", example=False, shared=True, query={param: "stale-token-that-opens-nothing-123"})
    assert not at.exception
    assert at.title[0].value == "This link does not open any plan"
    assert "Raman" not in str(at.main) + str(at.sidebar)
    at.button(key="stale-start-new").click().run()
    assert not at.exception
    assert at.title[0].value == "Dashboard"


@pytest.mark.parametrize("page", PAGES)
def test_the_advisor_link_shows_no_editing_controls(open_page, page):
    edit, view = db().create_workspace()
    load_example(db().open(edit), TODAY)
    before = db().export_json(db().open(edit))
    at = open_page(page, example=False, shared=True, query={"view": view})
    assert not at.exception, at.exception
    for kind in EDITING_WIDGETS:
        editing = [w for w in getattr(at, kind) if w.key not in NAVIGATION_ONLY]
        assert not editing, f"{page} shows a {kind} to the advisor: {[w.key for w in editing]}"
    assert len(at.button) == 0, f"{page} shows action buttons to the advisor: {[b.label for b in at.button]}"
    assert not at.get("form") and not at.get("arrow_data_frame_editor")
    shown = str(at.main) + str(at.sidebar)
    assert view not in shown and edit not in shown  # the advisor never sees a token
    assert db().export_json(db().open(edit)) == before


def test_a_forced_write_through_the_advisor_link_is_refused(open_page):
    _, view = db().create_workspace()
    with pytest.raises(PermissionError):
        db().open(view).save_mentor(Mentor(name="Intruder"))


def test_revoking_the_advisor_link_stops_it(open_page):
    edit, view = db().create_workspace()
    ws = db().open(edit)
    db().revoke_view_link(ws)
    at = open_page("dashboard", example=False, shared=True, query={"view": view})
    assert at.title[0].value == "This link does not open any plan"


def test_local_mode_shows_no_links(open_page):
    at = open_page("share", example=True)
    assert not at.exception
    assert not [b for b in at.button if "link" in b.label.lower()]
    assert db().workspace_count() == 1


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_the_report_shows_the_plan_and_escapes_user_text(example_ws):
    mentor = example_ws.mentors()[0]
    mentor.name = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    example_ws.save_mentor(mentor)
    html = advisor_report_html(overview_of(example_ws, TODAY))
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags and "onerror" not in parser.attrs
    assert "&lt;script&gt;" in html
    for text in (
        "Jordan Rivera",
        "Internal medicine (categorical)",
        "Dr. Priya Raman",
        "Letter mix",
        "Every step still",
    ):
        assert text in html


def test_share_and_backup_says_where_plans_live_and_the_sidebar_warns_only_when_they_can_vanish(open_page, app_backend):
    at = start_plan(open_page("dashboard", example=False, shared=True))
    warnings = " ".join(w.value for w in at.warning)  # the sidebar's, among any the page shows
    at.switch_page("pages/share.py").run()
    where = " ".join(c.value for c in at.caption)
    if app_backend == "postgres":
        assert "PostgreSQL database" in where and "survive the app restarting" in where
        assert "wiped" not in warnings
    else:
        assert "SQLite file" in where and "wiped" in where
        assert "can be wiped when it restarts" in warnings


def test_a_database_that_cannot_be_reached_gets_a_plain_page(open_page, monkeypatch, caplog):
    monkeypatch.setenv("LOR_DATABASE_URL", "postgresql://student:s3cret-pass@127.0.0.1:1/lor_class")
    with caplog.at_level(logging.WARNING, logger="lor"):
        at = open_page("dashboard", example=False, shared=True)
    assert not at.exception
    assert at.title[0].value == "LOR Planner can't reach its database"
    shown = (" ".join(e.value for e in at.error) + " ".join(m.value for m in at.markdown)).replace("\\", "")
    assert "The plans database is not answering right now; nothing was saved. Try again in a minute." in shown
    for detail in ("127.0.0.1", "student@", "lor_class", "s3cret-pass", "Connection refused"):  # for the log only
        assert detail not in shown
    assert "127.0.0.1" in caplog.text and "s3cret-pass" not in caplog.text


def test_a_new_private_link_replaces_the_old_one_everywhere_at_once(open_page):
    at = start_plan(open_page("dashboard", example=False, shared=True))
    old = private_token(at)
    at.switch_page("pages/share.py").run()
    at.button(key="share-new-edit").click().run()
    assert not at.exception
    new = private_token(at)
    assert new and new != old
    for page in ("pages/share.py", "pages/dashboard.py"):
        at.switch_page(page).run()
        codes = " ".join(c.value for c in at.code)
        assert old not in codes, f"{page} still shows the dead link"
        if page.endswith("dashboard.py"):
            assert "Bookmark this link" not in str(at.main) or new in codes
    with pytest.raises(KeyError):
        db().open(old)


def test_a_page_left_open_with_a_replaced_link_can_change_nothing_more(open_page):
    """The student replaced their link in another tab (or after it leaked): a change made in a page still open
    with the old link is not saved, and the page says the link no longer opens a plan."""
    edit, _ = db().create_workspace()
    load_example(db().open(edit), TODAY)
    at = open_page("timeline", example=False, shared=True, query={"w": edit})
    assert not at.exception
    before = db().export_json(db().open(edit))
    new = db().regenerate_link(db().open(edit), "edit")
    at.number_input(key="timeline-buffer-days").set_value(9).run()  # its on_change saves at once
    assert not at.exception
    assert at.title[0].value == "This link does not open any plan"
    assert at.warning[0].value.startswith("Your last change was not saved: this tab's link to the plan")
    assert db().export_json(db().open(new)) == before


def test_an_advisor_page_left_open_shows_nothing_new_once_the_link_is_turned_off(open_page):
    edit, view = db().create_workspace()
    load_example(db().open(edit), TODAY)
    at = open_page("dashboard", example=False, shared=True, query={"view": view})
    page_text = lambda: " ".join(str(e.value) for kind in ("markdown", "caption") for e in at.get(kind))  # noqa: E731
    assert "Jordan Rivera" in page_text()
    db().revoke_view_link(db().open(edit))
    at.run()
    assert not at.exception
    assert at.title[0].value == "This link does not open any plan"
    assert "Jordan Rivera" not in page_text() and "Hale" not in page_text()
    assert not at.warning  # nothing was being changed


# -- class mode's limits (issue #14.8) ----------------------------------------------------------------------------


def _restore(at, backup: bytes):
    """Share & backup: choose the file, confirm, press Restore."""
    at.file_uploader(key="share-restore-file").set_value(("lor-plan.json", backup, "application/json")).run()
    at.checkbox(key="share-restore-confirm").check().run()
    at.button(key="share-restore").click().run()
    assert not at.exception
    return at


def test_restores_are_capped_per_session_and_per_plan_with_a_plain_message(open_page, monkeypatch):
    import types

    import lor.limits

    monkeypatch.setattr(lor.limits, "time", types.SimpleNamespace(monotonic=lambda: 1_000.0))  # a frozen clock
    at = start_plan(open_page("dashboard", example=False, shared=True))
    token = private_token(at)
    backup = db().export_json(db().open(token)).encode()
    at.switch_page("pages/share.py").run()
    _restore(at, backup)
    for _ in range(2):
        at.button(key="share-restore").click().run()
    assert [s.value.replace("\\", "") for s in at.success] == ["Restored: your plan now holds the backup's contents."]
    at.button(key="share-restore").click().run()  # the fourth within the minute
    assert not at.success
    assert [e.value for e in at.error] == [
        "You have restored 3 backups in the last minute; wait 60 seconds, then restore again."
    ]
    # Reloading (a new session on the same plan) does not start a fresh count.
    again = _restore(open_page("share", example=False, shared=True, query={"w": token}), backup)
    assert not again.success
    assert any(e.value.startswith("This plan has had 3 backups restored in the last minute") for e in again.error)


def test_share_and_backup_reports_the_class_databases_size_in_class_mode_only(open_page, app_backend):
    at = start_plan(open_page("dashboard", example=False, shared=True))
    view = db().regenerate_link(db().open(private_token(at)), "view")
    at.switch_page("pages/share.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert re.search(r"The class database holds 1 plan in \d[\d,.]* (MB|kB)\.", captions), captions
    advisor = open_page("share", example=False, shared=True, query={"view": view})
    assert not advisor.exception and "class database" not in str(advisor.main)


def test_local_mode_reports_no_class_database(open_page):
    local = open_page("share")
    assert not local.exception and "class database" not in " ".join(c.value for c in local.caption)


def test_the_report_opens_with_why_the_student_needs_attention_and_is_named_after_them(example_ws):
    ov = overview_of(example_ws, TODAY)
    html = advisor_report_html(ov)
    why = html.index("Why now:")
    assert why < html.index("<h2>Summary</h2>")  # the first lines, before the summary
    first = html[why : html.index("</p>", why)]
    assert "Send Dr. Priya Raman your packet: " in first and " days overdue" in first
    # The programs' unmet requirements fail in the report as on the Dashboard and the desk.
    assert "Riverside University IM Residency requires an IM SEL" in html
    assert "2 required checks failing" in html and "1 required check failing" in html
    assert report_file_name(ov.student, TODAY) == "lor-report-jordan-rivera-2026-11-25.html"
    assert report_file_name(None, TODAY) == "lor-report-student-2026-11-25.html"
