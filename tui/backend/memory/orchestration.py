"""In-memory Heat: stacks built from templates, which settle a couple of reads later.

A created stack answers CREATE_IN_PROGRESS, then (two reads on) CREATE_COMPLETE with one
resource per template resource, and the events Heat writes on the way. A resource of type
OS::Heat::TestResource with ``fail: true`` fails it (rolled back unless rollback is off),
as in Heat's own functional tests. A deleted stack shows DELETE_COMPLETE by id and leaves
the list, as in Heat.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.catalog import endpoint_url
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import fixed_id, stamp
from tui.backend.memory.heat_resources import StackBuild, tear_down
from tui.backend.models import Json

READS_TO_SETTLE = 2
# the seeded volume each seeded stack after the first holds as its db_volume
_SEED_STACK_VOLUMES = ("db-data", "backups", "logs")


@dataclass
class _HeatStack:
    raw: dict[str, Any]
    resources: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)
    reads_left: int = 0  # reads until the action in progress settles
    outcome: str = ""  # what it settles into: COMPLETE, FAILED, ROLLBACK, DELETED
    fail_reason: str = ""
    minute: int | None = None  # a seeded stack's creation in the seed's minutes; None: made
    # while the demo runs (its events are stamped as they happen)

    @property
    def status(self) -> str:
        return str(self.raw["stack_status"])


def _fails(definition: Mapping[str, Any]) -> bool:
    properties = definition.get("properties") or {}
    return definition.get("type") == "OS::Heat::TestResource" and bool(properties.get("fail"))


def check_template(
    template: Json, given: Mapping[str, str], environment: Json | None = None
) -> str | None:
    """Heat's refusal (400) of a template and parameters, or None."""
    if "heat_template_version" not in template:
        return "Template format version not found."
    declared = template.get("parameters") or {}
    env = environment or {}
    given = {**(env.get("parameters") or {}), **given}
    defaults = env.get("parameter_defaults") or {}
    for name in given:
        if name not in declared:
            return f"The Parameter ({name}) was not defined in template."
    for name, definition in declared.items():
        if name not in given and name not in defaults and "default" not in (definition or {}):
            return f"The Parameter ({name}) was not provided."
    if not isinstance(template.get("resources") or {}, Mapping):
        return "The template section is invalid: resources"
    return None


class OrchestrationMemory(MemoryCore):
    # -- the demo's stacks ----------------------------------------------------------------

    def _stacks_state(self) -> dict[str, _HeatStack]:
        return self._cloud.kept("heat", self._seeded_stacks)

    def _seeded_stacks(self) -> dict[str, _HeatStack]:
        heat = {}
        for n, (name, project, status, reason) in enumerate(self._seed_stacks()):
            stack = self._new_stack(fixed_id("stack", n), name, project, 300 + 40 * n)
            stack.raw.update(stack_status=status, stack_status_reason=reason)
            stack.resources = self._seed_resources(stack, project, n)
            for res in stack.resources:
                self._event(stack, res, res["resource_status"], "state changed")
            self._event(stack, None, status, reason)
            heat[stack.raw["id"]] = stack
        return heat

    def _seed_stacks(self) -> list[tuple[str, str, str, str]]:
        ids = [p.id for p in self._projects]
        other = ids[1] if len(ids) > 1 else ids[0]
        return [
            ("web-tier", ids[0], "CREATE_COMPLETE", "Stack CREATE completed successfully"),
            (
                "db-cluster",
                ids[0],
                "UPDATE_FAILED",
                "Resource UPDATE failed: Forbidden: resources.db_volume: "
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds "
                "allowed gigabytes quota.",
            ),
            ("monitoring", other, "CREATE_COMPLETE", "Stack CREATE completed successfully"),
            (
                "legacy-app",
                other,
                "DELETE_FAILED",
                "Resource DELETE failed: Conflict: resources.app_net: Unable to complete "
                "operation on network. There are one or more ports still in use.",
            ),
        ]

    def _seed_resources(self, stack: _HeatStack, project: str, n: int) -> list[dict[str, Any]]:
        """The first stack's resources are the project's real server, volume and network."""
        if n != 0:
            state = "UPDATE_FAILED" if n == 1 else "CREATE_COMPLETE"
            volume = next(
                (
                    v.id
                    for v in self._cloud.volumes
                    if v.name == _SEED_STACK_VOLUMES[n - 1] and v.project_id == project
                ),
                "",
            )
            return [
                self._resource(stack, "db_password", "OS::Heat::RandomString", ""),
                self._resource(stack, "db_volume", "OS::Cinder::Volume", volume, state),
            ]

        def first(store: Any) -> Any:
            return next((r for r in store if r.project_id == project), None)

        server = first(self._cloud.servers)
        port = next(iter(self._cloud.ports_of(server.id)), None) if server else None
        volume = first(self._cloud.volumes)
        linked = [
            ("web_server", "OS::Nova::Server", server.id if server else ""),
            ("web_volume", "OS::Cinder::Volume", volume.id if volume else ""),
            ("web_net", "OS::Neutron::Net", port.network_id if port else ""),
            ("web_port", "OS::Neutron::Port", port.id if port else ""),
            ("web_secret", "OS::Heat::RandomString", ""),
        ]
        return [
            self._resource(stack, name, kind, ident)
            for name, kind, ident in linked
            if ident or kind.startswith("OS::Heat")
        ]

    # -- records as Heat's JSON -----------------------------------------------------------

    def _new_stack(
        self, ident: str, name: str, project: str, minute: int | None = None
    ) -> _HeatStack:
        heat = endpoint_url("orchestration", project_id=project)
        raw = {
            "id": ident,
            "stack_name": name,
            "stack_status": "CREATE_IN_PROGRESS",
            "stack_status_reason": "Stack CREATE started",
            "creation_time": stamp(self._cloud.now() if minute is None else minute),
            "updated_time": None,
            "deletion_time": None,
            "description": "No description",
            "template_description": "No description",
            "project": project,
            "stack_owner": None,
            "stack_user_project_id": fixed_id("stack-user-project", len(name)),
            "disable_rollback": True,
            "timeout_mins": None,
            "parent": None,
            "tags": None,
            "capabilities": [],
            "notification_topics": [],
            "outputs": [],
            "parameters": {
                "OS::project_id": project,
                "OS::stack_id": ident,
                "OS::stack_name": name,
            },
            "links": [{"href": f"{heat}/stacks/{name}/{ident}", "rel": "self"}],
        }
        return _HeatStack(raw=raw, resources=[], minute=minute)

    def _resource(
        self,
        stack: _HeatStack,
        name: str,
        kind: str,
        physical: str,
        status: str = "CREATE_COMPLETE",
    ) -> dict[str, Any]:
        if not physical and kind == "OS::Heat::RandomString":
            physical = f"{stack.raw['stack_name']}-{name}-{stack.raw['id'][:12]}"
        return {
            "resource_name": name,
            "logical_resource_id": name,
            "resource_type": kind,
            "physical_resource_id": physical,
            "resource_status": status,
            "resource_status_reason": "state changed",
            "creation_time": stack.raw["creation_time"],
            "updated_time": stack.raw["creation_time"],
            "required_by": [],
            "links": [],
        }

    def _event(
        self, stack: _HeatStack, resource: Mapping[str, Any] | None, status: str, reason: str
    ) -> None:
        serial = len(stack.events)
        name = resource["resource_name"] if resource else stack.raw["stack_name"]
        stack.events.append(
            {
                "id": fixed_id(f"event-{stack.raw['id']}", serial),
                "event_time": stamp(
                    self._cloud.now() if stack.minute is None else stack.minute + serial
                ),
                "resource_name": name,
                "logical_resource_id": name,
                "physical_resource_id": (
                    resource["physical_resource_id"] if resource else stack.raw["id"]
                ),
                "resource_status": status,
                "resource_status_reason": reason,
                "links": [],
            }
        )

    # -- moving stacks along --------------------------------------------------------------

    def _read(self, stack: _HeatStack) -> None:
        """A read of a stack in progress brings it closer to its outcome."""
        if not stack.reads_left:
            return
        stack.reads_left -= 1
        if stack.reads_left:
            return
        action = stack.status.split("_")[0]
        if stack.outcome in ("DELETED", "ROLLBACK"):
            made = [(r["resource_type"], r["physical_resource_id"]) for r in stack.resources]
            tear_down(self._cloud, made)
        if stack.outcome == "DELETED":
            for res in reversed(stack.resources):
                self._event(stack, res, "DELETE_COMPLETE", "state changed")
            self._settle(stack, "DELETE_COMPLETE", "Stack DELETE completed successfully")
        elif stack.outcome in ("FAILED", "ROLLBACK"):
            failed = next(r for r in stack.resources if r["resource_status"].endswith("FAILED"))
            self._event(stack, failed, "CREATE_FAILED", stack.fail_reason)
            self._settle(stack, "CREATE_FAILED", f"Resource CREATE failed: {stack.fail_reason}")
            if stack.outcome == "ROLLBACK":
                self._event(stack, None, "ROLLBACK_IN_PROGRESS", "Stack ROLLBACK started")
                stack.resources = []
                self._settle(stack, "ROLLBACK_COMPLETE", "Stack ROLLBACK completed successfully")
        else:
            for res in stack.resources:
                res["resource_status"] = f"{action}_COMPLETE"
                self._event(stack, res, res["resource_status"], "state changed")
            self._settle(stack, f"{action}_COMPLETE", f"Stack {action} completed successfully")

    def _settle(self, stack: _HeatStack, status: str, reason: str) -> None:
        stack.raw["stack_status"] = status
        stack.raw["stack_status_reason"] = reason
        self._event(stack, None, status, reason)

    def _visible(self, stack: _HeatStack, all_projects: bool) -> bool:
        if stack.status == "DELETE_COMPLETE":
            return False
        return self._mine(stack.raw["project"]) or (all_projects and self._is_admin)

    def _stack_state(self, stack_id: str) -> _HeatStack:
        stack = self._stacks_state().get(stack_id)
        if stack is None or not (self._is_admin or self._mine(stack.raw["project"])):
            raise self.not_found("stack", stack_id)
        return stack

    # -- the API --------------------------------------------------------------------------

    async def stacks(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Stack]]:
        if all_projects:
            self._require_admin("list stacks", "stacks:global_index")
        listed = []
        for stack in sorted(
            self._stacks_state().values(), key=lambda s: s.raw["creation_time"], reverse=True
        ):
            self._read(stack)
            if self._visible(stack, all_projects):
                parsed = models.Stack.from_api(self._list_json(stack, all_projects))
                listed.append(replace(parsed, project_id=stack.raw["project"]))
        async for page in self._pages(listed, page_size):
            yield page

    def _list_json(self, stack: _HeatStack, all_projects: bool) -> dict[str, Any]:
        keys = (
            "id",
            "stack_name",
            "stack_status",
            "stack_status_reason",
            "creation_time",
            "updated_time",
            "deletion_time",
            "description",
            "stack_owner",
            "stack_user_project_id",
            "parent",
            "tags",
            "links",
        )
        body = {k: stack.raw[k] for k in keys}
        if all_projects:
            body["project"] = stack.raw["project"]
        return body

    async def stack(self, stack_id: str) -> models.Stack:
        stack = self._stack_state(stack_id)
        self._read(stack)
        return models.Stack.from_api({k: v for k, v in stack.raw.items() if k != "project"})

    async def stack_resources(self, stack: models.Stack) -> list[models.StackResource]:
        state = self._stack_state(stack.id)
        return [models.StackResource.from_api(dict(r)) for r in state.resources]

    async def stack_events(
        self, stack: models.Stack, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.StackEvent]]:
        state = self._stack_state(stack.id)
        events = [models.StackEvent.from_api(dict(e)) for e in reversed(state.events)]
        async for page in self._pages(events, page_size):
            yield page

    async def create_stack(self, spec: models.StackSpec) -> models.Stack:
        stacks = self._stacks_state()
        project = self._info.project_id
        parameters = dict(spec.parameters)

        def create() -> models.Stack:
            if any(
                s.raw["stack_name"] == spec.name and s.raw["project"] == project
                for s in stacks.values()
                if s.status != "DELETE_COMPLETE"
            ):
                raise self.refused(409, f"Heat: The Stack ({spec.name}) already exists.")
            if (why := check_template(spec.template, parameters, spec.environment)) is not None:
                raise self.refused(400, f"Heat: {why}", "create-stack")
            ident = fixed_id("stack-created", self._cloud.serial())
            stack = self._new_stack(ident, spec.name, project)
            description = str(spec.template.get("description") or "No description")
            stack.raw.update(
                description=description,
                template_description=description,
                disable_rollback=not spec.rollback,
                timeout_mins=spec.timeout_mins,
            )
            stack.raw["parameters"].update(
                self._parameters(spec.template, parameters, spec.environment)
            )
            self._event(stack, None, "CREATE_IN_PROGRESS", "Stack CREATE started")
            self._plan(stack, spec)
            stacks[ident] = stack
            return models.Stack.from_api(
                {"id": ident, "links": stack.raw["links"]}
                | {"stack_name": spec.name, "stack_status": "CREATE_IN_PROGRESS"}
            )

        return await self._write("create-stack", f"stack {spec.name}", create)

    @staticmethod
    def _parameters(
        template: Json, given: Mapping[str, str], environment: Json | None
    ) -> dict[str, str]:
        """What a stack shows as its parameters: given, else the environment's, else default."""
        env = environment or {}
        known = {**(env.get("parameter_defaults") or {}), **(env.get("parameters") or {}), **given}
        declared = template.get("parameters") or {}
        return {
            name: str(known.get(name, (definition or {}).get("default", "")))
            for name, definition in declared.items()
        }

    def _plan(self, stack: _HeatStack, spec: models.StackSpec) -> None:
        """The resources the template asks for, started now, settled a few reads later."""
        resources = spec.template.get("resources") or {}
        parameters = {k: str(v) for k, v in stack.raw["parameters"].items()}
        builder = StackBuild(
            self._cloud, stack.raw["project"], self._info.user_id, spec.name, parameters
        )
        made = builder.make_all(resources)
        for n, (name, definition) in enumerate(resources.items()):
            kind = str((definition or {}).get("type", ""))
            physical = made.get(name, fixed_id(stack.raw["id"], n))
            if kind == "OS::Heat::RandomString":
                physical = ""
            res = self._resource(stack, name, kind, physical, "CREATE_IN_PROGRESS")
            res["resource_status_reason"] = "state changed"
            if _fails(definition or {}):
                res["resource_status"] = "CREATE_FAILED"
                stack.fail_reason = f"resources.{name}: Test Resource failed {name}"
            stack.resources.append(res)
            self._event(stack, res, "CREATE_IN_PROGRESS", "state changed")
        stack.raw["outputs"] = [
            {
                "output_key": key,
                "output_value": None,
                "description": str(out.get("description", "")),
            }
            for key, out in (spec.template.get("outputs") or {}).items()
        ]
        stack.reads_left = READS_TO_SETTLE
        if stack.fail_reason:
            stack.outcome = "ROLLBACK" if spec.rollback else "FAILED"
        else:
            stack.outcome = "COMPLETE"

    async def delete_stack(self, stack: models.Stack) -> None:
        state = self._stack_state(stack.id)

        def delete() -> None:
            if state.status == "DELETE_COMPLETE":
                raise self.not_found("stack", stack.id, "delete-stack")
            self._settle(state, "DELETE_IN_PROGRESS", "Stack DELETE started")
            state.reads_left, state.outcome = READS_TO_SETTLE, "DELETED"

        await self._write("delete-stack", f"stack {stack.name} ({stack.id})", delete)
