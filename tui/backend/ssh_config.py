"""stackdeck's SSH settings, parsed from the TOML settings (pure functions, no I/O).

```toml
[ssh.users]                       # VM user by image name (glob, case-insensitive), first wins
"*windows*" = "admin"

[clouds.mycloud.ssh]
network_nodes = ["net1", "net2"]  # used when Neutron names no DHCP agent for the network

[clouds.mycloud.ssh.agent_hosts.net1]   # DHCP agent host -> how to reach it over SSH
host = "net1.mgmt.example.org"
port = 22
user = "root"
jump = "ops@bastion.example.org"
```

An agent host without an entry is reached by its own name, so `~/.ssh/config` decides.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.backend.errors import ConfigError
from tui.backend.ssh_values import (
    InvalidValue,
    Jump,
    shown,
    valid_host,
    valid_jump,
    valid_port,
    valid_user,
)
from tui.text import is_clean

# Image-name patterns → the cloud image's default user; the operator's [ssh.users] come first.
DEFAULT_USERS: tuple[tuple[str, str], ...] = (
    ("*cirros*", "cirros"),
    ("*ubuntu*", "ubuntu"),
    ("*centos*", "centos"),
    ("*rocky*", "cloud-user"),
    ("*alma*", "cloud-user"),
    ("*rhel*", "cloud-user"),
    ("*debian*", "debian"),
    ("*fedora*", "fedora"),
)
IMAGE_USER_PROPERTY = "os_admin_user"


@dataclass(frozen=True, slots=True)
class Destination:
    """How to reach a network node (or a VM's floating IP) with SSH.

    `name` is what Neutron calls the agent host; `user`/`port` None leave them to
    `~/.ssh/config` (and then the defaults).
    """

    name: str
    host: str
    port: int | None = None
    user: str | None = None
    jump: str | None = None

    @property
    def label(self) -> str:
        where = f"{self.user}@{self.host}" if self.user else self.host
        if self.port:
            where += f":{self.port}"
        if self.host != self.name:
            where = f"{self.name} ({where})"
        return where + (f" via {self.jump}" if self.jump else "")

    def checked(self, where: str = "") -> Destination:
        """This destination, once every part has passed its grammar (else InvalidValue).

        `where` names the settings table it came from, for the refusal message.
        """
        prefix = f"{where}." if where else ""
        valid_host(self.host, f"{prefix}host")
        if self.port is not None:
            valid_port(self.port, f"{prefix}port")
        if self.user is not None:
            valid_user(self.user, f"{prefix}user")
        if self.jump is not None:
            valid_jump(self.jump, f"{prefix}jump")
        return self

    def jump_host(self) -> Jump | None:
        """The jump host, parsed into its parts (else InvalidValue)."""
        return None if self.jump is None else valid_jump(self.jump, "jump")


@dataclass(frozen=True, slots=True)
class CloudSsh:
    """One cloud's SSH settings."""

    network_nodes: tuple[str, ...] = ()
    agent_hosts: Mapping[str, Destination] | None = None

    def destination(self, agent_host: str) -> Destination:
        """How to reach the DHCP agent host Neutron names (InvalidValue for a hostile name)."""
        configured = (self.agent_hosts or {}).get(agent_host)
        if configured is not None:
            return configured
        return Destination(name=agent_host, host=valid_host(agent_host, "DHCP agent host"))


@dataclass(frozen=True, slots=True)
class SshSettings:
    users: tuple[tuple[str, str], ...] = DEFAULT_USERS
    clouds: Mapping[str, CloudSsh] | None = None

    def cloud(self, name: str) -> CloudSsh:
        return (self.clouds or {}).get(name) or CloudSsh()


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"settings: [{where}] must be a table", operation="read SSH settings")
    return value


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"settings: {where} must be text", operation="read SSH settings")
    return value.strip()


def _config_error(exc: InvalidValue) -> ConfigError:
    return ConfigError(f"settings: {exc.message}", operation="read SSH settings")


def parse_destination(name: str, table: Mapping[str, Any], where: str) -> Destination:
    port = table.get("port")
    if port is not None and (not isinstance(port, int) or isinstance(port, bool)):
        raise ConfigError(f"settings: {where}.port must be a number", operation="read SSH settings")
    destination = Destination(
        name=name,
        host=_text(table.get("host"), f"{where}.host") or name,
        port=port,
        user=_text(table.get("user"), f"{where}.user"),
        jump=_text(table.get("jump"), f"{where}.jump"),
    )
    try:
        return destination.checked(where)
    except InvalidValue as exc:
        raise _config_error(exc) from None


def parse_cloud(name: str, table: Mapping[str, Any]) -> CloudSsh:
    where = f"clouds.{name}.ssh"
    nodes = table.get("network_nodes") or ()
    if isinstance(nodes, str) or not all(isinstance(n, str) and n for n in nodes):
        raise ConfigError(
            f"settings: {where}.network_nodes must be a list of host names",
            operation="read SSH settings",
        )
    try:
        for node in nodes:
            valid_host(node, f"{where}.network_nodes entry")
    except InvalidValue as exc:
        raise _config_error(exc) from None
    hosts = _table(table.get("agent_hosts"), f"{where}.agent_hosts")
    for host in hosts:
        if not is_clean(host):
            raise ConfigError(
                f"settings: {where}.agent_hosts key '{shown(host)}' contains control characters",
                operation="read SSH settings",
            )
    return CloudSsh(
        network_nodes=tuple(nodes),
        agent_hosts={
            host: parse_destination(
                host, _table(t, f"{where}.agent_hosts.{host}"), f"{where}.agent_hosts.{host}"
            )
            for host, t in hosts.items()
        },
    )


def parse_ssh_settings(extra: Mapping[str, Any]) -> SshSettings:
    """SSH settings from `Settings.extra` (the TOML tables stackdeck's core does not know)."""
    users = _table(_table(extra.get("ssh"), "ssh").get("users"), "ssh.users")
    try:
        mine = tuple(
            (str(p), valid_user(u, f"settings: ssh.users.{shown(str(p))}"))
            for p, u in users.items()
        )
    except InvalidValue as exc:
        raise ConfigError(exc.message, operation="read SSH settings") from None
    clouds = {
        name: parse_cloud(
            name, _table(_table(table, f"clouds.{name}").get("ssh"), f"clouds.{name}.ssh")
        )
        for name, table in _table(extra.get("clouds"), "clouds").items()
    }
    return SshSettings(users=mine + DEFAULT_USERS, clouds=clouds)


def user_for_image(
    settings: SshSettings, image_name: str, properties: Mapping[str, Any] | None = None
) -> str:
    """The VM's login user: the image's `os_admin_user`, else the first matching pattern.

    The property is the image owner's to set: one that is not a user name is refused
    (InvalidValue), never put on a command line.
    """
    declared = (properties or {}).get(IMAGE_USER_PROPERTY)
    if isinstance(declared, str) and declared.strip():
        return valid_user(declared.strip(), f"image property {IMAGE_USER_PROPERTY}")
    name = image_name.lower()
    for pattern, user in settings.users:
        if fnmatch.fnmatchcase(name, pattern.lower()):
            return user
    return ""
