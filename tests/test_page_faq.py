"""The FAQ page as a student uses it: cards for the plan, search, deep links from other pages."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import pytest
from plan_dates import TODAY

from lor.example import load_example
from lor.guidance import context_cards, get_topic, load_guidance
from lor.mix import load_rules
from lor.store import Store
from lor.text import markdown_escape


def _titles(at) -> list[str]:
    return [e.label for e in at.expander]


def _expanded(at) -> list[str]:
    return [e.label for e in at.expander if e.proto.expanded]


def test_without_a_search_every_topic_is_listed_by_group_none_open(open_page):
    at = open_page("faq", example=False)
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "Dos",
        "Don'ts",
        "Questions",
    ]  # no "For you now" on an empty plan
    assert _titles(at) == [t.title for t in load_guidance()]
    assert _expanded(at) == []


def test_searching_waive_shows_the_waiver_topic_first(open_page):
    at = open_page("faq", example=False)
    at.text_input(key="faq-search").input("waive").run()
    assert not at.exception
    assert _titles(at)[0] == get_topic("waiver").title
    assert len(_titles(at)) < len(load_guidance())


def test_a_search_with_no_match_says_so(open_page):
    at = open_page("faq", example=False)
    at.text_input(key="faq-search").input("xylophone").run()
    assert _titles(at) == []
    assert any("No topic matches" in m.value for m in at.markdown)


@pytest.mark.parametrize("slug", ["waiver", "short-notice", "thank-and-keep-in-touch"])
def test_a_deep_link_opens_its_topic_first(open_page, slug):
    at = open_page("faq", example=False, query={"topic": slug})
    assert not at.exception
    title = get_topic(slug).title
    assert _titles(at)[0] == title
    assert _expanded(at) == [title]
    assert _titles(at).count(title) == 1
    assert get_topic(slug).summary.splitlines()[0] in at.expander[0].markdown[0].value


def test_a_stale_link_shows_a_gentle_note_and_every_topic(open_page):
    at = open_page("faq", example=False, query={"topic": "no-such-topic"})
    assert not at.exception
    assert any("That topic was not found" in i.value for i in at.info)
    assert _titles(at) == [t.title for t in load_guidance()]
    assert _expanded(at) == []


def test_the_mix_topic_shows_the_table_generated_from_the_rules(open_page):
    at = open_page("faq", example=False, query={"topic": "mix"})
    text = "\n".join(m.value for m in at.expander[0].markdown)
    for rule in load_rules():
        assert rule["summary"] in text


def _links(at) -> list[tuple[str, dict[str, list[str]]]]:
    """Every page link on the page: (label, query parameters it carries)."""
    return [(e.proto.label, parse_qs(e.proto.query_string)) for e in at.get("page_link")]


def test_the_example_plan_shows_its_context_cards(open_page):
    at = open_page("faq", example=True)
    assert not at.exception
    assert at.subheader[0].value == "For you now"
    expected = context_cards(Store(os.environ["LOR_DB"]).default_workspace(), TODAY)
    shown = [i.value for i in at.info]
    assert len(shown) == len(expected)
    for card, text in zip(expected, shown, strict=True):
        assert card.title in text and markdown_escape(card.reason) in text
    assert "Thomas Reed declined your request for Internal medicine \\(categorical\\)" in shown[0]
    card_links = [params["topic"] for label, params in _links(at) if label == "Read this"]
    assert card_links == [[c.slug] for c in expected]


def test_an_opened_topic_comes_first_even_when_the_search_does_not_match_it(open_page):
    at = open_page("faq", example=True)
    at.text_input(key="faq-search").input("xylophone").run()
    at.query_params["topic"] = "declined"  # what following the card's link does
    at.run()
    assert not at.exception
    assert _titles(at) == [get_topic("declined").title]
    assert _expanded(at) == [get_topic("declined").title]


def test_in_class_mode_every_link_keeps_the_private_plan_link(open_page):
    edit, _ = Store(os.environ["LOR_DB"]).create_workspace()
    load_example(Store(os.environ["LOR_DB"]).open(edit), TODAY)
    at = open_page("faq", example=False, shared=True, query={"w": edit, "topic": "waiver"})
    assert not at.exception
    links = _links(at)
    assert any(label == "Read this" for label, _ in links)
    assert links and all(params.get("w") == [edit] for _, params in links)


def test_the_advisor_sees_cards_and_every_topic_without_a_search_box(open_page):
    edit, view = Store(os.environ["LOR_DB"]).create_workspace()
    load_example(Store(os.environ["LOR_DB"]).open(edit), TODAY)
    at = open_page("faq", example=False, shared=True, query={"view": view})
    assert not at.exception
    assert not at.text_input
    assert at.subheader[0].value == "For you now"
    assert sorted(_titles(at)) == sorted(t.title for t in load_guidance())
    assert all(params.get("view") == [view] for _, params in _links(at))
