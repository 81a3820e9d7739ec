"""Nothing holds a cloud's state in a module global or a class attribute: several clouds
(contexts) live in one app, so what one connection learns must live in its `Context`.

Read from the source: a module-level container that a function changes, a class attribute
holding a container, and an assignment to a class's attribute from outside are each a place
where two clouds would share state.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("tui", "screens", "widgets")
MUTATORS = {
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
}
CONTAINER_CALLS = {"dict", "list", "set", "defaultdict", "WeakKeyDictionary", "WeakValueDictionary"}
# Textual's declarative class attributes: read by the framework, never changed at runtime
TEXTUAL_DECLARATIONS = {"BINDINGS", "COMPONENT_CLASSES", "COMMANDS", "CSS_PATH", "DEFAULT_CSS"}


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((REPO / package).rglob("*.py"))


def _is_container(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in CONTAINER_CALLS
    return False


def _targets(node: ast.stmt) -> list[tuple[str, ast.expr | None]]:
    if isinstance(node, ast.Assign):
        return [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, node.value)]
    return []


def _is_class_name(name: str) -> bool:
    """CamelCase: a class (defined here or imported), not a variable or a CONSTANT."""
    return name[:1].isupper() and not name.isupper()


def _shared(node: ast.expr, containers: set[str]) -> str:
    """The name of a module-level container, or of a class's attribute (``Names.projects``)
    that `node` is; "" for anything else."""
    if isinstance(node, ast.Name) and node.id in containers:
        return node.id
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and _is_class_name(node.value.id)
    ):
        return f"{node.value.id}.{node.attr}"
    return ""


def _is_dataclass(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
        if name == "dataclass":
            return True
    return False


def problems_in(tree: ast.Module) -> list[str]:
    found: list[str] = []
    containers = {
        name for stmt in tree.body for name, value in _targets(stmt) if _is_container(value)
    }
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and not _is_dataclass(stmt):
            for item in stmt.body:
                for name, value in _targets(item):
                    if name not in TEXTUAL_DECLARATIONS and _is_container(value):
                        found.append(f"class attribute {stmt.name}.{name} holds a container")
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    ]
    for function in functions:
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                found.append(f"line {node.lineno}: global {', '.join(node.names)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = _shared(node.func.value, containers)
                if owner and node.func.attr in MUTATORS:
                    found.append(f"line {node.lineno}: {owner}.{node.func.attr}()")
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign | ast.Delete):
                targets = list(node.targets)
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and (
                    owner := _shared(target.value, containers)
                ):
                    found.append(f"line {node.lineno}: {owner}[...] changed")
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and _is_class_name(target.value.id)
                ):
                    found.append(f"line {node.lineno}: {target.value.id}.{target.attr} set")
    return list(dict.fromkeys(found))  # a nested function is walked with its parent too


@pytest.mark.parametrize("path", list(sources()), ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_or_class_level_state(path: Path) -> None:
    problems = problems_in(ast.parse(path.read_text(encoding="utf-8")))
    assert not problems, f"{path.relative_to(REPO)}: " + "; ".join(problems)


def test_the_check_catches_the_shapes_it_looks_for() -> None:
    source = """
class Names:
    projects: dict[str, str] = {}

class Thresholds:
    minutes = 15

HISTORY: dict[str, list[str]] = {}

def learn(ident, name):
    Names.projects[ident] = name
    Thresholds.minutes = 30
    HISTORY.setdefault("compute", []).append(name)
    HISTORY["x"] = []

def forget(ident):
    Names.projects.pop(ident, None)
"""
    problems = sorted(problems_in(ast.parse(source)))
    assert problems == [
        "class attribute Names.projects holds a container",
        "line 11: Names.projects[...] changed",
        "line 12: Thresholds.minutes set",
        "line 13: HISTORY.setdefault()",
        "line 14: HISTORY[...] changed",
        "line 17: Names.projects.pop()",
    ]
