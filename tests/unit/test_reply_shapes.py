"""Replies that are not what was asked for: every backend call checks the shape it reads and
says what was expected and what came, with status and request id; a write whose reply is bad
says it may have happened. The real OpenStackBackend, with canned HTTP answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from tui.backend import models
from tui.backend.errors import BackendError
from tui.backend.openstack import OpenStackBackend
from tui.backend.openstack.core import _retry_delay, retry_after
from tui.backend.openstack.replies import UnexpectedReply, describe, expect

REQUEST_ID = "req-11111111-2222-3333-4444-555555555555"


def answer(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["x-openstack-request-id"] = REQUEST_ID
    response.headers.update(headers or {})
    response.reason = "OK"
    return response


def backend_answering(body: bytes, status: int = 200) -> tuple[OpenStackBackend, list[str]]:
    """A backend whose every request gets this answer; the list records what was sent."""
    backend = OpenStackBackend("unused")
    backend._max_versions = {"compute": (2, 90), "block-storage": (3, 70)}
    backend._project_names = {}
    sent: list[str] = []

    def request(method: str, service: str, path: str, **kwargs: Any) -> Any:
        sent.append(f"{method} {service} {path}")
        return answer(body, status)

    backend._request = request  # type: ignore[method-assign]
    return backend, sent


BAD_REPLIES = {
    "empty": (b"", "an empty body"),
    "not json": (b"<html>gateway</html>", "non-JSON text '<html>gateway</html>'"),
    "a list": (b"[]", "an empty list"),
    "another object": (b'{"other": 1}', "an object with 'other'"),
    "wrong inner kind": (b'{"server": [], "volume": [], "project": [], "aggregate": []}', None),
}

CREATES: dict[str, tuple[Callable[[OpenStackBackend], Any], str, str]] = {
    "boot": (
        lambda b: b.create_servers(
            models.BootSpec(name="web", flavor_id="f", image_id="i", network_ids=("n",))
        ),
        "a 'server' object",
        "the server may have been created: refresh to check",
    ),
    "volume": (
        lambda b: b.create_volume(models.VolumeSpec(name="v1", size_gb=1)),
        "a 'volume' object",
        "the volume may have been created: refresh to check",
    ),
    "project": (
        lambda b: b.create_project(models.ProjectSpec(name="p1")),
        "a 'project' object",
        "the project may have been created: refresh to check",
    ),
    "aggregate": (
        lambda b: b.create_aggregate("agg1"),
        "an 'aggregate' object",
        "the aggregate may have been created: refresh to check",
    ),
}


@pytest.mark.parametrize("reply", BAD_REPLIES, ids=list(BAD_REPLIES))
@pytest.mark.parametrize("create", CREATES, ids=list(CREATES))
async def test_a_create_with_a_bad_reply_says_it_may_have_happened(create: str, reply: str) -> None:
    call, expected, done = CREATES[create]
    body, got = BAD_REPLIES[reply]
    backend, sent = backend_answering(body, 202)
    with pytest.raises(BackendError) as caught:
        await call(backend)
    error = caught.value
    assert len(sent) == 1, "a write is sent once, never again blindly"
    assert error.maybe_done and error.status == 202 and error.request_id == REQUEST_ID
    assert f"answered 202 without {expected}" in error.message
    assert error.message.endswith(done)
    assert f"(got: {got})" in error.message if got else "is an empty list" in error.message


async def test_boot_of_several_servers_reads_the_reservation_id() -> None:
    backend, _ = backend_answering(b'{"reservation_id": 7}', 202)
    spec = models.BootSpec(name="web", flavor_id="f", image_id="i", network_ids=("n",), count=3)
    with pytest.raises(BackendError) as caught:
        await backend.create_servers(spec)
    assert "without a 'reservation_id' string (got: 'reservation_id' is the int 7)" in str(
        caught.value
    )
    assert "the servers may have been created" in caught.value.message


@pytest.mark.parametrize(
    "body, got",
    [
        (b'{"servers": {"a": 1}}', "'servers' is an object with 'a'"),
        (b'{"servers": ["x"]}', "'servers' is a list holding the string 'x'"),
        (b'{"servers": [{"id": "1"}, null]}', "'servers' is a list holding null"),
        (b'{"error": "gone"}', "an object with 'error'"),
        (b"x" * 300, "non-JSON text '" + "x" * 80 + "… cut to 80 chars'"),
    ],
)
async def test_a_list_reply_without_its_list_of_objects_is_an_error(body: bytes, got: str) -> None:
    backend, _ = backend_answering(body)
    with pytest.raises(BackendError) as caught:
        [s async for page in backend.servers() for s in page]
    error = caught.value
    assert error.message == f"Nova answered 200 without a 'servers' list of objects (got: {got})"
    assert error.status == 200 and error.request_id == REQUEST_ID and not error.maybe_done
    assert error.operation == "list servers"


async def test_a_show_reply_without_its_object_is_an_error() -> None:
    backend, _ = backend_answering(b'{"volume": "v"}')
    with pytest.raises(BackendError) as caught:
        await backend.volume("v1")
    assert "Cinder answered 200 without a 'volume' object (got: 'volume' is the string 'v')" in (
        caught.value.message
    )


async def test_a_list_that_points_back_at_a_page_it_read_stops() -> None:
    page = {"servers": [{"id": "1"}], "servers_links": [{"rel": "next", "href": "/s?marker=1"}]}
    backend, sent = backend_answering(json.dumps(page).encode())
    with pytest.raises(BackendError, match="again: listing stopped"):
        [s async for p in backend.servers() for s in p]
    assert len(sent) == 2


async def test_a_write_that_reads_nothing_takes_any_reply() -> None:
    backend, sent = backend_answering(b"<html>ok</html>", 202)
    await backend.server_action("s1", "lock")
    assert sent == ["POST compute /servers/s1/action"]


def test_expect_names_what_was_expected_and_what_came() -> None:
    assert expect({"a": [{"x": 1}]}, "a", "list") == [{"x": 1}]
    with pytest.raises(UnexpectedReply) as caught:
        expect({"a": 1, "b": 2}, "server", "object")
    assert (caught.value.expected, caught.value.got) == (
        "a 'server' object",
        "an object with 'a', 'b'",
    )
    assert describe(list(range(3))) == "a list of 3"
    assert describe(True) == "the value true"


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after({"Retry-After": "3"}) == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (retry_after({"Retry-After": later}) or 0) <= 30
    assert retry_after({}) is None and retry_after({"Retry-After": "soon"}) is None


@pytest.mark.parametrize(
    "method, status, headers, waited, delay",
    [
        ("GET", 429, {"Retry-After": "2"}, 0.0, 2.0),
        ("GET", 429, {}, 0.0, 1.0),
        ("GET", 429, {"Retry-After": "2"}, 9.0, None),  # over the budget
        ("GET", 429, {"Retry-After": "30"}, 0.0, None),
        ("GET", 503, {"Retry-After": "1"}, 0.0, 1.0),
        ("GET", 503, {}, 0.0, None),  # down, not busy: say so at once
        ("POST", 429, {"Retry-After": "1"}, 0.0, None),  # a write is never sent again
        ("GET", 500, {"Retry-After": "1"}, 0.0, None),
    ],
)
def test_only_reads_told_to_come_back_are_retried(
    method: str, status: int, headers: dict[str, str], waited: float, delay: float | None
) -> None:
    assert _retry_delay(method, answer(b"{}", status, headers), waited) == delay


async def test_a_user_create_with_a_bad_reply_says_it_may_exist_without_the_password() -> None:
    backend = OpenStackBackend("unused")
    identity = SimpleNamespace(request=lambda *a, **k: answer(b'{"users": []}', 201))
    backend._connection = lambda: SimpleNamespace(identity=identity)  # type: ignore[method-assign]
    with pytest.raises(BackendError) as caught:
        await backend.create_user(models.UserSpec(name="u1", password="sekret-pw"))
    error = caught.value
    assert error.maybe_done and "sekret-pw" not in str(error)
    assert error.message == (
        "Keystone answered without a 'user' object (got: an object with 'users')"
        ": the user may have been created: refresh to check"
    )


def test_a_write_refused_at_connect_was_not_sent_and_one_cut_off_may_have_been() -> None:
    from keystoneauth1 import session

    from tui.backend.openstack.core import _was_sent, translate_exception

    with pytest.raises(Exception) as refused:  # nothing listens on port 1
        session.Session().request("http://127.0.0.1:1/servers", "POST", json={})
    lost = translate_exception(refused.value, "boot")
    lost.__cause__ = refused.value
    assert not _was_sent(lost)

    reset = ConnectionResetError(104, "Connection reset by peer")
    assert _was_sent(reset)
