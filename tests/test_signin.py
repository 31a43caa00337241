"""Sign-in on a class deployment with [auth] (AppTest, st.user seeded): nothing opens before sign-in, a plan per
account found by issuer and subject, who is refused and how, a link's plan brought into the account, a broken
[auth] section refused by name. The browser story against a real provider is tests/browser/test_signin_oidc.py."""

import os
from pathlib import Path

import pytest
from backends import BACKENDS, configured_store
from streamlit.testing.v1 import AppTest

from lor.config import SignIn
from lor.models import Student
from lor.signin import SHOWN_MAX, admit
from lor.store import Store

ROOT = Path(__file__).resolve().parents[1]
ISSUER = "https://accounts.example.edu"
AUTH = (
    '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "0123456789abcdef0123"\n'
    '[auth.google]\nclient_id = "c"\nclient_secret = "s"\n'
    'server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"\n'
)


@pytest.fixture(params=BACKENDS)
def app_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def signed_in_class(open_page, tmp_path, monkeypatch):
    """The app in class mode with [auth] and a school domain; returns a function that opens it as ``user``."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[lor]\nallowed_domains = ["school.edu"]\nadvisors = ["lee@partner.org"]\n' + AUTH
    )
    monkeypatch.setenv("LOR_SHARED", "1")

    def _open(user: dict | None, *, query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.user = user if user is not None else {"is_logged_in": False}
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return at.run()

    return _open


def student(sub: str, email: str | None = None, **claims) -> dict:
    return {"is_logged_in": True, "iss": ISSUER, "sub": sub, "email": email or f"{sub}@school.edu", **claims}


def texts(at) -> str:
    parts = [*at.title, *at.markdown, *at.caption, *at.sidebar.caption, *at.code, *at.error, *at.info, *at.success]
    return plain("\n".join(str(p.value) for p in parts))


def plain(text: str) -> str:
    """Text as a reader sees it: lor.ui.md's escapes dropped."""
    return text.replace(":gray[]", "").replace("\\", "")


def test_a_visitor_who_has_not_signed_in_sees_the_sign_in_page_and_no_plan(signed_in_class):
    at = signed_in_class(None)
    assert not at.exception
    assert at.title[0].value == "Sign in to your plan"
    assert at.button(key="sign-in-google").label == "Sign in with Google"
    assert configured_store().workspace_count() == 0  # nothing made for a visitor


def test_each_account_gets_its_own_plan_and_finds_it_again_on_another_device(signed_in_class):
    ada = signed_in_class(student("ada-sub", "ada@school.edu"))
    assert not ada.exception and "Signed in as ada@school.edu" in texts(ada)
    configured_store().account_workspace(ISSUER, "ada-sub").save_student(Student(name="Ada Lovelace"))
    again = signed_in_class(student("ada-sub", "ada@school.edu"))  # a fresh session: another device
    assert "Ada Lovelace" in texts(again)
    ben = signed_in_class(student("ben-sub", "ben@school.edu"))
    assert "Ada Lovelace" not in texts(ben) and "Signed in as ben@school.edu" in texts(ben)


def test_an_account_whose_subject_is_someone_elses_email_gets_a_plan_of_its_own(signed_in_class):
    configured_store().account_workspace(ISSUER, "ada-sub").save_student(Student(name="Ada Lovelace"))
    mallory = signed_in_class(student("ada-sub@school.edu", "ada-sub@school.edu", name="ada-sub"))
    assert not mallory.exception and "Ada Lovelace" not in texts(mallory)


@pytest.mark.parametrize(
    "user,words",
    [
        (student("eve", "eve@gmail.com"), "eve@gmail.com is not one this class lets in"),
        (student("eve", "eve@school.edu.evil.com"), "is not one this class lets in"),
        (student("eve", "eve@school.edu", email_verified=False), "not verified"),
        (student("eve", "eve@school.edu", email_verified="false"), "not verified"),
        ({"is_logged_in": True, "iss": ISSUER, "email": "eve@school.edu"}, "did not say which account"),
        ({**student("eve"), "email": ""}, "no email address"),
    ],
)
def test_an_account_outside_the_rule_gets_a_plain_refusal_naming_it_and_no_plan(signed_in_class, user, words):
    at = signed_in_class(user)
    assert not at.exception
    assert at.title[0].value == "This account can't open a plan here"
    assert words in plain(at.error[0].value)
    assert at.button(key="sign-out-refused")
    assert configured_store().workspace_count() == 0


def test_an_advisor_on_the_list_enters_from_another_domain(signed_in_class):
    at = signed_in_class(student("lee", "Lee@Partner.org", email_verified=True))
    assert not at.exception and "Signed in as Lee@Partner.org" in texts(at)


def test_claims_are_shown_as_plain_short_text():
    rule = SignIn(allowed_domains=("school.edu",))
    found = admit(student("x", "<b>" + "x" * 300 + "\u202e@gmail.com"), rule)
    assert found.account is None and found.refusal is not None
    assert "\u202e" not in found.refusal and "x" * SHOWN_MAX not in found.refusal


def test_markup_in_a_refused_email_is_shown_as_typed(signed_in_class):
    at = signed_in_class(student("eve", "**bold**[x](http://evil)@gmail.com"))
    assert "\\*\\*bold\\*\\*" in at.error[0].value  # escaped, so the page shows the asterisks


def test_a_private_link_opened_while_signed_in_is_offered_once_and_then_stops(signed_in_class):
    store = configured_store()
    edit, _ = store.create_workspace()
    store.open(edit).save_student(Student(name="Ada from the link"))
    at = signed_in_class(student("ada-sub"), query={"w": edit})
    assert at.title[0].value == "Bring your plan into your account"
    assert "Ada from the link" in texts(at)
    at.button(key="move-into-account").click().run()
    assert not at.exception and "Ada from the link" in texts(at) and "w" not in at.query_params
    with pytest.raises(KeyError):
        store.open(edit)
    assert store.account_workspace(ISSUER, "ada-sub").student().name == "Ada from the link"
    again = signed_in_class(student("ada-sub"), query={"w": edit})
    assert "does not open any plan" in texts(again) and "Ada from the link" not in texts(again)


def test_a_tampered_link_while_signed_in_opens_nothing(signed_in_class):
    configured_store().account_workspace(ISSUER, "ada-sub").save_student(Student(name="Ada Lovelace"))
    at = signed_in_class(student("ben-sub"), query={"w": "x" * 43})
    assert "does not open any plan" in texts(at) and "Ada Lovelace" not in texts(at)
    at.button(key="move-skip").click().run()
    assert not at.exception and "Ada Lovelace" not in texts(at) and "Signed in as ben-sub@school.edu" in texts(at)


def test_a_broken_auth_section_names_the_setting_and_opens_no_plan(open_page, tmp_path, monkeypatch):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(AUTH.replace("0123456789abcdef0123", "short"))
    monkeypatch.setenv("LOR_SHARED", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.user = student("ada-sub")
    at.run()
    assert not at.exception
    assert "[auth] cookie_secret" in texts(at) and "Sign in" not in texts(at)
    assert Store(os.environ["LOR_DB"]).workspace_count() == 0


def test_without_auth_class_mode_still_uses_private_links(open_page):
    at = open_page(example=False, shared=True)
    assert not at.exception and at.title[0].value != "Sign in to your plan"
    at.button(key="dashboard-load-example").click().run()
    assert not at.exception and at.query_params.get("w")


def test_a_sign_in_cookie_from_before_sign_out_opens_nothing(signed_in_class):
    import time

    issued = int(time.time()) - 60
    ada = signed_in_class(student("ada-sub", iat=issued))
    assert "Signed in as ada-sub@school.edu" in texts(ada)
    configured_store().account_workspace(ISSUER, "ada-sub").save_student(Student(name="Ada Lovelace"))
    configured_store().sign_out(ISSUER, "ada-sub")
    replayed = signed_in_class(student("ada-sub", iat=issued))
    assert replayed.title[0].value == "Sign in to your plan" and "Ada Lovelace" not in texts(replayed)
    fresh = signed_in_class(student("ada-sub", iat=int(time.time()) + 1))
    assert "Ada Lovelace" in texts(fresh)


def test_a_signed_in_student_shares_read_only_by_advisor_link_and_keeps_no_private_link(signed_in_class):
    ada = signed_in_class(student("ada-sub"))
    ada.button(key="dashboard-load-example").click().run()
    ada.switch_page("pages/share.py").run()
    assert not ada.exception
    assert "share-new-edit" not in [b.key for b in ada.button]
    assert "Your plan opens whenever you sign in as **ada-sub@school.edu**" in texts(ada)
    ada.button(key="share-new-view").click().run()
    view = ada.session_state["lor-fresh-view"]
    lee = signed_in_class(student("lee", "lee@partner.org"), query={"view": view})
    assert not lee.exception and "read-only" in texts(lee)
    assert "dashboard-load-example" not in [b.key for b in lee.button]
