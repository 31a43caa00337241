"""Shared wording: days written the same way on every OS, plurals, step labels and the Markdown escaper."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plain_text import autolinked, shown

from lor.models import (
    LABELS,
    LETTER_TYPES,
    MILESTONE_KINDS,
    Application,
    LetterRequest,
    Mentor,
    label,
    label_in_sentence,
)
from lor.text import (
    MARKDOWN_SPECIAL,
    NO_LINK,
    STEP_LABELS,
    a_or_an,
    day_text,
    file_slug,
    full_date,
    label_escape,
    letter_title,
    lines_of,
    long_date,
    markdown_escape,
    month_day,
    month_year,
    name_slug,
    plotly_text,
    plural,
    short_date,
    step_label,
    weekday_month_day,
)

ROOT = Path(__file__).resolve().parents[1]
# A single-digit day: the case %-d (Linux only) and %d (zero-padded) get wrong.
JUNE_5 = date(2026, 6, 5)


def test_each_day_format_reads_as_written_in_the_us():
    assert long_date(JUNE_5) == "Friday, June 5, 2026"
    assert full_date(JUNE_5) == "June 5, 2026"
    assert day_text(JUNE_5) == "Fri Jun 5, 2026"
    assert short_date(JUNE_5) == "Jun 5, 2026"
    assert month_day(JUNE_5) == "Jun 5"
    assert month_day(JUNE_5, long=True) == "June 5"
    assert weekday_month_day(JUNE_5) == "Fri Jun 5"
    assert month_year(JUNE_5) == "Jun 2026"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_day_is_never_zero_padded_and_always_names_its_own_numbers(day):
    text = day_text(day)
    assert re.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [1-9]\d?, \d{4}", text)
    assert text.endswith(f" {day.day}, {day.year}")
    assert long_date(day).endswith(f" {day.day}, {day.year}")


def test_no_module_uses_a_platform_specific_strftime_code():
    # %-d and %#d exist only on Linux/macOS and Windows respectively; ValueError on the other.
    sources = [*(ROOT / "lor").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    offenders = [p.name for p in sources if re.search(r"%[-#][a-zA-Z]", p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [
        (0, "letter", "0 letters"),
        (1, "letter", "1 letter"),
        (2, "application", "2 applications"),
        (1200, "day", "1,200 days"),
    ],
)
def test_plural_counts_with_the_right_noun(count, word, expected):
    assert plural(count, word) == expected


def test_an_irregular_plural_is_given_by_the_caller():
    assert plural(3, "person", "people") == "3 people"
    assert plural(1, "person", "people") == "1 person"


def test_every_plan_step_has_an_action_label_that_is_not_the_letter_type_name():
    assert set(STEP_LABELS) == set(MILESTONE_KINDS)
    # "packet" is both a step (send the writer your packet) and a letter type (a committee letter packet).
    assert step_label("packet") == "Send packet"
    assert label("packet") == LABELS["packet"] == "Letter packet"


def test_markdown_escape_keeps_text_on_one_line():
    assert markdown_escape("# Title\n- item") == "\\# Title \\- item"


@given(st.text())
def test_unescaping_the_escaped_text_gives_the_text_back(text):
    escaped = markdown_escape(text)
    assert shown(escaped) == " ".join(text.split())


@given(st.text())
def test_no_markdown_character_survives_unescaped(text):
    escaped = markdown_escape(text).replace(NO_LINK, "")
    # Every special character is preceded by a backslash that is itself not escaped.
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert i + 1 < len(escaped) and MARKDOWN_SPECIAL.fullmatch(escaped[i + 1])
            i += 2
            continue
        assert not MARKDOWN_SPECIAL.fullmatch(escaped[i]), escaped
        i += 1


@pytest.mark.parametrize(
    "name",
    [
        "Plan of Stu https://evil.example/s",
        "Dr. X www.evil.example",
        "HTTP://EVIL.EXAMPLE and WWW.EVIL.EXAMPLE",
        "mail me: stu@evil.example, mailto:x@evil.example",
        "[https://evil.example](https://evil.example)",
    ],
)
def test_no_web_or_email_address_in_escaped_text_becomes_a_link_and_it_still_reads_as_typed(name):
    escaped = markdown_escape(name)
    assert autolinked(escaped) == []
    assert shown(escaped) == name


def test_text_without_addresses_is_only_escaped():
    assert markdown_escape("Dr. Ana Ortiz: IM (2026)") == "Dr\\. Ana Ortiz\\: IM \\(2026\\)"


@given(st.text())
def test_no_escaped_text_autolinks(text):
    assert autolinked(markdown_escape(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<a href="https://evil.example">Dr. X</a>', '&lt;a href="https://evil.example"&gt;Dr. X&lt;/a&gt;'),
        ("Dr. %{y} & Lee", "Dr. &#37;{y} &amp; Lee"),
        ("On\nservice  <br>", "On service &lt;br&gt;"),
    ],
)
def test_plotly_text_turns_tags_entities_and_template_fields_into_text(text, expected):
    assert plotly_text(text) == expected
    assert html.unescape(plotly_text(text)) == " ".join(text.split())


def test_every_letter_type_gets_the_article_its_label_sounds_with():
    assert a_or_an("sloe") == "a SLOE"
    assert a_or_an("eslor") == "an eSLOR"
    assert a_or_an("sel").startswith("an IM SEL")
    assert a_or_an("narrative") == "a narrative letter"
    for letter_type in LETTER_TYPES:
        article, _, words = a_or_an(letter_type).partition(" ")
        assert words == label_in_sentence(letter_type)
        assert article == ("an" if words[0].lower() in "aeio" else "a")


def test_a_text_box_becomes_one_trimmed_item_per_line():
    assert lines_of("  Ran the clinic huddle \n\n\tPresented at rounds\n   \n") == [
        "Ran the clinic huddle",
        "Presented at rounds",
    ]
    assert lines_of("") == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dr. Ana Ortiz", "dr-ana-ortiz"),
        ("  O'Brien / Smith  ", "o-brien-smith"),
        ("José Núñez", "jose-nunez"),
        ("李", "writer"),
        ("", "writer"),
    ],
)
def test_a_file_name_keeps_only_plain_letters_and_digits(name, expected):
    assert file_slug(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Dr. Sara Patel", "sara-patel"), ("prof Zoë Lin", "zoe-lin"), ("Drew Hart", "drew-hart"), ("Dr.", "dr")],
)
def test_a_writers_file_name_carries_their_name_without_the_title(name, expected):
    assert name_slug(name) == expected


def test_a_letter_is_named_by_writer_application_and_type_even_after_a_delete():
    mentor = Mentor(name="Dr. Ana Ortiz", role="attending", setting="rotation", weeks_known=4)
    app = Application(name="IM 2027", pathway="residency", portal="ERAS", deadline=date(2027, 9, 1))
    letter = LetterRequest(mentor_id=mentor.id, application_id=app.id, letter_type="sloe")
    assert letter_title(letter, {mentor.id: mentor}, {app.id: app}) == "Dr. Ana Ortiz — IM 2027 (SLOE)"
    assert letter_title(letter, {}, {}) == "Unknown writer — Unknown application (SLOE)"


def test_a_label_keeps_a_names_dots_and_dashes_for_a_screen_reader_but_no_link_or_latex():
    assert label_escape("Dr. Sara Patel-Ng (IM)") == "Dr. Sara Patel-Ng (IM)"
    assert label_escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert label_escape("$x$ *b*") == "\\$x\\$ \\*b\\*"
    assert NO_LINK in label_escape("www.evil.example")
