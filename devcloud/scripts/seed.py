"""Seed the devcloud through its public APIs, the way an operator would (openstacksdk).

Runs inside the devcloud venv with OS_CLIENT_CONFIG_FILE set (``devcloud/run seed``; ``up``
runs it on a fresh cloud). Idempotent: everything is found by name before it is created, and
servers are only moved towards their wanted state.

What it makes: projects demo/ops/analytics with users, flavors (one private, with extra
specs), a volume type, two images, aggregates (highspec on compute1, AZ az2 = compute2), the
external network ``public``, a network + subnet + router per project, security groups, keypairs,
volumes (one attached, one snapshot), eight servers over both hosts in ACTIVE, SHUTOFF and
ERROR, and floating IPs (one associated).
"""

from __future__ import annotations

import io
import struct
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openstack
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from openstack.connection import Connection

KEY_DIR = Path(__file__).resolve().parents[2] / ".devcloud" / "data" / "keys"
START = time.monotonic()


def say(message: str) -> None:
    print(f"[seed {time.monotonic() - START:6.1f}s] {message}", flush=True)


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    description: str
    cidr: str
    users: dict[str, str]  # user -> role on this project


@dataclass(frozen=True)
class ServerSpec:
    name: str
    project: str
    host: str  # "zone:host" for availability_zone (admin only)
    flavor: str = "m1.tiny"
    state: str = "ACTIVE"  # ACTIVE, SHUTOFF or ERROR
    metadata: dict[str, str] = field(default_factory=dict)


PROJECTS = (
    ProjectSpec("demo", "Demo project: web shop", "10.10.0.0/24", {"demo": "member"}),
    ProjectSpec("ops", "Operations tooling", "10.20.0.0/24", {"operator": "member"}),
    ProjectSpec(
        "analytics", "Batch analytics", "10.30.0.0/24", {"analyst": "member", "operator": "reader"}
    ),
)
PASSWORDS = {"demo": "demo", "operator": "operator", "analyst": "analyst"}
DEFAULT_PROJECT = {"demo": "demo", "operator": "ops", "analyst": "analytics"}

FLAVORS = (  # name, id, vcpus, ram MiB, disk GiB, public, extra specs
    ("m1.tiny", "1", 1, 512, 1, True, {}),
    ("m1.small", "2", 1, 2048, 20, True, {}),
    ("m1.medium", "3", 2, 4096, 40, True, {"hw:cpu_policy": "shared"}),
    (
        "hpc.large",
        "10",
        8,
        16384,
        80,
        False,
        {"hw:cpu_policy": "dedicated", "aggregate_instance_extra_specs:highspec": "true"},
    ),
)
PRIVATE_FLAVOR_ACCESS = {"hpc.large": ("analytics",)}

ON1, ON2 = "nova:compute1", "az2:compute2"
SERVERS = (
    ServerSpec("web-1", "demo", ON1, metadata={"role": "web"}),
    ServerSpec("web-2", "demo", ON2, metadata={"role": "web"}),
    ServerSpec("db-1", "demo", ON1, "m1.small", metadata={"role": "db"}),
    ServerSpec("batch-old", "demo", ON2, state="SHUTOFF"),
    ServerSpec("monitor-1", "ops", ON2, metadata={"role": "monitoring"}),
    ServerSpec("broken-1", "ops", ON1, state="ERROR"),
    ServerSpec("spark-1", "analytics", ON1, "m1.small", metadata={"role": "worker"}),
    ServerSpec("spark-2", "analytics", ON2, "m1.small", state="SHUTOFF"),
)
VOLUMES = (  # name, project, GiB
    ("db-data", "demo", 1),
    ("scratch", "demo", 2),
    ("backups", "ops", 1),
    ("dataset", "analytics", 5),
)
ATTACHMENTS = (("db-data", "db-1"),)
FLOATING = (("web-1", "demo"),)
SPARE_FLOATING_PROJECTS = ("ops",)
IMAGE_NAME = "cirros-0.6.2-x86_64-disk"


def fake_qcow2(virtual_size: int = 117_440_512, cluster_bits: int = 12) -> bytes:
    """A structurally valid, empty qcow2 image (16 KiB) that passes Glance's inspector."""
    size = 1 << cluster_bits
    l1_size = -(-virtual_size // (size * (size // 8)))
    header = struct.pack(
        ">4sIQIIQIIQQIIQQQQII",
        b"QFI\xfb",
        3,
        0,
        0,
        cluster_bits,
        virtual_size,
        0,
        l1_size,
        3 * size,
        size,
        1,
        0,
        0,
        0,
        0,
        0,
        4,
        104,
    )
    refcount_table = struct.pack(">Q", 2 * size)
    refcount_block = struct.pack(">4H", 1, 1, 1, 1)  # clusters 0-3 in use
    return b"".join(
        part.ljust(size, b"\0") for part in (header, refcount_table, refcount_block, b"")
    )


# -- identity --------------------------------------------------------------------------------


def ensure_identity(admin: Connection) -> dict[str, Any]:
    roles = {name: admin.identity.find_role(name) for name in ("admin", "member", "reader")}
    admin_user = admin.identity.find_user("admin", domain_id="default")
    projects = {}
    for spec in PROJECTS:
        project = admin.identity.find_project(spec.name, domain_id="default")
        if project is None:
            project = admin.identity.create_project(
                name=spec.name, domain_id="default", description=spec.description
            )
        projects[spec.name] = project
        admin.identity.assign_project_role_to_user(project, admin_user, roles["admin"])
    for user_name, password in PASSWORDS.items():
        user = admin.identity.find_user(user_name, domain_id="default")
        if user is None:
            user = admin.identity.create_user(
                name=user_name,
                password=password,
                domain_id="default",
                default_project_id=projects[DEFAULT_PROJECT[user_name]].id,
                email=f"{user_name}@devcloud.example",
            )
        for spec in PROJECTS:
            if user_name in spec.users:
                admin.identity.assign_project_role_to_user(
                    projects[spec.name], user, roles[spec.users[user_name]]
                )
    say(f"projects {', '.join(projects)}; users {', '.join(PASSWORDS)}")
    return projects


# -- compute resources -------------------------------------------------------------------------


def ensure_flavors(admin: Connection, projects: dict[str, Any]) -> None:
    for name, flavor_id, vcpus, ram, disk, public, specs in FLAVORS:
        # by id: a private flavor is not found by name in the (public) flavor list
        flavor = admin.compute.find_flavor(flavor_id, ignore_missing=True)
        if flavor is None:
            flavor = admin.compute.create_flavor(
                name=name, id=flavor_id, vcpus=vcpus, ram=ram, disk=disk, is_public=public
            )
            if specs:
                admin.compute.create_flavor_extra_specs(flavor, specs)
            for project in PRIVATE_FLAVOR_ACCESS.get(name, ()):
                admin.compute.flavor_add_tenant_access(flavor, projects[project].id)
    say(f"flavors {', '.join(f[0] for f in FLAVORS)}")


def ensure_aggregates(admin: Connection) -> None:
    existing = {agg.name: agg for agg in admin.compute.aggregates()}
    wanted = (
        ("highspec", None, "compute1", {"highspec": "true"}),
        ("az2", "az2", "compute2", {"ssd": "true"}),
    )
    for name, zone, host, metadata in wanted:
        aggregate = existing.get(name)
        if aggregate is None:
            aggregate = admin.compute.create_aggregate(name=name, availability_zone=zone)
        if host not in (aggregate.hosts or []):
            aggregate = admin.compute.add_host_to_aggregate(aggregate, host)
        admin.compute.set_aggregate_metadata(aggregate, metadata)
    say("aggregates highspec (compute1), az2 (AZ az2: compute2)")


def ensure_keypair(conn: Connection, name: str) -> None:
    if conn.compute.find_keypair(name, ignore_missing=True) is not None:
        return
    key = ed25519.Ed25519PrivateKey.generate()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    conn.compute.create_keypair(name=name, public_key=f"{public} {name}")
    KEY_DIR.mkdir(parents=True, exist_ok=True)
    private = KEY_DIR / f"{name}.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    private.chmod(0o600)


# -- images and volumes ----------------------------------------------------------------------


def ensure_images(admin: Connection, projects: dict[str, Any]) -> Any:
    image = admin.image.find_image(IMAGE_NAME)
    if image is None:
        image = admin.image.create_image(
            name=IMAGE_NAME,
            data=io.BytesIO(fake_qcow2()),
            disk_format="qcow2",
            container_format="bare",
            visibility="public",
            allow_duplicates=True,
            disable_vendor_agent=False,
            os_distro="cirros",
            os_version="0.6.2",
            hw_architecture="x86_64",
            min_disk=1,
            min_ram=64,
            os_admin_user="cirros",
        )
    if admin.image.find_image("ops-toolbox") is None:
        ops = admin.connect_as_project(projects["ops"].name)
        ops.image.create_image(
            name="ops-toolbox",
            data=io.BytesIO(b"\0" * 8192),
            disk_format="raw",
            container_format="bare",
            visibility="private",
            allow_duplicates=True,
            disable_vendor_agent=False,
        )
    say(f"images {IMAGE_NAME} (public qcow2), ops-toolbox (private raw)")
    return image


def ensure_volume_type(admin: Connection) -> None:
    if admin.block_storage.find_type("fake", ignore_missing=True) is None:
        admin.block_storage.create_type(
            name="fake",
            extra_specs={"volume_backend_name": "fake"},
            description="The fake backend",
            is_public=True,
        )
    say("volume type fake")


def ensure_volumes(conns: dict[str, Connection]) -> dict[str, Any]:
    volumes = {}
    for name, project, size in VOLUMES:
        conn = conns[project]
        volume = conn.block_storage.find_volume(name, ignore_missing=True)
        if volume is None:
            volume = conn.block_storage.create_volume(
                name=name, size=size, description=f"{project} data"
            )
        volumes[name] = volume
    for name, volume in volumes.items():
        if volume.status == "creating":  # an existing one may be in-use (attached)
            project = next(v[1] for v in VOLUMES if v[0] == name)
            conns[project].block_storage.wait_for_status(
                volume, "available", failures=["error"], wait=120
            )
    demo = conns["demo"]
    if demo.block_storage.find_snapshot("scratch-snap", ignore_missing=True) is None:
        snap = demo.block_storage.create_snapshot(
            volume_id=volumes["scratch"].id, name="scratch-snap"
        )
        demo.block_storage.wait_for_status(snap, "available", failures=["error"], wait=120)
    say(f"volumes {', '.join(volumes)}; snapshot scratch-snap")
    return volumes


# -- network -----------------------------------------------------------------------------------


def ensure_public_network(admin: Connection) -> Any:
    net = admin.network.find_network("public")
    if net is None:
        net = admin.network.create_network(
            name="public",
            is_router_external=True,
            provider_network_type="flat",
            provider_physical_network="public",
            description="External network",
        )
    if admin.network.find_subnet("public-subnet") is None:
        admin.network.create_subnet(
            name="public-subnet",
            network_id=net.id,
            ip_version=4,
            cidr="203.0.113.0/24",
            gateway_ip="203.0.113.1",
            is_dhcp_enabled=False,
            allocation_pools=[{"start": "203.0.113.10", "end": "203.0.113.250"}],
        )
    say("external network public (flat, physnet public) 203.0.113.0/24")
    return net


def ensure_project_network(conn: Connection, spec: ProjectSpec, public: Any) -> Any:
    net_name, subnet_name = f"{spec.name}-net", f"{spec.name}-subnet"
    net = conn.network.find_network(net_name)
    if net is None:
        net = conn.network.create_network(name=net_name)
    subnet = conn.network.find_subnet(subnet_name)
    if subnet is None:
        gateway = spec.cidr.replace("0/24", "1")
        subnet = conn.network.create_subnet(
            name=subnet_name,
            network_id=net.id,
            ip_version=4,
            cidr=spec.cidr,
            gateway_ip=gateway,
            dns_nameservers=["192.0.2.53"],
        )
    router = conn.network.find_router(f"{spec.name}-router")
    if router is None:
        router = conn.network.create_router(
            name=f"{spec.name}-router", external_gateway_info={"network_id": public.id}
        )
        conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    ensure_security_group(conn)
    say(f"{spec.name}: network {net_name} {spec.cidr}, router {router.name} -> public")
    return net


def ensure_security_group(conn: Connection) -> None:
    if conn.network.find_security_group("ssh-icmp", project_id=conn.current_project_id):
        return
    group = conn.network.create_security_group(
        name="ssh-icmp", description="SSH and ping from anywhere"
    )
    conn.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="icmp",
        remote_ip_prefix="0.0.0.0/0",
    )
    conn.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
        remote_ip_prefix="0.0.0.0/0",
    )


# -- servers -----------------------------------------------------------------------------------


def in_parallel(func: Callable[[ServerSpec], Any]) -> dict[str, Any]:
    """Run ``func`` for every server spec at once (each create takes ~1 s of API time)."""
    with ThreadPoolExecutor(max_workers=len(SERVERS)) as pool:
        results = list(pool.map(func, SERVERS))
    return {spec.name: result for spec, result in zip(SERVERS, results, strict=True)}


def create_servers(conns: dict[str, Connection], nets: dict[str, Any], image: Any) -> dict:
    def create(spec: ServerSpec) -> Any:
        conn = conns[spec.project]
        server = conn.compute.find_server(spec.name, ignore_missing=True)
        if server is not None:
            return server
        return conn.compute.create_server(
            name=spec.name,
            image_id=image.id,
            flavor_id=conn.compute.find_flavor(spec.flavor).id,
            networks=[{"uuid": nets[spec.project].id}],
            key_name="devcloud-key",
            security_groups=[{"name": "ssh-icmp"}],
            availability_zone=spec.host,
            metadata=spec.metadata,
        )

    servers = in_parallel(create)
    say(f"booting {len(servers)} servers")
    return servers


def wait_servers(conns: dict[str, Connection], servers: dict) -> dict:
    for spec in SERVERS:
        conn = conns[spec.project]
        server = conn.compute.get_server(servers[spec.name].id)
        if server.status not in ("ACTIVE", "SHUTOFF", "ERROR"):
            server = conn.compute.wait_for_server(server, status="ACTIVE", wait=300)
        servers[spec.name] = server
    say("servers ACTIVE")
    return servers


def apply_server_states(admin: Connection, conns: dict[str, Connection], servers: dict) -> None:
    def apply(spec: ServerSpec) -> None:
        conn, server = conns[spec.project], servers[spec.name]
        if spec.state == "SHUTOFF" and server.status == "ACTIVE":
            conn.compute.stop_server(server)
            conn.compute.wait_for_server(server, status="SHUTOFF", wait=120)
        elif spec.state == "ERROR" and server.status != "ERROR":
            admin.compute.reset_server_state(server, "error")

    in_parallel(apply)
    say("batch-old, spark-2 SHUTOFF; broken-1 ERROR")


def attach_volumes(conns: dict[str, Connection], volumes: dict, servers: dict) -> None:
    for volume_name, server_name in ATTACHMENTS:
        spec = next(s for s in SERVERS if s.name == server_name)
        conn = conns[spec.project]
        volume = conn.block_storage.get_volume(volumes[volume_name].id)
        if volume.status == "available":
            conn.compute.create_volume_attachment(servers[server_name], volume_id=volume.id)
            conn.block_storage.wait_for_status(volume, "in-use", failures=["error"], wait=120)
        say(f"volume {volume_name} attached to {server_name}")


def ensure_floating_ips(conns: dict[str, Connection], public: Any, servers: dict) -> None:
    for server_name, project in FLOATING:
        conn = conns[project]
        port = next(conn.network.ports(device_id=servers[server_name].id))
        fip = next(conn.network.ips(port_id=port.id), None)
        if fip is None:
            fip = conn.network.create_ip(
                floating_network_id=public.id,
                port_id=port.id,
                description=f"{server_name} public address",
            )
        say(f"floating IP {fip.floating_ip_address} -> {server_name}")
    for project in SPARE_FLOATING_PROJECTS:
        conn = conns[project]
        if next(conn.network.ips(project_id=conn.current_project_id), None) is None:
            conn.network.create_ip(floating_network_id=public.id, description="spare")


def main() -> None:
    admin = openstack.connect(cloud="devcloud-admin")
    projects = ensure_identity(admin)
    conns = {name: admin.connect_as_project(name) for name in projects}
    ensure_flavors(admin, projects)
    ensure_aggregates(admin)
    ensure_volume_type(admin)
    image = ensure_images(admin, projects)
    public = ensure_public_network(admin)
    nets = {spec.name: ensure_project_network(conns[spec.name], spec, public) for spec in PROJECTS}
    ensure_keypair(admin, "devcloud-key")  # keypairs belong to the user, not the project
    ensure_keypair(openstack.connect(cloud="devcloud-demo"), "demo-key")
    servers = create_servers(conns, nets, image)
    volumes = ensure_volumes(conns)
    servers = wait_servers(conns, servers)
    attach_volumes(conns, volumes, servers)
    apply_server_states(admin, conns, servers)
    ensure_floating_ips(conns, public, servers)
    say("done")


if __name__ == "__main__":
    main()
