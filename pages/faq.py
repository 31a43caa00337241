"""FAQ guidance: short answers on asking, reminding and thanking writers, and what fits the plan now."""

import streamlit as st

from lor import ui
from lor.guidance import GROUPS, Topic, get_topic, load_guidance, search, topic_body
from lor.seasons import rules_season_line
from lor.sources import source_line, sources_caption

ws = ui.page_header(
    "FAQ guidance",
    "Two-line answers first, details after: how to choose, ask, remind and thank your writers.",
    advisor="The guidance the student sees: how to choose, ask, remind and thank letter writers.",
)


# The student's own pathways lead the "how many letters" list; dates are those of the seasons still ahead.
mine = [(a.pathway, a.specialty) for a in ui.snapshot(ws).applications()]
today = ui.today()
st.caption(rules_season_line())


def show(topic: Topic, *, opened: bool) -> None:
    with st.expander(topic.title, expanded=opened):
        st.markdown("  \n".join(f"**{line}**" for line in topic.summary.splitlines()))
        st.markdown(topic_body(topic, mine, today=today))
        st.caption(sources_caption(topic.sources, topic.checked))
        for page in topic.related:
            ui.page_link(page)


wanted = st.query_params.get("topic")
opened = get_topic(wanted)
if wanted and opened is None:
    st.info("That topic was not found (the link may be out of date). Every topic is listed below.", icon="🔎")

cards = ui.cards(ws, today)
if cards:
    st.subheader("For you now")
    for card in cards:
        st.info(f"**{ui.md(card.title)}**  \n{ui.md(card.reason)}", icon="💡")
        topic = get_topic(card.slug)
        if topic is not None:
            st.caption(ui.md(source_line("; ".join(topic.sources), topic.checked)))
        ui.page_link("faq", "Read this", topic=card.slug)

query = ""
if not ws.read_only:  # the advisor's view has no input widgets at all, so it gets the full list instead
    query = st.text_input("Search the guidance", key="faq-search", placeholder="For example: waive, short notice, SLOE")
if opened:
    show(opened, opened=True)  # a link or a card opened it: first, whatever the search says
if query.strip():
    found = search(query)
    if not found:
        st.write("No topic matches that. Try a shorter word, or clear the search to see every topic.")
    for topic in found:
        if topic != opened:
            show(topic, opened=False)
else:
    for group in GROUPS:
        st.subheader(group)
        for topic in load_guidance():
            if topic.group == group and topic != opened:
                show(topic, opened=False)
