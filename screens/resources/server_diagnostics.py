"""A server's diagnostics (``nova diagnostics``): what its hypervisor driver reports — power
state, uptime, memory, and small tables of its CPUs, NICs and disks — as a facts block in the
describe screen (``r`` reloads). Admin-only by Nova's default policy: a member is told so; a
driver that reports nothing (Nova's 501, or an empty answer) is said to report none.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from rich.text import Text

from tui.backend.base import Backend
from tui.backend.errors import BackendError, Conflict, Forbidden
from tui.backend.models import Server, ServerDiagnostics
from tui.resource import Resource

Fact = tuple[str, str | Text]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One server's diagnostics as shown, or why there are none (``problem``)."""

    server_id: str
    name: str
    diagnostics: ServerDiagnostics | None = None
    problem: str = ""

    @property
    def id(self) -> str:
        return self.server_id


def _why_none(exc: BackendError) -> str | None:
    """What to say for a refusal that is an answer, not a failure (None: a failure)."""
    if isinstance(exc, Forbidden):
        return f"needs admin (403): {exc.message}"
    if exc.status == 501:
        return f"this driver reports none (501): {exc.message}"
    if isinstance(exc, Conflict):
        return f"none while it has no host (409): {exc.message}"
    return None


async def diagnose(backend: Backend, server_id: str) -> Diagnosis:
    server = await backend.server(server_id)
    try:
        found = await backend.server_diagnostics(server_id)
    except BackendError as exc:
        why = _why_none(exc)
        if why is None:
            raise
        return Diagnosis(server.id, server.name, problem=why)
    if found.empty:
        return Diagnosis(server.id, server.name, problem="this driver reports none (empty answer)")
    return Diagnosis(server.id, server.name, found)


# -- the facts -------------------------------------------------------------------------------


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def size(n: int | None) -> str:
    """Bytes for people: 2.0 MiB, 136.9 KiB, 5 B."""
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover - the loop always returns


def duration(seconds: int | None) -> str:
    """45 s, 12 min, 12 h 57 min, 3 d 4 h."""
    if seconds is None:
        return "-"
    minutes, secs = divmod(max(seconds, 0), 60)
    hours, mins = divmod(minutes, 60)
    days, hrs = divmod(hours, 24)
    if days:
        return f"{days} d {hrs} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def cpu_time(ns: int | None) -> str:
    if ns is None:
        return "-"
    return duration(ns // 1_000_000_000) if ns >= 60_000_000_000 else f"{ns / 1e9:.1f} s"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> Text:
    """A small aligned table as text (a facts value): a dim header, then the rows. The first
    column is left-aligned and never empty: a line's leading spaces would not show."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    text = Text(line(header), style="dim")
    for row in rows:
        text.append("\n" + line(row))
    return text


def _memory(d: ServerDiagnostics) -> str:
    if d.memory_max_mb is None and d.memory_used_mb is None:
        return "not reported"
    used = "-" if d.memory_used_mb is None else f"{d.memory_used_mb} MiB"
    return f"{used} used of {_or_dash(d.memory_max_mb)} MiB"


def _cpus(d: ServerDiagnostics) -> Text:
    rows = [(_or_dash(c.id), cpu_time(c.time_ns), _percent(c.utilisation)) for c in d.cpus]
    return table(("cpu", "time", "use"), rows, (False, True, True))


def _percent(value: int | None) -> str:
    return "-" if value is None else f"{value} %"


def _nics(d: ServerDiagnostics) -> Text:
    rows = [
        (
            f"{nic.mac_address or '-'} {way}",
            size(octets),
            _or_dash(packets),
            _or_dash(errors),
            _or_dash(dropped),
        )
        for nic in d.nics
        for way, octets, packets, errors, dropped in (
            ("rx", nic.rx_octets, nic.rx_packets, nic.rx_errors, nic.rx_drop),
            ("tx", nic.tx_octets, nic.tx_packets, nic.tx_errors, nic.tx_drop),
        )
    ]
    header = ("nic", "bytes", "packets", "errors", "dropped")
    return table(header, rows, (False, True, True, True, True))


def _disks(d: ServerDiagnostics) -> Text:
    rows = [
        (
            str(k),
            size(disk.read_bytes),
            _or_dash(disk.read_requests),
            size(disk.write_bytes),
            _or_dash(disk.write_requests),
            _or_dash(disk.errors_count),
        )
        for k, disk in enumerate(d.disks)
    ]
    header = ("disk", "read", "reads", "written", "writes", "errors")
    return table(header, rows, (False, True, True, True, True, True))


def _count(number: int | None, listed: int) -> str:
    return str(listed if number is None else number)


def diagnosis_facts(diagnosis: Diagnosis) -> list[Fact]:
    facts: list[Fact] = [("Server", f"{diagnosis.name} ({diagnosis.server_id})")]
    d = diagnosis.diagnostics
    if d is None:
        if diagnosis.problem:
            facts.append(("Diagnostics", Text(f"✖ {diagnosis.problem}", style="bold red")))
        return facts
    hypervisor = " ".join(
        x for x in (d.hypervisor, d.hypervisor_os and f"on {d.hypervisor_os}") if x
    )
    facts += [
        ("State", d.state or "-"),
        ("Driver", f"{d.driver or '-'}" + (f" · {hypervisor}" if hypervisor else "")),
        ("Uptime", duration(d.uptime)),
        ("Config drive", {True: "yes", False: "no", None: "-"}[d.config_drive]),
        ("Memory", _memory(d)),
        ("CPUs", _count(d.num_cpus, len(d.cpus))),
    ]
    if d.cpus:
        facts.append(("", _cpus(d)))
    facts.append(("NICs", _count(d.num_nics, len(d.nics))))
    if d.nics:
        facts.append(("", _nics(d)))
    facts.append(("Disks", _count(d.num_disks, len(d.disks))))
    if d.disks:
        facts.append(("", _disks(d)))
    return facts


async def _nothing() -> AsyncIterator[list[Diagnosis]]:
    return
    yield  # pragma: no cover


DIAGNOSTICS = Resource(
    name="server-diagnostics",
    title="Diagnostics",
    aliases=(),
    columns=(),
    list=lambda backend, scope: _nothing(),
    key=lambda d: d.server_id,
    label=lambda d: d.name or d.server_id,
    get=diagnose,
    facts=diagnosis_facts,
)


def diagnostics_screen(server: Server) -> object:
    from tui.screens.describe import DescribeScreen

    placeholder = Diagnosis(server.id, server.name)
    return DescribeScreen(DIAGNOSTICS, placeholder, verb="Diagnostics of")
