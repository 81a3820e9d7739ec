"""Heat: stacks, their resources and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import Json, as_str


def _settled_status(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS")


@dataclass(frozen=True, slots=True)
class Stack:
    id: str
    name: str
    status: str  # CREATE_COMPLETE, UPDATE_IN_PROGRESS, DELETE_FAILED, ...
    status_reason: str
    created: str
    updated: str
    project_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        parameters = d.get("parameters") or {}
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("stack_name")),
            status=as_str(d.get("stack_status")),
            status_reason=as_str(d.get("stack_status_reason")),
            created=as_str(d.get("creation_time")),
            updated=as_str(d.get("updated_time")),
            # "project" only in lists with global_tenant; a show has OS::project_id.
            project_id=as_str(d.get("project") or parameters.get("OS::project_id")),
            description=as_str(d.get("description")),
            raw=d,
        )

    @property
    def settled(self) -> bool:
        return _settled_status(self.status)

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


@dataclass(frozen=True, slots=True)
class StackSpec:
    """A new stack: the parsed template (and environment), parameters, timeout, rollback."""

    name: str
    template: Json
    parameters: tuple[tuple[str, str], ...] = ()
    environment: Json | None = None
    timeout_mins: int | None = None
    rollback: bool = True


@dataclass(frozen=True, slots=True)
class StackResource:
    name: str
    type: str
    status: str
    status_reason: str
    physical_id: str
    updated: str
    required_by: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            name=as_str(d.get("resource_name") or d.get("logical_resource_id")),
            type=as_str(d.get("resource_type")),
            status=as_str(d.get("resource_status")),
            status_reason=as_str(d.get("resource_status_reason")),
            physical_id=as_str(d.get("physical_resource_id")),
            updated=as_str(d.get("updated_time") or d.get("creation_time")),
            required_by=tuple(as_str(r) for r in d.get("required_by") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class StackEvent:
    id: str
    time: str
    resource_name: str
    status: str
    status_reason: str
    physical_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=as_str(d.get("id")),
            time=as_str(d.get("event_time")),
            resource_name=as_str(d.get("resource_name") or d.get("logical_resource_id")),
            status=as_str(d.get("resource_status")),
            status_reason=as_str(d.get("resource_status_reason")),
            physical_id=as_str(d.get("physical_resource_id")),
            raw=d,
        )
