"""Passwords in the OS keyring, never in files or logs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

SERVICE = "stackdeck"

NO_KEYRING = (
    "no OS keyring backend: install or unlock one (GNOME Keyring, KWallet, macOS Keychain; "
    "or 'pip install keyrings.alt'), or put the password in clouds.yaml/secure.yaml"
)


class KeyringUnavailable(Exception):
    """The OS keyring cannot be used: none is installed, it is locked, or it refused."""


def _key(cloud: str, username: str) -> str:
    return f"{cloud}/{username}" if username else cloud


@contextlib.contextmanager
def _keyring_errors() -> Iterator[None]:
    from keyring.errors import KeyringError, KeyringLocked, NoKeyringError

    try:
        yield
    except NoKeyringError as exc:
        raise KeyringUnavailable(NO_KEYRING) from exc
    except KeyringLocked as exc:
        raise KeyringUnavailable(
            "the OS keyring is locked: unlock it, or put the password in clouds.yaml/secure.yaml"
        ) from exc
    except KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring refused: {exc}") from exc


def check_keyring() -> None:
    """Raise KeyringUnavailable unless a keyring answers (before asking for a password)."""
    import keyring

    with _keyring_errors():
        keyring.get_password(SERVICE, SERVICE)


def get_password(cloud: str, username: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _key(cloud, username))
    except KeyringError:
        return None


def set_password(cloud: str, username: str, password: str) -> None:
    import keyring

    with _keyring_errors():
        keyring.set_password(SERVICE, _key(cloud, username), password)


def delete_password(cloud: str, username: str) -> None:
    import keyring
    from keyring.errors import PasswordDeleteError

    with _keyring_errors(), contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE, _key(cloud, username))


def cloud_username(cloud: str) -> str:
    """The user name clouds.yaml gives for a cloud (what the keyring entry is filed under).

    Raises ConfigError saying what to fix when clouds.yaml does not define the cloud.
    """
    from tui.backend.cloud_config import cloud_region

    region = cloud_region(cloud, validate=False)
    return str((region.config.get("auth") or {}).get("username", ""))
