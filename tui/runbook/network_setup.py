"""The network setup wizard as a runbook chain: the cheat sheet's complete example.

A private network and its subnet, a router with its gateway on an external network and an
interface on the subnet, ICMP and SSH rules in the project's `default` group, and first,
when asked, a check that the external network can hand out floating IPs. One item per call,
run in order, each taking the ids the earlier ones made (`run.peer`); the first failure
stops the chain and the done items are undone, last made first — unless the operator chose
to leave them. After a restart each unfinished step looks for what it made in the cloud
(by name, among the objects that were not there at plan time) before sending anything.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError, Conflict, NotFound
from tui.backend.models.network_specs import (
    NetworkSpec,
    RouterSpec,
    SecurityGroupRuleSpec,
    SubnetSpec,
)
from tui.runbook.items import Item, State
from tui.runbook.recipe import Found, ItemRun, Params, Probe, Recipe, Skip
from tui.text import one_line

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.backend.models import Network, SecurityGroup, SecurityGroupRule, Subnet

NAME = "network-setup"
POOL, NETWORK, SUBNET, ROUTER, GATEWAY, INTERFACE = (
    "pool",
    "network",
    "subnet",
    "router",
    "gateway",
    "interface",
)
ICMP_RULE, SSH_RULE = "rule-icmp", "rule-ssh"
EXT_NETWORK, EXT_SUBNET = "ext-network", "ext-subnet"  # admin: the external network too
DEFAULT_CIDR = "10.0.0.0/24"
ANY_IPV4 = ("", "0.0.0.0/0")


def setup_params(
    *,
    network: str,
    subnet: str,
    cidr: str,
    router: str,
    external_id: str,
    gateway: str = "",
    dns: Sequence[str] = (),
    dhcp: bool = True,
    icmp: bool = True,
    ssh: bool = True,
    pool_check: bool = True,
    leave: bool = False,
    new_external: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The runbook's params (JSON: they are saved with it). `new_external` (admin, with
    `external_id` empty): the external network to make first, from `external_params`."""
    return {
        "network": network,
        "subnet": subnet,
        "cidr": cidr,
        "gateway": gateway,
        "dns": list(dns),
        "dhcp": dhcp,
        "router": router,
        "external_id": external_id,
        "icmp": icmp,
        "ssh": ssh,
        "pool_check": pool_check,
        "leave": leave,
        "new_external": new_external,
    }


def external_params(
    name: str,
    cidr: str,
    *,
    physical_network: str = "public",
    pools: Sequence[tuple[str, str]] = (),
    gateway: str = "",
) -> dict[str, Any]:
    """The cheat sheet's `net-create public --router:external=True` (flat) and its subnet
    without DHCP: `subnet-create public CIDR --allocation-pool ... --disable-dhcp`."""
    return {
        "name": name,
        "physical_network": physical_network,
        "cidr": cidr,
        "pools": [list(p) for p in pools],
        "gateway": gateway,
    }


async def _all(pages: Any) -> list[Any]:
    return [row async for page in pages for row in page]


# -- what the project has -------------------------------------------------------------------


def free_cidr(taken: Sequence[str], preferred: str = DEFAULT_CIDR) -> str:
    """`preferred` unless it overlaps one of `taken`; else the first 10.A.B.0/24 free."""
    used = [ipaddress.ip_network(c, strict=False) for c in taken if c]
    others = (ipaddress.ip_network(f"10.{n >> 8}.{n & 255}.0/24") for n in range(1, 1 << 16))
    for candidate in itertools.chain([ipaddress.ip_network(preferred)], others):
        if not any(candidate.version == u.version and candidate.overlaps(u) for u in used):
            return str(candidate)
    return preferred


def overlapping(cidr: str, subnets: Sequence[Subnet]) -> list[Subnet]:
    """The subnets whose range overlaps `cidr` (Neutron allows it across networks)."""
    try:
        wanted = ipaddress.ip_network(cidr)
    except ValueError:
        return []
    found = []
    for subnet in subnets:
        try:
            theirs = ipaddress.ip_network(subnet.cidr, strict=False)
        except ValueError:
            continue
        if theirs.version == wanted.version and theirs.overlaps(wanted):
            found.append(subnet)
    return found


async def project_subnets(backend: Backend) -> list[Subnet]:
    project = backend.info.project_id
    return [s for s in await _all(backend.subnets()) if s.project_id == project]


async def external_networks(backend: Backend) -> list[Network]:
    return sorted(await _all(backend.networks(external=True)), key=lambda n: (n.name, n.id))


async def default_group(backend: Backend) -> SecurityGroup | None:
    project = backend.info.project_id
    groups = await _all(backend.security_groups(project_id=project))
    return next((g for g in groups if g.name == "default" and g.project_id == project), None)


def _rule_spec(group_id: str, kind: str) -> SecurityGroupRuleSpec:
    if kind == ICMP_RULE:
        return SecurityGroupRuleSpec(group_id, protocol="icmp")
    return SecurityGroupRuleSpec(group_id, protocol="tcp", port_range_min=22, port_range_max=22)


def _same_rule(rule: SecurityGroupRule, spec: SecurityGroupRuleSpec) -> bool:
    return (
        rule.direction == spec.direction
        and rule.ethertype == spec.ethertype
        and (rule.protocol or "") == spec.protocol
        and rule.port_range_min == spec.port_range_min
        and rule.port_range_max == spec.port_range_max
        and (rule.remote_ip_prefix or "") in ANY_IPV4
        and not rule.remote_group_id
    )


def _rule_text(kind: str) -> str:
    return "ingress ICMP" if kind == ICMP_RULE else "ingress TCP 22 (SSH)"


def _pool_size(pool: str) -> int:
    start, _, end = pool.partition("-")
    try:
        return int(ipaddress.ip_address(end)) - int(ipaddress.ip_address(start)) + 1
    except ValueError:
        return 0


# -- the recipe -----------------------------------------------------------------------------


class NetworkSetup(Recipe):
    """The wizard's chain; `params` from `setup_params`."""

    name = NAME
    chain = True
    concurrency = 1

    def title(self, params: Params) -> str:
        return f"Network setup {params.get('network')} + {params.get('router')}"

    def destructive(self, params: Params) -> bool:
        return False  # it only makes things, and undoes them when it fails

    def rolls_back(self, params: Params) -> bool:
        return not params.get("leave")

    # -- plan ------------------------------------------------------------------------------

    async def plan(
        self, backend: Backend, params: Params, targets: Sequence[Any] = ()
    ) -> list[Item]:
        project = backend.info.project_id
        items: list[Item] = []
        if new_external := params.get("new_external"):
            ext = str(new_external["name"])
            items += await _external_items(backend, new_external)
        else:
            external = await backend.network(str(params["external_id"]))
            if not external.external:
                raise BackendError(f"{external.name or external.id} is not an external network.")
            ext = external.name or external.id
        all_networks, all_routers, subnets = await asyncio.gather(
            _all(backend.networks()), _all(backend.routers()), project_subnets(backend)
        )
        networks = [n for n in all_networks if n.project_id == project]
        routers = [r for r in all_routers if r.project_id == project]
        net, sub, router = str(params["network"]), str(params["subnet"]), str(params["router"])
        cidr = str(params["cidr"])
        if params.get("pool_check"):
            items.append(
                Item(
                    POOL,
                    f"{ext}: floating IP pool",
                    calls=[
                        f"count the free addresses in {ext}'s pools",
                        "read the floating IP quota",
                    ],
                    data={"summary": True, "external": ext},
                )
            )
        same_net = [n.id for n in networks if n.name == net]
        items.append(
            Item(
                NETWORK,
                f"network {net}",
                calls=[f"create network {net}", *_same_name("network", net, same_net)],
                data={"before": same_net},
            )
        )
        dns = ", ".join(params.get("dns") or ()) or "none"
        gateway = str(params.get("gateway") or "") or "auto"
        dhcp = "on" if params.get("dhcp", True) else "off"
        subnet_calls = [f"create subnet {sub} {cidr}, gateway {gateway}, DNS {dns}, DHCP {dhcp}"]
        subnet_calls += [
            f"⚠ {cidr} overlaps {s.cidr} (subnet {s.name or s.id}): Neutron allows it, "
            "but one router cannot join both"
            for s in overlapping(cidr, subnets)
        ]
        warned = " ⚠" if len(subnet_calls) > 1 else ""
        items.append(Item(SUBNET, f"subnet {sub}{warned}", calls=subnet_calls))
        same_router = [r.id for r in routers if r.name == router]
        items.append(
            Item(
                ROUTER,
                f"router {router}",
                calls=[f"create router {router}", *_same_name("router", router, same_router)],
                data={"before": same_router},
            )
        )
        items.append(Item(GATEWAY, f"gateway on {ext}", calls=[f"set {router}'s gateway on {ext}"]))
        items.append(
            Item(
                INTERFACE,
                f"interface on {sub}",
                calls=[f"add an interface on {sub} to {router}"],
            )
        )
        kinds = [
            k for k, on in ((ICMP_RULE, params.get("icmp")), (SSH_RULE, params.get("ssh"))) if on
        ]
        group = await default_group(backend) if kinds else None
        for kind in kinds:
            items.append(_rule_item(kind, group))
        return items

    # -- run -------------------------------------------------------------------------------

    async def run(self, run: ItemRun) -> None:
        step = run.item.key
        if step == EXT_NETWORK:
            await self._external_network(run)
        elif step == EXT_SUBNET:
            await self._external_subnet(run)
        elif step == POOL:
            await self._check_pool(run)
        elif step == NETWORK:
            await self._network(run)
        elif step == SUBNET:
            await self._subnet(run)
        elif step == ROUTER:
            await self._router(run)
        elif step == GATEWAY:
            await self._gateway(run)
        elif step == INTERFACE:
            await self._interface(run)
        else:
            await self._rule(run)

    @staticmethod
    def _made(run: ItemRun, key: str) -> str:
        """The id a done earlier step made (the chain stops before a step whose is missing)."""
        peer = run.peer(key)
        if peer is None or peer.state is not State.DONE or not peer.data.get("id"):
            raise BackendError(f"no {key} to build on: its step did not finish")
        return str(peer.data["id"])

    def _external_id(self, run: ItemRun) -> str:
        return str(run.params.get("external_id") or "") or self._made(run, EXT_NETWORK)

    async def _external_network(self, run: ItemRun) -> None:
        new = run.params["new_external"]
        spec = NetworkSpec(
            name=str(new["name"]),
            external=True,
            network_type="flat",
            physical_network=str(new["physical_network"]),
        )
        run.sending(f"create external network {spec.name}")
        network = await run.backend.create_network(spec)
        _keep(run, network.id, f"made {network.id}")

    async def _external_subnet(self, run: ItemRun) -> None:
        new = run.params["new_external"]
        network_id = self._made(run, EXT_NETWORK)
        run.item.data["network_id"] = network_id
        spec = SubnetSpec(
            network_id,
            name=f"{new['name']}-subnet",
            cidr=str(new["cidr"]),
            gateway_ip=str(new.get("gateway") or ""),
            enable_dhcp=False,
            allocation_pools=tuple((str(a), str(b)) for a, b in new.get("pools") or ()),
        )
        run.sending(f"create subnet {spec.name} {spec.cidr}")
        subnet = await run.backend.create_subnet(spec)
        _keep(run, subnet.id, f"made {subnet.id}, pools {', '.join(subnet.allocation_pools)}")

    async def _check_pool(self, run: ItemRun) -> None:
        backend = run.backend
        ext_id = self._external_id(run)
        ext = str(run.item.data.get("external") or ext_id)
        run.sending(f"list {ext}'s subnets and ports")
        subnets = [s for s in await _all(backend.subnets(network_id=ext_id)) if s.ip_version == 4]
        pooled = [s for s in subnets if s.allocation_pools]
        if not pooled:
            raise BackendError(
                f"{ext} has no IPv4 subnet with an allocation pool: no floating IP can come from it"
            )
        size = sum(_pool_size(p) for s in pooled for p in s.allocation_pools)
        ids = {s.id for s in pooled}
        ports = await _all(backend.ports(network_id=ext_id))
        used = sum(1 for p in ports for ip in p.fixed_ips if ip.subnet_id in ids)
        free = size - used
        if free <= 0:
            raise BackendError(f"{ext}'s pools are used up: {used} of {size} addresses taken")
        names = ", ".join(s.name or s.id for s in pooled)
        said = f"{ext}: about {free} of {size} addresses free ({names})"
        run.sending("read the project's floating IP quota")
        quota = await _floating_quota(backend)
        if quota is not None:
            limit, in_use = quota
            if 0 <= limit <= in_use:
                raise BackendError(
                    f"the project's floating IP quota is used up: {in_use} of {limit}"
                )
            said += f"; floating IPs {in_use} of {'unlimited' if limit < 0 else limit} used"
        run.progress(said, 1.0)

    async def _network(self, run: ItemRun) -> None:
        name = str(run.params["network"])
        run.sending(f"create network {name}")
        network = await run.backend.create_network(NetworkSpec(name=name))
        _keep(run, network.id, f"made {network.id}")

    async def _subnet(self, run: ItemRun) -> None:
        params = run.params
        network_id = self._made(run, NETWORK)
        run.item.data["network_id"] = network_id
        spec = SubnetSpec(
            network_id,
            name=str(params["subnet"]),
            cidr=str(params["cidr"]),
            gateway_ip=str(params.get("gateway") or ""),
            enable_dhcp=bool(params.get("dhcp", True)),
            dns_nameservers=tuple(str(d) for d in params.get("dns") or ()),
        )
        run.sending(f"create subnet {spec.name} {spec.cidr}")
        subnet = await run.backend.create_subnet(spec)
        _keep(run, subnet.id, f"made {subnet.id}, gateway {subnet.gateway_ip or 'none'}")

    async def _router(self, run: ItemRun) -> None:
        name = str(run.params["router"])
        run.sending(f"create router {name}")
        router = await run.backend.create_router(RouterSpec(name=name))
        _keep(run, router.id, f"made {router.id}")

    async def _gateway(self, run: ItemRun) -> None:
        router_id = self._made(run, ROUTER)
        external_id = self._external_id(run)
        run.item.data.update(router_id=router_id, external_id=external_id)
        run.sending(f"set the gateway of {router_id} on {external_id}")
        router = await run.backend.set_router_gateway(router_id, external_id)
        address = ", ".join(router.external_ips) or "no address given"
        _keep(run, router_id, f"gateway set: {address}")

    async def _interface(self, run: ItemRun) -> None:
        router_id, subnet_id = self._made(run, ROUTER), self._made(run, SUBNET)
        run.item.data.update(router_id=router_id, subnet_id=subnet_id)
        run.sending(f"add an interface on {subnet_id} to {router_id}")
        port_id = await run.backend.add_router_interface(router_id, subnet_id=subnet_id)
        _keep(run, port_id, f"port {port_id}")

    async def _rule(self, run: ItemRun) -> None:
        group_id = str(run.item.data["group_id"])
        spec = _rule_spec(group_id, run.item.key)
        run.sending(f"add {_rule_text(run.item.key)} to the default group")
        try:
            rule = await run.backend.create_security_group_rule(spec)
        except Conflict as exc:
            raise Skip(f"already in the default group ({one_line(exc.message)})") from None
        _keep(run, rule.id, f"rule {rule.id}")

    # -- rollback --------------------------------------------------------------------------

    def undoable(self, item: Item) -> bool:
        return bool(item.data.get("made")) and item.key != POOL

    async def undo(self, backend: Backend, item: Item, params: Params) -> str:
        made = str(item.data.get("id") or "")
        step = item.key
        try:
            if step in (NETWORK, EXT_NETWORK):
                await backend.delete_network(made)
            elif step in (SUBNET, EXT_SUBNET):
                await backend.delete_subnet(made)
            elif step == ROUTER:
                await backend.delete_router(made)
            elif step == GATEWAY:
                await backend.clear_router_gateway(made)
            elif step == INTERFACE:
                await backend.remove_router_interface(
                    str(item.data["router_id"]), subnet_id=str(item.data["subnet_id"])
                )
            else:
                await backend.delete_security_group_rule(made)
        except NotFound:
            return f"{item.label}: already gone"
        return UNDONE_SAID.get(step.removeprefix("ext-"), "rule deleted")

    # -- after a restart -------------------------------------------------------------------

    async def probe(self, backend: Backend, item: Item, params: Params) -> Probe:
        if not item.sent:
            return Probe(Found.NOT_STARTED)
        step = item.key
        if step == POOL:
            return Probe(Found.NOT_STARTED, "the check runs again")
        found = await self._find(backend, item, params)
        if found is None:
            return Probe(Found.NOT_STARTED, "sent, but not found in the cloud: to send again")
        if len(found) > 1:
            return Probe(Found.UNKNOWN, f"{len(found)} candidates found: {', '.join(found)}")
        item.data.update(id=found[0], made=True)
        return Probe(Found.DONE, f"found after restart: {found[0]}")

    async def _find(self, backend: Backend, item: Item, params: Params) -> list[str] | None:
        """What the step made, found in the cloud: ids (None or [] when nothing)."""
        project, step, before = backend.info.project_id, item.key, set(item.data.get("before", ()))
        ids: list[str]
        if step == NETWORK:
            ids = [
                n.id
                for n in await _all(backend.networks())
                if n.name == params["network"] and n.project_id == project and n.id not in before
            ]
        elif step in (SUBNET, EXT_SUBNET):
            name = (
                params["subnet"] if step == SUBNET else f"{params['new_external']['name']}-subnet"
            )
            ids = [
                s.id
                for s in await _all(backend.subnets(network_id=str(item.data["network_id"])))
                if s.name == name
            ]
        elif step == EXT_NETWORK:
            name = params["new_external"]["name"]
            ids = [
                n.id
                for n in await _all(backend.networks(external=True))
                if n.name == name and n.id not in before
            ]
        elif step == ROUTER:
            ids = [
                r.id
                for r in await _all(backend.routers())
                if r.name == params["router"] and r.project_id == project and r.id not in before
            ]
        elif step == GATEWAY:
            router = await backend.router(str(item.data["router_id"]))
            ids = [router.id] if router.external_network_id == item.data["external_id"] else []
        elif step == INTERFACE:
            subnet_id = str(item.data["subnet_id"])
            ports = await _all(backend.ports(device_id=str(item.data["router_id"])))
            ids = [p.id for p in ports if any(ip.subnet_id == subnet_id for ip in p.fixed_ips)]
        else:
            group = await backend.security_group(str(item.data["group_id"]))
            spec = _rule_spec(group.id, step)
            ids = [r.id for r in group.rules if _same_rule(r, spec) and r.id not in before]
        return ids or None


UNDONE_SAID = {
    NETWORK: "network deleted",
    SUBNET: "subnet deleted",
    ROUTER: "router deleted",
    GATEWAY: "gateway cleared",
    INTERFACE: "interface removed",
}


async def _external_items(backend: Backend, new: Params) -> list[Item]:
    name, cidr = str(new["name"]), str(new["cidr"])
    same = [n.id for n in await _all(backend.networks(external=True)) if n.name == name]
    pools = ", ".join(f"{a}-{b}" for a, b in new.get("pools") or ()) or "Neutron's"
    gateway = str(new.get("gateway") or "") or "auto"
    return [
        Item(
            EXT_NETWORK,
            f"external network {name}",
            calls=[
                f"create network {name}, router:external, flat on {new['physical_network']}",
                *_same_name("external network", name, same),
            ],
            data={"before": same},
        ),
        Item(
            EXT_SUBNET,
            f"subnet {name}-subnet",
            calls=[
                f"create subnet {name}-subnet {cidr}, pools {pools}, gateway {gateway}, no DHCP"
            ],
        ),
    ]


def _keep(run: ItemRun, made: str, said: str) -> None:
    """A step's result: what it made (for the next steps, the undo, a restart)."""
    run.item.data.update(id=made, made=True)
    run.progress(said, 1.0)


def _same_name(kind: str, name: str, ids: Sequence[str]) -> list[str]:
    if not ids:
        return []
    return [f"⚠ the project has {len(ids)} {kind} named {name} already (Neutron allows it)"]


def _rule_item(kind: str, group: SecurityGroup | None) -> Item:
    text = _rule_text(kind)
    label = "ICMP rule (default group)" if kind == ICMP_RULE else "SSH rule (default group)"
    item = Item(kind, label, calls=[f"add {text} to the default group"])
    if group is None:
        item.state, item.message = State.SKIPPED, "the project has no default group"
        return item
    spec = _rule_spec(group.id, kind)
    existing = [r.id for r in group.rules if _same_rule(r, spec)]
    item.data = {"group_id": group.id, "before": existing}
    if existing:
        item.state, item.message = State.SKIPPED, f"already in the default group ({existing[0]})"
    return item


async def _floating_quota(backend: Backend) -> tuple[int, int] | None:
    """(limit, in use) of the project's floating IPs, or None when Neutron does not say."""
    try:
        quotas = await backend.quotas(backend.info.project_id)
    except BackendError:
        return None
    for quota in quotas:
        if quota.service == "network" and quota.resource in ("floatingip", "floating_ips"):
            return quota.limit, quota.in_use
    return None
