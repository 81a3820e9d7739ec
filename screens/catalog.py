"""What servers are made of: flavors, images, keypairs."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Flavor, Image, Keypair
from tui.resource import Col, Resource, Scope, attr
from tui.screens.columns import number_col, state_col
from tui.screens.networks import yes_no


def list_flavors(backend: Backend, scope: Scope) -> AsyncIterator[list[Flavor]]:
    return backend.flavors()


def list_images(backend: Backend, scope: Scope) -> AsyncIterator[list[Image]]:
    return backend.images()


def list_keypairs(backend: Backend, scope: Scope) -> AsyncIterator[list[Keypair]]:
    return backend.keypairs()


def _size(image: Image) -> str:
    size = float(image.size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(image.size)


FLAVORS = Resource(
    name="flavors",
    title="Flavors",
    aliases=("flavor", "flv"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        number_col("vCPUs", "vcpus"),
        Col(
            "RAM",
            lambda f: f"{f.ram_mb / 1024:g} GiB",
            min_width=5,
            max_width=10,
            align="right",
            sort_key=lambda f: f.ram_mb,
        ),
        number_col("Disk GB", "disk_gb"),
        number_col("Eph GB", "ephemeral_gb"),
        number_col("Swap MB", "swap_mb"),
        Col("Public", lambda f: yes_no(f.is_public), min_width=3, max_width=6),
        Col("ID", attr("id"), min_width=2, max_width=36),
    ),
    list=list_flavors,
    get=lambda b, i: b.flavor(i),
)

IMAGES = Resource(
    name="images",
    title="Images",
    aliases=("image", "img", "glance"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=36),
        state_col("Status", "status"),
        Col("Visibility", attr("visibility"), min_width=6, max_width=10),
        Col("Size", _size, min_width=6, max_width=10, align="right", sort_key=lambda i: i.size),
        Col("Disk", attr("disk_format"), min_width=4, max_width=6),
        Col("Container", attr("container_format"), min_width=4, max_width=9),
        Col("Owner", attr("owner"), min_width=6, max_width=32),
        Col("Created", attr("created"), min_width=10, max_width=20),
    ),
    list=list_images,
    get=lambda b, i: b.image(i),
)

KEYPAIRS = Resource(
    name="keypairs",
    title="Keypairs",
    aliases=("keypair", "keys", "kp"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("Type", attr("type"), min_width=3, max_width=6),
        Col("Fingerprint", attr("fingerprint"), min_width=16, max_width=60),
    ),
    list=list_keypairs,
    key=lambda k: k.name,
)
