"""One guard around everything Textual runs of stackdeck's: a bug is reported, the session goes on.

Textual ends the app when a handler, a callback, a timer, a worker, a ``compose`` or a render
raises, and offers no public hook to do otherwise. So the guard stands on stackdeck's side of
each of those boundaries. The app, every screen and every widget mix in ``GuardedHandlers``:

- events (keys, mount, resize, clicks, ``call_later`` callbacks) through ``on_event``;
- messages (``Input.Changed``, ``Button.Pressed``, our own) through handlers declared with
  this module's ``on`` (Textual's, wrapped);
- callbacks given to ``call_later``, ``call_next``, ``call_after_refresh``, ``set_timer`` and
  ``set_interval``;
- workers: ``run_worker`` (and so ``@work``) wraps the work, and no worker ends the app;
- ``compose``, ``render`` and ``render_line`` of every class that mixes it in.

Actions (keys, the palette) are guarded once, by ``StackdeckApp.run_action``. Whatever raises
goes to ``StackdeckApp.report_failure``: a crash file and the error panel (a failed request,
``BackendError``, is a notification there). Only public Textual API is used.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rich.text import Text
from textual import events
from textual import on as textual_on
from textual.message import Message
from textual.message_pump import MessagePump
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import Worker

F = TypeVar("F", bound=Callable[..., Any])


def title_of(node: Any) -> str:
    """How the operator knows a screen: its resource's title, else its class name."""
    try:
        screen = getattr(node, "screen", node)
    except Exception:  # an app with no screen yet, a widget not mounted
        screen = node
    resource = getattr(screen, "resource", None)
    return getattr(resource, "title", None) or type(screen).__name__


def name_of(callback: Any) -> str:
    """``load`` for ``self.load``, ``partial(self.load, ...)``, the coroutine ``self._load()``
    or a worker named ``load``."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    if isinstance(callback, str):  # a worker's name
        name = callback
    else:
        name = getattr(callback, "__name__", "") or type(callback).__name__
    return name.strip("_") or "a task"


def report(node: MessagePump, error: Exception, what: str) -> None:
    """Hand a failure to the app (crash file, error panel). Under an app that cannot report
    (a bare ``App`` in a widget's unit test) it is raised again, as Textual would."""
    report_failure = getattr(node.app, "report_failure", None)
    if report_failure is None:
        raise error
    report_failure(error, what)


def where(node: MessagePump, task: Any) -> str:
    """``Servers · load``: the screen, and what of it failed."""
    return f"{title_of(node)} · {name_of(task)}"


def guarded(node: MessagePump, callback: Callable[[], Any]) -> Callable[[], Any]:
    """``callback`` (sync or async, no arguments) that reports what it raises."""

    async def run() -> Any:
        try:
            result = callback()
            if inspect.isawaitable(result):
                result = await result
            return result
        except Exception as exc:
            report(node, exc, where(node, callback))
            return None

    return run


def guarded_work(node: MessagePump, work: Any, name: str, *, thread: bool) -> Any:
    """A worker's work (a coroutine, an awaitable, an async or, in a thread, a sync
    callable) that reports what it raises, then raises it again: the worker ends in
    ``ERROR`` as Textual would have it, and never takes the app with it."""
    if thread:

        def in_thread() -> Any:
            try:
                return work()
            except Exception as exc:
                node.app.call_from_thread(report, node, exc, where(node, name or work))
                raise

        return in_thread

    async def run() -> Any:
        try:
            result = work() if callable(work) else work
            if inspect.isawaitable(result):
                result = await result
            return result
        except Exception as exc:
            report(node, exc, where(node, name or work))
            raise

    return run


def on(message_type: type[Message], selector: str | None = None, **kwargs: str) -> Callable[[F], F]:
    """Textual's ``@on``, for a handler whose failure is reported, not the end of the app."""

    def decorator(method: F) -> F:
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def handler(self: MessagePump, *args: Any) -> Any:
                try:
                    return await method(self, *args)
                except Exception as exc:
                    report(self, exc, where(self, method))
                    return None

        else:

            @functools.wraps(method)
            def handler(self: MessagePump, *args: Any) -> Any:
                try:
                    return method(self, *args)
                except Exception as exc:
                    report(self, exc, where(self, method))
                    return None

        return textual_on(message_type, selector, **kwargs)(handler)  # type: ignore[return-value]

    return decorator


def _guard_compose(method: Callable[[Any], Iterable[Any]]) -> Callable[[Any], Iterable[Any]]:
    @functools.wraps(method)
    def compose(self: MessagePump) -> Iterable[Any]:
        try:
            yield from method(self)
        except Exception as exc:
            report(self, exc, f"{title_of(self)} · building {type(self).__name__}")

    return compose


def _guard_render(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(method)
    def render(self: MessagePump) -> Any:
        try:
            return method(self)
        except Exception as exc:
            report(self, exc, f"{title_of(self)} · drawing {type(self).__name__}")
            return Text()

    return render


def _guard_render_line(method: Callable[[Any, int], Strip]) -> Callable[[Any, int], Strip]:
    @functools.wraps(method)
    def render_line(self: Any, y: int) -> Strip:
        try:
            return method(self, y)
        except Exception as exc:
            report(self, exc, f"{title_of(self)} · drawing {type(self).__name__}")
            return Strip.blank(self.size.width)

    return render_line


# What Textual calls to build and draw a node: guarded in every class that mixes the guard in.
_DRAWING_GUARDS: dict[str, Callable[[Any], Any]] = {
    "compose": _guard_compose,
    "render": _guard_render,
    "render_line": _guard_render_line,
}


class GuardedHandlers(MessagePump):
    """Mix in before the Textual class: ``class X(GuardedHandlers, Screen[None])``.

    A ``MessagePump``, not a ``DOMNode``: Textual follows a class's first ``DOMNode`` base for
    its CSS (``DEFAULT_CSS``, component classes), which must stay the Textual class."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, guard in _DRAWING_GUARDS.items():
            if (method := cls.__dict__.get(name)) is not None:
                setattr(cls, name, guard(method))

    async def on_event(self, event: events.Event) -> None:
        try:
            await super().on_event(event)
        except Exception as exc:
            report(self, exc, f"{title_of(self)} · handling {type(event).__name__}")

    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        return super().call_later(self.guard_callback(callback, *args, **kwargs))

    def call_next(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().call_next(self.guard_callback(callback, *args, **kwargs))

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        return super().call_after_refresh(self.guard_callback(callback, *args, **kwargs))

    def set_interval(
        self,
        interval: float,
        callback: Callable[[], Any] | None = None,
        *,
        name: str | None = None,
        repeat: int = 0,
        pause: bool = False,
    ) -> Timer:
        # (`set_timer` hands its callback to `call_next`: guarded there)
        guarded_callback = None if callback is None else self.guard_callback(callback)
        return super().set_interval(
            interval, guarded_callback, name=name, repeat=repeat, pause=pause
        )

    def guard_callback(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``callback(*args, **kwargs)``, to be called later, reporting what it raises."""
        call = functools.partial(callback, *args, **kwargs) if args or kwargs else callback
        return guarded(self, call)

    def run_worker(
        self,
        work: Any,
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Worker[Any]:
        """Textual's ``run_worker``; what the work raises is reported and never ends the app
        (``exit_on_error`` is always off)."""
        return super().run_worker(  # type: ignore[misc]  # DOMNode's, later in the MRO
            guarded_work(self, work, name or "", thread=thread),
            name=name,
            group=group,
            description=description,
            exit_on_error=False,
            start=start,
            exclusive=exclusive,
            thread=thread,
        )
