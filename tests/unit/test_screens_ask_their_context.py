"""Screens and widgets talk to their own cloud: they ask their `context` (its backend, names,
read-only flag, runbooks, refresh period), never the app's, so a screen of one cloud keeps
talking to that cloud whichever cloud is current."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# what belongs to a cloud, and so is asked of a context rather than reached through the app
PER_CLOUD = {"backend", "runbooks", "settings", "ensure_connected", "context"}
# where a screen that was given no context takes the opener's, else the app's current one
CHOOSES_THE_CONTEXT = {"screens/contextual.py": {"context"}}


def reaches(tree: ast.AST) -> list[tuple[int, str]]:
    """`app.<x>` / `self.app.<x>` for a per-cloud x, as (line, text)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or node.attr not in PER_CLOUD:
            continue
        owner = node.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "app") or (
            isinstance(owner, ast.Name) and owner.id == "app"
        ):
            found.append((node.lineno, f"{ast.unparse(node)}"))
    return found


@pytest.mark.parametrize(
    "path",
    sorted([*(REPO / "screens").rglob("*.py"), *(REPO / "widgets").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_no_screen_or_widget_reaches_the_apps_cloud(path: Path) -> None:
    name = str(path.relative_to(REPO))
    allowed = CHOOSES_THE_CONTEXT.get(name, set())
    found = [
        (line, text)
        for line, text in reaches(ast.parse(path.read_text(encoding="utf-8")))
        if text.rsplit(".", 1)[-1] not in allowed
    ]
    assert not found, f"{name} reaches the app's cloud: " + ", ".join(
        f"line {line}: {text}" for line, text in found
    )


def test_the_check_sees_a_reach() -> None:
    source = "def f(self, app):\n    self.app.backend.servers()\n    return app.runbooks\n"
    assert sorted(reaches(ast.parse(source))) == [(2, "self.app.backend"), (3, "app.runbooks")]
