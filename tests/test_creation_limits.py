"""Making plans and desks is bounded per client and per server, an advisor can remove a student and close a desk, a
desk holds a bounded number of students, join codes are limited per session and per client (never per desk), and
plans and desks nobody uses are purged (issue #23.4, #23.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit as st
from backends import BACKENDS, configured_store
from plain_text import assert_plain
from plan_dates import TODAY

import lor.store
import lor.store.store
import lor.store.workspace
import lor.ui
import lor.ui.clients
import lor.ui.desks
from lor.limits import (
    CLASS_SIZE_MAX,
    DESK_MEMBERS_MAX,
    DESKS_PER_CLIENT,
    DESKS_PER_SERVER,
    LOOKUPS_PER_CLIENT,
    LOOKUPS_PER_SESSION,
    PLANS_PER_CLIENT,
    PLANS_PER_SERVER,
    WRONG_CODES_PER_CLIENT,
    KeyedLimit,
    Rate,
)
from lor.models import Mentor, Student
from lor.store import EMPTY_DESK_AFTER, UNUSED_AFTER, CreationRefused, DeskFull, Store
from lor.ui.keys import JOIN_ATTEMPTS_KEY
from tools.advisees import add_advisee


@pytest.fixture(params=BACKENDS)
def app_backend(request: pytest.FixtureRequest) -> str:
    return request.param


# -- the store: per-server limits, desks' members, purging ------------------------------------------------------


def test_the_server_starts_at_most_its_hourly_number_of_plans_and_saves_nothing_past_it(store: Store, monkeypatch):
    monkeypatch.setattr(lor.store.store, "PLANS_PER_SERVER", Rate(3, 3600))
    for n in range(3):
        store.new_workspace().save_student(Student(name=f"Student {n}"))
    refused: list[str] = []
    late = store.new_workspace()
    late.on_refused = lambda ws, why: refused.append(why)
    with pytest.raises(CreationRefused) as caught:
        late.save_student(Student(name="One too many"))
    assert refused == [str(caught.value)]
    assert_plain(str(caught.value))
    assert "has started 3 new plans in the last hour" in str(caught.value)
    assert not late.saved and store.workspace_count() == 3
    saved = store.open(store.create_workspace()[0])  # a plan already made keeps working
    saved.save_mentor(Mentor(name="Dr. Still Fine"))


def test_the_server_makes_at_most_its_hourly_number_of_desks(store: Store, monkeypatch):
    monkeypatch.setattr(lor.store.store, "DESKS_PER_SERVER", Rate(2, 3600))
    store.create_desk("One")
    store.create_desk("Two")
    with pytest.raises(CreationRefused) as caught:
        store.create_desk("Three")
    assert_plain(str(caught.value))


def test_an_advisor_removes_a_student_and_closes_the_desk(store: Store):
    token, code = store.create_desk("Dr. Lee")
    _, ana = add_advisee(store, "Ana Ruiz", today=TODAY, code=code)
    _, ben = add_advisee(store, "Ben Ortiz", today=TODAY, code=code)
    desk = store.open_desk(token)
    desk.remove_member(ana.id)
    assert [m.plan.id for m in desk.members()] == [ben.id] and ana.desks() == []
    with pytest.raises(KeyError):
        desk.open_plan(ana.id)
    desk.close()
    with pytest.raises(KeyError):
        store.open_desk(token)
    with pytest.raises(KeyError):
        store.find_desk(code)
    assert ben.desks() == [] and ben.student().name == "Ben Ortiz"  # the plans stay


def test_a_desk_holds_a_bounded_number_of_students(store: Store, monkeypatch):
    monkeypatch.setattr(lor.store.workspace, "DESK_MEMBERS_MAX", 2)
    token, code = store.create_desk("Dr. Lee")
    first, _ = add_advisee(store, "Ana", today=TODAY, code=code)
    add_advisee(store, "Ben", today=TODAY, code=code)
    store.open(first).join_desk(code)  # joining again is harmless, also when full
    with pytest.raises(DeskFull) as caught:
        add_advisee(store, "Cal", today=TODAY, code=code)
    assert_plain(str(caught.value))
    assert len(store.open_desk(token).members()) == 2


def test_plans_and_desks_nobody_uses_are_purged_after_the_stated_time(store: Store):
    now = datetime.now(UTC)
    token, code = store.create_desk("Dr. Lee")
    _, kept_desk_member = add_advisee(store, "Ana", today=TODAY, code=code)
    empty_token, _ = store.create_desk("Nobody joined")
    _, idle = add_advisee(store, "Idle", today=TODAY)
    later = now + EMPTY_DESK_AFTER + timedelta(days=1)
    assert store.purge(later).desks == 1  # the empty desk, not opened for 30 days
    with pytest.raises(KeyError):
        store.open_desk(empty_token)
    store._note_opened(kept_desk_member.id, now + UNUSED_AFTER)  # Ana's plan opened lately
    gone = store.purge(now + UNUSED_AFTER + timedelta(days=2))
    assert (gone.unused, gone.desks) == (1, 1)  # Idle's plan, and the desk nobody opened
    with pytest.raises(KeyError):
        store.open_desk(token)
    assert kept_desk_member.student().name == "Ana" and kept_desk_member.desks() == []
    assert idle.id not in {row["id"] for row in store.dump_rows()["workspaces"]}
    assert store.purge(now + UNUSED_AFTER + timedelta(days=2)).total == 0


# -- the app: per-client limits, the desk's controls -------------------------------------------------------------


def test_a_client_that_starts_too_many_plans_is_told_to_wait_and_nothing_is_saved(open_page, monkeypatch):
    monkeypatch.setattr(lor.ui.clients, "NEW_PLANS", KeyedLimit(Rate(2, 600)))
    for _ in range(2):
        at = open_page("dashboard", example=False, shared=True)
        at.button(key="dashboard-load-example").click().run()
        assert at.query_params.get("w")
    at = open_page("dashboard", example=False, shared=True)  # a new session, as a script would open
    at.button(key="dashboard-load-example").click().run()
    assert not at.exception
    assert not at.query_params.get("w") and configured_store().workspace_count() == 2
    warning = next(w.value for w in at.warning if "new plans were started" in w.value)
    assert_plain(warning.replace("\\", ""))


def test_an_advisor_removes_a_student_and_closes_the_desk_on_the_desk_page(open_page):
    open_page("dashboard", example=False, shared=True)
    store = configured_store()
    token, code = store.create_desk("Dr. Lee")
    _, ana = add_advisee(store, "Ana Ruiz", today=TODAY, code=code)
    add_advisee(store, "Ben Ortiz", today=TODAY, code=code)
    at = open_page("dashboard", example=False, shared=True, query={"desk": token})
    at.selectbox(key="desk-remove-who").select(ana.id).run()
    at.button(key="desk-remove").click().run()
    assert not at.exception and len(ana.desks()) == 1  # removing asks first
    at.button(key="desk-remove-confirm").click().run()
    assert [r["Student"] for r in at.dataframe[0].value.to_dict("records")] == ["Ben Ortiz"]
    assert ana.desks() == []
    assert at.button(key="desk-close").disabled  # closing asks first
    at.checkbox(key="desk-close-confirm").check().run()
    at.button(key="desk-close").click().run()
    assert not at.exception and at.title[0].value == "Advisor desk"  # where a new desk can be made
    assert any("is closed" in s.value for s in at.success) and not at.query_params.get("desk")
    again = open_page("dashboard", example=False, shared=True, query={"desk": token})
    assert again.title[0].value == "This link does not open any desk"


def test_an_advisor_can_make_only_a_few_desks_an_hour(open_page, monkeypatch):
    monkeypatch.setattr(lor.ui.clients, "NEW_DESKS", KeyedLimit(Rate(1, 3600)))
    for expected in ("made", "refused"):
        at = open_page("desk", example=False, shared=True)
        at.text_input(key="desk-create-name").input("Dr. Lee's advisees")
        at.button(key="desk-create").click().run()
        assert not at.exception
        if expected == "made":
            assert at.code
        else:
            assert not at.code and "the most this server makes for one address" in at.error[0].value


def _find(open_page, edit: str, code: str):
    at = open_page("share", example=False, shared=True, query={"w": edit})  # a fresh session: a reload
    at.text_input(key="share-join-code").input(code).run()
    at.button(key="share-join-find").click().run()
    assert not at.exception
    return at


def test_wrong_join_codes_are_counted_per_client_across_reloads(open_page, monkeypatch):
    monkeypatch.setattr(lor.ui.clients, "WRONG_CODES", KeyedLimit(Rate(3, 600)))
    open_page("dashboard", example=False, shared=True)
    store = configured_store()
    _, code = store.create_desk("Dr. Lee")
    edit, _ = add_advisee(store, "Cal Kim", today=TODAY)
    for _ in range(3):
        assert "No desk has this join code" in _find(open_page, edit, "ZZZZ-ZZZZ").error[0].value
    late = _find(open_page, edit, code)  # a reload, then the right code: still waits
    assert "Too many tries" in late.error[0].value
    assert "share-join-confirm" not in {b.key for b in late.button}


def test_look_ups_are_counted_per_client_right_codes_too_across_reloads(open_page, monkeypatch):
    monkeypatch.setattr(lor.ui.clients, "LOOKUPS", KeyedLimit(Rate(2, 600)))
    open_page("dashboard", example=False, shared=True)
    store = configured_store()
    _, code = store.create_desk("Dr. Lee")
    edit, _ = add_advisee(store, "Cal Kim", today=TODAY)
    for _ in range(2):
        assert _find(open_page, edit, code).button(key="share-join-confirm")
    late = _find(open_page, edit, code)  # a reload, then the right code again
    assert "Many join codes were entered from your network address" in late.error[0].value
    assert_plain(late.error[0].value.replace("\\", ""))
    assert "share-join-confirm" not in {b.key for b in late.button}


@pytest.mark.parametrize(
    "per_client,per_server", [(PLANS_PER_CLIENT, PLANS_PER_SERVER), (DESKS_PER_CLIENT, DESKS_PER_SERVER)]
)
def test_one_address_gets_at_most_a_tenth_of_the_servers_hourly_budget(per_client: Rate, per_server: Rate):
    one_address = KeyedLimit(per_client)
    made = sum(not one_address.admit("198.51.100.7", now=float(second)) for second in range(3600))
    assert made <= per_server.limit // 10  # using the whole budget takes ten addresses or more
    assert PLANS_PER_SERVER.limit >= CLASS_SIZE_MAX  # a class of 500 starts its plans within an hour


def test_a_class_of_500_finds_its_desk_while_one_student_looks_it_up_again_and_again(open_page, monkeypatch):
    open_page("dashboard", example=False, shared=True)  # the app's settings: a class server on a fresh database
    _, code = configured_store().create_desk("Dr. Lee's lecture")
    address = ["198.51.100.7"]
    monkeypatch.setattr(lor.ui.clients, "client_key", lambda: address[0])

    def look_up_in_a_new_session():
        st.session_state.pop(JOIN_ATTEMPTS_KEY, None)
        return lor.ui.desks.find_desk(code)

    for _ in range(LOOKUPS_PER_CLIENT.limit):  # one student, the right code, a new session each time
        look_up_in_a_new_session()
    with pytest.raises(KeyError) as caught:
        look_up_in_a_new_session()
    assert "from your network address" in str(caught.value)  # only that address waits
    for n in range(CLASS_SIZE_MAX):  # the lecture: every student from their own address, one after another
        address[0] = f"10.1.{n // 250}.{n % 250 + 1}"
        assert look_up_in_a_new_session().name == "Dr. Lee's lecture"
    st.session_state.pop(JOIN_ATTEMPTS_KEY, None)


@pytest.mark.parametrize(
    "secrets,cloud,counted",
    [
        ("", False, "127.0.0.1"),  # the header is the client's own words: the connection counts
        ("[lor]\ntrusted_proxy_hops = 1\n", False, "198.51.100.9"),  # what our one proxy saw
        ("[lor]\ntrusted_proxy_hops = 2\n", False, "203.0.113.5"),
        ("[lor]\ntrusted_proxy_hops = 4\n", False, "127.0.0.1"),  # fewer hops than proxies: not through them all
        ("", True, "198.51.100.9"),  # Community Cloud's proxy appends the address it saw
        ("[lor]\ntrusted_proxy_hops = 0\n", True, "127.0.0.1"),
    ],
)
def test_x_forwarded_for_counts_only_behind_a_proxy_a_setting_or_community_cloud_trusts(
    open_page, monkeypatch, tmp_path, secrets, cloud, counted
):
    open_page("dashboard", example=False, shared=True)  # the app's settings (HOME is tmp_path)
    if secrets:
        (tmp_path / ".streamlit").mkdir(exist_ok=True)
        (tmp_path / ".streamlit" / "secrets.toml").write_text(secrets, encoding="utf-8")
    if cloud:
        monkeypatch.setenv("HOSTNAME", "streamlit")
    else:
        monkeypatch.delenv("HOSTNAME", raising=False)
    forwarded = {"X-Forwarded-For": "192.0.2.77, 203.0.113.5, 198.51.100.9"}  # the first hop, as any client writes
    monkeypatch.setattr(st, "context", SimpleNamespace(ip_address="127.0.0.1", headers=forwarded))
    assert lor.ui.client_key() == counted


def test_a_private_address_that_writes_x_forwarded_for_gets_no_fresh_count(open_page, monkeypatch):
    open_page("dashboard", example=False, shared=True)
    monkeypatch.setattr(lor.ui.clients, "NEW_PLANS", KeyedLimit(Rate(1, 600)))
    made = []
    for n in range(3):  # a student on the campus network, a new made-up header each time
        headers = {"X-Forwarded-For": f"198.51.100.{n}"}
        monkeypatch.setattr(st, "context", SimpleNamespace(ip_address="10.20.30.40", headers=headers))
        made.append(lor.ui.clients.NEW_PLANS.admit(lor.ui.client_key()) == 0)
    assert made == [True, False, False]


def test_the_readme_states_the_limits_the_code_has():
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").split())
    server = f"starts at most {PLANS_PER_SERVER.limit} plans and makes at most {DESKS_PER_SERVER.limit} advisor desks"
    assert f"{server} an hour" in readme
    assert f"{PLANS_PER_CLIENT.limit} plans and {DESKS_PER_CLIENT.limit} desks an hour" in readme
    assert f"{LOOKUPS_PER_SESSION.limit} look-ups per 10 minutes" in readme
    per_address = f"{LOOKUPS_PER_CLIENT.limit} look-ups (the right code counts too)"
    assert f"{per_address} and {WRONG_CODES_PER_CLIENT.limit} wrong codes" in readme
    assert f"A desk holds at most {DESK_MEMBERS_MAX} students" in readme
