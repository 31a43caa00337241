"""Moving a class from SQLite to PostgreSQL (and back): every plan arrives whole, and every link still opens it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from plan_dates import TODAY

from lor.example import load_example
from lor.models import Mentor
from lor.store import LOCAL_WORKSPACE, Store, store_at
from lor.store.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def a_class(store: Store) -> dict[str, tuple[str, str]]:
    """Three students' plans and the local one; returns each plan's (edit, view) tokens by name."""
    links = {}
    for name in ("full", "small", "revoked"):
        edit, view = store.create_workspace()
        links[name] = (edit, view)
    load_example(store.open(links["full"][0]), TODAY)
    small = store.open(links["small"][0])
    for i in range(5):
        small.save_mentor(Mentor(id=f"m{i}", name=f"Dr. Number {i}"))
    small.save_mentor(Mentor(id="m0", name="Dr. Number 0, renamed"))  # an update keeps its place in the order
    store.revoke_view_link(store.open(links["revoked"][0]))
    store.default_workspace().save_mentor(Mentor(id="local", name="Dr. Local"))
    return links


@pytest.fixture(params=["sqlite-to-postgres", "postgres-to-sqlite"])
def ends(request, tmp_path, pg_url) -> tuple[str, str]:
    sqlite = str(tmp_path / "class.db")
    return (sqlite, pg_url) if request.param == "sqlite-to-postgres" else (pg_url, sqlite)


def test_copy_moves_every_plan_with_its_links(ends, capsys):
    source_at, target_at = ends
    source = store_at(source_at)
    links = a_class(source)
    assert main(["copy", "--from", source_at, "--to", target_at]) == 0
    assert "Copied 4 plan(s)" in capsys.readouterr().out
    target = store_at(target_at)
    assert target.workspace_count() == 4
    for name, (edit, view) in links.items():
        assert target.export_json(target.open(edit)) == source.export_json(source.open(edit)), name
        if name == "revoked":
            with pytest.raises(KeyError):
                target.open(view)
        else:
            assert target.open(view).read_only and target.open(view).id == target.open(edit).id
    assert [m.name for m in target.open(links["small"][0]).mentors()][:2] == ["Dr. Number 0, renamed", "Dr. Number 1"]
    local = target.default_workspace()
    assert local.id == LOCAL_WORKSPACE and [m.name for m in local.mentors()] == ["Dr. Local"]
    # The copied plans go on working: a write lands, bumps the version, and stays in its own plan.
    copied = target.open(links["small"][0])
    before = copied.version()
    copied.save_mentor(Mentor(id="new", name="Dr. After The Move"))
    assert copied.version() == before + 1
    assert "Dr. After The Move" not in target.export_json(target.open(links["full"][0]))


def test_copy_refuses_a_target_that_holds_plans_unless_told_to_replace(ends, capsys):
    source_at, target_at = ends
    source, target = store_at(source_at), store_at(target_at)
    links = a_class(source)
    kept, _ = target.create_workspace()
    target.open(kept).save_mentor(Mentor(name="Dr. Already There"))
    assert main(["copy", "--from", source_at, "--to", target_at]) == 1
    assert "already holds 1 plan" in capsys.readouterr().out
    assert target.workspace_count() == 1 and target.open(kept).mentors()[0].name == "Dr. Already There"

    assert main(["copy", "--from", source_at, "--to", target_at, "--replace"]) == 0
    assert target.workspace_count() == 4
    with pytest.raises(KeyError):
        target.open(kept)
    assert target.open(links["full"][0]).student().name == "Jordan Rivera"


def test_the_command_line_says_what_it_did(tmp_path):
    source = tmp_path / "lor.db"
    edit, _ = Store(source).create_workspace()
    target = tmp_path / "copy.db"
    done = subprocess.run(
        [sys.executable, "-m", "lor.store", "copy", "--from", str(source), "--to", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Copied 1 plan(s)" in done.stdout
    assert Store(target).open(edit).is_empty()
    missing = subprocess.run(
        [sys.executable, "-m", "lor.store", "copy", "--from", str(tmp_path / "nope.db"), "--to", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "no database file" in missing.stdout
