"""The defaults of Nova's and Cinder's quotas (their quota class ``default``), and the
projects whose limits differ from the defaults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError
from tui.backend.models import Json
from tui.backend.openstack.quotas import QuotaAPI, QuotasAPI, quota_api
from tui.backend.quota_classes import (
    NO_NEUTRON_CLASSES,
    QUOTA_READS,
    QuotaScan,
    defaults_target,
    read_projects,
)

CLASS_PATH = "/os-quota-class-sets/default"


class QuotaClassesAPI(QuotasAPI):
    if TYPE_CHECKING:  # IdentityAPI's, beside this mixin in OpenStackBackend

        def projects(
            self, *, page_size: int = DEFAULT_PAGE_SIZE
        ) -> AsyncIterator[list[models.Project]]: ...

    async def update_quota_defaults(self, service: str, limits: Mapping[str, int]) -> None:
        if service == "network":
            raise BackendError(NO_NEUTRON_CLASSES, operation="update-quota-defaults")
        api = quota_api(service)
        await self._write(
            "update-quota-defaults",
            defaults_target(service, limits),
            "PUT",
            service,
            CLASS_PATH,
            body={"quota_class_set": dict(limits)},
            microversion=lambda: self._quota_mv(api),
        )

    async def quota_overrides(
        self, scan: QuotaScan | None = None, *, concurrency: int = QUOTA_READS
    ) -> AsyncIterator[list[models.QuotaOverride]]:
        scan = scan if scan is not None else QuotaScan()
        apis = self._quota_apis()
        listed = [a for a in apis if a.service == "network"]
        each = [a for a in apis if a.service != "network"]
        scan.listed = [a.service for a in listed]
        scan.per_project = [a.service for a in each]
        own = self._info.project_id
        # the defaults, the projects and Neutron's own list: one call each, at once
        defaults, names, lists = await asyncio.gather(
            asyncio.gather(*(self._defaults(a, own) for a in apis)),
            self._project_names_now(),
            asyncio.gather(*(self._listed_quotas(a) for a in listed)),
        )
        default_of = {a.service: d for a, d in zip(apis, defaults, strict=True)}
        for api, entries in zip(listed, lists, strict=True):
            rows = []
            for entry in entries:
                pid = str(entry.get("project_id") or entry.get("tenant_id") or "")
                defaults_ = default_of[api.service]
                rows += models.quota_overrides(
                    api.service, pid, entry, defaults_, names.get(pid, "")
                )
            if rows:
                yield rows
        if each:

            async def read(project_id: str) -> list[models.QuotaOverride]:
                sets = await asyncio.gather(*(self._limits_of(a, project_id) for a in each))
                return [
                    row
                    for api, limits in zip(each, sets, strict=True)
                    for row in models.quota_overrides(
                        api.service,
                        project_id,
                        limits,
                        default_of[api.service],
                        names.get(project_id, ""),
                    )
                ]

            async for page in read_projects(sorted(names), read, scan, concurrency):
                yield page
        scan.done = True

    async def _project_names_now(self) -> dict[str, str]:
        """Every project now (not the names cached at connect: a new one is read too)."""
        return {p.id: p.name async for page in self.projects() for p in page}

    async def _listed_quotas(self, api: QuotaAPI) -> list[Json]:
        operation = f"list {api.service} quotas"

        def fetch() -> list[Json]:
            body = self._get(
                api.service, "/quotas", None, None, operation, key="quotas", kind="list"
            )
            return [q for q in body["quotas"] if isinstance(q, Mapping)]

        return await self._call(operation, fetch)

    async def _limits_of(self, api: QuotaAPI, project_id: str) -> Json:
        """A project's limits, without usage (Nova's and Cinder's plain quota set)."""
        operation = f"show {api.service} quotas"

        def fetch() -> Json:
            path = f"/os-quota-sets/{project_id}"
            body = self._get(api.service, path, None, self._quota_mv(api), operation, key=api.key)
            quota_set: Json = body[api.key]
            return quota_set

        return await self._call(operation, fetch)
