"""How far a long piece of work has come, told to whoever listens: a callback, never a display.

The library never draws anything (core/ imports no rich). A long task (a cold load of the books, a
dedup scan, an import) calls `report(what, done, total)` as it goes; the command line installs a
callback with `reporting(callback)` that draws a progress bar on a terminal, and nothing else
listens, so a notebook or a batch job pays one context-variable lookup per call. The callback is
held in a context variable, so the long task's signature does not change and two threads (or two
tests) never hear each other's progress.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Callback = Callable[[str, int, int], None]     # (what, done, total)

_LISTENER: ContextVar[Callback | None] = ContextVar("kebir_progress", default=None)


def report(what: str, done: int, total: int) -> None:
    """`done` of `total` steps of `what` are finished (a listener, if any, hears it)."""
    listener = _LISTENER.get()
    if listener is not None:
        listener(what, done, total)


def listening() -> bool:
    """Whether anyone listens (so a task can skip counting what nobody will see)."""
    return _LISTENER.get() is not None


@contextlib.contextmanager
def reporting(callback: Callback | None) -> Iterator[None]:
    """Within the block, `report` calls go to `callback` (None: to nobody)."""
    token = _LISTENER.set(callback)
    try:
        yield
    finally:
        _LISTENER.reset(token)
