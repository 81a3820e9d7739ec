"""What a port's form accepts: MAC addresses and allowed address pairs (tui/net_values.py)."""

from __future__ import annotations

import pytest

from tui.net_values import BadValue, address_pairs, mac


def test_a_mac_address_is_six_hex_pairs_written_as_neutron_does() -> None:
    assert mac("FA:16:3E:12:34:56") == "fa:16:3e:12:34:56"
    assert mac(" fa-16-3e-12-34-56 ") == "fa:16:3e:12:34:56"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("fa:16:3e:12:34", "not a MAC address"),
        ("fa:16:3e:12:34:5g", "not a MAC address"),
        ("fa:16-3e:12:34:56", "not a MAC address"),
        ("01:00:5e:00:00:01", "multicast"),
        ("00:00:00:00:00:00", "not a usable"),
    ],
)
def test_a_bad_mac_address_says_why(text: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        mac(text)


def test_address_pairs_take_an_address_or_a_cidr_and_maybe_a_mac() -> None:
    assert address_pairs("10.0.0.5, 10.1.0.0/24 FA:16:3E:00:00:01\nfd00::7") == (
        ("10.0.0.5", ""),
        ("10.1.0.0/24", "fa:16:3e:00:00:01"),
        ("fd00::7", ""),
    )
    assert address_pairs("ip_address=10.0.0.5,mac_address=fa:16:3e:00:00:02") == (
        ("10.0.0.5", "fa:16:3e:00:00:02"),
    )
    assert address_pairs("  ") == ()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("10.0.0.300", "not an IPv4 or IPv6 address"),
        ("10.0.0.1/24", "host bits"),
        ("10.0.0.5 fa:16:3e", "not a MAC address"),
        ("10.0.0.5 fa:16:3e:00:00:01 extra", "not an address pair"),
        ("10.0.0.5, 10.0.0.5", "listed twice"),
    ],
)
def test_a_bad_address_pair_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(BadValue, match=said):
        address_pairs(text)
