"""Neutron routers: their interfaces, gateway and the L3 agents hosting them; building them
(create, gateway, interfaces, static routes, delete)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Port, Router, RouterChange, RouterSpec
from tui.context import Context
from tui.forms import Choice, ChoiceLoader, Field, Form, Values, valid_name
from tui.net_values import field_check, routes
from tui.resource import Action, Col, Drill, Resource, Scope, View, attr, in_context
from tui.runbook.recipe import RunbookRequest
from tui.runbook.router_interfaces import remove_interfaces_request
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect, external_network_choices
from tui.screens.resources.columns import name_col, project_col, state_col, yes_no
from tui.screens.resources.lists import once, one, scoped


def list_routers(backend: Backend, scope: Scope) -> AsyncIterator[list[Router]]:
    if (agent_id := scope.get("l3_agent")) is not None:
        return once(backend.routers_of_l3_agent(agent_id))
    return backend.routers()


def namespace_shell(router: Router) -> object:
    from tui.screens.namespace_shell import router_shell

    return router_shell(router)


async def router_ports(backend: Backend, router: Router) -> list[Port]:
    return await collect(backend.ports(device_id=router.id))


def port_line(port: Port) -> str:
    """One of a router's ports for the operator: its role, address(es) and subnet(s)."""
    where = ", ".join(f"{ip.ip_address} on subnet {ip.subnet_id}" for ip in port.fixed_ips)
    return f"{port.role or port.device_owner or 'port'} {port.id}: {where or 'no address'}"


# -- create, edit ----------------------------------------------------------------------------


def _snat_field(context: Context, default: bool = True) -> tuple[Field, ...]:
    """Whether the gateway does SNAT is an admin's to say (Neutron's policy): shown to
    admins only, and only with a gateway network chosen."""
    if not context.capabilities.admin:
        return ()
    return (
        Field(
            "enable_snat",
            "SNAT on the gateway",
            kind="bool",
            default=default,
            visible=lambda values: bool(values.get("network_id")),
        ),
    )


def create_form(context: Context, _scope: object) -> Form:
    return Form(
        title="Create a router",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field("description", "Description"),
            Field(
                "network_id",
                "External gateway",
                kind="choice",
                choices=external_network_choices,
                help="optional: the external network it routes out to",
            ),
            *_snat_field(context),
        ),
        submit_label="Create",
    )


def _snat(values: Values) -> bool | None:
    value = values.get("enable_snat")
    return None if value is None or not values.get("network_id") else bool(value)


async def create(backend: Backend, _scope: object, values: Values) -> Router:
    return await backend.create_router(
        RouterSpec(
            name=values["name"],
            description=values.get("description") or "",
            external_network_id=values.get("network_id") or "",
            enable_snat=_snat(values),
        )
    )


def edit_form(router: Router) -> Form:
    return Form(
        title=f"Edit router {router.name}",
        fields=(
            Field("name", "Name", required=True, default=router.name, validate=valid_name),
            Field("description", "Description", default=router.description),
            Field(
                "admin_state_up",
                "Enabled (admin state up)",
                kind="bool",
                default=router.admin_state_up,
            ),
        ),
        submit_label="Save",
    )


async def edit(backend: Backend, router: Router, values: Values) -> Router:
    """Only what changed is sent."""
    name, description = str(values["name"]), str(values.get("description") or "")
    enabled = bool(values.get("admin_state_up"))
    change = RouterChange(
        name=name if name != router.name else None,
        description=description if description != router.description else None,
        admin_state_up=enabled if enabled != router.admin_state_up else None,
    )
    return await backend.update_router(router.id, change)


def routes_form(router: Router) -> Form:
    return Form(
        title=f"Static routes of {router.name}",
        description="One route per line or comma: DESTINATION via NEXTHOP. "
        "Each next hop must lie in a subnet the router is on. Empty: no routes.",
        fields=(
            Field(
                "routes",
                "Routes",
                default=", ".join(f"{d} via {n}" for d, n in router.routes),
                placeholder="192.168.10.0/24 via 10.0.0.5",
                validate=field_check(routes),
            ),
        ),
        submit_label="Set routes",
    )


async def set_routes(backend: Backend, router: Router, values: Values) -> Router:
    wanted = routes(str(values.get("routes") or ""))
    return await backend.update_router(router.id, RouterChange(routes=wanted))


# -- gateway ---------------------------------------------------------------------------------


def gateway_form(context: Context, router: Router) -> Form:
    return Form(
        title=f"Set the gateway of {router.name}",
        fields=(
            Field(
                "network_id",
                "External network",
                kind="choice",
                required=True,
                default=router.external_network_id or None,
                choices=external_network_choices,
            ),
            *_snat_field(context, router.enable_snat or not router.external_network_id),
        ),
        submit_label="Set gateway",
    )


async def set_gateway(backend: Backend, router: Router, values: Values) -> Router:
    return await backend.set_router_gateway(
        router.id, values["network_id"], enable_snat=_snat(values)
    )


async def clear_gateway(backend: Backend, router: Router, _values: Values) -> Router:
    return await backend.clear_router_gateway(router.id)


# -- interfaces ------------------------------------------------------------------------------


def _subnets_to_add(router: Router) -> ChoiceLoader:
    """The router's project's subnets not yet on it (none of an external network)."""

    async def load(backend: Backend, values: Values) -> list[Choice]:
        taken = {ip.subnet_id for p in await router_ports(backend, router) for ip in p.fixed_ips}
        external = {n.id for n in await collect(backend.networks(external=True))}
        return [
            Choice(s.id, s.name or s.id, f"{s.cidr} gateway {s.gateway_ip or '(none)'}")
            for s in await collect(backend.subnets())
            if s.project_id == router.project_id
            and s.id not in taken
            and s.network_id not in external
        ]

    return load


def _ports_to_add(router: Router) -> ChoiceLoader:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return [
            Choice(p.id, p.name or p.id[:8], f"{p.ip_text} on {p.network_id[:8]}")
            for p in await collect(backend.ports())
            if p.project_id == router.project_id
            and not p.device_id
            and not p.device_owner
            and p.fixed_ips
        ]

    return load


def _one_of_subnet_or_port(values: Values) -> dict[str, str]:
    if bool(values.get("subnet_id")) == bool(values.get("port_id")):
        return {"subnet_id": "choose a subnet or a port (one of the two)"}
    return {}


def add_interface_form(router: Router) -> Form:
    return Form(
        title=f"Add an interface to {router.name}",
        description="A subnet (the router takes its gateway address) or an unused port.",
        fields=(
            Field("subnet_id", "Subnet", kind="choice", choices=_subnets_to_add(router)),
            Field("port_id", "or port", kind="choice", choices=_ports_to_add(router)),
        ),
        check=_one_of_subnet_or_port,
        submit_label="Add interface",
    )


async def add_interface(backend: Backend, router: Router, values: Values) -> str:
    return await backend.add_router_interface(
        router.id, subnet_id=values.get("subnet_id") or "", port_id=values.get("port_id") or ""
    )


def _interfaces_of(router: Router) -> ChoiceLoader:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return [
            Choice(p.id, p.ip_text or p.id[:8], port_line(p))
            for p in await router_ports(backend, router)
            if p.role == "interface"
        ]

    return load


def remove_interface_form(router: Router) -> Form:
    return Form(
        title=f"Remove an interface of {router.name}",
        fields=(
            Field(
                "port_id",
                "Interface",
                kind="choice",
                required=True,
                choices=_interfaces_of(router),
            ),
        ),
        submit_label="Remove interface",
    )


async def remove_interface(backend: Backend, router: Router, values: Values) -> None:
    await backend.remove_router_interface(router.id, port_id=values["port_id"])


async def remove_interfaces(backend: Backend, router: Router, _values: Values) -> RunbookRequest:
    """One call per interface, as a runbook: previewed and counted before any is sent."""
    return remove_interfaces_request(router)


# -- delete ----------------------------------------------------------------------------------


async def still_attached(backend: Backend, router: Router) -> str | None:
    """Neutron refuses to delete a router with interfaces: say which, before sending."""
    interfaces = [p for p in await router_ports(backend, router) if p.role == "interface"]
    if not interfaces:
        return None
    listed = "; ".join(port_line(p) for p in interfaces)
    return (
        f"{router.name} still has {len(interfaces)} interface(s): {listed}. "
        "Remove them first (X removes them all, I one by one)."
    )


async def what_goes(backend: Backend, router: Router) -> list[str]:
    ports = await router_ports(backend, router)
    gateway = [p for p in ports if p.role == "gateway"]
    if router.external_network_id and not gateway:  # a member does not see the port
        return [f"Its gateway on network {router.external_network_id} goes with it."]
    return [f"Its {port_line(p)} goes with it." for p in gateway] or ["It has no gateway."]


ROUTERS = Resource(
    name="routers",
    title="Routers",
    aliases=("router", "rt"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        state_col("Status", "status"),
        Col("External IPs", lambda r: ", ".join(r.external_ips), min_width=8, max_width=40),
        Col("HA", lambda r: yes_no(r.ha), min_width=2, max_width=3),
        Col("DVR", lambda r: yes_no(r.distributed), min_width=3, max_width=3),
        name_col("Gateway net", "network", "external_network_id", min_width=8, max_width=36),
        project_col(),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_routers,
    get=lambda b, i: b.router(i),
    drills=(
        Drill(
            "enter",
            "ports",
            lambda r: scoped("device_id", r.id, f"router {r.name}"),
            "The router's interfaces and gateway",
        ),
        Drill(
            "x",
            "networks",
            lambda r: one(r.external_network_id, "router gateway"),
            "The external network of the gateway",
        ),
        Drill(
            "A",
            "network-agents",
            lambda r: scoped("l3_router", r.id, f"router {r.name}"),
            "L3 agents hosting this router",
        ),
    ),
    actions=(
        Action(
            "create",
            "n",
            "Create router",
            create,
            form=in_context(create_form),
            on_row=False,
            follow="list",
        ),
        Action("edit", "e", "Edit name, description, state", edit, form=edit_form),
        Action(
            "set_gateway",
            "w",
            "Set the external gateway",
            set_gateway,
            form=in_context(gateway_form),
            progress="setting gateway",
        ),
        Action(
            "clear_gateway",
            "W",
            "Clear the external gateway",
            clear_gateway,
            lambda r: bool(r.external_network_id),
            confirm="yes",
            progress="clearing gateway",
            message=lambda r: (
                f"Clear the gateway of {r.name} ({', '.join(r.external_ips) or 'no address'} "
                f"on {r.external_network_id}): its networks lose their way out."
            ),
        ),
        Action(
            "add_interface",
            "i",
            "Add an interface (subnet or port)",
            add_interface,
            form=add_interface_form,
            progress="adding interface",
            follow="none",  # the router row itself does not change
        ),
        Action(
            "remove_interface",
            "I",
            "Remove an interface",
            remove_interface,
            form=remove_interface_form,
            progress="removing interface",
            follow="none",  # the router row itself does not change
        ),
        Action(
            "remove_interfaces",
            "X",
            "Remove every interface (a runbook)",
            remove_interfaces,
            follow="none",
        ),
        Action("routes", "R", "Edit static routes", set_routes, form=routes_form),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, router: b.delete_router(router.id)),
            confirm="name",
            guard=still_attached,
            preview=what_goes,
            progress="deleting",
            follow="gone",
            message=lambda r: f"Delete router {r.name}.",
        ),
    ),
    views=(
        View("s", "netns-shell", "Shell in its qrouter namespace (network node)", namespace_shell),
    ),
)
