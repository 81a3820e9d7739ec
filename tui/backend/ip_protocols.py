"""The IP protocols a Neutron security group rule names, by name or by number."""

from __future__ import annotations

# Neutron's names for IP protocols in a security group rule, with their numbers
# (neutron_lib's IP_PROTOCOL_MAP); "any" is no protocol at all.
IP_PROTOCOLS: dict[str, int] = {
    "ah": 51,
    "dccp": 33,
    "egp": 8,
    "esp": 50,
    "gre": 47,
    "hopopt": 0,
    "icmp": 1,
    "igmp": 2,
    "ip": 0,
    "ipip": 4,
    "ipv6-encap": 41,
    "ipv6-frag": 44,
    "ipv6-icmp": 58,
    "icmpv6": 58,
    "ipv6-nonxt": 59,
    "ipv6-opts": 60,
    "ipv6-route": 43,
    "ospf": 89,
    "pgm": 113,
    "rsvp": 46,
    "sctp": 132,
    "tcp": 6,
    "udp": 17,
    "udplite": 136,
    "vrrp": 112,
}
# the protocols whose rules take a port range, and those whose take an ICMP type and code
PORT_PROTOCOLS = frozenset({6, 17, 33, 132, 136})
ICMP_PROTOCOLS = frozenset({1, 58})


def protocol_number(protocol: str) -> int | None:
    """A rule's protocol (a name Neutron knows or a number) as its number; None: any."""
    if not protocol or protocol == "any":
        return None
    if protocol.isdigit():
        return int(protocol)
    return IP_PROTOCOLS.get(protocol.lower())
