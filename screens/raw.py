"""The raw API browser: pick an endpoint of the token's catalog (`:raw`, declared in
`tui.screens.resources.raw`), GET a path, read the JSON.

Strictly read-only (GET only, whatever --read-only says): the path is checked before it is
sent (no scheme, no host, no ``..`` above the endpoint), tokens never appear in the headers
shown. ``>`` follows the body's ``next`` link, ``L`` any link, ``h`` a recent path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.backend.errors import BackendError
from tui.backend.models import CatalogEndpoint
from tui.backend.raw_http import PathError, RawResponse, body_links, clean_path, link_path
from tui.guard import GuardedHandlers, on
from tui.screens.contextual import Contextual
from tui.screens.text_search import TextSearch
from tui.styles import STYLES
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar
from tui.widgets.text_view import TextView

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.context import Context

HISTORY_SIZE = 20
# A useful first path per service type (relative to the usual catalog URLs).
FIRST_PATHS = {
    "compute": "/servers/detail?limit=20",
    "identity": "/v3/projects",
    "image": "/v2/images?limit=20",
    "network": "/v2.0/networks",
    "block-storage": "/volumes/detail?limit=20",
    "volumev3": "/volumes/detail?limit=20",
    "placement": "/resource_providers",
    "metric": "/v1/resource/generic?limit=20",
}


def history(context: Context) -> dict[str, list[str]]:
    """The recent paths per service type of this context's cloud, newest first."""
    found: dict[str, list[str]] = context.remembered.setdefault("raw-paths", {})
    return found


def remember(context: Context, kind: str, path: str) -> None:
    paths = history(context).setdefault(kind, [])
    if path in paths:
        paths.remove(path)
    paths.insert(0, path)
    del paths[HISTORY_SIZE:]


def status_text(response: RawResponse, links: list[tuple[str, str]]) -> Text:
    """Status, timing, request id; the important headers; the error message if any."""
    text = Text(no_wrap=True, overflow="ellipsis")
    colour = "green" if response.ok else "bold red"
    text.append(f"{response.status} {response.reason}", style=colour)
    text.append(f"  {response.elapsed_ms} ms")
    if response.request_id:
        text.append(f"  request id {response.request_id}")
    text.append(f"  {response.method} {response.url}", style="dim")
    if response.message:
        text.append(f"\n{response.message}", style="red")
    headers = " · ".join(f"{k}: {v}" for k, v in response.important)
    if any(rel == "next" for rel, _ in links):
        headers += "  [> next page]"
    if headers:
        text.append(f"\n{headers}", style="dim")
    return text


def file_name(endpoint: CatalogEndpoint, path: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", path.split("?", 1)[0]).strip("-") or "root"
    return f"{endpoint.type}-{slug}.json"


class ChoiceScreen(GuardedHandlers, ModalScreen[str | None]):
    """A short list to choose one line from (recent paths, links of a response)."""

    CSS_PATH = STYLES / "telemetry.tcss"

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices  # (value, label)

    def compose(self) -> ComposeResult:
        with Vertical(id="choices-box"):
            yield Static(Text(self.title_text), id="choices-title")
            yield OptionList(
                *(Option(Text(label), id=str(i)) for i, (_, label) in enumerate(self.choices))
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][0])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class RawScreen(GuardedHandlers, TextSearch, Contextual, Screen[None]):
    CSS_PATH = STYLES / "telemetry.tcss"
    app: StackdeckApp

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("p", "edit_path", "Path"),
        Binding("r", "reload", "GET again"),
        Binding("greater_than_sign", "next_page", "Next page", key_display=">"),
        Binding("L", "links", "Links"),
        Binding("H", "toggle_headers", "Headers"),
        Binding("h", "history", "History"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("w", "save", "Save JSON"),
    ]

    def __init__(self, endpoint: CatalogEndpoint) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.response: RawResponse | None = None
        self.links: list[tuple[str, str]] = []
        self.text = ""  # the body as shown (pretty JSON), also what `w` saves
        self.show_headers = False
        self.problem = ""  # why the last path was not sent / the call failed
        self.requests = 0
        self.fetching = False

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="crumbs")
        with Horizontal(id="path-row"):
            yield Static("GET ", id="path-label")
            yield Input(placeholder="path below the endpoint, e.g. /servers", id="path")
        yield Static(id="status")
        yield TextView(id="body")
        yield Input(placeholder="search (enter: first match, esc: close)", id="search")
        yield KeyBar()

    @property
    def path_input(self) -> Input:
        return self.query_one("#path", Input)

    @property
    def view(self) -> TextView:
        return self.query_one("#body", TextView)

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self.query_one("#search", Input).display = False
        recent = history(self.context).get(self.endpoint.type)
        self.path_input.value = recent[0] if recent else FIRST_PATHS.get(self.endpoint.type, "/")
        self.path_input.focus()
        self.view.set_text("Type a path and press enter: GET it (read-only).")
        self._update_crumbs()

    # -- requests ------------------------------------------------------------------------

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.get(event.value)

    def get(self, typed: str) -> None:
        try:
            path = clean_path(typed)
        except PathError as exc:
            self.problem = str(exc)
            self.app.notify(str(exc), title="Path not sent", severity="warning")
            self._update_crumbs()
            return
        self.problem = ""
        self.path_input.value = path
        self._send(path)

    @work(exclusive=True, group="raw")
    async def _send(self, path: str) -> None:
        self.fetching = True
        self._update_crumbs()
        try:
            response = await self.context.backend.raw_get(self.endpoint, path)
        except BackendError as exc:
            self.problem = exc.message
            self.app.notify_error(exc)
            return
        finally:
            self.fetching = False
            self._update_crumbs()
        remember(self.context, self.endpoint.type, path)
        self.requests += 1
        self.response = response
        body = response.json()
        self.links = body_links(body, response.header("link"))
        self.text = response.pretty(body)
        self.show_headers = False
        self.view.set_text(self.text, follow=False)
        self.refresh_bindings()
        if self.view.search_text:
            self.view.search(self.view.search_text)
        self.view.focus()
        self._update_crumbs()

    def _update_crumbs(self) -> None:
        e = self.endpoint
        crumbs = Text(no_wrap=True, overflow="ellipsis")
        crumbs.append(" Raw API ", style="bold reverse")
        crumbs.append(f" {e.type}", style="bold")
        crumbs.append(f" ({e.name}) {e.interface} {e.region}  {e.url}")
        if self.fetching:
            crumbs.append("  loading…", style="yellow")
        if self.show_headers:
            crumbs.append("  all headers", style="bold")
        crumbs.append(self.search_crumb(), style="italic")
        self.query_one("#crumbs", Static).update(crumbs)
        status = self.query_one("#status", Static)
        if self.problem:
            status.update(Text(f"✖ {self.problem}", style="bold red"))
        elif self.response is not None:
            status.update(status_text(self.response, self.links))
        else:
            status.update(Text("GET only: this browser never changes anything.", style="dim"))

    # -- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.close_search():
            return
        if self.path_input.has_focus and self.response is not None:
            self.view.focus()
        else:
            self.app.pop_screen()

    def action_edit_path(self) -> None:
        self.path_input.focus()

    def action_reload(self) -> None:
        self.get(self.path_input.value)

    def _follow(self, href: str | None) -> None:
        if not href:
            return
        try:
            path = link_path(self.endpoint.url, href)
        except PathError as exc:
            self.app.notify(f"{href}: {exc}", title="Link not followed", severity="warning")
            return
        self.path_input.value = path
        self.get(path)

    def action_next_page(self) -> None:
        href = next((h for rel, h in self.links if rel == "next"), None)
        if href is None:
            self.app.notify("This response has no next link.", severity="information")
        self._follow(href)

    def action_links(self) -> None:
        links = self.links
        if not links:
            self.app.notify("This response has no links.", severity="information")
            return
        choices = [(href, f"{rel:<10} {href}") for rel, href in links]
        self.app.push_screen(ChoiceScreen("Follow a link (GET)", choices), self._follow)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what applies: the next page when there is one, the rest after a GET."""
        if action == "next_page":
            return any(rel == "next" for rel, _ in self.links)
        if action in ("links", "toggle_headers", "save", "search"):
            return self.response is not None
        return True

    def action_toggle_headers(self) -> None:
        """Every response header (secrets removed) instead of the body, and back."""
        if self.response is None:
            return
        self.show_headers = not self.show_headers
        if self.show_headers:
            lines = [f"{name}: {value}" for name, value in self.response.headers]
            lines += ["", "(H: back to the body; tokens and cookies are never shown)"]
            self.view.set_text("\n".join(lines), follow=False)
        else:
            self.view.set_text(self.text, follow=False)
        self._update_crumbs()

    def action_history(self) -> None:
        paths = history(self.context).get(self.endpoint.type, [])
        if not paths:
            self.app.notify("No recent paths for this service yet.", severity="information")
            return
        choices = [(p, p) for p in paths]
        self.app.push_screen(ChoiceScreen("Recent paths", choices), self._from_history)

    def _from_history(self, path: str | None) -> None:
        if path:
            self.path_input.value = path
            self.get(path)

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        self.searched(event)

    def action_save(self) -> None:
        response = self.response
        if response is None:
            self.app.notify("Nothing to save yet: GET a path first.", severity="information")
            return
        self.ask_save(
            f"Save the response of {response.path}",
            Path.cwd() / file_name(self.endpoint, response.path),
            lambda: self.text + "\n",
            "Saved the response to",
        )
