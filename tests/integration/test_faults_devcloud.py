"""A flaky cloud, at the backend: devcloud's services behind a fault-injecting proxy.

Every failed request is a BackendError with the status, the service's message and the
request id; reads told to come back later are retried within bounds, writes never; an
expired token is renewed once; a write whose reply is lost or unreadable says it may have
happened, and devcloud shows that it did (then the test removes what was made).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.faultproxy import (
    Fail,
    FaultProxy,
    Hang,
    Html,
    RateLimit,
    Replace,
    Reset,
    Slow,
    Truncate,
    Unauthorized,
    devcloud_proxies,
)
from tui.backend import models
from tui.backend.errors import BackendError, ConnectionLost, NotFound
from tui.backend.errors import Unauthorized as AuthFailed
from tui.backend.openstack import OpenStackBackend

CLOUD = "faults-admin"
TIMEOUT = 3.0  # the proxied cloud's api_timeout: a hang ends here, not after 60 s
RUN = uuid.uuid4().hex[:6]
CIRROS = "cirros-0.6.2-x86_64-disk"
T = TypeVar("T")

Proxies = dict[str, FaultProxy]


@pytest.fixture(scope="module")
def proxies(devcloud: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxies]:
    workdir = tmp_path_factory.mktemp("faults")
    with devcloud_proxies(devcloud, workdir, name=CLOUD, timeout=TIMEOUT) as opened:
        yield opened


@pytest.fixture
async def cloud(proxies: Proxies) -> AsyncIterator[OpenStackBackend]:
    """The admin, every service through its proxy; the rules are cleared before and after."""
    for proxy in proxies.values():
        proxy.clear()
    backend = OpenStackBackend(CLOUD)
    await backend.connect()
    try:
        yield backend
    finally:
        for proxy in proxies.values():
            proxy.clear()
        await backend.close()


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def failure(call: Awaitable[Any]) -> BackendError:
    with pytest.raises(BackendError) as caught:
        await call
    return caught.value


async def first_server(backend: OpenStackBackend) -> models.Server:
    return (await collect(backend.servers(all_projects=True)))[0]


async def named(pages: AsyncIterator[list[Any]], name: str) -> Any:
    return next((item for item in await collect(pages) if item.name == name), None)


async def until_gone(
    delete: Callable[[], Awaitable[Any]], fetch: Callable[[], Awaitable[Any]]
) -> None:
    """Clean-up: delete (retrying while the thing is still being made), then wait it out."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            await delete()
            break
        except NotFound:
            return
        except BackendError:
            await asyncio.sleep(0.5)
    while time.monotonic() < deadline:
        try:
            await fetch()
        except NotFound:
            return
        await asyncio.sleep(0.5)


@contextlib.asynccontextmanager
async def removed_afterwards(
    pages: Callable[[], AsyncIterator[list[Any]]],
    name: str,
    remove: Callable[[Any], Awaitable[Any]],
) -> AsyncIterator[None]:
    """Whatever happens in the block, what devcloud holds under `name` is removed after it."""
    try:
        yield
    finally:
        for item in [i for i in await collect(pages()) if i.name == name]:
            with contextlib.suppress(NotFound):
                await remove(item)


LISTS: dict[str, tuple[str, str, Callable[[OpenStackBackend], AsyncIterator[Any]], str]] = {
    "servers": ("compute", "/servers/detail", lambda b: b.servers(all_projects=True), "Nova"),
    "networks": ("network", "/networks", lambda b: b.networks(), "Neutron"),
    "volumes": (
        "block_storage",
        "/volumes/detail",
        lambda b: b.volumes(all_projects=True),
        "Cinder",
    ),
    "images": ("image", "/v2/images", lambda b: b.images(), "Glance"),
    "projects": ("identity", "/projects", lambda b: b.projects(), "Keystone"),
}


# -- reads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
async def test_a_failing_list_says_status_message_and_request_id(
    cloud: OpenStackBackend, proxies: Proxies, name: str
) -> None:
    service, path, lister, label = LISTS[name]
    proxies[service].set(Fail(path=path, status=500, message="database on fire"))
    error = await failure(collect(lister(cloud)))
    assert error.status == 500 and error.message == f"{label}: database on fire"
    assert (error.request_id or "").startswith("req-fault-")
    proxies[service].set()
    assert await collect(lister(cloud)), "the list is back once the fault clears"


async def test_a_read_rate_limited_once_is_sent_again_after_retry_after(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    nova = proxies["compute"]
    nova.set(RateLimit(path="/servers/detail", retry_after=1, times=1))
    started = time.monotonic()
    assert await collect(cloud.servers(all_projects=True))
    assert time.monotonic() - started >= 1.0
    assert [s.answered for s in nova.requests("GET", "/servers/detail")] == ["RateLimit", "pass"]


async def test_a_read_rate_limited_throughout_gives_up_naming_the_delay(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    nova = proxies["compute"]
    nova.set(RateLimit(path="/servers/detail", retry_after=1))
    error = await failure(collect(cloud.servers(all_projects=True)))
    assert error.status == 429 and "rate limited (429), retry after 1 s" in error.message
    assert (error.request_id or "").startswith("req-fault-")
    assert len(nova.requests("GET", "/servers/detail")) == 3, "sent, then twice again, no more"

    nova.clear()
    nova.set(RateLimit(path="/servers/detail", retry_after=30))
    started = time.monotonic()
    error = await failure(collect(cloud.servers(all_projects=True)))
    assert "retry after 30 s" in error.message and time.monotonic() - started < 2
    assert len(nova.requests("GET", "/servers/detail")) == 1, "30 s is over the retry budget"


async def test_unavailable_is_retried_only_when_the_service_says_when(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    nova = proxies["compute"]
    server = await first_server(cloud)
    nova.clear()
    nova.set(Fail(path=f"/servers/{server.id}$", status=503, retry_after=1, times=1))
    assert (await cloud.server(server.id)).id == server.id
    assert len(nova.requests("GET", server.id)) == 2

    nova.clear()
    nova.set(Fail(path=f"/servers/{server.id}$", status=503, times=1))
    error = await failure(cloud.server(server.id))
    assert error.status == 503 and len(nova.requests("GET", server.id)) == 1


async def test_a_hung_read_ends_at_the_timeout(cloud: OpenStackBackend, proxies: Proxies) -> None:
    proxies["compute"].set(Hang(path="/servers/detail"))
    started = time.monotonic()
    error = await failure(collect(cloud.servers(all_projects=True)))
    assert isinstance(error, ConnectionLost) and "timed out" in error.message
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 5


async def test_a_slow_answer_within_the_timeout_is_just_slow(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    proxies["network"].set(Slow(path="/networks", delay=1.5))
    started = time.monotonic()
    assert await collect(cloud.networks())
    assert time.monotonic() - started >= 1.5


@pytest.mark.parametrize("rule", [Reset, Truncate], ids=["reset", "truncated"])
async def test_a_broken_connection_on_a_show_is_a_lost_connection(
    cloud: OpenStackBackend, proxies: Proxies, rule: type[Reset | Truncate]
) -> None:
    server = await first_server(cloud)
    proxies["compute"].set(rule(path=f"/servers/{server.id}$"))
    error = await failure(cloud.server(server.id))
    assert isinstance(error, ConnectionLost) and error.operation == "show server"


async def test_replies_that_are_not_what_a_read_expects(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    nova = proxies["compute"]
    server = await first_server(cloud)
    nova.set(Replace(path=f"/servers/{server.id}$", body=b"[1, 2]"))
    error = await failure(cloud.server(server.id))
    assert error.message == "Nova answered 200 without a 'server' object (got: a list of 2)"
    assert (error.request_id or "").startswith("req-"), "the real request id of the reply"

    nova.set(Replace(path="/servers/detail", body=b"<html>maintenance</html>"))
    error = await failure(collect(cloud.servers(all_projects=True)))
    assert "without a 'servers' list of objects (got: non-JSON text '<html>maint" in error.message

    proxies["network"].set(Html(path="/networks", status=502))
    error = await failure(collect(cloud.networks()))
    assert error.status == 502
    assert error.message == "Neutron: The proxy server received an invalid response."


async def test_an_expired_token_is_renewed_once_and_the_call_sent_again(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    nova = proxies["compute"]
    nova.set(Unauthorized(path="/servers/detail", times=1))
    assert await collect(cloud.servers(all_projects=True))
    first, second = nova.requests("GET", "/servers/detail")
    assert (first.answered, second.answered) == ("Unauthorized", "pass")
    assert first.token != second.token, "keystoneauth logged in again"


async def test_a_token_refused_after_renewal_is_an_authentication_failure_not_a_loop(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    nova = proxies["compute"]
    nova.set(Unauthorized(path="/servers/detail"))
    error = await failure(collect(cloud.servers(all_projects=True)))
    assert isinstance(error, AuthFailed) and error.status == 401
    assert error.message.startswith("authentication failed: Nova: ")
    assert (error.request_id or "").startswith("req-fault-")
    assert len(nova.requests("GET", "/servers/detail")) == 2


async def test_an_overview_check_that_fails_names_its_request_id(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    from tui.screens.resources.overview import CHECKS, run_check

    proxies["compute"].set(Fail(path="/servers/detail", status=500, message="cell down"))
    check = next(c for c in CHECKS if c.id == "servers-error")
    result = await run_check(cloud, check)
    assert result.state == "error"
    assert result.detail.startswith("HTTP 500: Nova: cell down (request id req-fault-")


# -- writes --------------------------------------------------------------------------------


async def test_a_write_is_never_sent_again_and_says_why_it_failed(
    cloud: OpenStackBackend, proxies: Proxies, admin: OpenStackBackend
) -> None:
    nova = proxies["compute"]
    name = f"faults-{RUN}-agg-429"
    nova.set(RateLimit(method="POST", path="/os-aggregates$", retry_after=1))
    async with removed_afterwards(admin.aggregates, name, admin.delete_aggregate):
        error = await failure(cloud.create_aggregate(name))
        assert error.status == 429 and "rate limited (429), retry after 1 s" in error.message
        assert not error.maybe_done, "the proxy answered: nothing was sent on"
        assert len(nova.requests("POST", "/os-aggregates")) == 1
        assert not await named(admin.aggregates(), name)


async def test_a_single_action_that_fails_or_loses_its_answer(
    cloud: OpenStackBackend, proxies: Proxies
) -> None:
    server = await first_server(cloud)
    nova = proxies["compute"]
    nova.set(Fail(method="POST", path=f"/servers/{server.id}/action", status=500))
    error = await failure(cloud.server_action(server.id, "lock"))
    assert error.status == 500 and (error.request_id or "").startswith("req-fault-")
    assert not error.maybe_done

    nova.set(Reset(method="POST", path=f"/servers/{server.id}/action"))
    error = await failure(cloud.server_action(server.id, "lock"))
    assert error.maybe_done and error.message.endswith(
        "lock may have gone through: refresh to check"
    )


async def test_a_boot_whose_reply_is_unreadable_says_the_server_may_exist_and_it_does(
    cloud: OpenStackBackend, proxies: Proxies, admin: OpenStackBackend
) -> None:
    flavor = await named(admin.flavors(), "m1.tiny")
    image = await named(admin.images(), CIRROS)
    name = f"faults-{RUN}-boot"
    spec = models.BootSpec(name=name, flavor_id=flavor.id, image_id=image.id, network_ids=("none",))
    proxies["compute"].set(Replace(method="POST", path="/servers$", body=b'{"reservation'))

    async def remove(server: models.Server) -> None:
        await until_gone(
            lambda: admin.server_action(server.id, "delete"), lambda: admin.server(server.id)
        )

    async with removed_afterwards(admin.servers, name, remove):
        error = await failure(cloud.create_servers(spec))
        assert error.maybe_done and error.status == 200
        assert error.message == (
            "Nova answered 200 without a 'server' object (got: non-JSON text '{\"reservation')"
            ": the server may have been created: refresh to check"
        )
        assert await named(admin.servers(), name), "Nova did create it"


async def test_a_volume_create_cut_short_says_it_may_exist_and_it_does(
    cloud: OpenStackBackend, proxies: Proxies, admin: OpenStackBackend
) -> None:
    name = f"faults-{RUN}-vol"
    proxies["block_storage"].set(Truncate(method="POST", path="/volumes$"))

    async def remove(volume: models.Volume) -> None:
        await until_gone(lambda: admin.delete_volume(volume.id), lambda: admin.volume(volume.id))

    async with removed_afterwards(admin.volumes, name, remove):
        error = await failure(cloud.create_volume(models.VolumeSpec(name=name, size_gb=1)))
        assert isinstance(error, ConnectionLost) and error.maybe_done
        assert error.message.endswith(": the volume may have been created: refresh to check")
        assert await named(admin.volumes(), name), "Cinder did create it"


async def test_a_project_create_answered_with_another_body_says_it_may_exist_and_it_does(
    cloud: OpenStackBackend, proxies: Proxies, admin: OpenStackBackend
) -> None:
    name = f"faults-{RUN}-project"
    proxies["identity"].set(Replace(method="POST", path="/projects$", body=b"[]", status=201))
    async with removed_afterwards(admin.projects, name, admin.delete_project):
        error = await failure(cloud.create_project(models.ProjectSpec(name=name)))
        assert error.maybe_done and error.status == 201
        assert error.message == (
            "Keystone answered 201 without a 'project' object (got: an empty list)"
            ": the project may have been created: refresh to check"
        )
        assert await named(admin.projects(), name), "Keystone did create it"


async def test_an_aggregate_create_with_the_wrong_shape_says_it_may_exist_and_it_does(
    cloud: OpenStackBackend, proxies: Proxies, admin: OpenStackBackend
) -> None:
    name = f"faults-{RUN}-agg"
    reply = Replace(method="POST", path="/os-aggregates$", body=b'{"aggregate": []}')
    proxies["compute"].set(reply)
    async with removed_afterwards(admin.aggregates, name, admin.delete_aggregate):
        error = await failure(cloud.create_aggregate(name))
        assert error.maybe_done and error.status == 200
        assert "without an 'aggregate' object (got: 'aggregate' is an empty list)" in error.message
        assert await named(admin.aggregates(), name), "Nova did create it"
