"""Hostile values on the way to SSH: DHCP agent host names from Neutron, stackdeck's own
`[clouds.X.ssh]` settings, and text an SSH server sends back.

Each hostile host name is refused by name and reason before anything runs. The canary tests
prove it on the real connection path: a `~/.ssh/config` whose `ProxyCommand` expands `%h`
(into a shell, and into OpenSSH's own options) creates a canary file when asyncssh is handed
the name directly, and does not when stackdeck is.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncssh
import pytest

from tui.backend.memory import MemoryBackend
from tui.backend.models import Server
from tui.backend.ssh import HostKeyQuestion, SshTarget, _ask, connect, open_session, plan
from tui.backend.ssh_config import Destination, SshSettings
from tui.backend.ssh_values import (
    InvalidValue,
    SshError,
    valid_host,
    valid_jump,
    valid_port,
    valid_user,
)
from tui.config import SettingsError, parse_settings
from tui.text import is_clean

CANARY = "CANARY"  # replaced by the canary's path in each test's temporary directory
HOSTILE_HOSTS = {
    "option": "-oProxyCommand=id",
    "option after a port": "net1:22 -oProxyCommand=touch CANARY x",
    "quoted option": "net1:22 '-oProxyCommand=touch CANARY' x",
    "shell": "x;touch CANARY;y",
    "substitution": "$(touch CANARY)",
    "token %d": "net%d",
    "token %h": "%h.example.org",
    "space": "net 1",
    "newline": "net1\nProxyCommand touch CANARY",
    "NUL": "net1\x00x",
    "escape": "net1\x1b]52;c;cm0gLXJmIH4K\x07",
    "C1": "net1\x9b2J",
    "bidi": "net1\u202ex",
    "very long": "n" * 10_000,
    "long label": "a" * 64 + ".example.org",
    "empty": "",
    "bad IPv4": "10.0.0.256",
    "IPv6 zone": "fe80::1%eth0",
    "comma": "net1,evil",
    "user part": "root@net1",
}
REASONS = {
    "option": "starts with '-'",
    "option after a port": "space",
    "space": "space",
    "token %d": "'%'",
    "newline": "control characters",
    "escape": "control characters",
    "very long": "10000 characters long",
    "user part": "'@'",
}


def ssh_settings(data: dict[str, object]) -> SshSettings:
    """The SSH tables of a settings document, as stackdeck loads them."""
    ssh = parse_settings(data).ssh
    assert ssh is not None
    return ssh


def hostile(name: str, canary: Path) -> str:
    return HOSTILE_HOSTS[name].replace(CANARY, str(canary))


def assert_clear_refusal(exc: BaseException, value: str, why: str = "") -> None:
    message = exc.message if isinstance(exc, SshError) else str(exc)
    assert "refused" in message, message
    assert is_clean(message), message  # the value is quoted made safe, never raw
    assert len(message) < 400, message  # a 10k name is cut, not pasted whole
    if why:
        assert why in message, message
    if len(value) <= 20 and is_clean(value):
        assert f"'{value}'" in message, message


async def web_01(backend: MemoryBackend) -> Server:
    await backend.connect()
    servers = {s.name: s async for page in backend.servers(all_projects=True) for s in page}
    return servers["web-01"]


def neutron_lists(backend: MemoryBackend, *hosts: str) -> None:
    async def agent_hosts(network_id: str) -> list[str]:
        return list(hosts)

    backend.dhcp_agent_hosts = agent_hosts  # type: ignore[method-assign]


# -- the grammar ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_HOSTS))
def test_hostile_host_names_are_refused_with_their_reason(name: str, tmp_path: Path) -> None:
    value = hostile(name, tmp_path / "canary")
    with pytest.raises(InvalidValue) as caught:
        valid_host(value, "DHCP agent host")
    assert_clear_refusal(caught.value, value, REASONS.get(name, ""))
    assert caught.value.message.startswith("DHCP agent host '")


@pytest.mark.parametrize(
    "value", ["netnode1", "net-1.mgmt.example.org", "NET1.example.org.", "10.0.0.1", "fd00::1"]
)
def test_ordinary_hosts_pass(value: str) -> None:
    assert valid_host(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ops@bastion.example.org", ("bastion.example.org", None, "ops")),
        ("bastion:2222", ("bastion", 2222, None)),
        ("ops@[fd00::1]:2222", ("fd00::1", 2222, "ops")),
        ("fd00::1", ("fd00::1", None, None)),
    ],
)
def test_jump_hosts_are_parsed_into_separate_parts(value: str, expected: tuple[Any]) -> None:
    assert tuple(valid_jump(value)) == expected


@pytest.mark.parametrize(
    "value",
    [
        "ops@bastion -oProxyCommand=id",
        "ops@bastion,evil",
        "-J@bastion",
        "ops@bastion:0",
        "ops@bastion:٣",
        "ops@bastion:22x",
        "Ops@bastion",
        "a@b@bastion",
        "ops@[fd00::1",
        "ops@%h",
    ],
)
def test_hostile_jump_hosts_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        valid_jump(value)
    assert_clear_refusal(caught.value, value)


@pytest.mark.parametrize("value", [0, 65536, -22, "٣", "22 ", True, 22.0, "0x16"])
def test_ports_are_whole_numbers_in_range(value: object) -> None:
    with pytest.raises(InvalidValue, match="port"):
        valid_port(value)
    assert valid_port(22) == valid_port("22") == 22


@pytest.mark.parametrize("value", ["%d", "root\n", "-l", "ro ot", "a" * 33, "röot", "Root"])
def test_hostile_user_names_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        valid_user(value)
    assert_clear_refusal(caught.value, value)


# -- hostile DHCP agent hosts from Neutron: refused while planning ----------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_HOSTS))
async def test_plan_refuses_a_hostile_agent_host_by_name(name: str, tmp_path: Path) -> None:
    backend = MemoryBackend()
    web = await web_01(backend)
    value = hostile(name, tmp_path / "canary")
    neutron_lists(backend, value)
    ssh_plan = await plan(backend, web, "namespace", SshSettings(), "demo")
    assert ssh_plan.destinations_for("10.0.0.2") == ()
    assert any("DHCP agent host" in note for note in ssh_plan.notes)
    with pytest.raises(InvalidValue) as caught:
        ssh_plan.target()
    assert_clear_refusal(caught.value, value, REASONS.get(name, ""))
    assert caught.value.message.startswith("No usable network node for 10.0.0.2: DHCP agent")


async def test_a_good_agent_host_beside_a_hostile_one_is_used() -> None:
    backend = MemoryBackend()
    web = await web_01(backend)
    neutron_lists(backend, "net1 -oProxyCommand=id", "netnode1")
    ssh_plan = await plan(backend, web, "namespace", SshSettings(), "demo")
    assert [d.host for d in ssh_plan.destinations_for("10.0.0.2")] == ["netnode1"]
    assert ssh_plan.target().destination.host == "netnode1"
    assert any("'net1 -oProxyCommand=id' refused" in note for note in ssh_plan.notes)


async def test_a_configured_entry_reaches_an_agent_host_with_an_unusual_name() -> None:
    backend = MemoryBackend()
    web = await web_01(backend)
    neutron_lists(backend, "net_1")  # not RFC 1123, but the operator mapped it
    settings = ssh_settings(
        {"clouds": {"demo": {"ssh": {"agent_hosts": {"net_1": {"host": "10.1.1.1"}}}}}}
    )
    target = (await plan(backend, web, "namespace", settings, "demo")).target()
    assert target.destination == Destination("net_1", "10.1.1.1")


@pytest.mark.parametrize(
    "declared", ["root -oProxyCommand=id", "%u", "-l", "root\x1b]52;c;eA==\x07"]
)
async def test_a_hostile_image_user_property_is_refused_and_the_image_name_decides(
    declared: str,
) -> None:
    backend = MemoryBackend()
    web = await web_01(backend)
    image = await backend.image(web.image)
    odd = replace(image, raw={**image.raw, "os_admin_user": declared})

    async def image_of(image_id: str) -> object:
        return odd

    backend.image = image_of  # type: ignore[method-assign,assignment]
    ssh_plan = await plan(backend, web, "namespace", SshSettings(), "demo")
    assert ssh_plan.user == "cirros"  # from the image name
    note = next(n for n in ssh_plan.notes if "os_admin_user" in n)
    assert "refused" in note and "the image name decides" in note and is_clean(note)
    assert ssh_plan.target().command.endswith("cirros@10.0.0.2")  # type: ignore[union-attr]


def test_a_hostile_user_in_the_settings_is_refused() -> None:
    refused = r"settings: ssh.users.\"\*win\*\": value 'root -oX=y' refused"
    with pytest.raises(SettingsError, match=refused):
        parse_settings({"ssh": {"users": {"*win*": "root -oX=y"}}})


def ports_are(backend: MemoryBackend, *addresses: tuple[str, str]) -> None:
    """Neutron answers with these (network id, fixed IP) ports for the server."""

    async def ports(**_: object) -> Any:
        yield [
            SimpleNamespace(network_id=net, fixed_ips=[SimpleNamespace(ip_address=ip)])
            for net, ip in addresses
        ]

    backend.ports = ports  # type: ignore[method-assign,assignment]


NET = "3bb9f1ed-9d5f-59ce-a0f1-bd804e2da6d6"


async def test_hostile_port_addresses_and_network_ids_are_refused() -> None:
    backend = MemoryBackend()
    web = await web_01(backend)
    ports_are(backend, (NET, "10.0.0.5 -oProxyCommand=id"), (f"{NET};id", "10.0.0.6"))
    with pytest.raises(InvalidValue) as caught:
        await plan(backend, web, "namespace", SshSettings(), "demo")
    message = caught.value.message
    assert message.startswith("web-01 has no usable fixed IP on any port: address '10.0.0.5 -o")
    assert f"network id '{NET};id' refused" in message and is_clean(message)
    ports_are(backend, (NET, "10.0.0.5\x1b[2J"), (NET, "10.0.0.7"))
    ssh_plan = await plan(backend, web, "namespace", SshSettings(), "demo")
    assert [c.ip for c in ssh_plan.candidates] == ["10.0.0.7"]


# -- the real connection path with a dangerous ~/.ssh/config ---------------------------


PROXY_COMMANDS = {
    "shell": '/bin/sh -c "echo %h:%p >/dev/null"',
    "openssh": "ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=2 -W %h:%p bastion.invalid",
}
CANARY_CASES = [("shell", "shell"), ("openssh", "quoted option")]


@pytest.fixture
def ssh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of the test's own: ~/.ssh/config and known_hosts are the test's."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    return home


def dangerous_config(home: Path, proxy: str) -> None:
    if proxy == "openssh" and shutil.which("ssh") is None:
        pytest.skip("no OpenSSH client (ssh) on PATH for the ProxyCommand")
    text = f"Host *\n    ProxyCommand {PROXY_COMMANDS[proxy]}\n"
    (home / ".ssh" / "config").write_text(text)


@pytest.mark.parametrize(("proxy", "name"), CANARY_CASES)
async def test_the_dangerous_config_does_run_a_command_given_the_raw_name(
    proxy: str, name: str, ssh_home: Path, tmp_path: Path
) -> None:
    """The control: handed to asyncssh as it is, the name makes ProxyCommand run `touch`."""
    dangerous_config(ssh_home, proxy)
    canary = tmp_path / "canary"
    with pytest.raises((OSError, asyncssh.Error)):
        await asyncssh.connect(hostile(name, canary), known_hosts=None, connect_timeout=5)
    for _ in range(100):  # OpenSSH runs its ProxyCommand in a child of its own
        if canary.exists():
            break
        await asyncio.sleep(0.05)
    assert canary.exists()


@pytest.mark.parametrize(("proxy", "name"), CANARY_CASES)
async def test_stackdeck_refuses_the_name_and_nothing_runs(
    proxy: str, name: str, ssh_home: Path, tmp_path: Path
) -> None:
    dangerous_config(ssh_home, proxy)
    canary = tmp_path / "canary"
    value = hostile(name, canary)
    # planned from Neutron's answer, as `s` does
    backend = MemoryBackend()
    web = await web_01(backend)
    neutron_lists(backend, value)
    ssh_plan = await plan(backend, web, "namespace", SshSettings(), "demo")
    with pytest.raises(InvalidValue):
        ssh_plan.target()
    # and a target built by hand still stops at the connection's own gate
    target = SshTarget(
        "namespace", web.id, web.name, "", "10.0.0.2", "cirros", Destination(value, value), None
    )
    with pytest.raises(InvalidValue) as caught:
        await open_session(target, 80, 24, None)
    assert_clear_refusal(caught.value, value)
    with pytest.raises(InvalidValue):
        await connect(Destination("net1", "net1", jump=f"ops@{value}"), None)
    await asyncio.sleep(0.3)
    assert not canary.exists()


async def test_a_broken_ssh_config_is_a_message(ssh_home: Path) -> None:
    (ssh_home / ".ssh" / "config").write_text("Host *\n    ProxyCommand nc ${NO_SUCH_VAR} %p\n")
    with pytest.raises(SshError) as caught:
        await connect(Destination("net1", "net1"), None, {"known_hosts": None})
    assert "NO_SUCH_VAR" in caught.value.message


# -- hostile values in stackdeck's own settings -----------------------------------------


def cloud_settings(**agent: object) -> dict[str, object]:
    return {"clouds": {"c": {"ssh": {"agent_hosts": {"net1": agent}}}}}


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        (cloud_settings(host="net1 -oProxyCommand=id"), "agent_hosts.net1.host"),
        (cloud_settings(host="%h"), "agent_hosts.net1.host"),
        (cloud_settings(host="net1\x1b[2J"), "agent_hosts.net1.host"),
        (cloud_settings(host="-net1"), "agent_hosts.net1.host"),
        (cloud_settings(user="root -oProxyCommand=id"), "agent_hosts.net1.user"),
        (cloud_settings(user="%u"), "agent_hosts.net1.user"),
        (cloud_settings(jump="ops@bastion -oProxyCommand=id"), "agent_hosts.net1.jump"),
        (cloud_settings(jump="ops@b1,ops@b2"), "agent_hosts.net1.jump"),
        (cloud_settings(jump="-oProxyCommand=id"), "agent_hosts.net1.jump"),
        (cloud_settings(port=70000), "agent_hosts.net1.port"),
        (cloud_settings(port=0), "agent_hosts.net1.port"),
        ({"clouds": {"c": {"ssh": {"agent_hosts": {"-oX=y": {}}}}}}, 'agent_hosts."-oX=y"'),
        ({"clouds": {"c": {"ssh": {"agent_hosts": {"n\x1b]0;t\x07": {"host": "h"}}}}}}, "name"),
        ({"clouds": {"c": {"ssh": {"network_nodes": ["net1", "x;id"]}}}}, "network_nodes"),
    ],
)
def test_hostile_settings_are_refused_naming_the_setting(
    extra: dict[str, object], where: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_settings(extra)
    message = str(caught.value)
    assert message.startswith("settings: clouds.c.ssh") and where in message, message
    assert "refused" in message or "control characters" in message
    assert is_clean(message), message


def test_good_settings_still_parse() -> None:
    cloud = ssh_settings(
        cloud_settings(host="net1.mgmt.example.org", port=22, user="root", jump="ops@[fd00::9]:22")
    ).cloud("c")
    assert cloud.destination("net1").jump_host() == ("fd00::9", 22, "ops")


# -- text an SSH server sends ------------------------------------------------------------

EVIL_TEXT = "x\x1b[2J\x1b]0;title\x07\x1b]52;c;cm0gLXJmIH4K\x1b\\\x9b31m\u202e [/] [b]"


class EvilServer(asyncssh.SSHServer):
    """Ends every login with a disconnect reason full of escapes, C1, bidi and markup."""

    def begin_auth(self, username: str) -> bool:
        raise asyncssh.DisconnectError(asyncssh.DISC_BY_APPLICATION, EVIL_TEXT)


async def test_a_servers_disconnect_reason_is_made_safe(ssh_home: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    server = await asyncssh.create_server(
        EvilServer, "127.0.0.1", 0, server_host_keys=[key], config=[]
    )
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(SshError) as caught:
            await connect(
                Destination("evil", "127.0.0.1", port, "root"),
                None,
                {"known_hosts": None, "client_keys": None, "password": "x"},
            )
    finally:
        server.close()
        await server.wait_closed()
    message = caught.value.message
    assert is_clean(message), message
    assert "␛]52;c;" in message and "\\x9b" in message and "\\u202e" in message


async def test_host_key_question_text_is_made_safe(tmp_path: Path) -> None:
    class OddKey:
        public_data = b"k"

        def get_algorithm(self) -> str:
            return "ssh-ed25519\x1b]52;c;eA==\x07"

        def get_fingerprint(self, _kind: str) -> str:
            return "SHA256:\u202eabc"

    asked: list[HostKeyQuestion] = []

    async def prompt(question: HostKeyQuestion) -> str:
        asked.append(question)
        return "once"

    offered = ("net1\x1b[2J", "127.0.0.1", 22, OddKey())
    await _ask(offered, prompt, str(tmp_path / "known_hosts"), [])  # type: ignore[arg-type]
    question = asked[0]
    for text in (question.host, question.algorithm, question.fingerprint, question.where):
        assert is_clean(text), text
    assert question.algorithm == "ssh-ed25519␛]52;c;eA==␇"


# -- the terminal view -------------------------------------------------------------------


def test_remote_c1_and_bidi_are_shown_visibly_and_the_line_is_kept() -> None:
    import pyte

    from tui.widgets.terminal import TerminalScreen

    vt = TerminalScreen(60, 3)
    stream = pyte.ByteStream(vt)
    stream.feed("a\u202eb\u2066c\x85d\u2028e\x90f\x1b]0;t\u202e\x9bi\x07g".encode())
    line = vt.display[0].rstrip()
    assert line == "a\\u202eb\\u2066c\\x85d\\u2028e\\x90fg"  # pyte alone keeps only "a"
    assert vt.title == "t\\u202e\\x9bi"
    cells = [char.data for row in vt.buffer.values() for char in row.values()]
    assert all(is_clean(data) for data in cells)


def test_a_raw_control_in_a_cell_is_never_rendered_raw() -> None:
    from pyte.screens import Char

    from tui.widgets.terminal import StylePalette, TerminalScreen, render_row

    vt = TerminalScreen(10, 1)
    vt.buffer[0][0] = Char("\x1b")
    vt.buffer[0][1] = Char("\u202e")
    vt.buffer[0][2] = Char("\x9b")
    strip = render_row(vt.buffer[0], 10, StylePalette(None, None))
    text = "".join(segment.text for segment in strip)
    assert is_clean(text) and text.startswith("␛\\u202e\\x9") and len(text) == 10


# -- a jump host goes to asyncssh as its own parts ---------------------------------------


class OpenServer(asyncssh.SSHServer):
    """No authentication; forwards TCP (as a jump host does); records who connected."""

    events: list[str]

    def __init__(self, name: str, events: list[str]) -> None:
        self.name, self.events = name, events

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.events.append(f"{self.name} up")

    def connection_lost(self, exc: Exception | None) -> None:
        self.events.append(f"{self.name} down")

    def begin_auth(self, username: str) -> bool:
        self.events.append(f"{self.name} user {username}")
        return False

    def connection_requested(self, dest_host: str, dest_port: int, *_: object) -> bool:
        self.events.append(f"{self.name} forwards to {dest_host}:{dest_port}")
        return True


async def test_a_jump_host_is_connected_as_its_parts_and_closed_with_the_session(
    ssh_home: Path,
) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    events: list[str] = []
    servers = [
        await asyncssh.create_server(
            lambda n=name: OpenServer(n, events),
            "127.0.0.1",
            0,
            server_host_keys=[key],
            config=[],
        )
        for name in ("jump", "node")
    ]
    jump_port, node_port = (s.sockets[0].getsockname()[1] for s in servers)
    destination = Destination(
        "net1", "127.0.0.1", node_port, "root", jump=f"ops@127.0.0.1:{jump_port}"
    )
    try:
        connection = await connect(destination, None, {"known_hosts": None})
        assert events[:4] == [
            "jump up",
            "jump user ops",
            f"jump forwards to 127.0.0.1:{node_port}",
            "node up",
        ]
        assert "node user root" in events
        connection.close()
        await connection.wait_closed()
        for _ in range(100):
            if "jump down" in events:
                break
            await asyncio.sleep(0.02)
        assert "jump down" in events
    finally:
        for server in servers:
            server.close()
            await server.wait_closed()
