"""The demo cloud (`stackdeck --demo`) holds together like a real one: its live records are
live (a fresh token, services that beat seconds ago), what is made in it is made now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tui.backend import models
from tui.backend.memory import MemoryBackend
from tui.backend.timestamps import parse_utc
from tui.screens.resources.token import token_lines


async def collect(pages: Any) -> list[Any]:
    return [item async for page in pages for item in page]


def age(text: str) -> timedelta:
    moment = parse_utc(text)
    assert moment is not None, text
    return datetime.now(UTC) - moment


# -- the clock: the demo's token and heartbeats are live ------------------------------------


async def test_the_demo_token_was_issued_a_moment_ago_and_expires_in_an_hour() -> None:
    token = await MemoryBackend().token_info()
    assert timedelta(0) <= age(token.issued_at) < timedelta(seconds=5)
    issued, expires = parse_utc(token.issued_at), parse_utc(token.expires_at)
    assert issued is not None and expires is not None
    assert expires - issued == timedelta(hours=1)  # Keystone's default token expiration
    shown = {line.item: line.value for line in token_lines(token, datetime.now(UTC))}
    assert shown["Expires"].startswith(("in 59 min", "in 1 h")), shown["Expires"]


class Ticking:
    """A live clock that the test moves on."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        self.live = True

    def now(self, ticks: int = 0) -> datetime:
        return self.at


async def test_the_demo_token_is_renewed_before_it_expires_like_a_reauthentication() -> None:
    clock = Ticking()
    backend = MemoryBackend(clock=clock)  # type: ignore[arg-type]
    first = await backend.token_info()
    clock.at += timedelta(minutes=30)
    assert (await backend.token_info()).issued_at == first.issued_at  # still good: kept
    clock.at += timedelta(minutes=30)
    renewed = await backend.token_info()
    assert renewed.issued_at == "2026-03-01T09:00:00.000000Z"
    assert renewed.expires_at == "2026-03-01T10:00:00.000000Z"


async def test_services_that_are_up_beat_seconds_ago_those_down_long_ago() -> None:
    backend = MemoryBackend()
    services = await collect(backend.compute_services())
    for service in services:
        beat = age(str(service.raw["updated_at"]))
        if service.state == "up":
            assert beat < timedelta(seconds=60), service  # Nova's service_down_time
        else:
            assert beat > timedelta(seconds=60), service
    agents = await collect(backend.network_agents())
    for agent in agents:
        beat = age(str(agent.raw["heartbeat_timestamp"]))
        if agent.alive:
            assert beat < timedelta(seconds=75), agent  # Neutron's agent_down_time
        else:
            assert beat > timedelta(seconds=75), agent


async def test_volume_pools_report_fresh_statistics() -> None:
    for pool in await MemoryBackend().volume_pools():
        assert age(str(pool.raw["capabilities"]["timestamp"])) < timedelta(minutes=2)


async def test_what_is_made_in_the_demo_is_made_now() -> None:
    backend = MemoryBackend()
    spec = models.BootSpec(name="fresh", flavor_id="1", image_id=models_image(backend))
    (server,) = await backend.create_servers(spec)
    assert age(str(server.raw["created"])) < timedelta(seconds=5)
    volume = await backend.create_volume(models.VolumeSpec(name="fresh", size_gb=1))
    assert age(str(volume.raw["created_at"])) < timedelta(seconds=5)
    template = {"heat_template_version": "2018-08-31", "resources": {}}
    stack = await backend.create_stack(models.StackSpec(name="fresh", template=template))
    assert age((await backend.stack(stack.id)).raw["creation_time"]) < timedelta(seconds=5)


async def test_measures_run_up_to_now() -> None:
    from tui.backend.gnocchi import MeasureQuery

    backend = MemoryBackend()
    resources = await collect(backend.metric_resources(resource_type="instance"))
    metric_id = resources[0].metrics[0][1]
    measures = await backend.measures(metric_id, MeasureQuery(aggregation="mean"))
    assert age(measures[-1].timestamp) < timedelta(minutes=2)


def models_image(backend: MemoryBackend) -> str:
    return next(iter(backend._cloud.images)).id


# -- one catalog: every URL the demo shows is on one of its endpoints ------------------------


async def test_one_catalog_for_the_raw_browser_the_endpoints_and_the_token() -> None:
    backend = MemoryBackend()
    token = await backend.token_info()
    raw = {(e.type, e.name, e.interface, e.region, e.url) for e in await backend.catalog()}
    shown = {(e.service_type, e.service_name, e.interface, e.region, e.url) for e in token.catalog}
    assert raw == shown
    project = backend.info.project_id
    endpoints = {
        (
            e.service_type,
            e.service_name,
            e.interface,
            e.region,
            e.url.replace("%(project_id)s", project),
        )
        for page in [p async for p in backend.endpoints()]
        for e in page
    }
    assert endpoints == raw
    assert {s.type for s in await collect(backend.catalog_services())} == set(backend.info.services)


async def test_the_links_of_stacks_and_projects_are_on_the_catalogs_endpoints() -> None:
    backend = MemoryBackend()
    public = {e.type: e.url for e in await backend.catalog() if e.interface == "public"}
    for stack in await collect(backend.stacks(all_projects=True)):
        heat = public["orchestration"].replace(backend.info.project_id, stack.project_id)
        assert all(link["href"].startswith(heat + "/stacks/") for link in stack.raw["links"])
    for record in [*await collect(backend.projects()), *await collect(backend.users())]:
        assert record.raw["links"]["self"].startswith(public["identity"] + "/"), record.raw


# -- a stack's resources are the cloud's records --------------------------------------------

STACK_TEMPLATE = {
    "heat_template_version": "2018-08-31",
    "parameters": {"flavor": {"type": "string", "default": "m1.small"}},
    "resources": {
        "app_net": {"type": "OS::Neutron::Net", "properties": {"name": "app-net"}},
        "app_subnet": {
            "type": "OS::Neutron::Subnet",
            "properties": {"network": {"get_resource": "app_net"}, "cidr": "192.168.77.0/24"},
        },
        "app_router": {"type": "OS::Neutron::Router", "properties": {"name": "app-router"}},
        "app_port": {
            "type": "OS::Neutron::Port",
            "properties": {"network": {"get_resource": "app_net"}},
        },
        "app_volume": {"type": "OS::Cinder::Volume", "properties": {"size": 3}},
        "app_server": {
            "type": "OS::Nova::Server",
            "properties": {
                "name": "app-1",
                "flavor": {"get_param": "flavor"},
                "image": "cirros-0.6.2-x86_64-disk",
                "networks": [{"port": {"get_resource": "app_port"}}],
            },
        },
        "app_secret": {"type": "OS::Heat::RandomString"},
    },
}


async def settled(backend: MemoryBackend, stack_id: str) -> models.Stack:
    for _ in range(5):
        stack = await backend.stack(stack_id)
        if not stack.status.endswith("IN_PROGRESS"):
            return stack
    raise AssertionError("the stack never settled")


async def test_a_stack_built_in_the_demo_is_made_of_real_records() -> None:
    backend = MemoryBackend()
    made = await backend.create_stack(models.StackSpec(name="app", template=STACK_TEMPLATE))
    stack = await settled(backend, made.id)
    assert stack.status == "CREATE_COMPLETE"
    ids = {r.name: r.physical_id for r in await backend.stack_resources(stack)}
    server = await backend.server(ids["app_server"])
    assert (server.name, server.status, server.flavor) == ("app-1", "ACTIVE", "m1.small")
    port = await backend.port(ids["app_port"])
    assert port.device_id == server.id and port.network_id == ids["app_net"]
    subnet = await backend.subnet(ids["app_subnet"])
    assert subnet.network_id == ids["app_net"] and subnet.cidr == "192.168.77.0/24"
    assert port.fixed_ips[0].subnet_id == subnet.id
    assert [n.id for n in await collect(backend.networks()) if n.name == "app-net"] == [
        ids["app_net"]
    ]
    assert (await backend.router(ids["app_router"])).name == "app-router"
    assert (await backend.volume(ids["app_volume"])).size_gb == 3
    assert server.fixed_ips and server.fixed_ips[0].addr == port.fixed_ips[0].ip_address

    await backend.delete_stack(stack)
    await settled(backend, stack.id)
    assert backend._cloud.servers.get(ids["app_server"]) is None
    for kind in ("ports", "subnets", "networks", "routers", "volumes"):
        store = getattr(backend._cloud, kind)
        assert all(store.get(ident) is None for ident in ids.values()), kind


async def test_the_seeded_stacks_resources_are_records_too() -> None:
    backend = MemoryBackend()
    lookups = {
        "OS::Nova::Server": backend._cloud.servers,
        "OS::Cinder::Volume": backend._cloud.volumes,
        "OS::Neutron::Net": backend._cloud.networks,
        "OS::Neutron::Port": backend._cloud.ports,
    }
    for stack in await collect(backend.stacks(all_projects=True)):
        for res in await backend.stack_resources(stack):
            if res.type in lookups:
                record = lookups[res.type].get(res.physical_id)
                assert record is not None, (stack.name, res.name)
                assert record.project_id == stack.project_id, (stack.name, res.name)


# -- one source for usage: the servers, their flavors and hosts -------------------------------


def flavor_sums(servers: list[models.Server]) -> tuple[int, int, int]:
    flavors = [s.raw["flavor"] for s in servers]
    return (
        sum(f["vcpus"] for f in flavors),
        sum(f["ram"] for f in flavors),
        sum(f["disk"] + f["ephemeral"] for f in flavors),
    )


async def assert_usage_is_the_servers(backend: MemoryBackend) -> None:
    from tui.backend.memory.usage import RESERVED_HOST_MEMORY_MB

    servers = await collect(backend.servers(all_projects=True))
    hypervisors = await collect(backend.hypervisors())
    placement = await backend.raw_get(
        next(e for e in await backend.catalog() if e.type == "placement"), "/resource_providers"
    )
    assert {p["name"] for p in placement.json()["resource_providers"]} == {
        h.host for h in hypervisors
    }
    for h in hypervisors:
        on_host = [s for s in servers if s.host == h.host]
        vcpus, ram, disk = flavor_sums(on_host)
        assert (h.running_vms, h.vcpus_used, h.local_gb_used) == (len(on_host), vcpus, disk)
        assert h.memory_mb_used == RESERVED_HOST_MEMORY_MB + ram
        placement_endpoint = next(e for e in await backend.catalog() if e.type == "placement")
        usages = await backend.raw_get(placement_endpoint, f"/resource_providers/{h.id}/usages")
        assert usages.json()["usages"] == {"VCPU": vcpus, "MEMORY_MB": ram, "DISK_GB": disk}
    # the quotas count every instance (placed or not), the hosts those placed
    in_use = {"cores": 0, "ram": 0, "instances": 0}
    for project in await collect(backend.projects()):
        for row in await backend.quotas(project.id):
            if row.service == "compute" and row.resource in in_use:
                in_use[row.resource] += row.in_use
    vcpus, ram, _ = flavor_sums(servers)
    assert in_use == {"cores": vcpus, "ram": ram, "instances": len(servers)}
    assert sum(h.vcpus_used for h in hypervisors) == flavor_sums([s for s in servers if s.host])[0]


async def test_hypervisor_placement_and_quota_usage_are_the_servers() -> None:
    await assert_usage_is_the_servers(MemoryBackend())


async def test_usage_follows_boot_resize_migrate_and_delete() -> None:
    backend = MemoryBackend(servers=12)
    spec = models.BootSpec(name="grow", flavor_id="2", image_id=models_image(backend))
    (server,) = await backend.create_servers(spec)
    for _ in range(3):
        server = await backend.server(server.id)
    assert server.status == "ACTIVE"
    await assert_usage_is_the_servers(backend)
    await backend.resize(server.id, "3")
    for _ in range(4):
        server = await backend.server(server.id)
    await backend.confirm_resize(server.id)
    assert (await backend.server(server.id)).flavor == "m1.medium"
    await assert_usage_is_the_servers(backend)
    before = (await backend.server(server.id)).host
    await backend.migrate(server.id)
    for _ in range(4):
        server = await backend.server(server.id)
    await backend.confirm_resize(server.id)
    assert (await backend.server(server.id)).host != before
    await assert_usage_is_the_servers(backend)
    await backend.server_action(server.id, "delete")
    await assert_usage_is_the_servers(backend)


# -- console logs follow the image, the state, the server ------------------------------------


async def servers_on(backend: MemoryBackend, image_name: str, status: str) -> list[models.Server]:
    images = {i.id: i.name for i in backend._cloud.images}
    return [
        s
        for s in await collect(backend.servers(all_projects=True))
        if images.get(s.image, "").startswith(image_name) and s.status == status
    ]


async def test_a_cirros_server_boots_cirros_with_its_own_name_and_address() -> None:
    backend = MemoryBackend()
    server = (await servers_on(backend, "cirros", "ACTIVE"))[0]
    log = await backend.console_log(server.id)
    assert "=== cirros: current=0.6.2" in log and "udhcpc" in log
    assert f"lease of {server.fixed_ips[0].addr} obtained" in log
    assert "login as 'cirros' user" in log and log.endswith(f"{server.name} login: ")
    assert "Ubuntu" not in log and "cloud-init" not in log


async def test_an_ubuntu_server_boots_ubuntu_with_cloud_init() -> None:
    backend = MemoryBackend()
    server = (await servers_on(backend, "ubuntu", "ACTIVE"))[0]
    log = await backend.console_log(server.id)
    assert "Ubuntu 24.04" in log and "Cloud-init" in log and "cirros" not in log
    assert server.fixed_ips[0].addr in log and log.endswith(f"{server.name} login: ")


async def test_a_stopped_servers_log_ends_with_its_shutdown() -> None:
    backend = MemoryBackend()
    running = (await servers_on(backend, "ubuntu", "ACTIVE"))[0]
    await backend.server_action(running.id, "stop")
    for image in ("cirros", "ubuntu"):
        server = (await servers_on(backend, image, "SHUTOFF"))[0]
        log = await backend.console_log(server.id)
        assert log.splitlines()[-1].endswith("reboot: Power down"), (image, log[-200:])
        assert (await backend.console_log(server.id, lines=1)).endswith("reboot: Power down")


async def test_a_server_the_scheduler_never_placed_has_no_console_output() -> None:
    from tui.backend.errors import BackendError

    backend = MemoryBackend()
    failed = [s for s in await collect(backend.servers(all_projects=True)) if s.status == "ERROR"]
    assert failed
    for server in failed:
        assert "No valid host" in str(server.raw["fault"]["message"])
        assert not server.host and not server.fixed_ips, server.name  # never placed nor wired
        try:
            await backend.console_log(server.id)
        except BackendError as exc:
            assert (exc.status, exc.message) == (409, f"Instance {server.id} is not ready")
        else:
            raise AssertionError("an unplaced server has no console output")


async def test_telemetry_only_knows_servers_that_ran_on_a_host() -> None:
    backend = MemoryBackend()
    servers = {s.id: s for s in await collect(backend.servers(all_projects=True))}
    instances = await collect(backend.metric_resources(resource_type="instance"))
    assert instances and all(servers[r.id].host for r in instances)
    assert {r.id for r in instances} == {i for i, s in servers.items() if s.host}
