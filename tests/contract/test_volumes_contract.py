"""Volumes and their snapshots, one body for the memory backend and devcloud's real Cinder
(and Nova, which attaches them): list shapes and paging, the fields models fill, each
action's effect, and refusals with Cinder's status and words for the statuses Cinder
refuses, checked against the one table of state rules (``tui.backend.states``).

Volumes are made by the project user (`ct-volume-<run>-...`) and put into other statuses
the way an admin does (reset-state); everything made is deleted at the end, also on failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import OnLab, collect, devcloud_sdk, gone, named, refused
from tui.backend import states
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import BootSpec, Server, Volume, VolumeSnapshot, VolumeSpec

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset(
    {
        "volumes",
        "volume",
        "create_volume",
        "extend_volume",
        "delete_volume",
        "attach_volume",
        "detach_volume",
        "volume_snapshots",
        "volume_snapshot",
        "create_volume_snapshot",
        "delete_volume_snapshot",
        "volumes_in_states",
        "volume_pools",
        "volumes_on_host",
    }
)

RUN = uuid.uuid4().hex[:6]
PREFIX = f"ct-volume-{RUN}"

# statuses an admin's reset-state reaches, each refused something by Cinder
# (reset-state refuses in-use without an attachment: "does not have any attachments")
ODD_STATUSES = ("error", "error_extending", "error_restoring", "error_deleting", "creating",
                "maintenance", "downloading")  # fmt: skip


@dataclasses.dataclass
class Cinder(OnLab):
    """The lab, with the project user as a member of another project than the admin's, and
    what the module made (deleted at the end)."""

    volumes: list[str] = dataclasses.field(default_factory=list)
    snapshots: list[str] = dataclasses.field(default_factory=list)
    admin_sdk: Any = None  # openstacksdk as devcloud's admin, once asked for

    def sdk(self) -> Any:
        """openstacksdk as devcloud's admin: reset-state is an admin tool stackdeck does not
        offer for volumes."""
        if self.admin_sdk is None:
            self.admin_sdk = devcloud_sdk("devcloud-admin")
        return self.admin_sdk

    async def volume(self, name: str, size_gb: int = 1, **spec: Any) -> Volume:
        made = await self.owner.create_volume(
            VolumeSpec(name=f"{PREFIX}-{name}", size_gb=size_gb, **spec)
        )
        self.volumes.append(made.id)
        return await self.settled(made.id)

    async def drop(self, *volumes: Volume) -> None:
        """Delete volumes as soon as a test is done with them: devcloud's project holds ten."""
        for volume in volumes:
            await self.owner.delete_volume(volume.id)
        for volume in volumes:
            await self.lab.until(lambda v=volume: gone(self.owner.volume, v.id), bool, "deleted")
            self.volumes.remove(volume.id)

    async def settled(self, volume_id: str, status: str = "available") -> Volume:
        volume: Volume = await self.lab.until(
            lambda: self.owner.volume(volume_id), lambda v: v.status == status, f"volume {status}"
        )
        return volume

    async def snapshot(self, volume_id: str, name: str, force: bool = False) -> VolumeSnapshot:
        made = await self.owner.create_volume_snapshot(volume_id, f"{PREFIX}-{name}", force=force)
        self.snapshots.append(made.id)
        assert made.status == "creating" and made.volume_id == volume_id
        snapshot: VolumeSnapshot = await self.lab.until(
            lambda: self.owner.volume_snapshot(made.id),
            lambda s: s.status == "available",
            "snapshot available",
        )
        return snapshot

    async def reset(self, volume_id: str, status: str) -> Volume:
        """The admin's reset-state: the volume's status and nothing else."""
        if self.lab.real:
            await asyncio.to_thread(self.sdk().block_storage.reset_volume_status,
                                    volume_id, status, None, None)  # fmt: skip
        else:
            self.admin.put_volume_state(volume_id, status)
        volume: Volume = await self.owner.volume(volume_id)
        assert volume.status == status
        return volume

    async def reset_snapshot(self, snapshot_id: str, status: str) -> VolumeSnapshot:
        if self.lab.real:
            await asyncio.to_thread(
                self.sdk().block_storage.reset_snapshot_status, snapshot_id, status
            )
        else:
            self.admin.put_snapshot_state(snapshot_id, status)
        snapshot: VolumeSnapshot = await self.owner.volume_snapshot(snapshot_id)
        assert snapshot.status == status
        return snapshot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cinder(lab: Lab) -> AsyncIterator[Cinder]:
    made = Cinder(lab)
    try:
        yield made
    finally:
        await _clean(made)
        if made.admin_sdk is not None:
            made.admin_sdk.close()


async def _clean(made: Cinder) -> None:
    for snapshot_id in made.snapshots:
        with contextlib.suppress(NotFound):
            snapshot = await made.admin.volume_snapshot(snapshot_id)
            if snapshot.status not in ("available", "error"):
                await made.reset_snapshot(snapshot_id, "available")
            await made.admin.delete_volume_snapshot(snapshot_id)
    for snapshot_id in made.snapshots:
        await made.lab.until(lambda s=snapshot_id: gone(made.admin.volume_snapshot, s), bool,
                             "snapshot deleted")  # fmt: skip
    for volume_id in made.volumes:
        with contextlib.suppress(NotFound):
            volume = await made.admin.volume(volume_id)
            if volume.status not in ("available", "in-use", "error"):
                await made.reset(volume_id, "available")
            if not volume.attachments:
                await made.admin.delete_volume(volume_id)
    for volume_id in made.volumes:
        await made.lab.until(lambda v=volume_id: gone(made.admin.volume, v), bool,
                             "volume deleted")  # fmt: skip


# -- lists, shows, fields ------------------------------------------------------------------


async def test_created_volumes_list_in_pages_with_their_fields(cinder: Cinder) -> None:
    made = [await cinder.volume(f"list-{i}", size_gb=1 + i) for i in range(3)]
    pages = [page async for page in cinder.owner.volumes(page_size=2)]
    assert pages and all(1 <= len(page) <= 2 for page in pages)
    listed = {v.id: v for page in pages for v in page}
    assert len(listed) == sum(len(page) for page in pages), "a volume listed twice"
    project = cinder.owner.info.project_id
    for volume in made:
        shown = listed[volume.id]
        assert shown == await cinder.owner.volume(volume.id)
        assert (shown.status, shown.project_id, shown.availability_zone) == (
            "available",
            project,
            "nova",
        )
        assert shown.name.startswith(PREFIX) and shown.volume_type and shown.created
        assert (shown.attachments, shown.bootable, shown.multiattach) == ((), False, False)
        # only an admin sees where a volume lives
        assert shown.host == "" and "@" in (await cinder.admin.volume(volume.id)).host
    assert [v.size_gb for v in made] == [1, 2, 3]
    # the admin sees the project's volumes when asking for all projects or for that project
    everyone = {v.id for v in await collect(cinder.admin.volumes(all_projects=True))}
    theirs = await collect(cinder.admin.volumes(project_id=project))
    assert {v.id for v in made} <= everyone and {v.id for v in made} <= {v.id for v in theirs}
    assert {v.project_id for v in theirs} == {project}
    assert not {v.id for v in made} & {v.id for v in await collect(cinder.admin.volumes())}
    await cinder.drop(*made)


async def test_a_missing_volume_or_snapshot_is_not_found(cinder: Cinder) -> None:
    nobody = str(uuid.UUID(int=0xDEADBEEF))
    with pytest.raises(NotFound) as volume:
        await cinder.owner.volume(nobody)
    assert f"Volume {nobody} could not be found." in volume.value.message
    with pytest.raises(NotFound) as snapshot:
        await cinder.owner.volume_snapshot(nobody)
    assert nobody in snapshot.value.message and "could not be found" in snapshot.value.message


# -- extend --------------------------------------------------------------------------------


async def test_extend_grows_an_available_volume_and_never_shrinks_it(cinder: Cinder) -> None:
    volume = await cinder.volume("grow")
    await refused(
        cinder.owner.extend_volume(volume.id, 1),
        BackendError,
        400,
        "Invalid input received: New size for extend must be greater than current size. "
        "(current: 1, extended: 1).",
        anywhere=True,
    )
    await cinder.owner.extend_volume(volume.id, 2)
    grown = await cinder.lab.until(
        lambda: cinder.owner.volume(volume.id),
        lambda v: v.status == "available" and v.size_gb == 2,
        "extended",
    )
    assert grown.size_gb == 2
    await cinder.drop(grown)


# -- the state table against the service ---------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def odd(cinder: Cinder) -> AsyncIterator[Volume]:
    """One volume put into status after status."""
    volume = await cinder.volume("odd")
    yield volume
    await cinder.reset(volume.id, "available")
    await cinder.drop(volume)


@pytest.mark.parametrize("status", ODD_STATUSES)
async def test_cinder_refuses_what_the_table_refuses_in_each_status(
    cinder: Cinder, odd: Volume, status: str
) -> None:
    volume = await cinder.reset(odd.id, status)
    calls = {
        "extend": lambda: cinder.owner.extend_volume(volume.id, 2),
        "snapshot": lambda: cinder.owner.create_volume_snapshot(volume.id, f"{PREFIX}-x"),
        "snapshot_force": lambda: cinder.owner.create_volume_snapshot(
            volume.id, f"{PREFIX}-x", force=True
        ),
    }
    for action, call in calls.items():
        reason = states.volume_refusal(action, volume)
        assert reason is not None, f"the table lets {action} run in {status}"
        await refused(call(), BackendError, 400, reason, anywhere=True)
    delete_reason = states.volume_refusal("delete", volume)
    if delete_reason is not None:  # the statuses delete may leave are the next test's
        await refused(
            cinder.owner.delete_volume(volume.id), BackendError, 400, delete_reason, anywhere=True
        )
    assert (await cinder.owner.volume(volume.id)).status == status


@pytest.mark.parametrize("status", ("error", "error_extending", "error_restoring"))
async def test_a_volume_in_a_failed_status_may_be_deleted(cinder: Cinder, status: str) -> None:
    volume = await cinder.reset((await cinder.volume(f"failed-{status}")).id, status)
    assert states.volume_allows("delete")(volume)
    await cinder.drop(volume)


async def test_the_table_lets_delete_run_where_cinder_does() -> None:
    volume = Volume.from_api({"id": "v", "status": "error_extending"})
    assert states.volume_allows("delete")(volume)
    for status in ("error_deleting", "creating", "in-use", "maintenance", "downloading"):
        busy = Volume.from_api({"id": "v", "status": status})
        assert states.volume_refusal("delete", busy) == states.VOLUME_RULES["delete"].message
    # a volume no backend took (an admin sees its empty host) is deleted whatever its status
    lost = Volume.from_api({"id": "v", "status": "creating", "os-vol-host-attr:host": None})
    assert states.volume_allows("delete")(lost)


# -- snapshots -----------------------------------------------------------------------------


async def test_snapshots_list_show_restore_and_block_deleting_their_volume(
    cinder: Cinder,
) -> None:
    volume = await cinder.volume("snapped", size_gb=2)
    snapshot = await cinder.snapshot(volume.id, "snap")
    assert (snapshot.volume_id, snapshot.size_gb, snapshot.name) == (
        volume.id,
        2,
        f"{PREFIX}-snap",
    )
    assert snapshot.project_id == cinder.owner.info.project_id and snapshot.created
    pages = [page async for page in cinder.owner.volume_snapshots(page_size=1)]
    assert pages and all(len(page) == 1 for page in pages)
    (listed,) = [s for page in pages for s in page if s.id == snapshot.id]
    assert listed == await cinder.owner.volume_snapshot(snapshot.id)
    # (the admin filters: a Cinder without resource_filters.json refuses a member's filters)
    of_volume = await collect(cinder.admin.volume_snapshots(all_projects=True, volume_id=volume.id))
    assert [s.id for s in of_volume] == [snapshot.id]

    await refused(
        cinder.owner.delete_volume(volume.id),
        BackendError,
        400,
        states.VOLUME_RULES["delete"].message,
        anywhere=True,
    )
    await refused(
        cinder.owner.create_volume(
            VolumeSpec(name=f"{PREFIX}-small", size_gb=1, snapshot_id=snapshot.id)
        ),
        BackendError,
        400,
        "cannot be smaller than the snapshot size 2GB",
        anywhere=True,
    )
    restored = await cinder.volume("restored", size_gb=2, snapshot_id=snapshot.id)
    assert restored.raw["snapshot_id"] == snapshot.id and restored.size_gb == 2

    busy = await cinder.reset_snapshot(snapshot.id, "error_deleting")
    for action in ("restore", "delete"):
        assert not states.snapshot_allows(action)(busy)
    await refused(
        cinder.owner.create_volume(
            VolumeSpec(name=f"{PREFIX}-never", size_gb=2, snapshot_id=snapshot.id)
        ),
        BackendError,
        400,
        states.snapshot_refusal("restore", busy) or "",
        anywhere=True,
    )
    await refused(
        cinder.owner.delete_volume_snapshot(snapshot.id),
        BackendError,
        400,
        states.snapshot_refusal("delete", busy) or "",
        anywhere=True,
    )
    await cinder.reset_snapshot(snapshot.id, "available")
    await cinder.owner.delete_volume_snapshot(snapshot.id)
    await cinder.lab.until(lambda: gone(cinder.owner.volume_snapshot, snapshot.id), bool, "gone")
    await cinder.drop(volume, restored)


# -- attaching (through Nova) ----------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(cinder: Cinder) -> AsyncIterator[Server]:
    """One ACTIVE server of the project user, deleted at the end."""
    owner = cinder.owner
    flavor = await named(owner.flavors(), "m1.tiny")
    image = await named(owner.images(), CIRROS)
    network_ids = cinder.lab.network_ids
    (booted,) = await owner.create_servers(
        BootSpec(
            name=f"{PREFIX}-srv", flavor_id=flavor.id, image_id=image.id, network_ids=network_ids
        )
    )
    try:
        yield await cinder.lab.until(
            lambda: owner.server(booted.id),
            lambda s: s.status == "ACTIVE" and not s.task_state,
            "server ACTIVE",
        )
    finally:
        for volume_id in cinder.volumes:  # Nova detaches on delete; wait for Cinder to agree
            with contextlib.suppress(NotFound, BackendError):
                await owner.detach_volume(booted.id, volume_id)
        await cinder.admin.server_action(booted.id, "delete")
        await cinder.lab.until(lambda: gone(cinder.admin.server, booted.id), bool, "deleted")
        for volume_id in cinder.volumes:
            with contextlib.suppress(NotFound):
                await cinder.lab.until(
                    lambda v=volume_id: cinder.owner.volume(v),
                    lambda v: not v.attachments and v.status != "detaching",
                    "detached by the server's deletion",
                )


async def test_attach_and_detach_with_novas_and_cinders_refusals(
    cinder: Cinder, server: Server
) -> None:
    owner = cinder.owner
    volume = await cinder.volume("attached")
    assert states.volume_allows("attach")(volume)
    unattached = f"Instance {server.id} is not attached to volume {volume.id}"
    await refused(
        owner.detach_volume(server.id, volume.id), NotFound, 404, unattached, anywhere=True
    )
    device = await owner.attach_volume(server.id, volume.id)
    assert device.startswith("/dev/")
    attached = await cinder.settled(volume.id, "in-use")
    assert [(a.server_id, a.device, a.host) for a in attached.attachments] == [
        (server.id, device, "")
    ]
    (seen_by_admin,) = (await cinder.admin.volume(volume.id)).attachments
    assert seen_by_admin.host == (await cinder.admin.server(server.id)).host
    shown = await owner.server(server.id)
    assert volume.id in [v["id"] for v in shown.raw["os-extended-volumes:volumes_attached"]]

    # what the table says of an attached volume, and Cinder (or Nova) agreeing
    assert not states.volume_allows("attach")(attached)
    assert states.volume_allows("detach")(attached)
    await refused(
        owner.attach_volume(server.id, volume.id),
        BackendError,
        400,
        f"Invalid volume: volume {volume.id} is already attached to instances: {server.id}",
        anywhere=True,
    )
    for action, call in (
        ("delete", owner.delete_volume(volume.id)),
        ("snapshot", owner.create_volume_snapshot(volume.id, f"{PREFIX}-x")),
    ):
        await refused(
            call, BackendError, 400, states.volume_refusal(action, attached) or "", anywhere=True
        )
    assert states.volume_allows("extend")(attached)  # in place, at 3.42
    assert states.volume_allows("snapshot_force")(attached)

    # reset to error while attached: Cinder refuses to begin detaching, Nova passes it on
    broken = await cinder.reset(volume.id, "error")
    reason = states.volume_refusal("detach", broken)
    assert reason
    await refused(
        owner.detach_volume(server.id, volume.id), BackendError, 400, reason, anywhere=True
    )
    await cinder.reset(volume.id, "in-use")

    await owner.detach_volume(server.id, volume.id)
    detached = await cinder.settled(volume.id, "available")
    assert detached.attachments == ()
    shown = await owner.server(server.id)
    assert volume.id not in [v["id"] for v in shown.raw["os-extended-volumes:volumes_attached"]]
    await cinder.drop(detached)


async def test_a_volume_in_error_cannot_be_attached(cinder: Cinder, server: Server) -> None:
    volume = await cinder.reset((await cinder.volume("broken")).id, "error")
    reason = states.volume_refusal("attach", volume)
    assert reason and "can not be created if the volume is in an error state" in reason
    await refused(
        cinder.owner.attach_volume(server.id, volume.id), BackendError, 400, reason, anywhere=True
    )
    assert (await cinder.owner.volume(volume.id)).attachments == ()
    await cinder.drop(volume)


async def test_nova_refuses_attaching_to_a_suspended_server(cinder: Cinder, server: Server) -> None:
    volume = await cinder.volume("suspended")
    await cinder.owner.server_action(server.id, "suspend")
    try:
        suspended = await cinder.lab.until(
            lambda: cinder.owner.server(server.id),
            lambda s: s.status == "SUSPENDED" and not s.task_state,
            "suspended",
        )
        assert not states.allows("attach_volume")(suspended)
        with pytest.raises(Conflict) as caught:
            await cinder.owner.attach_volume(server.id, volume.id)
        assert caught.value.status == 409
        assert states.conflict_message("attach_volume", suspended) in caught.value.message
    finally:
        await cinder.owner.server_action(server.id, "resume")
        await cinder.lab.until(
            lambda: cinder.owner.server(server.id),
            lambda s: s.status == "ACTIVE" and not s.task_state,
            "resumed",
        )
        await cinder.drop(volume)


# -- the admin's views: statuses, pools, volumes on a backend --------------------------------


async def test_volumes_in_states_finds_every_projects_volumes_in_them(cinder: Cinder) -> None:
    volume = await cinder.reset((await cinder.volume("stuck")).id, "error_deleting")
    later = datetime.now(UTC) + timedelta(days=1)
    errors = ("error", "error_deleting", "error_extending")
    found = await collect(cinder.admin.volumes_in_states(errors, before=later))
    assert volume.id in {v.id for v in found}
    assert {v.status for v in found} <= set(errors)
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    assert volume.id not in {
        v.id for v in await collect(cinder.admin.volumes_in_states(errors, before=long_ago))
    }
    # "deleting" is part of "error_deleting": a filter on parts still answers exactly
    near = await collect(cinder.admin.volumes_in_states(("deleting", "creating", "error")))
    assert volume.id not in {v.id for v in near}
    assert {v.status for v in near} <= {"deleting", "creating", "error"}
    await cinder.drop(await cinder.reset(volume.id, "available"))


async def test_pools_have_capacity_and_hold_their_volumes(cinder: Cinder) -> None:
    volume = await cinder.volume("pooled")
    pools = await cinder.admin.volume_pools()
    assert pools and all("@" in p.name for p in pools)
    for pool in pools:  # Cinder's fake driver reports its capacity as "infinite": None
        assert pool.total_gb is None or pool.total_gb >= (pool.free_gb or 0) >= 0
        assert pool.backend_name and pool.storage_protocol and pool.updated
    host = (await cinder.admin.volume(volume.id)).host
    (pool,) = [p for p in pools if p.name == host]
    on_pool = await collect(cinder.admin.volumes_on_host(pool.name, page_size=1))
    assert volume.id in {v.id for v in on_pool} and {v.host for v in on_pool} == {pool.name}
    backend = pool.name.split("#", 1)[0]  # a backend matches its pools' volumes too
    assert volume.id in {v.id for v in await collect(cinder.admin.volumes_on_host(backend))}
    assert await collect(cinder.admin.volumes_on_host(f"nowhere-{RUN}@none")) == []
    with pytest.raises(Forbidden) as caught:
        await cinder.owner.volume_pools()
    assert caught.value.status == 403
    await cinder.drop(volume)


async def test_the_list_filters_by_status_and_project_as_cinder_does(cinder: Cinder) -> None:
    volume = await cinder.reset((await cinder.volume("filtered")).id, "error")
    project = cinder.owner.info.project_id

    async def listed(backend: Any, **filters: Any) -> set[str]:
        return {v.id for v in await collect(backend.volumes(**filters))}

    in_error = await collect(cinder.admin.volumes(all_projects=True, status="error"))
    assert volume.id in {v.id for v in in_error} and {v.status for v in in_error} == {"error"}
    assert volume.id in await listed(cinder.admin, project_id=project, status="error")
    assert volume.id not in await listed(cinder.admin, project_id=project, status="available")
    assert volume.id in await listed(cinder.owner, status="error")
    await cinder.drop(await cinder.reset(volume.id, "available"))
