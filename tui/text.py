"""The gate for untrusted text: control characters made visible, never written raw.

Names, descriptions and messages come from tenants (a security group may be named
``x\\x1b]52;c;…\\x07``), files, SSH servers and the command line. Written to the terminal
as they are, they would clear the screen, set the window title or the clipboard. Every
such string passes through ``safe`` once, where it enters stackdeck (the backends' JSON
decoding, the settings, the SSH layer); the UI then builds ``rich.text.Text`` from it and
never parses it as markup.

What is made visible: C0 controls and DEL as their Unicode control pictures (ESC → ␛,
NUL → ␀), C1 controls, bidi overrides/isolates, line/paragraph separators and lone
surrogates as ``\\x9b`` / ``\\u202e`` escapes. ``multiline`` keeps newline and tab (a
console log, a description); single-line places flatten those with ``one_line``.
No Textual here: the core and the backends use it.
"""

from __future__ import annotations

import re
from typing import Any

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_OTHER = "\u2028\u2029\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_OTHER}]")
_UNSAFE_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_OTHER}]")
# Colour/style sequences (SGR) of a console log: dropped there, not shown as ␛[0;32m.
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
# What a JSON body holds when any of its strings needs the gate: \u escapes of controls,
# bidi and separators, short escapes (\n \t ...), raw DEL/C1/bidi/separators in UTF-8.
SUSPECT_JSON = re.compile(
    rb"\\u00[01][0-9a-fA-F]|\\u00[7][fF]|\\u00[89][0-9a-fA-F]|\\u061[cC]|\\u200[eEfF]"
    rb"|\\u202[89a-eA-E]|\\u206[6-9]|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\[bfnrt]"
    rb"|\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def safe(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character shown visibly (fast when there is none)."""
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible, text)


def safe_log(text: str) -> str:
    """A console log or other terminal output: colours dropped, the rest made visible."""
    return safe(_SGR.sub("", text.replace("\r\n", "\n")), multiline=True)


def one_line(text: str) -> str:
    """A string for one line (a table cell, a title): newlines and tabs shown visibly too."""
    return safe(text)


def is_clean(text: str) -> bool:
    """No control character at all (what names typed into a form must be)."""
    return _UNSAFE.search(text) is None


_GATED = re.compile(r"[\u2400-\u2421]|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}")
TYPEABLE_LENGTH = 128


def typeable(text: str) -> bool:
    """Whether an operator can type ``text`` to confirm: nothing the gate made visible
    (``␛`` cannot be typed back), not absurdly long."""
    return len(text) <= TYPEABLE_LENGTH and _GATED.search(text) is None


def clean_json(value: Any) -> Any:
    """Every string (keys too) of decoded JSON passed through ``safe(…, multiline=True)``."""
    if isinstance(value, str):
        return safe(value, multiline=True)
    if isinstance(value, dict):
        return {
            (safe(k, multiline=True) if isinstance(k, str) else k): clean_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def json_needs_gate(body: bytes) -> bool:
    """Whether a JSON body may hold a string the gate would change (fast byte scan).

    Plain ASCII without a backslash escape or DEL (most pages of a big list) is known clean
    at C speed; anything else is scanned for the escapes and UTF-8 sequences themselves.
    """
    if body.isascii() and b"\\" not in body and b"\x7f" not in body:
        return False
    return SUSPECT_JSON.search(body) is not None
