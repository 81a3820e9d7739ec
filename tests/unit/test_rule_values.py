"""A security group rule's protocol and ports, as typed: each mistake named before sending."""

from __future__ import annotations

import pytest

from tui.net_values import BadValue, port_range, protocol


@pytest.mark.parametrize(
    ("text", "value"),
    [("TCP", "tcp"), (" icmp ", "icmp"), ("ipv6-icmp", "ipv6-icmp"), ("47", "47"), ("0", "0")],
)
def test_a_protocol_is_a_neutron_name_or_a_number(text: str, value: str) -> None:
    assert protocol(text) == value


@pytest.mark.parametrize("text", ["", "any", "ANY"])
def test_any_protocol_is_no_protocol(text: str) -> None:
    assert protocol(text) == ""


@pytest.mark.parametrize(
    ("text", "said"),
    [("256", "not a number 0-255"), ("ftp", "'ftp' is not a protocol"), ("-1", "not a protocol")],
)
def test_a_bad_protocol_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        protocol(text)


@pytest.mark.parametrize(
    ("text", "proto", "ports"),
    [
        ("22", "tcp", (22, 22)),
        ("8000-8080", "udp", (8000, 8080)),
        ("", "tcp", (None, None)),
        ("8", "icmp", (8, None)),
        ("8/0", "icmp", (8, 0)),
        ("128:0", "ipv6-icmp", (128, 0)),
        ("", "gre", (None, None)),
        ("5000", "132", (5000, 5000)),
    ],
)
def test_ports_or_icmp_type_and_code(text: str, proto: str, ports: tuple[int, int]) -> None:
    assert port_range(text, proto) == ports


@pytest.mark.parametrize(
    ("text", "proto", "said"),
    [
        ("70000", "tcp", "port 70000 is out of range: 1-65535"),
        ("0", "tcp", "port 0 is out of range"),
        ("443-80", "tcp", "the first port is after the last"),
        ("http", "tcp", "'http' is not a port"),
        ("22", "gre", "protocol gre has no ports"),
        ("22", "", "protocol any has no ports"),
        ("256", "icmp", "ICMP type 256 is out of range: 0-255"),
        ("8/300", "icmp", "ICMP code 300 is out of range"),
        ("٣", "tcp", "is not a port"),
    ],
)
def test_bad_ports_say_what_is_wrong(text: str, proto: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        port_range(text, proto)
