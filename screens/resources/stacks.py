"""Heat: stacks, their resources (each a link to what it built) and events; create, delete.

Out of scope: update, check, suspend/resume, abandon/adopt, snapshots, templates that pull
in other files (``get_file``, nested template files: the ``files`` map is not sent).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from tui.backend.base import Backend
from tui.backend.models import Stack, StackEvent, StackResource, StackSpec
from tui.forms import Field, Form, Values
from tui.resource import Action, Col, Drill, Resource, Scope, attr, nothing
from tui.screens.resources.actions import row_call
from tui.screens.resources.columns import project_col
from tui.screens.resources.lists import once, one

HEAT = ("orchestration",)

# -- templates ------------------------------------------------------------------------------


class _TemplateLoader(yaml.SafeLoader):
    """YAML as Heat reads it: ``heat_template_version: 2018-08-31`` stays a string."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_TemplateLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_yaml(path: str, what: str) -> tuple[dict[str, Any], str | None]:
    """A template or environment file as a mapping, or why it is not one."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"cannot read it: {exc}"
    try:
        parsed = yaml.load(text, Loader=_TemplateLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return {}, f"not valid YAML{where}: {problem}"
    if not isinstance(parsed, dict):
        return {}, f"not a {what}: the file is not a YAML mapping"
    return parsed, None


def load_template(path: str) -> tuple[dict[str, Any], str | None]:
    template, error = load_yaml(path, "template")
    if error is None and "heat_template_version" not in template:
        error = "not a HOT template: no heat_template_version"
    if error is None and not isinstance(template.get("resources") or {}, Mapping):
        error = "resources must be a mapping"
    return template, error


def _valid_template(value: Any, _values: Values) -> str | None:
    return load_template(str(value))[1]


def _valid_environment(value: Any, _values: Values) -> str | None:
    return load_yaml(str(value), "environment")[1]


_STACK_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$")


def _valid_stack_name(value: Any, _values: Values) -> str | None:
    if _STACK_NAME.match(str(value)):
        return None
    return "starts with a letter; then letters, digits, '_', '-' or '.'"


def parameter_problems(
    template: Mapping[str, Any],
    given: Mapping[str, str],
    environment: Mapping[str, Any] | None = None,
) -> str | None:
    """Parameters the template does not declare, or needs and did not get (an environment's
    ``parameters`` count as given, its ``parameter_defaults`` as defaults)."""
    declared = template.get("parameters") or {}
    env = environment or {}
    given = {**(env.get("parameters") or {}), **given}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        return f"not in the template: {', '.join(unknown)}"
    defaults = set(env.get("parameter_defaults") or ())
    missing = sorted(
        name
        for name, spec in declared.items()
        if name not in given and name not in defaults and "default" not in (spec or {})
    )
    if missing:
        return f"the template needs: {', '.join(missing)}"
    return None


def _check_create(values: Values) -> dict[str, str]:
    template, error = load_template(values["template"])
    if error is not None:
        return {}
    environment = None
    if values.get("environment"):
        environment = load_yaml(values["environment"], "environment")[0]
    problem = parameter_problems(template, dict(values.get("parameters") or ()), environment)
    return {"parameters": problem} if problem else {}


def create_form(_scope: object) -> Form:
    return Form(
        title="Create stack",
        description="A HOT template from a local file (files it includes are not sent).",
        fields=(
            Field("name", "Stack name", required=True, validate=_valid_stack_name),
            Field(
                "template",
                "Template file",
                kind="file",
                required=True,
                placeholder="~/templates/web.yaml",
                validate=_valid_template,
            ),
            Field(
                "environment",
                "Environment file",
                kind="file",
                placeholder="(none)",
                validate=_valid_environment,
            ),
            Field(
                "parameters",
                "Parameters",
                kind="keyvalue",
                placeholder="flavor=m1.small, key_name=ops",
            ),
            Field(
                "timeout",
                "Timeout (minutes)",
                kind="int",
                minimum=1,
                placeholder="(Heat's default)",
            ),
            Field("rollback", "Roll back on failure", kind="bool", default=True),
        ),
        submit_label="Create",
        check=_check_create,
    )


async def create_stack(backend: Backend, _scope: object, values: Values) -> Stack:
    template, _ = load_template(values["template"])
    environment = None
    if values.get("environment"):
        environment = load_yaml(values["environment"], "environment")[0]
    return await backend.create_stack(
        StackSpec(
            name=values["name"],
            template=template,
            parameters=tuple(values.get("parameters") or ()),
            environment=environment,
            timeout_mins=values.get("timeout"),
            rollback=bool(values.get("rollback")),
        )
    )


# -- stacks ---------------------------------------------------------------------------------


def status_style(status: str) -> str:
    if status.endswith("_IN_PROGRESS"):
        return "yellow"
    if status.endswith("_FAILED"):
        return "bold red"
    if status in ("DELETE_COMPLETE", "SUSPEND_COMPLETE") or status.startswith("ROLLBACK"):
        return "bright_black" if status == "DELETE_COMPLETE" else "magenta"
    return "green" if status.endswith("_COMPLETE") else ""


def status_col(title: str = "Status") -> Col:
    return Col(
        title,
        attr("status"),
        min_width=15,
        max_width=20,
        style=lambda row: status_style(row.status),
    )


def _stack_scope(stack: Stack) -> Scope:
    return Scope(
        all_projects=True,
        filters=(("stack_id", stack.id), ("stack_name", stack.name)),
        label=f"stack {stack.name}",
    )


def scoped_stack(scope: Scope) -> Stack | None:
    """The stack a drill-down is about (its id and name are all the calls need)."""
    ident = scope.get("stack_id")
    if not ident:
        return None
    return Stack.from_api({"id": ident, "stack_name": scope.get("stack_name") or ident})


def list_stacks(backend: Backend, scope: Scope) -> AsyncIterator[list[Stack]]:
    return backend.stacks(all_projects=scope.all_projects)


def _failure(stack: Stack) -> str | None:
    return stack.status_reason or stack.status if stack.failed else None


STACKS = Resource(
    name="stacks",
    title="Stacks",
    aliases=("stack", "heat"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        status_col(),
        Col("Status reason", attr("status_reason"), min_width=10, max_width=60),
        Col("Created", attr("created"), min_width=10, max_width=20),
        Col("Updated", attr("updated"), min_width=7, max_width=20),
        project_col(),
    ),
    list=list_stacks,
    get=lambda b, i: b.stack(i),
    all_projects_toggle=True,
    default_all_projects=True,
    settled=lambda s: s.settled,
    failure=_failure,
    extra={"follow_unsettled": True},
    badge_column="Status",
    drills=(
        Drill("enter", "stack-resources", _stack_scope, "Resources of this stack"),
        Drill("e", "stack-events", _stack_scope, "Events, newest first"),
    ),
    actions=(
        Action(
            "create",
            "n",
            "Create stack",
            create_stack,
            form=create_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete stack",
            row_call(lambda b, stack: b.delete_stack(stack)),
            lambda s: s.status != "DELETE_COMPLETE",
            confirm="name",
            progress="deleting",
            message=lambda s: f"Delete stack {s.name} and every resource it created.",
        ),
    ),
    service=HEAT,
    service_name="Heat",
)

# -- resources ------------------------------------------------------------------------------


def list_resources(backend: Backend, scope: Scope) -> AsyncIterator[list[StackResource]]:
    stack = scoped_stack(scope)
    return once(backend.stack_resources(stack)) if stack else nothing()


# Heat resource types that are one record stackdeck lists, by the list that shows it.
LINKED_TYPES = {
    "OS::Nova::Server": "servers",
    "OS::Cinder::Volume": "volumes",
    "OS::Neutron::Net": "networks",
    "OS::Neutron::Subnet": "subnets",
    "OS::Neutron::Router": "routers",
    "OS::Neutron::Port": "ports",
    "OS::Neutron::SecurityGroup": "security-groups",
    "OS::Neutron::FloatingIP": "floating-ips",
    # nested stacks: the physical id is the nested stack's
    "OS::Heat::Stack": "stacks",
    "OS::Heat::ResourceGroup": "stacks",
    "OS::Heat::AutoScalingGroup": "stacks",
}


def _linked(res: StackResource) -> bool:
    return res.type in LINKED_TYPES and bool(res.physical_id)


LINK = Drill(
    "enter",
    lambda res: LINKED_TYPES[res.type],
    lambda res: one(res.physical_id, f"stack resource {res.name}"),
    "What it built (server, volume, network, port...)",
    when=_linked,
)


STACK_RESOURCES = Resource(
    name="stack-resources",
    title="Stack resources",
    aliases=("stack-resource",),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("Type", attr("type"), min_width=8, max_width=30),
        status_col(),
        Col("Physical ID", attr("physical_id"), min_width=8, max_width=36),
        Col("Updated", attr("updated"), min_width=10, max_width=20),
        Col("Reason", attr("status_reason"), min_width=6, max_width=60),
    ),
    list=list_resources,
    key=lambda r: r.name,
    label=lambda r: r.name,
    drills=(LINK,),
    service=HEAT,
    service_name="Heat",
    scope_key="stack_id",
    reached_from="a stack in :stacks (enter)",
)

# -- events ---------------------------------------------------------------------------------


def list_events(backend: Backend, scope: Scope) -> AsyncIterator[list[StackEvent]]:
    stack = scoped_stack(scope)
    return backend.stack_events(stack) if stack else nothing()


STACK_EVENTS = Resource(
    name="stack-events",
    title="Stack events",
    aliases=("stack-event", "heat-events"),
    columns=(
        Col("Time", attr("time"), min_width=10, max_width=20, sort_key=lambda e: e.time),
        Col("Resource", attr("resource_name"), min_width=8, max_width=30),
        status_col(),
        Col("Reason", attr("status_reason"), min_width=10, max_width=80),
    ),
    list=list_events,
    label=lambda e: f"{e.resource_name} {e.status}",
    service=HEAT,
    service_name="Heat",
    scope_key="stack_id",
    reached_from="a stack in :stacks (e)",
)
