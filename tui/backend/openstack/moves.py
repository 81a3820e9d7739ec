"""Moving servers on the real Nova: live and cold migration, resize, evacuate,
shelve; the migrations lists; a server's instance actions.

Each call asks for the microversion it needs and says plainly when the cloud's Nova is too
old. The check runs in the worker thread once the write is allowed: a read-only stackdeck
sends nothing, not even version discovery.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore, next_marker, page_marker

Version = tuple[int, int]

LIVE_MIGRATE_MV: Version = (2, 68)  # 2.68: no "force" (the scheduler always checks the host)
LIVE_MIGRATE_NEEDS: Version = (2, 25)  # block_migration "auto", no disk_over_commit
MIGRATE_MV: Version = (2, 56)  # a target host for a cold migration
EVACUATE_MV: Version = (2, 68)  # no force; the server keeps its state (2.95 would stop it)
EVACUATE_NEEDS: Version = (2, 14)  # no onSharedStorage
UNSHELVE_AZ_MV: Version = (2, 77)
UNSHELVE_HOST_MV: Version = (2, 91)
MIGRATIONS_MV: Version = (2, 80)  # user_id / project_id
MIGRATIONS_PAGED: Version = (2, 59)  # limit / marker / changes-since, uuid, newest first
SERVER_MIGRATIONS_NEEDS: Version = (2, 23)
FORCE_COMPLETE_NEEDS: Version = (2, 22)
ABORT_MV: Version = (2, 65)  # 2.65: a queued migration can be aborted too
ABORT_NEEDS: Version = (2, 24)
ACTIONS_MV: Version = (2, 84)  # 2.84: event details; 2.62: event host; 2.58: paging
ACTIONS_PAGED: Version = (2, 58)
BASE: Version = (2, 1)


def parse_version(text: str) -> Version:
    major, minor = text.split(".")
    return int(major), int(minor)


def _text(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


class MovesAPI(OpenStackCore):
    def _needs(self, call: str, wanted: Version, needed: Version) -> str:
        """The microversion for a call: ``wanted`` capped by the cloud; an error below
        ``needed`` naming the call and what the cloud offers."""
        version = self._compute_version(wanted)
        if parse_version(version) < needed:
            raise BackendError(
                f"{call} needs Nova microversion {_text(needed)}; this cloud offers {version}.",
                operation=call,
            )
        return version

    def _version_for(self, call: str, wanted: Version, needed: Version) -> Callable[[], str]:
        return lambda: self._needs(call, wanted, needed)

    async def _server_action_body(
        self,
        action: str,
        server_id: str,
        body: Json,
        microversion: Callable[[], str],
    ) -> None:
        await self._write(
            action,
            f"server {server_id}",
            "POST",
            "compute",
            f"/servers/{server_id}/action",
            body=body,
            microversion=microversion,
        )

    # -- writes ----------------------------------------------------------------------------

    async def live_migrate(
        self, server_id: str, host: str | None = None, block_migration: bool | str = "auto"
    ) -> None:
        if block_migration not in ("auto", True, False):
            raise BackendError(
                f"block_migration must be 'auto', True or False, not {block_migration!r}",
                operation="live-migrate",
            )
        call = (
            "live migration with block_migration=auto"
            if block_migration == "auto"
            else "live migration"
        )
        body = {"os-migrateLive": {"host": host or None, "block_migration": block_migration}}
        await self._server_action_body(
            "live-migrate",
            server_id,
            body,
            self._version_for(call, LIVE_MIGRATE_MV, LIVE_MIGRATE_NEEDS),
        )

    async def migrate(self, server_id: str, host: str | None = None) -> None:
        if host:
            version = self._version_for("cold migration to a chosen host", MIGRATE_MV, MIGRATE_MV)
            body: Json = {"migrate": {"host": host}}
        else:
            version = self._version_for("cold migration", MIGRATE_MV, BASE)
            body = {"migrate": None}
        await self._server_action_body("migrate", server_id, body, version)

    async def resize(self, server_id: str, flavor_id: str) -> None:
        body = {"resize": {"flavorRef": flavor_id}}
        await self._server_action_body(
            "resize", server_id, body, self._version_for("resize", BASE, BASE)
        )

    async def confirm_resize(self, server_id: str) -> None:
        await self._server_action_body(
            "confirm-resize",
            server_id,
            {"confirmResize": None},
            self._version_for("confirm resize", BASE, BASE),
        )

    async def revert_resize(self, server_id: str) -> None:
        await self._server_action_body(
            "revert-resize",
            server_id,
            {"revertResize": None},
            self._version_for("revert resize", BASE, BASE),
        )

    async def evacuate(self, server_id: str, host: str | None = None) -> None:
        body: Json = {"evacuate": {"host": host} if host else {}}
        await self._server_action_body(
            "evacuate",
            server_id,
            body,
            self._version_for("evacuate", EVACUATE_MV, EVACUATE_NEEDS),
        )

    async def shelve(self, server_id: str) -> None:
        await self._server_action_body(
            "shelve", server_id, {"shelve": None}, self._version_for("shelve", BASE, BASE)
        )

    async def unshelve(
        self, server_id: str, *, host: str | None = None, availability_zone: str | None = None
    ) -> None:
        args: dict[str, Any] = {}
        needed, call = BASE, "unshelve"
        if availability_zone:
            args["availability_zone"] = availability_zone
            needed, call = UNSHELVE_AZ_MV, "unshelve into an availability zone"
        if host:
            args["host"] = host
            needed, call = UNSHELVE_HOST_MV, "unshelve to a chosen host"
        await self._server_action_body(
            "unshelve",
            server_id,
            {"unshelve": args or None},
            self._version_for(call, max(needed, UNSHELVE_AZ_MV), needed),
        )

    async def force_complete_migration(self, server_id: str, migration_id: str) -> None:
        await self._write(
            "force-complete-migration",
            f"migration {migration_id} of server {server_id}",
            "POST",
            "compute",
            f"/servers/{server_id}/migrations/{migration_id}/action",
            body={"force_complete": None},
            microversion=self._version_for(
                "force-complete of a live migration", MIGRATIONS_MV, FORCE_COMPLETE_NEEDS
            ),
        )

    async def abort_migration(self, server_id: str, migration_id: str) -> None:
        await self._write(
            "abort-migration",
            f"migration {migration_id} of server {server_id}",
            "DELETE",
            "compute",
            f"/servers/{server_id}/migrations/{migration_id}",
            microversion=self._version_for("abort of a live migration", ABORT_MV, ABORT_NEEDS),
        )

    # -- reads -----------------------------------------------------------------------------

    async def migrations(
        self,
        *,
        host: str | None = None,
        status: str | None = None,
        migration_type: str | None = None,
        server_id: str | None = None,
        changes_since: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Migration]]:
        """``GET /os-migrations``, newest first (admin); paged from microversion 2.59."""
        operation = "list migrations"
        params: dict[str, Any] = {}
        for key, value in (
            ("host", host),
            ("status", status),
            ("migration_type", migration_type),
            ("instance_uuid", server_id),
        ):
            if value:
                params[key] = value

        def fetch(marker: str | None) -> tuple[list[models.Migration], str | None]:
            version = self._compute_version(MIGRATIONS_MV)
            query = dict(params)
            paged = parse_version(version) >= MIGRATIONS_PAGED
            if changes_since:
                self._needs("migrations changed since a time", MIGRATIONS_MV, MIGRATIONS_PAGED)
                query["changes-since"] = changes_since
            if paged:
                query["limit"] = page_size
                if marker:
                    query["marker"] = marker
            body = self._get("compute", "/os-migrations", query, version, operation)
            found = [models.Migration.from_api(d) for d in body.get("migrations") or ()]
            if not paged:  # before 2.59 Nova answers in no set order, all at once
                found.sort(key=lambda m: (m.created, int(m.id or 0)), reverse=True)
                return found, None
            return found, page_marker(body, "migrations")

        async for page in self._paged(operation, fetch):
            yield page

    async def server_migrations(self, server_id: str) -> list[models.Migration]:
        """A server's live migrations in progress, with memory and disk progress (2.23+)."""
        operation = "list server migrations"

        def fetch() -> list[models.Migration]:
            version = self._needs(
                "server migrations in progress", MIGRATIONS_MV, SERVER_MIGRATIONS_NEEDS
            )
            body = self._get(
                "compute", f"/servers/{server_id}/migrations", None, version, operation
            )
            return [models.Migration.from_api(d) for d in body.get("migrations") or ()]

        return await self._call(operation, fetch)

    async def instance_actions(
        self, server_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.InstanceAction]]:
        """What was done to a server, newest first (paged from 2.58); without events."""
        operation = "list instance actions"

        def fetch(marker: str | None) -> tuple[list[models.InstanceAction], str | None]:
            version = self._compute_version(ACTIONS_MV)
            paged = parse_version(version) >= ACTIONS_PAGED
            query: dict[str, Any] = {}
            if paged:
                query["limit"] = page_size
                if marker:
                    query["marker"] = marker
            body = self._get(
                "compute", f"/servers/{server_id}/os-instance-actions", query, version, operation
            )
            found = [models.InstanceAction.from_api(d) for d in body.get("instanceActions") or ()]
            if not paged:
                found.sort(key=lambda a: a.start_time, reverse=True)
                return found, None
            return found, next_marker(body.get("links"))  # Nova's key here is "links"

        async for page in self._paged(operation, fetch):
            yield page

    async def instance_action(self, server_id: str, request_id: str) -> models.InstanceAction:
        """One action with its events (host and traceback for admins: Nova's policy)."""
        return await self._show(
            "compute",
            f"/servers/{server_id}/os-instance-actions/{request_id}",
            "instanceAction",
            models.InstanceAction.from_api,
            kind="instance action",
            microversion=lambda: self._compute_version(ACTIONS_MV),
        )
