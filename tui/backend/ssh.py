"""SSH into a server: through its network's DHCP namespace on a network node, or straight
to its floating IP — planning (what will run where), validation and quoting, and the asyncssh
`TerminalSession` the terminal widget drives.

`s` plans a *namespace* hop: SSH to the network node hosting the network's DHCP agent, then
`ip netns exec qdhcp-<network_id> ssh <user>@<fixed ip>` there. `S` plans a *floating* hop:
SSH to the floating IP. The network node's host key is checked against known_hosts and an
unknown or changed key is put to the operator (`HostKeyPrompt`); the VM's key is not checked
on the inner hop (VM addresses are reused), which the UI states.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

import asyncssh

from tui.backend.errors import BackendError, Forbidden
from tui.backend.namespace_shell import in_namespace
from tui.backend.sessions import READ_SIZE, TERM
from tui.backend.ssh_config import Destination, SshSettings, user_for_image
from tui.backend.ssh_values import (
    InvalidValue,
    SshError,
    namespace_of,
    valid_ip,
    valid_network_id,
    valid_user,
)
from tui.text import safe

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.backend.models import Server

T = TypeVar("T")
Mode = Literal["namespace", "floating"]
Answer = Literal["once", "remember", "refuse"]

INNER_SSH_OPTIONS = (
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
)
CONNECT_TIMEOUT = 15.0


class HostKeyRefused(SshError):
    """The operator refused (or could not be asked about) the network node's host key."""


def namespace_command(network_id: str, vm_user: str, ip: str, node_user: str | None) -> str:
    """The exact remote command for the namespace hop, quoted from validated parts."""
    login = f"{valid_user(vm_user)}@{valid_ip(ip)}"
    argv = ["ssh", "-t", *INNER_SSH_OPTIONS, login]
    return in_namespace(namespace_of(network_id), argv, node_user)


# -- the plan ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """An address the server can be reached at."""

    ip: str
    network_id: str = ""
    network: str = ""

    @property
    def label(self) -> str:
        return f"{self.ip} ({self.network})" if self.network else self.ip


@dataclass(frozen=True, slots=True)
class SshTarget:
    """Exactly what a connection will do: where it logs in, as whom, and what it runs."""

    mode: Mode
    server_id: str
    server_name: str
    network_id: str
    ip: str
    user: str
    destination: Destination
    command: str | None  # None: the login shell (floating mode)

    @property
    def namespace(self) -> str:
        return namespace_of(self.network_id) if self.mode == "namespace" else ""

    @property
    def forward_agent(self) -> bool:
        # The network node's inner `ssh` needs the agent to log into the VM; a VM reached
        # directly by its floating IP does not get it.
        return self.mode == "namespace"

    @property
    def title(self) -> str:
        return f"{self.user}@{self.ip}"

    @property
    def summary(self) -> str:
        if self.mode == "floating":
            return f"{self.user}@{self.ip} (floating IP, direct)"
        return f"{self.user}@{self.ip} via {self.destination.label}, namespace {self.namespace}"


@dataclass(frozen=True, slots=True)
class SshPlan:
    """What `s`/`S` found out about a server, before the operator confirms the details."""

    mode: Mode
    server_id: str
    server_name: str
    candidates: tuple[Candidate, ...]
    user: str
    destinations: Mapping[str, tuple[Destination, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    refused: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # network id → why

    def destinations_for(self, ip: str) -> tuple[Destination, ...]:
        candidate = self.candidate(ip)
        return self.destinations.get(candidate.network_id, ()) if candidate else ()

    def candidate(self, ip: str) -> Candidate | None:
        return next((c for c in self.candidates if c.ip == ip), None)

    def target(self, ip: str = "", user: str = "", via: str = "") -> SshTarget:
        """Validate the operator's choices and build the target (raises InvalidValue)."""
        ip = valid_ip(ip or self.candidates[0].ip)
        user = valid_user(user or self.user)
        candidate = self.candidate(ip)
        if candidate is None:
            raise InvalidValue(
                f"{ip} is not an address of {self.server_name}", operation="plan SSH"
            )
        if self.mode == "floating":
            direct = Destination(name=ip, host=ip, user=user)
            return SshTarget(
                self.mode, self.server_id, self.server_name, "", ip, user, direct, None
            )
        choices = self.destinations_for(ip)
        destination = next((d for d in choices if d.name == via), choices[0] if choices else None)
        if destination is None and self.refused.get(candidate.network_id):
            why = "; ".join(self.refused[candidate.network_id])
            raise InvalidValue(f"No usable network node for {ip}: {why}", operation="plan SSH")
        if destination is None:
            raise SshError(
                f"No network node is known for the network of {ip}: Neutron lists no DHCP "
                "agent and no network_nodes are configured for this cloud",
                operation="plan SSH",
            )
        command = namespace_command(candidate.network_id, user, ip, destination.user)
        return SshTarget(
            self.mode,
            self.server_id,
            self.server_name,
            candidate.network_id,
            ip,
            user,
            destination,
            command,
        )


async def _collect(pages: Any) -> list[Any]:
    return [item async for page in pages for item in page]


async def vm_user(
    backend: Backend, server: Server, settings: SshSettings
) -> tuple[str, tuple[str, ...]]:
    """The login user for the server's image: its os_admin_user, else by image name; and
    why the image's own answer was refused, if it was."""
    embedded = server.raw.get("image") if isinstance(server.raw.get("image"), Mapping) else {}
    properties = dict(embedded.get("properties") or {}) if embedded else {}
    name = ""
    if server.image:
        with contextlib.suppress(BackendError):
            image = await backend.image(server.image)
            name = image.name
            properties = {**image.raw, **properties}
    try:
        return user_for_image(settings, name, properties), ()
    except InvalidValue as exc:
        return user_for_image(settings, name), (f"{exc.message}: the image name decides",)


def _usable(items: Iterable[Any], check: Callable[[Any], T]) -> tuple[list[T], list[str]]:
    """The items that pass `check`, and why the others were refused."""
    kept: list[T] = []
    why: list[str] = []
    for item in items:
        try:
            kept.append(check(item))
        except InvalidValue as exc:
            why.append(exc.message)
    return kept, why


def _checked_candidate(candidate: Candidate) -> Candidate:
    network_id = candidate.network_id and valid_network_id(candidate.network_id)
    return replace(candidate, ip=valid_ip(candidate.ip, "address"), network_id=network_id)


def _candidates(server: Server, found: Iterable[Candidate], kind: str) -> list[Candidate]:
    candidates, why = _usable(found, _checked_candidate)
    if why and not candidates:
        raise InvalidValue(
            f"{server.name} has no usable {kind}: {'; '.join(why)}", operation="plan SSH"
        )
    if not candidates:
        raise SshError(f"{server.name} has no {kind}", operation="plan SSH")
    return candidates


async def plan(
    backend: Backend, server: Server, mode: Mode, settings: SshSettings, cloud: str
) -> SshPlan:
    """Find out how to reach a server: its addresses, the network nodes, the VM user."""
    user, user_notes = await vm_user(backend, server, settings)
    if mode == "floating":
        found = (Candidate(a.addr, network=a.network) for a in server.floating_ips)
        candidates = _candidates(server, found, "floating IP")
        return SshPlan(mode, server.id, server.name, tuple(candidates), user, notes=user_notes)
    ports = await _collect(backend.ports(device_id=server.id))
    names = {a.addr: a.network for a in server.fixed_ips}
    candidates = _candidates(
        server,
        (
            Candidate(ip.ip_address, port.network_id, names.get(ip.ip_address, ""))
            for port in ports
            for ip in port.fixed_ips
        ),
        "fixed IP on any port",
    )
    destinations: dict[str, tuple[Destination, ...]] = {}
    refused: dict[str, tuple[str, ...]] = {}
    notes: list[str] = list(user_notes)
    cloud_ssh = settings.cloud(cloud)
    for network_id in dict.fromkeys(c.network_id for c in candidates):
        hosts, note = await _agent_hosts(backend, network_id, cloud_ssh.network_nodes)
        usable, why = _usable(hosts, cloud_ssh.destination)
        destinations[network_id], refused[network_id] = tuple(usable), tuple(why)
        notes.extend([note, *why] if note else why)
    return SshPlan(
        mode, server.id, server.name, tuple(candidates), user, destinations, tuple(notes), refused
    )


async def _agent_hosts(
    backend: Backend, network_id: str, fallback: Sequence[str]
) -> tuple[list[str], str]:
    try:
        hosts = await backend.dhcp_agent_hosts(network_id)
    except Forbidden:
        return list(fallback), "Listing DHCP agents needs admin: using the configured network nodes"
    if hosts:
        return hosts, ""
    return list(fallback), "Neutron lists no DHCP agent: using the configured network nodes"


# -- host keys --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostKeyQuestion:
    """What the operator is asked about an unknown or changed host key."""

    host: str
    port: int
    algorithm: str
    fingerprint: str  # "SHA256:..."
    changed: bool
    known_hosts: str

    @property
    def where(self) -> str:
        return self.host if self.port in (0, 22) else f"[{self.host}]:{self.port}"


HostKeyPrompt = Callable[[HostKeyQuestion], Awaitable[Answer]]


def default_known_hosts() -> Path:
    return Path("~", ".ssh", "known_hosts").expanduser()


def known_hosts_line(host: str, port: int, key: asyncssh.SSHKey) -> str:
    where = host if port in (0, 22) else f"[{host}]:{port}"
    algorithm, data = key.export_public_key("openssh").decode().split()[:2]
    return f"{where} {algorithm} {data}\n"


def remember_host_key(path: Path, host: str, port: int, key: asyncssh.SSHKey) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with path.open("a", encoding="ascii") as file:
        file.write(known_hosts_line(host, port, key))


def _has_known_key(path: Path, host: str, addr: str, port: int) -> bool:
    if not path.is_file():
        return False
    try:
        trusted = asyncssh.read_known_hosts(str(path)).match(host, addr, port)[0]
    except (OSError, ValueError, asyncssh.Error):
        return False
    return bool(trusted)


class _HostKeyClient(asyncssh.SSHClient):
    """Trusts keys the operator accepted for this connection; records any other it is shown."""

    def __init__(self, accepted: list[bytes]) -> None:
        self.accepted = accepted
        self.offered: tuple[str, str, int, asyncssh.SSHKey] | None = None

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        if key.public_data in self.accepted:
            return True
        self.offered = (host, addr, port, key)
        return False


# -- the session ------------------------------------------------------------------------


def _connect_options(destination: Destination, options: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "agent_forwarding": True,
        "connect_timeout": CONNECT_TIMEOUT,
        **options,
    }
    if destination.port:
        kwargs["port"] = destination.port
    if destination.user:
        kwargs["username"] = destination.user
    return kwargs


async def connect(
    destination: Destination,
    prompt: HostKeyPrompt | None,
    options: Mapping[str, Any] | None = None,
) -> asyncssh.SSHClientConnection:
    """Log into `destination`, asking `prompt` about a host key known_hosts does not vouch for.

    Every part of the destination passes its grammar first (InvalidValue otherwise) and goes
    to asyncssh as its own argument; a jump host is connected to the same way and tunnelled
    through, never handed over as a string to parse.
    """
    jump = destination.checked().jump_host()
    tunnel = None
    if jump is not None:
        hop = Destination(name=jump.host, host=jump.host, port=jump.port, user=jump.user)
        tunnel = await connect(hop, prompt, {**(options or {}), "agent_forwarding": False})
    try:
        connection = await _connect_checked(destination, prompt, options or {}, tunnel)
    except BaseException:
        if tunnel is not None:
            tunnel.close()
        raise
    if tunnel is not None:
        connection.set_tunnel(tunnel)  # closed with the connection
    return connection


async def _connect_checked(
    destination: Destination,
    prompt: HostKeyPrompt | None,
    options: Mapping[str, Any],
    tunnel: asyncssh.SSHClientConnection | None,
) -> asyncssh.SSHClientConnection:
    kwargs = _connect_options(destination, options)
    if tunnel is not None:
        kwargs["tunnel"] = tunnel
    accepted: list[bytes] = []
    while True:
        client = _HostKeyClient(accepted)
        try:
            return await asyncssh.connect(
                destination.host, client_factory=lambda c=client: c, **kwargs
            )
        except asyncssh.HostKeyNotVerifiable as exc:
            if client.offered is None or client.offered[3].public_data in accepted:
                raise _connect_error(destination, exc) from None
            await _ask(client.offered, prompt, kwargs.get("known_hosts"), accepted)
        except (OSError, ValueError, asyncssh.Error) as exc:  # ValueError: a bad ssh config
            raise _connect_error(destination, exc) from None


async def _ask(
    offered: tuple[str, str, int, asyncssh.SSHKey],
    prompt: HostKeyPrompt | None,
    known_hosts: Any,
    accepted: list[bytes],
) -> None:
    host, addr, port, key = offered
    path = (
        Path(known_hosts) if isinstance(known_hosts, str | os.PathLike) else default_known_hosts()
    )
    question = HostKeyQuestion(
        host=safe(host),
        port=port,
        algorithm=safe(key.get_algorithm()),
        fingerprint=safe(key.get_fingerprint("sha256")),
        changed=_has_known_key(path, host, addr, port),
        known_hosts=str(path),
    )
    answer: Answer = "refuse" if prompt is None else await prompt(question)
    if answer == "refuse":
        raise HostKeyRefused(
            f"Host key of {question.where} ({question.algorithm} {question.fingerprint}) "
            "was not accepted",
            operation="SSH",
        )
    if answer == "remember":
        try:
            remember_host_key(path, host, port, key)
        except OSError as exc:
            raise SshError(f"Cannot write {path}: {exc.strerror}", operation="SSH") from None
    accepted.append(key.public_data)


def _connect_error(destination: Destination, exc: BaseException) -> SshError:
    """What went wrong, as a message; any text the server sent is made safe here."""
    where = safe(destination.label)
    if isinstance(exc, asyncssh.PermissionDenied):
        return SshError(f"{where}: permission denied (check your agent/keys)", operation="SSH")
    if isinstance(exc, asyncssh.DisconnectError):
        return SshError(f"{where}: {safe(exc.reason)}", operation="SSH")
    if isinstance(exc, TimeoutError):
        return SshError(f"{where}: connection timed out", operation="SSH")
    if isinstance(exc, OSError):
        return SshError(f"{where}: {safe(exc.strerror or str(exc))}", operation="SSH")
    return SshError(f"{where}: {safe(str(exc))}", operation="SSH")


class Target(Protocol):
    """What a connection needs: a server's SSH target, a namespace shell's."""

    @property
    def destination(self) -> Destination: ...
    @property
    def command(self) -> str | None: ...  # None: the login shell
    @property
    def forward_agent(self) -> bool: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...


class SshSession:
    """A remote program over asyncssh, as a `TerminalSession`."""

    def __init__(
        self,
        connection: asyncssh.SSHClientConnection,
        process: asyncssh.SSHClientProcess[bytes],
        title: str,
    ) -> None:
        self.title = title
        self._connection = connection
        self._process = process
        self._closed = False

    @classmethod
    async def open(
        cls,
        target: Target,
        cols: int,
        rows: int,
        *,
        prompt: HostKeyPrompt | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> SshSession:
        """Connect for `target` and start its command (or login shell) in a remote PTY."""
        forwarding = {"agent_forwarding": target.forward_agent, **(options or {})}
        connection = await connect(target.destination, prompt, forwarding)
        try:
            process = await connection.create_process(
                target.command,
                term_type=TERM,
                term_size=(cols, rows),
                encoding=None,
            )
        except (OSError, ValueError, asyncssh.Error) as exc:
            connection.close()
            raise _connect_error(target.destination, exc) from None
        return cls(connection, process, title=target.title)

    @property
    def exit_status(self) -> int | None:
        return self._process.exit_status

    async def read(self) -> bytes:
        if self._closed:
            return b""
        try:
            data = await self._process.stdout.read(READ_SIZE)
        except (OSError, asyncssh.Error):
            return b""
        return data if isinstance(data, bytes) else data.encode()

    def write(self, data: bytes) -> None:
        if not self._closed and data:
            with contextlib.suppress(OSError, asyncssh.Error, BrokenPipeError):
                self._process.stdin.write(data)

    def resize(self, cols: int, rows: int) -> None:
        if not self._closed and cols > 0 and rows > 0:
            with contextlib.suppress(OSError, asyncssh.Error):
                self._process.change_terminal_size(cols, rows)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._process.close()
        self._connection.close()
        with contextlib.suppress(OSError, asyncssh.Error):
            await self._connection.wait_closed()


Connector = Callable[[Target, int, int, HostKeyPrompt | None], Awaitable[Any]]


async def open_session(
    target: Target, cols: int, rows: int, prompt: HostKeyPrompt | None
) -> SshSession:
    """The default connector: a real SSH session (`~/.ssh/config` and the agent apply)."""
    return await SshSession.open(target, cols, rows, prompt=prompt)
