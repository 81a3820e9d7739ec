"""The raw API browser's rules, as pure functions: which paths may be sent, what is shown.

Strictly read-only: the backends send GET (or HEAD) only, to a path below a catalog endpoint,
never to another host. Secrets (tokens, cookies) never reach what is displayed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from tui.backend.errors import BackendError
from tui.text import clean_json, safe

READ_METHODS = ("GET", "HEAD")
MAX_SHOWN_BYTES = 4_000_000
_SECRET_HEADERS = {
    "x-auth-token",
    "x-subject-token",
    "x-service-token",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
}
IMPORTANT_HEADERS = (
    "content-type",
    "content-length",
    "openstack-api-version",
    "x-openstack-nova-api-version",
    "location",
    "link",
    "retry-after",
)
_REQUEST_ID_HEADERS = ("x-openstack-request-id", "x-compute-request-id", "x-request-id")


_UNPARSED: Any = object()


class PathError(ValueError):
    """A path the browser refuses to send, with why."""


def clean_path(text: str) -> str:
    """A path relative to the endpoint ("/os-hypervisors?limit=5"), or PathError saying why not.

    No scheme or host, no ``..`` above the endpoint, no fragments, no spaces or control bytes.
    """
    path = text.strip()
    if not path:
        raise PathError("Type a path below the endpoint, e.g. /servers or /v2.0/networks.")
    if "://" in path or path.startswith("//") or "\\" in path:
        raise PathError("Give a path below the endpoint, not a URL: no scheme, no host.")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in path):
        raise PathError("A path cannot contain spaces or control characters (use %20).")
    if "#" in path:
        raise PathError("A path cannot contain a fragment (#).")
    route, sep, query = path.partition("?")
    depth = 0
    for segment in route.split("/"):
        name = unquote(segment)
        if "/" in name or "\\" in name:
            raise PathError("A path segment cannot hide a slash (%2F).")
        if name == "..":
            depth -= 1
            if depth < 0:
                raise PathError("'..' would leave the endpoint; paths stay below it.")
        elif name not in ("", "."):
            depth += 1
    return "/" + route.lstrip("/") + (sep + query if query else "")


def request_url(endpoint_url: str, path: str) -> str:
    """The endpoint URL joined with a clean path. A path repeating the endpoint's version
    ("/v3/projects" on ".../v3") is taken once: the catalog often includes the version."""
    base = endpoint_url.rstrip("/")
    last = urlsplit(base).path.rstrip("/").rsplit("/", 1)[-1]
    if last and (path == f"/{last}" or path.startswith((f"/{last}/", f"/{last}?"))):
        path = path[len(last) + 1 :] or "/"
    return base + path


def read_request(endpoint_url: str, path: str, method: str) -> tuple[str, str]:
    """(clean path, URL) of a read request; refuses any method but GET/HEAD and bad paths."""
    if method not in READ_METHODS:
        raise BackendError(f"The raw browser only reads: {method} is never sent.")
    path = clean_path(path)
    return path, request_url(endpoint_url, path)


def link_path(endpoint_url: str, href: str) -> str:
    """A link from a response body as a path below the endpoint (the browser never follows a
    link to another host: an absolute href only lends its path and query)."""
    parts = urlsplit(href)
    path = parts.path or "/"
    prefix = urlsplit(endpoint_url).path.rstrip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :] or "/"
    return clean_path(path + (f"?{parts.query}" if parts.query else ""))


def shown_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Response headers without secrets (tokens, cookies, authorization)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple(
        (safe(name), safe(value))
        for name, value in items
        if name.lower() not in _SECRET_HEADERS and "token" not in name.lower()
    )


_TEXT_TYPES = ("json", "text/", "xml", "javascript", "yaml")


def body_text(content_type: str, content: bytes) -> str:
    """A body as text to show; a binary one (an image file...) is only described."""
    kind = content_type.split(";")[0].strip().lower()
    if kind and not any(t in kind for t in _TEXT_TYPES):
        more = "+" if len(content) >= MAX_SHOWN_BYTES else ""
        return f"({len(content):,}{more} bytes of {safe(kind)}: not shown)" if content else ""
    shown = safe(content.decode("utf-8", errors="replace"), multiline=True)
    if len(content) >= MAX_SHOWN_BYTES:
        shown += f"\n… (cut at {MAX_SHOWN_BYTES:,} bytes)"
    return shown


def body_links(body: Any, link_header: str = "") -> list[tuple[str, str]]:
    """(rel, href) of the links a response offers: Glance's ``next``, Keystone's ``links``,
    Nova/Neutron/Cinder's ``*_links`` and the ``Link`` header (Gnocchi). ``next`` first."""
    found: list[tuple[str, str]] = []
    for part in link_header.split(","):
        if "<" in part and ">" in part:
            href = part[part.index("<") + 1 : part.index(">")]
            rel = part.split("rel=", 1)[1].strip().strip('"') if "rel=" in part else "link"
            found.append((rel, href))
    if isinstance(body, Mapping):
        for key, value in body.items():
            if key in ("next", "previous", "first", "schema", "self") and isinstance(value, str):
                found.append((key, value))
            elif key == "links" or key.endswith("_links"):
                found.extend(_links_in(value))
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda link: link[0] != "next")


def _links_in(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):  # Keystone: {"self": ..., "next": null, "previous": null}
        return [(str(k), v) for k, v in value.items() if isinstance(v, str) and v]
    if isinstance(value, list):
        return [
            (str(item.get("rel", "link")), item["href"])
            for item in value
            if isinstance(item, Mapping) and isinstance(item.get("href"), str)
        ]
    return []


@dataclass(frozen=True, slots=True)
class RawResponse:
    """What one GET answered: status, headers (secrets removed), body, timing."""

    method: str
    url: str
    path: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    text: str
    elapsed_ms: int
    message: str = ""  # the service's error message, for 4xx/5xx

    @property
    def ok(self) -> bool:
        return self.status < 400

    def header(self, name: str) -> str:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), "")

    @property
    def request_id(self) -> str:
        return next((v for h in _REQUEST_ID_HEADERS if (v := self.header(h))), "")

    @property
    def important(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.headers if k.lower() in IMPORTANT_HEADERS]

    def json(self) -> Any:
        """The parsed body, or None when it is not JSON."""
        try:
            return json.loads(self.text) if self.text.strip() else None
        except ValueError:
            return None

    def pretty(self, body: Any = _UNPARSED) -> str:
        """The body re-indented when it is JSON (pass `body` when it is parsed already)."""
        if body is _UNPARSED:
            body = self.json()
        if body is None:
            return self.text if self.text.strip() else "(empty body)"
        # decoding turns the body's \u001b escapes into the characters: gate them again
        return json.dumps(clean_json(body), indent=2, ensure_ascii=False, sort_keys=False)

    def links(self) -> list[tuple[str, str]]:
        return body_links(self.json(), self.header("link"))
