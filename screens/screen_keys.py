"""A screen's keys through Textual's public API: the ``BINDINGS`` its classes declare.

Textual reads a node's keys from its class (``BINDINGS``, merged over the class's bases) and
offers no public way to add keys to one instance. A screen whose keys depend on what it
shows (a resource's actions and drill-downs, a runbook's follow-ups) is made an instance of
a subclass that declares them: ``with_keys``. The help page reads the same declarations back:
``declared_bindings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypeVar, cast

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

N = TypeVar("N", bound=DOMNode)


def key_binding(keys: str, action: str, description: str = "", *, show: bool = True) -> Binding:
    """A binding as `BindingsMap.bind` makes one: shown only with a description."""
    return Binding(keys, action, description, show=bool(description and show))


def with_keys(cls: type[N], keys: Sequence[Binding]) -> type[N]:
    """``cls``, or the subclass of it (one per set of keys) that also answers ``keys``;
    a key ``cls`` binds already keeps its binding first."""
    if not keys:
        return cls
    return cast("type[N]", _keyed(cls, tuple(keys)))


@cache
def _keyed(cls: type[DOMNode], keys: tuple[Binding, ...]) -> type[DOMNode]:
    own = [binding for bindings in declared_bindings(cls).values() for binding in bindings]
    namespace = {"BINDINGS": [*own, *keys], "__module__": cls.__module__, "__doc__": cls.__doc__}
    return cast("type[DOMNode]", type(cls.__name__, (cls,), namespace))


def declared_bindings(cls: type[DOMNode]) -> dict[str, list[Binding]]:
    """Every key a node class declares, merged as Textual merges them: a class's bindings
    for a key replace those of its bases."""
    merged: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        if issubclass(base, DOMNode) and "BINDINGS" in vars(base):
            merged.update(BindingsMap(vars(base)["BINDINGS"]).key_to_bindings)
    return merged
