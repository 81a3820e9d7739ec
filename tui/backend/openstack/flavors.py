"""Nova flavors beyond the list: create, delete, extra specs, project access, their servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Server
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

# 2.55: flavors carry a description.
FLAVOR_DESCRIPTION_MV = (2, 55)


def flavor_body(spec: models.FlavorSpec) -> dict[str, Any]:
    flavor: dict[str, Any] = {
        "name": spec.name,
        "vcpus": spec.vcpus,
        "ram": spec.ram_mb,
        "disk": spec.disk_gb,
        "OS-FLV-EXT-DATA:ephemeral": spec.ephemeral_gb,
        "swap": spec.swap_mb,
        "rxtx_factor": spec.rxtx_factor,
        "os-flavor-access:is_public": spec.is_public,
    }
    if spec.flavor_id:
        flavor["id"] = spec.flavor_id
    if spec.description:
        flavor["description"] = spec.description
    return {"flavor": flavor}


class FlavorsAPI(OpenStackCore):
    if TYPE_CHECKING:  # from ComputeAPI, beside this mixin in OpenStackBackend

        def _servers_where(
            self, params: Mapping[str, Any], page_size: int
        ) -> AsyncIterator[list[Server]]: ...

    def _flavor_mv(self) -> str:
        return self._compute_version(FLAVOR_DESCRIPTION_MV)

    async def create_flavor(self, spec: models.FlavorSpec) -> models.Flavor:
        created: models.Flavor = await self._write(
            "create-flavor",
            spec.name,
            "POST",
            "compute",
            "/flavors",
            body=flavor_body(spec),
            microversion=self._flavor_mv if spec.description else None,
            read=Read("flavor", models.Flavor.from_api, made="flavor"),
        )
        return created

    async def delete_flavor(self, flavor_id: str) -> None:
        await self._write("delete-flavor", flavor_id, "DELETE", "compute", f"/flavors/{flavor_id}")

    async def flavor_extra_specs(self, flavor_id: str) -> list[models.FlavorExtraSpec]:
        def fetch() -> list[models.FlavorExtraSpec]:
            body = self._get(
                "compute",
                f"/flavors/{flavor_id}/os-extra_specs",
                operation="list extra specs",
                key="extra_specs",
            )
            return models.FlavorExtraSpec.from_api(flavor_id, body)

        return await self._call("list extra specs", fetch)

    async def set_flavor_extra_specs(self, flavor_id: str, specs: dict[str, str]) -> None:
        await self._write(
            "set-flavor-extra-specs",
            f"{flavor_id} ({', '.join(f'{k}={v}' for k, v in specs.items())})",
            "POST",
            "compute",
            f"/flavors/{flavor_id}/os-extra_specs",
            body={"extra_specs": specs},
        )

    async def unset_flavor_extra_spec(self, flavor_id: str, key: str) -> None:
        await self._write(
            "unset-flavor-extra-spec",
            f"{flavor_id} ({key})",
            "DELETE",
            "compute",
            f"/flavors/{flavor_id}/os-extra_specs/{key}",
        )

    async def flavor_access(self, flavor_id: str) -> list[models.FlavorAccess]:
        def fetch() -> list[models.FlavorAccess]:
            access: list[models.FlavorAccess]
            _, access = self._get_read(
                "compute",
                f"/flavors/{flavor_id}/os-flavor-access",
                Read("flavor_access", models.FlavorAccess.from_api, "list"),
                operation="list flavor access",
            )
            return access

        return await self._call("list flavor access", fetch)

    async def _flavor_access_action(self, flavor_id: str, project_id: str, verb: str) -> None:
        await self._write(
            "grant-flavor-access" if verb == "add" else "revoke-flavor-access",
            f"{flavor_id} → project {project_id}",
            "POST",
            "compute",
            f"/flavors/{flavor_id}/action",
            body={f"{verb}TenantAccess": {"tenant": project_id}},
            # from 2.7 Nova refuses access to a public flavor instead of recording it
            microversion=self._flavor_mv,
        )

    async def add_flavor_access(self, flavor_id: str, project_id: str) -> None:
        await self._flavor_access_action(flavor_id, project_id, "add")

    async def remove_flavor_access(self, flavor_id: str, project_id: str) -> None:
        await self._flavor_access_action(flavor_id, project_id, "remove")

    async def servers_with_flavor(
        self, flavor_id: str, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        """The servers built from this flavor (`all_projects`, admin: ``all_tenants``)."""
        params: dict[str, Any] = {"flavor": flavor_id}
        if all_projects:
            params["all_tenants"] = 1
        async for page in self._servers_where(params, page_size):
            yield page
