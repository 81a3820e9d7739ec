"""Helpers for declaring actions: the `run` of an action that is one backend call on its row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tui.backend.base import Backend
from tui.forms import Values

Run = Callable[[Backend, Any, Values], Awaitable[Any]]


def row_call(call: Callable[[Backend, Any], Awaitable[Any]]) -> Run:
    """An action's `run` that asks nothing: ``call(backend, row)``, e.g. a delete whatever
    the backend method takes (the row, its id, its name)."""

    async def run(backend: Backend, row: Any, _values: Values) -> Any:
        return await call(backend, row)

    return run
