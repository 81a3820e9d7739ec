"""Nova keypairs: what a server is booted with to let its owner in."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Keypair
from tui.resource import Col, Resource, Scope, attr


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
