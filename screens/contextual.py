"""How a screen knows its cloud: every screen that shows or changes a cloud holds a `Context`.

A screen is given its context (``context=``), or it takes the context of the screen that
opened it (the one on top when it is made), else the app's current one. It asks that context
for its backend, names, capabilities, read-only flag and runbooks — never the app — so a
screen of one cloud keeps talking to that cloud whichever cloud is current.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from tui.context import Context

if TYPE_CHECKING:
    from tui.widgets.header import CloudHeader


def opening_context(app: Any) -> Context:
    """The context of the topmost screen of `app` that has one (a dialog over a list has
    none: the list's), else the app's current one."""
    for screen in reversed(app.screen_stack):
        context = getattr(screen, "context", None)
        if isinstance(context, Context):
            return context
    current: Context = app.context
    return current


class Contextual:
    """Mixed into a screen, before Textual's `Screen`: takes `context=` off the keywords."""

    app: Any  # the screen's (Textual's active app while it is made)

    def __init__(self, *args: Any, context: Context | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own_context = context
        if context is None:
            # made before the app runs (no active app): the current context, once asked
            with suppress(RuntimeError):
                self._own_context = opening_context(self.app)  # the opener is on top

    @property
    def context(self) -> Context:
        """This screen's cloud."""
        if self._own_context is None:
            current: Context = self.app.context
            self._own_context = current
        return self._own_context

    def show_context(self, header: CloudHeader) -> None:
        """Fill `header` with this screen's cloud (the app keeps it up to date)."""
        header.show(self.context)
