"""The cloud's clock as its replies tell it (the HTTP ``Date`` header), not ours.

A list refreshed by changes asks for what changed since the cloud's time when the previous
list began: taken from our clock, a skew between the two would lose changes or repeat them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


class CloudClock:
    def __init__(self) -> None:
        self._seen: tuple[datetime, float] | None = None

    def saw(self, date_header: str | None) -> None:
        """A reply's ``Date``: the cloud's time when it answered, to the second (rounded
        down, so the time told never runs ahead of the cloud's)."""
        if not date_header:
            return
        try:
            moment = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            return
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        self._seen = (moment.astimezone(UTC), time.monotonic())

    def now(self) -> datetime | None:
        """The cloud's time now: its last reply's Date plus the time since; None before any."""
        if self._seen is None:
            return None
        moment, at = self._seen
        return moment + timedelta(seconds=time.monotonic() - at)
