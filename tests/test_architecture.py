"""The shape of the house, read from the code itself with ``ast``: which folder may import Streamlit, and no circle.

- Only ``lor/ui/``, ``pages/`` and ``app.py`` import Streamlit; every other ``lor`` module is plain Python (it can run
  in a notebook or a script), and importing all of them loads no Streamlit at all.
- The core never imports ``lor.ui``.
- No import circle between ``lor`` modules, whether the import is at the top of a file or inside a function (an
  import only the type checker reads, under ``if TYPE_CHECKING:``, is not one).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def lor_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / "lor").rglob("*.py"))}


def _runtime_nodes(tree: ast.AST):
    """Every node of the tree except those under ``if TYPE_CHECKING:`` (names for the type checker only: no import
    happens when the program runs, so no arrow)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every module ``path`` imports when it runs (anywhere in the file): lor modules by their name, others by top."""
    out: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known}
    return out


def is_ui(name: str) -> bool:
    return name == "lor.ui" or name.startswith("lor.ui.")


def test_only_the_ui_folder_pages_and_app_import_streamlit():
    known = set(lor_modules())
    offenders = [
        name
        for name, path in lor_modules().items()
        if not is_ui(name) and any(m.split(".")[0] == "streamlit" for m in imports_of(path, known))
    ]
    assert offenders == []
    core = sorted(n for n in known if not is_ui(n) and n != "lor")
    code = f"import sys, importlib; [importlib.import_module(m) for m in {core!r}]; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
    assert {"lor.models", "lor.store", "lor.planner", "lor.plancache", "lor.timeline"} <= set(core)


def test_the_core_never_imports_the_ui():
    known = set(lor_modules())
    arrows = {
        (name, imported)
        for name, path in lor_modules().items()
        if not is_ui(name)
        for imported in imports_of(path, known)
        if is_ui(imported)
    }
    assert arrows == set()


def test_no_import_circle_between_lor_modules():
    modules = lor_modules()
    known = set(modules)
    graph = {
        name: {m for m in imports_of(path, known) if m in known and m != name and not name.startswith(m + ".")}
        for name, path in modules.items()
    }
    circles = []
    state: dict[str, int] = {}  # 1 on the path being walked, 2 done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    assert circles == []


def test_storing_a_plan_loads_no_planner_and_no_postgresql_driver():
    # The store is the app's floor: importing it must not pull in the planner (join codes live apart from the desk's
    # rows for this) nor psycopg (loaded only when a PostgreSQL address is opened).
    code = "import sys, lor.store; print(sorted(m for m in ('lor.planner', 'lor.desk', 'psycopg') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_a_module_over_600_lines_says_at_its_top_why_it_is_long():
    for path in sorted((ROOT / "lor").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 600:
            docstring = ast.get_docstring(ast.parse(text)) or ""
            assert "Long on purpose:" in docstring, f"{path.relative_to(ROOT)} is over 600 lines and does not say why"
