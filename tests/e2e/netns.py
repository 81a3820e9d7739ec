"""The real pieces of the SSH end-to-end test: OpenSSH sshd processes, an ssh-agent and a
"VM" network namespace wired into a Neutron network's bridge, taking its address from
Neutron's dnsmasq. Every process is started here and ended by its PID (its own process
group); every namespace is deleted by name.

The VM user `cirros` exists only inside the VM: its sshd runs in a private mount namespace
(`unshare -m -u`) where passwd/group/shadow copies with that user are bind-mounted over
/etc, and the UTS namespace carries the VM's own hostname. The network node's sshd runs on
127.0.0.1 with root login by key only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"
VM_UID = 4242


def run(*argv: str, timeout: float = 30, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def can_use_namespaces() -> str:
    """Empty when this machine can run the test; else why not."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, sshd)"
    if shutil.which("ip") is None:
        return "no `ip` (iproute2)"
    probe = run("ip", "netns", "list", check=False)
    if probe.returncode != 0:
        return f"`ip netns` does not work: {probe.stderr.strip()}"
    return ""


PACKAGES = (
    ("openssh-server", SSHD),
    ("busybox", "/bin/busybox"),
    # dhcp_release: without it the DHCP agent cannot release a deleted port's lease, and
    # dnsmasq then refuses that address to the next port that gets it.
    ("dnsmasq-utils", "/usr/bin/dhcp_release"),
)


def ensure_packages() -> None:
    """openssh-server (sshd), busybox (udhcpc), dnsmasq-utils: installed when missing."""
    missing = [
        pkg
        for pkg, path in PACKAGES
        if not Path(path).exists() and shutil.which(Path(path).name) is None
    ]
    if missing:
        run("apt-get", "update", timeout=300)
        run("apt-get", "install", "-y", *missing, timeout=600)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)


def wait_listening(port: int, namespace: str = "", timeout: float = 10) -> None:
    """Poll `ss` (not a TCP probe, which fills sshd's log with protocol errors)."""
    prefix = ("ip", "netns", "exec", namespace) if namespace else ()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = run(*prefix, "ss", "-Hltn", f"sport = :{port}", check=False).stdout
        if out.strip():
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} {namespace}")


def end_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group we started, SIGKILL after a grace; zombies count as gone."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(3)


def keygen(path: Path, comment: str) -> str:
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path))
    return path.with_suffix(".pub").read_text().strip()


SSHD_COMMON = """\
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
AllowAgentForwarding yes
PrintMotd no
PrintLastLog no
AcceptEnv LANG
Subsystem sftp internal-sftp
"""


@dataclass
class Sshd:
    """An OpenSSH sshd started by the test; `process` is ended by PID."""

    process: subprocess.Popen[bytes]
    port: int
    host_key_line: str  # "ssh-ed25519 AAAA..."
    log: Path

    def stop(self) -> None:
        end_process(self.process)


def user_files(base: Path, user: str, uid: int, home: Path) -> Path:
    """passwd/group/shadow copies with `user` added, for a private mount namespace."""
    etc = base / f"etc-{user}"
    etc.mkdir()
    passwd = Path("/etc/passwd").read_text()
    group = Path("/etc/group").read_text()
    shadow = Path("/etc/shadow").read_text()
    (etc / "passwd").write_text(passwd + f"{user}:x:{uid}:{uid}:{user}:{home}:/bin/sh\n")
    (etc / "group").write_text(group + f"{user}:x:{uid}:\n")
    (etc / "shadow").write_text(shadow + f"{user}:*:20000:0:99999:7:::\n")
    (etc / "shadow").chmod(0o600)
    return etc


def start_sshd(
    base: Path,
    name: str,
    *,
    listen: str,
    port: int,
    extra_config: str,
    namespace: str = "",
    etc: Path | None = None,
    hostname: str = "",
) -> Sshd:
    key = base / f"{name}_host_ed25519"
    host_key = keygen(key, f"{name}-host")
    config = base / f"{name}_sshd_config"
    config.write_text(
        f"ListenAddress {listen}\nPort {port}\nHostKey {key}\n"
        f"PidFile {base / (name + '.pid')}\n{SSHD_COMMON}{extra_config}"
    )
    log = base / f"{name}_sshd.log"
    argv = [SSHD, "-D", "-e", "-f", str(config)]
    if etc is not None or hostname:
        mounts = (
            "".join(f"mount --bind {etc / f} /etc/{f} && " for f in ("passwd", "group", "shadow"))
            if etc
            else ""
        )
        rename = f"hostname {hostname} && " if hostname else ""
        argv = ["unshare", "-m", "-u", "sh", "-c", f"{mounts}{rename}exec {' '.join(argv)}"]
    if namespace:
        argv = ["ip", "netns", "exec", namespace, *argv]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=out, start_new_session=True)
    sshd = Sshd(process, port, " ".join(host_key.split()[:2]), log)
    try:
        wait_listening(port, namespace)
    except TimeoutError:
        sshd.stop()
        raise RuntimeError(f"sshd {name} did not start:\n{log.read_text()[-2000:]}") from None
    return sshd


@dataclass
class Agent:
    process: subprocess.Popen[bytes]
    socket: Path

    def stop(self) -> None:
        end_process(self.process)


def start_agent(base: Path, key: Path) -> Agent:
    sock = base / "agent.sock"
    process = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(sock)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 5
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    subprocess.run(
        ["ssh-add", "-q", str(key)],
        env={**os.environ, "SSH_AUTH_SOCK": str(sock)},
        check=True,
        capture_output=True,
        timeout=10,
    )
    return Agent(process, sock)


@dataclass
class VmNamespace:
    """`vm-<id8>` joined to the network's bridge with the port's MAC; IP from dnsmasq."""

    name: str
    veth: str

    @classmethod
    def create(cls, server_id: str, network_id: str, mac: str) -> VmNamespace:
        short = server_id[:8]
        vm = cls(name=f"vm-{short}", veth=f"ve{short}")  # both <= 15 characters
        run("ip", "netns", "add", vm.name)
        try:
            run(
                "ip",
                "link",
                "add",
                vm.veth,
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                vm.name,
            )
            run("ip", "link", "set", vm.veth, "master", f"brq{network_id[:11]}", "up")
            run("ip", "-n", vm.name, "link", "set", "lo", "up")
            run("ip", "-n", vm.name, "link", "set", "eth0", "address", mac, "up")
        except BaseException:
            vm.delete()
            raise
        return vm

    def dhcp(self, expected_ip: str, prefix: int, attempts: int = 20) -> str:
        """A lease from Neutron's dnsmasq; the address is then put on eth0."""
        out = ""
        for _ in range(attempts):
            result = run(
                "ip", "netns", "exec", self.name,
                "busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "3", "-T", "1",
                "-s", "/bin/true",
                check=False, timeout=20,
            )  # fmt: skip
            out = result.stdout + result.stderr
            if expected_ip in out:
                run("ip", "-n", self.name, "addr", "add", f"{expected_ip}/{prefix}", "dev", "eth0")
                return out
            time.sleep(0.5)
        raise RuntimeError(f"no DHCP lease of {expected_ip} for {self.name}:\n{out}")

    def delete(self) -> None:
        run("ip", "netns", "del", self.name, check=False)
        run("ip", "link", "del", self.veth, check=False)


def release_stale_lease(dhcp_dir: Path, network_id: str, ip: str, mac: str) -> list[str]:
    """Release leases dnsmasq still holds for `ip` under another MAC (a deleted port's).

    Returns the MACs released. The lease file is the agent's (`<state>/dhcp/<net>/leases`).
    """
    leases = dhcp_dir / network_id / "leases"
    if not leases.is_file():
        return []
    namespace = f"qdhcp-{network_id}"
    devices = run("ip", "-n", namespace, "-o", "link", "show").stdout
    device = next((w.split("@")[0].rstrip(":") for w in devices.split() if w.startswith("ns-")), "")
    released = []
    for line in leases.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == ip and fields[1].lower() != mac.lower() and device:
            client = [fields[4]] if len(fields) > 4 and fields[4] != "*" else []
            run("ip", "netns", "exec", namespace, "dhcp_release", device, ip, fields[1], *client,
                check=False)  # fmt: skip
            released.append(fields[1])
    return released


def wait_for_namespace(name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if name in run("ip", "netns", "list").stdout.split():
            return
        time.sleep(0.2)
    raise TimeoutError(f"namespace {name} did not appear in {timeout:.0f} s")
