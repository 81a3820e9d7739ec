"""A runbook's items: one target each, its planned calls, its state as the run goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tui.backend.errors import BackendError


class State(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"  # the call was accepted; the cloud is still working on it
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    ABORTED = "aborted"
    UNDONE = "rolled back"  # done, then undone by the rollback of a chain that failed


UNFINISHED = frozenset({State.PENDING, State.RUNNING, State.WAITING})
ACTIVE = frozenset({State.RUNNING, State.WAITING})


@dataclass(slots=True)
class ItemError:
    """Why an item failed, as the API said it: message, HTTP status, request id."""

    message: str
    status: int | None = None
    request_id: str = ""

    @classmethod
    def of(cls, exc: BackendError) -> ItemError:
        message = exc.message
        if exc.operation:
            message = f"{exc.operation}: {message}"
        return cls(message, exc.status, exc.request_id or "")

    def text(self) -> str:
        head = f"HTTP {self.status}: " if self.status else ""
        tail = f" (request {self.request_id})" if self.request_id else ""
        return f"{head}{self.message}{tail}"


@dataclass(slots=True)
class Item:
    """One target of a runbook: `key` is what the recipe finds it by again (an id)."""

    key: str
    label: str
    calls: list[str] = field(default_factory=list)  # what it will send, in order
    state: State = State.PENDING
    message: str = ""  # skipped: why; waiting: what the cloud says; done/failed: how it ended
    progress: float | None = None  # 0..1 when known
    error: ItemError | None = None
    sent: list[str] = field(default_factory=list)  # the calls made so far
    data: dict[str, Any] = field(default_factory=dict)  # the recipe's own, persisted

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "calls": list(self.calls),
            "state": self.state.value,
            "message": self.message,
            "progress": self.progress,
            "error": None
            if self.error is None
            else {
                "message": self.error.message,
                "status": self.error.status,
                "request_id": self.error.request_id,
            },
            "sent": list(self.sent),
            "data": self.data,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Item:
        error = raw.get("error")
        return cls(
            key=str(raw["key"]),
            label=str(raw.get("label", raw["key"])),
            calls=[str(c) for c in raw.get("calls", ())],
            state=State(raw.get("state", "pending")),
            message=str(raw.get("message", "")),
            progress=raw.get("progress"),
            error=None if not error else ItemError(**error),
            sent=[str(c) for c in raw.get("sent", ())],
            data=dict(raw.get("data") or {}),
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """How a run ended: the items by outcome, and how long it took."""

    done: tuple[Item, ...]
    failed: tuple[Item, ...]
    skipped: tuple[Item, ...]
    aborted: tuple[Item, ...]
    unfinished: tuple[Item, ...]
    elapsed: float
    undone: tuple[Item, ...] = ()

    def counts(self) -> str:
        parts = [f"{len(self.done)} done", f"{len(self.failed)} failed"]
        parts += [f"{len(self.skipped)} skipped", f"{len(self.aborted)} aborted"]
        if self.undone:
            parts.append(f"{len(self.undone)} rolled back")
        if self.unfinished:
            parts.append(f"{len(self.unfinished)} not finished")
        return ", ".join(parts)

    @classmethod
    def of(cls, items: list[Item], elapsed: float) -> Summary:
        def having(*states: State) -> tuple[Item, ...]:
            return tuple(i for i in items if i.state in states)

        return cls(
            done=having(State.DONE),
            failed=having(State.FAILED),
            skipped=having(State.SKIPPED),
            aborted=having(State.ABORTED),
            unfinished=having(*UNFINISHED),
            elapsed=elapsed,
            undone=having(State.UNDONE),
        )


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
