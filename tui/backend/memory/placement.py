"""Where the in-memory scheduler puts a server of a server group, as Nova's filters and
weighers do: affinity on its members' host, anti-affinity on a host with fewer than
max_server_per_host of them (else nowhere: "No valid host was found"), the soft policies
only prefer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def group_host(
    policy: str, max_per_host: int, member_hosts: Sequence[str], usable: Sequence[str], first: str
) -> str | None:
    """The host for a new member (`first`: where it would go without a group), or None."""
    counts = Counter(member_hosts)
    if policy == "affinity":
        if not counts:
            return first
        host = member_hosts[0]
        return host if host in usable else None
    if policy == "anti-affinity":
        free = [h for h in usable if counts[h] < max(max_per_host, 1)]
        return first if first in free else next(iter(free), None)
    if policy == "soft-affinity":
        return max(usable, key=lambda h: (counts[h], h == first), default=first)
    if policy == "soft-anti-affinity":
        return min(usable, key=lambda h: (counts[h], h != first), default=first)
    return first
