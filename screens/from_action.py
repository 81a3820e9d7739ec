"""What an action's `run` shows beyond the action flow's own messages (screens/acting.py):
a notification saying what came of it (the image an upload makes, where an accepted volume
went) or a dialog to read before going on (a transfer's auth key, shown once).

A `run` is called from a worker of the screen that runs the action (its form's, or the
list's): the app is that worker's node's, and a dialog pushed from there is awaited
before the run returns, so the flow's own "Requested" and following come after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

if TYPE_CHECKING:
    from tui.backend.models import NewVolumeTransfer


def _app() -> Any:
    return get_current_worker().node.app


def tell(message: str, *, title: str = "", timeout: float = 12) -> None:
    """A notification from inside an action (masked like every other one)."""
    _app().notify(message, title=title, timeout=timeout)


async def show_transfer_key(volume: str, made: NewVolumeTransfer) -> None:
    """The new transfer's id and auth key, until the operator closes the dialog."""
    from tui.screens.transfer_key import TransferKeyScreen

    await _app().push_screen_wait(TransferKeyScreen(volume, made))
