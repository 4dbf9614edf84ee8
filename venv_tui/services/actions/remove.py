"""Removing a tree that never leaves its file system and never follows a link.

Every folder is opened relative to its parent's descriptor with ``O_NOFOLLOW`` and checked with
``fstat`` against the device it must be on, so a link or a mount swapped in while removing is
never entered; the walk keeps its own stack, so a tree of any depth is removed.
"""

from __future__ import annotations

import os
import re
import stat

from venv_tui.files import MIB, Unreadable, os_reason, read_bytes

DIR_FLAGS = (
    os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)


def mount_points() -> set[str]:
    """Every mount point the system lists (Linux ``/proc/self/mountinfo``); empty elsewhere, where
    the st_dev comparison alone keeps the walk on one file system."""
    try:
        data = read_bytes("/proc/self/mountinfo", 16 * MIB)
    except Unreadable:
        return set()
    points: set[str] = set()
    for line in data.decode("utf-8", "surrogateescape").splitlines():
        fields = line.split(" ")
        if len(fields) > 4:
            points.add(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4]))
    return points


def remove_entry(
    top: int, name: str, path: str, device: int, mounts: set[str], failures: list[str]
) -> None:
    """Remove ``name`` in the folder open as ``top``: a file or link unlinked, a folder emptied
    without recursion (a deep tree must not exhaust the stack), never leaving ``device``."""
    try:
        st = os.lstat(name, dir_fd=top)
    except FileNotFoundError:
        return
    except OSError as err:
        failures.append(f"{path} ({os_reason(err)})")
        return
    if not stat.S_ISDIR(st.st_mode):
        try:
            os.unlink(name, dir_fd=top)
        except OSError as err:
            failures.append(f"{path} ({os_reason(err)})")
        return
    # Each frame: the folder's fd, its parent's fd, its name, its path, what is left to visit.
    first = _open_dir(top, name, path, device, mounts, failures)
    if first is None:
        return
    stack: list[tuple[int, int, str, str, list[os.DirEntry[str]]]] = [
        (first, top, name, path, _listing(first, path, failures))
    ]
    while stack:
        fd, parent, dname, dpath, left = stack[-1]
        pushed = False
        while left:
            entry = left.pop()
            child = os.path.join(dpath, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                sub = _open_dir(fd, entry.name, child, device, mounts, failures)
                if sub is not None:
                    stack.append((sub, fd, entry.name, child, _listing(sub, child, failures)))
                    pushed = True
                    break
                continue
            try:
                os.unlink(entry.name, dir_fd=fd)
            except OSError as err:
                failures.append(f"{child} ({os_reason(err)})")
        if pushed:
            continue
        stack.pop()
        os.close(fd)
        try:
            os.rmdir(dname, dir_fd=parent)
        except OSError as err:
            if not failures:
                failures.append(f"{dpath} ({os_reason(err)})")


def _open_dir(
    parent: int, name: str, path: str, device: int, mounts: set[str], failures: list[str]
) -> int | None:
    if path in mounts:
        failures.append(f"{path} (a mount point; not entered)")
        return None
    try:
        fd = os.open(name, DIR_FLAGS, dir_fd=parent)
    except OSError as err:
        failures.append(f"{path} ({os_reason(err)})")
        return None
    if os.fstat(fd).st_dev != device:
        os.close(fd)
        failures.append(f"{path} (another file system; not entered)")
        return None
    return fd


def _listing(fd: int, path: str, failures: list[str]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(fd) as it:
            return list(it)
    except OSError as err:
        failures.append(f"{path} ({os_reason(err)})")
        return []
