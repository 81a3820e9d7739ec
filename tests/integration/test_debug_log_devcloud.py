"""`--debug=body` against devcloud: the log holds each request's URL, status and Nova's or
Keystone's request id, and neither the session's token nor a password sent in a body."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import uuid4

from tui.backend.http_debug import HttpDebugLog
from tui.backend.models import UserSpec
from tui.backend.openstack import OpenStackBackend

PASSWORD = "Dbg-pass-" + uuid4().hex[:10]


async def test_the_debug_log_holds_request_ids_and_no_secret(
    devcloud: Path, tmp_path: Path
) -> None:
    log = HttpDebugLog.open(tmp_path, bodies=True)
    backend = OpenStackBackend("devcloud-admin", http_debug=log)
    try:
        await backend.connect()
        async for _ in backend.servers(all_projects=True):
            break
        user = await backend.create_user(
            UserSpec(name=f"sddbg-{uuid4().hex[:6]}", password=PASSWORD)
        )
        await backend.delete_user(user)
        token = backend._access().auth_token
    finally:
        await backend.close()
        log.close()
    text = log.path.read_text()
    assert re.search(r"GET http://127\.0\.0\.1:\d+/\S*servers/detail\S*  200  [\d.]+ s  req-", text)
    assert re.search(r"POST http://127\.0\.0\.1:\d+/\S*/users  201  [\d.]+ s  req-", text)
    assert '"password": "****"' in text
    assert PASSWORD not in text
    assert token and token not in text
