"""The audit log: one JSON line per mutating call, whatever its outcome."""

from __future__ import annotations

import os
import threading
import time
from contextvars import ContextVar
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.secrets import Secrets

# The runbook whose item is making the calls of this task (and of the threads it starts):
# its records carry the runbook's id, so one run's calls can be found in the log.
RUNBOOK: ContextVar[str] = ContextVar("stackdeck_runbook", default="")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    time: str
    cloud: str
    project: str
    user: str
    action: str
    target: str
    result: str  # "ok" or "error: <status> <message>"
    request_id: str
    runbook: str = ""  # the runbook that made the call, if any


class AuditLog:
    """Appends records to a JSON-lines file (created 0600); thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, record: AuditRecord, secrets: Secrets | None = None) -> None:
        """Append one line; every field with ``secrets`` masked (a target or an error may
        quote what was sent)."""
        import json  # not on the start-up path: the first record comes later

        if not record.runbook and (runbook := RUNBOOK.get()):
            record = replace(record, runbook=runbook)
        fields = asdict(record)
        if secrets is not None:
            fields = {key: secrets.redact(value) for key, value in fields.items()}
        line = json.dumps(fields, sort_keys=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line)

    def records(self) -> list[AuditRecord]:
        import json

        if not self.path.is_file():
            return []
        with self.path.open(encoding="utf-8") as lines:
            return [AuditRecord(**json.loads(line)) for line in lines if line.strip()]

    def of_runbook(self, runbook: str) -> list[AuditRecord]:
        return [r for r in self.records() if r.runbook == runbook]


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
