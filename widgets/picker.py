"""A filterable choice list: type to narrow, enter (or space) to choose; one or many."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.forms import Choice
from tui.guard import GuardedHandlers, on


class Picker(GuardedHandlers, Vertical):
    """Choices from the cloud (flavors, images, networks...), filtered as you type."""

    BINDINGS = [Binding("space", "choose_highlighted", "Choose", show=False)]

    class Changed(Message):
        def __init__(self, picker: Picker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(self, *, multiple: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, classes="picker")
        self.multiple = multiple
        self._choices: list[Choice] = []
        self._shown: list[Choice] = []
        self._selected: list[str] = []
        self._loading = True

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), classes="picker--chosen")
        yield Input(placeholder="type to filter", classes="picker--filter")
        yield OptionList(classes="picker--options")

    # -- state ---------------------------------------------------------------------------

    @property
    def value(self) -> str:
        return self._selected[0] if self._selected else ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self._selected)

    def set_choices(self, choices: Sequence[Choice]) -> None:
        unique: dict[str, Choice] = {}
        for choice in choices:
            unique.setdefault(choice.value, choice)
        self._choices = list(unique.values())
        self._loading = False
        known = {c.value for c in self._choices}
        self._selected = [v for v in self._selected if v in known]
        self._refilter()

    def set_failed(self, message: str) -> None:
        self._loading = False
        self.query_one(".picker--chosen", Static).update(Text(message, style="red"))

    def select(self, values: Sequence[str] | str) -> None:
        wanted = [values] if isinstance(values, str) else list(values)
        self._selected = [v for v in wanted if v] if self.multiple else wanted[:1]
        if self.is_mounted:
            self._refilter()

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self._choices if c.value == value), None)

    # -- drawing -------------------------------------------------------------------------

    def _summary(self) -> Text:
        if self._loading:
            return Text("loading choices…", style="italic")
        if not self._selected:
            return Text("nothing chosen", style="dim italic")
        labels = [(c.label if (c := self.choice(v)) else v) for v in self._selected]
        return Text("→ " + ", ".join(labels), style="bold")

    def _refilter(self) -> None:
        query = self.query_one(".picker--filter", Input).value.strip()
        self._shown = [c for c in self._choices if not query or c.matches(query)]
        options = self.query_one(".picker--options", OptionList)
        highlighted = options.highlighted
        options.set_options(self._option(c) for c in self._shown)
        if self._shown:
            options.highlighted = min(highlighted or 0, len(self._shown) - 1)
        self.query_one(".picker--chosen", Static).update(self._summary())

    def _option(self, choice: Choice) -> Option:
        text = Text()
        if self.multiple:
            text.append("[x] " if choice.value in self._selected else "[ ] ")
        elif choice.value in self._selected:
            text.append("● ")
        else:
            text.append("  ")
        text.append(choice.label)
        if choice.detail:
            text.append(f"  {choice.detail}", style="dim")
        return Option(text, id=choice.value)

    # -- events --------------------------------------------------------------------------

    @on(Input.Changed, ".picker--filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter()
        self.add_class("-open")  # typing shows what it narrows to, however focus came here

    def on_descendant_focus(self) -> None:
        # explicit, not `:focus-within`: Textual restyles the list late (only after Down)
        self.add_class("-open")

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._close_unless_focused)

    def _close_unless_focused(self) -> None:
        focused = self.screen.focused if self.is_attached else None
        if focused is None or self not in focused.ancestors_with_self:
            self.remove_class("-open")

    @on(Input.Submitted, ".picker--filter")
    def _submit_filter(self, event: Input.Submitted) -> None:
        event.stop()
        if len(self._shown) == 1 or (self._shown and not self.multiple):
            self._choose(self._shown[self.query_one(OptionList).highlighted or 0].value)
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected_option(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._choose(event.option.id)

    def action_choose_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.has_focus and options.highlighted is not None and self._shown:
            self._choose(self._shown[options.highlighted].value)

    def _choose(self, value: str) -> None:
        if self.multiple:
            if value in self._selected:
                self._selected.remove(value)
            else:
                self._selected.append(value)
        else:
            self._selected = [value]
        self._refilter()
        self.post_message(self.Changed(self))

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        filter_box = self.query_one(".picker--filter", Input)
        if key == "down" and filter_box.has_focus:
            self.query_one(OptionList).focus()
            event.stop()  # type: ignore[attr-defined]
