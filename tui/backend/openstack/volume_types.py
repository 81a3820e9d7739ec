"""Cinder volume types (extra specs, access, project defaults) and QoS specs on the real cloud.

Paths are relative to the block-storage endpoint (``/v3/{project_id}``). The project
default types need microversion 3.62; a Cinder that offers less is told so, and nothing is
sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore, next_marker
from tui.backend.openstack.replies import Read

DEFAULT_TYPES_MV = (3, 62)
SERVICE = "block-storage"


def volume_type_body(spec: models.VolumeTypeSpec) -> Json:
    body: dict[str, Any] = {
        "name": spec.name,
        "os-volume-type-access:is_public": spec.is_public,
    }
    if spec.description:
        body["description"] = spec.description
    if spec.extra_specs:
        body["extra_specs"] = dict(spec.extra_specs)
    return {"volume_type": body}


def _split(changes: Mapping[str, str | None]) -> tuple[dict[str, str], list[str]]:
    """What to set and what to unset."""
    sets = {k: v for k, v in changes.items() if v is not None}
    return sets, [k for k, v in changes.items() if v is None]


def _said(changes: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k}={v}" if v is not None else f"-{k}" for k, v in changes.items())


class VolumeTypesAPI(OpenStackCore):
    # -- volume types ------------------------------------------------------------------------

    async def volume_types(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.VolumeType]]:
        operation = "list volume types"

        def fetch(marker: str | None) -> tuple[list[models.VolumeType], str | None]:
            # is_public=None: an admin sees private types too; a member's list is unchanged
            query: dict[str, Any] = {"is_public": "None", "limit": page_size}
            if marker:
                query["marker"] = marker
            body, items = self._get_read(
                SERVICE,
                "/types",
                Read("volume_types", models.VolumeType.from_api, "list"),
                query,
                self._volume_version(),
                operation,
            )
            # Cinder names the links volume_type_links (not volume_types_links)
            return items, next_marker(body.get("volume_type_links"))

        async for page in self._paged(operation, fetch):
            yield page

    async def volume_type(self, type_id: str) -> models.VolumeType:
        return await self._show(
            SERVICE,
            f"/types/{type_id}",
            "volume_type",
            models.VolumeType.from_api,
            kind="volume type",
            microversion=self._volume_version,
        )

    async def default_volume_type(self) -> models.VolumeType | None:
        try:
            return await self._show(
                SERVICE,
                "/types/default",
                "volume_type",
                models.VolumeType.from_api,
                kind="default volume type",
                microversion=self._volume_version,
            )
        except NotFound:
            return None

    async def _cinder(
        self,
        action: str,
        target: str,
        method: str,
        path: str,
        body: Json | None = None,
        read: Read | None = None,
        microversion: Any = None,
    ) -> Any:
        return await self._write(
            action,
            target,
            method,
            SERVICE,
            path,
            body=body,
            microversion=microversion or self._volume_version,
            read=read,
        )

    async def create_volume_type(self, spec: models.VolumeTypeSpec) -> models.VolumeType:
        made: models.VolumeType = await self._cinder(
            "create-volume-type",
            f"volume type {spec.name}",
            "POST",
            "/types",
            volume_type_body(spec),
            Read("volume_type", models.VolumeType.from_api, made="volume type"),
        )
        return made

    async def update_volume_type(
        self, type_id: str, *, description: str | None = None, is_public: bool | None = None
    ) -> models.VolumeType:
        change: dict[str, Any] = {}
        if description is not None:
            change["description"] = description
        if is_public is not None:
            change["is_public"] = is_public
        if change:
            await self._cinder(
                "update-volume-type",
                f"volume type {type_id} ({', '.join(f'{k}={v}' for k, v in change.items())})",
                "PUT",
                f"/types/{type_id}",
                {"volume_type": change},
            )
        return await self.volume_type(type_id)

    async def set_volume_type_extra_specs(
        self, type_id: str, changes: Mapping[str, str | None]
    ) -> None:
        sets, unsets = _split(changes)
        target = f"volume type {type_id} ({_said(changes)})"
        if sets:
            await self._cinder(
                "set-volume-type-extra-specs",
                target,
                "POST",
                f"/types/{type_id}/extra_specs",
                {"extra_specs": sets},
            )
        for key in unsets:
            await self._cinder(
                "unset-volume-type-extra-spec",
                f"volume type {type_id} ({key})",
                "DELETE",
                f"/types/{type_id}/extra_specs/{quote(key, safe='')}",
            )

    async def delete_volume_type(self, type_id: str) -> None:
        await self._cinder(
            "delete-volume-type", f"volume type {type_id}", "DELETE", f"/types/{type_id}"
        )

    async def volume_type_access(self, type_id: str) -> list[models.VolumeTypeAccess]:
        def fetch() -> list[models.VolumeTypeAccess]:
            access: list[models.VolumeTypeAccess]
            _, access = self._get_read(
                SERVICE,
                f"/types/{type_id}/os-volume-type-access",
                Read("volume_type_access", models.VolumeTypeAccess.from_api, "list"),
                microversion=self._volume_version(),
                operation="list volume type access",
            )
            return access

        return await self._call("list volume type access", fetch)

    async def _access_action(self, type_id: str, project_id: str, verb: str) -> None:
        await self._cinder(
            f"{verb}-volume-type-access",
            f"volume type {type_id} → project {project_id}",
            "POST",
            f"/types/{type_id}/action",
            {f"{verb}ProjectAccess": {"project": project_id}},
        )

    async def add_volume_type_access(self, type_id: str, project_id: str) -> None:
        await self._access_action(type_id, project_id, "add")

    async def remove_volume_type_access(self, type_id: str, project_id: str) -> None:
        await self._access_action(type_id, project_id, "remove")

    # -- project default types (3.62) --------------------------------------------------------

    def _default_types_mv(self) -> str:
        version = self._volume_version_for(DEFAULT_TYPES_MV)
        if self._older_than_default_types():
            raise BackendError(
                "project default volume types need Cinder microversion 3.62; "
                f"this cloud offers {version}.",
                operation="default volume types",
            )
        return version

    def _older_than_default_types(self) -> bool:
        version = self._volume_version_for(DEFAULT_TYPES_MV)
        return tuple(int(n) for n in version.split(".")) < DEFAULT_TYPES_MV

    def _volume_version_for(self, wanted: tuple[int, int]) -> str:
        return self._version(SERVICE, wanted)

    async def project_default_volume_type(self, project_id: str) -> str | None:
        def fetch() -> str | None:
            if self._older_than_default_types():
                return None  # no project has a default of its own before 3.62
            try:
                body = self._get(
                    SERVICE,
                    f"/default-types/{project_id}",
                    microversion=self._default_types_mv(),
                    operation="show project default volume type",
                    key="default_type",
                )
            except NotFound:
                return None
            return str(body["default_type"].get("volume_type_id") or "") or None

        return await self._call("show project default volume type", fetch)

    async def set_project_default_volume_type(self, project_id: str, type_id: str) -> None:
        await self._cinder(
            "set-project-default-volume-type",
            f"project {project_id} → volume type {type_id}",
            "PUT",
            f"/default-types/{project_id}",
            {"default_type": {"volume_type": type_id}},
            microversion=self._default_types_mv,
        )

    async def unset_project_default_volume_type(self, project_id: str) -> None:
        await self._cinder(
            "unset-project-default-volume-type",
            f"project {project_id}",
            "DELETE",
            f"/default-types/{project_id}",
            microversion=self._default_types_mv,
        )

    # -- QoS specs ---------------------------------------------------------------------------

    async def qos_specs(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.QosSpec]]:
        async for page in self._collection(
            SERVICE,
            "/qos-specs",
            "qos_specs",
            models.QosSpec.from_api,
            page_size=page_size,
            microversion=self._volume_version,
        ):
            yield page

    async def qos_spec(self, qos_id: str) -> models.QosSpec:
        return await self._show(
            SERVICE,
            f"/qos-specs/{qos_id}",
            "qos_specs",
            models.QosSpec.from_api,
            kind="QoS spec",
            microversion=self._volume_version,
        )

    async def create_qos_spec(self, spec: models.QosSpecSpec) -> models.QosSpec:
        body = {"name": spec.name, "consumer": spec.consumer, **dict(spec.specs)}
        made: models.QosSpec = await self._cinder(
            "create-qos-spec",
            f"QoS spec {spec.name}",
            "POST",
            "/qos-specs",
            {"qos_specs": body},
            Read("qos_specs", models.QosSpec.from_api, made="QoS spec"),
        )
        return made

    async def set_qos_spec_keys(self, qos_id: str, changes: Mapping[str, str | None]) -> None:
        sets, unsets = _split(changes)
        target = f"QoS spec {qos_id} ({_said(changes)})"
        if sets:
            await self._cinder(
                "set-qos-spec-keys", target, "PUT", f"/qos-specs/{qos_id}", {"qos_specs": sets}
            )
        if unsets:
            await self._cinder(
                "unset-qos-spec-keys",
                target,
                "PUT",
                f"/qos-specs/{qos_id}/delete_keys",
                {"keys": unsets},
            )

    async def delete_qos_spec(self, qos_id: str, *, force: bool = False) -> None:
        await self._cinder(
            "force-delete-qos-spec" if force else "delete-qos-spec",
            f"QoS spec {qos_id}",
            "DELETE",
            f"/qos-specs/{qos_id}" + ("?force=True" if force else ""),
        )

    async def qos_associations(self, qos_id: str) -> list[models.QosAssociation]:
        def fetch() -> list[models.QosAssociation]:
            found: list[models.QosAssociation]
            _, found = self._get_read(
                SERVICE,
                f"/qos-specs/{qos_id}/associations",
                Read(
                    "qos_associations",
                    lambda d: models.QosAssociation.read(d, qos_id=qos_id),
                    "list",
                ),
                microversion=self._volume_version(),
                operation="list QoS associations",
            )
            return found

        return await self._call("list QoS associations", fetch)

    async def _association(self, qos_id: str, type_id: str, verb: str) -> None:
        await self._cinder(
            f"{verb}-qos-spec",
            f"QoS spec {qos_id} {'→' if verb == 'associate' else '↛'} volume type {type_id}",
            "GET",
            f"/qos-specs/{qos_id}/{verb}?vol_type_id={quote(type_id, safe='')}",
        )

    async def associate_qos_spec(self, qos_id: str, type_id: str) -> None:
        await self._association(qos_id, type_id, "associate")

    async def disassociate_qos_spec(self, qos_id: str, type_id: str) -> None:
        await self._association(qos_id, type_id, "disassociate")
