"""Resource declarations: what the generic resource screen needs to know about a resource.

A resource is a description, not a screen: its model, its columns, how to list it, where
``enter`` and the other drill keys lead, and which actions it offers. Nothing here imports
Textual; the screens and widgets read these declarations.

A declaration is shared by every open cloud, so it holds no cloud's state. A callback that
needs its cloud's (the project names a column shows, the stuck threshold, what the token may
do) is declared with `in_context` and takes the `Context` first; the screen showing the
resource binds the declaration to its own context (`bind`) before using it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, Literal, ParamSpec, TypeVar, cast

from tui.backend import states

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.context import Context
    from tui.forms import Form, Values
    from tui.list_filters import FilterWord
    from tui.names import Kind

Row = Any  # a model instance (frozen dataclass)
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Col:
    """One table column: a title and how to get a row's text, style and sort key."""

    __bindable__: ClassVar[bool] = True

    title: str
    get: Callable[[Row], str]
    min_width: int = 4
    max_width: int = 40
    style: Callable[[Row], str] | None = None
    align: Literal["left", "right"] = "left"
    sort_key: Callable[[Row], Any] | None = None
    # an id shown by its name: (the kind of name, the row's attribute holding the id); the
    # list screen has the ids of the rows it shows named (`tui.names.NameLookups`)
    named: tuple[Kind, str] | None = None

    def text(self, row: Row) -> str:
        return self.get(row)

    def key(self, row: Row) -> Any:
        return self.sort_key(row) if self.sort_key else self.get(row).lower()


def attr(name: str) -> Callable[[Row], str]:
    """A getter reading a string attribute."""

    def get(row: Row) -> str:
        value = getattr(row, name)
        return "" if value is None else str(value)

    get.__name__ = f"attr_{name}"
    return get


class InContext:
    """A declaration's callback that needs the context it runs in (the screen's cloud):
    ``fn(context, *args)``. Made by `in_context`; a screen binds it (`bind`) before use."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> Any:
        raise TypeError(f"{self.fn!r} needs a context: bind the declaration first")


def in_context(fn: Callable[Concatenate[Context, P], R]) -> Callable[P, R]:
    """Declare a callback that reads the context (its names, thresholds, capabilities...)
    as its first argument; the declaration is typed as if it took the rest."""
    return cast("Callable[P, R]", InContext(fn))


def bind(value: T, context: Context) -> T:
    """`value` (a declaration, a scope, a form, or a tuple of them) with every `in_context`
    callback in it given `context`. What needs none comes back as it was."""
    if isinstance(value, InContext):
        return cast("T", partial(value.fn, context))
    if isinstance(value, tuple):
        items = tuple(bind(v, context) for v in value)
        same = all(a is b for a, b in zip(items, value, strict=True))
        return value if same else cast("T", items)
    if getattr(type(value), "__bindable__", False):
        changes: dict[str, Any] = {}
        for f in fields(cast("Any", value)):
            old = getattr(value, f.name)
            new = bind(old, context)
            if new is not old:
                changes[f.name] = new
        return cast("T", replace(cast("Any", value), **changes)) if changes else value
    return value


@dataclass(frozen=True, slots=True)
class Scope:
    """Which slice of a resource to list: all projects or not, plus drill-down filters."""

    __bindable__: ClassVar[bool] = True

    all_projects: bool = False
    filters: tuple[tuple[str, str], ...] = ()
    label: str = ""
    # A list of its own instead of the resource's (the overview's "servers in ERROR"...):
    # the rows an API filter returns, shown with the resource's columns and actions.
    lister: Lister | None = None

    def get(self, key: str, default: str | None = None) -> str | None:
        return dict(self.filters).get(key, default)

    def with_all_projects(self, value: bool) -> Scope:
        return replace(self, all_projects=value)


Lister = Callable[["Backend", Scope], AsyncIterator[list[Row]]]
# The rows changed since a moment of the cloud's clock (deleted ones included), or None
# when the scope cannot be listed by changes (then the list is refreshed in full).
ChangesLister = Callable[["Backend", Scope, datetime], AsyncIterator[list[Row]] | None]


def never(row: Row) -> bool:
    return False


async def where(
    pages: AsyncIterator[list[Row]], keep: Callable[[Row], bool]
) -> AsyncIterator[list[Row]]:
    """Filter pages client-side (for links the API cannot filter by)."""
    async for page in pages:
        kept = [row for row in page if keep(row)]
        if kept:
            yield kept


def always(row: Row) -> bool:
    return True


def unavailable(row: Row) -> str | None:
    """Why nothing at all may be done to a row (a server whose cell is down), or None:
    Nova's state table says (`tui.backend.states.unavailable`)."""
    return states.unavailable(row)


def gated(when: Callable[[Row], bool]) -> Callable[[Row], bool]:
    """`when`, false too for a row nothing may be done to: every action's and view's `when`
    goes through it once, so no predicate has to know."""
    if isinstance(when, InContext) or getattr(when, "gated", False):
        return when  # bound (and gated) when its screen binds the declaration

    def check(row: Row) -> bool:
        return unavailable(row) is None and when(row)

    check.gated = True  # type: ignore[attr-defined]
    return check


async def nothing() -> AsyncIterator[list[Row]]:
    """No pages (a drill-down list opened without what it drills into)."""
    return
    yield  # pragma: no cover - makes this an (empty) async generator


@dataclass(frozen=True, slots=True)
class Drill:
    """A key on a row that opens another resource scoped to that row.

    Several drills may share a key: the first whose `when` holds for the row is taken.
    """

    __bindable__: ClassVar[bool] = True

    key: str
    target: str | Callable[[Row], str]  # a resource name, or one per row (the overview)
    scope: Callable[[Row], Scope]
    description: str
    when: Callable[[Row], bool] = always

    def target_of(self, row: Row) -> str:
        return self.target if isinstance(self.target, str) else self.target(row)


@dataclass(frozen=True, slots=True)
class Action:
    """Something the operator can do: to the selected row, or (`on_row=False`) to the list.

    `form` asks for input first. `confirm` asks "yes", makes the operator type the row's
    label ("name"), or lists what `preview` says will be affected and asks for its count
    ("count"); with a form, "yes" and "name" confirm after it, saying what the values will
    do (`plan`, else `message`), and declining returns to the form as typed. `guard` asks
    the cloud whether the row allows it at all before anything is shown. `progress` marks
    the row while the call is in flight. `follow` says what to do after: poll the row until
    it settles ("row"), until it is gone ("gone"), reload the list ("list"), or nothing
    ("none"); `outcome` then says what came of it.
    """

    __bindable__: ClassVar[bool] = True

    name: str
    key: str
    description: str
    run: Callable[[Backend, Row, Values], Awaitable[Any]]
    when: Callable[[Row], bool] = always
    confirm: Literal["none", "yes", "name", "count"] = "none"
    mutating: bool = True
    form: Callable[[Row], Form] | None = None
    preview: Callable[[Backend, Row], Awaitable[list[str]]] | None = None  # for "count"
    progress: str = ""
    follow: Literal["row", "gone", "list", "none"] = "row"
    on_row: bool = True
    # With rows marked: the form is asked once and its values go to every row (a target
    # host, a flavor), rather than refusing a form that asks per row (a new name).
    bulk_form: bool = False
    message: Callable[[Row], str] | None = None  # what the confirmation says will happen
    # What the call will do with the form's values ("Live-migrate web-1 from compute1 to
    # compute2"): the confirmation, which comes after the form, says it.
    plan: Callable[[Row, Values], str] | None = None
    # Why the action cannot run on this row now, asked of the cloud when the key is pressed
    # (what the row does not know: its host's compute service is up); None lets it run.
    guard: Callable[[Backend, Row], Awaitable[str | None]] | None = None
    # What came of it, once the followed row settled: (ok, text) from the row before and
    # after ("web-1 now runs on compute2"), or None to say nothing more.
    outcome: Callable[[Row, Row], tuple[bool, str] | None] | None = None
    # When the followed row shows the call took effect, given what `run` returned and the
    # fresh row: for calls Nova finishes after answering whose effect the row's state does
    # not show (a detached port's address gone from the server).
    until: Callable[[Any, Row], bool] | None = None
    # What to tell once the cloud took the call, from what `run` returned (the new image's
    # id and name), instead of the plain "Requested" note.
    accepted: Callable[[Row, Any], str] | None = None
    # The form's starting values read from the cloud when the key is pressed (a CIDR no
    # subnet of the project uses yet); they replace the fields' defaults.
    initial: Callable[[Backend, Row], Awaitable[Values]] | None = None
    # A list action the palette offers from anywhere under its description: it opens the
    # resource's list and runs the action there ("New network setup").
    palette: bool = False
    # A list action given the rows the list shows (filtered, in its order) instead of its
    # scope, as its "row": an export.
    rows: bool = False
    # Why `when` refuses this row, said when the key is pressed anyway (None, or it says
    # None: the row's state, see `why_not`).
    why_not: Callable[[Row], str | None] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", gated(self.when))


@dataclass(frozen=True, slots=True)
class View:
    """A key on a row that opens a dedicated screen (console log, terminal...).

    `open` gets the row and returns the screen to push; it is called only from the UI.
    """

    __bindable__: ClassVar[bool] = True

    key: str
    name: str
    description: str
    open: Callable[[Row], Any]
    when: Callable[[Row], bool] = always
    why_not: Callable[[Row], str | None] | None = None  # why `when` refuses a row, on its key

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", gated(self.when))


def row_state(row: Row) -> str:
    """A row's state as the operator reads it ("BUILD", "ACTIVE, task rebooting"), or ""."""
    status = str(getattr(row, "status", "") or "")
    task = str(getattr(row, "task_state", "") or "")
    return f"{status}, task {task}" if status and task else status


def why_not(offer: Action | View, row: Row, label: str) -> str:
    """What the operator is told when a key's action or view does not apply to `row`."""
    if (gone := unavailable(row)) is not None:
        return f"{offer.description} is not possible for {label}: {gone}"
    if offer.why_not is not None and (said := offer.why_not(row)) is not None:
        return said
    state = row_state(row)
    return f"{offer.description} is not available for {label}" + (f" ({state})" if state else "")


def held(resource: Resource, hold: Callable[[Row], str | None]) -> Resource:
    """`resource` whose row actions are refused while `hold(row)` gives a reason (a list
    shows rows from the cache): through each action's own `when` and `why_not`, so every
    way of offering or running an action (its key, the palette, marked rows) refuses it,
    and says why, as for any other refusal."""
    actions = tuple(_held(a, hold) if a.on_row else a for a in resource.actions)
    return replace(resource, actions=actions)


def _held(action: Action, hold: Callable[[Row], str | None]) -> Action:
    when, why = action.when, action.why_not

    def check(row: Row) -> bool:
        return hold(row) is None and when(row)

    def reason(row: Row) -> str | None:
        said = hold(row)
        if said is None and why is not None:
            return why(row)
        return said

    check.gated = True  # type: ignore[attr-defined]  # `when` was gated already
    return replace(action, when=check, why_not=reason)


@dataclass(frozen=True, slots=True)
class Resource:
    __bindable__: ClassVar[bool] = True

    name: str
    title: str
    aliases: tuple[str, ...]
    columns: tuple[Col, ...]
    list: Lister
    key: Callable[[Row], str] = lambda row: row.id
    label: Callable[[Row], str] = lambda row: row.name or row.id
    get: Callable[[Backend, str], Awaitable[Row]] | None = None  # one by id
    drills: tuple[Drill, ...] = ()
    actions: tuple[Action, ...] = ()
    views: tuple[View, ...] = ()
    all_projects_toggle: bool = False
    default_all_projects: bool = False
    needs_admin: bool = False
    settled: Callable[[Row], bool] = always
    badge_column: str = ""  # the column that shows "⟳ stopping" (default: the first)
    failure: Callable[[Row], str | None] = lambda row: None  # why a followed row failed
    summary: Callable[[Sequence[Row]], str] | None = None  # totals shown above the list
    # the facts describe shows above the raw record, as (label, value) lines
    facts: Callable[[Row], Sequence[tuple[str, Any]]] | None = None  # str or rich Text
    # Catalog service types this resource needs (any of them), and how to name the service
    # when the cloud has none: the screen then says so instead of listing.
    service: tuple[str, ...] = ()
    service_name: str = ""
    # A list of one parent's items (a flavor's extra specs): the scope key naming the parent,
    # and where the operator opens it from; without the key the screen says so, not a 404.
    scope_key: str = ""
    reached_from: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # A list refreshed by changes (Nova's changes-since): what changed since the last
    # refresh, and how a deleted row among them is recognised. Without it a refresh lists
    # everything again and drops the rows it did not see.
    changes: ChangesLister | None = None
    deleted: Callable[[Row], bool] = never
    # The words its list may be filtered by from the command line (`:servers status=ERROR`,
    # see `tui.list_filters`), which the cloud applies.
    filter_words: tuple[FilterWord, ...] = ()
    # Whether a changed row still belongs in a scope: a refresh by changes may ask for the
    # changes without the scope's filters, and drops the changed rows that no longer match.
    in_scope: Callable[[Scope], Callable[[Row], bool]] = lambda scope: always
    # The kind of id its rows name (`tui.names`): a list of servers teaches the names of
    # the server ids other lists show, which then need no listing of their own.
    teaches: Kind | None = None

    async def refetch(self, backend: Backend, row: Row) -> Row:
        """The current record of a row (describe, following an action)."""
        if self.get is None:
            return row
        return await self.get(backend, self.key(row))

    def badge_index(self) -> int:
        titles = [c.title for c in self.columns]
        return titles.index(self.badge_column) if self.badge_column in titles else 0

    def view(self, name: str) -> View | None:
        return next((v for v in self.views if v.name == name), None)

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def drill(self, key: str, row: Row | None = None) -> Drill | None:
        """The drill on `key` (for `row`: the first one that applies to it)."""
        return next((d for d in self.drills if d.key == key and (row is None or d.when(row))), None)

    def missing_service(self, services: Sequence[str]) -> str | None:
        """Why this resource cannot be shown on a cloud with `services`, or None."""
        if not self.service or not services or any(t in services for t in self.service):
            return None
        what = self.service_name or self.service[0]
        return f"This cloud's catalog has no {what} service ({', '.join(self.service)})."

    def missing_parent(self, scope: Scope) -> str | None:
        """Why this list cannot be shown in `scope` (its parent is not chosen), or None."""
        if not self.scope_key or scope.get(self.scope_key) or scope.get("id"):
            return None
        return f"{self.title} belong to one parent: open them from {self.reached_from}."

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)
