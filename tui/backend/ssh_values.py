"""The grammar of every value that goes into an SSH connection or a remote command line.

Host names come from Neutron (a DHCP agent's host), from the settings and from the operator;
a host name like ``net1:22 -oProxyCommand=… x`` or ``%d`` must never reach ssh, whose
``ProxyCommand`` expands ``%h`` and runs through a shell. Each kind of value is checked
against its grammar here, once, and refused with a message that names the value (made safe
to show) and why. Nothing here imports asyncssh: the forms use it too.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, NamedTuple

from tui.backend.errors import BackendError
from tui.text import is_clean, safe

HOST_MAX = 253
LABEL_MAX = 63
SHOWN_MAX = 60
USER_RE = re.compile(r"[a-z_][a-z0-9_.-]{0,31}")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The namespaces Neutron's DHCP and L3 agents make: a shell is opened in these only.
NAMESPACE_RE = re.compile(rf"(?:qdhcp|qrouter)-{UUID_RE.pattern}")
LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
PORT_RE = re.compile(r"[0-9]{1,5}")


class SshError(BackendError):
    """An SSH connection could not be planned, made or kept."""


class InvalidValue(SshError):
    """A value that would go into an SSH connection or a remote command line is refused."""


class Jump(NamedTuple):
    """A jump host, parsed: each part goes to the SSH client as its own argument."""

    host: str
    port: int | None
    user: str | None


def shown(value: object) -> str:
    """`value` as a refusal message quotes it: control characters visible, long ones cut."""
    text = safe(value if isinstance(value, str) else repr(value))
    if len(text) > SHOWN_MAX:
        return f"{text[:SHOWN_MAX]}… ({len(text)} characters)"
    return text


def refuse(what: str, value: object, why: str) -> InvalidValue:
    return InvalidValue(f"{what} '{shown(value)}' refused: {why}", operation="plan SSH")


def _common_problem(value: object) -> str | None:
    """What makes `value` unusable as any SSH value, whatever its kind."""
    if not isinstance(value, str):
        return "it is not text"
    if not value:
        return "it is empty"
    if not is_clean(value) or "\n" in value or "\t" in value:
        return "it contains control characters"
    if any(c.isspace() for c in value):
        return "it contains a space"
    if value.startswith("-"):
        return "it starts with '-' (ssh would read it as an option)"
    if "%" in value:
        return "it contains '%' (ssh would expand it as a token)"
    return None


def valid_host(value: Any, what: str = "host") -> str:
    """An RFC 1123 host name, an IPv4 address or an IPv6 literal (no zone id, no brackets)."""
    problem = _common_problem(value)
    if problem:
        raise refuse(what, value, problem)
    assert isinstance(value, str)  # _common_problem refused anything else
    if len(value) > HOST_MAX:
        raise refuse(what, value, f"it is {len(value)} characters long (at most {HOST_MAX})")
    if ":" in value:
        try:
            return str(ipaddress.IPv6Address(value))
        except ValueError:
            raise refuse(what, value, "it contains ':' but is not an IPv6 address") from None
    labels = value.removesuffix(".").split(".")
    for label in labels:
        if not label:
            raise refuse(what, value, "it has an empty label ('..' or a leading '.')")
        if len(label) > LABEL_MAX:
            raise refuse(what, value, f"a label is longer than {LABEL_MAX} characters")
        if not LABEL_RE.fullmatch(label):
            bad = next((c for c in label if not (c.isascii() and (c.isalnum() or c == "-"))), "")
            why = f"it contains '{shown(bad)}'" if bad else "a label starts or ends with '-'"
            raise refuse(what, value, f"{why} (RFC 1123: letters, digits, '-' and '.')")
    if labels[-1].isdigit():
        try:
            return str(ipaddress.IPv4Address(value))
        except ValueError:
            raise refuse(what, value, "it is neither a host name nor an IPv4 address") from None
    return value


def valid_port(value: Any, what: str = "port") -> int:
    """A TCP port, 1-65535: an int, or ASCII digits (never '٣' read as 3)."""
    if isinstance(value, str) and PORT_RE.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise refuse(what, value, "it is not a whole number")
    if not 0 < value < 65536:
        raise refuse(what, value, "it is out of range (1-65535)")
    return value


def valid_user(value: Any, what: str = "user name") -> str:
    """A login name as useradd takes it: ^[a-z_][a-z0-9_.-]{0,31}$."""
    problem = _common_problem(value)
    if problem:
        raise refuse(what, value, problem)
    assert isinstance(value, str)  # _common_problem refused anything else
    if not USER_RE.fullmatch(value):
        raise refuse(
            what, value, "use lower-case letters, digits, _ . - (starting with a letter or _), ≤ 32"
        )
    return value


def valid_jump(value: Any, what: str = "jump host") -> Jump:
    """``[user@]host[:port]`` (``[v6]:port`` for an IPv6 literal with a port), one hop."""
    problem = _common_problem(value)
    if problem:
        raise refuse(what, value, problem)
    if "," in value:
        raise refuse(what, value, "only one jump host is supported (use ProxyJump for more)")
    user, at, rest = value.rpartition("@")
    port: str | None = None
    if rest.startswith("["):
        host, closed, tail = rest[1:].partition("]")
        if not closed or (tail and not tail.startswith(":")):
            raise refuse(what, value, "expected [user@]host[:port] or [user@][IPv6]:port")
        port = tail[1:] if tail else None
    elif rest.count(":") == 1:
        host, port = rest.split(":")
    else:
        host = rest  # a name, or an IPv6 literal without a port
    part = f"{what} '{shown(value)}':"
    return Jump(
        host=valid_host(host, f"{part} host"),
        port=None if port is None else valid_port(port, f"{part} port"),
        user=valid_user(user, f"{part} user") if at else None,
    )


def valid_ip(value: Any, what: str = "IP address") -> str:
    """An IPv4/IPv6 address in its canonical form (no zone id, no spaces)."""
    problem = _common_problem(value)
    if problem:
        raise refuse(what, value, problem)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise refuse(what, value, "it is not an IPv4 or IPv6 address") from None


def valid_network_id(value: Any, what: str = "network id") -> str:
    """A Neutron id (a network's, a router's): a lower-case UUID."""
    if not isinstance(value, str) or not UUID_RE.fullmatch(value):
        raise refuse(what, value, "it is not a lower-case UUID")
    return value


def namespace_of(network_id: str) -> str:
    """The DHCP namespace of a network: ``qdhcp-<uuid>``."""
    return f"qdhcp-{valid_network_id(network_id)}"


def router_namespace_of(router_id: str) -> str:
    """The L3 agent's namespace of a router: ``qrouter-<uuid>``."""
    return f"qrouter-{valid_network_id(router_id, 'router id')}"


def valid_namespace(value: Any, what: str = "namespace") -> str:
    """A DHCP or router namespace name: ``qdhcp-<uuid>`` or ``qrouter-<uuid>``, nothing else."""
    if not isinstance(value, str) or not NAMESPACE_RE.fullmatch(value):
        raise refuse(what, value, "only qdhcp-<network id> or qrouter-<router id> (lower-case)")
    return value
