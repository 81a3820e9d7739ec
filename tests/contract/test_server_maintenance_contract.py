"""Keeping a server, one body for the memory backend and devcloud's real Nova: metadata and
tags (Nova's limits refused in its words), diagnostics (admin only), a snapshot image in
Glance, rescue and unrescue, rebuild (a new name and key pair, the password kept secret,
preserve-ephemeral failing as libvirt and the fake driver fail, then a rebuild out of
ERROR), Nova's state rules, the audit log, and read-only refusing every write.

One server is booted per cloud by the project member and reused; it and the images made are
deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import audited, collect, gone, named, policy, refused, settled
from tui.backend import states
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound, ReadOnlyError
from tui.backend.models import BootSpec, Server

COVERS = frozenset(
    {
        "rebuild_server",
        "create_server_image",
        "rescue_server",
        "unrescue_server",
        "update_server_metadata",
        "set_server_tags",
        "server_diagnostics",
    }
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
NAME = f"ct-keep-{RUN}"
PASSWORD = f"Rebuild-{RUN}-secret"
RESCUE_PASSWORD = f"Rescue-{RUN}-secret"
PRESERVE_EPHEMERAL = "The current driver does not support preserving ephemeral partitions."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def kept(lab: Lab) -> AsyncIterator[Server]:
    """One ACTIVE server booted by the project member, deleted at the end."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(name=NAME, flavor_id=flavor.id, image_id=image.id, network_ids=lab.network_ids)
    booted = await lab.owner.create_servers(spec)
    started = time.monotonic()
    try:
        server = await settled(lab, booted[0].id, "ACTIVE")
        print(f"\n{lab.name}: {NAME} ACTIVE after {time.monotonic() - started:.1f}s")
        yield server
    finally:
        for s in booted:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(s.id, "delete")
        for s in booted:
            await lab.until(lambda s=s: gone(lab.admin.server, s.id), bool, "delete")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def images(lab: Lab) -> AsyncIterator[list[str]]:
    """The ids of the images the tests make, deleted at the end."""
    made: list[str] = []
    try:
        yield made
    finally:
        for image_id in made:
            with contextlib.suppress(NotFound):
                await lab.admin.delete_image(image_id)


# -- metadata and tags -------------------------------------------------------------------------


async def test_metadata_is_merged_and_deleted_key_by_key(lab: Lab, kept: Server) -> None:
    after = await lab.owner.update_server_metadata(kept.id, {"role": "web", "tier": "a,b"})
    assert after == {"role": "web", "tier": "a,b"}
    after = await lab.owner.update_server_metadata(kept.id, {"tier": None, "owner": "ops team"})
    assert after == {"role": "web", "owner": "ops team"}
    shown = await lab.owner.server(kept.id)
    assert shown.raw["metadata"] == {"role": "web", "owner": "ops team"}


async def test_metadata_beyond_novas_rules_is_refused_in_its_words(lab: Lab, kept: Server) -> None:
    await refused(
        lab.owner.update_server_metadata(kept.id, {"bad=key": "1"}),
        BackendError,
        400,
        "'bad=key' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'",
        operation="set-server-metadata",
    )
    await refused(
        lab.owner.update_server_metadata(kept.id, {"long": "v" * 256}),
        BackendError,
        400,
        f"'{'v' * 256}' is too long",
    )
    await refused(
        lab.owner.update_server_metadata(kept.id, {"no-such-key": None}),
        NotFound,
        404,
        "Metadata item was not found",
        operation="unset-server-metadata",
    )
    assert (await lab.owner.server(kept.id)).raw["metadata"] == {"role": "web", "owner": "ops team"}


async def test_tags_are_replaced_sorted_without_duplicates(lab: Lab, kept: Server) -> None:
    assert await lab.owner.set_server_tags(kept.id, ["web", "prod", "web", "a b"]) == [
        "a b",
        "prod",
        "web",
    ]
    assert (await lab.owner.server(kept.id)).raw["tags"] == ["a b", "prod", "web"]
    await refused(
        lab.owner.set_server_tags(kept.id, ["a/b"]),
        BackendError,
        400,
        "Invalid input for field/attribute 0. Value: a/b. 'a/b' does not match '^[^,/]*$'",
        operation="set-server-tags",
    )
    await refused(lab.owner.set_server_tags(kept.id, ["x" * 61]), BackendError, 400, "is too long")
    assert await lab.owner.set_server_tags(kept.id, []) == []
    assert await lab.owner.set_server_tags(kept.id, ["prod"]) == ["prod"]


# -- diagnostics -------------------------------------------------------------------------------


async def test_diagnostics_show_the_drivers_view_to_an_admin(lab: Lab, kept: Server) -> None:
    found = await lab.admin.server_diagnostics(kept.id)
    assert found.state == "running" and found.driver and found.hypervisor
    assert found.uptime is not None and found.config_drive is not None
    assert found.num_cpus == len(found.cpus) >= 1
    assert found.num_nics == len(found.nics) == 1
    assert found.num_disks == len(found.disks) >= 1
    assert found.memory_max_mb is not None
    assert all(c.time_ns is not None for c in found.cpus)
    assert all(n.mac_address and n.rx_octets is not None for n in found.nics)
    assert not found.empty


async def test_diagnostics_need_admin(lab: Lab, kept: Server) -> None:
    await refused(
        lab.owner.server_diagnostics(kept.id),
        Forbidden,
        403,
        policy("os_compute_api:os-server-diagnostics"),
        operation="show server diagnostics",
    )


# -- a snapshot image --------------------------------------------------------------------------


async def test_a_snapshot_image_shows_in_glance_with_novas_properties(
    lab: Lab, kept: Server, images: list[str]
) -> None:
    image_id = await lab.owner.create_server_image(kept.id, f"{NAME}-snap", {"purpose": "ct"})
    images.append(image_id)
    image = await lab.owner.image(image_id)
    assert image.name == f"{NAME}-snap"
    assert image.owner == lab.owner.info.project_id and image.visibility == "private"
    assert image.raw["image_type"] == "snapshot"
    assert image.raw["instance_uuid"] == kept.id
    assert image.raw["purpose"] == "ct"
    assert image.raw["base_image_ref"] == kept.image
    assert image.status in ("queued", "saving", "active")
    assert image_id in {i.id for i in await collect(lab.owner.images())}
    done = await settled(lab, kept.id, "ACTIVE")  # the snapshot task is over
    assert done.task_state == ""
    # the fake driver uploads nothing (queued); a real one (and the memory cloud) does
    assert (await lab.owner.image(image_id)).status in ("queued", "active")


# -- rescue ------------------------------------------------------------------------------------


async def test_rescue_then_unrescue(lab: Lab, kept: Server) -> None:
    server = await settled(lab, kept.id, "ACTIVE")
    message = states.conflict_message("unrescue", server)
    assert message is not None
    await refused(lab.owner.unrescue_server(kept.id), Conflict, 409, message, operation="unrescue")
    await lab.owner.rescue_server(kept.id, admin_password=RESCUE_PASSWORD)
    rescued = await settled(lab, kept.id, "RESCUE")
    assert rescued.vm_state == "rescued"
    # a rescued server cannot be rebuilt: Nova's state rule, in its words
    message = states.conflict_message("rebuild", rescued)
    assert message == f"Cannot 'rebuild' instance {kept.id} while it is in vm_state rescued"
    await refused(lab.owner.rebuild_server(kept.id, kept.image), Conflict, 409, message)
    await lab.owner.unrescue_server(kept.id)
    back = await settled(lab, kept.id, "ACTIVE")
    assert back.host == kept.host


async def test_a_rescue_image_nova_cannot_find_is_refused(lab: Lab, kept: Server) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    await refused(
        lab.owner.rescue_server(kept.id, image_id=missing),
        BackendError,
        400,
        f"Requested rescue image '{missing}' is not supported",
    )


# -- rebuild -----------------------------------------------------------------------------------


async def test_rebuild_keeps_the_server_and_takes_name_and_key_pair(lab: Lab, kept: Server) -> None:
    pair = (await collect(lab.owner.keypairs()))[0]
    await lab.owner.rebuild_server(
        kept.id, kept.image, name=f"{NAME}-rb", admin_password=PASSWORD, key_name=pair.name
    )
    seen: set[str] = set()

    async def fetch() -> Server:
        server = await lab.admin.server(kept.id)
        seen.add(server.status)
        return server

    rebuilt = await lab.until(fetch, lambda s: s.status == "ACTIVE" and not s.task_state, "rebuilt")
    assert (rebuilt.id, rebuilt.name, rebuilt.key_name) == (kept.id, f"{NAME}-rb", pair.name)
    assert rebuilt.image == kept.image and rebuilt.addresses == kept.addresses
    assert "REBUILD" in seen or lab.real  # devcloud may be done before the first poll
    assert lab.owner.secrets.redact(f"pw {PASSWORD}") == "pw ****"


async def test_rebuild_refusals_in_novas_words(lab: Lab, kept: Server) -> None:
    await refused(
        lab.owner.rebuild_server(kept.id, "00000000-0000-0000-0000-000000000000"),
        BackendError,
        400,
        "Cannot find image for rebuild",
        operation="rebuild",
    )
    await refused(
        lab.owner.rebuild_server(kept.id, kept.image, key_name=f"no-key-{RUN}"),
        BackendError,
        400,
        "Invalid key_name provided.",
    )


async def test_preserving_the_ephemeral_disk_fails_then_a_rebuild_mends_it(
    lab: Lab, kept: Server
) -> None:
    await lab.owner.rebuild_server(kept.id, kept.image, preserve_ephemeral=True)
    failed = await settled(lab, kept.id, "ERROR")
    assert failed.raw["fault"]["message"] == PRESERVE_EPHEMERAL
    # ERROR allows a rebuild (and removing the key pair): back to ACTIVE, the fault gone
    await lab.owner.rebuild_server(kept.id, kept.image, key_name="")
    mended = await lab.until(
        lambda: lab.admin.server(kept.id),
        lambda s: s.status == "ACTIVE" and not s.task_state,
        "rebuilt out of ERROR",
    )
    assert mended.key_name == "" and "fault" not in mended.raw


# -- the audit log and read-only ---------------------------------------------------------------


async def test_the_audit_log_holds_every_write_and_no_password(
    lab: Lab, audit: AuditLog, kept: Server
) -> None:
    records = [(a, r) for a, r in audited(audit, lab) if a != "boot"]
    assert records == [
        ("set-server-metadata", "ok"),
        ("set-server-metadata", "ok"),
        ("unset-server-metadata", "ok"),
        ("set-server-metadata", "400"),
        ("set-server-metadata", "400"),
        ("unset-server-metadata", "404"),
        ("set-server-tags", "ok"),
        ("set-server-tags", "400"),
        ("set-server-tags", "400"),
        ("set-server-tags", "ok"),
        ("set-server-tags", "ok"),
        ("create-server-image", "ok"),
        ("unrescue", "409"),
        ("rescue", "ok"),
        ("rebuild", "409"),
        ("unrescue", "ok"),
        ("rescue", "400"),
        ("rebuild", "ok"),
        ("rebuild", "400"),
        ("rebuild", "400"),
        ("rebuild", "ok"),
        ("rebuild", "ok"),
    ], records
    text = audit.path.read_text(encoding="utf-8")
    assert PASSWORD not in text and RESCUE_PASSWORD not in text


async def test_read_only_refuses_every_write_without_sending(
    lab: Lab, kept: Server, tmp_path: Path
) -> None:
    if lab.real:
        from tui.backend.openstack import OpenStackBackend

        backend = OpenStackBackend("devcloud-demo", read_only=True)
    else:
        from tui.backend.memory import MemoryBackend

        backend = MemoryBackend(read_only=True)
    writes = [
        backend.rebuild_server(kept.id, kept.image, admin_password="never-sent-1"),
        backend.create_server_image(kept.id, "never"),
        backend.rescue_server(kept.id),
        backend.unrescue_server(kept.id),
        backend.update_server_metadata(kept.id, {"a": "b"}),
        backend.set_server_tags(kept.id, ["never"]),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyError) as caught:
            await write
        assert "was not sent" in caught.value.message
    if lab.real:
        assert backend._conn is None  # not even authenticated: nothing went out
    else:
        assert backend.writes == []
    await backend.close()
