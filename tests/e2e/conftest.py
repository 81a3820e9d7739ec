"""SSH end to end: devcloud with its real DHCP agent, a booted server, a VM namespace that
takes the server's fixed IP from Neutron's dnsmasq, OpenSSH sshd as the network node and as
the VM, an ssh-agent. Marked `e2e` (and `integration`: they need devcloud).

Skipped, with the reason, only where namespaces cannot be made (not root / no `ip netns`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from tests.devcloud import DEVCLOUD, devcloud_up
from tests.e2e.netns import (
    VM_UID,
    Agent,
    Sshd,
    VmNamespace,
    can_use_namespaces,
    ensure_packages,
    free_port,
    keygen,
    release_stale_lease,
    start_agent,
    start_sshd,
    user_files,
    wait_for_namespace,
)
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend

DHCP_STATE = DEVCLOUD / ".devcloud" / "data" / "neutron" / "dhcp"
CLOUD = "devcloud-admin"
NETWORK = "demo-net"
IMAGE = "cirros-0.6.2-x86_64-disk"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: SSH through a real DHCP namespace to a real sshd")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def dhcp_devcloud() -> Iterator[Path]:
    """devcloud up with the real neutron-dhcp-agent (idempotent when already so)."""
    reason = can_use_namespaces()
    if reason:
        print(f"SSH e2e skipped: {reason}")
        pytest.skip(reason)
    ensure_packages()
    with devcloud_up("--with-dhcp") as clouds:
        yield clouds


@dataclass
class Vm:
    server: Server
    network_id: str
    ip: str
    namespace: VmNamespace
    sshd: Sshd
    hostname: str


@dataclass
class NodeLab:
    """A network node ("netnode1": an OpenSSH sshd as root on 127.0.0.1), the operator's
    ssh-agent holding the key it accepts, and the operator's HOME."""

    node: Sshd
    agent: Agent
    home: Path  # HOME for the app: ~/.ssh/known_hosts lives here
    base: Path
    client_key: Path
    keys: Path  # authorized_keys, one file per user

    def settings_document(self) -> dict[str, object]:
        """The settings file's tables that reach the network node."""
        node = {"host": "127.0.0.1", "port": self.node.port, "user": "root"}
        return {"clouds": {CLOUD: {"ssh": {"agent_hosts": {"netnode1": node}}}}}

    def seed_known_hosts(self) -> Path:
        path = self.home / ".ssh" / "known_hosts"
        path.write_text(f"[127.0.0.1]:{self.node.port} {self.node.host_key_line}\n")
        return path

    def forget_known_hosts(self) -> Path:
        path = self.home / ".ssh" / "known_hosts"
        path.write_text("")
        return path


def as_operator(lab: NodeLab, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator's environment: a HOME whose ~/.ssh the test owns, and the ssh-agent."""
    monkeypatch.setenv("HOME", str(lab.home))
    monkeypatch.setenv("SSH_AUTH_SOCK", str(lab.agent.socket))


@dataclass
class Lab(NodeLab):
    """The network node and a VM behind the DHCP namespace of its network."""

    vm: Vm


async def _first(backend: OpenStackBackend, pages: object, name: str) -> object:
    async for page in pages:  # type: ignore[attr-defined]
        for item in page:
            if item.name == name:
                return item
    raise LookupError(name)


async def _boot(backend: OpenStackBackend, name: str) -> tuple[Server, str]:
    network = await _first(backend, backend.networks(), NETWORK)
    image = await _first(backend, backend.images(), IMAGE)
    spec = BootSpec(name=name, flavor_id="1", image_id=image.id, network_ids=(network.id,))  # type: ignore[attr-defined]
    server = (await backend.create_servers(spec))[0]
    deadline = time.monotonic() + 120
    while server.status != "ACTIVE":
        if server.status == "ERROR" or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not become ACTIVE: {server.status}")
        await asyncio.sleep(0.5)
        server = await backend.server(server.id)
    return server, network.id  # type: ignore[attr-defined]


async def _delete(backend: OpenStackBackend, server_id: str) -> None:
    try:
        await backend.server_action(server_id, "delete")
    except NotFound:
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            await backend.server(server_id)
        except NotFound:
            return
        await asyncio.sleep(0.5)


async def _prefix_of(backend: OpenStackBackend, network_id: str) -> int:
    async for page in backend.subnets(network_id=network_id):
        for subnet in page:
            return int(subnet.cidr.split("/")[1])
    return 24


@pytest.fixture
async def network_node(dhcp_devcloud: Path) -> AsyncIterator[NodeLab]:
    base = Path(tempfile.mkdtemp(prefix="stackdeck-e2e-"))
    base.chmod(0o755)  # the VM user must reach its home and authorized_keys
    started: list[Sshd | Agent] = []
    try:
        client_key = base / "client_ed25519"
        public = keygen(client_key, "stackdeck-e2e")
        keys = base / "authorized_keys"
        keys.mkdir(mode=0o755)
        for user in ("root", "cirros"):
            (keys / user).write_text(public + "\n")
            (keys / user).chmod(0o644)
        agent = start_agent(base, client_key)
        started.append(agent)
        node = start_sshd(
            base,
            "netnode1",
            listen="127.0.0.1",
            port=free_port(),
            extra_config=f"PermitRootLogin prohibit-password\nAuthorizedKeysFile {keys}/%u\n",
        )
        started.append(node)
        app_home = base / "operator-home"
        (app_home / ".ssh").mkdir(parents=True, mode=0o700)
        yield NodeLab(node, agent, app_home, base, client_key, keys)
    finally:
        for process in reversed(started):
            process.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
async def lab(network_node: NodeLab) -> AsyncIterator[Lab]:
    base, keys = network_node.base, network_node.keys
    backend = OpenStackBackend(CLOUD)
    await backend.connect()
    vm_sshd: Sshd | None = None
    server_id = ""
    namespace: VmNamespace | None = None
    try:
        name = f"e2e-ssh-{os.getpid() % 100000}"
        server, network_id = await _boot(backend, name)
        server_id = server.id
        ports = [p async for page in backend.ports(device_id=server.id) for p in page]
        port = ports[0]
        ip = port.fixed_ips[0].ip_address
        wait_for_namespace(f"qdhcp-{network_id}")
        release_stale_lease(DHCP_STATE, network_id, ip, port.mac_address)
        namespace = VmNamespace.create(server.id, network_id, port.mac_address)
        namespace.dhcp(ip, await _prefix_of(backend, network_id))
        home = base / "home-cirros"
        home.mkdir(mode=0o755)
        os.chown(home, VM_UID, VM_UID)
        etc = user_files(base, "cirros", VM_UID, home)
        vm_sshd = start_sshd(
            base,
            "vm",
            listen="0.0.0.0",
            port=22,
            extra_config=f"PermitRootLogin no\nAuthorizedKeysFile {keys}/%u\n",
            namespace=namespace.name,
            etc=etc,
            hostname=name,
        )
        yield Lab(
            **{f.name: getattr(network_node, f.name) for f in fields(NodeLab)},
            vm=Vm(server, network_id, ip, namespace, vm_sshd, name),
        )
    finally:
        if vm_sshd is not None:
            vm_sshd.stop()
        if namespace is not None:
            namespace.delete()  # before the network: its bridge must empty out
        if server_id:
            await _delete(backend, server_id)
        await backend.close()
