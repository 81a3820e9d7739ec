"""[refresh] NAME = seconds: one resource's auto-refresh interval, checked when loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import UI_CHECKS
from tui.config import SettingsError, load_settings


def settings_from(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, UI_CHECKS)


def test_a_resources_interval_by_its_name_or_alias(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, "refresh_seconds = 60\n[refresh]\nservers = 5\nhv = 0\n")
    assert settings.refresh == {"servers": 5.0, "hv": 0.0}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[refresh]\nservrs = 5\n", 'refresh.servrs: "servrs" is no resource stackdeck has'),
        ("[refresh]\nservers = -1\n", "refresh.servers: must be at least 0, not -1"),
        ('[refresh]\nservers = "5"\n', "refresh.servers: must be a number"),
    ],
)
def test_a_bad_interval_is_named_with_its_line(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from(tmp_path, text)
    assert said in str(caught.value) and "line 2" in str(caught.value)
