"""Where plans live. ``from lor.store import Store`` is the contract of DESIGN.md; the package reads as:

- ``store``: ``Store(location)`` hands out Workspaces, links and desks; backup and restore; a class server's
  housekeeping (purging what nobody uses, limits on how fast plans and desks are made).
- ``workspace``: one student's plan (``Workspace``), and one opened from an advisor desk (``DeskView``).
- ``desks``: an advisor desk (``Desk``) and its members.
- ``schema``: the one schema both databases read (its migrations) and the short list of what they spell differently.
- ``sqlite``, ``postgres``: the two backends (``postgres`` loads psycopg only when PostgreSQL is used).
- ``links``, ``errors``: link tokens and their hashes; what the store raises for a page to explain.
- ``__main__``: ``python -m lor.store copy`` and ``purge``.

The backup format and its checks are ``lor.backup`` (pure, no database); it is re-exported here for callers that
read a backup through the store.
"""

from lor.backup import MAX_BACKUP_BYTES, MAX_PLAN_CHARS, SCHEMA, backup_text, confusable_ids, parse_backup
from lor.store.desks import DESK_NOTE_MAX, Desk, DeskEvent, DeskMember
from lor.store.errors import LINK_GONE, CreationRefused, DatabaseUnavailable, DeskFull, LinkGone
from lor.store.links import hash_token, new_token
from lor.store.store import (
    ABANDONED_AFTER,
    EMPTY_DESK_AFTER,
    NEVER_WRITTEN_GRACE,
    PURGE_EVERY,
    UNUSED_AFTER,
    FeedPlan,
    Purged,
    Store,
    class_database_line,
    copy_plans,
    open_store,
    size_text,
    store_at,
)
from lor.store.workspace import LOCAL_WORKSPACE, DeskInfo, DeskView, Workspace, narrowed

__all__ = [
    "ABANDONED_AFTER",
    "DESK_NOTE_MAX",
    "EMPTY_DESK_AFTER",
    "LINK_GONE",
    "LOCAL_WORKSPACE",
    "MAX_BACKUP_BYTES",
    "MAX_PLAN_CHARS",
    "NEVER_WRITTEN_GRACE",
    "PURGE_EVERY",
    "SCHEMA",
    "UNUSED_AFTER",
    "CreationRefused",
    "DatabaseUnavailable",
    "Desk",
    "DeskEvent",
    "DeskFull",
    "DeskInfo",
    "DeskMember",
    "DeskView",
    "FeedPlan",
    "LinkGone",
    "Purged",
    "Store",
    "Workspace",
    "backup_text",
    "class_database_line",
    "confusable_ids",
    "copy_plans",
    "hash_token",
    "narrowed",
    "new_token",
    "open_store",
    "parse_backup",
    "size_text",
    "store_at",
]  # fmt: skip
