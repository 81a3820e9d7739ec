"""Settings file, command line, and the keyring-backed login."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import __version__, cli
from tui.backend import credentials
from tui.config import Settings, SettingsError, load_settings


def test_no_settings_file_in_the_config_dir_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("STACKDECK_CONFIG", raising=False)
    assert load_settings() == Settings()


def test_a_settings_file_named_but_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError, match=r"none\.toml: no such file"):
        load_settings(tmp_path / "none.toml")
    monkeypatch.setenv("STACKDECK_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(SettingsError, match=r"gone\.toml: no such file"):
        load_settings()


def test_settings_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'cloud = "prod"\nread_only = true\nrefresh_seconds = 10\n[ssh.users]\n"ops-*" = "ops"\n'
    )
    settings = load_settings(path)
    assert settings.cloud == "prod"
    assert settings.read_only is True
    assert settings.refresh_seconds == 10.0
    assert settings.ssh is not None and settings.ssh.users[0] == ("ops-*", "ops")
    assert settings.source == str(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("read_only = 'yes'", "read_only: must be true or false"), ("cloud = [", "config.toml")],
)
def test_bad_settings_name_the_problem(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=fragment):
        load_settings(path)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"stackdeck {__version__}"


def test_command_line_overrides_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OS_CLOUD", raising=False)
    path = tmp_path / "config.toml"
    path.write_text('cloud = "prod"\nread_only = false\nstart_resource = "volumes"\n')
    argv = ["hv", "--os-cloud", "lab", "--read-only", "--config", str(path)]
    settings = cli.build_settings(cli._parser().parse_args(argv))
    assert (settings.cloud, settings.read_only, settings.start_resource) == ("lab", True, "hv")
    settings = cli.build_settings(cli._parser().parse_args(["--config", str(path)]))
    assert (settings.cloud, settings.read_only, settings.start_resource) == (
        "prod",
        False,
        "volumes",
    )


def write_clouds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n"
        "      username: alice\n      project_name: ops\n"
        "      user_domain_name: Default\n      project_domain_name: Default\n"
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))


def test_login_stores_the_password_in_the_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_clouds(tmp_path, monkeypatch)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: "s3cret")
    assert cli.main(["login", "lab"]) == 0
    assert credentials.get_password("lab", "alice") == "s3cret"
    out = capsys.readouterr().out
    assert "alice" in out and "s3cret" not in out
    assert cli.main(["logout", "lab"]) == 0
    assert credentials.get_password("lab", "alice") is None


def test_login_to_unknown_cloud_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_clouds(tmp_path, monkeypatch)
    assert cli.main(["login", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err


def test_backend_takes_the_password_from_the_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.backend.openstack import OpenStackBackend

    write_clouds(tmp_path, monkeypatch)
    credentials.set_password("lab", "alice", "from-keyring")
    backend = OpenStackBackend("lab", password_lookup=credentials.get_password)
    conn = backend._connection()
    assert conn.config.config["auth"]["password"] == "from-keyring"
