"""Addresses typed into network forms: parsed and checked before anything is sent.

Each parser takes the text of one field and returns the value for the spec or raises
`BadValue` with a message for that field; `field_check` turns one into a form validator.
Lists are separated by commas (or new lines); a pool is ``START-END``, a route
``DESTINATION via NEXTHOP`` (``DESTINATION=NEXTHOP`` and ``DESTINATION,NEXTHOP`` pairs from
the CLI's ``destination=...,nexthop=...`` are accepted too), an allowed address pair
``IP_OR_CIDR [MAC]``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from tui.backend.ip_protocols import ICMP_PROTOCOLS, IP_PROTOCOLS, PORT_PROTOCOLS, protocol_number
from tui.backend.models.network_specs import Pair

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BadValue(ValueError):
    """What is wrong with a field's text, said for the operator."""


def _items(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def address(text: str, version: int | None = None) -> Address:
    try:
        found = ipaddress.ip_address(text.strip())
    except ValueError:
        raise BadValue(f"'{text.strip()}' is not an IPv4 or IPv6 address") from None
    if version is not None and found.version != version:
        raise BadValue(f"{found} is not an IPv{version} address")
    return found


def cidr(text: str, version: int | None = None) -> Network:
    """A network in CIDR form; host bits set are refused (Neutron would refuse them too)."""
    text = text.strip()
    if "/" not in text:
        raise BadValue(f"'{text}' needs a prefix length, e.g. {text}/24")
    try:
        found = ipaddress.ip_network(text)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise BadValue(f"'{text}' is not a CIDR such as 10.0.0.0/24 or fd00::/64") from None
        raise BadValue(f"'{text}' has host bits set: the network is {loose}") from None
    if version is not None and found.version != version:
        raise BadValue(f"{found} is not an IPv{version} network")
    return found


def pools(text: str, network: Network | None = None) -> tuple[Pair, ...]:
    """``START-END, ...``: each inside `network` when given, start <= end, no overlaps."""
    found: list[tuple[Address, Address]] = []
    for item in _items(text):
        start_text, sep, end_text = item.partition("-")
        if not sep:
            raise BadValue(f"'{item}' is not a pool: write START-END")
        start, end = address(start_text), address(end_text)
        if start.version != end.version:
            raise BadValue(f"{item}: the two ends are of different IP versions")
        if int(start) > int(end):
            raise BadValue(f"{item}: the start is after the end")
        if network is not None and not (start in network and end in network):
            raise BadValue(f"pool {start}-{end} is outside {network}")
        if network is not None and (reserved := _reserved_in(network, start, end)):
            raise BadValue(f"pool {start}-{end} holds {reserved} of {network}")
        for other_start, other_end in found:
            if int(start) <= int(other_end) and int(other_start) <= int(end):
                raise BadValue(f"pool {start}-{end} overlaps {other_start}-{other_end}")
        found.append((start, end))
    return tuple((str(start), str(end)) for start, end in found)


def _reserved_in(network: Network, start: Address, end: Address) -> str:
    """The address Neutron keeps out of every pool that a pool START-END holds, or ""."""
    if network.version == 4 and network.prefixlen > 30:
        return ""  # /31 and /32: every address is usable
    if int(start) <= int(network.network_address):
        return f"the network address {network.network_address}"
    if network.version == 4 and int(end) >= int(network.broadcast_address):
        return f"the broadcast address {network.broadcast_address}"
    return ""


def routes(text: str, version: int | None = None) -> tuple[Pair, ...]:
    """``DESTINATION via NEXTHOP, ...`` (or ``DESTINATION=NEXTHOP``) → (destination, nexthop)."""
    found: list[Pair] = []
    text = re.sub(r"destination=([^,\s]+)\s*,\s*nexthop=([^,\s]+)", r"\1 via \2", text)
    for item in _items(text):
        match = re.fullmatch(r"(\S+)\s+via\s+(\S+)|([^=\s]+)\s*=\s*(\S+)", item)
        if match is None:
            raise BadValue(f"'{item}' is not a route: write DESTINATION via NEXTHOP")
        destination_text = match.group(1) or match.group(3)
        nexthop_text = match.group(2) or match.group(4)
        destination = cidr(destination_text, version)
        nexthop = address(nexthop_text, destination.version)
        found.append((str(destination), str(nexthop)))
    return tuple(found)


def nameservers(text: str, version: int | None = None) -> tuple[str, ...]:
    found = [str(address(item, version)) for item in _items(text)]
    if len(set(found)) != len(found):
        raise BadValue("a name server is listed twice")
    return tuple(found)


def gateway(text: str, network: Network, pool_pairs: tuple[Pair, ...] = ()) -> str:
    """A gateway inside the subnet, not its network or broadcast address, outside the pools."""
    found = address(text, network.version)
    if found not in network:
        raise BadValue(f"gateway {found} is outside {network}")
    if found == network.network_address and network.prefixlen < network.max_prefixlen - 1:
        raise BadValue(f"{found} is the network address of {network}")
    if network.version == 4 and found == network.broadcast_address and network.prefixlen < 31:
        raise BadValue(f"{found} is the broadcast address of {network}")
    for start, end in pool_pairs:
        if int(address(start)) <= int(found) <= int(address(end)):
            raise BadValue(f"gateway {found} is inside the allocation pool {start}-{end}")
    return str(found)


_MAC = re.compile(r"[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}")


def mac(text: str) -> str:
    """A unicast MAC address, six hex pairs by ``:`` or ``-``; answered as Neutron writes it."""
    found = text.strip().lower()
    if not _MAC.fullmatch(found):
        raise BadValue(f"'{text.strip()}' is not a MAC address such as fa:16:3e:12:34:56")
    found = found.replace("-", ":")
    if int(found[:2], 16) & 1:
        raise BadValue(f"{found} is a multicast address: a port needs a unicast one")
    if found == "00:00:00:00:00:00":
        raise BadValue("00:00:00:00:00:00 is not a usable MAC address")
    return found


def address_or_cidr(text: str) -> str:
    """An address, or a network in CIDR form (host bits set are refused)."""
    return str(cidr(text) if "/" in text else address(text))


def address_pairs(text: str) -> tuple[Pair, ...]:
    """``IP_OR_CIDR[ MAC], ...`` → (ip or cidr, mac or ""): a port's allowed address pairs.
    ``ip_address=...,mac_address=...`` from the CLI is accepted too; no pair twice."""
    text = re.sub(
        r"ip_address=([^,\s]+)(?:\s*,\s*mac_address=([^,\s]+))?",
        lambda m: f"{m.group(1)} {m.group(2) or ''}".strip(),
        text,
    )
    found: list[Pair] = []
    for item in _items(text):
        parts = item.split()
        if len(parts) > 2:
            raise BadValue(f"'{item}' is not an address pair: write IP_OR_CIDR [MAC]")
        pair = (address_or_cidr(parts[0]), mac(parts[1]) if len(parts) == 2 else "")
        if pair in found:
            raise BadValue(f"{' '.join(pair).strip()} is listed twice")
        found.append(pair)
    return tuple(found)


def protocol(text: str) -> str:
    """A rule's protocol: a name Neutron knows (lower case) or a number 0-255; "" for any."""
    text = text.strip().lower()
    if text in ("", "any"):
        return ""
    if text.isdecimal() and text.isascii():
        if int(text) > 255:
            raise BadValue(f"protocol {int(text)} is not a number 0-255")
        return str(int(text))
    if text not in IP_PROTOCOLS:
        raise BadValue(f"'{text}' is not a protocol: a name such as tcp, udp, icmp or 0-255")
    return text


PortRange = tuple[int | None, int | None]


def _number(text: str, what: str, top: int, bottom: int = 0) -> int:
    text = text.strip()
    if not (text.isdecimal() and text.isascii()):
        raise BadValue(f"'{text}' is not a {what}: a whole number {bottom}-{top}")
    value = int(text)
    if not bottom <= value <= top:
        raise BadValue(f"{what} {value} is out of range: {bottom}-{top}")
    return value


def port_range(text: str, protocol_text: str = "tcp") -> PortRange:
    """The ports of a rule for `protocol_text`: ``22`` or ``8000-8080`` for TCP, UDP, SCTP,
    DCCP and UDPLITE; ``TYPE`` or ``TYPE/CODE`` for ICMP; nothing for any other protocol.
    Empty: every port (or every ICMP type)."""
    text = text.strip()
    if not text:
        return None, None
    number = protocol_number(protocol(protocol_text))
    if number in PORT_PROTOCOLS:
        low_text, sep, high_text = text.partition("-")
        low = _number(low_text, "port", 65535, 1)
        high = _number(high_text, "port", 65535, 1) if sep else low
        if low > high:
            raise BadValue(f"{text}: the first port is after the last")
        return low, high
    if number in ICMP_PROTOCOLS:
        type_text, sep, code_text = text.replace(":", "/").partition("/")
        icmp_type = _number(type_text, "ICMP type", 255)
        return icmp_type, _number(code_text, "ICMP code", 255) if sep else None
    shown = protocol_text.strip() or "any"
    raise BadValue(f"protocol {shown} has no ports: only TCP, UDP, SCTP, DCCP and UDPLITE do")


def field_check(parse: Callable[[str], Any]) -> Callable[[Any, dict[str, Any]], str | None]:
    """A form `Field.validate` from a parser of that field alone."""

    def check(value: Any, _values: dict[str, Any]) -> str | None:
        try:
            parse(str(value))
        except BadValue as error:
            return str(error)
        return None

    return check
