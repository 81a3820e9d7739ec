"""The settings file is checked whole at start against one schema: unknown keys and sections
(with the nearest known name), wrong types and bad values are refused, each naming the file,
the line and the key, never a traceback and never ignored."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from tui import cli
from tui.config import Settings, SettingsError, defaults_text, key_lines, load_settings
from tui.text import is_clean


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(path, cli.UI_CHECKS)
    prefix = f"{path}, line "
    assert all(p.startswith(prefix) for p in raised.value.problems), raised.value.problems
    return [p.removeprefix(prefix) for p in raised.value.problems]


def test_an_unknown_key_is_refused_with_its_line(tmp_path: Path) -> None:
    [found] = problems(tmp_path, 'cloud = "prod"\n\nbackground = "red"\n')
    assert found.startswith("3: background: unknown key (known here: cloud, read_only, theme")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refesh_seconds = 10", "1: refesh_seconds: unknown key (did you mean refresh_seconds?)"),
        ("Read_Only = true", "1: Read_Only: unknown key (did you mean read_only?)"),
        (
            "[access]\nadmin_role = ['x']",
            "2: access.admin_role: unknown key (did you mean admin_roles?)",
        ),
        ("[acess]\nadmin_roles = ['x']", "1: [acess]: unknown section (did you mean [access]?)"),
        ("admin_roles = ['x']", "1: admin_roles: unknown key (it belongs in [access])"),
        ("[access]\ntheme = 'nord'", "2: access.theme: unknown key (it belongs at the top)"),
        (
            "[clouds.lab.ssh]\nnetwork_node = ['n1']",
            "2: clouds.lab.ssh.network_node: unknown key (did you mean network_nodes?)",
        ),
        ("[clouds.lab.sh]", "1: [clouds.lab.sh]: unknown section (did you mean [clouds.lab.ssh]?)"),
    ],
)
def test_a_misspelled_or_misplaced_key_gets_a_suggestion(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_an_unknown_section_names_the_known_ones(tmp_path: Path) -> None:
    [found] = problems(tmp_path, "read_only = true\n\n[palette]\nbackground = 'red'\n")
    assert found.startswith("3: [palette]: unknown section (known here: cloud, read_only")
    assert "access" in found and "ssh" in found and "clouds" in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('stuck_minutes = "15"', 'stuck_minutes: must be a whole number, not "15"'),
        ("read_only = 1", "read_only: must be true or false, not 1"),
        ("drain_concurrency = true", "drain_concurrency: must be a whole number, not true"),
        ("stuck_minutes = 1.5", "stuck_minutes: must be a whole number, not 1.5"),
        ("refresh_seconds = '30'", 'refresh_seconds: must be a number, not "30"'),
        ("theme = 3", "theme: must be text in quotes, not 3"),
        ("cloud = ['a']", 'cloud: must be text in quotes, not ["a"]'),
        ("read_only = { on = true }", "read_only: must be true or false, not a table"),
        ("[access]\nadmin_roles = 'admin'", "access.admin_roles: must be a list of text"),
        ("[access]\nreader_roles = ['reader', 2]", "access.reader_roles: must be a list of text"),
        ("access = ['admin']", 'access: must be a table [access], not ["admin"]'),
        ("[[access]]\nadmin_roles = []", "access: must be a table [access], not an array of"),
        ("[ssh]\nusers = 'cirros'", 'ssh.users: must be a table [ssh.users], not "cirros"'),
        ("[ssh.users]\n'*win*' = 1", 'ssh.users."*win*": must be text in quotes, not 1'),
        (
            "[clouds.c.ssh.agent_hosts.n]\nport = '22'",
            'clouds.c.ssh.agent_hosts.n.port: must be a whole number, not "22"',
        ),
    ],
)
def test_a_wrong_type_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    [found] = problems(tmp_path, text)
    assert expected in found, found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refresh_seconds = -1", "refresh_seconds: must be at least 0, not -1"),
        ("stuck_minutes = 0", "stuck_minutes: must be at least 1, not 0"),
        ("drain_concurrency = 50", "drain_concurrency: must be from 1 to 20, not 50"),
        ('cloud = " "', "cloud: must not be empty"),
        ('theme = "no-such-theme"', "theme: must be one of ansi-dark"),
        ('start_resource = "nosuch"', 'start_resource: "nosuch" is no resource stackdeck has'),
        ("[access]\nadmin_roles = ['']", 'access.admin_roles: holds ""'),
        (
            "[clouds.c.ssh]\nnetwork_nodes = ['net1', 'x;id']",
            "clouds.c.ssh.network_nodes: value 'x;id' refused",
        ),
        (
            "[clouds.c.ssh.agent_hosts.n]\nport = 70000",
            "clouds.c.ssh.agent_hosts.n.port: value '70000' refused: it is out of range",
        ),
        (
            "[clouds.c.ssh.agent_hosts.n]\njump = 'a@b1,a@b2'",
            "clouds.c.ssh.agent_hosts.n.jump: value 'a@b1,a@b2' refused",
        ),
    ],
)
def test_a_bad_value_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    [found] = problems(tmp_path, text)
    assert expected in found, found


def test_every_problem_is_told_at_once_in_the_files_order(tmp_path: Path) -> None:
    text = (
        "[clouds.lab.ssh.agent_hosts.net1]\n"  # 1
        "port = 0\n"  # 2
        "[access]\n"  # 3
        "admin_roles = 'admin'\n"  # 4
        "[ssh.users]\n"  # 5
        "'*win*' = 'root -oX=y'\n"  # 6
    )
    found = problems(tmp_path, text)
    assert [p.split(":")[0] for p in found] == ["2", "4", "6"]


def test_line_numbers_survive_tricky_toml(tmp_path: Path) -> None:
    text = (
        "# a comment with read_only = 3 in it\n"  # 1
        'cloud = "a # not a comment"  # a comment\n'  # 2
        'start_resource = """\n'  # 3: a multi-line string
        "[fake]\n"  # 4: inside the string, not a table
        'read_only = 1"""\n'  # 5: inside the string too
        "theme = 'textual-dark'\n"  # 6
        "[access]\n"  # 7
        "admin_roles = [\n"  # 8: a multi-line array
        "  'admin',  # [not a table]\n"  # 9
        "  '''x = 1''',\n"  # 10
        "]\n"  # 11
        "  reader_roles = 7\n"  # 12: indented
        '[clouds."my.cloud"]\n'  # 13: a quoted key with a dot
        'ssh.network_nodes = ["n1"]\n'  # 14: a dotted key
        "ssh.agent_hosts.n1 = { port = 'x' }\n"  # 15: an inline table
        "[ 'clouds' . other . ssh ]\n"  # 16: spaces and quotes in a header
        "agent_hosts = 3\n"  # 17
    )
    found = problems(tmp_path, text)
    assert found == [
        '3: start_resource: "[fake]\u240aread_only = 1" is no resource stackdeck has '
        "(e.g. servers, hv, volumes)",
        '12: access.reader_roles: must be a list of text, e.g. ["a", "b"], not 7',
        '15: clouds."my.cloud".ssh.agent_hosts.n1.port: must be a whole number, not "x"',
        "17: clouds.other.ssh.agent_hosts: must be a table [clouds.other.ssh.agent_hosts], not 3",
    ]


def test_key_lines_knows_tables_defined_by_dotted_keys() -> None:
    lines = key_lines("a.b.c = 1\n[x]\ny.z = 2\n[[arr]]\nk = 3\n")
    assert lines[("a",)] == lines[("a", "b")] == lines[("a", "b", "c")] == 1
    assert (lines[("x",)], lines[("x", "y", "z")], lines[("arr", "k")]) == (2, 3, 5)


def test_hostile_text_in_the_file_is_shown_visibly(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        '"evil\\u001b]0;t\\u0007" = 1\n[clouds.c.ssh.agent_hosts."n\\u001b[2J"]\nhost = "h"\n',
    )
    assert len(found) == 2 and all(is_clean(p) for p in found), found
    assert "unknown key" in found[0] and "control characters" in found[1]


def test_the_ssh_tables_are_read_at_start(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[ssh.users]\n"ops-*" = "ops"\n'
        '[clouds.lab.ssh]\nnetwork_nodes = ["net9"]\n'
        '[clouds.lab.ssh.agent_hosts.netnode1]\nhost = "10.0.0.9"\nport = 2222\n'
    )
    ssh = load_settings(path).ssh
    assert ssh is not None
    assert ssh.users[0] == ("ops-*", "ops") and ("*cirros*", "cirros") in ssh.users
    lab = ssh.cloud("lab")
    assert lab.network_nodes == ("net9",)
    assert (lab.destination("netnode1").host, lab.destination("netnode1").port) == (
        "10.0.0.9",
        2222,
    )
    assert lab.destination("other").host == "other"  # no table: ~/.ssh/config decides


def test_access_roles_have_defaults_and_are_read(tmp_path: Path) -> None:
    assert (Settings().admin_roles, Settings().reader_roles) == (("admin",), ("reader",))
    path = tmp_path / "config.toml"
    path.write_text('[access]\nadmin_roles = ["cloud_admin", "admin"]\nreader_roles = []\n')
    settings = load_settings(path)
    assert settings.admin_roles == ("cloud_admin", "admin") and settings.reader_roles == ()


def test_every_setting_is_a_documented_key_and_nothing_is_parked() -> None:
    documented = defaults_text()
    names = {f.name for f in fields(Settings)}
    assert "extra" not in names and "page_size" not in names
    for f in fields(Settings):
        if f.metadata:
            assert f"{f.name} = " in documented, f.name
            assert f.metadata["doc"], f.name
        else:
            assert f.name in ("ssh", "refresh", "demo", "source"), (
                f"{f.name}: a setting without a doc"
            )
    assert "[refresh]" in documented


def test_the_real_command_with_a_bad_file_says_so_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('refresh_secs = 5\n[clouds.lab.ssh.agent_hosts.net1]\nuser = "root -oX=y"\n')
    env = {k: v for k, v in os.environ.items() if k != "STACKDECK_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--demo", "--config", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, ""), done
    assert done.stderr.splitlines() == [
        f"stackdeck: {path}, line 1: refresh_secs: unknown key (did you mean refresh_seconds?)",
        # the SSH tables are checked at start, not when `s` is first pressed
        f"stackdeck: {path}, line 3: clouds.lab.ssh.agent_hosts.net1.user: "
        "value 'root -oX=y' refused: it contains a space",
        "stackdeck: every setting, with its default: 'stackdeck config --defaults'.",
    ]
