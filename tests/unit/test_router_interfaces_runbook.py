"""Removing a router's interfaces as a runbook: planned from the cloud, one call each, and
after a restart each interface's port says whether its call went through."""

from __future__ import annotations

from tui.backend.memory import MemoryBackend
from tui.backend.models import Router
from tui.runbook.recipe import Found, ItemRun
from tui.runbook.router_interfaces import RemoveInterfaces, remove_interfaces_request


async def first_router(backend: MemoryBackend) -> Router:
    async for page in backend.routers():
        return page[0]
    raise AssertionError("no router")


async def test_one_item_per_interface_and_the_probe_tells_done_from_not_started() -> None:
    backend = MemoryBackend(servers=0)  # no server: no floating IP needs the interface
    router = await first_router(backend)
    request = remove_interfaces_request(router)
    recipe = RemoveInterfaces()
    assert request.recipe == recipe.name
    assert recipe.title(request.params) == f"Remove every interface of router {router.name}"
    (item,) = await recipe.plan(backend, request.params)
    assert item.calls == [f"remove interface port {item.key} from router {router.id}"]
    assert "on subnet" in item.label
    probe = await recipe.probe(backend, item, request.params)
    assert probe.found is Found.NOT_STARTED

    run = ItemRun(backend, item, request.params, follow_only=False, changed=lambda _: None)
    await recipe.run(run)
    assert item.sent == item.calls
    assert (await recipe.probe(backend, item, request.params)).found is Found.DONE
    assert await recipe.plan(backend, request.params) == []
    assert backend.writes[-1][0] == "remove-router-interface"
