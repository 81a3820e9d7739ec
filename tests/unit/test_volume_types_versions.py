"""Project default volume types need Cinder microversion 3.62: an older Cinder is told so
and sent nothing, and its projects simply have no default of their own."""

from __future__ import annotations

from typing import Any

import pytest

from tui.backend.errors import BackendError
from tui.backend.openstack import OpenStackBackend

pytestmark = pytest.mark.asyncio


def older_cinder(monkeypatch: pytest.MonkeyPatch, offered: str) -> list[Any]:
    backend_sent: list[Any] = []

    def version(self: OpenStackBackend, service: str, wanted: tuple[int, int]) -> str:
        assert service == "block-storage"
        return min(f"{wanted[0]}.{wanted[1]}", offered, key=lambda v: tuple(map(int, v.split("."))))

    def request(self: OpenStackBackend, *args: Any, **kwargs: Any) -> Any:
        backend_sent.append(args)
        raise AssertionError(f"sent {args}")

    monkeypatch.setattr(OpenStackBackend, "_version", version)
    monkeypatch.setattr(OpenStackBackend, "_request", request)
    return backend_sent


async def test_an_older_cinder_is_told_what_the_call_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = older_cinder(monkeypatch, "3.59")
    backend = OpenStackBackend("somewhere")
    with pytest.raises(BackendError) as refused:
        await backend.set_project_default_volume_type("p1", "t1")
    assert refused.value.message == (
        "project default volume types need Cinder microversion 3.62; this cloud offers 3.59."
    )
    with pytest.raises(BackendError):
        await backend.unset_project_default_volume_type("p1")
    assert await backend.project_default_volume_type("p1") is None
    assert sent == []
