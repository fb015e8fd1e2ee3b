"""One way back to the GUI thread: `relay(event, *payload)` from any thread.

Qt widgets may only be touched on the GUI thread, but the engine, the notifier's loop and the
background jobs report from their own threads. Instead of a private "mirror" signal for every
public one, wired by hand, a `GuiRelay` has one queued signal carrying (event name, payload).
The slot runs on the GUI thread (the thread the object lives in) and either emits the public
signal of that name or calls the method of that name marked `@on_gui_thread`. The connection is
queued even from the GUI thread itself, so a listener never runs inside the caller's stack.

An object destroyed while a worker still reports to it (a dialog closed mid-export) drops the
report: the worker has nothing to show it on. docs/architecture.md "Threads" has the picture.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

_log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R", bound="GuiRelay")
_BODY = "__gui_thread_body__"


def on_gui_thread(
    method: Callable[Concatenate[R, P], None],
) -> Callable[Concatenate[R, P], None]:
    """Calling the method from any thread queues the call; its body runs on the GUI thread."""

    def post(self: R, /, *args: P.args, **kwargs: P.kwargs) -> None:
        if kwargs:
            raise TypeError(f"{method.__name__} takes positional arguments only")
        self.relay(method.__name__, *args)

    functools.update_wrapper(post, method)
    setattr(post, _BODY, method)
    return post


class GuiRelay(QObject):
    """A QObject whose public signals and `@on_gui_thread` methods are safe to fire from any
    thread through `relay`."""

    _relayed = Signal(str, object)  # event name, tuple of arguments

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relayed.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def relay(self, event: str, *payload: object) -> None:
        """Emit the signal `event` (or call the `@on_gui_thread` method `event`) with `payload`,
        later, on the GUI thread. Thread-safe. An unknown event is a programming error."""
        if not _is_target(type(self), event):
            raise AttributeError(
                f"{type(self).__name__} has no public signal or @on_gui_thread method {event!r}"
            )
        try:
            self._relayed.emit(event, payload)
        except RuntimeError:
            if shiboken6.isValid(self):
                raise
            _log.debug("%s was destroyed; dropped %s", type(self).__name__, event)

    def _deliver(self, event: str, payload: tuple[Any, ...]) -> None:
        target = getattr(type(self), event)
        if isinstance(target, Signal):
            getattr(self, event).emit(*payload)
        else:
            getattr(target, _BODY)(self, *payload)


def _is_target(cls: type, event: str) -> bool:
    target = getattr(cls, event, None)
    if isinstance(target, Signal):
        return not event.startswith("_")
    return hasattr(target, _BODY)
