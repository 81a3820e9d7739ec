"""Declarative forms: fields, their choices, and validation — no Textual here.

A form is a description (like a resource): the generic form screen draws it, keeps what
the user typed, validates each field before anything is sent, and shows the API's own
refusal next to the form when the submit fails.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from tui.text import is_clean, safe

if TYPE_CHECKING:
    from tui.backend.base import Backend

Kind = Literal["text", "int", "choice", "multi", "bool", "file", "keyvalue", "secret"]
Values = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    detail: str = ""

    def matches(self, query: str) -> bool:
        q = query.lower()
        return q in self.label.lower() or q in self.value.lower() or q in self.detail.lower()


ChoiceLoader = Callable[["Backend", Values], Awaitable[Sequence[Choice]]]
Validator = Callable[[Any, Values], str | None]


@dataclass(frozen=True, slots=True)
class Field:
    """One input. `choices` loads the options from the cloud; `visible` hides it by context."""

    __bindable__: ClassVar[bool] = True  # its callbacks may need the context (tui.resource)

    name: str
    label: str
    kind: Kind = "text"
    required: bool = False
    default: Any = None
    help: str = ""
    placeholder: str = ""
    choices: ChoiceLoader | None = None
    minimum: int | None = None
    maximum: int | None = None
    validate: Validator | None = None
    visible: Callable[[Values], bool] | None = None
    depends_on: str = ""  # reload the choices when this other field changes
    note: Callable[[str], str] | None = None  # a live line about what was typed (a file's size)

    def shown(self, values: Values) -> bool:
        return self.visible is None or self.visible(values)


Submit = Callable[["Backend", Values], Awaitable[Any]]
Verifier = Callable[["Backend", Values], Awaitable[dict[str, str]]]


class NotSent(Exception):
    """A submit that stops before anything is sent (its confirmation was declined): the
    form stays open, as typed, and shows this message."""


async def by_action(backend: Backend, values: Values) -> None:
    """The submit of an action's form: the action itself runs it (screens/acting.py)."""


@dataclass(frozen=True, slots=True)
class Form:
    __bindable__: ClassVar[bool] = True

    title: str
    fields: tuple[Field, ...]
    submit: Submit = by_action
    submit_label: str = "Submit"
    description: str = ""
    check: Callable[[Values], dict[str, str]] | None = None  # cross-field rules
    # rules that ask the cloud (an image's min disk...), run after `check` and before the
    # submit; errors by field name, shown like `check`'s, and nothing is sent
    verify: Verifier | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    focus: str = ""  # the field the cursor starts in (default: the first)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# -- validation -------------------------------------------------------------------------

# Typed by the operator and sent to the cloud as text: no control character may pass.
_TYPED_TEXT = ("text", "file", "keyvalue")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")  # not \d: it takes every script's digits (٣)


def control_error(text: str) -> str | None:
    """Why typed text is refused when it holds a control character (C0, C1, DEL, bidi)."""
    if is_clean(text):
        return None
    at = next(i for i, char in enumerate(text) if not is_clean(char))
    return f"no control characters: {safe(text[at])} at position {at + 1}"


def _number_error(text: str) -> str:
    other = next((c for c in text if c.isdigit() and c not in "0123456789"), None)
    if other is not None:
        return f"a whole number in the digits 0-9: {safe(other)} is not one of them"
    return "must be a whole number, digits 0-9 only (no exponent, point or spaces)"


def _convert(f: Field, raw: Any) -> tuple[Any, str | None]:
    """Turn what the widget holds into the value the submit gets, or say why it can't."""
    if f.kind in _TYPED_TEXT and (error := control_error(str(raw or ""))):
        return raw, error
    if f.kind in ("text", "secret", "choice"):
        text = "" if raw is None else str(raw)
        if f.kind != "secret":
            text = text.strip()
        if not text:
            return ("", "required") if f.required else ("", None)
        return text, None
    if f.kind == "int":
        text = "" if raw is None else str(raw).strip()
        if not text:
            return (None, "required") if f.required else (None, None)
        if not _WHOLE_NUMBER.fullmatch(text):
            return None, _number_error(text)
        number = int(text)
        if f.minimum is not None and number < f.minimum:
            return number, f"must be at least {f.minimum}"
        if f.maximum is not None and number > f.maximum:
            return number, f"must be at most {f.maximum}"
        return number, None
    if f.kind == "multi":
        items = tuple(raw or ())
        if f.required and not items:
            return items, "choose at least one"
        return items, None
    if f.kind == "bool":
        return bool(raw), None
    if f.kind == "file":
        text = "" if raw is None else str(raw).strip()
        if not text:
            return ("", "required") if f.required else ("", None)
        path = Path(text).expanduser()
        if (error := _file_error(path, f.label)) is not None:
            return text, error
        return str(path), None
    if f.kind == "keyvalue":
        return parse_key_values(str(raw or ""))
    return raw, None


def _file_error(path: Path, label: str) -> str | None:
    """Why `path` cannot be read as the file a field asks for ("Image file"), or None."""
    what = label.lower() if label.lower().endswith("file") else "file"
    wanted = f"give {'an' if what[0] in 'aeio' else 'a'} {what}"
    if path.is_dir():
        return f"{path} is a directory: {wanted}"
    if not path.exists():
        return f"no such file: {path}"
    if not path.is_file():
        return f"{path} is not a regular file: {wanted}"
    if not os.access(path, os.R_OK):
        return f"cannot read {path}: permission denied"
    return None


def parse_key_values(text: str) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """`a=1, b=two` → (("a","1"),("b","two")); names a bad pair instead of guessing."""
    pairs: list[tuple[str, str]] = []
    for part in (p.strip() for p in re.split(r"[,\n]", text)):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            return tuple(pairs), f"'{part}' is not key=value"
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs), None


def validate(form: Form, raw: Mapping[str, Any]) -> tuple[Values, dict[str, str]]:
    """Every shown field converted and checked; errors by field name (empty when valid)."""
    values: Values = {}
    errors: dict[str, str] = {}
    for f in form.fields:
        values[f.name] = raw.get(f.name, f.default)
    for f in form.fields:
        if not f.shown(values):
            continue
        value, error = _convert(f, values[f.name])
        values[f.name] = value
        if error is None and f.validate is not None and value not in (None, "", ()):
            error = f.validate(value, values)
        if error:
            errors[f.name] = error
    if not errors and form.check is not None:
        errors.update(form.check(values))
    return values, errors


# -- reusable validators ----------------------------------------------------------------


def valid_name(value: Any, _values: Values) -> str | None:
    text = str(value)
    if error := control_error(text):
        return error
    if not 1 <= len(text) <= 255:
        return "1 to 255 characters"
    if text != text.strip():
        return "no leading or trailing spaces"
    return None


def valid_ip(value: Any, _values: Values) -> str | None:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return f"'{value}' is not an IPv4 or IPv6 address"
    return None
