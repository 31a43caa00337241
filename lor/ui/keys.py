"""The keys this app keeps in st.session_state, in one place."""

from __future__ import annotations

WS_KEY = "lor-workspace"


NEW_LINKS_KEY = "lor-new-links"


LINK_KEY = "lor-link"  # (param, token) this session's plan was opened with, shared mode


FLASH_KEY = "lor-flash"  # messages kept for the next run: [(kind, text), ...]


FRESH_LINK_KEY = "lor-link-fresh"  # set when the private link was just issued: the next page header shows it


NOTICE_SHOWN_KEY = "lor-link-notice-shown"  # this run's page header showed the link notice already


SIGNED_IN_KEY = "lor-signed-in"  # ((issuer, subject, iat), when checked): this sign-in predates no sign-out


DESK_KEY = "lor-desk"  # (desk token, id of the plan opened from it or None): this session is an advisor desk


JOIN_ATTEMPTS_KEY = "lor-join-attempts"  # this session's lor.desk.JoinAttempts


DATABASE_GONE_KEY = "lor-database-gone"  # the DatabaseUnavailable a widget callback or a fragment run met
LINK_CHANGE_LOST_KEY = "lor-link-change-lost"  # a click met a replaced link: the stale-link page says it wasn't saved


# -- deleting with a second chance: ask first, naming what goes, then offer Undo where the student is ------

CONFIRM_DELETE_KEY = "lor-delete-confirm"  # the delete button whose confirmation is showing


UNDO_KEY = "lor-undo"  # (place on the page, Removal): the last delete, kept for the session until undone


CHANGE_KEY = "lor-change"  # (place on the page, Change): the last step recorded (a Done, an answer, a reminder)


RESTORES_KEY = "lor-restores"  # this session's lor.limits.RecentEvents of restores


# -- the restore box: the chosen file read once, only its summary kept (issue #23.3) ----------------------------

PREVIEW_KEY = "lor-restore-preview"  # (the chosen file's id, its RestorePreview)
