"""Bringing up the project's local OpenStack for a test session (shared by the conftests)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Another checkout's running devcloud can be used instead of this one's (one per machine).
DEVCLOUD = Path(os.environ.get("STACKDECK_DEVCLOUD_DIR", REPO))
CLOUDS = DEVCLOUD / ".devcloud" / "clouds.yaml"


@contextmanager
def devcloud_up(*flags: str) -> Iterator[Path]:
    """`devcloud/run up` (idempotent); a failure fails the test with devcloud's own output."""
    command = [str(DEVCLOUD / "devcloud" / "run"), "up", *flags]
    run = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if run.returncode != 0:
        pytest.fail(
            f"{' '.join(command[-2:])} failed ({run.returncode}):\n"
            f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}",
            pytrace=False,
        )
    old = os.environ.get("OS_CLIENT_CONFIG_FILE")
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS)
    try:
        yield CLOUDS
    finally:
        if old is None:
            os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
        else:
            os.environ["OS_CLIENT_CONFIG_FILE"] = old
