"""Settings are read the way st.secrets reads them and fail closed: a mistake stops the app with a clear page; it never
quietly turns class mode off (which would put every visitor into one shared plan)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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


def test_a_later_file_replaces_a_whole_table_as_st_secrets_does(places):
    write(places["home"], '[lor]\nshared = true\ndb_path = "home.db"\n')
    write(places["cwd"], '[lor]\ndb_path = "project.db"\n')
    got = settings(places)
    assert got.db_path == places["app"] / "project.db" and not got.shared


def test_environment_variables_win_and_must_be_clear(places):
    write(places["cwd"], "[lor]\nshared = false\n")
    assert settings(places, {"LOR_SHARED": "1"}).shared
    assert not settings(places, {"LOR_SHARED": "off"}).shared
    with pytest.raises(ConfigError) as caught:
        settings(places, {"LOR_SHARED": "ture"})
    assert caught.value.key == "LOR_SHARED"
    assert settings(places, {"LOR_DB": "/srv/lor.db"}).db_path == Path("/srv/lor.db")


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
