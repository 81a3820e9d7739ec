"""Records of a big cloud in the real services' JSON shapes, for `bench/fake_cloud.py`.

Servers as Nova's servers/detail returns them at microversion 2.90, ports and networks as
Neutron's v2.0, volumes as Cinder's v3 volumes/detail, and the flavors, images, projects and
hypervisors they refer to. Names come from small pools (200 projects, a network per project,
12 flavors, 30 images, a host per 150 servers), as in a real cloud, so name lookups can be
batched; values are random but reproducible (a seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

EPOCH = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
SERVERS_PER_HOST = 150
FLAVORS = (
    ("m1.tiny", 1, 512, 1),
    ("m1.small", 1, 2048, 20),
    ("m1.medium", 2, 4096, 40),
    ("m1.large", 4, 8192, 80),
    ("m1.xlarge", 8, 16384, 160),
    ("c5.large", 2, 4096, 20),
    ("c5.xlarge", 4, 8192, 20),
    ("c5.2xlarge", 8, 16384, 20),
    ("r5.large", 2, 16384, 20),
    ("r5.xlarge", 4, 32768, 20),
    ("r5.2xlarge", 8, 65536, 20),
    ("gpu.a100", 16, 131072, 200),
)
ROLES = ("web", "db", "cache", "api", "worker", "etl", "k8s-node", "bastion")
# (status, task_state, power_state, vm_state), and how often each is drawn
STATES = (
    ("ACTIVE", None, 1, "active"),
    ("SHUTOFF", None, 4, "stopped"),
    ("ERROR", None, 0, "error"),
    ("BUILD", "spawning", 0, "building"),
    ("ACTIVE", "rebooting", 1, "active"),
    ("MIGRATING", "migrating", 1, "active"),
    ("PAUSED", None, 3, "paused"),
)
STATE_WEIGHTS = (80, 9, 3, 3, 2, 2, 1)


def iso(epoch: float) -> str:
    """Nova's and Neutron's timestamp form: seconds, UTC, a Z."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cinder_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000000")


@dataclass
class Pools:
    """What the records refer to: projects, hosts, flavors, images, networks."""

    generator: random.Random
    hosts: list[str]
    admin_project: str = ""
    projects: dict[str, str] = field(default_factory=dict)
    flavors: list[Json] = field(default_factory=list)
    images: list[Json] = field(default_factory=list)
    networks: list[Json] = field(default_factory=list)  # one per project, then "public"
    subnets: list[Json] = field(default_factory=list)
    user_id: str = ""

    def uuid(self) -> str:
        h = f"{self.generator.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def hex_id(self) -> str:
        return f"{self.generator.getrandbits(128):032x}"


def make_pools(servers: int, seed: int) -> Pools:
    generator = random.Random(seed)
    hosts = [f"compute-{n:04d}" for n in range(1, max(2, servers // SERVERS_PER_HOST) + 1)]
    pools = Pools(generator, hosts)
    pools.user_id = pools.hex_id()
    pools.admin_project = pools.hex_id()
    pools.projects[pools.admin_project] = "admin"
    for n in range(200):
        pools.projects[pools.hex_id()] = f"project-{n:03d}"
    for name, vcpus, ram, disk in FLAVORS:
        pools.flavors.append(flavor_record(pools.uuid(), name, vcpus, ram, disk))
    for n in range(30):
        pools.images.append(image_record(pools, f"{('ubuntu', 'rocky', 'debian')[n % 3]}-{n:02d}"))
    for project_id, project in [*pools.projects.items(), (pools.admin_project, "public")]:
        network, subnet = network_records(pools, len(pools.networks), project_id, project)
        pools.networks.append(network)
        pools.subnets.append(subnet)
    return pools


def flavor_record(ident: str, name: str, vcpus: int, ram: int, disk: int) -> Json:
    return {
        "id": ident,
        "name": name,
        "ram": ram,
        "vcpus": vcpus,
        "disk": disk,
        "OS-FLV-EXT-DATA:ephemeral": 0,
        "OS-FLV-DISABLED:disabled": False,
        "swap": 0,
        "rxtx_factor": 1.0,
        "os-flavor-access:is_public": True,
        "description": None,
        "extra_specs": {"hw:cpu_policy": "shared"},
        "links": [],
    }


def image_record(pools: Pools, name: str) -> Json:
    created = iso(EPOCH - 86400 * 90)
    return {
        "id": pools.uuid(),
        "name": name,
        "status": "active",
        "visibility": "public",
        "protected": False,
        "os_hidden": False,
        "owner": pools.admin_project,
        "container_format": "bare",
        "disk_format": "qcow2",
        "size": 2147483648,
        "virtual_size": 10737418240,
        "min_disk": 10,
        "min_ram": 512,
        "checksum": f"{pools.generator.getrandbits(128):032x}",
        "os_hash_algo": "sha512",
        "os_hash_value": f"{pools.generator.getrandbits(512):0128x}",
        "tags": [],
        "created_at": created,
        "updated_at": created,
        "self": "",
        "file": "",
        "schema": "/v2/schemas/image",
    }


def network_records(pools: Pools, n: int, project_id: str, project: str) -> tuple[Json, Json]:
    network_id, subnet_id = pools.uuid(), pools.uuid()
    public = project == "public"
    created = iso(EPOCH - 86400 * 60)
    cidr = "203.0.113.0/24" if public else f"10.{n // 256}.{n % 256}.0/24"
    network = {
        "id": network_id,
        "name": "public" if public else f"{project}-net",
        "tenant_id": project_id,
        "project_id": project_id,
        "status": "ACTIVE",
        "admin_state_up": True,
        "shared": False,
        "router:external": public,
        "subnets": [subnet_id],
        "mtu": 1450,
        "availability_zone_hints": [],
        "availability_zones": ["nova"],
        "ipv4_address_scope": None,
        "ipv6_address_scope": None,
        "port_security_enabled": True,
        "qos_policy_id": None,
        "is_default": public,
        "provider:network_type": "flat" if public else "vxlan",
        "provider:physical_network": "public" if public else None,
        "provider:segmentation_id": None if public else 1000 + n,
        "dns_domain": "",
        "l2_adjacency": True,
        "description": "",
        "tags": [],
        "created_at": created,
        "updated_at": created,
        "revision_number": 2,
    }
    subnet = {
        "id": subnet_id,
        "name": f"{network['name']}-subnet",
        "network_id": network_id,
        "tenant_id": project_id,
        "project_id": project_id,
        "ip_version": 4,
        "cidr": cidr,
        "gateway_ip": cidr.replace("0/24", "1"),
        "allocation_pools": [
            {"start": cidr.replace("0/24", "2"), "end": cidr.replace("0/24", "254")}
        ],
        "dns_nameservers": [],
        "host_routes": [],
        "enable_dhcp": not public,
        "ipv6_ra_mode": None,
        "ipv6_address_mode": None,
        "subnetpool_id": None,
        "service_types": [],
        "description": "",
        "tags": [],
        "created_at": created,
        "updated_at": created,
        "revision_number": 0,
    }
    return network, subnet


def server_record(pools: Pools, seq: int, created: float) -> Json:
    """One server as Nova's servers/detail returns it at microversion 2.90."""
    g = pools.generator
    status, task, power, vm_state = g.choices(STATES, STATE_WEIGHTS)[0]
    project_index = g.randrange(len(pools.projects))
    network = pools.networks[project_index]
    project_id = network["project_id"]
    host = g.choice(pools.hosts) if status != "BUILD" else None
    flavor = g.choice(pools.flavors)
    mac = f"fa:16:3e:{seq >> 16 & 255:02x}:{seq >> 8 & 255:02x}:{seq & 255:02x}"
    subnet = pools.subnets[project_index]["cidr"]
    fixed = subnet.replace("0/24", str(seq % 250 + 3))
    ips: list[Json] = [
        {"addr": fixed, "version": 4, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": mac}
    ]
    if g.random() < 0.2:
        floating = f"203.0.113.{g.randrange(2, 255)}"
        ips.append(
            {
                "addr": floating,
                "version": 4,
                "OS-EXT-IPS:type": "floating",
                "OS-EXT-IPS-MAC:mac_addr": mac,
            }
        )
    from_volume = g.random() < 0.1
    volumes = [{"id": pools.uuid(), "delete_on_termination": True}] if from_volume else []
    image = "" if from_volume else {"id": g.choice(pools.images)["id"], "links": []}
    name = f"{g.choice(ROLES)}-{g.choice('abc')}-{seq:06d}"
    server_id = pools.uuid()
    record: Json = {
        "id": server_id,
        "name": name,
        "status": status,
        "tenant_id": project_id,
        "user_id": pools.user_id,
        "metadata": {"role": name.split("-")[0]},
        "hostId": f"{g.getrandbits(224):056x}" if host else "",
        "image": image,
        "flavor": {
            "vcpus": flavor["vcpus"],
            "ram": flavor["ram"],
            "disk": flavor["disk"],
            "ephemeral": 0,
            "swap": 0,
            "original_name": flavor["name"],
            "extra_specs": flavor["extra_specs"],
        },
        "created": iso(created),
        "updated": iso(created + 120),
        "addresses": {network["name"]: ips},
        "accessIPv4": "",
        "accessIPv6": "",
        "links": [],
        "OS-DCF:diskConfig": "MANUAL",
        "progress": 0,
        "OS-EXT-AZ:availability_zone": f"az-{g.randrange(1, 4)}",
        "config_drive": "",
        "key_name": "ops",
        "OS-SRV-USG:launched_at": iso(created + 60) if host else None,
        "OS-SRV-USG:terminated_at": None,
        "OS-EXT-SRV-ATTR:host": host,
        "OS-EXT-SRV-ATTR:instance_name": f"instance-{seq:08x}",
        "OS-EXT-SRV-ATTR:hypervisor_hostname": f"{host}.cloud.example.net" if host else None,
        "OS-EXT-SRV-ATTR:reservation_id": f"r-{g.getrandbits(32):08x}",
        "OS-EXT-SRV-ATTR:launch_index": 0,
        "OS-EXT-SRV-ATTR:hostname": name,
        "OS-EXT-SRV-ATTR:kernel_id": "",
        "OS-EXT-SRV-ATTR:ramdisk_id": "",
        "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
        "OS-EXT-SRV-ATTR:user_data": None,
        "OS-EXT-STS:task_state": task,
        "OS-EXT-STS:vm_state": vm_state,
        "OS-EXT-STS:power_state": power,
        "os-extended-volumes:volumes_attached": volumes,
        "host_status": "UP" if host else "",
        "locked": False,
        "locked_reason": None,
        "description": None,
        "tags": ["prod"] if g.random() < 0.3 else [],
        "trusted_image_certificates": None,
        "server_groups": [],
        "security_groups": [{"name": "default"}],
    }
    if status == "ERROR":
        record["fault"] = {
            "code": 500,
            "created": iso(created + 90),
            "message": "No valid host was found. There are not enough hosts available.",
        }
    return record


def port_record(pools: Pools, server: Json | None, seq: int) -> Json:
    """A Neutron port: a server's interface, or a free one."""
    g = pools.generator
    index = g.randrange(len(pools.projects))
    network, subnet = pools.networks[index], pools.subnets[index]
    project_id = server["tenant_id"] if server else network["project_id"]
    host = (server or {}).get("OS-EXT-SRV-ATTR:host") or ""
    created = iso(EPOCH + seq * 30)
    return {
        "id": pools.uuid(),
        "name": "" if server else f"port-{seq:06d}",
        "network_id": network["id"],
        "tenant_id": project_id,
        "project_id": project_id,
        "mac_address": f"fa:16:3e:{seq >> 16 & 255:02x}:{seq >> 8 & 255:02x}:{seq & 255:02x}",
        "admin_state_up": True,
        "status": "ACTIVE" if server else "DOWN",
        "device_id": server["id"] if server else "",
        "device_owner": "compute:nova" if server else "",
        "fixed_ips": [
            {
                "subnet_id": subnet["id"],
                "ip_address": subnet["cidr"].replace("0/24", str(seq % 250 + 3)),
            }
        ],
        "allowed_address_pairs": [],
        "extra_dhcp_opts": [],
        "security_groups": [pools.admin_project[:8] + "-default"],
        "binding:host_id": host,
        "binding:vif_type": "ovs" if host else "unbound",
        "binding:vnic_type": "normal",
        "binding:profile": {},
        "binding:vif_details": {"port_filter": True} if host else {},
        "port_security_enabled": True,
        "qos_policy_id": None,
        "qos_network_policy_id": None,
        "propagate_uplink_status": False,
        "dns_name": "",
        "dns_assignment": [],
        "ip_allocation": "immediate",
        "description": "",
        "tags": [],
        "created_at": created,
        "updated_at": created,
        "revision_number": 4,
    }


def volume_record(pools: Pools, seq: int, created: float) -> Json:
    """A Cinder volume as volumes/detail returns it (v3)."""
    g = pools.generator
    project_id = g.choice(list(pools.projects))
    attached = g.random() < 0.7
    server_id = pools.uuid() if attached else None
    host = g.choice(pools.hosts)
    volume_id = pools.uuid()
    attachments = (
        [
            {
                "id": volume_id,
                "attachment_id": pools.uuid(),
                "volume_id": volume_id,
                "server_id": server_id,
                "host_name": host,
                "device": "/dev/vdb",
                "attached_at": cinder_time(created + 60),
            }
        ]
        if attached
        else []
    )
    return {
        "id": volume_id,
        "name": f"vol-{seq:06d}",
        "status": "in-use" if attached else g.choice(("available", "available", "error")),
        "size": g.choice((10, 20, 40, 100, 500)),
        "availability_zone": "nova",
        "created_at": cinder_time(created),
        "updated_at": cinder_time(created + 60),
        "attachments": attachments,
        "bootable": "false",
        "encrypted": False,
        "multiattach": False,
        "volume_type": "lvmdriver-1",
        "volume_type_id": "5b1e9b3c-6a4c-4a55-8c3e-2d7f0e6c1a01",
        "snapshot_id": None,
        "source_volid": None,
        "metadata": {},
        "user_id": pools.user_id,
        "os-vol-tenant-attr:tenant_id": project_id,
        "os-vol-host-attr:host": "storage@lvmdriver-1#lvmdriver-1",
        "os-vol-mig-status-attr:migstat": None,
        "os-vol-mig-status-attr:name_id": None,
        "replication_status": None,
        "consistencygroup_id": None,
        "group_id": None,
        "provider_id": None,
        "service_uuid": "e1f3bd57-7a1f-4bd4-a5a8-0a1c6e6b0f7d",
        "shared_targets": False,
        "cluster_name": None,
        "consumes_quota": True,
        "description": None,
        "links": [],
    }


def hypervisor_record(pools: Pools, n: int, host: str, with_usage: bool) -> Json:
    """An os-hypervisors/detail entry; usage fields only below microversion 2.88."""
    record: Json = {
        "id": f"00000000-0000-4000-a000-{n:012d}",
        "hypervisor_hostname": f"{host}.cloud.example.net",
        "state": "up",
        "status": "enabled",
        "host_ip": f"192.168.{n // 256}.{n % 256}",
        "hypervisor_type": "QEMU",
        "hypervisor_version": 8002000,
        "service": {
            "host": host,
            "id": f"10000000-0000-4000-a000-{n:012d}",
            "disabled_reason": None,
        },
        "uptime": None,
    }
    if with_usage:
        record.update(
            vcpus=64,
            memory_mb=262144,
            local_gb=2000,
            vcpus_used=0,
            memory_mb_used=512,
            local_gb_used=0,
            free_ram_mb=261632,
            free_disk_gb=2000,
            current_workload=0,
            running_vms=0,
            disk_available_least=1900,
            cpu_info="{}",
        )
    return record
