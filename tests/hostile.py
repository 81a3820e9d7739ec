"""Hostile text as a tenant can put it on an admin's screen, and how to look for it.

Every payload carries the marker ``HOSTILE`` so a test can tell that the text was drawn at
all (visibly) while none of the raw sequences reached the terminal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from tests.terminal_bytes import TerminalBytes, record_terminal
from tui.backend.memory import MemoryBackend
from tui.backend.memory.store import Store, gated

__all__ = ["TerminalBytes", "make_hostile", "record_terminal"]

# Raw sequences that must never reach the terminal from data (the marker makes them unique:
# Textual's own output has escapes, never these followed by HOSTILE).
RAW_PAYLOADS = (
    "\x1b[2J\x1b[31mHOSTILE",  # clear screen, red
    "\x1b]0;HOSTILE-title\x07",  # window title
    "\x1b]52;c;SE9TVElMRQ==\x1b\\",  # OSC 52: replace the clipboard
    "\x9b31mHOSTILE",  # C1 CSI
    "\u202eHOSTILE\u202c",  # bidi override
    "HOSTILE\x00nul\x08bs\rcr\x7fdel",
)
MARKUP_PAYLOADS = ("[/]", "[/x]", "[bold]HOSTILE[/bold]", "[link=https://x]HOSTILE[/link]")
EXTRA_PAYLOADS = ("line\nbreak\ttab", "🚀服务器HOSTILE")
LONG_NAME = "HOSTILE-" + "L" * 10_000

# One name holding every payload: each list row shows all of them at once.
HOSTILE_NAME = "h-" + "".join((*RAW_PAYLOADS, *MARKUP_PAYLOADS, *EXTRA_PAYLOADS))
# What must never appear in the bytes written to the terminal.
FORBIDDEN = (
    "\x1b[31mHOSTILE",
    "\x1b]0;HOSTILE",
    "\x1b]52;c;SE9TVElMRQ",
    "\x9b",
    "\u202e",
    "\x00",
    "\x1b[2J\x1b[31m",
)


def hostile_names(count: int) -> Iterable[str]:
    """Names for `count` records: the long one first, then the all-payload one."""
    for n in range(count):
        yield LONG_NAME if n == 1 else f"{HOSTILE_NAME}-{n}"


def _renamed(record: Any, name: str) -> Any:
    raw = dict(getattr(record, "raw", {}) or {})
    changes: dict[str, Any] = {"raw": {**raw, "name": name, "description": HOSTILE_NAME}}
    names = {f.name for f in dataclasses.fields(record)}
    for text_field in ("name", "description", "display_name"):
        if text_field in names and isinstance(getattr(record, text_field), str):
            changes[text_field] = name if text_field == "name" else HOSTILE_NAME
    return dataclasses.replace(record, **changes)


def make_hostile(backend: MemoryBackend) -> None:
    """Rename the demo cloud's records as a hostile tenant would, through its write path
    (which gates text as the real backend's decoding does)."""
    cloud = backend._cloud
    for store in vars(cloud).values():
        if not isinstance(store, Store):
            continue
        records = list(store)
        for record, name in zip(records, hostile_names(len(records)), strict=True):
            renamed = _renamed(record, name)
            if renamed.id == record.id:
                store.put(renamed)
            else:  # a keypair's id is its name
                store.remove(record.id)
                store.add(renamed)
    backend._projects = [
        gated(_renamed(p, name) if p.name not in ("admin", "demo") else p)
        for p, name in zip(backend._projects, hostile_names(len(backend._projects)), strict=True)
    ]
