"""The in-memory Heat and Swift behave as the real services do (what the pilots rely on)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound, ReadOnlyError
from tui.backend.memory import MemoryBackend
from tui.backend.models import Stack, StackSpec

TEMPLATE = {
    "heat_template_version": "2018-08-31",
    "description": "two servers",
    "parameters": {"flavor": {"type": "string"}, "image": {"type": "string", "default": "cirros"}},
    "resources": {
        "web": {"type": "OS::Nova::Server", "properties": {"flavor": {"get_param": "flavor"}}},
        "data": {"type": "OS::Cinder::Volume", "properties": {"size": 1}},
    },
    "outputs": {
        "ip": {"description": "the address", "value": {"get_attr": ["web", "first_address"]}}
    },
}


async def names(backend: MemoryBackend, *, all_projects: bool = False) -> list[str]:
    return [s.name async for page in backend.stacks(all_projects=all_projects) for s in page]


async def test_a_stack_is_created_then_complete_with_its_resources_and_events() -> None:
    heat = MemoryBackend()
    spec = StackSpec(name="web", template=TEMPLATE, parameters=(("flavor", "m1.small"),))
    created = await heat.create_stack(spec)
    assert created.status == "CREATE_IN_PROGRESS"
    assert (await heat.stack(created.id)).status == "CREATE_IN_PROGRESS"
    done = await heat.stack(created.id)
    assert (done.status, done.status_reason) == (
        "CREATE_COMPLETE",
        "Stack CREATE completed successfully",
    )
    assert done.raw["parameters"]["flavor"] == "m1.small"
    assert done.raw["parameters"]["image"] == "cirros"
    assert done.raw["template_description"] == "two servers"
    assert [o["output_key"] for o in done.raw["outputs"]] == ["ip"]
    assert "web" in await names(heat)
    resources = await heat.stack_resources(done)
    assert [(r.name, r.type, r.status) for r in resources] == [
        ("web", "OS::Nova::Server", "CREATE_COMPLETE"),
        ("data", "OS::Cinder::Volume", "CREATE_COMPLETE"),
    ]
    events = [e async for page in heat.stack_events(done) for e in page]
    assert (events[0].resource_name, events[0].status) == ("web", "CREATE_COMPLETE")
    assert events[-1].status_reason == "Stack CREATE started"
    assert [e.time for e in events] == sorted((e.time for e in events), reverse=True)
    assert heat.writes == [("create-stack", "stack web")]


@pytest.mark.parametrize(
    ("rollback", "final"), [(True, "ROLLBACK_COMPLETE"), (False, "CREATE_FAILED")]
)
async def test_a_failing_resource_fails_the_stack(rollback: bool, final: str) -> None:
    heat = MemoryBackend()
    template = {
        "heat_template_version": "2018-08-31",
        "resources": {"boom": {"type": "OS::Heat::TestResource", "properties": {"fail": True}}},
    }
    created = await heat.create_stack(StackSpec(name="bad", template=template, rollback=rollback))
    await heat.stack(created.id)
    stack = await heat.stack(created.id)
    assert stack.status == final and stack.failed is (final == "CREATE_FAILED")
    events = [e async for page in heat.stack_events(stack) for e in page]
    assert any("Test Resource failed boom" in e.status_reason for e in events)


@pytest.mark.parametrize(
    ("template", "parameters", "message"),
    [
        ({"resources": {}}, (), "Template format version not found."),
        (TEMPLATE, (), "The Parameter (flavor) was not provided."),
        (TEMPLATE, (("flavor", "x"), ("colour", "red")), "The Parameter (colour) was not defined"),
    ],
)
async def test_heat_refuses_bad_templates(
    template: dict[str, object], parameters: tuple[tuple[str, str], ...], message: str
) -> None:
    heat = MemoryBackend()
    with pytest.raises(BackendError) as refused:
        await heat.create_stack(StackSpec(name="x", template=template, parameters=parameters))
    assert refused.value.status == 400 and message in refused.value.message
    assert refused.value.request_id


async def test_a_name_is_taken_once_per_project() -> None:
    heat = MemoryBackend()
    with pytest.raises(Conflict, match=r"The Stack \(web-tier\) already exists"):
        await heat.create_stack(StackSpec(name="web-tier", template=TEMPLATE))


async def test_delete_runs_then_the_stack_leaves_the_list() -> None:
    heat = MemoryBackend()
    (stack,) = [s async for page in heat.stacks() for s in page if s.name == "web-tier"]
    await heat.delete_stack(stack)
    assert (await heat.stack(stack.id)).status == "DELETE_IN_PROGRESS"
    assert (await heat.stack(stack.id)).status == "DELETE_COMPLETE"
    assert "web-tier" not in await names(heat)
    with pytest.raises(NotFound):
        await heat.delete_stack(stack)


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


async def test_pseudo_folders() -> None:
    swift = MemoryBackend()
    assert await listing(swift, "backups") == ["README.txt", "db/", "etc/"]
    assert await listing(swift, "backups", "db/") == [
        "2026-11-01.sql.gz",
        "2026-11-02.sql.gz",
        "weekly/",
    ]
    flat = [o.name async for page in swift.objects("backups") for o in page]
    assert len(flat) == 6 and "db/weekly/2026-w44.sql.gz" in flat


async def test_container_life_and_the_409(tmp_path: Path) -> None:
    swift = MemoryBackend()
    created = await swift.create_container("logs")
    assert (created.name, created.count) == ("logs", 0)
    source = tmp_path / "a.txt"
    source.write_bytes(b"line\n" * 1000)
    progress: list[tuple[int, int | None]] = []
    threads: set[str] = set()

    def watch(done: int, total: int | None) -> None:
        progress.append((done, total))
        threads.add(threading.current_thread().name)

    stored = await swift.upload_object("logs", "2026/a.txt", str(source), watch)
    assert threading.main_thread().name not in threads, "progress comes from a worker thread"
    assert (stored.bytes, stored.content_type) == (5000, "text/plain")
    assert progress[-1] == (5000, 5000)
    assert (await swift.container("logs")).count == 1
    with pytest.raises(Conflict, match=r"container logs is not empty \(HTTP 409\)"):
        await swift.delete_container("logs")
    target = tmp_path / "copy.txt"
    assert await swift.download_object("logs", "2026/a.txt", str(target)) == 5000
    assert target.read_bytes() == source.read_bytes()
    await swift.delete_object("logs", "2026/a.txt")
    await swift.delete_container("logs")
    assert "logs" not in [c.name async for page in swift.containers() for c in page]
    assert [w[0] for w in swift.writes] == [  # the refused delete is not a write
        "create-container",
        "upload-object",
        "delete-object",
        "delete-container",
    ]


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
