"""A loopback fake OpenStack for benchmarks: Keystone, Nova, Neutron, Cinder, Glance on one port.

It answers what stackdeck and openstacksdk/OSC ask of a big cloud with the real services'
JSON shapes (`bench/fake_records.py`): Keystone v3 tokens with a catalog naming itself,
Nova's servers/detail at microversion 2.90 with limit/marker paging and `servers_links`,
`all_tenants`, `changes-since` (changed and DELETED servers), `status`, `host`,
`project_id`, `name` (a regex); Neutron ports/networks/subnets; Cinder volumes/detail;
Glance images; flavors and hypervisors. Pages are joined from records rendered to bytes
once, so the server is not what a benchmark measures. Every request is counted.

Services live under path prefixes as on a devstack host: /identity, /compute, /networking,
/volume, /image. Any password is accepted; the token has the admin role.

    cloud = FakeCloud(servers=10_000).start()
    cloud.write_clouds_yaml(directory)   # then OS_CLIENT_CONFIG_FILE=..., --os-cloud bench
    cloud.change(percent=1)              # or POST /_bench/change?percent=1
    cloud.requests()                     # or GET /_bench/requests

Run alone: python bench/fake_cloud.py --servers 100000 [--dir DIR]; it prints one JSON line
(url, clouds_yaml) and serves until interrupted or its stdin closes.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_records import (
    EPOCH,
    Json,
    Pools,
    hypervisor_record,
    iso,
    make_pools,
    port_record,
    server_record,
    volume_record,
)

CLOUD = "bench"
REGION = "RegionOne"
NOVA_MAX = "2.90"
CINDER_MAX = "3.70"
MAX_LIMIT = 1000  # Nova's osapi_max_limit, Neutron's and Cinder's default page cap
Query = Mapping[str, list[str]]
Match = Callable[["Item"], bool]


class BadRequest(Exception):
    pass


@dataclass(slots=True)
class Item:
    ident: str
    key: Any  # the list's sort key: the list is in ascending key order
    body: bytes
    fields: dict[str, str]  # what the filters compare
    updated: float = 0.0
    created: float = 0.0


@dataclass
class Collection:
    """Records in list order, rendered once; limit/marker pages, filters, deleted ones."""

    key: str
    items: dict[str, Item] = field(default_factory=dict)
    gone: dict[str, Item] = field(default_factory=dict)  # deleted: only changes-since sees them
    order: list[Item] = field(default_factory=list)
    keys: list[Any] = field(default_factory=list)
    version: int = 0
    _filtered: dict[Any, tuple[int, list[Item], list[Any]]] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        self.items[item.ident] = item

    def settle(self) -> None:
        self.order = sorted(self.items.values(), key=lambda item: item.key)
        self.keys = [item.key for item in self.order]
        self.version += 1
        self._filtered.clear()

    def page(
        self, limit: int, marker: str | None, match: Match | None, cache_key: Any, with_gone: bool
    ) -> tuple[list[Item], bool]:
        """One page after `marker`; True when it is full (the services then link a next one)."""
        order, keys = self.order, self.keys
        if match is not None:
            cached = self._filtered.get(cache_key)
            if cached is None or cached[0] != self.version:
                pool = list(self.items.values()) + (list(self.gone.values()) if with_gone else [])
                chosen = sorted((i for i in pool if match(i)), key=lambda item: item.key)
                cached = (self.version, chosen, [item.key for item in chosen])
                self._filtered[cache_key] = cached
            _, order, keys = cached
        start = 0
        if marker:
            at = self.items.get(marker) or self.gone.get(marker)
            if at is None:
                raise BadRequest(f"marker [{marker}] not found")
            start = bisect.bisect_right(keys, at.key)
        chosen = order[start : start + limit]
        return chosen, len(chosen) == limit


class FakeCloud:
    def __init__(
        self,
        servers: int = 1000,
        ports: int | None = None,
        volumes: int | None = None,
        seed: int = 42,
    ) -> None:
        self.size = servers
        self.port_count = servers if ports is None else ports
        self.volume_count = servers if volumes is None else volumes
        self.pools: Pools = make_pools(servers, seed)
        self.lock = threading.RLock()
        self.counts: Counter[str] = Counter()
        self.next_seq = 0
        self.servers = Collection("servers")
        self._lazy: dict[str, Collection] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.token = f"gAAAAAbench{self.pools.hex_id()}"
        for _ in range(servers):
            self._new_server(EPOCH + self.next_seq * 60)
        self.servers.settle()

    # -- records -------------------------------------------------------------------------

    def _new_server(self, created: float) -> Item:
        record = server_record(self.pools, self.next_seq, created)
        item = self._server_item(record, self.next_seq)
        self.next_seq += 1
        self.servers.add(item)
        return item

    @staticmethod
    def _server_item(record: Json, seq: int) -> Item:
        return Item(
            ident=record["id"],
            key=-seq,  # Nova lists newest first (created_at desc)
            body=json.dumps(record, separators=(",", ":")).encode(),
            fields={
                "status": record["status"],
                "host": record["OS-EXT-SRV-ATTR:host"] or "",
                "project_id": record["tenant_id"],
                "name": record["name"],
            },
            updated=datetime.fromisoformat(record["updated"]).timestamp(),
            created=datetime.fromisoformat(record["created"]).timestamp(),
        )

    def _collection(self, name: str) -> Collection:
        """Ports, volumes, networks... are made on first use (a servers bench needs none)."""
        with self.lock:
            if name not in self._lazy:
                self._lazy[name] = getattr(self, f"_make_{name}")()
            return self._lazy[name]

    def _make_ports(self) -> Collection:
        ports = Collection("ports")
        servers = self.servers.order
        for seq in range(self.port_count):
            server = json.loads(servers[seq].body) if seq < len(servers) else None
            record = port_record(self.pools, server, seq)
            ports.add(
                _neutron_item(
                    record,
                    (
                        "device_id",
                        "device_owner",
                        "network_id",
                        "status",
                        "binding:host_id",
                        "mac_address",
                        "name",
                    ),
                )
            )
        ports.settle()
        return ports

    def _make_networks(self) -> Collection:
        return _neutron_collection(
            "networks", self.pools.networks, ("name", "status", "router:external", "shared")
        )

    def _make_subnets(self) -> Collection:
        return _neutron_collection("subnets", self.pools.subnets, ("name", "network_id"))

    def _make_volumes(self) -> Collection:
        volumes = Collection("volumes")
        for seq in range(self.volume_count):
            record = volume_record(self.pools, seq, EPOCH + seq * 60)
            volumes.add(
                Item(
                    record["id"],
                    -seq,
                    _bytes(record),
                    {
                        "project_id": record["os-vol-tenant-attr:tenant_id"],
                        "status": record["status"],
                        "name": record["name"],
                    },
                )
            )
        volumes.settle()
        return volumes

    def _make_images(self) -> Collection:
        images = Collection("images")
        for record in self.pools.images:
            images.add(Item(record["id"], record["id"], _bytes(record), {"name": record["name"]}))
        images.settle()
        return images

    def _make_hypervisors_usage(self) -> Collection:
        """Below microversion 2.88 each hypervisor also tells its usage."""
        return self._make_hypervisors(with_usage=True)

    def _make_flavors(self) -> Collection:
        flavors = Collection("flavors")
        for n, record in enumerate(self.pools.flavors):
            flavors.add(Item(record["id"], n, _bytes(record), {}))
        flavors.settle()
        return flavors

    def _make_hypervisors(self, with_usage: bool = False) -> Collection:
        hypervisors = Collection("hypervisors")
        for n, host in enumerate(self.pools.hosts):
            record = hypervisor_record(self.pools, n, host, with_usage)
            hypervisors.add(Item(record["id"], record["id"], _bytes(record), {"host": host}))
        hypervisors.settle()
        return hypervisors

    # -- control -------------------------------------------------------------------------

    def change(self, percent: float = 1.0, deleted_share: float = 0.1) -> dict[str, int]:
        """`percent` % of the servers change: most get a new status (and updated time), a
        `deleted_share` of them are deleted, and as many new ones are created."""
        with self.lock:
            live = list(self.servers.items.values())
            count = min(len(live), round(len(live) * percent / 100))
            picked = self.pools.generator.sample(live, count)
            deleted = round(count * deleted_share)
            now = time.time()
            for item in picked[deleted:]:
                record = json.loads(item.body)
                status = "SHUTOFF" if record["status"] == "ACTIVE" else "ACTIVE"
                record.update(
                    {
                        "status": status,
                        "OS-EXT-STS:vm_state": "stopped" if status == "SHUTOFF" else "active",
                        "OS-EXT-STS:power_state": 4 if status == "SHUTOFF" else 1,
                        "OS-EXT-STS:task_state": None,
                        "updated": iso(now),
                    }
                )
                self.servers.add(self._server_item(record, -item.key))
            for item in picked[:deleted]:
                record = json.loads(item.body)
                record.update(
                    {
                        "status": "DELETED",
                        "OS-EXT-STS:vm_state": "deleted",
                        "OS-EXT-STS:power_state": 0,
                        "OS-EXT-STS:task_state": None,
                        "OS-SRV-USG:terminated_at": iso(now),
                        "updated": iso(now),
                    }
                )
                del self.servers.items[item.ident]
                self.servers.gone[item.ident] = self._server_item(record, -item.key)
            for _ in range(deleted):
                self._new_server(now)
            self.servers.settle()
        return {"changed": count - deleted, "deleted": deleted, "created": deleted}

    def requests(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counts)

    def reset_requests(self) -> None:
        with self.lock:
            self.counts.clear()

    def count(self, label: str) -> None:
        with self.lock:
            self.counts[label] += 1

    # -- serving -------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeCloud:
        handler = type("Handler", (_Handler,), {"cloud": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeCloud:
        return self.start() if self._httpd is None else self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def write_clouds_yaml(self, directory: Path) -> Path:
        """A clouds.yaml naming cloud `bench` (password auth, any password, RegionOne)."""
        path = Path(directory) / "clouds.yaml"
        path.write_text(
            "clouds:\n"
            f"  {CLOUD}:\n"
            "    auth_type: password\n"
            "    auth:\n"
            f"      auth_url: {self.url}/identity/v3\n"
            "      username: admin\n"
            "      password: bench\n"
            "      project_name: admin\n"
            "      user_domain_name: Default\n"
            "      project_domain_name: Default\n"
            f"    region_name: {REGION}\n"
            "    interface: public\n"
            "    identity_api_version: 3\n"
        )
        return path

    # -- answers ---------------------------------------------------------------------------

    def catalog(self) -> list[Json]:
        project = self.pools.admin_project
        services = (
            ("identity", "keystone", "/identity"),
            ("compute", "nova", "/compute/v2.1"),
            ("network", "neutron", "/networking"),
            ("block-storage", "cinderv3", f"/volume/v3/{project}"),
            ("volumev3", "cinderv3", f"/volume/v3/{project}"),
            ("image", "glance", "/image"),
        )
        return [
            {
                "id": f"{n:032x}",
                "type": kind,
                "name": name,
                "endpoints": [
                    {
                        "id": f"{n + 100:032x}",
                        "interface": interface,
                        "region": REGION,
                        "region_id": REGION,
                        "url": self.url + path,
                    }
                    for interface in ("public", "internal", "admin")
                ],
            }
            for n, (kind, name, path) in enumerate(services, start=1)
        ]

    def token_body(self) -> Json:
        now = time.time()
        project = self.pools.admin_project
        return {
            "token": {
                "methods": ["password"],
                "user": {
                    "id": self.pools.user_id,
                    "name": "admin",
                    "domain": {"id": "default", "name": "Default"},
                    "password_expires_at": None,
                },
                "audit_ids": ["bench"],
                "expires_at": iso(now + 86400).replace("Z", ".000000Z"),
                "issued_at": iso(now).replace("Z", ".000000Z"),
                "project": {
                    "id": project,
                    "name": "admin",
                    "domain": {"id": "default", "name": "Default"},
                },
                "is_domain": False,
                "roles": [
                    {"id": "a" * 32, "name": "admin"},
                    {"id": "b" * 32, "name": "member"},
                    {"id": "c" * 32, "name": "reader"},
                ],
                "catalog": self.catalog(),
            }
        }

    def listing(
        self,
        collection: Collection,
        query: Query,
        link: str,
        match: Match | None,
        *,
        cache_key: Any = None,
        with_gone: bool = False,
        links: str = "",
    ) -> bytes:
        """A page of `collection` as `{"<key>": [...], "<key>_links": [next]}`."""
        limit = _limit(query)
        marker = _one(query, "marker")
        with self.lock:
            chosen, full = collection.page(limit, marker, match, cache_key, with_gone)
        parts = [b'{"', collection.key.encode(), b'":[', b",".join(i.body for i in chosen), b"]"]
        if full and chosen:
            rest = {k: v for k, v in query.items() if k not in ("marker", "limit")}
            params = urlencode(
                {**rest, "limit": [str(limit)], "marker": [chosen[-1].ident]}, doseq=True
            )
            href = f"{self.url}{link}?{params}"
            if links == "glance":
                parts.append(
                    f',"next":{json.dumps(href[len(self.url) + len("/image") :])}'.encode()
                )
            else:
                next_link = [{"rel": "next", "href": href}]
                parts.append(f',"{collection.key}_links":{json.dumps(next_link)}'.encode())
        parts.append(b"}")
        return b"".join(parts)


def _bytes(record: Json) -> bytes:
    return json.dumps(record, separators=(",", ":")).encode()


def _neutron_item(record: Json, keys: Iterable[str]) -> Item:
    fields = {
        k: str(record.get(k)).lower() if isinstance(record.get(k), bool) else record.get(k) or ""
        for k in keys
    }
    fields["project_id"] = record["project_id"]
    return Item(record["id"], record["id"], _bytes(record), fields)  # Neutron pages by id


def _neutron_collection(name: str, records: list[Json], keys: Iterable[str]) -> Collection:
    collection = Collection(name)
    for record in records:
        collection.add(_neutron_item(record, keys))
    collection.settle()
    return collection


def _one(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _limit(query: Query) -> int:
    raw = _one(query, "limit")
    if raw is None:
        return MAX_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise BadRequest(f"Invalid input for field/attribute limit. Value: {raw}") from None
    if limit < 0:
        raise BadRequest("limit must be >= 0")
    return min(limit, MAX_LIMIT)


def _when(query: Query, name: str) -> float | None:
    raw = _one(query, name)
    if raw is None:
        return None
    try:
        when = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"Invalid filter field: {name}.") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.now().astimezone().tzinfo)
    return when.timestamp()


def exact(
    query: Query, names: Iterable[str], scoped: str | None = None
) -> list[tuple[str, set[str]]]:
    """The filters of `names` the query carries: (field, accepted values)."""
    tests = [(name, set(query[name])) for name in names if name in query]
    if scoped is not None:
        tests.append(("project_id", {scoped}))
    return tests


def matcher(tests: list[tuple[str, set[str]]], extra: list[Match]) -> Match | None:
    if not tests and not extra:
        return None

    def match(item: Item) -> bool:
        fields = item.fields
        return all(fields.get(name) in values for name, values in tests) and all(
            test(item) for test in extra
        )

    return match


def _servers_match(cloud: FakeCloud, query: Query) -> tuple[Match | None, bool]:
    """Nova's servers/detail filters; True when deleted servers are listed (changes-since)."""
    every = _one(query, "all_tenants") not in (None, "0", "false", "False")
    scoped = None if every else cloud.pools.admin_project
    if every and "tenant_id" in query:
        query = {**query, "project_id": query["tenant_id"]}
    tests = exact(query, ("status", "host", "project_id"), scoped)
    tests = [(k, {v.upper() for v in vs}) if k == "status" else (k, vs) for k, vs in tests]
    extra: list[Match] = []
    if (name := _one(query, "name")) is not None:
        try:
            pattern = re.compile(name)
        except re.error:
            raise BadRequest(f"Invalid regular expression: {name}") from None
        extra.append(lambda item: pattern.search(item.fields["name"]) is not None)
    since, before = _when(query, "changes-since"), _when(query, "changes-before")
    if since is not None:
        extra.append(lambda item: item.updated >= since)
    if before is not None:
        extra.append(lambda item: item.updated <= before)
    return matcher(tests, extra), since is not None or before is not None


def _versions(cloud: FakeCloud, service: str) -> Json:
    url = cloud.url
    media = [
        {"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}
    ]
    if service == "compute":
        return {
            "versions": [
                {
                    "id": "v2.0",
                    "status": "SUPPORTED",
                    "version": "",
                    "min_version": "",
                    "updated": "2011-01-21T11:33:21Z",
                    "links": [{"rel": "self", "href": f"{url}/compute/v2/"}],
                },
                {
                    "id": "v2.1",
                    "status": "CURRENT",
                    "version": NOVA_MAX,
                    "min_version": "2.1",
                    "updated": "2013-07-23T11:33:21Z",
                    "links": [{"rel": "self", "href": f"{url}/compute/v2.1/"}],
                    "media-types": media,
                },
            ]
        }
    if service == "volume":
        return {
            "versions": [
                {
                    "id": "v3.0",
                    "status": "CURRENT",
                    "version": CINDER_MAX,
                    "min_version": "3.0",
                    "updated": "2023-08-31T00:00:00Z",
                    "links": [{"rel": "self", "href": f"{url}/volume/v3/"}],
                    "media-types": media,
                }
            ]
        }
    if service == "networking":
        return {
            "versions": [
                {
                    "id": "v2.0",
                    "status": "CURRENT",
                    "links": [{"rel": "self", "href": f"{url}/networking/v2.0/"}],
                }
            ]
        }
    if service == "image":
        return {
            "versions": [
                {
                    "id": "v2.16",
                    "status": "CURRENT",
                    "links": [{"rel": "self", "href": f"{url}/image/v2/"}],
                }
            ]
        }
    return {
        "versions": {
            "values": [
                {
                    "id": "v3.14",
                    "status": "stable",
                    "updated": "2020-04-07T00:00:00Z",
                    "links": [{"rel": "self", "href": f"{url}/identity/v3/"}],
                    "media-types": [
                        {
                            "base": "application/json",
                            "type": "application/vnd.openstack.identity-v3+json",
                        }
                    ],
                }
            ]
        }
    }


def _single_version(cloud: FakeCloud, service: str) -> Json:
    versions = _versions(cloud, service)["versions"]
    values = versions["values"] if isinstance(versions, dict) else versions
    return {"version": values[-1]}


ID = r"([^/]+)"
Route = tuple[str, re.Pattern[str], str]


def _routes() -> list[Route]:
    table = [
        ("GET", r"/identity/?", "identity versions"),
        ("GET", r"/identity/v3/?", "identity version"),
        ("POST", r"/identity/v3/auth/tokens", "token"),
        ("GET", r"/identity/v3/projects", "projects"),
        ("GET", r"/identity/v3/projects/" + ID, "project"),
        ("GET", r"/compute/?", "compute versions"),
        ("GET", r"/compute/v2\.1/?", "compute version"),
        ("GET", r"/compute/v2\.1/servers/detail", "servers"),
        ("GET", r"/compute/v2\.1/servers/" + ID, "server"),
        ("GET", r"/compute/v2\.1/flavors/detail", "flavors"),
        ("GET", r"/compute/v2\.1/os-hypervisors/detail", "hypervisors"),
        ("GET", r"/networking/?", "networking versions"),
        ("GET", r"/networking/v2\.0/?", "networking version"),
        ("GET", r"/networking/v2\.0/(ports|networks|subnets)", "neutron"),
        ("GET", r"/volume/?", "volume versions"),
        ("GET", r"/volume/v3/?(?:[0-9a-f]{32}/?)?", "volume version"),
        ("GET", r"/volume/v3/" + ID + r"/volumes/detail", "volumes"),
        ("GET", r"/image/?", "image versions"),
        ("GET", r"/image/v2/images", "images"),
        ("POST", r"/_bench/change", "bench change"),
        ("GET", r"/_bench/requests", "bench requests"),
        ("POST", r"/_bench/requests/reset", "bench reset"),
    ]
    return [(method, re.compile(pattern + r"\Z"), name) for method, pattern, name in table]


def _label(method: str, pattern: re.Pattern[str]) -> str:
    """A route as a request count's label: `GET /compute/v2.1/servers/{id}`."""
    text = pattern.pattern[:-2].replace(ID, "{id}").replace("\\.", ".").replace("/?", "/")
    text = re.sub(r"\(\?:\[0-9a-f\]\{32\}/\)\?", "{project}", text)
    return f"{method} {text}"


ROUTES = _routes()


class _Handler(BaseHTTPRequestHandler):
    cloud: FakeCloud
    protocol_version = "HTTP/1.1"
    server_version = "fake-openstack"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        for route_method, pattern, name in ROUTES:
            found = pattern.match(path) or pattern.match(path + "/")
            if found and route_method == ("GET" if method == "HEAD" else method):
                label = _label(method, pattern)
                if name == "neutron":
                    label = f"{method} /networking/v2.0/{found.group(1)}"
                self.cloud.count(label)
                try:
                    status, payload, headers = self._answer(name, found.groups(), query, body)
                except BadRequest as exc:
                    status, headers = 400, {}
                    payload = _bytes({"badRequest": {"code": 400, "message": str(exc)}})
                self._send(status, payload, headers, method == "HEAD")
                return
        self.cloud.count(f"{method} (not served) {path}")
        self._send(
            404,
            _bytes({"itemNotFound": {"code": 404, "message": "Not served by the fake cloud."}}),
            {},
            False,
        )

    def _send(self, status: int, payload: bytes, headers: Mapping[str, str], head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-openstack-request-id", "req-00000000-0000-4000-a000-000000000000")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(payload)

    def _answer(
        self, name: str, groups: tuple[str, ...], query: Query, body: bytes
    ) -> tuple[int, bytes, Mapping[str, str]]:
        cloud = self.cloud
        nova = {
            "OpenStack-API-Version": f"compute {NOVA_MAX}",
            "X-OpenStack-Nova-API-Version": NOVA_MAX,
        }
        if name.endswith(" versions"):
            service = name.split()[0]
            return 300 if service == "identity" else 200, _bytes(_versions(cloud, service)), {}
        if name.endswith(" version"):
            return 200, _bytes(_single_version(cloud, name.split()[0])), {}
        if name == "token":
            return 201, _bytes(cloud.token_body()), {"X-Subject-Token": cloud.token}
        if name == "projects":
            projects = [
                {
                    "id": pid,
                    "name": pname,
                    "domain_id": "default",
                    "enabled": True,
                    "is_domain": False,
                    "parent_id": "default",
                    "description": "",
                    "tags": [],
                    "options": {},
                    "links": {},
                }
                for pid, pname in cloud.pools.projects.items()
                if "name" not in query or pname in query["name"]
            ]
            return (
                200,
                _bytes(
                    {
                        "projects": projects,
                        "links": {
                            "self": f"{cloud.url}/identity/v3/projects",
                            "next": None,
                            "previous": None,
                        },
                    }
                ),
                {},
            )
        if name == "project":
            pname = cloud.pools.projects.get(groups[0])
            if pname is None:
                return (
                    404,
                    _bytes(
                        {
                            "error": {
                                "code": 404,
                                "message": "Could not find project.",
                                "title": "Not Found",
                            }
                        }
                    ),
                    {},
                )
            return (
                200,
                _bytes(
                    {
                        "project": {
                            "id": groups[0],
                            "name": pname,
                            "domain_id": "default",
                            "enabled": True,
                        }
                    }
                ),
                {},
            )
        if name == "servers":
            match, with_gone = _servers_match(cloud, query)
            key = tuple(
                sorted((k, tuple(v)) for k, v in query.items() if k not in ("limit", "marker"))
            )
            page = cloud.listing(
                cloud.servers,
                query,
                "/compute/v2.1/servers/detail",
                match,
                cache_key=key,
                with_gone=with_gone,
            )
            return 200, page, nova
        if name == "server":
            with cloud.lock:
                item = cloud.servers.items.get(groups[0])
            if item is None:
                return (
                    404,
                    _bytes(
                        {
                            "itemNotFound": {
                                "code": 404,
                                "message": f"Instance {groups[0]} could not be found.",
                            }
                        }
                    ),
                    nova,
                )
            return 200, b'{"server":' + item.body + b"}", nova
        if name in ("flavors", "hypervisors"):
            asked = self.headers.get("OpenStack-API-Version", "").split()
            version = tuple(int(n) for n in asked[-1].split(".")) if len(asked) == 2 else (2, 1)
            usage = name == "hypervisors" and version < (2, 88)
            collection = cloud._collection(f"{name}_usage" if usage else name)
            path = "/compute/v2.1/" + (
                "flavors/detail" if name == "flavors" else "os-hypervisors/detail"
            )
            return 200, cloud.listing(collection, query, path, None), nova
        if name == "neutron":
            collection = cloud._collection(groups[0])
            names = [
                k
                for k in query
                if k not in ("limit", "marker", "fields", "sort_key", "sort_dir", "page_reverse")
            ]
            aliased = {
                ("project_id" if k == "tenant_id" else k): [
                    v.lower() if v in ("True", "False") else v for v in values
                ]
                for k, values in query.items()
            }
            indexed = set(collection.order[0].fields) if collection.order else set()
            wanted = [("project_id" if k == "tenant_id" else k) for k in names]
            for unknown in sorted(set(wanted) - indexed):  # shown in the request counts
                cloud.count(f"(filter not applied) {groups[0]}?{unknown}")
            tests = exact(aliased, [k for k in wanted if k in indexed])
            key = tuple(sorted((k, tuple(v)) for k, v in tests))
            return (
                200,
                cloud.listing(
                    collection,
                    query,
                    f"/networking/v2.0/{groups[0]}",
                    matcher(tests, []),
                    cache_key=key,
                ),
                {},
            )
        if name == "volumes":
            every = _one(query, "all_tenants") not in (None, "0", "false", "False")
            tests = exact(
                query,
                ("status", "name", "project_id"),
                None if every else cloud.pools.admin_project,
            )
            key = tuple(sorted((k, tuple(v)) for k, v in tests))
            path = f"/volume/v3/{groups[0]}/volumes/detail"
            return (
                200,
                cloud.listing(
                    cloud._collection("volumes"), query, path, matcher(tests, []), cache_key=key
                ),
                {"OpenStack-API-Version": f"volume {CINDER_MAX}"},
            )
        if name == "images":
            return (
                200,
                cloud.listing(
                    cloud._collection("images"), query, "/image/v2/images", None, links="glance"
                ),
                {},
            )
        if name == "bench change":
            percent = float(_one(query, "percent") or 1)
            return 200, _bytes(cloud.change(percent)), {}
        if name == "bench requests":
            return 200, _bytes(cloud.requests()), {}
        if name == "bench reset":
            cloud.reset_requests()
            return 204, b"", {}
        return 404, b"{}", {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--ports", type=int)
    parser.add_argument("--volumes", type=int)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--dir", type=Path, help="where clouds.yaml is written (default: a temp dir)"
    )
    args = parser.parse_args()
    import tempfile

    directory = args.dir or Path(tempfile.mkdtemp(prefix="fake-cloud-"))
    cloud = FakeCloud(args.servers, args.ports, args.volumes).start(args.port)
    clouds_yaml = cloud.write_clouds_yaml(directory)
    print(
        json.dumps({"url": cloud.url, "clouds_yaml": str(clouds_yaml), "cloud": CLOUD}), flush=True
    )
    try:
        sys.stdin.read()  # until the parent closes our stdin (or Ctrl-D)
    except KeyboardInterrupt:
        pass
    finally:
        cloud.stop()


if __name__ == "__main__":
    main()
