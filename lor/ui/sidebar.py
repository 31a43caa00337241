"""What every page draws around itself: the sidebar, where plans live, fixes for narrow windows."""

from __future__ import annotations

import streamlit as st

from lor.store import (
    ABANDONED_AFTER,
    EMPTY_DESK_AFTER,
    UNUSED_AFTER,
    Workspace,
    class_database_line,
)
from lor.ui.cache import backup, snapshot
from lor.ui.notices import md
from lor.ui.server import mode_notice, shared_mode, store, today
from lor.ui.signin import account_sidebar
from lor.ui.widgets import download_button


def sidebar(ws: Workspace) -> None:
    """The sidebar shown on every page: whose plan, the mode, and (shared mode) the backup reminder."""
    with st.sidebar:
        student = snapshot(ws).student()
        if student:
            st.caption(f"Plan of {md(student.name)}")
        mode_notice(read_only=ws.read_only)
        account_sidebar()
        if shared_mode() and not ws.read_only:
            if plans_can_vanish():
                st.warning(
                    "This shared server keeps plans in a file on its own disk, which can be wiped when it "
                    "restarts. Download a backup now and then.",
                    icon="💾",
                )
            download_button(
                ws,
                "Download backup (JSON)",
                lambda: backup(ws),
                kind="backup",
                file_name=f"lor-plan-{today().isoformat()}.json",
                mime="application/json",
                key="sidebar-backup",
            )


def where_plans_live() -> str:
    """One sentence for Share & backup: which database holds the plans, and whether they outlive a restart."""
    db = store()
    if db.backend == "postgres":
        return (
            f"Plans are kept in {db.describe()}, outside this app: they survive the app restarting, sleeping or "
            "being redeployed."
        )
    if shared_mode():
        return (
            f"Plans are kept in {db.describe()} on this app's own disk. On Streamlit Community Cloud that disk is "
            "wiped when the app restarts, sleeps or is redeployed, so download a backup now and then (or give the "
            "app a PostgreSQL database: see the README)."
        )
    return f"Your plan is kept in {db.describe()} on this computer ({db.location}); it stays until you delete it."


def plans_can_vanish() -> bool:
    """True on a class server that keeps plans in a SQLite file: Community Cloud wipes that disk on a reboot.

    With a PostgreSQL database the plans live on the database server and outlive the app.
    """
    return shared_mode() and store().backend == "sqlite"


# Phones (issue #22.9). Streamlit folds the sidebar after a page is picked only when the browser says it is a
# phone; a narrow window that doesn't say so kept the menu open over the page after every tap. And a link's label
# must wrap instead of being cut at the window's edge (the Dashboard's first steps were).
NARROW = 640  # px: Streamlit's own breakpoint for stacking columns


PHONE_CSS = f"""<style>
/* A wide table (the FAQ's portal table) scrolls inside its own box instead of pushing the page sideways. */
[data-testid="stMarkdownContainer"] table {{ display: block; max-width: 100%; overflow-x: auto; }}
/* Links in a container keyed "links-…" (the Dashboard's first steps) look like links, not like plain text. */
[class*="st-key-links-"] [data-testid="stPageLink"] p {{
  color: var(--primary-color, #0F6E73); text-decoration: underline; text-underline-offset: 0.2em;
}}
@media (max-width: {NARROW}px) {{
  [data-testid="stPageLink"] p {{ white-space: normal; overflow: visible; text-overflow: clip; }}
  [data-testid="stPageLink"] a {{ height: auto; align-items: flex-start; }}
}}
</style>"""


PHONE_JS = f"""<script>(() => {{
  const doc = window.parent ? window.parent.document : document;
  const win = doc.defaultView || window;
  if (win.__lorFoldMenu) return;
  win.__lorFoldMenu = true;
  doc.addEventListener("click", (event) => {{
    const link = event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a');
    if (!link || win.innerWidth > {NARROW}) return;
    setTimeout(() => {{
      const fold = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (fold) fold.click();
    }}, 50);
  }}, true);
}})();</script>"""


def phone_fixes() -> None:
    """On a narrow window: fold the menu once a page is picked, and let link labels wrap; on every window, wide
    tables scroll in their own box and links inside a ``links-…`` container are underlined (every page calls it)."""
    st.html(PHONE_CSS)
    st.html(PHONE_JS, unsafe_allow_javascript=True)


PURGE_NOTICE = (
    f"A class server deletes what nobody uses: a plan that nobody opens (by its private or advisor link, or from a "
    f"desk) or changes for {UNUSED_AFTER.days} days (about 18 months), an empty plan after {ABANDONED_AFTER.days} "
    f"days without a visit, and an advisor desk its link does not open for {UNUSED_AFTER.days} days (or "
    f"{EMPTY_DESK_AFTER.days}, while no student is on it). Download a backup to keep a plan longer."
)


def class_database_size() -> str:
    """ "The class database holds 152 plans in 3.4 MB." for Share & backup in class mode."""
    db = store()
    return class_database_line(db.workspace_count(), db.size_bytes())
