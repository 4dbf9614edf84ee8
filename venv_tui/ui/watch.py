"""The live watcher: one background thread that stats a few paths every half second.

Only ``os.stat`` calls, no reading and no inotify dependency, so it costs next to nothing when
idle and works on every filesystem. Paths are grouped under typed keys (:class:`Folders`,
:class:`Bases`, :class:`FloorSite`, :class:`SourceFiles`); when any path of a group changes
(mtime, size, appears, disappears) the group's key is reported once, and the app re-reads only
what that group stands for. Folders are watched by their own stamp: a new entry (a floor, a
script) changes the folder's mtime, so a tree is never walked again to notice it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class Folders:
    """Where the house is searched: the project folder, the roots and WORKON_HOME, down to
    scan_depth, and the folder holding each floor. A change: read floors and robots again."""


@dataclass(frozen=True)
class Bases:
    """Each floor's python and base interpreter: a floor breaks when its base goes."""


@dataclass(frozen=True)
class FloorSite:
    """The site folders of one floor that is read (lit or selected)."""

    path: str


@dataclass(frozen=True)
class SourceFiles:
    """One robot's files: the source and every file it includes (-r, -c) at any depth."""

    path: str


WatchKey = Folders | Bases | FloorSite | SourceFiles

# Folders whose inside never holds a floor or a robot worth noticing.
_SKIP = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "site-packages",
        "dist-packages",
    }
)
MAX_FOLDERS = 4000  # a huge tree is watched at its top levels only: idle CPU stays near zero


def search_folders(tops: Iterable[str], depth: int, floors: Iterable[str]) -> list[str]:
    """The folders whose stamps tell that a floor or a robot appeared or went: each of ``tops``
    and the folders below it down to ``depth`` (never inside a floor), and each floor's parent.
    Listed once per reading of the floors (in a worker); the watcher then only stats them."""
    found: dict[str, None] = {}
    floor_set = {os.path.normpath(f) for f in floors}
    for top in tops:
        for folder in _tree(os.path.normpath(top), depth, floor_set):
            found.setdefault(folder)
            if len(found) >= MAX_FOLDERS:
                break
    for floor in floor_set:
        found.setdefault(os.path.dirname(floor))
    return list(found)


def _tree(top: str, depth: int, floors: set[str]) -> Iterator[str]:
    stack = [(top, 0)]
    while stack:
        folder, level = stack.pop()
        yield folder
        if level >= depth or folder in floors:
            continue
        try:
            with os.scandir(folder) as it:
                subs = [e.path for e in it if e.name not in _SKIP and e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        stack.extend((sub, level + 1) for sub in subs if sub not in floors)


K = TypeVar("K", bound=Hashable)

# (mtime_ns, size) of a path, or None when it does not exist.
Stamp = tuple[int, int] | None


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def take_snapshot(groups: Mapping[K, Iterable[str]]) -> dict[K, dict[str, Stamp]]:
    return {name: {path: stamp(path) for path in paths} for name, paths in groups.items()}


def changed_groups(
    before: Mapping[K, Mapping[str, Stamp]], after: Mapping[K, Mapping[str, Stamp]]
) -> frozenset[K]:
    """The groups whose stamps differ. A group that is new (no ``before``) is not a change:
    it was just registered, and whoever registered it has read it already."""
    return frozenset(
        name for name, stamps in after.items() if name in before and dict(before[name]) != dict(stamps)
    )


class Watcher:
    """Polls the registered groups from a daemon thread and calls ``on_change(groups)``.

    ``on_change`` runs on the watcher thread: the app passes ``post_message``, which is
    thread-safe. ``set_group`` may be called from any thread.
    """

    def __init__(self, on_change: Callable[[frozenset[WatchKey]], None], interval: float = 0.5) -> None:
        self._on_change = on_change
        self._interval = interval
        self._groups: dict[WatchKey, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: dict[WatchKey, dict[str, Stamp]] = {}

    def set_group(self, name: WatchKey, paths: Iterable[str]) -> None:
        """Register (or replace) a group. Its current state is the baseline: no report for it."""
        paths = tuple(dict.fromkeys(paths))
        with self._lock:
            if self._groups.get(name) == paths:
                return
            self._groups[name] = paths
            self._last[name] = {path: stamp(path) for path in paths}

    def drop_groups(self, keep: Callable[[WatchKey], bool]) -> None:
        with self._lock:
            for name in [n for n in self._groups if not keep(n)]:
                del self._groups[name]
                self._last.pop(name, None)

    def groups(self) -> dict[WatchKey, tuple[str, ...]]:
        with self._lock:
            return dict(self._groups)

    def poll(self) -> frozenset[WatchKey]:
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
