"""The raw API browser's list: the endpoints of the token's catalog; enter browses one
(`tui.screens.raw`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import CatalogEndpoint
from tui.resource import Col, Resource, Scope, View, attr
from tui.screens.resources.lists import once


def list_catalog(backend: Backend, scope: Scope) -> AsyncIterator[list[CatalogEndpoint]]:
    return once(backend.catalog())


def raw_screen(endpoint: CatalogEndpoint) -> object:
    from tui.screens.raw import RawScreen

    return RawScreen(endpoint)


RAW = Resource(
    name="raw",
    title="Raw API (catalog endpoints)",
    aliases=("api", "catalog-raw", "rest"),
    columns=(
        Col("Type", attr("type"), min_width=6, max_width=20),
        Col("Name", attr("name"), min_width=4, max_width=16),
        Col("Interface", attr("interface"), min_width=6, max_width=9),
        Col("Region", attr("region"), min_width=6, max_width=12),
        Col("URL", attr("url"), min_width=20, max_width=70),
    ),
    list=list_catalog,
    label=lambda e: f"{e.type} {e.interface}",
    views=(View("enter", "browse", "GET paths on this endpoint", raw_screen),),
)
