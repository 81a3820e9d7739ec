"""The in-memory cloud's records and the effects that cross services.

Nova, Neutron and Cinder keep each other's records consistent: a server's addresses are its
ports' fixed IPs plus the floating IPs on them, an attachment shows on the volume and on the
server, deleting a server frees its ports, addresses and volumes. Those effects live here,
once; the service mixins decide what the API allows and raise its refusals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar, cast

from tui.backend import models
from tui.backend.memory import data
from tui.backend.memory.clock import DemoClock
from tui.backend.memory.placement import group_host
from tui.backend.memory.seed import Seed
from tui.backend.memory.server_store import ServerStore
from tui.backend.memory.store import Store
from tui.backend.models import Hypervisor, Json, Server

ROOT_DEVICE = "/dev/vda"
ATTACHED = "os-extended-volumes:volumes_attached"  # a server's volumes in Nova's JSON
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."
_FREE_FLOATING_IP: Json = {
    "port_id": None,
    "fixed_ip_address": None,
    "router_id": None,
    "status": "DOWN",
    "port_details": None,
}


# A server at rest: its status and power state for each vm_state (4: shut down).
_AT_REST = {
    "active": ("ACTIVE", 1),
    "stopped": ("SHUTOFF", 4),
    "paused": ("PAUSED", 3),
    "suspended": ("SUSPENDED", 7),
    "error": ("ERROR", 0),
    "shelved_offloaded": ("SHELVED_OFFLOADED", 4),
}


def at_rest(vm_state: str) -> Json:
    """A server's record changes for settling in ``vm_state`` with no task running."""
    status, power = _AT_REST[vm_state]
    return {
        "status": status,
        "OS-EXT-STS:vm_state": vm_state,
        "OS-EXT-STS:power_state": power,
        "OS-EXT-STS:task_state": None,
    }


class Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def raw(self) -> Json: ...

    @classmethod
    def from_api(cls, d: Json) -> Self: ...


R = TypeVar("R", bound=Record)
T = TypeVar("T")


@dataclass
class Build:
    """A server accepted by POST /servers that has not finished building."""

    spec: models.BootSpec
    network_ids: tuple[str, ...]
    port_ids: tuple[str, ...]
    fails: bool
    polls: int = 0
    request_id: str = ""


@dataclass
class Move:
    """A server on its way (migration, resize, evacuation, shelving): one step per poll."""

    steps: list[Callable[[], None]] = field(default_factory=list)


class Cloud:
    def __init__(self, seed: Seed, hypervisors: list[Hypervisor], clock: DemoClock) -> None:
        self.clock = clock
        self.names = seed.names
        self.project_ids = seed.project_ids
        self.hypervisors = hypervisors
        self.servers = ServerStore(seed.servers(), self.now)
        self.flavors: Store[models.Flavor] = Store(seed.flavors())
        self.images: Store[models.Image] = Store(seed.images())
        self._keypairs: dict[str, Store[models.Keypair]] = {}
        self._seed = seed
        self.networks: Store[models.Network] = Store(seed.networks())
        self.subnets: Store[models.Subnet] = Store(seed.subnets())
        self.routers: Store[models.Router] = Store(seed.routers())
        self.ports: Store[models.Port] = Store(seed.ports())
        self.floating_ips: Store[models.FloatingIP] = Store(seed.floating_ips())
        self.security_groups: Store[models.SecurityGroup] = Store(seed.security_groups())
        self.volumes: Store[models.Volume] = Store(seed.volumes())
        self.snapshots: Store[models.VolumeSnapshot] = Store(seed.snapshots())
        # Glance: images' data (uploaded in this session) and members by image, then project
        self.image_data: dict[str, bytes] = {}
        self.image_members: dict[str, dict[str, dict[str, Any]]] = {}
        self.router_of_network = {
            data.fixed_id("network", p): data.fixed_id("router", p)
            for p in range(len(self.project_ids))
        }
        self.builds: dict[str, Build] = {}
        # moves under way, migration records (API JSON), instance actions
        self.moves: dict[str, Move] = {}
        self.migrations: list[dict[str, Any]] = []
        self.actions: dict[str, list[dict[str, Any]]] = {}
        self.resizes: dict[str, dict[str, Any]] = {}  # servers in VERIFY_RESIZE: how to go back
        self.booted: set[str] = set()
        self.flavor_access: dict[str, set[str]] = {}  # private flavor id -> project ids
        self.server_groups: dict[str, dict[str, Any]] = {}  # Nova's records (2.64), by id
        self._server_ports: dict[str, list[str]] = {}
        self._user_ports: set[str] = set()
        self._linked: dict[str, set[str]] = {}
        self._allocated: dict[str, int] = {}
        self._serial = 0
        self._kept: dict[str, Any] = {}

    def keypairs(self, user_id: str) -> Store[models.Keypair]:
        """A user's keypairs: Nova keeps them per user, not per project. The seeded users
        (one per seeded project) start with the demo's keypairs; any other with none."""
        if user_id not in self._keypairs:
            seeded = {data.fixed_id("user", i) for i in range(len(self.project_ids))}
            pairs = self._seed.keypairs(user_id) if user_id in seeded else iter(())
            self._keypairs[user_id] = Store(pairs)
        return self._keypairs[user_id]

    def now(self) -> datetime:
        """The demo's now: what records made or beating now are stamped with."""
        return self.clock.now(self._serial)

    def next_stamp(self) -> str:
        """The time of the next thing made (with its serial, as each made thing takes one)."""
        self.serial()
        return data.stamp(self.now())

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def kept(self, name: str, build: Callable[[], T]) -> T:
        """A service's state, built on first use and shared by every session on this cloud
        (an admin's and a member's see the same stacks, containers, users, quotas...)."""
        if name not in self._kept:
            self._kept[name] = build()
        return cast(T, self._kept[name])

    def update(self, store: Store[R], record: R, changes: Json) -> R:
        """Put a new version of ``record`` with ``changes`` to its API JSON."""
        raw = {**record.raw, **changes}
        if isinstance(record, Server):
            return store.put(cast(R, Server.from_api(raw, self.names)))
        return store.put(record.from_api(raw))

    def project_network(self, project_id: str) -> models.Network | None:
        return next(
            (n for n in self.networks if n.project_id == project_id and not n.external), None
        )

    def security_group_ids(self, project_id: str, names: list[str]) -> tuple[str, ...]:
        groups = {g.name: g.id for g in self.security_groups if g.project_id == project_id}
        return tuple(groups[name] for name in names if name in groups)

    # -- ports and addresses ---------------------------------------------------------------

    def ports_of(self, server_id: str) -> list[models.Port]:
        """A server's ports, found by id: a seeded server has one iff it has an address."""
        ids = self._server_ports.get(server_id)
        if ids is None:
            server = self.servers.get(server_id)
            ids = [data.server_port_id(server_id)] if server and server.fixed_ips else []
        return [port for port in map(self.ports.get, ids) if port is not None]

    def new_port(self, network_id: str, server: Server, host: str) -> models.Port:
        network = self.networks.get(network_id)
        subnet = self.subnets.get(network.subnet_ids[0]) if network and network.subnet_ids else None
        if network is None or subnet is None:
            raise LookupError(f"network {network_id} has no subnet")
        address = self.next_address(subnet)
        n = self.serial()
        groups = [g["name"] for g in server.raw.get("security_groups") or ()]
        spec = data.PortSpec(
            id=data.fixed_id("port", n),
            network_id=network.id,
            subnet_id=subnet.id,
            ip=address,
            mac=data.new_mac(n),
            project_id=server.project_id,
            device_id=server.id,
            device_owner="compute:nova",
            host=host,
            security_groups=self.security_group_ids(server.project_id, groups),
        )
        return self.ports.add(models.Port.from_api(data.port_json(spec, self.now())))

    def next_address(self, subnet: models.Subnet) -> str:
        """The next free address of a subnet for a new port."""
        k = self._allocated.get(subnet.id, 0)
        self._allocated[subnet.id] = k + 1
        return data.new_address(subnet.cidr, k)

    def bind_port(self, port: models.Port, server: Server, host: str) -> models.Port:
        self._user_ports.add(port.id)
        changes = {
            "device_id": server.id,
            "device_owner": "compute:nova",
            "binding:host_id": host,
            "binding:vif_type": "ovs",
            "status": "ACTIVE",
        }
        return self.update(self.ports, port, changes)

    def plug(self, server: Server, port: models.Port) -> Server:
        """A port put on a server (Nova's interface-attach): its addresses show it."""
        self._server_ports[server.id] = [p.id for p in self.ports_of(server.id)] + [port.id]
        addresses = {**(server.raw.get("addresses") or {})}
        for network, entries in self._addresses([port]).items():
            addresses[network] = [*addresses.get(network, []), *entries]
        return self._readdress(server, addresses)

    def unplug(self, server: Server, port: models.Port) -> Server:
        """A port taken off a server (interface-detach): a port Nova made is deleted (its
        floating IPs freed), one it was given is unbound and kept."""
        self._server_ports[server.id] = [p.id for p in self.ports_of(server.id) if p.id != port.id]
        if port.id in self._user_ports:
            self._user_ports.discard(port.id)
            self.update(self.ports, port, _UNBOUND_PORT)
        else:
            for fip in self.floating_ips_on(port):
                self.unlink_floating_ip(fip)
            self.ports.remove(port.id)
        server = self.servers.get(server.id) or server
        mac = port.mac_address
        addresses = {
            network: kept
            for network, entries in (server.raw.get("addresses") or {}).items()
            if (kept := [a for a in entries if a.get("OS-EXT-IPS-MAC:mac_addr") != mac])
        }
        return self._readdress(server, addresses)

    def _readdress(self, server: Server, addresses: dict[str, list[Json]]) -> Server:
        """New addresses of a server, as Nova's network info cache keeps them: the
        server's `updated` stays (see `ServerStore.readdress`)."""
        raw = {**server.raw, "addresses": addresses}
        return self.servers.readdress(Server.from_api(raw, self.names))

    def _addresses(self, ports: list[models.Port]) -> dict[str, list[Json]]:
        addresses: dict[str, list[Json]] = {}
        for port in ports:
            network = self.networks.get(port.network_id)
            name = network.name if network else port.network_id
            addresses.setdefault(name, []).extend(
                data.address_json(ip.ip_address, "fixed", port.mac_address) for ip in port.fixed_ips
            )
        return addresses

    def _show_floating(self, port: models.Port, address: str, present: bool) -> None:
        """Add or drop a floating address in the addresses of the server owning ``port``."""
        server = self.servers.get(port.device_id) if port.device_id else None
        network = self.networks.get(port.network_id)
        if server is None or network is None:
            return
        addresses = dict(server.raw.get("addresses") or {})
        entries = [a for a in addresses.get(network.name, []) if a.get("addr") != address]
        if present:
            entries.append(data.address_json(address, "floating", port.mac_address))
        addresses[network.name] = entries
        self._readdress(server, addresses)

    def link_floating_ip(
        self, fip: models.FloatingIP, port: models.Port, fixed_ip: str
    ) -> models.FloatingIP:
        if fip.port_id:
            self.unlink_floating_ip(fip)
            fip = self.floating_ips.get(fip.id) or fip
        router = self.router_of_network.get(port.network_id)
        linked = data.floating_ip_json(
            fip.id,
            fip.address,
            fip.project_id,
            port=port.raw,
            router_id=router,
            description=fip.description,
        )
        linked["fixed_ip_address"] = fixed_ip
        self._show_floating(port, fip.address, present=True)
        self._linked.setdefault(port.id, set()).add(fip.id)
        return self.update(self.floating_ips, fip, linked)

    def unlink_floating_ip(self, fip: models.FloatingIP) -> models.FloatingIP:
        port = self.ports.get(fip.port_id) if fip.port_id else None
        if port is not None:
            self._show_floating(port, fip.address, present=False)
        self._linked.get(fip.port_id, set()).discard(fip.id)
        return self.update(self.floating_ips, fip, _FREE_FLOATING_IP)

    def floating_ips_on(self, port: models.Port) -> list[models.FloatingIP]:
        """The floating IPs on a port, by id: no walk through a huge cloud's addresses."""
        ids = self._linked.get(port.id, set())
        found = [f for f in map(self.floating_ips.get, ids) if f and f.port_id == port.id]
        seeded = self._seeded_floating_ip(port, {f.address for f in found})
        return found + ([seeded] if seeded else [])

    def _seeded_floating_ip(self, port: models.Port, linked: set[str]) -> models.FloatingIP | None:
        """A seeded server's own floating IP, while its addresses still show it."""
        if port.id != data.server_port_id(port.device_id):
            return None
        server = self.servers.get(port.device_id)
        if server is None or not {a.addr for a in server.floating_ips} - linked:
            return None
        fip = self.floating_ips.get(data.derived_id("floating-ip", port.device_id))
        return fip if fip is not None and fip.port_id == port.id else None

    # -- volumes ---------------------------------------------------------------------------

    def attached_volumes(self, server: Server) -> list[models.Volume]:
        ids = [v["id"] for v in server.raw.get(ATTACHED) or ()]
        return [volume for volume in map(self.volumes.get, ids) if volume is not None]

    def next_device(self, server: Server) -> str:
        used = {
            a.device
            for volume in self.attached_volumes(server)
            for a in volume.attachments
            if a.server_id == server.id
        }
        return next(f"/dev/vd{c}" for c in "bcdefghijklmnopqrstuvwxyz" if f"/dev/vd{c}" not in used)

    def attach(
        self,
        server: Server,
        volume: models.Volume,
        device: str,
        delete_on_termination: bool = False,
    ) -> None:
        attachment_id = data.fixed_id("attachment", 1000 + self.serial())
        host = server.host or None
        attachment = data.attachment_json(
            volume.id, server.id, host, device, attachment_id, self.now()
        )
        attachments = [*volume.raw.get("attachments", []), attachment]
        self.update(self.volumes, volume, {"status": "in-use", "attachments": attachments})
        attached = [
            *server.raw.get(ATTACHED, []),
            {"id": volume.id, "delete_on_termination": delete_on_termination},
        ]
        self.update(self.servers, server, {ATTACHED: attached})

    def detach(self, server: Server, volume: models.Volume) -> None:
        attachments = [a for a in volume.raw.get("attachments", []) if a["server_id"] != server.id]
        status = "in-use" if attachments else "available"
        self.update(self.volumes, volume, {"status": status, "attachments": attachments})
        attached = [v for v in server.raw.get(ATTACHED, []) if v["id"] != volume.id]
        self.update(self.servers, server, {ATTACHED: attached})

    # -- instance actions (a server's history) ----------------------------------------------

    def record_action(
        self,
        server: Server,
        action: str,
        request_id: str,
        user_id: str,
        events: tuple[tuple[str, str], ...] = (),
    ) -> dict[str, Any]:
        """Nova's record of one action on a server, with its events as (event, host)."""
        self.serial()
        record: dict[str, Any] = {
            "action": action,
            "instance_uuid": server.id,
            "request_id": request_id,
            "user_id": user_id,
            "project_id": server.project_id,
            "start_time": data.stamp(self.now()),
            "updated_at": data.stamp(self.now()),
            "message": None,
            "events": [],
        }
        self.actions.setdefault(server.id, []).append(record)
        for event, host in events:
            self.add_event(record, event, host)
        return record

    def add_event(
        self, record: dict[str, Any], event: str, host: str, result: str = "Success"
    ) -> None:
        self.serial()
        record["events"].append(
            {
                "event": event,
                "start_time": data.stamp(self.now()),
                "finish_time": data.stamp(self.now()),
                "result": result,
                "traceback": None if result == "Success" else "Traceback (most recent call last)",
                "host": host,
                "hostId": host_id(host, record["project_id"]),
                "details": None if result == "Success" else "Error",
            }
        )
        record["updated_at"] = data.stamp(self.now())
        if result.lower() == "error":
            record["message"] = "Error"

    # -- server life -----------------------------------------------------------------------

    def _usable(self) -> list[Hypervisor]:
        return [h for h in self.hypervisors if h.state == "up" and h.status == "enabled"]

    def pick_host(self) -> Hypervisor:
        usable = self._usable()
        return usable[self.serial() % len(usable)] if usable else self.hypervisors[0]

    def host_for(self, server: Server) -> str | None:
        """Where the scheduler puts a server: any usable host, or where its server group's
        policy lets it go (None: no valid host)."""
        first = self.pick_host().host
        group = next((g for g in self.server_groups.values() if server.id in g["members"]), None)
        if group is None:
            return first
        hosts = [
            found.host
            for member in group["members"]
            if member != server.id and (found := self.servers.get(member)) and found.host
        ]
        usable = [h.host for h in self._usable()]
        per_host = int((group.get("rules") or {}).get("max_server_per_host") or 1)
        return group_host(group["policy"], per_host, hosts, usable, first)

    def finish_build(self, server: Server) -> Server:
        """The end of a build: ACTIVE with ports on a host, or ERROR (disks: block_devices)."""
        build = self.builds.pop(server.id)
        host = None if build.fails else self.host_for(server)
        if host is None:
            return self.update(self.servers, server, _failed_build(server))
        ports = [self.new_port(n, server, host) for n in build.network_ids]
        given = (port for port in map(self.ports.get, build.port_ids) if port is not None)
        ports += [self.bind_port(port, server, host) for port in given]
        self._server_ports[server.id] = [p.id for p in ports]
        server = self.update(
            self.servers,
            server,
            {
                **at_rest("active"),
                "OS-EXT-SRV-ATTR:host": host,
                "OS-EXT-SRV-ATTR:hypervisor_hostname": host,
                "OS-EXT-AZ:availability_zone": build.spec.availability_zone or "nova",
                "addresses": self._addresses(ports),
            },
        )
        return server

    def drop_server(self, server: Server) -> None:
        """Delete a server: its ports go (their floating IPs are freed), volumes detach."""
        for port in self.ports_of(server.id):
            for fip in self.floating_ips_on(port):
                self.unlink_floating_ip(fip)
            if port.id in self._user_ports:
                self.update(self.ports, port, _UNBOUND_PORT)
            else:
                self.ports.remove(port.id)
        for entry in server.raw.get(ATTACHED) or ():
            volume = self.volumes.get(entry["id"])
            if volume is None:
                continue
            self.detach(self.servers.get(server.id) or server, volume)
            if entry.get("delete_on_termination"):
                self.volumes.remove(volume.id)
        self.servers.remove(server.id)
        self.builds.pop(server.id, None)
        self.moves.pop(server.id, None)
        self.resizes.pop(server.id, None)
        self.booted.discard(server.id)


def host_id(host: str, project_id: str) -> str:
    """Nova's hashed host id (utils.generate_hostid): the same host differs per project."""
    if not host:
        return ""
    return hashlib.sha224((project_id + host).encode("utf-8")).hexdigest()


_UNBOUND_PORT: Json = {
    "device_id": "",
    "device_owner": "",
    "binding:host_id": "",
    "binding:vif_type": "unbound",
    "status": "DOWN",
}


def _failed_build(server: Server) -> dict[str, Any]:
    return {
        **at_rest("error"),
        "fault": {"code": 500, "message": NO_VALID_HOST, "created": server.created},
    }
