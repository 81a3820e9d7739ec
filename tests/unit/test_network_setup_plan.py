"""The network setup wizard's chain over a small recording Neutron: the plan (every call,
rules already there skipped, overlaps and name clashes said), the order of the calls, the
rollback after a failure at each step, "leave what was made", and a resume after a restart
that finds what was made instead of making it twice."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tui.backend.errors import BackendError, Conflict, NotFound
from tui.backend.models import (
    CloudInfo,
    Network,
    Port,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)
from tui.runbook import Phase, Runbook, State
from tui.runbook.network_setup import NetworkSetup, external_params, free_cidr, setup_params

PROJECT = "p-1"


class FakeNeutron:
    """Just what the wizard calls; `refuse[method]` makes that call fail once."""

    def __init__(self) -> None:
        self.info = CloudInfo(cloud="fake", project="demo", project_id=PROJECT)
        self.ids = (f"id-{n}" for n in itertools.count(1))
        self.networks_: dict[str, dict[str, Any]] = {
            "ext": {"id": "ext", "name": "public", "router:external": True, "project_id": "admin"}
        }
        self.subnets_: dict[str, dict[str, Any]] = {
            "ext-sub": {
                "id": "ext-sub",
                "name": "public-subnet",
                "network_id": "ext",
                "cidr": "172.24.4.0/24",
                "ip_version": 4,
                "allocation_pools": [{"start": "172.24.4.2", "end": "172.24.4.254"}],
                "project_id": "admin",
            }
        }
        self.routers_: dict[str, dict[str, Any]] = {}
        self.ports_: dict[str, dict[str, Any]] = {}
        self.rules: dict[str, dict[str, Any]] = {}
        self.group = {"id": "sg-default", "name": "default", "project_id": PROJECT}
        self.calls: list[str] = []
        self.refuse: dict[str, BackendError] = {}

    def _call(self, name: str, *args: Any) -> None:
        self.calls.append(" ".join([name, *map(str, args)]))
        if name in self.refuse:
            raise self.refuse.pop(name)

    async def _pages(self, rows: list[Any]) -> AsyncIterator[list[Any]]:
        yield rows

    # reads
    async def network(self, network_id: str) -> Network:
        return Network.from_api(self.networks_[network_id])

    def networks(self, *, external: bool | None = None) -> AsyncIterator[list[Network]]:
        rows = [Network.from_api(n) for n in self.networks_.values()]
        return self._pages([n for n in rows if external is None or n.external == external])

    def subnets(self, *, network_id: str | None = None) -> AsyncIterator[list[Subnet]]:
        rows = [Subnet.from_api(s) for s in self.subnets_.values()]
        return self._pages([s for s in rows if network_id in (None, s.network_id)])

    def routers(self) -> AsyncIterator[list[Router]]:
        return self._pages([Router.from_api(r) for r in self.routers_.values()])

    async def router(self, router_id: str) -> Router:
        return Router.from_api(self.routers_[router_id])

    def ports(
        self, *, network_id: str | None = None, device_id: str | None = None
    ) -> AsyncIterator[list[Port]]:
        rows = [Port.from_api(p) for p in self.ports_.values()]
        return self._pages(
            [
                p
                for p in rows
                if network_id in (None, p.network_id) and device_id in (None, p.device_id)
            ]
        )

    def security_groups(
        self, *, project_id: str | None = None
    ) -> AsyncIterator[list[SecurityGroup]]:
        return self._pages([self._group()])

    async def security_group(self, group_id: str) -> SecurityGroup:
        return self._group()

    def _group(self) -> SecurityGroup:
        return SecurityGroup.from_api(
            {**self.group, "security_group_rules": list(self.rules.values())}
        )

    async def quotas(self, project_id: str) -> list[Any]:
        raise BackendError("no quota API here")

    # writes
    async def create_network(self, spec: Any) -> Network:
        self._call("create_network", spec.name)
        ident = next(self.ids)
        external = getattr(spec, "external", False)
        self.networks_[ident] = {
            "id": ident,
            "name": spec.name,
            "project_id": PROJECT,
            "router:external": external,
        }
        return await self.network(ident)

    async def delete_network(self, network_id: str) -> None:
        self._call("delete_network", network_id)
        if self.networks_.pop(network_id, None) is None:
            raise NotFound("no network")

    async def create_subnet(self, spec: Any) -> Subnet:
        self._call("create_subnet", spec.name, spec.cidr, spec.network_id)
        ident = next(self.ids)
        self.subnets_[ident] = {
            "id": ident,
            "name": spec.name,
            "cidr": spec.cidr,
            "network_id": spec.network_id,
            "project_id": PROJECT,
            "gateway_ip": spec.gateway_ip or "10.0.0.1",
            "dns_nameservers": list(spec.dns_nameservers),
            "allocation_pools": [{"start": a, "end": b} for a, b in spec.allocation_pools],
            "ip_version": 4,
        }
        return Subnet.from_api(self.subnets_[ident])

    async def delete_subnet(self, subnet_id: str) -> None:
        self._call("delete_subnet", subnet_id)
        del self.subnets_[subnet_id]

    async def create_router(self, spec: Any) -> Router:
        self._call("create_router", spec.name)
        ident = next(self.ids)
        self.routers_[ident] = {"id": ident, "name": spec.name, "project_id": PROJECT}
        return await self.router(ident)

    async def set_router_gateway(self, router_id: str, network_id: str, **_: Any) -> Router:
        self._call("set_router_gateway", router_id, network_id)
        self.routers_[router_id]["external_gateway_info"] = {
            "network_id": network_id,
            "external_fixed_ips": [{"ip_address": "172.24.4.10"}],
        }
        return await self.router(router_id)

    async def clear_router_gateway(self, router_id: str) -> Router:
        self._call("clear_router_gateway", router_id)
        self.routers_[router_id].pop("external_gateway_info", None)
        return await self.router(router_id)

    async def delete_router(self, router_id: str) -> None:
        self._call("delete_router", router_id)
        if any(p["device_id"] == router_id for p in self.ports_.values()):
            raise Conflict("router has interfaces", status=409)
        del self.routers_[router_id]

    async def add_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> str:
        self._call("add_router_interface", router_id, subnet_id)
        ident = next(self.ids)
        self.ports_[ident] = {
            "id": ident,
            "device_id": router_id,
            "network_id": self.subnets_[subnet_id]["network_id"],
            "fixed_ips": [{"subnet_id": subnet_id, "ip_address": "10.0.0.1"}],
        }
        return ident

    async def remove_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> None:
        self._call("remove_router_interface", router_id, subnet_id)
        for ident, port in list(self.ports_.items()):
            if port["device_id"] == router_id and port["fixed_ips"][0]["subnet_id"] == subnet_id:
                del self.ports_[ident]

    async def create_security_group_rule(self, spec: Any) -> SecurityGroupRule:
        self._call("create_security_group_rule", spec.protocol, spec.port_range_min or "")
        ident = next(self.ids)
        self.rules[ident] = {
            "id": ident,
            "security_group_id": spec.security_group_id,
            "direction": spec.direction,
            "ethertype": spec.ethertype,
            "protocol": spec.protocol,
            "port_range_min": spec.port_range_min,
            "port_range_max": spec.port_range_max,
        }
        return SecurityGroupRule.from_api(self.rules[ident])

    async def delete_security_group_rule(self, rule_id: str) -> None:
        self._call("delete_security_group_rule", rule_id)
        del self.rules[rule_id]

    def made(self) -> dict[str, int]:
        """What the project has beyond the external network and the default group."""
        own = lambda rows: sum(1 for r in rows.values() if r.get("project_id") == PROJECT)  # noqa: E731
        return {
            "networks": own(self.networks_),
            "subnets": own(self.subnets_),
            "routers": len(self.routers_),
            "ports": len(self.ports_),
            "rules": len(self.rules),
        }


NOTHING = {"networks": 0, "subnets": 0, "routers": 0, "ports": 0, "rules": 0}
EVERYTHING = {"networks": 1, "subnets": 1, "routers": 1, "ports": 1, "rules": 2}


def params(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        network="private",
        subnet="private-subnet",
        cidr="10.0.0.0/24",
        router="router1",
        external_id="ext",
        dns=["8.8.8.8"],
    )
    values.update(changes)
    return setup_params(**values)


async def planned(neutron: FakeNeutron, **changes: Any) -> Runbook:
    return await Runbook.plan(NetworkSetup(), neutron, params(**changes))  # type: ignore[arg-type]


async def test_the_preview_lists_every_call_in_the_cheat_sheets_order_and_sends_nothing() -> None:
    neutron = FakeNeutron()
    runbook = await planned(neutron)
    assert [i.key for i in runbook.items] == [
        "pool",
        "network",
        "subnet",
        "router",
        "gateway",
        "interface",
        "rule-icmp",
        "rule-ssh",
    ]
    calls = [c for i in runbook.items for c in i.calls]
    assert "create network private" in calls
    assert ("create subnet private-subnet 10.0.0.0/24, gateway auto, DNS 8.8.8.8, DHCP on") in calls
    assert "set router1's gateway on public" in calls
    assert "add an interface on private-subnet to router1" in calls
    assert "add ingress TCP 22 (SSH) to the default group" in calls
    assert neutron.calls == [] and runbook.phase is Phase.PREVIEW


async def test_a_run_makes_everything_in_order_each_step_on_the_ids_before_it() -> None:
    neutron = FakeNeutron()
    runbook = await planned(neutron)
    runbook.start()
    summary = await runbook.wait()
    assert neutron.calls == [
        "create_network private",
        "create_subnet private-subnet 10.0.0.0/24 id-1",
        "create_router router1",
        "set_router_gateway id-3 ext",
        "add_router_interface id-3 id-2",
        "create_security_group_rule icmp ",
        "create_security_group_rule tcp 22",
    ]
    assert neutron.made() == EVERYTHING
    assert not summary.failed and len(summary.done) == 8
    pool = runbook.item("pool")
    assert pool is not None and pool.message.startswith("public: about 253 of 253 addresses free")
    assert runbook.item("gateway").message == "gateway set: 172.24.4.10"  # type: ignore[union-attr]


STEPS = [
    ("create_network", 0),
    ("create_subnet", 1),
    ("create_router", 2),
    ("set_router_gateway", 3),
    ("add_router_interface", 4),
    ("create_security_group_rule", 5),
]


UNDO = [
    "delete_network",
    "delete_subnet",
    "delete_router",
    "clear_router_gateway",
    "remove_router_interface",
]


@pytest.mark.parametrize(("method", "made_before"), STEPS)
async def test_a_failure_at_any_step_rolls_back_everything_made_before_it(
    method: str, made_before: int
) -> None:
    neutron = FakeNeutron()
    neutron.refuse[method] = BackendError("refused", status=400, request_id="req-7")
    runbook = await planned(neutron)
    runbook.start()
    summary = await runbook.wait()
    assert neutron.made() == NOTHING
    (failed,) = summary.failed
    assert failed.error is not None and failed.error.text() == "HTTP 400: refused (request req-7)"
    assert len(summary.undone) == made_before
    assert all(i.message == f"not started: {failed.label} failed" for i in summary.aborted)
    after_failure = neutron.calls[[c.split()[0] for c in neutron.calls].index(method) + 1 :]
    assert [c.split()[0] for c in after_failure] == UNDO[:made_before][::-1]


async def test_leave_mode_keeps_what_was_made_and_says_where_it_stopped() -> None:
    neutron = FakeNeutron()
    neutron.refuse["add_router_interface"] = Conflict("overlaps", status=400)
    runbook = await planned(neutron, leave=True)
    runbook.start()
    summary = await runbook.wait()
    assert neutron.made() == {**NOTHING, "networks": 1, "subnets": 1, "routers": 1}
    assert [i.key for i in summary.failed] == ["interface"]
    assert [i.key for i in runbook.left()] == ["network", "subnet", "router", "gateway"]
    runbook.roll_back()
    await runbook.wait()
    assert neutron.made() == NOTHING


async def test_rules_already_in_the_default_group_are_skipped_in_the_preview_and_on_409() -> None:
    neutron = FakeNeutron()
    neutron.rules["r-icmp"] = {
        "id": "r-icmp",
        "security_group_id": "sg-default",
        "direction": "ingress",
        "ethertype": "IPv4",
        "protocol": "icmp",
    }
    runbook = await planned(neutron)
    icmp = runbook.item("rule-icmp")
    assert icmp is not None and icmp.state is State.SKIPPED
    assert icmp.message == "already in the default group (r-icmp)"
    neutron.refuse["create_security_group_rule"] = Conflict("Security group rule already exists")
    runbook.start()
    summary = await runbook.wait()
    assert not summary.failed
    ssh = runbook.item("rule-ssh")
    assert ssh is not None and ssh.state is State.SKIPPED
    assert ssh.message == "already in the default group (Security group rule already exists)"


async def test_overlaps_and_names_already_taken_are_said_in_the_preview() -> None:
    neutron = FakeNeutron()
    await neutron.create_network(type("S", (), {"name": "private"})())
    neutron.subnets_["old"] = {
        "id": "old",
        "name": "old-sub",
        "cidr": "10.0.0.0/16",
        "network_id": "id-1",
        "project_id": PROJECT,
    }
    runbook = await planned(neutron)
    assert runbook.item("network").calls[1] == (  # type: ignore[union-attr]
        "⚠ the project has 1 network named private already (Neutron allows it)"
    )
    assert (
        runbook.item("subnet")
        .calls[1]
        .startswith(  # type: ignore[union-attr]
            "⚠ 10.0.0.0/24 overlaps 10.0.0.0/16 (subnet old-sub)"
        )
    )
    assert free_cidr(["10.0.0.0/24", "10.0.1.0/24"]) == "10.0.2.0/24"


async def test_a_pool_without_subnet_stops_before_anything_is_made() -> None:
    neutron = FakeNeutron()
    del neutron.subnets_["ext-sub"]
    runbook = await planned(neutron)
    runbook.start()
    summary = await runbook.wait()
    assert neutron.calls == []
    assert summary.failed[0].error is not None
    assert "public has no IPv4 subnet with an allocation pool" in summary.failed[0].error.text()


async def test_after_a_restart_a_step_that_was_sent_finds_what_it_made() -> None:
    neutron = FakeNeutron()
    await neutron.create_network(type("S", (), {"name": "private"})())  # someone else's
    runbook = await planned(neutron)
    runbook.phase = Phase.RUNNING
    network = runbook.item("network")
    assert network is not None and network.data["before"] == ["id-1"]
    # stackdeck died right after Neutron made the network, before it heard the answer
    network.state, network.sent = State.RUNNING, ["create network private"]
    await neutron.create_network(type("S", (), {"name": "private"})())
    again = Runbook.from_json(runbook.to_json(), NetworkSetup(), neutron)  # type: ignore[arg-type]
    await again.reconcile()
    found = again.item("network")
    assert found is not None and found.state is State.DONE and found.data["id"] == "id-2"
    assert found.message == "found after restart: id-2"
    assert again.item("subnet").state is State.PENDING  # type: ignore[union-attr]
    neutron.calls.clear()
    again.resume()
    await again.wait()
    assert neutron.calls[0] == "create_subnet private-subnet 10.0.0.0/24 id-2"


async def test_an_admin_makes_the_external_network_first_and_the_router_uses_it() -> None:
    neutron = FakeNeutron()
    new = external_params(
        "public2", "172.30.0.0/24", pools=[("172.30.0.10", "172.30.0.20")], gateway="172.30.0.1"
    )
    runbook = await planned(neutron, external_id="", new_external=new)
    assert [i.key for i in runbook.items][:3] == ["ext-network", "ext-subnet", "pool"]
    assert runbook.items[1].calls == [
        "create subnet public2-subnet 172.30.0.0/24, pools 172.30.0.10-172.30.0.20, "
        "gateway 172.30.0.1, no DHCP"
    ]
    runbook.start()
    summary = await runbook.wait()
    assert not summary.failed, [(i.key, i.message) for i in summary.failed]
    assert neutron.calls[:3] == [
        "create_network public2",
        "create_subnet public2-subnet 172.30.0.0/24 id-1",
        "create_network private",
    ]
    assert "set_router_gateway id-5 id-1" in neutron.calls
    assert runbook.item("pool").message.startswith("public2: about 11 of 11")  # type: ignore[union-attr]


async def test_a_failure_after_the_external_network_rolls_it_back_too() -> None:
    neutron = FakeNeutron()
    neutron.refuse["create_router"] = BackendError("quota exceeded for router", status=409)
    new = external_params("public2", "172.30.0.0/24")
    runbook = await planned(neutron, external_id="", new_external=new, pool_check=False)
    runbook.start()
    await runbook.wait()
    assert [n["name"] for n in neutron.networks_.values()] == ["public"]
    assert list(neutron.subnets_) == ["ext-sub"]
    assert neutron.calls[-4:] == [
        "delete_subnet id-4",
        "delete_network id-3",
        "delete_subnet id-2",
        "delete_network id-1",
    ]
