"""Shared mode in a real browser: private links, the advisor link, wrong links, and revoking a link.

Each person is a separate browser context (its own cookies and Streamlit session), as on a class
deployment: the student (A), the advisor (B), someone with a mistyped link (C), another student (D).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from lor.example import load_example
from lor.store import Store
from tools.browser import TODAY, choose, exceptions_on, fill, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

VIEWPORT = {"width": 1400, "height": 1000}
STALE_TITLE = "This link does not open any plan"
READ_ONLY_TEXT = "You are viewing this plan read-only (advisor link)"
PAGES = ["Dashboard", "Choose recommenders", "Letters", "Timeline", "FAQ guidance", "Share & backup"]
# The example plan's writers: none of them may show up in anyone else's plan.
WRITERS = ["Dr. Margaret Hale", "Dr. Samuel Okafor", "Dr. Priya Raman", "Dr. Daniel Kim", "Dr. Elena Vasquez"]
# Streamlit widgets that change something; an advisor's view has none of them.
EDITING_WIDGETS = [
    "stButton",
    "stFormSubmitButton",
    "stForm",
    "stTextInput",
    "stTextArea",
    "stNumberInput",
    "stDateInput",
    "stTimeInput",
    "stFileUploader",
    "stCheckbox",
    "stRadio",
    "stSlider",
    "stMultiSelect",
    "stChatInput",
    "stColorPicker",
    "stButtonGroup",  # pills, segmented controls, feedback
]


def query(pg, name: str) -> str | None:
    values = parse_qs(urlparse(pg.url).query).get(name)
    return values[0] if values else None


def open_url(pg, url: str) -> None:
    pg.goto(url)
    wait_for_app(pg)


def go_to(pg, page_title: str) -> None:
    """Follow a sidebar link, as a user does (the app must keep the plan's link in the address)."""
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=page_title).click()
    expect(pg.locator('[data-testid="stMain"] h1').first).to_have_text(page_title)
    wait_for_app(pg)


def visible_text(pg) -> str:
    return pg.locator("body").inner_text()


def make_advisor_link(pg) -> str:
    """On Share & backup, make a new advisor link and return its view token (read from the shown link)."""
    if urlparse(pg.url).path != "/share":
        go_to(pg, "Share & backup")
    shown = pg.get_by_test_id("stCode").filter(has_text="view=")
    before = shown.all_inner_texts()  # a link made earlier in this session is still on the page
    pg.locator(".st-key-share-new-view button").click()
    expect(shown).to_have_count(1)
    expect(shown).not_to_have_text(before)  # the new link, once the page has been redrawn
    link = shown.inner_text().strip()
    assert urlparse(link).path in ("", "/"), f"the advisor link should open the Dashboard, not {link}"
    return re.search(r"[?&]view=([\w-]+)", link).group(1)


def add_writer(pg, name: str) -> None:
    """Add a writer through the Choose recommenders form and wait for the app to confirm it."""
    if urlparse(pg.url).path != "/recommenders":
        go_to(pg, "Choose recommenders")
    wait_for_app(pg)  # the form's open/closed state is only final once the page is drawn
    name_input = pg.locator(".st-key-mentor-name input")
    form = pg.get_by_test_id("stExpander").filter(has=pg.locator(".st-key-mentor-name"))
    expect(form).to_have_count(1)
    if form.locator("details").first.get_attribute("open") is None:
        form.locator("summary").first.click()
    expect(name_input).to_be_visible()
    fill(pg, "mentor-name", name)
    wait_for_app(pg)  # typing runs nothing (the form holds it until Add); a settled page before the option list
    choose(pg, "mentor-performance", "Strong")  # the form asks; it never assumes how the student did
    pg.locator(".st-key-mentor-add button").click()
    expect(pg.get_by_text(f"Added {name}")).to_be_visible()
    wait_for_app(pg)


@pytest.fixture(scope="module")
def student(browser, shared_server):
    """Student A: opened the app without a link, got a private plan, loaded the example through the UI."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = context.new_page()
    open_url(pg, f"{shared_server.url}/")
    assert query(pg, "w") is None  # nothing is saved, and no link issued, before the first change
    pg.locator(".st-key-dashboard-load-example button").click()
    pg.wait_for_url(re.compile(r"[?&]w="))
    expect(pg.get_by_role("heading", name="Letters by status")).to_be_visible()
    wait_for_app(pg)
    yield pg
    context.close()


def test_a_visitor_without_a_link_gets_a_private_plan(student, shared_server):
    edit = query(student, "w")
    assert edit and len(edit) >= 22  # at least 128 random bits
    # The private link is shown once, to bookmark; it is the address the student is on.
    expect(student.get_by_test_id("stCode").filter(has_text=f"?w={edit}")).to_have_count(1)
    plan = Store(shared_server.db).open(edit)
    assert not plan.read_only
    assert plan.student().name == "Jordan Rivera"
    assert {m.name for m in plan.mentors()} >= set(WRITERS)
    assert exceptions_on(student) == []


def test_advisor_link_shows_the_plan_read_only(student, shared_server, person):
    edit = query(student, "w")
    view = make_advisor_link(student)
    assert view != edit

    advisor = person()
    open_url(advisor, f"{shared_server.url}/?view={view}")
    expect(advisor.get_by_test_id("stSidebar")).to_contain_text("Plan of Jordan Rivera")
    expect(advisor.get_by_test_id("stSidebar")).to_contain_text("Read-only advisor view")
    links = LinkCheck(shared_server, "view", view)  # every link on every page keeps the advisor on this plan
    for title in PAGES:
        if title != "Dashboard":
            go_to(advisor, title)
        assert query(advisor, "view") == view and query(advisor, "w") is None
        links.page(advisor, title)
        expect(advisor.get_by_test_id("stAlert").filter(has_text=READ_ONLY_TEXT)).to_have_count(1)
        assert exceptions_on(advisor) == []
        for widget in EDITING_WIDGETS:
            assert advisor.get_by_test_id(widget).count() == 0, f"{title}: the advisor sees a {widget}"
        # Every button left is a download (or a widget's own chrome, like a table's toolbar).
        actions = advisor.locator(
            "[data-testid='stBaseButton-primary'], [data-testid='stBaseButton-secondary'], "
            "[data-testid='stBaseButton-tertiary']"
        )
        for i in range(actions.count()):
            assert actions.nth(i).locator("xpath=ancestor::*[@data-testid='stDownloadButton']").count() == 1, (
                f"{title}: a button that is not a download: {actions.nth(i).inner_text()!r}"
            )
        assert advisor.locator("textarea").count() == 0
        # The only text field allowed is a selectbox's own search box (choosing what to look at).
        assert (
            advisor.locator("input:not([type=hidden])").count()
            == advisor.locator("[data-testid=stSelectbox] input").count()
        )
        for frame in advisor.frames:
            assert edit not in frame.url and edit not in frame.content(), f"{title}: the edit token leaked"
        if title == "Choose recommenders":
            expect(advisor.get_by_test_id("stMain")).to_contain_text("Dr. Priya Raman")
    links.done()


def test_a_wrong_link_opens_no_plan(student, shared_server, person):
    stranger = person()
    open_url(stranger, f"{shared_server.url}/?w=not-a-real-token-0000000000")
    expect(stranger.locator('[data-testid="stMain"] h1').first).to_have_text(STALE_TITLE)
    assert query(stranger, "w") == "not-a-real-token-0000000000"  # no new plan was slipped in instead
    text = visible_text(stranger)
    assert "Jordan Rivera" not in text
    for name in WRITERS:
        assert name not in stranger.content()
    assert exceptions_on(stranger) == []


def test_a_new_visitor_gets_a_separate_empty_plan(student, shared_server, person):
    plans = Store(shared_server.db).workspace_count()
    other = person()
    open_url(other, f"{shared_server.url}/")
    expect(other.locator(".st-key-dashboard-load-example button")).to_be_visible()
    for name in [*WRITERS, "Jordan Rivera"]:
        assert name not in other.content()
    assert query(other, "w") is None and Store(shared_server.db).workspace_count() == plans
    add_writer(other, "Dr. First Writer")
    other.wait_for_url(re.compile(r"[?&]w="), timeout=60_000)  # the first change saved a plan and issued its link
    mine = query(other, "w")
    assert mine and mine != query(student, "w")
    expect(other.get_by_test_id("stCode").filter(has_text=f"?w={mine}")).to_have_count(1)
    plan = Store(shared_server.db).open(mine)
    assert [m.name for m in plan.mentors()] == ["Dr. First Writer"] and plan.student() is None
    assert Store(shared_server.db).workspace_count() == plans + 1


def test_revoked_advisor_link_stops_working(student, shared_server, person):
    view = make_advisor_link(student)
    advisor = person()
    open_url(advisor, f"{shared_server.url}/?view={view}")
    expect(advisor.locator('[data-testid="stMain"] h1').first).to_have_text("Dashboard")

    student.locator(".st-key-share-revoke-view button").click()
    expect(student.get_by_text("Copy it now")).to_have_count(0)
    expect(student.locator(".st-key-share-revoke-view")).to_have_count(0)
    with pytest.raises(KeyError):
        Store(shared_server.db).open(view)

    advisor.reload()
    wait_for_app(advisor)
    expect(advisor.locator('[data-testid="stMain"] h1').first).to_have_text(STALE_TITLE)
    assert "Jordan Rivera" not in visible_text(advisor)
    # The student's own private link still works.
    expect(student.locator('[data-testid="stMain"] h1').first).to_have_text("Share & backup")
    assert Store(shared_server.db).open(query(student, "w")).student().name == "Jordan Rivera"


def in_app_links(pg, base: str) -> set[str]:
    """Every link on the page's main area that opens a page of this app (not a download, an email, an outside
    site, or a heading's anchor on the page itself)."""
    hrefs = pg.locator('[data-testid="stMain"] a[href]').evaluate_all("links => links.map(a => a.href)")
    return {h for h in hrefs if h.startswith(base) and "/media/" not in h and "#" not in h}


class LinkCheck:
    """Check, page after page, that every in-app link keeps this plan, and follow one link to each page: it
    opens this same plan, and no link makes a new one or changes the plan.

    A link opened in a new tab (as a student who keeps pages side by side does) starts a new session, so only
    the address can carry the plan: every address must hold this plan's token and no other."""

    def __init__(self, server, param: str, token: str):
        self.server, self.param, self.token = server, param, token
        self.db = Store(server.db)
        self.count, self.plan = self.db.workspace_count(), self.db.export_json(self.db.open(token))
        self.found: set[str] = set()
        self.opened: set[str] = set()

    def page(self, pg, title: str) -> None:
        assert exceptions_on(pg) == [], f"{title}: an error on the page"
        for href in sorted(in_app_links(pg, self.server.url) - self.found):
            self.found.add(href)
            carried = parse_qs(urlparse(href).query)
            other = {"w", "view"} - {self.param}
            assert carried.get(self.param) == [self.token] and not other & set(carried), (
                f"{title}: the link {href} does not carry this plan"
            )
            if urlparse(href).path not in self.opened:
                self.opened.add(urlparse(href).path)
                tab = pg.context.new_page()
                open_url(tab, href)
                assert query(tab, self.param) == self.token, f"{title}: {href} left the plan (now {tab.url})"
                expect(tab.get_by_test_id("stSidebar")).to_contain_text("Plan of Jordan Rivera")
                assert exceptions_on(tab) == []
                tab.close()
        assert self.db.workspace_count() == self.count, f"{title}: following its links made a new plan"

    def done(self) -> None:
        assert self.db.export_json(self.db.open(self.token)) == self.plan  # nothing in the plan changed
        # The help links exist and were checked: the FAQ's topics, and links to other pages.
        assert any("/faq?" in h and "topic=" in h for h in self.found), self.found
        assert len(self.opened) >= 3, self.opened


def test_every_link_on_every_page_keeps_the_student_s_plan(student, shared_server):
    edit = query(student, "w")
    links = LinkCheck(shared_server, "w", edit)
    for title in PAGES:
        go_to(student, title)
        links.page(student, title)
    links.done()
    assert any("topic=mix" in h for h in links.found)  # the Dashboard's "Which letters does this need?"
    # Clicked in the same tab, the Dashboard's help link opens its answer in the same plan.
    go_to(student, "Dashboard")
    student.get_by_role("link", name="Which letters does this need?").first.click()
    expect(student.locator('[data-testid="stExpander"] details[open]')).to_have_count(1)
    assert query(student, "w") == edit and query(student, "topic") == "mix"


def test_a_tab_left_open_with_a_replaced_link_loses_the_plan_at_its_next_click(browser, shared_server):
    """A student replaces a leaked link in one tab: a tab still open with the old link shows and saves nothing
    more, even for a click that redraws only one writer's card (a fragment, which skips the app's link check)."""
    store = Store(shared_server.db)
    edit, _ = store.create_workspace()
    load_example(store.open(edit), date.fromisoformat(TODAY))
    context = browser.new_context(viewport=VIEWPORT)
    try:
        old_tab = context.new_page()
        open_url(old_tab, f"{shared_server.url}/recommenders?w={edit}")
        expect(old_tab.get_by_text("Dr. Priya Raman").first).to_be_visible()
        new_tab = context.new_page()
        open_url(new_tab, f"{shared_server.url}/share?w={edit}")
        new_tab.locator(".st-key-share-new-edit button").click()
        new_tab.wait_for_url(lambda url: f"w={edit}" not in url)
        wait_for_app(new_tab)
        new = query(new_tab, "w")
        before = store.export_json(store.open(new))
        old_tab.locator(".st-key-mentor-m-raman-edit summary").first.click()  # reruns only Dr. Raman's card
        expect(old_tab.locator('[data-testid="stMain"] h1').first).to_have_text(STALE_TITLE)
        wait_for_app(old_tab)
        assert not any(name in visible_text(old_tab) for name in WRITERS)
        assert store.export_json(store.open(new)) == before
        assert exceptions_on(old_tab) == exceptions_on(new_tab) == []
    finally:
        context.close()
