"""Walking a folder tree for environments, fast.

One ``os.scandir`` per folder: the listing tells at once whether the folder holds a
``pyvenv.cfg`` (then it is an environment: yield it, do not look inside) and which entries are
folders to descend into. Folders that never hold an environment of their own (``.git``,
``node_modules``, ``site-packages``...) are not entered; every folder is entered once, by its
device and inode, so symlink loops and two links to one place cost nothing.
"""

from __future__ import annotations

import os

from venv_tui.services.layout import PYVENV_CFG, join_name

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# Big trees that hold no environment worth listing.
PRUNED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        "site-packages",
        "dist-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
Listing = list[tuple[str, bool]]  # a folder's entries: (name, is a symbolic link)

_is_link = os.DirEntry.is_symlink

# Kernel and device trees: endless or slow to read, never an environment.
_PRUNED_ABSOLUTE = frozenset({"/proc", "/sys", "/dev", "/run"})


def find_environment_folders(
    root: str, depth: int, *, on_unreadable: Callable[[str, str], None] | None = None
) -> Iterator[str]:
    """Environment folders at ``root`` or up to ``depth`` levels below it (root is level 0).

    A link to a folder already met is not entered again; when that folder is an environment the
    link is yielded too (the caller keeps it as an alias: a link never hides a floor). Vanished
    folders and files where a folder was expected are skipped; a folder that cannot be listed is
    passed to ``on_unreadable`` with the reason (a search of the user's own roots should say so).
    """
    for path, _, _ in walk_floors(root, depth, on_unreadable=on_unreadable):
        yield path


def walk_floors(
    root: str, depth: int, *, on_unreadable: Callable[[str, str], None] | None = None
) -> Iterator[tuple[str, str | None, Listing | None]]:
    """:func:`find_environment_folders`, each folder with its real path when the walk knows it
    (reached from the root's real path through no symbolic link), else None: the caller then
    resolves the few that came through a link, rather than every path component of every floor;
    and the floor's own listing, (name, is a link) per entry, when the walk made one (the
    inspection then does not list the folder again)."""
    try:
        st = os.stat(root)
        root_real: str | None = os.path.realpath(root)
    except (OSError, ValueError):
        return
    root_key = (st.st_dev, st.st_ino)
    seen = {root_key}
    floors: set[tuple[int, int]] = set()
    pending: dict[tuple[int, int], list[str]] = {}  # links met before the floor they point to
    stack: list[tuple[str, int, tuple[int, int], str | None]] = [(root, 0, root_key, root_real)]
    while stack:
        folder, level, key, real = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            if os.path.lexists(os.path.join(folder, PYVENV_CFG)):
                yield folder, real, None  # searchable but not listable: still a floor
            elif on_unreadable is not None:
                on_unreadable(folder, "permission denied")
            continue
        except OSError:  # NotADirectoryError, gone since it was listed
            continue
        subfolders: list[tuple[str, tuple[int, int], str | None]] = []
        # A floor is not entered: its own folders are never looked at (nor stat'ed).
        # (A folder or unreadable file named pyvenv.cfg counts too: a broken floor.)
        names = [entry.name for entry in entries]
        is_env = PYVENV_CFG in names
        real_prefix = "" if real is None else join_name(real, "")
        for entry in () if is_env or level >= depth else entries:
            name = entry.name
            if name in PRUNED:
                continue
            try:
                if not entry.is_dir():
                    continue
                # Follows symlinks: a linked folder is entered once, whichever way it is reached.
                info = entry.stat()
            except OSError:
                continue
            sub_key = (info.st_dev, info.st_ino)
            if sub_key in seen:
                if sub_key in floors:
                    yield entry.path, None, None
                else:
                    pending.setdefault(sub_key, []).append(entry.path)
                continue
            seen.add(sub_key)
            if entry.path in _PRUNED_ABSOLUTE:
                continue
            # The entry's type comes with the listing: telling a link costs no system call.
            sub_real = None if real is None or entry.is_symlink() else real_prefix + name
            subfolders.append((entry.path, sub_key, sub_real))
        if is_env:
            floors.add(key)
            # Whether each entry is a link comes with the listing (no system call).
            yield folder, real, list(zip(names, map(_is_link, entries), strict=True))
            for link in pending.pop(key, ()):
                yield link, None, None
            continue
        # Reverse so the stack pops them in name order: a stable, readable result order.
        for sub, sub_key, sub_real in sorted(subfolders, reverse=True):
            stack.append((sub, level + 1, sub_key, sub_real))
