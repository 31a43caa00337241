"""One way to write a day across the pages: every date input takes the same format, and the letter's dates table
writes days as the rest of the app does ("Wed Nov 25, 2026")."""

from __future__ import annotations

import ast
from pathlib import Path

from lor import ui

ROOT = Path(__file__).resolve().parent.parent


def date_inputs() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted([*(ROOT / "lor" / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "date_input":
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return found


def test_every_date_input_takes_the_apps_one_format():
    calls = date_inputs()
    assert len(calls) >= 10
    wrong = [
        where
        for where, call in calls
        if not any(k.arg == "format" and ast.unparse(k.value) == "ui.DATE_FORMAT" for k in call.keywords)
    ]
    assert wrong == []
    assert ui.DATE_FORMAT == "YYYY/MM/DD"


def test_the_letters_dates_table_writes_days_in_the_apps_style(open_page):
    at = open_page("letters")
    at.selectbox(key="letters-select").set_value("l-okafor").run()  # the example's packet-sent letter
    table = at.dataframe[0].value
    assert list(table.columns) == ["Step", "Date"]
    days = list(table["Date"])
    assert days and all(isinstance(d, str) and d.endswith(", 2026") and d[3] == " " for d in days), days


def test_the_year_view_says_how_to_read_a_day_on_a_phone_too(open_page):
    at = open_page("timeline")
    at.session_state["timeline-view"] = "year"
    at.run()
    caption = next(c.value for c in at.caption if c.value.startswith("Each square is a day"))
    assert "tap it on a phone" in caption
