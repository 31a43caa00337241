"""Settings are read the way st.secrets reads them and fail closed: a mistake stops the app with a clear page; it never
quietly turns class mode off (which would put every visitor into one shared plan)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from plain_text import shown
from streamlit.testing.v1 import AppTest

from lor import config
from lor.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
PROBLEM_TITLE = "LOR Planner is not running: a setting needs fixing"


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A home folder, the folder the server is started from, and the app's own folder, each with .streamlit/."""
    out = {name: tmp_path / name for name in ("home", "cwd", "app")}
    for folder in out.values():
        (folder / ".streamlit").mkdir(parents=True)
    monkeypatch.setattr(config, "APP_DIR", out["app"])
    return out


def write(folder: Path, text: str) -> Path:
    path = folder / ".streamlit" / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def settings(places: dict[str, Path], env: dict[str, str] | None = None) -> config.Settings:
    return load_settings(env or {}, cwd=places["cwd"], home=places["home"])


def test_without_any_settings_the_app_runs_locally_on_sqlite(places):
    got = settings(places)
    assert not got.shared and got.backend == "sqlite" and got.db_path == places["app"] / "data" / "lor.db"


@pytest.mark.parametrize("value", ['"true"', "1", '"yes"', "0", "[true]"])
def test_shared_must_be_a_real_boolean(places, value):
    path = write(places["cwd"], f"[lor]\nshared = {value}\n")
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.key == "[lor] shared" and caught.value.source == str(path)
    assert "true or false" in caught.value.problem


def test_a_secrets_file_that_is_not_toml_is_refused_with_its_name(places):
    path = write(places["cwd"], "[lor]\nshared = true\ndb_path = data/lor.db\n")  # the path lacks its quotes
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.source == str(path) and "not valid TOML" in caught.value.problem
    assert "line 3" in caught.value.problem


def test_an_unreadable_secrets_file_is_refused(places):
    path = write(places["home"], "[lor]\nshared = true\n")
    path.unlink()
    path.mkdir()  # exists, but can't be read as a file
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.source == str(path) and "cannot be read" in caught.value.problem


def test_a_setting_only_in_the_home_folder_counts(places):
    write(places["home"], "[lor]\nshared = true\n")
    assert settings(places).shared


def test_a_server_started_from_another_folder_reads_the_apps_own_secrets(places):
    write(places["app"], '[lor]\nshared = true\ndb_path = "plans/class.db"\n')
    got = settings(places)  # cwd has no secrets file of its own
    assert got.shared and got.db_path == places["app"] / "plans" / "class.db"


@pytest.mark.parametrize(
    "home,project,key",
    [  # issue classmode #5b/c: Streamlit keeps only the later file's table, so the home file's setting was lost
        ("[lor]\nshared = true\n", '[lor]\ndb_path = "project.db"\n', "[lor]"),
        (
            f'[connections.lor]\nurl = "{"postgresql://u:p@h/lor"}"\n',
            '[connections.lor]\nurl = "postgresql://u:p@x/y"\n',
            "[connections.lor]",
        ),
    ],
)
def test_a_table_in_two_secrets_files_is_refused_naming_both(places, home, project, key):
    first = write(places["home"], home)
    second = write(places["cwd"], project)
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.source == str(second) and caught.value.key == key
    assert str(first) in caught.value.problem and "drops the whole of the other's" in caught.value.problem


def test_the_same_table_written_the_same_in_two_files_is_fine(places):
    write(places["home"], "[lor]\nshared = true\n")
    write(places["cwd"], "[lor]\nshared = true\n")
    assert settings(places).shared


def test_environment_variables_win_and_must_be_clear(places):
    write(places["cwd"], "[lor]\nshared = false\n")
    assert settings(places, {"LOR_SHARED": "1"}).shared
    assert not settings(places, {"LOR_SHARED": "off"}).shared
    with pytest.raises(ConfigError) as caught:
        settings(places, {"LOR_SHARED": "ture"})
    assert caught.value.key == "LOR_SHARED"
    assert settings(places, {"LOR_DB": "/srv/lor.db"}).db_path == Path("/srv/lor.db")


@pytest.mark.parametrize("name", ["LOR_SHARED", "LOR_DATABASE_URL", "LOR_DB"])
@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_a_blank_environment_setting_is_refused_not_ignored(places, name, blank):
    write(places["cwd"], f'[connections.lor]\nurl = "{URL}"\n')  # class mode would follow from the URL alone
    with pytest.raises(ConfigError) as caught:
        settings(places, {name: blank})
    assert caught.value.key == name and "blank" in caught.value.problem


@pytest.mark.parametrize("name", ["Lor", "LOR", "postgresql", "db"])
def test_a_connection_other_than_lor_is_refused_with_the_one_it_probably_meant(places, name):
    path = write(places["home"], f'[connections.{name}]\nurl = "postgresql://u:p@h/lor"\n')
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.source == str(path) and caught.value.key == f"[connections.{name}]"
    assert "Did you mean `[connections.lor]`?" in caught.value.problem


def test_a_database_url_selects_postgresql(places):
    write(places["cwd"], '[connections.lor]\nurl = "postgresql+psycopg://u:secret@db.example.com:5432/lor"\n')
    got = settings(places)
    assert got.backend == "postgres" and got.database_url == "postgresql://u:secret@db.example.com:5432/lor"
    env_url = "postgres://u:p@other.example.com/x"
    assert settings(places, {"LOR_DATABASE_URL": env_url}).database_url == env_url


@pytest.mark.parametrize(
    "text,key",
    [
        ('[connections.lor]\nurl = "mysql://u:p@h/db"\n', "[connections.lor] url"),
        ('[connections.lor]\nhost = "db.example.com"\n', "[connections.lor] url"),
        ('connections = "postgresql://u:p@h/db"\n', "[connections.lor]"),
        ('lor = "shared"\n', "[lor]"),
        ("[lor]\ndb_path = 5\n", "[lor] db_path"),
    ],
)
def test_a_setting_of_the_wrong_shape_is_refused(places, text, key):
    write(places["cwd"], text)
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.key == key


@pytest.mark.parametrize(
    "text,key,reason",
    [('[lor]\nshared = "true"\n', "[lor] shared", "true or false"), ("[lor\nshared = true\n", "whole file", "TOML")],
)
def test_the_app_refuses_to_serve_and_names_the_file_and_the_key(places, monkeypatch, text, key, reason):
    path = write(places["home"], text)
    monkeypatch.setenv("HOME", str(places["home"]))
    monkeypatch.chdir(places["cwd"])
    db = places["cwd"] / "lor.db"
    monkeypatch.setenv("LOR_DB", str(db))
    monkeypatch.delenv("LOR_SHARED", raising=False)
    monkeypatch.delenv("LOR_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == PROBLEM_TITLE
    assert str(path) in [c.value for c in at.code]
    assert any(key in c.value for c in at.code)
    assert any(reason in e.value for e in at.error)
    assert not db.exists()  # no plan was opened or created
    assert not at.query_params.get("w")


def test_a_fixed_setting_serves_again_on_the_next_load(places, monkeypatch):
    path = write(places["home"], "[lor]\nshared = 1\n")
    monkeypatch.setenv("HOME", str(places["home"]))
    monkeypatch.chdir(places["cwd"])
    monkeypatch.setenv("LOR_DB", str(places["cwd"] / "lor.db"))
    monkeypatch.delenv("LOR_SHARED", raising=False)
    monkeypatch.delenv("LOR_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.title[0].value == PROBLEM_TITLE
    path.write_text("[lor]\nshared = true\n", encoding="utf-8")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.title[0].value == "Dashboard"
    assert any("Nothing is saved yet" in i.value for i in at.info)  # class mode is on
    assert os.environ.get("LOR_SHARED") is None


# -- one schema for every setting: a misspelled one stops the app, naming what it probably meant (issue #23.1) -------


@pytest.mark.parametrize(
    "text,key,meant",
    [
        ("shared = true\n", "shared", "[lor] shared"),
        ("[lor]\nShared = true\n", "[lor] Shared", "[lor] shared"),
        ("[LOR]\nshared = true\n", "LOR", "[lor]"),
        ("[lor]\nshard = true\n", "[lor] shard", "[lor] shared"),
        ("[lor]\nshared = true\n[conections.lor]\nurl = 'postgresql://u:p@h/d'\n", "conections", "[connections.lor]"),
        ('[connections.lor]\nurl = "postgresql://h/d"\nURL = "x"\n', "[connections.lor] URL", "[connections.lor] url"),
    ],
)
def test_a_misspelled_setting_is_refused_with_the_setting_it_probably_meant(places, text, key, meant):
    path = write(places["cwd"], text)
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.source == str(path) and caught.value.key == key
    assert f"Did you mean `{meant}`?" in caught.value.problem


@pytest.mark.parametrize(
    "name,meant", [("LOR_SHARE", "LOR_SHARED"), ("lor_shared", "LOR_SHARED"), ("LOR_DB_PATH", "LOR_DB")]
)
def test_a_misspelled_environment_variable_is_refused_too(places, name, meant):
    with pytest.raises(ConfigError) as caught:
        settings(places, {name: "1"})
    assert caught.value.key == name and caught.value.source == "environment variable"
    assert f"Did you mean {meant}?" in caught.value.problem


AUTH = (
    '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "0123456789abcdef0123"\n'
    '[auth.google]\nclient_id = "c"\nclient_secret = "s"\n'
    'server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"\n'
)


def test_streamlits_own_sections_stay_allowed(places):
    write(places["cwd"], "[lor]\nshared = true\n" + AUTH)
    found = settings(places)
    assert found.shared and found.sign_in is not None and found.sign_in.providers == ("google",)
    assert "signs in with their school account" in found.mode()


def test_without_auth_there_is_no_sign_in(places):
    write(places["cwd"], "[lor]\nshared = true\n")
    assert settings(places).sign_in is None


def test_allowed_domains_and_advisors_are_read_folded(places):
    write(
        places["cwd"],
        '[lor]\nshared = true\nallowed_domains = ["School.EDU", "@med.school.edu"]\nadvisors = ["Lee@Other.org"]\n'
        + AUTH,
    )
    sign_in = settings(places).sign_in
    assert sign_in.allowed_domains == ("school.edu", "med.school.edu") and sign_in.advisors == ("lee@other.org",)


@pytest.mark.parametrize(
    "auth,key",
    [
        (AUTH.replace('"http://localhost:8501/oauth2callback"', '"http://localhost:8501/"'), "[auth] redirect_uri"),
        (AUTH.replace('redirect_uri = "http://localhost:8501/oauth2callback"\n', ""), "[auth] redirect_uri"),
        (AUTH.replace('"0123456789abcdef0123"', '"short"'), "[auth] cookie_secret"),
        (AUTH.replace('cookie_secret = "0123456789abcdef0123"\n', ""), "[auth] cookie_secret"),
        (AUTH.replace('client_secret = "s"\n', ""), "[auth.google] client_secret"),
        (AUTH.replace('client_id = "c"', 'client_id = ""'), "[auth.google] client_id"),
        (AUTH.replace("https://accounts.google.com", "accounts.google.com"), "[auth.google] server_metadata_url"),
        (
            '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "0123456789abcdef0"\n',
            "[auth]",
        ),
    ],
)
def test_a_broken_auth_section_names_the_setting(places, auth, key):
    write(places["cwd"], "[lor]\nshared = true\n" + auth)
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.key == key


@pytest.mark.parametrize(
    "line,key",
    [
        ('allowed_domains = "school.edu"', "[lor] allowed_domains"),
        ('allowed_domains = ["not a domain"]', "[lor] allowed_domains"),
        ('advisors = ["lee"]', "[lor] advisors"),
    ],
)
def test_a_wrong_who_may_enter_rule_names_the_setting(places, line, key):
    write(places["cwd"], f"[lor]\nshared = true\n{line}\n" + AUTH)
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.key == key


def test_a_domain_rule_without_sign_in_stops_the_app_rather_than_let_everybody_in(places):
    write(places["cwd"], '[lor]\nshared = true\nallowed_domains = ["school.edu"]\n')
    with pytest.raises(ConfigError) as caught:
        settings(places)
    assert caught.value.key == "[lor] allowed_domains" and "no [auth] section" in caught.value.problem


URL = "postgresql://u:secret@db.example.com/lor"


@pytest.mark.parametrize(
    "text,env,address,shared",
    [
        (f'[connections.lor]\nurl = "{URL}"\n', {}, None, True),  # no [lor] table at all
        (f'[lor]\ndb_path = "x.db"\n[connections.lor]\nurl = "{URL}"\n', {}, None, True),
        (f'[lor]\nshared = false\n[connections.lor]\nurl = "{URL}"\n', {}, None, False),  # said explicitly
        ("", {"LOR_DATABASE_URL": URL}, None, True),
        ("", {"LOR_DATABASE_URL": URL, "LOR_SHARED": "0"}, None, False),
        ("", {"HOSTNAME": "streamlit"}, None, True),  # Community Cloud
        ("", {}, "0.0.0.0", True),
        ("", {}, "192.168.1.20", True),
        ("", {}, "127.0.0.1", False),
        ("", {}, "localhost", False),
        ("", {}, None, False),  # a student's own computer
    ],
)
def test_a_server_others_reach_is_in_class_mode_unless_shared_false_is_explicit(places, text, env, address, shared):
    if text:
        write(places["cwd"], text)
    got = load_settings(env, cwd=places["cwd"], home=places["home"], server_address=address)
    assert got.shared is shared
    if got.exposed and not shared:
        assert got.mode().startswith("One plan for everybody")
    elif shared:
        assert got.mode().startswith("Class mode")


def test_an_app_checked_out_where_community_cloud_puts_it_is_in_class_mode(places, monkeypatch):
    monkeypatch.setattr(config, "APP_DIR", Path("/mount/src/lor-planner"))
    got = load_settings({}, cwd=places["cwd"], home=places["home"])
    assert got.shared and "Community Cloud" in got.mode()


@pytest.fixture(params=["sqlite", "postgres"])
def class_server(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A server others reach whose secrets don't set [lor] shared: PostgreSQL through [connections.lor] url, or
    SQLite on Community Cloud. Returns (write_secrets(extra), the database's location)."""
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LOR_TODAY", "2026-11-20")
    for name in ("LOR_SHARED", "LOR_DATABASE_URL", "LOR_DB"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "postgres":
        location = request.getfixturevalue("pg_url")
        base = f'[connections.lor]\nurl = "{location}"\n'
    else:
        location = str(tmp_path / "class.db")
        monkeypatch.setenv("LOR_DB", location)
        monkeypatch.setenv("HOSTNAME", "streamlit")  # Community Cloud's container
        base = ""

    def secrets(extra: str = "") -> None:
        (home / ".streamlit" / "secrets.toml").write_text(extra + base, encoding="utf-8")

    return secrets, location


def visit(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("extra", ["", '[lor]\ndb_path = "data/other.db"\n'])
def test_without_shared_a_server_others_reach_gives_each_visitor_a_private_plan(class_server, extra):
    secrets, _ = class_server
    secrets(extra)
    first = visit()
    assert not first.exception
    assert any("Class mode" in c.value for c in first.sidebar.caption)
    first.button(key="dashboard-load-example").click().run()
    token = first.query_params.get("w")
    assert token, "the first write issued a private link"
    second = visit()
    assert not second.exception and not second.query_params.get("w")
    assert any("Nothing is saved yet" in i.value for i in second.info)
    assert "Jordan Rivera" not in str(second.main) and "Jordan Rivera" not in str(second.sidebar)
    second.switch_page("pages/share.py").run()
    assert not any("running on your own computer" in i.value for i in second.info)
    assert any("Class mode" in c.value for c in second.caption)


def test_shared_false_said_explicitly_serves_one_plan_and_says_so(class_server):
    secrets, _ = class_server
    secrets("[lor]\nshared = false\n")
    at = visit()
    assert not at.exception
    assert any("One plan for everybody" in w.value for w in at.sidebar.warning)
    at.switch_page("pages/share.py").run()
    assert any("serves one plan to everybody" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "extra,key",
    [("shared = true\n", "shared"), ("[lor]\nShared = true\n", "[lor] Shared"), ("[LOR]\nshared = true\n", "LOR")],
)
def test_a_misspelled_class_setting_opens_no_plan_and_names_the_fix(class_server, extra, key):
    secrets, location = class_server
    secrets(extra)
    at = visit()
    assert not at.exception
    assert at.title[0].value == PROBLEM_TITLE
    assert any(c.value == key for c in at.code)
    assert any("Did you mean `[lor]" in shown(e.value) for e in at.error)
    assert not at.query_params.get("w")
    if not location.startswith("postgres"):
        assert not Path(location).exists()  # no plan was opened or created


def test_the_documented_example_secrets_file_fits_the_schema(places):
    (places["cwd"] / ".streamlit" / "secrets.toml").write_text(
        (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert settings(places).shared


def test_every_setting_of_the_example_secrets_file_fits_the_schema_when_uncommented(places):
    text = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    setting = re.compile(r"^# (\[[a-z.]+\]|[a-z_]+ = .*)$")
    uncommented = "\n".join(line[2:] if setting.match(line) else line for line in text.splitlines())
    (places["cwd"] / ".streamlit" / "secrets.toml").write_text(uncommented, encoding="utf-8")
    found = settings(places)
    assert found.backend == "postgres" and found.trusted_proxy_hops == 1
    assert found.sign_in is not None and found.sign_in.providers == ("google", "microsoft")
    assert found.sign_in.allowed_domains == ("school.edu", "med.school.edu")


@pytest.mark.parametrize(
    "text,env,hops",
    [
        ("", {}, 0),  # X-Forwarded-For is not trusted unless something says a proxy writes it
        ("[lor]\ntrusted_proxy_hops = 1\n", {}, 1),
        ("", {"HOSTNAME": "streamlit"}, 1),  # Community Cloud's proxy
        ("[lor]\ntrusted_proxy_hops = 0\n", {"HOSTNAME": "streamlit"}, 0),
    ],
)
def test_how_many_proxies_write_x_forwarded_for_is_a_setting(places, text, env, hops):
    if text:
        write(places["cwd"], text)
    assert load_settings(env, cwd=places["cwd"], home=places["home"]).trusted_proxy_hops == hops


@pytest.mark.parametrize("value", ['"1"', "-1", "1.5", "true", "9"])
def test_trusted_proxy_hops_must_be_a_small_whole_number(places, value):
    write(places["cwd"], f"[lor]\ntrusted_proxy_hops = {value}\n")
    with pytest.raises(ConfigError) as info:
        settings(places)
    assert info.value.key == "[lor] trusted_proxy_hops" and "whole number from 0 to 5" in info.value.problem


# -- who the server is for: a page opened from another computer never gets one plan for everybody by default ---------


@pytest.mark.parametrize(
    "remote_ip,headers,here",
    [
        (None, {}, True),  # no browser at all (a script)
        (None, {"Host": "localhost:8501", "Origin": "http://localhost:8501"}, True),
        (None, {"Host": "127.0.0.1:8501"}, True),
        (None, {"Host": "[::1]:8501"}, True),
        ("::ffff:127.0.0.1", {"Host": "localhost:8501"}, True),
        ("192.0.2.7", {"Host": "192.0.2.2:8501"}, False),  # Streamlit's "Network URL"
        (None, {"Host": "lor.example.edu"}, False),  # a proxy on this computer that passes the Host on
        (None, {"Host": "localhost:8501", "X-Forwarded-For": "198.51.100.4"}, False),
        (None, {"Host": "localhost:8501", "Origin": "https://lor.example.edu"}, False),
    ],
)
def test_a_visit_is_from_this_computer_only_when_nothing_says_otherwise(remote_ip, headers, here):
    assert config.visit_from_here(remote_ip, headers) is here


def test_a_visit_from_another_computer_without_a_mode_setting_opens_nothing(places):
    with pytest.raises(config.ModeNotChosen) as caught:
        load_settings({}, cwd=places["cwd"], home=places["home"], from_here=False)
    assert "[lor] shared = true" in caught.value.problem and "[lor] shared = false" in caught.value.problem
    assert not load_settings({}, cwd=places["cwd"], home=places["home"], from_here=True).shared  # the laptop


def test_the_mode_sentence_names_the_setting_that_chose_it(places):
    by_env = load_settings({"LOR_SHARED": "1"}, cwd=places["cwd"], home=places["home"], from_here=False)
    assert by_env.shared and "(LOR_SHARED=1)" in by_env.mode() and "[lor] shared = true" not in by_env.mode()
    off = load_settings({"LOR_SHARED": "0"}, cwd=places["cwd"], home=places["home"], from_here=False)
    assert off.mode().startswith("One plan for everybody") and "LOR_SHARED=0" in off.mode()
    assert "another computer" in off.mode()
    write(places["cwd"], "[lor]\nshared = true\n")
    assert "([lor] shared = true)" in settings(places).mode()
    assert settings(places, {}).mode() == settings(places).mode()


@pytest.fixture
def own_server(places, monkeypatch):
    """A server started with no settings at all (``streamlit run app.py``), its plans in a throwaway file."""
    monkeypatch.setenv("HOME", str(places["home"]))
    monkeypatch.chdir(places["cwd"])
    db = places["cwd"] / "lor.db"
    monkeypatch.setenv("LOR_DB", str(db))
    monkeypatch.setenv("LOR_TODAY", "2026-11-20")
    for name in ("LOR_SHARED", "LOR_DATABASE_URL", "HOSTNAME"):
        monkeypatch.delenv(name, raising=False)
    return db


def test_on_a_students_own_computer_the_sidebar_says_one_plan_and_why(own_server):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and at.title[0].value == "Dashboard"
    said = [shown(c.value) for c in at.sidebar.caption]
    assert any(c.startswith("One plan, on this computer (you opened it on the computer it runs on") for c in said)
    at.switch_page("pages/share.py").run()
    assert any("running on your own computer" in i.value for i in at.info)


def test_a_visitor_from_another_computer_gets_the_two_choices_and_no_plan(own_server, monkeypatch):
    from lor.ui import server

    monkeypatch.setattr(server, "_from_here", lambda: False)  # Streamlit listening on every interface, a classmate
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "LOR Planner is not running: choose who this server is for"
    choices = " ".join(shown(m.value) for m in at.markdown)
    assert "[lor] shared = true" in choices and "[lor] shared = false" in choices and "localhost" in choices
    assert not own_server.exists() and not at.query_params.get("w")


def test_one_plan_for_everybody_said_by_a_setting_is_never_called_your_own_computer(own_server, monkeypatch):
    from lor.ui import server

    monkeypatch.setattr(server, "_from_here", lambda: False)
    monkeypatch.setenv("LOR_SHARED", "0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert any("One plan for everybody" in w and "LOR_SHARED=0" in w for w in map(shown, at.sidebar.warning.values))
    at.switch_page("pages/share.py").run()
    assert not any("running on your own computer" in i.value for i in at.info)
    assert any("serves one plan to everybody" in w.value for w in at.warning)
