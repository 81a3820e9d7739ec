"""SSH keypairs on the operator's disk: a public key file checked before it is imported, a
new pair made here (Nova >= 2.92 makes none) and its private key written once, mode 0600.

The private key is bytes that go from the generator to the file: never kept, shown, logged
or quoted in a message. A file that is not a public key is named, never echoed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import os
import re
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from tui.text import safe

T = TypeVar("T")

PUBLIC_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
# The files `ssh-keygen` makes, in the order a default is looked for (ed25519 first).
DEFAULT_KEY_FILES = ("id_ed25519", "id_ecdsa", "id_ed25519_sk", "id_ecdsa_sk", "id_rsa")
MAX_PUBLIC_KEY_BYTES = 16 * 1024  # an RSA 16384 public key is ~2.8 KB
PRIVATE_MODE = 0o600
NAME_LENGTH = 255
# Nova's keypair names from microversion 2.92 on (before: no `@` and no `.`).
_NAME = re.compile(r"[_\-@. a-zA-Z0-9]+")
_PRIVATE_MARKERS = ("PRIVATE KEY-----", "PuTTY-User-Key-File")
PRIVATE_KEY_MESSAGE = "this is a private key — choose the .pub file"

NewKeyType = Literal["ed25519", "rsa"]
NEW_KEY_TYPES: tuple[tuple[NewKeyType, str], ...] = (
    ("ed25519", "ed25519 (recommended)"),
    ("rsa", "RSA 4096"),
)
RSA_BITS = 4096


class KeyFileError(ValueError):
    """Why a key file cannot be used, in words for the field (never the file's content)."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    key_type: str
    line: str  # "type base64 [comment]", what Nova is given
    comment: str
    fingerprint: str  # Nova's: MD5 of the key blob, colon hex

    def describe(self) -> str:
        comment = f" ({safe(self.comment)})" if self.comment else ""
        return f"{self.key_type}{comment} MD5 {self.fingerprint}"


# -- names -----------------------------------------------------------------------------------


def keypair_name_error(name: str) -> str | None:
    """Why Nova would refuse `name` for a keypair (2.92's rules), or None."""
    if not 1 <= len(name) <= NAME_LENGTH:
        return f"1 to {NAME_LENGTH} characters"
    if name != name.strip():
        return "no leading or trailing spaces"
    if not _NAME.fullmatch(name):
        bad = next(c for c in name if not _NAME.fullmatch(c))
        return f"letters, digits, space, _ - @ . only: {safe(bad)!r} is not allowed"
    return None


def valid_keypair_name(value: Any, _values: Any) -> str | None:
    return keypair_name_error(str(value))


# -- public keys -----------------------------------------------------------------------------


def fingerprint(public_key: str) -> str:
    """Nova's fingerprint of an OpenSSH public key line: MD5 of the blob, colon hex."""
    blob = base64.b64decode(public_key.split()[1])
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def nova_fingerprint(public_key: str) -> str:
    """The fingerprint as Nova makes it on import, checking the key as Nova does first;
    ValueError when Nova would refuse the key ("failed to generate fingerprint")."""
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    try:
        load_ssh_public_key(public_key.encode())
        return fingerprint(public_key)
    except Exception as exc:  # Nova turns every failure into the same refusal
        raise ValueError("failed to generate fingerprint") from exc


def _embedded_type(blob: bytes) -> str:
    if len(blob) < 4:
        raise KeyFileError("the key data is too short")
    (length,) = struct.unpack(">I", blob[:4])
    if length > len(blob) - 4:
        raise KeyFileError("the key data is cut short")
    return blob[4 : 4 + length].decode("ascii", errors="replace")


def parse_public_key(text: str) -> PublicKey:
    """One OpenSSH public key line, checked like Nova checks it (and more plainly said)."""
    if any(marker in text for marker in _PRIVATE_MARKERS):
        raise KeyFileError(PRIVATE_KEY_MESSAGE)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise KeyFileError("the file is empty")
    if len(lines) > 1:
        raise KeyFileError(f"one public key per file: this one has {len(lines)} lines")
    parts = lines[0].split(None, 2)
    key_type = parts[0]
    if key_type not in PUBLIC_KEY_TYPES:
        raise KeyFileError(
            "not an OpenSSH public key: it should start with one of "
            + ", ".join(t.split("@")[0] for t in PUBLIC_KEY_TYPES)
        )
    if len(parts) < 2:
        raise KeyFileError(f"{key_type} with no key data after it")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"the {key_type} key data is not valid base64") from None
    embedded = _embedded_type(blob)
    if embedded != key_type:
        raise KeyFileError(f"the line says {key_type} but its key data is {safe(embedded)!r}")
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    line = " ".join(parts)
    try:
        load_ssh_public_key(line.encode())
    except (ValueError, TypeError):  # cryptography's "unsupported"/"invalid" alike
        raise KeyFileError(f"the {key_type} key data does not hold a valid key") from None
    comment = parts[2] if len(parts) > 2 else ""
    return PublicKey(key_type, line, comment, fingerprint(line))


def read_public_key(path: str | Path) -> PublicKey:
    """The public key in the file at `path` (``~`` expanded), or a KeyFileError saying why not."""
    file = Path(path).expanduser()
    if not file.exists():
        raise KeyFileError(f"no such file: {file}")
    if not file.is_file():
        raise KeyFileError(f"not a file: {file}")
    try:
        size = file.stat().st_size
        if size > MAX_PUBLIC_KEY_BYTES:
            raise KeyFileError(f"{size} bytes: too big for a public key")
        data = file.read_bytes()
    except PermissionError:
        raise KeyFileError(f"cannot read {file}") from None
    except OSError as exc:
        raise KeyFileError(f"cannot read {file}: {exc.strerror}") from None
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        if any(marker.encode() in data for marker in _PRIVATE_MARKERS):
            raise KeyFileError(PRIVATE_KEY_MESSAGE) from None
        raise KeyFileError("not a text file: a public key is one line of text") from None
    return parse_public_key(text)


def public_key_file_error(value: Any, _values: Any) -> str | None:
    """A form validator: why the file cannot be imported, or None."""
    try:
        read_public_key(str(value))
    except KeyFileError as exc:
        return str(exc)
    return None


def public_key_note(text: str) -> str:
    """The live line under the file field: what the file holds, or why it will not do."""
    if not text.strip():
        return ""
    try:
        return read_public_key(text.strip()).describe()
    except KeyFileError as exc:
        return f"✖ {exc}"


def default_public_key_file(ssh_dir: Path | None = None) -> str:
    """The first `~/.ssh/id_*.pub` there is (ed25519 first), as typed (``~/.ssh/...``); ""."""
    home = Path("~/.ssh")
    where = ssh_dir if ssh_dir is not None else home.expanduser()
    for stem in DEFAULT_KEY_FILES:
        if (where / f"{stem}.pub").is_file():
            return str((ssh_dir or home) / f"{stem}.pub")
    extra = sorted(where.glob("id_*.pub")) if where.is_dir() else []
    return str((ssh_dir or home) / extra[0].name) if extra else ""


# -- a new pair ------------------------------------------------------------------------------


def private_key_path_error(value: Any, _values: Any) -> str | None:
    """Why a new private key cannot be written at `value`, or None (it is checked again,
    atomically, when the file is made)."""
    path = Path(str(value)).expanduser()
    if path.exists() or path.is_symlink():
        return f"{path} exists: choose a new file (it is never overwritten)"
    if not path.parent.is_dir():
        return f"no such directory: {path.parent}"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"cannot write in {path.parent}"
    return None


def generate(key_type: NewKeyType, comment: str) -> tuple[bytes, str]:
    """A new pair: the private key (OpenSSH format, unencrypted) and the public key line."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    private: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
    if key_type == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
    elif key_type == "rsa":
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    else:
        raise ValueError(f"unknown key type {key_type!r}")
    secret = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    line = public.decode("ascii")
    return secret, f"{line} {comment}" if comment else line


def write_private_key(path: str | Path, secret: bytes) -> Path:
    """Make the file (it must not exist; its directory must) with mode 0600 and `secret`
    in it. Raises KeyFileError, naming the path only."""
    file = Path(path).expanduser()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(file, flags, PRIVATE_MODE)
    except FileExistsError:
        raise KeyFileError(f"{file} exists: choose a new file (it is never overwritten)") from None
    except FileNotFoundError:
        raise KeyFileError(f"no such directory: {file.parent}") from None
    except OSError as exc:
        raise KeyFileError(f"cannot create {file}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), PRIVATE_MODE)  # whatever the umask did
            handle.write(secret)
    except OSError as exc:
        remove_key_file(file)
        raise KeyFileError(f"cannot write {file}: {exc.strerror}") from None
    return file


def remove_key_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


async def make_pair(
    key_type: NewKeyType,
    name: str,
    private_path: str | Path,
    register: Callable[[str], Awaitable[T]],
) -> T:
    """A new pair: made, its private key written to `private_path` (a new file, 0600), then
    its public key registered (``register(public_line)``).

    The file is written first: a registered key whose private half could not be written
    would be useless. When the registration is refused, the file is removed again; when the
    cloud may have registered it all the same (the error's ``maybe_done``), it is kept.
    """
    secret, public = await asyncio.to_thread(generate, key_type, name)  # RSA takes a while
    path = write_private_key(private_path, secret)
    del secret
    try:
        return await register(public)
    except BaseException as exc:
        if not getattr(exc, "maybe_done", False):
            remove_key_file(path)
        raise
