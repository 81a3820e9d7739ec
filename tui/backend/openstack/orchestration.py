"""Heat (orchestration API v1): stacks, their resources and events; create and delete.

The catalog's orchestration endpoint already ends in the project (``/v1/{project_id}``),
so paths start at ``/stacks``. The request building and parsing are pure functions below,
tested without a network; the mixin only sends them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read


def stack_path(stack: models.Stack) -> str:
    """A stack's canonical URL: ``/stacks/{name}/{id}`` (``/stacks/{id}`` answers 302)."""
    return f"/stacks/{quote(stack.name, safe='')}/{quote(stack.id, safe='')}"


def stacks_query(all_projects: bool, limit: int, marker: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"limit": limit, "sort_keys": "creation_time", "sort_dir": "desc"}
    if all_projects:
        query["global_tenant"] = 1
    if marker:
        query["marker"] = marker
    return query


def events_query(limit: int, marker: str | None) -> dict[str, Any]:
    """Newest first: events sort by their time unless told otherwise; only the direction."""
    query: dict[str, Any] = {"limit": limit, "sort_dir": "desc"}
    if marker:
        query["marker"] = marker
    return query


def next_page(items: list[Any], limit: int) -> str | None:
    """Heat pages by the last id seen; a short page is the last one."""
    return items[-1].id if len(items) >= limit and items else None


def create_body(spec: models.StackSpec) -> dict[str, Any]:
    """POST /stacks: the template and environment go as parsed objects, not text."""
    body: dict[str, Any] = {
        "stack_name": spec.name,
        "template": dict(spec.template),
        "parameters": dict(spec.parameters),
        "disable_rollback": not spec.rollback,
    }
    if spec.environment:
        body["environment"] = dict(spec.environment)
    if spec.timeout_mins:
        body["timeout_mins"] = spec.timeout_mins
    return body


def created_stack(body: Json, spec: models.StackSpec) -> models.Stack:
    """The 201 answer is only ``{"stack": {"id", "links"}}``: a stack just begun."""
    return models.Stack.from_api(
        {
            **(body.get("stack") or {}),
            "stack_name": spec.name,
            "stack_status": "CREATE_IN_PROGRESS",
        }
    )


def parse_stacks(body: Json, own_project: str = "") -> list[models.Stack]:
    """A list; without global_tenant it has no "project": they are all `own_project`'s."""
    stacks = [models.Stack.from_api(d) for d in body.get("stacks") or ()]
    return [s if s.project_id else replace(s, project_id=own_project) for s in stacks]


def parse_resources(body: Json) -> list[models.StackResource]:
    return [models.StackResource.from_api(d) for d in body.get("resources") or ()]


def parse_events(body: Json) -> list[models.StackEvent]:
    return [models.StackEvent.from_api(d) for d in body.get("events") or ()]


class OrchestrationAPI(OpenStackCore):
    async def stacks(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Stack]]:
        def fetch(marker: str | None) -> tuple[list[models.Stack], str | None]:
            query = stacks_query(all_projects, page_size, marker)
            body = self._get(
                "orchestration", "/stacks", query, None, "list stacks", key="stacks", kind="list"
            )
            stacks = parse_stacks(body, self._info.project_id)
            return stacks, next_page(stacks, page_size)

        async for page in self._paged("list stacks", fetch):
            yield page

    async def stack(self, stack_id: str) -> models.Stack:
        return await self._show(
            "orchestration",
            f"/stacks/{quote(stack_id, safe='')}",
            "stack",
            models.Stack.from_api,
            kind="stack",
        )

    async def stack_resources(self, stack: models.Stack) -> list[models.StackResource]:
        def fetch() -> list[models.StackResource]:
            path = f"{stack_path(stack)}/resources"
            return parse_resources(
                self._get(
                    "orchestration",
                    path,
                    operation="list stack resources",
                    key="resources",
                    kind="list",
                )
            )

        return await self._call("list stack resources", fetch)

    async def stack_events(
        self, stack: models.Stack, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.StackEvent]]:
        path = f"{stack_path(stack)}/events"

        def fetch(marker: str | None) -> tuple[list[models.StackEvent], str | None]:
            query = events_query(page_size, marker)
            events = parse_events(
                self._get(
                    "orchestration", path, query, None, "list events", key="events", kind="list"
                )
            )
            return events, next_page(events, page_size)

        async for page in self._paged("list stack events", fetch):
            yield page

    async def create_stack(self, spec: models.StackSpec) -> models.Stack:
        body = await self._write(
            "create-stack",
            f"stack {spec.name}",
            "POST",
            "orchestration",
            "/stacks",
            body=create_body(spec),
            read=Read("stack", made="stack"),
        )
        return created_stack({"stack": body}, spec)

    async def delete_stack(self, stack: models.Stack) -> None:
        await self._write(
            "delete-stack",
            f"stack {stack.name} ({stack.id})",
            "DELETE",
            "orchestration",
            stack_path(stack),
        )
