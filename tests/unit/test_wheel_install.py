"""The built wheel installs into a fresh venv and runs from there, not from the checkout."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not found:
        pytest.fail("uv is not installed in the test venv (bin/setup installs it)")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv(), "build", "--wheel", "--out-dir", str(work / "dist"), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheels = list((work / "dist").glob("stackdeck-*.whl"))
    assert len(wheels) == 1, wheels
    venv = work / "venv"
    subprocess.run([uv(), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    subprocess.run(
        [uv(), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheels[0])],
        check=True,
        capture_output=True,
    )
    return venv


def test_wheel_carries_screens_widgets_and_styles(installed: Path) -> None:
    code = (
        "import tui, tui.screens.resource, tui.widgets.resource_table;"
        "import tui.screens.resources.registry;"
        "from importlib.resources import files;"
        "print(tui.__file__);"
        "print(sorted(p.name for p in files('tui.styles').iterdir() if p.name.endswith('.tcss')))"
    )
    out = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout
    assert str(installed) in out.splitlines()[0], "tui must load from the venv, not the checkout"
    assert "app.tcss" in out and "resource.tcss" in out


def test_version_from_wheel(installed: Path) -> None:
    out = subprocess.run(
        [str(installed / "bin" / "stackdeck"), "--version"], capture_output=True, text=True, cwd="/"
    )
    assert out.returncode == 0
    assert out.stdout.startswith("stackdeck ")


def test_demo_starts_from_wheel(installed: Path) -> None:
    """Run `stackdeck --demo` on a real pseudo-terminal, see the health overview (the demo is
    an admin cloud), quit with ctrl+c."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir("/")
        env = {k: v for k, v in os.environ.items() if k not in ("TEXTUAL_THEME", "NO_COLOR")}
        env.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.execve(str(installed / "bin" / "stackdeck"), ["stackdeck", "--demo"], env)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while b"Servers in ERROR" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        assert b"Servers in ERROR" in seen, seen[-2000:]
        os.write(fd, b"\x03")
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            select.select([fd], [], [], 0.2) and _drain(fd)
        assert status is not None and os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def _drain(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.read(fd, 65536)


def test_every_package_is_listed_in_pyproject() -> None:
    """A new subpackage must be added to pyproject's list, or the wheel silently lacks it."""
    import tomllib

    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    mapping = {
        "tui": "tui",
        "tui.screens": "screens",
        "tui.widgets": "widgets",
        "tui.styles": "styles",
    }
    found = set()
    for package, folder in mapping.items():
        root = REPO / folder
        for init in root.rglob("__init__.py"):
            rel = init.parent.relative_to(root)
            found.add(".".join([package, *rel.parts]) if rel.parts else package)
    assert found <= listed, sorted(found - listed)
