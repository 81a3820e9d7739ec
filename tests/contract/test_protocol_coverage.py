"""The contract suite pins every method of the backend protocol: each contract module names
the methods it covers in `COVERS`, and each named method is called in that module."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from tui.backend.base import Backend

HERE = Path(__file__).parent


def protocol_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(Backend)
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


def contract_modules() -> list[str]:
    return sorted(p.stem for p in HERE.glob("test_*_contract.py"))


def covers(module: str) -> frozenset[str]:
    return importlib.import_module(f"tests.contract.{module}").COVERS


def called_attributes(module: str) -> set[str]:
    tree = ast.parse((HERE / f"{module}.py").read_text(encoding="utf-8"))
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    } | {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def test_every_protocol_method_is_pinned_by_a_contract_module() -> None:
    covered = set().union(*(covers(m) for m in contract_modules()))
    assert sorted(protocol_methods() - covered) == []


def test_covers_names_only_protocol_methods() -> None:
    known = protocol_methods()
    stray = {m: sorted(covers(m) - known) for m in contract_modules()}
    assert {m: names for m, names in stray.items() if names} == {}


def test_each_module_uses_what_it_says_it_covers() -> None:
    unused = {m: sorted(covers(m) - called_attributes(m)) for m in contract_modules()}
    assert {m: names for m, names in unused.items() if names} == {}
