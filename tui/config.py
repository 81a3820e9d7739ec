"""stackdeck's own settings: a TOML file in the XDG config dir, overridden by the command line.

The file's schema is written once, here. Its plain keys are the fields of `Settings` (type,
default and a one-line doc in `setting(...)`); the SSH tables, whose keys the operator names
(an image pattern, a cloud, an agent host), are `SSH_TABLES`. Loading checks the whole file
before anything starts: an unknown key (with the nearest known one), a wrong type or a bad
value is a `SettingsError` naming the file, the line and the key; nothing is ignored.
`stackdeck config --defaults` prints the file with every key at its default (`defaults_text`),
`stackdeck config --check [FILE]` checks one.

Cloud definitions are not ours: they come from openstacksdk's clouds.yaml / OS_* variables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tui.text import is_clean, safe

if TYPE_CHECKING:
    from tui.backend.ssh_config import SshSettings

APP_NAME = "stackdeck"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def state_dir() -> Path:
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


def settings_file() -> Path:
    """The file stackdeck reads: $STACKDECK_CONFIG, else config.toml in the XDG config dir."""
    named = os.environ.get("STACKDECK_CONFIG")
    return Path(named) if named else config_dir() / "config.toml"


# -- the schema's parts ------------------------------------------------------------------

# What TOML value a key takes, and how a message names it.
KINDS = {
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "text": "text in quotes",
    "texts": 'a list of text, e.g. ["a", "b"]',
}
# A check gets a value of the right kind and returns it as used, or raises ValueError(why).
Check = Callable[[Any], Any]


class Key:
    """One key: its kind (see KINDS), default, one-line doc, and the check of its value.

    `example` is what `--defaults` shows for a key that has no default value to print.
    """

    __slots__ = ("check", "default", "doc", "example", "kind", "name")

    def __init__(
        self,
        name: str,
        kind: str,
        default: Any,
        doc: str,
        check: Check | None = None,
        example: Any = None,
    ) -> None:
        self.name, self.kind, self.default, self.doc = name, kind, default, doc
        self.check, self.example = check, example


class Table:
    """A TOML table of known keys and sub-tables."""

    __slots__ = ("doc", "members", "name")

    def __init__(self, name: str, doc: str, members: tuple[Key | Table | Names, ...]) -> None:
        self.name, self.doc, self.members = name, doc, members


class Names:
    """A table whose keys the operator names (a cloud, an image pattern); each value is an
    `item`. `check_name(name, value)` returns why a name cannot be used, or None."""

    __slots__ = ("check_name", "doc", "example", "item", "name")

    def __init__(
        self,
        name: str,
        doc: str,
        item: Key | Table,
        example: str,
        check_name: Callable[[str, Any], str | None] | None = None,
    ) -> None:
        self.name, self.doc, self.item, self.example = name, doc, item, example
        self.check_name = check_name


def setting(
    default: Any,
    doc: str,
    *,
    section: str = "",
    kind: str = "",
    check: Check | None = None,
    example: Any = None,
) -> Any:
    """A `Settings` field that is a key of the file (in `[section]`, or at the top)."""
    if not kind:
        kind = {bool: "bool", int: "int", float: "number", str: "text", tuple: "texts"}[
            type(default)
        ]
    meta = {"kind": kind, "doc": doc, "section": section, "check": check, "example": example}
    return field(default=default, metadata=meta)


# -- checks of values ----------------------------------------------------------------------


def _at_least(low: float) -> Check:
    def check(value: Any) -> Any:
        if value < low:
            raise ValueError(f"must be at least {low:g}, not {value:g}")
        return value

    return check


def _between(low: int, high: int) -> Check:
    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise ValueError(f"must be from {low} to {high}, not {value}")
        return value

    return check


def _not_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty (leave the key out instead)")
    if not is_clean(value):
        raise ValueError(f"contains control characters: {shown(value)}")
    return value


def _role_names(value: tuple[str, ...]) -> tuple[str, ...]:
    for name in value:
        if not name.strip() or not is_clean(name):
            raise ValueError(f"holds {shown(name)}: a role's name, without control characters")
    return value


SshGrammar = Literal["valid_host", "valid_port", "valid_user", "valid_jump"]


def _ssh(validator: SshGrammar) -> Check:
    """A check by the SSH layer's grammar (tui/backend/ssh_values.py), imported when used."""

    def check(value: Any) -> Any:
        from tui.backend import ssh_values

        try:
            getattr(ssh_values, validator)(value, "value")
        except ssh_values.InvalidValue as exc:
            raise ValueError(exc.message) from None
        return value

    return check


def _ssh_all(validator: SshGrammar) -> Check:
    one = _ssh(validator)

    def check(value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            one(item)
        return value

    return check


def _clean_name(name: str, value: Any) -> str | None:
    return None if is_clean(name) else "the name contains control characters"


def _agent_host_name(name: str, value: Any) -> str | None:
    """An agent host without `host` is reached by its own name: then it must be a host name."""
    if not is_clean(name):
        return "the name contains control characters"
    if isinstance(value, Mapping) and value.get("host") is None:
        try:
            _ssh("valid_host")(name)
        except ValueError as exc:
            return f"no 'host' given, and the name is not one: {exc}"
    return None


# -- the schema ----------------------------------------------------------------------------


@dataclass(slots=True)
class Settings:
    """Every setting of the file, each at its default in `Settings()`; the command line
    overrides some (tui/cli.py). `demo` and `source` are not keys of the file."""

    cloud: str | None = setting(
        None,
        "The cloud to open, by its clouds.yaml name; --os-cloud and $OS_CLOUD come first "
        "(none: the OS_* variables)",
        kind="text",
        check=_not_empty,
        example="mycloud",
    )
    read_only: bool = setting(
        False, "Offer no mutating action, and refuse writes in the backend (as --read-only)"
    )
    theme: str = setting("textual-dark", "The colour theme: one of Textual's themes")
    refresh_seconds: float = setting(
        30.0,
        "Seconds between refreshes of a list ([refresh] sets one resource's); 0 turns them off",
        check=_at_least(0),
    )
    cache: bool = setting(
        True,
        "Keep the last-seen rows of each list in stackdeck's cache dir and show them at once "
        "on the next start, marked stale, while the list refreshes (never in the demo)",
    )
    start_resource: str = setting(
        "",
        'The first list shown, e.g. "hv" (as `stackdeck hv`); empty: the health overview '
        "for admins, servers for the others",
    )
    stuck_minutes: int = setting(
        15,
        "The health overview calls a server task or a volume transition longer than this stuck",
        check=_at_least(1),
    )
    drain_concurrency: int = setting(
        2,
        "How many servers a drain or an evacuation moves at once (the form's default)",
        check=_between(1, 20),
    )
    admin_roles: tuple[str, ...] = setting(
        ("admin",),
        "A token with any of these roles is an admin: all projects, hypervisors, services, "
        "the health overview",
        section="access",
        check=_role_names,
    )
    reader_roles: tuple[str, ...] = setting(
        ("reader",),
        "A token with any of these roles (and no admin role) may read what an admin reads, "
        "and change nothing",
        section="access",
        check=_role_names,
    )
    # [refresh]: seconds between refreshes of one resource's list, by its name
    refresh: dict[str, float] = field(default_factory=dict)
    # [ssh.users] and [clouds.NAME.ssh] (SSH_TABLES); None: the file has neither
    ssh: SshSettings | None = None
    demo: bool = False  # --demo
    source: str = ""  # the file read ("" when there was none), for messages


SECTIONS = {
    "access": "What a token may do is judged by the names of its roles.",
}

# How SSH reaches a DHCP agent host: [clouds.NAME.ssh.agent_hosts.HOST]
AGENT_HOST = Table(
    "",
    "",
    (
        Key(
            "host",
            "text",
            None,
            "The address to connect to (default: the table's name)",
            _ssh("valid_host"),
            example="net1.mgmt.example.org",
        ),
        Key(
            "port",
            "int",
            None,
            "The SSH port (default: ~/.ssh/config's, else 22)",
            _ssh("valid_port"),
            22,
        ),
        Key(
            "user",
            "text",
            None,
            "The user to log in as (default: ~/.ssh/config's, else yours)",
            _ssh("valid_user"),
            example="root",
        ),
        Key(
            "jump",
            "text",
            None,
            "One jump host: [user@]host[:port]",
            _ssh("valid_jump"),
            example="ops@bastion.example.org",
        ),
    ),
)
# One cloud's SSH settings: [clouds.NAME.ssh]
CLOUD_SSH = Table(
    "ssh",
    "",
    (
        Key(
            "network_nodes",
            "texts",
            (),
            "Network nodes to go through when Neutron names no DHCP agent for the network",
            _ssh_all("valid_host"),
            example=["net1", "net2"],
        ),
        Names(
            "agent_hosts",
            "How to reach a DHCP agent host (as Neutron names it) over SSH; a host without a "
            "table is reached by its own name, so ~/.ssh/config decides.",
            AGENT_HOST,
            example="net1",
            check_name=_agent_host_name,
        ),
    ),
)
# Seconds between refreshes of one resource's list: [refresh] servers = 5
REFRESH_TABLE = Names(
    "refresh",
    "Seconds between refreshes of one resource's list, by its name (as `stackdeck NAME`); "
    "0 turns them off; the others refresh every refresh_seconds.",
    Key("", "number", None, "", _at_least(0), example=5),
    example="servers",
    check_name=_clean_name,
)
SSH_TABLES: tuple[Table | Names, ...] = (
    Table(
        "ssh",
        "",
        (
            Names(
                "users",
                "The VM's login user by image name: a glob (case-insensitive), the first that "
                "matches wins. The image's os_admin_user property comes first; stackdeck's own "
                "patterns (cirros, ubuntu, centos, rocky, alma, rhel, debian, fedora) last.",
                Key("", "text", None, "", _ssh("valid_user"), example="admin"),
                example="*windows*",
                check_name=_clean_name,
            ),
        ),
    ),
    Names(
        "clouds",
        "One table per cloud (its clouds.yaml name): how SSH reaches its network nodes.",
        Table("", "", (CLOUD_SSH,)),
        example="mycloud",
        check_name=_clean_name,
    ),
)


def schema() -> Table:
    """The whole file: the `Settings` fields that are keys, by section, then SSH_TABLES."""
    top: list[Key | Table | Names] = []
    sections: dict[str, list[Key | Table | Names]] = {}
    for f in fields(Settings):
        if not f.metadata:
            continue
        meta = f.metadata
        key = Key(f.name, meta["kind"], f.default, meta["doc"], meta["check"], meta["example"])
        (sections.setdefault(meta["section"], []) if meta["section"] else top).append(key)
    top += [Table(name, SECTIONS.get(name, ""), tuple(keys)) for name, keys in sections.items()]
    return Table("", "", (*top, REFRESH_TABLE, *SSH_TABLES))


# -- loading -------------------------------------------------------------------------------


class SettingsError(ValueError):
    """The settings file cannot be used. `problems`: one line each, naming the file, the
    line and the key; the message is all of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_settings(path: Path | None = None, checks: Mapping[str, Check] | None = None) -> Settings:
    """The settings in `path`, else in `settings_file()`; SettingsError when it is wrong.

    Only the XDG config dir's file may be missing (then every default applies): a file named
    by --config or $STACKDECK_CONFIG must be there. `checks`: more checks by key name, for
    the values only the UI can judge (a theme, a resource's name); the caller has them,
    since the settings import no Textual and no screen (tui/cli.py: UI_CHECKS).
    """
    named = path is not None or bool(os.environ.get("STACKDECK_CONFIG"))
    path = path or settings_file()
    if not path.is_file():
        if named or path.exists():
            why = "is not a file" if path.exists() else "no such file"
            raise SettingsError([f"{safe(str(path))}: {why}"])
        return Settings()
    import tomllib  # only when there is a file: most starts have none

    where = safe(str(path))
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError([f"{where}: {safe(str(exc))}"]) from None
    except tomllib.TOMLDecodeError as exc:
        last = f"at the end, line {len(text.splitlines()) or 1}"
        raise SettingsError([f"{where}: {str(exc).replace('at end of document', last)}"]) from None
    return parse_settings(data, source=str(path), text=text, checks=checks)


def parse_settings(
    data: Mapping[str, Any],
    source: str = "settings",
    text: str = "",
    checks: Mapping[str, Check] | None = None,
) -> Settings:
    """Settings from a parsed TOML document, checked against the whole schema.

    `text` is the document's source, for line numbers in the problems; `checks` as for
    `load_settings`.
    """
    reading = _Reading(checks or {})
    values = _table(schema(), data, (), reading)
    if reading.problems:
        raise SettingsError(_located(reading.problems, source, text))
    settings = Settings(source=source)
    for f in fields(Settings):
        if f.metadata:
            section = f.metadata["section"]
            setattr(settings, f.name, (values[section] if section else values)[f.name])
    settings.refresh = dict(values["refresh"])
    if "ssh" in data or "clouds" in data:
        settings.ssh = _ssh_settings(values)
    return settings


def _ssh_settings(values: Mapping[str, Any]) -> SshSettings:
    from tui.backend.ssh_config import DEFAULT_USERS, CloudSsh, Destination, SshSettings

    def destination(name: str, table: Mapping[str, Any]) -> Destination:
        return Destination(name, table["host"] or name, table["port"], table["user"], table["jump"])

    clouds = {
        name: CloudSsh(
            network_nodes=cloud["ssh"]["network_nodes"],
            agent_hosts={
                host: destination(host, table)
                for host, table in cloud["ssh"]["agent_hosts"].items()
            },
        )
        for name, cloud in values["clouds"].items()
    }
    users = tuple(values["ssh"]["users"].items())
    return SshSettings(users=users + DEFAULT_USERS, clouds=clouds)


Problems = list[tuple[tuple[str, ...], str]]


class _Reading:
    """One reading of a document: the checks by key name beyond the schema's, and the
    problems found so far (a key's path, the message)."""

    __slots__ = ("checks", "problems")

    def __init__(self, checks: Mapping[str, Check]) -> None:
        self.checks = checks
        self.problems: Problems = []


def _table(node: Table, data: Mapping[str, Any], path: tuple[str, ...], reading: _Reading) -> Any:
    members = {m.name: m for m in node.members}
    values: dict[str, Any] = {}
    for key, value in data.items():
        member = members.get(key)
        if member is None:
            reading.problems.append(((*path, key), _unknown((*path, key), value, members)))
        else:
            values[key] = _value(member, value, (*path, key), reading)
    for member in node.members:
        if member.name not in values:
            values[member.name] = _empty(member)
    return values


def _empty(member: Key | Table | Names) -> Any:
    if isinstance(member, Key):
        return member.default
    return _table(member, {}, (), _Reading({})) if isinstance(member, Table) else {}


def _value(
    member: Key | Table | Names, value: Any, path: tuple[str, ...], reading: _Reading
) -> Any:
    if isinstance(member, Key):
        return _key(member, value, path, reading)
    if not isinstance(value, Mapping):
        reading.problems.append(
            (path, f"{dotted(path)}: must be a table [{dotted(path)}], not {shown(value)}")
        )
        return _empty(member)
    if isinstance(member, Table):
        return _table(member, value, path, reading)
    named = {}
    ui_check = reading.checks.get(f"{dotted(path)}.*")  # a name only the UI can judge
    for name, item in value.items():
        named[name] = _value(member.item, item, (*path, name), reading)
        why = member.check_name(name, item) if member.check_name else None
        if why is None and ui_check is not None:
            try:
                ui_check(name)
            except ValueError as exc:
                why = str(exc)
        if why:
            reading.problems.append(((*path, name), f"{dotted((*path, name))}: {why}"))
    return named


_NOT = object()


def _typed(kind: str, value: Any) -> Any:
    """`value` as a `kind`, or _NOT: no bool for a number (TOML's true is not 1), no int
    for a bool; a whole number is fine for a number."""
    if kind == "bool":
        return value if isinstance(value, bool) else _NOT
    if isinstance(value, bool):
        return _NOT
    if kind == "int":
        return value if isinstance(value, int) else _NOT
    if kind == "number":
        return float(value) if isinstance(value, int | float) else _NOT
    if kind == "text":
        return value if isinstance(value, str) else _NOT
    if isinstance(value, list) and all(isinstance(v, str) for v in value):  # texts
        return tuple(value)
    return _NOT


def _key(key: Key, value: Any, path: tuple[str, ...], reading: _Reading) -> Any:
    typed = _typed(key.kind, value)
    if typed is _NOT:
        why = f"must be {KINDS[key.kind]}, not {shown(value)}"
        reading.problems.append((path, f"{dotted(path)}: {why}"))
        return key.default
    try:
        for check in (key.check, reading.checks.get(dotted(path))):
            typed = typed if check is None else check(typed)
    except ValueError as exc:
        reading.problems.append((path, f"{dotted(path)}: {exc}"))
        return key.default
    return typed


def _unknown(path: tuple[str, ...], value: Any, members: Mapping[str, Any]) -> str:
    from difflib import get_close_matches

    key = path[-1]
    table = isinstance(value, Mapping)
    what = f"[{dotted(path)}]: unknown section" if table else f"{dotted(path)}: unknown key"
    near = get_close_matches(key.lower(), list(members), n=1, cutoff=0.6)
    if near:
        guess = (*path[:-1], near[0])
        return f"{what} (did you mean {f'[{dotted(guess)}]' if table else near[0]}?)"
    elsewhere = [p for p in _static_keys(schema(), ()) if p[-1] == key and p != path]
    if elsewhere:
        home = elsewhere[0][:-1]
        return f"{what} (it belongs {f'in [{dotted(home)}]' if home else 'at the top'})"
    known = ", ".join(members) or "none"
    return f"{what} (known here: {known})"


def _static_keys(node: Table, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every key the schema names (not those under a table of the operator's names)."""
    found = []
    for member in node.members:
        found.append((*path, member.name))
        if isinstance(member, Table):
            found += _static_keys(member, (*path, member.name))
    return found


# -- messages ------------------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")
SHOWN_MAX = 60


def dotted(path: tuple[str, ...]) -> str:
    """A key's full name as TOML writes it: `clouds.prod.ssh`, `ssh.users."*win*"`."""
    return ".".join(p if _BARE.fullmatch(p) else safe(toml_value(p)) for p in path)


def toml_value(value: Any) -> str:
    """A default or an example as TOML writes it (strings in double quotes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def shown(value: Any) -> str:
    """A value the file holds, as a message quotes it: visible, and cut when long."""
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return "an array of tables ([[...]])"
    text = safe(toml_value(value))
    return text if len(text) <= SHOWN_MAX else f"{text[:SHOWN_MAX]}… ({len(text)} characters)"


def _located(problems: Problems, source: str, text: str) -> list[str]:
    """Each problem as `FILE, line N: message`, in the file's order."""
    lines = key_lines(text) if text else {}

    def line_of(path: tuple[str, ...]) -> int:
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, 0)

    where = safe(source)
    found = sorted(((line_of(path), message) for path, message in problems), key=lambda p: p[0])
    return [f"{where}, line {n}: {msg}" if n else f"{where}: {msg}" for n, msg in found]


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line where each table and key of a TOML text is first written (tomllib keeps no
    positions). The text is one that parses; keys inside an inline table or an array are
    not listed (the key holding them is)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    depth, open_string = 0, ""
    for number, line in enumerate(text.splitlines(), 1):
        start = 0
        stripped = line.lstrip()
        if not open_string and depth == 0 and stripped and not stripped.startswith("#"):
            indent = len(line) - len(stripped)
            if stripped.startswith("["):
                inner = 2 if stripped.startswith("[[") else 1
                table = _key_path(stripped[inner : _key_end(stripped, inner, "]")])
                _note(lines, table, number)
                continue
            end = _key_end(stripped, 0, "=")
            _note(lines, table + _key_path(stripped[:end]), number)
            start = indent + end + 1
        depth, open_string = _scan_value(line, start, depth, open_string)
    return lines


def _note(lines: dict[tuple[str, ...], int], path: tuple[str, ...], number: int) -> None:
    for size in range(1, len(path) + 1):
        lines.setdefault(path[:size], number)


def _key_path(key: str) -> tuple[str, ...]:
    """A (dotted, maybe quoted) TOML key as its parts, decoded as tomllib decodes them."""
    import tomllib

    try:
        doc: Any = tomllib.loads(f"{key.strip()} = 0")
    except tomllib.TOMLDecodeError:
        return ()
    parts = []
    while isinstance(doc, dict) and len(doc) == 1:
        name, doc = next(iter(doc.items()))
        parts.append(name)
    return tuple(parts)


def _key_end(line: str, i: int, stop: str) -> int:
    """Where `stop` ends a key that starts at `i` (quoted parts may hold it)."""
    while i < len(line) and line[i] != stop:
        i = _string_end(line, i + 1, line[i]) if line[i] in "\"'" else i + 1
    return i


def _string_end(line: str, i: int, quote: str) -> int:
    """Just past the one-line string whose text starts at `i`."""
    while i < len(line) and line[i] != quote:
        i += 2 if quote == '"' and line[i] == "\\" else 1
    return i + 1


def _scan_value(line: str, i: int, depth: int, open_string: str) -> tuple[int, str]:
    """Brackets still open and the multi-line string still open at the end of `line`."""
    while i < len(line):
        if open_string:
            i = _multiline_end(line, i, open_string)
            if i < 0:
                return depth, open_string
            open_string = ""
            continue
        char = line[i]
        if char == "#":
            break
        if char in "\"'":
            if line.startswith(char * 3, i):
                open_string, i = char * 3, i + 3
            else:
                i = _string_end(line, i + 1, char)
            continue
        depth += (char in "[{") - (char in "]}")
        i += 1
    return depth, open_string


def _multiline_end(line: str, i: int, delimiter: str) -> int:
    """Just past the end of a multi-line string in `line`, or -1 when it goes on."""
    while i < len(line):
        if delimiter == '"""' and line[i] == "\\":
            i += 2
        elif line.startswith(delimiter, i):
            i += 3
            while i < len(line) and line[i] == delimiter[0]:  # """a"""" ends on the last three
                i += 1
            return i
        else:
            i += 1
    return -1


# -- the documented file -------------------------------------------------------------------

DOC_WIDTH = 92


def defaults_text() -> str:
    """The settings file with every key at its default and what it does; keys without a
    default, and the tables the operator names, are shown commented out with an example."""
    head = (
        "stackdeck's settings: every key is optional; the values below are the defaults. "
        "stackdeck reads $STACKDECK_CONFIG, else ~/.config/stackdeck/config.toml (or "
        "--config PATH); `stackdeck config --check` checks it. Lines '#key = ...' are examples."
    )
    out = _comment(head)
    _emit(schema(), (), out, commented=False)
    return "\n".join(out) + "\n"


def _comment(text: str) -> list[str]:
    import textwrap

    return ["# " + line for line in textwrap.wrap(text, DOC_WIDTH - 2)] if text else []


def _emit(
    node: Table, path: tuple[str, ...], out: list[str], *, commented: bool, doc: str = ""
) -> None:
    """`node`'s keys under its header, then its tables; `doc` goes above the first header."""
    mark = "#" if commented else ""
    doc = doc or node.doc
    keys = [m for m in node.members if isinstance(m, Key)]
    if path and keys:
        out += ["", *_comment(doc), f"{mark}[{dotted(path)}]"]
        doc = ""
    for key in keys:
        if not out[-1].lstrip("#").startswith("["):  # the first key sits under its header
            out.append("")
        out += _comment(key.doc)
        if commented or key.default is None:
            out.append(f"#{key.name} = {toml_value(key.example)}")
        else:
            out.append(f"{key.name} = {toml_value(key.default)}")
    for member in node.members:
        if isinstance(member, Table):
            _emit(member, (*path, member.name), out, commented=commented, doc=doc)
            doc = ""
        elif isinstance(member, Names):
            where = (*path, member.name)
            if isinstance(member.item, Key):
                out += ["", *_comment(member.doc), f"{mark}[{dotted(where)}]"]
                out.append(f"#{dotted((member.example,))} = {toml_value(member.item.example)}")
            else:
                where = (*where, member.example)
                _emit(member.item, where, out, commented=True, doc=member.doc)
