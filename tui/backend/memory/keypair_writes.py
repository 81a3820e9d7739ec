"""In-memory Nova keypairs: import a public key, delete; an admin's for another user.
Refusals in Nova's words (microversion 2.92: a public key is required)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tui.backend import models
from tui.backend.memory.core import MemoryCore

# Nova's JSON schema for a keypair name at 2.92, as its refusal quotes it
_NAME_PATTERN = r"^[_\\-\\@\\. a-zA-Z0-9]+$"
_NAME = re.compile(r"[_\-@. a-zA-Z0-9]+")
_TYPES = ("ssh", "x509")


class KeypairWritesMemory(MemoryCore):
    if TYPE_CHECKING:  # from ComputeMemory, beside this mixin in MemoryBackend

        def _keypair_owner(self, user_id: str | None, rule: str, operation: str = "") -> str: ...

    async def import_keypair(
        self, name: str, public_key: str, *, key_type: str = "ssh", user_id: str = ""
    ) -> models.Keypair:
        from tui.keypair_files import nova_fingerprint  # key files: not on the start-up path

        def change() -> models.Keypair:
            # Nova's order: the body's schema, the policy, the key's fingerprint, the name taken
            self._check_keypair(name, key_type)
            owner = self._keypair_owner(user_id, "create")
            try:
                print_ = nova_fingerprint(public_key)
            except ValueError:
                raise self.refused(
                    400, "Keypair data is invalid: failed to generate fingerprint"
                ) from None
            store = self._cloud.keypairs(owner)
            if store.get(name) is not None:
                raise self.refused(409, f"Key pair '{name}' already exists.")
            record = {
                "keypair": {
                    "name": name,
                    "public_key": public_key,
                    "fingerprint": print_,
                    "type": key_type,
                    "user_id": owner,
                }
            }
            return store.add(models.Keypair.from_api(record))

        return await self._write("import-keypair", _target(name, user_id), change)

    def _check_keypair(self, name: str, key_type: str) -> None:
        from tui.keypair_files import NAME_LENGTH

        field = "Invalid input for field/attribute"
        if not name:
            raise self.refused(400, f"{field} name. Value: . '' should be non-empty")
        if len(name) > NAME_LENGTH:
            raise self.refused(400, f"{field} name. Value: {name}. '{name}' is too long")
        if not _NAME.fullmatch(name):
            raise self.refused(
                400, f"{field} name. Value: {name}. '{name}' does not match '{_NAME_PATTERN}'"
            )
        if key_type not in _TYPES:
            raise self.refused(
                400, f"{field} type. Value: {key_type}. '{key_type}' is not one of {list(_TYPES)}"
            )

    async def delete_keypair(self, name: str, *, user_id: str = "") -> None:
        def change() -> None:
            owner = self._keypair_owner(user_id, "delete")
            store = self._cloud.keypairs(owner)
            if store.get(name) is None:
                raise self.refused(404, f"Keypair {name} not found for user {owner}")
            store.remove(name)

        await self._write("delete-keypair", _target(name, user_id), change)


def _target(name: str, user_id: str) -> str:
    return f"{name} (user {user_id})" if user_id else name
