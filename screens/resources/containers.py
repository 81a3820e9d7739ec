"""Swift: containers and their objects, browsed by pseudo-folder; upload, download, delete.

Out of scope: large objects (over 5 GiB, SLO/DLO segments), metadata and ACL editing,
versioning, temporary URLs. Transfers show the action's progress label; the byte progress
bar (screens/transfer.py) plugs into the backends' `progress` argument.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import Container, SwiftObject
from tui.backend.swift import MAX_OBJECT_BYTES
from tui.forms import Field, Form, Values, control_error
from tui.resource import Action, Col, Drill, Resource, Scope, attr, nothing
from tui.runbook.transfer import Transfer, human_bytes
from tui.screens.resources.actions import row_call
from tui.screens.resources.columns import count_col

SWIFT = ("object-store",)
DELIMITER = "/"


def bytes_col(title: str = "Size") -> Col:
    return Col(
        title,
        lambda row: "" if getattr(row, "folder", False) else human_bytes(row.bytes),
        min_width=5,
        max_width=10,
        align="right",
        sort_key=lambda row: row.bytes,
    )


def modified_col() -> Col:
    """Swift's listing times to the second (they carry microseconds)."""
    return Col(
        "Last modified",
        lambda row: row.last_modified.split(".")[0],
        min_width=10,
        max_width=26,
    )


# -- containers -----------------------------------------------------------------------------


def _valid_container_name(value: Any, _values: Values) -> str | None:
    text = str(value)
    if error := control_error(text):
        return error
    if "/" in text:
        return "no '/' in a container name"
    if len(text.encode()) > 256:
        return "at most 256 bytes"
    return None


def create_container_form(_scope: object) -> Form:
    return Form(
        title="Create container",
        description="Swift keeps an existing container as it is.",
        fields=(Field("name", "Name", required=True, validate=_valid_container_name),),
        submit_label="Create",
    )


async def create_container(backend: Backend, _scope: object, values: Values) -> Container:
    return await backend.create_container(values["name"])


async def _all_objects(backend: Backend, container: str) -> list[SwiftObject]:
    return [obj async for page in backend.objects(container) for obj in page]


async def objects_preview(backend: Backend, container: Container) -> list[str]:
    return [
        f"{obj.name}  {human_bytes(obj.bytes)}"
        for obj in await _all_objects(backend, container.name)
    ]


async def empty_container(backend: Backend, container: Container, _values: Values) -> None:
    for obj in await _all_objects(backend, container.name):
        await backend.delete_object(container.name, obj.name)


def _objects_scope(container: Container) -> Scope:
    return Scope(filters=(("container", container.name),), label=f"container {container.name}")


CONTAINERS = Resource(
    name="containers",
    title="Containers",
    aliases=("container", "swift", "objects", "buckets", "bucket"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=40),
        count_col("Objects", lambda c: c.count),
        bytes_col("Bytes"),
        modified_col(),
    ),
    list=lambda backend, scope: backend.containers(),
    key=lambda c: c.name,
    label=lambda c: c.name,
    get=lambda b, name: b.container(name),
    drills=(Drill("enter", "container-objects", _objects_scope, "Objects in this container"),),
    actions=(
        Action(
            "create",
            "n",
            "Create container",
            create_container,
            form=create_container_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete container",
            row_call(lambda b, container: b.delete_container(container.name)),
            confirm="name",
            progress="deleting",
            follow="gone",
            message=lambda c: (
                f"Delete container {c.name}. Swift refuses while it holds objects "
                f"({c.count} now): E deletes them first."
            ),
        ),
        Action(
            "empty",
            "E",
            "Delete every object in the container",
            empty_container,
            lambda c: c.count > 0,
            confirm="count",
            preview=objects_preview,
            progress="emptying",
        ),
    ),
    summary=lambda rows: (
        f"{sum(c.count for c in rows)} objects, {human_bytes(sum(c.bytes for c in rows))}"
    ),
    service=SWIFT,
    service_name="Swift",
)

# -- objects --------------------------------------------------------------------------------


def _where(scope: Scope) -> tuple[str, str]:
    return scope.get("container") or "", scope.get("prefix") or ""


def list_objects(backend: Backend, scope: Scope) -> AsyncIterator[list[SwiftObject]]:
    container, prefix = _where(scope)
    if not container:
        return nothing()
    return backend.objects(container, prefix=prefix, delimiter=DELIMITER)


def _into_folder(folder: SwiftObject) -> Scope:
    return Scope(
        filters=(("container", folder.container), ("prefix", folder.name)),
        label=f"{folder.container}/{folder.name}",
    )


def _valid_upload(value: Any, _values: Values) -> str | None:
    size = os.path.getsize(str(value))
    if size > MAX_OBJECT_BYTES:
        return "over 5 GiB: large objects (segments) are not supported"
    return None


def _valid_object_name(value: Any, _values: Values) -> str | None:
    text = str(value)
    if error := control_error(text):
        return error
    if text.endswith(DELIMITER):
        return "ends with '/': that names a folder, not an object"
    if len(text.encode()) > 1024:
        return "at most 1024 bytes"
    return None


def upload_form(scope: object) -> Form:
    container, prefix = _where(scope) if isinstance(scope, Scope) else ("", "")
    return Form(
        title=f"Upload to {container}/{prefix}",
        description="A local file (up to 5 GiB) becomes an object.",
        fields=(
            Field(
                "path",
                "Local file",
                kind="file",
                required=True,
                validate=_valid_upload,
                placeholder="~/backup.tar.gz",
            ),
            Field(
                "name",
                "Object name",
                placeholder=f"{prefix}(the file's name)",
                validate=_valid_object_name,
                help="the full name; '/' makes pseudo-folders",
            ),
            Field("content_type", "Content type", placeholder="(guessed from the name)"),
        ),
        submit_label="Upload",
    )


async def upload(backend: Backend, scope: object, values: Values) -> Transfer:
    container, prefix = _where(scope) if isinstance(scope, Scope) else ("", "")
    path = values["path"]
    name = values.get("name") or prefix + Path(path).name
    content_type = values.get("content_type") or ""
    return Transfer(
        title=f"Uploading {Path(path).name} to {container}/{name}",
        job=lambda progress: backend.upload_object(
            container, name, path, progress, content_type=content_type
        ),
        total=Path(path).stat().st_size,
        done=lambda obj: f"{container}/{obj.name}: {human_bytes(obj.bytes)} stored",
    )


def _check_download(values: Values) -> dict[str, str]:
    target = Path(values["path"]).expanduser()
    if not target.parent.is_dir():
        return {"path": f"no such directory: {target.parent}"}
    if target.is_dir():
        return {"path": "a directory: give a file name"}
    if target.exists() and not values.get("overwrite"):
        return {"path": "exists: tick overwrite to replace it"}
    return {}


def download_form(obj: SwiftObject) -> Form:
    return Form(
        title=f"Download {obj.name}",
        description=f"{human_bytes(obj.bytes)} into a local file.",
        fields=(
            Field(
                "path",
                "Save as",
                required=True,
                default=str(Path.cwd() / Path(obj.name).name),
            ),
            Field("overwrite", "Overwrite an existing file", kind="bool", default=False),
        ),
        submit_label="Download",
        check=_check_download,
    )


async def download(backend: Backend, obj: SwiftObject, values: Values) -> Transfer:
    path = str(Path(values["path"]).expanduser())
    return Transfer(
        title=f"Downloading {obj.container}/{obj.name}",
        job=lambda progress: backend.download_object(obj.container, obj.name, path, progress),
        total=obj.bytes or None,
        done=lambda size: f"{path}: {human_bytes(size)} written",
    )


def _is_object(obj: SwiftObject) -> bool:
    return not obj.folder


CONTAINER_OBJECTS = Resource(
    name="container-objects",
    title="Objects",
    aliases=("swift-objects",),
    columns=(
        Col(
            "Name",
            attr("short"),
            min_width=8,
            max_width=50,
            style=lambda o: "bold blue" if o.folder else "",
        ),
        bytes_col(),
        Col("Content type", attr("content_type"), min_width=6, max_width=30),
        modified_col(),
        Col("Hash", attr("hash"), min_width=6, max_width=32),
    ),
    list=list_objects,
    key=lambda o: o.name,
    label=lambda o: o.name,
    drills=(
        Drill(
            "enter", "container-objects", _into_folder, "Into the folder", when=lambda o: o.folder
        ),
    ),
    actions=(
        Action(
            "upload",
            "u",
            "Upload a file",
            upload,
            form=upload_form,
            on_row=False,
            progress="uploading",
            follow="list",
        ),
        Action(
            "download",
            "D",
            "Download to a file",
            download,
            _is_object,
            form=download_form,
            mutating=False,
            progress="downloading",
            follow="none",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete object",
            row_call(lambda b, obj: b.delete_object(obj.container, obj.name)),
            _is_object,
            confirm="yes",
            progress="deleting",
            follow="list",
        ),
    ),
    service=SWIFT,
    service_name="Swift",
    scope_key="container",
    reached_from="a container in :containers (enter)",
)
