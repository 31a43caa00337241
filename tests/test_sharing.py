"""Class mode and the advisor link: private plans, read-only views, stale links, the report."""

import os
from html.parser import HTMLParser

import pytest
from plan_dates import TODAY

from lor.example import load_example
from lor.models import Mentor
from lor.overview import overview_of
from lor.report import advisor_report_html
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


def db() -> Store:
    return Store(os.environ["LOR_DB"])


def test_two_visitors_get_two_private_workspaces(open_page):
    first = open_page("dashboard", example=False, shared=True)
    assert not first.exception
    token_a = first.query_params["w"][0] if isinstance(first.query_params["w"], list) else first.query_params["w"]
    ws_a = db().open(token_a)
    ws_a.save_mentor(Mentor(id="secret", name="Dr. Only-Mine"))

    second = open_page("recommenders", example=False, shared=True)
    token_b = second.query_params["w"]
    token_b = token_b[0] if isinstance(token_b, list) else token_b
    assert token_b != token_a
    ws_b = db().open(token_b)
    assert ws_b.id != ws_a.id and ws_b.mentors() == []
    assert "Dr. Only-Mine" not in str(second.main)
    assert db().workspace_count() == 2


def test_the_new_private_link_is_shown_with_advice_to_bookmark(open_page):
    at = open_page("dashboard", example=False, shared=True)
    assert any("Bookmark this link" in s.value for s in at.success)
    token = at.query_params["w"]
    token = token[0] if isinstance(token, list) else token
    assert any(token in c.value for c in at.code)


def test_a_returning_visitor_sees_their_own_plan(open_page):
    store_edit, _ = Store(os.environ["LOR_DB"]).create_workspace()
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
    for text in ("Jordan Rivera", "Internal medicine residency", "Dr. Priya Raman", "Letter mix", "Timeline"):
        assert text in html
