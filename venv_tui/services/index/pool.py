"""A few requests at a time, cancellable, stopping early when a server is down.

Daemon threads pull items from a queue; the caller's thread only collects answers, checking the
cancel event between them, so cancelling returns at once (a request in flight finishes or times
out on its own thread, its answer dropped) and nothing waits on a dead server at exit. When a
request fails with one of the ``stop_on`` exceptions, the items of the same ``group`` (the same
server) still queued are skipped rather than each waiting out the same timeout.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")

Progress = Callable[[int, int], None]  # (done, total)

WORKERS = 4  # a few in parallel: polite to the server, enough to hide latency


@dataclass
class Gathered(Generic[T, R]):
    results: dict[T, R] = field(default_factory=dict)
    errors: dict[T, Exception] = field(default_factory=dict)
    skipped: list[T] = field(default_factory=list)  # not asked: its server failed, or cancelled
    cancelled: bool = False


_SKIP = object()


def gather(
    items: Sequence[T],
    fetch: Callable[[T], R],
    *,
    group: Callable[[T], Hashable] = lambda item: None,
    stop_on: tuple[type[Exception], ...] = (),
    workers: int = WORKERS,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    done_before: int = 0,
    total: int | None = None,
) -> Gathered[T, R]:
    """``fetch(item)`` for every item, ``workers`` at a time. Exceptions are collected per item,
    never raised. ``progress(done, total)`` is called from the caller's thread."""
    out: Gathered[T, R] = Gathered()
    items = list(dict.fromkeys(items))
    if not items:
        return out
    total = total if total is not None else done_before + len(items)
    todo: queue.Queue[T] = queue.Queue()
    for item in items:
        todo.put(item)
    answers: queue.Queue[tuple[T, object]] = queue.Queue()
    failed_groups: set[Hashable] = set()
    lock = threading.Lock()

    def work() -> None:
        while True:
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            key = group(item)
            with lock:
                skip = key in failed_groups
            if skip or (cancel is not None and cancel.is_set()):
                answers.put((item, _SKIP))
                continue
            try:
                answers.put((item, fetch(item)))
            except Exception as err:  # collected per item; the caller decides what it means
                if isinstance(err, stop_on):
                    with lock:
                        failed_groups.add(key)
                answers.put((item, err))

    for number in range(min(workers, len(items))):
        threading.Thread(target=work, name=f"venv-tui-index-{number}", daemon=True).start()
    done = 0
    while done < len(items):
        if cancel is not None and cancel.is_set():
            out.cancelled = True
            answered = set(out.results) | set(out.errors) | set(out.skipped)
            out.skipped += [item for item in items if item not in answered]
            return out
        try:
            item, answer = answers.get(timeout=0.05)
        except queue.Empty:
            continue
        done += 1
        if answer is _SKIP:
            out.skipped.append(item)
        elif isinstance(answer, Exception):
            out.errors[item] = answer
        else:
            out.results[item] = answer  # type: ignore[assignment]
        if progress is not None:
            progress(done_before + done, total)
    return out
