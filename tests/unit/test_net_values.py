"""Addresses typed into network forms: each mistake is named before anything is sent."""

from __future__ import annotations

import ipaddress

import pytest

from tui.net_values import BadValue, cidr, field_check, gateway, nameservers, pools, routes

NET = ipaddress.ip_network("10.0.0.0/24")


def test_a_cidr_is_a_network_with_its_prefix() -> None:
    assert str(cidr("10.0.0.0/24")) == "10.0.0.0/24"
    assert str(cidr("fd00::/64", 6)) == "fd00::/64"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("10.0.0.0", "needs a prefix length"),
        ("10.0.0.5/24", "host bits set: the network is 10.0.0.0/24"),
        ("10.0.0.0/33", "is not a CIDR"),
        ("net/24", "is not a CIDR"),
    ],
)
def test_a_bad_cidr_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        cidr(text)


def test_a_cidr_of_the_other_ip_version_is_refused() -> None:
    with pytest.raises(BadValue, match="not an IPv6 network"):
        cidr("10.0.0.0/24", 6)


def test_pools_are_ranges_inside_the_subnet() -> None:
    assert pools("10.0.0.10-10.0.0.20, 10.0.0.30-10.0.0.40", NET) == (
        ("10.0.0.10", "10.0.0.20"),
        ("10.0.0.30", "10.0.0.40"),
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("10.0.1.10-10.0.1.20", "outside 10.0.0.0/24"),
        ("10.0.0.20-10.0.0.10", "start is after the end"),
        ("10.0.0.10", "write START-END"),
        ("10.0.0.10-10.0.0.20, 10.0.0.15-10.0.0.30", "overlaps"),
        ("10.0.0.x-10.0.0.20", "not an IPv4 or IPv6 address"),
    ],
)
def test_a_bad_pool_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        pools(text, NET)


def test_routes_take_the_forms_operators_type() -> None:
    expected = (("192.168.0.0/16", "10.0.0.1"),)
    assert routes("192.168.0.0/16 via 10.0.0.1") == expected
    assert routes("192.168.0.0/16=10.0.0.1") == expected
    assert routes("destination=192.168.0.0/16,nexthop=10.0.0.1") == expected


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("192.168.0.0/16", "not a route"),
        ("192.168.0.1/16 via 10.0.0.1", "host bits"),
        ("192.168.0.0/16 via fd00::1", "not an IPv4 address"),
    ],
)
def test_a_malformed_route_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        routes(text)


def test_name_servers_are_addresses_once_each() -> None:
    assert nameservers("8.8.8.8, 1.1.1.1") == ("8.8.8.8", "1.1.1.1")
    with pytest.raises(BadValue, match="twice"):
        nameservers("8.8.8.8, 8.8.8.8")


def test_a_gateway_lies_in_the_subnet_outside_its_pools() -> None:
    assert gateway("10.0.0.1", NET) == "10.0.0.1"
    with pytest.raises(BadValue, match=r"outside 10\.0\.0\.0/24"):
        gateway("10.0.1.1", NET)
    with pytest.raises(BadValue, match="inside the allocation pool"):
        gateway("10.0.0.15", NET, (("10.0.0.10", "10.0.0.20"),))
    with pytest.raises(BadValue, match="broadcast"):
        gateway("10.0.0.255", NET)
    with pytest.raises(BadValue, match="network address"):
        gateway("10.0.0.0", NET)


def test_a_parser_becomes_a_field_check_that_names_the_problem() -> None:
    check = field_check(lambda text: nameservers(text))
    assert check("8.8.8.8", {}) is None
    assert check("8.8.8", {}) == "'8.8.8' is not an IPv4 or IPv6 address"


def test_a_pool_keeps_out_what_neutron_reserves() -> None:
    """Neutron refuses a pool holding the network address, or an IPv4 broadcast address."""
    with pytest.raises(BadValue, match=r"the network address 10\.0\.0\.0"):
        pools("10.0.0.0-10.0.0.9", NET)
    with pytest.raises(BadValue, match=r"the broadcast address 10\.0\.0\.255"):
        pools("10.0.0.200-10.0.0.255", NET)
    assert pools("10.0.0.1-10.0.0.254", NET) == (("10.0.0.1", "10.0.0.254"),)
    assert pools("fd00::ffff-fd00::ffff:ffff", cidr("fd00::/64"))
