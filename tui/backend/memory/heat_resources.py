"""What an in-memory Heat stack builds: its servers, networks, subnets, routers, ports,
security groups, floating IPs and volumes are records of the in-memory Nova, Neutron and
Cinder (so a stack resource opens the server or volume it is), and go with the stack.

Properties are read as Heat reads them: literals, ``get_param`` and ``get_resource``; a
network, subnet, flavor or image may be named by id or by name.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from tui.backend import models
from tui.backend.memory import data
from tui.backend.memory.cloud import Build, Cloud
from tui.backend.models import Server

# The order Heat's dependencies would build them in (what refers to what comes after it).
BUILD_ORDER = (
    "OS::Neutron::Net",
    "OS::Neutron::Subnet",
    "OS::Neutron::Router",
    "OS::Neutron::SecurityGroup",
    "OS::Neutron::Port",
    "OS::Cinder::Volume",
    "OS::Nova::Server",
    "OS::Neutron::FloatingIP",
)


class StackBuild:
    """One stack's resources being made in a cloud, for a project."""

    def __init__(
        self,
        cloud: Cloud,
        project_id: str,
        user_id: str,
        stack_name: str,
        parameters: Mapping[str, str],
    ) -> None:
        self.cloud = cloud
        self.project_id = project_id
        self.user_id = user_id
        self.stack_name = stack_name
        self.parameters = parameters
        self.made: dict[str, str] = {}  # resource name -> physical id

    def make_all(self, resources: Mapping[str, Any]) -> dict[str, str]:
        """Physical ids of the resources that are records, made in dependency order."""
        ranked = sorted(
            (BUILD_ORDER.index(kind), name, definition)
            for name, definition in resources.items()
            if isinstance(definition, Mapping)
            and (kind := str(definition.get("type", ""))) in BUILD_ORDER
        )
        for _, name, definition in ranked:
            properties = definition.get("properties") or {}
            make = self._makers()[str(definition["type"])]
            self.made[name] = make(name, properties if isinstance(properties, Mapping) else {})
        return self.made

    def _makers(self) -> dict[str, Callable[[str, Mapping[str, Any]], str]]:
        return {
            "OS::Neutron::Net": self._net,
            "OS::Neutron::Subnet": self._subnet,
            "OS::Neutron::Router": self._router,
            "OS::Neutron::SecurityGroup": self._security_group,
            "OS::Neutron::Port": self._port,
            "OS::Cinder::Volume": self._volume,
            "OS::Nova::Server": self._server,
            "OS::Neutron::FloatingIP": self._floating_ip,
        }

    # -- reading properties ----------------------------------------------------------------

    def value(self, given: Any) -> Any:
        if isinstance(given, Mapping) and len(given) == 1:
            (function, argument), *_ = given.items()
            if function == "get_param":
                return self.parameters.get(str(argument), "")
            if function == "get_resource":
                return self.made.get(str(argument), "")
        return given

    def text(self, properties: Mapping[str, Any], key: str, default: str = "") -> str:
        found = self.value(properties.get(key))
        return default if found is None or found == "" else str(found)

    def _named(self, resource: str) -> str:
        return f"{self.stack_name}-{resource}"

    def _find(self, store: Any, ref: str) -> Any:
        """A record by id, else by name: the project's own first, then any it may use."""
        if not ref:
            return None
        found = store.get(ref)
        named = [r for r in store if r.name == ref] if found is None else [found]
        own = [r for r in named if getattr(r, "project_id", "") in (self.project_id, "")]
        return next(iter(own or named), None)

    def _network(self, ref: str) -> models.Network | None:
        found = self._find(self.cloud.networks, ref)
        return found if found is not None else self.cloud.project_network(self.project_id)

    # -- the records ------------------------------------------------------------------------

    def _common(self) -> dict[str, Any]:
        return data._neutron_common(self.project_id, self.cloud.now())

    def _net(self, name: str, properties: Mapping[str, Any]) -> str:
        n = self.cloud.serial()
        raw = {
            **data.network_json(0, self.project_id),
            **self._common(),
            "id": data.fixed_id("heat-network", n),
            "name": self.text(properties, "name", self._named(name)),
            "subnets": [],
            "provider:segmentation_id": 2000 + n,
        }
        return self.cloud.networks.add(models.Network.from_api(raw)).id

    def _subnet(self, name: str, properties: Mapping[str, Any]) -> str:
        network = self._network(self.text(properties, "network"))
        if network is None:
            return ""
        n = self.cloud.serial()
        cidr = ipaddress.ip_network(
            self.text(properties, "cidr", f"192.168.{n % 250}.0/24"), strict=False
        )
        gateway = str(cidr.network_address + 1)
        raw = {
            **data.subnet_json(0, self.project_id),
            **self._common(),
            "id": data.fixed_id("heat-subnet", n),
            "name": self.text(properties, "name", self._named(name)),
            "network_id": network.id,
            "cidr": str(cidr),
            "gateway_ip": gateway,
            "allocation_pools": [
                {"start": str(cidr.network_address + 2), "end": str(cidr.broadcast_address - 1)}
            ],
        }
        subnet = self.cloud.subnets.add(models.Subnet.from_api(raw))
        subnets = {"subnets": [*network.subnet_ids, subnet.id]}
        self.cloud.update(self.cloud.networks, network, subnets)
        return subnet.id

    def _router(self, name: str, properties: Mapping[str, Any]) -> str:
        n = self.cloud.serial()
        raw = {
            **data.router_json(0, self.project_id),
            **self._common(),
            "id": data.fixed_id("heat-router", n),
            "name": self.text(properties, "name", self._named(name)),
            "external_gateway_info": None,
        }
        return self.cloud.routers.add(models.Router.from_api(raw)).id

    def _security_group(self, name: str, properties: Mapping[str, Any]) -> str:
        n = self.cloud.serial()
        group_name = self.text(properties, "name", self._named(name))
        raw = {
            **data.security_group_json(100_000 + n, self.project_id, group_name),
            **self._common(),
            "description": self.text(properties, "description"),
        }
        return self.cloud.security_groups.add(models.SecurityGroup.from_api(raw)).id

    def _port(self, name: str, properties: Mapping[str, Any]) -> str:
        network = self._network(self.text(properties, "network"))
        if network is None or not network.subnet_ids:
            return ""
        wanted = [self.value(f.get("subnet")) for f in properties.get("fixed_ips") or ()]
        subnet_id = next((str(s) for s in wanted if s), network.subnet_ids[0])
        subnet = self.cloud.subnets.get(subnet_id)
        if subnet is None:
            return ""
        n = self.cloud.serial()
        spec = data.PortSpec(
            id=data.fixed_id("heat-port", n),
            network_id=network.id,
            subnet_id=subnet.id,
            ip=self.cloud.next_address(subnet),
            mac=data.server_mac(n, "fa:16:3d"),
            project_id=self.project_id,
            security_groups=self.cloud.security_group_ids(self.project_id, ["default"]),
            status="DOWN",
        )
        raw = {**data.port_json(spec, self.cloud.now()), "name": self.text(properties, "name")}
        return self.cloud.ports.add(models.Port.from_api(raw)).id

    def _volume(self, name: str, properties: Mapping[str, Any]) -> str:
        n = self.cloud.serial()
        raw = data.volume_json(
            data.fixed_id("heat-volume", n),
            self.text(properties, "name", self._named(name)),
            int(self.text(properties, "size", "1")),
            self.project_id,
            minutes=self.cloud.now(),
            description=self.text(properties, "description"),
        )
        return self.cloud.volumes.add(models.Volume.from_api(raw)).id

    def _server(self, name: str, properties: Mapping[str, Any]) -> str:
        flavor = self._find(self.cloud.flavors, self.text(properties, "flavor", "m1.small"))
        image = self._find(self.cloud.images, self.text(properties, "image"))
        if flavor is None:
            return ""
        networks, ports = [], []
        for entry in properties.get("networks") or ():
            if port := self.value(entry.get("port")):
                ports.append(str(port))
            elif network := self._network(str(self.value(entry.get("network")) or "")):
                networks.append(network.id)
        if not (networks or ports) and (own := self.cloud.project_network(self.project_id)):
            networks.append(own.id)
        n = self.cloud.serial()
        spec = models.BootSpec(
            name=self.text(properties, "name", self._named(name)),
            flavor_id=flavor.id,
            image_id=image.id if image else "",
            key_name=self.text(properties, "key_name"),
        )
        raw = data.booted_server_json(
            data.fixed_id("heat-server", n),
            spec.name,
            project_id=self.project_id,
            user_id=self.user_id,
            flavor=flavor.raw,
            image_id=spec.image_id,
            minutes=self.cloud.now(),
            reservation_id=f"r-{data.fixed_id('reservation', n)[:8]}",
            extra={
                "OS-EXT-SRV-ATTR:instance_name": f"instance-{0x2000 + n:08x}",
                "key_name": spec.key_name or None,
                "metadata": {"stack": self.stack_name},
            },
        )
        server = self.cloud.servers.add(Server.from_api(raw, self.cloud.names))
        self.cloud.booted.add(server.id)
        build = Build(spec, tuple(networks), tuple(ports), fails=False)
        self.cloud.builds[server.id] = build
        return self.cloud.finish_build(server).id

    def _floating_ip(self, name: str, properties: Mapping[str, Any]) -> str:
        n = self.cloud.serial()
        raw = data.floating_ip_json(
            data.fixed_id("heat-floating-ip", n),
            data.new_address(data.PUBLIC_CIDR, 512 + n % 256),
            self.project_id,
            minutes=self.cloud.now(),
        )
        fip = self.cloud.floating_ips.add(models.FloatingIP.from_api(raw))
        port = self.cloud.ports.get(str(self.value(properties.get("port_id")) or ""))
        if port is not None and port.fixed_ips:
            self.cloud.link_floating_ip(fip, port, port.fixed_ips[0].ip_address)
        return fip.id


def tear_down(cloud: Cloud, resources: list[tuple[str, str]]) -> None:
    """Delete what a stack made ((type, physical id) in the order made): the last first."""
    for kind, ident in reversed(resources):
        if kind == "OS::Nova::Server":
            if (server := cloud.servers.get(ident)) is not None:
                cloud.drop_server(server)
        elif kind == "OS::Neutron::FloatingIP":
            if (fip := cloud.floating_ips.get(ident)) is not None:
                cloud.unlink_floating_ip(fip)
                cloud.floating_ips.remove(ident)
        elif kind == "OS::Neutron::Subnet":
            _drop_subnet(cloud, ident)
        else:
            store = _STORES.get(kind)
            if store is not None and getattr(cloud, store).get(ident) is not None:
                getattr(cloud, store).remove(ident)


_STORES = {
    "OS::Neutron::Net": "networks",
    "OS::Neutron::Router": "routers",
    "OS::Neutron::SecurityGroup": "security_groups",
    "OS::Neutron::Port": "ports",
    "OS::Cinder::Volume": "volumes",
}


def _drop_subnet(cloud: Cloud, ident: str) -> None:
    subnet = cloud.subnets.get(ident)
    if subnet is None:
        return
    cloud.subnets.remove(ident)
    network = cloud.networks.get(subnet.network_id)
    if network is not None:
        kept = [s for s in network.subnet_ids if s != ident]
        cloud.update(cloud.networks, network, {"subnets": kept})
