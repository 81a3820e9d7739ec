"""The everyday models parse the real payloads captured from devcloud (tests/fixtures/api)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.backend.models import (
    AvailabilityZone,
    BootSpec,
    Flavor,
    FloatingIP,
    Image,
    Keypair,
    Network,
    Port,
    Router,
    SecurityGroup,
    Server,
    Subnet,
    Volume,
    VolumeSnapshot,
    VolumeSpec,
)
from tui.backend.openstack import error_message
from tui.backend.openstack.compute import action_body, boot_body
from tui.backend.openstack.core import marker_of, page_marker
from tui.backend.openstack.volume import volume_body

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def by_name(items: list[Any]) -> dict[str, Any]:
    return {item.name: item for item in items}


def test_subnets() -> None:
    raw = load("subnets")["subnets"]
    subnets = by_name([Subnet.from_api(d) for d in raw])
    public = subnets["public-subnet"]
    assert (public.cidr, public.gateway_ip, public.enable_dhcp) == (
        "203.0.113.0/24",
        "203.0.113.1",
        False,
    )
    assert public.allocation_pools == ("203.0.113.10-203.0.113.250",)
    demo = subnets["demo-subnet"]
    assert (demo.cidr, demo.ip_version, demo.dns_nameservers) == (
        "10.10.0.0/24",
        4,
        ("192.0.2.53",),
    )
    networks = {n["id"] for n in load("networks")["networks"]}
    assert all(s.network_id in networks and s.project_id for s in subnets.values())


def test_networks_external_and_provider() -> None:
    networks = by_name([Network.from_api(d) for d in load("networks")["networks"]])
    public = networks["public"]
    assert public.external and public.network_type == "flat"
    assert public.physical_network == "public"
    assert not networks["demo-net"].external and networks["demo-net"].subnet_ids


def test_ports_of_servers_routers_and_floating_ips() -> None:
    raw = load("ports")["ports"]
    ports = [Port.from_api(d) for d in raw]
    assert len(ports) == len(raw)
    owners = {p.device_owner for p in ports}
    assert {"network:router_interface", "network:router_gateway", "compute:nova"} <= owners
    servers = {s["id"]: s for s in load("servers_detail")["servers"]}
    for port in (p for p in ports if p.device_owner.startswith("compute:")):
        server = Server.from_api(servers[port.device_id])
        fixed = {(a.addr, a.mac) for a in server.fixed_ips}
        assert (port.fixed_ips[0].ip_address, port.mac_address) in fixed
        assert port.binding_host == server.host
        assert port.security_group_ids and port.ip_text == port.fixed_ips[0].ip_address


def test_routers_gateway_on_public() -> None:
    public = next(n["id"] for n in load("networks")["networks"] if n["name"] == "public")
    routers = by_name([Router.from_api(d) for d in load("routers")["routers"]])
    assert set(routers) == {"demo-router", "ops-router", "analytics-router"}
    for router in routers.values():
        assert router.external_network_id == public
        assert router.external_ips and router.external_ips[0].startswith("203.0.113.")
        assert (router.status, router.distributed, router.ha) == ("ACTIVE", False, False)


def test_floating_ips_associated_and_spare() -> None:
    fips = [FloatingIP.from_api(d) for d in load("floatingips")["floatingips"]]
    associated = next(f for f in fips if f.port_id)
    spare = next(f for f in fips if not f.port_id)
    servers = {s["name"]: s for s in load("servers_detail")["servers"]}
    web1 = Server.from_api(servers["web-1"])
    assert associated.server_id == web1.id
    assert associated.address in {a.addr for a in web1.floating_ips}
    assert associated.fixed_ip in {a.addr for a in web1.fixed_ips}
    assert associated.router_id and associated.name == associated.address
    assert (spare.server_id, spare.fixed_ip, spare.status, spare.description) == (
        "",
        "",
        "DOWN",
        "spare",
    )


def test_security_groups_and_rules() -> None:
    groups = [SecurityGroup.from_api(d) for d in load("security_groups")["security_groups"]]
    ssh = next(g for g in groups if g.name == "ssh-icmp")
    ingress = {
        (r.protocol, r.port_text, r.remote_ip_prefix) for r in ssh.rules if r.direction == "ingress"
    }
    assert ingress == {("icmp", "any", "0.0.0.0/0"), ("tcp", "22", "0.0.0.0/0")}
    assert all(r.security_group_id == ssh.id for r in ssh.rules)
    default = next(g for g in groups if g.name == "default")
    assert any(r.remote_group_id == default.id for r in default.rules)
    assert {"IPv4", "IPv6"} <= {r.ethertype for r in default.rules}


def test_volumes_attached_both_ways() -> None:
    volumes = by_name([Volume.from_api(d) for d in load("volumes_detail")["volumes"]])
    db_data = volumes["db-data"]
    assert db_data.status == "in-use" and len(db_data.attachments) == 1
    attachment = db_data.attachments[0]
    servers = {s["id"]: s for s in load("servers_detail")["servers"]}
    server = servers[attachment.server_id]
    assert server["name"] == "db-1"
    assert db_data.id in [v["id"] for v in server["os-extended-volumes:volumes_attached"]]
    assert (
        attachment.device.startswith("/dev/") and attachment.host == server["OS-EXT-SRV-ATTR:host"]
    )
    assert volumes["scratch"].attachments == () and not volumes["scratch"].bootable
    assert all(v.project_id and v.volume_type == "fake" for v in volumes.values())


def test_volume_snapshots() -> None:
    snapshots = [VolumeSnapshot.from_api(d) for d in load("snapshots_detail")["snapshots"]]
    snap = by_name(snapshots)["scratch-snap"]
    volumes = {v["name"]: v for v in load("volumes_page")["volumes"]}
    assert (snap.status, snap.size_gb, snap.description) == ("available", 2, "")
    assert snap.project_id and snap.created
    if "scratch" in volumes:
        assert snap.volume_id == volumes["scratch"]["id"]


def test_flavors_public_and_private() -> None:
    flavors = by_name([Flavor.from_api(d) for d in load("flavors_detail")["flavors"]])
    assert not flavors["hpc.large"].is_public
    assert flavors["hpc.large"].raw["extra_specs"]["hw:cpu_policy"] == "dedicated"
    tiny = flavors["m1.tiny"]
    assert (tiny.vcpus, tiny.ram_mb, tiny.disk_gb, tiny.swap_mb, tiny.is_public) == (
        1,
        512,
        1,
        0,
        True,
    )


def test_images() -> None:
    images = by_name([Image.from_api(d) for d in load("images")["images"]])
    cirros = images["cirros-0.6.2-x86_64-disk"]
    assert (cirros.visibility, cirros.disk_format, cirros.min_disk, cirros.status) == (
        "public",
        "qcow2",
        1,
        "active",
    )
    assert images["ops-toolbox"].visibility == "private" and images["ops-toolbox"].owner


def test_keypairs() -> None:
    keypairs = [Keypair.from_api(d) for d in load("keypairs")["keypairs"]]
    key = by_name(keypairs)["devcloud-key"]
    assert key.id == "devcloud-key" and key.type == "ssh"
    assert key.public_key.startswith("ssh-ed25519 ") and key.fingerprint.count(":") == 15


def zones_of(name: str) -> list[AvailabilityZone]:
    return [AvailabilityZone.from_api(d) for d in load(name)["availabilityZoneInfo"]]


def test_availability_zones_admin_and_user() -> None:
    detail = [
        AvailabilityZone.from_api(d)
        for d in load("os_availability_zone_detail")["availabilityZoneInfo"]
    ]
    zones = {z.name: z for z in detail}
    assert zones["nova"].available and "compute1" in zones["nova"].hosts
    assert zones["az2"].hosts == ("compute2",)
    plain = [
        AvailabilityZone.from_api(d) for d in load("os_availability_zone")["availabilityZoneInfo"]
    ]
    assert {z.name for z in plain} == {"nova", "az2"} and all(z.hosts == () for z in plain)


@pytest.mark.parametrize(
    ("name", "key"),
    [("networks_page", "networks"), ("volumes_page", "volumes"), ("images_page", "images")],
)
def test_next_page_marker_of_each_service(name: str, key: str) -> None:
    body = load(name)
    marker = page_marker(body, key)
    assert marker and marker == body[key][-1]["id"]


def test_last_page_has_no_marker() -> None:
    assert page_marker({"images": [], "first": "/v2/images"}, "images") is None
    assert page_marker({"volumes": []}, "volumes") is None
    assert marker_of(None) is None and marker_of("/v2/images?limit=1") is None


@pytest.mark.parametrize(
    ("name", "status", "says"),
    [
        ("error_409_compute", 409, "Cannot 'start' instance"),
        ("error_403_quota", 403, "Quota exceeded for instances: Requested 11, but already used"),
        ("error_404_detach", 404, "is not attached to volume"),
        ("error_400_volume_in_use", 400, "Invalid volume: Volume status must be available"),
        ("error_404_volume", 404, "could not be found"),
    ],
)
def test_refusals_explain_themselves(name: str, status: int, says: str) -> None:
    body = load(name)
    assert says in error_message(body, "fallback")
    assert next(iter(body.values()))["code"] == status


def test_console_output_is_text() -> None:
    assert load("console_output")["output"].splitlines()[-1] == "LAST LINE"


def test_action_bodies() -> None:
    assert action_body("start", {}) == {"os-start": None}
    assert action_body("force_delete", {}) == {"forceDelete": None}
    assert action_body("reboot", {"hard": True}) == {"reboot": {"type": "HARD"}}
    assert action_body("reboot", {}) == {"reboot": {"type": "SOFT"}}
    assert action_body("reset_state", {"state": "active"}) == {"os-resetState": {"state": "active"}}
    backup = {"name": "b", "backup_type": "weekly", "rotation": "3"}
    assert action_body("create_backup", backup) == {
        "createBackup": {"name": "b", "backup_type": "weekly", "rotation": 3}
    }


def test_boot_body_from_volume_with_everything() -> None:
    spec = BootSpec(
        name="app",
        flavor_id="1",
        image_id="img",
        count=2,
        boot_volume_size_gb=5,
        delete_volume_on_terminate=False,
        network_ids=("net",),
        port_ids=("port",),
        key_name="k",
        security_groups=("ssh-icmp",),
        availability_zone="nova",
        user_data=b"#cloud-config\n",
        metadata=(("role", "web"),),
    )
    server = boot_body(spec)["server"]
    assert "imageRef" not in server
    assert server["block_device_mapping_v2"] == [
        {
            "boot_index": 0,
            "uuid": "img",
            "source_type": "image",
            "destination_type": "volume",
            "device_name": "vda",
            "delete_on_termination": False,
            "volume_size": 5,
        }
    ]
    assert server["networks"] == [{"uuid": "net"}, {"port": "port"}]
    assert (server["min_count"], server["max_count"], server["return_reservation_id"]) == (
        2,
        2,
        True,
    )
    assert server["user_data"] == "I2Nsb3VkLWNvbmZpZwo="
    assert server["security_groups"] == [{"name": "ssh-icmp"}]
    assert server["metadata"] == {"role": "web"} and server["key_name"] == "k"


@pytest.mark.parametrize(
    ("network_ids", "wanted"), [((), "auto"), (("none",), "none"), (("auto",), "auto")]
)
def test_boot_body_network_modes(network_ids: tuple[str, ...], wanted: str) -> None:
    server = boot_body(BootSpec(name="x", flavor_id="1", image_id="i", network_ids=network_ids))
    assert server["server"]["networks"] == wanted
    assert server["server"]["imageRef"] == "i" and "return_reservation_id" not in server["server"]


def test_volume_body_from_snapshot() -> None:
    body = volume_body(VolumeSpec(name="v", size_gb=3, snapshot_id="s", description="d"))
    assert body == {"volume": {"name": "v", "size": 3, "snapshot_id": "s", "description": "d"}}
