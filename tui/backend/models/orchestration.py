"""Heat: stacks, their resources and events."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.backend.models.common import FromApi, Json, api, as_str


def _settled_status(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS")


@dataclass(frozen=True, slots=True)
class Stack(FromApi):
    id: str
    name: str = field(metadata=api("stack_name"))
    status: str = field(
        metadata=api("stack_status")
    )  # CREATE_COMPLETE, UPDATE_IN_PROGRESS, DELETE_FAILED, ...
    status_reason: str = field(metadata=api("stack_status_reason"))
    created: str = field(metadata=api("creation_time"))
    updated: str = field(metadata=api("updated_time"))
    # "project" only in lists with global_tenant; a show has OS::project_id.
    project_id: str = field(
        metadata=api(
            get=lambda d: d.get("project") or (d.get("parameters") or {}).get("OS::project_id")
        )
    )
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

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
class StackResource(FromApi):
    name: str = field(metadata=api("resource_name", "logical_resource_id"))
    type: str = field(metadata=api("resource_type"))
    status: str = field(metadata=api("resource_status"))
    status_reason: str = field(metadata=api("resource_status_reason"))
    physical_id: str = field(metadata=api("physical_resource_id"))
    updated: str = field(metadata=api("updated_time", "creation_time"))
    required_by: tuple[str, ...] = field(
        metadata=api(get=lambda d: tuple(as_str(r) for r in d.get("required_by") or ()))
    )
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class StackEvent(FromApi):
    id: str
    time: str = field(metadata=api("event_time"))
    resource_name: str = field(metadata=api("resource_name", "logical_resource_id"))
    status: str = field(metadata=api("resource_status"))
    status_reason: str = field(metadata=api("resource_status_reason"))
    physical_id: str = field(metadata=api("physical_resource_id"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)
