"""The writer request sheet: all a writer needs on one page, earliest due first, user text escaped."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from plan_dates import TODAY

from lor.models import STORED, Application, LetterRequest, Mentor, Program, Student
from lor.sheets import request_sheet_html, request_sheet_markdown, sheet_items
from lor.text import markdown_escape

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "p", "h1",
    "h2", "h3", "strong", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "ul", "li", "code",
    "a",
}  # fmt: skip


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.bold: list[str] = []
        self._in_bold = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self._in_bold += tag == "strong"

    def handle_endtag(self, tag):
        self._in_bold -= tag == "strong"

    def handle_data(self, data):
        self.text.append(data)
        if self._in_bold:
            self.bold.append(data)


def parse(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def plan(nasty: str = "") -> tuple[Student, Mentor, list[tuple[LetterRequest, Application]]]:
    student = Student(name=f"Ana Ruiz{nasty}", email="ana@example.edu", phone="555-0100", school="State SOM")
    mentor = Mentor(id="m1", name=f"Dr. Lee{nasty}", title="Professor of Medicine")
    im = Application(
        id="a1",
        name=f"Internal medicine{nasty}",
        specialty="internal_medicine",
        deadline=date(2027, 9, 1),
        programs=[
            Program(name=f"Mass General{nasty}", deadline=date(2027, 9, 20)),
            Program(name="UCSF", deadline=date(2027, 9, 10)),
        ],
    )
    prelim = Application(id="a2", name="Prelim medicine", deadline=date(2027, 8, 20), portal="ERAS")
    first = LetterRequest(
        id="l1",
        mentor_id="m1",
        application_id="a1",
        letter_id="A1B2C3",
        waived=True,
        brag_sheet=[f"Ran the family meeting{nasty}", "Taught the new interns"],
        strengths=f"Clinical reasoning{nasty}",
        notes=f"private note{nasty}",
    )
    second = LetterRequest(id="l2", mentor_id="m1", application_id="a2", letter_type="chair", letter_id="Z9Y8X7")
    return student, mentor, [(first, im), (second, prelim)]


def test_the_sheet_lists_every_letter_program_due_date_and_instruction():
    student, mentor, items = plan()
    page = parse(request_sheet_html(student, mentor, items, today=TODAY))
    text = " ".join(page.text)
    for wanted in (
        "Ana Ruiz",
        "Dr. Lee",
        "Mass General",
        "UCSF",
        "A1B2C3",
        "Z9Y8X7",
        "AAMC Letter Writer Portal",  # the 2027 ERAS cycle (the old LoR Portal is gone)
        "Department chair letter",
        "Waived",
        "Ran the family meeting",
        "Clinical reasoning",
        "ana@example.edu",
        "555-0100",
    ):
        assert wanted in text, wanted


def test_the_earliest_due_date_comes_first_and_bold():
    student, mentor, items = plan()
    page = parse(request_sheet_html(student, mentor, items, today=TODAY))
    text = " ".join(page.text)
    assert text.index("Fri Aug 20, 2027") < text.index("Wed Sep 1, 2027")
    assert "First due date: Fri Aug 20, 2027" in " ".join(page.bold)
    assert not any("Sep 1, 2027" in b for b in page.bold)


def test_an_assigned_letter_lists_only_its_programs():
    student, mentor, items = plan()
    letter, app = items[0]
    app = app.model_copy(
        update={"programs": [app.programs[0].model_copy(update={"assigned": ["l1"]}), app.programs[1]]}
    )
    text = " ".join(parse(request_sheet_html(student, mentor, [(letter, app)], today=TODAY)).text)
    assert "Mass General" in text and "UCSF" not in text


def test_private_notes_stay_off_the_sheet():
    student, mentor, items = plan()
    assert "private note" not in request_sheet_html(student, mentor, items, today=TODAY)
    assert "private note" not in request_sheet_markdown(student, mentor, items, today=TODAY)


def test_injected_markup_in_any_user_text_stays_text():
    for nasty in (SCRIPT, IMG):
        student, mentor, items = plan(nasty)
        page = parse(request_sheet_html(student, mentor, items, today=TODAY))
        assert set(page.tags) <= ALLOWED_TAGS
        assert not [name for name, _ in page.attrs if name.startswith("on") or name == "src"]
        assert any(nasty in chunk for chunk in page.text)  # shown to the reader as typed


def test_no_student_and_no_letters_still_give_a_sheet():
    _, mentor, _ = plan()
    page = parse(request_sheet_html(None, mentor, [], today=TODAY))
    assert "No letters for this writer yet." in " ".join(page.text)
    assert "No letters for this writer yet" in request_sheet_markdown(None, mentor, [], today=TODAY)


def test_markdown_sheet_is_plain_readable_text():
    # Issue 13: "Prepared for Dr\\. Maria Alvarez", "\\(LoRP\\)": screen escaping leaked into a file for people.
    student, mentor, items = plan(" *bold* [link](http://x) <b>")
    md = request_sheet_markdown(student, mentor, items, today=TODAY)
    assert "\\" not in md
    assert "*bold* [link](http://x) <b>" in md  # user text exactly as typed
    assert f"Prepared for {mentor.name}" in md
    assert "Thank you for writing on my behalf. Everything you need is on this page" in md
    assert md.index("Fri Aug 20, 2027") < md.index("Wed Sep 1, 2027")
    assert "**First due date: Fri Aug 20, 2027**" in md


def test_a_line_break_in_user_text_never_starts_a_heading_on_the_sheet():
    student, mentor, items = plan("\n# Not a heading\n- nor an item")
    md = request_sheet_markdown(student, mentor, items, today=TODAY)
    assert "# Not a heading - nor an item" in md
    assert not [line for line in md.splitlines() if line.startswith("# Not")]


def test_markdown_escape_keeps_text_on_one_line():
    assert markdown_escape("# Title\n- item") == "\\# Title \\- item"


def test_sheet_items_are_the_writers_letters_still_in_play():
    _, _, items = plan()
    (first, im), (second, prelim) = items
    declined = second.model_copy(update={"id": "l3", "status": "declined"})
    other = first.model_copy(update={"id": "l4", "mentor_id": "m2"})
    got = sheet_items("m1", [first, second, declined, other], [im, prelim])
    assert [(x.id, a.id) for x, a in got] == [("l1", "a1"), ("l2", "a2")]


def test_a_letter_not_waived_does_not_promise_the_student_can_read_it_in_the_portal():
    # AMCAS never gives applicants their letters and ERAS doesn't show them: not waiving keeps only the
    # FERPA right to a copy a school holds (issue #11, point 11). Before: "keeps the right to view this letter".
    student, mentor, items = plan()
    not_waived = [(items[0][0].model_copy(update={"waived": False}), items[0][1])]
    md = request_sheet_markdown(student, mentor, not_waived, today=TODAY)
    assert "right to view this letter" not in md
    assert "FERPA" in md and "portals don't show letters to students" in md


def test_the_contact_link_is_a_percent_encoded_mailto_and_a_legacy_address_is_only_text():
    student, mentor, items = plan()
    apostrophe = student.model_copy(update={"email": "o'brien+lor@example.edu"})
    page = parse(request_sheet_html(apostrophe, mentor, items, today=TODAY))
    assert ("href", "mailto:o%27brien%2Blor@example.edu") in page.attrs
    # Issue #14.11: "stu?bcc=evil@b.com" saved before the strict rule: shown to the writer, never a link.
    legacy = Student.model_validate({"name": "Stu", "email": "stu?bcc=evil@b.com"}, context=STORED)
    page = parse(request_sheet_html(legacy, mentor, items, today=TODAY))
    assert not [value for name, value in page.attrs if name == "href" and "mailto" in (value or "")]
    assert "stu?bcc=evil@b.com" in " ".join(page.text)


def test_the_sheet_says_attached_only_for_what_the_packet_checklist_has_ticked():
    student, mentor, items = plan()
    page = " ".join(parse(request_sheet_html(student, mentor, items, today=TODAY)).text)
    assert "Also attached" not in page and "My CV" not in page  # nothing ticked: nothing claimed
    (first, im), second = items
    ticked = first.model_copy(update={"packet": {"cv": True, "personal_statement": False}})
    page = " ".join(parse(request_sheet_html(student, mentor, [(ticked, im), second], today=TODAY)).text)
    assert "Also attached" in page and "My CV" in page and "personal statement" not in page
    markdown = request_sheet_markdown(student, mentor, [(ticked, im), second], today=TODAY)
    assert "- My CV" in markdown and "personal statement" not in markdown.split("## Also attached")[1]
