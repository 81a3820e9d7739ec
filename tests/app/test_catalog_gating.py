"""A resource whose service is not in the cloud's catalog says so instead of listing."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.app_helpers import demo_app, screen_text, settle
from tui.backend.base import Backend
from tui.backend.memory import MemoryBackend
from tui.resource import Col, Resource, Scope, attr
from tui.screens.resource import ResourceScreen

listed: list[str] = []


async def _stacks(backend: Backend, scope: Scope) -> AsyncIterator[list[object]]:
    listed.append("stacks")
    if False:  # pragma: no cover - an empty async generator
        yield []


STACKS = Resource(
    name="stacks",
    title="Stacks",
    aliases=(),
    columns=(Col("Name", attr("name")),),
    list=_stacks,
    service=("orchestration",),
    service_name="Heat",
)


def test_missing_service_names_the_service_and_its_types() -> None:
    assert STACKS.missing_service(["compute", "orchestration"]) is None
    assert STACKS.missing_service([]) is None  # no catalog known: try it
    assert STACKS.missing_service(["compute"]) == (
        "This cloud's catalog has no Heat service (orchestration)."
    )


async def test_screen_explains_a_missing_service_and_never_lists() -> None:
    listed.clear()
    app = demo_app(services=("compute", "identity", "network"))
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ResourceScreen(STACKS))
        await settle(pilot)
        assert "This cloud's catalog has no Heat service (orchestration)." in screen_text(pilot)
        assert listed == []


async def test_screen_lists_when_the_catalog_has_the_service() -> None:
    listed.clear()
    app = demo_app()
    assert MemoryBackend().info.has_service("orchestration")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ResourceScreen(STACKS))
        await settle(pilot)
        assert listed == ["stacks"]
        assert "No stacks" in screen_text(pilot)


async def test_a_list_of_one_parents_items_opened_directly_says_where_to_open_it() -> None:
    from tui.screens.resources.registry import RESOURCES

    parented = [r for r in RESOURCES.values() if r.scope_key]
    assert {"flavor-extra-specs", "image-members", "attachments", "stack-events"} <= {
        r.name for r in parented
    }
    assert all(r.reached_from for r in parented)
    app = demo_app()
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        for resource in parented:
            app.open_resource(resource.name)
            await settle(pilot)
            text = screen_text(pilot)
            assert f"open them from {resource.reached_from}" in text, resource.name
            assert app.screen.error is None  # type: ignore[attr-defined]
