"""Cinder's per-volume operations: retype, reset-state and force-delete (admin actions),
upload-to-image, and volume transfers.

Transfers use ``/volume-transfers`` (3.55+, paged by marker from 3.59, with the source
project from 3.57) where the cloud offers it, else the older ``/os-volume-transfer``. A
transfer's auth key never reaches a log: the two requests that carry one (the create's
answer, the accept's body) are sent with keystoneauth's logging off, and the key joins the
session's secrets before anything else can quote it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError, ConnectionLost, ReadOnlyError
from tui.backend.models import Json
from tui.backend.openstack.core import _request_id, _was_sent, raise_for_status, read_reply
from tui.backend.openstack.replies import Read
from tui.backend.openstack.volume import VolumeAPI

# /volume-transfers with pagination (3.59), the source project and `accepted` (3.57)
TRANSFER_MV = (3, 59)
TRANSFERS_API = (3, 55)  # below it, only /os-volume-transfer


def reset_body(status: str, attach_status: str, migration_status: str) -> Json:
    wanted = {
        "status": status,
        "attach_status": attach_status,
        "migration_status": migration_status,
    }
    return {"os-reset_status": {key: value for key, value in wanted.items() if value}}


class VolumeOperationsAPI(VolumeAPI):
    def _transfer_version(self) -> str:
        return self._version("block-storage", TRANSFER_MV)

    def _transfers_path(self, version: str) -> str:
        major, minor = (int(part) for part in version.split("."))
        return "/volume-transfers" if (major, minor) >= TRANSFERS_API else "/os-volume-transfer"

    def _volume_action(self, action: str, target: str, volume_id: str, body: Json) -> Any:
        return self._cinder_write(action, target, "POST", f"/volumes/{volume_id}/action", body)

    # -- retype, reset-state, force-delete ---------------------------------------------------

    async def retype_volume(
        self, volume_id: str, new_type: str, *, migration_policy: str = "never"
    ) -> None:
        await self._volume_action(
            "retype-volume",
            f"volume {volume_id} to type {new_type} (migration {migration_policy})",
            volume_id,
            {"os-retype": {"new_type": new_type, "migration_policy": migration_policy}},
        )

    async def reset_volume_state(
        self,
        volume_id: str,
        *,
        status: str = "",
        attach_status: str = "",
        migration_status: str = "",
    ) -> None:
        body = reset_body(status, attach_status, migration_status)
        wanted = ", ".join(f"{key} {value}" for key, value in body["os-reset_status"].items())
        await self._volume_action(
            "reset-volume-state", f"volume {volume_id}: {wanted}", volume_id, body
        )

    async def force_delete_volume(self, volume_id: str) -> None:
        await self._volume_action(
            "force-delete-volume", f"volume {volume_id}", volume_id, {"os-force_delete": {}}
        )

    # -- upload-to-image ---------------------------------------------------------------------

    async def upload_volume_to_image(
        self, volume_id: str, spec: models.VolumeUploadSpec
    ) -> models.VolumeUpload:
        version = await self._call("upload-volume-to-image", self._volume_version)
        body = dict(spec.body())
        if version == "3.0":  # visibility and protected came with 3.1
            body.pop("visibility")
            body.pop("protected")
        uploaded: models.VolumeUpload = await self._cinder_write(
            "upload-volume-to-image",
            f"volume {volume_id} to image {spec.image_name}",
            "POST",
            f"/volumes/{volume_id}/action",
            {"os-volume_upload_image": body},
            Read("os-volume_upload_image", models.VolumeUpload.from_api, made="image"),
        )
        return uploaded

    # -- transfers ---------------------------------------------------------------------------

    async def volume_transfers(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.VolumeTransfer]]:
        version = await self._call("list transfers", self._transfer_version)
        params: dict[str, Any] = {"all_tenants": 1} if all_projects else {}
        async for page in self._collection(
            "block-storage",
            f"{self._transfers_path(version)}/detail",
            "transfers",
            models.VolumeTransfer.from_api,
            params,
            page_size=page_size,
            microversion=lambda: version,
        ):
            yield page

    async def volume_transfer(self, transfer_id: str) -> models.VolumeTransfer:
        version = await self._call("show volume transfer", self._transfer_version)
        return await self._show(
            "block-storage",
            f"{self._transfers_path(version)}/{transfer_id}",
            "transfer",
            models.VolumeTransfer.from_api,
            kind="volume transfer",
            microversion=lambda: version,
        )

    async def create_volume_transfer(
        self, volume_id: str, name: str = ""
    ) -> models.NewVolumeTransfer:
        transfer: dict[str, Any] = {"volume_id": volume_id}
        if name:
            transfer["name"] = name
        made: models.NewVolumeTransfer = await self._transfer_write(
            "create-volume-transfer",
            f"transfer of volume {volume_id}" + (f" ({name})" if name else ""),
            "",
            {"transfer": transfer},
            Read("transfer", models.NewVolumeTransfer.from_api, made="transfer"),
        )
        return made

    async def accept_volume_transfer(
        self, transfer_id: str, auth_key: str
    ) -> models.VolumeTransfer:
        self.secrets.add(auth_key)
        accepted: models.VolumeTransfer = await self._transfer_write(
            "accept-volume-transfer",
            f"transfer {transfer_id}",
            f"/{transfer_id}/accept",
            {"accept": {"auth_key": auth_key}},
            Read("transfer", models.VolumeTransfer.from_api),
        )
        return accepted

    async def delete_volume_transfer(self, transfer_id: str) -> None:
        version = await self._call("cancel volume transfer", self._transfer_version)
        await self._cinder_write(
            "delete-volume-transfer",
            f"transfer {transfer_id}",
            "DELETE",
            f"{self._transfers_path(version)}/{transfer_id}",
        )

    async def _transfer_write(
        self, action: str, target: str, below: str, body: Json, read: Read
    ) -> Any:
        """A POST to the transfers whose body or answer holds an auth key: like ``_write``
        (refused read-only, audited), but not logged by keystoneauth, even at debug level;
        a new key joins the secrets before the answer is handed on."""
        if self._read_only:
            raise ReadOnlyError(
                f"stackdeck runs read-only: {action} on {target} was not sent.", operation=action
            )
        done = read.maybe_done(action)

        def send() -> Any:
            version = self._transfer_version()
            adapter = self._connection().block_storage
            path = self._transfers_path(version) + below
            response = self._sent(
                "POST",
                f"block-storage {path}",
                partial(
                    adapter.request,
                    path,
                    "POST",
                    json=body,
                    microversion=version,
                    raise_exc=False,
                    log=False,
                ),
                body,
            )
            raise_for_status(response, "Cinder", action)
            _, value = read_reply(response, "Cinder", action, read, done=done)
            if isinstance(value, models.NewVolumeTransfer):
                self.secrets.add(value.auth_key)
            self._audited(action, target, "ok", _request_id(response.headers))
            return value

        try:
            return await self._call(action, send)
        except BackendError as exc:
            if isinstance(exc, ConnectionLost) and _was_sent(exc):
                exc.message = f"{exc.message}: {done}"
                exc.maybe_done = True
            result = f"error: {exc.status or ''} {exc.message}".strip()
            self._audited(action, target, result, exc.request_id)
            raise
