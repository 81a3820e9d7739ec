"""The async Backend protocol every screen talks to.

Lists are async iterators of pages (lists of models), so a screen can draw the first page
while later ones are still on the wire. Every failure is a ``BackendError``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tui.backend.quota_classes import QUOTA_READS, QuotaScan
from tui.backend.server_filters import NO_FILTERS, ServerFilters
from tui.backend.transfer import Progress, no_progress

if TYPE_CHECKING:  # annotations only: the models load by area, when first used
    from tui.backend.gnocchi import MeasureQuery
    from tui.backend.models import (
        Aggregate,
        AvailabilityZone,
        BootSpec,
        CatalogEndpoint,
        CatalogService,
        CloudInfo,
        ComputeService,
        Container,
        Download,
        Endpoint,
        Flavor,
        FlavorAccess,
        FlavorExtraSpec,
        FlavorSpec,
        FloatingIP,
        Hypervisor,
        Image,
        ImageMember,
        ImageSpec,
        InstanceAction,
        Keypair,
        Measure,
        Metric,
        MetricResource,
        Migration,
        Network,
        NetworkAgent,
        NetworkChange,
        NetworkSpec,
        NewVolumeTransfer,
        Port,
        PortChange,
        PortSpec,
        Project,
        ProjectSpec,
        QosAssociation,
        QosSpec,
        QosSpecSpec,
        QuotaOverride,
        QuotaUsage,
        Role,
        RoleAssignment,
        Router,
        RouterChange,
        RouterSpec,
        SecurityGroup,
        SecurityGroupRule,
        SecurityGroupRuleSpec,
        Server,
        ServerDiagnostics,
        ServerGroup,
        ServiceZone,
        Stack,
        StackEvent,
        StackResource,
        StackSpec,
        Subnet,
        SubnetChange,
        SubnetPool,
        SubnetSpec,
        SwiftObject,
        TokenInfo,
        User,
        UserSpec,
        Volume,
        VolumePool,
        VolumeSnapshot,
        VolumeSpec,
        VolumeTransfer,
        VolumeType,
        VolumeTypeAccess,
        VolumeTypeSpec,
        VolumeUpload,
        VolumeUploadSpec,
    )
    from tui.backend.raw_http import RawResponse
    from tui.secrets import Secrets

# Server actions the backend knows (POST /servers/{id}/action unless noted). Arguments:
# reboot(hard: bool), reset_state(state: "error"|"active"), rename(name) [PUT /servers/{id}],
# create_backup(name, backup_type: "daily"|"weekly", rotation: int), delete [DELETE],
# force_delete, and the argument-less ones.
SERVER_ACTIONS = (
    "start",
    "stop",
    "reboot",
    "suspend",
    "resume",
    "pause",
    "unpause",
    "lock",
    "unlock",
    "rename",
    "delete",
    "force_delete",
    "reset_state",
    "create_backup",
)

DEFAULT_PAGE_SIZE = 1000


@runtime_checkable
class Backend(Protocol):
    """What stackdeck needs from a cloud. Implementations: OpenStackBackend, MemoryBackend."""

    # This session's passwords and tokens: masked in every message, log and file written.
    secrets: Secrets

    @property
    def info(self) -> CloudInfo: ...

    async def connect(self) -> CloudInfo:
        """Authenticate (or check the in-memory cloud) and say who and where we are."""
        ...

    async def close(self) -> None: ...

    def servers(
        self,
        *,
        all_projects: bool = False,
        host: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        changes_since: datetime | None = None,
        filters: ServerFilters = NO_FILTERS,
    ) -> AsyncIterator[list[Server]]:
        """The servers; with `changes_since`, only those changed at or after that moment
        of the cloud's clock, deleted ones included with status DELETED (Nova's
        changes-since). `filters` are Nova's (status, name regex, fixed IP...: see
        `tui.backend.server_filters`), applied by the cloud; `host` and `project_id` are
        short for theirs."""
        ...

    def cloud_time(self) -> datetime | None:
        """The cloud's clock now, as its replies tell it (None before any reply): what a
        list refreshed by changes asks for changes since."""
        ...

    async def server(self, server_id: str) -> Server: ...

    def hypervisors(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Hypervisor]]: ...

    async def hypervisor(self, hypervisor_id: str) -> Hypervisor: ...

    def projects(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Project]]: ...

    async def project(self, project_id: str) -> Project: ...

    def users(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[User]]: ...

    async def project_name_map(self) -> dict[str, str]:
        """Project id → name (empty when the user may not list projects)."""
        ...

    # -- everyday operator work ---------------------------------------------------------
    # Lists are async iterators of pages; `all_projects` asks for every project's items
    # (admin); the other keyword arguments are server-side filters.

    def flavors(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Flavor]]: ...

    def images(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Image]]: ...

    def keypairs(self, *, user_id: str | None = None) -> AsyncIterator[list[Keypair]]:
        """This user's keypairs, or (admin) another user's."""
        ...

    async def availability_zones(self) -> list[AvailabilityZone]: ...

    def networks(
        self, *, external: bool | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Network]]: ...

    def subnets(
        self, *, network_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Subnet]]: ...

    def ports(
        self,
        *,
        network_id: str | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[Port]]: ...

    def routers(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Router]]: ...

    def floating_ips(
        self,
        *,
        project_id: str | None = None,
        port_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[FloatingIP]]: ...

    def security_groups(
        self, *, project_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[SecurityGroup]]: ...

    def volumes(
        self,
        *,
        all_projects: bool = False,
        project_id: str | None = None,
        status: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[Volume]]:
        """The volumes; `project_id` (admin) and `status` are Cinder's exact filters."""
        ...

    def volume_snapshots(
        self,
        *,
        all_projects: bool = False,
        volume_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[VolumeSnapshot]]: ...

    async def network(self, network_id: str) -> Network: ...

    async def port(self, port_id: str) -> Port: ...

    async def floating_ip(self, floating_ip_id: str) -> FloatingIP: ...

    async def security_group(self, security_group_id: str) -> SecurityGroup: ...

    async def volume(self, volume_id: str) -> Volume: ...

    async def volume_snapshot(self, snapshot_id: str) -> VolumeSnapshot: ...

    async def flavor(self, flavor_id: str) -> Flavor: ...

    async def image(self, image_id: str) -> Image: ...

    async def console_log(self, server_id: str, lines: int | None = None) -> str:
        """The server's console output (the last `lines`, or all); a read, not audited."""
        ...

    # -- writes: every one is refused in read-only mode and audited -----------------------

    async def server_action(self, server_id: str, action: str, **args: object) -> None:
        """One of SERVER_ACTIONS on a server (see the table above for arguments)."""
        ...

    async def create_servers(self, spec: BootSpec) -> list[Server]:
        """Boot `spec.count` servers; returns them as first seen (status BUILD)."""
        ...

    async def create_volume(self, spec: VolumeSpec) -> Volume: ...

    async def extend_volume(self, volume_id: str, size_gb: int) -> None: ...

    async def delete_volume(self, volume_id: str) -> None: ...

    async def attach_volume(self, server_id: str, volume_id: str) -> str:
        """Attach with the device chosen by Nova; returns the device name (e.g. /dev/sdb)."""
        ...

    async def detach_volume(self, server_id: str, volume_id: str) -> None: ...

    async def create_volume_snapshot(
        self, volume_id: str, name: str, *, force: bool = False
    ) -> VolumeSnapshot: ...

    async def delete_volume_snapshot(self, snapshot_id: str) -> None: ...

    # -- Cinder's per-volume operations: retype, reset-state, force-delete, upload-to-image,
    # transfers. Cinder refuses by its status rules (tui/backend/states.py, HTTP 400);
    # reset-state and force-delete are admin-only (403). A transfer's auth key joins the
    # session's secrets the moment it is known (typed or answered).

    async def retype_volume(
        self, volume_id: str, new_type: str, *, migration_policy: str = "never"
    ) -> None:
        """``cinder retype``: `new_type` a type's name or id; ``on-demand`` lets Cinder
        migrate the data to another backend when this one cannot hold the new type."""
        ...

    async def reset_volume_state(
        self,
        volume_id: str,
        *,
        status: str = "",
        attach_status: str = "",
        migration_status: str = "",
    ) -> None:
        """``cinder reset-state``: Cinder's database only (at least one of the three);
        ``attach_status="detached"`` also drops the volume's attachment records."""
        ...

    async def force_delete_volume(self, volume_id: str) -> None: ...

    async def upload_volume_to_image(
        self, volume_id: str, spec: VolumeUploadSpec
    ) -> VolumeUpload: ...

    async def create_volume_transfer(self, volume_id: str, name: str = "") -> NewVolumeTransfer:
        """Offer the volume to another project: the answer holds the auth key, once."""
        ...

    def volume_transfers(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[VolumeTransfer]]:
        """Pending transfers of this project's volumes (an admin: of every project)."""
        ...

    async def volume_transfer(self, transfer_id: str) -> VolumeTransfer: ...

    async def accept_volume_transfer(self, transfer_id: str, auth_key: str) -> VolumeTransfer:
        """The volume moves into the caller's project."""
        ...

    async def delete_volume_transfer(self, transfer_id: str) -> None:
        """Cancel: the volume is available again in its project; the key stops working."""
        ...

    async def allocate_floating_ip(
        self, network_id: str, *, project_id: str | None = None, description: str = ""
    ) -> FloatingIP: ...

    async def associate_floating_ip(
        self, floating_ip_id: str, port_id: str, fixed_ip: str | None = None
    ) -> FloatingIP: ...

    async def disassociate_floating_ip(self, floating_ip_id: str) -> FloatingIP: ...

    async def release_floating_ip(self, floating_ip_id: str) -> None: ...

    # -- building networks: Neutron's writes ----------------------------------------------
    # Each answers with the object as Neutron returns it after the write; a refusal is a
    # BackendError with Neutron's own message (NetworkInUse names the ports in the way).

    async def subnet(self, subnet_id: str) -> Subnet: ...

    async def router(self, router_id: str) -> Router: ...

    def subnet_pools(self) -> AsyncIterator[list[SubnetPool]]: ...

    async def create_network(self, spec: NetworkSpec) -> Network: ...

    async def update_network(self, network_id: str, change: NetworkChange) -> Network: ...

    async def delete_network(self, network_id: str) -> None: ...

    async def create_subnet(self, spec: SubnetSpec) -> Subnet: ...

    async def update_subnet(self, subnet_id: str, change: SubnetChange) -> Subnet: ...

    async def delete_subnet(self, subnet_id: str) -> None: ...

    async def create_router(self, spec: RouterSpec) -> Router: ...

    async def update_router(self, router_id: str, change: RouterChange) -> Router: ...

    async def set_router_gateway(
        self, router_id: str, network_id: str, *, enable_snat: bool | None = None
    ) -> Router: ...

    async def clear_router_gateway(self, router_id: str) -> Router: ...

    async def add_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> str:
        """Plug a subnet (Neutron makes the port) or an existing port; returns the port id."""
        ...

    async def remove_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> None: ...

    async def delete_router(self, router_id: str) -> None: ...

    async def create_port(self, spec: PortSpec) -> Port: ...

    async def update_port(self, port_id: str, change: PortChange) -> Port: ...

    async def delete_port(self, port_id: str) -> None: ...

    async def create_security_group(
        self, name: str, *, description: str = "", project_id: str = ""
    ) -> SecurityGroup: ...

    async def update_security_group(
        self, group_id: str, *, name: str | None = None, description: str | None = None
    ) -> SecurityGroup: ...

    async def delete_security_group(self, group_id: str) -> None: ...

    async def create_security_group_rule(
        self, spec: SecurityGroupRuleSpec
    ) -> SecurityGroupRule: ...

    async def delete_security_group_rule(self, rule_id: str) -> None: ...

    async def add_server_security_group(self, server_id: str, group_name: str) -> None:
        """Nova's addSecurityGroup: every port of the server joins the group."""
        ...

    async def remove_server_security_group(self, server_id: str, group_name: str) -> None: ...

    # -- keypairs (Nova) ------------------------------------------------------------------

    async def import_keypair(
        self, name: str, public_key: str, *, key_type: str = "ssh", user_id: str = ""
    ) -> Keypair:
        """Register a public key (a new pair is made locally: Nova >= 2.92 makes none)."""
        ...

    async def delete_keypair(self, name: str, *, user_id: str = "") -> None: ...

    # -- reaching a server: SSH through its network's DHCP namespace, VNC ----------------

    async def dhcp_agent_hosts(self, network_id: str) -> list[str]:
        """The hosts of the DHCP agents serving a network ([] when Neutron lists none)."""
        ...

    async def vnc_console_url(self, server_id: str) -> str:
        """A noVNC console URL (Nova remote-consoles, microversion >= 2.6)."""
        ...

    # -- compute services and network agents (admin) -----------------------------

    def compute_services(
        self, *, host: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[ComputeService]]: ...

    async def compute_service(self, service_id: str) -> ComputeService: ...

    async def set_compute_service(
        self,
        service: ComputeService,
        *,
        enabled: bool | None = None,
        reason: str = "",
        forced_down: bool | None = None,
    ) -> None:
        """Enable, disable with a reason, or force down / back up (audited)."""
        ...

    def network_agents(
        self, *, host: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[NetworkAgent]]: ...

    async def network_agent(self, agent_id: str) -> NetworkAgent: ...

    async def set_network_agent(self, agent: NetworkAgent, *, enabled: bool) -> None: ...

    async def dhcp_agents_of_network(self, network_id: str) -> list[NetworkAgent]: ...

    async def networks_of_dhcp_agent(self, agent_id: str) -> list[Network]: ...

    async def l3_agents_of_router(self, router_id: str) -> list[NetworkAgent]: ...

    async def routers_of_l3_agent(self, agent_id: str) -> list[Router]: ...

    # -- aggregates, zones, quotas ------------------------------------------------
    # Host aggregates (admin), every service's availability zones, per-project quotas.

    def aggregates(self) -> AsyncIterator[list[Aggregate]]: ...

    async def aggregate(self, aggregate_id: str) -> Aggregate: ...

    async def create_aggregate(self, name: str, availability_zone: str = "") -> Aggregate: ...

    async def delete_aggregate(self, aggregate: Aggregate) -> None:
        """Nova refuses while hosts are in it (HTTP 400, its message says so)."""
        ...

    async def add_aggregate_host(self, aggregate: Aggregate, host: str) -> Aggregate: ...

    async def remove_aggregate_host(self, aggregate: Aggregate, host: str) -> Aggregate: ...

    async def set_aggregate_metadata(
        self, aggregate: Aggregate, metadata: Mapping[str, str | None]
    ) -> Aggregate:
        """Set keys to values; a key mapped to None is unset."""
        ...

    async def service_zones(self) -> list[ServiceZone]:
        """Nova's zones (with hosts for admins), Cinder's and Neutron's, where offered."""
        ...

    async def quotas(self, project_id: str) -> list[QuotaUsage]:
        """The project's compute, network and block-storage quotas with usage and defaults."""
        ...

    async def quota_defaults(self, project_id: str) -> list[QuotaUsage]: ...

    async def update_quotas(self, service: str, project_id: str, limits: Mapping[str, int]) -> None:
        """Set some limits of one service (-1: unlimited); audited."""
        ...

    async def update_quota_defaults(self, service: str, limits: Mapping[str, int]) -> None:
        """Set some defaults of Nova or Cinder: their quota class ``default`` (admin; -1:
        unlimited); audited. Neutron has no quota-class API (its defaults are neutron.conf's
        ``[quotas]``): refused without a request."""
        ...

    def quota_overrides(
        self, scan: QuotaScan | None = None, *, concurrency: int = QUOTA_READS
    ) -> AsyncIterator[list[QuotaOverride]]:
        """Every project's limits that differ from the defaults (admin): Neutron's own list
        (GET /v2.0/quotas), Nova's and Cinder's quota sets read project by project,
        `concurrency` at once; `scan` is told what was read as it goes."""
        ...

    # -- telemetry (Gnocchi, catalog type "metric") and the raw API browser -------

    def metric_resources(
        self, *, resource_type: str = "generic", page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[MetricResource]]:
        """Gnocchi resources (instances, disks, hosts...), with their type's attributes."""
        ...

    async def metric_resource(self, resource_id: str) -> MetricResource: ...

    async def resource_metrics(self, resource_id: str) -> list[Metric]: ...

    async def metric(self, metric_id: str) -> Metric:
        """One metric with its archive policy (granularities, aggregation methods)."""
        ...

    async def measures(self, metric_id: str, query: MeasureQuery) -> list[Measure]: ...

    async def catalog(self) -> list[CatalogEndpoint]:
        """Every endpoint of the token's service catalog."""
        ...

    async def raw_get(
        self, endpoint: CatalogEndpoint, path: str, *, method: str = "GET"
    ) -> RawResponse:
        """GET (or HEAD) a path below a catalog endpoint; every HTTP status is an answer."""
        ...

    # -- health overview and volume pools (overview helper) -------------------------

    def servers_in_status(
        self, status: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        """Every project's servers in one status (admin): servers/detail?status=ERROR."""
        ...

    def servers_in_a_task(
        self, *, before: datetime, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        """Every project's servers in any task state not updated since `before` (admin)."""
        ...

    def volumes_in_states(
        self,
        statuses: Collection[str],
        *,
        before: datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[Volume]]:
        """Every project's volumes in any of `statuses`, optionally not updated since
        `before`, in a few requests (not one per status)."""
        ...

    async def volume_pools(self) -> list[VolumePool]:
        """Cinder's scheduler pools with their capacity (admin)."""
        ...

    def volumes_on_host(
        self, host: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Volume]]:
        """Every project's volumes on a backend or pool (admin, host filter)."""
        ...

    # -- identity (Keystone) ----------------------------------------------------
    # Writes are audited (never with a password) and refused read-only.

    async def create_project(self, spec: ProjectSpec) -> Project: ...

    async def update_project(
        self, project: Project, *, enabled: bool | None = None, description: str | None = None
    ) -> Project: ...

    async def delete_project(self, project: Project) -> None:
        """Only the Keystone record: the project's servers, volumes... stay."""
        ...

    async def user(self, user_id: str) -> User: ...

    async def create_user(self, spec: UserSpec) -> User: ...

    async def update_user(
        self, user: User, *, enabled: bool | None = None, email: str | None = None
    ) -> User: ...

    async def set_user_password(self, user: User, password: str) -> None: ...

    async def delete_user(self, user: User) -> None: ...

    def roles(self) -> AsyncIterator[list[Role]]: ...

    def role_assignments(
        self,
        *,
        user_id: str | None = None,
        project_id: str | None = None,
        role_id: str | None = None,
    ) -> AsyncIterator[list[RoleAssignment]]:
        """With names (include_names=true), for a user, a project or a role."""
        ...

    async def grant_role(self, *, user_id: str, project_id: str, role_id: str) -> None: ...

    async def revoke_role(self, *, user_id: str, project_id: str, role_id: str) -> None: ...

    def catalog_services(self) -> AsyncIterator[list[CatalogService]]: ...

    def endpoints(self, *, service_id: str | None = None) -> AsyncIterator[list[Endpoint]]: ...

    async def token_info(self) -> TokenInfo:
        """Our own token as Keystone validates it (GET /v3/auth/tokens), without its id."""

    # -- images (Glance v2) and flavors (Nova) -----------------------------------
    # Transfers report to a `Progress` (tui/backend/transfer.py) from the worker thread; it
    # may raise TransferCancelled to stop them.

    async def create_image(self, spec: ImageSpec) -> Image:
        """The image record (status queued); its data comes with `upload_image_data`."""
        ...

    async def upload_image_data(
        self, image_id: str, path: str, progress: Progress = no_progress
    ) -> None: ...

    async def download_image(
        self, image: Image, path: str, progress: Progress = no_progress, *, overwrite: bool = False
    ) -> Download:
        """Stream into `path`, verify Glance's checksum; no partial file is left on failure."""
        ...

    async def delete_image(self, image_id: str) -> None: ...

    async def update_image(self, image_id: str, **changes: Any) -> Image:
        """Replace top-level attributes: protected, visibility, name, min_disk, min_ram..."""
        ...

    async def image_members(self, image_id: str) -> list[ImageMember]: ...

    async def add_image_member(self, image_id: str, project_id: str) -> ImageMember: ...

    async def remove_image_member(self, image_id: str, project_id: str) -> None: ...

    async def set_image_member_status(
        self, image_id: str, project_id: str, status: str
    ) -> None: ...

    async def create_flavor(self, spec: FlavorSpec) -> Flavor: ...

    async def delete_flavor(self, flavor_id: str) -> None: ...

    async def flavor_extra_specs(self, flavor_id: str) -> list[FlavorExtraSpec]: ...

    async def set_flavor_extra_specs(self, flavor_id: str, specs: dict[str, str]) -> None: ...

    async def unset_flavor_extra_spec(self, flavor_id: str, key: str) -> None: ...

    async def flavor_access(self, flavor_id: str) -> list[FlavorAccess]: ...

    async def add_flavor_access(self, flavor_id: str, project_id: str) -> None: ...

    async def remove_flavor_access(self, flavor_id: str, project_id: str) -> None: ...

    def servers_with_flavor(
        self, flavor_id: str, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        """Servers built from this flavor; `all_projects` (admin): in every project."""
        ...

    # -- Cinder volume types and QoS specs ---------------------------------------
    # Managing them is admin-only (Cinder's default policy); a member lists the public
    # types and the private ones shared with its project. Writes are audited.

    def volume_types(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[VolumeType]]:
        """Every type the caller may use; an admin also the private ones (is_public=None)."""
        ...

    async def volume_type(self, type_id: str) -> VolumeType: ...

    async def default_volume_type(self) -> VolumeType | None:
        """GET /types/default: the type a volume gets without one (this project's default
        when set, else cinder.conf's default_volume_type); None when Cinder names none."""
        ...

    async def create_volume_type(self, spec: VolumeTypeSpec) -> VolumeType: ...

    async def update_volume_type(
        self, type_id: str, *, description: str | None = None, is_public: bool | None = None
    ) -> VolumeType: ...

    async def set_volume_type_extra_specs(
        self, type_id: str, changes: Mapping[str, str | None]
    ) -> None:
        """Set keys to values; a key mapped to None is unset."""
        ...

    async def delete_volume_type(self, type_id: str) -> None:
        """Cinder refuses (400) while volumes use it or it is a default."""
        ...

    async def volume_type_access(self, type_id: str) -> list[VolumeTypeAccess]:
        """The projects given a private type (404 on a public one)."""
        ...

    async def add_volume_type_access(self, type_id: str, project_id: str) -> None: ...

    async def remove_volume_type_access(self, type_id: str, project_id: str) -> None: ...

    async def project_default_volume_type(self, project_id: str) -> str | None:
        """The id of a project's own default type (default-types API, 3.62+), or None."""
        ...

    async def set_project_default_volume_type(self, project_id: str, type_id: str) -> None: ...

    async def unset_project_default_volume_type(self, project_id: str) -> None: ...

    def qos_specs(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[QosSpec]]: ...

    async def qos_spec(self, qos_id: str) -> QosSpec: ...

    async def create_qos_spec(self, spec: QosSpecSpec) -> QosSpec: ...

    async def set_qos_spec_keys(self, qos_id: str, changes: Mapping[str, str | None]) -> None:
        """Set keys to values (``consumer`` changes the consumer); None unsets a key."""
        ...

    async def delete_qos_spec(self, qos_id: str, *, force: bool = False) -> None:
        """Cinder refuses (400) while a type is associated, unless forced."""
        ...

    async def qos_associations(self, qos_id: str) -> list[QosAssociation]: ...

    async def associate_qos_spec(self, qos_id: str, type_id: str) -> None:
        """Every volume of the type gets the limits (400 when it has another QoS spec)."""
        ...

    async def disassociate_qos_spec(self, qos_id: str, type_id: str) -> None: ...

    # -- Heat stacks (orchestration) --------------------------------------------

    def stacks(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Stack]]:
        """Newest first; `all_projects` (admin) lists every project's (global_tenant)."""
        ...

    async def stack(self, stack_id: str) -> Stack:
        """The full record: parameters, outputs, template description."""
        ...

    async def stack_resources(self, stack: Stack) -> list[StackResource]: ...

    def stack_events(
        self, stack: Stack, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[StackEvent]]:
        """Newest first."""
        ...

    async def create_stack(self, spec: StackSpec) -> Stack: ...

    async def delete_stack(self, stack: Stack) -> None: ...

    # -- Swift containers and objects (object-store) ----------------------------

    def containers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Container]]: ...

    async def container(self, name: str) -> Container: ...

    async def create_container(self, name: str) -> Container: ...

    async def delete_container(self, name: str) -> None:
        """Only an empty container: a non-empty one is Swift's 409, said plainly."""
        ...

    def objects(
        self,
        container: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[SwiftObject]]:
        """With a delimiter, names below the next delimiter fold into pseudo-folders."""
        ...

    async def delete_object(self, container: str, name: str) -> None: ...

    async def upload_object(
        self,
        container: str,
        name: str,
        path: str,
        progress: Progress = no_progress,
        *,
        content_type: str = "",
    ) -> SwiftObject:
        """A local file (up to 5 GiB: no segmented large objects) becomes an object."""
        ...

    async def download_object(
        self, container: str, name: str, path: str, progress: Progress = no_progress
    ) -> int:
        """An object into a local file (written whole or not at all); the bytes written."""
        ...

    # -- moving servers (admin by Nova's default policy), migrations, history ------
    # Each write is audited, refused read-only, and asks for the microversion it needs: a
    # cloud whose Nova is older gets a BackendError naming the call and the version.

    async def live_migrate(
        self, server_id: str, host: str | None = None, block_migration: bool | str = "auto"
    ) -> None:
        """os-migrateLive (2.25+, no force): to ``host`` through the scheduler's checks, or
        wherever the scheduler picks; the server shows MIGRATING, then ACTIVE elsewhere."""
        ...

    async def migrate(self, server_id: str, host: str | None = None) -> None:
        """Cold migration (a host needs 2.56): ends in VERIFY_RESIZE on the new host."""
        ...

    async def resize(self, server_id: str, flavor_id: str) -> None:
        """Resize to another flavor: ends in VERIFY_RESIZE with the new flavor."""
        ...

    async def confirm_resize(self, server_id: str) -> None:
        """VERIFY_RESIZE -> ACTIVE where it moved (migration status confirmed)."""
        ...

    async def revert_resize(self, server_id: str) -> None:
        """VERIFY_RESIZE -> back on the source host with the old flavor (reverted)."""
        ...

    async def evacuate(self, server_id: str, host: str | None = None) -> None:
        """Rebuild a server of a failed host elsewhere (2.68 semantics: no force, the
        server keeps its state). Nova refuses with HTTP 400 "Compute service of <host> is
        still in use." while the source compute service is up."""
        ...

    async def shelve(self, server_id: str) -> None:
        """Shelve: SHELVED_OFFLOADED (no host) once offloaded."""
        ...

    async def unshelve(
        self, server_id: str, *, host: str | None = None, availability_zone: str | None = None
    ) -> None:
        """Unshelve (a zone needs 2.77, a host 2.91): ACTIVE on a host again."""
        ...

    async def force_complete_migration(self, server_id: str, migration_id: str) -> None:
        """Force a running live migration to finish (2.22+)."""
        ...

    async def abort_migration(self, server_id: str, migration_id: str) -> None:
        """Abort a live migration in progress (2.24+; a queued one too from 2.65)."""
        ...

    def migrations(
        self,
        *,
        host: str | None = None,
        status: str | None = None,
        migration_type: str | None = None,
        server_id: str | None = None,
        changes_since: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[Migration]]:
        """Every migration of the cloud, newest first (admin); ``host`` matches source or
        destination; ``migration_type`` is live-migration, migration, resize or evacuation."""
        ...

    async def server_migrations(self, server_id: str) -> list[Migration]:
        """A server's live migrations in progress with memory/disk progress (2.23+)."""
        ...

    def instance_actions(
        self, server_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[InstanceAction]]:
        """What was done to a server, newest first, without events."""
        ...

    async def instance_action(self, server_id: str, request_id: str) -> InstanceAction:
        """One action with its events (host and traceback only where policy shows them)."""
        ...

    # -- a server's network interfaces, Nova's server groups --------------------------------

    async def attach_interface(
        self, server_id: str, *, network_id: str = "", port_id: str = "", fixed_ip: str = ""
    ) -> str:
        """Nova's interface-attach: a new port on a network (at `fixed_ip` when given), or an
        existing unbound port; returns the port's id once it is on the server."""
        ...

    async def detach_interface(self, server_id: str, port_id: str) -> None:
        """Nova's interface-detach (asynchronous): a port Nova made is deleted, a port given
        to it is unbound and kept."""
        ...

    def server_groups(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[ServerGroup]]:
        """The project's server groups; `all_projects` (admin): every project's."""
        ...

    async def server_group(self, group_id: str) -> ServerGroup: ...

    async def create_server_group(
        self, name: str, policy: str, *, max_server_per_host: int | None = None
    ) -> ServerGroup:
        """`max_server_per_host` only for anti-affinity (Nova's rule, 2.64)."""
        ...

    async def delete_server_group(self, group_id: str) -> None: ...

    # -- a server's maintenance: rebuild, snapshot image, rescue, metadata, tags, diagnostics
    # Writes are audited and refused read-only; a password given to rebuild or rescue (and
    # the one Nova answers with) joins the session's secrets and no request carrying it is
    # logged. Refusals come from Nova's state table (tui/backend/states.py), in its words.

    async def rebuild_server(
        self,
        server_id: str,
        image_id: str,
        *,
        name: str = "",
        admin_password: str = "",
        key_name: str | None = None,
        preserve_ephemeral: bool = False,
    ) -> None:
        """Rebuild from an image, wiping the root disk (REBUILD, then ACTIVE, or SHUTOFF
        for a stopped server). ``name`` "" keeps the name; ``key_name`` None keeps the key
        pair, "" removes it, a name sets it (2.54+)."""
        ...

    async def create_server_image(
        self, server_id: str, name: str, metadata: Mapping[str, str] | None = None
    ) -> str:
        """Nova's createImage (2.45+): a snapshot image of the server in Glance, with
        ``metadata`` as its properties; returns the new image's id."""
        ...

    async def rescue_server(
        self, server_id: str, *, image_id: str = "", admin_password: str = ""
    ) -> None:
        """Boot the server from a rescue image ("": its own image), its disk attached:
        RESCUE."""
        ...

    async def unrescue_server(self, server_id: str) -> None:
        """Back from RESCUE to ACTIVE."""
        ...

    async def update_server_metadata(
        self, server_id: str, changes: Mapping[str, str | None]
    ) -> dict[str, str]:
        """Set keys to values (one merge); a key mapped to None is deleted. Returns the
        server's metadata after."""
        ...

    async def set_server_tags(self, server_id: str, tags: Sequence[str]) -> list[str]:
        """Replace the server's tags (2.26+); returns them as Nova keeps them."""
        ...

    async def server_diagnostics(self, server_id: str) -> ServerDiagnostics:
        """What the hypervisor driver reports (2.48's format; admin by default policy).
        A driver without diagnostics answers 501."""
        ...
