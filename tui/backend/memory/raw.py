"""The raw API browser on the in-memory cloud: GET answered from the demo's records in each
API's own JSON shape (paging links included); anything else is a 404. The catalog it reads
from is the token's (identity.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tui.backend import models
from tui.backend.errors import BackendError
from tui.backend.memory import usage
from tui.backend.memory.core import MemoryCore

if TYPE_CHECKING:
    from tui.backend.raw_http import RawResponse

NOT_FOUND = {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}

Route = Callable[[dict[str, str]], Any]


class RawMemory(MemoryCore):
    async def raw_get(
        self, endpoint: models.CatalogEndpoint, path: str, *, method: str = "GET"
    ) -> RawResponse:
        import json  # the raw browser and its helpers: not on the start-up path

        from tui.backend.raw_http import RawResponse, read_request, shown_headers

        path, url = read_request(endpoint.url, path, method)
        parts = urlsplit(url)
        below = parts.path[len(urlsplit(endpoint.url).path.rstrip("/")) :] or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        request_id = self.request_id()
        status, body = 404, NOT_FOUND
        try:
            found = await self._route(endpoint, below.rstrip("/") or "/", query)
        except BackendError as exc:
            status = exc.status or 500
            body = {"error": {"code": status, "message": exc.message}}
        else:
            if found is not None:
                status, body = 200, found
        text = json.dumps(body)
        headers = {
            "Content-Type": "application/json",
            "Content-Length": str(len(text)),
            "X-Openstack-Request-Id": request_id,
        }
        if endpoint.type == "compute":
            headers["OpenStack-API-Version"] = "compute 2.1"
        reason = {200: "OK", 403: "Forbidden", 404: "Not Found"}.get(status, "Error")
        message = ""
        if status >= 400:
            message = str(next(iter(body.values()))["message"])
        return RawResponse(
            method=method,
            url=url,
            path=path,
            status=status,
            reason=reason,
            headers=shown_headers(headers),
            text="" if method == "HEAD" else json.dumps(body),
            elapsed_ms=3,
            message=message,
        )

    async def _placement(self, path: str) -> Any:
        """Placement's resource providers (one per hypervisor), their usages and inventories:
        what the hypervisors show, from the same servers (usage.py)."""
        backend: Any = self
        hypervisors = [h async for page in backend.hypervisors() for h in page]
        if path == "/resource_providers":
            return {"resource_providers": [_provider(h.raw) for h in hypervisors]}
        parts = path.split("/")
        found = next((h for h in hypervisors if len(parts) == 4 and h.id == parts[2]), None)
        if found is None:
            return None
        on_host = usage.by_host(self._cloud.servers).get(found.host, usage.Held())
        if parts[3] == "usages":
            return usage.placement_usages(on_host)
        if parts[3] == "inventories":
            return usage.placement_inventories(found, on_host)
        return None

    async def _route(
        self, endpoint: models.CatalogEndpoint, path: str, query: dict[str, str]
    ) -> Any:
        backend: Any = self
        limit = int(query["limit"]) if query.get("limit", "").isdigit() else 1000
        marker = query.get("marker")
        kind = endpoint.type
        if path == "/":
            return {"versions": [{"id": "v1.0", "status": "CURRENT", "links": []}]}
        if kind == "compute" and path in ("/servers", "/servers/detail"):
            rows = [s.raw async for page in backend.servers() for s in page]
            return _nova_page("servers", rows, limit, marker, f"{endpoint.url}{path}")
        if kind == "compute" and path.startswith("/servers/"):
            return {"server": (await backend.server(path.split("/")[2])).raw}
        if kind == "compute" and path in ("/os-hypervisors", "/os-hypervisors/detail"):
            rows = [h.raw async for page in backend.hypervisors() for h in page]
            if path == "/os-hypervisors":
                keep = ("id", "hypervisor_hostname", "state", "status")
                rows = [{k: r.get(k) for k in keep} for r in rows]
            return {"hypervisors": rows}
        if kind == "network" and path in ("/v2.0/networks", "/v2.0/ports", "/v2.0/subnets"):
            key = path.rsplit("/", 1)[1]
            rows = [r.raw async for page in getattr(backend, key)() for r in page]
            return _nova_page(key, rows, limit, marker, f"{endpoint.url}{path}")
        if kind == "image" and path == "/v2/images":
            rows = [i.raw async for page in backend.images() for i in page]
            return _glance_page(rows, limit, marker)
        if kind == "identity" and path == "/projects":
            rows = [p.raw async for page in backend.projects() for p in page]
            links = {"self": f"{endpoint.url}/projects", "previous": None, "next": None}
            return {"links": links, "projects": rows}
        if kind in ("volumev3", "block-storage") and path in ("/volumes", "/volumes/detail"):
            rows = [v.raw async for page in backend.volumes() for v in page]
            return _nova_page("volumes", rows, limit, marker, f"{endpoint.url}{path}")
        if kind == "placement" and path.startswith("/resource_providers"):
            return await self._placement(path)
        if kind == "metric" and path.startswith("/v1/resource/") and path.count("/") == 3:
            return backend._visible_gnocchi(path.rsplit("/", 1)[1])
        if kind == "metric" and path.startswith("/v1/metric/") and path.endswith("/measures"):
            metric_id = path.split("/")[3]
            from tui.backend.gnocchi import MeasureQuery

            wanted = MeasureQuery(aggregation=query.get("aggregation", "mean"))
            return backend.measures_json(metric_id, wanted)
        return None


def _after(rows: list[Any], marker: str | None) -> list[Any]:
    if marker is None:
        return rows
    ids = [r.get("id") for r in rows]
    return rows[ids.index(marker) + 1 :] if marker in ids else []


def _nova_page(key: str, rows: list[Any], limit: int, marker: str | None, url: str) -> Any:
    rest = _after(rows, marker)
    body: dict[str, Any] = {key: rest[:limit]}
    if len(rest) > limit:
        next_url = f"{url}?{urlencode({'limit': limit, 'marker': rest[limit - 1]['id']})}"
        body[f"{key}_links"] = [{"rel": "next", "href": next_url}]
    return body


def _glance_page(rows: list[Any], limit: int, marker: str | None) -> Any:
    rest = _after(rows, marker)
    body: dict[str, Any] = {
        "images": rest[:limit],
        "first": "/v2/images",
        "schema": "/v2/schemas/images",
    }
    if len(rest) > limit:
        body["next"] = f"/v2/images?{urlencode({'limit': limit, 'marker': rest[limit - 1]['id']})}"
    return body


def _provider(hypervisor: Any) -> dict[str, Any]:
    uuid = hypervisor.get("id")
    return {
        "uuid": uuid,
        "name": hypervisor.get("hypervisor_hostname"),
        "generation": 1,
        "parent_provider_uuid": None,
        "root_provider_uuid": uuid,
        "links": [{"rel": "self", "href": f"/resource_providers/{uuid}"}],
    }
