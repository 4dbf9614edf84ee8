"""What earlier reads found in each ``*.dist-info`` folder of a site folder, kept in the cache
folder so that a floor of thousands of packages is not read file by file on every run.

Reading a dist-info folder costs a handful of system calls (METADATA, INSTALLER, REQUESTED,
``direct_url.json``); checking that nothing changed costs two ``stat`` calls: the folder's and
its METADATA's. An entry is used only while both stamps (inode and change time, ``st_ctime``,
which no tool can set back, unlike ``st_mtime``; on Windows, where ``st_ctime`` is the creation
time, ``st_mtime``) are what they were:

- installing, upgrading, reinstalling or uninstalling makes or removes the folder, and adding or
  removing a file in it (REQUESTED, direct_url.json, INSTALLER) changes the folder's stamp;
- METADATA rewritten in place or replaced changes its own stamp.

Only a file other than METADATA rewritten in place, keeping its name (no installer does this),
would go unseen. An entry changed within the last two seconds is not kept: a file system's clock
is coarse, and a second change in the same tick would keep the stamp (git's "racy" rule).
Entries that read with a problem are never kept, so their sentences are always fresh.

The cache is ``marshal`` data, one file per site folder: loaded without importing ``json``, and
an unreadable, foreign or damaged file is simply an empty cache. Writing it is never an error.
"""

from __future__ import annotations

import os

from venv_tui import files
from venv_tui.model import Distribution
from venv_tui.services import packages
from venv_tui.services.metadata import ALL_FIELDS, CHECK_FIELDS, LISTING_FIELDS, Fields

_SEP = os.sep
# What an entry holds, as a bit mask: a read for less reuses an entry that holds more.
NAMES = 1  # Name and Version
REQUIRES = 2  # Requires-Dist
MORE = 4  # Summary, Requires-Python
DETAILS = 8  # INSTALLER, REQUESTED, direct_url.json

_VERSION = 1
RACY_NS = 2_000_000_000  # entries changed this recently are read but not kept
_LIMIT = 256 * 1024 * 1024  # a cache file larger than this is not ours

# An entry: (dir ino, dir ctime_ns, METADATA ino, METADATA ctime_ns, mask, name, version,
# summary, requires, requires_python, installer, requested, editable_location).
Entry = tuple
_WIDTH = 13

Stamp = tuple[int, int, int, int]
# On Windows st_ctime is the creation time: there the modification time has to tell changes.
_CTIME_IS_CHANGE = os.name != "nt"


class DistCache:
    """The kept readings of one site folder, for one kind of read (``keys``, ``details``):
    :meth:`read` each dist-info folder through them, then :meth:`close` (which saves, only when
    something changed)."""

    def __init__(self, folder: str, cache_root: str, keys: Fields, details: bool, now_ns: int) -> None:
        self.folder = folder
        self.path = cache_path(cache_root, folder)
        self.entries: dict[str, Entry] = _load(self.path, folder)
        self.need = mask_of(keys, details)
        self.now_ns = now_ns
        self.seen: set[str] = set()
        self.changed = False
        self.dfd = _open_folder(folder)  # stats relative to it skip the lookup of its path

    def read(self, entry: packages.Entry, inherited: bool, problems: list[str]) -> Distribution | None:
        """The distribution of a dist-info folder: its kept reading while the stamps of the
        folder and its METADATA hold (two ``stat`` calls), else read (by
        ``packages.read_entry``) and kept. What is returned depends only on what was asked,
        never on what the cache happened to hold; a folder that cannot be read is one sentence
        in ``problems``."""
        name, path = entry.file_name, entry.path
        try:
            if self.dfd is None:
                d = os.stat(path)
                m = os.stat(path + _SEP + "METADATA")
            else:
                d = os.stat(name, dir_fd=self.dfd)
                m = os.stat(name + "/METADATA", dir_fd=self.dfd)
            if _CTIME_IS_CHANGE:
                stamp: Stamp | None = (d.st_ino, d.st_ctime_ns, m.st_ino, m.st_ctime_ns)
            else:
                stamp = (d.st_ino, d.st_mtime_ns, m.st_ino, m.st_mtime_ns)
        except (OSError, ValueError):
            stamp = None  # read as usual: the reader words what is wrong
        self.seen.add(name)
        need = self.need
        kept = self.entries.get(name)
        if kept is not None and kept[:4] == stamp:
            if kept[4] & need == need:
                return _distribution(kept, need, path, self.folder, inherited, None)
            need |= kept[4]  # read what it held too: the entry keeps serving both kinds of read
        return self._read_and_keep(entry, inherited, problems, stamp, need)

    def close(self) -> None:
        """Save what changed (entries of folders that are gone are dropped)."""
        if self.dfd is not None:
            os.close(self.dfd)
            self.dfd = None
        gone = [name for name in self.entries if name not in self.seen]
        for name in gone:
            del self.entries[name]
        if self.changed or gone:
            import marshal

            files.write_quietly(self.path, marshal.dumps((_VERSION, self.folder, self.entries)))

    def _read_and_keep(
        self, entry: packages.Entry, inherited: bool, problems: list[str], stamp: Stamp | None, mask: int
    ) -> Distribution | None:
        name, path = entry.file_name, entry.path
        details = bool(mask & DETAILS)
        dist = packages.read_entry(entry, self.folder, inherited, problems, details, keys_of(mask))
        if dist is None:
            self._forget(name)
            return None
        row = (
            *(stamp or (0, 0, 0, 0)),
            mask,
            dist.name,
            dist.version,
            dist.summary,
            dist.requires,
            dist.requires_python,
            dist.installer,
            dist.requested,
            dist.editable_location,
        )
        racy = stamp is None or stamp[1] > self.now_ns - RACY_NS or stamp[3] > self.now_ns - RACY_NS
        if racy or dist.problem is not None:
            self._forget(name)  # a problem is read afresh every time: its sentence too
        else:
            self.entries[name] = row
            self.changed = True
        if mask == self.need:
            return dist
        return _distribution(row, self.need, path, self.folder, inherited, dist.problem)

    def _forget(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.changed = True


def cache_path(cache_root: str, folder: str) -> str:
    """Where the readings of the site folder ``folder`` are kept."""
    return os.path.join(cache_root, "installed", _file_name(folder))


def kept(cache_root: str, folder: str) -> dict[str, Entry]:
    """What is kept for ``folder``: dist-info folder name -> entry (empty when nothing is)."""
    return _load(cache_path(cache_root, folder), folder)


def forget(cache_root: str, folders: list[str]) -> None:
    """Remove what is kept for each of ``folders`` (site folders that are gone)."""
    for folder in folders:
        try:
            os.unlink(cache_path(cache_root, folder))
        except OSError:
            pass  # nothing kept, or already gone: the same


def mask_of(keys: Fields, details: bool) -> int:
    """The mask of what a read with ``keys`` and ``details`` holds."""
    mask = NAMES | (DETAILS if details else 0)
    for _, key in keys:
        if key == "requires-dist":
            mask |= REQUIRES
        elif key in ("summary", "requires-python"):
            mask |= MORE
    return mask


def keys_of(mask: int) -> Fields:
    """The METADATA fields a read for ``mask`` parses (the shared tuples where they fit)."""
    if mask & MORE:
        return ALL_FIELDS if mask & REQUIRES else ALL_FIELDS[:3] + ALL_FIELDS[4:]
    return CHECK_FIELDS if mask & REQUIRES else LISTING_FIELDS


def _distribution(
    e: Entry, need: int, path: str, folder: str, inherited: bool, problem: str | None
) -> Distribution:
    """A dist-info folder's Distribution from an entry (stamp, mask, values), holding only what
    ``need`` asks for: the rest as a read for less leaves it."""
    if need & DETAILS:
        installer, requested, editable_location = e[10], e[11], e[12]
    else:
        installer, requested, editable_location = None, False, None
    if need & MORE:
        summary, requires_python = e[7], e[9]
    else:
        summary, requires_python = "", None
    # Positional, in the model's field order (the type checker holds it to the model): a
    # large floor makes thousands of these.
    return Distribution(
        e[5],  # name
        e[6],  # version
        folder,  # location
        path,  # metadata_path
        editable_location is not None,  # editable
        editable_location,
        requested,
        inherited,
        summary,
        e[8] if need & REQUIRES else (),  # requires
        requires_python,
        installer,
        "dist-info",
        problem,
    )


def _open_folder(folder: str) -> int | None:
    if os.stat not in os.supports_dir_fd:
        return None
    try:
        return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None


def _file_name(folder: str) -> str:
    """A short name for the cache file of ``folder``; the folder is stored inside and checked,
    so two folders with the same digest only miss each other's entries."""
    return files.digest(folder.encode("utf-8", "surrogateescape")) + ".marshal"


def _load(path: str, folder: str) -> dict[str, Entry]:
    import marshal

    try:
        data = marshal.loads(files.read_bytes(path, _LIMIT))
    except (ValueError, EOFError, TypeError, files.BadInput):
        return {}
    if (
        not isinstance(data, tuple)
        or len(data) != 3
        or data[0] != _VERSION
        or data[1] != folder
        or not isinstance(data[2], dict)
    ):
        return {}
    entries: dict[str, Entry] = data[2]
    for entry in entries.values():
        if type(entry) is not tuple or len(entry) != _WIDTH:
            return {}
    return entries
