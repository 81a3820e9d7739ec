"""The list cache: round trips of the models, 0600 files, no secrets, bad files dropped,
eviction at the bound, one file per cloud/project/region/scope."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import AsyncIterator
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.backend.memory import MemoryBackend
from tui.backend.memory.data import server_json
from tui.backend.models import Server
from tui.list_cache import (
    FORMAT,
    Identity,
    ListCache,
    age_text,
    encode,
    list_key,
    stale_refusal,
)
from tui.text import is_clean

HERE = Identity("mycloud", "https://keystone.example:5000/v3", "p1", "RegionOne")


async def _all(pages: AsyncIterator[list[Any]]) -> list[Any]:
    return [row async for page in pages for row in page]


def _same_fields(a: Any, b: Any) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(a) if f.name != "raw")


@pytest.fixture
def cache(tmp_path: Path) -> ListCache:
    return ListCache(tmp_path / "lists")


@pytest.mark.parametrize("resource", ["servers", "volumes", "ports", "hypervisors", "networks"])
async def test_rows_come_back_as_the_models_they_were(cache: ListCache, resource: str) -> None:
    backend = MemoryBackend(servers=30)
    lister = getattr(backend, resource)
    kwargs = {"all_projects": True} if resource in ("servers", "volumes") else {}
    rows = await _all(lister(**kwargs))
    assert rows
    name = list_key(HERE, resource, True, ())
    assert cache.store(name, resource, rows)
    cached = cache.load(name)
    assert cached is not None
    assert [type(r) for r in cached.rows] == [type(r) for r in rows]
    assert all(_same_fields(a, b) for a, b in zip(cached.rows, rows, strict=True))
    assert all(r.raw == {} for r in cached.rows)  # the raw record is not kept
    if resource == "servers":
        assert any(r.addresses for r in cached.rows)  # nested models (addresses) too


def test_files_are_private(cache: ListCache) -> None:
    rows = [Server.from_api(server_json(i, 2, ["compute1"])) for i in range(3)]
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", rows)
    cache.remember_identity(HERE)
    assert stat.S_IMODE(cache.root.stat().st_mode) == 0o700
    for path in cache.root.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_no_secret_is_written(cache: ListCache) -> None:
    record = {
        **server_json(1, 2, ["compute1"]),
        "adminPass": "hunter2-admin",
        "OS-EXT-SRV-ATTR:user_data": "c2VjcmV0LXVzZXJkYXRh",
        "metadata": {"password": "hunter2-meta"},
    }
    server = Server.from_api(record)
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", [server])
    text = (cache.root / name).read_text()
    for secret in ("hunter2", "c2VjcmV0LXVzZXJkYXRh", "adminPass", "user_data"):
        assert secret not in text


def test_secret_keys_inside_mappings_are_never_written() -> None:
    from tui.backend.models.orchestration import StackSpec

    spec = StackSpec(
        "s1",
        {"resources": {"db": {"properties": {"password": "hunter2-deep", "size": 1}}}},
        environment={"parameters": {"token": "hunter2-env"}},
    )
    body = encode([spec])
    assert body is not None
    assert b"hunter2" not in body and b"password" not in body and b"token" not in body
    assert b'"size":1' in body


def test_rows_keep_the_cloud_time_of_their_list(cache: ListCache) -> None:
    rows = [Server.from_api(server_json(i, 2, ["compute1"])) for i in range(3)]
    name = list_key(HERE, "servers", False, ())
    since = datetime(2026, 12, 3, 14, 0, 5, tzinfo=UTC)
    cache.store(name, "servers", rows, since=since)
    cached = cache.load(name)
    assert cached is not None and cached.since == since
    cache.store(name, "servers", rows)
    cached = cache.load(name)
    assert cached is not None and cached.since is None


def test_a_file_of_the_previous_format_is_ignored_and_removed(cache: ListCache) -> None:
    rows = [Server.from_api(server_json(i, 2, ["compute1"])) for i in range(3)]
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", rows)
    path = cache.root / name
    head, _, body = path.read_bytes().partition(b"\n")
    header = json.loads(head)
    header["format"] = 1  # stdlib json objects, no cloud time
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert cache.load(name) is None
    assert not path.exists()


@pytest.mark.parametrize(
    "tampered",
    [
        b'[{"id": "x"}]',  # fields missing
        b'[{"id": 1, "name": ["not", "text"]}]',
        b'{"not": "a list"}',
        b"[[1, 2, 3]]",
    ],
)
def test_rows_that_do_not_fit_the_model_drop_the_file(cache: ListCache, tampered: bytes) -> None:
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", [Server.from_api(server_json(1, 2, ["compute1"]))])
    path = cache.root / name
    head, _, _ = path.read_bytes().partition(b"\n")
    path.write_bytes(head + b"\n" + tampered)
    assert cache.load(name) is None
    assert not path.exists()


def test_lists_that_hold_secrets_are_never_written(cache: ListCache) -> None:
    rows = [Server.from_api(server_json(1, 2, ["compute1"]))]
    for resource in ("transfers", "token", "raw", "credentials"):
        name = list_key(HERE, resource, False, ())
        assert not cache.store(name, resource, rows)
        assert not (cache.root / name).exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"",
        b'{"format": 999}\n[]',
        json.dumps({"format": FORMAT, "version": "0.0.0-other"}).encode() + b"\n[]",
    ],
)
def test_an_unreadable_or_foreign_file_is_ignored_and_removed(
    cache: ListCache, body: bytes
) -> None:
    name = list_key(HERE, "servers", False, ())
    cache.root.mkdir(parents=True)
    (cache.root / name).write_bytes(body)
    assert cache.load(name) is None
    assert not (cache.root / name).exists()


def test_a_changed_model_is_ignored_and_removed(cache: ListCache) -> None:
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", [Server.from_api(server_json(1, 2, ["compute1"]))])
    head, _, rows = (cache.root / name).read_bytes().partition(b"\n")
    header = json.loads(head)
    header["fields"] = header["fields"][:-1]  # a field the model no longer has
    (cache.root / name).write_bytes(json.dumps(header).encode() + b"\n" + rows)
    assert cache.load(name) is None
    assert not (cache.root / name).exists()


def test_a_model_outside_the_models_is_refused(cache: ListCache) -> None:
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", [Server.from_api(server_json(1, 2, ["compute1"]))])
    head, _, rows = (cache.root / name).read_bytes().partition(b"\n")
    header = json.loads(head)
    header["model"] = "os:system"
    (cache.root / name).write_bytes(json.dumps(header).encode() + b"\n" + rows)
    assert cache.load(name) is None


def test_text_read_back_passes_the_gate(cache: ListCache) -> None:
    server = Server.from_api(server_json(1, 2, ["compute1"]))
    name = list_key(HERE, "servers", False, ())
    cache.store(name, "servers", [server])
    path = cache.root / name
    body = path.read_bytes()
    body = body.replace(server.name.encode(), b"evil\\u001b]0;pwned\\u0007")
    body = body.replace(server.host.encode(), "right\u202eto-left".encode())
    path.write_bytes(body)
    cached = cache.load(name)
    assert cached is not None
    assert cached.rows[0].name == "evil␛]0;pwned␇"
    assert is_clean(cached.rows[0].host) and "\u202e" not in cached.rows[0].host
    # a raw control character is not JSON at all: the file goes
    path.write_bytes(body.replace(b"right", b"\x1b[31m"))
    assert cache.load(name) is None
    assert not path.exists()


def test_the_oldest_lists_go_past_the_bound(tmp_path: Path) -> None:
    rows = [Server.from_api(server_json(i, 2, ["compute1"])) for i in range(50)]
    probe = ListCache(tmp_path / "probe")
    probe.store("probe.list.json", "servers", rows)
    size = (probe.root / "probe.list.json").stat().st_size
    cache = ListCache(tmp_path / "lists", max_total=int(size * 2.5))
    names = [list_key(replace(HERE, project_id=f"p{i}"), "servers", False, ()) for i in range(4)]
    for age, name in enumerate(names):
        cache.store(name, "servers", rows)
        mtime = 1_000_000 + age
        os.utime(cache.root / name, (mtime, mtime))
    kept = [n for n in names if (cache.root / n).exists()]
    assert kept == names[-2:]


def test_keys_differ_per_project_region_cloud_and_scope() -> None:
    keys = {
        list_key(HERE, "servers", False, ()),
        list_key(HERE, "servers", True, ()),
        list_key(HERE, "servers", False, (("host", "compute1"),)),
        list_key(HERE, "volumes", False, ()),
        list_key(replace(HERE, project_id="p2"), "servers", False, ()),
        list_key(replace(HERE, region="RegionTwo"), "servers", False, ()),
        list_key(replace(HERE, auth_url="https://other:5000/v3"), "servers", False, ()),
        list_key(replace(HERE, cloud="othercloud"), "servers", False, ()),
    }
    assert len(keys) == 8


def test_the_identity_of_a_cloud_is_remembered(cache: ListCache) -> None:
    assert cache.last_identity("mycloud") is None
    cache.remember_identity(HERE)
    assert cache.last_identity("mycloud") == HERE
    assert cache.last_identity("othercloud") is None
    assert cache.clear() == 1
    assert cache.last_identity("mycloud") is None


def test_age_and_refusal_texts() -> None:
    assert age_text(1000, now=1012) == "12 s"
    assert age_text(1000, now=1000 + 180) == "3 min"
    assert age_text(1000, now=1000 + 7200) == "2 h"
    assert age_text(1000, now=1000 + 5 * 86400) == "5 days"
    assert "from the cache" in stale_refusal("web-1", 0)
