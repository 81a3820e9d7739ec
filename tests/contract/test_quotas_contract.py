"""Per-project quotas of Nova, Neutron and Cinder, one body for the memory backend and
devcloud: limits with usage and defaults, an update per service and back (audited), each
service's refusals in its own words, and what a project member may see and not change.

Updates go to a project made for the module (`ct-net-<run>-quotas`, deleted at the end), so
no other session's quotas move; the refusal below usage is asked of the member's project,
whose limits it leaves as they were.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import refused, undo
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Forbidden
from tui.backend.models import Project, ProjectSpec, QuotaUsage

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset({"quotas", "quota_defaults", "update_quotas"})

RUN = uuid.uuid4().hex[:6]
SERVICES = {"compute", "network", "block-storage"}
# one resource per service nothing here uses, to move and put back
PICKS = {"compute": "server_groups", "network": "rbac_policy", "block-storage": "backups"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def project(lab: Lab) -> AsyncIterator[Project]:
    made = await lab.admin.create_project(ProjectSpec(name=f"ct-net-{RUN}-quotas"))
    try:
        yield made
    finally:
        await undo([lab.admin.delete_project(made)])


def by_id(rows: list[QuotaUsage]) -> dict[str, QuotaUsage]:
    return {r.id: r for r in rows}


async def test_a_projects_quotas_with_usage_and_defaults(lab: Lab, project: Project) -> None:
    rows = by_id(await lab.admin.quotas(lab.owner.info.project_id))
    assert {r.service for r in rows.values()} == SERVICES
    assert {"compute/instances", "compute/cores", "network/port", "block-storage/volumes"} <= set(
        rows
    )
    assert "compute/fixed_ips" not in rows, "asked at 2.57+: no proxied network quotas"
    assert rows["network/security_group"].in_use >= 1  # every project has its default group
    assert all(r.default is not None and r.limit >= -1 for r in rows.values())
    defaults = by_id(await lab.admin.quota_defaults(lab.owner.info.project_id))
    assert set(defaults) <= set(rows)
    assert all(rows[key].default == row.limit for key, row in defaults.items())
    # a new project has the defaults and uses nothing
    fresh = by_id(await lab.admin.quotas(project.id))
    assert all(r.limit == r.default and not r.differs for r in fresh.values())
    assert all(fresh[key].in_use == 0 for key in ("compute/instances", "network/port"))


async def test_an_unknown_project_has_no_quotas(lab: Lab, project: Project) -> None:
    nobody = "0000000000000000000000000000dead"
    await refused(
        lab.admin.quotas(nobody), BackendError, 400, f"Project ID {nobody} is not a valid project."
    )


async def test_one_limit_per_service_and_back(lab: Lab, project: Project, audit: AuditLog) -> None:
    before = by_id(await lab.admin.quotas(project.id))
    try:
        for service, resource in PICKS.items():
            limit = before[f"{service}/{resource}"].limit
            await lab.admin.update_quotas(service, project.id, {resource: limit + 7})
        after = by_id(await lab.admin.quotas(project.id))
        for service, resource in PICKS.items():
            key = f"{service}/{resource}"
            assert after[key].limit == before[key].limit + 7 and after[key].differs
            assert after[key].default == before[key].default
        unchanged = set(after) - {f"{s}/{r}" for s, r in PICKS.items()}
        assert all(after[key].limit == before[key].limit for key in unchanged)
    finally:
        for service, resource in PICKS.items():
            limit = before[f"{service}/{resource}"].limit
            await lab.admin.update_quotas(service, project.id, {resource: limit})
    restored = by_id(await lab.admin.quotas(project.id))
    assert all(restored[key].limit == row.limit for key, row in before.items())
    mine = [(r.action, r.target, r.result) for r in audit.records() if project.id in r.target]
    assert [(action, result) for action, _, result in mine] == [("update-quotas", "ok")] * 6
    assert f"compute quotas of project {project.id}: server_groups=" in mine[0][1]


async def test_each_service_refuses_a_bad_limit_in_its_words(lab: Lab, project: Project) -> None:
    cases = {
        "compute": (
            {"instances": -2},
            "Invalid input for field/attribute instances. Value: -2. -2 is less than the "
            "minimum of -1",
        ),
        "network": (
            {"floatingip": -2},
            "Invalid input for floatingip. Reason: '-2' is too small - must be at least '-1'.",
        ),
        "block-storage": ({"volumes": -2}, "volumes must be >= -1"),
    }
    unknown = {
        "compute": "Invalid input for field/attribute quota_set. Value: {'nope': 3}. "
        "Additional properties are not allowed ('nope' was unexpected)",
        "network": "Unrecognized attribute(s) 'nope'",
        "block-storage": "Invalid input received: Bad key(s) in quota set: nope",
    }
    for service, (limits, words) in cases.items():
        call = lab.admin.update_quotas(service, project.id, limits)
        await refused(call, BackendError, 400, words, operation="update-quotas")
        call = lab.admin.update_quotas(service, project.id, {"nope": 3})
        await refused(call, BackendError, 400, unknown[service], operation="update-quotas")
    assert by_id(await lab.admin.quotas(project.id))["compute/instances"].differs is False


async def test_a_limit_below_usage_is_refused(lab: Lab, project: Project) -> None:
    member = lab.owner.info.project_id
    groups = by_id(await lab.admin.quotas(member))["network/security_group"]
    try:
        await refused(
            lab.admin.update_quotas("network", member, {"security_group": 0}),
            BackendError,
            400,
            "Quota limit 0 for security_group must be greater than or equal to already used "
            f"{groups.in_use}",
        )
    finally:  # had it been taken, the member's limit goes back
        now = by_id(await lab.admin.quotas(member))["network/security_group"]
        if now.limit != groups.limit:
            await lab.admin.update_quotas("network", member, {"security_group": groups.limit})


async def test_a_member_sees_its_own_quotas_and_changes_none(lab: Lab, project: Project) -> None:
    member = lab.owner
    own = await member.quotas(member.info.project_id)
    assert {r.service for r in own} == SERVICES and any(r.in_use for r in own)
    assert await member.quota_defaults(member.info.project_id)
    # the services are asked at once: whichever refuses first is the answer
    nova = "Policy doesn't allow os_compute_api:os-quota-sets:detail to be performed."
    neutron = "rule:get_quota is disallowed by policy"
    cinder = "Policy doesn't allow volume_extension:quotas:show to be performed."
    neutron_details = "Only admin is authorized to access quotas for another project."
    error = await refused(member.quotas(project.id), Forbidden, 403, "")
    assert error.message.endswith((nova, neutron_details, cinder)), error.message
    error = await refused(member.quota_defaults(project.id), Forbidden, 403, "")
    assert error.message.endswith((neutron, cinder)), error.message  # Nova's are public
    for service, words in (
        ("compute", "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed."),
        ("network", "rule:update_quota is disallowed by policy"),
        ("block-storage", "Policy doesn't allow volume_extension:quotas:update to be performed."),
    ):
        call = member.update_quotas(service, member.info.project_id, {PICKS[service]: 10})
        await refused(call, Forbidden, 403, words, operation="update-quotas")
