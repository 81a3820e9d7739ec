"""Capture real API responses from the devcloud as JSON fixtures for the unit tests.

Run inside the devcloud venv, against a seeded cloud:

    export OS_CLIENT_CONFIG_FILE=$PWD/.devcloud/clouds.yaml
    .devcloud/venv/bin/python devcloud/capture_fixtures.py [tests/fixtures/api]

Each fixture is the response body as the API returned it, re-indented (keys keep their order).
The README.md beside them, also written here, names the request behind each file, the
microversion asked for and the one the service answered with, and the request-id headers of
the error responses.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openstack
from keystoneauth1.adapter import Adapter

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "fixtures" / "api"
MISSING = str(uuid.UUID(int=0xDEADBEEF))
VERSION_HEADERS = ("OpenStack-API-Version", "X-OpenStack-Nova-API-Version")
REQUEST_ID_HEADERS = ("x-openstack-request-id", "x-compute-request-id")


@dataclass(frozen=True)
class Capture:
    file: str
    service: str  # the proxy attribute on the connection: compute, network, ...
    path: str
    microversion: str | None = None
    user: str = "admin"  # admin (admin project) or demo (non-admin, demo project)
    status: int = 200


CAPTURES = (
    Capture("servers_detail.json", "compute", "/servers/detail?all_tenants=1", "latest"),
    Capture("hypervisors_detail.json", "compute", "/os-hypervisors/detail", "latest"),
    # 2.87 is the last microversion whose hypervisors carry vcpus/memory/disk usage
    Capture("hypervisors_detail_2.87.json", "compute", "/os-hypervisors/detail", "2.87"),
    Capture("os_services.json", "compute", "/os-services", "latest"),
    Capture("flavors_detail.json", "compute", "/flavors/detail?is_public=None", "latest"),
    Capture("aggregates.json", "compute", "/os-aggregates", "latest"),
    Capture("networks.json", "network", "/networks"),
    Capture("subnets.json", "network", "/subnets"),
    Capture("ports.json", "network", "/ports"),
    Capture("floatingips.json", "network", "/floatingips"),
    Capture("routers.json", "network", "/routers"),
    Capture("security_groups.json", "network", "/security-groups"),
    Capture("volumes_detail.json", "block_storage", "/volumes/detail?all_tenants=1", "latest"),
    Capture("projects.json", "identity", "/projects"),
    Capture("users.json", "identity", "/users"),
    Capture("images.json", "image", "/images"),
    Capture("error_404_compute.json", "compute", f"/servers/{MISSING}", "latest", status=404),
    Capture(
        "error_403_compute.json", "compute", "/os-hypervisors", "latest", user="demo", status=403
    ),
    Capture("error_404_identity.json", "identity", f"/projects/{MISSING}", status=404),
    Capture("error_404_network.json", "network", f"/networks/{MISSING}", status=404),
)


def capture(adapter: Adapter, item: Capture) -> tuple[Any, dict[str, str], str]:
    """GET one resource; return the body, the interesting headers and the full URL."""
    kwargs: dict[str, Any] = {"raise_exc": False}
    if item.microversion:
        kwargs["microversion"] = item.microversion
    response = adapter.get(item.path, **kwargs)
    if response.status_code != item.status:
        raise SystemExit(
            f"{item.file}: expected HTTP {item.status}, got "
            f"{response.status_code}: {response.text[:300]}"
        )
    wanted = VERSION_HEADERS + REQUEST_ID_HEADERS
    headers = {name: response.headers[name] for name in wanted if name in response.headers}
    return response.json(), headers, response.url


def readme_row(item: Capture, headers: dict[str, str], url: str) -> str:
    answered = next((headers[h] for h in VERSION_HEADERS if h in headers), "-")
    asked = f"`{item.microversion}`" if item.microversion else "-"
    row = f"| `{item.file}` | {item.status} | GET `{url}` | {item.user} | {asked} | `{answered}` |"
    return row


def write_readme(out: Path, rows: list[str], errors: list[str]) -> None:
    text = [
        "# API fixtures from the devcloud",
        "",
        "Real responses of the devcloud (`devcloud/run up`, seeded), captured by",
        "`devcloud/capture_fixtures.py`; each file is the response body as returned,",
        "re-indented. Regenerate with:",
        "",
        "```",
        "export OS_CLIENT_CONFIG_FILE=$PWD/.devcloud/clouds.yaml",
        ".devcloud/venv/bin/python devcloud/capture_fixtures.py",
        "```",
        "",
        "User `admin` is the admin user scoped to project `admin` (cloud `devcloud-admin`);",
        "`demo` is the non-admin user of project `demo` (cloud `devcloud-demo`). A microversion",
        "asked as `latest` is sent as `OpenStack-API-Version: <service> latest`; the last column",
        "is the version header the service answered with.",
        "",
        "| file | HTTP | request | user | microversion asked | version answered |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "## Request ids of the error responses",
        "",
        *errors,
        "",
    ]
    (out / "README.md").write_text("\n".join(text))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    conns = {
        "admin": openstack.connect(cloud="devcloud-admin"),
        "demo": openstack.connect(cloud="devcloud-demo"),
    }
    rows, errors = [], []
    for item in CAPTURES:
        adapter = getattr(conns[item.user], item.service)
        body, headers, url = capture(adapter, item)
        (out / item.file).write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        rows.append(readme_row(item, headers, url))
        if item.status >= 400:
            ids = ", ".join(
                f"`{name}: {headers[name]}`" for name in REQUEST_ID_HEADERS if name in headers
            )
            errors.append(f"- `{item.file}`: {ids or 'no request id header'}")
        print(f"{item.file}: HTTP {item.status} {url}", flush=True)
    write_readme(out, rows, errors)


if __name__ == "__main__":
    main()
