"""Plumbing shared by every service of the real cloud: connection, requests, errors, writes.

openstacksdk's connection authenticates and finds endpoints; requests go through its
per-service adapters as raw JSON (building SDK Resource objects costs ~2 ms each), in
worker threads. ``openstack`` is imported on first connect, never at module import.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from tui.backend.audit import AuditLog, AuditRecord
from tui.backend.audit import now as audit_now
from tui.backend.cloud_clock import CloudClock
from tui.backend.errors import (
    BackendError,
    ConfigError,
    ConnectionLost,
    ReadOnlyError,
    Unauthorized,
    error_for_status,
)
from tui.backend.models import CloudInfo, Json
from tui.backend.openstack.replies import (
    Kind,
    Read,
    UnexpectedReply,
    describe_text,
    expected_phrase,
)
from tui.backend.threads import in_thread
from tui.secrets import Secrets
from tui.text import clean_json, json_needs_gate, safe

if TYPE_CHECKING:
    from keystoneauth1.access import AccessInfo
    from openstack.connection import Connection
    from requests import Response

    from tui.backend.http_debug import HttpDebugLog

T = TypeVar("T")

# Microversions we ask for (capped by what the cloud offers). Hypervisor usage fields
# (vcpus_used, memory_mb_used, running_vms...) are gone from 2.88 on.
COMPUTE_SERVERS_MV = (2, 90)
COMPUTE_HYPERVISORS_MV = (2, 87)
# 3.42: extend an attached (in-use) volume.
VOLUME_MV = (3, 42)
# What a service without microversion discovery data is taken to speak.
_BASE_VERSION = {"compute": (2, 1), "block-storage": (3, 0)}

Microversion = str | Callable[[], str | None] | None
# Reads a list page's body straight into its items and next marker; None: not this page.
FastPage = Callable[[bytes], tuple[list[T], str | None] | None]

# A read answered 429 (or 503 with Retry-After) is sent again after the delay asked for, at
# most this often and this long in all; a write never is (it may have been carried out).
READ_RETRIES = 2
RETRY_BUDGET_SECONDS = 10.0
RATE_LIMIT_DELAY = 1.0  # a 429 without Retry-After
_READS = frozenset({"GET", "HEAD"})

_SERVICE_LABEL = {
    "compute": "Nova",
    "identity": "Keystone",
    "network": "Neutron",
    "block-storage": "Cinder",
    "image": "Glance",
    "placement": "Placement",
    "orchestration": "Heat",
    "object-store": "Swift",
}


def error_message(body: Any, fallback: str) -> str:
    """The human message inside an OpenStack error body, whatever the service's format."""
    if isinstance(body, Mapping):
        for value in body.values():
            if isinstance(value, Mapping):
                msg = value.get("message") or value.get("detail") or value.get("title")
                if msg:
                    return str(msg).strip()
        if body.get("message"):
            return str(body["message"]).strip()
        if body.get("faultstring"):
            return str(body["faultstring"]).strip()
    if isinstance(body, str) and body.strip():
        if body.lstrip().startswith("<"):  # webob's HTML error page (Glance): drop the markup
            body = re.sub(r"<title>.*?</title>|<h1>.*?</h1>|<[^>]+>", "\n", body, flags=re.S)
        lines = [ln.strip() for ln in body.strip().splitlines() if ln.strip()]
        return lines[-1] if lines else fallback
    return fallback


def service_label(service: str) -> str:
    return _SERVICE_LABEL.get(service, service)


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in ("x-openstack-request-id", "x-compute-request-id", "x-request-id"):
        if headers.get(name):
            return safe(headers[name])
    return None


def decoded(response: Any) -> Any:
    """A response's JSON body, every string through the text gate (where text enters).

    Raises ValueError when the body is not JSON. A body without a suspect byte (nearly all
    of them) is decoded as it is; only the others are walked.
    """
    content: bytes = response.content
    body = json.loads(content)
    return clean_json(body) if json_needs_gate(content) else body


def decoded_text(response: Any) -> str:
    """A response's body as text (an error page, a listing), through the text gate."""
    return safe(response.text, multiline=True)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Retry-After in seconds (it may be a number or an HTTP date); None when absent."""
    value = str(headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _retry_delay(method: str, response: Any, waited: float) -> float | None:
    """How long to wait before sending a read again; None: do not send it again."""
    if method not in _READS or response.status_code not in (429, 503):
        return None
    delay = retry_after(response.headers)
    if delay is None and response.status_code == 429:
        delay = RATE_LIMIT_DELAY
    if delay is None or waited + delay > RETRY_BUDGET_SECONDS:
        return None
    return delay


def _status_note(response: Any) -> str:
    """What an operator should know about some statuses beyond the service's words."""
    if response.status_code == 429:
        delay = retry_after(response.headers)
        later = f", retry after {delay:.0f} s" if delay is not None else ""
        return f" (rate limited (429){later})"
    if response.status_code == 503 and (delay := retry_after(response.headers)) is not None:
        return f" (unavailable (503), retry after {delay:.0f} s)"
    return ""


def raise_for_status(
    response: Any,
    label: str,
    operation: str,
    message: Callable[[Any, str], str] = error_message,
) -> None:
    """A 4xx/5xx answer as a BackendError: `label: the service's words`, status, request id."""
    if response.status_code < 400:
        return
    try:
        payload: Any = decoded(response)
    except ValueError:
        payload = decoded_text(response)
    text = f"{label}: {message(payload, safe(response.reason or 'error'))}{_status_note(response)}"
    if response.status_code == 401:  # keystoneauth has already logged in again once
        text = f"authentication failed: {text}"
    raise error_for_status(
        response.status_code,
        text,
        request_id=_request_id(response.headers),
        operation=operation,
    )


def read_reply(
    response: Any, label: str, operation: str, read: Read, *, done: str = ""
) -> tuple[Any, Any]:
    """The reply's body and what `read` takes from it (parsed), once both are as expected.

    Anything else is a BackendError saying what was expected and what came, with status and
    request id; `done` (for a write) says what may have happened all the same.
    """
    try:
        try:
            body = decoded(response)
        except ValueError:
            raise UnexpectedReply(
                expected_phrase(read.key, read.kind), describe_text(decoded_text(response))
            ) from None
        value = read.take(body)
    except UnexpectedReply as exc:
        status = response.status_code
        text = f"{label} answered {status} without {exc.expected} (got: {exc.got})"
        raise BackendError(
            f"{text}: {done}" if done else text,
            status=status,
            request_id=_request_id(response.headers),
            operation=operation,
            maybe_done=bool(done),
        ) from None
    return body, value


def take_written(body: Any, read: Read, label: str, action: str) -> Any:
    """What `read` takes from a write's reply already decoded (its status is gone)."""
    try:
        return read.take(body)
    except UnexpectedReply as exc:
        raise BackendError(
            f"{label} answered without {exc.expected} (got: {exc.got}): {read.maybe_done(action)}",
            operation=action,
            maybe_done=True,
        ) from None


def marker_of(href: Any) -> str | None:
    if not href or not isinstance(href, str):
        return None
    return parse_qs(urlsplit(href).query).get("marker", [None])[0]


def next_marker(links: Any) -> str | None:
    for link in links if isinstance(links, list) else ():
        if isinstance(link, Mapping) and link.get("rel") == "next":
            return marker_of(link.get("href"))
    return None


def page_marker(body: Json, key: str) -> str | None:
    """Where the next page starts: ``<key>_links`` (Nova, Neutron, Cinder) or ``next`` (Glance)."""
    if isinstance(body.get("next"), str):
        return marker_of(body["next"])
    return next_marker(body.get(f"{key}_links"))


def _mv(wanted: tuple[int, int], offered: tuple[int, int] | None) -> str:
    version = min(wanted, offered) if offered else wanted
    return f"{version[0]}.{version[1]}"


class OpenStackCore:
    """Connection and request plumbing; the service mixins add the calls."""

    def __init__(
        self,
        cloud: str | None,
        *,
        password_lookup: Callable[[str, str], str | None] | None = None,
        read_only: bool = False,
        audit: AuditLog | None = None,
        http_debug: HttpDebugLog | None = None,
    ) -> None:
        self._cloud = cloud
        self.http_debug = http_debug
        self._password_lookup = password_lookup
        self._read_only = read_only
        self._audit = audit
        self.secrets = Secrets()
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._info = CloudInfo(cloud=safe(cloud or "envvars"), read_only=read_only)
        self._project_names: dict[str, str] | None = None
        self._max_versions: dict[str, tuple[int, int]] = {}
        self._clock = CloudClock()
        # told of every request sent (method, service, path): request counts in tests
        self.on_request: Callable[[str, str, str], None] | None = None

    @property
    def info(self) -> CloudInfo:
        return self._info

    def cloud_time(self) -> datetime | None:
        return self._clock.now()

    # -- plumbing ------------------------------------------------------------------------

    async def _call(self, operation: str, fn: Callable[[], T]) -> T:
        """Run blocking SDK work in a thread; turn every failure into a BackendError."""
        try:
            return await in_thread(fn)
        except BackendError as exc:  # its message may quote a request the service echoed
            self._remember_token()
            self.secrets.redact_error(exc)
            raise
        except Exception as exc:  # the SDK and keystoneauth raise many unrelated types
            error = translate_exception(exc, operation)
            self._remember_token()
            self.secrets.redact_error(error)
            raise error from exc

    def _remember_token(self) -> None:
        """The token in use joins the secrets (a re-authentication makes a new one)."""
        auth = getattr(getattr(self._conn, "session", None), "auth", None)
        self.secrets.add(getattr(getattr(auth, "auth_ref", None), "auth_token", None))

    def _connection(self) -> Connection:
        with self._lock:
            if self._conn is None:
                self._conn = self._open()
            return self._conn

    def _access(self) -> AccessInfo:
        """What Keystone said of the token: user, project, roles, catalog, expiry."""
        from keystoneauth1.identity.base import BaseIdentityPlugin

        session = self._connection().session
        if not isinstance(session.auth, BaseIdentityPlugin):
            raise ConfigError("the cloud's auth type gives no token details", operation="auth")
        return session.auth.get_access(session)

    def _open(self) -> Connection:
        import openstack

        from tui.backend.cloud_config import cloud_region

        region = cloud_region(self._cloud, password_lookup=self._password_lookup)
        return openstack.connection.Connection(config=region)

    def _request(
        self,
        method: str,
        service: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        microversion: str | None = None,
        operation: str = "",
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        stream: bool = False,
    ) -> Response:
        """One HTTP call on a service's adapter; a 4xx/5xx becomes a BackendError.

        ``data`` is a raw body instead of JSON (bytes or an iterator of chunks); ``stream``
        leaves the answer's body unread, for downloads. A read told to come back later (429,
        503 with Retry-After) is sent again within READ_RETRIES and RETRY_BUDGET_SECONDS.
        """
        adapter = getattr(self._connection(), service.replace("-", "_"))
        kwargs: dict[str, Any] = {"params": dict(params or {}), "raise_exc": False}
        if body is not None:
            kwargs["json"] = body
        if data is not None:
            kwargs["data"] = data
        if stream:
            kwargs["stream"] = True
        if microversion:
            kwargs["microversion"] = microversion
        if headers:
            kwargs["headers"] = dict(headers)
        response: Response = self._send(adapter, method, service, path, kwargs)
        waited = 0.0
        for _ in range(READ_RETRIES):
            delay = _retry_delay(method, response, waited)
            if delay is None:
                break
            response.close()
            time.sleep(delay)
            waited += delay
            response = self._send(adapter, method, service, path, kwargs)
        self._clock.saw(response.headers.get("Date"))
        raise_for_status(response, service_label(service), operation or f"{method} {path}")
        return response

    def _send(
        self, adapter: Any, method: str, service: str, path: str, kwargs: dict[str, Any]
    ) -> Response:
        if self.on_request is not None:
            self.on_request(method, service, path)
        response: Response = self._sent(
            method,
            f"{service} {path}",
            partial(adapter.request, path, method, **kwargs),
            kwargs.get("json", kwargs.get("data")),
            stream=bool(kwargs.get("stream")),
        )
        return response

    def _sent(
        self,
        method: str,
        where: str,
        call: Callable[[], Any],
        sent: Any = None,
        *,
        stream: bool = False,
    ) -> Any:
        """`call()`, one HTTP request (`where`: its service and path), written to the
        `--debug` log when there is one: every request goes through here."""
        log = self.http_debug
        if log is None:
            return call()
        started = time.monotonic()
        try:
            response = call()
        except Exception as exc:
            log.failed(method, where, time.monotonic() - started, exc, self.secrets)
            raise
        received = None if stream else (response.content if log.bodies else b"")
        log.answered(
            method,
            response.url or where,
            response.status_code,
            _request_id(response.headers),
            time.monotonic() - started,
            self.secrets,
            sent=sent,
            received=received,
        )
        return response

    def _get(
        self,
        service: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        microversion: str | None = None,
        operation: str = "",
        *,
        key: str | None = None,
        kind: Kind = "object",
    ) -> Json:
        """A JSON object, with ``body[key]`` of `kind` when `key` is given."""
        body, _ = self._get_read(
            service, path, Read(key, kind=kind), params, microversion, operation
        )
        return body

    def _get_read(
        self,
        service: str,
        path: str,
        read: Read,
        params: Mapping[str, Any] | None = None,
        microversion: str | None = None,
        operation: str = "",
    ) -> tuple[Json, Any]:
        """GET: the body (a JSON object) and what `read` takes from it."""
        operation = operation or f"GET {path}"
        response = self._request(
            "GET", service, path, params=params, microversion=microversion, operation=operation
        )
        return read_reply(response, service_label(service), operation, read)

    async def _write(
        self,
        action: str,
        target: str,
        method: str,
        service: str,
        path: str,
        *,
        body: Any = None,
        microversion: Microversion = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        read: Read | None = None,
    ) -> Any:
        """A mutating call: refused when read-only, audited whatever happens.

        ``read`` is what the caller takes from the reply (returned parsed); without it the
        reply is returned as it came, or ``{}``. When the reply is not what was expected, or
        the connection broke once the request was sent, the BackendError says the write may
        have been carried out all the same (``maybe_done``).

        ``data`` is the raw body: bytes, chunks, or a callable making them in the worker
        thread once the call is allowed (an upload's file is opened only then).

        ``microversion`` may be a callable, resolved in the worker thread once the call is
        allowed, so a refused write sends no request at all (not even version discovery).
        """
        if self._read_only:
            raise ReadOnlyError(
                f"stackdeck runs read-only: {action} on {target} was not sent.", operation=action
            )

        done = (read or Read(None)).maybe_done(action)

        def send() -> Any:
            version = microversion() if callable(microversion) else microversion
            response = self._request(
                method,
                service,
                path,
                body=body,
                microversion=version,
                operation=action,
                headers=headers,
                data=data() if callable(data) else data,
            )
            if read is not None:
                _, value = read_reply(response, service_label(service), action, read, done=done)
            elif response.status_code == 204 or not response.content:
                value = {}
            else:
                try:
                    value = decoded(response)
                except ValueError:
                    value = {}
            self._audited(action, target, "ok", _request_id(response.headers))
            return value

        try:
            return await self._call(action, send)
        except BackendError as exc:
            if isinstance(exc, ConnectionLost) and _was_sent(exc):
                exc.message = f"{exc.message}: {done}"
                exc.maybe_done = True
            result = f"error: {exc.status or ''} {exc.message}".strip()
            self._audited(action, target, result, exc.request_id)
            raise

    def _audited(self, action: str, target: str, result: str, request_id: str | None) -> None:
        if self._audit is None:
            return
        info = self._info
        self._audit.record(
            AuditRecord(
                time=audit_now(),
                cloud=info.cloud,
                project=info.project,
                user=info.user,
                action=action,
                target=target,
                result=result,
                request_id=request_id or "",
            ),
            self.secrets,
        )

    def _version(self, service: str, wanted: tuple[int, int]) -> str:
        """The microversion to ask ``service`` for: ``wanted``, capped by what it offers."""
        if service not in self._max_versions:
            adapter = getattr(self._connection(), service.replace("-", "_"))
            data = adapter.get_endpoint_data()
            offered = data.max_microversion if data else None
            self._max_versions[service] = (
                (int(offered[0]), int(offered[1]))
                if offered
                else _BASE_VERSION.get(service, (wanted[0], 0))
            )
        return _mv(wanted, self._max_versions[service])

    def _names(self) -> Mapping[str, str]:
        """Project id → name, fetched once; empty when the user may not list projects."""
        if self._project_names is None:
            try:
                body = self._get(
                    "identity", "/projects", operation="list projects", key="projects", kind="list"
                )
                self._project_names = {
                    str(p["id"]): str(p.get("name") or "") for p in body["projects"] if "id" in p
                }
            except BackendError:
                self._project_names = {}
        return self._project_names

    def _compute_version(self, wanted: tuple[int, int]) -> str:
        return self._version("compute", wanted)

    def _volume_version(self) -> str:
        return self._version("block-storage", VOLUME_MV)

    async def _paged(
        self,
        operation: str,
        fetch: Callable[[str | None], tuple[list[T], str | None]],
    ) -> AsyncIterator[list[T]]:
        marker: str | None = None
        seen: set[str] = set()
        while True:
            items, marker = await self._call(operation, partial(fetch, marker))
            if items:
                yield items
            if not marker:
                return
            if marker in seen:  # a service pointing back at a page already read: no endless loop
                raise BackendError(
                    f"The cloud sent the page after {marker!r} again: listing stopped there.",
                    operation=operation,
                )
            seen.add(marker)

    async def _collection(
        self,
        service: str,
        path: str,
        key: str,
        parse: Callable[[Json], T],
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int,
        microversion: Callable[[], str | None] | None = None,
        fast: FastPage[T] | None = None,
    ) -> AsyncIterator[list[T]]:
        """Any limit/marker-paged list: Nova, Neutron, Cinder (``<key>_links``), Glance."""
        operation = f"list {key.replace('_', ' ')}"

        def fetch(marker: str | None) -> tuple[list[T], str | None]:
            query = {**(params or {}), "limit": page_size}
            if marker:
                query["marker"] = marker
            version = microversion() if microversion else None
            return self._list_page(service, path, key, parse, query, version, operation, fast)

        async for page in self._paged(operation, fetch):
            yield page

    def _list_page(
        self,
        service: str,
        path: str,
        key: str,
        parse: Callable[[Json], T],
        params: Mapping[str, Any],
        microversion: str | None,
        operation: str,
        fast: FastPage[T] | None = None,
    ) -> tuple[list[T], str | None]:
        """GET one page of a list: its items and the marker of the next page. `fast` reads
        the body's bytes straight into the items, or returns None to have them read here."""
        response = self._request(
            "GET", service, path, params=params, microversion=microversion, operation=operation
        )
        if fast is not None and (page := fast(response.content)) is not None:
            return page
        body, items = read_reply(
            response, service_label(service), operation, Read(key, parse, "list")
        )
        return items, page_marker(body, key)

    async def _show(
        self,
        service: str,
        path: str,
        key: str | None,
        parse: Callable[[Json], T],
        *,
        kind: str,
        microversion: Callable[[], str | None] | None = None,
    ) -> T:
        """One resource by its URL; ``key`` is the body's wrapper (None: Glance's bare body)."""
        operation = f"show {kind}"

        def fetch() -> T:
            version = microversion() if microversion else None
            item: T
            _, item = self._get_read(
                service, path, Read(key, parse), microversion=version, operation=operation
            )
            return item

        return await self._call(operation, fetch)

    # -- session -------------------------------------------------------------------------

    async def connect(self) -> CloudInfo:
        try:
            self._info = await self._call("authenticate", self._whoami)
        except BackendError:
            self._conn = None  # a retry reads clouds.yaml and the keyring afresh
            raise
        return self._info

    def _whoami(self) -> CloudInfo:
        conn = self._connection()
        access = self._access()
        self.secrets.add(access.auth_token)
        # keystoneauth parsed the token: its names did not pass `decoded`
        return CloudInfo(
            cloud=safe(self._cloud or "envvars"),
            region=safe(conn.config.get_region_name() or ""),
            project=safe(access.project_name or ""),
            project_id=safe(access.project_id or ""),
            user=safe(access.username or ""),
            user_id=safe(access.user_id or ""),
            auth_url=safe(str(conn.config.get_auth_args().get("auth_url", ""))),
            read_only=self._read_only,
            services=_catalog_types(access),
            roles=tuple(safe(r) for r in access.role_names or ()),
            system_scope=bool(getattr(access, "system_scoped", False)),
        )

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await asyncio.to_thread(conn.close)


def _was_sent(exc: BaseException) -> bool:
    """False when no request left: the connection was never made (refused, no route, no
    answer to connect) or the service's versions could not be found first."""
    from keystoneauth1.exceptions import DiscoveryFailure
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    not_sent = (NewConnectionError, ConnectionRefusedError, ConnectTimeoutError, DiscoveryFailure)

    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, not_sent):
            return False
        stack += [e for e in (err.__cause__, err.__context__) if e is not None]
        stack += [a for a in getattr(err, "args", ()) if isinstance(a, BaseException)]
        reason = getattr(err, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return True


def _catalog_types(access: Any) -> tuple[str, ...]:
    catalog = access.service_catalog.catalog if access.has_service_catalog() else []
    return tuple(sorted({str(entry.get("type", "")) for entry in catalog} - {""}))


def translate_exception(exc: Exception, operation: str) -> BackendError:
    """Map keystoneauth / openstacksdk exceptions onto our error family."""
    from keystoneauth1 import exceptions as ksa

    if isinstance(exc, ksa.ConnectFailure | ksa.ConnectTimeout | ksa.DiscoveryFailure):
        return ConnectionLost(f"Cannot reach the cloud: {exc}", operation=operation)
    if isinstance(exc, ksa.UnknownConnectionError):  # e.g. the answer cut short
        return ConnectionLost(f"The connection broke: {exc}", operation=operation)
    if isinstance(exc, ksa.Unauthorized):
        return Unauthorized(
            "Authentication failed: check the user name, password and project.",
            status=401,
            request_id=getattr(exc, "request_id", None),
            operation=operation,
        )
    if isinstance(exc, ksa.HttpError):
        return error_for_status(
            exc.http_status,
            exc.message or exc.__class__.__name__,
            request_id=exc.request_id,
            operation=operation,
        )
    if isinstance(exc, ksa.MissingAuthPlugin | ksa.AuthPluginException):
        return ConfigError(f"The cloud's auth settings are incomplete: {exc}", operation=operation)
    status = getattr(exc, "status_code", None)
    if status is not None:
        return error_for_status(
            status,
            str(getattr(exc, "details", None) or exc),
            request_id=getattr(exc, "request_id", None),
            operation=operation,
        )
    return BackendError(f"{exc.__class__.__name__}: {exc}", operation=operation)
