"""The layering rules of DESIGN.md, enforced: backend without Textual, UI without SDKs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(folder: str, banned: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO / folder).rglob("*.py")):
        for module in imported_modules(path):
            if module.split(".")[0] in banned:
                found.append(f"{path.relative_to(REPO)} imports {module}")
    return found


def test_backend_imports_no_textual() -> None:
    assert offenders("tui/backend", ("textual",)) == []


@pytest.mark.parametrize("folder", ["screens", "widgets"])
def test_ui_imports_no_cloud_or_secret_libraries(folder: str) -> None:
    banned = ("openstack", "keystoneauth1", "asyncssh", "keyring", "paramiko")
    assert offenders(folder, banned) == []


def test_app_shell_imports_no_cloud_libraries() -> None:
    shell = [p for p in (REPO / "tui").glob("*.py") if p.name not in ("cli.py",)]
    banned = {"openstack", "keystoneauth1", "asyncssh", "keyring"}
    bad = [
        f"{p.name} imports {m}"
        for p in shell
        for m in imported_modules(p)
        if m.split(".")[0] in banned
    ]
    assert bad == []


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
