"""The network setup wizard's form: the cheat sheet's complete example in one form, whose
submit plans the `network-setup` runbook (`tui/runbook/network_setup.py`) and shows its
preview — every call, in order — which `y` runs.

`N` on `:networks`, and “New network setup” in the palette from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.backend.base import Backend
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.net_values import BadValue, cidr, field_check, gateway, nameservers
from tui.resource import Action
from tui.runbook.network_setup import (
    DEFAULT_CIDR,
    NAME,
    external_networks,
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


def _gateway(value: Any, values: Values) -> str | None:
    try:
        network = cidr(str(values.get("cidr") or ""), 4)
    except BadValue:
        return None  # the CIDR field says what is wrong with it
    try:
        gateway(str(value), network)
    except BadValue as error:
        return str(error)
    return None


def setup_form(_scope: Any) -> Form:
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
            Field("dhcp", "DHCP", kind="bool", default=True),
            Field("router", "Router name", required=True, default="router1", validate=valid_name),
            Field(
                "external",
                "External network (the router's gateway)",
                kind="choice",
                required=True,
                choices=external_choices,
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
    params = setup_params(
        network=str(values["network"]),
        subnet=str(values["subnet"]),
        cidr=str(cidr(str(values["cidr"]), 4)),
        gateway=str(values.get("gateway") or ""),
        dns=nameservers(str(values.get("dns") or ""), 4),
        dhcp=bool(values.get("dhcp")),
        router=str(values["router"]),
        external_id=str(values["external"]),
        icmp=bool(values.get("icmp")),
        ssh=bool(values.get("ssh")),
        pool_check=bool(values.get("pool_check")),
        leave=bool(values.get("leave")),
    )
    return RunbookRequest(NAME, params)


SETUP_ACTION = Action(
    "network_setup",
    "N",
    "New network setup",
    setup,
    form=setup_form,
    initial=setup_initial,
    on_row=False,
    follow="none",
    palette=True,
)
