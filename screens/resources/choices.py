"""Choice loaders for forms: the cloud's flavors, images, networks... as pickable options."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import Server
from tui.backend.states import allows, snapshot_allows
from tui.context import Context
from tui.forms import Choice, ChoiceLoader, Values
from tui.resource import in_context

LIMIT = 5000  # a picker is for choosing, not for browsing a whole cloud


async def collect(pages: AsyncIterator[list[Any]], limit: int = LIMIT) -> list[Any]:
    items: list[Any] = []
    async for page in pages:
        items.extend(page)
        if len(items) >= limit:
            break
    return items[:limit]


def fixed(*pairs: tuple[str, str]) -> ChoiceLoader:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(value, label) for value, label in pairs]

    return load


def _loader(
    pages: Callable[[Backend], AsyncIterator[list[Any]]],
    choice: Callable[[Any], Choice],
    keep: Callable[[Any], bool] = lambda item: True,
) -> ChoiceLoader:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return [choice(item) for item in await collect(pages(backend)) if keep(item)]

    return load


def _everyones(
    pages: Callable[[Backend, bool], AsyncIterator[list[Any]]],
    choice: Callable[[Any], Choice],
    keep: Callable[[Any], bool] = lambda item: True,
) -> ChoiceLoader:
    """Every project's items when the context may list them all, else the project's own."""

    async def load(context: Context, backend: Backend, values: Values) -> list[Choice]:
        items = await collect(pages(backend, context.capabilities.all_projects))
        return [choice(item) for item in items if keep(item)]

    return in_context(load)


def _gib(mb: int) -> str:
    return f"{mb / 1024:g} GiB"


flavor_choices = _loader(
    lambda b: b.flavors(),
    lambda f: Choice(f.id, f.name, f"{f.vcpus} vCPU, {_gib(f.ram_mb)} RAM, {f.disk_gb} GB disk"),
)

image_choices = _loader(
    lambda b: b.images(),
    lambda i: Choice(
        i.id, i.name or i.id, f"{i.disk_format} {i.size // (1 << 20)} MiB {i.visibility}"
    ),
    keep=lambda i: i.status == "active",
)

network_choices = _loader(
    lambda b: b.networks(),
    lambda n: Choice(n.id, n.name or n.id, "external" if n.external else n.network_type),
)

external_network_choices = _loader(
    lambda b: b.networks(external=True),
    lambda n: Choice(n.id, n.name or n.id, n.physical_network or n.network_type),
)

keypair_choices = _loader(
    lambda b: b.keypairs(), lambda k: Choice(k.name, k.name, f"{k.type} {k.fingerprint}")
)

security_group_choices = _loader(
    lambda b: b.security_groups(project_id=b.info.project_id),
    lambda g: Choice(g.name, g.name, g.description),
)


def _servers(keep: Callable[[Server], bool]) -> ChoiceLoader:
    return _everyones(
        lambda b, every: b.servers(all_projects=every),
        lambda s: Choice(s.id, s.name, f"{s.status} {s.project} {s.address_text}"),
        keep=keep,
    )


server_choices = _servers(lambda s: s.status in ("ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED"))
# the servers Nova attaches a volume to (its state table)
attachable_server_choices = _servers(allows("attach_volume"))

# the snapshots Cinder lets a new volume be made from
snapshot_choices = _everyones(
    lambda b, every: b.volume_snapshots(all_projects=every),
    lambda s: Choice(s.id, s.name or s.id, f"{s.size_gb} GiB from {s.volume_id[:8]}"),
    keep=snapshot_allows("restore"),
)

project_choices = _loader(lambda b: b.projects(), lambda p: Choice(p.id, p.name, p.description))


async def availability_zone_choices(backend: Backend, values: Values) -> list[Choice]:
    zones = await backend.availability_zones()
    return [Choice(z.name, z.name, "" if z.available else "unavailable") for z in zones]


free_port_choices = _loader(
    lambda b: b.ports(),
    lambda p: Choice(p.id, p.name or p.id[:8], f"{p.ip_text} on {p.network_id[:8]}"),
    keep=lambda p: not p.device_id and not p.device_owner,
)
