"""The in-memory Nova keeping a server where devcloud cannot show it (or not cheaply): a
volume-backed server's snapshot (Cinder snapshots, an image without data) and its rescue
refused, an admin's snapshot of another project's server shared with that project,
diagnostics of a server without a host; and the forms' reading of metadata and tags, and
the diagnostics' numbers for people."""

from __future__ import annotations

import json

import pytest

from tui.backend.errors import BackendError, Conflict
from tui.backend.memory import MemoryBackend
from tui.backend.models import BootSpec, Server
from tui.screens.resources.server_diagnostics import cpu_time, duration, size
from tui.screens.resources.server_maintenance import parse_metadata, parse_tags


async def servers(backend: MemoryBackend) -> list[Server]:
    return [s async for page in backend.servers(all_projects=True) for s in page]


async def settle(backend: MemoryBackend, server_id: str) -> Server:
    for _ in range(10):
        server = await backend.server(server_id)
        if not server.task_state and server.status not in ("BUILD", "REBUILD"):
            return server
    raise AssertionError(server)


async def volume_backed(backend: MemoryBackend) -> Server:
    (flavor,) = [f async for page in backend.flavors() for f in page if f.name == "m1.tiny"]
    image, *_ = [i async for page in backend.images() for i in page]
    spec = BootSpec(name="bfv-1", flavor_id=flavor.id, image_id=image.id, boot_volume_size_gb=2)
    (made,) = await backend.create_servers(spec)
    return await settle(backend, made.id)


async def test_a_volume_backed_snapshot_is_cinder_snapshots_and_an_image_without_data() -> None:
    backend = MemoryBackend(servers=4)
    server = await volume_backed(backend)
    assert server.image == ""
    image_id = await backend.create_server_image(server.id, "bfv-snap")
    image = await backend.image(image_id)
    assert (image.status, image.size) == ("active", 0)
    (mapping,) = json.loads(image.raw["block_device_mapping"])
    assert (mapping["source_type"], mapping["boot_index"]) == ("snapshot", 0)
    snapshot = await backend.volume_snapshot(mapping["snapshot_id"])
    assert snapshot.name == "snapshot for bfv-snap"
    assert (await settle(backend, server.id)).status == "ACTIVE"


async def test_a_volume_backed_server_cannot_be_rescued() -> None:
    backend = MemoryBackend(servers=4)
    server = await volume_backed(backend)
    with pytest.raises(BackendError) as caught:
        await backend.rescue_server(server.id)
    assert caught.value.status == 400
    assert caught.value.message == (
        f"Instance {server.id} cannot be rescued: Cannot rescue a volume-backed instance"
    )


async def test_an_admins_snapshot_of_another_projects_server_is_shared_with_it() -> None:
    backend = MemoryBackend(servers=8)
    theirs = next(
        s
        for s in await servers(backend)
        if s.project_id != backend.info.project_id and s.status == "ACTIVE" and not s.task_state
    )
    image_id = await backend.create_server_image(theirs.id, "theirs-snap")
    image = await backend.image(image_id)
    assert (image.owner, image.visibility) == (backend.info.project_id, "shared")
    members = await backend.image_members(image_id)
    assert [(m.member_id, m.status) for m in members] == [(theirs.project_id, "pending")]


async def test_no_diagnostics_without_a_host() -> None:
    backend = MemoryBackend(servers=4)
    server = next(s for s in await servers(backend) if s.status == "ACTIVE" and not s.task_state)
    await backend.shelve(server.id)
    for _ in range(3):
        await backend.server(server.id)
    with pytest.raises(Conflict) as caught:
        await backend.server_diagnostics(server.id)
    assert caught.value.message == f"Instance {server.id} is not ready"


@pytest.mark.parametrize(
    ("typed", "pairs", "error"),
    [
        ("a=1, b=two", {"a": "1", "b": "two"}, None),
        ("note=a,b, c=d", {"note": "a,b", "c": "d"}, None),
        ("url=http://x/?q=1", {"url": "http://x/?q=1"}, None),
        ("", {}, None),
        ("words", {}, "'words' is not key=value"),
        ("=1", {}, "'=1' has no key"),
        ("a=1, a=2", {"a": "1"}, "'a' is given twice"),
        ("ok=1, bad key!=2", {"ok": "1"}, "key 'bad key!': only letters, digits, space, - _ : ."),
        ("k=" + "v" * 256, {"k": "v" * 256}, "the value of 'k' has 256 characters: at most 255"),
    ],
)
def test_metadata_as_typed(typed: str, pairs: dict[str, str], error: str | None) -> None:
    assert parse_metadata(typed) == (pairs, error)


@pytest.mark.parametrize(
    ("typed", "tags", "error"),
    [
        ("prod, web , prod", ["prod", "web"], None),
        (" , ", [], None),
        ("a/b", [], "tag 'a/b': no '/' (nor ',') in a tag"),
        ("x" * 61, [], f"tag '{'x' * 20}…' has 61 characters: at most 60"),
    ],
)
def test_tags_as_typed(typed: str, tags: list[str], error: str | None) -> None:
    assert parse_tags(typed) == (tags, error)


def test_numbers_for_people() -> None:
    assert [size(n) for n in (None, 5, 2070139, 140208, 3 << 30)] == [
        "-",
        "5 B",
        "2.0 MiB",
        "136.9 KiB",
        "3.0 GiB",
    ]
    assert [duration(s) for s in (None, 45, 720, 46664, 300_000)] == [
        "-",
        "45 s",
        "12 min",
        "12 h 57 min",
        "3 d 11 h",
    ]
    assert [cpu_time(ns) for ns in (None, 17_300_000_000, 7_200_000_000_000)] == [
        "-",
        "17.3 s",
        "2 h 0 min",
    ]
