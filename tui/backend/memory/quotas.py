"""In-memory quotas of Nova, Neutron and Cinder: devcloud's defaults, usage from the cloud.

Bodies are shaped like the real answers (tests/fixtures/api/quota_*.json): Nova's and
Cinder's ``quota_set`` with {limit, in_use, reserved}, Neutron's ``quota`` with
{limit, used, reserved}. Limits set by an admin override the defaults per project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.backend import models
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.usage import held

DEFAULTS: dict[str, dict[str, int]] = {
    "compute": {
        "cores": 20,
        "instances": 10,
        "key_pairs": 100,
        "metadata_items": 128,
        "ram": 51200,
        "server_group_members": 10,
        "server_groups": 10,
    },
    "network": {
        "network": 100,
        "subnet": 100,
        "subnetpool": -1,
        "port": 500,
        "router_route": 30,
        "router": 10,
        "floatingip": 50,
        "rbac_policy": 10,
        "security_group": 10,
        "security_group_rule": 100,
    },
    "block-storage": {
        "volumes": 10,
        "per_volume_gigabytes": -1,
        "snapshots": 10,
        "gigabytes": 1000,
        "backups": 10,
        "backup_gigabytes": 1000,
        "groups": 10,
    },
}
_USED_KEY = {"compute": "in_use", "network": "used", "block-storage": "in_use"}
# Nova and Neutron refuse a limit below what is used; Cinder (flat quotas) does not.
_CHECKS_USAGE = {"compute", "network"}


# Each service's own words (captured from devcloud): a member's 403 on an update, the 400
# for a resource it does not know, and for a limit below -1.
_WORDS = {
    "compute": (
        "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.",
        "Invalid input for field/attribute quota_set. Value: {limits}. Additional properties "
        "are not allowed ('{key}' was unexpected)",
        "Invalid input for field/attribute {key}. Value: {value}. {value} is less than the "
        "minimum of -1",
    ),
    "network": (
        "rule:update_quota is disallowed by policy",
        "Unrecognized attribute(s) '{key}'",
        "Invalid input for {key}. Reason: '{value}' is too small - must be at least '-1'.",
    ),
    "block-storage": (
        "Policy doesn't allow volume_extension:quotas:update to be performed.",
        "Invalid input received: Bad key(s) in quota set: {key}",
        "{key} must be >= -1",
    ),
}


def _invalid(service: str, limits: Mapping[str, int]) -> str | None:
    """The service's 400 for the first resource it does not know or limit below -1."""
    _, unknown, too_low = _WORDS[service]
    for key in limits:
        if key not in DEFAULTS[service]:
            return unknown.format(limits=dict(limits), key=key)
    for key, value in limits.items():
        if value < -1:
            return too_low.format(key=key, value=value)
    return None


class QuotasMemory(MemoryCore):
    def _defaults(self, service: str) -> dict[str, int]:
        """The service's defaults on this cloud (an admin may change Nova's and Cinder's)."""
        every: dict[str, dict[str, int]] = self._cloud.kept(
            "quota_defaults", lambda: {k: dict(v) for k, v in DEFAULTS.items()}
        )
        return every[service]

    def _overrides(self, service: str, project_id: str) -> dict[str, int]:
        """The limits set on a project: the others follow the defaults."""
        set_limits: dict[tuple[str, str], dict[str, int]] = self._cloud.kept("quotas", dict)
        key = (service, project_id)
        if key not in set_limits:
            instances = DEFAULTS["compute"]["instances"]
            quota = self._instance_quota
            set_limits[key] = (
                {"instances": quota} if service == "compute" and quota != instances else {}
            )
        return set_limits[key]

    def _limits(self, service: str, project_id: str) -> dict[str, int]:
        return {**self._defaults(service), **self._overrides(service, project_id)}

    def _check_project(self, project_id: str) -> None:
        """Nova asks Keystone whether the project exists; only an admin asks for another's."""
        operation = "show compute quotas"
        if project_id != self._info.project_id:
            self._require_admin(operation, "os_compute_api:os-quota-sets:detail")
        if not any(p.id == project_id for p in self._projects):
            raise self.refused(400, f"Project ID {project_id} is not a valid project.", operation)

    async def quotas(self, project_id: str) -> list[models.QuotaUsage]:
        self._check_project(project_id)
        rows: list[models.QuotaUsage] = []
        for service in DEFAULTS:
            usage = self._usage(service, project_id)
            body = {
                resource: {
                    _USED_KEY[service]: usage.get(resource, 0),
                    "limit": limit,
                    "reserved": 0,
                }
                for resource, limit in self._limits(service, project_id).items()
            }
            rows += models.quota_usages(service, project_id, body, self._defaults(service))
        return rows

    async def quota_defaults(self, project_id: str) -> list[models.QuotaUsage]:
        if project_id != self._info.project_id:  # Cinder's policy
            self._require_admin("show block-storage default quotas", "volume_extension:quotas:show")
        return [
            row
            for service in DEFAULTS
            for row in models.quota_usages(
                service, project_id, self._defaults(service), self._defaults(service)
            )
        ]

    async def update_quotas(self, service: str, project_id: str, limits: Mapping[str, int]) -> None:
        changes = ", ".join(f"{k}={v}" for k, v in limits.items())
        target = f"{service} quotas of project {project_id}: {changes}"

        def change() -> None:
            if invalid := _invalid(service, limits):
                raise self.refused(400, invalid)
            if not self._is_admin:
                raise self.refused(403, _WORDS[service][0])
            usage = self._usage(service, project_id)
            for resource, value in limits.items():
                used = usage.get(resource, 0)
                if service in _CHECKS_USAGE and value != -1 and value < used:
                    raise self.refused(400, _below_usage(service, resource, value, used))
            self._overrides(service, project_id).update(limits)
            if service == "compute" and project_id == self._info.project_id:
                self._instance_quota = self._limits(service, project_id)["instances"]

        await self._write("update-quotas", target, change)

    def _usage(self, service: str, project_id: str) -> dict[str, int]:
        cloud = self._cloud
        if service == "compute":
            used = held(s for s in cloud.servers if s.project_id == project_id)
            return {"instances": used.instances, "cores": used.vcpus, "ram": used.ram_mb}
        if service == "network":
            groups = [g for g in cloud.security_groups if g.project_id == project_id]
            return {
                "network": _count(cloud.networks, project_id),
                "subnet": _count(cloud.subnets, project_id),
                "port": _count(cloud.ports, project_id),
                "router": _count(cloud.routers, project_id),
                "floatingip": _count(cloud.floating_ips, project_id),
                "security_group": len(groups),
                "security_group_rule": sum(len(g.rules) for g in groups),
            }
        volumes = [v for v in cloud.volumes if v.project_id == project_id]
        return {
            "volumes": len(volumes),
            "gigabytes": sum(v.size_gb for v in volumes),
            "snapshots": _count(cloud.snapshots, project_id),
        }


def _count(store: Any, project_id: str) -> int:
    return sum(1 for record in store if record.project_id == project_id)


def _below_usage(service: str, resource: str, value: int, used: int) -> str:
    """The services' own words (captured from devcloud)."""
    if service == "compute":
        return (
            f"Quota limit {value} for {resource} must be greater than or equal to already "
            f"used and reserved {used}."
        )
    return (
        f"Quota limit {value} for {resource} must be greater than or equal to already used {used}"
    )
