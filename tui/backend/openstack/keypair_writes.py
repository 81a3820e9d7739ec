"""Nova keypairs: register a public key (a new pair is made locally), delete; an admin's
for another user (``user_id``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tui.backend import models
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

# 2.92: Nova makes no pair any more (a public key is required) and names may hold `@` and `.`.
KEYPAIR_WRITES_MV = (2, 92)


class KeypairWritesAPI(OpenStackCore):
    def _keypair_mv(self) -> str:
        return self._compute_version(KEYPAIR_WRITES_MV)

    async def import_keypair(
        self, name: str, public_key: str, *, key_type: str = "ssh", user_id: str = ""
    ) -> models.Keypair:
        keypair: dict[str, Any] = {"name": name, "public_key": public_key, "type": key_type}
        if user_id:
            keypair["user_id"] = user_id
        made: models.Keypair = await self._write(
            "import-keypair",
            _target(name, user_id),
            "POST",
            "compute",
            "/os-keypairs",
            body={"keypair": keypair},
            microversion=self._keypair_mv,
            read=Read("keypair", models.Keypair.from_api, made="keypair"),
        )
        return made

    async def delete_keypair(self, name: str, *, user_id: str = "") -> None:
        whose = f"?user_id={quote(user_id)}" if user_id else ""
        await self._write(
            "delete-keypair",
            _target(name, user_id),
            "DELETE",
            "compute",
            f"/os-keypairs/{quote(name, safe='')}{whose}",
            microversion=self._keypair_mv,
        )


def _target(name: str, user_id: str) -> str:
    return f"{name} (user {user_id})" if user_id else name
