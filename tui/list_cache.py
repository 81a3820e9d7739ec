"""The last-seen rows of each list, kept on disk so a restart shows them at once (stale).

One file per list, under the XDG cache dir (``$STACKDECK_CACHE_DIR`` overrides it), named
by a hash of the cloud (name, auth URL, project, region), the resource and its scope. A
file is one JSON header line (format version, stackdeck version, the model class and its
field list, when it was saved) and one JSON line of rows, each row its model's dataclass
fields in order (nested models as lists, tuples as lists, mappings as objects).

What is never written: resources outside `CACHEABLE` (credentials, transfers, tokens, the
raw browser, console logs...), fields or record keys named in `SECRET_KEYS` (passwords,
tokens, private keys, transfer auth keys, user data) at any depth, and the ``raw`` record a
model keeps (rows come back with an empty ``raw``: what describe shows beyond the model's
fields waits for the live list).

Files are 0600 in a 0700 directory, written whole (temp file + rename), bounded (rows per
list, bytes per file, bytes in total: the oldest files go first). A file that cannot be read,
of another format or stackdeck version, or whose model changed, is deleted and ignored.
Everything read back passes the text gate (`tui.text`): a cache file is input too.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import tempfile
import time
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tui import __version__
from tui.text import clean_json, json_needs_gate

FORMAT = 1
MAX_TOTAL_BYTES = 200 * 2**20
MAX_FILE_BYTES = 64 * 2**20
MAX_ROWS = 200_000
SUFFIX = ".list.json"
MODELS_PACKAGE = "tui.backend.models."

# Lists that may be cached at all: inventory an operator looks at, nothing that holds or
# leads to a secret (credentials, volume transfers, tokens, the raw API browser).
CACHEABLE = frozenset(
    {
        "servers",
        "hypervisors",
        "projects",
        "users",
        "networks",
        "subnets",
        "ports",
        "routers",
        "floating-ips",
        "security-groups",
        "security-group-rules",
        "volumes",
        "attachments",
        "volume-snapshots",
        "flavors",
        "images",
        "keypairs",
        "compute-services",
        "network-agents",
        "aggregates",
        "availability-zones",
        "migrations",
        "server-groups",
        "volume-types",
        "stacks",
        "containers",
    }
)
# Field names and record keys never written, wherever they appear.
SECRET_KEYS = frozenset(
    {
        "adminPass",
        "admin_pass",
        "password",
        "passwd",
        "secret",
        "token",
        "auth_token",
        "private_key",
        "auth_key",
        "user_data",
        "OS-EXT-SRV-ATTR:user_data",
        "blob",
        "access_key",
        "secret_key",
    }
)


@dataclass(frozen=True, slots=True)
class Identity:
    """Which cloud, as the token says: a list of another project or region is another file."""

    cloud: str
    auth_url: str
    project_id: str
    region: str


@dataclass(frozen=True, slots=True)
class Cached:
    rows: list[Any]
    saved_at: float  # epoch seconds


def cache_dir() -> Path:
    named = os.environ.get("STACKDECK_CACHE_DIR")
    if named:
        return Path(named)
    from platformdirs import user_cache_path

    return user_cache_path("stackdeck") / "lists"


def list_key(
    identity: Identity, resource: str, all_projects: bool, filters: Iterable[tuple[str, str]]
) -> str:
    """The file name of one list: a hash of the cloud, the resource and its scope."""
    parts = [FORMAT, *_identity_parts(identity), resource, all_projects, sorted(filters)]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]
    return digest + SUFFIX


def _identity_parts(identity: Identity) -> list[str]:
    return [identity.cloud, identity.auth_url, identity.project_id, identity.region]


def age_text(saved_at: float, now: float | None = None) -> str:
    """ "12 s", "3 min", "2 h", "4 days": how old a cached list is."""
    seconds = max(0, int((time.time() if now is None else now) - saved_at))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def stale_refusal(label: str, saved_at: float) -> str:
    """What an action on a row shown from the cache is told."""
    return (
        f"{label} is from the cache ({age_text(saved_at)} old); wait for the refresh "
        "before acting on it."
    )


class ListCache:
    """The cached lists in one directory (see the module's doc)."""

    def __init__(self, root: Path | None = None, *, max_total: int = MAX_TOTAL_BYTES) -> None:
        self.root = root or cache_dir()
        self.max_total = max_total

    # -- which identity a cloud had last time (known before connecting) -----------------

    def last_identity(self, cloud: str) -> Identity | None:
        try:
            data = json.loads(self._identity_path(cloud).read_bytes())
            identity = Identity(*(str(v) for v in clean_json(data)))
        except (OSError, ValueError, TypeError):
            return None
        return identity if identity.cloud == cloud else None

    def remember_identity(self, identity: Identity) -> None:
        if self.last_identity(identity.cloud) != identity:
            body = json.dumps(_identity_parts(identity)).encode()
            self._write(self._identity_path(identity.cloud), body)

    def _identity_path(self, cloud: str) -> Path:
        digest = hashlib.sha256(cloud.encode()).hexdigest()[:32]
        return self.root / f"{digest}.cloud.json"

    # -- lists ----------------------------------------------------------------------------

    def load(self, name: str) -> Cached | None:
        """The rows of list file `name`, or None (a bad file is removed)."""
        path = self.root / name
        try:
            body = path.read_bytes()
        except OSError:
            return None
        try:
            return _decode(body)
        except Exception:  # any unreadable, foreign or outdated file: drop it, never crash
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def store(self, name: str, resource: str, rows: Sequence[Any]) -> bool:
        """Write the rows of a complete list; False when it may not or need not be kept."""
        path = self.root / name
        if resource not in CACHEABLE or len(rows) > MAX_ROWS:
            self.forget(name)
            return False
        body = encode(rows)
        if body is None:
            self.forget(name)
            return False
        self._write(path, body)
        self.evict()
        return True

    def forget(self, name: str) -> None:
        with contextlib.suppress(OSError):
            (self.root / name).unlink()

    def clear(self) -> int:
        """Remove every cached list and identity; how many files went."""
        removed = 0
        for path in self._files("*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed

    def evict(self) -> None:
        """Remove the oldest lists until the rest fit `max_total`."""
        entries = []
        for path in self._files("*" + SUFFIX):
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_total:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size

    def _files(self, pattern: str) -> list[Path]:
        try:
            return list(self.root.glob(pattern))
        except OSError:
            return []

    def _write(self, path: Path, body: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        fd, temp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")  # created 0600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(body)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


# -- encoding ------------------------------------------------------------------------------


def encode(rows: Sequence[Any], max_bytes: int = MAX_FILE_BYTES) -> bytes | None:
    """The file's bytes for `rows` (models of one class), or None if they do not fit.

    A model's ``raw`` record is not kept: it would make the file ~3x bigger and ~2x slower
    to read, and rows shown from the cache are only looked at until the live list comes."""
    if not rows:
        return None
    cls = type(rows[0])
    if not is_dataclass(cls) or not cls.__module__.startswith(MODELS_PACKAGE):
        return None
    encoder = _encoder(cls, keep_raw=False)
    body = json.dumps([encoder(row) for row in rows], separators=(",", ":")).encode()
    if len(body) > max_bytes:
        return None
    header = {
        "format": FORMAT,
        "version": __version__,
        "model": f"{cls.__module__}:{cls.__qualname__}",
        "fields": model_fields(cls),
        "saved_at": time.time(),
    }
    return json.dumps(header).encode() + b"\n" + body


def _decode(body: bytes) -> Cached:
    head, _, rows_body = body.partition(b"\n")
    header = json.loads(head)
    if header.get("format") != FORMAT or header.get("version") != __version__:
        raise ValueError("another format or stackdeck version")
    cls = _model_class(str(header["model"]))
    if header.get("fields") != model_fields(cls):
        raise ValueError("the model changed")
    data = json.loads(rows_body)
    if json_needs_gate(rows_body):
        data = clean_json(data)
    decoder = _decoder(cls)
    return Cached([decoder(row) for row in data], float(header["saved_at"]))


def _model_class(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not module.startswith(MODELS_PACKAGE):
        raise ValueError(f"not a model: {name}")
    cls = getattr(importlib.import_module(module), qualname)
    if not isinstance(cls, type) or not is_dataclass(cls):
        raise ValueError(f"not a model: {name}")
    return cls


def model_fields(cls: type) -> list[Any]:
    """The model's shape: its fields with their types, nested models' too."""
    shape: list[Any] = []
    for name, kind in _field_types(cls):
        inner = _model_of(kind)
        shape.append([name, str(kind) if inner is None else model_fields(inner)])
    return shape


def _field_types(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, hints.get(f.name, Any)) for f in fields(cls) if f.name not in SECRET_KEYS]


def _model_of(kind: Any) -> type | None:
    """The dataclass a field holds, alone or as ``tuple[Model, ...]``."""
    if isinstance(kind, type) and is_dataclass(kind):
        return kind
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        if args and isinstance(args[0], type) and is_dataclass(args[0]):
            return args[0]
    return None


def scrub(value: Any) -> Any:
    """A JSON-able copy of `value` without any key named in `SECRET_KEYS`."""
    if isinstance(value, Mapping):
        return {k: scrub(v) for k, v in value.items() if k not in SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@cache
def _encoder(cls: type, keep_raw: bool) -> Callable[[Any], list[Any]]:
    """A row of `cls` as the list of its fields' JSON values (made once per class)."""
    parts: list[Callable[[Any], Any]] = []
    for name, kind in _field_types(cls):
        parts.append(_field_encoder(name, kind, keep_raw))

    def encode_row(row: Any) -> list[Any]:
        return [part(row) for part in parts]

    return encode_row


def _field_encoder(name: str, kind: Any, keep_raw: bool) -> Callable[[Any], Any]:
    if name == "raw" and not keep_raw:
        return lambda row: {}
    get = _getter(name)
    convert = _value_encoder(kind, keep_raw)
    if convert is None:
        return get
    return lambda row: convert(get(row))


def _value_encoder(kind: Any, keep_raw: bool) -> Callable[[Any], Any] | None:
    """How a value of type `kind` becomes JSON (None: as it is)."""
    if kind in (str, int, bool, float):
        return None
    if isinstance(kind, type) and is_dataclass(kind):
        return _encoder(kind, keep_raw)
    args = [a for a in typing.get_args(kind) if a is not Ellipsis]
    if typing.get_origin(kind) is tuple:
        items = [_value_encoder(a, keep_raw) for a in args]
        if all(i is None for i in items):
            return list
        if len(items) == 1 and typing.get_args(kind)[-1] is Ellipsis:
            one = items[0]
            assert one is not None
            return lambda v: [one(x) for x in v]
        return lambda v: [x if i is None else i(x) for i, x in zip(items, v, strict=True)]
    if type(None) in args:  # X | None
        (inner,) = [a for a in args if a is not type(None)] or [Any]
        convert = _value_encoder(inner, keep_raw)
        if convert is None:
            return None
        return lambda v: None if v is None else convert(v)
    return scrub


def _getter(name: str) -> Callable[[Any], Any]:
    def get(row: Any) -> Any:
        return getattr(row, name)

    return get


@cache
def _decoder(cls: type) -> Callable[[list[Any]], Any]:
    """A row of `cls` from the list `_encoder` made (made once per class)."""
    names: list[str] = []
    converters: list[Callable[[Any], Any] | None] = []
    for name, kind in _field_types(cls):
        names.append(name)
        converters.append(_field_decoder(kind))
    positional = len(names) == len(fields(cls))  # no secret field left out
    pairs = list(zip(names, converters, strict=True))

    def decode_row(values: list[Any]) -> Any:
        if len(values) != len(names):
            raise ValueError(f"{cls.__name__}: {len(values)} values for {len(names)} fields")
        if positional:
            return cls(*[v if c is None else c(v) for (_, c), v in zip(pairs, values, strict=True)])
        return cls(**{n: v if c is None else c(v) for (n, c), v in zip(pairs, values, strict=True)})

    return decode_row


def _field_decoder(kind: Any) -> Callable[[Any], Any] | None:
    """How JSON becomes a value of type `kind` again (None: as it is)."""
    if isinstance(kind, type) and is_dataclass(kind):
        return _decoder(kind)
    args = [a for a in typing.get_args(kind) if a is not Ellipsis]
    if typing.get_origin(kind) is tuple:
        items = [_field_decoder(a) for a in args]
        if all(i is None for i in items):
            return tuple
        if len(items) == 1 and typing.get_args(kind)[-1] is Ellipsis:
            one = items[0]
            assert one is not None
            return lambda v: tuple(one(x) for x in v)
        return lambda v: tuple(x if i is None else i(x) for i, x in zip(items, v, strict=True))
    if type(None) in args:
        (inner,) = [a for a in args if a is not type(None)] or [Any]
        convert = _field_decoder(inner)
        if convert is None:
            return None
        return lambda v: None if v is None else convert(v)
    return None
