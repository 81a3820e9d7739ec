"""Swift containers and objects: a container from creation to deletion, uploads and
downloads with their progress, listings with pseudo-folders and pages, and Swift's refusals
(a container that is not empty, what does not exist).

devcloud runs no Swift yet: its parameter skips, saying so; the bodies are written against
Swift's API as the real backend reads it, so they run on devcloud once it does.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab, lab_without
from tests.contract.support import collect, refused, undo
from tui.backend.errors import Conflict, NotFound

pytestmark = pytest.mark.asyncio(loop_scope="module")

PINNED = """
containers container create_container delete_container objects delete_object upload_object
download_object
"""
COVERS = frozenset(PINNED.split())

RUN = uuid.uuid4().hex[:6]
# name -> content: two pseudo-folders deep, so a delimiter listing folds them
OBJECTS = {
    "README.txt": b"read me\n" * 40,
    "db/2026-11-01.sql": b"insert;\n" * 700,
    "db/2026-11-02.sql": b"update;\n" * 800,
    "db/weekly/w44.sql": b"select;\n" * 900,
    "etc/nova.conf": b"[DEFAULT]\n" * 50,
}


lab = lab_without("object-store")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def filled(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A container holding OBJECTS, uploaded by the project member."""
    name = f"ct-net-{RUN}-filled"
    source = tmp_path_factory.mktemp("objects")
    await lab.owner.create_container(name)
    try:
        for n, (key, data) in enumerate(OBJECTS.items()):
            path = source / f"{n}{Path(key).suffix}"
            path.write_bytes(data)
            await lab.owner.upload_object(name, key, str(path))
        yield name
    finally:
        await undo(lab.owner.delete_object(name, key) for key in OBJECTS)
        await undo([lab.owner.delete_container(name)])


async def test_a_container_from_creation_to_deletion(lab: Lab, tmp_path: Path) -> None:
    name = f"ct-net-{RUN}-life"
    created = await lab.owner.create_container(name)
    assert (created.name, created.count, created.bytes) == (name, 0, 0)
    again = await lab.owner.create_container(name)  # Swift answers 202: nothing changes
    assert (again.name, again.count) == (name, 0)
    assert name in {c.name for c in await collect(lab.owner.containers())}

    source = tmp_path / "a.txt"
    source.write_bytes(b"line\n" * 1000)
    progress: list[tuple[int, int | None]] = []
    threads: set[str] = set()

    def watch(done: int, total: int | None) -> None:
        progress.append((done, total))
        threads.add(threading.current_thread().name)

    stored = await lab.owner.upload_object(name, "2026/a.txt", str(source), watch)
    assert threading.main_thread().name not in threads, "progress comes from a worker thread"
    assert (stored.name, stored.bytes, stored.content_type) == ("2026/a.txt", 5000, "text/plain")
    assert progress[-1] == (5000, 5000)
    shown = await lab.owner.container(name)
    assert (shown.count, shown.bytes) == (1, 5000)

    await refused(
        lab.owner.delete_container(name),
        Conflict,
        409,
        f"container {name} is not empty (HTTP 409); delete its objects first.",
        operation="delete-container",
    )
    await lab.owner.delete_object(name, "2026/a.txt")
    await lab.owner.delete_container(name)
    assert name not in {c.name for c in await collect(lab.owner.containers())}
    error = await refused(lab.owner.container(name), NotFound, 404, "")
    assert name in error.message


async def test_an_object_comes_back_whole(lab: Lab, filled: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.sql"
    seen: list[tuple[int, int | None]] = []
    got = await lab.owner.download_object(
        filled, "db/weekly/w44.sql", str(target), lambda d, t: seen.append((d, t))
    )
    assert got == len(OBJECTS["db/weekly/w44.sql"]) and seen[-1] == (got, got)
    assert target.read_bytes() == OBJECTS["db/weekly/w44.sql"]
    assert [p.name for p in tmp_path.iterdir()] == ["copy.sql"], "no partial file is left"


async def test_listings_fold_pseudo_folders(lab: Lab, filled: str) -> None:
    async def shorts(prefix: str = "", delimiter: str = "/") -> list[str]:
        listed = await collect(lab.owner.objects(filled, prefix=prefix, delimiter=delimiter))
        return [o.short for o in listed]

    assert await shorts() == ["README.txt", "db/", "etc/"]
    assert await shorts("db/") == ["2026-11-01.sql", "2026-11-02.sql", "weekly/"]
    flat = await collect(lab.owner.objects(filled))
    assert [o.name for o in flat] == sorted(OBJECTS)
    for o in flat:
        assert (o.container, o.bytes, o.folder) == (filled, len(OBJECTS[o.name]), False)
        assert o.hash and o.last_modified
    folders = await collect(lab.owner.objects(filled, delimiter="/"))
    assert [o.folder for o in folders] == [False, True, True]
    pages = [page async for page in lab.owner.objects(filled, page_size=2)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [o.name for p in pages for o in p] == sorted(OBJECTS)


async def test_what_does_not_exist(lab: Lab, filled: str, tmp_path: Path) -> None:
    missing = f"ct-net-{RUN}-missing"
    for call in (
        lab.owner.container(missing),
        collect(lab.owner.objects(missing)),
        lab.owner.delete_container(missing),
        lab.owner.delete_object(filled, "nope.txt"),
        lab.owner.download_object(filled, "nope.txt", str(tmp_path / "nope")),
    ):
        await refused(call, NotFound, 404, "")
    assert not (tmp_path / "nope").exists()
