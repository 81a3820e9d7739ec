"""A minimal admin client on urllib, enough to watch services register (stdlib only)."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from typing import Any

from . import paths as p

NOVA = "http://127.0.0.1:8774/v2.1"
CINDER = "http://127.0.0.1:8776/v3"
NEUTRON = "http://127.0.0.1:9696/v2.0"


class AdminClient:
    def __init__(self) -> None:
        self.token, self.project_id = self._authenticate()

    @staticmethod
    def _authenticate() -> tuple[str, str]:
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": "admin",
                            "domain": {"id": "default"},
                            "password": p.ADMIN_PASSWORD,
                        }
                    },
                },
                "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
            }
        }
        request = urllib.request.Request(
            f"{p.AUTH_URL}/auth/tokens",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            token = response.headers["X-Subject-Token"]
            project_id = json.load(response)["token"]["project"]["id"]
        return token, project_id

    def get(self, url: str, microversion: str | None = None) -> Any:
        return self._call("GET", url, None, microversion)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self._call("POST", url, body)

    def _call(
        self, method: str, url: str, body: dict[str, Any] | None, microversion: str | None = None
    ) -> Any:
        headers = {
            "X-Auth-Token": self.token,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        if microversion:
            headers["OpenStack-API-Version"] = microversion
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def compute_services(self) -> list[dict[str, Any]]:
        return self.get(f"{NOVA}/os-services", "compute latest")["services"]

    def hypervisor_names(self) -> set[str]:
        body = self.get(f"{NOVA}/os-hypervisors", "compute latest")
        return {hv["hypervisor_hostname"] for hv in body["hypervisors"]}

    def volume_services(self) -> list[dict[str, Any]]:
        return self.get(f"{CINDER}/{self.project_id}/os-services")["services"]

    def volume_pools(self) -> list[str]:
        """Pools the cinder scheduler knows (it learns them from cinder-volume's reports)."""
        body = self.get(f"{CINDER}/{self.project_id}/scheduler-stats/get_pools")
        return [pool["name"] for pool in body["pools"]]

    def network_agents(self, binary: str) -> list[dict[str, Any]]:
        return self.get(f"{NEUTRON}/agents?binary={binary}")["agents"]

    def dhcp_network_ids(self) -> set[str]:
        subnets = self.get(f"{NEUTRON}/subnets?enable_dhcp=True")["subnets"]
        return {subnet["network_id"] for subnet in subnets}

    def network_has_dhcp_agent(self, network_id: str) -> bool:
        return bool(self.get(f"{NEUTRON}/networks/{network_id}/dhcp-agents")["agents"])

    def add_network_to_dhcp_agent(self, agent_id: str, network_id: str) -> None:
        self.post(f"{NEUTRON}/agents/{agent_id}/dhcp-networks", {"network_id": network_id})


def reported_since(service: dict[str, Any], since: datetime) -> bool:
    """True if the service is up and has reported after ``since`` (naive UTC)."""
    if service.get("state") != "up":
        return False
    if not service.get("updated_at"):  # a service record created moments ago
        return True
    updated = datetime.fromisoformat(service["updated_at"].replace("Z", "")).replace(tzinfo=None)
    return updated >= since
