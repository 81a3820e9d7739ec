"""The in-memory Heat and Swift: the demo's own stacks and containers (what the pilots rely
on). What Heat and Swift promise on every backend: tests/contract/test_orchestration_contract.py
and tests/contract/test_object_store_contract.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.backend.errors import BackendError, Forbidden, NotFound, ReadOnlyError
from tui.backend.memory import MemoryBackend
from tui.backend.models import Stack


async def names(backend: MemoryBackend, *, all_projects: bool = False) -> list[str]:
    return [s.name async for page in backend.stacks(all_projects=all_projects) for s in page]


async def test_projects_and_admin() -> None:
    admin = MemoryBackend()
    assert await names(admin) == ["db-cluster", "web-tier"]
    assert await names(admin, all_projects=True) == [
        "legacy-app",
        "monitoring",
        "db-cluster",
        "web-tier",
    ]
    member = MemoryBackend(is_admin=False)
    with pytest.raises(Forbidden):
        await names(member, all_projects=True)
    other = Stack.from_api({"id": (await anext(admin.stacks(all_projects=True)))[0].id})
    with pytest.raises(NotFound):
        await member.stack(other.id)


async def test_the_first_stack_is_built_of_the_projects_real_things() -> None:
    heat = MemoryBackend()
    (stack,) = [s async for page in heat.stacks() for s in page if s.name == "web-tier"]
    by_type = {r.type: r.physical_id for r in await heat.stack_resources(stack)}
    server = await heat.server(by_type["OS::Nova::Server"])
    assert server.project_id == stack.project_id
    assert (await heat.volume(by_type["OS::Cinder::Volume"])).id
    assert (await heat.network(by_type["OS::Neutron::Net"])).id


# -- Swift ------------------------------------------------------------------------------------


async def listing(swift: MemoryBackend, container: str, prefix: str = "") -> list[str]:
    pages = swift.objects(container, prefix=prefix, delimiter="/")
    return [o.short async for page in pages for o in page]


async def test_swift_writes_are_refused_read_only(tmp_path: Path) -> None:
    swift = MemoryBackend(read_only=True)
    source = tmp_path / "f"
    source.write_bytes(b"x")
    for call in (
        swift.create_container("c"),
        swift.delete_container("empty-bucket"),
        swift.delete_object("backups", "README.txt"),
        swift.upload_object("backups", "f", str(source)),
    ):
        with pytest.raises(ReadOnlyError):
            await call
    target = tmp_path / "readme"
    assert await swift.download_object("backups", "README.txt", str(target)) == 310
    assert swift.writes == []


async def test_over_5_gib_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    big = tmp_path / "disk.img"
    with open(big, "wb") as sparse:
        sparse.truncate(5 * 1024**3 + 1)
    swift = MemoryBackend()
    with pytest.raises(BackendError, match="need segments"):
        await swift.upload_object("backups", "disk.img", str(big))
    assert swift.writes == []
