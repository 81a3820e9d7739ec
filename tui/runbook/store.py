"""Runbooks on disk: one JSON file each under the state dir (dir 0700, files 0600), rewritten
atomically (temp file + rename) on every change, so a restart finds where each one was."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

FINISHED_PHASES = ("finished", "aborted")


class Saved(Protocol):
    """What the store keeps of a runbook (`tui.runbook.engine.Runbook`)."""

    @property
    def id(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


class RunbookStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, ident: str) -> Path:
        return self.directory / f"{ident}.json"

    def save(self, runbook: Saved) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)
        data = json.dumps(runbook.to_json(), indent=1, default=str)
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".runbook-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:  # mkstemp makes it 0600
                out.write(data)
            os.replace(temp, self.path(runbook.id))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def load(self, ident: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path(ident).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "id" in data else None

    def unfinished(self, cloud: str | None = None) -> list[dict[str, Any]]:
        """Runbooks a restart left unfinished (of `cloud`, if given), oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("*.json")):
            data = self.load(path.stem)
            if data is None or data.get("phase") in FINISHED_PHASES:
                continue
            if cloud is not None and data.get("cloud") != cloud:
                continue
            found.append(data)
        return found

    def discard(self, ident: str) -> None:
        self.path(ident).unlink(missing_ok=True)


def default_store() -> RunbookStore:
    from tui.config import state_dir

    return RunbookStore(state_dir() / "runbooks")
