"""Keystone v3: projects, users (and their passwords), roles and assignments, the catalog,
and our own token as Keystone sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError, ConfigError, ReadOnlyError
from tui.backend.models import Json, Project, User
from tui.backend.openstack.core import (
    OpenStackCore,
    _request_id,
    decoded,
    raise_for_status,
    read_reply,
    take_written,
)
from tui.backend.openstack.replies import Read

T = TypeVar("T")


def _project_target(project: Project) -> str:
    return f"project {project.name} ({project.id})"


def _user_target(user: User) -> str:
    return f"user {user.name} ({user.id})"


def _grant_target(user_id: str, project_id: str, role_id: str) -> str:
    return f"role {role_id} for user {user_id} on project {project_id}"


class IdentityAPI(OpenStackCore):
    def _keystone_pages(
        self,
        path: str,
        key: str,
        parse: Callable[[Json], T],
        page_size: int,
        params: dict[str, Any] | None = None,
    ) -> Callable[[str | None], tuple[list[T], str | None]]:
        """Keystone pages by ``links.next`` (when list_limit is set), not always by marker."""

        def fetch(marker: str | None) -> tuple[list[T], str | None]:
            query: dict[str, Any] = {**(params or {}), "limit": page_size}
            if marker:
                query["marker"] = marker
            read = Read(key, parse, "list")
            body, items = self._get_read("identity", path, read, query, operation=f"list {key}")
            links = body.get("links")
            nxt = links.get("next") if isinstance(links, dict) else None
            next_marker = (
                parse_qs(urlsplit(nxt).query).get("marker", [None])[0]
                if isinstance(nxt, str)
                else None
            )
            return items, next_marker

        return fetch

    async def _keystone_list(
        self, path: str, key: str, parse: Callable[[Json], T], params: dict[str, Any] | None = None
    ) -> AsyncIterator[list[T]]:
        fetch = self._keystone_pages(path, key, parse, DEFAULT_PAGE_SIZE, params)
        async for page in self._paged(f"list {key.replace('_', ' ')}", fetch):
            yield page

    async def _patch(
        self, kind: str, ident: str, target: str, enabled: bool | None, **fields: str | None
    ) -> Json:
        """PATCH a project or user; returns the updated record."""
        action, change = models.identity_change(kind, enabled, **fields)
        answer: Json = await self._write(
            action,
            target,
            "PATCH",
            "identity",
            f"/{kind}s/{ident}",
            body={kind: change},
            read=Read(kind),
        )
        return answer

    # -- projects ------------------------------------------------------------------------

    async def projects(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Project]]:
        fetch = self._keystone_pages("/projects", "projects", Project.from_api, page_size)
        async for page in self._paged("list projects", fetch):
            yield page

    async def project(self, project_id: str) -> Project:
        return await self._show(
            "identity", f"/projects/{project_id}", "project", Project.from_api, kind="project"
        )

    async def create_project(self, spec: models.ProjectSpec) -> Project:
        body: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "domain_id": spec.domain_id or "default",
            "enabled": spec.enabled,
        }
        if spec.parent_id:
            body["parent_id"] = spec.parent_id
        created: Project = await self._write(
            "create-project",
            f"project {spec.name}",
            "POST",
            "identity",
            "/projects",
            body={"project": body},
            read=Read("project", Project.from_api, made="project"),
        )
        return created

    async def update_project(
        self, project: Project, *, enabled: bool | None = None, description: str | None = None
    ) -> Project:
        answer = await self._patch(
            "project", project.id, _project_target(project), enabled, description=description
        )
        return Project.from_api(answer)

    async def delete_project(self, project: Project) -> None:
        await self._write(
            "delete-project",
            _project_target(project),
            "DELETE",
            "identity",
            f"/projects/{project.id}",
        )

    async def project_name_map(self) -> dict[str, str]:
        """Project id → name for labelling lists; empty when projects may not be listed."""
        return dict(await self._call("list projects", self._names))

    # -- users ---------------------------------------------------------------------------

    async def users(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[User]]:
        fetch = self._keystone_pages("/users", "users", User.from_api, page_size)
        async for page in self._paged("list users", fetch):
            yield page

    async def user(self, user_id: str) -> User:
        return await self._show("identity", f"/users/{user_id}", "user", User.from_api, kind="user")

    async def create_user(self, spec: models.UserSpec) -> User:
        body: dict[str, Any] = {
            "name": spec.name,
            "password": spec.password,
            "domain_id": spec.domain_id or "default",
            "enabled": spec.enabled,
        }
        if spec.email:
            body["email"] = spec.email
        if spec.default_project_id:
            body["default_project_id"] = spec.default_project_id
        if spec.description:
            body["description"] = spec.description
        answer = await self._secret_write(
            "create-user", f"user {spec.name}", "POST", "/users", {"user": body}, spec.password
        )
        created: User = take_written(
            answer, Read("user", User.from_api, made="user"), "Keystone", "create-user"
        )
        return created

    async def update_user(
        self, user: User, *, enabled: bool | None = None, email: str | None = None
    ) -> User:
        answer = await self._patch("user", user.id, _user_target(user), enabled, email=email)
        return User.from_api(answer)

    async def set_user_password(self, user: User, password: str) -> None:
        await self._secret_write(
            "set-password",
            _user_target(user),
            "PATCH",
            f"/users/{user.id}",
            {"user": {"password": password}},
            password,
        )

    async def delete_user(self, user: User) -> None:
        await self._write(
            "delete-user", _user_target(user), "DELETE", "identity", f"/users/{user.id}"
        )

    async def _secret_write(
        self, action: str, target: str, method: str, path: str, body: Json, secret: str
    ) -> Json:
        """Like ``_write``, for a body holding a password: the request is not logged (not
        even at debug level); the password joins the session's secrets, masked in any
        error and audit line from now on."""
        self.secrets.add(secret)
        if self._read_only:
            raise ReadOnlyError(
                f"stackdeck runs read-only: {action} on {target} was not sent.", operation=action
            )

        def send() -> Json:
            adapter = self._connection().identity
            response = self._sent(
                method,
                f"identity {path}",
                partial(adapter.request, path, method, json=body, raise_exc=False, log=False),
                body,
            )
            raise_for_status(response, "Keystone", action)
            self._audited(action, target, "ok", _request_id(response.headers))
            return decoded(response) if response.content else {}

        try:
            return await self._call(action, send)
        except BackendError as exc:
            self._audited(
                action, target, f"error: {exc.status or ''} {exc.message}".strip(), exc.request_id
            )
            raise

    # -- roles and assignments -----------------------------------------------------------

    async def roles(self) -> AsyncIterator[list[models.Role]]:
        async for page in self._keystone_list("/roles", "roles", models.Role.from_api):
            yield page

    async def role_assignments(
        self,
        *,
        user_id: str | None = None,
        project_id: str | None = None,
        role_id: str | None = None,
    ) -> AsyncIterator[list[models.RoleAssignment]]:
        params: dict[str, Any] = {"include_names": "true"}
        for key, value in (
            ("user.id", user_id),
            ("scope.project.id", project_id),
            ("role.id", role_id),
        ):
            if value:
                params[key] = value

        def fetch() -> list[models.RoleAssignment]:
            read = Read("role_assignments", models.RoleAssignment.from_api, "list")
            assignments: list[models.RoleAssignment]
            _, assignments = self._get_read(
                "identity", "/role_assignments", read, params, operation="list role assignments"
            )
            return assignments

        yield await self._call("list role assignments", fetch)

    async def grant_role(self, *, user_id: str, project_id: str, role_id: str) -> None:
        await self._write(
            "grant-role",
            _grant_target(user_id, project_id, role_id),
            "PUT",
            "identity",
            f"/projects/{project_id}/users/{user_id}/roles/{role_id}",
        )

    async def revoke_role(self, *, user_id: str, project_id: str, role_id: str) -> None:
        await self._write(
            "revoke-role",
            _grant_target(user_id, project_id, role_id),
            "DELETE",
            "identity",
            f"/projects/{project_id}/users/{user_id}/roles/{role_id}",
        )

    # -- the catalog ---------------------------------------------------------------------

    async def catalog_services(self) -> AsyncIterator[list[models.CatalogService]]:
        async for page in self._keystone_list(
            "/services", "services", models.CatalogService.from_api
        ):
            yield page

    async def endpoints(
        self, *, service_id: str | None = None
    ) -> AsyncIterator[list[models.Endpoint]]:
        def fetch() -> list[models.Endpoint]:
            read = Read("services", models.CatalogService.from_api, "list")
            _, services = self._get_read("identity", "/services", read, operation="list services")
            by_id = {s.id: s for s in services}
            params = {"service_id": service_id} if service_id else {}
            read = Read("endpoints", models.Endpoint.from_api, "list")
            _, endpoints = self._get_read(
                "identity", "/endpoints", read, params, operation="list endpoints"
            )
            return [_labelled(endpoint, by_id) for endpoint in endpoints]

        yield await self._call("list endpoints", fetch)

    # -- our token -----------------------------------------------------------------------

    async def token_info(self) -> models.TokenInfo:
        def fetch() -> models.TokenInfo:
            session = self._connection().session
            token = session.get_token()
            if token is None:
                raise ConfigError("the cloud's auth type gives no token", operation="token")
            self.secrets.add(token)
            response = self._request(
                "GET",
                "identity",
                "/auth/tokens",
                headers={"X-Subject-Token": token},
                operation="validate token",
            )
            read = Read("token", models.TokenInfo.from_api)
            info: models.TokenInfo
            _, info = read_reply(response, "Keystone", "validate token", read)
            return info

        return await self._call("validate token", fetch)


def _labelled(
    endpoint: models.Endpoint, services: dict[str, models.CatalogService]
) -> models.Endpoint:
    service = services.get(endpoint.service_id)
    return endpoint if service is None else endpoint.with_service(service)
