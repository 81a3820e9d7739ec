"""In-memory Nova flavors beyond the list: create, delete, extra specs, access, their servers.

Flavor management is admin-only, as Nova's default policy has it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.core import MemoryCore
from tui.backend.models import Server

_POLICY = "os_compute_api:os-flavor-"  # + manage:create, extra-specs:delete, access...


class FlavorsMemory(MemoryCore):
    if TYPE_CHECKING:  # from ComputeMemory, beside this mixin in MemoryBackend

        async def flavor(self, flavor_id: str) -> models.Flavor: ...

        def servers(
            self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
        ) -> AsyncIterator[list[Server]]: ...

    def _admin_flavor(self, flavor_id: str, what: str, policy: str) -> models.Flavor:
        self._require_admin(what, _POLICY + policy)
        return self._lookup(self._cloud.flavors, flavor_id, "flavor")

    async def create_flavor(self, spec: models.FlavorSpec) -> models.Flavor:
        def create() -> models.Flavor:
            self._require_admin("create flavor", _POLICY + "manage:create")
            if any(f.name == spec.name for f in self._cloud.flavors):
                raise self.refused(409, f"Flavor with name {spec.name} already exists.")
            flavor_id = spec.flavor_id or data.fixed_id("flavor", self._cloud.serial())
            if self._cloud.flavors.get(flavor_id) is not None:
                raise self.refused(409, f"Flavor with ID {flavor_id} already exists.")
            raw: dict[str, Any] = {
                "id": flavor_id,
                "name": spec.name,
                "ram": spec.ram_mb,
                "disk": spec.disk_gb,
                "swap": spec.swap_mb,
                "OS-FLV-EXT-DATA:ephemeral": spec.ephemeral_gb,
                "OS-FLV-DISABLED:disabled": False,
                "vcpus": spec.vcpus,
                "rxtx_factor": spec.rxtx_factor,
                "os-flavor-access:is_public": spec.is_public,
                "description": spec.description or None,
                "extra_specs": {},
            }
            return self._cloud.flavors.add(models.Flavor.from_api(raw))

        return await self._write("create-flavor", spec.name, create)

    async def delete_flavor(self, flavor_id: str) -> None:
        def delete() -> None:
            self._admin_flavor(flavor_id, "delete flavor", "manage:delete")
            self._cloud.flavors.remove(flavor_id)
            self._cloud.flavor_access.pop(flavor_id, None)

        await self._write("delete-flavor", flavor_id, delete)

    async def flavor_extra_specs(self, flavor_id: str) -> list[models.FlavorExtraSpec]:
        flavor = await self.flavor(flavor_id)
        return models.FlavorExtraSpec.from_api(
            flavor_id, {"extra_specs": flavor.raw.get("extra_specs")}
        )

    async def set_flavor_extra_specs(self, flavor_id: str, specs: dict[str, str]) -> None:
        def update() -> None:
            flavor = self._admin_flavor(flavor_id, "set extra specs", "extra-specs:create")
            merged = {**(flavor.raw.get("extra_specs") or {}), **specs}
            self._cloud.update(self._cloud.flavors, flavor, {"extra_specs": merged})

        what = ", ".join(f"{k}={v}" for k, v in specs.items())
        await self._write("set-flavor-extra-specs", f"{flavor_id} ({what})", update)

    async def unset_flavor_extra_spec(self, flavor_id: str, key: str) -> None:
        def unset() -> None:
            flavor = self._admin_flavor(flavor_id, "unset extra spec", "extra-specs:delete")
            specs = dict(flavor.raw.get("extra_specs") or {})
            if specs.pop(key, None) is None:
                raise self.refused(404, f"Flavor {flavor_id} has no extra specs with key {key}.")
            self._cloud.update(self._cloud.flavors, flavor, {"extra_specs": specs})

        await self._write("unset-flavor-extra-spec", f"{flavor_id} ({key})", unset)

    async def flavor_access(self, flavor_id: str) -> list[models.FlavorAccess]:
        self._require_admin("list flavor access", "os_compute_api:os-flavor-access")
        flavor = await self.flavor(flavor_id)
        if flavor.is_public:
            raise self.refused(404, "Access list not available for public flavors.")
        return [
            models.FlavorAccess.from_api({"flavor_id": flavor_id, "tenant_id": p})
            for p in sorted(self._cloud.flavor_access.get(flavor_id, ()))
        ]

    async def add_flavor_access(self, flavor_id: str, project_id: str) -> None:
        def grant() -> None:
            flavor = self._admin_flavor(flavor_id, "grant access", "access:add_tenant_access")
            if flavor.is_public:
                raise self.refused(409, "Can not add access to a public flavor.")
            projects = self._cloud.flavor_access.setdefault(flavor_id, set())
            if project_id in projects:
                raise self.refused(
                    409,
                    f"Flavor access already exists for flavor {flavor_id} "
                    f"and project {project_id} combination.",
                )
            projects.add(project_id)

        await self._write("grant-flavor-access", f"{flavor_id} → project {project_id}", grant)

    async def remove_flavor_access(self, flavor_id: str, project_id: str) -> None:
        def revoke() -> None:
            self._admin_flavor(flavor_id, "revoke access", "access:remove_tenant_access")
            projects = self._cloud.flavor_access.get(flavor_id, set())
            if project_id not in projects:
                raise self.refused(
                    404, f"Flavor access not found for {flavor_id} / {project_id} combination."
                )
            projects.discard(project_id)

        await self._write("revoke-flavor-access", f"{flavor_id} → project {project_id}", revoke)

    async def servers_with_flavor(
        self, flavor_id: str, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        flavor = await self.flavor(flavor_id)
        async for page in self.servers(all_projects=all_projects, page_size=page_size):
            using = [s for s in page if s.raw.get("flavor", {}).get("original_name") == flavor.name]
            if using:
                yield using
