"""Nova's servers pages read straight into list rows: the same rows as `Server.from_api`,
the text gate on every string, the ordinary way for pages it cannot read."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from tui.backend.models import Server
from tui.backend.openstack.server_pages import server_page

PROJECTS = {"p1": "project-one"}


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "a1",
        "name": "web-1",
        "status": "ACTIVE",
        "OS-EXT-STS:task_state": None,
        "OS-EXT-STS:power_state": 1,
        "OS-EXT-STS:vm_state": "active",
        "OS-EXT-SRV-ATTR:host": "compute1",
        "OS-EXT-SRV-ATTR:hypervisor_hostname": "compute1.example",
        "OS-EXT-AZ:availability_zone": "nova",
        "tenant_id": "p1",
        "user_id": "u1",
        "addresses": {
            "private": [
                {
                    "addr": "10.0.0.5",
                    "version": 4,
                    "OS-EXT-IPS:type": "fixed",
                    "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01",
                }
            ]
        },
        "flavor": {"original_name": "m1.small", "vcpus": 1, "extra_specs": {}},
        "image": {"id": "img1", "links": []},
        "key_name": "ops",
        "created": "2026-01-01T00:00:00Z",
        "updated": "2026-01-02T00:00:00Z",
        "locked": False,
        "security_groups": [{"name": "default"}, {"name": "web"}],
        "metadata": {"role": "app"},
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not ...}


def page(*servers: dict[str, Any], next_id: str | None = None) -> bytes:
    body: dict[str, Any] = {"servers": list(servers)}
    if next_id:
        body["servers_links"] = [
            {"rel": "next", "href": f"http://nova/v2.1/servers/detail?limit=1000&marker={next_id}"}
        ]
    return json.dumps(body).encode()


def fields(server: Server) -> dict[str, Any]:
    values = dataclasses.asdict(server)
    values.pop("raw")
    return values


def test_rows_are_those_from_api_reads_and_the_marker_is_nova_s() -> None:
    servers = [
        record(),
        record(id="a2", image="", flavor={"id": "42"}),  # boot from volume; flavor before 2.47
        record(id="a3", name=None, locked=True, **{"OS-EXT-STS:power_state": 2}),
        record(id="a4", **{"OS-EXT-SRV-ATTR:host": ..., "OS-EXT-STS:task_state": "spawning"}),
        record(id="a5", addresses=None, security_groups=..., flavor=None, key_name=None),
        record(id="a6", tenant_id=..., project_id="p2", status="ERROR", fault={"code": 500}),
    ]
    read = server_page(page(*servers, next_id="a6"), PROJECTS)
    assert read is not None
    rows, marker = read
    assert marker == "a6"
    assert [fields(r) for r in rows] == [fields(Server.from_api(s, PROJECTS)) for s in servers]
    assert rows[0].project == "project-one" and rows[0].security_groups == ("default", "web")
    assert rows[3].host_known is False and rows[0].host_known is True


def test_rows_keep_a_slim_record_only_nova_s_fault() -> None:
    read = server_page(page(record(), record(id="e", status="ERROR", fault={"code": 500})), {})
    assert read is not None
    ok, error = read[0]
    assert ok.raw == {}
    assert error.raw == {"fault": {"code": 500}}


def test_escapes_in_a_name_go_through_the_gate() -> None:
    hostile = "x\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J"
    content = page(record(name=hostile), record(id="a2", key_name="k\u202eey"))
    assert server_page(content, {}) is None  # read the ordinary way: decoded + gated
    from tui.backend.openstack import OpenStackBackend

    backend = OpenStackBackend("nowhere")
    backend._project_names = {}
    backend._request = lambda *a, **k: _reply(content)  # type: ignore[method-assign]
    rows, _ = backend._list_page(
        "compute",
        "/servers/detail",
        "servers",
        backend._parse_server,
        {},
        None,
        "list",
        backend._server_rows,
    )
    assert rows[0].name == "x␛]52;c;ZWNobyBoaQ==␇␛[2J"
    assert rows[1].key_name == "k\\u202eey"
    assert all("\x1b" not in r.name and "\u202e" not in r.key_name for r in rows)


def test_a_server_of_a_down_cell_or_an_odd_shape_is_read_the_ordinary_way() -> None:
    down = {"id": "d1", "status": "UNKNOWN", "tenant_id": "p1", "created": "2026-01-01"}
    assert server_page(page(record(), down), {}) is None
    assert server_page(page(record(locked="yes")), {}) is None
    assert server_page(b'{"servers": {}}', {}) is None
    assert server_page(b"<html>", {}) is None


def _reply(content: bytes) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(content=content, status_code=200, headers={}, text=content.decode())
