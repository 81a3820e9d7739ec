"""What servers are made of: keypairs here; flavors (screens/resources/flavors.py) and images
(screens/resources/images.py) have their own modules."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Keypair
from tui.resource import Col, Resource, Scope, attr
from tui.screens.resources.flavors import FLAVORS
from tui.screens.resources.images import IMAGES


def list_keypairs(backend: Backend, scope: Scope) -> AsyncIterator[list[Keypair]]:
    return backend.keypairs()


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

__all__ = ["FLAVORS", "IMAGES", "KEYPAIRS"]
