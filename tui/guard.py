"""Keeping the session alive: a failing message handler is reported, its screen lives on.

Textual ends a message pump (and, by default, the app) when one of its handlers raises.
A screen or the app that mixes this in hands the failure to ``StackdeckApp.report_failure``
instead (crash file + error panel) and keeps processing its messages.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump


def title_of(node: Any) -> str:
    """How the operator knows a screen: its resource's title, else its class name."""
    try:
        screen = getattr(node, "screen", node)
    except Exception:  # an app with no screen yet
        screen = node
    resource = getattr(screen, "resource", None)
    return getattr(resource, "title", None) or type(screen).__name__


class GuardedHandlers(MessagePump):
    """Mix in before the Textual class: ``class X(GuardedHandlers, Screen[None])``."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)
        except Exception as exc:
            what = f"{title_of(self)} · handling {type(message).__name__}"
            self.app.report_failure(exc, what)  # type: ignore[attr-defined]
