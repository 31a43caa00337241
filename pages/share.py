"""Share & backup: private and advisor links, advisor desks, the advisor report, backup and restore, start over."""

import streamlit as st

from lor import ui
from lor.export import letters_csv, plan_csv
from lor.report import advisor_report_html, report_file_name
from lor.store import DeskFull
from lor.text import plural

ws = ui.page_header(
    "Share & backup",
    "Share your plan read-only with an advisor, and keep a backup of it.",
    advisor="The student's plan as a printable report and spreadsheet files.",
)
store = ws.store
today = ui.today()
stamp = today.isoformat()
ui.show_flash()

ui.mode_notice()
if ui.shared_mode() and not ws.read_only:
    st.subheader("Your links")
    account = ui.signed_in_account()
    if account is not None:  # the plan belongs to the school account: no private link to keep
        st.write(f"Your plan opens whenever you sign in as **{ui.md(account.shown)}**, on any device.")
    else:
        st.write(
            "**Private link**: opens and edits your plan. Keep it to yourself and bookmark it; if it leaks, "
            "make a new one (the old one stops working)."
        )
        edit = st.session_state.get("lor-fresh-edit") or st.query_params.get("w")
        if edit:
            st.code(ui.link_to("w", edit), language=None)
        if st.button("Make a new private link", key="share-new-edit"):
            ui.new_private_link(ws)
            st.rerun()
    st.write(
        "**Advisor link**: opens your plan read-only: the dashboard, timeline, letters and report, with "
        "nothing that can be changed."
    )
    fresh_view = st.session_state.get("lor-fresh-view")
    if fresh_view:
        st.code(ui.link_to("view", fresh_view), language=None)
        st.caption("Copy it now: for your safety it is shown only once. You can always make a new one.")
    elif store.has_view_link(ws):
        st.caption("An advisor link is active. Make a new one to see it again (the old one then stops working).")
    cols = st.columns(2)
    if cols[0].button("Make a new advisor link", key="share-new-view"):
        st.session_state["lor-fresh-view"] = store.regenerate_link(ws, "view")
        st.rerun()
    if store.has_view_link(ws) and cols[1].button("Turn off the advisor link", key="share-revoke-view"):
        store.revoke_view_link(ws)
        st.session_state.pop("lor-fresh-view", None)
        st.rerun()

    st.subheader("Advisor desks")
    st.write(
        "An advisor desk lists the plans of every student who joined it, read-only, so your advisor sees at a "
        "glance who needs help. Join with the code your advisor gives you; you can leave at any time, and the "
        "desk then no longer sees your plan. Your advisor link above is separate: changing it leaves desks alone."
    )
    for joined in ws.desks():
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            st.markdown(f"🧑‍🏫 Shared with **{ui.md(joined.name)}**")
            if st.session_state.get("lor-leave-pending") != joined.id:
                if st.button("Leave", key=f"share-leave-{joined.id}"):
                    st.session_state["lor-leave-pending"] = joined.id
                    st.rerun()
                continue
            st.markdown("Leave this desk? Your advisor will see that you left; you can join again with its code.")
            if st.button("Yes, leave", key=f"share-leave-confirm-{joined.id}", type="primary"):
                st.session_state.pop("lor-leave-pending", None)
                ws.leave_desk(joined.id)
                ui.flash("success", f"You left {joined.name}: it no longer sees your plan.")
                st.rerun()
            if st.button("Cancel", key=f"share-leave-cancel-{joined.id}"):
                st.session_state.pop("lor-leave-pending", None)
                st.rerun()
    pending = st.session_state.get("lor-join-pending")
    if pending is None:
        code = st.text_input("Join code", key="share-join-code", placeholder="ABCD-2345", max_chars=20)
        if st.button("Find the desk", key="share-join-find"):
            try:  # a few tries per session, per network address and per desk
                found = ui.find_desk(code)
            except KeyError as exc:
                st.error(ui.md(exc.args[0]))
            else:
                st.session_state["lor-join-pending"] = (found.name, code)
                st.rerun()
    else:
        name, code = pending
        with st.container(border=True):
            st.markdown(f"Share your plan, read-only, with the desk **{ui.md(name)}**?")
            st.caption("Its advisor will see your applications, letters and timeline, and can never change them.")
            with st.container(horizontal=True):
                join = st.button("Join this desk", key="share-join-confirm", type="primary")
                cancel = st.button("Cancel", key="share-join-cancel")
        if join:
            try:
                ws.join_desk(code)
            except KeyError:  # the desk made a new code meanwhile, or was closed
                ui.flash("error", "That join code was just replaced. Ask your advisor for the new one.")
            except DeskFull as exc:
                ui.flash("error", str(exc))
            else:
                ui.flash("success", f"Your plan is now shared with {name}.")
        if join or cancel:
            st.session_state.pop("lor-join-pending", None)
            st.rerun()
elif not ui.shared_mode() and ui.settings().exposed:
    st.warning(
        "This app serves one plan to everybody who opens its address: whoever runs it set shared = false. "
        "Anything you enter here, others can see and change. To share it with an advisor, send them the report "
        "below.",
        icon="👥",
    )
elif not ui.shared_mode():
    st.info(
        "This app is running on your own computer, so your plan stays in one file on it. To share it, send "
        "your advisor the report below. When a school or instructor runs the app for a class, each student "
        "gets a private link and can make a read-only link for their advisor.",
        icon="💻",
    )

st.subheader("Advisor report" if ws.read_only else "Report for your advisor")
whose = "the student's" if ws.read_only else "your"
st.write(
    f"Printed, page 1 is a summary of {whose} plan for an advisor: each application, what needs attention, the "
    "letters in progress and the next 7 days. An appendix follows from page 2 with every letter-mix check and "
    "program, every letter, each writer's score with its reasons, and every step still to come."
)
ov = ui.overview(ws, today)
# Each file is made once per version of the plan (ui.download_button), not on every run of the page.
files = st.columns(3)
ui.download_button(
    ws,
    "Download report (HTML)",
    lambda: advisor_report_html(ov),
    kind="report",
    args=(today,),
    file_name=report_file_name(ov.student, today),
    mime="text/html",
    key="share-report",
    where=files[0],
)
names = ov.mentor_names | ov.application_names
ui.download_button(
    ws,
    "Letters (CSV)",
    lambda: letters_csv(ov.letters, ov.mentors, ov.applications),
    kind="letters-csv",
    file_name=f"lor-letters-{stamp}.csv",
    mime="text/csv",
    key="share-letters-csv",
    where=files[1],
)
ui.download_button(
    ws,
    "Timeline (CSV)",
    lambda: plan_csv(ov.milestones, names=names),
    kind="plan-csv",
    args=(today,),
    file_name=f"lor-timeline-{stamp}.csv",
    mime="text/csv",
    key="share-plan-csv",
    where=files[2],
)
st.caption("Open the report in your browser and print it to PDF; it is laid out for paper.")

if ws.read_only and not store.read_only:  # an advisor link; a plan read-only only for a disk problem keeps its backup
    st.stop()

st.subheader("Backup")
st.write("A backup is one JSON file holding your whole plan. Keep it somewhere safe and restore it here any time.")
st.caption(ui.md(ui.where_plans_live()))
if ui.shared_mode():  # class mode (an advisor link stopped above): how much the class's plans take
    st.caption(ui.class_database_size())
    st.caption(ui.md(ui.PURGE_NOTICE))
ui.download_button(
    ws,
    "Download backup (JSON)",
    lambda: ui.backup(ws),
    kind="backup",
    file_name=f"lor-plan-{stamp}.json",
    mime="application/json",
    key="share-backup",
)

if ws.read_only:
    st.stop()

st.subheader("Restore from a backup")
upload = st.file_uploader(
    "Backup file (.json)",
    type=["json"],
    key="share-restore-file",
    help=ui.md(ui.BACKUP_LIMIT_HELP),
    max_upload_size=ui.BACKUP_LIMIT_MB,  # the box's own "Limit … per file" then names the app's limit
)
if upload is not None:
    preview = ui.restore_preview(upload)  # parsed once per chosen file; only a summary is kept
    if preview.problem:
        st.error(ui.md(preview.problem), icon="⚠️")
    else:
        who = preview.student or "no student name"
        st.info(
            f"This backup holds the plan of **{ui.md(who)}**: {plural(preview.mentors, 'writer')}, "
            f"{plural(preview.applications, 'application')} and {plural(preview.letters, 'letter')}. "
            "Restoring replaces everything in your current plan."
        )
        if preview.repaired:
            st.warning(" ".join(ui.md(line) for line in preview.repaired), icon="🩹")
        confirmed = st.checkbox("Yes, replace my current plan with this backup", key="share-restore-confirm")
        if st.button("Restore", key="share-restore", type="primary", disabled=not confirmed):
            refusal = ui.restore_refusal(ws)  # class mode: a few restores a minute per session and per plan
            if refusal:
                st.error(refusal, icon="⏳")
            else:
                try:
                    store.import_json(ws, upload.getvalue())
                except ValueError as exc:  # e.g. a date that has since left the planning window
                    st.error(ui.md(str(exc)), icon="⚠️")
                else:  # run the whole app again, so the sidebar names the restored plan's student at once
                    ui.flash("success", "Restored: your plan now holds the backup's contents.")
                    st.rerun()

st.subheader("Start over")
really = st.checkbox("I want to delete everything in this plan", key="share-clear-confirm")
if st.button("Delete everything", key="share-clear", disabled=not really):
    ws.clear()
    st.success("Your plan is empty again.")
