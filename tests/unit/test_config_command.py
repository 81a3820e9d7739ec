"""`stackdeck config --check [FILE]` and `stackdeck config --defaults`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui import cli
from tui.config import Settings, defaults_text, load_settings, schema


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file stackdeck reads by default is the test's, and not there."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("STACKDECK_CONFIG", raising=False)
    return tmp_path / "xdg" / "stackdeck" / "config.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["config", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_good_file_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.toml"
    path.write_text('read_only = true\n[access]\nadmin_roles = ["cloud_admin"]\n')
    assert run(capsys, "--check", str(path)) == (0, f"OK: {path}\n", "")


def test_a_bad_file_lists_its_problems_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("read_only = true\nrefesh_seconds = 5\n[access]\nadmin_roles = 'admin'\n")
    code, out, _ = run(capsys, "--check", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}, line 2: refesh_seconds: unknown key (did you mean refresh_seconds?)",
        f'{path}, line 4: access.admin_roles: must be a list of text, e.g. ["a", "b"], not "admin"',
        "2 problems: stackdeck would not start.",
    ]


def test_a_missing_named_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--check", str(tmp_path / "nope.toml"))
    assert code == 1 and f"{tmp_path / 'nope.toml'}: no such file" in out


def test_check_reads_the_file_stackdeck_reads(
    tmp_path: Path,
    own_config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--check")
    assert code == 0 and out.startswith(f"OK: no settings file at {own_config_dir}")
    own_config_dir.parent.mkdir(parents=True)
    own_config_dir.write_text("theme = 'nord'\n")
    assert run(capsys, "--check") == (0, f"OK: {own_config_dir}\n", "")
    named = tmp_path / "named.toml"
    named.write_text("theme = 'nope'\n")
    monkeypatch.setenv("STACKDECK_CONFIG", str(named))
    code, out, _ = run(capsys, "--check")
    assert code == 1 and out.startswith(f"{named}, line 1: theme:")


def test_config_needs_one_of_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["config"])
    assert exited.value.code == 2
    assert "--check" in capsys.readouterr().err


def test_defaults_pass_the_check_and_are_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text, _ = run(capsys, "--defaults")
    assert code == 0
    path = tmp_path / "defaults.toml"
    path.write_text(text)
    assert run(capsys, "--check", str(path)) == (0, f"OK: {path}\n", "")
    settings = load_settings(path)
    assert settings.ssh is not None
    settings.ssh, settings.source = None, ""  # an empty [ssh.users]: the built-in users
    assert settings == Settings()


def test_defaults_name_every_key_with_its_doc(capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = run(capsys, "--defaults")

    def keys(node: object) -> list[str]:
        members = getattr(node, "members", None) or [getattr(node, "item", None)]
        found = []
        for member in members:
            if member is None:
                continue
            if type(member).__name__ == "Key":
                found.append(member.name)
                assert not member.name or member.doc, member.name
            else:
                found += keys(member)
        return found

    for name in filter(None, keys(schema())):
        assert re.search(rf"^#?{name} = ", text, re.MULTILINE), name
    assert "[access]\n" in text and "[ssh.users]\n" in text
    assert "#[clouds.mycloud.ssh.agent_hosts.net1]\n" in text


def test_the_examples_in_the_defaults_pass_the_check_once_uncommented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text, _ = run(capsys, "--defaults")
    examples = re.sub(r"^#(?=[^ \n])", "", text, flags=re.MULTILINE)
    path = tmp_path / "examples.toml"
    path.write_text(examples)
    assert run(capsys, "--check", str(path)) == (0, f"OK: {path}\n", "")
    settings = load_settings(path)
    assert settings.cloud == "mycloud" and settings.ssh is not None
    assert settings.ssh.users[0] == ("*windows*", "admin")
    node = settings.ssh.cloud("mycloud").destination("net1")
    assert (node.host, node.port, node.user) == ("net1.mgmt.example.org", 22, "root")


def test_the_documented_defaults_are_the_programs() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = doc.split("## Every key", 1)[1].split("```toml\n", 1)[1].split("```\n", 1)[0]
    assert block == defaults_text(), "docs/configuration.md: paste `stackdeck config --defaults`"
