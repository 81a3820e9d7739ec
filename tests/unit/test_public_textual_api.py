"""stackdeck uses Textual's public API only, and every node of its runs under the guard.

A private attribute Textual defines is a name with one leading underscore that a class of
the ``textual`` package defines: a method, a class attribute, or an attribute its methods
set on ``self`` (read from Textual's own source, so the rule follows the installed
version). Our code must not:

- reach one on another object (``screen._bindings``, ``app._exit``, ``worker._state``);
- in a class of ours built on a Textual class, use, override or define one on ``self``
  (``self._bindings``, ``def _handle_exception``, ``def _on_message``): reading Textual's
  internals, hooking into them, or clobbering its state by accident;
- import from Textual's private modules or import its private names.

Names Textual does not define (our own ``self._rows``) are ours to use. The rule is by
name, not by type: an ``obj._x`` where ``_x`` is a private name of some Textual class is
refused whatever ``obj`` is, which only asks our own private attributes to stay inside
their class.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import textual
from textual.message_pump import MessagePump

from tui.guard import GuardedHandlers

REPO = Path(__file__).resolve().parents[2]
# where the code lives, and the package it installs as
PACKAGES = {"tui": "tui", "screens": "tui.screens", "widgets": "tui.widgets"}
TEXTUAL_DIR = Path(textual.__file__).parent


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def class_privates(node: ast.ClassDef) -> set[str]:
    """The private names one class body defines or sets on ``self``."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and private(item.name):
            names.add(item.name)
        targets = (
            item.targets
            if isinstance(item, ast.Assign)
            else [item.target]
            if isinstance(item, ast.AnnAssign)
            else []
        )
        names |= {t.id for t in targets if isinstance(t, ast.Name) and private(t.id)}
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.ctx, ast.Store)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == "self"
            and private(sub.attr)
        ):
            names.add(sub.attr)
    return names


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def class_nodes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """Classes of a module by qualified name (``Outer.Inner``)."""
    found: dict[str, ast.ClassDef] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                found[prefix + child.name] = child
                walk(child, f"{prefix}{child.name}.")
            elif not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                walk(child, prefix)

    walk(tree, "")
    return found


@cache
def textual_privates(cls: type) -> frozenset[str]:
    """What the Textual classes in ``cls``'s MRO define privately."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.split(".")[0] != "textual":
            continue
        source = getattr(sys.modules[base.__module__], "__file__", None)
        node = class_nodes(parsed(Path(source))).get(base.__qualname__) if source else None
        names |= class_privates(node) if node else {n for n in vars(base) if private(n)}
    return frozenset(names)


@cache
def all_textual_privates() -> frozenset[str]:
    names: set[str] = set()
    for path in TEXTUAL_DIR.rglob("*.py"):
        for node in class_nodes(parsed(path)).values():
            names |= class_privates(node)
    return frozenset(names)


def our_modules() -> Iterator[tuple[Path, object]]:
    for folder, package in PACKAGES.items():
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            yield path, importlib.import_module(name)


def our_classes() -> Iterator[type]:
    seen: set[type] = set()
    for _path, module in our_modules():
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__ and value not in seen:
                seen.add(value)
                yield value


def self_uses(node: ast.ClassDef) -> Iterator[tuple[int, str]]:
    """Private names a class body uses on itself: ``self._x``, ``super()._x``, defines."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and private(item.name):
            yield item.lineno, f"def {item.name}"
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and private(sub.attr):
            value = sub.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls"):
                yield sub.lineno, f"{value.id}.{sub.attr}"
            elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "super":
                yield sub.lineno, f"super().{sub.attr}"


def test_no_private_textual_attribute_is_used() -> None:
    found: list[str] = []
    # ours on Textual classes (with the mixins they are made of)
    for cls in our_classes():
        privates = textual_privates(cls)
        if not privates:
            continue
        for base in cls.__mro__:
            if not base.__module__.startswith("tui."):
                continue
            path = Path(inspect.getfile(base))
            node = class_nodes(parsed(path)).get(base.__qualname__)
            for line, use in self_uses(node) if node else ():
                name = use.rsplit(".", 1)[-1].removeprefix("def ")
                if name in privates:
                    where = f"{path.relative_to(REPO)}:{line}"
                    found.append(f"{where}: {use} (Textual's, in {cls.__name__})")
    # on any other object; imports
    every = all_textual_privates()
    for path, _module in our_modules():
        where = path.relative_to(REPO)
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Attribute) and node.attr in every:
                value = node.value
                mine = isinstance(value, ast.Name) and value.id in ("self", "cls")
                if not mine and not (
                    isinstance(value, ast.Call) and getattr(value.func, "id", "") == "super"
                ):
                    found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                module = node.module or ""
                if any(private(p) for p in module.split(".")) or any(
                    private(a.name) for a in node.names
                ):
                    found.append(f"{where}:{node.lineno}: from {module} import ...")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("textual") and any(
                        private(p) for p in alias.name.split(".")
                    ):
                        found.append(f"{where}:{node.lineno}: import {alias.name}")
    assert not found, "private Textual API in use:\n" + "\n".join(sorted(set(found)))


def test_the_rule_sees_what_it_should() -> None:
    """The rule knows Textual's private names (or it would pass on anything)."""
    from textual.screen import Screen

    assert {"_bindings", "_handle_exception", "_on_message"} <= all_textual_privates()
    assert {"_bindings", "_on_message", "_parent"} <= textual_privates(Screen)
    sample = """
        class S:
            def _on_message(self):
                self._bindings.bind("x", "y")
                super()._handle_exception(None)
    """
    node = class_nodes(ast.parse(textwrap.dedent(sample)))["S"]
    uses = {use for _line, use in self_uses(node)}
    assert {"def _on_message", "self._bindings", "super()._handle_exception"} <= uses


def test_every_screen_and_widget_runs_under_the_guard() -> None:
    """The app, each screen and each widget mix in ``GuardedHandlers`` (events, callbacks,
    timers, workers, compose and render reported, never the end of the session)."""
    unguarded = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in our_classes()
        if issubclass(cls, MessagePump) and not issubclass(cls, GuardedHandlers)
    ]
    assert not unguarded, unguarded


def test_message_handlers_are_declared_with_the_guarded_on() -> None:
    """``@on`` handlers come from ``tui.guard.on``: Textual's would end the session."""
    found = []
    for path, _module in our_modules():
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.ImportFrom) or node.module != "textual":
                continue
            if any(alias.name == "on" for alias in node.names):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert all(f.startswith("tui/guard.py:") for f in found), found
