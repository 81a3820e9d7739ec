"""Shared by every model module: the JSON type and lenient field parsers.

Typed, immutable models parsed from the OpenStack APIs' own JSON.

Each model keeps the record it was parsed from in ``raw`` (excluded from equality), so
"describe" can show everything the API said without the models growing a field per key.

A model read from one record derives from `FromApi`: each field is read from the key of
its name, or from where its ``field(metadata=api(...))`` says, and converted by its type
(`str`, `int`, `bool`, `tuple[str, ...]`); a field of any other type says how to get it
(`api(get=...)`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, fields
from functools import cache
from typing import Any, Self

Json = Mapping[str, Any]

POWER_STATES = {
    0: "NOSTATE",
    1: "RUNNING",
    3: "PAUSED",
    4: "SHUTDOWN",
    6: "CRASHED",
    7: "SUSPENDED",
}


def as_str(value: Any) -> str:
    return "" if value is None else str(value)


def as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": as_str,
    "int": as_int,
    "bool": as_bool,
    "tuple[str, ...]": as_tuple,
}


def api(
    *keys: str,
    absent: Any = None,
    within: str = "",
    get: Callable[[Json], Any] | None = None,
) -> dict[str, Any]:
    """Where a field comes from in the API record, as the field's metadata
    (``x: str = field(metadata=api("key"))``): the first of `keys` with a value (like
    ``d.get(a) or d.get(b)``; none: the field's name), `absent` when the key is missing,
    read from the object under `within`; or whatever `get(record)` returns. The value is
    then converted by the field's type."""
    return {"api": (keys, absent, within, get)}


def _expression(f: Field[Any], env: dict[str, Any]) -> str:
    """Python source reading field `f` from record ``d``; names it uses go into `env`."""
    keys, absent, within, get = f.metadata.get("api", ((), None, "", None))
    convert = _CONVERTERS.get(str(f.type))
    if get is not None:
        env[f"get_{f.name}"] = get
        value = f"get_{f.name}(d)"
    elif convert is None:
        raise TypeError(f"{f.name}: {f.type} is read by api(get=...)")
    else:
        record = f"(d.get({within!r}) or {{}})" if within else "d"
        if len(keys) > 1:
            value = "(" + " or ".join(f"{record}.get({key!r})" for key in keys) + ")"
        elif absent is None:
            value = f"{record}.get({(keys or (f.name,))[0]!r})"
        else:
            env[f"absent_{f.name}"] = absent
            value = f"{record}.get({(keys or (f.name,))[0]!r}, absent_{f.name})"
    if convert is None:
        return value
    env[f"convert_{f.name}"] = convert
    return f"convert_{f.name}({value})"


@cache
def _parser(cls: type, given: tuple[str, ...]) -> Callable[..., Any]:
    """``parse(d, raw, *given)``: the model of record `d`, compiled once per class, as fast as
    a hand-written ``cls(id=as_str(d.get("id")), ...)``. Read are the fields with `api` metadata
    and those without a default; the `given` ones are passed in."""
    env: dict[str, Any] = {"cls": cls}
    values = [
        f"{f.name}={f.name if f.name in given else _expression(f, env)}"
        for f in fields(cls)
        if f.name != "raw"
        and (
            f.name in given
            or "api" in f.metadata
            or (f.default is MISSING and f.default_factory is MISSING)
        )
    ]
    source = f"def parse(d, raw, {', '.join(given)}):\n    return cls({', '.join(values)}, raw=raw)"
    exec(compile(source, f"<{cls.__name__}.from_api>", "exec"), env)
    parse: Callable[..., Any] = env["parse"]
    return parse


class FromApi:
    """A model read field by field from one API record (see `api`)."""

    __slots__ = ()

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls.read(d)

    @classmethod
    def read(cls, d: Json, raw: Json | None = None, **given: Any) -> Self:
        """The model of record `d` (`raw`: the record kept, `d` unless said); fields in
        `given` are taken as they are."""
        model_class: type = cls
        parse = _parser(model_class, tuple(given))
        model: Self = parse(d, d if raw is None else raw, *given.values())
        return model
