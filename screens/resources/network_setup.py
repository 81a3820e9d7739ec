"""The network setup wizard's form: the cheat sheet's complete example in one form, whose
submit plans the `network-setup` runbook (`tui/runbook/network_setup.py`) and shows its
preview — every call, in order — which `y` runs.

`N` on `:networks`, and “New network setup” in the palette from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.backend.base import Backend
from tui.context import Context
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.net_values import BadValue, cidr, field_check, gateway, nameservers, pools
from tui.resource import Action, in_context
from tui.runbook.network_setup import (
    DEFAULT_CIDR,
    NAME,
    external_networks,
    external_params,
    free_cidr,
    project_subnets,
    setup_params,
)
from tui.runbook.recipe import RunbookRequest

DESCRIPTION = (
    "A private network and subnet, a router with its gateway on an external network and "
    "an interface on the subnet, ICMP and SSH in the project's default group. The preview "
    "lists every call; a failure rolls back what was made unless you choose to leave it."
)


async def external_choices(backend: Backend, values: Values) -> Sequence[Choice]:
    return [
        Choice(n.id, n.name or n.id, f"{len(n.subnet_ids)} subnets · {n.id}")
        for n in await external_networks(backend)
    ]


def _ipv4_cidr(text: str) -> object:
    return cidr(text, 4)


def _within(cidr_field: str, parse: Any) -> Any:
    """A validator of an address field inside the CIDR typed in `cidr_field`."""

    def check(value: Any, values: Values) -> str | None:
        try:
            network = cidr(str(values.get(cidr_field) or ""), 4)
        except BadValue:
            return None  # the CIDR field says what is wrong with it
        try:
            parse(str(value), network, values)
        except BadValue as error:
            return str(error)
        return None

    return check


def _ext_pools(values: Values) -> tuple[tuple[str, str], ...]:
    try:
        return pools(str(values.get("ext_pool") or ""), cidr(str(values.get("ext_cidr")), 4))
    except BadValue:
        return ()


_gateway = _within("cidr", lambda text, network, values: gateway(text, network))
_ext_pool = _within("ext_cidr", lambda text, network, values: pools(text, network))
_ext_gateway = _within(
    "ext_cidr", lambda text, network, values: gateway(text, network, _ext_pools(values))
)


def _new_external(values: Values) -> bool:
    return bool(values.get("new_external"))


def external_fields() -> tuple[Field, ...]:
    """Admin: the cheat sheet's `net-create public --router:external=True` and its subnet."""
    return (
        Field(
            "new_external",
            "Create a new external network (admin)",
            kind="bool",
            default=False,
            help="flat on a physical network, its subnet without DHCP",
        ),
        Field(
            "ext_name",
            "External network name",
            required=True,
            default="public",
            validate=valid_name,
            visible=_new_external,
        ),
        Field(
            "ext_physnet",
            "Physical network",
            required=True,
            default="public",
            validate=valid_name,
            visible=_new_external,
        ),
        Field(
            "ext_cidr",
            "External subnet CIDR",
            required=True,
            default="172.24.4.0/24",
            validate=field_check(_ipv4_cidr),
            visible=_new_external,
        ),
        Field(
            "ext_pool",
            "Floating IP pool",
            placeholder="172.24.4.10-172.24.4.200",
            validate=_ext_pool,
            visible=_new_external,
            help="START-END, comma-separated; empty: the whole subnet",
        ),
        Field(
            "ext_gateway",
            "External gateway",
            placeholder="the upstream router, e.g. 172.24.4.1",
            validate=_ext_gateway,
            visible=_new_external,
        ),
    )


def setup_form(context: Context, _scope: Any) -> Form:
    admin = context.capabilities.admin
    return Form(
        title="New network setup",
        description=DESCRIPTION,
        fields=(
            Field("network", "Network name", required=True, default="private", validate=valid_name),
            Field(
                "subnet",
                "Subnet name",
                required=True,
                default="private-subnet",
                validate=valid_name,
            ),
            Field(
                "cidr",
                "Subnet CIDR (IPv4)",
                required=True,
                default=DEFAULT_CIDR,
                validate=field_check(_ipv4_cidr),
                help="a /24 no subnet of the project uses; the preview says any overlap",
            ),
            Field(
                "gateway",
                "Gateway",
                placeholder="Neutron picks the first address",
                validate=_gateway,
            ),
            Field(
                "dns",
                "DNS name servers",
                placeholder="8.8.8.8",
                validate=field_check(lambda text: nameservers(text, 4)),
                help="comma-separated; empty: none",
            ),
            Field("dhcp", "Enable DHCP", kind="bool", default=True),
            Field("router", "Router name", required=True, default="router1", validate=valid_name),
            *(external_fields() if admin else ()),
            Field(
                "external",
                "External network (the router's gateway)",
                kind="choice",
                required=True,
                choices=external_choices,
                visible=lambda values: not _new_external(values),
            ),
            Field("icmp", "Allow ICMP in (default group)", kind="bool", default=True),
            Field("ssh", "Allow SSH in (default group)", kind="bool", default=True),
            Field(
                "pool_check",
                "Check the floating IP pool first",
                kind="bool",
                default=True,
                help="a subnet of the external network with free addresses, and the quota",
            ),
            Field(
                "leave",
                "On a failure, leave what was made",
                kind="bool",
                default=False,
                help="else it is rolled back, last made first",
            ),
        ),
        submit_label="Preview",
    )


async def setup_initial(backend: Backend, _scope: Any) -> Values:
    """A CIDR the project's subnets leave free; the external network named public, else
    the first one."""
    subnets = await project_subnets(backend)
    externals = await external_networks(backend)
    chosen = next((n for n in externals if n.name == "public"), externals[0] if externals else None)
    values: Values = {"cidr": free_cidr([s.cidr for s in subnets])}
    if chosen is not None:
        values["external"] = chosen.id
    return values


async def setup(backend: Backend, _scope: Any, values: Values) -> RunbookRequest:
    new_external = None
    if values.get("new_external"):
        network = cidr(str(values["ext_cidr"]), 4)
        pool_pairs = pools(str(values.get("ext_pool") or ""), network)
        new_external = external_params(
            str(values["ext_name"]),
            str(network),
            physical_network=str(values["ext_physnet"]),
            pools=pool_pairs,
            gateway=str(values.get("ext_gateway") or ""),
        )
    params = setup_params(
        network=str(values["network"]),
        subnet=str(values["subnet"]),
        cidr=str(cidr(str(values["cidr"]), 4)),
        gateway=str(values.get("gateway") or ""),
        dns=nameservers(str(values.get("dns") or ""), 4),
        dhcp=bool(values.get("dhcp")),
        router=str(values["router"]),
        external_id="" if new_external else str(values["external"]),
        icmp=bool(values.get("icmp")),
        ssh=bool(values.get("ssh")),
        pool_check=bool(values.get("pool_check")),
        leave=bool(values.get("leave")),
        new_external=new_external,
    )
    return RunbookRequest(NAME, params)


SETUP_ACTION = Action(
    "network_setup",
    "N",
    "New network setup",
    setup,
    form=in_context(setup_form),
    initial=setup_initial,
    on_row=False,
    follow="none",
    palette=True,
)
