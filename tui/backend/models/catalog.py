"""The token's service catalog as endpoints, for the raw API browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from tui.backend.models.common import Json, as_str


@dataclass(frozen=True, slots=True)
class CatalogEndpoint:
    """One endpoint of the token's service catalog: what the raw browser can GET from."""

    id: str
    type: str
    name: str
    interface: str
    region: str
    url: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        """``d``: one catalog entry's endpoint, with the entry's ``type`` and ``name``."""
        kind = as_str(d.get("type"))
        interface = as_str(d.get("interface"))
        region = as_str(d.get("region_id") or d.get("region"))
        return cls(
            id=as_str(d.get("id")) or f"{kind}/{interface}/{region}",
            type=kind,
            name=as_str(d.get("name")),
            interface=interface,
            region=region,
            url=as_str(d.get("url")),
            raw=d,
        )


def catalog_endpoints(catalog: Any) -> list[CatalogEndpoint]:
    """Every endpoint of a token's catalog (Keystone v3 or v2 shape), sorted by type."""
    found: list[CatalogEndpoint] = []
    for entry in catalog or ():
        base = {"type": entry.get("type"), "name": entry.get("name")}
        for endpoint in entry.get("endpoints") or ():
            if "url" in endpoint:
                found.append(CatalogEndpoint.from_api({**endpoint, **base}))
                continue
            for interface in ("public", "internal", "admin"):  # v2: publicURL, internalURL...
                if url := endpoint.get(f"{interface}URL"):
                    d = {**base, "interface": interface, "region": endpoint.get("region")}
                    found.append(CatalogEndpoint.from_api({**d, "url": url}))
    order = {"public": 0, "internal": 1, "admin": 2}
    return sorted(found, key=lambda e: (e.type, order.get(e.interface, 3), e.region, e.url))
