"""Filters typed on the command line: ``:servers status=ERROR host=compute1 project=demo``.

A resource declares the words its list accepts (`FilterWord`): what each means, how its
value is checked (a status upper-cased against the service's, a regex compiled) and, for a
name or id (project, flavor, image, user), how it is resolved with one list call. The words
and values become the list's `Scope.filters`; the service does the filtering.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from tui.backend.errors import BackendError

if TYPE_CHECKING:
    from tui.backend.base import Backend


class FilterError(ValueError):
    """A filter the command line cannot use; the message says why, for the operator."""


def as_typed(value: str) -> str:
    return value


@dataclass(frozen=True, slots=True)
class FilterWord:
    """One ``word=value`` a list accepts: the scope filter it sets (`key`, default the
    word), what the value means, how it is checked, and how a name is resolved to an id."""

    word: str
    means: str
    key: str = ""
    check: Callable[[str], str] = as_typed  # the value to use, or FilterError
    resolve: Callable[[Backend, str], Awaitable[str]] | None = None
    aliases: tuple[str, ...] = ()

    @property
    def scope_key(self) -> str:
        return self.key or self.word


def split_command(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``servers status=ERROR name="web 1"`` → ("servers", [("status", "ERROR"), ...])."""
    try:
        parts = shlex.split(text)
    except ValueError as exc:  # an unclosed quote
        raise FilterError(f"Cannot read the command: {exc}.") from None
    if not parts:
        return "", []
    name, pairs = parts[0], []
    for part in parts[1:]:
        word, equals, value = part.partition("=")
        if not equals or not word:
            raise FilterError(f"“{part}” is not word=value (e.g. status=ERROR).")
        pairs.append((word.lower(), value))
    return name, pairs


def word_of(words: Sequence[FilterWord], word: str) -> FilterWord | None:
    return next((w for w in words if word in (w.word, *w.aliases)), None)


def check_filters(
    name: str, words: Sequence[FilterWord], pairs: Sequence[tuple[str, str]]
) -> list[tuple[FilterWord, str]]:
    """Each pair's word (among the `words` list `name` accepts) and its checked value;
    FilterError names what is wrong."""
    if pairs and not words:
        raise FilterError(f":{name} takes no filters (type / in the list to filter).")
    checked: list[tuple[FilterWord, str]] = []
    for word, value in pairs:
        found = word_of(words, word)
        if found is None:
            accepted = ", ".join(w.word for w in words)
            raise FilterError(f"{name} cannot be filtered by “{word}”: use {accepted}.")
        if any(w is found for w, _ in checked):
            raise FilterError(f"{found.word}= is given twice.")
        if not value:
            raise FilterError(f"{found.word}= needs a value: {found.means}.")
        try:
            checked.append((found, found.check(value)))
        except FilterError as exc:
            raise FilterError(f"{found.word}={value}: {exc}.") from None
    return checked


async def resolve_filters(
    backend: Backend, checked: Sequence[tuple[FilterWord, str]]
) -> tuple[tuple[str, str], ...]:
    """The scope filters: names resolved to ids (one list call each)."""
    resolved = []
    for word, value in checked:
        if word.resolve is not None:
            try:
                value = await word.resolve(backend, value)
            except FilterError as exc:
                raise FilterError(f"{word.word}={value}: {exc}.") from None
        resolved.append((word.scope_key, value))
    return tuple(resolved)


def label(pairs: Sequence[tuple[str, str]]) -> str:
    """The filters as typed, for the list's header: ``status=ERROR name='web 1'``."""
    return " ".join(f"{word}={shlex.quote(value)}" for word, value in pairs)


# -- checks -------------------------------------------------------------------------------


def one_of(choices: Sequence[str]) -> Callable[[str], str]:
    """A value among `choices`, typed in any case, used as the choice is spelt."""
    spelt = {choice.casefold(): choice for choice in choices}

    def check(value: str) -> str:
        if value.casefold() not in spelt:
            raise FilterError(f"not one of {', '.join(choices)}")
        return spelt[value.casefold()]

    return check


def regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise FilterError(f"not a regular expression ({exc})") from None
    return value


def boolean(value: str) -> str:
    lowered = value.lower()
    if lowered in ("true", "yes", "1", "on"):
        return "true"
    if lowered in ("false", "no", "0", "off"):
        return "false"
    raise FilterError("true or false")


# -- names resolved to ids ----------------------------------------------------------------


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


_ID = re.compile(r"^[0-9a-fA-F-]{32,36}$")


def by_name_or_id(
    kind: str, lister: Callable[[Backend], AsyncIterator[Sequence[Any]]]
) -> Callable[[Backend, str], Awaitable[str]]:
    """A resolver: the id of the one `kind` whose id or name is the value (names compared
    exactly, else ignoring case), listed once. A cloud that will not list them takes an
    id-looking value as it is."""

    async def resolve(backend: Backend, value: str) -> str:
        try:
            items: list[Named] = [item async for page in lister(backend) for item in page]
        except BackendError as exc:
            if _ID.match(value):
                return value
            raise FilterError(
                f"cannot look {kind} names up here ({exc.message}); give the {kind}'s id"
            ) from None
        if any(item.id == value for item in items):
            return value
        named = [i for i in items if i.name == value] or [
            i for i in items if i.name.casefold() == value.casefold()
        ]
        if len(named) > 1:
            raise FilterError(f"{len(named)} {kind}s are named so; give the id")
        if not named:
            raise FilterError(f"no {kind} has this name or id")
        return named[0].id

    return resolve


def project_word(means: str = "a project's name or id (admin)") -> FilterWord:
    """``project=``: a project by name or id, resolved with Keystone's project list."""
    return FilterWord(
        "project",
        means,
        key="project_id",
        resolve=by_name_or_id("project", lambda b: b.projects()),
        aliases=("tenant", "project_id"),
    )
