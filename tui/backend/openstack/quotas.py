"""Per-project quotas of Nova, Neutron and Cinder: limits with usage, defaults, updates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tui.backend import models
from tui.backend.errors import BackendError
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore

VOLUME_TYPES = ("block-storage", "volumev3", "volume")
# From 2.57 Nova's quota sets no longer carry the proxied network and injected-file keys.
COMPUTE_QUOTAS_MV = (2, 57)


@dataclass(frozen=True, slots=True)
class QuotaAPI:
    """Where one service keeps a project's quotas, and the key its bodies wrap them in."""

    service: str
    catalog: tuple[str, ...]
    usage: Callable[[str], tuple[str, dict[str, str]]]  # project → path, query
    defaults: Callable[[str], str]
    update: Callable[[str], str]
    key: str


QUOTA_APIS = (
    QuotaAPI(
        "compute",
        ("compute",),
        lambda p: (f"/os-quota-sets/{p}/detail", {}),
        lambda p: f"/os-quota-sets/{p}/defaults",
        lambda p: f"/os-quota-sets/{p}",
        "quota_set",
    ),
    QuotaAPI(
        "network",
        ("network",),
        lambda p: (f"/quotas/{p}/details", {}),
        lambda p: f"/quotas/{p}/default",
        lambda p: f"/quotas/{p}",
        "quota",
    ),
    QuotaAPI(
        "block-storage",
        VOLUME_TYPES,
        lambda p: (f"/os-quota-sets/{p}", {"usage": "true"}),
        lambda p: f"/os-quota-sets/{p}/defaults",
        lambda p: f"/os-quota-sets/{p}",
        "quota_set",
    ),
)


def quota_api(service: str) -> QuotaAPI:
    return next(api for api in QUOTA_APIS if api.service == service)


class QuotasAPI(OpenStackCore):
    def _quota_mv(self, api: QuotaAPI) -> str | None:
        return self._compute_version(COMPUTE_QUOTAS_MV) if api.service == "compute" else None

    def _quota_apis(self) -> list[QuotaAPI]:
        return [api for api in QUOTA_APIS if self.info.has_service(*api.catalog)]

    async def quotas(self, project_id: str) -> list[models.QuotaUsage]:
        sets = await asyncio.gather(*(self._quota_set(a, project_id) for a in self._quota_apis()))
        return [row for rows in sets for row in rows]

    async def quota_defaults(self, project_id: str) -> list[models.QuotaUsage]:
        sets = await asyncio.gather(
            *(self._defaults(api, project_id) for api in self._quota_apis())
        )
        return [
            row
            for api, body in zip(self._quota_apis(), sets, strict=True)
            for row in models.quota_usages(api.service, project_id, body, body)
        ]

    async def _quota_set(self, api: QuotaAPI, project_id: str) -> list[models.QuotaUsage]:
        path, query = api.usage(project_id)
        operation = f"show {api.service} quotas"

        def fetch() -> Json:
            body = self._get(api.service, path, query, self._quota_mv(api), operation, key=api.key)
            quota_set: Json = body[api.key]  # `_get` made sure it is an object
            return quota_set

        body = await self._call(operation, fetch)
        try:
            defaults: Json | None = await self._defaults(api, project_id)
        except BackendError:
            defaults = None  # the limits still show, without the default marks
        return models.quota_usages(api.service, project_id, body, defaults)

    async def _defaults(self, api: QuotaAPI, project_id: str) -> Json:
        operation = f"show {api.service} default quotas"

        def fetch() -> Json:
            path = api.defaults(project_id)
            body = self._get(api.service, path, None, self._quota_mv(api), operation, key=api.key)
            quota_set: Json = body[api.key]  # `_get` made sure it is an object
            return quota_set

        return await self._call(operation, fetch)

    async def update_quotas(self, service: str, project_id: str, limits: Mapping[str, int]) -> None:
        api = quota_api(service)
        changes = ", ".join(f"{k}={v}" for k, v in limits.items())
        await self._write(
            "update-quotas",
            f"{service} quotas of project {project_id}: {changes}",
            "PUT",
            service,
            api.update(project_id),
            body={api.key: dict(limits)},
            microversion=lambda: self._quota_mv(api),
        )
