"""The advisor desk as people use it (AppTest): an advisor makes a desk, students join and leave on Share & backup,
the desk lists exactly the students who joined, neediest first, and nothing on it can change a plan."""

import pytest
from backends import configured_store
from plan_dates import TODAY

from lor.models import Student
from lor.text import markdown_escape
from tools.advisees import add_advisee


def _student(store, name, *, example=True, code=None):
    edit, ws = add_advisee(store, name, today=TODAY, state="example" if example else "missing_letters", code=code)
    return ws, edit


@pytest.fixture(params=["sqlite", "postgres"])
def app_backend(request) -> str:
    """Every desk page test runs on both backends (conftest's open_page reads this)."""
    return request.param


@pytest.fixture
def class_desk(open_page):
    """A desk with Ana (example plan) and Ben (missing letters) joined, and Dee who never joined."""
    open_page("dashboard", example=False, shared=True)  # sets up the class-mode server's database
    store = configured_store()
    token, code = store.create_desk("Dr. Lee's advisees, Class of 2027")
    ana, _ = _student(store, "Ana Ruiz", code=code)
    ben, _ = _student(store, "Ben Ortiz", example=False, code=code)
    dee, _ = _student(store, "Dee Never-Joined")
    return store, token, code, {"ana": ana, "ben": ben, "dee": dee}


def _table(at):
    return at.dataframe[0].value.to_dict("records")


def _open_desk(open_page, token, **query):
    at = open_page("dashboard", example=False, shared=True, query={"desk": token, **query})
    assert not at.exception, at.exception
    return at


def test_an_advisor_makes_a_desk_and_gets_its_link_and_join_code(open_page):
    at = open_page("desk", example=False, shared=True)
    assert not at.exception
    assert at.title[0].value == "Advisor desk"
    at.text_input(key="desk-create-name").input("Dr. Lee's advisees, Class of 2027")
    at.button(key="desk-create").click().run()
    assert not at.exception
    link, code = (c.value for c in at.code)
    token = link.split("?desk=")[1]
    desk = configured_store().open_desk(token)
    assert desk.name == "Dr. Lee's advisees, Class of 2027" and desk.join_code == code


def test_a_desk_needs_a_name(open_page):
    at = open_page("desk", example=False, shared=True)
    at.button(key="desk-create").click().run()
    assert "Give the desk a name" in at.error[0].value
    assert not at.code


def test_the_desk_lists_exactly_the_students_who_joined_neediest_first(open_page, class_desk):
    _store, token, code, _ = class_desk
    at = _open_desk(open_page, token)
    assert at.title[0].value.replace("\\", "") == "Dr. Lee's advisees, Class of 2027"
    assert code in at.markdown[0].value
    rows = _table(at)
    assert [r["Student"] for r in rows] == ["Ben Ortiz", "Ana Ruiz"]  # due in 60 days with nothing started, first
    ben, ana = rows
    assert (ben["Status"], ben["Why"]) == ("Not started", "No letter planned yet")
    assert (ben["Missing required letters"], ben["Overdue steps"], ben["Letters in"]) == (3, 0, 0)
    # The example's programs lack letters: Riverside's IM SEL, and nothing assigned to Lakeshore or Harbor.
    assert (ana["Status"], ana["Missing required letters"], ana["Overdue steps"]) == ("Needs help", 3, 1)
    assert ana["Why"].startswith("Send Dr. Priya Raman your packet: ") and "overdue; " in ana["Why"]
    assert (ana["Letters in"], ana["Letters needed"]) == (0, 3)  # residency needs 3, whatever the plan holds
    assert "Dee" not in repr(at.main)  # never joined: never listed, not even as an option to open


def test_a_status_filter_shows_only_those_students(open_page, class_desk):
    _, token, _, _ = class_desk
    at = _open_desk(open_page, token)
    at.multiselect(key="desk-status").select("Not started").run()
    assert [r["Student"] for r in _table(at)] == ["Ben Ortiz"]
    at.multiselect(key="desk-status").unselect("Not started").select("On track").run()
    assert _table(at) == [] and "No student matches these filters." in [m.value for m in at.markdown]


def test_pressing_create_twice_makes_one_desk(open_page):
    at = open_page("desk", example=False, shared=True)
    at.text_input(key="desk-create-name").input("Dr. Lee's advisees")
    at.button(key="desk-create").click().run()
    first = [c.value for c in at.code]
    at.button(key="desk-create").click().run()  # the double click's second press
    assert not at.exception and [c.value for c in at.code] == first
    assert len(configured_store().dump_rows()["desks"]) == 1


def test_a_new_join_code_needs_a_confirmation(open_page, class_desk):
    store, token, code, _ = class_desk
    at = _open_desk(open_page, token)
    at.button(key="desk-rotate").click().run()
    assert store.open_desk(token).join_code == code  # not yet: the advisor is told what it does first
    assert any("stops working at once" in w.value for w in at.warning)
    at.button(key="desk-rotate-cancel").click().run()
    assert store.open_desk(token).join_code == code
    at.button(key="desk-rotate").click().run()
    at.button(key="desk-rotate-confirm").click().run()
    assert store.open_desk(token).join_code != code


def test_removing_a_student_asks_first_and_the_log_says_so(open_page, class_desk):
    store, token, _, students = class_desk
    at = _open_desk(open_page, token)
    at.selectbox(key="desk-remove-who").set_value(students["ben"].id).run()
    at.button(key="desk-remove").click().run()
    assert len(store.open_desk(token).members()) == 2  # not before confirming
    at.button(key="desk-remove-confirm").click().run()
    assert [r["Student"] for r in _table(at)] == ["Ana Ruiz"]
    log = " ".join(m.value for m in at.markdown)
    assert "Ben Ortiz was removed by an advisor" in log and "Ana Ruiz joined" in log


def test_a_private_note_is_kept_with_the_desk_and_shown_in_its_table(open_page, class_desk):
    store, token, _, students = class_desk
    ana = students["ana"]
    at = _open_desk(open_page, token)
    names = at.selectbox(key="desk-student").options
    at.selectbox(key="desk-student").select_index(names.index("Ana Ruiz")).run()
    at.text_area(key=f"desk-note-{ana.id}").input("Met Nov 20: chase the IM SEL").run()
    at.button(key="desk-note-save").click().run()
    assert store.open_desk(token).notes() == {ana.id: "Met Nov 20: chase the IM SEL"}
    assert {r["Student"]: r["Note"] for r in _table(at)}["Ana Ruiz"] == "Met Nov 20: chase the IM SEL"
    share = _share_page(open_page, store.regenerate_link(ana, "edit"))
    assert "chase the IM SEL" not in repr(share)  # the student never sees it


def test_filters_by_application_type_and_specialty(open_page, class_desk):
    _, token, _, _ = class_desk
    at = _open_desk(open_page, token)
    at.selectbox(key="desk-specialty").select("emergency_medicine").run()
    assert [r["Student"] for r in _table(at)] == ["Ben Ortiz"]
    at.selectbox(key="desk-specialty").select(None).run()
    at.selectbox(key="desk-pathway").select("residency").run()
    assert len(_table(at)) == 2


def test_the_csv_and_the_desk_report_download(open_page, class_desk):
    _, token, _, _ = class_desk
    at = _open_desk(open_page, token)
    csv_button, report = at.main.get("download_button")
    assert csv_button.proto.url and csv_button.proto.ignore_rerun
    assert csv_button.proto.label == "Download the table (CSV)"
    assert report.proto.url and report.proto.label == "Desk report (HTML, prints)"


def test_a_student_who_leaves_disappears_at_once(open_page, class_desk):
    _store, token, _, students = class_desk
    at = _open_desk(open_page, token)
    students["ana"].leave_desk(students["ana"].desks()[0].id)
    at.run()
    assert [r["Student"] for r in _table(at)] == ["Ben Ortiz"]


def test_a_row_opens_the_plan_read_only_on_its_dashboard_with_a_way_back(open_page, class_desk):
    _, token, _, students = class_desk
    at = _open_desk(open_page, token)
    names = at.selectbox(key="desk-student").options
    at.selectbox(key="desk-student").select_index(names.index("Ana Ruiz")).run()
    at.button(key="desk-open").click().run()
    assert not at.exception
    assert at.title[0].value == "Dashboard: Ana Ruiz"  # whose plan this is, even on a phone
    assert "read-only from your advisor desk" in at.info[0].value
    assert at.button(key="desk-back-top")
    assert at.query_params["plan"] == students["ana"].id


def test_next_and_previous_student_follow_the_desks_order(open_page, class_desk):
    _, token, _, students = class_desk
    at = _open_desk(open_page, token)
    assert [r["Student"] for r in _table(at)] == ["Ben Ortiz", "Ana Ruiz"]
    at.button(key="desk-open").click().run()  # the first in the desk's order: Ben
    assert at.title[0].value == "Dashboard: Ben Ortiz" and "Student 1 of 2 on the desk" in at.caption.values
    assert not [b for b in at.button if b.key == "desk-prev"]
    at.button(key="desk-next").click().run()
    assert not at.exception
    assert at.title[0].value == "Dashboard: Ana Ruiz" and at.query_params["plan"] == students["ana"].id
    at.switch_page("pages/letters.py").run()
    assert at.title[0].value == "Letters: Ana Ruiz"
    at.button(key="desk-prev").click().run()
    assert at.title[0].value == "Letters: Ben Ortiz"


def test_the_desk_and_an_opened_plan_have_no_input_that_changes_a_plan(open_page, class_desk):
    _store, token, _, students = class_desk
    versions = {k: ws.version() for k, ws in students.items()}
    at = _open_desk(open_page, token)
    # The desk's own inputs: filters, the plan picker, opening a plan, a new join code. Press every button.
    typed = {w.key for w in at.main if getattr(w, "key", None) and w.type in ("text_input", "text_area")}
    assert all(key.startswith("desk-note-") for key in typed)  # the advisor's private note: the desk's, not a plan's
    # Removing a student and closing the desk change the desk, never a plan (tested on their own below).
    for key in [b.key for b in at.button if b.key not in ("desk-remove", "desk-close")]:
        fresh = _open_desk(open_page, token)
        fresh.button(key=key).click().run()
        assert not fresh.exception
    # An advisee's plan opened from the desk: every page read-only, no input that writes.
    for page in ("dashboard", "recommenders", "letters", "timeline", "share"):
        at = _open_desk(open_page, token, plan=students["ana"].id)
        if page != "dashboard":
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        writable = [
            w.key
            for kind in ("text_input", "text_area", "date_input", "number_input", "file_uploader", "checkbox")
            for w in at.main.get(kind)
        ]
        assert writable == [], (page, writable)
        assert {b.key for b in at.main.get("button")} <= {"desk-back-top", "desk-prev", "desk-next"}, page
    assert {k: ws.version() for k, ws in students.items()} == versions


def test_a_plan_not_on_the_desk_cannot_be_opened_by_its_id(open_page, class_desk):
    _, token, _, students = class_desk
    at = _open_desk(open_page, token, plan=students["dee"].id)
    assert at.title[0].value != "Dashboard"
    assert "no longer shares" in at.warning[0].value
    assert "Dee" not in repr(at.main)


@pytest.mark.parametrize("token", ["wrong-but-long-enough-token-here", "short", ""])
def test_a_wrong_desk_link_says_so_and_shows_nothing(open_page, class_desk, token):
    at = _open_desk(open_page, token)
    assert at.title[0].value == "This link does not open any desk"
    assert "Ana" not in repr(at.main) and "Lee" not in repr(at.main)


def test_without_class_mode_there_is_no_desk(open_page, class_desk, monkeypatch):
    _, token, _, _ = class_desk
    monkeypatch.setenv("LOR_SHARED", "0")  # the same database, served on a student's own computer
    at = open_page("dashboard", example=True, shared=False, query={"desk": token})
    assert at.title[0].value == "Dashboard"
    assert "Lee" not in repr(at.main) and "Ana Ruiz" not in repr(at.main)


# -- the student's side, on Share & backup ---------------------------------------------------------------


def _share_page(open_page, edit):
    at = open_page("share", example=False, shared=True, query={"w": edit})
    assert not at.exception, at.exception
    return at


def test_a_student_joins_with_the_code_after_seeing_the_desk_name(open_page, class_desk):
    store, token, code, _ = class_desk
    _, edit = _student(store, "Cal Kim")
    at = _share_page(open_page, edit)
    at.text_input(key="share-join-code").input(code.lower().replace("-", " ")).run()
    at.button(key="share-join-find").click().run()
    assert "Dr. Lee's advisees" in " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Cal Kim" not in [m.plan.student().name for m in store.open_desk(token).members()]  # not before confirming
    at.button(key="share-join-confirm").click().run()
    assert "Cal Kim" in [m.plan.student().name for m in store.open_desk(token).members()]
    assert any("Shared with" in m.value and "Lee" in m.value for m in at.markdown)
    assert token not in repr(at)  # the desk link never reaches a student's view


def test_a_wrong_or_near_miss_code_says_so_plainly_and_reveals_nothing(open_page, class_desk):
    store, _, code, _ = class_desk
    _, edit = _student(store, "Cal Kim")
    at = _share_page(open_page, edit)
    near = code[:-1] + ("2" if code[-1] != "2" else "3")
    errors = []
    for attempt in (near, "ZZZZ-ZZZZ"):
        at.text_input(key="share-join-code").input(attempt).run()
        at.button(key="share-join-find").click().run()
        errors.append(at.error[0].value)
        assert "Lee" not in repr(at.main)
    assert errors[0] == errors[1] and "No desk has this join code" in errors[0]


def test_join_attempts_are_rate_limited_per_session(open_page, class_desk):
    store, _token, code, _ = class_desk
    _, edit = _student(store, "Cal Kim")
    at = _share_page(open_page, edit)
    for _ in range(8):
        at.text_input(key="share-join-code").input("ZZZZ-ZZZZ").run()
        at.button(key="share-join-find").click().run()
    at.text_input(key="share-join-code").input(code).run()
    at.button(key="share-join-find").click().run()  # even the right code waits now
    assert "Too many tries" in at.error[0].value
    assert "share-join-confirm" not in {b.key for b in at.button}


def test_a_student_sees_their_desks_and_leaves_at_once(open_page, class_desk):
    store, token, _, students = class_desk
    ana = students["ana"]
    edit = store.regenerate_link(ana, "edit")
    at = _share_page(open_page, edit)
    desk_id = ana.desks()[0].id
    at.button(key="share-new-view").click().run()  # a new advisor link does not detach the desk
    assert [d.name for d in ana.desks()] == ["Dr. Lee's advisees, Class of 2027"]
    at.button(key=f"share-leave-{desk_id}").click().run()
    assert len(ana.desks()) == 1  # not before confirming
    at.button(key=f"share-leave-cancel-{desk_id}").click().run()
    at.button(key=f"share-leave-{desk_id}").click().run()
    assert "Your advisor will see that you left" in " ".join(m.value for m in at.markdown)
    at.button(key=f"share-leave-confirm-{desk_id}").click().run()
    assert ana.desks() == []
    assert [m.plan.student().name for m in store.open_desk(token).members()] == ["Ben Ortiz"]
    assert not any("Shared with" in m.value for m in at.markdown)
    assert ("Ana Ruiz", "left") in [(e.student, e.event) for e in store.open_desk(token).log()]


def test_a_hostile_desk_name_is_shown_as_typed_never_run(open_page):
    open_page("dashboard", example=False, shared=True)
    store = configured_store()
    name = "<img src=x onerror=alert(1)> **Dr.** $x$ [link](javascript:alert(1))"
    token, code = store.create_desk(name)
    at = _open_desk(open_page, token)
    assert at.title[0].value == markdown_escape(name)  # every Markdown and HTML character escaped
    _, edit = _student(store, "Cal Kim")
    at = _share_page(open_page, edit)
    at.text_input(key="share-join-code").input(code).run()
    at.button(key="share-join-find").click().run()
    confirm = next(m.value for m in at.markdown if "with the desk" in m.value)
    assert f"**{markdown_escape(name)}**" in confirm


def test_a_forced_write_through_a_desk_session_is_refused_by_the_store(open_page, class_desk):
    _, token, _, students = class_desk
    at = _open_desk(open_page, token, plan=students["ana"].id)
    before = students["ana"].version()
    plan = at.session_state["lor-workspace"]  # the plan this desk session has open
    plan.read_only = False  # as a page that forgot to check, or a tampered session, would
    with pytest.raises(PermissionError):
        plan.save_student(Student(name="Changed by the desk"))
    with pytest.raises(PermissionError):
        plan.clear()
    assert students["ana"].version() == before and students["ana"].student().name == "Ana Ruiz"
