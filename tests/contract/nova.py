"""What the Nova contract modules share: a project member to be refused, refusals in words.

On devcloud the member is the project user (``demo``); the memory backend's member is a
cloud of its own seen without admin rights, enough for Nova's policy refusals.
"""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from tests.contract.conftest import Lab
from tui.backend.audit import AuditLog
from tui.backend.base import Backend
from tui.backend.errors import BackendError


def member_of(lab: Lab) -> Backend:
    if lab.real:
        return lab.owner
    from tui.backend.memory import MemoryBackend

    return MemoryBackend(is_admin=False)


async def refuses(
    call: Awaitable[object], kind: type[BackendError], status: int, tail: str
) -> BackendError:
    """The call fails with `kind`, HTTP `status`, a message ending in the service's words
    (the real backend names the service first) and a request id."""
    with pytest.raises(kind) as caught:
        await call
    error = caught.value
    assert error.status == status, error.summary()
    assert error.message.endswith(tail), error.message
    assert error.request_id and error.request_id.startswith("req-"), error.summary()
    return error


def policy(rule: str) -> str:
    return f"Policy doesn't allow {rule} to be performed."


def audited(audit: AuditLog, lab: Lab) -> list[tuple[str, str]]:
    """The lab's writes in the audit log: (action, "ok" or the HTTP status), each with a
    request id."""
    clouds = {lab.admin.info.cloud, lab.owner.info.cloud}
    records = [r for r in audit.records() if r.cloud in clouds]
    assert all(r.request_id.startswith("req-") for r in records), records
    return [(r.action, "ok" if r.result == "ok" else r.result.split(" ")[1]) for r in records]
