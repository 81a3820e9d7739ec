"""stackdeck's own settings: a TOML file in the XDG config dir, overridden by the command line.

Cloud definitions are not ours: they come from openstacksdk's clouds.yaml / OS_* variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

APP_NAME = "stackdeck"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def state_dir() -> Path:
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


@dataclass(slots=True)
class Settings:
    cloud: str | None = None
    read_only: bool = False
    demo: bool = False
    theme: str = "textual-dark"
    page_size: int = 1000
    refresh_seconds: float = 30.0
    start_resource: str = ""  # "": the health overview for admins, servers for the others
    stuck_minutes: int = 15  # the overview: a task or volume transition longer is "stuck"
    drain_concurrency: int = 2  # servers a drain or an evacuation moves at once
    admin_roles: tuple[str, ...] = ("admin",)  # roles that give a token the cloud-wide rights
    reader_roles: tuple[str, ...] = ("reader",)  # roles that may look but never change
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class SettingsError(ValueError):
    """The settings file cannot be used; the message says which line or key."""


def _typed(path: Path, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{path}: '{key}' must be a list of text, not {value!r}")
        return tuple(value)
    if default is None or isinstance(value, type(default)):
        ok = not (isinstance(value, bool) and not isinstance(default, bool | None))
    else:
        ok = isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)
    if not ok:
        wanted = "text" if default is None else type(default).__name__
        raise SettingsError(f"{path}: '{key}' must be {wanted}, not {value!r}")
    return float(value) if isinstance(default, float) else value


def load_settings(path: Path | None = None) -> Settings:
    path = path or Path(os.environ.get("STACKDECK_CONFIG", config_dir() / "config.toml"))
    settings = Settings()
    if not path.is_file():
        return settings
    import tomllib  # only when there is a file: most starts have none

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        last = f"at the end, line {len(text.splitlines()) or 1}"
        raise SettingsError(f"{path}: {str(exc).replace('at end of document', last)}") from exc
    known = {f.name for f in fields(Settings)} - {"extra", "source", "demo"}
    for key, value in data.items():
        if key in known:
            setattr(settings, key, _typed(path, key, value, getattr(settings, key)))
        else:
            settings.extra[key] = value
    settings.source = str(path)
    return settings
