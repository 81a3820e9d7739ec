"""The local real OpenStack (devcloud) for integration tests: started or reused, never mocked.

If devcloud cannot come up, the tests fail with its output; they are never skipped silently.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tui.backend.openstack import OpenStackBackend

REPO = Path(__file__).resolve().parents[2]
# Another checkout's running devcloud can be used instead of this one's (one per machine).
DEVCLOUD = Path(os.environ.get("STACKDECK_DEVCLOUD_DIR", REPO))
CLOUDS = DEVCLOUD / ".devcloud" / "clouds.yaml"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def devcloud() -> Iterator[Path]:
    run = subprocess.run(
        [str(DEVCLOUD / "devcloud" / "run"), "up"], capture_output=True, text=True, timeout=1800
    )
    if run.returncode != 0:
        pytest.fail(
            f"devcloud/run up failed ({run.returncode}):\n"
            f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}",
            pytrace=False,
        )
    old = os.environ.get("OS_CLIENT_CONFIG_FILE")
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS)
    yield CLOUDS
    if old is None:
        os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
    else:
        os.environ["OS_CLIENT_CONFIG_FILE"] = old


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
