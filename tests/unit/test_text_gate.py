"""The gate for untrusted text: every control character shown visibly, fast when clean."""

from __future__ import annotations

import json

import pytest

from tui.text import clean_json, is_clean, json_needs_gate, one_line, safe, safe_log

HOSTILE = "x\x1b[2J\x1b[31mRED\x1b]0;title\x07\x1b]52;c;Y2F0\x1b\\ \x9b31m \u202egnp.exe\u202c"


def test_escape_sequences_become_visible() -> None:
    shown = safe(HOSTILE)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\u202e" not in shown
    assert shown.startswith("x␛[2J␛[31mRED␛]0;title␇␛]52;c;")
    assert "\\x9b31m" in shown and "\\u202egnp.exe\\u202c" in shown


@pytest.mark.parametrize("char", ["\x00", "\x08", "\r", "\x7f", "\x85", "\u2028", "\ud800"])
def test_every_control_class_is_made_visible(char: str) -> None:
    assert char not in safe(f"a{char}b")
    assert not is_clean(f"a{char}b")


def test_newline_and_tab_kept_only_when_multiline() -> None:
    assert safe("a\nb\tc", multiline=True) == "a\nb\tc"
    assert safe("a\nb\tc") == "a␊b␉c"
    assert one_line("a\nb") == "a␊b"


def test_clean_text_is_returned_as_is() -> None:
    name = "web-01 café 服务器 🚀 [/x]"
    assert safe(name) is name
    assert is_clean(name)


def test_console_log_drops_colours_and_shows_the_rest() -> None:
    assert safe_log("\x1b[0;32m  OK  \x1b[0m\r\nnext \x1b]52;c;x\x07") == "  OK  \nnext ␛]52;c;x␇"


def test_json_gate_finds_every_hostile_body_and_skips_clean_ones() -> None:
    hostile = json.dumps({"servers": [{"name": HOSTILE, "metadata": {"k\x1b": "v"}}]})
    assert json_needs_gate(hostile.encode())
    assert json_needs_gate(json.dumps({"n": "\u202e"}, ensure_ascii=False).encode())
    assert json_needs_gate(json.dumps({"n": "\x9b"}, ensure_ascii=False).encode())
    assert not json_needs_gate(json.dumps({"n": "caf\u00e9 \u670d"}).encode())
    cleaned = clean_json(json.loads(hostile))
    assert "\x1b" not in json.dumps(cleaned, ensure_ascii=False)
    assert list(cleaned["servers"][0]["metadata"]) == ["k␛"]
