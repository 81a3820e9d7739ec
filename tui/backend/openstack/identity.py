"""Keystone: projects and users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Json, Project, User
from tui.backend.openstack.core import OpenStackCore

T = TypeVar("T")


class IdentityAPI(OpenStackCore):
    def _keystone_pages(
        self, path: str, key: str, parse: Callable[[Json], T], page_size: int
    ) -> Callable[[str | None], tuple[list[T], str | None]]:
        """Keystone pages by ``links.next`` (when list_limit is set), not always by marker."""

        def fetch(marker: str | None) -> tuple[list[T], str | None]:
            params: dict[str, Any] = {"limit": page_size}
            if marker:
                params["marker"] = marker
            body = self._get("identity", path, params, operation=f"list {key}")
            items = [parse(d) for d in body.get(key, [])]
            nxt = (body.get("links") or {}).get("next")
            next_marker = parse_qs(urlsplit(nxt).query).get("marker", [None])[0] if nxt else None
            return items, next_marker

        return fetch

    async def projects(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Project]]:
        fetch = self._keystone_pages("/projects", "projects", Project.from_api, page_size)
        async for page in self._paged("list projects", fetch):
            yield page

    async def project(self, project_id: str) -> Project:
        def fetch() -> Project:
            body = self._get("identity", f"/projects/{project_id}", operation="show project")
            return Project.from_api(body["project"])

        return await self._call("show project", fetch)

    async def users(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[User]]:
        fetch = self._keystone_pages("/users", "users", User.from_api, page_size)
        async for page in self._paged("list users", fetch):
            yield page

    async def project_name_map(self) -> dict[str, str]:
        """Project id → name for labelling lists; empty when projects may not be listed."""
        return dict(await self._call("list projects", self._names))
