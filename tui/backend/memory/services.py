"""In-memory Nova services and Neutron agents, consistent with the demo's hypervisors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.clock import cinder_time, last_heartbeat
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import fixed_id
from tui.backend.models import Hypervisor

NETWORK_NODE = "netnode1"


def _service(n: int, binary: str, host: str, **state: Any) -> dict[str, Any]:
    return {
        "id": fixed_id("service", 100 + n),
        "binary": binary,
        "host": host,
        "zone": "internal" if binary != "nova-compute" else "nova",
        "status": "enabled",
        "state": "up",
        "updated_at": None,  # the last heartbeat: stamped as it is read (_beating)
        "disabled_reason": None,
        "forced_down": False,
        **state,
    }


def _agent(n: int, agent_type: str, binary: str, host: str, alive: bool = True) -> dict[str, Any]:
    return {
        "id": fixed_id("agent", n),
        "agent_type": agent_type,
        "binary": binary,
        "host": host,
        "alive": alive,
        "admin_state_up": True,
        "availability_zone": "nova" if "dhcp" in binary or "l3" in binary else None,
        "heartbeat_timestamp": None,  # stamped as it is read (_beating)
        "topic": agent_type.lower().replace(" ", "_"),
    }


class ServicesMemory(MemoryCore):
    _services: list[models.ComputeService] | None = None

    def _all_services(self) -> list[models.ComputeService]:
        if self._services is None:
            raws = [
                _service(0, "nova-conductor", "controller"),
                _service(1, "nova-scheduler", "controller"),
            ]
            for n, hv in enumerate(self._cloud.hypervisors):
                state = {"state": hv.state or "up", "status": hv.status or "enabled"}
                if hv.disabled_reason:
                    state["disabled_reason"] = hv.disabled_reason
                raws.append(_service(2 + n, "nova-compute", hv.host, **state))
            self._services = [models.ComputeService.from_api(r) for r in raws]
        return self._services

    def _all_agents(self) -> list[models.NetworkAgent]:
        return self._cloud.kept("agents", self._seeded_agents)

    def _seeded_agents(self) -> list[models.NetworkAgent]:
        raws = [
            _agent(0, "DHCP agent", "neutron-dhcp-agent", NETWORK_NODE),
            _agent(1, "L3 agent", "neutron-l3-agent", NETWORK_NODE),
            _agent(2, "Metadata agent", "neutron-metadata-agent", NETWORK_NODE),
        ]
        for n, hv in enumerate(self._cloud.hypervisors):
            alive = hv.state != "down"
            raws.append(
                _agent(3 + n, "Open vSwitch agent", "neutron-openvswitch-agent", hv.host, alive)
            )
        return [models.NetworkAgent.from_api(r) for r in raws]

    def _beat(self, n: int, beating: bool) -> datetime:
        return last_heartbeat(self._cloud.now(), n, beating)

    def _beating_service(self, n: int, service: models.ComputeService) -> models.ComputeService:
        # a service forced down still beats: only a dead one stops
        beating = service.state == "up" or service.forced_down
        beat = cinder_time(self._beat(n, beating))
        return models.ComputeService.from_api({**service.raw, "updated_at": beat})

    def _beating_agent(self, n: int, agent: models.NetworkAgent) -> models.NetworkAgent:
        beat = self._beat(n, agent.alive).strftime("%Y-%m-%d %H:%M:%S")  # Neutron's form
        return models.NetworkAgent.from_api({**agent.raw, "heartbeat_timestamp": beat})

    async def compute_services(
        self, *, host: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.ComputeService]]:
        self._require_admin("list compute services", "os_compute_api:os-services:list")
        services = [
            self._beating_service(n, s)
            for n, s in enumerate(self._all_services())
            if host in (None, s.host)
        ]
        async for page in self._pages(services, page_size):
            yield page

    async def compute_service(self, service_id: str) -> models.ComputeService:
        found = self._find(self._all_services(), service_id, "compute service")
        return self._beating_service(self._all_services().index(found), found)

    async def set_compute_service(
        self,
        service: models.ComputeService,
        *,
        enabled: bool | None = None,
        reason: str = "",
        forced_down: bool | None = None,
    ) -> None:
        self._require_admin("update compute service", "os_compute_api:os-services:update")
        current = self._find(self._all_services(), service.id, "compute service")
        changes: dict[str, Any] = {}
        if enabled is not None:
            changes["status"] = "enabled" if enabled else "disabled"
            changes["disabled_reason"] = None if enabled else (reason or None)
        if forced_down is not None:
            changes["forced_down"] = forced_down
            changes["state"] = "down" if forced_down else "up"
        action = models.service_change(enabled, forced_down)

        def change() -> None:
            fresh = models.ComputeService.from_api({**current.raw, **changes})
            services = self._all_services()
            services[services.index(current)] = fresh
            if current.binary == "nova-compute":
                self._mirror_on_hypervisor(fresh)

        await self._write(action, f"service {current.name} ({current.id})", change)

    def _mirror_on_hypervisor(self, service: models.ComputeService) -> None:
        """Nova shows a compute service's status and state on its hypervisor too."""
        hypervisors = self._cloud.hypervisors
        for index, hv in enumerate(hypervisors):
            if hv.host == service.host:
                reason = {"disabled_reason": service.disabled_reason or None}
                shown = {"status": service.status, "state": service.state}
                service_raw = {**(hv.raw.get("service") or {}), **reason}
                hypervisors[index] = Hypervisor.from_api(
                    {**hv.raw, **shown, "service": service_raw}
                )

    # -- Neutron's agents: an admin's; a member gets an empty list and Neutron's 404 / 403

    def _agent_policy(self, rule: str, operation: str) -> None:
        if not self._is_admin:
            raise self.refused(403, f"rule:{rule} is disallowed by policy", operation)

    async def network_agents(
        self, *, host: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.NetworkAgent]]:
        # Neutron filters out what policy hides: a member gets an empty list, not a 403
        agents = [
            self._beating_agent(n, a)
            for n, a in enumerate(self._all_agents())
            if host in (None, a.host) and self._is_admin
        ]
        async for page in self._pages(agents, page_size):
            yield page

    async def network_agent(self, agent_id: str) -> models.NetworkAgent:
        if not self._is_admin:  # hidden by policy, as if it did not exist
            raise self.refused(404, "The resource could not be found.", "show network agent")
        found = self._find(self._all_agents(), agent_id, "agent")
        return self._beating_agent(self._all_agents().index(found), found)

    async def set_network_agent(self, agent: models.NetworkAgent, *, enabled: bool) -> None:
        def change() -> None:
            current = self._find(self._all_agents(), agent.id, "agent")
            if not self._is_admin:
                raise self.refused(404, "The resource could not be found.")
            agents = self._all_agents()
            fresh = models.NetworkAgent.from_api({**current.raw, "admin_state_up": enabled})
            agents[agents.index(current)] = fresh

        action = "enable-agent" if enabled else "disable-agent"
        await self._write(action, f"agent {agent.name} ({agent.id})", change)

    def _agents_of(self, binary: str) -> list[models.NetworkAgent]:
        return [a for a in self._all_agents() if a.binary == binary]

    def _dhcp_served(self, network: models.Network) -> bool:
        """Neutron schedules a network to the DHCP agents once a subnet of it enables DHCP."""
        subnets = map(self._cloud.subnets.get, network.subnet_ids)
        return any(s is not None and s.enable_dhcp for s in subnets)

    async def dhcp_agents_of_network(self, network_id: str) -> list[models.NetworkAgent]:
        self._agent_policy("get_dhcp-agents", f"GET /networks/{network_id}/dhcp-agents")
        network = self._cloud.networks.get(network_id)
        served = network is not None and self._dhcp_served(network)
        return self._agents_of("neutron-dhcp-agent") if served else []

    async def dhcp_agent_hosts(self, network_id: str) -> list[str]:
        return models.agent_hosts(await self.dhcp_agents_of_network(network_id))

    async def networks_of_dhcp_agent(self, agent_id: str) -> list[models.Network]:
        self._agent_policy("get_dhcp-networks", f"GET /agents/{agent_id}/dhcp-networks")
        agent = self._find(self._all_agents(), agent_id, "agent")
        if agent.binary != "neutron-dhcp-agent":
            return []
        return [n for n in self._cloud.networks if self._dhcp_served(n)]

    async def l3_agents_of_router(self, router_id: str) -> list[models.NetworkAgent]:
        operation = f"GET /routers/{router_id}/l3-agents"
        self._agent_policy("get_l3-agents", operation)
        missing = f"Router {router_id} could not be found"
        self._present(self._cloud.routers.get(router_id), missing, operation)
        return self._agents_of("neutron-l3-agent")

    async def routers_of_l3_agent(self, agent_id: str) -> list[models.Router]:
        self._agent_policy("get_l3-routers", f"GET /agents/{agent_id}/l3-routers")
        agent = self._find(self._all_agents(), agent_id, "agent")
        return list(self._cloud.routers) if agent.binary == "neutron-l3-agent" else []
