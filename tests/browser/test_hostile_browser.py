"""Hostile text in a real browser: a plan whose every text field holds markup shows it as text on every page,
runs nothing, and a broken backup uploaded on Share & backup is refused in plain words with the plan unchanged.

One local server serves the module. Its database gets the plan from tests/test_hostile_input.py before the
server starts, as a restored backup or a shared computer would hand it over.
"""

from __future__ import annotations

import json

import pytest
import test_hostile_input as escape_cases
from playwright.sync_api import expect
from test_hostile_input import IMG, LATEX, MD_IMAGE, MD_LINK, SCRIPT, SVG, hostile_plan

from lor.models import ID_RULE, quoted
from lor.store import Store
from tools.browser import Server, exceptions_on, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

# Whatever the payloads could have turned into if any of them were rendered: tags, handlers, links, LaTeX.
INJECTED = """() => {
    const bad = [];
    const all = (selector) => Array.from(document.querySelectorAll(selector));
    const suspects = 'img[src="x"], img[alt="pic"], svg[onload], [onerror], [onload], '
        + 'a[href^="javascript:" i], iframe[src^="javascript:" i], .katex, math';
    for (const el of all(suspects)) bad.push(el.outerHTML.slice(0, 160));
    for (const el of all('a')) if (['x', 'pic'].includes(el.textContent.trim())) bad.push(el.outerHTML.slice(0, 160));
    for (const el of all('script')) if (el.textContent.includes('alert(')) bad.push(el.outerHTML.slice(0, 160));
    return bad;
}"""

# What each page must show as plain text (besides the sidebar's "Plan of ...").
VISIBLE = {
    "": [f"Ask Dr. {SCRIPT} for a letter"],
    "recommenders": [
        f"Dr. {IMG}",
        f"Dr. {MD_LINK}",
        f"Dr. {LATEX}",
        f"Plan Dr. Backup {MD_LINK} {MD_IMAGE} {LATEX} instead",
    ],
    "letters": [f"Dr. {SVG} — IM residency {SVG} {MD_LINK}"],
    "timeline": [f"Send Dr. {SVG} your packet"],
    "faq": [],
    "share": [],
}
STUDENT = f"Plan of Student {IMG} {MD_LINK}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    hostile_plan(Store(tmp / "browser.db").default_workspace())  # Server uses tmp / "browser.db"
    running = Server(tmp, shared=False)
    yield running
    running.stop()


@pytest.fixture
def alerts(page) -> list[str]:
    """Every JavaScript dialog the page opens (each one dismissed); a test asserts the list stays empty."""
    seen: list[str] = []

    def dismiss(dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return seen


def injected(pg) -> list[str]:
    """Injected elements in the page and in every frame inside it (the calendar's iframe)."""
    found = []
    for frame in pg.frames:
        found += frame.evaluate(INJECTED)
    return found


def visit(pg, server, path: str) -> None:
    pg.goto(f"{server.url}/{path}")
    wait_for_app(pg, timeout=60_000)
    # Streamlit can still show placeholders for a moment after the run: wait until every element is drawn.
    expect(pg.locator('[data-testid="stSkeleton"]')).to_have_count(0)


@pytest.mark.parametrize("path", list(VISIBLE))
def test_every_page_shows_markup_as_text_and_runs_none_of_it(page, server, alerts, path):
    visit(page, server, path)
    main = page.locator('[data-testid="stMain"]')
    for literal in VISIBLE[path]:
        expect(main).to_contain_text(literal)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(STUDENT)
    if path == "timeline":
        calendar = page.frame_locator(".st-key-timeline-calendar iframe")
        expect(calendar.locator(".fc-event").first).to_be_visible()
    if path == "letters":
        page.get_by_role("tab", name="Assign to programs").click()
        expect(main).to_contain_text(f"Dr. {MD_LINK} (")  # a column of the assignment grid
    assert exceptions_on(page) == []
    assert injected(page) == []
    assert alerts == []


def test_marking_a_step_done_shows_the_writer_name_as_text(page, server, alerts):
    visit(page, server, "")
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(f"Send Dr. {SVG} your packet")
    page.locator(".st-key-dash-done-l2-packet button").click()  # that step: letter l2's packet
    notice = page.locator("[data-testid='stVerticalBlock'][class*='st-key-change-']").first  # said where it was clicked
    expect(notice).to_contain_text(f"Done: Send Dr. {SVG} your packet")
    assert injected(page) == []
    assert alerts == []


def test_a_broken_backup_upload_is_refused_in_plain_words_and_the_plan_is_unchanged(page, server, alerts):
    store = Store(server.db)
    before = store.export_json(store.default_workspace())
    doc = json.loads(before)
    bad_id = f"{MD_LINK}{IMG}"
    doc["letters"].append({**doc["letters"][0], "id": bad_id, "mentor_id": "gone"})
    visit(page, server, "share")
    upload = {"name": "backup.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}
    page.locator(".st-key-share-restore-file input[type=file]").set_input_files(upload)
    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text(  # the id, markup and all, is quoted as text (and refused: ids are safe now)
        f"This backup has an entry that is not valid: A record has an id that can't be used ('{quoted(bad_id)}'): "
        f"{ID_RULE}. Nothing was changed."
    )
    wait_for_app(page)
    assert page.locator(".st-key-share-restore").count() == 0  # nothing offered to restore
    assert injected(page) == []
    assert exceptions_on(page) == []
    assert alerts == []
    fresh = Store(server.db)
    assert fresh.export_json(fresh.default_workspace()) == before


# -- names as markup in the per-writer chart, addresses as links in page text (issue #14.9, #14.10) ------------
# A class server whose one plan has writers named as a link, as a 90-px span, and with web and email addresses in
# names, seen by the student (?w=) and by the advisor (?view=).

# Links a name could have become: any <a href> whose text names the address, or whose href leads to it (Streamlit's
# own heading anchors, "#dr-z-https-evil-example", stay on the page; FullCalendar's events are <a> without an href).
ADDRESS_LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => /evil/i.test(a.textContent)
        || (/evil/i.test(a.getAttribute('href') || '') && !(a.getAttribute('href') || '').startsWith('#')))
    .map(a => a.outerHTML.slice(0, 160))"""
# What each page must show exactly as typed (besides the sidebar's "Plan of ...").
AS_TYPED = {
    "": [],
    "recommenders": [
        escape_cases.URL_NAMES["m-www"],
        escape_cases.URL_NAMES["m-url"],
        escape_cases.URL_NAMES["m-mail"],
    ],
    "letters": [f"{escape_cases.URL_NAMES['m-url']} — {escape_cases.URL_APPLICATION}"],
    "timeline": [escape_cases.URL_PERIOD],
    "faq": [],
    "share": [],
}


@pytest.fixture(scope="module")
def linked_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linked")
    store = Store(tmp / "browser.db")  # Server uses tmp / "browser.db"
    edit, view = store.create_workspace()
    escape_cases.linked_plan(store.open(edit))
    running = Server(tmp, shared=True)
    running.links = {"w": edit, "view": view}  # type: ignore[attr-defined]
    yield running
    running.stop()


def address_links(pg) -> list[str]:
    found = []
    for frame in pg.frames:
        found += frame.evaluate(ADDRESS_LINKS)
    return found


# The advisor's Share page is the report, covered by the advisor report's own tests.
@pytest.mark.parametrize(
    ("link", "path"), [(link, path) for link in ("w", "view") for path in AS_TYPED if (link, path) != ("view", "share")]
)
def test_addresses_in_names_read_as_typed_and_link_nowhere(page, linked_server, alerts, path, link):
    page.goto(f"{linked_server.url}/{path}?{link}={linked_server.links[link]}")
    wait_for_app(page, timeout=60_000)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(f"Plan of {escape_cases.URL_STUDENT}")
    main = page.locator('[data-testid="stMain"]')
    for literal in AS_TYPED[path]:
        expect(main).to_contain_text(literal)
    if path == "timeline" and link == "view":  # the advisor's Timeline draws every picture, the chart included
        page.wait_for_selector(".st-key-timeline-gantt .js-plotly-plot .ytick text", state="attached")
    assert address_links(page) == []
    assert exceptions_on(page) == []
    assert alerts == []


def test_the_per_writer_chart_draws_names_as_plain_text(page, linked_server, alerts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{linked_server.url}/timeline?w={linked_server.links['w']}")
    wait_for_app(page, timeout=60_000)
    page.locator(".st-key-timeline-view button").filter(has_text="By writer").click()
    chart = page.locator(".st-key-timeline-gantt .js-plotly-plot")
    page.wait_for_selector(".st-key-timeline-gantt .js-plotly-plot .ytick text", state="attached")
    assert sorted(chart.locator(".ytick text").all_text_contents()) == sorted(escape_cases.URL_NAMES.values())
    assert chart.locator("a").count() == 0  # Plotly makes <a> of an <a href> in a label
    sizes = chart.locator(".ytick text, .ytick tspan").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and max(sizes) < 20  # no 90-px span in a row's name
    chart.locator(".barlayer .point").first.hover(force=True)  # Plotly listens on the drag layer above the bars
    hover = chart.locator(".hoverlayer")
    expect(hover).to_contain_text(escape_cases.LINK_NAME)  # the first bar is the first writer's
    assert hover.locator("a").count() == 0
    assert address_links(page) == []
    assert alerts == []
