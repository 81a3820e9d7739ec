"""Neutron ports: where a server, router or DHCP agent meets a network; building them
(create with fixed IP, MAC, security groups; edit groups and allowed address pairs; delete)."""

from __future__ import annotations

from tui.backend.base import Backend
from tui.backend.models import Port, PortChange, PortSpec
from tui.forms import Choice, ChoiceLoader, Field, Form, Values, valid_name
from tui.list_filters import FilterWord, by_name_or_id, project_word
from tui.net_values import address, address_pairs, field_check, mac
from tui.resource import Action, Col, Drill, Resource, Scope, attr
from tui.screens.resources.choices import collect, network_choices
from tui.screens.resources.columns import name_col, project_col, state_col
from tui.screens.resources.lists import one
from tui.screens.resources.port_projects import EXPORT_FIXED_IPS, list_ports


def port_owner(port: Port) -> Scope:
    if port.device_owner.startswith("compute:"):
        return one(port.device_id, "server of port")
    return one(port.device_id, f"{port.device_owner or 'owner'} of port")


def owner_text(port: Port) -> str:
    """A router's ports say what they are to it; any other port its device owner."""
    return f"router {port.role}" if port.role else port.device_owner


def addresses_text(port: Port) -> str:
    """A router's ports also say on which subnet each address is."""
    if not port.role:
        return port.ip_text
    return ", ".join(f"{ip.ip_address} on {ip.subnet_id[:8]}" for ip in port.fixed_ips)


def pairs_text(port: Port) -> str:
    return pairs_text_of(port.allowed_address_pairs)


# -- choices ---------------------------------------------------------------------------------


async def _subnets_of_network(backend: Backend, values: Values) -> list[Choice]:
    network_id = values.get("network_id")
    if not network_id:
        return []
    return [
        Choice(s.id, s.name or s.id, f"{s.cidr}")
        for s in await collect(backend.subnets(network_id=str(network_id)))
    ]


def _groups(project_id: str = "") -> ChoiceLoader:
    """Security groups by id: the port's project's (our own for a new port)."""

    async def load(backend: Backend, values: Values) -> list[Choice]:
        groups = await collect(
            backend.security_groups(project_id=project_id or backend.info.project_id)
        )
        return [Choice(g.id, g.name, g.description) for g in groups]

    return load


def _security_rules(values: Values) -> dict[str, str]:
    """Neutron's rule, said on the field before anything is sent: security groups and
    address pairs need port security."""
    if values.get("port_security", True):
        return {}
    errors = {}
    if values.get("security_group_ids"):
        errors["security_group_ids"] = "security groups need port security on"
    if values.get("allowed_address_pairs"):
        errors["allowed_address_pairs"] = "allowed address pairs need port security on"
    return errors


# -- create ----------------------------------------------------------------------------------


def create_form(scope: Scope) -> Form:
    return Form(
        title="Create a port",
        fields=(
            Field(
                "network_id",
                "Network",
                kind="choice",
                required=True,
                default=scope.get("network_id"),
                choices=network_choices,
            ),
            Field("name", "Name", validate=valid_name),
            Field(
                "subnet_id",
                "Subnet",
                kind="choice",
                choices=_subnets_of_network,
                depends_on="network_id",
                help="optional: Neutron picks one",
            ),
            Field(
                "ip_address",
                "Fixed IP",
                validate=field_check(address),
                help="optional: the next free address",
            ),
            Field(
                "mac_address",
                "MAC address",
                validate=field_check(mac),
                placeholder="fa:16:3e:12:34:56",
                help="optional",
            ),
            Field("port_security", "Port security", kind="bool", default=True),
            Field(
                "security_group_ids",
                "Security groups",
                kind="multi",
                choices=_groups(),
                help="none chosen: the project's default group",
            ),
        ),
        check=_security_rules,
        submit_label="Create",
    )


async def create(backend: Backend, _scope: object, values: Values) -> Port:
    subnet_id = values.get("subnet_id") or ""
    ip = str(address(values["ip_address"])) if values.get("ip_address") else ""
    secured = bool(values.get("port_security", True))
    groups = tuple(values.get("security_group_ids") or ())
    return await backend.create_port(
        PortSpec(
            network_id=values["network_id"],
            name=values.get("name") or "",
            fixed_ips=((subnet_id, ip),) if subnet_id or ip else (),
            mac_address=mac(values["mac_address"]) if values.get("mac_address") else "",
            port_security=None if secured else False,
            security_group_ids=groups if groups else (None if secured else ()),
        )
    )


# -- edit ------------------------------------------------------------------------------------


def edit_form(port: Port) -> Form:
    return Form(
        title=f"Edit port {port.name or port.id}",
        fields=(
            Field("name", "Name", default=port.name, validate=valid_name),
            Field("port_security", "Port security", kind="bool", default=port.port_security),
            Field(
                "security_group_ids",
                "Security groups",
                kind="multi",
                default=port.security_group_ids,
                choices=_groups(port.project_id),
            ),
            Field(
                "allowed_address_pairs",
                "Allowed address pairs",
                default=pairs_text(port),
                placeholder="10.0.0.100, 10.1.0.0/24 fa:16:3e:00:00:01",
                validate=field_check(address_pairs),
                help="IP_OR_CIDR [MAC], ...: other addresses this port may send from",
            ),
        ),
        check=_security_rules,
        submit_label="Save",
    )


async def edit(backend: Backend, port: Port, values: Values) -> Port:
    """Only what changed is sent: Neutron's policy keeps port security and address pairs to
    the network's owner, even unchanged."""
    name = values.get("name") or ""
    secured = bool(values.get("port_security"))
    groups = tuple(values.get("security_group_ids") or ())
    pairs = address_pairs(str(values.get("allowed_address_pairs") or ""))
    change = PortChange(
        name=name if name != port.name else None,
        port_security=secured if secured != port.port_security else None,
        security_group_ids=groups if set(groups) != set(port.security_group_ids) else None,
        allowed_address_pairs=pairs if pairs_text_of(pairs) != pairs_text(port) else None,
    )
    return await backend.update_port(port.id, change)


def pairs_text_of(pairs: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{ip} {m}".strip() for ip, m in pairs)


async def delete(backend: Backend, port: Port, _values: Values) -> None:
    await backend.delete_port(port.id)


async def remove_interface(backend: Backend, port: Port, _values: Values) -> None:
    await backend.remove_router_interface(port.device_id, port_id=port.id)


PORTS = Resource(
    name="ports",
    title="Ports",
    aliases=("port",),
    columns=(
        Col("Name", lambda p: p.name or p.id[:8], min_width=8, max_width=24),
        state_col("Status", "status"),
        project_col(max_width=16),
        Col("Fixed IPs", addresses_text, min_width=9, max_width=40),
        Col("MAC", attr("mac_address"), min_width=17, max_width=17),
        Col("Owner", owner_text, min_width=5, max_width=26),
        Col("Host", attr("binding_host"), min_width=4, max_width=20),
        Col("VIF", attr("vif_type"), min_width=3, max_width=10),
        Col("Device", attr("device_id"), min_width=8, max_width=36),
        name_col("Network", "network", "network_id", min_width=8, max_width=36),
    ),
    list=list_ports,
    filter_words=(
        project_word("a project's name or id"),
        FilterWord(
            "network",
            "a network's name or id",
            key="network_id",
            resolve=by_name_or_id("network", lambda b: b.networks()),
        ),
        FilterWord("device", "the id of the server or router using it", key="device_id"),
    ),
    get=lambda b, i: b.port(i),
    label=lambda p: p.name or p.id,
    drills=(
        Drill(
            "enter",
            "networks",
            lambda p: one(p.network_id, "network of port"),
            "The port's network",
        ),
        Drill("O", "servers", port_owner, "The server using this port"),
    ),
    actions=(
        EXPORT_FIXED_IPS,
        Action(
            "create",
            "n",
            "Create port",
            create,
            form=create_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "edit",
            "e",
            "Edit name, security groups, address pairs",
            edit,
            lambda p: not p.role,
            form=edit_form,
        ),
        Action(
            "remove_interface",
            "I",
            "Remove this router interface",
            remove_interface,
            lambda p: p.role == "interface",
            confirm="yes",
            progress="removing",
            follow="gone",
            message=lambda p: f"Remove interface {p.ip_text} from router {p.device_id}.",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            delete,
            lambda p: not p.role,
            confirm="name",
            progress="deleting",
            follow="gone",
            message=lambda p: (
                f"Delete port {p.name or p.id} ({p.ip_text or 'no address'})"
                + (f", used by {p.device_owner} {p.device_id}." if p.device_id else ".")
            ),
        ),
    ),
)
