"""The live watcher: one background thread that stats a few paths every half second.

Only ``os.stat`` calls, no reading and no inotify dependency, so it costs next to nothing when
idle and works on every filesystem. Paths are grouped ("source:/x/robot.py", "env:active", ...);
when any path of a group changes (mtime, size, appears, disappears) the group's name is reported
once, and the app re-reads only what that group stands for.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping

# (mtime_ns, size) of a path, or None when it does not exist.
Stamp = tuple[int, int] | None


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def take_snapshot(groups: Mapping[str, Iterable[str]]) -> dict[str, dict[str, Stamp]]:
    return {name: {path: stamp(path) for path in paths} for name, paths in groups.items()}


def changed_groups(
    before: Mapping[str, Mapping[str, Stamp]], after: Mapping[str, Mapping[str, Stamp]]
) -> frozenset[str]:
    """The groups whose stamps differ. A group that is new (no ``before``) is not a change:
    it was just registered, and whoever registered it has read it already."""
    return frozenset(
        name
        for name, stamps in after.items()
        if name in before and dict(before[name]) != dict(stamps)
    )


class Watcher:
    """Polls the registered groups from a daemon thread and calls ``on_change(groups)``.

    ``on_change`` runs on the watcher thread: the app passes ``post_message``, which is
    thread-safe. ``set_group`` may be called from any thread.
    """

    def __init__(self, on_change: Callable[[frozenset[str]], None], interval: float = 0.5) -> None:
        self._on_change = on_change
        self._interval = interval
        self._groups: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: dict[str, dict[str, Stamp]] = {}

    def set_group(self, name: str, paths: Iterable[str]) -> None:
        """Register (or replace) a group. Its current state is the baseline: no report for it."""
        paths = tuple(dict.fromkeys(paths))
        with self._lock:
            if self._groups.get(name) == paths:
                return
            self._groups[name] = paths
            self._last[name] = {path: stamp(path) for path in paths}

    def drop_groups(self, keep: Callable[[str], bool]) -> None:
        with self._lock:
            for name in [n for n in self._groups if not keep(n)]:
                del self._groups[name]
                self._last.pop(name, None)

    def groups(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            return dict(self._groups)

    def poll(self) -> frozenset[str]:
        """One round of stat calls; returns (and reports) the changed groups."""
        with self._lock:
            groups = dict(self._groups)
            before = self._last
        now = take_snapshot(groups)
        changed = changed_groups(before, now)
        with self._lock:
            # A group replaced while we were polling keeps its fresher baseline.
            for name, stamps in now.items():
                if self._groups.get(name) == groups[name]:
                    self._last[name] = stamps
        if changed:
            self._on_change(changed)
        return changed

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="venv-tui-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll()
            except Exception:  # the watcher must never take the app down; next round retries
                pass
