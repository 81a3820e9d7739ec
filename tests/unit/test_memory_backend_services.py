"""The in-memory cloud's networks, volumes, images, flavors, keypairs, actions and boot.

Lists are consistent with the servers, every write changes the state the way the real
services do (or refuses with their status and a request id), read-only mode refuses every
write without touching anything, and every write is audited.
"""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tui.backend.audit import AuditLog
from tui.backend.base import Backend
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound, ReadOnlyError
from tui.backend.memory import MemoryBackend
from tui.backend.models import BootSpec, Server, Volume, VolumeSpec

CIRROS = "cirros-0.6.2-x86_64-disk"


async def collect(pages: AsyncIterator[list[Any]]) -> list[Any]:
    return [item async for page in pages for item in page]


async def named(pages: AsyncIterator[list[Any]], name: str) -> Any:
    return next(item for item in await collect(pages) if item.name == name)


async def boot_spec(backend: MemoryBackend, name: str = "app", **changes: Any) -> BootSpec:
    flavor = await named(backend.flavors(), changes.pop("flavor", "m1.tiny"))
    image = await named(backend.images(), CIRROS)
    return BootSpec(name=name, flavor_id=flavor.id, image_id=image.id, **changes)


async def boot_active(backend: MemoryBackend, name: str = "app", **changes: Any) -> Server:
    (server,) = await backend.create_servers(await boot_spec(backend, name, **changes))
    await backend.server(server.id)
    return await backend.server(server.id)


def attached_volumes(server: Server) -> list[str]:
    return [v["id"] for v in server.raw["os-extended-volumes:volumes_attached"]]


def refusal(error: pytest.ExceptionInfo[BackendError], status: int, says: str) -> None:
    assert error.value.status == status
    assert says in error.value.message
    assert error.value.request_id and error.value.request_id.startswith("req-")


# -- the seeded cloud ------------------------------------------------------------------------


def test_memory_backend_is_a_backend() -> None:
    assert isinstance(MemoryBackend(), Backend)


async def test_lists_of_the_default_cloud() -> None:
    backend = MemoryBackend()
    networks = await collect(backend.networks())
    assert [n.name for n in networks] == ["public", "private-admin", "private-demo", "private-ops"]
    assert [n.name for n in networks if n.external] == ["public"]
    assert len(await collect(backend.subnets())) == 4
    assert [r.name for r in await collect(backend.routers())] == [
        "router-admin",
        "router-demo",
        "router-ops",
    ]
    assert len(await collect(backend.security_groups())) == 6
    assert len(await collect(backend.volumes(all_projects=True))) == 6
    assert [s.name for s in await collect(backend.volume_snapshots(all_projects=True))] == [
        "scratch-snap",
        "db-data-nightly",
    ]
    flavors = await collect(backend.flavors())
    assert len(flavors) == 6 and [f.name for f in flavors if not f.is_public] == ["huge.gpu"]
    images = await collect(backend.images())
    assert images[0].name == CIRROS and len(images) == 3
    assert [k.name for k in await collect(backend.keypairs())] == ["ops-key", "deploy-key"]
    internal, zone = await backend.availability_zones()  # an admin sees Nova's internal zone
    assert internal.name == "internal" and internal.hosts == ("controller",)
    assert zone.name == "nova" and zone.available and "compute1" in zone.hosts


async def test_same_knobs_same_cloud() -> None:
    lists = ("networks", "subnets", "ports", "routers", "floating_ips", "security_groups")
    lists += ("flavors", "images", "keypairs")
    a, b = MemoryBackend(), MemoryBackend()
    for name in lists:
        assert await collect(getattr(a, name)()) == await collect(getattr(b, name)()), name
    assert await collect(a.volumes(all_projects=True)) == await collect(
        b.volumes(all_projects=True)
    )


async def test_every_server_address_is_a_port_or_a_floating_ip() -> None:
    backend = MemoryBackend()
    servers = await collect(backend.servers(all_projects=True))
    networks = {n.id: n for n in await collect(backend.networks())}
    fips = {f.address: f for f in await collect(backend.floating_ips())}
    for server in servers:
        ports = await collect(backend.ports(device_id=server.id))
        assert {(p.ip_text, p.mac_address) for p in ports} == {
            (a.addr, a.mac) for a in server.fixed_ips
        }
        for port in ports:
            network = networks[port.network_id]
            assert network.project_id == server.project_id
            assert {a.network for a in server.fixed_ips} == {network.name}
            assert port.binding_host == server.host and port.device_owner == "compute:nova"
        for address in server.floating_ips:
            fip = fips[address.addr]
            assert fip.server_id == server.id and fip.port_id == ports[0].id
            assert fip.fixed_ip == ports[0].ip_text and fip.status == "ACTIVE"
    assert sum(len(s.floating_ips) for s in servers) == len([f for f in fips.values() if f.port_id])


async def test_spare_floating_ips_and_routers_on_public() -> None:
    backend = MemoryBackend()
    public = await named(backend.networks(external=True), "public")
    spare = [f for f in await collect(backend.floating_ips()) if not f.port_id]
    assert len(spare) == 3 and all(f.network_id == public.id for f in spare)
    assert all(f.status == "DOWN" and f.description == "spare" for f in spare)
    for router in await collect(backend.routers()):
        assert router.external_network_id == public.id and router.external_ips
        ports = await collect(backend.ports(device_id=router.id))
        assert {p.device_owner for p in ports} == {
            "network:router_interface",
            "network:router_gateway",
        }


async def test_security_groups_have_their_rules() -> None:
    backend = MemoryBackend()
    admin = backend.info.project_id
    groups = await collect(backend.security_groups(project_id=admin))
    assert [g.name for g in groups] == ["default", "ssh-icmp"]
    ssh = groups[1]
    ingress = {(r.protocol, r.port_text) for r in ssh.rules if r.direction == "ingress"}
    assert ingress == {("icmp", "any"), ("tcp", "22")}
    assert any(r.remote_group_id == groups[0].id for r in groups[0].rules)
    assert await backend.security_group(ssh.id) == ssh


async def test_volume_attachments_agree_with_the_servers() -> None:
    backend = MemoryBackend()
    volumes = await collect(backend.volumes(all_projects=True))
    attached = [v for v in volumes if v.attachments]
    assert len(attached) == 3 and all(v.status == "in-use" for v in attached)
    for volume in attached:
        (attachment,) = volume.attachments
        server = await backend.server(attachment.server_id)
        assert attachment.host == server.host and attachment.device == "/dev/vdb"
        assert volume.project_id == server.project_id
        assert attached_volumes(server) == [volume.id]
    snapshots = await collect(backend.volume_snapshots(all_projects=True))
    by_id = {v.id: v for v in volumes}
    assert all(by_id[s.volume_id].size_gb == s.size_gb for s in snapshots)


async def test_filters() -> None:
    backend = MemoryBackend()
    public = (await collect(backend.networks(external=True)))[0]
    assert [n.name for n in await collect(backend.networks(external=False))] == [
        "private-admin",
        "private-demo",
        "private-ops",
    ]
    (subnet,) = await collect(backend.subnets(network_id=public.id))
    assert subnet.cidr == "172.24.0.0/16"
    on_public = await collect(backend.ports(network_id=public.id))
    assert {p.device_owner for p in on_public} == {"network:router_gateway"}
    demo = backend._projects[1].id
    assert {f.project_id for f in await collect(backend.floating_ips(project_id=demo))} == {demo}
    fip = next(f for f in await collect(backend.floating_ips()) if f.port_id)
    assert await collect(backend.floating_ips(port_id=fip.port_id)) == [fip]
    demo_volumes = await collect(backend.volumes(project_id=demo))
    assert demo_volumes and {v.project_id for v in demo_volumes} == {demo}
    mine = await collect(backend.volumes())
    assert mine and {v.project_id for v in mine} == {backend.info.project_id}
    scratch = next(v for v in mine if v.name == "scratch")
    assert [s.name for s in await collect(backend.volume_snapshots(volume_id=scratch.id))] == [
        "scratch-snap"
    ]


async def test_pages_of_the_requested_size() -> None:
    backend = MemoryBackend()
    # 6 routers' ports and 34 servers' (none for the 3 building, nor the 3 never placed)
    assert [len(p) async for p in backend.ports(page_size=20)] == [20, 20]
    assert [len(p) async for p in backend.flavors(page_size=4)] == [4, 2]


async def test_non_admin_sees_own_project_and_shared() -> None:
    backend = MemoryBackend(is_admin=False)
    mine = backend.info.project_id
    assert [n.name for n in await collect(backend.networks())] == ["public", "private-admin"]
    assert {p.project_id for p in await collect(backend.ports())} <= {mine, ""}
    assert {g.project_id for g in await collect(backend.security_groups())} == {mine}
    assert {v.project_id for v in await collect(backend.volumes(all_projects=True))} == {mine}
    assert "huge.gpu" not in [f.name for f in await collect(backend.flavors())]
    assert "ops-toolbox" not in [i.name for i in await collect(backend.images())]
    (zone,) = await backend.availability_zones()
    assert zone.hosts == ()
    other = (await collect(MemoryBackend().networks()))[-1]
    with pytest.raises(NotFound):
        await backend.network(other.id)


async def test_shows_and_not_found() -> None:
    backend = MemoryBackend()
    # Neutron's shows and 404s: tests/contract/test_networks_contract.py
    shows: list[tuple[Callable[[str], Awaitable[Any]], AsyncIterator[list[Any]]]] = [
        (backend.volume, backend.volumes(all_projects=True)),
        (backend.volume_snapshot, backend.volume_snapshots(all_projects=True)),
        (backend.flavor, backend.flavors()),
    ]
    for show, listed in shows:
        first = (await collect(listed))[0]
        assert await show(first.id) == first
        with pytest.raises(NotFound) as missing:
            await show("nope")
        refusal(missing, 404, "nope could not be found")


async def test_huge_cloud_stays_lazy() -> None:
    started = time.perf_counter()
    backend = MemoryBackend(servers=100_000)
    page = await anext(backend.servers(all_projects=True, page_size=500))
    late = await backend.server(next(s.id for s in reversed(page) if s.fixed_ips))
    ports = await collect(backend.ports(device_id=late.id))
    networks = await collect(backend.networks())
    assert time.perf_counter() - started < 1.0
    assert len(page) == 500 and ports[0].ip_text == late.fixed_ips[0].addr
    assert len(networks) == 4


# -- boot ------------------------------------------------------------------------------------


async def test_boot_builds_then_is_active_on_the_second_poll() -> None:
    backend = MemoryBackend()
    (server,) = await backend.create_servers(await boot_spec(backend, "app-1"))
    assert (server.status, server.task_state, server.host, server.addresses) == (
        "BUILD",
        "scheduling",
        "",
        (),
    )
    assert server.project_id == backend.info.project_id
    assert server in await collect(backend.servers())
    assert (await backend.server(server.id)).status == "BUILD"
    active = await backend.server(server.id)
    assert (active.status, active.power_state, active.task_state) == ("ACTIVE", "RUNNING", "")
    assert active.host in ("compute1", "compute2")
    (address,) = active.addresses
    assert (address.network, address.kind) == ("private-admin", "fixed")
    (port,) = await collect(backend.ports(device_id=server.id))
    assert (port.ip_text, port.mac_address, port.binding_host) == (
        address.addr,
        address.mac,
        active.host,
    )
    assert (await backend.server(server.id)).status == "ACTIVE"
    assert backend.writes == [("boot", "server app-1")]


async def test_boot_with_every_option() -> None:
    backend = MemoryBackend()
    demo_net = await named(backend.networks(), "private-demo")
    spec = await boot_spec(
        backend,
        "full",
        network_ids=(demo_net.id,),
        key_name="ops-key",
        security_groups=("ssh-icmp",),
        availability_zone="nova",
        user_data=b"#cloud-config\n",
        metadata=(("role", "web"),),
        boot_volume_size_gb=3,
    )
    (server,) = await backend.create_servers(spec)
    assert server.key_name == "ops-key" and server.image == ""
    assert server.raw["metadata"] == {"role": "web"}
    assert server.raw["security_groups"] == [{"name": "ssh-icmp"}]
    assert base64.b64decode(server.raw["OS-EXT-SRV-ATTR:user_data"]) == b"#cloud-config\n"
    await backend.server(server.id)
    active = await backend.server(server.id)
    assert active.availability_zone == "nova" and active.fixed_ips[0].network == "private-demo"
    (port,) = await collect(backend.ports(device_id=server.id))
    ssh = await named(backend.security_groups(project_id=server.project_id), "ssh-icmp")
    assert port.security_group_ids == (ssh.id,)
    (root,) = [v for v in await collect(backend.volumes()) if v.attachments and v.bootable]
    assert (root.size_gb, root.attachments[0].device, root.attachments[0].server_id) == (
        3,
        "/dev/vda",
        server.id,
    )
    await backend.server_action(server.id, "delete")
    with pytest.raises(NotFound):
        await backend.volume(root.id)


async def test_boot_several_and_without_network() -> None:
    backend = MemoryBackend()
    servers = await backend.create_servers(await boot_spec(backend, "w", count=3))
    assert [s.name for s in servers] == ["w-1", "w-2", "w-3"]
    assert len({s.raw["OS-EXT-SRV-ATTR:reservation_id"] for s in servers}) == 1
    (lonely,) = await backend.create_servers(
        await boot_spec(backend, "lonely", network_ids=("none",))
    )
    await backend.server(lonely.id)
    assert (await backend.server(lonely.id)).addresses == ()
    assert backend.writes == [("boot", "3 servers w"), ("boot", "server lonely")]


async def test_boot_on_an_existing_port() -> None:
    backend = MemoryBackend()
    servers = await collect(backend.servers())
    port = (await collect(backend.ports(device_id=servers[0].id)))[0]
    spec = await boot_spec(backend, "on-port", port_ids=(port.id,))
    with pytest.raises(Conflict) as busy:
        await backend.create_servers(spec)
    refusal(busy, 409, f"Port {port.id} is still in use")
    await backend.server_action(servers[0].id, "delete")
    assert await collect(backend.ports(device_id=servers[0].id)) == []


async def test_quota_refuses_more_than_ten() -> None:
    backend = MemoryBackend()
    with pytest.raises(Forbidden) as over:
        await backend.create_servers(await boot_spec(backend, count=11))
    refusal(over, 403, "Quota exceeded for instances: Requested 11, but already used 0 of 10")
    await backend.create_servers(await boot_spec(backend, count=3))
    with pytest.raises(Forbidden) as again:
        await backend.create_servers(await boot_spec(backend, count=8))
    refusal(again, 403, "Requested 8, but already used 3 of 10 instances")
    assert [w[0] for w in backend.writes] == ["boot"]


@pytest.mark.parametrize("knob", [False, True])
async def test_no_valid_host_ends_in_error(knob: bool) -> None:
    backend = MemoryBackend(no_valid_host=knob)
    flavor = "m1.small" if knob else "huge.gpu"
    (server,) = await backend.create_servers(await boot_spec(backend, "big", flavor=flavor))
    await backend.server(server.id)
    failed = await backend.server(server.id)
    assert (failed.status, failed.host, failed.addresses) == ("ERROR", "", ())
    assert failed.raw["fault"]["message"].startswith("No valid host was found.")
    assert await collect(backend.ports(device_id=server.id)) == []


def _fields(spec: BootSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in spec.__slots__}  # type: ignore[attr-defined]


# -- server actions --------------------------------------------------------------------------


async def test_a_building_server_is_a_conflict() -> None:
    backend = MemoryBackend()
    (building,) = await backend.create_servers(await boot_spec(backend, "b"))
    with pytest.raises(Conflict) as early:
        await backend.server_action(building.id, "stop")
    refusal(early, 409, "while it is in vm_state building")


async def test_locked_server_refuses_non_admin() -> None:
    backend = MemoryBackend(is_admin=False)
    locked = next(s for s in await collect(backend.servers()) if s.locked)
    with pytest.raises(Conflict) as refused:
        await backend.server_action(locked.id, "stop")
    refusal(refused, 409, "is locked")


async def test_delete_frees_ports_addresses_and_volumes() -> None:
    backend = MemoryBackend()
    servers = await collect(backend.servers(all_projects=True))
    server = next(s for s in servers if s.floating_ips and s.status == "ACTIVE")
    (port,) = await collect(backend.ports(device_id=server.id))
    (fip,) = await collect(backend.floating_ips(port_id=port.id))
    volume_id = next(v.id for v in await collect(backend.volumes()) if not v.attachments)
    await backend.attach_volume(server.id, volume_id)
    await backend.server_action(server.id, "delete")
    with pytest.raises(NotFound):
        await backend.server(server.id)
    with pytest.raises(NotFound):
        await backend.port(port.id)
    freed = await backend.floating_ip(fip.id)
    assert (freed.port_id, freed.server_id, freed.status) == ("", "", "DOWN")
    volume = await backend.volume(volume_id)
    assert (volume.status, volume.attachments) == ("available", ())


async def test_missing_server_is_not_found_and_audited(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(audit=audit)
    with pytest.raises(NotFound) as missing:
        await backend.server_action("nope", "pause")
    refusal(missing, 404, "nope could not be found")
    (record,) = audit.records()
    assert (record.action, record.target, record.request_id) == (
        "pause",
        "server nope",
        missing.value.request_id,
    )
    assert record.result.startswith("error: 404")


async def test_console_log() -> None:
    backend = MemoryBackend()
    server = await boot_active(backend, "con")
    log = await backend.console_log(server.id)
    assert log.splitlines()[-1] == "con login: " and server.fixed_ips[0].addr in log
    assert (await backend.console_log(server.id, lines=2)).splitlines() == log.splitlines()[-2:]
    with pytest.raises(NotFound):
        await backend.console_log("nope")
    read_only = MemoryBackend(read_only=True)
    seeded = (await collect(read_only.servers()))[0]
    assert (await read_only.console_log(seeded.id)).endswith(f"{seeded.name} login: ")


# -- volumes ---------------------------------------------------------------------------------


# attaching, extending, snapshots and Cinder's refusals: tests/contract/test_volumes_contract.py


async def test_volume_from_image_is_bootable() -> None:
    backend = MemoryBackend()
    image = await named(backend.images(), CIRROS)
    volume = await backend.create_volume(VolumeSpec(name="boot", size_gb=1, image_id=image.id))
    assert volume.bootable and volume.raw["volume_image_metadata"]["image_id"] == image.id


# -- floating IPs ----------------------------------------------------------------------------


async def test_a_floating_ip_shows_in_the_addresses_of_the_server_it_points_at() -> None:
    """Neutron's side of floating IPs is pinned by tests/contract/test_networks_contract.py;
    here, Nova's: the server's addresses follow the address as it moves and goes."""
    backend = MemoryBackend()
    public = (await collect(backend.networks(external=True)))[0]
    first, second = await backend.create_servers(await boot_spec(backend, "m", count=2))
    for server in (first, second):
        await backend.server(server.id)
        await backend.server(server.id)
    (port1,) = await collect(backend.ports(device_id=first.id))
    (port2,) = await collect(backend.ports(device_id=second.id))
    fip = await backend.allocate_floating_ip(public.id)
    linked = await backend.associate_floating_ip(fip.id, port1.id)
    assert (linked.server_id, linked.status) == (first.id, "ACTIVE")
    shown = await backend.server(first.id)
    assert [(a.addr, a.kind) for a in shown.addresses] == [
        (port1.ip_text, "fixed"),
        (fip.address, "floating"),
    ]
    moved = await backend.associate_floating_ip(fip.id, port2.id)
    assert moved.server_id == second.id
    assert (await backend.server(first.id)).floating_ips == ()
    assert [x.addr for x in (await backend.server(second.id)).floating_ips] == [fip.address]
    unlinked = await backend.disassociate_floating_ip(fip.id)
    assert unlinked.status == "DOWN"
    assert (await backend.server(second.id)).floating_ips == ()
    await backend.associate_floating_ip(fip.id, port1.id)
    await backend.release_floating_ip(fip.id)
    assert (await backend.server(first.id)).floating_ips == ()


# -- read-only and audit ---------------------------------------------------------------------


async def _every_write(backend: MemoryBackend) -> list[tuple[str, Callable[[], Awaitable[Any]]]]:
    reference = MemoryBackend()
    servers = await collect(reference.servers())
    active = next(s for s in servers if s.status == "ACTIVE" and not attached_volumes(s))
    volume: Volume = next(v for v in await collect(reference.volumes()) if not v.attachments)
    in_use = next(v for v in await collect(reference.volumes()) if v.attachments)
    public = (await collect(reference.networks(external=True)))[0]
    spare = next(f for f in await collect(reference.floating_ips()) if not f.port_id)
    used = next(f for f in await collect(reference.floating_ips()) if f.port_id)
    (port,) = await collect(reference.ports(device_id=active.id))
    snapshot = (await collect(reference.volume_snapshots()))[0]
    spec = await boot_spec(reference)
    writes: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        (f"server {action}", lambda a=action, x=args: backend.server_action(active.id, a, **x))
        for action, args in (
            ("stop", {}),
            ("reboot", {"hard": True}),
            ("lock", {}),
            ("rename", {"name": "x"}),
            ("reset_state", {"state": "error"}),
            ("create_backup", {"name": "b", "backup_type": "daily", "rotation": 1}),
            ("delete", {}),
            ("force_delete", {}),
        )
    ]
    writes += [
        ("boot", lambda: backend.create_servers(spec)),
        ("create volume", lambda: backend.create_volume(VolumeSpec(name="v", size_gb=1))),
        ("extend volume", lambda: backend.extend_volume(volume.id, 10)),
        ("delete volume", lambda: backend.delete_volume(volume.id)),
        ("attach", lambda: backend.attach_volume(active.id, volume.id)),
        ("detach", lambda: backend.detach_volume(in_use.attachments[0].server_id, in_use.id)),
        ("snapshot", lambda: backend.create_volume_snapshot(volume.id, "s")),
        ("delete snapshot", lambda: backend.delete_volume_snapshot(snapshot.id)),
        ("allocate", lambda: backend.allocate_floating_ip(public.id)),
        ("associate", lambda: backend.associate_floating_ip(spare.id, port.id)),
        ("disassociate", lambda: backend.disassociate_floating_ip(used.id)),
        ("release", lambda: backend.release_floating_ip(used.id)),
    ]
    return writes


async def _state(backend: MemoryBackend) -> list[Any]:
    return [
        await collect(backend.servers(all_projects=True)),
        await collect(backend.volumes(all_projects=True)),
        await collect(backend.volume_snapshots(all_projects=True)),
        await collect(backend.floating_ips()),
        await collect(backend.ports()),
        await collect(backend.images()),
    ]


async def test_read_only_refuses_every_write_and_changes_nothing(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(read_only=True, audit=audit)
    before = await _state(backend)
    writes = await _every_write(backend)
    assert len(writes) == 20
    for name, write in writes:
        with pytest.raises(ReadOnlyError) as refused:
            await write()
        assert "read-only" in refused.value.message, name
    assert await _state(backend) == before
    assert backend.writes == [] and audit.records() == []


async def test_every_write_is_audited_with_its_request_id(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(audit=audit)
    writes = await _every_write(backend)
    outcomes: list[tuple[str, str | None]] = []
    for _name, write in writes:
        try:
            await write()
            outcomes.append(("ok", None))
        except BackendError as exc:
            outcomes.append((f"error: {exc.status}", exc.request_id))
    records = audit.records()
    assert len(records) == len(writes)
    assert all(r.request_id.startswith("req-") for r in records)
    assert len({r.request_id for r in records}) == len(records)
    for record, (result, request_id) in zip(records, outcomes, strict=True):
        assert record.result.startswith(result)
        assert request_id in (None, record.request_id)
        assert (record.cloud, record.project, record.user) == ("demo", "admin", "admin")
    assert len(backend.writes) == sum(1 for r in records if r.result == "ok")


async def test_writes_in_a_huge_cloud_stay_fast() -> None:
    started = time.perf_counter()
    backend = MemoryBackend(servers=100_000)
    server = await boot_active(backend, "late")
    public = (await collect(backend.networks(external=True)))[0]
    fip = await backend.allocate_floating_ip(public.id)
    (port,) = await collect(backend.ports(device_id=server.id))
    await backend.associate_floating_ip(fip.id, port.id)
    volume = await backend.create_volume(VolumeSpec(name="v", size_gb=1))
    await backend.attach_volume(server.id, volume.id)
    assert (await backend.server(server.id)).floating_ips[0].addr == fip.address
    await backend.server_action(server.id, "delete")
    with pytest.raises(NotFound):
        await backend.server(server.id)
    assert (await backend.floating_ip(fip.id)).port_id == ""
    assert time.perf_counter() - started < 1.0
