"""How a screen knows its cloud: every screen that shows or changes a cloud holds a `Context`.

A screen is given its context (``context=``), or it takes the context of the screen that
opened it (the one on top when it is made), else the app's current one. It asks that context
for its backend, names, capabilities, read-only flag and runbooks — never the app — so a
screen of one cloud keeps talking to that cloud whichever cloud is current.
"""

from __future__ import annotations

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

    context: Context

    def __init__(self, *args: Any, context: Context | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `self.app` is the running app already (Textual's active app), not yet the parent's
        self.context = context if context is not None else opening_context(self.app)

    def show_context(self, header: CloudHeader) -> None:
        """Fill `header` with this screen's cloud (the app keeps it up to date)."""
        header.show(self.context)
