"""Quit is immediate even while a request hangs: `stackdeck` on a real pseudo-terminal,
against a 127.0.0.1 server that accepts connections and never answers."""

from __future__ import annotations

from pathlib import Path

from tests.terminal_process import SilentServer, clouds_yaml, stackdeck

QUIT_SECONDS = 2.0


def test_ctrl_c_quits_at_once_while_the_first_request_hangs(tmp_path: Path) -> None:
    with SilentServer() as server:
        clouds = clouds_yaml(tmp_path / "clouds.yaml", "hung", f"http://127.0.0.1:{server.port}/v3")
        env = {
            "OS_CLIENT_CONFIG_FILE": str(clouds),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }
        with stackdeck(["--os-cloud", "hung", "servers"], env) as process:
            assert server.connected.wait(30), process.seen[-2000:]
            assert process.read_until(b"Servers", 30), process.seen[-2000:]
            process.type(b"\x03")
            status = process.exit_status(QUIT_SECONDS)
            assert status == 0, f"still running {QUIT_SECONDS}s after ctrl+c (status {status})"
        assert not list((tmp_path / "state").rglob("crash-*"))
