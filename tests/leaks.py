"""Finding a secret in what stackdeck wrote: in any encoding, wrapped over lines, in base64,
and in the raw bytes a terminal would receive."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_plus

import pytest

from tests.terminal_bytes import record_terminal

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_FRAME = re.compile(r"[\s\u2500-\u259f]")  # whitespace and box drawing: a wrapped line's seams
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def spellings(secret: str) -> dict[str, str]:
    """How services and libraries write a secret back, by name."""
    data = secret.encode()
    return {
        "plain": secret,
        "json": json.dumps(secret)[1:-1],
        "json-utf8": json.dumps(secret, ensure_ascii=False)[1:-1],
        "quote": quote(secret),
        "quote-nothing-safe": quote(secret, safe=""),
        "quote_plus": quote_plus(secret),
        "base64": base64.b64encode(data).decode(),
        "base64-url": base64.urlsafe_b64encode(data).decode(),
        "repr": repr(secret),
    }


def echoed(body: str) -> str:
    """What a service that echoes requests says about ``body`` (JSON as sent): the body as
    received, decoded, URL-encoded both ways and in base64."""
    data = json.loads(body)
    return (
        f"Invalid input for field 'user': {body}; as read: {json.dumps(data, ensure_ascii=False)}"
        f"; url: {quote(body)}; form: {quote_plus(body)}"
        f"; base64: {base64.b64encode(body.encode()).decode()}"
    )


def _decoded_runs(text: str) -> Iterator[str]:
    """Whatever the base64-looking runs of ``text`` decode to, at each alignment."""
    for run in _BASE64_RUN.findall(text):
        for start in range(4):
            chunk = run[start:].rstrip("=")
            chunk = chunk[: len(chunk) - 1] if len(chunk) % 4 == 1 else chunk
            chunk += "=" * (-len(chunk) % 4)
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    yield decode(chunk).decode("utf-8", "replace")
                except (binascii.Error, ValueError):
                    continue


def leaks(text: str, secret: str) -> list[str]:
    """The names of the encodings of ``secret`` found in ``text`` (empty: none)."""
    flat = _FRAME.sub("", text)
    found = [
        name
        for name, spelled in spellings(secret).items()
        if spelled in text or _FRAME.sub("", spelled) in flat
    ]
    for decoded in _decoded_runs(flat):
        found += [f"inside base64: {name}" for name in leaks_plain(decoded, secret)]
    return sorted(set(found))


def found_in(outputs: dict[str, str], *secrets: str) -> dict[str, list[str]]:
    """Which outputs hold which secret, and how: ``{}`` when none does."""
    return {
        name: found
        for name, text in outputs.items()
        if (found := [f"{i}: {how}" for i, s in enumerate(secrets) for how in leaks(text, s)])
    }


def leaks_plain(text: str, secret: str) -> list[str]:
    return [name for name, spelled in spellings(secret).items() if spelled in text]


def terminal_text(raw: str) -> str:
    """The terminal's byte stream with its control sequences taken out."""
    return _ESCAPES.sub("", raw)


@contextmanager
def terminal_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Everything apps started with ``run_test`` inside write to their terminal."""
    yield record_terminal(monkeypatch).chunks
