"""The one generic resource screen: list, filter, sort, describe, drill down, act.

Every resource (servers, hypervisors, projects, ...) is shown by this screen, driven by its
declaration in ``tui.resource.Resource``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import datetime, timedelta
from itertools import chain
from typing import TYPE_CHECKING, Any, Self

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import WorkerState

from tui.backend.errors import BackendError, ConnectionLost, Forbidden
from tui.context import Context
from tui.guard import GuardedHandlers, on
from tui.resource import Drill, Resource, Scope, bind, held, unavailable, why_not
from tui.screens.acting import ActingMixin
from tui.screens.cached_rows import CachedRowsMixin
from tui.screens.contextual import Contextual
from tui.screens.named_rows import NamedRowsMixin
from tui.screens.page_batches import batched
from tui.screens.screen_keys import key_binding, with_keys
from tui.text import one_line
from tui.widgets.filter_box import FilterBox
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar
from tui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from tui.app import StackdeckApp

# A refresh by changes asks from the cloud's time when the previous one began, less this
# (a change stamped just before a list began may be committed after it read its page).
CHANGES_MARGIN = timedelta(seconds=5)
# Every so many refreshes by changes, one lists everything: a deletion the cloud no longer
# reports (archived, or older than it keeps) is dropped then.
FULL_REFRESH_EVERY = 30
# ... and once the last full list is older than this (a list refreshed by hand now and
# then): what changes-since does not see (addresses changed from outside) comes then.
FULL_REFRESH_AFTER = 15 * 60.0
# The work `esc` stops waiting for: the list's load, actions waiting on the cloud.
WAITING_GROUPS = ("load", "act")


class ResourceScreen(
    GuardedHandlers, CachedRowsMixin, NamedRowsMixin, ActingMixin, Contextual, Screen[None]
):
    """A list of one resource in one scope of one context (its cloud), streamed page by page
    into a virtual table."""

    app: StackdeckApp

    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("d", "describe", "Describe"),
        Binding("r", "refresh", "Refresh"),
        Binding("f5", "reload", "Reload in full", show=False),
        Binding("full_stop", "pause_refresh", "Pause auto-refresh", show=False),
        Binding("a", "toggle_all_projects", "All projects"),
        Binding("space", "mark", "Mark", show=False),
        Binding("plus", "mark_shown", "Mark all shown", show=False),
        Binding("minus", "clear_marks", "Clear marks", show=False),
        Binding("escape", "back", "Back", show=False),
    ]

    def __new__(
        cls,
        resource: Resource,
        scope: Scope | None = None,
        *,
        context: Context | None = None,
        then: str = "",
        auto_projects: bool = False,
    ) -> Self:
        # the resource's drill-downs, actions and views are keys of the screen's class
        return super().__new__(with_keys(cls, resource_keys(resource)))

    def __init__(
        self,
        resource: Resource,
        scope: Scope | None = None,
        *,
        context: Context | None = None,
        then: str = "",
        auto_projects: bool = False,
    ) -> None:
        super().__init__(name=resource.name, context=context)
        self.then = then  # a list action to run once shown (from the palette)
        # rows shown from the cache refuse the row actions, through the actions' own gate
        self.resource = held(bind(resource, self.context), self.stale_refusal)
        self.scope = bind(scope or Scope(), self.context)
        # all projects or not as the token allows (a scope of filters typed leaves it open)
        self._auto_scope = scope is None or auto_projects
        self.error: BackendError | None = None
        self.pages = 0
        self.loaded = False
        self.fetching = False
        self.cancelled = False
        self.in_flight: dict[str, str] = {}
        self.summary = ""
        self.refreshing = False  # updating the rows shown, not listing afresh
        self.refresh_paused = False
        self._listed: Scope | None = None  # the scope the table's rows were listed in
        self._since: datetime | None = None  # what the next refresh by changes asks from
        self._by_changes = 0  # refreshes by changes since the last full list
        self._full_at = 0.0  # when (monotonic) the rows were last listed in full
        self._naming = []

    def compose(self) -> ComposeResult:
        yield CloudHeader(id="header")
        yield Static(id="crumbs")
        yield ResourceTable(
            self.resource.columns,
            self.resource.key,
            empty_message=f"No {self.resource.name}",
            badge_column=self.resource.badge_index(),
            id="table",
        )
        yield KeyBar()  # the filter box goes above it when `/` is first pressed

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    @property
    def filter_input(self) -> Input:
        """The filter box, made on first use: an Input costs ~6 ms of a ~200 ms start."""
        found = self.query("#filter")
        if found:
            return found.first(Input)
        box = FilterBox(self._filter_changed, placeholder="filter (esc clears)", id="filter")
        self.mount(box, before=self.query_one(KeyBar))
        return box

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self.table.focus()
        self._update_crumbs()
        if (seconds := self.refresh_interval) > 0:
            self.set_interval(seconds, self._refresh_tick)
        self.load()
        if self.then:
            self.call_after_refresh(self.action_act, self.then)

    # -- loading -------------------------------------------------------------------------

    @work(exclusive=True, group="load")
    async def load(self, *, full: bool = False) -> None:
        """List the rows, or refresh those shown (`full`: by listing them all)."""
        if not self.query("#table"):
            return  # a refresh tick while the app closes
        table = self.table
        table.waiting = self.fetching = True
        self.refreshing = self.loaded and self._listed == self.scope  # the crumbs say so
        self.error = None
        self.cancelled = False
        self._update_crumbs()
        try:
            await self._show_cached()
            self._update_crumbs()
            await self.context.connect()
            services = self.context.capabilities.services  # what the token's catalog offers
            missing = self.resource.missing_service(services) or (
                self.resource.missing_parent(self.scope)
            )
            if missing is not None:
                self.table.empty_message = missing
                self._live_rows_shown()
                table.load([], replace=True)
                self.loaded = True
                return
            if self._auto_scope:
                every = self.resource.default_all_projects and (
                    (await self.context.settled_capabilities()).all_projects
                )
                self.scope = self.scope.with_all_projects(every)
                self._auto_scope = False
            self._check_cached_identity()
            self.pages = 0
            if self._listed == self.scope and self.loaded:
                await self._refresh_rows(full=full)
            elif self.stale_since is not None:
                # cached rows: the cloud's changes since they were listed (when the resource
                # and scope can say), else the live list merged into them; no empty screen
                self._since = self._catch_up_since()
                self._by_changes = 0
                self._full_at = time.monotonic()  # the cadence of full lists starts here
                await self._refresh_rows()
                self._want_names(table.loaded_rows())  # the cached rows' names too
                self._live_rows_shown()
            else:
                await self._list_afresh()
            admin = self.context.capabilities.admin
            if not table.total_count and self.resource.needs_admin and not admin:
                # Neutron answers a member's admin-only list with none rather than a 403
                table.empty_message = (
                    f"{self.resource.title} need admin rights here"
                    " (the cloud lists none to a member)."
                )
            await self._names_shown()
            if not self.query("#table"):
                return  # the screen went (the app closing) while the names came
            self._store_cache(table.loaded_rows())
            if self.resource.summary is not None:
                self.summary = self.resource.summary(table.rows_in_view())
            self.loaded = True
            self._follow_unsettled()
            self.context.set_state("connected")
        except BackendError as exc:
            self._failed(exc)
        except Exception:
            # a bug, not the cloud: the app's error panel tells; the list says where to look
            table.empty_message = f"Could not list {self.resource.name}: see the error panel."
            if not table.total_count:
                table.load([], replace=True)
            raise
        finally:
            table.waiting = self.fetching = self.refreshing = False
            self._update_crumbs()

    async def _list_afresh(self) -> None:
        """A new data set (the first list, another scope): pages stream into an empty table."""
        table = self.table
        self.loaded = False
        self._listed = None
        mark = self.context.backend.cloud_time()
        first = True
        async with aclosing(batched(self._pages())) as batches:
            async for pages in batches:
                rows = list(chain.from_iterable(pages))
                if first:
                    self._cells_computed()
                table.load(rows, replace=first)
                self._teach_names(rows)
                self._want_names(rows)
                first = False
                mark = mark or self.context.backend.cloud_time()
                self.pages += len(pages)
                self._update_crumbs()
        if first:
            table.load([], replace=True)
        self._full_at = time.monotonic()
        self._listed_at(mark)

    async def _refresh_rows(self, *, full: bool = False) -> None:
        """Bring the rows shown up to date, keeping the operator's place: by the cloud's
        changes when the resource says how, else by listing all and merging (the rows not
        seen by the end go; a list that fails or is cancelled removes nothing)."""
        self.refreshing = True
        table = self.table
        backend = self.context.backend
        key, deleted = self.resource.key, self.resource.deleted
        mark = backend.cloud_time()
        changes = None if full else self._changes()
        if changes is not None:
            belongs = self.resource.in_scope(self.scope)  # a changed row may leave the scope
            async for page in changes:
                kept = [row for row in page if not deleted(row) and belongs(row)]
                gone = {key(row) for row in page} - set(map(key, kept))
                table.merge(kept, removed=gone)
                self._teach_names(page)
                self._want_names(kept)
                mark = mark or backend.cloud_time()
                self.pages += 1
                self._update_crumbs()
            self._by_changes += 1
        else:
            before = table.loaded_keys()
            seen: set[str] = set()
            async with aclosing(batched(self._pages())) as batches:
                async for pages in batches:
                    rows = list(chain.from_iterable(pages))
                    table.merge(rows)
                    self._teach_names(rows)
                    self._want_names(rows)
                    seen.update(map(key, rows))
                    mark = mark or backend.cloud_time()
                    self.pages += len(pages)
                    self._update_crumbs()
            table.merge([], removed=before - seen)
            self._by_changes = 0
            self._full_at = time.monotonic()
        self._listed_at(mark)

    def _changes(self) -> AsyncIterator[list[Any]] | None:
        """The rows changed since the last list, when the resource and scope can say."""
        changes = self.resource.changes
        since = self._since
        if changes is None or since is None or self._by_changes >= FULL_REFRESH_EVERY:
            return None
        if time.monotonic() - self._full_at > FULL_REFRESH_AFTER:
            return None
        if self.scope.lister is not None or self.scope.get("id"):
            return None
        if any(map(unavailable, self.table.loaded_rows())):
            # partial rows (their cell was down) come back whole only in a full list: Nova's
            # changes-since has no reason to return them when the cell answers again
            return None
        return changes(self.context.backend, self.scope, since)

    def _listed_at(self, mark: datetime | None) -> None:
        """The list is complete: the next refresh by changes asks from `mark` on."""
        self._listed = self.scope
        self._since = None if mark is None else mark - CHANGES_MARGIN

    @property
    def refresh_interval(self) -> float:
        """Seconds between refreshes of this list ([refresh] NAME, else refresh_seconds)."""
        by_resource = self.context.refresh_by_resource
        name = next((n for n in self.resource.names() if n in by_resource), None)
        return self.context.refresh_seconds if name is None else by_resource[name]

    def _follow_unsettled(self) -> None:
        """Rows caught mid-change (a stack IN_PROGRESS) are followed until they settle,
        for resources that ask (``extra["follow_unsettled"]``)."""
        if not self.resource.extra.get("follow_unsettled") or self.resource.get is None:
            return
        moving = [r for r in self.table.rows_in_view() if not self.resource.settled(r)]
        if moving:
            self.run_worker(
                self._poll(moving, gone=False, expect_change=False),
                group="follow-unsettled",
                exclusive=True,
            )

    async def _pages(self) -> AsyncIterator[list[Any]]:
        """The list's pages; a cross-link to one resource by id fetches just that one."""
        ident = self.scope.get("id")
        if ident and self.resource.get is not None:
            yield [await self.resource.get(self.context.backend, ident)]
            return
        lister = self.scope.lister or self.resource.list
        async for page in lister(self.context.backend, self.scope):
            yield page

    def _failed(self, exc: BackendError) -> None:
        self.error = exc
        if isinstance(exc, ConnectionLost):
            self.context.set_state("lost")
        if isinstance(exc, Forbidden):
            why = f"{self.resource.title} need admin rights here (HTTP 403)."
        else:
            why = exc.message
        self.table.empty_message = f"Could not list {self.resource.name}: {why}"
        if not self.table.total_count:
            self.table.load([], replace=True)
        self.app.notify_error(exc)

    def _refresh_tick(self) -> None:
        # not "_auto_refresh": Textual's DOMNode has an attribute of that name (None)
        if self.is_current and self.loaded and not self.fetching and not self.refresh_paused:
            self.load()

    def _update_crumbs(self) -> None:
        if not self.query("#crumbs"):
            return  # the screen is being taken down
        table = self.table
        text = Text()
        text.append(f" {self.resource.title} ", style="bold reverse")
        scope = []
        if self.resource.all_projects_toggle:
            scope.append("all projects" if self.scope.all_projects else "this project")
        if self.scope.label:
            scope.append(one_line(self.scope.label))
        if scope:
            text.append("  " + " · ".join(scope), style="bold")
        shown, total = table.row_count, table.total_count
        count = f"{shown}/{total}" if table.filter_text else f"{total}"
        text.append(f"  [{count}]")
        if table.filter_text:
            text.append(f"  filter: {table.filter_text}", style="italic")
        if table.sort_column is not None:
            arrow = "▼" if table.sort_reverse else "▲"
            text.append(f"  sort: {self.resource.columns[table.sort_column].title} {arrow}")
        if self.summary:
            text.append(f"  {self.summary}", style="cyan")
        if marked := len(table.marked_rows()):
            text.append(f"  ● {marked} marked", style="bold yellow")
        if (seconds := self.refresh_interval) > 0:
            every = "paused" if self.refresh_paused else f"every {seconds:g}s"
            text.append(f"  ⟳ {every}", style="dim")
        if self.stale_since is not None:
            stale = self.stale_text() + (" — refreshing…" if self.fetching else "")
            text.append(f"  {stale}", style="bold magenta")
        busy = self.fetching and self.stale_since is None  # else the stale mark says so
        if busy and self.refreshing:
            text.append("  refreshing…", style="yellow")
        elif busy:
            text.append(f"  loading… page {self.pages + 1}", style="yellow")
        elif self.error:
            text.append(f"  ✖ {self.error.operation or 'error'}", style="bold red")
        elif self.cancelled:
            text.append("  ✖ cancelled (r reloads)", style="bold yellow")
        crumbs = self.query_one("#crumbs", Static)
        if text != crumbs.content:  # a redraw of the same line costs a layout and a frame
            crumbs.update(text)
        header = self.query_one(CloudHeader)
        header.cached, header.cached_failed = self.cached_state()

    # -- table events --------------------------------------------------------------------

    @on(ResourceTable.Selected)
    def _selected(self, event: ResourceTable.Selected) -> None:
        event.stop()
        enter_view = next((v for v in self.resource.views if v.key == "enter"), None)
        if self.resource.drill("enter", self.table.selected):
            self.action_drill("enter")
        elif enter_view is not None:  # a row that opens a dedicated screen (measures...)
            self.action_view(enter_view.name)
        else:
            self.action_describe()

    @on(ResourceTable.Highlighted)
    def _highlighted(self, event: ResourceTable.Highlighted) -> None:
        event.stop()
        self.refresh_bindings()  # describe and views depend on the row too

    @on(ResourceTable.Counted)
    def _counted(self, event: ResourceTable.Counted) -> None:
        event.stop()
        self._update_crumbs()

    @on(ResourceTable.Sorted)
    def _sorted(self, event: ResourceTable.Sorted) -> None:
        event.stop()
        self._update_crumbs()

    # -- filter --------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.filter_input
        box.display = True
        box.value = self.table.filter_text
        box.focus()

    def _filter_changed(self, value: str) -> None:
        self.table.filter_text = value
        self._update_crumbs()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value:
            self.filter_input.display = False
        self.table.focus()

    def _clear_filter(self) -> None:
        if self.query("#filter"):
            self.filter_input.value = ""
            self.filter_input.display = False
        self.table.filter_text = ""
        self.table.focus()
        self._update_crumbs()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        try:
            return self._allowed(action, parameters)
        except Exception as exc:  # a declaration's `when` that fails offers nothing
            self.app.report_failure(exc, f"{self.resource.title} · checking {action}")
            return False

    def _allowed(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            act = self.resource.action(str(parameters[0]))
            return act is not None and self.offered(act, self.table.selected)
        if action == "view":
            view = self.resource.view(str(parameters[0]))
            row = self.table.selected
            return view is not None and row is not None and view.when(row)
        if action == "toggle_all_projects":
            # a list of its own (the overview's drills) is already every project's
            return self.resource.all_projects_toggle and self.scope.lister is None
        if action == "back":
            return True
        if action == "describe":
            return self.table.selected is not None or None
        return True

    def on_key(self, event: events.Key) -> None:
        """A key of an action or view the selected row cannot serve: say why, not nothing.
        (Its binding is disabled then, so the key comes here.)"""
        row = self.table.selected
        if row is None or not self.table.has_focus:
            return
        keys = {event.key, event.character or ""}
        actions = [a for a in self.resource.actions if a.key in keys and a.on_row]
        views = [v for v in self.resource.views if v.key in keys]
        drills = [d for d in self.resource.drills if d.key in keys]
        if not (actions or views) or any(self._serves(o, row) for o in (*views, *drills)):
            return
        if any(self._serves_action(a, row) for a in actions):  # marked rows count too
            return
        if actions and actions[0].mutating and self.read_only:
            return  # not offered at all in read-only mode (the action says so if run)
        offer = actions[0] if actions else views[0]
        event.stop()
        event.prevent_default()
        self.app.notify(why_not(offer, row, self.resource.label(row)), severity="warning")

    def _serves_action(self, action: Any, row: Any) -> bool:
        try:
            return self.offered(action, row)
        except Exception:
            return True

    def _serves(self, offer: Any, row: Any) -> bool:
        try:
            return bool(offer.when(row))
        except Exception:
            return True  # a failing `when` is reported by check_action; say nothing here

    def action_mark(self) -> None:
        if self.table.toggle_mark() is not None:
            self.table.action_cursor_down()
            self._marks_changed()

    def action_mark_shown(self) -> None:
        self.table.mark_shown()
        self._marks_changed()

    def action_clear_marks(self) -> None:
        self.table.clear_marks()
        self._marks_changed()

    def _marks_changed(self) -> None:
        self._update_crumbs()
        self.refresh_bindings()

    def action_back(self) -> None:
        """`esc`: clear the filter being typed, else stop waiting, else clear it, else back."""
        if any(box.has_focus for box in self.query("#filter")):
            self._clear_filter()
        elif self.stop_waiting():
            return
        elif self.table.filter_text:
            self._clear_filter()
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def stop_waiting(self) -> bool:
        """Cancel the list's load and the actions waiting on the cloud; say so.

        A blocking call already in a thread runs on and its answer is dropped.
        """
        waiting = [
            worker
            for worker in self.app.workers
            if worker.node is self
            and worker.group in WAITING_GROUPS
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if not waiting:
            return False
        actions = sorted(set(self.in_flight.values())) or ["the cloud"]
        for worker in waiting:
            worker.cancel()
        if any(worker.group == "load" for worker in waiting):
            self.cancelled = True
            self.app.notify(
                f"Stopped waiting for the list of {self.resource.name}; r reloads.",
                markup=False,
            )
        if any(worker.group == "act" for worker in waiting):
            self.app.notify(
                f"Stopped waiting for {', '.join(actions)}. What was already sent may still "
                "happen; r shows the cloud's state.",
                severity="warning",
                markup=False,
            )
        self._update_crumbs()
        return True

    def action_refresh(self) -> None:
        self.load()

    def action_reload(self) -> None:
        self.load(full=True)

    def action_pause_refresh(self) -> None:
        if self.refresh_interval <= 0:
            self.app.notify(
                f"Auto-refresh is off for {self.resource.name}: refresh_seconds, or "
                f"[refresh] {self.resource.name} = SECONDS in the settings file, turns it on.",
                markup=False,
            )
            return
        self.refresh_paused = not self.refresh_paused
        self._update_crumbs()

    def action_toggle_all_projects(self) -> None:
        self.scope = self.scope.with_all_projects(not self.scope.all_projects)
        self._auto_scope = False
        self.load()

    def action_describe(self) -> None:
        row = self.table.selected
        if row is None:
            return
        from tui.screens.describe import DescribeScreen

        self.app.push_screen(DescribeScreen(self.resource, row))

    def action_view(self, name: str) -> None:
        view = self.resource.view(name)
        row = self.table.selected
        if view is not None and row is not None and view.when(row):
            self.app.push_screen(view.open(row))

    def action_drill(self, key: str) -> None:
        row: Any = self.table.selected
        if row is None:
            return
        drill: Drill | None = self.resource.drill(key, row)
        if drill is None:
            return
        self.app.open_resource(
            drill.target_of(row), drill.scope(row), push=True, context=self.context
        )

    def refresh_crumbs(self) -> None:
        self._update_crumbs()


def resource_keys(resource: Resource) -> list[Binding]:
    """The keys a resource adds to its list: drill-downs, actions and views."""
    keys = [
        key_binding(drill.key, f"drill('{drill.key}')", drill.description)
        for drill in resource.drills
        if drill.key != "enter" and resource.drill(drill.key) is drill
    ]
    keys += [
        key_binding(a.key, f"act('{a.name}')", a.description, show=False) for a in resource.actions
    ]
    keys += [
        key_binding(v.key, f"view('{v.name}')", v.description, show=False)
        for v in resource.views
        if v.key != "enter"
    ]
    return keys
