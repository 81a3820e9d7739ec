"""Keeping a server: rebuild, snapshot image, rescue / unrescue, metadata and tags.

Row actions of the servers list (so also of a hypervisor's or a project's servers), each
offered only where Nova's state table (``tui.backend.states``) allows it. The forms take
their choices from the cloud and check Nova's limits before anything is sent; passwords go
in secret fields (masked, never logged, audited or shown). Diagnostics, a view of its own,
are in ``server_diagnostics``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.backend.base import Backend
from tui.backend.states import allows
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, View
from tui.screens.resources.choices import collect

if TYPE_CHECKING:  # annotations only: the models load by area, when first used
    from tui.backend.models import Image, Server

# Nova's limits (its JSON schema and objects): checked in the forms before sending
METADATA_KEY = re.compile(r"[a-zA-Z0-9-_:. ]{1,255}")
METADATA_CHARS = "letters, digits, space, - _ : ."
METADATA_MAX = 255
TAG_MAX = 60
TAGS_MAX = 50

CURRENT = "(current)"  # the server's own image (rescue), or its key pair kept (rebuild)
NO_KEY = "(none)"  # rebuild without a key pair


def now() -> datetime:
    return datetime.now()


def _on(server: Server) -> str:
    return server.host or "no host"


def _image_choice(image: Image) -> Choice:
    size = f"{image.size // (1 << 20)} MiB" if image.size else "no data"
    return Choice(image.id, image.name or image.id, f"{image.disk_format or '-'} {size}")


async def _images(backend: Backend) -> list[Image]:
    return [i for i in await collect(backend.images()) if i.status == "active"]


def _chosen_image(names: dict[str, str]) -> Any:
    """A form's check that notes the chosen image's name for the confirmation (the choice
    holds its id; the plan names it)."""

    def check(values: Values) -> dict[str, str]:
        image = str(values.get("image") or "")
        values["image_name"] = names.get(image, image)
        return {}

    return check


# -- rebuild ------------------------------------------------------------------------------


def rebuild_form(server: Server) -> Form:
    names: dict[str, str] = {}

    async def images(backend: Backend, values: Values) -> list[Choice]:
        found = await _images(backend)
        names.update((i.id, i.name or i.id) for i in found)
        current = next((i for i in found if i.id == server.image), None)
        choices = [_image_choice(i) for i in found if i.id != server.image]
        if server.image:
            name = current.name if current is not None and current.name else server.image
            names[server.image] = name
            detail = "keep the image it runs" if current else "not listed: deleted or hidden?"
            choices.insert(0, Choice(server.image, f"{name} (current image)", detail))
        return choices

    async def keys(backend: Backend, values: Values) -> list[Choice]:
        kept = server.key_name or "no key pair"
        choices = [Choice(CURRENT, f"keep: {kept}", "the key pair it has now")]
        if server.key_name:
            choices.append(Choice(NO_KEY, "no key pair", "remove it"))
        pairs = await collect(backend.keypairs())
        choices += [
            Choice(k.name, k.name, f"{k.type} {k.fingerprint}")
            for k in pairs
            if k.name != server.key_name
        ]
        return choices

    return Form(
        title=f"Rebuild {server.name} ({server.status}, on {_on(server)})",
        description=(
            "Rebuild wipes the root disk and boots it again from the image: what is on it is "
            "lost. The id, addresses, volumes and flavor stay."
        ),
        fields=(
            Field(
                "image",
                "Image",
                kind="choice",
                required=True,
                default=server.image or None,
                choices=images,
            ),
            Field(
                "name",
                "New name",
                validate=valid_name,
                placeholder=server.name,
                help="empty: it keeps its name",
            ),
            Field(
                "admin_password",
                "Admin password",
                kind="secret",
                help="empty: Nova makes one (never shown)",
            ),
            Field(
                "key_name",
                "Key pair",
                kind="choice",
                default=CURRENT,
                choices=keys,
                help="another key pair needs Nova 2.54",
            ),
            Field(
                "preserve_ephemeral",
                "Preserve the ephemeral disk",
                kind="bool",
                default=False,
                help="only Ironic can: libvirt (and the fake driver) end in ERROR",
            ),
        ),
        submit_label="Rebuild",
        check=_chosen_image(names),
    )


def _key_name(values: Values) -> str | None:
    """The rebuild's key_name: None keeps it, "" removes it."""
    chosen = str(values.get("key_name") or CURRENT)
    if chosen == CURRENT:
        return None
    return "" if chosen == NO_KEY else chosen


async def rebuild(backend: Backend, server: Server, values: Values) -> None:
    await backend.rebuild_server(
        server.id,
        str(values["image"]),
        name=str(values.get("name") or ""),
        admin_password=str(values.get("admin_password") or ""),
        key_name=_key_name(values),
        preserve_ephemeral=bool(values.get("preserve_ephemeral")),
    )


def rebuild_plan(server: Server, values: Values) -> str:
    image = values.get("image_name") or values.get("image")
    same = " (the image it runs now)" if values.get("image") == server.image else ""
    lines = [
        f"Rebuild {server.name} ({server.status}, on {_on(server)}) from image {image}{same}.",
        "Its root disk is wiped: everything on it is lost.",
    ]
    changes = []
    if values.get("name"):
        changes.append(f"new name {values['name']}")
    key = _key_name(values)
    if key is not None:
        changes.append(f"key pair {key}" if key else "no key pair")
    changes.append(
        "the admin password typed" if values.get("admin_password") else "a password Nova makes"
    )
    if values.get("preserve_ephemeral"):
        changes.append("the ephemeral disk kept (Ironic only)")
    lines.append("With " + ", ".join(changes) + ".")
    return "\n".join(lines)


def rebuilt(before: Server, after: Server) -> tuple[bool, str] | None:
    if after.status == "ERROR":
        return None  # the resource's failure says why (Nova's fault)
    renamed = f" (was {before.name})" if after.name != before.name else ""
    return True, f"{after.name}{renamed} is rebuilt: {after.status} on {_on(after)}."


# -- snapshot image (createImage) ----------------------------------------------------------


def parse_metadata(text: str) -> tuple[dict[str, str], str | None]:
    """``a=1, b=x,y`` → {"a": "1", "b": "x,y"}: pairs split at commas (or new lines); a part
    without ``=`` continues the value before it (values may hold commas, but not a comma
    followed by ``=``). Says which part breaks Nova's rules (keys: 1-255 of METADATA_CHARS;
    values: at most 255)."""
    pairs: dict[str, str] = {}
    last = ""
    for part in re.split(r"[,\n]", text):
        key, sep, value = part.partition("=")
        if sep and METADATA_KEY.fullmatch(key.strip()):
            last = key.strip()
            if last in pairs:
                return pairs, f"'{last}' is given twice"
            pairs[last] = value.strip()
        elif last and not sep:
            pairs[last] = f"{pairs[last]},{part}".strip()
        elif part.strip():
            return pairs, _bad_pair(part.strip())
    for key, value in pairs.items():
        if len(value) > METADATA_MAX:
            return pairs, f"the value of '{key}' has {len(value)} characters: at most 255"
    return pairs, None


def _bad_pair(part: str) -> str:
    key, sep, _ = part.partition("=")
    if not sep:
        return f"'{part}' is not key=value"
    if not key.strip():
        return f"'{part}' has no key"
    if len(key.strip()) > METADATA_MAX:
        return f"a key has {len(key.strip())} characters: at most 255"
    return f"key '{key.strip()}': only {METADATA_CHARS}"


def metadata_text(metadata: Any) -> str:
    if not isinstance(metadata, dict):
        return ""
    return ", ".join(f"{k}={v}" for k, v in sorted(metadata.items()))


def valid_metadata(value: Any, _values: Values) -> str | None:
    return parse_metadata(str(value))[1]


def snapshot_name(server: Server) -> str:
    return f"{server.name}-snapshot-{now():%Y%m%d-%H%M}"


def create_image_form(server: Server) -> Form:
    return Form(
        title=f"Snapshot image of {server.name} ({server.status})",
        description=(
            "Nova uploads the server's root disk to Glance as a new image (a volume-backed "
            "server: snapshots of its volumes). It shows in :images."
        ),
        fields=(
            Field(
                "name",
                "Image name",
                required=True,
                default=snapshot_name(server),
                validate=valid_name,
            ),
            Field(
                "metadata",
                "Metadata",
                validate=valid_metadata,
                placeholder="key=value, key=value",
                help="properties of the new image (optional)",
            ),
        ),
        submit_label="Create image",
    )


@dataclass(frozen=True, slots=True)
class Made:
    """What a call made: its id and name (the new image)."""

    id: str
    name: str


async def create_image(backend: Backend, server: Server, values: Values) -> Made:
    name = str(values["name"])
    metadata, _ = parse_metadata(str(values.get("metadata") or ""))
    image_id = await backend.create_server_image(server.id, name, metadata)
    return Made(image_id, name)


def image_accepted(server: Server, made: Any) -> str:
    return (
        f"Image {made.name} ({made.id}) of {server.name} is being made: "
        "it shows in :images (queued, then active once Nova has uploaded it)."
    )


# -- rescue ------------------------------------------------------------------------------


def rescue_form(server: Server) -> Form:
    async def images(backend: Backend, values: Values) -> list[Choice]:
        found = await _images(backend)
        image = next((i.name for i in found if i.id == server.image), server.image)
        own = Choice(CURRENT, "the server's own image", image or "volume-backed")
        return [own, *(_image_choice(i) for i in found)]

    return Form(
        title=f"Rescue {server.name} ({server.status}, on {_on(server)})",
        description=(
            "The server boots from a rescue image with its own disk attached as a second "
            "disk, to repair it; X (unrescue) boots it from its own disk again."
        ),
        fields=(
            Field(
                "image",
                "Rescue image",
                kind="choice",
                required=True,
                default=CURRENT,
                choices=images,
            ),
            Field(
                "admin_password",
                "Admin password",
                kind="secret",
                help="of the rescue system; empty: Nova makes one (never shown)",
            ),
        ),
        submit_label="Rescue",
    )


async def rescue(backend: Backend, server: Server, values: Values) -> None:
    image = str(values.get("image") or CURRENT)
    await backend.rescue_server(
        server.id,
        image_id="" if image == CURRENT else image,
        admin_password=str(values.get("admin_password") or ""),
    )


async def unrescue(backend: Backend, server: Server, values: Values) -> None:
    await backend.unrescue_server(server.id)


# -- metadata and tags ----------------------------------------------------------------------


def parse_tags(text: str) -> tuple[list[str], str | None]:
    """``web, prod`` → ["web", "prod"] (duplicates dropped); says which tag breaks Nova's
    rules: 1-60 characters, no "/" (nor "," : it separates them), at most 50."""
    tags: list[str] = []
    for tag in (t.strip() for t in text.split(",")):
        if not tag or tag in tags:
            continue
        if "/" in tag:
            return tags, f"tag '{tag}': no '/' (nor ',') in a tag"
        if len(tag) > TAG_MAX:
            return tags, f"tag '{tag[:20]}…' has {len(tag)} characters: at most {TAG_MAX}"
        tags.append(tag)
    if len(tags) > TAGS_MAX:
        return tags, f"{len(tags)} tags: Nova keeps at most {TAGS_MAX}"
    return tags, None


def valid_tags(value: Any, _values: Values) -> str | None:
    return parse_tags(str(value))[1]


def metadata_form(server: Server) -> Form:
    return Form(
        title=f"Metadata and tags of {server.name}",
        description=(
            "Only the changes are sent: keys set or deleted, the tags replaced. Keys: 1-255 "
            f"characters ({METADATA_CHARS}); values may hold commas."
        ),
        fields=(
            Field(
                "metadata",
                "Metadata",
                validate=valid_metadata,
                placeholder="key=value, key=value",
                help="a key left out is deleted",
            ),
            Field(
                "tags",
                "Tags",
                validate=valid_tags,
                placeholder="tag, tag",
                help=f"comma-separated; each 1-{TAG_MAX} characters, no '/'; at most {TAGS_MAX}",
            ),
        ),
        submit_label="Save",
    )


async def current_metadata(backend: Backend, server: Server) -> Values:
    """The form starts from the server's record as Nova has it now."""
    fresh = await backend.server(server.id)
    tags = fresh.raw.get("tags")
    return {
        "metadata": metadata_text(fresh.raw.get("metadata")),
        "tags": ", ".join(tags) if isinstance(tags, list) else "",
    }


@dataclass(frozen=True, slots=True)
class MetadataChange:
    """What a metadata-and-tags save sent."""

    set: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    tags: tuple[str, ...] | None = None  # None: the tags were left as they were
    metadata: dict[str, str] = field(default_factory=dict)


async def save_metadata(backend: Backend, server: Server, values: Values) -> MetadataChange:
    wanted, _ = parse_metadata(str(values.get("metadata") or ""))
    tags, _ = parse_tags(str(values.get("tags") or ""))
    fresh = await backend.server(server.id)  # the changes against what Nova has now
    have = {str(k): str(v) for k, v in (fresh.raw.get("metadata") or {}).items()}
    changes: dict[str, str | None] = {k: v for k, v in wanted.items() if have.get(k) != v}
    changes.update(dict.fromkeys((k for k in have if k not in wanted), None))
    after = have
    if changes:
        after = await backend.update_server_metadata(server.id, changes)
    had = fresh.raw.get("tags")  # absent before Nova 2.26: none to keep
    new_tags: tuple[str, ...] | None = None
    if sorted(had if isinstance(had, list) else []) != sorted(tags):
        new_tags = tuple(await backend.set_server_tags(server.id, tags))
    return MetadataChange(
        set=tuple(sorted(k for k, v in changes.items() if v is not None)),
        deleted=tuple(sorted(k for k, v in changes.items() if v is None)),
        tags=new_tags,
        metadata=after,
    )


def metadata_accepted(server: Server, change: Any) -> str:
    said = []
    if change.set:
        said.append(f"set {', '.join(change.set)}")
    if change.deleted:
        said.append(f"deleted {', '.join(change.deleted)}")
    if change.tags is not None:
        said.append(f"tags now {', '.join(change.tags) or 'none'}")
    if not said:
        return f"{server.name}: nothing changed, nothing was sent."
    return f"{server.name}: " + "; ".join(said) + "."


# -- diagnostics: a view of its own (loaded when first opened) ----------------------------------


def diagnostics(server: Server) -> object:
    from tui.screens.resources.server_diagnostics import diagnostics_screen

    return diagnostics_screen(server)


SERVER_DIAGNOSTICS_VIEW = View(
    "f", "diagnostics", "Diagnostics (hypervisor's view; admin)", diagnostics, allows("diagnostics")
)

SERVER_MAINTENANCE_ACTIONS = (
    Action(
        "rebuild",
        "ctrl+r",
        "Rebuild (wipes the root disk)",
        rebuild,
        allows("rebuild"),
        confirm="name",
        form=rebuild_form,
        plan=rebuild_plan,
        progress="rebuilding",
        outcome=rebuilt,
    ),
    Action(
        "create_image",
        "C",
        "Snapshot image",
        create_image,
        allows("create_image"),
        form=create_image_form,
        progress="snapshotting",
        accepted=image_accepted,
    ),
    Action(
        "rescue",
        "x",
        "Rescue",
        rescue,
        allows("rescue"),
        form=rescue_form,
        progress="rescuing",
    ),
    Action("unrescue", "X", "Unrescue", unrescue, allows("unrescue"), progress="unrescuing"),
    Action(
        "metadata",
        "ctrl+t",
        "Metadata and tags",
        save_metadata,
        allows("update_metadata"),
        form=metadata_form,
        initial=current_metadata,
        progress="saving metadata",
        follow="none",
        accepted=metadata_accepted,
    ),
)
