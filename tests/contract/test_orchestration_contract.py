"""Heat stacks: created from a template and settled with their resources and events, a
failing resource failing (or rolling back) the stack, Heat's refusals of bad templates and
taken names, deletion, and what a project member may see.

devcloud runs no Heat yet: its parameter skips, saying so; the bodies are written against
Heat's API as the real backend reads it, so they run on devcloud once it does.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab, lab_without
from tests.contract.support import collect, refused, undo
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import Json, Stack, StackSpec

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset(
    {"stacks", "stack", "stack_resources", "stack_events", "create_stack", "delete_stack"}
)

RUN = uuid.uuid4().hex[:6]
TEMPLATE: Json = {
    "heat_template_version": "2018-08-31",
    "description": "two test resources",
    "parameters": {"size": {"type": "string"}, "colour": {"type": "string", "default": "blue"}},
    "resources": {
        "first": {"type": "OS::Heat::TestResource", "properties": {"value": {"get_param": "size"}}},
        "second": {"type": "OS::Heat::TestResource", "properties": {"value": "two"}},
    },
    "outputs": {"out": {"description": "the first", "value": {"get_attr": ["first", "output"]}}},
}
FAILING: Json = {
    "heat_template_version": "2018-08-31",
    "resources": {"boom": {"type": "OS::Heat::TestResource", "properties": {"fail": True}}},
}


lab = lab_without("orchestration")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def made(lab: Lab) -> AsyncIterator[list[Stack]]:
    stacks: list[Stack] = []
    try:
        yield stacks
    finally:
        await undo(lab.owner.delete_stack(stack) for stack in stacks)


async def create(lab: Lab, made: list[Stack], spec: StackSpec) -> Stack:
    stack = await lab.owner.create_stack(spec)
    made.append(stack)
    return stack


async def stack_settled(lab: Lab, stack: Stack) -> Stack:
    return await lab.until(
        lambda: lab.owner.stack(stack.id),
        lambda s: not s.status.endswith("IN_PROGRESS"),
        f"stack {stack.name} to settle",
    )


async def test_a_stack_is_built_with_its_resources_and_events(lab: Lab, made: list[Stack]) -> None:
    name = f"ct-net-{RUN}-two"
    spec = StackSpec(name=name, template=TEMPLATE, parameters=(("size", "small"),))
    created = await create(lab, made, spec)
    assert created.status == "CREATE_IN_PROGRESS" and created.name == name
    done = await stack_settled(lab, created)
    assert (done.status, done.status_reason) == (
        "CREATE_COMPLETE",
        "Stack CREATE completed successfully",
    )
    assert done.project_id == lab.owner.info.project_id
    assert done.raw["parameters"]["size"] == "small"
    assert done.raw["parameters"]["colour"] == "blue"
    assert done.raw["template_description"] == "two test resources"
    assert [o["output_key"] for o in done.raw["outputs"]] == ["out"]
    assert name in {s.name for s in await collect(lab.owner.stacks())}
    resources = await lab.owner.stack_resources(done)
    assert sorted((r.name, r.type, r.status) for r in resources) == [
        ("first", "OS::Heat::TestResource", "CREATE_COMPLETE"),
        ("second", "OS::Heat::TestResource", "CREATE_COMPLETE"),
    ]
    events = await collect(lab.owner.stack_events(done))
    assert events[-1].status_reason == "Stack CREATE started"
    assert {e.resource_name for e in events} >= {"first", "second", name}
    assert [e.time for e in events] == sorted((e.time for e in events), reverse=True)


@pytest.mark.parametrize(
    ("rollback", "final"), [(True, "ROLLBACK_COMPLETE"), (False, "CREATE_FAILED")]
)
async def test_a_failing_resource_fails_the_stack(
    lab: Lab, made: list[Stack], rollback: bool, final: str
) -> None:
    spec = StackSpec(name=f"ct-net-{RUN}-{final.lower()}", template=FAILING, rollback=rollback)
    stack = await stack_settled(lab, await create(lab, made, spec))
    assert stack.status == final and stack.failed is (final == "CREATE_FAILED")
    events = await collect(lab.owner.stack_events(stack))
    assert any("Test Resource failed boom" in e.status_reason for e in events)


@pytest.mark.parametrize(
    ("template", "parameters", "words"),
    [
        ({"resources": {}}, (), "Template format version not found."),
        (TEMPLATE, (), "The Parameter (size) was not provided."),
        (
            TEMPLATE,
            (("size", "x"), ("shape", "round")),
            "The Parameter (shape) was not defined in template.",
        ),
    ],
)
async def test_heat_refuses_a_bad_template(
    lab: Lab, template: Json, parameters: tuple[tuple[str, str], ...], words: str
) -> None:
    spec = StackSpec(name=f"ct-net-{RUN}-bad", template=template, parameters=parameters)
    await refused(lab.owner.create_stack(spec), BackendError, 400, words, operation="create-stack")


async def test_a_name_is_taken_once_per_project(lab: Lab, made: list[Stack]) -> None:
    spec = StackSpec(name=f"ct-net-{RUN}-once", template=FAILING, rollback=False)
    await stack_settled(lab, await create(lab, made, spec))
    await refused(
        lab.owner.create_stack(spec), Conflict, 409, f"The Stack ({spec.name}) already exists."
    )


async def test_a_deleted_stack_leaves_the_list(lab: Lab, made: list[Stack]) -> None:
    spec = StackSpec(name=f"ct-net-{RUN}-gone", template=FAILING, rollback=False)
    stack = await stack_settled(lab, await create(lab, made, spec))
    await lab.owner.delete_stack(stack)
    gone = await stack_settled(lab, stack)
    assert gone.status == "DELETE_COMPLETE"
    assert stack.id not in {s.id for s in await collect(lab.owner.stacks())}
    await refused(
        lab.owner.delete_stack(stack), NotFound, 404, f"Stack {stack.id} could not be found."
    )


async def test_a_member_sees_its_projects_stacks_only(lab: Lab, made: list[Stack]) -> None:
    member = lab.owner
    await refused(collect(member.stacks(all_projects=True)), Forbidden, 403, "")
    others = [
        s
        for s in await collect(lab.admin.stacks(all_projects=True))
        if s.project_id != member.info.project_id
    ]
    assert others, "no other project's stack"
    await refused(member.stack(others[0].id), NotFound, 404, "")
    mine = await collect(member.stacks())
    assert all(s.project_id in ("", member.info.project_id) for s in mine)
