"""What a student does on the pages, in one place for the story tests: open a page, add an application or a
writer through its form, plan a letter, download a file. Each helper acts as a person would (types, picks, clicks)
and waits for the app to finish, so the story tests read as the student's season, step by step."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from backends import saved as saved_plan
from icalendar import Calendar
from playwright.sync_api import expect

from lor.store import Workspace
from tools.browser import choose, exceptions_on, fill, fill_date, wait_for_app

VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}
# A PDF page object is "/Type /Page"; the page tree's root is "/Type /Pages".
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def saved(server) -> Workspace:
    return saved_plan(server.db)


def main(pg):
    return pg.get_by_test_id("stMain")


def go(pg, server, path: str = "") -> None:
    pg.goto(f"{server.url}/{path}")
    wait_for_app(pg)
    assert exceptions_on(pg) == []


def open_expander(pg, label: str, inside: str) -> None:
    """Open the expander titled ``label`` unless it is open. Whether it is open is read from its ``<details>``, not
    from whether what it holds (``inside``) shows yet: on a busy machine an open panel's contents can still be
    drawing, and a click then would close it."""
    wait_for_app(pg)
    panel = pg.locator("details").filter(has=pg.get_by_text(label, exact=True)).first
    if panel.get_attribute("open") is None:
        pg.get_by_text(label, exact=True).first.click()
    expect(pg.locator(inside).first).to_be_visible()
    wait_for_app(pg)


def add_application(
    pg,
    name: str,
    *,
    pathway: str | None = None,
    specialty: str | None = None,
    track: str | None = None,
    due: date | None = None,
) -> None:
    """The Add-an-application form, leaving what the student would leave (the portal, the season's due date)."""
    open_expander(pg, "Add an application", ".st-key-application-name input")
    fill(pg, "application-name", name)
    if pathway:  # after the name: a pathway pick redraws the fields below it, and the name typed must stay
        choose(pg, "application-pathway", pathway)
        wait_for_app(pg)
        expect(pg.locator(".st-key-application-name input")).to_have_value(name)
    if specialty:
        choose(pg, "application-specialty", specialty)
    if track:
        choose(pg, "application-track", track)
    if due:
        fill_date(pg, "application-deadline", due)
    pg.locator(".st-key-application-add button").click()
    expect(main(pg).get_by_test_id("stAlert").filter(has_text=f"Added {name}")).to_be_visible()
    wait_for_app(pg)


def add_writer(
    pg,
    name: str,
    *,
    role: str = "Attending",
    specialty: str = "—",
    setting: str = "Rotation",
    weeks: int = 4,
    one_on_one: str = "Some",
    performance: str = "Strong",
    observed: str = "",
    last_worked: date | None = None,
    rotation_end: date | None = None,
    degree: str | None = None,
) -> None:
    open_expander(pg, "Add a writer", ".st-key-mentor-name input")
    expect(pg.locator(".st-key-mentor-name input")).to_have_value("")  # the form starts clean
    fill(pg, "mentor-name", name)
    choose(pg, "mentor-role", role)
    choose(pg, "mentor-specialty", specialty)
    choose(pg, "mentor-setting", setting)
    fill(pg, "mentor-weeks", str(weeks))
    choose(pg, "mentor-one-on-one", one_on_one)
    choose(pg, "mentor-performance", performance)
    if observed:
        fill(pg, "mentor-observed", observed)
    if last_worked:
        fill_date(pg, "mentor-last-worked", last_worked)
    if rotation_end:
        fill_date(pg, "mentor-rotation-end", rotation_end)
    if degree:
        choose(pg, "mentor-degree", degree)
    pg.locator(".st-key-mentor-add button").click()
    expect(main(pg).get_by_test_id("stAlert").filter(has_text=f"Added {name}")).to_be_visible()
    wait_for_app(pg)


def add_source(pg, name: str, *, kind: str, intake: date | None = None) -> None:
    """A committee or department, through its own form (it is not described like a person)."""
    open_expander(pg, "Add a committee or departmental letter", ".st-key-source-name input")
    pg.locator(".st-key-source-kind").get_by_text(kind, exact=False).first.click()
    fill(pg, "source-name", name)
    if intake:
        fill_date(pg, "source-intake", intake)
    pg.locator(".st-key-source-add button").click()
    expect(main(pg).get_by_test_id("stAlert").filter(has_text=f"Added {name}")).to_be_visible()
    wait_for_app(pg)


def choose_application(pg, server, name: str) -> str:
    app = next(a for a in saved(server).applications() if a.name == name)
    choose(pg, "recommenders-application", name)
    wait_for_app(pg)
    return app.id


def writer_id(server, name: str) -> str:
    return next(m.id for m in saved(server).mentors() if m.name == name)


def plan_letter(pg, server, name: str, *, expect_text: str | re.Pattern | None = None) -> None:
    """Press "Plan a letter" on the writer's card for the application shown."""
    button = pg.locator(f".st-key-mentor-{writer_id(server, name)}-plan button:visible").first
    button.scroll_into_view_if_needed()
    button.click()
    expect(main(pg)).to_contain_text(expect_text or re.compile(rf"Planned .* {re.escape(name)}"))
    wait_for_app(pg)


def download(pg, key: str, path: Path) -> bytes:
    """Press a download button and keep the file."""
    button = pg.locator(f".st-key-{key} button")
    button.scroll_into_view_if_needed()
    expect(button).to_be_enabled()
    with pg.expect_download(timeout=60_000) as got:
        button.click()
    got.value.save_as(path)
    return path.read_bytes()


def calendar_events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def printed_pages(pg, html: str, path: Path) -> int:
    """Print an HTML document as a browser's "Save as PDF" does, at US Letter size; the number of pages."""
    path.with_suffix(".html").write_text(html, encoding="utf-8")
    paper = pg.context.new_page()  # the app's tab stays where it is
    try:
        paper.goto(path.with_suffix(".html").as_uri())
        paper.wait_for_load_state("load")
        pdf = paper.pdf(format="Letter", print_background=True)
    finally:
        paper.close()
    path.write_bytes(pdf)
    return len(PAGE_OBJECT.findall(pdf))
