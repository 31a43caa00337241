"""Bad input and hostile text: markup shown as text, formulas defused, oversized and broken input refused.

Every test here acts as a user who typed (or restored, or linked) something nasty, and checks what they
would see: the text exactly as typed, a plain sentence saying why something was refused, and a plan that
is left as it was.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import os
import re
import secrets
import tempfile
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from icalendar import Calendar
from plain_text import assert_plain, autolinked, shown
from plan_dates import TODAY
from pydantic import ValidationError
from streamlit.testing.v1.element_tree import AlertBase, HeadingBase, Markdown, Toast

from lor.busy import calendar_group, effective_calendar
from lor.charts import mentor_gantt
from lor.example import load_example
from lor.export import letters_csv, plan_csv
from lor.ics import milestones_to_ics
from lor.limits import PLAN_LIMITS
from lor.models import (
    HORIZON_YEARS,
    Application,
    BusyPeriod,
    LetterRequest,
    Mentor,
    Program,
    Student,
    Touchpoint,
    current_day,
    plain_errors,
    planning_horizon,
)
from lor.overview import overview_of
from lor.planner import plan_letter, plan_request, workspace_milestones, workspace_plan
from lor.report import advisor_report_html
from lor.sheets import request_sheet_html, request_sheet_markdown, sheet_items
from lor.store import MAX_BACKUP_BYTES, Store, Workspace, parse_backup
from tools.heavy_plan import heavy_document

_DAY = timedelta(days=1)

# The day tests/conftest.py and the browser server pin (not imported from conftest: the browser tests import
# this module, and there "conftest" is tests/browser/conftest.py).
PAGES = ["dashboard", "recommenders", "letters", "timeline", "faq", "share"]

# What an attacker (or a curious student) types into a text box.
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
MD_LINK = "[x](javascript:alert(1))"
MD_IMAGE = "![pic](x)"
LATEX = "$x$ and $$y$$"
NEWLINE = "Evil\nATTENDEE:mailto:evil@example.com"
PAYLOADS = [SCRIPT, IMG, SVG, MD_LINK, MD_IMAGE, LATEX]
ALL = " ".join(PAYLOADS)

# Arabic and Hebrew names with emoji: right-to-left text must come back exactly as typed.
ARABIC = "د. ليلى حداد 🩺"
HEBREW = "ד״ר נועה כהן 🌟"

# Tags and attributes the report and the request sheet draw themselves (anything else was injected).
INJECTED_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "math"}


def hostile_plan(ws: Workspace) -> None:
    """A plan whose every free-text field holds markup: one writer per payload, each with a letter.

    The application is due in 10 weeks (asks, packets and reminders are all planned), one letter was
    declined (so a backup writer is offered by name) and one is waiting for an answer.
    """
    ws.save_student(Student(name=f"Student {IMG} {MD_LINK}", school=f"School {SCRIPT} {LATEX}", email="s@example.com"))
    names = {f"m{i}": f"Dr. {p}" for i, p in enumerate(PAYLOADS)}
    names["m-newline"] = f"Dr. {NEWLINE}"
    for mid, name in names.items():
        ws.save_mentor(
            Mentor(
                id=mid,
                name=name,
                specialty="internal_medicine",
                weeks_known=6,
                one_on_one="frequent",
                performance="outstanding",
                last_worked=TODAY - timedelta(days=30),
                observed=PAYLOADS,
                notes=ALL,
                title=f"Professor {SVG}",
                touchpoints=[Touchpoint(day=TODAY - timedelta(days=20), note=f"Talked {IMG} {MD_IMAGE}")],
                busy=[BusyPeriod(name=f"On service {SCRIPT}", start=TODAY, end=TODAY + timedelta(days=3))],
            )
        )
    # The best-scored writer has no letter yet: the backup offered for the declined letter.
    ws.save_mentor(
        Mentor(
            id="m-backup",
            name=f"Dr. Backup {MD_LINK} {MD_IMAGE} {LATEX}",
            specialty="internal_medicine",
            weeks_known=12,
            one_on_one="frequent",
            performance="outstanding",
            last_worked=TODAY - timedelta(days=10),
        )
    )
    programs = [Program(name=f"Program {i} {p}", deadline=TODAY + timedelta(weeks=9)) for i, p in enumerate(PAYLOADS)]
    ws.save_application(
        Application(
            id="a-hostile",
            name=f"IM residency {SVG} {MD_LINK}",
            specialty="internal_medicine",
            deadline=TODAY + timedelta(weeks=10),
            programs=programs,
            notes=ALL,
        )
    )
    statuses = ["planned", "asked", "agreed", "packet_sent", "declined", "planned", "submitted"]
    for i, (mid, status) in enumerate(zip(names, statuses, strict=False)):
        asked = TODAY - timedelta(days=14) if status != "planned" else None
        ws.save_letter(
            LetterRequest(
                id=f"l{i}",
                mentor_id=mid,
                application_id="a-hostile",
                status=status,
                asked_on=asked,
                agreed_on=asked + timedelta(days=1) if status in ("agreed", "packet_sent", "submitted") else None,
                declined_on=asked + timedelta(days=1) if status == "declined" else None,
                packet_sent_on=asked + timedelta(days=2) if status in ("packet_sent", "submitted") else None,
                submitted_on=TODAY - timedelta(days=1) if status == "submitted" else None,
                waived=None if status == "planned" else True,  # decided by the time the packet goes out
                letter_id=f"ID {SVG}",
                version="tailored",
                tailored_for=f"Track {SCRIPT} {MD_LINK}",
                brag_sheet=PAYLOADS,
                strengths=ALL,
                notes=ALL,
            )
        )
    # Put the first program's letters on record so the assignment grid has ticks.
    application = ws.applications()[0]
    application.programs[0].assigned = ["l0", "l2"]
    ws.save_application(application)
    custom = BusyPeriod(
        name=f"Retreat {IMG} {LATEX}", start=TODAY + timedelta(days=20), end=TODAY + timedelta(days=22), who="everyone"
    )
    ws.set_setting("busy", {"custom": [custom.model_dump(mode="json")]})


def db() -> Store:
    return Store(os.environ["LOR_DB"])


def rendered_markdown(at) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer: texts, alerts, headings, labels."""
    out: list[str] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        if isinstance(node, (Markdown, AlertBase, HeadingBase, Toast)):
            out.append(str(node.value))
        elif isinstance(getattr(node, "label", None), str):
            out.append(node.label)

    walk(at.main)
    walk(at.sidebar)
    return out


def everything_on(at) -> str:
    """All the text of a page run: its Markdown, alerts and labels, and every element's repr (widget values)."""
    return "\n".join(shown(text) for text in rendered_markdown(at)) + repr(at.main) + repr(at.sidebar)


# Markdown the payloads would turn into a link, an image or LaTeX if a page forgot to escape them.
ACTIVE_MARKDOWN = re.compile(r"(?<!\\)(\]\(javascript|\[pic\]|\$[xy])")


class Markup(HTMLParser):
    """The tags, attributes and text of an HTML document."""

    def __init__(self, document: str):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.chunks: list[str] = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def injected(self) -> list[str]:
        """Anything a payload could have added: foreign tags, event handlers, javascript: links."""
        bad = [tag for tag in self.tags if tag in INJECTED_TAGS]
        bad += [f"{n}={v}" for n, v in self.attrs if n.startswith("on") or "javascript:" in v.lower().replace(" ", "")]
        return bad


# -- markup in every text field -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_plan_full_of_markup_and_escapes_it(open_page, page):
    hostile_plan(db().default_workspace())
    before = db().export_json(db().default_workspace())
    at = open_page(page, example=False)
    assert not at.exception, at.exception
    assert at.title, "the page drew nothing"
    rendered = rendered_markdown(at)
    unescaped = [text for text in rendered if ACTIVE_MARKDOWN.search(text)]
    assert not unescaped, f"{page} renders user text as Markdown: {unescaped}"
    assert db().export_json(db().default_workspace()) == before  # looking changes nothing


def test_the_sidebar_shows_the_student_name_as_typed(open_page):
    hostile_plan(db().default_workspace())
    at = open_page("dashboard", example=False)
    assert shown(at.sidebar.caption[0].value) == f"Plan of Student {IMG} {MD_LINK}"  # then the mode


def test_the_advisor_report_shows_markup_as_text(ws):
    hostile_plan(ws)
    report = Markup(advisor_report_html(overview_of(ws, TODAY)))
    assert report.injected() == []
    student = ws.student()
    fields = [student.name, student.school, *(m.name for m in ws.mentors()), ws.applications()[0].name]
    for text in fields:
        assert text in report.text, f"{text!r} is not in the report as text"


def test_each_writer_request_sheet_shows_markup_as_text(ws):
    hostile_plan(ws)
    student, letters, applications = ws.student(), ws.letters(), ws.applications()
    sheets = 0
    for mentor in ws.mentors():
        items = sheet_items(mentor.id, letters, applications)
        if not items:
            continue
        sheets += 1
        sheet = Markup(request_sheet_html(student, mentor, items, today=TODAY))
        assert sheet.injected() == []
        letter = items[0][0]
        fields = [student.name, student.school, mentor.name, mentor.title, applications[0].name, letter.letter_id]
        programs = [p for p in applications[0].programs if letter.id in p.assigned] or applications[0].programs
        fields += [letter.tailored_for, letter.strengths, *letter.brag_sheet, *(p.name for p in programs)]
        for text in fields:
            assert text in sheet.text, f"{text!r} is not on {mentor.id}'s sheet as text"
    assert sheets == 6  # every writer but the one who declined and the unused backup


def test_the_markdown_request_sheet_keeps_every_user_string_as_typed_on_one_line(ws):
    # A file for people: plain text, no backslashes; a user's line break can't add a heading or an item.
    hostile_plan(ws)
    student, letters, applications = ws.student(), ws.letters(), ws.applications()
    mentor = next(m for m in ws.mentors() if m.id == "m0")
    items = sheet_items(mentor.id, letters, applications)
    sheet = request_sheet_markdown(student, mentor, items, today=TODAY)
    letter = items[0][0]
    texts = [student.name, student.school, mentor.name, mentor.title, letter.tailored_for, *letter.brag_sheet]
    for text in texts:
        assert " ".join(text.split()) in sheet
    headings = [line for line in sheet.splitlines() if line.startswith("#")]
    ours = ("# Letter of recommendation request: ", "## ", "### ")
    assert all(h.startswith(ours) for h in headings)
    assert len([h for h in headings if h.startswith("# ")]) == 1


def test_the_calendar_file_keeps_names_verbatim_and_gains_no_property(ws):
    hostile_plan(ws)
    milestones = workspace_milestones(
        ws.mentors(), ws.applications(), ws.letters(), settings=ws.get_setting("busy"), today=TODAY
    )
    evil = next(m for m in ws.mentors() if m.id == "m-newline")
    data = milestones_to_ics(milestones, calendar_name=f"LOR plan: {evil.name}")
    assert not [line for line in data.decode().splitlines() if line.upper().startswith(("ATTENDEE", "ORGANIZER"))]
    calendar = Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "LOR plan: Dr. Evil ATTENDEE:mailto:evil@example.com"  # one line
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(milestones)
    for component in calendar.walk():
        assert "ATTENDEE" not in component and "ORGANIZER" not in component
    summaries = sorted(str(e["summary"]).removeprefix("✓ ") for e in events)
    assert summaries == sorted(m.title for m in milestones)
    assert any(evil.name in s for s in summaries)  # the line break survives as text, not as a new property
    for payload in PAYLOADS[:4]:
        assert any(payload in s for s in summaries)


# -- spreadsheet formulas -----------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A9)"]


def test_csv_cells_a_spreadsheet_would_run_are_shown_as_typed(ws):
    ws.save_application(Application(id="a", name="=cmd|' /C calc'!A0", deadline=TODAY + timedelta(weeks=12)))
    for i, formula in enumerate(FORMULAS):
        ws.save_mentor(Mentor(id=f"m{i}", name=formula))
        note = ["\t=1+1", "\r=1+1", "=1+1", "-1"][i]
        ws.save_letter(LetterRequest(id=f"l{i}", mentor_id=f"m{i}", application_id="a", notes=note, letter_id=formula))
    ov = overview_of(ws, TODAY)
    letters = list(csv.DictReader(io.StringIO(letters_csv(ov.letters, ov.mentors, ov.applications), newline="")))
    plan = list(csv.DictReader(io.StringIO(plan_csv(ov.milestones, names=ov.mentor_names | ov.application_names))))
    assert len(letters) == 4 and plan
    for row in letters + plan:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{column}: {cell!r} would run as a formula"
    for row, formula, letter in zip(letters, FORMULAS, ws.letters(), strict=True):
        assert row["Writer"] == "'" + formula and row["Letter ID"] == "'" + formula
        assert row["Application"] == "'=cmd|' /C calc'!A0" and row["Notes"] == "'" + letter.notes
    assert {row["Writer"] for row in plan} <= {"'" + f for f in FORMULAS}


# -- long text ---------------------------------------------------------------------------------------------


def test_a_10000_character_note_is_refused_in_plain_words():
    for build in (
        lambda notes: Mentor(name="Dr. A", notes=notes),
        lambda notes: Application(name="A", deadline=TODAY, notes=notes),
        lambda notes: LetterRequest(mentor_id="m", application_id="a", notes=notes),
        lambda notes: LetterRequest(mentor_id="m", application_id="a", strengths=notes),
    ):
        with pytest.raises(ValidationError) as info:
            build("n" * 10_000)
        [message] = plain_errors(info.value)
        assert_plain(message)
        assert "too long (10,000 characters; the limit is 5,000)" in message
        assert build("n" * 5_000)  # exactly at the limit is fine


def test_a_201_character_name_is_refused_in_plain_words():
    long = "N" * 201
    for build in (
        lambda: Mentor(name=long),
        lambda: Student(name=long),
        lambda: Application(name=long, deadline=TODAY),
        lambda: Program(name=long),
        lambda: BusyPeriod(name=long, start=TODAY, end=TODAY),
    ):
        with pytest.raises(ValidationError) as info:
            build()
        assert plain_errors(info.value) == ["Name is too long (201 characters; the limit is 200)."]
    assert Mentor(name="N" * 200).name == "N" * 200


def test_a_5000_character_note_saves_and_shows_on_the_letters_page(open_page):
    ws = db().default_workspace()
    load_example(ws, TODAY)
    note = ("Line one of a long note. " * 200)[:4_999] + "!"
    letter = ws.letters()[0]
    ws.save_letter(letter.model_copy(update={"notes": note}))
    at = open_page("letters", example=False)
    assert not at.exception
    at.selectbox(key="letters-select").set_value(letter.id).run()
    assert at.text_area(key=f"letter-{letter.id}-notes").value == note
    assert len(db().default_workspace().letters()[0].notes) == 5_000


def test_a_10000_character_note_typed_on_the_letters_page_is_refused_and_the_old_note_kept(open_page):
    at = open_page("letters")
    letter = db().default_workspace().letters()[0]
    at.selectbox(key="letters-select").set_value(letter.id).run()
    at.text_area(key=f"letter-{letter.id}-notes").input("x" * 10_000).run()
    assert not at.exception
    refusal = "Not saved: Notes is too long (10,000 characters; the limit is 5,000)."
    assert refusal in [shown(e.value) for e in at.error]
    assert db().default_workspace().letters()[0].notes == letter.notes


def test_a_201_character_mentor_name_in_the_add_form_is_refused(open_page):
    at = open_page("recommenders")
    count = len(db().default_workspace().mentors())
    at.text_input(key="mentor-name").input("D" * 201)
    at.selectbox(key="mentor-performance").set_value("strong")
    at.button(key="mentor-add").click().run()
    assert not at.exception
    # The example's mix panel fails too (its programs lack letters): the form's own error is the one "Not added".
    added = [shown(e.value) for e in at.error if shown(e.value).startswith("Not added")]
    assert added == ["Not added: Name is too long (201 characters; the limit is 200)."]
    assert len(db().default_workspace().mentors()) == count


def test_right_to_left_names_and_emoji_round_trip_everywhere(store, ws):
    ws.save_student(Student(name=HEBREW, school="אוניברסיטת תל אביב 🎓"))
    ws.save_mentor(Mentor(id="m-ar", name=ARABIC, notes="ملاحظة 📝", observed=["رأت عملي في العيادة ✅"]))
    ws.save_application(Application(id="a-he", name="התמחות ברפואה פנימית 🏥", deadline=TODAY + timedelta(weeks=12)))
    ws.save_letter(LetterRequest(id="l-1", mentor_id="m-ar", application_id="a-he", notes="شكرا 🙏"))
    assert ws.mentors()[0].name == ARABIC and ws.student().name == HEBREW

    edit, _ = store.create_workspace()
    copy = store.open(edit)
    store.import_json(copy, store.export_json(ws))
    assert store.export_json(copy) == store.export_json(ws)
    assert copy.mentors()[0].observed == ["رأت عملي في العيادة ✅"]

    ov = overview_of(copy, TODAY)
    report = Markup(advisor_report_html(ov))
    assert HEBREW in report.text and ARABIC in report.text and "התמחות ברפואה פנימית 🏥" in report.text

    calendar = Calendar.from_ical(milestones_to_ics(ov.milestones, calendar_name=f"LOR plan: {ARABIC}"))
    assert str(calendar["x-wr-calname"]) == f"LOR plan: {ARABIC}"
    assert any(ARABIC in str(e["summary"]) for e in calendar.walk("VEVENT"))

    rows = list(csv.DictReader(io.StringIO(letters_csv(ov.letters, ov.mentors, ov.applications))))
    assert rows[0]["Writer"] == ARABIC and rows[0]["Application"] == "התמחות ברפואה פנימית 🏥"
    assert rows[0]["Notes"] == "شكرا 🙏"
    plan = list(csv.DictReader(io.StringIO(plan_csv(ov.milestones, names=ov.mentor_names | ov.application_names))))
    assert {row["Writer"] for row in plan} == {ARABIC}


# -- dates far away --------------------------------------------------------------------------------------

PAST = date(1999, 1, 15)
FUTURE = date(2999, 1, 15)


def far_dated_plan(ws: Workspace) -> None:
    """The example plan plus an application due in 1999 and one due in 2999, each with a letter: a plan saved
    before the planning horizon existed (today the store refuses such dates), which every page must still show."""
    load_example(ws, TODAY)
    with mock.patch("lor.backup.dates_outside_horizon", return_value=[]):
        _far_dated_records(ws)


def _far_dated_records(ws: Workspace) -> None:
    ws.save_application(Application(id="a-past", name="Long gone", specialty="internal_medicine", deadline=PAST))
    ws.save_application(Application(id="a-future", name="Far off", specialty="internal_medicine", deadline=FUTURE))
    ws.save_letter(
        LetterRequest(id="l-past", mentor_id="m-kim", application_id="a-past", status="asked", asked_on=PAST)
    )
    ws.save_letter(LetterRequest(id="l-future", mentor_id="m-raman", application_id="a-future"))


def test_planning_a_letter_for_a_past_deadline_is_refused_in_plain_words():
    mentor = Mentor(name="Dr. A")
    with pytest.raises(ValueError) as info:
        plan_letter(Application(name="Old", deadline=PAST), mentor, busy=[], today=TODAY)
    assert_plain(str(info.value))
    assert "Fri Jan 15, 1999" in str(info.value) and "already passed" in str(info.value)


def test_an_existing_letter_with_a_past_deadline_gets_a_warning_not_an_error(ws):
    far_dated_plan(ws)
    application = next(a for a in ws.applications() if a.id == "a-past")
    letter = next(x for x in ws.letters() if x.id == "l-past")
    mentor = next(m for m in ws.mentors() if m.id == "m-kim")
    plan = plan_request(letter, application, mentor, busy=[], today=TODAY)
    assert any("has passed" in w or "was due" in w for w in plan.warnings + [m.note for m in plan.milestones])
    assert all(m.day >= PAST for m in plan.milestones)
    steps = workspace_milestones(ws.mentors(), ws.applications(), ws.letters(), settings={}, today=TODAY)
    assert any(m.request_id == "l-past" for m in steps) and any(m.request_id == "l-future" for m in steps)


def test_a_deadline_in_2999_is_planned_before_it():
    plan = plan_letter(Application(name="Far", deadline=FUTURE), Mentor(name="Dr. A"), busy=[], today=TODAY)
    ask = next(m for m in plan.milestones if m.kind == "ask")
    assert FUTURE - timedelta(weeks=12) <= ask.day < FUTURE


# What each page shows of the two far-dated applications (the share page's report is checked below).
FAR_DATED_SHOWN = {
    "dashboard": ["Long gone · ERAS · deadline passed", "Far off · ERAS · letters due in"],
    "recommenders": ["'Long gone', 'Far off'"],  # both can be chosen
    "letters": ["Dr. Daniel Kim — Long gone", "Dr. Priya Raman — Far off"],
    "timeline": ["The due date (Fri Jan 15, 1999) has passed"],
    "faq": ["letter for Long gone was due"],
    "share": [],
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_a_plan_with_deadlines_in_1999_and_2999(open_page, page):
    far_dated_plan(db().default_workspace())
    at = open_page(page, example=False)
    assert not at.exception, at.exception
    text = everything_on(at).replace("**", "")  # as read, without the bold marks
    for words in FAR_DATED_SHOWN[page]:
        assert words in text, f"{page}: {words!r} not shown"
    assert "Internal medicine (categorical)" in text or page in ("timeline", "faq", "share")  # the rest still there


def test_the_advisor_report_lists_applications_due_in_1999_and_2999(ws):
    far_dated_plan(ws)
    report = advisor_report_html(overview_of(ws, TODAY))
    assert "Long gone" in report and "Fri Jan 15, 1999" in report
    assert "Far off" in report and "Tue Jan 15, 2999" in report


def test_the_add_application_form_refuses_a_past_deadline(open_page):
    at = open_page("recommenders")
    before = db().export_json(db().default_workspace())
    picker = at.date_input(key="application-deadline")
    assert picker.min > PAST  # 1999 can't even be picked
    at.text_input(key="application-name").input("Too late")
    at.selectbox(key="application-specialty").set_value("internal_medicine")
    picker.set_value(TODAY - timedelta(days=1))
    at.button(key="application-add").click().run()
    assert not at.exception
    assert [shown(e.value) for e in at.error if shown(e.value).startswith("Not added")] == [
        "Not added: The deadline November 24, 2026 has already passed. Choose a date from today on."
    ]
    assert db().export_json(db().default_workspace()) == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_dates_the_planner_cannot_count_from_are_refused_in_plain_words(day):
    for build in (
        lambda: Application(name="A", deadline=day),
        lambda: LetterRequest(mentor_id="m", application_id="a", due=day),
        lambda: LetterRequest(mentor_id="m", application_id="a", asked_on=day),
    ):
        with pytest.raises(ValidationError) as info:
            build()
        [message] = plain_errors(info.value)
        assert_plain(message)
        assert message.endswith("must be a date between 1900 and 2999.")
    with pytest.raises(ValidationError):
        BusyPeriod(name="Forever", start="2026-01-01", end="9999-12-31")


# -- backup files ------------------------------------------------------------------------------------------


def _doc(**changes) -> str:
    """The example plan as a backup document, with some parts replaced."""
    doc = json.loads(EXAMPLE_BACKUP)
    doc.update(changes)
    return json.dumps(doc)


def _example_backup() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "example.db"))
        ws = store.default_workspace()
        load_example(ws, TODAY)
        return store.export_json(ws)


EXAMPLE_BACKUP = _example_backup()
_EXAMPLE = json.loads(EXAMPLE_BACKUP)
_MENTOR = _EXAMPLE["mentors"][0]
_LETTER = _EXAMPLE["letters"][0]

BROKEN_BACKUPS: dict[str, str | bytes] = {
    "truncated": EXAMPLE_BACKUP[: len(EXAMPLE_BACKUP) // 2],
    "empty": "",
    "50 MB": b'{"schema": 1, "notes": "' + b"x" * 50_000_000 + b'"}',
    "nested 1,000 deep": "[" * 1_000 + "]" * 1_000,
    "nested 100,000 deep": '{"schema": 1, "student": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "nested 100 deep in a setting": _doc(settings={"x": json.loads("[" * 100 + "]" * 100)}),
    "future schema": _doc(schema=99),
    "schema as text": _doc(schema="1"),
    "package.json": json.dumps({"name": "left-pad", "version": "1.3.0", "dependencies": {}}),
    "another app": json.dumps({"schema": 1, "app": "other"}),
    "a list": json.dumps([1, 2, 3]),
    "mentors not a list": _doc(mentors={"m-hale": _MENTOR}),
    "a mentor that is a number": _doc(mentors=[42]),
    "a name that is a number": _doc(mentors=[{**_MENTOR, "name": 42}]),
    "weeks as words": _doc(mentors=[{**_MENTOR, "weeks_known": "many"}]),
    "a deadline as words": _doc(applications=[{**_EXAMPLE["applications"][0], "deadline": "soon"}]),
    "a deadline in year 1": _doc(applications=[{**_EXAMPLE["applications"][0], "deadline": "0001-01-01"}]),
    "the student as text": _doc(student="Jordan"),
    "settings as a list": _doc(settings=[]),
    "buffer as words": _doc(settings={"buffer_days": "ten"}),
    "busy periods as text": _doc(settings={"busy": "oops"}),
    "a busy period ending in 9999": _doc(
        settings={"busy": {"custom": [{"name": "Retreat", "start": "2026-12-01", "end": "9999-12-31"}]}}
    ),
    "planned backups as a list": _doc(settings={"recommenders-backups-planned": ["l-reed"]}),
    "a letter for a missing mentor": _doc(
        letters=[*_EXAMPLE["letters"], {**_LETTER, "id": "l-x", "mentor_id": "m-gone"}]
    ),
    "duplicate mentor ids": _doc(mentors=[*_EXAMPLE["mentors"], {**_MENTOR, "name": "Someone else"}]),
    "duplicate letter ids": _doc(letters=[*_EXAMPLE["letters"], _LETTER]),
    # "m-hale" and "m-hale-edit": the key of the first writer's edit panel would be the second writer's key.
    "an id that is another id plus a dash": _doc(
        mentors=[*_EXAMPLE["mentors"], {**_MENTOR, "id": f"{_MENTOR['id']}-edit", "name": "Dr. Lookalike"}]
    ),
    "a PNG image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd",
    "UTF-16 text": EXAMPLE_BACKUP.encode("utf-16"),
    # Issue #14.6: each of these passed the preview, then crashed the restore or broke something after it.
    "half an emoji in a setting's name": _doc(settings={"\ud83d": 1}),
    "half an emoji in a setting's value": _doc(settings={"theme": "\ud83d"}),
    "half an emoji in a switched-off busy period": _doc(settings={"busy": {"disabled": ["\ud83d"]}}),
    "half an emoji in a writer's name": _doc(mentors=[{**_MENTOR, "name": "Dr. \ud83d"}, *_EXAMPLE["mentors"][1:]]),
    "half an emoji in a field no record has": _doc(letters=[{**_LETTER, "extra": "\udfff"}, *_EXAMPLE["letters"][1:]]),
    "a setting LOR Planner doesn't have": _doc(settings={"theme": "dark"}),
    "a setting under its Python name": _doc(settings={"backups_planned": {}}),
    "a moved period keyed a:b-c": _doc(
        settings={"busy": {"moved": {"a:b-c": {"start": "2026-12-01", "end": "2026-12-02"}}}}
    ),
    "a moved period keyed a-b:c": _doc(
        settings={"busy": {"moved": {"a-b:c": {"start": "2026-12-01", "end": "2026-12-02"}}}}
    ),
    "a switched-off period keyed a-b": _doc(settings={"busy": {"disabled": ["a-b"]}}),
    "a planned backup with a spaced id": _doc(settings={"recommenders-backups-planned": {"l reed": "m-kim"}}),
    "two programs of one name": _doc(
        applications=[
            {**_EXAMPLE["applications"][0], "programs": [{"name": "Mass General"}, {"name": "mass  GENERAL"}]},
            *_EXAMPLE["applications"][1:],
        ]
    ),
    "a writer id with the key separator": _doc(
        mentors=[{**_MENTOR, "id": "m:hale"}, *_EXAMPLE["mentors"][1:]],
        letters=[{**x, "mentor_id": "m:hale"} if x["mentor_id"] == _MENTOR["id"] else x for x in _EXAMPLE["letters"]],
    ),
    "an application id with a space": _doc(
        applications=[{**_EXAMPLE["applications"][0], "id": "a im"}],
        letters=[{**x, "application_id": "a im"} for x in _EXAMPLE["letters"]],
    ),
    "a 5,000-digit number": _doc(mentors=[{**_MENTOR, "weeks_known": 1234567}, *_EXAMPLE["mentors"][1:]]).replace(
        "1234567", "9" * 5_000
    ),
    "a 5,000-digit number as text": _doc(mentors=[{**_MENTOR, "weeks_known": "9" * 5_000}, *_EXAMPLE["mentors"][1:]]),
    "NaN for a number": _doc(mentors=[{**_MENTOR, "weeks_known": 1234567}, *_EXAMPLE["mentors"][1:]]).replace(
        "1234567", "NaN"
    ),
    "the student's email with a hidden bcc": _doc(student={**_EXAMPLE["student"], "email": "stu?bcc=evil@b.com"}),
    "a writer's email with two addresses": _doc(
        mentors=[{**_MENTOR, "email": "a@b.com,evil@b.com"}, *_EXAMPLE["mentors"][1:]]
    ),
}

# What the refusal says about each case of issue #14 (the place, the name, the number), beyond being plain.
REFUSAL_SAYS = {
    "half an emoji in a setting's name": "broken character (half of an emoji, or a stray code) that can't be saved, "
    "in the settings › the name of a field.",
    "half an emoji in a setting's value": "in the settings › theme.",
    "half an emoji in a switched-off busy period": "in the settings › busy periods › busy periods switched off › "
    "item 1.",
    "half an emoji in a writer's name": "in writer 1 › name.",
    "half an emoji in a field no record has": "in letter 1 › extra.",
    "a NUL in a writer's name": f"in writer {len(_EXAMPLE['mentors'])} › name.",
    "a setting LOR Planner doesn't have": "a setting LOR Planner does not have, 'theme'",
    "a setting under its Python name": "a setting LOR Planner does not have, 'backups_planned'",
    "a moved period keyed a:b-c": "Moved busy periods lists 'a:b-c', which is not a busy period's key and year",
    "a moved period keyed a-b:c": "Moved busy periods lists 'a-b:c'",
    "a switched-off period keyed a-b": "Busy periods switched off lists 'a-b'",
    "a planned backup with a spaced id": "Planned backups has an id that can't be used ('l reed')",
    "two programs of one name": "An application has two programs named 'mass GENERAL': give each program its own name.",
    "a writer id with the key separator": "A record has an id that can't be used ('m:hale')",
    "an application id with a space": "A record has an id that can't be used ('a im')",
    "a 5,000-digit number": "it holds a number 5,000 digits long",
    "a 5,000-digit number as text": "Weeks known must be a whole number of a sensible size.",
    "NaN for a number": "it holds NaN, which JSON does not allow",
    "the student's email with a hidden bcc": "Email is not an email address: it can't contain ?",
    "a writer's email with two addresses": "Email is not an email address: it can't contain ,",
    "an id that is another id plus a dash": "two ids the app could mix up ('m-hale' and 'm-hale-edit'",
}


@pytest.mark.parametrize("name", list(BROKEN_BACKUPS))
def test_a_broken_backup_is_refused_in_plain_words_and_changes_nothing(example_ws, name):
    text = BROKEN_BACKUPS[name]
    store = example_ws.store
    before = store.export_json(example_ws)
    with pytest.raises(ValueError) as info:
        store.import_json(example_ws, text)
    message = str(info.value)
    assert_plain(message)
    assert "Nothing was changed" in message or "not a text (JSON) file" in message
    assert store.export_json(example_ws) == before
    with pytest.raises(ValueError) as on_page:  # what the Share page shows for the same upload
        parse_backup(text if isinstance(text, bytes) else text.encode("utf-8"))
    assert str(on_page.value) == message
    assert REFUSAL_SAYS.get(name, "") in message
    assert "Exceeds the limit" not in message and "surrogates" not in message  # never Python's own words
    store.export_json(example_ws).encode("utf-8")  # and the plan can still be backed up


def test_the_example_backup_itself_restores(example_ws):
    # The broken backups above are broken by their one change, not by the document they start from.
    example_ws.store.import_json(example_ws, _doc())
    assert example_ws.store.export_json(example_ws) == EXAMPLE_BACKUP


# -- links -------------------------------------------------------------------------------------------------


def _tampered(token: str) -> str:
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


STALE_LINKS = {
    "tampered edit token": lambda edit, view: {"w": _tampered(edit)},
    "tampered view token": lambda edit, view: {"view": _tampered(view)},
    "guessed token": lambda edit, view: {"w": secrets.token_urlsafe(24)[:32]},
    "empty w": lambda edit, view: {"w": ""},
    "empty view": lambda edit, view: {"view": ""},
    "short SQL": lambda edit, view: {"w": "' OR 1=1 --"},
    "long SQL": lambda edit, view: {"w": "' OR '1'='1' -- ; DROP TABLE workspaces; --"},
    "10,000 characters": lambda edit, view: {"w": "a" * 10_000},
}


def _two_plans() -> tuple[str, str]:
    """Two private plans in the server's database; returns the first one's (edit, view) tokens."""
    edit, view = db().create_workspace()
    load_example(db().open(edit), TODAY)
    other, _ = db().create_workspace()
    db().open(other).save_mentor(Mentor(id="m-other", name="Dr. Someone Else"))
    return edit, view


@pytest.mark.parametrize("case", list(STALE_LINKS))
def test_a_wrong_link_opens_no_plan(open_page, case):
    edit, view = _two_plans()
    count = db().workspace_count()
    at = open_page("dashboard", example=False, shared=True, query=STALE_LINKS[case](edit, view))
    assert not at.exception
    assert at.title[0].value == "This link does not open any plan"
    text = everything_on(at)
    assert "Raman" not in text and "Someone Else" not in text
    assert db().workspace_count() == count  # no plan was made or opened behind the user's back


@pytest.mark.parametrize("param", ["w", "view"])
def test_an_advisor_link_opens_read_only_under_either_name_and_an_edit_link_as_view_too(open_page, param):
    edit, view = _two_plans()
    before = db().export_json(db().open(edit))
    token = view if param == "w" else edit  # the view token as ?w=, or the edit token as ?view=
    at = open_page("recommenders", example=False, shared=True, query={param: token})
    assert not at.exception
    assert any("read-only" in i.value for i in at.info)
    text = everything_on(at)
    assert "Dr. Priya Raman" in text and "Someone Else" not in text
    assert not at.text_input and not at.button and not at.get("form")
    assert db().export_json(db().open(edit)) == before


# -- one small backup must not stall the shared server (issue #14.1) ----------------------------------------


def test_a_date_outside_the_planning_horizon_is_refused_on_save_in_plain_words(ws):
    first, last = planning_horizon(current_day())
    for record in (
        Application(id="far", name="Far off", deadline=date(2999, 12, 31)),
        Application(id="far", name="Far off", deadline=last, programs=[Program(name="P", deadline=last + _DAY)]),
        Mentor(id="m", name="Dr. Old", last_worked=first - _DAY),
        Mentor(id="m", name="Dr. Busy", busy=[BusyPeriod(name="Sabbatical", start=last, end=date(2999, 1, 1))]),
    ):
        with pytest.raises(ValidationError) as info:
            (ws.save_application if isinstance(record, Application) else ws.save_mentor)(record)
        [message] = plain_errors(info.value)
        assert_plain(message)
        assert "outside the planning window" in message and "5 years either side of today" in message
    assert ws.is_empty()
    ws.save_application(Application(id="edge", name="At the edge", deadline=last))  # the last day itself is fine
    with pytest.raises(ValidationError):
        ws.set_setting("busy", {"custom": [{"name": "Forever", "start": str(first), "end": "2999-01-01"}]})
    assert ws.get_setting("busy") is None


def test_the_7_kb_backup_that_stalled_the_server_is_refused_and_changes_nothing(example_ws):
    before = example_ws.store.export_json(example_ws)
    stalling = heavy_document(TODAY, due=date(2999, 12, 31), writers=40, busy_per_writer=0, programs=0)
    assert len(stalling) < 8_000
    with pytest.raises(ValueError) as info:
        example_ws.store.import_json(example_ws, stalling)
    assert_plain(str(info.value))
    assert "2999-12-31, outside the planning window" in str(info.value) and "Nothing was changed" in str(info.value)
    assert example_ws.store.export_json(example_ws) == before


def test_the_heaviest_valid_backup_restores_and_its_work_is_bounded(ws):
    ws.store.import_json(ws, heavy_document(current_day()))
    mentors, applications = ws.mentors(), ws.applications()
    assert len(mentors) == PLAN_LIMITS.writers and len({(m.role, m.specialty) for m in mentors}) == len(mentors)
    assert len(ws.letters()) == PLAN_LIMITS.letters and len(applications) == PLAN_LIMITS.applications
    planned = workspace_plan(mentors, applications, ws.letters(), settings={}, today=current_day())
    # 30 writers, but the default periods treat them as a handful of groups: one calendar per group.
    calendars = {id(p) for m in mentors for p in planned.busy[m.id] if p not in m.busy}
    groups = {calendar_group(m.specialty, m.role) for m in mentors}
    assert len(groups) < 20
    one_year = len(effective_calendar(date(2027, 1, 1), date(2027, 12, 31)))
    assert len(calendars) <= len(groups) * one_year * (2 * HORIZON_YEARS + 3)
    figure = mentor_gantt(mentors, planned.busy, planned.milestones, start=current_day(), end=date(2999, 1, 1))
    bars = sum(len(trace.y or ()) for trace in figure.data)
    assert bars <= len(mentors) * (PLAN_LIMITS.busy_per_writer + 2 * one_year * (HORIZON_YEARS + 2))


def _one_over(kind: str) -> str:
    """The heaviest valid backup with one record too many of ``kind`` (a PlanLimits field)."""
    doc = json.loads(heavy_document(current_day()))
    today = current_day().isoformat()
    if kind == "writers":
        doc["mentors"].append({**doc["mentors"][0], "id": "m-extra", "name": "One writer too many"})
    elif kind == "applications":
        doc["applications"].append({**doc["applications"][-1], "id": "a-extra", "programs": []})
    elif kind == "letters":
        doc["letters"].append({"id": "l-extra", "mentor_id": "m0", "application_id": "a7"})
    elif kind == "letters_per_application":
        doc["letters"] = [x for x in doc["letters"] if x["application_id"] != "a7"]  # room in the plan's total
        doc["letters"].append({"id": "l-extra", "mentor_id": "m0", "application_id": "a0"})
    elif kind == "busy_per_writer":
        doc["mentors"][3]["busy"].append({"name": "Extra", "start": today, "end": today})
    elif kind == "touchpoints_per_writer":
        doc["mentors"][3]["touchpoints"].append({"day": today})
    elif kind == "programs_per_plan":
        doc["applications"][2]["programs"].append({"name": "One program too many"})
    elif kind == "own_busy_periods":
        doc["settings"]["busy"]["custom"].append({"name": "Extra", "start": today, "end": today})
    elif kind == "moved_periods":
        doc["settings"]["busy"]["moved"]["later_period_x:2028"] = {"start": "2028-01-01", "end": "2028-01-02"}
    return json.dumps(doc)


@pytest.mark.parametrize("kind", [f.name for f in dataclasses.fields(PLAN_LIMITS)])
def test_a_backup_one_record_over_a_plan_limit_is_refused_by_name_and_changes_nothing(example_ws, kind):
    before = example_ws.store.export_json(example_ws)
    with pytest.raises(ValueError) as info:
        example_ws.store.import_json(example_ws, _one_over(kind))
    message = str(info.value)
    assert_plain(message)
    limit = getattr(PLAN_LIMITS, kind)
    assert f"{limit + 1:,}" in message and f"at most {limit:,}" in message and "Nothing was changed" in message
    if kind in ("busy_per_writer", "touchpoints_per_writer"):
        assert message.startswith("This backup can't be restored: Writer 3 has")  # says which writer
    if kind == "letters_per_application":
        assert message.startswith("This backup can't be restored: Far-off application has 13 letters")
    assert example_ws.store.export_json(example_ws) == before


def test_a_plan_saved_before_the_horizon_existed_builds_calendars_only_within_it(ws):
    with mock.patch("lor.backup.dates_outside_horizon", return_value=[]):
        ws.store.import_json(ws, heavy_document(TODAY, due=date(2999, 12, 31), busy_per_writer=0))
    planned = workspace_plan(ws.mentors(), ws.applications(), ws.letters(), settings={}, today=TODAY)
    last = planning_horizon(TODAY)[1]
    assert all(p.start <= last + timedelta(days=400) for periods in planned.busy.values() for p in periods)
    assert any(m.day.year == 2999 for m in planned.milestones)  # its letters are still planned and shown


# -- uploads and their size (issue #14.3, #14.13) -----------------------------------------------------------


def test_a_backup_one_byte_over_the_limit_says_the_exact_limit(example_ws):
    before = example_ws.store.export_json(example_ws)
    for oversized in (b" " * 5_000_001, " " * 5_000_001, "é" * 2_500_001):  # bytes, text, text of 2-byte letters
        with pytest.raises(ValueError) as info:
            example_ws.store.import_json(example_ws, oversized)
        message = str(info.value)
        assert_plain(message)
        assert "5,000,00" in message and "a backup can be at most 5,000,000 bytes (5 MB)" in message
        assert "5.0 MB" not in message
    assert example_ws.store.export_json(example_ws) == before


def test_the_server_cuts_uploads_off_just_above_the_backup_limit_and_shows_no_tracebacks():
    import tomllib

    config = tomllib.loads(
        (Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    )
    # Streamlit's MB is a MiB: it cuts off files over 5,242,880 bytes, and its drop zone says "5MB" like the app.
    assert config["server"]["maxUploadSize"] == MAX_BACKUP_BYTES // 1_000_000 == 5
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("size", [5_000_001, 5 * 1024 * 1024])
def test_an_upload_between_5_mb_and_5_mib_on_share_and_backup_gets_the_apps_own_message(open_page, size):
    at = open_page("share")
    before = db().export_json(db().default_workspace())
    calls = []

    class Upload:  # what st.file_uploader returns for a file Streamlit let through (at most 5 MiB)
        name = "lor-plan.json"

        def getvalue(self) -> bytes:
            return b"{" + b" " * (size - 2) + b"}"

    def uploader(*args, **kwargs):
        calls.append(kwargs)
        return Upload()

    with mock.patch("streamlit.file_uploader", uploader):
        at.run()
    assert not at.exception
    assert "at most 5 MB" in calls[0]["help"]  # the limit is said before the file is chosen, too
    assert any("a backup can be at most 5,000,000 bytes (5 MB)" in shown(e.value) for e in at.error)
    assert db().export_json(db().default_workspace()) == before


# -- names as markup in charts and as links in page text (issue #14.9, #14.10) -------------------------------
# Kept in one block: a name that is a link or a huge span in the per-writer chart, and web or email addresses
# in names that Streamlit's Markdown would turn into links however they are escaped.

LINK_NAME = '<a href="https://evil.example">Dr. X</a>'
BIG_NAME = '<span style="font-size:90px">Big</span>'
URL_STUDENT = "Stu https://evil.example/s"
URL_NAMES = {
    "m-link": LINK_NAME,
    "m-big": BIG_NAME,
    "m-www": "Dr. Y www.evil.example",
    "m-url": "Dr. Z https://evil.example/s",
    "m-mail": "Dr. Q q@evil.example",
    "m-template": "Dr. P 100% %{y} &amp;",  # Plotly's template field and a character reference, as text
}
URL_APPLICATION = "IM residency https://evil.example/s"
URL_PERIOD = "Away at www.evil.example"


def linked_plan(ws: Workspace) -> None:
    """A plan whose names are markup, web addresses and email addresses: each writer with a planned letter, an
    application due in 10 weeks, a busy period for everyone and notes with an address."""
    ws.save_student(Student(name=URL_STUDENT, school="School at www.evil.example", email="s@example.com"))
    for mid, name in URL_NAMES.items():
        ws.save_mentor(
            Mentor(
                id=mid,
                name=name,
                specialty="internal_medicine",
                notes="See https://evil.example/s",
                busy=[BusyPeriod(name=f"On service www.evil.example {BIG_NAME}", start=TODAY, end=TODAY + _DAY)],
            )
        )
    ws.save_application(
        Application(
            id="a-url",
            name=URL_APPLICATION,
            specialty="internal_medicine",
            deadline=TODAY + timedelta(weeks=10),
            programs=[Program(name="Program www.evil.example", deadline=TODAY + timedelta(weeks=9))],
        )
    )
    for i, mid in enumerate(URL_NAMES):
        status = "asked" if i == 1 else "planned"
        asked = TODAY - timedelta(days=3) if status == "asked" else None
        ws.save_letter(
            LetterRequest(
                id=f"u{i}",
                mentor_id=mid,
                application_id="a-url",
                status=status,
                asked_on=asked,
                notes="mail q@evil.example",
            )
        )
    custom = BusyPeriod(name=URL_PERIOD, start=TODAY + timedelta(days=20), end=TODAY + timedelta(days=22))
    ws.set_setting("busy", {"custom": [custom.model_dump(mode="json")]})


def markdown_and_help(at) -> list[str]:
    """Every string a page run hands to Streamlit's Markdown: texts, alerts, headings, labels and help tooltips."""
    out = rendered_markdown(at)

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        if isinstance(getattr(node, "help", None), str):
            out.append(node.help)

    walk(at.main)
    walk(at.sidebar)
    return out


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("link", ["w", "view"])
def test_no_address_in_a_name_becomes_a_link_on_any_page_for_the_owner_or_the_advisor(open_page, page, link):
    edit, view = db().create_workspace()
    linked_plan(db().open(edit))
    at = open_page(page, example=False, shared=True, query={link: edit if link == "w" else view})
    assert not at.exception, at.exception
    texts = markdown_and_help(at)
    links = [found for text in texts for found in autolinked(text) if "evil" in found]
    assert links == [], f"{page} turns addresses typed in names into links: {links}"
    if page == "dashboard":  # AppTest keeps app.py's sidebar on the first page only; the browser test checks all
        assert shown(at.sidebar.caption[0].value).startswith(f"Plan of {URL_STUDENT}")


def test_the_timeline_figures_of_a_plan_with_markup_names_carry_no_tag(ws):
    from lor.timeline import timeline_of

    linked_plan(ws)
    drawn = timeline_of(ws, TODAY)
    gantt = drawn.gantt_figure()
    assert gantt is not None
    for fig in (gantt, drawn.year_figure(), drawn.year_figure(stacked=True)):
        strings = json.dumps(fig.to_plotly_json(), default=str)
        assert "<a" not in strings and "<span" not in strings
    rows = [html.unescape(name) for name in gantt.layout.yaxis.categoryarray]
    assert rows == list(URL_NAMES.values())
    titles = [e["title"] for e in drawn.events() if not e.get("display")]
    assert f"Ask: {LINK_NAME}" in titles  # FullCalendar draws a title as text: kept exactly as typed


# -- what a plan can't store, and plans saved under older, looser rules (issue #14.6, #14.11) -------------------


def test_no_write_stores_text_a_backup_could_not_hold(ws):
    with pytest.raises(ValidationError) as info:  # half an emoji (a NUL, which PostgreSQL can't store, is dropped)
        ws.save_mentor(Mentor(name="Dr. \ud83d"))
    assert_plain(plain_errors(info.value)[0])
    with pytest.raises(ValidationError):
        ws.set_setting("busy", {"disabled": ["\ud83d"]})
    for key, value in (("theme", "\ud83d"), ("\ud83d", 1), ("bench-touch", 1)):
        with pytest.raises(ValidationError) as info:
            ws.set_setting(key, value)
        assert "which LOR Planner does not have" in plain_errors(info.value)[0]
    assert ws.settings() == {} and ws.mentors() == []
    ws.store.export_json(ws).encode("utf-8")


def _legacy_plan(ws: Workspace) -> None:
    """Rows as an older version could have saved them: a bcc in an email, an id with a space, two programs of one
    name, and a setting no page reads whose value holds half an emoji."""
    mentor = {**Mentor(id="m1", name="Dr. Old").model_dump(mode="json"), "email": "stu?bcc=evil@b.com", "id": "m 1"}
    app = Application(id="a1", name="IM", deadline=TODAY + timedelta(weeks=12)).model_dump(mode="json")
    app["programs"] = [
        Program(name="Mass General").model_dump(mode="json"),
        Program(name="mass general").model_dump(mode="json"),
    ]
    letter = LetterRequest(id="l1", mentor_id="m1", application_id="a1").model_dump(mode="json")
    letter["mentor_id"] = "m 1"
    student = {**Student(name="Stu").model_dump(mode="json"), "email": "stu?bcc=evil@b.com"}
    with ws.store._write(ws) as db:
        for kind, row in (("mentors", mentor), ("applications", app), ("letters", letter)):
            db.execute(
                f"INSERT INTO {kind} (workspace_id, id, name, data) VALUES ($1, $2, $3, $4)",
                [ws.id, row["id"], row.get("name", ""), json.dumps(row)],
            )
        db.execute("INSERT INTO student (workspace_id, data) VALUES ($1, $2)", [ws.id, json.dumps(student)])
        db.execute(
            "INSERT INTO settings (workspace_id, key, value) VALUES ($1, $2, $3)",
            [ws.id, "theme", json.dumps("\ud83d")],
        )


def test_a_plan_saved_under_older_rules_opens_and_still_downloads_its_backup(ws):
    _legacy_plan(ws)
    assert ws.mentors()[0].email == "stu?bcc=evil@b.com" and ws.student().email == "stu?bcc=evil@b.com"
    assert [p.name for p in ws.applications()[0].programs] == ["Mass General", "mass general"]
    backup = ws.store.export_json(ws)
    backup.encode("utf-8")  # the download works: the setting no page reads is not part of a backup
    assert "theme" not in json.loads(backup)["settings"]
    with pytest.raises(ValueError) as info:  # the backup names what to fix before it can be restored
        parse_backup(backup)
    assert_plain(str(info.value))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_a_plan_saved_under_older_rules(open_page, page):
    _legacy_plan(db().default_workspace())
    at = open_page(page, example=False)
    assert not at.exception, at.exception


def test_the_heavy_plan_tool_writes_a_backup_for_the_day_it_is_asked_for(monkeypatch, capsys):
    """`python -m tools.heavy_plan` with LOR_TODAY (or --today) makes a backup a server on that day restores; it
    used to write one for the tests' fixed day, which a server a week later refused (dates outside its window)."""
    from tools.heavy_plan import main

    later = TODAY + timedelta(days=5 * 365 - 20)  # the tests' day's busy periods fall outside this day's window
    monkeypatch.setenv("LOR_TODAY", later.isoformat())
    main([])
    parse_backup(capsys.readouterr().out, today=later)  # raises when a date falls outside the window
    main(["--today", TODAY.isoformat()])
    with pytest.raises(ValueError, match="outside the planning window"):
        parse_backup(capsys.readouterr().out, today=later)
