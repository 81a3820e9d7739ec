"""Keystone beyond projects and users: roles, assignments, the catalog, the token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Self

from tui.backend.models.common import FromApi, Json, api, as_str


@dataclass(frozen=True, slots=True)
class Role(FromApi):
    id: str
    name: str
    domain_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)


def _named(d: Any) -> tuple[str, str]:
    """(id, name) of a Keystone reference like ``{"id": .., "name": ..}`` (or absent)."""
    return (as_str(d.get("id")), as_str(d.get("name"))) if isinstance(d, Mapping) else ("", "")


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """One row of ``GET /v3/role_assignments?include_names=true``: who has what role where."""

    role_id: str
    role_name: str
    actor_kind: str  # "user" or "group"
    actor_id: str
    actor_name: str
    actor_domain: str
    scope_kind: str  # "project", "domain" or "system"
    scope_id: str
    scope_name: str
    inherited: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        actor_kind = "group" if "group" in d else "user"
        actor = d.get(actor_kind) or {}
        actor_id, actor_name = _named(actor)
        role_id, role_name = _named(d.get("role"))
        scope = d.get("scope") or {}
        scope_kind = next((k for k in ("project", "domain", "system") if k in scope), "")
        scope_id, scope_name = _named(scope.get(scope_kind))
        if scope_kind == "system":
            scope_id = scope_name = "all"
        return cls(
            role_id=role_id,
            role_name=role_name,
            actor_kind=actor_kind,
            actor_id=actor_id,
            actor_name=actor_name,
            actor_domain=_named(actor.get("domain"))[1] or _named(actor.get("domain"))[0],
            scope_kind=scope_kind,
            scope_id=scope_id,
            scope_name=scope_name,
            inherited="OS-INHERIT:inherited_to" in scope,
            raw=d,
        )

    @property
    def id(self) -> str:
        return f"{self.actor_kind}:{self.actor_id}/{self.role_id}/{self.scope_kind}:{self.scope_id}"

    @property
    def name(self) -> str:
        actor = self.actor_name or self.actor_id
        where = self.scope_name or self.scope_id
        return f"{actor} {self.role_name or self.role_id} on {self.scope_kind} {where}"


@dataclass(frozen=True, slots=True)
class CatalogService(FromApi):
    """A Keystone catalog service (``GET /v3/services``), not a Nova compute service."""

    id: str
    type: str
    name: str
    enabled: bool = field(metadata=api(absent=True))
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Endpoint(FromApi):
    id: str
    service_id: str
    interface: str
    region: str = field(metadata=api("region_id", "region"))
    url: str
    enabled: bool = field(metadata=api(absent=True))
    service_type: str = ""  # filled in from the services list (the endpoint names only an id)
    service_name: str = ""
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return f"{self.service_name or self.service_type or self.service_id} {self.interface}"

    def with_service(self, service: CatalogService) -> Endpoint:
        """This endpoint labelled with its service's type and name (the API gives the id)."""
        return replace(self, service_type=service.type, service_name=service.name)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One endpoint in a token's catalog."""

    service_type: str
    service_name: str
    interface: str
    region: str
    url: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What ``GET /v3/auth/tokens`` says about a token; never the token id itself.

    ``raw`` is the body's ``token`` object (Keystone sends the id only in a header).
    """

    user_id: str
    user_name: str
    user_domain: str
    project_id: str
    project_name: str
    project_domain: str
    domain_scope: str
    system_scope: bool
    roles: tuple[str, ...]
    methods: tuple[str, ...]
    audit_ids: tuple[str, ...]
    issued_at: str
    expires_at: str
    catalog: tuple[CatalogEntry, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        user = d.get("user") or {}
        project = d.get("project") or {}
        entries = tuple(
            CatalogEntry(
                service_type=as_str(service.get("type")),
                service_name=as_str(service.get("name")),
                interface=as_str(ep.get("interface")),
                region=as_str(ep.get("region_id") or ep.get("region")),
                url=as_str(ep.get("url")),
            )
            for service in d.get("catalog") or ()
            for ep in service.get("endpoints") or ()
        )
        return cls(
            user_id=as_str(user.get("id")),
            user_name=as_str(user.get("name")),
            user_domain=_named(user.get("domain"))[1],
            project_id=as_str(project.get("id")),
            project_name=as_str(project.get("name")),
            project_domain=_named(project.get("domain"))[1],
            domain_scope=_named(d.get("domain"))[1],
            system_scope=bool(d.get("system")),
            roles=tuple(as_str(r.get("name")) for r in d.get("roles") or ()),
            methods=tuple(as_str(m) for m in d.get("methods") or ()),
            audit_ids=tuple(as_str(a) for a in d.get("audit_ids") or ()),
            issued_at=as_str(d.get("issued_at")),
            expires_at=as_str(d.get("expires_at")),
            catalog=tuple(sorted(entries, key=lambda e: (e.service_type, e.interface, e.region))),
            raw=d,
        )


def identity_change(
    kind: str, enabled: bool | None, **fields: str | None
) -> tuple[str, dict[str, Any]]:
    """The audit name and PATCH body of a project or user update (both backends alike)."""
    change: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if enabled is None:
        return f"update-{kind}", change
    change["enabled"] = enabled
    return f"{'enable' if enabled else 'disable'}-{kind}", change


@dataclass(frozen=True, slots=True)
class ProjectSpec:
    name: str
    description: str = ""
    domain_id: str = "default"
    enabled: bool = True
    parent_id: str = ""


@dataclass(frozen=True, slots=True)
class UserSpec:
    name: str
    password: str = field(repr=False)  # a secret: never in a repr, a log or the audit
    domain_id: str = "default"
    email: str = ""
    default_project_id: str = ""
    enabled: bool = True
    description: str = ""


# -- images and flavors (writes, members, extra specs, access) ---------------------
