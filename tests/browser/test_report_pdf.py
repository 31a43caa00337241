"""The advisor report and the writer request sheet as Chromium renders and prints them.

Both are self-contained HTML files a student downloads and prints; these tests open them as files
(no server), save a screenshot to look at, and print the report to PDF the way a browser's
"Save as PDF" does.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from lor.example import load_example
from lor.overview import overview_of
from lor.report import advisor_report_html
from lor.sheets import request_sheet_html, sheet_items
from lor.store import Store, Workspace
from tools.browser import ARTIFACTS, TODAY

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


def test_advisor_report_prints_to_a_short_pdf(example, paper, tmp_path):
    html = advisor_report_html(overview_of(example, DAY))
    assert "<script" not in html.lower()
    open_file(paper, html, tmp_path / "report.html")

    assert paper.locator("h1").inner_text() == "Letters of recommendation plan: Jordan Rivera"
    headings = paper.locator("h2").all_inner_texts()
    assert "Internal medicine residency" in headings
    assert "Timeline: the next steps" in headings
    writers = paper.locator(".writer b").all_inner_texts()
    assert "Dr. Priya Raman" in writers and "Dr. Margaret Hale" in writers
    assert overflowing(paper) == []

    ARTIFACTS.mkdir(exist_ok=True)
    paper.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    pdf = paper.pdf(format="Letter", print_background=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000
    pages = len(PAGE_OBJECT.findall(pdf))
    assert 1 <= pages <= 6, f"the report prints on {pages} pages"


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
