"""The demo cloud's time: what "now" is for its live records (the token, heartbeats, pool
statistics, measures) and for the records made while it runs.

``stackdeck --demo`` runs on the wall clock, so its token expires an hour from now and its
services beat seconds ago, like a real cloud's. Snapshots and tests pass ``FIXED``: the same
"now" every run, just after everything the seed dates (``data.stamp``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# After every seeded timestamp (the seed's calendar spans 2026-01-05 09:00 + 4000 minutes).
SEED_NOW = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoClock:
    live: bool = True
    fixed_at: datetime = SEED_NOW

    def now(self, ticks: int = 0) -> datetime:
        """The wall clock when live; else the fixed moment, ``ticks`` seconds on (a write's
        serial: records made one after the other stay in order)."""
        if self.live:
            return datetime.now(UTC).replace(microsecond=0)
        return self.fixed_at + timedelta(seconds=ticks)


FIXED = DemoClock(live=False)
LIVE = DemoClock(live=True)


def nova_time(moment: datetime) -> str:
    """``2026-01-08T12:00:00Z`` (Nova, Neutron, Heat, Glance)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cinder_time(moment: datetime) -> str:
    """``2026-01-08T12:00:00.000000`` (Cinder, Nova's services and zones)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def keystone_time(moment: datetime) -> str:
    """``2026-01-08T12:00:00.000000Z`` (a Keystone token)."""
    return cinder_time(moment) + "Z"


# How long ago a host that is down last reported: well past Nova's service_down_time (60 s)
# and Neutron's agent_down_time (75 s).
LAST_SEEN_WHEN_DOWN = timedelta(hours=2, minutes=14)


def last_heartbeat(now: datetime, n: int, beating: bool) -> datetime:
    """The last report of the n-th service or agent: seconds ago while it beats (every 10 s,
    each at its own time), long ago when its host is down."""
    return now - (timedelta(seconds=1 + (7 * n) % 10) if beating else LAST_SEEN_WHEN_DOWN)
