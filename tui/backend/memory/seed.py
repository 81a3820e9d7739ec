"""The demo cloud's starting records as models, generated lazily (see store.Store)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tui.backend.memory import data
from tui.backend.models import (
    Flavor,
    FloatingIP,
    Image,
    Keypair,
    Network,
    Port,
    Project,
    Router,
    SecurityGroup,
    Server,
    Subnet,
    Volume,
    VolumeSnapshot,
)


class Seed:
    """The size knobs and what the other records hang off: projects and hosts."""

    def __init__(self, projects: list[Project], hosts: list[str], n_servers: int) -> None:
        self.projects = projects
        self.project_ids = [p.id for p in projects]
        self.names: Mapping[str, str] = {p.id: p.name for p in projects}
        self.hosts = hosts
        self.n_servers = n_servers

    def servers(self) -> Iterator[Server]:
        n_projects = len(self.projects)
        for n in range(self.n_servers):
            yield Server.from_api(data.server_json(n, n_projects, self.hosts), self.names)

    def networks(self) -> Iterator[Network]:
        yield Network.from_api(data.public_network_json(self.project_ids[0]))
        for p, project_id in enumerate(self.project_ids):
            yield Network.from_api(data.network_json(p, project_id))

    def subnets(self) -> Iterator[Subnet]:
        yield Subnet.from_api(data.public_subnet_json(self.project_ids[0]))
        for p, project_id in enumerate(self.project_ids):
            yield Subnet.from_api(data.subnet_json(p, project_id))

    def routers(self) -> Iterator[Router]:
        for p, project_id in enumerate(self.project_ids):
            yield Router.from_api(data.router_json(p, project_id))

    def ports(self) -> Iterator[Port]:
        for p, project_id in enumerate(self.project_ids):
            yield from (Port.from_api(d) for d in data.router_ports_json(p, project_id))
        n_projects = len(self.projects)
        for n in range(self.n_servers):
            if data.server_has_port(n):
                raw = data.server_port_json(n, n_projects, self.hosts, self.project_ids)
                yield Port.from_api(raw)

    def floating_ips(self) -> Iterator[FloatingIP]:
        for p, project_id in enumerate(self.project_ids):
            yield FloatingIP.from_api(data.spare_floating_ip_json(p, project_id))
        n_projects = len(self.projects)
        for n in range(0, self.n_servers, 5):
            if data.server_has_floating_ip(n):
                raw = data.server_floating_ip_json(n, n_projects, self.hosts, self.project_ids)
                yield FloatingIP.from_api(raw)

    def security_groups(self) -> Iterator[SecurityGroup]:
        for p, project_id in enumerate(self.project_ids):
            for name in data.SECURITY_GROUPS:
                yield SecurityGroup.from_api(data.security_group_json(p, project_id, name))

    def volumes(self) -> Iterator[Volume]:
        n_projects = len(self.projects)
        for k in range(len(data.SEED_VOLUMES)):
            raw = data.seed_volume_json(k, n_projects, self.n_servers, self.hosts)
            yield Volume.from_api(raw)

    def snapshots(self, volumes: Mapping[int, Volume]) -> Iterator[VolumeSnapshot]:
        for k, (name, volume) in enumerate(data.SEED_SNAPSHOTS):
            raw = data.snapshot_json(data.fixed_id("snapshot", k), name, volumes[volume].raw, k)
            yield VolumeSnapshot.from_api(raw)

    def flavors(self) -> Iterator[Flavor]:
        return (Flavor.from_api(data.flavor_json(k)) for k in range(data.N_FLAVORS))

    def images(self) -> Iterator[Image]:
        n_projects = len(self.projects)
        return (
            Image.from_api(data.seed_image_json(k, n_projects))
            for k in range(len(data.SEED_IMAGES))
        )

    def keypairs(self, user_id: str) -> Iterator[Keypair]:
        return (
            Keypair.from_api(data.keypair_json(k, user_id)) for k in range(len(data.SEED_KEYPAIRS))
        )
