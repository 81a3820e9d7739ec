"""Nova: servers, hypervisors, flavors, keypairs, availability zones, server actions, boot."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from tui.backend import block_devices, models
from tui.backend.base import DEFAULT_PAGE_SIZE, SERVER_ACTIONS
from tui.backend.errors import BackendError, Forbidden
from tui.backend.models import Hypervisor, Json, Server
from tui.backend.openstack.core import (
    COMPUTE_HYPERVISORS_MV,
    COMPUTE_SERVERS_MV,
    OpenStackCore,
    read_reply,
)
from tui.backend.openstack.replies import Read
from tui.backend.server_filters import NO_FILTERS, ServerFilters, nova_query, with_scope
from tui.backend.timestamps import api_time
from tui.text import safe_log

# Server actions sent as POST /servers/{id}/action with an argument-less body.
_PLAIN_ACTIONS = {
    "start": "os-start",
    "stop": "os-stop",
    "suspend": "suspend",
    "resume": "resume",
    "pause": "pause",
    "unpause": "unpause",
    "lock": "lock",
    "unlock": "unlock",
    "force_delete": "forceDelete",
}


def action_body(action: str, args: Mapping[str, object]) -> Json:
    """The POST /servers/{id}/action body of one of SERVER_ACTIONS."""
    if action in _PLAIN_ACTIONS:
        return {_PLAIN_ACTIONS[action]: None}
    if action == "reboot":
        return {"reboot": {"type": "HARD" if args.get("hard") else "SOFT"}}
    if action == "reset_state":
        return {"os-resetState": {"state": str(args.get("state", "error"))}}
    if action == "create_backup":
        return {
            "createBackup": {
                "name": str(args["name"]),
                "backup_type": str(args.get("backup_type", "daily")),
                "rotation": int(str(args.get("rotation", 1))),
            }
        }
    raise BackendError(f"Unknown server action {action!r}", operation=action)


def _boot_networks(spec: models.BootSpec) -> str | list[dict[str, str]]:
    if spec.network_ids in (("none",), ("auto",)):
        return spec.network_ids[0]
    wanted = [{"uuid": n} for n in spec.network_ids] + [{"port": p} for p in spec.port_ids]
    return wanted or "auto"


def boot_body(spec: models.BootSpec) -> Json:
    """POST /servers for a BootSpec."""
    server: dict[str, Any] = {
        "name": spec.name,
        "flavorRef": spec.flavor_id,
        "min_count": spec.count,
        "max_count": spec.count,
        "networks": _boot_networks(spec),
    }
    block_devices.apply(server, spec)
    if spec.key_name:
        server["key_name"] = spec.key_name
    if spec.security_groups:
        server["security_groups"] = [{"name": name} for name in spec.security_groups]
    if spec.availability_zone:
        server["availability_zone"] = spec.availability_zone
    if spec.user_data:
        server["user_data"] = base64.b64encode(spec.user_data).decode("ascii")
    if spec.metadata:
        server["metadata"] = dict(spec.metadata)
    if spec.count > 1:
        server["return_reservation_id"] = True
    body: Json = {"server": server}
    if spec.server_group:
        body = {**body, "os:scheduler_hints": {"group": spec.server_group}}
    return body


def _server_id(server: Json) -> str:
    return str(server["id"])


class ComputeAPI(OpenStackCore):
    def _servers_mv(self) -> str:
        return self._compute_version(COMPUTE_SERVERS_MV)

    def _hypervisors_mv(self) -> str:
        return self._compute_version(COMPUTE_HYPERVISORS_MV)

    def _parse_server(self, d: Json) -> Server:
        return Server.from_api(d, self._names())

    def _server_rows(self, content: bytes) -> tuple[list[Server], str | None] | None:
        """A servers/detail page read straight into list rows (see `server_pages`)."""
        from tui.backend.openstack.server_pages import server_page

        return server_page(content, self._names())

    # -- lists and shows -------------------------------------------------------------------

    async def servers(
        self,
        *,
        all_projects: bool = False,
        host: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        changes_since: datetime | None = None,
        filters: ServerFilters = NO_FILTERS,
    ) -> AsyncIterator[list[Server]]:
        filters = with_scope(filters, host=host, project_id=project_id)
        params: dict[str, Any] = nova_query(filters)  # one request a page, Nova filters
        if changes_since is not None:  # deleted servers come back too, status DELETED
            params["changes-since"] = api_time(changes_since)
        if all_projects or filters.needs_all_tenants():
            params["all_tenants"] = 1
        async for page in self._servers_where(params, page_size):
            yield page

    async def _servers_where(
        self, params: Mapping[str, Any], page_size: int
    ) -> AsyncIterator[list[Server]]:
        async for page in self._collection(
            "compute",
            "/servers/detail",
            "servers",
            self._parse_server,
            params,
            page_size=page_size,
            microversion=self._servers_mv,
            fast=self._server_rows,
        ):
            yield page

    async def server(self, server_id: str) -> Server:
        return await self._show(
            "compute",
            f"/servers/{server_id}",
            "server",
            self._parse_server,
            kind="server",
            microversion=self._servers_mv,
        )

    async def hypervisors(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Hypervisor]]:
        async for page in self._collection(
            "compute",
            "/os-hypervisors/detail",
            "hypervisors",
            Hypervisor.from_api,
            page_size=page_size,
            microversion=self._hypervisors_mv,
        ):
            yield page

    async def hypervisor(self, hypervisor_id: str) -> Hypervisor:
        return await self._show(
            "compute",
            f"/os-hypervisors/{hypervisor_id}",
            "hypervisor",
            Hypervisor.from_api,
            kind="hypervisor",
            microversion=self._hypervisors_mv,
        )

    async def flavors(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Flavor]]:
        async for page in self._collection(
            "compute",
            "/flavors/detail",
            "flavors",
            models.Flavor.from_api,
            {"is_public": "None"},  # admins: private flavors too; others: what they may use
            page_size=page_size,
            microversion=self._servers_mv,
        ):
            yield page

    async def flavor(self, flavor_id: str) -> models.Flavor:
        return await self._show(
            "compute",
            f"/flavors/{flavor_id}",
            "flavor",
            models.Flavor.from_api,
            kind="flavor",
            microversion=self._servers_mv,
        )

    async def keypairs(self, *, user_id: str | None = None) -> AsyncIterator[list[models.Keypair]]:
        """Nova lists keypairs without their user (2.10: another user's, admin; 2.35: paged)."""
        owner = user_id or self._info.user_id
        async for page in self._collection(
            "compute",
            "/os-keypairs",
            "keypairs",
            models.Keypair.from_api,
            {"user_id": user_id} if user_id else None,
            page_size=DEFAULT_PAGE_SIZE,
            microversion=self._servers_mv,
        ):
            yield [k if k.user_id else dataclasses.replace(k, user_id=owner) for k in page]

    async def availability_zones(self) -> list[models.AvailabilityZone]:
        """Zones with their hosts (admin: the detail view), else just the zones."""

        def fetch(path: str) -> list[models.AvailabilityZone]:
            zones: list[models.AvailabilityZone]
            _, zones = self._get_read(
                "compute",
                path,
                Read("availabilityZoneInfo", models.AvailabilityZone.from_api, "list"),
                microversion=self._servers_mv(),
                operation="list zones",
            )
            return zones

        try:
            return await self._call("list zones", lambda: fetch("/os-availability-zone/detail"))
        except Forbidden:
            return await self._call("list zones", lambda: fetch("/os-availability-zone"))

    # -- writes ------------------------------------------------------------------------------

    async def server_action(self, server_id: str, action: str, **args: object) -> None:
        if action not in SERVER_ACTIONS:
            raise BackendError(f"Unknown server action {action!r}", operation=action)
        path = f"/servers/{server_id}"
        method = "POST"
        body: Json | None = None
        if action == "rename":
            method, body = "PUT", {"server": {"name": str(args["name"])}}
        elif action == "delete":
            method = "DELETE"
        else:
            path, body = f"{path}/action", action_body(action, args)
        await self._write(
            action.replace("_", "-"),
            f"server {server_id}",
            method,
            "compute",
            path,
            body=body,
            microversion=self._servers_mv,
        )

    async def create_servers(self, spec: models.BootSpec) -> list[Server]:
        one = spec.count == 1
        target = f"server {spec.name}" if one else f"{spec.count} servers {spec.name}"
        made = await self._write(
            "boot",
            target,
            "POST",
            "compute",
            "/servers",
            body=boot_body(spec),
            microversion=self._servers_mv,
            read=Read("server", _server_id, made="server")
            if one
            else Read("reservation_id", kind="text", made="servers"),
        )
        try:
            if one:
                return [await self.server(made)]
            listed = self._servers_where({"reservation_id": made}, DEFAULT_PAGE_SIZE)
            return [server async for page in listed for server in page]
        except BackendError as exc:  # booted, but not shown yet: the list will tell
            exc.message = f"{exc.message}: the boot was accepted; refresh to see the server"
            exc.maybe_done = True
            raise

    async def console_log(self, server_id: str, lines: int | None = None) -> str:
        """The console output (a read: allowed when read-only, not audited)."""
        operation = "show console log"

        def fetch() -> str:
            response = self._request(
                "POST",
                "compute",
                f"/servers/{server_id}/action",
                body={"os-getConsoleOutput": {"length": lines} if lines else {}},
                microversion=self._servers_mv(),
                operation=operation,
            )
            # the one raw text of a VM (not through `decoded`, which would keep its colours
            # as visible escapes): colours dropped, every other control made visible
            try:
                body = json.loads(response.content)
            except ValueError:
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("output", ""), str):
                read_reply(response, "Nova", operation, Read("output", kind="text"))  # raises
            return safe_log(body.get("output") or "")

        return await self._call(operation, fetch)

    async def attach_volume(self, server_id: str, volume_id: str) -> str:
        reply = await self._write(
            "attach-volume",
            f"volume {volume_id} to server {server_id}",
            "POST",
            "compute",
            f"/servers/{server_id}/os-volume_attachments",
            body={"volumeAttachment": {"volumeId": volume_id}},
            microversion=self._servers_mv,
            read=Read("volumeAttachment", lambda d: str(d.get("device") or "")),
        )
        return str(reply)

    async def detach_volume(self, server_id: str, volume_id: str) -> None:
        await self._write(
            "detach-volume",
            f"volume {volume_id} from server {server_id}",
            "DELETE",
            "compute",
            f"/servers/{server_id}/os-volume_attachments/{volume_id}",
            microversion=self._servers_mv,
        )
