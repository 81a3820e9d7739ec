"""Searching a screen's TextView with ``/``, ``n``, ``N``, and saving its text to a file.

Shared by the console log and the raw API browser. The screen composes a ``TextView`` (its
``view``) and an ``Input`` with id ``search``, routes that input's ``Submitted`` to
``searched``, and redraws its own crumbs in ``_update_crumbs``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Input

from tui.backend.errors import BackendError
from tui.forms import Field, Form, Values
from tui.screens.form import FormScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.widgets.text_view import TextView

    # checked as the screen it is mixed into
    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class TextSearch(_ScreenBase):
    if TYPE_CHECKING:

        @property
        def view(self) -> TextView: ...

    def _update_crumbs(self) -> None:
        raise NotImplementedError

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.view.search_text
        box.focus()

    def searched(self, event: Input.Submitted) -> None:
        """The search box was submitted: highlight, jump to the first match, close the box."""
        wanted = event.value.strip()
        found = self.view.search(wanted)
        event.input.display = False
        self.view.focus()
        if wanted and not found:
            self.app.notify(f"No match for '{wanted}'", severity="warning")
        self._update_crumbs()

    def close_search(self) -> bool:
        """Close the search box if it has focus (esc); False when it had not."""
        box = self.query_one("#search", Input)
        if not box.has_focus:
            return False
        box.display = False
        self.view.focus()
        return True

    def action_next_match(self) -> None:
        self.view.next_match(1)
        self._update_crumbs()

    def action_previous_match(self) -> None:
        self.view.next_match(-1)
        self._update_crumbs()

    def search_crumb(self) -> str:
        """ "  search 'x': 2/5" (or "no match"), or "" when nothing is searched."""
        view = self.view
        if not view.search_text:
            return ""
        found = len(view.matches)
        where = f"{view.current + 1}/{found}" if found else "no match"
        return f"  search '{view.search_text}': {where}"

    def ask_save(self, title: str, default: Path, text: Callable[[], str], saved: str) -> None:
        """A form asking for a file name; writes `text()` there and says `saved` + the path."""

        async def write(backend: object, values: Values) -> str:
            path = Path(values["path"]).expanduser()
            try:
                path.write_text(text(), encoding="utf-8")
            except OSError as exc:
                raise BackendError(f"{path}: {exc.strerror or exc}", operation="save") from exc
            return str(path)

        def done(path: str | None) -> None:
            if path:
                self.app.notify(f"{saved} {path}", timeout=5)

        form = Form(
            title=title,
            fields=(Field("path", "File", required=True, default=str(default)),),
            submit=write,
            submit_label="Save",
        )
        self.app.push_screen(FormScreen(form), done)
