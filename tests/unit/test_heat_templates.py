"""Templates and environments are read as Heat reads them, and checked before sending."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.backend.memory import MemoryBackend
from tui.backend.models import StackSpec
from tui.screens.resources.stacks import load_template, load_yaml, parameter_problems

TEMPLATE = {
    "heat_template_version": "2018-08-31",
    "parameters": {"flavor": {"type": "string"}, "image": {"type": "string", "default": "cirros"}},
    "resources": {},
}


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    return str(path)


def test_a_template_version_stays_a_string_that_json_can_send(tmp_path: Path) -> None:
    template, error = load_template(write(tmp_path, "heat_template_version: 2018-08-31\n"))
    assert error is None
    assert template["heat_template_version"] == "2018-08-31"
    json.dumps(template)  # what goes on the wire


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("heat_template_version: 2018-08-31\nresources: [a\n", "not valid YAML at line 3"),
        ("- just\n- a list\n", "not a template: the file is not a YAML mapping"),
        ("description: no version\n", "not a HOT template: no heat_template_version"),
        ("heat_template_version: 2018-08-31\nresources: [a, b]\n", "resources must be a mapping"),
    ],
)
def test_what_is_not_a_template_is_said(tmp_path: Path, text: str, why: str) -> None:
    assert (load_template(write(tmp_path, text))[1] or "").startswith(why)


def test_unreadable_files_are_said(tmp_path: Path) -> None:
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00")
    _, error = load_yaml(str(tmp_path / "bin"), "environment")
    assert error is not None and error.startswith("cannot read it")


def test_parameters_against_the_template_and_environment() -> None:
    assert parameter_problems(TEMPLATE, {}) == "the template needs: flavor"
    assert parameter_problems(TEMPLATE, {"flavor": "m1"}) is None
    assert parameter_problems(TEMPLATE, {"flavor": "m1", "size": "2"}) == (
        "not in the template: size"
    )
    assert parameter_problems(TEMPLATE, {}, {"parameter_defaults": {"flavor": "m1"}}) is None
    assert parameter_problems(TEMPLATE, {}, {"parameters": {"flavor": "m1"}}) is None
    assert parameter_problems(TEMPLATE, {"flavor": "m1"}, {"parameters": {"x": "1"}}) == (
        "not in the template: x"
    )


async def test_the_memory_heat_reads_the_environment_too() -> None:
    heat = MemoryBackend()
    spec = StackSpec(
        name="env-stack",
        template=TEMPLATE,
        environment={"parameter_defaults": {"flavor": "m1.tiny"}},
        parameters=(("image", "fedora"),),
    )
    created = await heat.create_stack(spec)
    shown = await heat.stack(created.id)
    assert shown.raw["parameters"]["flavor"] == "m1.tiny"
    assert shown.raw["parameters"]["image"] == "fedora"


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("OS::Nova::Server", "servers"),
        ("OS::Cinder::Volume", "volumes"),
        ("OS::Neutron::Port", "ports"),
        ("OS::Heat::ResourceGroup", "stacks"),
        ("OS::Heat::RandomString", None),
    ],
)
def test_a_stack_resource_leads_to_what_it_built(kind: str, target: str | None) -> None:
    from tui.backend.models import StackResource
    from tui.screens.resources.stacks import STACK_RESOURCES

    row = StackResource.from_api(
        {"resource_name": "r", "resource_type": kind, "physical_resource_id": "p1"}
    )
    drill = STACK_RESOURCES.drill("enter", row)
    assert (drill.target_of(row) if drill else None) == target
    if drill is not None:
        assert drill.scope(row).get("id") == "p1"
    unbuilt = StackResource.from_api({"resource_name": "r", "resource_type": kind})
    assert STACK_RESOURCES.drill("enter", unbuilt) is None, "nothing built yet: describe it"
