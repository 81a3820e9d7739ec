"""The demo cloud's starting records as models, generated lazily (see store.Store)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice

from tui.backend import models
from tui.backend.memory import data
from tui.backend.models import Project, Server


class Seed:
    """The size knobs and what the other records hang off: projects and hosts."""

    def __init__(self, projects: list[Project], hosts: list[str], n_servers: int) -> None:
        self.projects = list(projects)  # projects created later own no seeded records
        self.project_ids = [p.id for p in projects]
        self.names: Mapping[str, str] = {p.id: p.name for p in projects}
        self.hosts = hosts
        self.n_servers = n_servers
        self.n_projects = len(projects)

    def servers(self) -> Iterator[Server]:
        for n in range(self.n_servers):
            yield Server.from_api(data.server_json(n, self.n_projects, self.hosts), self.names)

    def networks(self) -> Iterator[models.Network]:
        yield models.Network.from_api(data.public_network_json(self.project_ids[0]))
        for p, project_id in enumerate(self.project_ids):
            yield models.Network.from_api(data.network_json(p, project_id))

    def subnets(self) -> Iterator[models.Subnet]:
        yield models.Subnet.from_api(data.public_subnet_json(self.project_ids[0]))
        for p, project_id in enumerate(self.project_ids):
            yield models.Subnet.from_api(data.subnet_json(p, project_id))

    def routers(self) -> Iterator[models.Router]:
        for p, project_id in enumerate(self.project_ids):
            yield models.Router.from_api(data.router_json(p, project_id))

    def ports(self) -> Iterator[models.Port]:
        for p, project_id in enumerate(self.project_ids):
            yield from (models.Port.from_api(d) for d in data.router_ports_json(p, project_id))
        for n in range(self.n_servers):
            if data.server_has_port(n):
                raw = data.server_port_json(n, self.n_projects, self.hosts, self.project_ids)
                yield models.Port.from_api(raw)

    def floating_ips(self) -> Iterator[models.FloatingIP]:
        for p, project_id in enumerate(self.project_ids):
            yield models.FloatingIP.from_api(data.spare_floating_ip_json(p, project_id))
        for n in range(0, self.n_servers, 5):
            if data.server_has_floating_ip(n):
                raw = data.server_floating_ip_json(n, self.n_projects, self.hosts, self.project_ids)
                yield models.FloatingIP.from_api(raw)

    def security_groups(self) -> Iterator[models.SecurityGroup]:
        for p, project_id in enumerate(self.project_ids):
            for name in data.SECURITY_GROUPS:
                yield models.SecurityGroup.from_api(data.security_group_json(p, project_id, name))

    def volumes(self) -> Iterator[models.Volume]:
        for k in range(len(data.SEED_VOLUMES)):
            raw = data.seed_volume_json(k, self.n_projects, self.n_servers, self.hosts)
            yield models.Volume.from_api(raw)

    def snapshots(self) -> Iterator[models.VolumeSnapshot]:
        """Snapshots of seeded volumes (as seeded, whatever happened to them since)."""
        volumes = list(islice(self.volumes(), max(v for _, v in data.SEED_SNAPSHOTS) + 1))
        for k, (name, volume) in enumerate(data.SEED_SNAPSHOTS):
            raw = data.snapshot_json(data.fixed_id("snapshot", k), name, volumes[volume].raw, k)
            yield models.VolumeSnapshot.from_api(raw)

    def flavors(self) -> Iterator[models.Flavor]:
        return (models.Flavor.from_api(data.flavor_json(k)) for k in range(data.N_FLAVORS))

    def images(self) -> Iterator[models.Image]:
        return (
            models.Image.from_api(data.seed_image_json(k, self.n_projects))
            for k in range(len(data.SEED_IMAGES))
        )

    def keypairs(self, user_id: str) -> Iterator[models.Keypair]:
        return (
            models.Keypair.from_api(data.keypair_json(k, user_id))
            for k in range(len(data.SEED_KEYPAIRS))
        )
