"""Passwords in the OS keyring, never in files or logs."""

from __future__ import annotations

import contextlib

SERVICE = "stackdeck"


def _key(cloud: str, username: str) -> str:
    return f"{cloud}/{username}" if username else cloud


def get_password(cloud: str, username: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _key(cloud, username))
    except KeyringError:
        return None


def set_password(cloud: str, username: str, password: str) -> None:
    import keyring

    keyring.set_password(SERVICE, _key(cloud, username), password)


def delete_password(cloud: str, username: str) -> None:
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE, _key(cloud, username))


def cloud_username(cloud: str) -> str:
    """The user name clouds.yaml gives for a cloud (what the keyring entry is filed under)."""
    import openstack.config

    region = openstack.config.OpenStackConfig().get_one(cloud=cloud, validate=False)
    return str((region.config.get("auth") or {}).get("username", ""))
