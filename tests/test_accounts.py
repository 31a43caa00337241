"""School accounts in the store, on SQLite and on PostgreSQL: a plan found by the provider's issuer and subject, the
same plan on every sign-in, and a link-based plan brought into an account once."""

import pytest

from lor.models import Mentor, Student
from lor.store import LinkGone, Store, copy_plans, store_at

GOOGLE = "https://accounts.google.com"
ENTRA = "https://login.microsoftonline.com/tenant/v2.0"


def test_an_account_gets_its_own_plan_and_the_same_one_on_every_sign_in(store):
    first = store.account_workspace(GOOGLE, "111")
    first.save_student(Student(name="Ada"))
    again = store.account_workspace(GOOGLE, "111")
    assert again.id == first.id and again.student().name == "Ada"
    other = store.account_workspace(GOOGLE, "222")
    assert other.id != first.id and other.student() is None


def test_the_same_subject_at_another_provider_is_another_account(store):
    assert store.account_workspace(GOOGLE, "111").id != store.account_workspace(ENTRA, "111").id


def test_a_subject_that_looks_like_someone_elses_email_finds_nothing_of_theirs(store):
    ada = store.account_workspace(GOOGLE, "111")
    ada.save_student(Student(name="Ada"))
    forged = store.account_workspace(GOOGLE, "ada@school.edu")
    assert forged.id != ada.id and forged.student() is None


def test_an_account_plan_has_no_private_link_and_opens_by_no_token(store):
    ws = store.account_workspace(GOOGLE, "111")
    ws.save_student(Student(name="Ada"))
    assert ws.new_links is None
    with pytest.raises(KeyError):
        store.open("")


@pytest.mark.parametrize("issuer,subject", [("", "1"), (GOOGLE, ""), (None, "1"), (GOOGLE, "x" * 256)])
def test_an_account_without_a_usable_issuer_or_subject_is_refused(store, issuer, subject):
    with pytest.raises(ValueError):
        store.account_workspace(issuer, subject)


def test_an_empty_account_plan_is_not_purged_as_abandoned(store):
    from datetime import UTC, datetime, timedelta

    ws = store.account_workspace(GOOGLE, "111")
    store.purge_empty_plans(datetime.now(UTC) + timedelta(days=400))
    assert store.account_workspace(GOOGLE, "111").id == ws.id


def test_a_plan_from_a_private_link_moves_into_the_account_once_and_the_link_stops(store):
    edit, view = store.create_workspace()
    linked = store.open(edit)
    linked.save_student(Student(name="Ada"))
    linked.save_mentor(Mentor(id="m1", name="Dr. Kim", role="attending", setting="rotation"))
    moved = store.move_into_account(linked, GOOGLE, "111")
    assert moved.id == linked.id
    assert store.account_workspace(GOOGLE, "111").student().name == "Ada"
    with pytest.raises(KeyError):
        store.open(edit)
    with pytest.raises(LinkGone):
        linked.save_student(Student(name="Mallory"))  # a tab still holding the link changes nothing
    assert store.open(view).read_only  # the advisor link keeps working
    assert store.account_workspace(GOOGLE, "111").student().name == "Ada"


def test_a_plan_is_not_moved_over_an_account_plan_that_holds_something(store):
    own = store.account_workspace(GOOGLE, "111")
    own.save_student(Student(name="Ada (account)"))
    edit, _ = store.create_workspace()
    linked = store.open(edit)
    linked.save_student(Student(name="Ada (link)"))
    with pytest.raises(ValueError, match="already has a plan"):
        store.move_into_account(linked, GOOGLE, "111")
    assert store.open(edit).student().name == "Ada (link)"
    assert store.account_workspace(GOOGLE, "111").student().name == "Ada (account)"


def test_only_a_private_link_can_be_moved(store):
    _, view = store.create_workspace()
    with pytest.raises((ValueError, PermissionError)):
        store.move_into_account(store.open(view), GOOGLE, "111")


def test_accounts_are_copied_with_the_plans(store, tmp_path):
    store.account_workspace(GOOGLE, "111").save_student(Student(name="Ada"))
    target = store_at(tmp_path / "copy.db")
    copy_plans(store, target)
    assert target.account_workspace(GOOGLE, "111").student().name == "Ada"
    assert isinstance(target, Store)


def test_a_sign_in_from_before_the_accounts_sign_out_no_longer_counts(store):
    from datetime import UTC, datetime

    store.account_workspace(GOOGLE, "111")
    assert not store.signed_in_before_sign_out(GOOGLE, "111", 1_000)  # never signed out
    store.sign_out(GOOGLE, "111", datetime.fromtimestamp(2_000, UTC))
    assert store.signed_in_before_sign_out(GOOGLE, "111", 1_999)  # a copied cookie of the old sign-in
    assert store.signed_in_before_sign_out(GOOGLE, "111", None)  # no time: fail closed
    assert store.signed_in_before_sign_out(GOOGLE, "111", "3000")
    assert not store.signed_in_before_sign_out(GOOGLE, "111", 2_001)  # signed in again afterwards
    assert not store.signed_in_before_sign_out(GOOGLE, "222", 1)  # another account is not affected
