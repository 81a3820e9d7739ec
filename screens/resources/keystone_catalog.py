"""The Keystone catalog: which services the cloud registers and where their endpoints are
(what to check when an API answers 401 or cannot be found). Read-only."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import CatalogService, Endpoint
from tui.resource import Col, Drill, Resource, Scope, attr
from tui.screens.resources.identity import enabled_col


def list_services(backend: Backend, scope: Scope) -> AsyncIterator[list[CatalogService]]:
    return backend.catalog_services()


def list_endpoints(backend: Backend, scope: Scope) -> AsyncIterator[list[Endpoint]]:
    return backend.endpoints(service_id=scope.get("service_id"))


CATALOG_SERVICES = Resource(
    name="catalog",
    title="Catalog services",
    aliases=("keystone-services", "catalog-services"),
    columns=(
        Col("Type", attr("type"), min_width=6, max_width=20),
        Col("Name", attr("name"), min_width=6, max_width=20),
        enabled_col(),
        Col("Description", attr("description"), min_width=8, max_width=40),
        Col("ID", attr("id"), min_width=8, max_width=32),
    ),
    list=list_services,
    label=lambda s: s.name or s.type,
    needs_admin=True,
    drills=(
        Drill(
            "enter",
            "endpoints",
            lambda s: Scope(filters=(("service_id", s.id),), label=f"service {s.name or s.type}"),
            "Endpoints of this service",
        ),
    ),
)

ENDPOINTS = Resource(
    name="endpoints",
    title="Endpoints",
    aliases=("endpoint", "ep"),
    columns=(
        Col("Service", lambda e: e.service_name or e.service_id, min_width=6, max_width=16),
        Col("Type", attr("service_type"), min_width=6, max_width=16),
        Col("Interface", attr("interface"), min_width=6, max_width=9),
        Col("Region", attr("region"), min_width=6, max_width=14),
        Col("URL", attr("url"), min_width=30, max_width=60),
        enabled_col(),
        Col("ID", attr("id"), min_width=4, max_width=32),
    ),
    list=list_endpoints,
    needs_admin=True,
)
