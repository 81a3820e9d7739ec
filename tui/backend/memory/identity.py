"""In-memory Keystone: projects, users and passwords, roles and assignments, the catalog,
and the token, shaped like Keystone's JSON."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.catalog import INTERFACES, SERVICES, endpoint_url, identity_link
from tui.backend.memory.clock import keystone_time
from tui.backend.memory.core import MemoryCore, R, T
from tui.backend.memory.data import fixed_id
from tui.backend.models import Json, Project, User

ROLE_NAMES = ("admin", "member", "reader", "manager")
TOKEN_LIFETIME = timedelta(hours=1)  # Keystone's [token] expiration default
REAUTH_BEFORE = timedelta(seconds=30)  # keystoneauth re-authenticates this close to expiry
P = TypeVar("P", Project, User)


def _digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


class IdentityMemory(MemoryCore):
    async def _admin_write(
        self, policy: str, action: str, target: str, change: Callable[[], T]
    ) -> T:
        """A write Keystone's default policy keeps for admins: a 403 (audited) otherwise."""

        def guarded() -> T:
            self._keystone_policy(policy, action)
            return change()

        return await self._write(action, target, guarded)

    def _keystone_policy(self, rule: str, operation: str) -> None:
        """Keystone's default policy keeps most of the API for admins: its 403 otherwise."""
        if not self._is_admin:
            raise self.refused(
                403, f"You are not authorized to perform the requested action: {rule}.", operation
            )

    def _keystone_find(self, items: list[R], ident: str, kind: str, status: int = 404) -> R:
        """A record by id, or Keystone's "Could not find" (a 400 where the id was a field)."""
        return self._find(items, ident, kind, f"Could not find {kind}: {{}}.", status)

    # -- projects ------------------------------------------------------------------------

    async def projects(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Project]]:
        self._keystone_policy("identity:list_projects", "list projects")
        async for page in self._pages(self._projects, page_size):
            yield page

    async def project(self, project_id: str) -> Project:
        if project_id != self._info.project_id:  # a member may see its own project
            self._keystone_policy("identity:get_project", "show project")
        return self._keystone_find(self._projects, project_id, "project")

    async def project_name_map(self) -> dict[str, str]:
        return self.project_names() if self._is_admin else {}

    async def create_project(self, spec: models.ProjectSpec) -> Project:
        def change() -> Project:
            ident = fixed_id("new-project", self._created("project"))
            if any(p.name == spec.name and p.domain_id == spec.domain_id for p in self._projects):
                raise self.refused(
                    409,
                    "Conflict occurred attempting to store project - it is not permitted to have "
                    "two projects with either the same name or same id in the same domain: name "
                    f"is {spec.name}, project id {ident}.",
                )
            if spec.parent_id:
                self._keystone_find(self._projects, spec.parent_id, "project", status=400)
            project = Project.from_api(
                {
                    "id": ident,
                    "name": spec.name,
                    "domain_id": spec.domain_id,
                    "enabled": spec.enabled,
                    "description": spec.description,
                    "parent_id": spec.parent_id or spec.domain_id,
                    "is_domain": False,
                    "tags": [],
                    "options": {},
                    "links": identity_link(f"/projects/{ident}"),
                }
            )
            self._projects.append(project)
            return project

        return await self._admin_write(
            "identity:create_project", "create-project", f"project {spec.name}", change
        )

    async def update_project(
        self, project: Project, *, enabled: bool | None = None, description: str | None = None
    ) -> Project:
        change = models.identity_change("project", enabled, description=description)
        return await self._update(self._projects, project, "project", change)

    async def delete_project(self, project: Project) -> None:
        def change() -> None:
            current = self._keystone_find(self._projects, project.id, "project")
            if any(p.parent_id == project.id for p in self._projects):
                raise self.refused(
                    403,
                    f"Cannot delete the project {project.id} since it is not a leaf in the "
                    "hierarchy. Use the cascade option if you want to delete a whole subtree.",
                )
            self._projects.remove(current)
            self._assignments[:] = [
                a
                for a in self._assignments
                if models.RoleAssignment.from_api(a).scope_id != project.id
            ]

        await self._admin_write(
            "identity:delete_project",
            "delete-project",
            f"project {project.name} ({project.id})",
            change,
        )

    # -- users ---------------------------------------------------------------------------

    def _seed_projects(self) -> list[Project]:
        """The demo's own projects (one seeded user each), not those created since."""
        return [p for i, p in enumerate(self._projects) if p.id == fixed_id("project", i)]

    def _created(self, kind: str) -> int:
        """How many projects (or users) were made, this one included: the next id."""
        made: dict[str, int] = self._cloud.kept("identity-made", dict)
        made[kind] = made.get(kind, 0) + 1
        return made[kind]

    @property
    def _users(self) -> list[User]:
        return self._cloud.kept("users", self._seeded_users)

    def _seeded_users(self) -> list[User]:
        return [
            User.from_api(
                {
                    "id": fixed_id("user", i),
                    "name": "admin" if i == 0 else f"{p.name}-user",
                    "domain_id": "default",
                    "enabled": True,
                    "email": f"{p.name}@example.org",
                    "default_project_id": p.id,
                    "password_expires_at": None,
                    "options": {},
                    "links": identity_link(f"/users/{fixed_id('user', i)}"),
                }
            )
            for i, p in enumerate(self._seed_projects())
        ]

    @property
    def _passwords(self) -> dict[str, str]:
        return self._cloud.kept("passwords", dict)

    def password_matches(self, user_id: str, password: str) -> bool:
        """Whether `password` would authenticate the user (tests; the demo keeps digests)."""
        user = self._keystone_find(self._users, user_id, "user")
        return user.enabled and self._passwords.get(user_id) == _digest(password)

    async def users(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[User]]:
        self._keystone_policy("identity:list_users", "list users")
        async for page in self._pages(list(self._users), page_size):
            yield page

    async def user(self, user_id: str) -> User:
        if user_id != self._info.user_id:  # anyone may see themselves
            self._keystone_policy("identity:get_user", "show user")
        return self._keystone_find(self._users, user_id, "user")

    async def create_user(self, spec: models.UserSpec) -> User:
        self.secrets.add(spec.password)

        def change() -> User:
            # Keystone takes a default project id as given: it checks it at login
            if any(u.name == spec.name and u.domain_id == spec.domain_id for u in self._users):
                raise self.refused(
                    409,
                    "Conflict occurred attempting to store user - Duplicate entry found with "
                    f"name {spec.name} at domain ID {spec.domain_id}.",
                )
            ident = fixed_id("new-user", self._created("user"))
            raw: dict[str, Any] = {
                "id": ident,
                "name": spec.name,
                "domain_id": spec.domain_id,
                "enabled": spec.enabled,
                "password_expires_at": None,
                "options": {},
                "links": identity_link(f"/users/{ident}"),
            }
            for key in ("email", "default_project_id", "description"):
                if value := getattr(spec, key):
                    raw[key] = value
            user = User.from_api(raw)
            self._users.append(user)
            self._passwords[ident] = _digest(spec.password)
            return user

        return await self._admin_write(
            "identity:create_user", "create-user", f"user {spec.name}", change
        )

    async def update_user(
        self, user: User, *, enabled: bool | None = None, email: str | None = None
    ) -> User:
        change = models.identity_change("user", enabled, email=email)
        return await self._update(self._users, user, "user", change)

    async def _update(self, items: list[P], record: P, kind: str, change: tuple[str, Json]) -> P:
        """Keystone's PATCH of a project or user (``change``: its audit name and body)."""
        action, body = change

        def apply() -> P:
            current = self._keystone_find(items, record.id, kind)
            fresh = current.from_api({**current.raw, **body})
            items[items.index(current)] = fresh
            return fresh

        target = f"{kind} {record.name} ({record.id})"
        return await self._admin_write(f"identity:update_{kind}", action, target, apply)

    async def set_user_password(self, user: User, password: str) -> None:
        self.secrets.add(password)

        def change() -> None:
            self._keystone_find(self._users, user.id, "user")
            self._passwords[user.id] = _digest(password)

        await self._admin_write(
            "identity:update_user", "set-password", f"user {user.name} ({user.id})", change
        )

    async def delete_user(self, user: User) -> None:
        def change() -> None:
            self._users.remove(self._keystone_find(self._users, user.id, "user"))
            self._passwords.pop(user.id, None)
            self._assignments[:] = [
                a
                for a in self._assignments
                if models.RoleAssignment.from_api(a).actor_id != user.id
            ]

        await self._admin_write(
            "identity:delete_user", "delete-user", f"user {user.name} ({user.id})", change
        )

    # -- roles and assignments -----------------------------------------------------------

    def _all_roles(self) -> list[models.Role]:
        return [
            models.Role.from_api(
                {
                    "id": fixed_id("role", i),
                    "name": name,
                    "domain_id": None,
                    "description": None,
                    "options": {"immutable": True},
                    "links": identity_link(f"/roles/{fixed_id('role', i)}"),
                }
            )
            for i, name in enumerate(ROLE_NAMES)
        ]

    async def roles(self) -> AsyncIterator[list[models.Role]]:
        self._keystone_policy("identity:list_roles", "list roles")
        yield self._all_roles()

    def _assignment_json(self, user: User, role: models.Role, project: Project) -> Json:
        default = {"id": "default", "name": "Default"}
        return {
            "role": {"id": role.id, "name": role.name},
            "user": {"id": user.id, "name": user.name, "domain": default},
            "scope": {"project": {"id": project.id, "name": project.name, "domain": default}},
            "links": {
                "assignment": f"{endpoint_url('identity')}/projects/{project.id}"
                f"/users/{user.id}/roles/{role.id}"
            },
        }

    @property
    def _assignments(self) -> list[Json]:
        return self._cloud.kept("assignments", self._seeded_assignments)

    def _seeded_assignments(self) -> list[Json]:
        admin, member = self._all_roles()[:2]
        return [
            self._assignment_json(user, admin if i == 0 else member, project)
            for i, (user, project) in enumerate(
                zip(self._users, self._seed_projects(), strict=False)
            )
        ]

    async def role_assignments(
        self,
        *,
        user_id: str | None = None,
        project_id: str | None = None,
        role_id: str | None = None,
    ) -> AsyncIterator[list[models.RoleAssignment]]:
        self._keystone_policy("identity:list_role_assignments", "list role assignments")
        rows = [models.RoleAssignment.from_api(a) for a in self._assignments]
        yield [
            r
            for r in rows
            if user_id in (None, r.actor_id)
            and project_id in (None, r.scope_id)
            and role_id in (None, r.role_id)
        ]

    async def grant_role(self, *, user_id: str, project_id: str, role_id: str) -> None:
        def change() -> None:
            role = self._keystone_find(self._all_roles(), role_id, "role")
            user = self._keystone_find(self._users, user_id, "user")
            project = self._keystone_find(self._projects, project_id, "project")
            record = self._assignment_json(user, role, project)
            if record not in self._assignments:
                self._assignments.append(record)

        target = f"role {role_id} for user {user_id} on project {project_id}"
        await self._admin_write("identity:create_grant", "grant-role", target, change)

    async def revoke_role(self, *, user_id: str, project_id: str, role_id: str) -> None:
        def change() -> None:
            for a in self._assignments:
                row = models.RoleAssignment.from_api(a)
                if (row.actor_id, row.scope_id, row.role_id) == (user_id, project_id, role_id):
                    self._assignments.remove(a)
                    return
            raise self.refused(
                404,
                f"Could not find role assignment with role: {role_id}, user or group: "
                f"{user_id}, project, domain, or system: {project_id}.",
            )

        target = f"role {role_id} for user {user_id} on project {project_id}"
        await self._admin_write("identity:revoke_grant", "revoke-role", target, change)

    # -- the catalog ---------------------------------------------------------------------

    def _services_json(self) -> list[dict[str, Any]]:
        present = set(self._info.services) | {"identity"}
        return [
            {
                "id": fixed_id("catalog-service", n),
                "type": kind,
                "name": name,
                "description": description,
                "enabled": True,
                "links": identity_link(f"/services/{fixed_id('catalog-service', n)}"),
            }
            for n, (kind, name, description, _port, _path) in enumerate(SERVICES)
            if kind in present
        ]

    def _endpoints_json(self, service_id: str | None = None) -> list[dict[str, Any]]:
        present = {s["id"] for s in self._services_json()}
        rows = []
        for n, (kind, *_) in enumerate(SERVICES):
            sid = fixed_id("catalog-service", n)
            if service_id not in (None, sid) or sid not in present:
                continue
            for k, interface in enumerate(INTERFACES):
                eid = fixed_id("endpoint", n * 10 + k)
                rows.append(
                    {
                        "id": eid,
                        "interface": interface,
                        "region_id": self._info.region,
                        "region": self._info.region,
                        "service_id": sid,
                        "url": endpoint_url(kind, interface),
                        "enabled": True,
                        "links": identity_link(f"/endpoints/{eid}"),
                    }
                )
        return rows

    async def catalog_services(self) -> AsyncIterator[list[models.CatalogService]]:
        self._keystone_policy("identity:list_services", "list services")
        yield [models.CatalogService.from_api(s) for s in self._services_json()]

    async def endpoints(
        self, *, service_id: str | None = None
    ) -> AsyncIterator[list[models.Endpoint]]:
        self._keystone_policy("identity:list_services", "list services")
        self._keystone_policy("identity:list_endpoints", "list endpoints")
        services = {s["id"]: models.CatalogService.from_api(s) for s in self._services_json()}
        rows = []
        for d in self._endpoints_json(service_id):
            endpoint = models.Endpoint.from_api(d)
            rows.append(endpoint.with_service(services[endpoint.service_id]))
        yield rows

    # -- our token -----------------------------------------------------------------------

    def _token_catalog(self) -> list[Json]:
        """The token's catalog: every service with its endpoints, the project filled in."""
        return [
            {
                "id": s["id"],
                "type": s["type"],
                "name": s["name"],
                "endpoints": [
                    {
                        **{k: e[k] for k in ("id", "interface", "region_id", "region")},
                        "url": e["url"].replace("%(project_id)s", self._info.project_id),
                    }
                    for e in self._endpoints_json(s["id"])
                ],
            }
            for s in self._services_json()
        ]

    async def catalog(self) -> list[models.CatalogEndpoint]:
        """Every endpoint of the token's catalog (the raw API browser's)."""
        return models.catalog_endpoints(self._token_catalog())

    def _token_issued(self) -> datetime:
        """When our token was issued: a moment ago at first, then again whenever it was about
        to expire (a client re-authenticates then)."""
        issued: dict[str, datetime] = self._cloud.kept("tokens", dict)
        now = self._cloud.now()
        last = issued.get(self._info.user_id)
        if last is None or now >= last + TOKEN_LIFETIME - REAUTH_BEFORE:
            issued[self._info.user_id] = last = now
        return last

    async def token_info(self) -> models.TokenInfo:
        info = self._info
        issued = self._token_issued()
        default = {"id": "default", "name": "Default"}
        roles = self._all_roles()
        mine = roles[:3] if self._is_admin else roles[1:3]
        return models.TokenInfo.from_api(
            {
                "methods": ["password"],
                "user": {
                    "domain": default,
                    "id": info.user_id,
                    "name": info.user,
                    "password_expires_at": None,
                },
                "audit_ids": ["dEm0aUd1tIdXq2mB7Kc9Zw"],
                "expires_at": keystone_time(issued + TOKEN_LIFETIME),
                "issued_at": keystone_time(issued),
                "project": {"domain": default, "id": info.project_id, "name": info.project},
                "is_domain": False,
                "roles": [{"id": r.id, "name": r.name} for r in mine],
                "catalog": self._token_catalog(),
            }
        )
