"""Email drafts: etiquette guardrails, short notice, reminders, and mailto links that round-trip."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_dates import TODAY

from lor import messages
from lor.messages import (
    ASK_KINDS,
    DRAFT_KINDS,
    draft,
    draft_kinds_for,
    drafts_for,
    mailto_link,
    salutation,
)
from lor.models import STORED, Application, LetterRequest, Mentor, Program, Student

STUDENT = Student(name="Ana Ruiz", email="ana@example.edu", school="State SOM")
MENTOR = Mentor(name="Dr. Grace Lee", email="glee@example.edu", setting="rotation", observed=["led rounds"])
APP = Application(
    id="a1",
    name="Internal medicine 2027",
    specialty="internal_medicine",
    deadline=date(2027, 9, 1),
    programs=[Program(name="Mass General", deadline=date(2027, 9, 15)), Program(name="UCSF")],
)
LETTER = LetterRequest(
    id="l1",
    mentor_id=MENTOR.id,
    application_id="a1",
    letter_id="A1B2C3D4",
    waived=True,
    brag_sheet=["presented a case at morning report"],
    strengths="clinical reasoning",
)
KINDS = [kind for kind, _ in DRAFT_KINDS]
SEE_THE_LETTER = (
    "read the letter",
    "see the letter",
    "copy of the letter",
    "send me the letter",
    "view the letter",
)


def make(kind: str, **kw):
    args = {"student": STUDENT, "mentor": MENTOR, "application": APP, "letter": LETTER, "today": TODAY}
    return draft(kind, **(args | kw))


@pytest.mark.parametrize("kind", KINDS)
def test_no_draft_asks_to_see_the_letter(kind):
    d = make(kind)
    text = f"{d.subject}\n{d.body}".lower()
    assert not [p for p in SEE_THE_LETTER if p in text]
    assert d.subject.strip() and d.body.strip()


@pytest.mark.parametrize("kind", sorted(ASK_KINDS))
@pytest.mark.parametrize("due", [date(2027, 9, 1), TODAY + timedelta(days=5)])
def test_every_ask_mentions_a_strong_letter_and_an_honest_way_to_say_no(kind, due):
    body = make(kind, due=due).body.lower()
    assert "strong letter" in body
    assert "say no" in body or "say so" in body or "completely fine" in body


def test_ask_email_becomes_the_short_notice_ask_under_two_weeks():
    assert make("ask_email", due=TODAY + timedelta(days=30)).kind == "ask_email"
    short = make("ask_email", due=TODAY + timedelta(days=10))
    assert short.kind == "ask_short_notice"
    assert "short notice" in short.body and "in 10 days" in short.body
    assert make("ask_email", short_notice=True).kind == "ask_short_notice"


def test_thanks_after_yes_carries_portal_letter_id_due_date_and_programs():
    body = make("thanks_yes").body
    for text in (
        "ERAS",
        "A1B2C3D4",
        "Wednesday, September 1, 2027",
        "Mass General",
        "UCSF",
        "morning report",
    ):
        assert text in body


def test_reminder_2_says_it_is_the_last():
    assert "last" in make("reminder_2").subject.lower()
    assert "won't write again" in make("reminder_2").body


def test_a_third_reminder_is_refused_with_the_reason():
    two_sent = LETTER.model_copy(
        update={"status": "packet_sent", "reminder_1_on": TODAY, "reminder_2_on": TODAY + timedelta(1)}
    )
    for kind in ("reminder_1", "reminder_2", "reminder_3"):
        with pytest.raises(ValueError, match="Two reminders"):
            make(kind, letter=two_sent)
    with pytest.raises(ValueError, match="Two reminders"):
        make("reminder_3")


def test_after_one_reminder_the_next_draft_is_the_final_one():
    one_sent = LETTER.model_copy(update={"status": "packet_sent", "reminder_1_on": TODAY})
    assert make("reminder_1", letter=one_sent).kind == "reminder_2"


def test_unknown_kind_is_a_plain_value_error():
    with pytest.raises(ValueError, match="not a kind of draft"):
        make("flowers")


def test_missing_student_and_missing_email_still_give_a_draft_without_mailto():
    no_email = MENTOR.model_copy(update={"email": None})
    d = make("ask_email", student=None, mentor=no_email)
    assert "[Your name]" in d.body and d.mailto is None


def test_decline_reply_does_not_press():
    body = make("decline_reply").body.lower()
    assert "understand" in body
    assert "reconsider" not in body and "change your mind" not in body


@pytest.mark.parametrize(
    ("status", "extra", "expected"),
    [
        ("planned", {}, ["goal_conversation", "ask_in_person", "ask_email"]),
        ("agreed", {}, ["thanks_yes"]),
        ("declined", {}, ["decline_reply"]),
        ("packet_sent", {}, ["reminder_1", "status_check"]),
        ("packet_sent", {"reminder_1_on": TODAY}, ["reminder_2", "status_check"]),
        ("packet_sent", {"reminder_1_on": TODAY, "reminder_2_on": TODAY}, ["status_check"]),
        ("submitted", {}, ["thanks_submitted"]),
        ("thanked", {}, ["outcome_update"]),
        ("withdrawn", {}, []),
    ],
)
def test_drafts_for_fit_the_letter_step(status, extra, expected):
    current = LETTER.model_copy(update={"status": status, **extra})
    assert draft_kinds_for(current, mentor=MENTOR, today=TODAY) == expected
    drafts = drafts_for(current, student=STUDENT, mentor=MENTOR, application=APP, today=TODAY)
    assert [d.kind for d in drafts] == expected


def test_a_recent_contact_skips_the_goal_conversation():
    recent = MENTOR.model_copy(update={"last_worked": TODAY - timedelta(days=20)})
    assert draft_kinds_for(LETTER, mentor=recent, today=TODAY)[0] == "ask_in_person"


def _parse(link: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)


def test_mailto_encodes_spaces_newlines_and_reserved_characters():
    link = mailto_link("a@b.org", "Hi & bye? #1", "Line one\nLine two é")
    assert " " not in link and "\n" not in link
    assert "%20" in link and "%0D%0A" in link and "%26" in link and "%3F" in link and "%23" in link
    assert "%C3%A9" in link
    assert mailto_link(None, "s", "b") is None and mailto_link("  ", "s", "b") is None


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80), st.text(max_size=300))
def test_mailto_round_trip_gives_back_subject_and_body(subject, body):
    link = mailto_link("writer@example.org", subject, body)
    address, query = _parse(link)
    assert address == "writer@example.org"
    assert query["subject"] == [subject]
    # Line breaks travel as CRLF (RFC 6068); the text is otherwise unchanged.
    assert query["body"][0].replace("\r\n", "\n") == body.replace("\r\n", "\n")


# Any name a student can save: emoji, right-to-left scripts, HTML and Markdown characters, quotes.
NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(NAMES, NAMES, st.sampled_from(KINDS))
def test_any_names_appear_as_typed_and_the_mailto_link_carries_the_draft_exactly(writer, student, kind):
    mentor = MENTOR.model_copy(update={"name": Mentor(name=writer).name})
    me = STUDENT.model_copy(update={"name": Student(name=student).name})
    d = make(kind, mentor=mentor, student=me)
    # Drafts are plain text for an email: names appear exactly as saved, never escaped or dropped; a greeting
    # keeps the words of the surname as typed ("Dear Dr. Lee").
    greeting = salutation(mentor)
    assert f"Dear {greeting}," in d.body or mentor.name in d.subject
    assert greeting.removeprefix("Dr. ") in " ".join(mentor.name.split())
    if kind != "ask_in_person":  # a script to say aloud, not signed
        assert me.name in d.body
    _, query = _parse(d.mailto)
    assert query["subject"] == [d.subject]
    assert query["body"][0].replace("\r\n", "\n") == d.body.replace("\r\n", "\n")


def test_the_guardrail_stops_a_template_that_asks_to_see_the_letter(monkeypatch):
    monkeypatch.setitem(messages._BUILDERS, "decline_reply", lambda ctx: ("Hi", "Could I see the letter first?"))
    with pytest.raises(RuntimeError, match="see the letter"):
        make("decline_reply")


def test_the_guardrail_stops_an_ask_without_a_way_to_decline(monkeypatch):
    monkeypatch.setitem(messages._BUILDERS, "ask_email", lambda ctx: ("Letter", "Please write me a letter."))
    with pytest.raises(RuntimeError, match="decline"):
        make("ask_email")


def test_user_text_that_happens_to_match_a_phrase_does_not_break_a_draft():
    odd = LETTER.model_copy(update={"strengths": "they asked to see the letter format"})
    assert "see the letter format" in make("thanks_yes", letter=odd).body


def test_the_address_of_a_mailto_link_is_percent_encoded_too():
    # Issue #14.11: an address is never written into a link verbatim; "+" and "'" are real address characters.
    link = mailto_link("o'brien+lor@example.org", "s", "b")
    assert link.startswith("mailto:o%27brien%2Blor@example.org?subject=s&body=b")
    assert _parse(link)[0] == "o'brien+lor@example.org"
    assert mailto_link("ana@example.edu") == "mailto:ana@example.edu"  # an address alone: no empty query


def test_a_writer_email_saved_under_the_older_rule_gives_no_link_and_says_how_to_fix_it():
    legacy = Mentor.model_validate({"name": "Dr. Evil", "email": "stu?bcc=evil@b.com"}, context=STORED)
    d = make("ask_email", mentor=legacy)
    assert d.mailto is None  # the hidden Bcc never reaches an email app
    assert d.problem == (
        "The email saved for Dr. Evil, stu?bcc=evil@b.com, is not an email address: it can't contain ?. "
        "Fix it to open drafts in your email app."
    )
    assert mailto_link("stu?bcc=evil@b.com", "s", "b") is None
    assert make("ask_email").problem is None


def test_the_packet_email_claims_only_the_attachments_the_checklist_has_ticked():
    mentor = Mentor(id="m1", name="Dr. Lee")
    app = Application(id="a1", name="IM", specialty="internal_medicine", deadline=TODAY + timedelta(days=90))
    letter = LetterRequest(id="l1", mentor_id="m1", application_id="a1")
    kwargs = {"student": None, "mentor": mentor, "application": app, "today": TODAY}
    body = messages.draft("thanks_yes", letter=letter, **kwargs).body
    assert "My CV" not in body and messages.ATTACH_REMINDER in body  # nothing ticked: a reminder, not a claim
    ticked = letter.model_copy(update={"packet": {"cv": True}})
    body = messages.draft("thanks_yes", letter=ticked, **kwargs).body
    assert "My CV" in body and "personal statement" not in body and messages.ATTACH_REMINDER not in body


def test_the_packet_email_and_reminders_name_every_letter_the_writer_writes(tmp_path=None):
    # One conversation per writer (issue #22.2): a writer with two letters gets one packet listing both.
    from datetime import date

    from lor.messages import draft
    from lor.models import Application, LetterRequest, Mentor

    mentor = Mentor(id="m", name="Dr. Sara Patel")
    im = Application(id="im", name="Internal medicine", deadline=date(2027, 9, 1))
    em = Application(id="em", name="Emergency medicine", portal="ResidencyCAS", deadline=date(2027, 9, 10))
    first = LetterRequest(id="l1", mentor_id="m", application_id="im", waived=True, letter_id="E-1")
    second = LetterRequest(id="l2", mentor_id="m", application_id="em", letter_type="sloe", letter_id="R-2")
    for kind in ("thanks_yes", "reminder_1"):
        body = draft(kind, student=None, mentor=mentor, application=im, letter=first, today=date(2027, 6, 1),
                     others=[(second, em)]).body  # fmt: skip
        assert "SLOE for Emergency medicine (ResidencyCAS), by Friday, September 10, 2027; Letter ID R-2" in body
        assert "Letter ID: E-1" in body
