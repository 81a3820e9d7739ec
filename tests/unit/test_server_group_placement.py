"""The in-memory scheduler's server group rule (tui/backend/memory/placement.py), as Nova's
filters and weighers place a new member among the usable hosts."""

from __future__ import annotations

import pytest

from tui.backend.memory.placement import group_host

HOSTS = ("compute1", "compute2")


@pytest.mark.parametrize(
    ("policy", "per_host", "members", "first", "expected"),
    [
        # affinity: where the members are, or nowhere when that host is not usable
        ("affinity", 1, (), "compute2", "compute2"),
        ("affinity", 1, ("compute1",), "compute2", "compute1"),
        ("affinity", 1, ("compute3",), "compute1", None),
        # anti-affinity: a host with fewer than max_server_per_host of them, else none
        ("anti-affinity", 1, ("compute1",), "compute1", "compute2"),
        ("anti-affinity", 1, ("compute1", "compute2"), "compute1", None),
        ("anti-affinity", 2, ("compute1", "compute2"), "compute1", "compute1"),
        ("anti-affinity", 2, ("compute1",) * 2 + ("compute2",) * 2, "compute2", None),
        # the soft policies only prefer: never no host
        ("soft-affinity", 1, ("compute2",), "compute1", "compute2"),
        ("soft-anti-affinity", 1, ("compute1", "compute1", "compute2"), "compute1", "compute2"),
        ("soft-anti-affinity", 1, ("compute1", "compute2"), "compute1", "compute1"),
    ],
)
def test_a_new_member_goes_where_the_policy_lets_it(
    policy: str, per_host: int, members: tuple[str, ...], first: str, expected: str | None
) -> None:
    assert group_host(policy, per_host, members, HOSTS, first) == expected
