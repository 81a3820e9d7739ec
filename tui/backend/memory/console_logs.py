"""A demo server's serial console: the boot of its image (CirrOS, Ubuntu, Debian, a RHEL
family, Windows writes nothing), with its own hostname, address and MAC, ending in a
shutdown when it is stopped. Nova answers for a server on no host with a 409 (``console``)."""

from __future__ import annotations

import re

from tui.backend.memory.cloud import Cloud
from tui.backend.models import Server

# Lines are (seconds since boot, text); untimed lines (None) are the image's own output.
Line = tuple[float | None, str]


def hostname(name: str) -> str:
    """The hostname Nova gives a server: its name, lowercased, in hostname characters."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return cleaned[:63] or "server"


def family(image_name: str) -> str:
    name = image_name.lower()
    for word, kind in (
        ("cirros", "cirros"),
        ("ubuntu", "ubuntu"),
        ("debian", "debian"),
        ("windows", "windows"),
        ("centos", "rhel"),
        ("rocky", "rhel"),
        ("alma", "rhel"),
        ("rhel", "rhel"),
        ("fedora", "rhel"),
    ):
        if word in name:
            return kind
    return "linux"


class Console:
    """One server's console, as its guest would have written it."""

    def __init__(self, server: Server, image_name: str, gateway: str) -> None:
        self.server = server
        self.host = hostname(server.name)
        self.ip = server.fixed_ips[0].addr if server.fixed_ips else ""
        self.mac = server.fixed_ips[0].mac if server.fixed_ips else ""
        self.gateway = gateway
        self.family = family(image_name)
        instance = str(server.raw.get("OS-EXT-SRV-ATTR:instance_name") or "")
        self.iid = "i-" + instance.rsplit("-", 1)[-1] if instance else "i-00000001"

    def text(self) -> str:
        if self.family == "windows":
            return ""  # Windows writes nothing to the serial console
        boot = {
            "cirros": self._cirros,
            "ubuntu": self._ubuntu,
            "debian": self._debian,
            "rhel": self._rhel,
        }.get(self.family, self._linux)()
        status = self.server.status
        if status == "BUILD":
            boot = boot[:4]  # still spawning: the kernel has only started
        elif status == "SHUTOFF":
            boot += self._shutdown()
        return "\n".join(_stamped(boot))

    # -- the images ---------------------------------------------------------------------------

    def _kernel(self, version: str, command_line: str, build: str = "#1 SMP") -> list[Line]:
        return [
            (0.0, f"Linux version {version} {build}"),
            (0.0, f"Command line: {command_line}"),
            (0.412345, "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'"),
            (
                1.104512,
                "virtio_blk virtio2: [vda] 2097152 512-byte logical blocks (1.07 GB)",
            ),
            (1.630205, "EXT4-fs (vda1): mounted filesystem with ordered data mode."),
        ]

    def _cirros(self) -> list[Line]:
        address = self.ip or "0.0.0.0"
        return [
            *self._kernel("5.15.0-71-generic", "LABEL=cirros-rootfs ro console=tty1 console=ttyS0"),
            (None, "=== cirros: current=0.6.2 uptime=2.04 ==="),
            (None, "Starting network: udhcpc: started, v1.35.0"),
            (None, "udhcpc: broadcasting discover"),
            (None, f"udhcpc: broadcasting select for {address}, server {self.gateway}"),
            (None, f"udhcpc: lease of {address} obtained from {self.gateway}, lease time 43200"),
            (None, "OK"),
            (None, "checking http://169.254.169.254/2009-04-04/instance-id"),
            (None, f"successful after 1/20 tries: up 3.71. iid={self.iid}"),
            (None, "Top of dropbear init script"),
            (None, "Starting dropbear sshd: OK"),
            (None, "GROWROOT: NOCHANGE: partition 1 is size 71647. it cannot be grown"),
            (None, "  ____               ____  ____"),
            (None, " / __/ __ ____ ____ / __ \\/ __/"),
            (None, "/ /__ / // __// __// /_/ /\\ \\"),
            (None, "\\___//_//_/  /_/   \\____/___/"),
            (None, "   http://cirros-cloud.net"),
            (None, ""),
            (None, ""),
            (None, "login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root."),
            (None, f"{self.host} login: "),
        ]

    def _cloud_init(self, version: str) -> list[Line]:
        return [
            (4.120044, f"cloud-init[512]: Cloud-init v. {version} running 'init-local'"),
            (5.837219, f"cloud-init[604]: Cloud-init v. {version} running 'init'"),
            (
                5.912881,
                f"cloud-init[604]: ci-info: | eth0 | True | {self.ip or '.'} | 255.255.0.0 "
                f"| global | {self.mac or '.'} |",
            ),
            (
                5.913002,
                f"cloud-init[604]: ci-info: |   0   | 0.0.0.0 | {self.gateway} | 0.0.0.0 | eth0 |",
            ),
            (6.402117, "cloud-init[604]: Generating public/private ed25519 key pair."),
            (7.016542, f"cloud-init[702]: Cloud-init v. {version} running 'modules:config'"),
            (
                8.231406,
                f"cloud-init[744]: Cloud-init v. {version} finished at "
                f"{self.server.created or 'boot'}. Datasource DataSourceOpenStackLocal.",
            ),
        ]

    def _ubuntu(self) -> list[Line]:
        return [
            *self._kernel(
                "6.8.0-45-generic",
                "BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=LABEL=cloudimg-rootfs ro console=ttyS0",
                "(buildd@lcy02-amd64-075) #45-Ubuntu SMP",
            ),
            *self._cloud_init("24.1.3-0ubuntu3"),
            (None, ""),
            (None, f"Ubuntu 24.04.1 LTS {self.host} ttyS0"),
            (None, ""),
            (None, f"{self.host} login: "),
        ]

    def _debian(self) -> list[Line]:
        return [
            *self._kernel("6.1.0-25-cloud-amd64", "root=/dev/vda1 ro console=ttyS0"),
            *self._cloud_init("22.4.2"),
            (None, ""),
            (None, f"Debian GNU/Linux 12 {self.host} ttyS0"),
            (None, ""),
            (None, f"{self.host} login: "),
        ]

    def _rhel(self) -> list[Line]:
        return [
            *self._kernel(
                "5.14.0-427.13.1.el9_4.x86_64",
                "root=LABEL=root ro console=ttyS0",
            ),
            *self._cloud_init("23.4-7.el9"),
            (None, ""),
            (None, "CentOS Stream 9"),
            (None, "Kernel 5.14.0-427.13.1.el9_4.x86_64 on an x86_64"),
            (None, ""),
            (None, f"{self.host} login: "),
        ]

    def _linux(self) -> list[Line]:
        """An image stackdeck does not know: a plain kernel and a login prompt."""
        return [
            *self._kernel("6.1.0-25-amd64", "root=/dev/vda1 ro console=ttyS0"),
            (3.002311, "systemd[1]: Reached target multi-user.target - Multi-User System."),
            (None, ""),
            (None, f"{self.host} login: "),
        ]

    def _shutdown(self) -> list[Line]:
        if self.family == "cirros":
            return [
                (None, "Stopping dropbear sshd: OK"),
                (None, "The system is going down NOW!"),
                (None, "Sent SIGTERM to all processes"),
                (None, "Sent SIGKILL to all processes"),
                (None, "Requesting system poweroff"),
                (812.412345, "reboot: Power down"),
            ]
        return [
            (None, "[  OK  ] Stopped target multi-user.target - Multi-User System."),
            (None, "         Stopping ssh.service - OpenBSD Secure Shell server..."),
            (None, "[  OK  ] Stopped ssh.service - OpenBSD Secure Shell server."),
            (None, "[  OK  ] Reached target poweroff.target - System Power Off."),
            (812.412345, "reboot: Power down"),
        ]


def _stamped(lines: list[Line]) -> list[str]:
    return [text if at is None else f"[{at:12.6f}] {text}" for at, text in lines]


def console_output(cloud: Cloud, server: Server) -> str:
    """What Nova answers for a placed server's console: its image's boot as it ran here."""
    image_id = server.image
    if not image_id:  # booted from a volume: the image it was made from
        for volume in cloud.attached_volumes(server):
            meta = volume.raw.get("volume_image_metadata") or {}
            image_id = image_id or str(meta.get("image_id") or "")
    image = cloud.images.get(image_id) if image_id else None
    ports = cloud.ports_of(server.id)
    wired = [ip for port in ports for ip in port.fixed_ips]
    subnet = cloud.subnets.get(wired[0].subnet_id) if wired else None
    gateway = (subnet.gateway_ip if subnet else "") or "0.0.0.0"
    return Console(server, image.name if image else "", gateway).text()
