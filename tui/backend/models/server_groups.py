"""Nova's server groups (os-server-groups, microversion 2.64: one `policy` and its `rules`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.backend.models.common import FromApi, Json, api, as_int

POLICIES = ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")


def _policy(d: Json) -> str:
    # before 2.64 Nova answers a list of policies (one at most)
    return str(d.get("policy") or next(iter(d.get("policies") or ()), ""))


@dataclass(frozen=True, slots=True)
class ServerGroup(FromApi):
    id: str
    name: str
    policy: str = field(metadata=api(get=_policy))
    # only anti-affinity takes a rule: at most this many members on one host (0: Nova's 1)
    max_server_per_host: int = field(
        metadata=api(get=lambda d: as_int((d.get("rules") or {}).get("max_server_per_host")))
    )
    members: tuple[str, ...]  # the ids of its servers that are not deleted
    project_id: str
    user_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def rules_text(self) -> str:
        rules = self.raw.get("rules") or {}
        return ", ".join(f"{key}={value}" for key, value in sorted(rules.items()))
