"""The advisor desk in a real browser, on a class server: an advisor makes a desk, three students in their own
browser contexts join with its code, the desk lists them with the right statuses, reasons and counts, keeps a
private note, asks before a new join code, one student leaves (after confirming) and is gone at once and in the
desk's log, a student who never joined is never listed, and nothing on the desk can change a plan."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lor.store import Store
from tools.advisees import add_advisee
from tools.browser import TODAY, exceptions_on, fill, press, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

DESK_NAME = "Dr. Lee's advisees, Class of 2027"
# Widgets that could change something; on the desk only its own controls (filters, picker, open, new code) exist.
EDITING_WIDGETS = [
    "stTextInput",
    "stTextArea",
    "stNumberInput",
    "stDateInput",
    "stFileUploader",
    "stCheckbox",
    "stForm",
]


def _seed(db: Path, name: str, *, missing_letters: bool = False) -> tuple[str, str]:
    """A student's plan in the server's database; returns (private link token, plan id)."""
    state = "missing_letters" if missing_letters else "example"
    edit, ws = add_advisee(Store(db), name, today=date.fromisoformat(TODAY), state=state)
    return edit, ws.id


def _title(pg):
    return pg.locator('[data-testid="stMain"] h1').first


def _desk_csv(pg) -> dict[str, dict[str, str]]:
    with pg.expect_download() as download:
        pg.locator(".st-key-desk-csv button").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    return {row["Student"]: row for row in csv.DictReader(io.StringIO(text))}


def _editing_widgets(pg) -> dict[str, int]:
    """Inputs in the page, except the desk's own management (removing a student, closing the desk) and the advisor's
    private note: they change the desk, never a plan."""
    found = {
        kind: pg.locator(
            f'[data-testid="stMain"] [data-testid="{kind}"]:not(.st-key-desk-manage *):not(.st-key-desk-notes *)'
        ).count()
        for kind in EDITING_WIDGETS
    }
    return {kind: n for kind, n in found.items() if n}


def _join(pg, url: str, edit: str, code: str) -> None:
    pg.goto(f"{url}/share?w={edit}")
    wait_for_app(pg)
    fill(pg, "share-join-code", code.lower())
    press(pg, "share-join-find")
    expect(pg.get_by_text(f"with the desk {DESK_NAME}?")).to_be_visible()
    press(pg, "share-join-confirm")
    expect(pg.get_by_text(f"Your plan is now shared with {DESK_NAME}.")).to_be_visible()
    expect(pg.locator('[class*="st-key-share-leave-"]')).to_have_count(1)  # listed, with its Leave button


def test_an_advisor_desk_with_three_students(shared_server, person):
    url = shared_server.url
    ana, ana_id = _seed(shared_server.db, "Ana Ruiz")
    ben, _ = _seed(shared_server.db, "Ben Ortiz", missing_letters=True)
    cal, _ = _seed(shared_server.db, "Cal Kim")
    _seed(shared_server.db, "Dee Never-Joined")

    # The advisor makes a desk from the class app's "Advisor desk" page.
    advisor = person()
    advisor.goto(url)
    wait_for_app(advisor)
    advisor.get_by_test_id("stSidebarNav").get_by_role("link", name="Advisor desk").click()
    expect(_title(advisor)).to_have_text("Advisor desk")
    fill(advisor, "desk-create-name", DESK_NAME)
    press(advisor, "desk-create")
    expect(advisor.get_by_test_id("stCode")).to_have_count(2)
    link, code = (c.inner_text().strip() for c in advisor.get_by_test_id("stCode").all())
    assert link == f"{url}/?desk={link.split('?desk=')[1]}"
    token = link.split("?desk=")[1]
    press(advisor, "desk-open-new")
    expect(_title(advisor)).to_have_text(DESK_NAME)
    assert f"desk={token}" in advisor.url
    expect(advisor.get_by_text("No student has joined yet")).to_be_visible()

    # Three students, each in their own browser, join with the code.
    students = {}
    for name, edit in (("Ana Ruiz", ana), ("Ben Ortiz", ben), ("Cal Kim", cal)):
        students[name] = person()
        _join(students[name], url, edit, code)
        assert token not in students[name].content()  # the desk link never reaches a student

    # The desk lists exactly those three, with the right counts.
    advisor.reload()
    wait_for_app(advisor)
    rows = _desk_csv(advisor)
    assert set(rows) == {"Ana Ruiz", "Ben Ortiz", "Cal Kim"}
    assert next(iter(rows)) == "Ben Ortiz"  # nothing started, due in 60 days: first
    assert (rows["Ben Ortiz"]["Status"], rows["Ben Ortiz"]["Why"]) == ("Not started", "No letter planned yet")
    assert (rows["Ben Ortiz"]["Missing required letters"], rows["Ben Ortiz"]["Overdue steps"]) == ("3", "0")
    # The example's programs lack letters (Riverside's IM SEL, none for Lakeshore or Harbor): failing, as on its
    # Dashboard.
    assert (rows["Ana Ruiz"]["Missing required letters"], rows["Ana Ruiz"]["Overdue steps"]) == ("3", "1")
    assert rows["Ana Ruiz"]["Status"] == "Needs help" and " days overdue; " in rows["Ana Ruiz"]["Why"]
    assert (rows["Ana Ruiz"]["Letters in"], rows["Ana Ruiz"]["Letters needed"]) == ("0", "3")
    assert "Dee" not in advisor.get_by_test_id("stMain").inner_text()

    # A new join code asks first.
    press(advisor, "desk-rotate")
    expect(advisor.get_by_text("stops working at once")).to_be_visible()
    press(advisor, "desk-rotate-cancel")
    expect(advisor.get_by_text(f"Join code for students: {code}")).to_be_visible()

    # A private note on Ana, kept with the desk, in the table's CSV.
    advisor.locator(".st-key-desk-student input").click()
    advisor.get_by_role("option", name="Ana Ruiz", exact=True).click()
    wait_for_app(advisor)
    advisor.locator(f".st-key-desk-note-{ana_id} textarea").fill("Met Nov 20: chase the IM SEL")
    press(advisor, "desk-note-save")
    expect(advisor.get_by_text("Note on Ana Ruiz saved.")).to_be_visible()
    assert _desk_csv(advisor)["Ana Ruiz"]["Note"] == "Met Nov 20: chase the IM SEL"

    # Nothing on the desk can change a plan: no input that writes, only its own buttons.
    assert _editing_widgets(advisor) == {}
    buttons = {
        key
        for key in advisor.eval_on_selector_all(
            '[data-testid="stMain"] [class*="st-key-"]:has(> div > button, > button)',
            "els => els.map(e => [...e.classList].find(c => c.startsWith('st-key-')))",
        )
    }
    assert {"st-key-desk-rotate", "st-key-desk-open"} <= buttons, buttons
    # The desk's own management and the advisor's note: never a plan.
    managing = {"st-key-desk-remove", "st-key-desk-close", "st-key-desk-note-save"}
    downloads = {"st-key-desk-csv", "st-key-desk-report"}
    assert buttons <= {"st-key-desk-rotate", "st-key-desk-open", *downloads, *managing}, buttons

    # Cal leaves on Share & backup, and is gone from the desk at once.
    cal_page = students["Cal Kim"]
    cal_page.locator('[class*="st-key-share-leave-"] button').click()
    wait_for_app(cal_page)
    expect(cal_page.get_by_text("Your advisor will see that you left")).to_be_visible()
    cal_page.locator('[class*="st-key-share-leave-confirm-"] button').click()
    wait_for_app(cal_page)
    expect(cal_page.locator('[class*="st-key-share-leave-"]')).to_have_count(0)
    log = [(e.student, e.event) for e in Store(shared_server.db).open_desk(token).log()]
    assert ("Cal Kim", "left") in log and ("Ana Ruiz", "joined") in log
    advisor.reload()
    wait_for_app(advisor)
    assert set(_desk_csv(advisor)) == {"Ana Ruiz", "Ben Ortiz"}
    assert "Cal Kim" not in advisor.get_by_test_id("stMain").inner_text()

    # A row opens the student's plan read-only, Dashboard first, with a way back.
    advisor.locator(".st-key-desk-student input").click()
    advisor.get_by_role("option", name="Ana Ruiz", exact=True).click()
    wait_for_app(advisor)
    press(advisor, "desk-open")
    expect(_title(advisor)).to_have_text("Dashboard: Ana Ruiz")  # whose plan, on every page
    expect(advisor.get_by_text("read-only from your advisor desk")).to_be_visible()
    assert _editing_widgets(advisor) == {}
    assert f"plan={ana_id}" in advisor.url
    for page in ("Letters", "Timeline", "Share & backup"):
        advisor.get_by_test_id("stSidebarNav").get_by_role("link", name=page).click()
        expect(_title(advisor)).to_have_text(f"{page}: Ana Ruiz")
        wait_for_app(advisor)
        assert _editing_widgets(advisor) == {}, page
    press(advisor, "desk-back-top")
    expect(_title(advisor)).to_have_text(DESK_NAME)
    assert not exceptions_on(advisor)
    for pg in students.values():
        assert not exceptions_on(pg)


@pytest.mark.parametrize("known", [True, False])
def test_a_fresh_servers_first_request_straight_to_the_desk_runs_through_the_app(tmp_path, page, known):
    """Streamlit would run pages/desk.py on its own (its pages/ mode): raw file names in the sidebar, no desk."""
    from tools.browser import Server

    server = Server(tmp_path, shared=True)
    try:
        token, _ = Store(server.db).create_desk(DESK_NAME)
        page.goto(f"{server.url}/desk?desk={token if known else 'x' * 32}")
        wait_for_app(page)
        expect(_title(page)).to_have_text(DESK_NAME if known else "This link does not open any desk")
        nav = page.get_by_test_id("stSidebarNav")
        assert nav.count() == 0 or not nav.get_by_text("recommenders", exact=True).count()
        assert exceptions_on(page) == []
    finally:
        server.stop()
