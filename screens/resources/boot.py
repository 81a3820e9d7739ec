"""The boot form: everything `openstack server create` asks, with choices from the cloud."""

from __future__ import annotations

from pathlib import Path

from tui.backend import models
from tui.backend.base import Backend
from tui.backend.models import Server
from tui.forms import Field, Form, Values, valid_name
from tui.screens.resources import boot_volumes
from tui.screens.resources.choices import (
    availability_zone_choices,
    flavor_choices,
    free_port_choices,
    image_choices,
    keypair_choices,
    network_choices,
    security_group_choices,
)
from tui.screens.resources.server_groups import server_group_choices

MAX_USER_DATA = 65535  # Nova's limit on user data (before base64)


def _user_data_small(value: object, values: Values) -> str | None:
    size = Path(str(value)).stat().st_size
    return None if size <= MAX_USER_DATA else f"{size} bytes; Nova accepts at most {MAX_USER_DATA}"


def _cross_checks(values: Values) -> dict[str, str]:
    errors = boot_volumes.disk_checks(values)
    if not values.get("networks") and not values.get("ports"):
        errors["networks"] = "choose a network or a port (or the server has no NIC)"
    return errors


def boot_form(_row: object = None) -> Form:
    return Form(
        title="Boot server",
        description="Fields with * are required. Choices are filtered as you type.",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field(
                "count",
                "Count",
                kind="int",
                required=True,
                default=1,
                minimum=1,
                maximum=100,
                help="more than one: Nova names them name-1, name-2, ...",
            ),
            Field("flavor", "Flavor", kind="choice", required=True, choices=flavor_choices),
            boot_volumes.SOURCE_FIELD,
            Field(
                "image",
                "Image",
                kind="choice",
                required=True,
                choices=image_choices,
                visible=boot_volumes.IMAGE_SHOWN,
            ),
            *boot_volumes.DISK_FIELDS,
            Field(
                "networks",
                "Networks",
                kind="multi",
                choices=network_choices,
                help="one NIC per network chosen",
            ),
            Field(
                "ports",
                "Existing ports",
                kind="multi",
                choices=free_port_choices,
                help="unattached ports; one NIC each",
            ),
            Field("key_name", "Keypair", kind="choice", choices=keypair_choices),
            Field(
                "security_groups",
                "Security groups",
                kind="multi",
                choices=security_group_choices,
                help="none chosen: the project's default",
            ),
            Field(
                "availability_zone",
                "Availability zone",
                kind="choice",
                choices=availability_zone_choices,
            ),
            Field(
                "server_group",
                "Server group",
                kind="choice",
                choices=server_group_choices,
                help="optional: placed by the group's policy (scheduler hint group)",
            ),
            Field(
                "user_data",
                "User data file",
                kind="file",
                validate=_user_data_small,
                placeholder="path to a cloud-init file",
            ),
            Field("metadata", "Metadata", kind="keyvalue"),
        ),
        submit_label="Boot",
        check=_cross_checks,
        verify=boot_volumes.verify,
    )


def boot_spec(values: Values) -> models.BootSpec:
    user_data = Path(values["user_data"]).read_bytes() if values.get("user_data") else b""
    return models.BootSpec(
        name=values["name"],
        flavor_id=values["flavor"],
        count=values["count"],
        network_ids=tuple(values.get("networks") or ()),
        port_ids=tuple(values.get("ports") or ()),
        key_name=values.get("key_name") or "",
        security_groups=tuple(values.get("security_groups") or ()),
        availability_zone=values.get("availability_zone") or "",
        user_data=user_data,
        metadata=tuple(values.get("metadata") or ()),
        server_group=values.get("server_group") or "",
        **boot_volumes.disk_spec(values),
    )


async def boot(backend: Backend, row: object, values: Values) -> list[Server]:
    values = await boot_volumes.with_sizes(backend, values)
    return await backend.create_servers(boot_spec(values))
