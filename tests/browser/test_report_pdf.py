"""The advisor report and the writer request sheet as Chromium renders and prints them.

Both are self-contained HTML files a student downloads and prints; these tests open them as files
(no server), save a screenshot to look at, and print the report to PDF the way a browser's
"Save as PDF" does, at US Letter size, and read each printed page's text back with poppler's pdftotext.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from lor.example import load_example
from lor.overview import overview_of
from lor.report import advisor_report_html
from lor.sheets import request_sheet_html, sheet_items
from lor.store import Store, Workspace
from tools.browser import ARTIFACTS, TODAY
from tools.class_plan import class_scale_document

pytestmark = pytest.mark.browser

DAY = date.fromisoformat(TODAY)
# A PDF page object is "/Type /Page"; the page tree's root is "/Type /Pages".
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Workspace:
    ws = Store(tmp_path_factory.mktemp("report") / "lor.db").default_workspace()
    load_example(ws, DAY)
    return ws


@pytest.fixture
def paper(browser):
    """A browser page about the width of a laptop window, for documents opened from disk."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def open_file(pg, html: str, path: Path) -> None:
    path.write_text(html, encoding="utf-8")
    pg.goto(path.as_uri())
    pg.wait_for_load_state("load")


def overflowing(pg) -> list[str]:
    """Elements whose content is wider than the page or than their own box: cut or overlapping text."""
    return pg.evaluate(
        """() => {
            const limit = document.documentElement.clientWidth;
            const out = [];
            for (const e of document.body.querySelectorAll('*')) {
                const r = e.getBoundingClientRect();
                const cut = e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible';
                if (r.right > limit + 1 || cut) out.push(e.tagName + ': ' + (e.textContent || '').slice(0, 60));
            }
            return out;
        }"""
    )


def printed_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each printed page, whitespace folded (pdftotext, from poppler-utils)."""
    if not shutil.which("pdftotext"):
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail("NO pdftotext under CI: install poppler-utils", pytrace=False)
        pytest.skip("NO pdftotext: install poppler-utils to read the printed report")
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")]
    return pages[:-1] if pages and not pages[-1] else pages


def squeezed(text: str) -> str:
    """Text without spaces and hyphens: pdftotext joins a word hyphenated at a line end ("Fuente-" "Villanueva")."""
    return re.sub(r"[\s\-]", "", text)


@pytest.fixture(scope="module")
def class_plan(tmp_path_factory) -> Workspace:
    """The class-scale plan (28 writers, 8 applications, 46 letters) with every writer's and application's name
    made long, so page 1 has more than it can show and every name wraps."""
    store = Store(tmp_path_factory.mktemp("class-report") / "lor.db")
    ws = store.default_workspace()
    store.import_json(ws, class_scale_document(DAY))
    for i, mentor in enumerate(ws.mentors()):
        ws.save_mentor(mentor.model_copy(update={"name": f"{mentor.name} de la Fuente-Villanueva y Montes {i}"}))
    for app in ws.applications():
        ws.save_application(app.model_copy(update={"name": f"{app.name} at the University Hospitals of the Region"}))
    return ws


@pytest.mark.parametrize("plan", ["example", "class_plan"])
def test_the_advisor_report_prints_a_one_page_summary_then_an_appendix_with_nothing_cut_off(
    plan, request, paper, tmp_path
):
    ws = request.getfixturevalue(plan)
    ov = overview_of(ws, DAY)
    html = advisor_report_html(ov)
    assert "<script" not in html.lower()
    open_file(paper, html, tmp_path / "report.html")
    assert paper.locator("h1").inner_text().startswith("Letters of recommendation plan: ")
    assert overflowing(paper) == []

    ARTIFACTS.mkdir(exist_ok=True)
    paper.screenshot(path=str(ARTIFACTS / f"report-{plan}.png"), full_page=True)
    pdf = paper.pdf(format="Letter", print_background=True)
    (ARTIFACTS / f"report-{plan}.pdf").write_bytes(pdf)
    pages = printed_pages(pdf, tmp_path)
    assert len(pages) == len(PAGE_OBJECT.findall(pdf)) >= 2

    # Page 1 is the whole summary, ending with its footer; the appendix starts page 2.
    # Before: "one printable page" printed to 4-5 pages, the summary running into the details.
    first = pages[0]
    for part in ("Summary", "Applications", "Needs attention", "Letters in progress", "Next 7 days"):
        assert part in first, part
    assert "The details are in the appendix, from page 2." in first  # the summary's last line
    assert pages[1].startswith("Appendix ") and "A. " in pages[1]
    assert not any(part in pages[1] for part in ("Needs attention", "Letters in progress", "Next 7 days"))

    # Nothing cut off: every application, letter, writer and step still to come is printed in full.
    # Before: the timeline stopped at 40 steps.
    printed = squeezed(" ".join(pages[1:]))
    upcoming = [m for m in ov.milestones if not m.done and m.day >= DAY]
    assert squeezed(f"D. Every step still to come ({len(upcoming)})") in printed
    for step in upcoming:
        assert squeezed(step.title) in printed, step.title
    for app in ov.applications:
        assert squeezed(f"A. {app.name}: letter mix and programs") in printed
    writers = {m.id: m.name for m in ov.mentors}
    for letter in ov.letters:
        assert squeezed(writers[letter.mentor_id]) in printed
    assert printed.count("/100·") >= len(ov.mentors)  # every writer's score, for each application


def test_request_sheet_renders_for_a_writer(example, paper, tmp_path):
    raman = next(m for m in example.mentors() if m.name == "Dr. Priya Raman")
    items = sheet_items(raman.id, example.letters(), example.applications())
    html = request_sheet_html(example.student(), raman, items, today=DAY)
    assert "<script" not in html.lower()
    open_file(paper, html, tmp_path / "sheet.html")

    assert paper.locator("h1").inner_text() == "Jordan Rivera"
    assert "Prepared for Dr. Priya Raman" in paper.locator("header").inner_text()
    sheet = paper.locator("main.sheet").inner_text()
    assert "Riverside University IM Residency" in sheet
    assert "Lakeshore Community IM Program" in sheet
    assert "First due date:" in sheet
    assert overflowing(paper) == []

    ARTIFACTS.mkdir(exist_ok=True)
    paper.screenshot(path=str(ARTIFACTS / "request_sheet.png"), full_page=True)
    pdf = paper.pdf(format="Letter", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert 1 <= len(PAGE_OBJECT.findall(pdf)) <= 3
