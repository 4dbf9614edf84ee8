"""Walking a folder tree for environments, fast.

One ``os.scandir`` per folder: the listing tells at once whether the folder holds a
``pyvenv.cfg`` (then it is an environment: yield it, do not look inside) and which entries are
folders to descend into. Folders that never hold an environment of their own (``.git``,
``node_modules``, ``site-packages``...) are not entered; every folder is entered once, by its
device and inode, so symlink loops and two links to one place cost nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from venv_tui.services.pyvenv import PYVENV_CFG

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
# Kernel and device trees: endless or slow to read, never an environment.
_PRUNED_ABSOLUTE = frozenset({"/proc", "/sys", "/dev", "/run"})


def find_environment_folders(root: str, depth: int) -> Iterator[str]:
    """Environment folders at ``root`` or up to ``depth`` levels below it (root is level 0).

    Unreadable folders, vanished folders and files where a folder was expected are skipped
    silently: this is a search, not a check.
    """
    try:
        st = os.stat(root)
    except OSError:
        return
    seen = {(st.st_dev, st.st_ino)}
    stack = [(root, 0)]
    while stack:
        folder, level = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:  # PermissionError, NotADirectoryError, gone since it was listed
            continue
        subfolders: list[str] = []
        is_env = False
        for entry in entries:
            name = entry.name
            if name == PYVENV_CFG:
                try:
                    if entry.is_file():
                        is_env = True
                        break
                except OSError:
                    pass
                continue
            if level >= depth or name in PRUNED:
                continue
            try:
                if not entry.is_dir():
                    continue
                # Follows symlinks: a linked folder is entered once, whichever way it is reached.
                info = entry.stat()
            except OSError:
                continue
            key = (info.st_dev, info.st_ino)
            if key in seen:
                continue
            seen.add(key)
            if entry.path in _PRUNED_ABSOLUTE:
                continue
            subfolders.append(entry.path)
        if is_env:
            yield folder
            continue
        # Reverse so the stack pops them in name order: a stable, readable result order.
        for sub in sorted(subfolders, reverse=True):
            stack.append((sub, level + 1))
