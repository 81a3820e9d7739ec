"""Pages of Nova's servers list read straight from the body's bytes into list rows.

A page of 1,000 servers is ~1.2 MB of JSON; read as dicts it is ~4 KB of Python objects
per server, which the list would keep (`Server.raw`) and the cyclic GC would walk again and
again while the next pages arrive. Here msgspec decodes only what the list shows and its
actions ask (`ServerRecord`), into structs the GC does not track, and the rows keep a slim
record: just Nova's fault, if any. Describe, and the actions that read the whole record,
fetch the server first (`Resource.refetch`), as they already do to show it current.

Same rows, same gate: a page holding any text the gate would change (`json_needs_gate`), a
server of a cell that is down, or a field of a type this does not expect is read the
ordinary way (`decoded` and `Server.from_api`), so strange pages are only slower, never read
differently. Repeated values (status, host, flavor, project...) are shared, not copied.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import msgspec

from tui.backend.models import Server
from tui.backend.models.common import POWER_STATES
from tui.backend.models.core import Address
from tui.backend.openstack.core import marker_of
from tui.text import json_needs_gate

# Each struct reads only its fields (the rest of the record is skipped while parsing).
_STRUCT = {"gc": False, "frozen": True}


class _Flavor(msgspec.Struct, **_STRUCT):
    original_name: str | None = None
    id: str | None = None


class _Image(msgspec.Struct, **_STRUCT):
    id: str | None = None


class _Address(msgspec.Struct, **_STRUCT):
    addr: str | None = None
    version: int | None = None
    kind: str | None = msgspec.field(default=None, name="OS-EXT-IPS:type")
    mac: str | None = msgspec.field(default=None, name="OS-EXT-IPS-MAC:mac_addr")


class _Group(msgspec.Struct, **_STRUCT):
    name: str | None = None


class ServerRecord(msgspec.Struct, **_STRUCT):
    """What a list row keeps of one servers/detail record (Nova 2.1 to 2.96)."""

    id: str
    name: str | msgspec.UnsetType | None = msgspec.UNSET
    status: str | None = None
    task_state: str | None = msgspec.field(default=None, name="OS-EXT-STS:task_state")
    power_state: int | None = msgspec.field(default=None, name="OS-EXT-STS:power_state")
    vm_state: str | None = msgspec.field(default=None, name="OS-EXT-STS:vm_state")
    tenant_id: str | None = None
    project_id: str | None = None
    user_id: str | None = None
    host: str | msgspec.UnsetType | None = msgspec.field(
        default=msgspec.UNSET, name="OS-EXT-SRV-ATTR:host"
    )
    hypervisor_hostname: str | None = msgspec.field(
        default=None, name="OS-EXT-SRV-ATTR:hypervisor_hostname"
    )
    availability_zone: str | None = msgspec.field(default=None, name="OS-EXT-AZ:availability_zone")
    flavor: _Flavor | None = None
    image: _Image | str | None = None
    key_name: str | None = None
    addresses: dict[str, list[_Address]] | None = None
    created: str | None = None
    updated: str | None = None
    locked: bool | None = None
    fault: dict[str, Any] | None = None
    security_groups: list[_Group] | None = None


class _Link(msgspec.Struct, **_STRUCT):
    rel: str | None = None
    href: str | None = None


class _Page(msgspec.Struct, **_STRUCT):
    servers: list[ServerRecord]
    servers_links: list[_Link] | None = None


_DECODER = msgspec.json.Decoder(_Page)
_intern = sys.intern


def _shared(value: str | None) -> str:
    return "" if value is None else _intern(value)


def _text(value: str | None) -> str:
    return "" if value is None else value


def _addresses(addresses: dict[str, list[_Address]] | None) -> tuple[Address, ...]:
    if not addresses:
        return ()
    return tuple(
        Address(
            network=_intern(network),
            addr=_text(a.addr),
            version=a.version or 4,
            kind=_intern(a.kind) if a.kind else "fixed",
            mac=_text(a.mac),
        )
        for network, entries in addresses.items()
        for a in entries
    )


def _power(value: int | None) -> str:
    if value is None:
        return ""
    return POWER_STATES.get(value) or str(value)


def list_row(r: ServerRecord, project_names: Mapping[str, str]) -> Server:
    """The list row of one record: the fields `Server.from_api` reads, a slim `raw`."""
    flavor = r.flavor
    image = r.image
    project_id = _shared(r.tenant_id or r.project_id)
    return Server(
        id=r.id,
        name=_text(r.name) if isinstance(r.name, str) else "",
        status=_shared(r.status),
        task_state=_shared(r.task_state),
        power_state=_power(r.power_state),
        vm_state=_shared(r.vm_state),
        project_id=project_id,
        project=project_names.get(project_id, project_id),
        user_id=_shared(r.user_id),
        host=_shared(r.host) if isinstance(r.host, str) else "",
        hypervisor_hostname=_shared(r.hypervisor_hostname),
        availability_zone=_shared(r.availability_zone),
        flavor=_shared(flavor.original_name or flavor.id) if flavor is not None else "",
        image=_shared(image.id) if isinstance(image, _Image) else "",
        key_name=_shared(r.key_name),
        addresses=_addresses(r.addresses),
        created=_shared(r.created),
        updated=_text(r.updated),
        locked=bool(r.locked),
        cell_down=False,
        host_known=r.host is not msgspec.UNSET,
        security_groups=tuple(_shared(g.name) for g in r.security_groups or ()),
        raw={"fault": r.fault} if r.fault is not None else {},
    )


def server_page(
    content: bytes, project_names: Mapping[str, str]
) -> tuple[list[Server], str | None] | None:
    """The rows and next marker of one servers/detail page; None: read it the ordinary way
    (text for the gate, a server of a down cell, an unexpected shape)."""
    if json_needs_gate(content):
        return None
    try:
        page = _DECODER.decode(content)
    except msgspec.DecodeError:  # ValidationError too: not the shape expected here
        return None
    records = page.servers
    if any(r.name is msgspec.UNSET and r.status == "UNKNOWN" for r in records):
        return None
    marker = None
    for link in page.servers_links or ():
        if link.rel == "next":
            marker = marker_of(link.href)
            break
    return [list_row(r, project_names) for r in records], marker
