"""stackdeck's SSH settings (no I/O): the `[ssh.users]` and `[clouds.NAME.ssh]` tables of the
settings file, as tui/config.py reads and checks them (their keys and docs: SSH_TABLES there,
or `stackdeck config --defaults`).

An agent host without an entry is reached by its own name, so `~/.ssh/config` decides.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.backend.ssh_values import (
    Jump,
    valid_host,
    valid_jump,
    valid_port,
    valid_user,
)

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

    def destination(self, agent_host: str, what: str = "DHCP agent host") -> Destination:
        """How to reach the agent host Neutron names (InvalidValue for a hostile name)."""
        configured = (self.agent_hosts or {}).get(agent_host)
        if configured is not None:
            return configured
        return Destination(name=agent_host, host=valid_host(agent_host, what))


@dataclass(frozen=True, slots=True)
class SshSettings:
    users: tuple[tuple[str, str], ...] = DEFAULT_USERS
    clouds: Mapping[str, CloudSsh] | None = None

    def cloud(self, name: str) -> CloudSsh:
        return (self.clouds or {}).get(name) or CloudSsh()


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
