"""Share & backup: private and advisor links, the advisor report, backup and restore, start over."""

import streamlit as st

from lor import ui
from lor.store import parse_backup

ws = ui.page_header("Share & backup", "Share your plan read-only with an advisor, and keep a backup of it.")
store = ws.store

st.subheader("Backup")
st.write(
    "A backup is one JSON file holding your whole plan. Keep it somewhere safe; restore it here at any time."
)
st.download_button(
    "Download backup (JSON)",
    data=store.export_json(ws),
    file_name=f"lor-plan-{ui.today().isoformat()}.json",
    mime="application/json",
    key="share-backup",
)

if not ws.read_only:
    st.subheader("Restore from a backup")
    upload = st.file_uploader("Backup file (.json)", type=["json"], key="share-restore-file")
    if upload is not None:
        try:
            parsed = parse_backup(upload.getvalue())
        except ValueError as exc:
            st.error(str(exc), icon="⚠️")
        else:
            who = parsed["student"].name if parsed["student"] else "no student name"
            st.info(
                f"This backup holds the plan of **{who}**: {len(parsed['mentors'])} mentors, "
                f"{len(parsed['applications'])} applications and {len(parsed['letters'])} letters. "
                "Restoring replaces everything in your current plan."
            )
            if st.checkbox(
                "Yes, replace my current plan with this backup", key="share-restore-confirm"
            ) and st.button("Restore", key="share-restore", type="primary"):
                store.import_json(ws, upload.getvalue())
                st.success("Restored. Your plan now holds the backup's contents.")

    st.subheader("Start over")
    if st.checkbox("I want to delete everything in this plan", key="share-clear-confirm") and st.button(
        "Delete everything", key="share-clear", type="secondary"
    ):
        ws.clear()
        st.success("Your plan is empty again.")
