"""Nova compute services and Neutron agents: list them, take them out of and into service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import NotFound
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

# Services addressed by uuid, with forced_down in PUT /os-services/{id}: 2.53 and later.
SERVICES_MV = (2, 53)


class ServicesAPI(OpenStackCore):
    def _services_mv(self) -> str:
        return self._compute_version(SERVICES_MV)

    async def compute_services(
        self, *, host: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.ComputeService]]:
        def fetch() -> list[models.ComputeService]:
            params = {"host": host} if host else {}
            services: list[models.ComputeService]
            _, services = self._get_read(
                "compute",
                "/os-services",
                Read("services", models.ComputeService.from_api, "list"),
                params,
                self._services_mv(),
                "list compute services",
            )
            return services

        yield await self._call("list compute services", fetch)

    async def compute_service(self, service_id: str) -> models.ComputeService:
        async for page in self.compute_services():
            for service in page:
                if service.id == service_id:
                    return service
        raise NotFound(
            f"Compute service {service_id} could not be found.",
            status=404,
            operation="show compute service",
        )

    async def set_compute_service(
        self,
        service: models.ComputeService,
        *,
        enabled: bool | None = None,
        reason: str = "",
        forced_down: bool | None = None,
    ) -> None:
        """Enable, disable (with a reason) or force down a compute service."""
        body: dict[str, Any] = {}
        if enabled is not None:
            body["status"] = "enabled" if enabled else "disabled"
            if not enabled and reason:
                body["disabled_reason"] = reason
        if forced_down is not None:
            body["forced_down"] = forced_down
        action = models.service_change(enabled, forced_down)
        await self._write(
            action,
            f"service {service.name} ({service.id})",
            "PUT",
            "compute",
            f"/os-services/{service.id}",
            body=body,
            microversion=self._services_mv,
        )

    async def network_agents(
        self, *, host: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.NetworkAgent]]:
        def fetch() -> list[models.NetworkAgent]:
            params = {"host": host} if host else {}
            read = Read("agents", models.NetworkAgent.from_api, "list")
            agents: list[models.NetworkAgent]
            _, agents = self._get_read(
                "network", "/agents", read, params, operation="list network agents"
            )
            return agents

        yield await self._call("list network agents", fetch)

    async def network_agent(self, agent_id: str) -> models.NetworkAgent:
        return await self._show(
            "network",
            f"/agents/{agent_id}",
            "agent",
            models.NetworkAgent.from_api,
            kind="network agent",
        )

    async def set_network_agent(self, agent: models.NetworkAgent, *, enabled: bool) -> None:
        await self._write(
            "enable-agent" if enabled else "disable-agent",
            f"agent {agent.name} ({agent.id})",
            "PUT",
            "network",
            f"/agents/{agent.id}",
            body={"agent": {"admin_state_up": enabled}},
        )

    async def dhcp_agents_of_network(self, network_id: str) -> list[models.NetworkAgent]:
        return await self._agents(
            f"/networks/{network_id}/dhcp-agents", "agents", models.NetworkAgent
        )

    async def networks_of_dhcp_agent(self, agent_id: str) -> list[models.Network]:
        return await self._agents(f"/agents/{agent_id}/dhcp-networks", "networks", models.Network)

    async def l3_agents_of_router(self, router_id: str) -> list[models.NetworkAgent]:
        return await self._agents(f"/routers/{router_id}/l3-agents", "agents", models.NetworkAgent)

    async def routers_of_l3_agent(self, agent_id: str) -> list[models.Router]:
        return await self._agents(f"/agents/{agent_id}/l3-routers", "routers", models.Router)

    async def _agents(self, path: str, key: str, model: Any) -> list[Any]:
        operation = f"GET {path}"

        def fetch() -> list[Any]:
            _, items = self._get_read(
                "network", path, Read(key, model.from_api, "list"), operation=operation
            )
            return list(items)

        return await self._call(operation, fetch)
