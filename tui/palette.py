"""Command palette providers: every resource and every key of the current screen, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import key_label
from tui.screens.resources.registry import RESOURCES


@runtime_checkable
class ResourceOpener(Protocol):
    """What the palette needs of the app (`StackdeckApp`): a resource list opened by name."""

    def open_resource(self, name: str) -> object: ...


class ResourceCommands(Provider):
    """“Open Servers”, “Open Hypervisors”, ... (aliases match too)."""

    def _open(self, name: str) -> None:
        if isinstance(self.app, ResourceOpener):
            self.app.open_resource(name)

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            (f"Open {r.title}", f"{r.title}: {', '.join(r.aliases)}", r.name)
            for r in RESOURCES.values()
        ]

    async def discover(self) -> Hits:
        for text, help_text, name in self._commands():
            yield DiscoveryHit(text, partial(self._open, name), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, name in self._commands():
            score = max(matcher.match(text), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._open, name), help=help_text)


@runtime_checkable
class ActionRunner(Protocol):
    """What the palette needs of the app to run a list action from anywhere."""

    def run_resource_action(self, name: str, action: str) -> object: ...


class ActionCommands(Provider):
    """List actions declared for the palette (`Action.palette`): “New network setup”."""

    def _run(self, name: str, action: str) -> None:
        if isinstance(self.app, ActionRunner):
            self.app.run_resource_action(name, action)

    def _commands(self) -> list[tuple[str, str, str, str]]:
        return [
            (a.description, f"on {r.title}, key {key_label(a.key)}", r.name, a.name)
            for r in RESOURCES.values()
            for a in r.actions
            if a.palette
        ]

    async def discover(self) -> Hits:
        for text, help_text, name, action in self._commands():
            yield DiscoveryHit(text, partial(self._run, name, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, name, action in self._commands():
            if (score := matcher.match(text)) > 0:
                run = partial(self._run, name, action)
                yield Hit(score, matcher.highlight(text), run, help=help_text)


class ScreenCommands(Provider):
    """The current screen's own keys (refresh, describe, filter, drill-downs...) as commands."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        commands: list[tuple[str, Callable[[], object], str]] = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.description and active.enabled and binding.action != "back":
                # the action runs in the namespace of the node that binds the key
                run = partial(self.app.run_action, binding.action, active.node)
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
