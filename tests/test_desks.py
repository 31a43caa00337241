"""Advisor desks in the store contract, on SQLite and on PostgreSQL: create and open a desk, join with a code, leave,
rotate the code, and a desk that can never change a plan."""

import sqlite3

import pytest

from lor.joincodes import JOIN_ALPHABET, hash_join_code, normalize_join_code
from lor.models import Mentor, Student
from lor.store import DeskView, copy_plans, hash_token, store_at


def _student(store, name):
    edit, view = store.create_workspace()
    ws = store.open(edit)
    ws.save_student(Student(name=name))
    return ws, edit, view


def _member_names(desk):
    return sorted(m.plan.student().name for m in desk.members())


def test_a_new_desk_has_a_secret_link_and_a_readable_join_code(store):
    token, code = store.create_desk("  Dr. Lee's advisees,   Class of 2027 ")
    assert len(token) >= 32  # 192 bits, URL-safe
    plain = code.replace("-", "")
    assert len(plain) == 8 and set(plain) <= set(JOIN_ALPHABET)
    assert not set(plain) & set("0O1IL")
    desk = store.open_desk(token)
    assert desk.name == "Dr. Lee's advisees, Class of 2027"
    assert desk.join_code == code
    assert desk.members() == []


def test_desk_links_and_join_codes_are_stored_only_as_hashes(store):
    token, code = store.create_desk("Dr. Lee")
    rows = store.dump_rows()["desks"]
    text = repr(rows)
    assert token not in text
    assert code not in text and code.replace("-", "") not in text
    assert rows[0]["link_hash"] == hash_token(token)
    assert rows[0]["code_hash"] == hash_join_code(code.replace("-", ""))


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_desk_needs_a_name_of_sensible_length(store, name):
    with pytest.raises(ValueError):
        store.create_desk(name)


def test_a_wrong_guessed_or_near_miss_code_reveals_nothing(store):
    _, code = store.create_desk("Dr. Lee")
    plain = code.replace("-", "")
    near = plain[:-1] + next(c for c in JOIN_ALPHABET if c != plain[-1])
    messages = set()
    for attempt in (near, "ABCD-2345", "0000-0000", "", "x" * 500, None):
        with pytest.raises(KeyError) as err:
            store.find_desk(attempt)
        messages.add(str(err.value))
    assert len(messages) == 1  # the same words whatever was typed: a near miss says no more than a wild guess


def test_a_join_code_is_forgiving_about_case_spaces_and_dashes(store):
    _, code = store.create_desk("Dr. Lee")
    typed = " " + code.lower().replace("-", " - ") + " "
    assert store.find_desk(typed).name == "Dr. Lee"
    assert normalize_join_code(typed) == code.replace("-", "")


def test_a_desk_token_opens_no_plan_and_a_plan_token_opens_no_desk(store):
    token, _ = store.create_desk("Dr. Lee")
    _, edit, view = _student(store, "Ana")
    with pytest.raises(KeyError):
        store.open(token)
    for wrong in (edit, view, token[:-2] + "xx", "", "short"):
        with pytest.raises(KeyError):
            store.open_desk(wrong)


def test_joined_plans_are_listed_and_open_read_only(store):
    token, code = store.create_desk("Dr. Lee")
    desk = store.open_desk(token)
    ana, _, _ = _student(store, "Ana")
    ben, _, _ = _student(store, "Ben")
    never, _, _ = _student(store, "Never joined")
    assert ana.join_desk(code).name == "Dr. Lee"
    ben.join_desk(code)
    ben.join_desk(code)  # twice is harmless
    assert _member_names(desk) == ["Ana", "Ben"]
    assert all(m.plan.read_only for m in desk.members())
    assert desk.open_plan(ana.id).student().name == "Ana"
    with pytest.raises(KeyError):
        desk.open_plan(never.id)
    assert [d.name for d in ana.desks()] == ["Dr. Lee"]
    assert never.desks() == []


def test_a_desk_sees_only_its_own_plans(store):
    lee_token, lee_code = store.create_desk("Dr. Lee")
    kim_token, kim_code = store.create_desk("Dr. Kim")
    ana, _, _ = _student(store, "Ana")
    ben, _, _ = _student(store, "Ben")
    ana.join_desk(lee_code)
    ben.join_desk(kim_code)
    assert _member_names(store.open_desk(lee_token)) == ["Ana"]
    assert _member_names(store.open_desk(kim_token)) == ["Ben"]
    with pytest.raises(KeyError):
        store.open_desk(lee_token).open_plan(ben.id)


def test_leaving_removes_the_plan_from_the_desk_at_once(store):
    token, code = store.create_desk("Dr. Lee")
    desk = store.open_desk(token)
    ana, _, _ = _student(store, "Ana")
    ben, _, _ = _student(store, "Ben")
    ana.join_desk(code)
    ben.join_desk(code)
    desk_id = ana.desks()[0].id
    ana.leave_desk(desk_id)
    assert _member_names(desk) == ["Ben"]
    assert ana.desks() == []
    with pytest.raises(KeyError):
        desk.open_plan(ana.id)
    ana.join_desk(code)  # and may come back
    assert _member_names(desk) == ["Ana", "Ben"]


def test_rotating_the_code_keeps_joined_students_and_retires_the_old_code(store):
    token, old = store.create_desk("Dr. Lee")
    desk = store.open_desk(token)
    ana, _, _ = _student(store, "Ana")
    ana.join_desk(old)
    new = desk.rotate_join_code()
    assert new != old and store.open_desk(token).join_code == new
    assert _member_names(desk) == ["Ana"]
    ben, _, _ = _student(store, "Ben")
    with pytest.raises(KeyError):
        ben.join_desk(old)
    ben.join_desk(new)
    assert _member_names(desk) == ["Ana", "Ben"]


def test_a_forced_write_through_a_desk_is_refused_by_the_store(store):
    token, code = store.create_desk("Dr. Lee")
    ana, _, _ = _student(store, "Ana")
    ana.save_mentor(Mentor(id="m1", name="Dr. Hale"))
    ana.join_desk(code)
    before = ana.version()
    plan = store.open_desk(token).open_plan(ana.id)
    assert isinstance(plan, DeskView)
    plan.read_only = False  # a page that forgot to check, or a caller forcing it: still read-only
    assert plan.read_only
    attempts = [
        lambda: plan.save_mentor(Mentor(id="m1", name="Changed by the desk")),
        lambda: plan.save_student(Student(name="Changed")),
        lambda: plan.delete_mentor("m1"),
        lambda: plan.set_setting("buffer_days", 3),
        lambda: plan.clear(),
        lambda: plan.join_desk(code),
        lambda: plan.leave_desk("anything"),
        lambda: store.import_json(plan, store.export_json(ana)),
        lambda: store.regenerate_link(plan, "edit"),
        lambda: store.revoke_view_link(plan),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionError):
            attempt()
    assert ana.version() == before
    assert [m.name for m in ana.mentors()] == ["Dr. Hale"] and ana.student().name == "Ana"


def test_an_advisor_link_cannot_join_or_leave_a_desk(store):
    _, code = store.create_desk("Dr. Lee")
    _, _, view = _student(store, "Ana")
    with pytest.raises(PermissionError):
        store.open(view).join_desk(code)


def test_new_links_a_restore_or_starting_over_do_not_detach_desks(store, example_ws):
    token, code = store.create_desk("Dr. Lee")
    ana, _, _ = _student(store, "Ana")
    ana.join_desk(code)
    store.regenerate_link(ana, "view")
    store.regenerate_link(ana, "edit")
    store.revoke_view_link(ana)
    store.import_json(ana, store.export_json(example_ws))
    assert [d.name for d in ana.desks()] == ["Dr. Lee"]
    ana.clear()
    assert [m.plan.id for m in store.open_desk(token).members()] == [ana.id]


def test_joining_does_not_count_as_a_change_to_the_plan(store):
    _, code = store.create_desk("Dr. Lee")
    ana, _, _ = _student(store, "Ana")
    before = ana.version()
    ana.join_desk(code)
    assert ana.version() == before


def test_a_plan_not_saved_yet_is_saved_by_joining(store):
    token, code = store.create_desk("Dr. Lee")
    fresh = store.new_workspace()
    fresh.join_desk(code)
    assert fresh.saved and fresh.new_links
    assert [m.plan.id for m in store.open_desk(token).members()] == [fresh.id]


def test_members_carry_the_version_and_last_change(store):
    token, code = store.create_desk("Dr. Lee")
    ana, _, _ = _student(store, "Ana")
    ana.join_desk(code)
    ana.save_mentor(Mentor(id="m1", name="Dr. Hale"))
    (member,) = store.open_desk(token).members()
    assert member.version == ana.version()
    assert member.changed[:4].isdigit() and member.joined <= member.changed


def test_desks_travel_with_a_copied_class(store, tmp_path):
    token, code = store.create_desk("Dr. Lee")
    ana, edit, _ = _student(store, "Ana")
    ana.join_desk(code)
    target = store_at(tmp_path / "copy.db")
    counts = copy_plans(store, target)
    assert counts["desks"] == 1 and counts["desk_members"] == 1
    desk = target.open_desk(token)
    assert desk.join_code == code
    assert [m.plan.student().name for m in desk.members()] == ["Ana"]
    assert [d.name for d in target.open(edit).desks()] == ["Dr. Lee"]


def test_an_older_sqlite_database_gains_desks_and_keeps_its_plans(tmp_path):
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    from lor.store.sqlite import migrations

    path = tmp_path / "old.db"
    before_desks = Migrations("lor")  # the same migration set as it was before desks existed
    before_desks(name="m001_initial")(migrations._migrations[0].fn)
    db = Database(path)
    before_desks.apply(db)
    db.execute("INSERT INTO workspaces (id, edit_hash, view_hash, created, version) VALUES ('w1', 'e', 'v', '2026', 3)")
    db.close()
    store = store_at(path)
    assert store.dump_rows()["workspaces"][0]["version"] == 3
    token, _ = store.create_desk("Dr. Lee")
    assert store.open_desk(token).members() == []
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(workspaces)")]
    assert "changed" in columns


def test_an_advisors_private_notes_are_kept_with_the_desk_and_never_in_a_plan(store):
    token, code = store.create_desk("Dr. Lee")
    desk = store.open_desk(token)
    ana, edit, _ = _student(store, "Ana Ruiz")
    ana.join_desk(code)
    before = store.export_json(ana)
    assert (
        desk.save_note(ana.id, "  Met Nov 20:\x00 wants IM; chase the SEL  ") == "Met Nov 20: wants IM; chase the SEL"
    )
    assert store.open_desk(token).notes() == {ana.id: "Met Nov 20: wants IM; chase the SEL"}
    assert store.export_json(store.open(edit)) == before  # the student's plan and backup hold no note
    other_token, other_code = store.create_desk("Dr. Kim")
    ana.join_desk(other_code)
    assert store.open_desk(other_token).notes() == {}  # each desk's notes are its own
    desk.save_note(ana.id, "")
    assert desk.notes() == {}
    with pytest.raises(ValueError, match="at most 2,000 characters"):
        desk.save_note(ana.id, "x" * 2001)
    ben, _, _ = _student(store, "Ben Ortiz")
    with pytest.raises(KeyError):
        desk.save_note(ben.id, "not on this desk")
    assert store.dump_rows()["desk_notes"] == []


def test_the_desk_log_says_who_joined_left_and_was_removed(store):
    token, code = store.create_desk("Dr. Lee")
    desk = store.open_desk(token)
    ana, _, _ = _student(store, "Ana Ruiz")
    ben, _, _ = _student(store, "Ben Ortiz")
    ana.join_desk(code)
    ana.join_desk(code)  # joining twice is one join
    ben.join_desk(code)
    ana.leave_desk(desk.id)
    ana.leave_desk(desk.id)  # leaving twice is one leave
    desk.remove_member(ben.id, student="Ben Ortiz")
    events = sorted((e.student, e.event) for e in desk.log())
    assert events == [("Ana Ruiz", "joined"), ("Ana Ruiz", "left"), ("Ben Ortiz", "joined"), ("Ben Ortiz", "removed")]
    assert all(e.at for e in desk.log())
    desk.close()
    assert store.dump_rows()["desk_log"] == [] and store.dump_rows()["desk_notes"] == []
