"""The local real OpenStack (devcloud) for integration tests: started or reused, never mocked.

If devcloud cannot come up, the tests fail with its output; they are never skipped silently.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.devcloud import devcloud_up
from tui.backend.openstack import OpenStackBackend


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def devcloud() -> Iterator[Path]:
    with devcloud_up() as clouds:
        yield clouds


@pytest.fixture
async def admin(devcloud: Path) -> AsyncIterator[OpenStackBackend]:
    backend = OpenStackBackend("devcloud-admin")
    await backend.connect()
    yield backend
    await backend.close()


@pytest.fixture
async def demo(devcloud: Path) -> AsyncIterator[OpenStackBackend]:
    backend = OpenStackBackend("devcloud-demo")
    await backend.connect()
    yield backend
    await backend.close()
