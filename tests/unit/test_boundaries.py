"""Layering rules of DESIGN.md that the import contracts (pyproject.toml, run by bin/typecheck)
cannot express."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TYPE_CHECKING = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def runtime_imports(path: Path) -> set[str]:
    """The modules a file imports outside ``if TYPE_CHECKING:`` blocks."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in TYPE_CHECKING:
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return names


def test_screens_name_the_app_only_in_annotations() -> None:
    """pyproject's no-cycles contract lets the screens (and the app's runbook mixin) import
    `tui.app` because they only name the app they run in; at run time the app imports them."""
    files = [*sorted((REPO / "screens").rglob("*.py")), REPO / "tui" / "app_runbooks.py"]
    users = [str(p.relative_to(REPO)) for p in files if "tui.app" in runtime_imports(p)]
    assert users == []


def test_a_context_imports_the_runbooks_only_when_it_makes_them() -> None:
    """The no-cycles contract lets `tui.context` import `tui.runbook`: for its annotations and
    when it makes a context's runbooks, never while the module loads."""
    tree = ast.parse((REPO / "tui" / "context.py").read_text(encoding="utf-8"))
    loaded = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui.runbook")
    ]
    assert loaded == []


def test_resource_lists_do_not_use_datatable() -> None:
    users = [
        str(p.relative_to(REPO))
        for folder in ("screens", "widgets")
        for p in (REPO / folder).rglob("*.py")
        if "DataTable" in p.read_text(encoding="utf-8")
    ]
    assert users == []


def test_openstack_is_not_imported_before_first_use() -> None:
    code = (
        "import sys, tui.app, tui.cli, tui.backend.openstack;"
        "mods = ('openstack', 'keystoneauth1', 'keyring', 'asyncssh');"
        "bad = [m for m in mods if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
