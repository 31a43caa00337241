"""The FAQ guidance library: every topic file, search ranking, the generated mix table, context cards."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_dates import TODAY

from lor.guidance import (
    GROUPS,
    GUIDANCE_DIR,
    MIX_TABLE_MARK,
    Topic,
    context_cards,
    get_topic,
    load_guidance,
    mix_table,
    search,
)
from lor.mix import load_rules
from lor.models import Application, LetterRequest, Mentor

ROOT = Path(__file__).resolve().parent.parent

# DOMAIN.md "Guidance topics the FAQ must cover", with the overlapping topics merged (issue #11, point 12:
# packet / organized packet; follow-up / polite follow-up / badgering; last-minute asks / short notice)
# and the topics a student was missing.
DOMAIN_TOPICS = {
    "Dos": {"choose-strategically", "ask-early", "packet", "follow-up", "thank-and-keep-in-touch"},
    "Don'ts": {"surprise-asks", "vague-context", "writer-workload", "weak-relationship"},
    "Questions": {
        "declined",
        "mix",
        "reuse",
        "waiver",
        "short-notice",
        "missed-deadline",
        "assignment",
        "departmental-letters",
        "sloe",
        "standardized-letters",
        "do-letters",
        "reapplying",
        "mspe",
        "committee-deadlines",
        "out-of-scope",
    },
}
MERGED = {
    "organised-packet": "packet",
    "polite-follow-up": "follow-up",
    "badgering": "follow-up",
    "last-minute-asks": "short-notice",
}


def _raw_body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("+++", 2)[2]


# ---------------------------------------------------------------- the topic files


def test_every_guidance_file_parses_with_its_front_matter():
    files = sorted(GUIDANCE_DIR.glob("*.md"))
    topics = load_guidance()
    assert len(topics) == len(files)
    assert {t.slug for t in topics} == {f.stem for f in files}
    for topic in topics:
        assert topic.group in GROUPS
        assert topic.title and topic.tags and topic.related and topic.sources, topic.slug
        assert len(topic.summary.splitlines()) == 2, topic.slug


def test_every_domain_topic_has_a_file_in_its_group():
    for group, slugs in DOMAIN_TOPICS.items():
        assert {t.slug for t in load_guidance() if t.group == group} == slugs


def test_topics_come_in_natural_order_dos_then_donts_then_questions():
    groups = [t.group for t in load_guidance()]
    assert groups == sorted(groups, key=GROUPS.index)
    assert [t.slug for t in load_guidance()][:2] == ["choose-strategically", "ask-early"]


@pytest.mark.parametrize("path", sorted(GUIDANCE_DIR.glob("*.md")), ids=lambda p: p.stem)
def test_each_body_is_short(path: Path):
    words = len(re.findall(r"[\w’'–-]+", _raw_body(path)))
    assert 120 <= words <= 300, f"{path.name}: {words} words"


def test_related_pages_exist():
    for topic in load_guidance():
        for page in topic.related:
            assert (ROOT / "pages" / f"{page}.py").exists(), (topic.slug, page)


def test_get_topic_finds_a_slug_and_returns_none_for_an_unknown_one():
    assert get_topic("waiver").title == "Should I waive access to my letters?"
    assert get_topic("no-such-topic") is None
    assert get_topic(None) is None


GOOD_FILE = """+++
slug = "{slug}"
title = "A title"
group = "Dos"
tags = ["tag"]
related = ["{page}"]
summary = \"\"\"
{summary}\"\"\"
sources = ["somewhere"]
checked = "2026-11-30"
+++
Body text.
"""


@pytest.mark.parametrize(
    ("slug", "page", "summary", "problem"),
    [
        ("other-name", "letters", "One.\nTwo.", "differs from the file name"),
        ("topic", "letters", "Only one line.", "two non-empty lines"),
        ("topic", "letters", "One.\nTwo.\nThree.", "two non-empty lines"),
        ("topic", "nowhere", "One.\nTwo.", "unknown related page"),
    ],
)
def test_a_broken_topic_file_is_refused_with_the_reason(tmp_path, slug, page, summary, problem):
    (tmp_path / "topic.md").write_text(GOOD_FILE.format(slug=slug, page=page, summary=summary))
    with pytest.raises(ValueError, match=problem):
        load_guidance(tmp_path)


def test_a_well_formed_file_loads_from_any_directory(tmp_path):
    (tmp_path / "topic.md").write_text(GOOD_FILE.format(slug="topic", page="letters", summary="One.\nTwo."))
    [topic] = load_guidance(tmp_path)
    assert (topic.slug, topic.summary, topic.body) == ("topic", "One.\nTwo.", "Body text.")


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("topic", load_guidance(), ids=lambda t: t.slug)
def test_search_by_a_topics_title_puts_it_first(topic: Topic):
    assert search(topic.title)[0] == topic


@pytest.mark.parametrize("query", ["rec letter", "LOR", "lor", "reference", "letter of evaluation"])
def test_synonyms_find_every_topic(query: str):
    assert {t.slug for t in search(query)} == {t.slug for t in load_guidance()}


@pytest.mark.parametrize("query", ["waive", "waiver", "waiving", "Waive my rights", "FERPA"])
def test_waiving_words_rank_the_waiver_topic_first(query: str):
    assert search(query)[0].slug == "waiver"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("writer said no", "declined"),
        ("how many letters", "mix"),
        ("SLOE", "sloe"),  # the SLOE topic now has its own card (issue #11, point 12)
        ("reuse", "reuse"),
        ("how often to follow up", "follow-up"),
        ("what goes in the packet", "packet"),
        ("short notice", "short-notice"),
        ("missed deadline", "missed-deadline"),
        ("assign letters in ERAS", "assignment"),
        ("thank you", "thank-and-keep-in-touch"),
    ],
)
def test_questions_in_a_students_words_find_the_right_topic_first(query: str, slug: str):
    assert search(query)[0].slug == slug


def test_empty_query_gives_every_topic_in_natural_order():
    assert search("") == load_guidance()
    assert search("  ?! ") == load_guidance()


def test_a_query_matching_nothing_finds_nothing():
    assert search("xylophone") == []


def _topic(slug: str, *, title="Plain", tags=(), summary="One.\nTwo.", body="Nothing here.") -> Topic:
    return Topic(
        slug=slug,
        title=title,
        group="Questions",
        tags=tags,
        summary=summary,
        sources=("s",),
        checked="2026-11-30",
        body=body,
    )


def test_title_matches_rank_above_tags_above_summary_above_body():
    in_body = _topic("in-body", body="A zebra appears.")
    in_summary = _topic("in-summary", summary="A zebra.\nTwo.")
    in_tags = _topic("in-tags", tags=("zebra",))
    in_title = _topic("in-title", title="Zebra crossing")
    unrelated = _topic("unrelated")
    pool = [unrelated, in_body, in_summary, in_tags, in_title]
    assert [t.slug for t in search("zebra", pool)] == ["in-title", "in-tags", "in-summary", "in-body"]


def test_a_multi_word_tag_matches_only_as_a_phrase():
    tagged = _topic("tagged", tags=("rec letter",))
    assert search("rec letter", [tagged]) == [tagged]
    assert search("REC LETTER please", [tagged]) == [tagged]
    assert search("rec", [tagged]) == []
    assert search("letter rec", [tagged]) == []


def test_short_words_match_whole_words_only_and_long_words_match_by_prefix():
    topic = _topic("t", body="Programs review the LOR after waiving.")
    assert search("lo", [topic]) == []
    assert search("lor", [topic]) == [topic]
    assert search("waive", [topic]) == [topic]
    assert search("program", [topic]) == [topic]
    assert search("prog", [topic]) == [topic]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_search_returns_distinct_topics_from_the_library(query: str):
    found = search(query)
    assert len({t.slug for t in found}) == len(found)
    assert set(found) <= set(load_guidance())


# ---------------------------------------------------------------- the mix table


def test_the_mix_topic_shows_every_rule_from_the_rules_file():
    body = get_topic("mix").body
    assert MIX_TABLE_MARK not in body
    rules = load_rules()
    assert rules
    for rule in rules:
        row = next(line for line in body.splitlines() if rule["summary"] in line)
        need = "Required" if rule["required"] else "Note" if rule["kind"] == "note" else "Advice"
        assert f"*{'Optional' if rule.get('optional') else need}:*" in row


def test_the_mix_list_puts_the_students_own_pathways_first_and_stays_short():
    from lor.guidance import mix_overview, topic_body

    em = mix_overview(load_rules(), [("residency", "emergency_medicine")])
    first_two = [line for line in em.splitlines() if line.startswith("**")][:2]
    assert first_two == [
        "**Residency: every specialty** (your application)",
        "**Residency: Emergency medicine** (your application)",
    ]
    premed = topic_body(get_topic("mix"), [("medical_school", None)])
    assert premed.index("**Medical school** (your application)") < premed.index("**Residency: every specialty**")
    assert "data/letter_rules.toml" not in premed and ":8888" not in premed  # a student's words, no odd links
    assert max(len(line) for line in em.splitlines()) < 300  # bullets a phone wraps, not table rows


def test_mix_table_has_one_row_per_rule_with_readable_labels():
    rules = [
        {"id": "a", "pathway": "residency", "specialty": ["internal_medicine", "pediatrics"],
         "required": False, "summary": "Chair | letter", "source": "IU"},
        {"id": "b", "pathway": "any", "required": True, "summary": "Check programs", "source": "ERAS"},
    ]  # fmt: skip
    table = mix_table(rules)
    assert list(table.index) == ["a", "b"]
    assert list(table["For"]) == ["Residency: Internal medicine, Pediatrics", "Every pathway"]
    assert list(table["Need"]) == ["Recommended", "Required"]


# ---------------------------------------------------------------- context cards


class FakePlan:
    """A plan held in lists, shaped like lor.store.Workspace for reading."""

    def __init__(self, mentors=(), applications=(), letters=()):
        self._m, self._a, self._l = list(mentors), list(applications), list(letters)

    def mentors(self):
        return self._m

    def applications(self):
        return self._a

    def letters(self):
        return self._l


LEE = Mentor(id="lee", name="Dr. Lee", specialty="family_medicine")
FM = Application(id="fm", name="FM application", specialty="family_medicine", deadline=TODAY + timedelta(60))


def _letter(status="planned", *, waived=True, app=FM, mentor=LEE, **fields) -> LetterRequest:
    return LetterRequest(mentor_id=mentor.id, application_id=app.id, status=status, waived=waived, **fields)


def _cards(*letters, apps=(FM,), mentors=(LEE,), today=TODAY):
    return context_cards(FakePlan(mentors, apps, letters), today)


def _slugs(*letters, **kw) -> list[str]:
    return [c.slug for c in _cards(*letters, **kw)]


def test_a_quiet_plan_has_no_cards():
    assert _slugs(_letter("asked"), _letter("submitted", waived=None)) == []
    assert context_cards(FakePlan(), TODAY) == []


def test_a_declined_letter_brings_the_declined_topic_with_the_writer_and_application():
    [card] = _cards(_letter("declined"))
    assert card.slug == "declined"
    assert card.title == get_topic("declined").title
    assert card.reason == "Dr. Lee declined your request for FM application."


def test_a_refusal_from_a_finished_cycle_stays_quiet():
    old = FM.model_copy(update={"deadline": TODAY - timedelta(30)})
    assert _slugs(_letter("declined", app=old), apps=(old,)) == []


@pytest.mark.parametrize(
    ("status", "days", "fires"),
    [("planned", 10, True), ("asked", 20, True), ("asked", 21, False), ("agreed", 10, False)],
)
def test_short_notice_fires_for_a_letter_not_yet_agreed_under_three_weeks(status, days, fires):
    # The planner's own "late" threshold (data/busy_periods.toml [timing] late_days): under 21 days.
    slugs = _slugs(_letter(status, due=TODAY + timedelta(days)))
    assert ("short-notice" in slugs) is fires


def test_short_notice_uses_the_applications_deadline_when_the_letter_has_no_due_date():
    soon = FM.model_copy(update={"deadline": TODAY + timedelta(12)})
    [card] = _cards(_letter("asked", app=soon), apps=(soon,))
    assert card.slug == "short-notice"
    assert card.reason == "Dr. Lee's letter for FM application is due in 12 days, and the writer has not answered yet."


@pytest.mark.parametrize("status", ["agreed", "packet_sent"])
def test_an_agreed_letter_due_within_a_week_brings_follow_up_and_missed_deadline(status):
    cards = _cards(_letter(status, due=TODAY + timedelta(5)))
    assert [c.slug for c in cards] == ["follow-up", "missed-deadline"]
    assert "due in 5 days" in cards[0].reason


def test_an_overdue_letter_puts_missed_deadline_first():
    cards = _cards(_letter("agreed", due=TODAY - timedelta(3)))
    assert [c.slug for c in cards] == ["missed-deadline", "follow-up"]
    assert "was due 3 days ago" in cards[0].reason


@pytest.mark.parametrize(("status", "days"), [("agreed", 8), ("submitted", 2), ("thanked", -2)])
def test_follow_up_stays_quiet_with_time_left_or_once_the_letter_is_in(status, days):
    assert _slugs(_letter(status, due=TODAY + timedelta(days))) == []


@pytest.mark.parametrize(("status", "fires"), [("planned", True), ("packet_sent", True), ("submitted", False),
                                               ("declined", False), ("withdrawn", False)])  # fmt: skip
def test_an_undecided_waiver_on_a_letter_in_progress_brings_the_waiver_topic(status, fires):
    assert ("waiver" in _slugs(_letter(status, waived=None))) is fires
    assert "waiver" not in _slugs(_letter(status, waived=False))


def _residency(specialty: str) -> Application:
    return Application(id="res", name="Residency", specialty=specialty, deadline=TODAY + timedelta(60))


@pytest.mark.parametrize(
    ("specialty", "special_letters"),
    [
        ("emergency_medicine", [("attending", "sloe"), ("attending", "sloe")]),  # 2 SLOEs recommended
        ("obstetrics_gynecology", [("attending", "sloe"), ("department_chair", "chair")]),
        ("orthopaedic_surgery", [("attending", "eslor")]),
        ("internal_medicine", [("department", "sel")]),  # the department's IM SEL; a chair's own letter is not it
        ("general_surgery", [("department_chair", "chair")]),
        ("pediatrics", [("department_chair", "chair")]),
    ],
)
def test_a_specialty_missing_its_special_letter_brings_the_mix_topic(specialty, special_letters):
    app = _residency(specialty)
    attendings = [Mentor(id=f"a{i}", name=f"Dr. A{i}", specialty=specialty) for i in range(3)]
    narrative = [_letter("asked", app=app, mentor=m) for m in attendings]
    cards = _cards(*narrative, apps=(app,), mentors=attendings)
    assert [c.slug for c in cards] == ["mix"]
    assert cards[0].reason.startswith("Residency: ")

    writers = [Mentor(id=f"s{i}", name=f"Dr. S{i}", specialty=specialty, role=role) for i, (role, _) in
               enumerate(special_letters)]  # fmt: skip
    special = [
        _letter("asked", app=app, mentor=m, letter_type=t) for m, (_, t) in zip(writers, special_letters, strict=True)
    ]
    assert _slugs(*narrative, *special, apps=(app,), mentors=attendings + writers) == []


@pytest.mark.parametrize("specialty", ["family_medicine", "psychiatry", None])
def test_specialties_without_a_special_letter_stay_quiet_about_the_mix(specialty):
    app = _residency(specialty) if specialty else _residency("x").model_copy(update={"specialty": None})
    assert _slugs(apps=(app,)) == []


def test_a_medical_school_application_never_brings_the_mix_card():
    app = Application(id="md", name="MD", pathway="medical_school", portal="AMCAS", deadline=TODAY + timedelta(90))
    assert _slugs(apps=(app,)) == []


def test_cards_are_one_per_topic_keep_the_most_urgent_reason_and_count_the_rest():
    kim = Mentor(id="kim", name="Dr. Kim")
    cards = _cards(
        _letter("asked", due=TODAY + timedelta(15)),
        _letter("asked", mentor=kim, due=TODAY + timedelta(4)),
        mentors=(LEE, kim),
    )
    [card] = cards
    assert card.reason == (
        "Dr. Kim's letter for FM application is due in 4 days, and the writer has not answered yet (and 1 more letter)."
    )


def test_cards_are_capped_and_ordered_by_urgency():
    ortho = _residency("orthopaedic_surgery")
    letters = [
        _letter("declined"),
        _letter("planned", waived=None),
        _letter("asked", due=TODAY + timedelta(10)),
        _letter("agreed", due=TODAY - timedelta(1)),
    ]
    cards = _cards(*letters, apps=(FM, ortho))
    assert [c.slug for c in cards] == ["missed-deadline", "follow-up", "short-notice", "declined", "mix"]
    assert len(context_cards(FakePlan([LEE], [FM, ortho], letters), TODAY, limit=2)) == 2


def test_the_example_plan_asks_about_the_declined_writer_and_an_open_waiver(example_ws):
    cards = context_cards(example_ws, TODAY)
    assert [c.slug for c in cards] == ["declined", "waiver"]
    assert cards[0].reason == "Dr. Thomas Reed declined your request for Internal medicine (categorical)."
    assert "Dr. Elena Vasquez" in cards[1].reason


# ---------------------------------------------------------------- issue #11, point 12


@pytest.mark.parametrize(("old", "new"), sorted(MERGED.items()))
def test_a_merged_topics_old_link_opens_the_topic_it_went_into(old, new):
    assert get_topic(old).slug == new


def test_every_topic_has_sources_and_a_checked_date():
    for topic in load_guidance():
        assert topic.sources and all(s.strip() for s in topic.sources), topic.slug
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", topic.checked), topic.slug


BRITISH = ("organis", "recognis", "colour", "favour", "behaviour", "centre", "programme", "practise",
           "licence", "judgement", "signall", "travell", "cancell", "summaris", "prioritis", "centralis")  # fmt: skip


@pytest.mark.parametrize("path", sorted(GUIDANCE_DIR.glob("*.md")), ids=lambda p: p.stem)
def test_guidance_is_in_us_spelling(path: Path):
    front, body = path.read_text(encoding="utf-8").split("+++", 2)[1:]
    text = (body + re.sub(r"(?m)^aliases = .*$", "", front)).lower()  # an old slug may keep its spelling
    assert not [word for word in BRITISH if word in text]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("IM SEL", "departmental-letters"),
        ("off-service SLOE", "sloe"),
        ("DO school physician letter", "do-letters"),
        ("reapplying next year", "reapplying"),
        ("MSPE", "mspe"),
        ("committee letter deadline", "committee-deadlines"),
        ("CaRMS", "out-of-scope"),
    ],
)
def test_the_new_topics_are_found_by_the_words_a_student_would_type(query, slug):
    assert search(query)[0].slug == slug


def test_point_11_the_waiver_card_says_not_waiving_does_not_open_the_portal():
    waiver = search("waive")[0]
    # Before: "Not waiving does not let you change the letter; it only lets you read it."
    assert "it only lets you read it" not in waiver.body
    assert "AMCAS never gives applicants access" in waiver.body and "FERPA" in waiver.body
