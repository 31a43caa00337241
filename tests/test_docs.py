"""The README stays true to the code (in the manner of sqlite-utils' tests/test_docs.py): its two commands are the
ones CI runs, every page in the navigation is described, every setting is documented, the layout map names every
folder there is (and none that isn't), and every local link points at a file that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lor import config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path: path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
RUN_COMMAND = "pip install -r requirements.txt && streamlit run app.py"
TEST_COMMAND = "pip install -r requirements-dev.txt && pytest"


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_the_two_commands_are_the_readmes_and_ci_runs_the_test_command_exactly():
    assert f"```bash\n{RUN_COMMAND}\n```" in _section("Run it")
    assert f"```bash\n{TEST_COMMAND}\n```" in _section("Test it")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == TEST_COMMAND


def test_every_layer_the_readme_offers_is_a_marker_pytest_knows():
    markers = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    offered = re.findall(r'`pytest -m "?([a-z ]+?)"?`', _section("Test it"))
    assert offered, "the Test it section names no layer"
    for expression in offered:
        for word in set(expression.split()) - {"and", "not", "or"}:
            assert f'"{word}:' in markers, f"{word} is not a marker in pyproject.toml"


def _page_titles() -> list[str]:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    titles = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            title = next((k.value for k in node.keywords if k.arg == "title"), None)
            path = node.args[0] if node.args else None
            if isinstance(title, ast.Constant) and isinstance(path, ast.Constant):  # pages/*.py, not problem pages
                titles.append(title.value)
    return titles


def test_every_page_in_the_navigation_is_described_under_the_pages():
    titles = _page_titles()
    assert "Dashboard" in titles and "Advisor desk" in titles
    described = re.findall(r"^- \*\*([^*]+)\*\*", _section("The pages"), flags=re.M)
    assert sorted(titles) == sorted(described)


@pytest.mark.parametrize("name", sorted(config.LorTable.model_fields))
def test_every_lor_setting_is_in_the_readme_and_the_example_secrets(name):
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    assert name in README, f"[lor] {name} is not described in the README"
    assert re.search(rf"^#? ?{name} = ", example, flags=re.M), f"[lor] {name} is not in secrets.toml.example"


@pytest.mark.parametrize("name", ["LOR_SHARED", "LOR_DATABASE_URL", "LOR_DB", "LOR_TEST_DATABASE_URL", "LOR_TODAY"])
def test_every_environment_variable_a_user_sets_is_in_the_readme(name):
    assert name in config.Environment.model_fields
    assert f"`{name}" in README


def test_the_layout_map_names_every_folder_there_is_and_none_that_is_not():
    block = _section("The code").split("```")[1]
    mapped = {line.split()[0].rstrip("/") for line in block.strip().splitlines() if line and not line.startswith(" ")}
    for entry in mapped:
        assert (ROOT / entry).exists(), f"the layout map names {entry}, which does not exist"
    tracked = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    tracked -= {"artifacts", "__pycache__"}  # made by runs, not part of the project (.gitignore)
    tracked = {name for name in tracked if not name.endswith(".egg-info")}
    assert tracked <= mapped, f"folders missing from the layout map: {sorted(tracked - mapped)}"
    assert {"lor/ui", "lor/store"} <= mapped


@pytest.mark.parametrize("path", sorted(DOCS), ids=lambda p: p.name)
def test_every_local_link_points_at_a_file_that_exists(path):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", DOCS[path]):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (path.parent / target).exists(), f"{path.name} links to {target}, which does not exist"
