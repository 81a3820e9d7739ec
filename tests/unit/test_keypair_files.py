"""Keypair files on the operator's disk: public keys checked before an import, new pairs
made here with the private key written once (0600), never overwritten, never echoed."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from tui.backend.errors import BackendError
from tui.keypair_files import (
    PRIVATE_KEY_MESSAGE,
    KeyFileError,
    default_public_key_file,
    fingerprint,
    generate,
    keypair_name_error,
    make_pair,
    parse_public_key,
    private_key_path_error,
    public_key_note,
    read_public_key,
    write_private_key,
)

# ssh-keygen -l -E md5 of this key: 65:96:2d:fc:e8:d5:a9:11:64:0c:0f:ea:00:6e:5b:bd (as Nova)
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl probe"
ED25519_MD5 = "65:96:2d:fc:e8:d5:a9:11:64:0c:0f:ea:00:6e:5b:bd"


def written(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_a_public_key_file_is_read_with_nova_s_fingerprint(tmp_path: Path) -> None:
    key = read_public_key(written(tmp_path, "id_ed25519.pub", ED25519 + "\n"))
    assert (key.key_type, key.comment, key.fingerprint) == ("ssh-ed25519", "probe", ED25519_MD5)
    assert key.line == ED25519
    assert fingerprint(ED25519) == ED25519_MD5
    assert (
        public_key_note(str(tmp_path / "id_ed25519.pub"))
        == f"ssh-ed25519 (probe) MD5 {ED25519_MD5}"
    )


@pytest.mark.parametrize("key_type", ["ed25519", "rsa"])
def test_generated_pairs_are_openssh_keys_ssh_keygen_reads(tmp_path: Path, key_type: str) -> None:
    secret, public = generate(key_type, "made-here")  # type: ignore[arg-type]
    assert secret.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    parsed = parse_public_key(public)
    assert parsed.key_type == {"ed25519": "ssh-ed25519", "rsa": "ssh-rsa"}[key_type]
    assert parsed.comment == "made-here"
    path = write_private_key(tmp_path / "k", secret)
    derived = subprocess.run(
        ["ssh-keygen", "-y", "-f", str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert derived[:2] == public.split()[:2]
    if key_type == "rsa":
        bits = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(path)], capture_output=True, text=True, check=True
        ).stdout.split()[0]
        assert bits == "4096"


def test_the_private_key_file_is_new_and_0600(tmp_path: Path) -> None:
    path = write_private_key(tmp_path / "new", b"secret bytes")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b"secret bytes"
    with pytest.raises(KeyFileError, match="exists: choose a new file") as again:
        write_private_key(path, b"other bytes")
    assert "bytes" not in str(again.value)
    assert path.read_bytes() == b"secret bytes"
    with pytest.raises(KeyFileError, match="no such directory"):
        write_private_key(tmp_path / "nowhere" / "k", b"x")
    assert private_key_path_error(str(path), {}) is not None
    assert private_key_path_error(str(tmp_path / "nowhere" / "k"), {}) == (
        f"no such directory: {tmp_path / 'nowhere'}"
    )
    assert private_key_path_error(str(tmp_path / "fresh"), {}) is None


def test_a_symlink_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(KeyFileError):
        write_private_key(tmp_path / "link", b"x")
    assert not target.exists()
    assert private_key_path_error(str(tmp_path / "link"), {}) is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (f"{ED25519}\n{ED25519}\n", "one public key per file: this one has 2 lines"),
        ("hello world", "not an OpenSSH public key"),
        ("ssh-ed25519", "ssh-ed25519 with no key data after it"),
        ("ssh-ed25519 !!!notbase64", "the ssh-ed25519 key data is not valid base64"),
        (
            "ssh-rsa " + ED25519.split()[1],
            "the line says ssh-rsa but its key data is 'ssh-ed25519'",
        ),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAQ==", "does not hold a valid key"),
    ],
)
def test_what_is_not_a_public_key_is_said_on_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(KeyFileError, match=message.replace("(", r"\(")):
        read_public_key(written(tmp_path, "key.pub", text))


def test_a_private_key_chosen_by_mistake_is_refused_unechoed(tmp_path: Path) -> None:
    secret, _ = generate("ed25519", "")
    path = written(tmp_path, "id_ed25519", secret)
    with pytest.raises(KeyFileError) as refused:
        read_public_key(path)
    assert str(refused.value) == PRIVATE_KEY_MESSAGE
    body = secret.decode().splitlines()[1]
    assert body not in public_key_note(str(path))
    assert public_key_note(str(path)) == f"✖ {PRIVATE_KEY_MESSAGE}"
    pem = b"-----BEGIN RSA PRIVATE KEY-----\n\xff\xfe\n-----END RSA PRIVATE KEY-----\n"
    with pytest.raises(KeyFileError, match="private key"):
        read_public_key(written(tmp_path, "binary", pem))


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no such file"):
        read_public_key(tmp_path / "missing.pub")
    with pytest.raises(KeyFileError, match="not a file"):
        read_public_key(tmp_path)
    with pytest.raises(KeyFileError, match="too big"):
        read_public_key(written(tmp_path, "big.pub", "x" * 20000))
    with pytest.raises(KeyFileError, match="not a text file"):
        read_public_key(written(tmp_path, "bin.pub", b"\x00\xff\x00"))


def test_the_default_file_is_the_first_id_pub_ed25519_first(tmp_path: Path) -> None:
    assert default_public_key_file(tmp_path) == ""
    written(tmp_path, "id_rsa.pub", "x")
    assert default_public_key_file(tmp_path) == str(tmp_path / "id_rsa.pub")
    written(tmp_path, "id_ed25519.pub", "x")
    assert default_public_key_file(tmp_path) == str(tmp_path / "id_ed25519.pub")


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("ops-key", None),
        ("me@laptop.example_1 b", None),
        ("", "1 to 255 characters"),
        ("x" * 256, "1 to 255 characters"),
        (" lead", "no leading or trailing spaces"),
        ("a/b", "letters, digits, space, _ - @ . only: '/' is not allowed"),
        ("clé", "letters, digits, space, _ - @ . only: 'é' is not allowed"),
    ],
)
def test_keypair_names_follow_nova(name: str, error: str | None) -> None:
    assert keypair_name_error(name) == error


async def test_a_refused_import_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "k"

    async def refuse(public: str) -> None:
        assert public.startswith("ssh-ed25519 ") and public.endswith(" mine")
        assert target.exists()  # written before the key is registered
        raise BackendError("Key pair 'mine' already exists.", status=409)

    with pytest.raises(BackendError):
        await make_pair("ed25519", "mine", target, refuse)
    assert not target.exists()


async def test_a_registration_that_may_have_happened_keeps_the_file(tmp_path: Path) -> None:
    async def lost(public: str) -> None:
        raise BackendError("connection lost", maybe_done=True)

    with pytest.raises(BackendError):
        await make_pair("ed25519", "mine", tmp_path / "k", lost)
    assert (tmp_path / "k").exists()


async def test_a_registered_pair_is_on_disk(tmp_path: Path) -> None:
    async def register(public: str) -> str:
        return public

    public = await make_pair("ed25519", "mine", tmp_path / "k", register)
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    assert public.split()[0] == "ssh-ed25519"
