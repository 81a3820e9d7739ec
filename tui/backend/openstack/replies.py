"""The shape a reply must have before anything reads it, and what to say when it has not.

A service (or a proxy in front of it) may answer a list with an object, a create with an
empty body, JSON with an HTML page, or cut the body short. ``expect`` checks the one thing a
caller reads; ``UnexpectedReply`` says what was expected and what came, in words an operator
can act on. ``core.read_reply`` adds the service, status and request id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["object", "list", "text"]

SHOWN_CHARS = 80

_NOUN: dict[str, str] = {"object": "object", "list": "list of objects", "text": "string"}


@dataclass(frozen=True, slots=True)
class Read:
    """What a caller reads from a reply: ``body[key]`` of `kind`, through `parse` (each item
    of a list). `made` names what a create makes, for when its reply is lost ("server")."""

    key: str | None
    parse: Callable[[Any], Any] | None = None
    kind: Kind = "object"
    made: str = ""

    def maybe_done(self, action: str) -> str:
        """What to tell the operator when a write's answer is lost or unreadable."""
        if self.made:
            return f"the {self.made} may have been created: refresh to check"
        return f"{action} may have gone through: refresh to check"

    def take(self, body: Any) -> Any:
        """What this reads from a decoded body, parsed; else UnexpectedReply."""
        value = expect(body, self.key, self.kind)
        if self.parse is None:
            return value
        what = expected_phrase(self.key, self.kind)
        if self.kind == "list":
            return [parsed(item, self.parse, what) for item in value]
        return parsed(value, self.parse, what)


class UnexpectedReply(ValueError):
    """A reply without what the caller reads: ``expected`` and ``got`` are phrases."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"{expected} (got: {got})")
        self.expected = expected
        self.got = got


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """One line of at most `limit` characters, saying when it was cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else f"{line[:limit]}… cut to {limit} chars"


def describe(value: Any) -> str:
    """What came, in a few words: ``a list``, ``an object with keys a, b``, ``null``..."""
    if isinstance(value, Mapping):
        if not value:
            return "an empty object"
        keys = sorted(str(k) for k in value)
        shown = ", ".join(f"'{shorten(k, 30)}'" for k in keys[:5])
        return f"an object with {shown}" + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    if isinstance(value, str):
        return f"the string '{shorten(value)}'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    return f"the {type(value).__name__} {shorten(repr(value))}"


def describe_text(text: str) -> str:
    """A body that is not JSON at all."""
    return f"non-JSON text '{shorten(text)}'" if text.strip() else "an empty body"


def expected_phrase(key: str | None, kind: Kind) -> str:
    noun = _NOUN[kind]
    if not key:
        return f"a JSON {noun}"
    return f"{'an' if key[0] in 'aeio' else 'a'} '{key}' {noun}"


def expect(body: Any, key: str | None, kind: Kind) -> Any:
    """``body[key]`` (``body`` itself when `key` is None) when it is of `kind`; a list must
    hold objects only. Anything else raises UnexpectedReply."""
    expected = expected_phrase(key, kind)
    if key is not None:
        if not isinstance(body, Mapping):
            raise UnexpectedReply(expected, describe(body))
        if key not in body:
            raise UnexpectedReply(expected, describe(body))
        value = body[key]
        where = f"'{key}' is "
    else:
        value, where = body, ""
    if kind == "object" and not isinstance(value, Mapping):
        raise UnexpectedReply(expected, where + describe(value))
    if kind == "text" and not isinstance(value, str):
        raise UnexpectedReply(expected, where + describe(value))
    if kind == "list":
        if not isinstance(value, list):
            raise UnexpectedReply(expected, where + describe(value))
        odd = [item for item in value if not isinstance(item, Mapping)]
        if odd:
            raise UnexpectedReply(expected, f"{where}a list holding {describe(odd[0])}")
    return value


def parsed(value: Any, parse: Callable[[Any], Any], what: str) -> Any:
    """``parse(value)``; a parser that chokes on a field turns into UnexpectedReply."""
    try:
        return parse(value)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise UnexpectedReply(
            f"{what} stackdeck can read", f"{type(exc).__name__} {shorten(str(exc))}"
        ) from exc
