"""The demo cloud's servers as Nova keeps them for ``changes-since``: every change stamps
the server's ``updated`` with the demo's clock, and a deleted server stays as a tombstone
(status DELETED) that only a changes-since list returns, like Nova's soft-deleted rows."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from itertools import chain

from tui.backend.memory import data
from tui.backend.memory.store import Store
from tui.backend.models import Server
from tui.backend.timestamps import parse_utc

# Deleted servers remembered for changes-since lists (Nova keeps them until archived).
MAX_TOMBSTONES = 1000

_DELETED = {"status": "DELETED", "OS-EXT-STS:vm_state": "deleted", "OS-EXT-STS:task_state": None}


def _content(server: Server) -> dict[str, object]:
    return {k: v for k, v in server.raw.items() if k != "updated"}


def stamped(server: Server, when: str) -> Server:
    """`server` as updated at `when`."""
    return dataclasses.replace(server, updated=when, raw={**server.raw, "updated": when})


def tombstone(server: Server, when: str) -> Server:
    """What Nova lists of `server` once deleted at `when`."""
    raw = {**server.raw, **_DELETED, "updated": when}
    return dataclasses.replace(
        server, status="DELETED", vm_state="deleted", task_state="", updated=when, raw=raw
    )


class ServerStore(Store[Server]):
    """Servers with the moment each last changed.

    The demo's fixed clock stands still between the things it makes, so each change also
    takes a tick of its own (two microseconds, on top of the clock): a change made after
    `time()` was read is always later than it, as on a real cloud whose time runs on.
    """

    def __init__(self, seed: Iterable[Server], now: Callable[[], datetime]) -> None:
        super().__init__(seed)
        self._now = now
        self._ticks = 0
        self._changed: dict[str, datetime] = {}  # when a server changed, to the tick
        self._tombstones: OrderedDict[str, Server] = OrderedDict()

    def time(self) -> datetime:
        """The cloud's time now: after every change made so far."""
        return self._now() + timedelta(microseconds=self._ticks + 1)

    def _stamp(self, ident: str) -> str:
        self._ticks += 2
        moment = self._changed[ident] = self._now() + timedelta(microseconds=self._ticks)
        return data.stamp(moment.replace(microsecond=0))

    def put(self, item: Server) -> Server:
        old = self.get(item.id)
        if old is not None and (old != item or _content(old) != _content(item)):
            item = stamped(item, self._stamp(item.id))
        return super().put(item)

    def readdress(self, item: Server) -> Server:
        """A server whose addresses changed (an interface, a floating IP): not stamped.
        Nova keeps addresses in its network info cache, not in the instance record, so
        its changes-since does not return the server for them."""
        return super().put(item)

    def remove(self, ident: str) -> Server:
        server = super().remove(ident)
        self._tombstones[ident] = tombstone(server, self._stamp(ident))
        while len(self._tombstones) > MAX_TOMBSTONES:
            gone, _ = self._tombstones.popitem(last=False)
            self._changed.pop(gone, None)
        return server

    def changed_since(self, since: datetime) -> Iterator[Server]:
        """Servers updated at or after `since` (Nova: ``updated_at >= changes-since``),
        deleted ones included with status DELETED."""
        for server in chain(self, list(self._tombstones.values())):
            updated = self._changed.get(server.id) or parse_utc(server.updated)
            if updated is not None and updated >= since:
                yield server
