"""Models parse the real API payloads captured from devcloud (tests/fixtures/api)."""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path
from typing import Any

import pytest

from tui.backend.models import (
    AREAS,
    Flavor,
    Hypervisor,
    Image,
    Network,
    Project,
    Server,
    User,
    Volume,
)
from tui.backend.models.common import FromApi
from tui.backend.openstack import error_message
from tui.backend.openstack.core import next_marker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def test_servers_detail() -> None:
    raw = load("servers_detail")["servers"]
    projects = {p["id"]: p["name"] for p in load("projects")["projects"]}
    servers = [Server.from_api(d, projects) for d in raw]
    assert len(servers) == len(raw) >= 5
    by_name = {s.name: s for s in servers}
    stopped = next(s for s in servers if s.status == "SHUTOFF")
    assert (stopped.power_state, stopped.vm_state, stopped.task_state) == (
        "SHUTDOWN",
        "stopped",
        "",
    )
    active = [s for s in servers if s.status == "ACTIVE"]
    assert all(s.power_state == "RUNNING" and s.host in ("compute1", "compute2") for s in active)
    assert any(s.status == "ERROR" for s in servers)
    for server, d in zip(servers, raw, strict=True):
        assert server.id == d["id"]
        assert server.flavor == d["flavor"]["original_name"]
        assert server.project == projects[d["tenant_id"]]
        assert server.host == (d["OS-EXT-SRV-ATTR:host"] or "")
        assert [a.addr for a in server.addresses] == [
            a["addr"] for addrs in d["addresses"].values() for a in addrs
        ]
        assert server.raw is d
    assert any(s.floating_ips for s in servers), "the seed associates a floating IP"
    assert by_name  # names are unique enough to index


def test_server_without_names_falls_back_to_project_id() -> None:
    d = load("servers_detail")["servers"][0]
    assert Server.from_api(d).project == d["tenant_id"]


def test_boot_from_volume_server_has_empty_image() -> None:
    d = {**load("servers_detail")["servers"][0], "image": ""}
    assert Server.from_api(d).image == ""


def test_old_microversion_flavor_is_its_id() -> None:
    d = {**load("servers_detail")["servers"][0], "flavor": {"id": "42", "links": []}}
    assert Server.from_api(d).flavor == "42"


def test_hypervisors_2_87_have_usage() -> None:
    hvs = [Hypervisor.from_api(d) for d in load("hypervisors_detail_2.87")["hypervisors"]]
    assert sorted(h.host for h in hvs) == ["compute1", "compute2"]
    for h in hvs:
        assert h.type == "fake" and h.state == "up" and h.vcpus == 1000
        assert h.vcpus_used >= 0 and h.memory_mb == 800000


def test_hypervisors_latest_lack_usage_but_parse() -> None:
    hvs = [Hypervisor.from_api(d) for d in load("hypervisors_detail")["hypervisors"]]
    assert all(h.vcpus == 0 and h.host for h in hvs)


def test_projects_users_flavors_images_networks_volumes() -> None:
    projects = [Project.from_api(d) for d in load("projects")["projects"]]
    assert {"admin", "demo", "service"} <= {p.name for p in projects}
    users = [User.from_api(d) for d in load("users")["users"]]
    assert {"admin", "demo", "nova"} <= {u.name for u in users}
    flavors = [Flavor.from_api(d) for d in load("flavors_detail")["flavors"]]
    tiny = next(f for f in flavors if f.name == "m1.tiny")
    assert (tiny.vcpus, tiny.ram_mb, tiny.disk_gb, tiny.is_public) == (1, 512, 1, True)
    assert any(not f.is_public for f in flavors), "the seed has a private flavor"
    images = [Image.from_api(d) for d in load("images")["images"]]
    assert all(i.status == "active" and i.size > 0 for i in images)
    networks = [Network.from_api(d) for d in load("networks")["networks"]]
    public = next(n for n in networks if n.external)
    assert public.network_type == "flat" and public.physical_network == "public"
    volumes = [Volume.from_api(d) for d in load("volumes_detail")["volumes"]]
    attached = [v for v in volumes if v.attachments]
    assert attached and attached[0].status == "in-use" and attached[0].attachments[0].server_id
    assert all(isinstance(v.bootable, bool) for v in volumes)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("error_404_compute", "Instance 00000000-0000-0000-0000-0000deadbeef could not be found."),
        ("error_403_compute", "Policy doesn't allow os_compute_api:os-hypervisors:list"),
        ("error_404_identity", "Could not find project: 00000000-0000-0000-0000-0000deadbeef."),
        ("error_404_network", "Network 00000000-0000-0000-0000-0000deadbeef could not be found."),
    ],
)
def test_error_messages_of_every_service(fixture: str, expected: str) -> None:
    assert error_message(load(fixture), "fallback").startswith(expected)


def test_error_message_of_plain_text_and_empty_bodies() -> None:
    assert error_message("404 Not Found\n\nThe resource could not be found.\n", "x") == (
        "The resource could not be found."
    )
    assert error_message("", "Bad Gateway") == "Bad Gateway"
    assert error_message({}, "Bad Gateway") == "Bad Gateway"


def test_next_marker_from_links() -> None:
    links = [{"rel": "next", "href": "http://h/v2.1/servers/detail?limit=2&marker=abc-1"}]
    assert next_marker(links) == "abc-1"
    assert next_marker([]) is None
    assert next_marker(None) is None


def test_compute_services() -> None:
    from tui.backend.models import ComputeService

    services = [ComputeService.from_api(d) for d in load("os_services")["services"]]
    computes = [s for s in services if s.binary == "nova-compute"]
    assert sorted(s.host for s in computes) == ["compute1", "compute2"]
    assert all(s.state == "up" and s.status == "enabled" and not s.forced_down for s in computes)
    assert computes[0].name == f"nova-compute@{computes[0].host}"


def test_every_model_read_field_by_field_parses_an_empty_record() -> None:
    """Each field of a `FromApi` model says how it is read: a mistake fails here, not on a
    cloud's first record."""
    read = 0
    for area in AREAS:
        module = importlib.import_module(f"tui.backend.models.{area}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, FromApi) and cls is not FromApi:
                model = cls.from_api({})
                assert model.raw == {}
                read += 1
    assert read >= 30
