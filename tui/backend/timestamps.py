"""The services' timestamps, compared: Nova says ``...Z``, Cinder ``...000000`` (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_utc(text: str) -> datetime | None:
    """An API timestamp as an aware UTC datetime; None when missing or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def api_time(moment: datetime) -> str:
    """The form the filters take (Nova changes-before, Cinder updated_at=lte:)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def not_after(text: str, before: datetime) -> bool:
    """Whether a record updated at `text` has not changed since `before`."""
    moment = parse_utc(text)
    return moment is not None and moment <= before
