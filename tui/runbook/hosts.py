"""Host procedures as runbook recipes: drain a hypervisor, evacuate a failed host.

Both are the cheat sheet's procedures, one item per step: a first item on the compute
service (drain: disable it with a reason; evacuate: force it down when asked), one item per
server on the host (live-migrate, cold-migrate and confirm, or evacuate — or skipped with
why), and a last item that waits, as the cheat sheet's script does, until the host runs no
server and says which ones are still there. Server items wait for the first item; the last
waits for every server item. After a restart each item re-reads the server (`probe`):
already elsewhere is done, moving is followed, VERIFY_RESIZE is confirmed, untouched on the
host runs — nothing is resent blindly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError, NotFound
from tui.backend.states import allows
from tui.runbook.items import UNFINISHED, Item, State
from tui.runbook.recipe import Followup, Found, ItemRun, Params, Probe, Recipe, Skip
from tui.text import one_line

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.backend.models import ComputeService, HostCandidate, Server

DRAIN = "drain"
EVACUATE = "evacuate"
SERVICE = "service"  # item kinds, in item.data["kind"]
SERVER = "server"
CHECK = "check"
MOVE_SECONDS = 900.0  # one server's move, at most
EMPTY_SECONDS = 120.0  # the host's server list catching up with the moves
POLL = 1.0
MOVING_STATUSES = frozenset({"MIGRATING", "RESIZE", "REBUILD", "REVERT_RESIZE"})
# Nova's state rules (tui/backend/states.py): which servers a drain live-migrates, which
# an evacuation rebuilds
LIVE = allows("live_migrate")
EVACUABLE = allows("evacuate")
WHY_NOT_MOVED = {
    "ERROR": "in ERROR: repair or reset it first, then move it",
    "SHELVED": "shelved: it runs nowhere",
    "SHELVED_OFFLOADED": "shelved: it runs nowhere",
    "SUSPENDED": "suspended: resume it to live-migrate it",
    "RESCUE": "in rescue: unrescue it first",
    "VERIFY_RESIZE": "a resize waits for confirmation: confirm or revert it first",
    "BUILD": "still building",
}


def default_reason(user: str, now: float | None = None) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(now))
    return f"drain by stackdeck {user or 'operator'} {stamp}"


async def _all(pages: Any) -> list[Any]:
    return [row async for page in pages for row in page]


async def compute_service(backend: Backend, host: str) -> ComputeService | None:
    services = await _all(backend.compute_services(host=host))
    return next((s for s in services if s.binary == "nova-compute" and s.host == host), None)


async def servers_on(backend: Backend, host: str) -> list[Server]:
    return await _all(backend.servers(all_projects=True, host=host))


async def host_targets(backend: Backend, host: str) -> list[HostCandidate]:
    """Hosts the servers of `host` could go to: enabled, up, with what they have free."""
    from types import SimpleNamespace

    from tui.backend.models import target_hosts

    hypervisors, services = await asyncio.gather(
        _all(backend.hypervisors()), _all(backend.compute_services())
    )
    return target_hosts(SimpleNamespace(host=host), hypervisors, services)  # type: ignore[arg-type]


def _state(server: Server) -> str:
    return f"{server.status} ({server.task_state})" if server.task_state else server.status


def _label(server: Server) -> str:
    return one_line(server.name or server.id)


def _where(params: Params) -> str:
    return str(params.get("target") or "") or "the scheduler's choice"


class HostRecipe(Recipe):
    """What drain and evacuate share: the item order, the gates, the final check."""

    concurrency = 2
    can_abort = False

    def __init__(
        self,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        poll: float = POLL,
        move_seconds: float = MOVE_SECONDS,
        empty_seconds: float = EMPTY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sleep = sleep
        self.poll = poll
        self.move_seconds = move_seconds
        self.empty_seconds = empty_seconds
        self.clock = clock

    # -- plan ------------------------------------------------------------------------------

    def first_item(self, params: Params, service: ComputeService | None) -> Item | None:
        raise NotImplementedError

    def server_calls(self, server: Server, params: Params) -> list[str] | str:
        """The calls for one server, or why it is skipped."""
        raise NotImplementedError

    async def plan(
        self, backend: Backend, params: Params, targets: Sequence[Any] = ()
    ) -> list[Item]:
        host = str(params["host"])
        service = await compute_service(backend, host)
        items: list[Item] = []
        if (first := self.first_item(params, service)) is not None:
            items.append(first)
        for server in sorted(await servers_on(backend, host), key=lambda s: (s.name, s.id)):
            item = Item(server.id, _label(server), data={"kind": SERVER})
            calls = self.server_calls(server, params)
            if isinstance(calls, str):
                item.state, item.message = State.SKIPPED, calls
            else:
                item.calls = calls
            items.append(item)
        items.append(
            Item(
                f"{CHECK}:{host}",
                f"{host} empty?",
                calls=[f"list the servers on {host} until none is left (as `nova list --host`)"],
                data={"kind": CHECK, "summary": True},
            )
        )
        return items

    # -- run -------------------------------------------------------------------------------

    async def run(self, run: ItemRun) -> None:
        kind = run.item.data.get("kind")
        if kind == SERVICE:
            await self.run_service(run)
        elif kind == SERVER:
            await self._after_first(run)
            await self.run_server(run)
        else:
            await self._after_servers(run)
            await self._check_empty(run)

    async def run_service(self, run: ItemRun) -> None:
        raise NotImplementedError

    async def run_server(self, run: ItemRun) -> None:
        raise NotImplementedError

    async def _after_first(self, run: ItemRun) -> None:
        first = next((i for i in run.peers if i.data.get("kind") == SERVICE), None)
        if first is None:
            return
        while first.state in UNFINISHED:
            run.progress(f"waiting for: {first.label}")
            await self.sleep(self.poll / 4)
        if first.state not in (State.DONE, State.SKIPPED):  # skipped: it was so already
            raise Skip(f"not started: {first.label} did not succeed")

    async def _after_servers(self, run: ItemRun) -> None:
        while True:
            busy = [
                i
                for i in run.peers
                if i.data.get("kind") != CHECK and i.state in UNFINISHED and i is not run.item
            ]
            if not busy:
                return
            run.progress(f"waiting for {len(busy)} items")
            await self.sleep(self.poll / 4)

    async def _check_empty(self, run: ItemRun) -> None:
        """Poll the host's server list until only the servers left behind remain."""
        host = str(run.params["host"])
        left_behind = {
            i.key for i in run.peers if i.data.get("kind") == SERVER and i.state is not State.DONE
        }
        deadline = self.clock() + self.empty_seconds
        run.sending(f"list the servers on {host}")
        while True:
            servers = await servers_on(run.backend, host)
            unexpected = [s for s in servers if s.id not in left_behind]
            if not unexpected or self.clock() > deadline:
                break
            run.progress(f"{len(servers)} servers still on {host}: waiting")
            await self.sleep(self.poll)
        if not servers:
            run.progress(f"{host} runs no server", 1.0)
            return
        names = ", ".join(_label(s) for s in servers[:8])
        more = f" and {len(servers) - 8} more" if len(servers) > 8 else ""
        raise BackendError(f"{len(servers)} servers still on {host}: {names}{more}")

    async def follow_move(self, run: ItemRun, source: str, *, confirm: bool) -> Server:
        """Poll the server until it settled; confirm a resize when `confirm`. Returns it."""
        backend, item = run.backend, run.item
        deadline = self.clock() + self.move_seconds
        while True:
            server = await backend.server(item.key)
            if server.status == "VERIFY_RESIZE" and not server.task_state:
                if not confirm:
                    return server
                run.sending(f"confirm the resize of {item.label}")
                run.progress(f"VERIFY_RESIZE on {server.host}: confirming")
                await backend.confirm_resize(item.key)
                confirm = False  # once
            elif server.status == "MIGRATING" or server.task_state == "migrating":
                await self._live_progress(run, server)
            elif server.status not in MOVING_STATUSES and not server.task_state:
                return server
            else:
                run.progress(f"{_state(server)} on {server.host or '?'}")
            if self.clock() > deadline:
                raise BackendError(f"still {_state(server)} after {self.move_seconds:.0f} s")
            await self.sleep(self.poll)

    async def _live_progress(self, run: ItemRun, server: Server) -> None:
        try:
            migrations = await run.backend.server_migrations(server.id)
        except BackendError:
            migrations = []
        running = next(iter(migrations), None)
        if running is None or not running.memory_total_bytes:
            run.progress(f"live-migrating from {server.host}")
            return
        fraction = running.memory_processed_bytes / running.memory_total_bytes
        run.progress(
            f"live-migrating {running.source_compute} → {running.dest_compute}: "
            f"memory {fraction:.0%}",
            min(1.0, fraction),
        )

    # -- after a restart -------------------------------------------------------------------

    async def probe(self, backend: Backend, item: Item, params: Params) -> Probe:
        kind = item.data.get("kind")
        if kind == SERVICE:
            return await self.probe_service(backend, item, params)
        if kind == CHECK:
            return Probe(Found.NOT_STARTED, "the final check runs again")
        host = str(params["host"])
        try:
            server = await backend.server(item.key)
        except NotFound:
            return Probe(Found.DONE, "deleted meanwhile: no longer on the host")
        if server.status == "VERIFY_RESIZE":
            return Probe(Found.IN_PROGRESS, f"VERIFY_RESIZE on {server.host}: to confirm")
        if server.status in MOVING_STATUSES or server.task_state:
            return Probe(Found.IN_PROGRESS, f"{_state(server)}: following")
        if server.host != host:
            return Probe(Found.DONE, f"{_state(server)} on {server.host} (found after restart)")
        return Probe(Found.NOT_STARTED, f"still {_state(server)} on {host}: not started")

    async def probe_service(self, backend: Backend, item: Item, params: Params) -> Probe:
        raise NotImplementedError

    def followups(self, params: Params) -> list[Followup]:
        from tui.resource import Scope

        host = str(params["host"])
        return [
            Followup(
                "S",
                f"list the servers still on {host}",
                resource="servers",
                scope=Scope(all_projects=True, filters=(("host", host),), label=f"host {host}"),
            )
        ]


class Drain(HostRecipe):
    """Disable the host's compute service with a reason, move every server off, wait until
    the host runs none; then offer to enable the service again."""

    name = DRAIN

    def title(self, params: Params) -> str:
        return f"Drain {params.get('host')}"

    def destructive(self, params: Params) -> bool:
        return False  # nothing is deleted; every step can be undone (see docs/runbooks.md)

    def first_item(self, params: Params, service: ComputeService | None) -> Item | None:
        host = str(params["host"])
        if service is None:
            raise BackendError(f"{host} has no nova-compute service.")
        item = Item(
            f"{SERVICE}:{service.id}",
            f"disable nova-compute@{host}",
            calls=[f"disable nova-compute@{host}, reason “{params.get('reason', '')}”"],
            data={"kind": SERVICE, "service_id": service.id},
        )
        if service.status == "disabled":
            item.calls = []
            item.message = f"already disabled: {service.disabled_reason or 'no reason given'}"
            item.state = State.SKIPPED
        return item

    def server_calls(self, server: Server, params: Params) -> list[str] | str:
        where = _where(params)
        label = _label(server)
        if server.task_state:
            return f"busy: {_state(server)}"
        if LIVE(server):
            return [f"live-migrate {label} to {where}", "follow its progress"]
        if server.status == "SHUTOFF":
            if not params.get("cold"):
                return "SHUTOFF: cold migration not chosen in the form"
            return [f"cold-migrate {label} to {where}", "confirm the resize"]
        return WHY_NOT_MOVED.get(server.status, f"{server.status}: not moved by a drain")

    async def run_service(self, run: ItemRun) -> None:
        service = await run.backend.compute_service(str(run.item.data["service_id"]))
        if service.status == "disabled":
            run.progress(f"already disabled: {service.disabled_reason}", 1.0)
            return
        reason = str(run.params.get("reason") or "")
        run.sending(f"disable nova-compute@{service.host}, reason “{reason}”")
        await run.backend.set_compute_service(service, enabled=False, reason=reason)
        run.progress(f"disabled: {reason}", 1.0)

    async def probe_service(self, backend: Backend, item: Item, params: Params) -> Probe:
        service = await backend.compute_service(str(item.data["service_id"]))
        if service.status == "disabled":
            return Probe(Found.DONE, f"disabled: {service.disabled_reason}")
        return Probe(Found.NOT_STARTED)

    async def run_server(self, run: ItemRun) -> None:
        host, item = str(run.params["host"]), run.item
        server = await run.backend.server(item.key)
        target = str(run.params.get("target") or "") or None
        if not run.follow_only and server.host == host and server.status != "VERIFY_RESIZE":
            plan = self.server_calls(server, run.params)
            if isinstance(plan, str):
                raise Skip(plan)
            if LIVE(server):
                run.sending(f"live-migrate {item.label} to {_where(run.params)}")
                run.progress(f"live migration to {_where(run.params)} requested")
                await run.backend.live_migrate(item.key, host=target)
            else:
                run.sending(f"cold-migrate {item.label} to {_where(run.params)}")
                run.progress(f"cold migration to {_where(run.params)} requested")
                await run.backend.migrate(item.key, host=target)
        elif not run.follow_only and server.host != host and not item.sent:
            raise Skip(f"already on {server.host}")
        final = await self.follow_move(run, host, confirm=True)
        if final.host == host:
            raise BackendError(
                f"did not move: {_state(final)} on {host} (see :migrations or its history)"
            )
        run.progress(f"{_state(final)} on {final.host}", 1.0)

    def followups(self, params: Params) -> list[Followup]:
        host = str(params["host"])
        service_id = str(params.get("service_id") or "")

        async def enable(backend: Backend) -> str:
            service = await backend.compute_service(service_id)
            await backend.set_compute_service(service, enabled=True)
            return f"nova-compute@{host} enabled again"

        again = Followup("E", f"enable nova-compute@{host} again", call=enable)
        return [again, *super().followups(params)]


class Evacuate(HostRecipe):
    """Rebuild the servers of a failed (fenced) host elsewhere; then list what is left."""

    name = EVACUATE

    def title(self, params: Params) -> str:
        return f"Evacuate {params.get('host')}"

    def destructive(self, params: Params) -> bool:
        return True  # each server is rebuilt: a host still running them would run them twice

    def first_item(self, params: Params, service: ComputeService | None) -> Item | None:
        host = str(params["host"])
        if service is None:
            raise BackendError(f"{host} has no nova-compute service.")
        if not params.get("force_down"):
            return None
        item = Item(
            f"{SERVICE}:{service.id}",
            f"force down nova-compute@{host}",
            calls=[f"force nova-compute@{host} down (the host is fenced)"],
            data={"kind": SERVICE, "service_id": service.id},
        )
        if service.forced_down:
            item.calls, item.state, item.message = [], State.SKIPPED, "already forced down"
        return item

    def server_calls(self, server: Server, params: Params) -> list[str] | str:
        if not EVACUABLE(server):
            return WHY_NOT_MOVED.get(server.status, f"{server.status}: Nova does not evacuate it")
        return [
            f"evacuate {_label(server)} to {_where(params)}",
            "follow REBUILD until it settles on the new host",
        ]

    async def run_service(self, run: ItemRun) -> None:
        service = await run.backend.compute_service(str(run.item.data["service_id"]))
        if service.forced_down:
            run.progress("already forced down", 1.0)
            return
        run.sending(f"force nova-compute@{service.host} down")
        await run.backend.set_compute_service(service, forced_down=True)
        run.progress("forced down", 1.0)

    async def probe_service(self, backend: Backend, item: Item, params: Params) -> Probe:
        service = await backend.compute_service(str(item.data["service_id"]))
        if service.forced_down:
            return Probe(Found.DONE, "forced down")
        return Probe(Found.NOT_STARTED)

    async def run_server(self, run: ItemRun) -> None:
        host, item = str(run.params["host"]), run.item
        server = await run.backend.server(item.key)
        target = str(run.params.get("target") or "") or None
        if not run.follow_only and server.host == host:
            plan = self.server_calls(server, run.params)
            if isinstance(plan, str):
                raise Skip(plan)
            run.sending(f"evacuate {item.label} to {_where(run.params)}")
            run.progress(f"evacuation to {_where(run.params)} requested")
            await run.backend.evacuate(item.key, host=target)
        elif not run.follow_only and not item.sent:
            raise Skip(f"already on {server.host}")
        final = await self.follow_move(run, host, confirm=False)
        if final.host == host:
            raise BackendError(f"not rebuilt elsewhere: {_state(final)} on {host}")
        run.progress(f"{_state(final)} on {final.host}", 1.0)


def drain_params(
    host: str, service_id: str, reason: str, *, cold: bool, target: str = ""
) -> dict[str, Any]:
    return {
        "host": host,
        "service_id": service_id,
        "reason": reason,
        "cold": cold,
        "target": target,
    }


def evacuate_params(
    host: str, service_id: str, *, force_down: bool, target: str = ""
) -> dict[str, Any]:
    return {"host": host, "service_id": service_id, "force_down": force_down, "target": target}
