"""The Streamlit layer: the only folder in lor/ that imports streamlit (tests/test_architecture.py says so).

Pages use it as ``from lor import ui`` and call ``ui.<name>``; each name lives in one of these modules:

- ``keys``: the st.session_state keys, in one place.
- ``notices``: escaped text (``md``), messages kept across a rerun (``flash``), stale-tab refusals (``unchanged``).
- ``server``: this server and run: ``settings``, ``store``, ``shared_mode``, ``configuration_problem``, ``today``.
- ``clients``: how many plans and desks one client makes, and the join codes it tries.
- ``problems``: the pages a visitor gets instead of a plan (a broken setting, a database gone, a stale link).
- ``session``: the plan a visit opens (``resolve_workspace``, ``workspace``), the ``page_header``, links between pages.
- ``signin``: sign-in with a school account (``[auth]``): the gate before any plan, refusals, moving a link's plan.
- ``sidebar``: what every page draws around itself, and ``phone_fixes`` for narrow windows.
- ``cache``: one read of a plan per version (``snapshot``, ``per_plan``, ``overview``, ``cards``); the cache itself is
  Streamlit-free, in ``lor.plancache``.
- ``widgets``: downloads made when clicked, lazy panels, scrolling, ``step_done``.
- ``undo``: ``delete_button`` (ask first) and ``undo_notice``.
- ``changes``: a step recorded with Undo where it was clicked (``record_change``, ``change_notice``).
- ``desks``: an advisor desk's session (class mode).
- ``restore``: restoring a backup in class mode.
- ``views``: what each long page draws (Choose recommenders, Letters, Timeline); ``pages/`` lays them out.
"""

from lor.plancache import PlanCache, PlanSnapshot, approx_bytes
from lor.ui.cache import PLAN_CACHE, backup, cards, overview, per_plan, plan_version, snapshot
from lor.ui.changes import change_notice, record_change
from lor.ui.clients import LOOKUPS, NEW_DESKS, NEW_PLANS, WRONG_CODES, client_key
from lor.ui.desks import (
    DESK_ROWS,
    back_to_desk,
    create_desk,
    desk_management,
    desk_note,
    desk_opening,
    desk_plan,
    desk_requested,
    desk_rows,
    desk_sidebar,
    find_desk,
    join_attempts,
    open_desk_here,
    open_from_desk,
    remember_order,
    resolve_desk,
    session_desk,
)
from lor.ui.keys import PREVIEW_KEY
from lor.ui.notices import (
    CHANGED_ELSEWHERE,
    MISSING,
    FlashKind,
    drawn_last_run,
    flash,
    md,
    plan_full,
    show_flash,
    show_validation_error,
    text_key,
    unchanged,
    unique_labels,
)
from lor.ui.problems import (
    configuration_problem_page,
    database_problem,
    details_not_saved,
    stale_desk_page,
    stale_link_page,
)
from lor.ui.restore import BACKUP_LIMIT_HELP, BACKUP_LIMIT_MB, RestorePreview, restore_preview, restore_refusal
from lor.ui.server import (
    DatabaseUnavailable,
    configuration_problem,
    lost_database,
    mode_notice,
    settings,
    shared_mode,
    store,
    today,
)
from lor.ui.session import (
    app_root,
    link_to,
    new_private_link,
    page_header,
    page_link,
    plan_params,
    private_link_notice,
    resolve_workspace,
    workspace,
)
from lor.ui.sidebar import PURGE_NOTICE, class_database_size, phone_fixes, plans_can_vanish, sidebar, where_plans_live
from lor.ui.signin import account_sidebar, sign_in_gate, signed_in_account
from lor.ui.undo import delete_asked, delete_button, undo_notice
from lor.ui.widgets import (
    DATE_FORMAT,
    LAZY_AFTER,
    download_button,
    lazy_for,
    panel,
    scroll_to,
    scroll_to_top,
    step_done,
    step_row,
)

__all__ = [  # noqa: RUF022
    "BACKUP_LIMIT_HELP",
    "BACKUP_LIMIT_MB",
    "CHANGED_ELSEWHERE",
    "DATE_FORMAT",
    "DESK_ROWS",
    "DatabaseUnavailable",
    "FlashKind",
    "LAZY_AFTER",
    "LOOKUPS",
    "MISSING",
    "NEW_DESKS",
    "NEW_PLANS",
    "PLAN_CACHE",
    "PREVIEW_KEY",
    "PURGE_NOTICE",
    "PlanCache",
    "PlanSnapshot",
    "RestorePreview",
    "WRONG_CODES",
    "account_sidebar",
    "app_root",
    "approx_bytes",
    "back_to_desk",
    "backup",
    "cards",
    "change_notice",
    "class_database_size",
    "client_key",
    "configuration_problem",
    "configuration_problem_page",
    "create_desk",
    "database_problem",
    "delete_asked",
    "delete_button",
    "desk_management",
    "desk_note",
    "desk_opening",
    "desk_plan",
    "desk_requested",
    "desk_rows",
    "desk_sidebar",
    "details_not_saved",
    "download_button",
    "drawn_last_run",
    "find_desk",
    "flash",
    "join_attempts",
    "lazy_for",
    "link_to",
    "lost_database",
    "md",
    "mode_notice",
    "new_private_link",
    "open_desk_here",
    "open_from_desk",
    "overview",
    "page_header",
    "page_link",
    "panel",
    "per_plan",
    "phone_fixes",
    "plan_full",
    "plan_params",
    "plan_version",
    "plans_can_vanish",
    "private_link_notice",
    "record_change",
    "remember_order",
    "resolve_desk",
    "resolve_workspace",
    "restore_preview",
    "restore_refusal",
    "scroll_to",
    "scroll_to_top",
    "session_desk",
    "settings",
    "shared_mode",
    "show_flash",
    "show_validation_error",
    "sidebar",
    "sign_in_gate",
    "signed_in_account",
    "snapshot",
    "stale_desk_page",
    "stale_link_page",
    "step_done",
    "step_row",
    "store",
    "text_key",
    "today",
    "unchanged",
    "undo_notice",
    "unique_labels",
    "where_plans_live",
    "workspace",
]  # fmt: skip
