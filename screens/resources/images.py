"""Glance images: upload from a file, download to one, protect, publish or share, delete."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import Download, Image, ImageMember, ImageSpec
from tui.forms import Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr, in_context
from tui.runbook.transfer import Transfer, human_bytes
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import fixed, project_choices
from tui.screens.resources.columns import project_col, state_col
from tui.screens.resources.lists import once, scoped

DISK_FORMATS = ("qcow2", "raw", "vmdk", "vdi", "vhd", "vhdx", "iso", "ploop", "ami", "ari", "aki")
CONTAINER_FORMATS = ("bare", "ovf", "ova", "ami", "ari", "aki", "docker", "compressed")
VISIBILITIES = (
    ("private", "private: this project only"),
    ("shared", "shared: this project and its members"),
    ("community", "community: anyone may use it, not listed by default"),
    ("public", "public: everyone (admin only)"),
)
_BY_EXTENSION = {
    ".qcow2": "qcow2",
    ".qcow": "qcow2",
    ".raw": "raw",
    ".vmdk": "vmdk",
    ".vdi": "vdi",
    ".vhd": "vhd",
    ".vhdx": "vhdx",
    ".iso": "iso",
    ".ami": "ami",
    ".ari": "ari",
    ".aki": "aki",
    ".ploop": "ploop",
}
_MAGIC = ((0, b"QFI\xfb", "qcow2"), (0, b"KDMV", "vmdk"), (0, b"vhdxfile", "vhdx"))
UNSETTLED = {"queued", "saving", "importing", "uploading", "pending_delete"}


def guess_disk_format(path: str) -> str:
    """From the extension; an ``.img`` (or unknown) file by its first bytes (qcow2 or raw)."""
    file = Path(path).expanduser()
    if (found := _BY_EXTENSION.get(file.suffix.lower())) is not None:
        return found
    try:
        with file.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return ""
    for offset, magic, kind in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return "raw" if file.suffix.lower() == ".img" else ""


def file_note(text: str) -> str:
    """Under the file field: its size and the disk format it looks like."""
    path = Path(text.strip()).expanduser()
    if not text.strip() or not path.is_file():
        return ""
    guessed = guess_disk_format(str(path))
    return f"{human_bytes(path.stat().st_size)}" + (f", looks like {guessed}" if guessed else "")


def readable(value: Any, values: Values) -> str | None:
    return None if os.access(str(value), os.R_OK) else f"cannot read {value}"


def _upload_check(values: Values) -> dict[str, str]:
    if values.get("disk_format") == "auto" and not guess_disk_format(values["path"]):
        return {"disk_format": "cannot guess from the file: choose one"}
    return {}


def upload_form(_row: object) -> Form:
    return Form(
        title="Upload image from a local file",
        description="Creates the image record, then sends the file with a progress bar.",
        fields=(
            Field(
                "path",
                "Image file",
                kind="file",
                required=True,
                placeholder="~/images/cirros.qcow2",
                validate=readable,
                note=file_note,
            ),
            Field("name", "Name", placeholder="(the file's name)", validate=valid_name),
            Field(
                "disk_format",
                "Disk format",
                kind="choice",
                required=True,
                default="auto",
                choices=fixed(("auto", "guess from the file"), *((f, f) for f in DISK_FORMATS)),
            ),
            Field(
                "container_format",
                "Container format",
                kind="choice",
                required=True,
                default="bare",
                choices=fixed(*((f, f) for f in CONTAINER_FORMATS)),
            ),
            Field(
                "visibility",
                "Visibility",
                kind="choice",
                required=True,
                default="private",
                choices=fixed(*VISIBILITIES),
            ),
            Field("min_disk", "Min disk (GB)", kind="int", default=0, minimum=0),
            Field("min_ram", "Min RAM (MiB)", kind="int", default=0, minimum=0),
            Field("protected", "Protected (cannot be deleted)", kind="bool", default=False),
            Field(
                "properties",
                "Properties",
                kind="keyvalue",
                placeholder="os_distro=ubuntu, os_admin_user=ubuntu",
            ),
        ),
        submit_label="Upload",
        check=_upload_check,
    )


def image_spec(values: Values) -> ImageSpec:
    path = values["path"]
    disk_format = values["disk_format"]
    return ImageSpec(
        name=values.get("name") or Path(path).name,
        disk_format=guess_disk_format(path) if disk_format == "auto" else disk_format,
        container_format=values["container_format"],
        visibility=values["visibility"],
        min_disk=values.get("min_disk") or 0,
        min_ram=values.get("min_ram") or 0,
        protected=bool(values.get("protected")),
        properties=tuple(values.get("properties") or ()),
    )


async def upload(backend: Backend, row: object, values: Values) -> Transfer:
    """Create the record now (a refusal keeps the form open), then move the data."""
    spec = image_spec(values)
    path = values["path"]
    image = await backend.create_image(spec)

    async def clean_up() -> None:
        await backend.delete_image(image.id)

    return Transfer(
        title=f"Uploading {spec.name} ({spec.disk_format})",
        job=lambda progress: backend.upload_image_data(image.id, path, progress),
        total=Path(path).stat().st_size,
        cleanup=clean_up,
        result=lambda _: image,
        done=lambda _: f"{spec.name}: data sent, Glance is checking it",
    )


def download_path(image: Image) -> str:
    return f"./{image.name or image.id}.{image.disk_format or 'img'}"


def _download_check(values: Values) -> dict[str, str]:
    target = Path(values["path"]).expanduser()
    if target.is_dir():
        return {"path": "is a directory: give a file name"}
    if not target.parent.is_dir():
        return {"path": f"no such directory: {target.parent}"}
    if target.exists() and not values.get("overwrite"):
        return {"path": "exists: tick 'overwrite' to replace it"}
    return {}


def download_form(image: Image) -> Form:
    return Form(
        title=f"Download image {image.name or image.id}",
        description=f"{human_bytes(image.size)}; the checksum Glance gives is verified.",
        fields=(
            Field("path", "Save as", required=True, default=download_path(image)),
            Field("overwrite", "Overwrite an existing file", kind="bool", default=False),
        ),
        submit_label="Download",
        check=_download_check,
    )


def download_done(result: Download) -> str:
    check = (
        f"{result.algorithm} verified: {result.digest[:16]}…"
        if result.verified
        else "no checksum from Glance to verify"
    )
    return f"{result.path}: {human_bytes(result.size)}, {check}"


async def download(backend: Backend, image: Image, values: Values) -> Transfer:
    path, overwrite = values["path"], bool(values.get("overwrite"))
    return Transfer(
        title=f"Downloading {image.name or image.id}",
        job=lambda progress: backend.download_image(image, path, progress, overwrite=overwrite),
        total=image.size or None,
        done=download_done,
    )


async def protect(backend: Backend, image: Image, values: Values) -> Image:
    return await backend.update_image(image.id, protected=True)


async def unprotect(backend: Backend, image: Image, values: Values) -> Image:
    return await backend.update_image(image.id, protected=False)


def visibility_form(image: Image) -> Form:
    return Form(
        title=f"Visibility of {image.name or image.id}",
        description=f"Now {image.visibility}.",
        fields=(
            Field(
                "visibility",
                "Visibility",
                kind="choice",
                required=True,
                default=image.visibility,
                choices=fixed(*VISIBILITIES),
            ),
        ),
        submit_label="Set",
    )


async def set_visibility(backend: Backend, image: Image, values: Values) -> Image:
    return await backend.update_image(image.id, visibility=values["visibility"])


def share_form(image: Image) -> Form:
    shared = image.visibility == "shared"

    def check(values: Values) -> dict[str, str]:
        if not values.get("project_id") and not values.get("other_project"):
            return {"project_id": "choose a project (or give its ID below)"}
        if shared or values.get("make_shared"):
            return {}
        return {"make_shared": f"only shared images have members (it is {image.visibility})"}

    return Form(
        title=f"Share {image.name or image.id} with a project",
        description="The project sees the image once it accepts the share.",
        fields=(
            Field("project_id", "Project", kind="choice", choices=project_choices),
            Field(
                "other_project",
                "… or a project ID",
                placeholder="when the project is not in the list (not an admin)",
            ),
            Field(
                "make_shared",
                f"Switch visibility from {image.visibility} to shared",
                kind="bool",
                default=False,
                visible=lambda values: not shared,
            ),
        ),
        submit_label="Share",
        check=check,
    )


async def share(backend: Backend, image: Image, values: Values) -> ImageMember:
    if image.visibility != "shared":
        await backend.update_image(image.id, visibility="shared")
    project_id = values.get("project_id") or values["other_project"]
    return await backend.add_image_member(image.id, project_id)


IMAGES = Resource(
    name="images",
    title="Images",
    aliases=("image", "img", "glance"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=36),
        state_col("Status", "status"),
        Col("Visibility", attr("visibility"), min_width=6, max_width=10),
        Col(
            "Size",
            lambda i: human_bytes(i.size),
            min_width=6,
            max_width=10,
            align="right",
            sort_key=lambda i: i.size,
        ),
        Col("Disk", attr("disk_format"), min_width=4, max_width=6),
        Col("Container", attr("container_format"), min_width=4, max_width=9),
        project_col("Owner", "owner"),
        Col("Created", attr("created"), min_width=10, max_width=20),
    ),
    list=lambda backend, scope: backend.images(),
    get=lambda b, i: b.image(i),
    settled=lambda i: i.status not in UNSETTLED,
    failure=lambda i: f"Glance says {i.status}" if i.status == "killed" else None,
    drills=(
        Drill(
            "enter",
            "image-members",
            lambda i: scoped("image_id", i.id, f"image {i.name}"),
            "Projects this image is shared with",
        ),
    ),
    actions=(
        Action(
            "upload",
            "n",
            "Upload image from a file",
            upload,
            form=upload_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "download",
            "w",
            "Download to a file",
            download,
            lambda i: i.status == "active",
            form=download_form,
            mutating=False,
            follow="none",
        ),
        Action(
            "share",
            "M",
            "Share with a project",
            share,
            lambda i: i.visibility != "public",
            form=share_form,
            follow="none",
        ),
        Action(
            "visibility",
            "v",
            "Set visibility",
            set_visibility,
            form=visibility_form,
            progress="updating",
        ),
        Action(
            "protect",
            "p",
            "Protect",
            protect,
            lambda i: not i.protected,
            confirm="yes",
            progress="protecting",
        ),
        Action(
            "unprotect",
            "P",
            "Unprotect",
            unprotect,
            lambda i: i.protected,
            confirm="yes",
            progress="unprotecting",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, image: b.delete_image(image.id)),
            confirm="name",
            progress="deleting",
            follow="gone",
            message=lambda i: (
                f"Delete image {i.name or i.id} ({human_bytes(i.size)})"
                + (" — it is protected: Glance will refuse" if i.protected else "")
            ),
        ),
    ),
)


# -- members --------------------------------------------------------------------------------


def list_members(backend: Backend, scope: Scope) -> AsyncIterator[list[ImageMember]]:
    return once(backend.image_members(scope.get("image_id") or ""))


async def remove_member(backend: Backend, member: ImageMember, values: Values) -> None:
    await backend.remove_image_member(member.image_id, member.member_id)


def answer(status: str) -> Callable[[Backend, ImageMember, Values], Awaitable[None]]:
    """The member project's answer to the share: accepted or rejected."""

    async def run(backend: Backend, member: ImageMember, values: Values) -> None:
        await backend.set_image_member_status(member.image_id, member.member_id, status)

    return run


IMAGE_MEMBERS = Resource(
    name="image-members",
    title="Image members",
    aliases=("members", "image-shares"),
    columns=(
        project_col("Project", "member_id"),
        state_col("Status", "status", max_width=9),
        Col("Project ID", attr("member_id"), min_width=8, max_width=36),
        Col("Created", attr("created"), min_width=10, max_width=20),
        Col("Updated", attr("updated"), min_width=10, max_width=20),
    ),
    list=list_members,
    key=lambda m: m.member_id,
    label=in_context(lambda context, m: context.names.project(m.member_id)),
    drills=(
        Drill(
            "enter",
            "images",
            lambda m: Scope(filters=(("id", m.image_id),), label="shared image"),
            "The image",
        ),
    ),
    actions=(
        Action(
            "remove",
            "ctrl+d",
            "Stop sharing with this project",
            remove_member,
            confirm="yes",
            follow="list",
        ),
        Action(
            "accept",
            "A",
            "Accept the share (as that project)",
            answer("accepted"),
            lambda m: m.status != "accepted",
            confirm="none",
            follow="list",
        ),
        Action(
            "reject",
            "R",
            "Reject the share (as that project)",
            answer("rejected"),
            lambda m: m.status != "rejected",
            confirm="yes",
            follow="list",
        ),
    ),
    scope_key="image_id",
    reached_from="an image in :images (enter)",
)
