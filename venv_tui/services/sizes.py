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
keyed by the modification times of the floor's folder, its ``bin`` and ``lib`` folders and its
site folders (installing or removing anything changes one of them), so a second run only stats a
few folders.
"""

from __future__ import annotations

import os

from venv_tui import files

TYPE_CHECKING = False  # typing, dataclasses and json are not imported at run time: start-up
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from dataclasses import dataclass as record
    from dataclasses import field
    from typing import Any
else:
    from venv_tui._record import field, record

# The index is ``marshal`` data: read without importing ``json`` (whose decoder imports ``re``),
# the warm ``envs --sizes`` then costs little more than ``envs``. It is only a cache: anything
# unreadable in it is a miss.
CACHE_NAME = "sizes.marshal"
_CACHE_VERSION = 5  # 5: a stamp is the floor, bin and site folders (no lib listing)
_BLOCK = 512
_DIR_FLAGS = (
    os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)
_TOTALS_KEPT = 32  # totals remembered for sets of floors (envs with different --root)

# {ino: (bytes, st_nlink)} of one file system: what one run has learnt about multi-link inodes.
Known = dict[int, tuple[int, int]]
Memo = dict[int, Known]  # per st_dev


@record(frozen=True)
class Shared:
    """The multi-link inodes under one floor (all on the floor's file system ``dev``)."""

    dev: int
    inos: Sequence[int]
    sizes: Sequence[int]  # bytes of each
    # Only when just walked (never cached: link counts change when other floors go):
    seen: Sequence[int] = ()  # links to each found inside the floor
    nlinks: Sequence[int] = ()  # st_nlink of each


@record(frozen=True)
class FloorSize:
    """The disk cost of one floor folder."""

    path: str  # the real folder
    size: int  # bytes, as ``du -s`` counts them (each inode once)
    stamp: tuple[int, ...] = field(default=())
    shared: Shared | None = field(default=None)  # None: still in the cache file
    blob: str | None = field(default=None)  # the cache file holding ``shared``
    cached: bool = False  # read from the cache rather than walked

    @property
    def freed(self) -> int:
        """What deleting this floor alone would free (walks it again when it came from the
        cache: link counts are only true now)."""
        return freed_by((self,))


def _walk(
    root: str, memo: Memo, only: frozenset[str] | None = None
) -> tuple[int, dict[int, int], Known, int]:
    """(bytes of single-link inodes, {ino: links seen} of multi-link ones, what is known of
    those, dev) under ``root``.

    Folders are opened by descriptor and their entries stat'ed relative to it (no path is
    resolved again per file); a file whose inode this run already knows is not stat'ed again
    (uv and ``cp -al`` floors share most of theirs). Unreadable folders and entries that vanish
    while walking are skipped: one odd folder must not hide the floor's size."""
    try:
        top = os.lstat(root)
    except OSError:
        return 0, {}, {}, 0
    dev = top.st_dev
    known = memo.setdefault(dev, {})
    # With ``only``, just those entries at the top (the folder itself stays, uncounted).
    single = top.st_blocks * _BLOCK if only is None else 0
    linked: list[int] = []  # each link met to a multi-link inode, counted at the end (in C)
    add = linked.append
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        folder = pop()
        try:
            fd = os.open(folder, _DIR_FLAGS)
        except OSError:
            continue
        prefix = folder + os.sep
        try:
            with os.scandir(fd) as it:
                entries: Iterable[os.DirEntry[str]] = it
                if only is not None and folder == root:
                    entries = [e for e in it if e.name in only]
                # Few statements per entry: a floor holds thousands of files, and those of a
                # hard-linked floor all have inodes this run already knows (no stat at all).
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            st = entry.stat(follow_symlinks=False)
                            if st.st_dev == dev:  # a mount point is another file system's
                                single += st.st_blocks * _BLOCK
                                push(prefix + entry.name)
                            continue
                        ino = entry.inode()
                        if ino not in known:
                            st = entry.stat(follow_symlinks=False)
                            if st.st_nlink < 2:
                                single += st.st_blocks * _BLOCK
                                continue
                            known[ino] = (st.st_blocks * _BLOCK, st.st_nlink)
                        add(ino)
                    except OSError:
                        continue
        except OSError:
            pass
        finally:
            os.close(fd)
    from collections import Counter  # the links to each inode, counted in C

    return single, dict(Counter(linked)), known, dev


def measure(
    path: str,
    memo: Memo | None = None,
    *,
    only: Iterable[str] | None = None,
    stamped: list[int] | None = None,
) -> FloorSize:
    """Walk one floor folder (its real path) now; with ``only``, just those names at its top
    (what a delete removes from a folder that also holds other things). ``stamped``: its stamp,
    when the caller has just taken it."""
    from array import array
    from operator import itemgetter

    real = os.path.realpath(path)
    names = frozenset(only) if only is not None else None
    single, counts, known, dev = _walk(real, {} if memo is None else memo, names)
    # Built by C loops (map, itemgetter): a floor may share hundreds of thousands of inodes.
    facts = list(map(known.__getitem__, counts))
    sizes = array("q", map(itemgetter(0), facts))
    shared = Shared(
        dev,
        array("q", counts),
        sizes,
        seen=array("q", counts.values()),
        nlinks=array("q", map(itemgetter(1), facts)),
    )
    key = stamped if stamped is not None else stamp(real)
    return FloorSize(real, single + sum(sizes), stamp=tuple(key), shared=shared)


def _loaded(floor: FloorSize) -> Shared:
    """``floor.shared``, read from its cache file when needed (walked again if that is gone)."""
    if floor.shared is not None:
        return floor.shared
    if floor.blob:
        from array import array

        from venv_tui.errors import BadInput

        try:
            flat = array("q")
            flat.frombytes(files.read_bytes(floor.blob, files.LIMIT_SOURCE))
            n = (len(flat) - 1) // 2
            if len(flat) == 2 * n + 1:
                return Shared(flat[0], flat[1 : 1 + n], flat[1 + n :])
        except (BadInput, ValueError):
            pass
    return _loaded(measure(floor.path))


def total_size(floors: Iterable[FloorSize]) -> int:
    """The bytes under all ``floors`` together, an inode shared between them counted once."""
    total = 0
    by_dev: dict[int, dict[int, int]] = {}
    for floor in floors:
        shared = _loaded(floor)
        total += floor.size - sum(shared.sizes)
        by_dev.setdefault(shared.dev, {}).update(zip(shared.inos, shared.sizes, strict=True))
    return total + sum(sum(d.values()) for d in by_dev.values())


def freed_by(floors: Iterable[FloorSize]) -> int:
    """What deleting all ``floors`` would free: every single-link inode, and each shared inode
    whose every link lies inside them (st_nlink, as it is now, against the links seen inside).
    Floors read from the cache are walked again: their link counts may have changed."""
    freed = 0
    memo: Memo = {}
    links: dict[tuple[int, int], list[int]] = {}
    for floor in floors:
        fresh = floor if floor.shared is not None and not floor.cached else measure(floor.path, memo)
        shared = fresh.shared
        assert shared is not None
        freed += fresh.size - sum(shared.sizes)
        for ino, size, seen, nlink in zip(shared.inos, shared.sizes, shared.seen, shared.nlinks, strict=True):
            entry = links.get((shared.dev, ino))
            if entry is None:
                links[(shared.dev, ino)] = [size, nlink, seen]
            else:
                entry[2] += seen
    return freed + sum(size for size, nlink, seen in links.values() if seen >= nlink)


# -- the cache --------------------------------------------------------------------------------


def stamp(real: str, site_dirs: Sequence[str] | None = None) -> list[int]:
    """The modification times (ns) of the floor's folder, its bin folder (else Scripts), its lib
    folder and its site folders; -1 for one that is missing. Equal stamps: the cached size still
    holds (installing or removing anything changes one; lib's own tells a pythonX.Y folder
    added or removed). ``site_dirs``: the floor's own site folders when the caller has just
    inspected it (then nothing is listed again), else found from the layout (the same folders,
    but for a venv upgraded in place, which keeps its old ones)."""
    sep = os.sep
    out = [_mtime(real)]
    bin_time = _mtime(real + sep + "bin")
    out.append(bin_time)
    if bin_time < 0:  # a floor made on Windows
        out.append(_mtime(real + sep + "Scripts"))
    out.append(_mtime(real + sep + "lib"))
    if site_dirs is None:
        out.extend(_site_times(real))
    else:
        out.extend(map(_mtime, site_dirs))
    return out


def _site_times(real: str) -> list[int]:
    """The modification times of a floor's site folders, found as the inspection finds them."""
    from venv_tui.services.layout import venv_site_dirs

    return [_mtime(folder) for _, folder in venv_site_dirs(real)]


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except (OSError, ValueError):
        return -1


def _cache_dir(environ: Mapping[str, str] | None) -> str:
    from venv_tui.config import cache_dir

    return cache_dir(environ)


def _load(path: str) -> dict[str, Any]:
    """The cache index; an unreadable or foreign one is simply empty (it is only a cache)."""
    import marshal

    from venv_tui.errors import BadInput

    try:
        data = marshal.loads(files.read_bytes(path, files.LIMIT_CONFIG))
    except (ValueError, EOFError, TypeError, OSError, BadInput):
        return {}
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
        return {}
    return data


def _dump(data: dict[str, Any]) -> bytes:
    import marshal

    return marshal.dumps(data)


def _entry(value: object, key: list[int], folder: str) -> tuple[int, str | None] | None:
    """(size, blob path) of a cache entry whose stamp is ``key``, else None."""
    if not isinstance(value, tuple) or len(value) != 3 or value[0] != key:
        return None
    size, blob = value[1], value[2]
    if not isinstance(size, int):
        return None
    if blob is not None and not (isinstance(blob, str) and blob.isalnum()):
        return None
    return size, (folder + os.sep + blob + ".bin") if blob else None


def _blob_name(real: str) -> str:
    import hashlib

    return hashlib.sha1(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]


# The index read by the last floor_sizes of this process, for cached_total right after it:
# (path, its modification time, its data).
_last_index: tuple[str, int, dict[str, Any]] | None = None


def _index(path: str, *, fresh: bool = False) -> dict[str, Any]:
    global _last_index
    last = _last_index
    if not fresh and last is not None and last[0] == path and last[1] == _mtime(path) >= 0:
        return last[2]
    data = _load(path)
    _last_index = (path, _mtime(path), data)
    return data


def _save(path: str, data: dict[str, Any]) -> None:
    global _last_index
    files.write_quietly(path, _dump(data))
    _last_index = None
    try:  # the index of earlier versions (JSON) is only a cache: it goes
        os.unlink(os.path.join(os.path.dirname(path), "sizes.json"))
    except OSError:
        pass


def floor_sizes(
    paths: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    use_cache: bool = True,
    site_dirs: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, FloorSize]:
    """The size of each floor folder in ``paths`` (keyed by the path as given), from the cache
    when its stamps still hold, else walked (and the cache updated). ``site_dirs``: each floor's
    own site folders (by path) when an inspection has just found them."""
    from venv_tui.services.layout import real_path

    folder = _cache_dir(environ)
    index_path = os.path.join(folder, CACHE_NAME)
    blobs = os.path.join(folder, "sizes")
    index = _index(index_path, fresh=True) if use_cache else {}
    cached = index.get("floors")
    cached = cached if isinstance(cached, dict) else {}
    result: dict[str, FloorSize] = {}
    memo: Memo = {}
    parents: dict[str, str] = {}
    changed = False
    for path in paths:
        real = real_path(path, parents)
        key = stamp(real, None if site_dirs is None else site_dirs.get(path))
        hit = _entry(cached.get(real), key, blobs)
        if hit is not None:
            size, blob = hit
            empty = None if blob else Shared(0, (), ())
            result[path] = FloorSize(real, size, tuple(key), empty, blob, cached=True)
            continue
        measured = measure(real, memo, stamped=key)
        result[path] = measured
        if not use_cache:
            continue
        shared = measured.shared
        name = _blob_name(real) if shared is not None and shared.inos else None
        if name is not None and shared is not None:
            from array import array

            flat = array("q", [shared.dev])
            flat.extend(shared.inos)
            flat.extend(shared.sizes)
            files.write_quietly(os.path.join(blobs, name + ".bin"), flat.tobytes())
        cached[real] = (key, measured.size, name)
        changed = True
    if changed:
        # Entries of floors that are gone would only grow the cache.
        gone = [p for p in cached if not os.path.isdir(p)]
        for p in gone:
            entry = cached.pop(p)
            blob = entry[2] if isinstance(entry, tuple) and len(entry) == 3 else None
            if isinstance(blob, str) and blob.isalnum():
                try:
                    os.unlink(os.path.join(blobs, blob + ".bin"))
                except OSError:
                    pass
        _save(index_path, {"version": _CACHE_VERSION, "floors": cached, "totals": {}})
    return result


def _set_key(floors: Sequence[FloorSize]) -> str:
    """A digest of the set of floors and their stamps (:func:`files.digest`: no hash module to
    load, which would cost a warm ``envs --sizes`` more than the digest)."""
    text = "".join(
        f"{floor.path}\0{floor.stamp}\0" for floor in sorted(floors, key=lambda f: f.path)
    ).encode("utf-8", "surrogateescape")
    return files.digest(text)


def cached_total(floors: Sequence[FloorSize], *, environ: Mapping[str, str] | None = None) -> int:
    """:func:`total_size`, remembered in the cache for this set of floors as they are now (a
    warm ``envs --sizes`` then reads no inode lists at all)."""
    key = _set_key(floors)
    index_path = os.path.join(_cache_dir(environ), CACHE_NAME)
    index = _index(index_path)
    totals = index.get("totals")
    if isinstance(totals, dict) and isinstance(totals.get(key), int):
        return int(totals[key])
    total = total_size(floors)
    if index:
        kept = dict(list(totals.items())[-(_TOTALS_KEPT - 1) :]) if isinstance(totals, dict) else {}
        kept[key] = total
        _save(index_path, {**index, "totals": kept})
    return total


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
