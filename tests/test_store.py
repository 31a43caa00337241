"""The store contract, on SQLite and on PostgreSQL (conftest's ``store`` runs each test on both): round trips,
isolation between workspaces, links, read-only, restore, migrations."""

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from plan_dates import TODAY

from lor.example import example_document, load_example
from lor.models import BACKUPS_SETTING, Application, LetterRequest, Mentor, Student
from lor.store import (
    ABANDONED_AFTER,
    NEVER_WRITTEN_GRACE,
    PURGE_EVERY,
    SCHEMA,
    LinkGone,
    hash_token,
    store_at,
)


def test_export_import_export_is_identical(store, example_ws):
    first = store.export_json(example_ws)
    edit, _ = store.create_workspace()
    other = store.open(edit)
    store.import_json(other, first)
    assert store.export_json(other) == first


def test_export_is_deterministic_and_has_the_documented_shape(store, example_ws):
    text = store.export_json(example_ws)
    assert text == store.export_json(example_ws)
    doc = json.loads(text)
    assert doc["schema"] == SCHEMA
    assert {"student", "mentors", "applications", "letters"} <= doc.keys()
    assert len(doc["mentors"]) == 7


def test_migrations_run_twice_are_harmless(store, store_location):
    ws = store.default_workspace()
    ws.save_mentor(Mentor(id="m1", name="Dr. Lee"))
    store.close()  # as a new server process would: a fresh connection, migrations checked again
    again = store_at(store_location)
    assert again.applied_migrations() == [
        "m001_initial",
        "m002_desks",
        "m003_opened",
        "m004_desk_opened",
        "m005_feed",
        "m006_accounts",
        "m007_desk_notes_and_log",
    ]
    assert [m.name for m in again.default_workspace().mentors()] == ["Dr. Lee"]


def test_data_survives_a_new_store_on_the_same_database(store, store_location):
    store.default_workspace().save_mentor(Mentor(id="m1", name="Dr. Lee"))
    edit, view = store.create_workspace()
    store.open(edit).save_student(Student(name="Student A"))
    store.close()
    fresh = store_at(store_location)
    assert fresh.default_workspace().mentors()[0].name == "Dr. Lee"
    assert fresh.open(edit).student().name == "Student A" and fresh.open(view).read_only


def test_two_workspaces_never_see_each_others_rows(store):
    a = store.open(store.create_workspace()[0])
    b = store.open(store.create_workspace()[0])
    a.save_mentor(Mentor(id="same-id", name="Only in A"))
    a.save_student(Student(name="Student A"))
    a.set_setting("buffer_days", 7)
    assert b.mentors() == [] and b.student() is None and b.get_setting("buffer_days") is None
    b.save_mentor(Mentor(id="same-id", name="Only in B"))
    assert [m.name for m in a.mentors()] == ["Only in A"]
    b.delete_mentor("same-id")
    assert [m.name for m in a.mentors()] == ["Only in A"]


def test_a_view_token_opens_read_only_and_cannot_write(store):
    edit, view = store.create_workspace()
    store.open(edit).save_mentor(Mentor(id="m1", name="Dr. Lee"))
    viewer = store.open(view)
    assert viewer.read_only and [m.name for m in viewer.mentors()] == ["Dr. Lee"]
    for write in (
        lambda: viewer.save_mentor(Mentor(name="X")),
        lambda: viewer.delete_mentor("m1"),
        lambda: viewer.set_setting("k", 1),
        lambda: viewer.clear(),
        lambda: store.import_json(viewer, store.export_json(viewer)),
    ):
        with pytest.raises(PermissionError):
            write()
    assert [m.name for m in store.open(edit).mentors()] == ["Dr. Lee"]


def test_unknown_tampered_or_revoked_tokens_open_nothing(store):
    edit, view = store.create_workspace()
    for bad in ("", "x", edit[:-1] + ("A" if edit[-1] != "A" else "B"), "A" * 32, hash_token(edit)):
        with pytest.raises(KeyError):
            store.open(bad)
    new_view = store.regenerate_link(store.open(edit), "view")
    with pytest.raises(KeyError):
        store.open(view)
    assert store.open(new_view).read_only


def test_tokens_are_long_random_and_stored_only_as_hashes(store):
    edit, view = store.create_workspace()
    assert len(edit) >= 22 and edit != view  # 22 url-safe chars = 132 bits; ours are 32 (192 bits)
    everything = json.dumps(store.dump_rows())
    assert edit not in everything and view not in everything
    assert hash_token(edit) in everything and hash_token(view) in everything
    if store.backend == "sqlite":  # the file itself, write-ahead log included
        files = [store.path, store.path.with_name(store.path.name + "-wal")]
        raw = b"".join(f.read_bytes() for f in files if f.exists())
        assert edit.encode() not in raw and view.encode() not in raw
        conn = sqlite3.connect(store.path)
        hashes = {r[0] for r in conn.execute("SELECT edit_hash FROM workspaces")}
        assert hash_token(edit) in hashes and edit not in hashes


@pytest.mark.parametrize(
    "text,reason",
    [
        ("{not json", "not valid JSON"),
        ('{"schema": 1, "mentors": [', "not valid JSON"),
        ("[]", "no 'schema'"),
        ('{"mentors": []}', "no 'schema'"),
        ('{"schema": 99}', "newer version"),
        ('{"schema": "one"}', "unknown 'schema'"),
        ('{"schema": 1, "app": "other-app"}', "another app"),
        ('{"schema": 1, "mentors": [{"name": ""}]}', "Name can't be empty"),
        ('{"schema": 1, "mentors": "many"}', "must be a list"),
        (
            '{"schema": 1, "letters": [{"mentor_id": "x", "application_id": "y"}]}',
            "writer or application is missing",
        ),
        ("[" * 5000 + "]" * 5000, "nested far too deeply"),
    ],
)
def test_a_broken_import_raises_a_reason_and_leaves_data_unchanged(store, example_ws, text, reason):
    before = store.export_json(example_ws)
    with pytest.raises(ValueError, match=reason):
        store.import_json(example_ws, text)
    assert store.export_json(example_ws) == before


def test_a_huge_backup_is_refused_before_parsing(store, example_ws):
    before = store.export_json(example_ws)
    with pytest.raises(ValueError, match="too large"):
        store.import_json(example_ws, b" " * 50_000_000)
    assert store.export_json(example_ws) == before


def test_save_updates_by_id_and_delete_cascades_to_letters(ws):
    ws.save_application(Application(id="a", name="IM", deadline=date(2027, 9, 1)))
    ws.save_mentor(Mentor(id="m", name="Dr. Lee"))
    ws.save_letter(LetterRequest(id="l", mentor_id="m", application_id="a"))
    ws.save_mentor(Mentor(id="m", name="Dr. Lee-Park"))
    assert [m.name for m in ws.mentors()] == ["Dr. Lee-Park"]
    ws.delete_mentor("m")
    assert ws.letters() == []


def test_every_write_bumps_the_version(ws):
    v0 = ws.version()
    ws.save_mentor(Mentor(id="m", name="A"))
    ws.set_setting("buffer_days", 1)
    assert ws.version() == v0 + 2


def test_example_plan_loads_with_dates_around_today(ws):
    # Loaded in late November, the example plans next season's ERAS letters (ERAS 2028, due September 2027).
    ws.store.import_json(ws, example_document(TODAY))
    assert len(ws.mentors()) == 7 and {r.status for r in ws.letters()} >= {"planned", "asked", "declined"}
    first = ws.applications()[0]
    assert (first.season, first.deadline) == (2028, date(2027, 9, 1))
    assert max(r.asked_on for r in ws.letters() if r.asked_on) < TODAY  # its past steps are in the past
    # Loaded in June, the season is still ERAS 2028 (due in 13 weeks); in July it is the next one.
    ws.store.import_json(ws, example_document(date(2027, 6, 2)))
    assert ws.applications()[0].deadline == date(2027, 9, 1)
    ws.store.import_json(ws, example_document(date(2027, 7, 20)))
    assert ws.applications()[0].season == 2029 and ws.applications()[0].deadline > date(2028, 8, 1)


def test_clear_empties_the_workspace(example_ws):
    example_ws.clear()
    assert example_ws.is_empty() and example_ws.student() is None


def test_two_tabs_on_one_plan_lose_no_saved_change(store):
    edit, _ = store.create_workspace()
    tab_a, tab_b = store.open(edit), store.open(edit)
    tab_a.save_mentor(Mentor(id="a", name="Added in tab A"))
    tab_b.save_mentor(Mentor(id="b", name="Added in tab B"))
    # Both tabs edit the same record: the last write wins, and each tab sees it on its next read.
    tab_a.save_mentor(Mentor(id="a", name="Renamed in tab A"))
    tab_b.save_mentor(Mentor(id="a", name="Renamed in tab B"))
    assert {m.id: m.name for m in tab_a.mentors()} == {"a": "Renamed in tab B", "b": "Added in tab B"}


def test_concurrent_writers_on_threads_lose_nothing(store):
    import threading

    edit, _ = store.create_workspace()

    def write(n: int) -> None:
        ws = store.open(edit)
        for i in range(25):
            ws.save_mentor(Mentor(id=f"t{n}-{i}", name=f"Writer {n}-{i}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.open(edit).mentors()) == 100


RESTORE_THEN_HANG = """
import sys, time
import lor.store
from lor.store import store_at

def announce_and_hang(executemany):
    def inner(self, sql, rows):
        executemany(self, sql, rows)
        print("mid-restore", flush=True)  # the old plan is deleted and new rows are in, not yet committed
        time.sleep(120)
    return inner

import lor.store.sqlite
lor.store.sqlite.SqliteSession.executemany = announce_and_hang(lor.store.sqlite.SqliteSession.executemany)
if sys.argv[1].startswith("postgresql"):
    import lor.store.postgres
    lor.store.postgres.PgSession.executemany = announce_and_hang(lor.store.postgres.PgSession.executemany)
store = store_at(sys.argv[1])
store.import_json(store.open(sys.argv[2]), open(sys.argv[3], encoding="utf-8").read())
"""


def test_kill_9_during_a_restore_leaves_the_previous_plan_intact(store, store_location, tmp_path):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    edit, view = store.create_workspace()
    plan = store.open(edit)
    load_example(plan, TODAY)
    before, version = store.export_json(plan), plan.version()
    other = json.loads(before)
    other["mentors"] = [{"id": f"n{i}", "name": f"Dr. Replacement {i}"} for i in range(30)]  # the most a plan holds
    other["letters"], other["student"] = [], {"name": "Someone Else"}
    backup = tmp_path / "other.json"
    backup.write_text(json.dumps(other), encoding="utf-8")

    child = subprocess.Popen(
        [sys.executable, "-c", RESTORE_THEN_HANG, store_location, edit, str(backup)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "mid-restore"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(30)

    store.close()
    fresh = store_at(store_location)
    after = fresh.open(edit)
    assert fresh.export_json(after) == before and after.version() == version
    assert fresh.open(view).read_only
    after.save_mentor(Mentor(id="m-after", name="Dr. Written After The Crash"))  # no lock was left behind
    assert after.version() == version + 1
    if fresh.backend == "sqlite":
        import sqlite3 as sqlite

        assert sqlite.connect(fresh.path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


# -- purging empty plans, the database's size (issue #14.8) ---------------------------------------------------


def _opens(store, token: str) -> bool:
    try:
        store.open(token)
    except KeyError:
        return False
    return True


def test_a_never_written_plan_is_purged_after_a_day_and_a_plan_with_content_never(store):
    now = datetime.now(UTC)
    blank, _ = store.create_workspace()  # a link handed out whose first write never came
    kept, _ = store.create_workspace()
    store.open(kept).save_mentor(Mentor(id="m1", name="Dr. Lee"))
    local = store.default_workspace()  # local mode's plan: never purged, empty or not
    assert store.purge_empty_plans(now).total == 0  # its first write may still come
    assert _opens(store, blank)
    purged = store.purge_empty_plans(now + NEVER_WRITTEN_GRACE + timedelta(minutes=1))
    assert (purged.never_written, purged.abandoned) == (1, 0)
    assert not _opens(store, blank)
    years_later = store.purge_empty_plans(now + timedelta(days=3650))
    assert years_later.total == 0
    assert [m.name for m in store.open(kept).mentors()] == ["Dr. Lee"]
    assert local.mentors() == [] and store.workspace_count() == 2


def test_an_emptied_plan_is_purged_only_after_30_days_without_a_visit(store):
    now = datetime.now(UTC)
    edit, view = store.create_workspace()
    plan = store.open(edit)
    plan.save_mentor(Mentor(id="m1", name="Dr. Lee"))
    plan.delete_mentor("m1")  # everything deleted: written once, empty now
    assert plan.is_empty()
    assert store.purge_empty_plans(now + ABANDONED_AFTER - timedelta(days=1)).total == 0
    store._note_opened(plan.id, now + timedelta(days=20))  # the student (or the advisor) came back on day 20
    assert store.purge_empty_plans(now + ABANDONED_AFTER + timedelta(days=1)).total == 0
    purged = store.purge_empty_plans(now + timedelta(days=20) + ABANDONED_AFTER + timedelta(days=1))
    assert (purged.never_written, purged.abandoned) == (0, 1)
    assert not _opens(store, edit) and not _opens(store, view)


def test_opening_a_plan_by_its_link_counts_as_a_visit(store):
    edit, view = store.create_workspace()
    store.open(edit).save_mentor(Mentor(id="m1", name="Dr. Lee"))
    store.open(edit).delete_mentor("m1")
    today = datetime.now(UTC).date().isoformat()

    def opened() -> str | None:
        return next(r for r in store.dump_rows()["workspaces"] if r["id"] == store.open(view).id)["opened"]

    assert opened() is not None and opened().startswith(today)  # store.open above noted it


@pytest.mark.parametrize("content", ["setting", "student", "application", "desk"])
def test_a_plan_with_any_row_or_on_a_desk_is_never_purged(store, content):
    edit, _ = store.create_workspace()
    plan = store.open(edit)
    if content == "setting":
        plan.set_setting("buffer_days", 7)
    elif content == "student":
        plan.save_student(Student(name="Student A"))
    elif content == "application":
        plan.save_application(Application(id="a1", name="IM residency", deadline=date(TODAY.year + 1, 9, 1)))
    else:
        _, code = store.create_desk("Dr. Lee's advisees")
        plan.join_desk(code)
    assert store.purge_empty_plans(datetime.now(UTC) + timedelta(days=3650)).total == 0
    assert _opens(store, edit)


def test_purge_if_due_runs_at_most_once_an_hour_per_database(store):
    now = datetime.now(UTC) + timedelta(days=400)  # far enough for any plan to be purgeable
    store.create_workspace()
    first = store.purge_if_due(now)
    assert first is not None and first.never_written == 1
    store.create_workspace()
    assert store.purge_if_due(now + PURGE_EVERY - timedelta(seconds=1)) is None  # not due: nothing done
    assert store.workspace_count() == 1
    again = store.purge_if_due(now + PURGE_EVERY)
    assert again is not None and again.never_written == 1 and store.workspace_count() == 0


def test_size_bytes_reports_the_database_and_grows_with_a_big_restore(store):
    from lor.models import current_day
    from tools.heavy_plan import heavy_document

    before = store.size_bytes()
    assert before > 0
    plan = store.open(store.create_workspace()[0])
    store.import_json(plan, heavy_document(current_day()))
    assert store.size_bytes() > before


def test_a_plan_opened_by_a_link_loses_it_the_moment_the_link_is_replaced_or_turned_off(store):
    """A tab, callback or fragment holding the plan from before the link changed reads and writes nothing more."""
    edit, view = store.create_workspace()
    stale, viewer, own = store.open(edit), store.open(view), store.open(edit)
    stale.save_mentor(Mentor(id="m1", name="Dr. Lee"))
    new_edit = store.regenerate_link(own, "edit")
    for use in (
        lambda: stale.save_mentor(Mentor(name="Written after the link was replaced")),
        lambda: stale.set_setting("buffer_days", 9),
        lambda: stale.delete_mentor("m1"),
        lambda: stale.leave_desk("any"),
        stale.version,
    ):
        with pytest.raises(LinkGone):
            use()
    # The session that made the new link goes on with it, and so does anyone opening the new link.
    own.save_mentor(Mentor(id="m2", name="Dr. Kim"))
    assert [m.name for m in store.open(new_edit).mentors()] == ["Dr. Lee", "Dr. Kim"]
    assert store.open(new_edit).get_setting("buffer_days") is None
    viewer.version()  # the advisor link still works
    store.revoke_view_link(own)
    with pytest.raises(LinkGone):
        viewer.version()


def test_a_plan_opened_from_a_desk_is_gone_once_its_student_leaves(store):
    token, code = store.create_desk("Dr. Advisor's desk")
    edit, _ = store.create_workspace()
    student = store.open(edit)
    desk_id = student.join_desk(code).id
    opened = store.open_desk(token).open_plan(student.id)
    assert opened.version() >= 0
    student.leave_desk(desk_id)
    with pytest.raises(LinkGone):
        opened.version()


def test_a_lost_link_calls_the_workspaces_handler_and_changes_nothing(store):
    edit, _ = store.create_workspace()
    stale = store.open(edit)
    seen: list[str] = []
    stale.on_revoked = lambda ws: seen.append(ws.id)
    current = store.regenerate_link(store.open(edit), "edit")
    before = store.export_json(store.open(current))
    with pytest.raises(LinkGone):
        stale.save_mentor(Mentor(name="Never stored"))
    assert seen == [stale.id]
    assert store.export_json(store.open(current)) == before


def test_a_new_plan_keeps_working_after_its_first_write_gives_it_links(store):
    ws = store.new_workspace()
    ws.save_mentor(Mentor(name="Dr. First"))
    assert ws.access is not None and ws.new_links is not None
    ws.save_mentor(Mentor(name="Dr. Second"))
    assert [m.name for m in store.open(ws.new_links[0]).mentors()] == ["Dr. First", "Dr. Second"]
    store.regenerate_link(store.open(ws.new_links[0]), "edit")
    with pytest.raises(LinkGone):
        ws.save_mentor(Mentor(name="Dr. Third"))


def test_both_backends_have_the_schema_s_tables_columns_and_migrations(store):
    # One schema (lor.store.schema) read by both databases: what each really holds is what it says, column for column.
    from lor.store.schema import COLUMNS, MIGRATION_NAMES

    with store._db() as db:
        if store.backend == "sqlite":
            tables = {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
            found = {
                t: tuple(r["name"] for r in db.query(f"SELECT name FROM pragma_table_info('{t}')")) for t in tables
            }
        else:
            rows = list(
                db.query(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
                )
            )
            found = {}
            for row in rows:
                found.setdefault(row["table_name"], ())
                found[row["table_name"]] += (row["column_name"],)
    order = store.dialect.order_column
    ours = {t: tuple(c for c in cols if c != order) for t, cols in found.items() if t in COLUMNS}
    assert ours == COLUMNS
    assert set(found) - set(COLUMNS) <= {"_sqlite_migrations", "lor_migrations"}  # each keeps its own record
    assert tuple(store.applied_migrations()) == MIGRATION_NAMES


def test_records_and_settings_saved_together_are_saved_whole_or_not_at_all(ws):
    """Planning a backup writer is one user action: the new letter and the setting that remembers it as the declined
    letter's backup are one write, so a refused setting leaves no half-planned letter behind (both backends)."""
    writer = Mentor(name="Dr. Omar Haddad")
    app = Application(name="Internal medicine", pathway="residency", deadline=TODAY + timedelta(days=200))
    ws.save_changes(mentors=[writer], applications=[app])
    backup = LetterRequest(mentor_id=writer.id, application_id=app.id)
    with pytest.raises(ValueError):
        ws.save_changes(letters=[backup], settings={BACKUPS_SETTING: "not a mapping"})
    assert ws.letters() == []
    assert BACKUPS_SETTING not in ws.settings()

    ws.save_changes(letters=[backup], settings={BACKUPS_SETTING: {"l-declined": backup.id}})
    assert [x.id for x in ws.letters()] == [backup.id]
    assert ws.settings()[BACKUPS_SETTING] == {"l-declined": backup.id}
