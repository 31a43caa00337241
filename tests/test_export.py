"""CSV downloads: readable in a spreadsheet, and never run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lor.export import FORMULA_STARTS, LETTER_COLUMNS, PLAN_COLUMNS, letters_csv, plan_csv, safe_cell
from lor.models import Application, LetterRequest, Mentor, Milestone


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def step(kind: str, day: date, *, title: str = "Ask Dr. Rivera", note: str = "", done: bool = False):
    return Milestone(
        kind=kind,
        day=day,
        title=title,
        note=note,
        request_id="r1",
        mentor_id="m1",
        application_id="a1",
        done=done,
    )


NAMES = {"m1": "Dr. Rivera", "a1": "Internal medicine residency"}


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(prefix):
    note = prefix + 'HYPERLINK("http://evil.example","click")'
    text = plan_csv([step("ask", date(2026, 12, 7), note=note)], names=NAMES)
    assert rows(text)[1][5] == "'" + note
    assert safe_cell(note) == "'" + note


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_writer_and_application_names_are_neutralised_too(prefix):
    mentor = Mentor(id="m1", name=prefix + "1+1 Rivera")
    app = Application(id="a1", name=prefix + "SUM(A1)", deadline=date(2027, 2, 1))
    letter = LetterRequest(id="r1", mentor_id="m1", application_id="a1", notes=prefix + "cmd")
    row = dict(zip(LETTER_COLUMNS, rows(letters_csv([letter], [mentor], [app]))[1], strict=True))
    # The model strips names, so a leading tab or carriage return never reaches the name itself.
    assert row["Writer"] in ("'" + mentor.name, mentor.name)
    assert not row["Writer"].startswith(FORMULA_STARTS)
    assert not row["Application"].startswith(FORMULA_STARTS)
    assert row["Notes"] == "'" + prefix + "cmd"


def test_plain_text_and_inner_symbols_are_left_alone():
    assert safe_cell("Dr. Rivera = great") == "Dr. Rivera = great"
    assert safe_cell("A+ student") == "A+ student"
    assert safe_cell("") == ""
    assert safe_cell(None) == ""
    assert safe_cell(date(2026, 12, 7)) == "2026-12-07"
    assert safe_cell(True) == "yes"


def test_commas_quotes_and_line_breaks_survive_a_round_trip():
    note = 'Bring the "brag sheet", the CV,\nand the ERAS form'
    text = plan_csv([step("packet", date(2026, 12, 9), note=note)], names=NAMES)
    assert rows(text)[1][5] == note


def test_emoji_and_accents_are_kept():
    title = "Thank Dr. Núñez 🎉"
    text = plan_csv([step("thank_you", date(2027, 2, 5), title=title)], names=NAMES)
    assert rows(text)[1][4] == title
    assert title.encode("utf-8") in text.encode("utf-8-sig")


def test_plan_csv_lists_steps_in_date_order_with_names():
    plan = [step("deadline", date(2027, 2, 1), title="Letter due"), step("ask", date(2026, 12, 7), done=True)]
    table = rows(plan_csv(plan, names=NAMES))
    assert table[0] == list(PLAN_COLUMNS)
    assert table[1] == [
        "2026-12-07",
        "Ask",
        "Dr. Rivera",
        "Internal medicine residency",
        "Ask Dr. Rivera",
        "",
        "yes",
    ]
    assert table[2][:2] == ["2027-02-01", "Due"]
    assert table[2][-1] == "no"


def test_plan_csv_leaves_unknown_names_blank():
    assert rows(plan_csv([step("ask", date(2026, 12, 7))], names={}))[1][2:4] == ["", ""]


def test_letters_csv_has_a_row_per_letter_with_its_dates():
    mentor = Mentor(id="m1", name="Dr. Rivera", email="rivera@example.edu")
    app = Application(id="a1", name="IM residency", deadline=date(2027, 2, 1))
    letter = LetterRequest(
        id="r1",
        mentor_id="m1",
        application_id="a1",
        letter_type="chair",
        status="agreed",
        asked_on=date(2026, 12, 7),
        agreed_on=date(2026, 12, 8),
        waived=True,
        letter_id="ERAS-123",
    )
    table = rows(letters_csv([letter], [mentor], [app]))
    assert table[0] == list(LETTER_COLUMNS)
    row = dict(zip(LETTER_COLUMNS, table[1], strict=True))
    assert row["Writer"] == "Dr. Rivera"
    assert row["Writer email"] == "rivera@example.edu"
    assert row["Application"] == "IM residency"
    assert row["Status"] == "Agreed"
    assert row["Due"] == "2027-02-01"  # the application's deadline when the letter has no earlier date
    assert row["Asked"] == "2026-12-07" and row["Agreed"] == "2026-12-08"
    assert row["Submitted"] == ""
    assert row["Waived"] == "yes"
    assert row["Letter ID"] == "ERAS-123"


def test_letters_csv_prefers_the_date_given_to_the_writer():
    app = Application(id="a1", name="IM residency", deadline=date(2027, 2, 1))
    letter = LetterRequest(id="r1", mentor_id="m1", application_id="a1", due=date(2027, 1, 18))
    row = dict(zip(LETTER_COLUMNS, rows(letters_csv([letter], [], [app]))[1], strict=True))
    assert row["Due"] == "2027-01-18"
    assert row["Writer"] == ""  # a writer deleted since: the row stays, the name is blank
    assert row["Waived"] == ""  # not decided yet


@given(st.text(max_size=40))
def test_any_note_reads_back_as_typed_apart_from_the_guard_quote(note):
    text = plan_csv([step("ask", date(2026, 12, 7), note=note)], names=NAMES)
    cell = rows(text)[1][5]
    assert not cell.startswith(FORMULA_STARTS)
    expected = "'" + note if note.startswith(FORMULA_STARTS) else note
    # csv turns a lone carriage return inside a quoted field into itself; compare exactly.
    assert cell == expected
