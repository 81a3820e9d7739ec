"""Keystone, one body for the memory backend and devcloud's real Keystone: projects and users
from creation to deletion, passwords, roles and their assignments, the catalog, our token,
and what Keystone's default policy refuses a project member.

Every project and user made here is named `ct-net-<run>-...` and deleted at the end, also on
failure.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import collect, refused, undo
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import Project, ProjectSpec, User, UserSpec

pytestmark = pytest.mark.asyncio(loop_scope="module")

# the protocol methods this module pins
PINNED = """
projects project project_name_map create_project update_project delete_project users user
create_user update_user set_user_password delete_user roles role_assignments grant_role
revoke_role catalog_services endpoints token_info
"""
COVERS = frozenset(PINNED.split())

RUN = uuid.uuid4().hex[:6]
NOBODY = "0000000000000000000000000000dead"


def denied(rule: str) -> str:
    return f"You are not authorized to perform the requested action: identity:{rule}."


class Made:
    """What a test made, deleted at the end of the module (users first)."""

    def __init__(self) -> None:
        self.projects: list[Project] = []
        self.users: list[User] = []


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def made(lab: Lab) -> AsyncIterator[Made]:
    made = Made()
    try:
        yield made
    finally:
        await undo(lab.admin.delete_user(user) for user in made.users)
        await undo(lab.admin.delete_project(p) for p in reversed(made.projects))


async def new_project(
    lab: Lab, made: Made, suffix: str, description: str = "", parent_id: str = ""
) -> Project:
    name = f"ct-net-{RUN}-{suffix}"
    spec = ProjectSpec(name=name, description=description, parent_id=parent_id)
    project = await lab.admin.create_project(spec)
    made.projects.append(project)
    return project


async def new_user(
    lab: Lab, made: Made, suffix: str, email: str = "", default_project_id: str = ""
) -> User:
    name, password = f"ct-net-{RUN}-{suffix}", f"pw-{RUN}-{suffix}"
    spec = UserSpec(name, password, email=email, default_project_id=default_project_id)
    user = await lab.admin.create_user(spec)
    made.users.append(user)
    return user


# -- projects --------------------------------------------------------------------------------


async def test_a_project_from_creation_to_deletion(lab: Lab, made: Made) -> None:
    project = await new_project(lab, made, "life", description="made by the contract")
    assert (project.name, project.description, project.enabled) == (
        f"ct-net-{RUN}-life",
        "made by the contract",
        True,
    )
    assert project.domain_id == "default" and project.parent_id == "default"
    listed = [p for p in await collect(lab.admin.projects()) if p.id == project.id]
    assert listed == [project] and await lab.admin.project(project.id) == project

    changed = await lab.admin.update_project(project, enabled=False, description="parked")
    assert (changed.enabled, changed.description, changed.name) == (False, "parked", project.name)
    assert await lab.admin.project(project.id) == changed

    await lab.admin.delete_project(project)
    gone = f"Could not find project: {project.id}."
    await refused(lab.admin.project(project.id), NotFound, 404, gone)
    await refused(
        lab.admin.delete_project(project), NotFound, 404, gone, operation="delete-project"
    )
    await refused(lab.admin.update_project(project, enabled=True), NotFound, 404, gone)


async def test_the_name_map_names_the_listed_projects(lab: Lab, made: Made) -> None:
    # (the real backend fetches it once per session: projects made since may be missing)
    names = await lab.admin.project_name_map()
    listed = {p.id: p.name for p in await collect(lab.admin.projects())}
    both = set(names) & set(listed)
    assert lab.admin.info.project_id in both and lab.owner.info.project_id in both
    assert all(names[ident] == listed[ident] for ident in both)


async def test_a_project_name_is_taken_once_per_domain(lab: Lab, made: Made) -> None:
    project = await new_project(lab, made, "taken")
    error = await refused(
        lab.admin.create_project(ProjectSpec(name=project.name)), Conflict, 409, ""
    )
    assert (
        "Conflict occurred attempting to store project - it is not permitted to have two "
        f"projects with either the same name or same id in the same domain: name is "
        f"{project.name}, project id "
    ) in error.message


async def test_a_parent_is_deleted_after_its_children(lab: Lab, made: Made) -> None:
    parent = await new_project(lab, made, "parent")
    child = await new_project(lab, made, "child", parent_id=parent.id)
    assert child.parent_id == parent.id
    await refused(
        lab.admin.delete_project(parent),
        Forbidden,
        403,
        f"Cannot delete the project {parent.id} since it is not a leaf in the hierarchy. "
        "Use the cascade option if you want to delete a whole subtree.",
    )
    await lab.admin.delete_project(child)
    await lab.admin.delete_project(parent)
    missing = ProjectSpec(name=f"ct-net-{RUN}-orphan", parent_id=NOBODY)
    await refused(
        lab.admin.create_project(missing), BackendError, 400, f"Could not find project: {NOBODY}."
    )


async def test_a_member_sees_its_own_project_only(lab: Lab, made: Made) -> None:
    member = lab.owner
    own = await member.project(member.info.project_id)
    assert own.name == member.info.project
    await refused(collect(member.projects()), Forbidden, 403, denied("list_projects"))
    other = await new_project(lab, made, "other")
    await refused(member.project(other.id), Forbidden, 403, denied("get_project"))
    assert await member.project_name_map() == {}
    await refused(
        member.create_project(ProjectSpec(name=f"ct-net-{RUN}-mine")),
        Forbidden,
        403,
        denied("create_project"),
        operation="create-project",
    )


# -- users and passwords ---------------------------------------------------------------------


async def test_a_user_from_creation_to_deletion(lab: Lab, made: Made) -> None:
    home = await new_project(lab, made, "home")
    user = await new_user(lab, made, "life", email="ops@example.org", default_project_id=home.id)
    assert (user.name, user.email, user.default_project_id, user.enabled) == (
        f"ct-net-{RUN}-life",
        "ops@example.org",
        home.id,
        True,
    )
    assert user.domain_id == "default"
    assert [u for u in await collect(lab.admin.users()) if u.id == user.id] == [user]
    assert await lab.admin.user(user.id) == user

    changed = await lab.admin.update_user(user, enabled=False, email="night@example.org")
    assert (changed.enabled, changed.email, changed.name) == (False, "night@example.org", user.name)
    assert await lab.admin.user(user.id) == changed
    await lab.admin.set_user_password(user, f"new-{RUN}")

    await lab.admin.delete_user(user)
    gone = f"Could not find user: {user.id}."
    await refused(lab.admin.user(user.id), NotFound, 404, gone)
    await refused(lab.admin.delete_user(user), NotFound, 404, gone, operation="delete-user")
    await refused(
        lab.admin.set_user_password(user, f"again-{RUN}"),
        NotFound,
        404,
        gone,
        operation="set-password",
    )
    await refused(lab.admin.update_user(user, enabled=True), NotFound, 404, gone)


async def test_a_user_name_is_taken_once_per_domain(lab: Lab, made: Made) -> None:
    user = await new_user(lab, made, "taken")
    await refused(
        lab.admin.create_user(UserSpec(name=user.name, password=f"pw-{RUN}")),
        Conflict,
        409,
        f"Conflict occurred attempting to store user - Duplicate entry found with name "
        f"{user.name} at domain ID default.",
    )


async def test_a_default_project_is_taken_as_given(lab: Lab, made: Made) -> None:
    # Keystone checks a user's default project when the user logs in, not when it is set
    user = await new_user(lab, made, "adrift", default_project_id=NOBODY)
    assert user.default_project_id == NOBODY


async def test_a_member_sees_only_itself(lab: Lab, made: Made) -> None:
    member = lab.owner
    me = await member.user(member.info.user_id)
    assert (me.id, me.name) == (member.info.user_id, member.info.user)
    await refused(collect(member.users()), Forbidden, 403, denied("list_users"))
    other = await new_user(lab, made, "stranger")
    await refused(member.user(other.id), Forbidden, 403, denied("get_user"))
    await refused(member.delete_user(other), Forbidden, 403, denied("delete_user"))
    assert await lab.admin.user(other.id) == other


# -- roles and assignments -------------------------------------------------------------------


async def test_granting_a_role_twice_is_one_assignment(lab: Lab, made: Made) -> None:
    project = await new_project(lab, made, "granted")
    user = await new_user(lab, made, "granted")
    roles = {r.name: r for r in await collect(lab.admin.roles())}
    assert {"admin", "member", "reader"} <= set(roles)
    member = roles["member"]
    for _ in range(2):
        await lab.admin.grant_role(user_id=user.id, project_id=project.id, role_id=member.id)
    (assignment,) = await collect(lab.admin.role_assignments(user_id=user.id))
    assert (assignment.role_id, assignment.role_name) == (member.id, "member")
    assert (assignment.actor_kind, assignment.actor_id, assignment.actor_name) == (
        "user",
        user.id,
        user.name,
    )
    assert (assignment.scope_kind, assignment.scope_id, assignment.scope_name) == (
        "project",
        project.id,
        project.name,
    )
    assert await collect(lab.admin.role_assignments(project_id=project.id)) == [assignment]
    by_role = await collect(lab.admin.role_assignments(role_id=member.id))
    assert assignment in by_role and all(a.role_id == member.id for a in by_role)

    await lab.admin.revoke_role(user_id=user.id, project_id=project.id, role_id=member.id)
    assert await collect(lab.admin.role_assignments(user_id=user.id)) == []
    await refused(
        lab.admin.revoke_role(user_id=user.id, project_id=project.id, role_id=member.id),
        NotFound,
        404,
        f"Could not find role assignment with role: {member.id}, user or group: {user.id}, "
        f"project, domain, or system: {project.id}.",
        operation="revoke-role",
    )
    await refused(
        lab.admin.grant_role(user_id=user.id, project_id=project.id, role_id=NOBODY),
        NotFound,
        404,
        f"Could not find role: {NOBODY}.",
    )
    await refused(
        lab.admin.grant_role(user_id=NOBODY, project_id=project.id, role_id=member.id),
        NotFound,
        404,
        f"Could not find user: {NOBODY}.",
    )


async def test_deleting_a_user_drops_its_assignments(lab: Lab, made: Made) -> None:
    project = await new_project(lab, made, "leaver")
    user = await new_user(lab, made, "leaver")
    reader = next(r for r in await collect(lab.admin.roles()) if r.name == "reader")
    await lab.admin.grant_role(user_id=user.id, project_id=project.id, role_id=reader.id)
    await lab.admin.delete_user(user)
    assert await collect(lab.admin.role_assignments(project_id=project.id)) == []


async def test_roles_and_assignments_are_an_admins(lab: Lab, made: Made) -> None:
    member = lab.owner
    await refused(collect(member.roles()), Forbidden, 403, denied("list_roles"))
    await refused(
        collect(member.role_assignments(user_id=member.info.user_id)),
        Forbidden,
        403,
        denied("list_role_assignments"),
    )


# -- the catalog and our token ---------------------------------------------------------------


async def test_the_catalog_services_and_their_endpoints(lab: Lab, made: Made) -> None:
    services = await collect(lab.admin.catalog_services())
    types = {s.type for s in services}
    assert {"identity", "compute", "network", "image"} <= types
    assert all(s.id and s.name and s.enabled for s in services)
    endpoints = await collect(lab.admin.endpoints())
    by_id = {s.id: s for s in services}
    assert {by_id[e.service_id].type for e in endpoints} == types
    for e in endpoints:
        assert e.interface in {"public", "internal", "admin"} and e.url.startswith("http")
        assert (e.service_type, e.service_name) == (
            by_id[e.service_id].type,
            by_id[e.service_id].name,
        )
    identity = next(s for s in services if s.type == "identity")
    mine = await collect(lab.admin.endpoints(service_id=identity.id))
    assert mine and {e.service_id for e in mine} == {identity.id}


async def test_the_catalog_is_an_admins_to_list(lab: Lab, made: Made) -> None:
    member = lab.owner
    await refused(collect(member.catalog_services()), Forbidden, 403, denied("list_services"))
    await refused(collect(member.endpoints()), Forbidden, 403, denied("list_services"))


async def test_our_token_as_keystone_sees_it(lab: Lab, made: Made) -> None:
    for backend, admin in ((lab.admin, True), (lab.owner, False)):
        token = await backend.token_info()
        info = backend.info
        assert (token.user_id, token.user_name) == (info.user_id, info.user)
        assert (token.project_id, token.project_name) == (info.project_id, info.project)
        assert ("admin" in token.roles) is admin and "reader" in token.roles
        assert token.methods == ("password",) and token.audit_ids
        assert "id" not in token.raw, "Keystone sends the token id only in a header"
        assert token.issued_at < token.expires_at and not token.system_scope
        assert {"identity", "compute", "network"} <= {e.service_type for e in token.catalog}
        assert not any(
            "%(project_id)s" in e.url or "$(project_id)s" in e.url for e in token.catalog
        )
    services = {s.type for s in await collect(lab.admin.catalog_services())}
    assert {e.service_type for e in (await lab.admin.token_info()).catalog} == services
