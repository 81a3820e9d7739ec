"""One Gnocchi metric's measures: a chart of the window and the points, newest first.

``a`` cycles the aggregation (mean, max, min...), ``t`` the granularity the archive policy
keeps, ``w`` the window (last 1h, 24h, 7d).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Sparkline, Static

from tui.backend import gnocchi
from tui.backend.errors import BackendError
from tui.backend.gnocchi import MeasureQuery
from tui.backend.models import Measure, Metric
from tui.guard import GuardedHandlers
from tui.resource import Col
from tui.screens.contextual import Contextual
from tui.styles import STYLES
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar
from tui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.resource import Resource


def value_text(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1e7:
        return f"{value:.4g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


MEASURE_COLUMNS = (
    Col("Timestamp", lambda m: m.timestamp.replace("T", " ")[:19], min_width=19, max_width=25),
    Col(
        "Granularity",
        lambda m: gnocchi.granularity_label(m.granularity),
        min_width=5,
        max_width=11,
        align="right",
        sort_key=lambda m: m.granularity,
    ),
    Col(
        "Value",
        lambda m: value_text(m.value),
        min_width=6,
        max_width=20,
        align="right",
        sort_key=lambda m: m.value if m.value is not None else float("-inf"),
    ),
)


def _cycle(options: tuple[object, ...], current: object) -> object:
    if current not in options:
        return options[0]
    return options[(options.index(current) + 1) % len(options)]


class MeasuresScreen(GuardedHandlers, Contextual, Screen[None]):
    CSS_PATH = STYLES / "telemetry.tcss"
    app: StackdeckApp

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a", "aggregation", "Aggregation"),
        Binding("t", "granularity", "Granularity"),
        Binding("w", "window", "Window"),
        Binding("r", "reload", "Refresh"),
        Binding("d", "describe", "Metric"),
    ]

    def __init__(self, metric: Metric, described_as: Resource) -> None:
        """`described_as`: the declaration whose describe view shows the metric (``d``)."""
        super().__init__()
        self.metric = metric
        self.described_as = described_as
        self.wanted = MeasureQuery()
        self.measures: list[Measure] = []
        self.error: BackendError | None = None
        self.loaded = False
        self._granularity_chosen = False

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="crumbs")
        yield Sparkline([], id="chart")
        yield ResourceTable(
            MEASURE_COLUMNS, lambda m: m.id, empty_message="No measures in this window", id="table"
        )
        yield KeyBar()

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self.table.focus()
        self._update_crumbs()
        self.load(details=True)

    @work(exclusive=True, group="measures")
    async def load(self, details: bool = False) -> None:
        self.loaded = False
        self.table.waiting = True
        backend = self.context.backend
        try:
            if details:
                self.metric = await backend.metric(self.metric.id)
            if not self._granularity_chosen:
                fitting = gnocchi.fitting_granularity(self.metric, self.wanted.seconds)
                self.wanted = replace(self.wanted, granularity=fitting)
            self.measures = await backend.measures(self.metric.id, self.wanted)
            self.error = None
        except BackendError as exc:
            self.error = exc
            self.measures = []
            self.table.empty_message = f"Could not read measures: {exc.message}"
            self.app.notify_error(exc)
        finally:
            self.table.waiting = False
        self.table.load(list(reversed(self.measures)), replace=True)
        values = [m.value for m in self.measures if m.value is not None]
        self.query_one("#chart", Sparkline).data = values
        self.loaded = True
        self._update_crumbs()

    def _update_crumbs(self) -> None:
        q = self.wanted
        text = Text()
        text.append(" Measures ", style="bold reverse")
        unit = f" ({self.metric.unit})" if self.metric.unit else ""
        text.append(f" {self.metric.name}{unit}", style="bold")
        text.append(
            f"  {q.aggregation} · every {gnocchi.granularity_label(q.granularity)}"
            f" · last {q.window}  [{len(self.measures)}]"
        )
        values = [m.value for m in self.measures if m.value is not None]
        if values:
            text.append(
                f"  min {value_text(min(values))}  max {value_text(max(values))}"
                f"  last {value_text(values[-1])}",
                style="cyan",
            )
        if self.error is not None:
            text.append(f"  ✖ HTTP {self.error.status or '?'}", style="bold red")
        self.query_one("#crumbs", Static).update(text)

    # -- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_describe(self) -> None:
        """The metric as Gnocchi returned it: archive policy, resource, creator."""
        from tui.screens.describe import DescribeScreen

        self.app.push_screen(DescribeScreen(self.described_as, self.metric))

    def action_reload(self) -> None:
        self.load()

    def action_aggregation(self) -> None:
        methods = gnocchi.aggregations_of(self.metric)
        self.wanted = replace(
            self.wanted, aggregation=str(_cycle(methods, self.wanted.aggregation))
        )
        self.load()

    def action_granularity(self) -> None:
        kept = tuple(g for g, _ in self.metric.granularities)
        if not kept:
            self.app.notify("This metric's archive policy is unknown.", severity="warning")
            return
        self._granularity_chosen = True
        granularity = _cycle(kept, self.wanted.granularity)
        self.wanted = replace(self.wanted, granularity=float(granularity))  # type: ignore[arg-type]
        self.load()

    def action_window(self) -> None:
        self.wanted = self.wanted.next_window()
        self.load()
