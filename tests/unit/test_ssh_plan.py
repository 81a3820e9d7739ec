"""SSH planning on the in-memory cloud: targets, validation of hostile values, quoting,
settings, and the VM user by image."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

import asyncssh
import pytest

from tui.backend.errors import BackendError, Forbidden
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server
from tui.backend.ssh import known_hosts_line, namespace_command, plan, remember_host_key
from tui.backend.ssh_config import (
    Destination,
    SshSettings,
    user_for_image,
)
from tui.backend.ssh_values import (
    InvalidValue,
    SshError,
    valid_ip,
    valid_network_id,
    valid_user,
)
from tui.config import SettingsError, parse_settings

NET = "3bb9f1ed-9d5f-59ce-a0f1-bd804e2da6d6"

SETTINGS = {
    "ssh": {"users": {"ops-*": "ops"}},
    "clouds": {
        "demo": {
            "ssh": {
                "network_nodes": ["net9"],
                "agent_hosts": {
                    "netnode1": {"host": "127.0.0.1", "port": 2222, "user": "root"},
                    "net9": {"host": "10.9.9.9", "user": "stack", "jump": "ops@bastion"},
                },
            }
        }
    },
}


def ssh_settings(data: dict[str, object]) -> SshSettings:
    """The SSH tables of a settings document, as stackdeck loads them."""
    ssh = parse_settings(data).ssh
    assert ssh is not None
    return ssh


async def servers(backend: MemoryBackend) -> dict[str, Server]:
    await backend.connect()
    return {s.name: s async for page in backend.servers(all_projects=True) for s in page}


# -- validation and quoting ------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [f"{NET}; rm -rf /", "x" * 36, "", f"{NET} ", "../../etc", NET.upper()]
)
def test_hostile_network_ids_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="network id"):
        valid_network_id(value)


@pytest.mark.parametrize(
    "value", ["10.0.0.1 ; id", " 10.0.0.1", "10.0.0.1\n", "10.0.0.256", "fe80::1%eth0", "$(id)"]
)
def test_hostile_ips_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="IP address"):
        valid_ip(value)


@pytest.mark.parametrize(
    "value", ["$(reboot)", "root;id", "a b", "-oProxyCommand=x", "Root", "x" * 33, ""]
)
def test_hostile_users_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="user name"):
        valid_user(value)


def test_validation_errors_are_backend_errors_naming_the_value() -> None:
    with pytest.raises(BackendError) as caught:
        valid_user("$(id)")
    assert "'$(id)'" in str(caught.value)


def test_valid_values_pass_in_canonical_form() -> None:
    assert valid_ip("2001:DB8:0:0::1") == "2001:db8::1"
    assert valid_user("cloud-user") == "cloud-user"
    assert valid_network_id(NET) == NET


def test_namespace_command_is_exact_and_quoted() -> None:
    command = namespace_command(NET, "cirros", "10.0.0.5", "root")
    assert command == (
        f"ip netns exec qdhcp-{NET} ssh -t -o StrictHostKeyChecking=no "
        "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR cirros@10.0.0.5"
    )
    assert shlex.split(command)[-1] == "cirros@10.0.0.5"


def test_namespace_command_uses_sudo_for_non_root_node_user() -> None:
    argv = shlex.split(namespace_command(NET, "ubuntu", "fd00::5", "stack"))
    assert argv[:4] == ["sudo", "-n", "ip", "netns"]
    assert argv[-1] == "ubuntu@fd00::5"


def test_namespace_command_refuses_injection() -> None:
    with pytest.raises(InvalidValue):
        namespace_command(NET + ";id", "cirros", "10.0.0.5", "root")
    with pytest.raises(InvalidValue):
        namespace_command(NET, "cirros", "10.0.0.5 -oProxyCommand=id", "root")


# -- settings --------------------------------------------------------------------------


def test_settings_parse_users_nodes_and_agent_hosts() -> None:
    settings = ssh_settings(SETTINGS)
    cloud = settings.cloud("demo")
    assert cloud.network_nodes == ("net9",)
    assert cloud.destination("netnode1") == Destination("netnode1", "127.0.0.1", 2222, "root")
    assert cloud.destination("net9").jump == "ops@bastion"
    # an agent host without an entry is reached by its own name (~/.ssh/config decides)
    assert cloud.destination("other") == Destination("other", "other")
    assert settings.cloud("unknown").network_nodes == ()
    assert settings.users[0] == ("ops-*", "ops")


@pytest.mark.parametrize(
    "extra",
    [
        {"ssh": {"users": "cirros"}},
        {"clouds": {"c": {"ssh": {"network_nodes": "net1"}}}},
        {"clouds": {"c": {"ssh": {"agent_hosts": {"n": {"port": "22"}}}}}},
        {"clouds": {"c": {"ssh": {"agent_hosts": {"n": {"port": 70000}}}}}},
        {"clouds": {"c": {"ssh": {"agent_hosts": {"n": {"user": 5}}}}}},
    ],
)
def test_bad_ssh_settings_are_refused_when_loaded(extra: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="settings: "):
        parse_settings(extra)


@pytest.mark.parametrize(
    ("image", "user"),
    [
        ("cirros-0.6.2-x86_64-disk", "cirros"),
        ("Ubuntu-24.04-server", "ubuntu"),
        ("CentOS-Stream-9", "centos"),
        ("Rocky-9", "cloud-user"),
        ("AlmaLinux-9", "cloud-user"),
        ("debian-12-genericcloud", "debian"),
        ("Fedora-Cloud-40", "fedora"),
        ("ops-toolbox", "ops"),
        ("windows-2022", ""),
    ],
)
def test_user_by_image_name(image: str, user: str) -> None:
    assert user_for_image(ssh_settings(SETTINGS), image) == user


def test_image_property_os_admin_user_wins() -> None:
    assert user_for_image(SshSettings(), "ubuntu-24.04", {"os_admin_user": "admin"}) == "admin"


# -- plans on the in-memory cloud ------------------------------------------------------


async def test_namespace_plan_uses_the_dhcp_agent_host_and_configured_destination() -> None:
    backend = MemoryBackend()
    web = (await servers(backend))["web-01"]
    ssh_plan = await plan(backend, web, "namespace", ssh_settings(SETTINGS), "demo")
    assert ssh_plan.user == "cirros"
    assert [c.ip for c in ssh_plan.candidates] == ["10.0.0.2"]
    target = ssh_plan.target()
    assert target.destination == Destination("netnode1", "127.0.0.1", 2222, "root")
    assert target.namespace == f"qdhcp-{target.network_id}"
    assert target.command is not None and target.command.startswith("ip netns exec qdhcp-")
    assert target.command.endswith("cirros@10.0.0.2")
    assert "via netnode1 (root@127.0.0.1:2222)" in target.summary


async def test_plan_target_validates_the_operators_edits() -> None:
    backend = MemoryBackend()
    web = (await servers(backend))["web-01"]
    ssh_plan = await plan(backend, web, "namespace", ssh_settings(SETTINGS), "demo")
    with pytest.raises(InvalidValue, match="user name"):
        ssh_plan.target(user="$(reboot)")
    with pytest.raises(InvalidValue):
        ssh_plan.target(ip="10.0.0.99")  # valid, but not this server's
    assert ssh_plan.target(user="root").command.endswith("root@10.0.0.2")  # type: ignore[union-attr]


async def test_without_dhcp_agents_the_configured_network_nodes_are_used() -> None:
    backend = MemoryBackend()
    web = (await servers(backend))["web-01"]

    async def none(network_id: str) -> list[str]:
        return []

    backend.dhcp_agent_hosts = none  # type: ignore[method-assign]
    ssh_plan = await plan(backend, web, "namespace", ssh_settings(SETTINGS), "demo")
    target = ssh_plan.target()
    assert target.destination.host == "10.9.9.9"
    assert target.command is not None and target.command.startswith("sudo -n ip netns exec")
    assert any("no DHCP agent" in note for note in ssh_plan.notes)


async def test_forbidden_agent_listing_falls_back_and_no_node_is_an_error() -> None:
    backend = MemoryBackend()
    web = (await servers(backend))["web-01"]

    async def forbidden(network_id: str) -> list[str]:
        raise Forbidden("policy", status=403)

    backend.dhcp_agent_hosts = forbidden  # type: ignore[method-assign]
    ssh_plan = await plan(backend, web, "namespace", SshSettings(), "demo")
    with pytest.raises(SshError, match="No network node"):
        ssh_plan.target()


async def test_floating_plan_goes_straight_to_the_floating_ip() -> None:
    backend = MemoryBackend()
    found = await servers(backend)
    target = (await plan(backend, found["web-01"], "floating", SshSettings(), "demo")).target()
    assert (target.mode, target.ip, target.command) == ("floating", "172.24.0.2", None)
    assert target.destination == Destination("172.24.0.2", "172.24.0.2", user="cirros")
    with pytest.raises(SshError, match="no floating IP"):
        await plan(backend, found["db-02"], "floating", SshSettings(), "demo")


async def test_server_without_ports_cannot_be_planned() -> None:
    backend = MemoryBackend()
    web = (await servers(backend))["web-01"]
    lonely = replace(web, id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(SshError, match="no fixed IP"):
        await plan(backend, lonely, "namespace", SshSettings(), "demo")


async def test_memory_backend_agents_and_vnc() -> None:
    backend = MemoryBackend()
    web = (await servers(backend))["web-01"]
    assert "novnc" in await backend.vnc_console_url(web.id)
    with pytest.raises(BackendError):
        await backend.vnc_console_url("nope")
    with pytest.raises(BackendError):
        await backend.dhcp_agent_hosts("nope")


def test_remembered_host_key_is_an_openssh_known_hosts_line(tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / ".ssh" / "known_hosts"
    remember_host_key(path, "127.0.0.1", 2222, key)
    line = path.read_text()
    assert line == known_hosts_line("127.0.0.1", 2222, key)
    assert line.startswith("[127.0.0.1]:2222 ssh-ed25519 ")
    trusted = asyncssh.read_known_hosts(str(path)).match("127.0.0.1", "127.0.0.1", 2222)[0]
    assert {k.public_data for k in trusted} == {key.public_data}
