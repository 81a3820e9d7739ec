"""Everyday work through OpenStackBackend against devcloud: every list, write and refusal.

One server is booted for the module (as the demo user, on demo-net); volumes and floating
IPs are made, used and removed on it (its lifecycle actions are in tests/contract/).
Everything a test creates is removed in a finally, and every write it makes must be in the
audit log.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import openstack
import pytest
import pytest_asyncio
from openstack.connection import Connection

from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound, ReadOnlyError
from tui.backend.models import BootSpec, FloatingIP, Server, VolumeSpec
from tui.backend.openstack import OpenStackBackend

pytestmark = pytest.mark.asyncio(loop_scope="module")

T = TypeVar("T")
CIRROS = "cirros-0.6.2-x86_64-disk"
RUN = uuid.uuid4().hex[:6]


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def named(pages: AsyncIterator[list[Any]], name: str) -> Any:
    return next(item for item in await collect(pages) if item.name == name)


async def until(
    fetch: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str, timeout: float = 90
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = await fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {value!r}")
        await asyncio.sleep(0.5)


async def gone(fetch: Callable[[], Awaitable[Any]], what: str, timeout: float = 90) -> None:
    async def missing() -> bool:
        try:
            await fetch()
        except NotFound:
            return True
        return False

    await until(missing, bool, f"{what} to disappear", timeout)


class Audit:
    """The module's audit log, read as 'what was written since the last look'."""

    def __init__(self, path: Path) -> None:
        self.log = AuditLog(path)
        self._seen = 0

    def since(self) -> list[tuple[str, str]]:
        records = self.log.records()
        fresh, self._seen = records[self._seen :], len(records)
        for record in fresh:
            assert record.request_id.startswith("req-"), record
            assert record.cloud.startswith("devcloud-") and record.user, record
        return [(r.action, "ok" if r.result == "ok" else r.result.split()[1]) for r in fresh]


# -- module fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return Audit(tmp_path_factory.mktemp("audit") / "audit.jsonl")


@pytest.fixture(scope="module")
def sdk(devcloud: Path) -> Iterator[Connection]:
    """A plain SDK connection, only to check and clean up what stackdeck cannot do."""
    conn = openstack.connect(cloud="devcloud-admin")
    yield conn
    conn.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin4(devcloud: Path, audit: Audit) -> AsyncIterator[OpenStackBackend]:
    backend = OpenStackBackend("devcloud-admin", audit=audit.log)
    await backend.connect()
    yield backend
    await backend.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo4(devcloud: Path, audit: Audit) -> AsyncIterator[OpenStackBackend]:
    backend = OpenStackBackend("devcloud-demo", audit=audit.log)
    await backend.connect()
    yield backend
    await backend.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def booted(demo4: OpenStackBackend, audit: Audit) -> AsyncIterator[Server]:
    """One server for the lifecycle tests: booted by demo, deleted at the end of the module."""
    audit.since()
    flavor = await named(demo4.flavors(), "m1.tiny")
    image = await named(demo4.images(), CIRROS)
    network = await named(demo4.networks(), "demo-net")
    spec = BootSpec(
        name=f"it4-{RUN}",
        flavor_id=flavor.id,
        image_id=image.id,
        network_ids=(network.id,),
        key_name="demo-key",
        security_groups=("ssh-icmp",),
        user_data=b"#cloud-config\n",
        metadata=(("purpose", "stackdeck-integration"),),
    )
    started = time.monotonic()
    (server,) = await demo4.create_servers(spec)
    try:
        assert server.status == "BUILD" and server.name == spec.name
        active = await until(
            lambda: demo4.server(server.id), lambda s: s.status == "ACTIVE", "boot to ACTIVE"
        )
        print(f"\nboot to ACTIVE: {time.monotonic() - started:.1f}s")
        assert audit.since() == [("boot", "ok")]
        yield active
    finally:
        await _discard(lambda: demo4.server_action(server.id, "delete"))
        await gone(lambda: demo4.server(server.id), "the booted server")


async def _discard(delete: Callable[[], Awaitable[Any]]) -> None:
    """Clean-up: delete, whether or not the test already did."""
    with contextlib.suppress(NotFound):
        await delete()


async def settled(backend: OpenStackBackend, server_id: str, status: str) -> Server:
    return await until(
        lambda: backend.server(server_id),
        lambda s: s.status == status and not s.task_state,
        f"server {status}",
    )


# -- lists -----------------------------------------------------------------------------------


async def test_networks_subnets_routers(admin4: OpenStackBackend) -> None:
    networks = await collect(admin4.networks())
    public = next(n for n in networks if n.name == "public")
    assert public.external and public.network_type == "flat"
    assert [n.name for n in await collect(admin4.networks(external=True))] == ["public"]
    assert {"demo-net", "ops-net", "analytics-net"} <= {n.name for n in networks}
    assert await admin4.network(public.id) == public
    (public_subnet,) = await collect(admin4.subnets(network_id=public.id))
    assert public_subnet.cidr == "203.0.113.0/24" and not public_subnet.enable_dhcp
    assert len(await collect(admin4.subnets())) >= 4
    routers = await collect(admin4.routers())
    assert {"demo-router", "ops-router", "analytics-router"} <= {r.name for r in routers}
    assert all(r.external_network_id == public.id for r in routers)


async def test_ports_and_floating_ips_of_a_server(admin4: OpenStackBackend) -> None:
    web1 = await named(admin4.servers(all_projects=True), "web-1")
    (port,) = await collect(admin4.ports(device_id=web1.id))
    assert {(a.addr, a.mac) for a in web1.fixed_ips} == {(port.ip_text, port.mac_address)}
    assert port.binding_host == web1.host and await admin4.port(port.id) == port
    (fip,) = await collect(admin4.floating_ips(port_id=port.id))
    assert fip.server_id == web1.id and fip.address in {a.addr for a in web1.floating_ips}
    assert await admin4.floating_ip(fip.id) == fip
    spare = [f for f in await collect(admin4.floating_ips()) if f.description == "spare"]
    assert spare and not spare[0].port_id


async def test_security_groups_with_rules(demo4: OpenStackBackend) -> None:
    groups = await collect(demo4.security_groups(project_id=demo4.info.project_id))
    assert {"default", "ssh-icmp"} <= {g.name for g in groups}
    ssh = next(g for g in groups if g.name == "ssh-icmp")
    ingress = {(r.protocol, r.port_text) for r in ssh.rules if r.direction == "ingress"}
    assert ingress == {("icmp", "any"), ("tcp", "22")}
    shown = await demo4.security_group(ssh.id)
    assert (shown.id, shown.name, set(shown.rules)) == (ssh.id, ssh.name, set(ssh.rules))


async def test_volumes_and_snapshots(admin4: OpenStackBackend) -> None:
    volumes = await collect(admin4.volumes(all_projects=True))
    assert {"db-data", "scratch", "backups", "dataset"} <= {v.name for v in volumes}
    db_data = next(v for v in volumes if v.name == "db-data")
    (attachment,) = db_data.attachments
    assert db_data.status == "in-use" and attachment.device.startswith("/dev/")
    db1 = await admin4.server(attachment.server_id)
    assert db1.name == "db-1"
    assert db_data.id in [v["id"] for v in db1.raw["os-extended-volumes:volumes_attached"]]
    assert await admin4.volume(db_data.id) == db_data
    demo_project = db_data.project_id
    assert {v.project_id for v in await collect(admin4.volumes(project_id=demo_project))} == {
        demo_project
    }
    snapshot = await named(admin4.volume_snapshots(all_projects=True), "scratch-snap")
    scratch = next(v for v in volumes if v.name == "scratch")
    assert snapshot.volume_id == scratch.id and snapshot.status == "available"
    assert await admin4.volume_snapshot(snapshot.id) == snapshot
    by_volume = await collect(admin4.volume_snapshots(all_projects=True, volume_id=scratch.id))
    assert [s.id for s in by_volume] == [snapshot.id]


async def test_flavors_images_keypairs_zones(
    admin4: OpenStackBackend, demo4: OpenStackBackend
) -> None:
    flavors = {f.name: f for f in await collect(admin4.flavors())}
    assert {"m1.tiny", "m1.small", "m1.medium", "hpc.large"} <= set(flavors)
    assert not flavors["hpc.large"].is_public
    assert "hpc.large" not in {f.name for f in await collect(demo4.flavors())}
    assert await admin4.flavor(flavors["m1.tiny"].id) == flavors["m1.tiny"]
    images = {i.name: i for i in await collect(admin4.images())}
    assert images[CIRROS].visibility == "public" and "ops-toolbox" in images
    assert await admin4.image(images[CIRROS].id) == images[CIRROS]
    assert "devcloud-key" in {k.name for k in await collect(admin4.keypairs())}
    assert [k.name for k in await collect(demo4.keypairs())] == ["demo-key"]
    zones = {z.name: z for z in await admin4.availability_zones()}
    assert "compute1" in zones["nova"].hosts and zones["az2"].hosts == ("compute2",)
    assert {z.name for z in await demo4.availability_zones()} == {"nova", "az2"}


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("networks", {}),
        ("ports", {}),
        ("images", {}),
        ("volumes", {"all_projects": True}),
    ],
)
async def test_lists_page_by_marker(
    admin4: OpenStackBackend, kind: str, args: dict[str, Any]
) -> None:
    whole = await collect(getattr(admin4, kind)(**args))
    pages = [page async for page in getattr(admin4, kind)(page_size=1, **args)]
    assert len(pages) == len(whole) >= 2
    assert sorted(i.id for p in pages for i in p) == sorted(i.id for i in whole)


# -- the booted server's life ------------------------------------------------------------------


async def test_booted_server(
    booted: Server, demo4: OpenStackBackend, admin4: OpenStackBackend
) -> None:
    assert booted.host == ""  # the host is for admins' eyes only
    assert (await admin4.server(booted.id)).host in ("compute1", "compute2")
    assert booted.key_name == "demo-key" and booted.project_id == demo4.info.project_id
    assert booted.raw["metadata"] == {"purpose": "stackdeck-integration"}
    (address,) = booted.fixed_ips
    assert address.network == "demo-net"
    (port,) = await collect(demo4.ports(device_id=booted.id))
    assert (port.ip_text, port.mac_address) == (address.addr, address.mac)


async def test_volume_life(booted: Server, demo4: OpenStackBackend, audit: Audit) -> None:
    audit.since()
    made: list[tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]] = []
    try:
        volume = await demo4.create_volume(VolumeSpec(name=f"it4-vol-{RUN}", size_gb=1))
        made.append((lambda: demo4.delete_volume(volume.id), lambda: demo4.volume(volume.id)))
        await until(lambda: demo4.volume(volume.id), _status("available"), "volume available")

        device = await demo4.attach_volume(booted.id, volume.id)
        assert device.startswith("/dev/")
        attached = await until(lambda: demo4.volume(volume.id), _status("in-use"), "in-use")
        assert [(a.server_id, a.device) for a in attached.attachments] == [(booted.id, device)]
        server = await demo4.server(booted.id)
        assert volume.id in [v["id"] for v in server.raw["os-extended-volumes:volumes_attached"]]

        await demo4.detach_volume(booted.id, volume.id)
        await until(lambda: demo4.volume(volume.id), _status("available"), "detached")

        await demo4.extend_volume(volume.id, 2)
        await until(lambda: demo4.volume(volume.id), lambda v: v.size_gb == 2, "extended")

        snapshot = await demo4.create_volume_snapshot(volume.id, f"it4-snap-{RUN}")
        made.insert(
            0,
            (
                lambda: demo4.delete_volume_snapshot(snapshot.id),
                lambda: demo4.volume_snapshot(snapshot.id),
            ),
        )
        await until(lambda: demo4.volume_snapshot(snapshot.id), _status("available"), "snapshot")

        restored = await demo4.create_volume(
            VolumeSpec(name=f"it4-restored-{RUN}", size_gb=2, snapshot_id=snapshot.id)
        )
        made.insert(
            0, (lambda: demo4.delete_volume(restored.id), lambda: demo4.volume(restored.id))
        )
        restored = await until(
            lambda: demo4.volume(restored.id), _status("available"), "restored volume"
        )
        assert restored.raw["snapshot_id"] == snapshot.id and restored.size_gb == 2
    finally:
        for delete, show in made:
            await _discard(delete)
            await gone(show, "a test volume or snapshot")
    assert audit.since() == [
        ("create-volume", "ok"),
        ("attach-volume", "ok"),
        ("detach-volume", "ok"),
        ("extend-volume", "ok"),
        ("create-volume-snapshot", "ok"),
        ("create-volume", "ok"),
        ("delete-volume", "ok"),
        ("delete-volume-snapshot", "ok"),
        ("delete-volume", "ok"),
    ]


def _status(status: str) -> Callable[[Any], bool]:
    return lambda record: record.status == status


async def test_floating_ip_life(booted: Server, demo4: OpenStackBackend, audit: Audit) -> None:
    audit.since()
    public = await named(demo4.networks(external=True), "public")
    (port,) = await collect(demo4.ports(device_id=booted.id))
    fip: FloatingIP | None = None
    try:
        fip = await demo4.allocate_floating_ip(public.id, description=f"it4 {RUN}")
        assert fip.network_id == public.id and not fip.port_id
        linked = await demo4.associate_floating_ip(fip.id, port.id)
        assert (linked.port_id, linked.fixed_ip) == (port.id, port.ip_text)
        address = fip.address
        await until(
            lambda: demo4.server(booted.id),
            lambda s: address in {a.addr for a in s.floating_ips},
            "the floating address in the server's addresses",
        )
        assert (await demo4.floating_ip(fip.id)).server_id == booted.id
        unlinked = await demo4.disassociate_floating_ip(fip.id)
        assert not unlinked.port_id
        await until(
            lambda: demo4.server(booted.id),
            lambda s: address not in {a.addr for a in s.addresses},
            "the floating address gone from the server",
        )
    finally:
        if fip is not None:
            await _discard(lambda: demo4.release_floating_ip(fip.id))
    assert fip is not None
    with pytest.raises(NotFound):
        await demo4.floating_ip(fip.id)
    assert audit.since() == [
        ("allocate-floating-ip", "ok"),
        ("associate-floating-ip", "ok"),
        ("disassociate-floating-ip", "ok"),
        ("release-floating-ip", "ok"),
    ]


async def test_boot_from_volume_is_accepted(demo4: OpenStackBackend, audit: Audit) -> None:
    """Nova takes the block_device_mapping_v2; devcloud's fake Cinder driver cannot copy an
    image into a volume, so there the build ends in ERROR with Nova naming the volume."""
    audit.since()
    flavor = await named(demo4.flavors(), "m1.tiny")
    image = await named(demo4.images(), CIRROS)
    network = await named(demo4.networks(), "demo-net")
    spec = BootSpec(
        name=f"it4-bfv-{RUN}",
        flavor_id=flavor.id,
        image_id=image.id,
        network_ids=(network.id,),
        boot_volume_size_gb=1,
    )
    before = {v.id for v in await collect(demo4.volumes())}
    (server,) = await demo4.create_servers(spec)
    try:
        built = await until(
            lambda: demo4.server(server.id), lambda s: s.status != "BUILD", "the build to end"
        )
        assert built.image == ""
        if built.status == "ACTIVE":
            (root,) = built.raw["os-extended-volumes:volumes_attached"]
            assert (await demo4.volume(root["id"])).bootable
        else:
            assert built.status == "ERROR" and "Volume" in built.raw["fault"]["message"]
    finally:
        await _discard(lambda: demo4.server_action(server.id, "delete"))
        await gone(lambda: demo4.server(server.id), "the boot-from-volume server")
    await until(
        lambda: collect(demo4.volumes()),
        lambda volumes: not [v for v in volumes if v.id not in before and not v.name],
        "the boot volume deleted with its server",
    )
    assert audit.since() == [("boot", "ok"), ("delete", "ok")]


# -- refusals --------------------------------------------------------------------------------


def _explained(error: BackendError, status: int, says: str) -> None:
    assert error.status == status, error.summary()
    assert says in error.message, error.message
    assert error.request_id and error.request_id.startswith("req-")


async def test_missing_volume_is_404(demo4: OpenStackBackend) -> None:
    with pytest.raises(NotFound) as missing:
        await demo4.volume(str(uuid.UUID(int=0xDEADBEEF)))
    _explained(missing.value, 404, "could not be found")
    assert missing.value.message.startswith("Cinder: ")


async def test_wrong_state_refusals(booted: Server, demo4: OpenStackBackend, audit: Audit) -> None:
    audit.since()
    db_data = await named(demo4.volumes(), "db-data")
    scratch = await named(demo4.volumes(), "scratch")
    assert db_data.status == "in-use"
    with pytest.raises(BackendError) as in_use:
        await demo4.delete_volume(db_data.id)
    _explained(in_use.value, 400, "Invalid volume")  # Cinder says 400 (not 409) here
    with pytest.raises(NotFound) as not_attached:
        await demo4.detach_volume(booted.id, scratch.id)
    _explained(not_attached.value, 404, "is not attached to volume")
    with pytest.raises(Conflict) as running:
        await demo4.server_action(booted.id, "start")
    _explained(running.value, 409, "while it is in vm_state active")
    assert (await demo4.volume(db_data.id)).status == "in-use"
    assert audit.since() == [
        ("delete-volume", "400"),
        ("detach-volume", "404"),
        ("start", "409"),
    ]


async def test_quota_refuses_eleven_servers(
    demo4: OpenStackBackend, sdk: Connection, audit: Audit
) -> None:
    audit.since()
    project = demo4.info.project_id
    quota = sdk.compute.get(f"/os-quota-sets/{project}/detail", microversion="2.90").json()
    instances = quota["quota_set"]["instances"]
    lowered = instances["limit"] < 0 or instances["limit"] - instances["in_use"] >= 11
    if lowered:
        sdk.compute.put(
            f"/os-quota-sets/{project}", json={"quota_set": {"instances": instances["in_use"] + 5}}
        )
    name = f"it4-quota-{RUN}"
    try:
        flavor = await named(demo4.flavors(), "m1.tiny")
        image = await named(demo4.images(), CIRROS)
        spec = BootSpec(name=name, flavor_id=flavor.id, image_id=image.id, count=11)
        with pytest.raises(Forbidden) as over:
            await demo4.create_servers(spec)
        _explained(over.value, 403, "Quota exceeded for instances: Requested 11, but already used")
    finally:
        for server in sdk.compute.servers(all_projects=True, name=name):
            sdk.compute.delete_server(server)
        if lowered:
            sdk.compute.put(
                f"/os-quota-sets/{project}", json={"quota_set": {"instances": instances["limit"]}}
            )
    assert audit.since() == [("boot", "403")]


class CountingBackend(OpenStackBackend):
    """Counts every connection opened and every request sent."""

    sent = 0

    def _request(self, *args: Any, **kwargs: Any) -> Any:
        CountingBackend.sent += 1
        return super()._request(*args, **kwargs)

    def _open(self) -> Any:
        CountingBackend.sent += 1
        return super()._open()


async def test_read_only_sends_nothing(devcloud: Path, tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    backend = CountingBackend("devcloud-demo", read_only=True, audit=log)
    writes: list[Callable[[], Awaitable[Any]]] = [
        lambda: backend.server_action("some-server", "stop"),
        lambda: backend.server_action("some-server", "delete"),
        lambda: backend.create_servers(BootSpec(name="x", flavor_id="1", image_id="i")),
        lambda: backend.create_volume(VolumeSpec(name="x", size_gb=1)),
        lambda: backend.extend_volume("v", 2),
        lambda: backend.delete_volume("v"),
        lambda: backend.attach_volume("s", "v"),
        lambda: backend.detach_volume("s", "v"),
        lambda: backend.create_volume_snapshot("v", "s"),
        lambda: backend.delete_volume_snapshot("s"),
        lambda: backend.allocate_floating_ip("n"),
        lambda: backend.associate_floating_ip("f", "p"),
        lambda: backend.disassociate_floating_ip("f"),
        lambda: backend.release_floating_ip("f"),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyError):
            await write()
    assert CountingBackend.sent == 0 and backend._conn is None
    assert log.records() == []
    await backend.close()
