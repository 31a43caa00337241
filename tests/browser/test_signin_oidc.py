"""Sign-in in a real browser: `streamlit run app.py` with [auth] pointing at a real OpenID Connect provider
(oidc-provider-mock) started by the test on localhost. Two students, each their own plan; the same plan again from a
fresh browser context; a student of another domain refused; signing out; a plan brought over from a private link.
Runs on SQLite, and on PostgreSQL when LOR_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lor.models import Student
from lor.store import store_at
from tools.browser import Server, exceptions_on, free_port, postgres_database, press, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_expect")]

USERS = {  # sub -> claims the provider signs
    "ada-sub": {"email": "ada@school.edu", "email_verified": True, "name": "Ada Lovelace"},
    "ben-sub": {"email": "ben@school.edu", "email_verified": True, "name": "Ben Carson"},
    "eve-sub": {"email": "eve@gmail.com", "email_verified": True, "name": "Eve"},
}
SIGN_IN_TITLE = "Sign in to your plan"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on localhost; its address."""
    oidc = pytest.importorskip("oidc_provider_mock")
    users = [oidc.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    with oidc.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database(request, tmp_path_factory) -> Iterator[dict[str, str]]:
    """Where the server keeps plans: its SQLite file (the Server's default), or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield {}
        return
    admin = os.environ.get("LOR_TEST_DATABASE_URL")
    if not admin:
        pytest.skip("LOR_TEST_DATABASE_URL is not set")
    with postgres_database(admin, prefix="lor_signin") as url:
        yield {"LOR_DATABASE_URL": url}


def secrets(port: int, provider: str, *, cookie_secret: str = "a" * 32) -> str:
    return (
        '[lor]\nallowed_domains = ["school.edu"]\n'
        f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\ncookie_secret = "{cookie_secret}"\n'
        f'client_id = "lor-planner"\nclient_secret = "not-so-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )


def start(tmp: Path, text: str, port: int, env: dict[str, str]) -> Server:
    home = tmp / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(text)
    return Server(tmp, shared=True, env={"HOME": str(home), **env}, port=port)


@pytest.fixture(scope="module")
def server(tmp_path_factory, provider, database) -> Iterator[Server]:
    port = free_port()
    running = start(tmp_path_factory.mktemp("signin"), secrets(port, provider), port, database)
    yield running
    running.stop()


def sign_in(pg, server: Server, sub: str) -> None:
    """Open the app, press the sign-in button, choose ``sub`` on the provider's page, come back signed in."""
    pg.goto(server.url)
    wait_for_app(pg)
    expect(pg.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    pg.locator(".st-key-sign-in-school button").click()  # leaves for the provider's page
    pg.wait_for_url("http://localhost:*/oauth2/authorize**")
    if sub in USERS:
        pg.get_by_role("button", name=sub, exact=True).click()
    else:  # an account the provider has not seen: its subject typed in, as the provider's page asks
        pg.locator('input[name="sub"]').fill(sub)
        pg.get_by_role("button", name="Authorize").click()
    pg.wait_for_url(f"{server.url}/**")
    wait_for_app(pg)


def sidebar_text(pg) -> str:
    return pg.locator('[data-testid="stSidebar"]').inner_text()


def test_students_sign_in_to_their_own_plans_on_any_device_and_sign_out(server, person):
    ada = person()
    sign_in(ada, server, "ada-sub")
    expect(ada.get_by_text("Signed in as ada@school.edu")).to_be_visible()
    press(ada, "dashboard-load-example")  # Ada's first change: the example plan
    wait_for_app(ada)
    expect(ada.get_by_text("Dr. Margaret Hale").first).to_be_visible()
    assert "w=" not in ada.url  # no private link on a signed-in deployment

    ben = person()
    sign_in(ben, server, "ben-sub")
    expect(ben.get_by_text("Signed in as ben@school.edu")).to_be_visible()
    assert "Dr. Margaret Hale" not in ben.locator("body").inner_text()

    again = person()  # Ada on another computer: no cookie, no link
    sign_in(again, server, "ada-sub")
    expect(again.get_by_text("Dr. Margaret Hale").first).to_be_visible()

    again.locator(".st-key-sign-out button").click()  # Streamlit forgets the account, then asks the provider
    again.wait_for_url("http://localhost:*/oauth2/end_session**")
    again.get_by_role("button", name="End session").click()
    again.wait_for_url(f"{server.url}/**")
    wait_for_app(again)
    expect(again.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    again.reload()
    wait_for_app(again)
    expect(again.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    assert "Dr. Margaret Hale" not in again.locator("body").inner_text()
    assert not exceptions_on(ada) and not exceptions_on(ben) and not exceptions_on(again)


def test_a_sign_in_cookie_copied_before_sign_out_or_forged_opens_nothing(server, person, browser):
    dan = person()
    sign_in(dan, server, "dan-sub@school.edu")
    press(dan, "dashboard-load-example")
    expect(dan.get_by_text("Dr. Margaret Hale").first).to_be_visible()
    copied = [c for c in dan.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert copied
    dan.locator(".st-key-sign-out button").click()
    dan.wait_for_url("http://localhost:*/oauth2/end_session**")
    thief = person()
    thief.context.add_cookies(copied)  # the old cookie, replayed after Dan signed out
    thief.goto(server.url)
    wait_for_app(thief)
    expect(thief.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    assert "Dr. Margaret Hale" not in thief.locator("body").inner_text()

    forger = person()  # claims written by hand, not signed with the server's cookie secret
    forged = '{"is_logged_in": true, "iss": "x", "sub": "dan-sub@school.edu", "email": "dan-sub@school.edu"}'
    forger.context.add_cookies([{"name": "_streamlit_user", "value": forged, "url": server.url}])
    forger.goto(server.url)
    wait_for_app(forger)
    expect(forger.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()


def test_a_student_of_another_domain_is_refused_by_name(server, person):
    eve = person()
    sign_in(eve, server, "eve-sub")
    expect(eve.get_by_role("heading", name="This account can't open a plan here")).to_be_visible()
    expect(eve.get_by_text("eve@gmail.com", exact=False).first).to_be_visible()
    expect(eve.locator('[data-testid="stSidebarNav"]')).to_have_count(0)


def test_a_plan_from_a_private_link_is_brought_into_the_account_once(server, person, database):
    store = store_at(database.get("LOR_DATABASE_URL") or server.db)
    edit, _ = store.create_workspace()
    store.open(edit).save_student(Student(name="Cara from the link"))
    cara = person()
    sign_in(cara, server, "cara-sub@school.edu")  # typed on the provider's page: a new account
    cara.goto(f"{server.url}/?w={edit}")
    wait_for_app(cara)
    expect(cara.get_by_role("heading", name="Bring your plan into your account")).to_be_visible()
    press(cara, "move-into-account")
    wait_for_app(cara)
    expect(cara.get_by_text("Plan of Cara from the link")).to_be_visible()
    with pytest.raises(KeyError):
        store.open(edit)


def test_a_broken_auth_section_is_refused_with_its_page(tmp_path, provider, browser):
    port = free_port()
    broken = start(tmp_path, secrets(port, provider, cookie_secret="short"), port, {})
    try:
        pg = browser.new_page()
        pg.goto(broken.url)
        wait_for_app(pg)
        expect(pg.get_by_role("heading", name="LOR Planner is not running: a setting needs fixing")).to_be_visible()
        expect(pg.locator('[data-testid="stCode"]', has_text="[auth] cookie_secret")).to_be_visible()
        assert SIGN_IN_TITLE not in pg.locator("body").inner_text()
        pg.close()
    finally:
        broken.stop()
