"""The generic form screen: draws a `tui.forms.Form`, validates, submits, keeps input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static

from tui.backend.errors import BackendError
from tui.forms import Field, Form, NotSent, Values, validate
from tui.guard import GuardedHandlers, on
from tui.resource import bind
from tui.screens.contextual import Contextual
from tui.styles import STYLES
from tui.text import safe
from tui.widgets.picker import Picker

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.context import Context


def error_text(exc: BackendError) -> Text:
    """A refusal as the operator needs it: what, HTTP status, the service's words, request id."""
    text = Text()
    text.append(f"✖ {exc.operation or 'Request'} failed", style="bold")
    if exc.status:
        text.append(f" (HTTP {exc.status})", style="bold")
    text.append(f"\n{exc.message}")
    if exc.request_id:
        text.append(f"\nrequest id: {exc.request_id}", style="dim")
    return text


class FormScreen(GuardedHandlers, Contextual, ModalScreen[Any]):
    """Returns what the form's submit returned, or None when cancelled."""

    CSS_PATH = STYLES / "form.tcss"

    app: StackdeckApp

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit"),
    ]

    def __init__(
        self, form: Form, initial: Values | None = None, *, context: Context | None = None
    ) -> None:
        super().__init__(context=context)
        self.form = bind(form, self.context)
        self.initial = dict(initial or {})
        self.submitting = False
        self.last_error: BackendError | None = None

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.form.title, style="bold"), id="form-title")
            if self.form.description:
                yield Static(Text(self.form.description), id="form-description")
            with VerticalScroll(id="form-fields"):
                for f in self.form.fields:
                    with Vertical(classes="form-field", id=f"field-{f.name}"):
                        label = f.label + (" *" if f.required else "")
                        yield Static(label, classes="form-label")
                        yield self._input(f)
                        yield Static(
                            f.help,
                            classes="form-help" if f.help else "form-help -empty",
                            id=f"help-{f.name}",
                        )
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(self.form.submit_label, variant="primary", id="form-submit")
                yield Button("Cancel", id="form-cancel")

    def _input(self, f: Field) -> Widget:
        value = self.initial.get(f.name, f.default)
        ident = f"input-{f.name}"
        if f.kind == "bool":
            return Checkbox(f.label, bool(value), id=ident)
        if f.kind in ("choice", "multi"):
            picker = Picker(multiple=f.kind == "multi", id=ident)
            if value:
                picker.select(value)
            return picker
        text = "" if value is None else str(value)
        if f.kind == "keyvalue" and isinstance(value, tuple | list):
            text = ", ".join(f"{k}={v}" for k, v in value)
        return Input(
            text,
            placeholder=f.placeholder or ("key=value, key=value" if f.kind == "keyvalue" else ""),
            password=f.kind == "secret",
            # a refusal focuses the field: the next key must not replace what was typed
            select_on_focus=False,
            id=ident,
        )

    def on_mount(self) -> None:
        self._apply_visibility()
        for f in self.form.fields:
            if f.choices is not None:
                self._load_choices(f)
        field = f"#field-{self.form.focus}" if self.form.focus else ".form-field"
        first = next(iter(self.query(f"{field} Input, {field} Checkbox")), None)
        if first is not None:
            first.focus()
            if isinstance(first, Input):
                first.select_all()  # a default, not typed yet: the first key replaces it

    @work(group="choices")
    async def _load_choices(self, f: Field) -> None:
        picker = self.query_one(f"#input-{f.name}", Picker)
        try:
            assert f.choices is not None
            choices = await f.choices(self.context.backend, self.raw_values())
        except BackendError as exc:
            if picker.is_mounted:
                picker.set_failed(f"could not load choices: {exc.message}")
            return
        if not picker.is_mounted:
            return  # the form was closed while the choices were on their way
        picker.set_choices(choices)
        default = self.initial.get(f.name, f.default)
        if not picker.values and default:
            picker.select(default)
        elif not picker.values and f.required and f.kind == "choice" and len(choices) == 1:
            picker.select(choices[0].value)

    # -- values --------------------------------------------------------------------------

    def raw_values(self) -> Values:
        """What the widgets hold right now, unconverted: never lost on an error."""
        values: Values = {}
        for f in self.form.fields:
            widget = self.query_one(f"#input-{f.name}")
            if isinstance(widget, Picker):
                values[f.name] = widget.values if widget.multiple else widget.value
            elif isinstance(widget, Checkbox | Input):
                values[f.name] = widget.value
        return values

    def _apply_visibility(self) -> None:
        values = self.raw_values()
        for f in self.form.fields:
            self.query_one(f"#field-{f.name}").display = f.shown(values)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._apply_visibility()

    @on(Input.Changed)
    def _noted(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("input-")
        f = next((f for f in self.form.fields if f.name == name and f.note is not None), None)
        if f is not None and f.note is not None:
            help_line = self.query_one(f"#help-{f.name}", Static)
            note = f.note(event.value)
            help_line.update(Text(note, style="cyan") if note else f.help)
            help_line.set_class(not (note or f.help), "-empty")

    @on(Picker.Changed)
    def _picked(self, event: Picker.Changed) -> None:
        self._apply_visibility()
        changed = (event.picker.id or "").removeprefix("input-")
        for f in self.form.fields:
            if f.depends_on == changed and f.choices is not None:
                self._load_choices(f)

    def show_errors(self, errors: dict[str, str]) -> None:
        for f in self.form.fields:
            help_line = self.query_one(f"#help-{f.name}", Static)
            box = self.query_one(f"#field-{f.name}")
            if f.name in errors:
                # a refusal may quote a file's or a template's own text
                help_line.update(Text(f"✖ {safe(errors[f.name])}", style="bold red"))
                box.add_class("-invalid")
            else:
                help_line.update(f.help)
                box.remove_class("-invalid")
            help_line.set_class(not (f.help or f.name in errors), "-empty")

    # -- actions -------------------------------------------------------------------------

    @on(Button.Pressed, "#form-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _enter_in_input(self, event: Input.Submitted) -> None:
        if "picker--filter" not in event.input.classes:
            self.action_submit()

    def action_cancel(self) -> None:
        if not self.submitting:
            self.dismiss(None)

    def action_submit(self) -> None:
        if self.submitting:
            return
        values, errors = validate(self.form, self.raw_values())
        if not self._refused(errors):
            self._send(values)

    def _refused(self, errors: dict[str, str]) -> bool:
        """Show the form's own refusal (bad fields), focus the first; whether there was one."""
        self.show_errors(errors)
        if not errors:
            return False
        first = next((f for f in self.form.fields if f.name in errors), None)
        if first is not None:
            self.query_one(f"#input-{first.name}").focus()
        status = self.query_one("#form-error", Static)
        status.update(Text(f"✖ {len(errors)} field(s) need attention", style="bold red"))
        self.submitting = False
        self.query_one("#form-submit", Button).disabled = False
        return True

    @work(exclusive=True, group="submit")
    async def _send(self, values: Values) -> None:
        self.submitting = True
        button = self.query_one("#form-submit", Button)
        button.disabled = True
        status = self.query_one("#form-error", Static)
        status.update(Text("submitting…", style="italic"))
        secrets = self.context.backend.secrets
        for f in self.form.fields:
            if f.kind == "secret":
                secrets.add(values.get(f.name))
        try:
            if self.form.verify is not None and self._refused(
                await self.form.verify(self.context.backend, values)
            ):
                return
            result = await self.form.submit(self.context.backend, values)
        except NotSent as stopped:
            status.update(Text(str(stopped), style="italic"))
            self.submitting = False
            button.disabled = False
            return
        except BackendError as exc:
            secrets.redact_error(exc)
            self.last_error = exc
            status.update(error_text(exc))
            status.add_class("-error")
            self.submitting = False
            button.disabled = False
            return
        except Exception:
            # a bug, not the cloud: the app's error panel tells; what was typed stays
            status.update(Text("✖ Not submitted: see the error panel", style="bold red"))
            status.add_class("-error")
            self.submitting = False
            button.disabled = False
            raise
        self.submitting = False
        self.dismiss(result)
