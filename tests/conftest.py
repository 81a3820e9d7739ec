"""Shared test setup: a clean terminal environment, an in-memory keyring, SVG snapshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from syrupy.extensions.image import SVGImageSnapshotExtension

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = REPO / "snapshots"

for var in ("TEXTUAL_THEME", "NO_COLOR", "TEXTUAL", "OS_CLOUD"):
    os.environ.pop(var, None)
os.environ["TEXTUAL_CURSOR_BLINK"] = "0"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives and dies with the test session; never touches the OS."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    return ring


@pytest.fixture(autouse=True)
def state_home(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    """stackdeck's state (audit log, crash files) in a fresh folder per test, never the
    user's. The app survives its own bugs (an error panel and a crash file), so a test whose
    app wrote a crash file fails here, unless it asked for `crash_dir`: it expects them."""
    home = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    monkeypatch.setenv("STACKDECK_CACHE_DIR", str(home / "cache"))  # cached lists too
    yield home
    if "crash_dir" not in request.fixturenames:
        crashes = sorted(home.rglob("crash-*.txt"))
        if crashes:
            pytest.fail(
                "stackdeck hit a bug during the test:\n" + crashes[0].read_text(encoding="utf-8"),
                pytrace=False,
            )


@pytest.fixture
def crash_dir(state_home: Path) -> Path:
    """Where this test's crash files go (stackdeck's state folder); crashes are expected."""
    return state_home / "stackdeck"


class RepoSVGSnapshot(SVGImageSnapshotExtension):
    """SVG snapshots kept in the repository's top-level snapshots/ folder."""

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(SNAPSHOTS)


@pytest.fixture
def svg_snapshot(snapshot: Any) -> Any:
    return snapshot.use_extension(RepoSVGSnapshot)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many tests ran against the real cloud and the real sshd, so CI shows they did."""
    stats = terminalreporter.stats
    for marker, what in (("integration", "against devcloud"), ("e2e", "end to end (ssh/netns)")):
        ran = {
            outcome: sum(1 for r in stats.get(outcome, []) if marker in getattr(r, "keywords", {}))
            for outcome in ("passed", "failed", "error", "skipped")
        }
        terminalreporter.write_line(
            f"{marker} tests {what}: {ran['passed']} passed, {ran['failed']} failed, "
            f"{ran['error']} errors, {ran['skipped']} skipped"
        )
