"""A cloud's settings from openstacksdk's config (clouds.yaml, secure.yaml, OS_* variables),
or a ConfigError that says what to fix.

openstacksdk skips a clouds.yaml it cannot parse (it only logs a warning) and then reports
"Cloud X was not found"; this module names the file, line and column instead, or the clouds
that the files do define.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.backend.errors import ConfigError
from tui.text import safe

if TYPE_CHECKING:
    from openstack.config.cloud_region import CloudRegion


PASSWORD_AUTH = {"password", "v3password", "v2password"}


def cloud_region(
    name: str | None,
    *,
    password_lookup: Callable[[str, str], str | None] | None = None,
    **options: Any,
) -> CloudRegion:
    """openstacksdk's settings for cloud ``name`` (None: the OS_* variables or the only cloud).

    With ``password_lookup`` (cloud, user → password), a user that clouds.yaml names without
    a password gets the one stored by ``stackdeck login``, or a ConfigError saying so.
    """
    region = _get_one(name, **options)
    auth = dict(region.config.get("auth") or {})
    if (
        password_lookup is None
        or auth.get("password")
        or not auth.get("username")
        or region.config.get("auth_type", "password") not in PASSWORD_AUTH
    ):
        return region
    cloud = name or "envvars"
    secret = password_lookup(cloud, str(auth["username"]))
    if not secret:
        raise ConfigError(
            f"No password for {safe(str(auth['username']))} on {safe(cloud)}: none in "
            "clouds.yaml, secure.yaml or OS_PASSWORD, and none in the OS keyring "
            f"('stackdeck login {safe(cloud)}' stores one).",
            operation=_operation(name),
        )
    return _get_one(name, **{**options, "auth": {**auth, "password": secret}})


def _get_one(name: str | None, **options: Any) -> CloudRegion:
    import openstack.config

    try:
        return openstack.config.OpenStackConfig().get_one(cloud=name, **options)
    except Exception as exc:  # ConfigException, or a file of the wrong shape (AttributeError...)
        raise ConfigError(explain(name, exc), operation=_operation(name)) from exc


def _operation(name: str | None) -> str:
    return f"load cloud {safe(name or '(OS_* variables)')}"


def explain(name: str | None, exc: Exception) -> str:
    """Why cloud ``name`` could not be loaded, in terms of the files the SDK reads."""
    from openstack.config import loader

    override = os.environ.get("OS_CLIENT_CONFIG_FILE")
    if override and not os.path.exists(override):
        return f"OS_CLIENT_CONFIG_FILE names {safe(override)}, which does not exist."
    candidates = ([override] if override else []) + list(loader.CONFIG_FILES)
    existing = [path for path in candidates if os.path.isfile(path)]
    for path in existing:
        problem = _file_problem(path)
        if problem:
            return problem
    defined = _cloud_names(existing[0]) if existing else []
    known = ", ".join(safe(n) for n in defined) or "none"
    where = ", ".join(safe(p) for p in dict.fromkeys(candidates) if p.endswith(".yaml"))
    if name is None:
        if os.environ.get("OS_AUTH_URL"):
            return f"The OS_* variables are incomplete: {_sdk_message(exc)}"
        if defined:
            return (
                f"No cloud chosen: {safe(existing[0])} defines {known}; "
                "choose one with --os-cloud NAME (or OS_CLOUD)."
            )
        return (
            "No cloud is configured: no OS_AUTH_URL and no clouds.yaml "
            f"(looked in {where}); source an openrc or use --os-cloud NAME with a clouds.yaml "
            f"({_sdk_message(exc)})."
        )
    if existing and name not in defined:
        return f"Cloud “{safe(name)}” is not in {safe(existing[0])} (it defines: {known})."
    if not existing:
        return f"Cloud “{safe(name)}” is not configured: no clouds.yaml found (looked in {where})."
    return f"Cloud “{safe(name)}”: {_sdk_message(exc)}"


def _sdk_message(exc: Exception) -> str:
    return safe(str(exc) or type(exc).__name__)


def _load(path: str) -> Any:
    import json

    import yaml

    with open(path, encoding="utf-8") as handle:
        return json.load(handle) if path.endswith(".json") else yaml.safe_load(handle)


def _file_problem(path: str) -> str | None:
    """What is wrong with one clouds.yaml (None when it is a usable mapping of clouds)."""
    import yaml

    try:
        data = _load(path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return f"{safe(path)}{where}: {safe(exc.problem or str(exc))} (not valid YAML)."
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return f"{safe(path)} cannot be read: {safe(str(exc))}."
    if not isinstance(data, dict):
        return f"{safe(path)} is empty or not a mapping (it should start with 'clouds:')."
    clouds = data.get("clouds")
    if clouds is not None and not isinstance(clouds, dict):
        return f"{safe(path)}: 'clouds' must map cloud names to their settings."
    return None


def _cloud_names(path: str) -> list[str]:
    try:
        clouds = _load(path).get("clouds") or {}
    except Exception:  # _file_problem has already judged this file usable
        return []
    return [str(name) for name in clouds]
