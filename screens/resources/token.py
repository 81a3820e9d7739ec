"""“Show my token”: who Keystone says we are, our roles, when the token expires, and the
catalog it carries — for debugging auth. The token id is a secret and is never shown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import Json, TokenInfo
from tui.resource import Col, Resource, Scope, attr


@dataclass(frozen=True, slots=True)
class TokenLine:
    id: str
    item: str
    value: str
    region: str = ""
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.item


def now() -> datetime:
    return datetime.now(UTC)


def parse_time(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def from_now(text: str, at: datetime) -> str:
    """`in 59 min`, `expired 2 h 5 min ago`: how far a timestamp is from `at`."""
    stamp = parse_time(text)
    if stamp is None:
        return ""
    seconds = int((stamp - at).total_seconds())
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if not days and (mins or not hours):
        parts.append(f"{mins} min")
    span = " ".join(parts)
    return f"in {span}" if seconds >= 0 else f"expired {span} ago"


def _short(stamp: str) -> str:
    """Keystone's `2026-01-05T10:00:00.000000Z` without the zero fraction."""
    return stamp.replace(".000000Z", "Z")


def _in_domain(name: str, domain: str) -> str:
    return f"{name}, domain {domain}" if domain else name


def token_lines(token: TokenInfo, at: datetime) -> list[TokenLine]:
    raw = token.raw

    def line(item: str, value: str, region: str = "") -> TokenLine:
        return TokenLine(item, item, value, region, raw)

    if token.project_id:
        scope = [
            line("Project", _in_domain(token.project_name, token.project_domain)),
            line("Project id", token.project_id),
        ]
    elif token.domain_scope:
        scope = [line("Domain scope", token.domain_scope)]
    elif token.system_scope:
        scope = [line("System scope", "all")]
    else:
        scope = [line("Scope", "unscoped")]
    expires = _short(token.expires_at)
    if relative := from_now(token.expires_at, at):
        expires = f"{relative} ({expires})"
    lines = [
        line("User", _in_domain(token.user_name, token.user_domain)),
        line("User id", token.user_id),
        *scope,
        line("Roles", ", ".join(token.roles) or "(none)"),
        line("Expires", expires),
        line("Issued at", _short(token.issued_at)),
        line("Audit ids", ", ".join(token.audit_ids)),
        line("Auth methods", ", ".join(token.methods)),
        line("Token id", "hidden (it is a secret)"),
    ]
    for entry in token.catalog:
        item = f"{entry.service_type} {entry.interface}"
        if entry.service_name:
            item += f" ({entry.service_name})"
        lines.append(
            TokenLine(f"catalog {item} {entry.region}", item, entry.url, entry.region, raw)
        )
    return lines


def error_lines(exc: BackendError) -> list[TokenLine]:
    lines = [
        TokenLine("error", "✖ Token not validated", exc.operation or "validate token"),
        TokenLine("status", "HTTP status", str(exc.status or "-")),
        TokenLine("message", "Message", exc.message),
    ]
    if exc.request_id:
        lines.append(TokenLine("request", "Request id", exc.request_id))
    return lines


async def list_token(backend: Backend, scope: Scope) -> AsyncIterator[list[TokenLine]]:
    try:
        token = await backend.token_info()
    except BackendError as exc:
        yield error_lines(exc)
        return
    yield token_lines(token, now())


TOKEN = Resource(
    name="token",
    title="My token",
    aliases=("whoami", "my-token"),
    columns=(
        Col("Item", attr("item"), min_width=12, max_width=28),
        Col("Value", attr("value"), min_width=20, max_width=80),
        Col("Region", attr("region"), min_width=6, max_width=14),
    ),
    list=list_token,
    label=lambda line: line.item,
    key=lambda line: line.id,
)
