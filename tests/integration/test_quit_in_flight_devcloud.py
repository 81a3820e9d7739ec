"""Quit is immediate after a list has loaded and its refresh hangs: `stackdeck` on a
pseudo-terminal, its Keystone traffic through a proxy in front of devcloud that stops
answering on cue."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faultproxy import FaultProxy, Hang
from tests.terminal_process import clouds_yaml, stackdeck

KEYSTONE = "http://127.0.0.1:5000"
QUIT_SECONDS = 2.0


@pytest.mark.parametrize("quit_keys", [(b"\x03",), (b":", b"q\r")], ids=["ctrl+c", ":q"])
def test_quit_at_once_while_a_refresh_hangs(
    devcloud: Path, tmp_path: Path, quit_keys: tuple[bytes, ...]
) -> None:
    with FaultProxy(KEYSTONE) as proxy:
        clouds = clouds_yaml(
            tmp_path / "clouds.yaml",
            "proxied",
            f"{proxy.url}/v3",
            identity_endpoint_override=f"{proxy.url}/v3",
        )
        env = {
            "OS_CLIENT_CONFIG_FILE": str(clouds),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }
        with stackdeck(["--os-cloud", "proxied", "projects"], env) as process:
            assert process.read_until(b"service", 60), process.seen[-3000:]
            proxy.set(Hang())
            process.type(b"r")
            assert proxy.answered(Hang, 10), "the refresh never reached the proxy"
            process.type(*quit_keys, gap=0.0 if len(quit_keys) == 1 else 0.5)
            status = process.exit_status(QUIT_SECONDS)
            assert status == 0, f"still running {QUIT_SECONDS}s after quitting (status {status})"
        assert not list((tmp_path / "state").rglob("crash-*"))
