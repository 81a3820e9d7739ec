"""Keypairs from the keyboard against the real devcloud: import a public key file, create a
new pair (the private key written once, 0600, shown nowhere), list and work on another
user's keypairs as the admin (from :users), delete by typing the name.

Every keypair is named `it-keys-<run>-...` and deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import stat
import subprocess
import uuid
from pathlib import Path

from tests.app.test_compute_network_volume_screens import goto, select, type_into, wait_for
from tests.app_helpers import screen_text, settle
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import NotFound
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.keypair_files import fingerprint, generate
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

RUN = uuid.uuid4().hex[:6]
IMPORTED = f"it-keys-{RUN}-imported"
MADE = f"it-keys-{RUN}-made"
GIVEN = f"it-keys-{RUN}-given"
SLOW = 1200  # wait_for rounds of 50 ms: 60 s
OTHER_USER = "analyst"  # seeded by devcloud/scripts/seed.py


def names(app: StackdeckApp) -> set[str]:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return {r.name for r in app.screen.table.rows_in_view()}


def notes(app: StackdeckApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def submitted(pilot, key: str, fields: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    for name, text in fields.items():
        await type_into(pilot, name, text)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen), rounds=SLOW)


async def deleted(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    await select(pilot, name)
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.press(*name, "enter")
    await wait_for(pilot, lambda: name not in names(pilot.app), rounds=SLOW)


async def cleaned(admin: OpenStackBackend, user_id: str) -> None:
    for name, owner in ((IMPORTED, ""), (MADE, ""), (GIVEN, user_id)):
        with contextlib.suppress(NotFound):
            await admin.delete_keypair(name, user_id=owner)


async def test_keypairs_from_the_keyboard(devcloud: Path, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-admin", audit=audit)
    app = StackdeckApp(backend, Settings(cloud="devcloud-admin", refresh_seconds=0))
    public = generate("ed25519", "it")[1]
    (tmp_path / "id_ed25519.pub").write_text(public + "\n")
    private = tmp_path / "made"
    other_id = ""
    seen: list[str] = []
    try:
        async with app.run_test(size=(160, 44)) as pilot:
            await settle(pilot, rounds=400)
            await goto(pilot, "keypairs")
            await submitted(
                pilot, "n", {"name": IMPORTED, "path": str(tmp_path / "id_ed25519.pub")}
            )
            await wait_for(pilot, lambda: IMPORTED in names(app), rounds=SLOW)
            await submitted(pilot, "c", {"name": MADE, "path": str(private)})
            await wait_for(pilot, lambda: MADE in names(app), rounds=SLOW)
            seen += [screen_text(pilot), notes(app)]

            mine = {k.name: k async for page in backend.keypairs() for k in page}
            assert mine[IMPORTED].fingerprint == fingerprint(public)
            assert stat.S_IMODE(private.stat().st_mode) == 0o600
            derived = subprocess.run(
                ["ssh-keygen", "-y", "-f", str(private)], capture_output=True, text=True, check=True
            ).stdout.split()
            assert derived[:2] == mine[MADE].public_key.split()[:2]

            await goto(pilot, "users")
            users = {u.name: u for u in pilot.app.screen.table.rows_in_view()}
            other_id = users[OTHER_USER].id
            await select(pilot, OTHER_USER)
            await pilot.press("K")
            await settle(pilot, rounds=400)
            assert f"user {OTHER_USER}" in screen_text(pilot)
            await submitted(pilot, "n", {"name": GIVEN, "path": str(tmp_path / "id_ed25519.pub")})
            await wait_for(pilot, lambda: GIVEN in names(app), rounds=SLOW)
            theirs = {k.name: k async for page in backend.keypairs(user_id=other_id) for k in page}
            assert theirs[GIVEN].user_id == other_id
            assert GIVEN not in {k.name async for page in backend.keypairs() for k in page}
            await deleted(pilot, GIVEN)

            await goto(pilot, "keypairs")
            await deleted(pilot, IMPORTED)
            await deleted(pilot, MADE)
            seen += [screen_text(pilot), notes(app)]
    finally:
        admin = OpenStackBackend("devcloud-admin")
        await admin.connect()
        await cleaned(admin, other_id)
        await admin.close()
    seen.append(audit.path.read_text())
    secret = [ln for ln in private.read_text().splitlines() if not ln.startswith("-----")]
    assert not any(line[:24] in where for line in secret for where in seen)
    assert [(r.action, r.result) for r in audit.records()] == [
        ("import-keypair", "ok"),
        ("import-keypair", "ok"),
        ("import-keypair", "ok"),
        ("delete-keypair", "ok"),
        ("delete-keypair", "ok"),
        ("delete-keypair", "ok"),
    ]
    assert audit.records()[2].target == f"{GIVEN} (user {other_id})"
