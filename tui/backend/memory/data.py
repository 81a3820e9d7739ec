"""The demo cloud's records, built as the real APIs' JSON with fixed ids and timestamps."""

from __future__ import annotations

import functools
import ipaddress
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from tui.backend.memory.catalog import identity_link

_NS = uuid.UUID("5a1e0c4e-1d2b-4c6e-9f00-57ac4dec0001")
_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

PROJECT_NAMES = ("admin", "demo", "ops", "analytics", "web", "batch", "research", "staging")
ROLES = ("web", "db", "cache", "api", "worker", "lb", "queue", "search")
FLAVORS = ("m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge")
# The private flavor no host can take: booting it ends in ERROR "No valid host was found."
NO_VALID_HOST_FLAVOR = "huge.gpu"
PUBLIC_CIDR = "172.24.0.0/16"
# (status, vm_state, task_state, power_state): a realistic mix, ACTIVE first and most often
STATES: tuple[tuple[str, str, str | None, int], ...] = (
    ("ACTIVE", "active", None, 1),
    ("ACTIVE", "active", None, 1),
    ("ACTIVE", "active", None, 1),
    ("SHUTOFF", "stopped", None, 4),
    ("ACTIVE", "active", None, 1),
    ("ERROR", "error", None, 0),
    ("ACTIVE", "active", None, 1),
    ("BUILD", "building", "spawning", 0),
    ("ACTIVE", "active", None, 1),
    ("PAUSED", "paused", None, 3),
    ("ACTIVE", "active", "rebooting", 1),
    ("SUSPENDED", "suspended", None, 7),
)


@functools.lru_cache(maxsize=4096)
def fixed_id(kind: str, n: int) -> str:
    return str(uuid.uuid5(_NS, f"{kind}-{n}"))


PUBLIC_NETWORK = fixed_id("network", 1_000_000)
PUBLIC_SUBNET = fixed_id("subnet", 1_000_000)


def derived_id(kind: str, owner: str) -> str:
    """A fixed id for a record that belongs to another one (a server's port, its address)."""
    return str(uuid.uuid5(_NS, f"{kind}-of-{owner}"))


# When a record was made: minutes into the seed's calendar, or a moment (made while it runs)
When = int | datetime


@functools.lru_cache(maxsize=4096)
def stamp(minutes: When) -> str:
    if isinstance(minutes, datetime):
        return minutes.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (_EPOCH + timedelta(minutes=minutes % 4000)).strftime("%Y-%m-%dT%H:%M:%SZ")


def project_json(n: int) -> dict[str, Any]:
    name = PROJECT_NAMES[n] if n < len(PROJECT_NAMES) else f"project-{n:03d}"
    return {
        "id": fixed_id("project", n),
        "name": name,
        "domain_id": "default",
        "enabled": n != 3,
        "description": f"{name} workloads",
        "parent_id": "default",
        "is_domain": False,
        "tags": [],
        "links": identity_link(f"/projects/{fixed_id('project', n)}"),
    }


def hypervisor_json(n: int) -> dict[str, Any]:
    host = f"compute{n + 1}"
    disabled = n == 2
    return {
        "id": fixed_id("hypervisor", n),
        "hypervisor_hostname": host,
        "state": "down" if n == 3 else "up",
        "status": "disabled" if disabled else "enabled",
        "hypervisor_type": "QEMU",
        "hypervisor_version": 8002000,
        "host_ip": f"192.168.10.{11 + n}",
        "vcpus": 64,
        "vcpus_used": 0,
        "memory_mb": 515_072,
        "memory_mb_used": 4096,
        "local_gb": 3_500,
        "local_gb_used": 0,
        "running_vms": 0,
        "service": {
            "host": host,
            "id": fixed_id("service", n),
            "disabled_reason": "hardware maintenance (RAID)" if disabled else None,
        },
        **hypervisor_detail_json(n),
    }


def address_json(addr: str, kind: str, mac: str) -> dict[str, Any]:
    """One of a server's addresses (``kind``: fixed or floating) as Nova shows it."""
    return {"addr": addr, "version": 4, "OS-EXT-IPS:type": kind, "OS-EXT-IPS-MAC:mac_addr": mac}


def server_json(n: int, n_projects: int, hosts: list[str]) -> dict[str, Any]:
    status, vm_state, task, power = STATES[n % len(STATES)]
    role = ROLES[n % len(ROLES)]
    project = (n // 3) % n_projects
    sid = fixed_id("server", n)
    net = network_name(project)
    fixed = server_fixed_ip(n, project)
    mac = server_mac(n)
    addresses: list[dict[str, Any]] = []
    if server_has_port(n):
        addresses.append(address_json(fixed, "fixed", mac))
        if n % 5 == 0:
            addresses.append(address_json(server_floating_ip(n), "floating", mac))
    # a server in ERROR found no host ("No valid host"): never placed, nor wired
    placed = status != "ERROR" and (status != "BUILD" or n % 2)
    host = hosts[n % len(hosts)] if placed else None
    server = {
        "id": sid,
        "name": f"{role}-{n + 1:02d}" if n < 99 else f"{role}-{n + 1:06d}",
        "status": status,
        "OS-EXT-STS:vm_state": vm_state,
        "OS-EXT-STS:task_state": task,
        "OS-EXT-STS:power_state": power,
        "tenant_id": fixed_id("project", project),
        "user_id": fixed_id("user", project),
        "OS-EXT-SRV-ATTR:host": host,
        "OS-EXT-SRV-ATTR:hypervisor_hostname": host,
        "OS-EXT-SRV-ATTR:instance_name": f"instance-{n + 1:08x}",
        "OS-EXT-AZ:availability_zone": "nova",
        "flavor": embedded_flavor(flavor_json(n % len(FLAVORS))),
        "image": {"id": fixed_id("image", n % 3)},
        "key_name": "ops-key" if n % 4 else None,
        "addresses": {net: addresses} if addresses else {},
        "created": stamp(n),
        "updated": stamp(n + 7),
        "locked": n % 17 == 0,
        "metadata": {"role": role},
        "tags": [],  # Nova shows them from microversion 2.26
        "security_groups": [{"name": "default"}],
        "os-extended-volumes:volumes_attached": [
            {"id": fixed_id("volume", k), "delete_on_termination": False}
            for k, volume in enumerate(SEED_VOLUMES)
            if volume.server == n
        ],
    }
    if status == "ERROR":
        server["fault"] = {
            "code": 500,
            "message": "No valid host was found. ",
            "created": stamp(n + 1),
        }
    return server


# -- the servers' networking ------------------------------------------------------------------


def project_of_server(n: int, n_projects: int) -> int:
    return (n // 3) % n_projects


def server_has_port(n: int) -> bool:
    return STATES[n % len(STATES)][0] not in ("BUILD", "ERROR")


def server_has_floating_ip(n: int) -> bool:
    return server_has_port(n) and n % 5 == 0


def network_name(project: int) -> str:
    return f"private-{PROJECT_NAMES[project] if project < len(PROJECT_NAMES) else project}"


def server_fixed_ip(n: int, project: int) -> str:
    return f"10.{project % 250}.{(n // 250) % 250}.{n % 250 + 2}"


def server_floating_ip(n: int) -> str:
    return f"172.24.{(n // 250) % 250}.{n % 250 + 2}"


def server_mac(n: int, prefix: str = "fa:16:3e") -> str:
    return f"{prefix}:{(n >> 16) & 0xFF:02x}:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"


def new_mac(k: int) -> str:
    return server_mac(k, "fa:16:3f")


def new_address(cidr: str, k: int) -> str:
    """The k-th address handed out in a subnet, above everything the seed uses."""
    net = ipaddress.ip_network(cidr)
    return str(net.network_address + max(2, net.num_addresses - 1014) + k)


def server_port_id(server_id: str) -> str:
    return derived_id("port", server_id)


# -- networks, subnets, routers -------------------------------------------------------------


def _neutron_common(project_id: str, minutes: When) -> dict[str, Any]:
    return {
        "tenant_id": project_id,
        "project_id": project_id,
        "description": "",
        "tags": [],
        "created_at": stamp(minutes),
        "updated_at": stamp(minutes),
        "revision_number": 1,
    }


def network_json(project: int, project_id: str) -> dict[str, Any]:
    return {
        "id": fixed_id("network", project),
        "name": network_name(project),
        **_neutron_common(project_id, project),
        "admin_state_up": True,
        "mtu": 1442,
        "status": "ACTIVE",
        "subnets": [fixed_id("subnet", project)],
        "shared": False,
        "availability_zone_hints": [],
        "availability_zones": ["nova"],
        "router:external": False,
        "port_security_enabled": True,
        "provider:network_type": "geneve",
        "provider:physical_network": None,
        "provider:segmentation_id": 1000 + project,
    }


def public_network_json(admin_project_id: str) -> dict[str, Any]:
    return {
        **network_json(0, admin_project_id),
        "id": PUBLIC_NETWORK,
        "name": "public",
        "description": "External network",
        "mtu": 1500,
        "subnets": [PUBLIC_SUBNET],
        "router:external": True,
        "provider:network_type": "flat",
        "provider:physical_network": "public",
        "provider:segmentation_id": None,
    }


def subnet_json(project: int, project_id: str) -> dict[str, Any]:
    octet = project % 250
    return {
        "id": fixed_id("subnet", project),
        "name": f"{network_name(project)}-subnet",
        **_neutron_common(project_id, project),
        "network_id": fixed_id("network", project),
        "ip_version": 4,
        "cidr": f"10.{octet}.0.0/16",
        "gateway_ip": f"10.{octet}.0.1",
        "enable_dhcp": True,
        "allocation_pools": [{"start": f"10.{octet}.0.2", "end": f"10.{octet}.255.254"}],
        "dns_nameservers": ["192.0.2.53"],
        "host_routes": [],
        "subnetpool_id": None,
        "service_types": [],
    }


def public_subnet_json(admin_project_id: str) -> dict[str, Any]:
    return {
        **subnet_json(0, admin_project_id),
        "id": PUBLIC_SUBNET,
        "name": "public-subnet",
        "network_id": PUBLIC_NETWORK,
        "cidr": PUBLIC_CIDR,
        "gateway_ip": "172.24.0.1",
        "enable_dhcp": False,
        "allocation_pools": [{"start": "172.24.0.2", "end": "172.24.255.254"}],
        "dns_nameservers": [],
    }


def router_gateway_ip(project: int) -> str:
    return f"172.24.255.{project % 250 + 1}"


def router_json(project: int, project_id: str) -> dict[str, Any]:
    name = PROJECT_NAMES[project] if project < len(PROJECT_NAMES) else str(project)
    return {
        "id": fixed_id("router", project),
        "name": f"router-{name}",
        **_neutron_common(project_id, project),
        "admin_state_up": True,
        "status": "ACTIVE",
        "external_gateway_info": {
            "network_id": PUBLIC_NETWORK,
            "external_fixed_ips": [
                {"subnet_id": PUBLIC_SUBNET, "ip_address": router_gateway_ip(project)}
            ],
            "enable_snat": True,
        },
        "availability_zones": ["nova"],
        "availability_zone_hints": [],
        "distributed": False,
        "ha": False,
        "routes": [],
        "flavor_id": None,
    }


# -- ports, floating IPs --------------------------------------------------------------------


class PortSpec(NamedTuple):
    id: str
    network_id: str
    subnet_id: str
    ip: str
    mac: str
    project_id: str
    device_id: str = ""
    device_owner: str = ""
    host: str = ""
    security_groups: tuple[str, ...] = ()
    status: str = "ACTIVE"


def port_json(spec: PortSpec, minutes: When = 0) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": "",
        "network_id": spec.network_id,
        **_neutron_common(spec.project_id, minutes),
        "mac_address": spec.mac,
        "admin_state_up": True,
        "status": spec.status,
        "device_id": spec.device_id,
        "device_owner": spec.device_owner,
        "fixed_ips": [{"subnet_id": spec.subnet_id, "ip_address": spec.ip}],
        "allowed_address_pairs": [],
        "extra_dhcp_opts": [],
        "security_groups": list(spec.security_groups),
        "binding:vnic_type": "normal",
        "binding:profile": {},
        "binding:host_id": spec.host,
        "binding:vif_type": "ovs" if spec.host else "unbound",
        "binding:vif_details": {},
        "port_security_enabled": bool(spec.security_groups),
    }


def server_port_json(n: int, n_projects: int, hosts: list[str], project_ids: list[str]) -> Any:
    project = project_of_server(n, n_projects)
    sid = fixed_id("server", n)
    status = STATES[n % len(STATES)][0]
    spec = PortSpec(
        id=server_port_id(sid),
        network_id=fixed_id("network", project),
        subnet_id=fixed_id("subnet", project),
        ip=server_fixed_ip(n, project),
        mac=server_mac(n),
        project_id=project_ids[project],
        device_id=sid,
        device_owner="compute:nova",
        host=hosts[n % len(hosts)],
        security_groups=(security_group_id(project, "default"),),
        status="ACTIVE" if status == "ACTIVE" else "DOWN",
    )
    return port_json(spec, n)


def router_ports_json(project: int, project_id: str) -> list[dict[str, Any]]:
    router = fixed_id("router", project)
    inside = PortSpec(
        id=fixed_id("router-interface", project),
        network_id=fixed_id("network", project),
        subnet_id=fixed_id("subnet", project),
        ip=f"10.{project % 250}.0.1",
        mac=f"fa:16:3e:ff:00:{project & 0xFF:02x}",
        project_id=project_id,
        device_id=router,
        device_owner="network:router_interface",
    )
    gateway = PortSpec(
        id=fixed_id("router-gateway", project),
        network_id=PUBLIC_NETWORK,
        subnet_id=PUBLIC_SUBNET,
        ip=router_gateway_ip(project),
        mac=f"fa:16:3e:ff:01:{project & 0xFF:02x}",
        project_id="",
        device_id=router,
        device_owner="network:router_gateway",
    )
    return [port_json(inside, project), port_json(gateway, project)]


def floating_ip_json(
    fip_id: str,
    address: str,
    project_id: str,
    *,
    port: Mapping[str, Any] | None = None,
    router_id: str | None = None,
    description: str = "",
    minutes: When = 0,
) -> dict[str, Any]:
    """A floating IP record, associated with ``port`` (a port's JSON) or free."""
    details = None
    if port is not None:
        details = {
            key: port[key]
            for key in (
                "name",
                "network_id",
                "mac_address",
                "admin_state_up",
                "status",
                "device_id",
                "device_owner",
            )
        }
    return {
        "id": fip_id,
        **_neutron_common(project_id, minutes),
        "description": description,
        "floating_ip_address": address,
        "floating_network_id": PUBLIC_NETWORK,
        "router_id": router_id if port is not None else None,
        "port_id": port["id"] if port is not None else None,
        "fixed_ip_address": port["fixed_ips"][0]["ip_address"] if port is not None else None,
        "status": "ACTIVE" if port is not None else "DOWN",
        "port_details": details,
    }


def server_floating_ip_json(
    n: int, n_projects: int, hosts: list[str], project_ids: list[str]
) -> dict[str, Any]:
    project = project_of_server(n, n_projects)
    return floating_ip_json(
        derived_id("floating-ip", fixed_id("server", n)),
        server_floating_ip(n),
        project_ids[project],
        port=server_port_json(n, n_projects, hosts, project_ids),
        router_id=fixed_id("router", project),
        minutes=n,
    )


def spare_floating_ip_json(project: int, project_id: str) -> dict[str, Any]:
    return floating_ip_json(
        fixed_id("floating-ip", project),
        f"172.24.254.{project % 250 + 2}",
        project_id,
        description="spare",
        minutes=project,
    )


# -- security groups ------------------------------------------------------------------------


def security_group_id(project: int, name: str) -> str:
    return derived_id("security-group", f"{name}-{project}")


def rule_json(group: str, project_id: str, k: int | str, **fields: Any) -> dict[str, Any]:
    rule = {
        "id": derived_id("rule", f"{group}-{k}"),
        "project_id": project_id,
        "tenant_id": project_id,
        "security_group_id": group,
        "ethertype": "IPv4",
        "direction": "ingress",
        "protocol": None,
        "port_range_min": None,
        "port_range_max": None,
        "remote_ip_prefix": None,
        "remote_group_id": None,
        "description": "",
    }
    rule.update(fields)
    return rule


def security_group_json(project: int, project_id: str, name: str) -> dict[str, Any]:
    group = security_group_id(project, name)
    rule = functools.partial(rule_json, group, project_id)
    egress = [rule(0, direction="egress"), rule(1, direction="egress", ethertype="IPv6")]
    if name == "default":
        ingress = [rule(2, remote_group_id=group), rule(3, ethertype="IPv6", remote_group_id=group)]
        description = "Default security group"
    else:
        ingress = [
            rule(2, protocol="icmp", remote_ip_prefix="0.0.0.0/0"),
            rule(
                3,
                protocol="tcp",
                port_range_min=22,
                port_range_max=22,
                remote_ip_prefix="0.0.0.0/0",
            ),
        ]
        description = "SSH and ping from anywhere"
    return {
        "id": group,
        "name": name,
        **_neutron_common(project_id, project),
        "description": description,
        "stateful": True,
        "shared": False,
        "security_group_rules": egress + ingress,
    }


SECURITY_GROUPS = ("default", "ssh-icmp")


# -- volumes and snapshots ------------------------------------------------------------------


class SeedVolume(NamedTuple):
    name: str
    size: int
    server: int | None  # the seed server it is attached to
    project: int  # when not attached (an attached one lives in its server's project)


SEED_VOLUMES = (
    SeedVolume("db-data", 10, 1, 0),
    SeedVolume("scratch", 2, None, 0),
    SeedVolume("logs", 5, 4, 1),
    SeedVolume("backups", 50, None, 1),
    SeedVolume("dataset", 100, 6, 2),
    SeedVolume("archive", 20, None, 2),
)
SEED_SNAPSHOTS = (("scratch-snap", 1), ("db-data-nightly", 0))  # name, volume index
VOLUME_HOST = "controller@lvm#lvm"
VOLUME_TYPE = "lvmdriver-1"


def attachment_json(
    volume_id: str,
    server_id: str,
    host: str | None,
    device: str,
    attachment_id: str,
    minutes: When = 30,
) -> dict[str, Any]:
    return {
        "id": volume_id,
        "attachment_id": attachment_id,
        "volume_id": volume_id,
        "server_id": server_id,
        "host_name": host,
        "device": device,
        "attached_at": stamp(minutes),
    }


def volume_json(
    volume_id: str,
    name: str,
    size: int,
    project_id: str,
    *,
    minutes: When = 0,
    description: str = "",
    bootable: bool = False,
    source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An available volume; attachments are added by who attaches it."""
    return {
        "id": volume_id,
        "status": "available",
        "size": size,
        "availability_zone": "nova",
        "created_at": stamp(minutes),
        "updated_at": stamp(minutes if isinstance(minutes, datetime) else minutes + 1),
        "name": name,
        "description": description,
        "volume_type": VOLUME_TYPE,
        "snapshot_id": None,
        "source_volid": None,
        "metadata": {},
        "user_id": fixed_id("user", 0),
        "bootable": "true" if bootable else "false",
        "encrypted": False,
        "replication_status": None,
        "multiattach": False,
        "attachments": [],
        "migration_status": None,
        "group_id": None,
        "os-vol-tenant-attr:tenant_id": project_id,
        "os-vol-host-attr:host": VOLUME_HOST,
        **(source or {}),
    }


def seed_volume_json(k: int, n_projects: int, n_servers: int, hosts: list[str]) -> dict[str, Any]:
    seed = SEED_VOLUMES[k]
    server = seed.server if seed.server is not None and seed.server < n_servers else None
    project = seed.project if server is None else project_of_server(server, n_projects)
    volume = volume_json(
        fixed_id("volume", k),
        seed.name,
        seed.size,
        fixed_id("project", project % n_projects),
        minutes=k,
        description=f"{seed.name} of {PROJECT_NAMES[project % n_projects]}",
    )
    if server is not None:
        server_id = fixed_id("server", server)
        host = hosts[server % len(hosts)]
        volume["status"] = "in-use"
        volume["attachments"] = [
            attachment_json(volume["id"], server_id, host, "/dev/vdb", fixed_id("attachment", k))
        ]
    return volume


def snapshot_json(
    snapshot_id: str, name: str, volume: Mapping[str, Any], minutes: When = 0
) -> dict[str, Any]:
    return {
        "id": snapshot_id,
        "name": name,
        "description": f"snapshot of {volume['name']}",
        "volume_id": volume["id"],
        "status": "available",
        "size": volume["size"],
        "created_at": stamp(minutes),
        "updated_at": stamp(minutes),
        "metadata": {},
        "os-extended-snapshot-attributes:project_id": volume["os-vol-tenant-attr:tenant_id"],
        "os-extended-snapshot-attributes:progress": "100%",
    }


# -- flavors, images, keypairs, zones -------------------------------------------------------


def flavor_json(k: int) -> dict[str, Any]:
    """The m1.* flavors (as embedded in the seed servers), then the private huge.gpu."""
    if k < len(FLAVORS):
        name, vcpus, ram, disk, public = FLAVORS[k], 1 << k, 512 << k, 1 + 10 * k, True
    else:
        name, vcpus, ram, disk, public = NO_VALID_HOST_FLAVOR, 128, 2_097_152, 2000, False
    return {
        "id": str(k + 1),
        "name": name,
        "ram": ram,
        "disk": disk,
        "swap": 0,
        "OS-FLV-EXT-DATA:ephemeral": 0,
        "vcpus": vcpus,
        "os-flavor-access:is_public": public,
        "description": None,
        "extra_specs": {} if public else {"resources:VGPU": "8", "hw:cpu_policy": "dedicated"},
    }


N_FLAVORS = len(FLAVORS) + 1

# name, visibility, disk format, size in bytes, min disk GiB, min ram MiB
SEED_IMAGES = (
    ("cirros-0.6.2-x86_64-disk", "public", "qcow2", 21_430_272, 1, 64),
    ("ubuntu-24.04-server-cloudimg-amd64", "public", "qcow2", 617_611_264, 10, 512),
    ("ops-toolbox", "private", "raw", 8192, 0, 0),
)


def image_json(
    image_id: str,
    name: str,
    owner: str,
    *,
    visibility: str = "private",
    disk_format: str = "qcow2",
    size: int | None = None,
    min_disk: int = 0,
    min_ram: int = 0,
    status: str = "active",
    minutes: When = 0,
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": image_id,
        "name": name,
        "disk_format": disk_format,
        "container_format": "bare",
        "visibility": visibility,
        "size": size,
        "virtual_size": size,
        "status": status,
        "checksum": None if size is None else uuid.uuid5(_NS, image_id).hex,
        "protected": False,
        "min_ram": min_ram,
        "min_disk": min_disk,
        "owner": owner,
        "os_hidden": False,
        "created_at": stamp(minutes),
        "updated_at": stamp(minutes),
        "tags": [],
        "self": f"/v2/images/{image_id}",
        "file": f"/v2/images/{image_id}/file",
        "schema": "/v2/schemas/image",
        **(properties or {}),
    }


def seed_image_json(k: int, n_projects: int) -> dict[str, Any]:
    name, visibility, disk_format, size, min_disk, min_ram = SEED_IMAGES[k]
    owner = fixed_id("project", 0 if visibility == "public" else 2 % n_projects)
    return image_json(
        fixed_id("image", k),
        name,
        owner,
        visibility=visibility,
        disk_format=disk_format,
        size=size,
        min_disk=min_disk,
        min_ram=min_ram,
        minutes=k,
    )


SEED_KEYPAIRS = (
    ("ops-key", "ssh", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOpsKeyOpsKeyOpsKeyOpsKeyOpsKey"),
    ("deploy-key", "ssh", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDeployKeyDeployKeyDeployKeyDepl"),
)


def keypair_json(k: int, user_id: str) -> dict[str, Any]:
    name, kind, public_key = SEED_KEYPAIRS[k]
    digest = uuid.uuid5(_NS, name).hex
    return {
        "keypair": {
            "name": name,
            "public_key": f"{public_key} {name}",
            "fingerprint": ":".join(digest[i : i + 2] for i in range(0, 32, 2)),
            "type": kind,
            "user_id": user_id,
        }
    }


# -- booted servers ------------------------------------------------------------------------


def booted_server_json(
    server_id: str,
    name: str,
    *,
    project_id: str,
    user_id: str,
    flavor: Mapping[str, Any],
    image_id: str,
    minutes: When,
    reservation_id: str,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """A server just accepted by POST /servers: BUILD, scheduling, no host, no address."""
    return {
        "id": server_id,
        "name": name,
        "status": "BUILD",
        "OS-EXT-STS:vm_state": "building",
        "OS-EXT-STS:task_state": "scheduling",
        "OS-EXT-STS:power_state": 0,
        "tenant_id": project_id,
        "user_id": user_id,
        "OS-EXT-SRV-ATTR:host": None,
        "OS-EXT-SRV-ATTR:hypervisor_hostname": None,
        "OS-EXT-SRV-ATTR:instance_name": "",
        "OS-EXT-SRV-ATTR:reservation_id": reservation_id,
        "OS-EXT-AZ:availability_zone": "",
        "flavor": embedded_flavor(flavor),
        "image": {"id": image_id} if image_id else "",
        "key_name": None,
        "addresses": {},
        "created": stamp(minutes),
        "updated": stamp(minutes),
        "locked": False,
        "metadata": {},
        "tags": [],
        "security_groups": [{"name": "default"}],
        "os-extended-volumes:volumes_attached": [],
        **extra,
    }


def embedded_flavor(flavor: Mapping[str, Any]) -> dict[str, Any]:
    """A flavor (its API JSON) as a server embeds it (2.47 and later)."""
    return {
        "original_name": flavor["name"],
        "vcpus": flavor["vcpus"],
        "ram": flavor["ram"],
        "disk": flavor["disk"],
        "ephemeral": flavor["OS-FLV-EXT-DATA:ephemeral"],
        "swap": flavor["swap"],
        "extra_specs": dict(flavor.get("extra_specs") or {}),
    }


# -- hypervisor detail (overview helper) ---------------------------------------------


def hypervisor_detail_json(n: int) -> dict[str, Any]:
    """What GET /os-hypervisors/detail adds at 2.28-2.87: the host's CPU, as a dict."""
    return {
        "cpu_info": {
            "arch": "x86_64",
            "model": "Icelake-Server" if n % 2 == 0 else "Cascadelake-Server",
            "vendor": "Intel",
            "features": ["avx512f", "aes", "pdpe1gb", "vmx"],
            "topology": {"cores": 16, "threads": 2, "sockets": 2},
        },
        "current_workload": 0,
        "disk_available_least": 3_400,
    }
