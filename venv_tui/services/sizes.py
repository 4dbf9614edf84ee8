"""What each floor costs on disk, as ``du`` counts it, and what deleting floors would free.

A floor's size is ``st_blocks * 512`` over every inode under its folder, each inode once (a file
hard-linked twice inside the floor is counted once), never following a symbolic link and never
crossing into another file system (a mount point inside a floor is left out). Files with more
than one hard link are remembered by inode, so that

- a total over many floors counts a file shared by two floors once (uv and ``cp -al`` link the
  same file into several floors), and
- what deleting a set of floors would free counts a shared file only when every one of its links
  lies inside that set (a uv floor's files are linked from uv's cache: deleting it frees little).

Walking a large floor costs about what ``du`` costs; the answer is cached in the cache folder,
keyed by the modification times of the floor's folder, its ``bin`` folder and its site folders
(installing or removing anything changes one of them), so a second run only stats a few folders.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

CACHE_NAME = "sizes.json"
_CACHE_VERSION = 1
_BLOCK = 512


@dataclass(frozen=True)
class FloorSize:
    """The disk cost of one floor folder."""

    path: str  # the real folder
    size: int  # bytes, as ``du -s`` counts them (each inode once)
    # Inodes with more than one hard link, flat: dev, ino, bytes, st_nlink, links seen inside.
    shared: tuple[int, ...] = field(default=(), repr=False)
    cached: bool = False  # read from the cache rather than walked

    @property
    def freed(self) -> int:
        """What deleting this floor alone would free."""
        return freed_by((self,))


def _walk(root: str) -> tuple[int, dict[tuple[int, int], list[int]]]:
    """(bytes of single-link inodes, {(dev, ino): [bytes, nlink, seen]}) under ``root``.

    Unreadable folders and entries that vanish while walking are skipped: a size is an
    estimate of what is there, and one odd folder must not hide the floor's size."""
    try:
        top = os.lstat(root)
    except OSError:
        return 0, {}
    dev = top.st_dev
    single = top.st_blocks * _BLOCK
    shared: dict[tuple[int, int], list[int]] = {}
    stack = [root]
    pop, push = stack.pop, stack.append
    is_dir = stat.S_ISDIR
    while stack:
        folder = pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if st.st_dev != dev:
                    continue  # a mount point: another file system's files are not the floor's
                if is_dir(st.st_mode):
                    single += st.st_blocks * _BLOCK
                    push(entry.path)
                elif st.st_nlink > 1:
                    key = (st.st_dev, st.st_ino)
                    seen = shared.get(key)
                    if seen is None:
                        shared[key] = [st.st_blocks * _BLOCK, st.st_nlink, 1]
                    else:
                        seen[2] += 1
                else:
                    single += st.st_blocks * _BLOCK
    return single, shared


def measure(path: str) -> FloorSize:
    """Walk one floor folder (its real path) now."""
    real = os.path.realpath(path)
    single, shared = _walk(real)
    flat: list[int] = []
    for (dev, ino), (size, nlink, seen) in shared.items():
        single += size
        flat += (dev, ino, size, nlink, seen)
    return FloorSize(real, single, tuple(flat))


def total_size(floors: Iterable[FloorSize]) -> int:
    """The bytes under all ``floors`` together, an inode shared between them counted once."""
    total = 0
    seen: set[tuple[int, int]] = set()
    for floor in floors:
        total += floor.size
        flat = floor.shared
        for i in range(0, len(flat), 5):
            key = (flat[i], flat[i + 1])
            if key in seen:
                total -= flat[i + 2]
            else:
                seen.add(key)
    return total


def freed_by(floors: Iterable[FloorSize]) -> int:
    """What deleting all ``floors`` would free: every single-link inode, and each shared inode
    whose every link lies inside them (st_nlink against the links seen inside)."""
    freed = 0
    links: dict[tuple[int, int], list[int]] = {}
    for floor in floors:
        flat = floor.shared
        own_shared = 0
        for i in range(0, len(flat), 5):
            key = (flat[i], flat[i + 1])
            own_shared += flat[i + 2]
            entry = links.get(key)
            if entry is None:
                links[key] = [flat[i + 2], flat[i + 3], flat[i + 4]]
            else:
                entry[2] += flat[i + 4]
        freed += floor.size - own_shared
    freed += sum(size for size, nlink, seen in links.values() if seen >= nlink)
    return freed


# -- the cache --------------------------------------------------------------------------------


def _site_folders(real: str) -> list[str]:
    """The folders whose modification time changes when a package comes or goes."""
    found = [os.path.join(real, "Lib", "site-packages")]  # Windows
    for top in ("lib", "lib64"):
        lib = os.path.join(real, top)
        try:
            names = os.listdir(lib)
        except OSError:
            continue
        found += [os.path.join(lib, n, "site-packages") for n in names if n.startswith(("python", "pypy"))]
        found.append(lib)
    return found


def stamp(real: str) -> list[int]:
    """The modification times (ns) of the floor's folder, bin folder and site folders; -1 for
    one that is missing. Equal stamps: the cached size still holds."""
    out = []
    for folder in (real, os.path.join(real, "bin"), os.path.join(real, "Scripts"), *_site_folders(real)):
        try:
            out.append(os.stat(folder).st_mtime_ns)
        except OSError:
            out.append(-1)
    return out


def _cache_path(environ: Mapping[str, str] | None) -> str:
    from venv_tui.config import cache_dir

    return os.path.join(cache_dir(environ), CACHE_NAME)


def _load(path: str) -> dict[str, dict[str, list[int] | int]]:
    """The cached entries; an unreadable or foreign cache is simply empty (it is only a cache)."""
    from venv_tui import files
    from venv_tui.errors import BadInput

    try:
        data = json.loads(files.read_bytes(path, files.LIMIT_SOURCE))
    except (ValueError, OSError, BadInput):
        return {}
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
        return {}
    floors = data.get("floors")
    return floors if isinstance(floors, dict) else {}


def _valid(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    size, shared, key = entry.get("size"), entry.get("shared"), entry.get("stamp")
    return (
        isinstance(size, int)
        and isinstance(shared, list)
        and len(shared) % 5 == 0
        and all(isinstance(n, int) for n in shared)
        and isinstance(key, list)
    )


def _save(path: str, floors: Mapping[str, object]) -> None:
    """Write the cache atomically; a cache that cannot be written is not an error."""
    import tempfile

    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sizes-", suffix=".tmp", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": _CACHE_VERSION, "floors": floors}, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def floor_sizes(
    paths: Sequence[str], *, environ: Mapping[str, str] | None = None, use_cache: bool = True
) -> dict[str, FloorSize]:
    """The size of each floor folder in ``paths`` (keyed by the path as given), from the cache
    when its stamps still hold, else walked (and the cache updated)."""
    cache_file = _cache_path(environ)
    cached = _load(cache_file) if use_cache else {}
    result: dict[str, FloorSize] = {}
    changed = False
    for path in paths:
        real = os.path.realpath(path)
        key = stamp(real)
        entry = cached.get(real)
        if _valid(entry) and entry["stamp"] == key:  # type: ignore[index]
            result[path] = FloorSize(real, entry["size"], tuple(entry["shared"]), cached=True)  # type: ignore[index,arg-type]
            continue
        measured = measure(real)
        result[path] = measured
        cached[real] = {"stamp": key, "size": measured.size, "shared": list(measured.shared)}
        changed = True
    if changed and use_cache:
        # Entries of floors that are gone would only grow the file.
        cached = {p: e for p, e in cached.items() if os.path.isdir(p)}
        _save(cache_file, cached)
    return result


def format_size(n: int | None) -> str:
    """``1.5 GiB``, ``340 MiB``, ``12 KiB``, ``512 B`` (powers of 1024, as --larger-than reads)."""
    if n is None:
        return "?"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
        value /= 1024
    return f"{n} B"
