"""Security groups from the keyboard on the in-memory cloud: a group made, renamed and
deleted; rules added by their one-key presets and by the full form (whose mistakes are named
on the field, with nothing sent and nothing typed lost); a rule deleted; a server put in a
group and taken out of it."""

from __future__ import annotations

from typing import Any

from tests.app.test_compute_network_volume_screens import current, goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.models import SecurityGroup, SecurityGroupRule, Server
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.help import HelpScreen


def backend(pilot: Any) -> Any:
    return pilot.app.context.backend


def shapes(group: SecurityGroup) -> set[tuple[object, ...]]:
    return {
        (
            r.direction,
            r.ethertype,
            r.protocol,
            r.port_range_min,
            r.port_range_max,
            r.remote_ip_prefix,
        )
        for r in group.rules
        if r.direction == "ingress"
    }


async def new_group(pilot: Any, name: str) -> SecurityGroup:
    group: SecurityGroup = await backend(pilot).create_security_group(name)
    return group


async def open_form(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    return screen


def notes(pilot: Any) -> str:
    return "\n".join(n.message for n in pilot.app._notifications)


async def test_a_group_made_renamed_and_deleted() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "sg")
        await open_form(pilot, "n")
        await type_into(pilot, "name", "web-tier")
        await type_into(pilot, "description", "the web servers")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "web-tier" in screen_text(pilot))
        made = next(g for g in screen.table.rows_in_view() if g.name == "web-tier")
        assert made.description == "the web servers" and len(made.rules) == 2

        await select(pilot, "web-tier")
        form = await open_form(pilot, "e")
        assert form.query_one("#input-name").value == "web-tier"
        await type_into(pilot, "name", "web-front")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "web-front" in screen_text(pilot))
        assert (await backend(pilot).security_group(made.id)).name == "web-front"

        await select(pilot, "web-front")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"web-front")
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: "web-front" not in screen_text(pilot))
        assert ("delete-security-group", f"security group {made.id}") in backend(pilot).writes


async def test_ping_and_ssh_are_two_keys_on_the_group_row() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        group = await new_group(pilot, "ops")
        await goto(pilot, "sg")
        await select(pilot, "ops")
        screen = current(app)
        await pilot.press("i")
        await wait_for(
            pilot, lambda: len(screen.table.selected.rules) == 3 and not screen.in_flight
        )
        await pilot.press("s")
        await wait_for(
            pilot, lambda: len(screen.table.selected.rules) == 4 and not screen.in_flight
        )
        assert shapes(await backend(pilot).security_group(group.id)) == {
            ("ingress", "IPv4", "icmp", None, None, "0.0.0.0/0"),
            ("ingress", "IPv4", "tcp", 22, 22, "0.0.0.0/0"),
        }


async def test_http_and_https_say_which_went_in_when_one_is_refused() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        group = await new_group(pilot, "web")
        await goto(pilot, "sg")
        await select(pilot, "web")
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "security-group-rules"
        await pilot.press("w")
        await wait_for(pilot, lambda: len(list(current(app).table.rows_in_view())) == 4)
        await pilot.press("w")  # both exist now: the first is refused, nothing goes in
        await wait_for(pilot, lambda: "already exists" in notes(pilot))
        assert "added;" not in notes(pilot)

        https = next(
            r
            for r in (await backend(pilot).security_group(group.id)).rules
            if r.port_range_min == 443
        )
        await backend(pilot).delete_security_group_rule(
            next(
                r
                for r in (await backend(pilot).security_group(group.id)).rules
                if r.port_range_min == 80
            ).id
        )
        await pilot.press("w")  # HTTP goes in again, HTTPS is refused: the error says so
        await wait_for(pilot, lambda: "HTTP (80) added; HTTPS (443) not:" in notes(pilot))
        assert f"Rule id is {https.id}" in notes(pilot)
        assert len((await backend(pilot).security_group(group.id)).rules) == 4


async def test_the_rule_form_names_each_mistake_and_keeps_what_was_typed() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        group = await new_group(pilot, "db")
        await goto(pilot, "sg")
        await select(pilot, "db")
        await pilot.press("enter")
        await settle(pilot)
        form = await open_form(pilot, "n")
        writes = list(backend(pilot).writes)
        for field, typed, said in (
            ("ports", "70000", "port 70000 is out of range: 1-65535"),
            ("ports", "443-80", "443-80: the first port is after the last"),
            ("remote_ip_prefix", "10.0.0.5/24", "has host bits set: the network is 10.0.0.0/24"),
            ("remote_ip_prefix", "fd00::/64", "fd00::/64 is not an IPv4 network"),
            ("protocol", "ftp", "'ftp' is not a protocol"),
        ):
            await type_into(pilot, field, typed)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert said in screen_text(pilot), said
            assert form.query_one(f"#input-{field}").value == typed
            assert isinstance(app.screen, FormScreen)
            await type_into(pilot, field, {"ports": "", "protocol": "tcp"}.get(field, ""))
        assert backend(pilot).writes == writes, "nothing was sent"

        await type_into(pilot, "protocol", "udp")
        await type_into(pilot, "ports", "53")
        await type_into(pilot, "remote_ip_prefix", "10.0.0.0/8")
        await pick(pilot, "direction", "egress")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(list(current(app).table.rows_in_view())) == 3)
        rule = next(r for r in (await backend(pilot).security_group(group.id)).rules if r.protocol)
        assert (rule.direction, rule.protocol, rule.port_range_min, rule.port_range_max) == (
            "egress",
            "udp",
            53,
            53,
        )
        assert rule.remote_ip_prefix == "10.0.0.0/8"


async def test_a_neutron_refusal_shows_on_the_form() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await new_group(pilot, "gre")
        await goto(pilot, "sg")
        await select(pilot, "gre")
        form = await open_form(pilot, "N")
        await type_into(pilot, "protocol", "icmpv6")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.last_error is not None)
        assert "Invalid ethertype IPv4 for protocol icmpv6." in screen_text(pilot)
        assert form.query_one("#input-protocol").value == "icmpv6"


async def test_everything_from_a_cidr_then_the_rule_deleted() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        group = await new_group(pilot, "lab")
        await goto(pilot, "sg")
        await select(pilot, "lab")
        await pilot.press("enter")
        await settle(pilot)
        form = await open_form(pilot, "A")
        assert form.query_one("#input-remote_ip_prefix").value == "0.0.0.0/0"
        await type_into(pilot, "remote_ip_prefix", "192.168.7.0/24")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "192.168.7.0/24" in screen_text(pilot))
        (rule,) = [
            r
            for r in (await backend(pilot).security_group(group.id)).rules
            if r.direction == "ingress"
        ]
        assert (rule.protocol, rule.port_range_min, rule.remote_ip_prefix) == (
            "",
            None,
            "192.168.7.0/24",
        )
        assert isinstance(rule, SecurityGroupRule)
        current(app).table.select_key(rule.id)
        await pilot.pause()
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "ingress IPv4 any protocol from 192.168.7.0/24" in screen_text(pilot)
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: "192.168.7.0/24" not in screen_text(pilot))
        assert len((await backend(pilot).security_group(group.id)).rules) == 2


async def _a_server_of_mine(pilot: Any) -> Server:
    mine = backend(pilot).info.project_id
    async for page in backend(pilot).servers(all_projects=True):
        for server in page:
            if server.project_id == mine and server.fixed_ips and server.status == "ACTIVE":
                return server
    raise AssertionError("no server of the admin's project")


async def test_a_server_joins_a_group_and_leaves_it() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        group = await new_group(pilot, "joined")
        server = await _a_server_of_mine(pilot)
        screen = current(app)
        assert screen.table.select_key(server.id)
        await pilot.pause()
        await open_form(pilot, "t")
        await pick(pilot, "group", "joined")
        await pilot.press("ctrl+s")

        async def groups_of_ports() -> set[str]:
            ports = [p async for page in backend(pilot).ports(device_id=server.id) for p in page]
            return {g for p in ports for g in p.security_group_ids}

        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert group.id in await groups_of_ports()
        assert {"default", "joined"} == {
            g["name"] for g in (await backend(pilot).server(server.id)).raw["security_groups"]
        }

        form = await open_form(pilot, "T")
        picker = form.query_one("#input-group")
        await wait_for(pilot, lambda: len(picker._choices) == 2)
        assert {c.label for c in picker._choices} == {"default", "joined"}
        await pick(pilot, "group", "joined")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert group.id not in await groups_of_ports()


async def test_the_help_page_shows_the_security_group_keys() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(pilot)
        assert "Add to a security group" in text and "Remove from a security group" in text
        await pilot.press("escape")
        await goto(pilot, "sg")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(pilot)
        for said in (
            "Allow ICMP (ping) from anywhere",
            "Allow SSH (22) from anywhere",
            "Allow HTTP, HTTPS from anywhere",
            "Allow everything from a CIDR",
            "Rename / describe",
        ):
            assert said in text, text


async def test_the_default_group_keeps_its_name_but_takes_a_description() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        mine = backend(pilot).info.project_id
        screen = await goto(pilot, "sg")
        default = next(
            g for g in screen.table.rows_in_view() if g.name == "default" and g.project_id == mine
        )
        assert screen.table.select_key(default.id)
        await pilot.pause()
        form = await open_form(pilot, "e")
        await type_into(pilot, "name", "everything")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.last_error is not None)
        assert "Updating default security group not allowed." in screen_text(pilot)
        assert "409" in screen_text(pilot)
        await type_into(pilot, "name", "default")  # only the description goes, and is taken
        await type_into(pilot, "description", "ours")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        shown = await backend(pilot).security_group(default.id)
        assert (shown.name, shown.description) == ("default", "ours")


async def test_a_rule_from_the_members_of_another_group() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app_tier = await new_group(pilot, "app-tier")
        db_tier = await new_group(pilot, "db-tier")
        await goto(pilot, "sg")
        await select(pilot, "db-tier")
        form = await open_form(pilot, "N")
        await type_into(pilot, "ports", "5432")
        await type_into(pilot, "remote_ip_prefix", "10.0.0.0/8")
        await pick(pilot, "remote_group_id", "app-tier")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "a rule comes from a CIDR or from a group, not both" in screen_text(pilot)
        assert form.query_one("#input-remote_ip_prefix").value == "10.0.0.0/8"
        await type_into(pilot, "remote_ip_prefix", "")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        rule = next(
            r for r in (await backend(pilot).security_group(db_tier.id)).rules if r.protocol
        )
        assert (rule.protocol, rule.port_range_min, rule.remote_group_id) == (
            "tcp",
            5432,
            app_tier.id,
        )
