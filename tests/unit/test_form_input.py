"""Form validation: numbers in ASCII digits, no control character in typed text, why."""

from __future__ import annotations

import pytest

from tui.forms import Field, Form, valid_name, validate
from tui.screens.resources.containers import _valid_container_name, _valid_object_name

NUMBER = Form("n", (Field("size", "Size", kind="int", minimum=1),))
TEXTS = Form(
    "t",
    (
        Field("name", "Name", validate=valid_name),
        Field("description", "Description"),
        Field("metadata", "Metadata", kind="keyvalue"),
        Field("path", "File", kind="file"),
    ),
)
# C0, DEL, C1 (CSI), bidi override and isolate, line separator, NUL
CONTROLS = ("\x1b[31m", "\x07", "\x7f", "\x9b", "\x85", "\u202e", "\u2066", "\u2028", "\x00")


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("٣", "a whole number in the digits 0-9: ٣ is not one of them"),
        ("1٣", "a whole number in the digits 0-9: ٣ is not one of them"),
        ("\uff13", "a whole number in the digits 0-9: \uff13 is not one of them"),
        ("1e3", "must be a whole number, digits 0-9 only (no exponent, point or spaces)"),
        ("1.5", "must be a whole number, digits 0-9 only (no exponent, point or spaces)"),
        ("1 000", "must be a whole number, digits 0-9 only (no exponent, point or spaces)"),
        ("-99999999999999999999", "must be at least 1"),
    ],
)
def test_numbers_take_ascii_digits_only_and_say_why(typed: str, why: str) -> None:
    _values, errors = validate(NUMBER, {"size": typed})
    assert errors == {"size": why}


def test_ascii_numbers_still_pass() -> None:
    assert validate(NUMBER, {"size": " 42 "}) == ({"size": 42}, {})


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("field", ["name", "description", "metadata", "path"])
def test_typed_text_refuses_control_characters_and_names_them(control: str, field: str) -> None:
    typed = "a=1" if field == "metadata" else "web"
    _values, errors = validate(TEXTS, {field: f"{typed}{control}x"})
    assert errors[field].startswith("no control characters: "), errors
    assert f"at position {len(typed) + 1}" in errors[field]
    assert errors[field].isprintable(), "the message itself shows the character visibly"


def test_names_still_take_unicode_and_emoji() -> None:
    assert validate(TEXTS, {"name": "café-数据-🚀", "description": "ok"})[1] == {}
    assert valid_name("x" * 256, {}) == "1 to 255 characters"


def test_secrets_keep_every_character_typed() -> None:
    form = Form("s", (Field("password", "Password", kind="secret"),))
    assert validate(form, {"password": " p\x1bw "}) == ({"password": " p\x1bw "}, {})


@pytest.mark.parametrize("control", CONTROLS)
def test_swift_names_refuse_control_characters(control: str) -> None:
    assert _valid_container_name(f"c{control}", {}) is not None
    assert _valid_object_name(f"dir/o{control}", {}) is not None
    assert _valid_container_name("backups", {}) is None
    assert _valid_object_name("dir/o.txt", {}) is None
