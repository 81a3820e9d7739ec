"""The runbook screen's dialogs: an item's detail, the resume offer at start-up, and the
`:runbooks` list (this session's runbooks and the unfinished ones on disk)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tui.guard import GuardedHandlers, on
from tui.runbook import Item, Runbook, State
from tui.runbook.items import UNFINISHED, duration
from tui.screens.contextual import Contextual
from tui.styles import STYLES
from tui.text import one_line

if TYPE_CHECKING:
    from tui.app import StackdeckApp


def detail_text(runbook: Runbook, item: Item) -> Text:
    text = Text(one_line(item.label), style="bold")
    text.append(f"\n{one_line(item.key)}", style="dim")
    text.append(f"\n\nState: {item.state.value}")
    if item.message:
        text.append(f" — {one_line(item.message)}")
    text.append("\n\nPlanned calls:")
    for call in item.calls or ["(none)"]:
        text.append(f"\n  {one_line(call)}")
    text.append("\nCalls sent:")
    for call in item.sent or ["(none yet)"]:
        text.append(f"\n  {one_line(call)}")
    if item.error is not None:
        text.append("\n\nError: ", style="bold red")
        text.append(one_line(item.error.message))
        text.append(f"\nHTTP status: {item.error.status or '-'}")
        text.append(f"\nRequest id: {one_line(item.error.request_id) or '-'}")
    text.append(f"\n\nRunbook {runbook.id}", style="dim")
    return text


class ItemDetailScreen(GuardedHandlers, ModalScreen[None]):
    CSS_PATH = STYLES / "runbook.tcss"
    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close")]

    def __init__(self, runbook: Runbook, item: Item) -> None:
        super().__init__()
        self.runbook = runbook
        self.item = item

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="rb-detail"):
            yield Static(detail_text(self.runbook, self.item), id="rb-detail-body")

    def action_close(self) -> None:
        self.dismiss()


def describe_saved(raw: dict[str, Any]) -> Text:
    items = raw.get("items") or []
    states = [i.get("state") for i in items]
    done = sum(1 for s in states if s == State.DONE)
    open_ = sum(1 for s in states if s in {s.value for s in UNFINISHED})
    failed = sum(1 for s in states if s == State.FAILED)
    text = Text(one_line(str(raw.get("title") or raw.get("recipe"))), style="bold")
    text.append(
        f"\n{one_line(str(raw.get('cloud')))} / {one_line(str(raw.get('project')))}"
        f" · was {one_line(str(raw.get('phase')))} · {len(items)} items: {done} done,"
        f" {failed} failed, {open_} not finished · ran {duration(float(raw.get('elapsed') or 0))}"
    )
    return text


class ResumeScreen(GuardedHandlers, ModalScreen[str]):
    """An unfinished runbook found on disk: "resume", "discard" or "later"."""

    CSS_PATH = STYLES / "runbook.tcss"
    BINDINGS = [
        Binding("escape", "choose('later')", "Later"),
        Binding("r", "choose('resume')", "Resume"),
        Binding("D", "choose('discard')", "Discard"),
    ]

    def __init__(self, raw: dict[str, Any]) -> None:
        super().__init__()
        self.raw = raw

    def compose(self) -> ComposeResult:
        with Vertical(id="rb-resume"):
            yield Static(Text("An unfinished runbook was found", style="bold"))
            yield Static(describe_saved(self.raw))
            yield Static(
                Text(
                    "Resume re-reads each unfinished item from the cloud first: nothing is sent "
                    "again blindly; items whose state cannot be known are left for you to retry.",
                    style="dim",
                )
            )
            with Horizontal(id="rb-resume-buttons"):
                yield Button("Resume (r)", variant="primary", id="resume")
                yield Button("Discard (D)", variant="error", id="discard")
                yield Button("Later (esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "later")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class RunbookListScreen(GuardedHandlers, Contextual, ModalScreen[None]):
    """`:runbooks`: this session's runbooks, newest first, then the unfinished ones on disk."""

    app: StackdeckApp
    CSS_PATH = STYLES / "runbook.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="rb-list"):
            yield Static(Text("Runbooks (enter opens, esc closes)", style="bold"))
            yield OptionList(id="rb-list-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        runbooks = self.context.runbooks
        for runbook in reversed(runbooks.session):
            line = Text(one_line(runbook.title), style="bold")
            line.append(f"  {runbook.phase.value} · {runbook.summary().counts()}")
            options.add_option(Option(line, id=f"session:{runbook.id}"))
        for raw in runbooks.unfinished():
            line = Text(one_line(str(raw.get("title"))), style="bold")
            line.append("  unfinished, from an earlier session", style="yellow")
            options.add_option(Option(line, id=f"disk:{raw['id']}"))
        if not options.option_count:
            options.add_option(Option(Text("No runbooks yet", style="dim"), id="none"))
        options.highlighted = 0
        options.focus()

    def action_close(self) -> None:
        self.dismiss()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        where, _, ident = (event.option.id or "").partition(":")
        self.dismiss()
        if where == "session":
            runbook = next(r for r in self.context.runbooks.session if r.id == ident)
            self.app.open_runbook(runbook, self.context)
        elif where == "disk":
            raw = next(r for r in self.context.runbooks.unfinished() if r["id"] == ident)
            self.app.offer_resume(raw, self.context)
