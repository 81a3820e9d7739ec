"""In-memory quota defaults (Nova's and Cinder's quota class ``default``) and the projects
whose limits differ from them, with the services' own words (captured from devcloud)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

from tui.backend import models
from tui.backend.errors import BackendError
from tui.backend.memory.quotas import DEFAULTS, QuotasMemory
from tui.backend.quota_classes import (
    NO_NEUTRON_CLASSES,
    QUOTA_READS,
    QuotaScan,
    defaults_target,
    read_projects,
)

_UPDATE_POLICY = {
    "compute": "Policy doesn't allow os_compute_api:os-quota-class-sets:update to be performed.",
    "block-storage": "Policy doesn't allow volume_extension:quota_classes:update to be performed.",
}
_UNKNOWN = {
    "compute": "Invalid input for field/attribute quota_class_set. Value: {limits}. Additional "
    "properties are not allowed ('{key}' was unexpected)",
    "block-storage": "Invalid input received: Bad key(s) in quota class set: {key}",
}
_TOO_LOW = (
    "Invalid input for field/attribute {key}. Value: {value}. {value} is less than the "
    "minimum of -1"
)
_LIST_POLICY = "rule:get_quota is disallowed by policy"  # Neutron's, for GET /v2.0/quotas


class QuotaClassesMemory(QuotasMemory):
    async def update_quota_defaults(self, service: str, limits: Mapping[str, int]) -> None:
        if service == "network":
            raise BackendError(NO_NEUTRON_CLASSES, operation="update-quota-defaults")

        def change() -> None:
            for key in limits:
                if key not in DEFAULTS[service]:
                    raise self.refused(400, _UNKNOWN[service].format(limits=dict(limits), key=key))
            for key, value in limits.items():
                if value < -1:
                    raise self.refused(400, _TOO_LOW.format(key=key, value=value))
            if not self._is_admin:
                raise self.refused(403, _UPDATE_POLICY[service])
            self._defaults(service).update(limits)

        await self._write("update-quota-defaults", defaults_target(service, limits), change)

    async def quota_overrides(
        self, scan: QuotaScan | None = None, *, concurrency: int = QUOTA_READS
    ) -> AsyncIterator[list[models.QuotaOverride]]:
        scan = scan if scan is not None else QuotaScan()
        scan.listed = ["network"]
        scan.per_project = ["compute", "block-storage"]
        if not self._is_admin:
            raise self.refused(403, _LIST_POLICY, "list network quotas")
        names = self.project_names()
        set_limits: dict[tuple[str, str], dict[str, int]] = self._cloud.kept("quotas", dict)
        # Neutron lists the projects whose quotas were ever set, all limits of each
        neutron = [
            row
            for (service, project_id), overrides in sorted(set_limits.items())
            if service == "network" and overrides
            for row in models.quota_overrides(
                service,
                project_id,
                self._limits(service, project_id),
                self._defaults(service),
                names.get(project_id, ""),
            )
        ]
        if neutron:
            yield neutron

        async def read(project_id: str) -> list[models.QuotaOverride]:
            await asyncio.sleep(self._latency)
            return [
                row
                for service in scan.per_project
                for row in models.quota_overrides(
                    service,
                    project_id,
                    self._limits(service, project_id),
                    self._defaults(service),
                    names.get(project_id, ""),
                )
            ]

        async for page in read_projects(sorted(names), read, scan, concurrency):
            yield page
        scan.done = True
