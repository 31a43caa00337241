"""The store's command line: ``python -m lor.store copy --from data/lor.db --to postgresql://…`` moves a class's
plans (with their links and desks) to another database; ``python -m lor.store purge [--db …]`` does now what a class
server does hourly."""

from __future__ import annotations

import sys
from pathlib import Path

from lor.config import is_database_url
from lor.store.store import (
    ABANDONED_AFTER,
    EMPTY_DESK_AFTER,
    NEVER_WRITTEN_GRACE,
    UNUSED_AFTER,
    class_database_line,
    copy_plans,
    open_store,
    store_at,
)
from lor.text import plural


def main(argv: list[str] | None = None) -> int:
    """``python -m lor.store copy --from data/lor.db --to postgresql://…``: move a class to another database."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lor.store", description="Move plans, or purge empty ones.")
    commands = parser.add_subparsers(dest="command", required=True)
    copy = commands.add_parser("copy", help="copy every plan, with its links, to another database")
    copy.add_argument("--from", dest="source", required=True, help="a SQLite file or a postgresql:// address")
    copy.add_argument("--to", dest="target", required=True, help="a SQLite file or a postgresql:// address")
    copy.add_argument("--replace", action="store_true", help="delete the plans the target already holds first")
    purge = commands.add_parser("purge", help="delete empty plans, and plans and desks nobody used for 540 days")
    purge.add_argument("--db", help="a SQLite file or a postgresql:// address (default: the app's own settings)")
    args = parser.parse_args(argv)
    if args.command == "purge":
        return _purge_command(args.db)

    if not is_database_url(args.source) and not Path(args.source).is_file():
        print(f"There is no database file at {args.source}. Nothing was copied.")
        return 2
    source, target = store_at(args.source), store_at(args.target)
    try:
        counts = copy_plans(source, target, replace=args.replace)
    except ValueError as exc:
        print(exc)
        return 1
    finally:
        source.close()
        target.close()
    print(
        f"Copied {counts['workspaces']} plan(s) ({counts['mentors']} writers, {counts['applications']} applications, "
        f"{counts['letters']} letters, {counts['desks']} advisor desk(s)) from {source.location} to {target.location}. "
        "Every private, advisor and desk link now opens there too."
    )
    return 0


def _purge_command(location: str | None) -> int:
    """``python -m lor.store purge [--db …]``: what the class server does hourly, now, with a line saying what."""
    if location and not is_database_url(location) and not Path(location).is_file():
        print(f"There is no database file at {location}. Nothing was purged.")
        return 2
    store = store_at(location) if location else open_store()
    try:
        if store.read_only:
            print(f"{store.location} can't be changed right now. Nothing was purged.")
            return 1
        done = store.purge()
        print(
            f"Purged {plural(done.total, 'plan')} from {store.location}: {done.never_written:,} never written "
            f"(made over {NEVER_WRITTEN_GRACE.days} day ago), {done.abandoned:,} emptied and not opened for "
            f"{ABANDONED_AFTER.days} days, {done.unused:,} not opened or changed for {UNUSED_AFTER.days} days; and "
            f"{plural(done.desks, 'advisor desk')} not opened for {UNUSED_AFTER.days} days (or with no student "
            f"for {EMPTY_DESK_AFTER.days}). {class_database_line(store.workspace_count(), store.size_bytes())}"
        )
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
