"""Command palette providers: every resource and every key of the current screen, by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import key_label
from tui.screens.resources.registry import RESOURCES

if TYPE_CHECKING:
    from tui.app import StackdeckApp


class ResourceCommands(Provider):
    """“Open Servers”, “Open Hypervisors”, ... (aliases match too)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            (f"Open {r.title}", f"{r.title}: {', '.join(r.aliases)}", r.name)
            for r in RESOURCES.values()
        ]

    async def discover(self) -> Hits:
        app: StackdeckApp = self.app  # type: ignore[assignment]
        for text, help_text, name in self._commands():
            yield DiscoveryHit(text, partial(app.open_resource, name), help=help_text)

    async def search(self, query: str) -> Hits:
        app: StackdeckApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for text, help_text, name in self._commands():
            score = max(matcher.match(text), matcher.match(help_text))
            if score > 0:
                yield Hit(
                    score, matcher.highlight(text), partial(app.open_resource, name), help=help_text
                )


class ScreenCommands(Provider):
    """The current screen's own keys (refresh, describe, filter, drill-downs...) as commands."""

    def _commands(self) -> list[tuple[str, partial[object], str]]:
        commands = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.description and active.enabled and binding.action != "back":
                run = partial(active.node.run_action, binding.action)
                commands.append((binding.description, run, key_label(key)))
        return commands

    async def discover(self) -> Hits:
        for description, run, key in self._commands():
            yield DiscoveryHit(description, run, help=f"key: {key}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, run, key in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), run, help=f"key: {key}")
