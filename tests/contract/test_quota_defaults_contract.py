"""Quota defaults (Nova's and Cinder's quota class ``default``), the projects whose limits
differ from them, and a project's ports: one body for the memory backend and devcloud.

The defaults are the cloud's, shared with every other session: a change raises a limit
nothing uses by 7 and is put back in a ``finally``. Overrides are set on a project made for
the module (deleted at the end, its limits put back first).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import collect, refused, undo
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Forbidden
from tui.backend.models import Project, ProjectSpec, QuotaUsage
from tui.backend.quota_classes import NO_NEUTRON_CLASSES, QuotaScan

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset({"update_quota_defaults", "quota_overrides", "ports"})

RUN = uuid.uuid4().hex[:6]
# defaults nothing depends on, raised (never lowered) while a test runs
DEFAULT_PICKS = {"compute": "metadata_items", "block-storage": "backup_gigabytes"}
# a project's limits to set apart from the defaults
OVERRIDE_PICKS = {"compute": "server_groups", "network": "rbac_policy", "block-storage": "backups"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def project(lab: Lab) -> AsyncIterator[Project]:
    made = await lab.admin.create_project(ProjectSpec(name=f"ct-net-{RUN}-qdefaults"))
    try:
        yield made
    finally:
        await undo([lab.admin.delete_project(made)])


def by_id(rows: list[QuotaUsage]) -> dict[str, QuotaUsage]:
    return {r.id: r for r in rows}


async def test_the_defaults_change_and_projects_follow(
    lab: Lab, project: Project, audit: AuditLog
) -> None:
    own = lab.admin.info.project_id
    start = len(audit.records())
    before = by_id(await lab.admin.quota_defaults(own))
    try:
        for service, resource in DEFAULT_PICKS.items():
            limit = before[f"{service}/{resource}"].limit
            await lab.admin.update_quota_defaults(service, {resource: limit + 7})
        after = by_id(await lab.admin.quota_defaults(own))
        fresh = by_id(await lab.admin.quotas(project.id))
        for service, resource in DEFAULT_PICKS.items():
            key = f"{service}/{resource}"
            assert after[key].limit == before[key].limit + 7
            # a project without a limit of its own has the new default, and says it is one
            assert fresh[key].limit == fresh[key].default == after[key].limit
            assert not fresh[key].differs
        untouched = set(after) - {f"{s}/{r}" for s, r in DEFAULT_PICKS.items()}
        assert all(after[k].limit == before[k].limit for k in untouched)
    finally:
        for service, resource in DEFAULT_PICKS.items():
            limit = before[f"{service}/{resource}"].limit
            await lab.admin.update_quota_defaults(service, {resource: limit})
    restored = by_id(await lab.admin.quota_defaults(own))
    assert all(restored[k].limit == row.limit for k, row in before.items())
    mine = [(r.action, r.target, r.result) for r in audit.records()[start:]]
    assert [(a, result) for a, _, result in mine] == [("update-quota-defaults", "ok")] * 4
    assert mine[0][1] == (
        "compute default quotas (quota class default): "
        f"metadata_items={before['compute/metadata_items'].limit + 7}"
    )


async def test_neutron_defaults_are_refused_without_a_request(lab: Lab, audit: AuditLog) -> None:
    sent = len(audit.records())
    with pytest.raises(BackendError) as caught:
        await lab.admin.update_quota_defaults("network", {"port": 600})
    assert caught.value.message == NO_NEUTRON_CLASSES and caught.value.status is None
    assert len(audit.records()) == sent


async def test_bad_defaults_are_refused_in_each_services_words(lab: Lab) -> None:
    too_low = (
        "Invalid input for field/attribute {key}. Value: -2. -2 is less than the minimum of -1"
    )
    cases = {
        "compute": (
            "instances",
            "Invalid input for field/attribute quota_class_set. Value: {'nope': 3}. "
            "Additional properties are not allowed ('nope' was unexpected)",
        ),
        "block-storage": ("volumes", "Invalid input received: Bad key(s) in quota class set: nope"),
    }
    for service, (key, unknown) in cases.items():
        call = lab.admin.update_quota_defaults(service, {key: -2})
        await refused(
            call, BackendError, 400, too_low.format(key=key), operation="update-quota-defaults"
        )
        call = lab.admin.update_quota_defaults(service, {"nope": 3})
        await refused(call, BackendError, 400, unknown, operation="update-quota-defaults")


async def test_a_member_may_change_no_default(lab: Lab) -> None:
    for service, words in (
        (
            "compute",
            "Policy doesn't allow os_compute_api:os-quota-class-sets:update to be performed.",
        ),
        (
            "block-storage",
            "Policy doesn't allow volume_extension:quota_classes:update to be performed.",
        ),
    ):
        call = lab.owner.update_quota_defaults(service, {DEFAULT_PICKS[service]: 99999})
        await refused(call, Forbidden, 403, words, operation="update-quota-defaults")


def counting(backend: Any) -> list[str]:
    """The requests a real backend sends from now on (method and path); [] for memory."""
    sent: list[str] = []
    original = getattr(backend, "_request", None)
    if original is None:
        return sent

    def request(method: str, service: str, path: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(f"{method} {service} {path}")
        return original(method, service, path, *args, **kwargs)

    backend._request = request
    return sent


async def test_projects_whose_limits_differ_from_the_defaults(lab: Lab, project: Project) -> None:
    before = by_id(await lab.admin.quotas(project.id))
    try:
        for service, resource in OVERRIDE_PICKS.items():
            limit = before[f"{service}/{resource}"].limit
            await lab.admin.update_quotas(service, project.id, {resource: limit + 7})
        scan = QuotaScan()
        sent = counting(lab.admin)
        try:
            rows = await collect(lab.admin.quota_overrides(scan))
        finally:
            lab.admin.__dict__.pop("_request", None)
        ours = {(r.service, r.resource): r for r in rows if r.project_id == project.id}
        assert set(ours) == set(OVERRIDE_PICKS.items())
        for (service, resource), row in ours.items():
            default = before[f"{service}/{resource}"].default
            assert (row.limit, row.default) == (default + 7, default)
            assert row.project == project.name
        assert all(r.limit != r.default for r in rows)
        assert scan.done and scan.read == scan.projects >= 3 and not scan.skipped
        assert scan.listed == ["network"] and set(scan.per_project) == {"compute", "block-storage"}
        if lab.real:  # no more requests than needed: one listing and defaults, two per project
            assert len(sent) == 1 + 3 + 1 + 2 * scan.projects, sent
            assert sum("/os-quota-sets/" in s and "defaults" not in s for s in sent) == 2 * (
                scan.projects
            )
    finally:
        for service, resource in OVERRIDE_PICKS.items():
            limit = before[f"{service}/{resource}"].limit
            await lab.admin.update_quotas(service, project.id, {resource: limit})


async def test_a_member_may_not_list_the_overrides(lab: Lab) -> None:
    error = await refused(collect(lab.owner.quota_overrides()), Forbidden, 403, "")
    neutron = "rule:get_quota is disallowed by policy"
    keystone = "identity:list_projects"
    assert neutron in error.message or keystone in error.message, error.message


async def test_the_ports_of_one_project(lab: Lab) -> None:
    member = lab.owner.info.project_id
    ports = await collect(lab.admin.ports(project_id=member))
    assert ports and {p.project_id for p in ports} == {member}
    every = await collect(lab.admin.ports())
    assert {p.id for p in ports} == {p.id for p in every if p.project_id == member}
    assert await collect(lab.owner.ports(project_id=lab.admin.info.project_id)) == []
