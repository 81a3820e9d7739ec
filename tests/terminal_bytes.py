"""The bytes a pilot-test app writes to its terminal.

Textual's headless test driver drops its output; here the app believes it has a terminal
and every byte it writes is kept, so a test can check what really reached the screen.
"""

from __future__ import annotations

from typing import Any

from textual.drivers.headless_driver import HeadlessDriver


class TerminalBytes:
    """Everything the app writes to its terminal, in a pilot test (Textual's headless
    driver drops it: here it is kept, and the app believes it has a terminal)."""

    def __init__(self) -> None:
        self.chunks: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def forbidden_found(self) -> list[str]:
        """The hostile sequences (tests/hostile.py) that reached the terminal raw."""
        from tests.hostile import FORBIDDEN

        written = self.text
        return [repr(seq) for seq in FORBIDDEN if seq in written]


def record_terminal(monkeypatch: Any) -> TerminalBytes:
    recorded = TerminalBytes()
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: recorded.chunks.append(data))
    return recorded
