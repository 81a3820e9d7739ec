"""Volume types and QoS specs, one body for the memory backend and devcloud's real Cinder:
the lists and their pages, a private type's life (extra specs, project access, a project's
default type, a volume of that type, delete), a QoS spec's (keys, association, delete), and
Cinder's refusals in its own words.

Everything made is named `ct-vt-<run>-…` and deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import audited, collect, gone, refused
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import QosSpec, QosSpecSpec, VolumeSpec, VolumeType, VolumeTypeSpec

COVERS = frozenset(
    {
        "volume_types",
        "volume_type",
        "default_volume_type",
        "create_volume_type",
        "update_volume_type",
        "set_volume_type_extra_specs",
        "delete_volume_type",
        "volume_type_access",
        "add_volume_type_access",
        "remove_volume_type_access",
        "project_default_volume_type",
        "set_project_default_volume_type",
        "unset_project_default_volume_type",
        "qos_specs",
        "qos_spec",
        "create_qos_spec",
        "set_qos_spec_keys",
        "delete_qos_spec",
        "qos_associations",
        "associate_qos_spec",
        "disassociate_qos_spec",
    }
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
TYPE = f"ct-vt-{RUN}-gold"
QOS = f"ct-vt-{RUN}-limits"
NOT_ADMIN = "You are not authorized to perform this operation."


def cinder_policy(rule: str) -> str:
    return f"Policy doesn't allow volume_extension:{rule} to be performed."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def private(lab: Lab) -> AsyncIterator[VolumeType]:
    spec = VolumeTypeSpec(
        name=TYPE,
        description="contract",
        is_public=False,
        extra_specs=(("ct:color", "blue"), ("ct:size", "s")),
    )
    made = await lab.admin.create_volume_type(spec)
    try:
        yield made
    finally:
        with contextlib.suppress(BackendError):
            await lab.admin.unset_project_default_volume_type(lab.owner.info.project_id)
        with contextlib.suppress(NotFound):
            await lab.admin.delete_volume_type(made.id)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def qos(lab: Lab) -> AsyncIterator[QosSpec]:
    spec = QosSpecSpec(name=QOS, consumer="front-end", specs=(("read_iops_sec", "100"),))
    made = await lab.admin.create_qos_spec(spec)
    try:
        yield made
    finally:
        with contextlib.suppress(NotFound):
            await lab.admin.delete_qos_spec(made.id, force=True)


async def test_a_created_type_has_what_was_asked(lab: Lab, private: VolumeType) -> None:
    assert private.id and private.name == TYPE and private.description == "contract"
    assert not private.is_public
    assert private.extra_specs == (("ct:color", "blue"), ("ct:size", "s"))
    shown = await lab.admin.volume_type(private.id)
    assert (shown.id, shown.name, shown.extra_specs, shown.qos_specs_id) == (
        private.id,
        TYPE,
        private.extra_specs,
        "",
    )


async def test_the_list_pages_and_only_an_admin_sees_a_private_type(
    lab: Lab, private: VolumeType
) -> None:
    async def both() -> tuple[list[VolumeType], list[list[VolumeType]]]:
        whole = await collect(lab.admin.volume_types())
        return whole, [p async for p in lab.admin.volume_types(page_size=1)]

    whole, pages = await lab.until(
        both, lambda got: got[0] == [t for p in got[1] for t in p], "the same types paged"
    )
    assert {"__DEFAULT__", TYPE} <= {t.name for t in whole}
    assert {len(p) for p in pages} == {1}
    member = await collect(lab.owner.volume_types())
    assert TYPE not in {t.name for t in member} and all(t.is_public for t in member)
    # a member sees the types it may use without their extra specs
    assert all(t.extra_specs == () and t.qos_specs_id == "" for t in member)
    await refused(
        lab.owner.volume_type(private.id),
        NotFound,
        404,
        f"Volume type {private.id} could not be found.",
    )


async def test_the_cloud_default_type_is_named(lab: Lab) -> None:
    default = await lab.admin.default_volume_type()
    assert default is not None and default.is_public
    assert default.name in {t.name for t in await collect(lab.admin.volume_types())}
    member_default = await lab.owner.default_volume_type()
    assert member_default is not None and member_default.id == default.id


async def test_a_second_type_of_the_same_name_is_refused(lab: Lab, private: VolumeType) -> None:
    await refused(
        lab.admin.create_volume_type(VolumeTypeSpec(name=TYPE)),
        Conflict,
        409,
        f"Volume Type {TYPE} already exists.",
    )
    await refused(
        lab.admin.create_volume_type(VolumeTypeSpec(name=f"{TYPE}-x", extra_specs=(("a!", "1"),))),
        BackendError,
        400,
        "'a!' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'",
    )


async def test_description_and_extra_specs_change_only_as_asked(
    lab: Lab, private: VolumeType
) -> None:
    changed = await lab.admin.update_volume_type(private.id, description="contract 2")
    assert (changed.description, changed.is_public) == ("contract 2", False)
    await lab.admin.set_volume_type_extra_specs(private.id, {"ct:size": "m", "ct:color": None})
    shown = await lab.admin.volume_type(private.id)
    assert shown.extra_specs == (("ct:size", "m"),)
    await refused(
        lab.admin.set_volume_type_extra_specs(private.id, {"ct:color": None}),
        NotFound,
        404,
        f"Volume Type {private.id} has no extra specs with key ct:color.",
    )


async def test_project_access_to_a_private_type(lab: Lab, private: VolumeType) -> None:
    project = lab.owner.info.project_id
    assert await lab.admin.volume_type_access(private.id) == []
    await lab.admin.add_volume_type_access(private.id, project)
    (access,) = await lab.admin.volume_type_access(private.id)
    assert (access.volume_type_id, access.project_id) == (private.id, project)
    assert TYPE in {t.name for t in await collect(lab.owner.volume_types())}
    assert (await lab.owner.volume_type(private.id)).name == TYPE
    await refused(
        lab.admin.add_volume_type_access(private.id, project),
        Conflict,
        409,
        f"Volume type access for {private.id} / {project} combination already exists.",
    )
    await lab.admin.remove_volume_type_access(private.id, project)
    assert await lab.admin.volume_type_access(private.id) == []
    await refused(
        lab.admin.remove_volume_type_access(private.id, project),
        NotFound,
        404,
        f"Volume type access not found for {private.id} / {project} combination.",
    )


async def test_a_public_type_has_no_access_list(lab: Lab) -> None:
    public = next(t for t in await collect(lab.admin.volume_types()) if t.name == "__DEFAULT__")
    await refused(
        lab.admin.volume_type_access(public.id),
        NotFound,
        404,
        "Access list not available for public volume types.",
    )
    await refused(
        lab.admin.add_volume_type_access(public.id, lab.owner.info.project_id),
        BackendError,
        400,
        "Invalid volume type: Type access modification is not applicable to public volume type.",
    )


async def test_a_member_may_not_manage_types(lab: Lab, private: VolumeType) -> None:
    member = lab.owner
    await refused(
        member.create_volume_type(VolumeTypeSpec(name=f"{TYPE}-member")),
        Forbidden,
        403,
        cinder_policy("type_create"),
    )
    await refused(
        member.project_default_volume_type(member.info.project_id), Forbidden, 403, NOT_ADMIN
    )
    await refused(
        member.qos_specs().__anext__(), Forbidden, 403, "qos_specs_manage:get_all", anywhere=True
    )


async def test_a_project_default_type_then_a_volume_of_it_then_delete(
    lab: Lab, private: VolumeType
) -> None:
    project = lab.owner.info.project_id
    await lab.admin.add_volume_type_access(private.id, project)
    assert await lab.admin.project_default_volume_type(project) is None
    await lab.admin.set_project_default_volume_type(project, private.id)
    assert await lab.admin.project_default_volume_type(project) == private.id
    owner_default = await lab.owner.default_volume_type()
    assert owner_default is not None and owner_default.id == private.id
    await refused(
        lab.admin.delete_volume_type(private.id),
        BackendError,
        400,
        f"The volume type {private.id} is a default volume type and cannot be deleted.",
    )
    await refused(
        lab.admin.set_project_default_volume_type(project, f"{TYPE}-none"),
        BackendError,
        400,
        f"Volume type with name {TYPE}-none could not be found.",
    )
    await lab.admin.unset_project_default_volume_type(project)
    assert await lab.admin.project_default_volume_type(project) is None

    volume = await lab.owner.create_volume(
        VolumeSpec(name=f"ct-vt-{RUN}-vol", size_gb=1, volume_type=TYPE)
    )
    try:
        made = await lab.until(
            lambda: lab.owner.volume(volume.id), lambda v: v.status == "available", "available"
        )
        assert made.volume_type == TYPE
        await refused(
            lab.admin.delete_volume_type(private.id),
            BackendError,
            400,
            "Target volume type is still in use.",
        )
    finally:
        await lab.owner.delete_volume(volume.id)
        await lab.until(lambda: gone(lab.owner.volume, volume.id), bool, "volume gone")
    await refused(
        lab.owner.create_volume(VolumeSpec(name=f"ct-vt-{RUN}-no", size_gb=1, volume_type="nope")),
        NotFound,
        404,
        "Volume type with name nope could not be found.",
    )


async def test_a_qos_spec_has_what_was_asked_and_its_keys_change(lab: Lab, qos: QosSpec) -> None:
    assert (qos.name, qos.consumer, qos.specs) == (QOS, "front-end", (("read_iops_sec", "100"),))
    assert qos.id in {q.id for q in await collect(lab.admin.qos_specs(page_size=1))}
    await lab.admin.set_qos_spec_keys(
        qos.id, {"write_iops_sec": "50", "consumer": "both", "read_iops_sec": None}
    )
    shown = await lab.admin.qos_spec(qos.id)
    assert (shown.consumer, shown.specs) == ("both", (("write_iops_sec", "50"),))
    await refused(
        lab.admin.set_qos_spec_keys(qos.id, {"nokey": None}),
        NotFound,
        404,
        f"QoS spec {qos.id} has no spec with key nokey.",
    )
    await refused(
        lab.admin.create_qos_spec(QosSpecSpec(name=QOS)),
        Conflict,
        409,
        f"QoS Specs {QOS} already exists.",
    )
    await refused(
        lab.admin.create_qos_spec(QosSpecSpec(name=f"{QOS}-x", consumer="sideways")),
        BackendError,
        400,
        "valid_values=('back-end', 'front-end', 'both'))",
    )
    await refused(lab.admin.qos_spec(f"{QOS}-none"), NotFound, 404, f"No such QoS spec {QOS}-none.")


async def test_a_qos_spec_is_associated_refuses_delete_and_is_forced(
    lab: Lab, qos: QosSpec, private: VolumeType
) -> None:
    assert await lab.admin.qos_associations(qos.id) == []
    await lab.admin.associate_qos_spec(qos.id, private.id)
    (association,) = await lab.admin.qos_associations(qos.id)
    assert (association.id, association.name, association.association_type) == (
        private.id,
        TYPE,
        "volume_type",
    )
    assert (await lab.admin.volume_type(private.id)).qos_specs_id == qos.id
    other = await lab.admin.create_qos_spec(QosSpecSpec(name=f"{QOS}-other"))
    try:
        await refused(
            lab.admin.associate_qos_spec(other.id, private.id),
            BackendError,
            400,
            f"Invalid volume type: Type {private.id} is already associated with another qos "
            f"specs: {qos.id}",
        )
    finally:
        await lab.admin.delete_qos_spec(other.id)
    await lab.admin.disassociate_qos_spec(qos.id, private.id)
    assert await lab.admin.qos_associations(qos.id) == []
    await lab.admin.associate_qos_spec(qos.id, private.id)
    await refused(lab.admin.delete_qos_spec(qos.id), BackendError, 400, "Qos specs still in use.")
    await lab.admin.delete_qos_spec(qos.id, force=True)
    await refused(lab.admin.qos_spec(qos.id), NotFound, 404, f"No such QoS spec {qos.id}.")
    assert (await lab.admin.volume_type(private.id)).qos_specs_id == ""


async def deleted(lab: Lab, type_id: str) -> bool:
    """Whether the delete went through; Cinder counts a deleted volume a moment longer."""
    try:
        await lab.admin.delete_volume_type(type_id)
    except BackendError as exc:
        if "still in use" in exc.message:
            return False
        raise
    return True


async def test_the_type_is_deleted_at_last(lab: Lab, private: VolumeType) -> None:
    await lab.until(lambda: deleted(lab, private.id), bool, "the type deleted")
    await refused(
        lab.admin.volume_type(private.id),
        NotFound,
        404,
        f"Volume type {private.id} could not be found.",
    )


async def test_every_write_is_audited_with_its_outcome(lab: Lab, audit: AuditLog) -> None:
    writes = audited(audit, lab)
    assert ("create-volume-type", "ok") in writes and ("create-volume-type", "409") in writes
    assert ("add-volume-type-access", "409") in writes
    assert ("delete-volume-type", "400") in writes and ("delete-volume-type", "ok") in writes
    assert ("set-project-default-volume-type", "ok") in writes
    assert ("associate-qos-spec", "400") in writes and ("delete-qos-spec", "400") in writes
    assert ("force-delete-qos-spec", "ok") in writes
