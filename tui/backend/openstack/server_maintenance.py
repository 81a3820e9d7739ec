"""A server's maintenance on the real Nova: rebuild, snapshot image (createImage), rescue and
unrescue, metadata and tags, diagnostics.

Each call asks for the microversion it needs (checked in the worker thread once the write is
allowed: a read-only stackdeck sends nothing) and says plainly when the cloud's Nova is too
old. Rebuild and rescue carry a password, typed or made by Nova and sent back: their
requests and replies are never logged, and both passwords join the session's secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

from tui.backend import models
from tui.backend.errors import BackendError, ConnectionLost, ReadOnlyError
from tui.backend.models import Json
from tui.backend.openstack.core import (
    COMPUTE_SERVERS_MV,
    OpenStackCore,
    _request_id,
    _was_sent,
    decoded,
    raise_for_status,
)
from tui.backend.openstack.moves import parse_version
from tui.backend.openstack.replies import Read

Version = tuple[int, int]

REBUILD_KEY_NEEDS: Version = (2, 54)  # key_name in a rebuild
CREATE_IMAGE_NEEDS: Version = (2, 45)  # the image id in the reply's body
TAGS_NEEDS: Version = (2, 26)
DIAGNOSTICS_MV: Version = (2, 48)  # the standard format every driver fills in
BASE: Version = (2, 1)


def _text(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def rebuild_body(
    image_id: str,
    *,
    name: str = "",
    admin_password: str = "",
    key_name: str | None = None,
    preserve_ephemeral: bool = False,
) -> Json:
    """POST /servers/{id}/action for a rebuild: only what changes is sent."""
    rebuild: dict[str, Any] = {"imageRef": image_id}
    if name:
        rebuild["name"] = name
    if admin_password:
        rebuild["adminPass"] = admin_password
    if key_name is not None:
        rebuild["key_name"] = key_name or None  # null removes the key pair
    if preserve_ephemeral:
        rebuild["preserve_ephemeral"] = True
    return {"rebuild": rebuild}


def rescue_body(image_id: str = "", admin_password: str = "") -> Json:
    rescue: dict[str, Any] = {}
    if image_id:
        rescue["rescue_image_ref"] = image_id
    if admin_password:
        rescue["adminPass"] = admin_password
    return {"rescue": rescue or None}


def _passwords(body: Any) -> list[str]:
    """The passwords in a rebuild's or a rescue's reply (Nova makes one when none is given)."""
    if not isinstance(body, Mapping):
        return []
    found = [body.get("adminPass")]
    server = body.get("server")
    if isinstance(server, Mapping):
        found.append(server.get("adminPass"))
    return [p for p in found if isinstance(p, str) and p]


def _tags(body: Any, operation: str) -> list[str]:
    tags = body.get("tags") if isinstance(body, Mapping) else None
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BackendError(
            "Nova answered without a 'tags' list of strings: the tags may have been set; "
            "refresh to check",
            operation=operation,
            maybe_done=True,
        )
    return tags


def _metadata(body: Any, operation: str) -> dict[str, str]:
    metadata = body.get("metadata") if isinstance(body, Mapping) else None
    if not isinstance(metadata, Mapping):
        raise BackendError(
            "Nova answered without a 'metadata' object: the metadata may have been set; "
            "refresh to check",
            operation=operation,
            maybe_done=True,
        )
    return {str(k): "" if v is None else str(v) for k, v in metadata.items()}


class ServerMaintenanceAPI(OpenStackCore):
    # -- plumbing ----------------------------------------------------------------------------

    def _maintenance_version(self, call: str, needed: Version, wanted: Version) -> str:
        """``wanted`` capped by the cloud; an error below ``needed`` naming the call."""
        version = self._compute_version(wanted)
        if parse_version(version) < needed:
            raise BackendError(
                f"{call} needs Nova microversion {_text(needed)}; this cloud offers {version}.",
                operation=call,
            )
        return version

    def _mv_for(
        self, call: str, needed: Version, wanted: Version = COMPUTE_SERVERS_MV
    ) -> Callable[[], str]:
        def resolve() -> str:
            return self._maintenance_version(call, needed, max(needed, wanted))

        return resolve

    async def _quiet_action(
        self, action: str, server_id: str, body: Json, secret: str, version: Callable[[], str]
    ) -> Json:
        """POST /servers/{id}/action with a body or a reply holding a password: like
        ``_write`` (read-only refusal, audit, "may have been done"), but neither request nor
        reply is logged, and the passwords join the session's secrets."""
        self.secrets.add(secret)
        target = f"server {server_id}"
        if self._read_only:
            raise ReadOnlyError(
                f"stackdeck runs read-only: {action} on {target} was not sent.", operation=action
            )

        def send() -> Json:
            adapter = self._connection().compute
            path = f"/servers/{server_id}/action"
            response = self._sent(
                "POST",
                f"compute {path}",
                partial(
                    adapter.request,
                    path,
                    "POST",
                    json=body,
                    raise_exc=False,
                    log=False,
                    microversion=version(),
                ),
                body,
            )
            raise_for_status(response, "Nova", action)
            try:
                answer = decoded(response) if response.content else {}
            except ValueError:
                answer = {}
            for password in _passwords(answer):
                self.secrets.add(password)
            self._audited(action, target, "ok", _request_id(response.headers))
            return answer if isinstance(answer, dict) else {}

        try:
            return await self._call(action, send)
        except BackendError as exc:
            if isinstance(exc, ConnectionLost) and _was_sent(exc):
                exc.message = f"{exc.message}: {action} may have gone through: refresh to check"
                exc.maybe_done = True
            result = f"error: {exc.status or ''} {exc.message}".strip()
            self._audited(action, target, result, exc.request_id)
            raise

    # -- rebuild, createImage, rescue ------------------------------------------------------

    async def rebuild_server(
        self,
        server_id: str,
        image_id: str,
        *,
        name: str = "",
        admin_password: str = "",
        key_name: str | None = None,
        preserve_ephemeral: bool = False,
    ) -> None:
        body = rebuild_body(
            image_id,
            name=name,
            admin_password=admin_password,
            key_name=key_name,
            preserve_ephemeral=preserve_ephemeral,
        )
        if key_name is not None:
            version = self._mv_for("rebuild with a key pair", REBUILD_KEY_NEEDS)
        else:
            version = self._mv_for("rebuild", BASE)
        await self._quiet_action("rebuild", server_id, body, admin_password, version)

    async def create_server_image(
        self, server_id: str, name: str, metadata: Mapping[str, str] | None = None
    ) -> str:
        body: dict[str, Any] = {"name": name}
        if metadata:
            body["metadata"] = dict(metadata)
        made = await self._write(
            "create-server-image",
            f"server {server_id} → image {name}",
            "POST",
            "compute",
            f"/servers/{server_id}/action",
            body={"createImage": body},
            microversion=self._mv_for("create image", CREATE_IMAGE_NEEDS),
            read=Read("image_id", kind="text", made="image"),
        )
        return str(made)

    async def rescue_server(
        self, server_id: str, *, image_id: str = "", admin_password: str = ""
    ) -> None:
        body = rescue_body(image_id, admin_password)
        await self._quiet_action(
            "rescue", server_id, body, admin_password, self._mv_for("rescue", BASE)
        )

    async def unrescue_server(self, server_id: str) -> None:
        await self._write(
            "unrescue",
            f"server {server_id}",
            "POST",
            "compute",
            f"/servers/{server_id}/action",
            body={"unrescue": None},
            microversion=self._mv_for("unrescue", BASE),
        )

    # -- metadata and tags -----------------------------------------------------------------

    async def update_server_metadata(
        self, server_id: str, changes: Mapping[str, str | None]
    ) -> dict[str, str]:
        """One merge (POST .../metadata) for the keys set, one DELETE per key removed."""
        target = f"server {server_id}"
        setting = {k: v for k, v in changes.items() if v is not None}
        version = self._mv_for("server metadata", BASE)
        after: dict[str, str] | None = None
        if setting:
            answer = await self._write(
                "set-server-metadata",
                f"{target}: {', '.join(sorted(setting))}",
                "POST",
                "compute",
                f"/servers/{server_id}/metadata",
                body={"metadata": setting},
                microversion=version,
            )
            after = _metadata(answer, "set-server-metadata")
        for key in sorted(k for k, v in changes.items() if v is None):
            await self._write(
                "unset-server-metadata",
                f"{target}: {key}",
                "DELETE",
                "compute",
                f"/servers/{server_id}/metadata/{quote(key, safe='')}",
                microversion=version,
            )
            after = None
        if after is not None:
            return after

        def fetch() -> dict[str, str]:
            body = self._get(
                "compute",
                f"/servers/{server_id}/metadata",
                microversion=version(),
                operation="show server metadata",
                key="metadata",
            )
            return _metadata(body, "show server metadata")

        return await self._call("show server metadata", fetch)

    async def set_server_tags(self, server_id: str, tags: Sequence[str]) -> list[str]:
        answer = await self._write(
            "set-server-tags",
            f"server {server_id}: {', '.join(tags) or 'none'}",
            "PUT",
            "compute",
            f"/servers/{server_id}/tags",
            body={"tags": list(tags)},
            microversion=self._mv_for("server tags", TAGS_NEEDS),
        )
        return _tags(answer, "set-server-tags")

    # -- diagnostics -------------------------------------------------------------------------

    async def server_diagnostics(self, server_id: str) -> models.ServerDiagnostics:
        operation = "show server diagnostics"

        def fetch() -> models.ServerDiagnostics:
            version = self._maintenance_version(
                "server diagnostics", DIAGNOSTICS_MV, DIAGNOSTICS_MV
            )
            body = self._get(
                "compute", f"/servers/{server_id}/diagnostics", None, version, operation
            )
            return models.ServerDiagnostics.from_api(body)

        return await self._call(operation, fetch)
