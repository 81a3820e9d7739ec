"""Start-up against a broken environment: no keyring, broken or missing clouds.yaml, an
unknown cloud, a broken settings file. Each is a clear message and exit status 2, never a
traceback."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tui import cli
from tui.backend.cloud_config import cloud_region
from tui.backend.errors import ConfigError

CLOUDS = (
    "clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n"
    "      username: alice\n      project_name: ops\n"
    "      user_domain_name: Default\n      project_domain_name: Default\n"
)


@pytest.fixture(autouse=True)
def only_our_clouds_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """openstacksdk falls back to ./clouds.yaml, ~/.config/openstack/...: none of those."""
    from openstack.config import loader

    for name in ("CONFIG_FILES", "SECURE_FILES", "VENDOR_FILES"):
        monkeypatch.setattr(loader, name, [])


@pytest.fixture
def clouds_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "clouds.yaml"
    path.write_text(CLOUDS)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    return path


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Error:" not in err, err


@pytest.mark.usefixtures("clouds_yaml", "no_keyring")
def test_login_without_a_keyring_says_what_is_missing_before_asking(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: asked.append(prompt) or "pw")
    assert cli.main(["login", "lab"]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "no OS keyring backend" in err and "clouds.yaml/secure.yaml" in err
    assert asked == [], "the password is not asked for when it cannot be stored"


@pytest.mark.usefixtures("clouds_yaml", "no_keyring")
def test_logout_without_a_keyring_says_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["logout", "lab"]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "no OS keyring backend" in err


def test_login_with_a_broken_clouds_yaml_names_the_line(
    clouds_yaml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clouds_yaml.write_text("clouds:\n  lab:\n    auth: [\n")
    assert cli.main(["login", "lab"]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert str(clouds_yaml) in err and "line 4" in err and "not valid YAML" in err


@pytest.mark.usefixtures("clouds_yaml")
def test_login_to_an_unknown_cloud_lists_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["login", "prod\x1b]0;x\x07"]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "Cloud “prod␛]0;x␇” is not in" in err and "it defines: lab" in err
    assert "\x1b" not in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("clouds:\n  lab: [\n", "line 3, column 1"),
        ("- lab\n", "not a mapping"),
        ("", "not a mapping"),
        ("clouds:\n  - lab\n", "'clouds' must map cloud names"),
    ],
)
def test_a_malformed_clouds_yaml_is_a_config_error_naming_the_file(
    clouds_yaml: Path, text: str, expected: str
) -> None:
    clouds_yaml.write_text(text)
    with pytest.raises(ConfigError) as raised:
        cloud_region("lab")
    assert str(clouds_yaml) in raised.value.message and expected in raised.value.message


def test_a_missing_clouds_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "gone.yaml"))
    with pytest.raises(ConfigError, match=r"gone\.yaml, which does not exist"):
        cloud_region("lab")


def test_a_bad_theme_in_the_settings_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "no-such-theme"\n')
    assert cli.main(["--demo", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "line 1: theme:" in err and "no-such-theme" in err and "textual-dark" in err
    assert err.endswith("every setting, with its default: 'stackdeck config --defaults'.\n")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"read_only = true\ncloud = [1,\nx = 2\n", "line 3"),
        (b"read_only = true\ncloud = [\n", "at the end, line 2"),
        (b'cloud = "\xff"\n', "can't decode byte 0xff"),
    ],
)
def test_a_broken_settings_file_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    assert cli.main(["--demo", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert str(path) in err and expected in err
    assert cli.main(["config", "--check", str(path)]) == 1  # the check says the same
    out = capsys.readouterr().out
    no_traceback(out)
    assert out.startswith(f"{path}: ") and expected in out


@pytest.mark.usefixtures("clouds_yaml", "no_keyring")
async def test_a_user_without_a_password_anywhere_is_told_how_to_give_one() -> None:
    from tui.backend import credentials
    from tui.backend.openstack import OpenStackBackend

    backend = OpenStackBackend("lab", password_lookup=credentials.get_password)
    with pytest.raises(ConfigError) as raised:
        await backend.connect()
    message = raised.value.message
    assert "No password for alice on lab" in message and "stackdeck login lab" in message


@pytest.mark.usefixtures("clouds_yaml")
async def test_a_password_stored_after_a_failed_connect_is_used_on_retry() -> None:
    from tui.backend import credentials
    from tui.backend.openstack import OpenStackBackend

    backend = OpenStackBackend("lab", password_lookup=credentials.get_password)
    with pytest.raises(ConfigError, match="No password"):
        await backend.connect()
    credentials.set_password("lab", "alice", "from-keyring")  # `stackdeck login lab` meanwhile
    assert backend._connection().config.config["auth"]["password"] == "from-keyring"


def test_command_line_complaints_show_escapes_visibly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--demo", "--\x1b]52;c;aGk=\x07"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --␛]52;c;aGk=␇" in err and "\x1b" not in err


def test_no_cloud_at_all_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OS_CLIENT_CONFIG_FILE", raising=False)
    monkeypatch.setattr("openstack.config.loader.CONFIG_FILES", [str(tmp_path / "clouds.yaml")])
    for var in ("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_CLOUD"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigError) as raised:
        cloud_region(None)
    message = raised.value.message
    assert "No cloud is configured" in message and str(tmp_path / "clouds.yaml") in message


def test_several_clouds_and_none_chosen_lists_them(
    clouds_yaml: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clouds_yaml.write_text(CLOUDS + CLOUDS.replace("clouds:\n  lab:", "  prod:"))
    monkeypatch.delenv("OS_AUTH_URL", raising=False)
    monkeypatch.delenv("OS_CLOUD", raising=False)
    with pytest.raises(ConfigError, match=r"defines lab, prod; choose one with --os-cloud"):
        cloud_region(None)
