"""Keypairs from the keyboard on the in-memory cloud: import a public key file, create a new
pair (the private key written once, 0600, shown nowhere), delete, another user's keypairs
from :users, and a new keypair offered by the boot form."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from textual.widgets import Static

from tests.app.test_compute_network_volume_screens import current, goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.backend.memory import MemoryBackend
from tui.keypair_files import PRIVATE_KEY_MESSAGE, fingerprint, generate
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.widgets.picker import Picker


def field_line(form: FormScreen, name: str) -> str:
    """What the line under a field says (its help, its live note or its error)."""
    return str(form.query_one(f"#help-{name}", Static).content)


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(n.message for n in app._notifications)


def names(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.name for r in current(app).table.rows_in_view()}


async def open_form(pilot, key: str) -> FormScreen:  # type: ignore[no-untyped-def]
    await goto(pilot, "keypairs")
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    return pilot.app.screen


def public_key_file(tmp_path: Path, comment: str = "me@laptop") -> tuple[Path, str]:
    public = generate("ed25519", comment)[1]
    path = tmp_path / "id_ed25519.pub"
    path.write_text(public + "\n")
    return path, public


def secret_lines(secret: bytes) -> list[str]:
    """The private key's base64 lines: none may show anywhere."""
    return [ln for ln in secret.decode().splitlines() if ln and not ln.startswith("-----")]


async def test_import_a_public_key_file(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    path, public = public_key_file(tmp_path)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await type_into(pilot, "name", "laptop")
        await type_into(pilot, "path", str(path))
        await pilot.pause()
        note = field_line(pilot.app.screen, "path")
        assert note == f"ssh-ed25519 (me@laptop) MD5 {fingerprint(public)}"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: "laptop" in names(app))
        await select(pilot, "laptop")
        await pilot.press("d")
        await pilot.pause(0.2)
        assert public.split()[1][:40] in screen_text(pilot), "describe shows the public key"
    backend = app.backend
    assert isinstance(backend, MemoryBackend)
    made = [k async for page in backend.keypairs() for k in page if k.name == "laptop"]
    assert [(k.public_key, k.fingerprint) for k in made] == [(public, fingerprint(public))]
    assert [(r.action, r.target, r.result) for r in audit.records()] == [
        ("import-keypair", "laptop", "ok")
    ]


async def test_a_private_key_chosen_by_mistake_is_refused_on_the_field(tmp_path: Path) -> None:
    secret = generate("ed25519", "")[0]
    private = tmp_path / "id_ed25519"
    private.write_bytes(secret)
    app = demo_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "n")
        await type_into(pilot, "name", "laptop")
        await type_into(pilot, "path", str(private))
        await pilot.pause()
        assert PRIVATE_KEY_MESSAGE in screen_text(pilot), "the live note says it at once"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(pilot)
        assert field_line(form, "path") == f"✖ {PRIVATE_KEY_MESSAGE}"
        assert "1 field(s) need attention" in text
        assert not any(line[:20] in text for line in secret_lines(secret))
        assert form.raw_values() == {"name": "laptop", "path": str(private)}
        await type_into(pilot, "path", str(tmp_path / "missing.pub"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_line(form, "path") == f"✖ no such file: {tmp_path / 'missing.pub'}"
    assert app.backend.writes == []  # type: ignore[attr-defined]


async def test_create_a_pair_writes_the_private_key_once(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    target = tmp_path / "fresh"
    seen: list[str] = []
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_form(pilot, "c")
        await type_into(pilot, "name", "fresh")
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: "fresh" in names(app))
        seen.append(screen_text(pilot))
        await select(pilot, "fresh")
        await pilot.press("d")
        await pilot.pause(0.2)
        seen.append(screen_text(pilot))
        await pilot.press("escape")
        # a second pair to the same file is refused on the field; the file stays as it was
        first = target.read_bytes()
        form = await open_form(pilot, "c")
        await type_into(pilot, "name", "again")
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(pilot)
        assert field_line(form, "path") == (
            f"✖ {target} exists: choose a new file (it is never overwritten)"
        )
        assert form.raw_values()["path"] == str(target)
        seen += [text, notes(app)]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == first
    backend = app.backend
    assert isinstance(backend, MemoryBackend)
    (made,) = [k async for page in backend.keypairs() for k in page if k.name == "fresh"]
    derived = subprocess.run(
        ["ssh-keygen", "-y", "-f", str(target)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert derived[:2] == made.public_key.split()[:2] and made.type == "ssh"
    assert made.public_key.startswith("ssh-ed25519 ")
    seen.append(audit.path.read_text())
    for line in secret_lines(first):
        assert not any(line[:24] in where for where in seen), "the private key showed"
    assert [(r.action, r.target, r.result) for r in audit.records()] == [
        ("import-keypair", "fresh", "ok")
    ]
    assert "again" not in names_of(backend, made.user_id)


def names_of(backend: MemoryBackend, user_id: str) -> set[str]:
    return {k.name for k in backend._cloud.keypairs(user_id)}


async def test_a_pair_nova_refuses_leaves_no_file(tmp_path: Path) -> None:
    app = demo_app()
    target = tmp_path / "ops"
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "c")
        await type_into(pilot, "name", "ops-key")  # the demo's own: Nova's 409
        await pick(pilot, "key_type", "RSA")
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.last_error is not None, rounds=400)
        text = screen_text(pilot)
        assert "Key pair 'ops-key' already exists." in text and "409" in text
        assert form.raw_values()["name"] == "ops-key"
    assert not target.exists()


async def test_delete_a_keypair_by_typing_its_name(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await goto(pilot, "keypairs")
        await select(pilot, "deploy-key")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"deploy-key", "enter")
        await wait_for(pilot, lambda: "deploy-key" not in names(app))
        assert "ops-key" in names(app)
    assert [(r.action, r.target, r.result) for r in audit.records()] == [
        ("delete-keypair", "deploy-key", "ok")
    ]


async def test_a_new_keypair_is_offered_when_booting(tmp_path: Path) -> None:
    app = demo_app()
    path, _ = public_key_file(tmp_path)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await type_into(pilot, "name", "for-boot")
        await type_into(pilot, "path", str(path))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await goto(pilot, "servers")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        picker = app.screen.query_one("#input-key_name", Picker)
        await wait_for(pilot, lambda: picker.choice("for-boot") is not None)


async def test_an_admin_works_on_a_user_s_keypairs_from_users(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    backend = app.backend
    assert isinstance(backend, MemoryBackend)
    member = backend.member()
    path, public = public_key_file(tmp_path, "theirs")
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await goto(pilot, "users")
        await select(pilot, member.info.user)
        await pilot.press("K")
        await settle(pilot)
        listing = current(app)
        assert listing.resource.name == "keypairs"
        assert f"user {member.info.user}" in screen_text(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert f"Import a public key for user {member.info.user}" in screen_text(pilot)
        await type_into(pilot, "name", "given")
        await type_into(pilot, "path", str(path))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: "given" in names(app))
        await select(pilot, "given")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"given", "enter")
        await wait_for(pilot, lambda: "given" not in names(app))
    assert "given" not in names_of(backend, member.info.user_id)
    target = f"given (user {member.info.user_id})"
    assert [(r.action, r.target, r.result) for r in audit.records()] == [
        ("import-keypair", target, "ok"),
        ("delete-keypair", target, "ok"),
    ]
    assert public.split()[1] not in audit.path.read_text()
