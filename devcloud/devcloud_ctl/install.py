"""Debian packages and the services' venv, each installed only when missing or stale."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .console import DevcloudError, step
from .paths import Paths
from .procs import run

APT_PACKAGES = ("rabbitmq-server", "mariadb-server")
DHCP_APT_PACKAGES = (
    "dnsmasq-base",
    "dnsmasq-utils",  # dhcp_release: without it a deleted port keeps its lease
    "busybox",
    "iputils-ping",
    "iptables",
    "iproute2",
)
POLICY_RC = Path("/usr/sbin/policy-rc.d")
PLUGIN_PACKAGE = "stackdeck-devcloud-plugins"


def missing_packages(names: tuple[str, ...]) -> list[str]:
    missing = []
    for name in names:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def ensure_packages(paths: Paths, with_dhcp: bool) -> None:
    wanted = APT_PACKAGES + (DHCP_APT_PACKAGES if with_dhcp else ())
    missing = missing_packages(wanted)
    if not missing:
        step("apt packages present")
        return
    step(f"apt-get install {' '.join(missing)}")
    log = paths.logfile("setup-apt")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-q"], log, env, what="apt-get update")
    # Keep the packages' own system services (mariadb on :3306, rabbitmq) from starting:
    # the devcloud runs its own instances.
    made_policy = _block_service_start()
    try:
        run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
            log,
            env,
            what="apt-get install",
        )
    finally:
        if made_policy:
            POLICY_RC.unlink(missing_ok=True)


def _block_service_start() -> bool:
    if POLICY_RC.exists():
        return False
    POLICY_RC.write_text("#!/bin/sh\nexit 101\n")
    POLICY_RC.chmod(0o755)
    return True


def venv_fingerprint(paths: Paths) -> str:
    digest = hashlib.sha256(sys.version.encode())
    digest.update(paths.lock_file.read_bytes())
    plugins = paths.src / "plugins"
    for path in sorted(plugins.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(plugins)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv(paths: Paths) -> None:
    stamp = paths.venv / ".devcloud-fingerprint"
    fingerprint = venv_fingerprint(paths)
    if stamp.exists() and stamp.read_text() == fingerprint:
        step("venv up to date")
        return
    log = paths.logfile("setup-venv")
    python = paths.bin("python")
    if not python.exists():
        step(f"create venv {paths.venv}")
        run([sys.executable, "-m", "venv", str(paths.venv)], log, what="python -m venv")
    uv = paths.bin("uv")
    if not uv.exists():
        step("pip install uv")
        run(
            [str(python), "-m", "pip", "install", "-q", f"uv=={_locked_version(paths, 'uv')}"],
            log,
            what="pip install uv",
        )
    step("uv pip sync requirements.lock")
    run(
        [str(uv), "pip", "sync", "--python", str(python), str(paths.lock_file)],
        log,
        what="uv pip sync",
    )
    step(f"install {PLUGIN_PACKAGE}")
    _install_plugins(paths, log)
    stamp.write_text(fingerprint)


def _install_plugins(paths: Paths, log: Path) -> None:
    # Build from a copy so setuptools leaves no build/ or egg-info in the source tree.
    build = paths.root / "build" / "plugins"
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(
        paths.src / "plugins",
        build,
        ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"),
    )
    run(
        [
            str(paths.bin("uv")),
            "pip",
            "install",
            "--python",
            str(paths.bin("python")),
            "--no-deps",
            "--reinstall-package",
            PLUGIN_PACKAGE,
            str(build),
        ],
        log,
        what=f"install {PLUGIN_PACKAGE}",
    )


def _locked_version(paths: Paths, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}==(\S+)$", paths.lock_file.read_text(), re.MULTILINE)
    if match is None:
        raise DevcloudError("venv", f"{name} is not pinned in {paths.lock_file}")
    return match.group(1)
