"""The last-seen rows of each list, kept on disk so a restart shows them at once (stale).

One file per list, under the XDG cache dir (``$STACKDECK_CACHE_DIR`` overrides it), named
by a hash of the cloud (name, auth URL, project, region), the resource and its scope. A
file is one JSON header line (format version, stackdeck version, the model class and its
field list, when it was saved, the cloud's time the list is current as of) and one JSON line
of rows, each row an object of its model's fields (msgspec writes and reads it, straight
into the model's dataclass, checking each value's type).

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
import functools
import gc
import hashlib
import importlib
import json
import operator
import os
import tempfile
import time
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import GenericAlias, UnionType
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import msgspec  # imported where rows are written or read: in a worker thread

from tui import __version__
from tui.text import clean_json, json_needs_gate

FORMAT = 2  # 2: msgspec, the cloud's time of the list (`since`)
MAX_TOTAL_BYTES = 256 * 2**20
MAX_FILE_BYTES = 128 * 2**20
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
    # the cloud's clock when the list began (less a margin): a refresh by changes from
    # there brings the rows current; None when the cloud did not say
    since: datetime | None = None


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

    def store(
        self, name: str, resource: str, rows: Sequence[Any], since: datetime | None = None
    ) -> bool:
        """Write the rows of a complete list (listed as of the cloud's clock `since`);
        False when it may not or need not be kept."""
        path = self.root / name
        if resource not in CACHEABLE or len(rows) > MAX_ROWS:
            self.forget(name)
            return False
        body = encode(rows, since=since)
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


def encode(
    rows: Sequence[Any], max_bytes: int = MAX_FILE_BYTES, since: datetime | None = None
) -> bytes | None:
    """The file's bytes for `rows` (models of one class) listed as of the cloud's clock
    `since`, or None if they do not fit or cannot be written.

    A model's ``raw`` record is not kept: it would make the file ~3x bigger and ~2x slower
    to read, and rows shown from the cache are only looked at until the live list comes."""
    if not rows:
        return None
    cls = type(rows[0])
    if not is_dataclass(cls) or not cls.__module__.startswith(MODELS_PACKAGE):
        return None
    import msgspec

    try:
        mirrored = GenericAlias(list, (_mirror(cls),))
        with _gc_paused():
            records = msgspec.convert(rows, mirrored, from_attributes=True)
        if (scrub_record := _scrubber(cls)) is not None:
            for record in records:
                scrub_record(record)
        body = msgspec.json.encode(records, enc_hook=str)
    except (msgspec.ValidationError, msgspec.EncodeError, TypeError):
        return None  # a row that does not hold what its model declares: keep nothing
    if len(body) > max_bytes:
        return None
    header = {
        "format": FORMAT,
        "version": __version__,
        "model": f"{cls.__module__}:{cls.__qualname__}",
        "fields": model_fields(cls),
        "saved_at": time.time(),
        "since": None if since is None else since.isoformat(),
    }
    return msgspec.json.encode(header) + b"\n" + body


def _decode(body: bytes) -> Cached:
    import msgspec

    head, _, rows_body = body.partition(b"\n")
    header = msgspec.json.decode(head)
    if not isinstance(header, dict):
        raise ValueError("no header")
    if header.get("format") != FORMAT or header.get("version") != __version__:
        raise ValueError("another format or stackdeck version")
    cls = _model_class(str(header["model"]))
    if header.get("fields") != model_fields(cls):
        raise ValueError("the model changed")
    with _gc_paused():
        if json_needs_gate(rows_body):  # escapes or odd characters: every string gated
            data = clean_json(msgspec.json.decode(rows_body))
            rows = msgspec.convert(data, GenericAlias(list, (cls,)))
        else:
            rows = _rows_decoder(cls).decode(rows_body)
    since = header.get("since")
    return Cached(
        rows,
        float(header["saved_at"]),
        None if since is None else _aware(datetime.fromisoformat(str(since))),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
    """The fields written: all but secrets and the ``raw`` record."""
    hints = typing.get_type_hints(cls)
    return [
        (f.name, hints.get(f.name, Any))
        for f in fields(cls)
        if f.name not in SECRET_KEYS and f.name != "raw"
    ]


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


# A model's row is written through a msgspec Struct mirroring its written fields (an
# object of them, nested models likewise): msgspec reads it back straight into the model's
# dataclass, in C, checking every value's type on the way.

_PLAIN = (str, int, float, bool, bytes, type(None))


@cache
def _mirror(cls: type) -> type[msgspec.Struct]:
    """The Struct one row of `cls` is written as (made once per class)."""
    import msgspec

    spec = [(name, _mirror_type(kind)) for name, kind in _field_types(cls)]
    return msgspec.defstruct(f"Cached{cls.__name__}", spec)


def _mirror_type(kind: Any) -> Any:
    """`kind` with every model in it replaced by its mirror Struct."""
    if isinstance(kind, type) and is_dataclass(kind):
        return _mirror(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and args:
        return tuple[tuple(a if a is Ellipsis else _mirror_type(a) for a in args)]  # type: ignore[misc]
    if origin in (Union, UnionType) and args:
        return functools.reduce(operator.or_, [_mirror_type(a) for a in args])
    return kind


@cache
def _rows_decoder(cls: type) -> msgspec.json.Decoder[list[Any]]:
    import msgspec

    return msgspec.json.Decoder(GenericAlias(list, (cls,)))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC while a list's rows are made (or mirrored): ~100k objects allocated,
    none freed, so the collections they would trigger find nothing and cost ~half the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _needs_scrub(kind: Any) -> bool:
    """Whether a value of `kind` may hold a mapping (whose keys could name a secret)."""
    if kind in _PLAIN or kind is Ellipsis:
        return False
    if isinstance(kind, type) and is_dataclass(kind):
        return False  # its own fields are checked by its own scrubber
    origin = typing.get_origin(kind)
    if origin is tuple or origin in (Union, UnionType):
        return any(_needs_scrub(a) for a in typing.get_args(kind))
    return True


@cache
def _scrubber(cls: type) -> Callable[[Any], None] | None:
    """What removes secret-named keys from a mirrored row of `cls` (None: it cannot hold
    any, the usual case: no per-row work)."""
    steps: list[Callable[[Any], None]] = []
    for name, kind in _field_types(cls):
        inner = _model_of(kind)
        nested = None if inner is None else _scrubber(inner)
        if nested is not None:
            steps.append(_nested_scrub(name, nested, many=inner is not kind))
        elif inner is None and _needs_scrub(kind):
            steps.append(_field_scrub(name))
    if not steps:
        return None

    def scrub_record(record: Any) -> None:
        for step in steps:
            step(record)

    return scrub_record


def _field_scrub(name: str) -> Callable[[Any], None]:
    def step(record: Any) -> None:
        value = getattr(record, name)
        if value is not None and not isinstance(value, _PLAIN):
            setattr(record, name, scrub(value))

    return step


def _nested_scrub(name: str, nested: Callable[[Any], None], many: bool) -> Callable[[Any], None]:
    def step(record: Any) -> None:
        value = getattr(record, name)
        for item in (value if many else (value,)) if value is not None else ():
            nested(item)

    return step
