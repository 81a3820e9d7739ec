"""Keypairs, one body for the memory backend and devcloud's real Nova: a user's own (import,
list, delete), an admin's work on another user's, and Nova's refusals in its own words — a
duplicate name, a key Nova cannot read, a name it does not allow, a member reaching for
another user's keypairs.

Every keypair is named `ct-keys-<run>-...` and deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import audited, collect, policy, refused
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import Keypair
from tui.keypair_files import fingerprint, generate

COVERS = frozenset({"keypairs", "import_keypair", "delete_keypair"})

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
MINE = f"ct-keys-{RUN}-mine"
FOR_MEMBER = f"ct-keys-{RUN}-for.member@admin"
PUBLIC = generate("ed25519", "contract")[1]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def mine(lab: Lab) -> AsyncIterator[Keypair]:
    """The member's own keypair, imported once per cloud."""
    made = await lab.owner.import_keypair(MINE, PUBLIC)
    try:
        yield made
    finally:
        with contextlib.suppress(NotFound):
            await lab.owner.delete_keypair(MINE)


async def test_an_imported_key_is_the_user_s_with_nova_s_fingerprint(
    lab: Lab, mine: Keypair
) -> None:
    assert (mine.name, mine.type, mine.public_key) == (MINE, "ssh", PUBLIC)
    assert mine.fingerprint == fingerprint(PUBLIC)
    assert mine.user_id == lab.owner.info.user_id
    listed = {k.name: k for k in await collect(lab.owner.keypairs())}
    assert listed[MINE] == mine
    assert all(k.fingerprint and k.type in ("ssh", "x509") for k in listed.values())
    assert {k.user_id for k in listed.values()} == {lab.owner.info.user_id}
    # keypairs are the user's, not the project's: the admin (another user) has not this one
    assert MINE not in {k.name for k in await collect(lab.admin.keypairs())}


async def test_a_second_key_of_the_same_name_is_refused(lab: Lab, mine: Keypair) -> None:
    await refused(
        lab.owner.import_keypair(MINE, PUBLIC),
        Conflict,
        409,
        f"Key pair '{MINE}' already exists.",
        operation="import-keypair",
    )


async def test_a_key_nova_cannot_read_is_refused(lab: Lab) -> None:
    blob = PUBLIC.split()[1]
    for bad in ("ssh-rsa garbage", f"ssh-rsa {blob}", "not a key at all"):
        await refused(
            lab.owner.import_keypair(f"ct-keys-{RUN}-bad", bad),
            BackendError,
            400,
            "Keypair data is invalid: failed to generate fingerprint",
        )


async def test_nova_reads_the_key_before_it_looks_for_the_name(lab: Lab, mine: Keypair) -> None:
    await refused(
        lab.owner.import_keypair(MINE, "ssh-rsa garbage"),
        BackendError,
        400,
        "Keypair data is invalid: failed to generate fingerprint",
    )


async def test_names_nova_does_not_allow_are_refused(lab: Lab) -> None:
    name = f"ct-keys-{RUN}/slash"
    await refused(
        lab.owner.import_keypair(name, PUBLIC),
        BackendError,
        400,
        f"Invalid input for field/attribute name. Value: {name}. "
        f"'{name}' does not match '^[_\\\\-\\\\@\\\\. a-zA-Z0-9]+$'",
    )
    await refused(
        lab.owner.import_keypair("", PUBLIC),
        BackendError,
        400,
        "Invalid input for field/attribute name. Value: . '' should be non-empty",
    )


async def test_an_admin_works_on_another_user_s_keypairs(lab: Lab) -> None:
    member = lab.owner.info.user_id
    made = await lab.admin.import_keypair(FOR_MEMBER, PUBLIC, user_id=member)
    try:
        assert (made.name, made.user_id) == (FOR_MEMBER, member)
        theirs = {k.name: k for k in await collect(lab.admin.keypairs(user_id=member))}
        assert theirs[FOR_MEMBER].user_id == member
        assert theirs[FOR_MEMBER].fingerprint == fingerprint(PUBLIC)
        assert FOR_MEMBER in {k.name for k in await collect(lab.owner.keypairs())}
        assert FOR_MEMBER not in {k.name for k in await collect(lab.admin.keypairs())}
        await refused(
            lab.admin.delete_keypair(FOR_MEMBER),
            NotFound,
            404,
            f"Keypair {FOR_MEMBER} not found for user {lab.admin.info.user_id}",
        )
    finally:
        with contextlib.suppress(NotFound):
            await lab.admin.delete_keypair(FOR_MEMBER, user_id=member)
    assert FOR_MEMBER not in {k.name for k in await collect(lab.owner.keypairs())}
    await refused(
        lab.admin.delete_keypair(FOR_MEMBER, user_id=member),
        NotFound,
        404,
        f"Keypair {FOR_MEMBER} not found for user {member}",
        operation="delete-keypair",
    )


async def test_a_member_may_not_reach_another_user_s_keypairs(lab: Lab, mine: Keypair) -> None:
    admin = lab.admin.info.user_id
    await refused(
        collect(lab.owner.keypairs(user_id=admin)),
        Forbidden,
        403,
        policy("os_compute_api:os-keypairs:index"),
        operation="list keypairs",
    )
    await refused(
        lab.owner.import_keypair(f"ct-keys-{RUN}-theirs", PUBLIC, user_id=admin),
        Forbidden,
        403,
        policy("os_compute_api:os-keypairs:create"),
    )
    await refused(  # the body is checked before the policy
        lab.owner.import_keypair("", PUBLIC, user_id=admin),
        BackendError,
        400,
        "Invalid input for field/attribute name. Value: . '' should be non-empty",
    )
    await refused(
        lab.owner.delete_keypair(MINE, user_id=admin),
        Forbidden,
        403,
        policy("os_compute_api:os-keypairs:delete"),
    )
    # naming oneself is no other user
    assert MINE in {k.name for k in await collect(lab.owner.keypairs(user_id=mine.user_id))}


async def test_a_deleted_keypair_is_gone(lab: Lab) -> None:
    name = f"ct-keys-{RUN}-brief"
    await lab.owner.import_keypair(name, PUBLIC)
    await lab.owner.delete_keypair(name)
    assert name not in {k.name for k in await collect(lab.owner.keypairs())}
    await refused(
        lab.owner.delete_keypair(name),
        NotFound,
        404,
        f"Keypair {name} not found for user {lab.owner.info.user_id}",
    )


async def test_every_keypair_write_and_refusal_is_audited(lab: Lab, audit: AuditLog) -> None:
    records = [r for r in audited(audit, lab) if "keypair" in r[0]]
    assert ("import-keypair", "ok") in records
    assert ("import-keypair", "409") in records
    assert ("import-keypair", "400") in records
    assert ("import-keypair", "403") in records
    assert ("delete-keypair", "ok") in records
    assert ("delete-keypair", "404") in records
    assert all(PUBLIC.split()[1] not in line for line in audit.path.read_text().splitlines())
