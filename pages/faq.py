"""FAQ guidance: short answers on asking, reminding and thanking writers, and what fits the plan now."""

import streamlit as st

from lor import ui
from lor.guidance import GROUPS, Topic, get_topic, load_guidance, search
from lor.sheets import markdown_escape

ws = ui.page_header(
    "FAQ guidance",
    "Two-line answers first, details after: how to choose, ask, remind and thank your writers.",
    advisor="The guidance the student sees: how to choose, ask, remind and thank letter writers.",
)

# Links keep the plan's own parameters (?w= or ?view= in shared mode): without them a link opens another plan.
plan_params = {k: v for k, v in st.query_params.to_dict().items() if k != "topic"}


def show(topic: Topic, *, opened: bool) -> None:
    with st.expander(topic.title, expanded=opened):
        st.markdown("  \n".join(f"**{line}**" for line in topic.summary.splitlines()))
        st.markdown(topic.body)
        st.caption("Sources: " + "; ".join(topic.sources))
        for page in topic.related:
            st.page_link(f"pages/{page}.py", query_params=plan_params)


wanted = st.query_params.get("topic")
opened = get_topic(wanted)
if wanted and opened is None:
    st.info("That topic was not found (the link may be out of date). Every topic is listed below.", icon="🔎")

cards = ui.cards(ws, ui.today())
if cards:
    st.subheader("For you now")
    for card in cards:
        st.info(f"**{card.title}**  \n{markdown_escape(card.reason)}", icon="💡")
        st.page_link("pages/faq.py", label="Read this", query_params={**plan_params, "topic": card.slug})

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
