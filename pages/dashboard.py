"""Dashboard: the student's whole situation on one screen."""

from collections import Counter

import streamlit as st

from lor import ui
from lor.example import load_example
from lor.models import STATUSES, label

ws = ui.page_header(
    "Dashboard", "Your letters at a glance: what to do this week and what each application still needs."
)

if ws.is_empty():
    st.subheader("Welcome: three first steps")
    st.markdown(
        "1. **Add an application** and the mentors who might write for you on *Choose recommenders*.\n"
        "2. **Plan a letter** for your strongest writers and let the *Timeline* pick a good day to ask.\n"
        "3. **Track each letter** on *Letters*, from the ask to the thank-you."
    )
    if not ws.read_only:
        st.write("Or look around first with a complete example plan (you can start over at any time).")
        if st.button("Load example plan", key="dashboard-load-example", type="primary"):
            load_example(ws, ui.today())
            st.rerun()
    st.stop()

letters = ws.letters()
counts = Counter(letter.status for letter in letters)
st.subheader("Letters by status")
cols = st.columns(5)
for i, status in enumerate(s for s in STATUSES if counts[s]):
    cols[i % 5].metric(label(status), counts[status])
