"""The cyclic garbage collector, held off while work allocates much and frees little.

Rows streaming into a list are such work: at 100,000 servers the collector's full passes,
triggered again and again as the rows pile up, walked every row each time and took a third
of the list's time while finding nothing (rows hold no cycles; what they replace is freed
by reference counting). Holds nest and may come from several lists; the collector comes
back on when the last is released, if it was on before the first (start-up turns it off
until the first screen is drawn: `enable` then waits for the holds to end).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Holds:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.enable_after = False  # the collector was on before the first hold
        self.kept = False  # a hold's work kept what it made


_HOLDS = _Holds()  # the collector is one per process, and so are its holds


def hold() -> None:
    with _HOLDS.lock:
        if _HOLDS.count == 0:
            _HOLDS.enable_after = gc.isenabled()
            gc.disable()
        _HOLDS.count += 1


def release(*, kept: bool = True) -> None:
    """End a hold. `kept`: the work kept much of what it made (a list's rows): one full
    pass over it now, else the first collection after would walk it at a keystroke, and a
    full one soon after that (Python runs one once what survived a pass grew by a quarter).
    Work that freed what it made (a file written) leaves the collector nothing to walk."""
    with _HOLDS.lock:
        _HOLDS.count = max(0, _HOLDS.count - 1)
        _HOLDS.kept = _HOLDS.kept or kept
        if _HOLDS.count:
            return
        full_pass = _HOLDS.enable_after and _HOLDS.kept
        _HOLDS.kept = False
    if full_pass:
        gc.collect()  # outside the lock: a finalizer it runs may hold and release
    with _HOLDS.lock:
        if _HOLDS.count == 0 and _HOLDS.enable_after:
            gc.enable()


def enable() -> None:
    """Turn the collector on, or, while something holds it off, once the holds end."""
    with _HOLDS.lock:
        if _HOLDS.count:
            _HOLDS.enable_after = True
        else:
            gc.enable()


def enabled() -> bool:
    """On, or off only while something holds it (on again after)."""
    with _HOLDS.lock:
        return gc.isenabled() or (_HOLDS.count > 0 and _HOLDS.enable_after)


@contextmanager
def held(*, kept: bool = True) -> Iterator[None]:
    hold()
    try:
        yield
    finally:
        release(kept=kept)
