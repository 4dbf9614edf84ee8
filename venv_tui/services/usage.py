"""When a floor was last used, from access times, by ``stat`` alone.

Python reads certain files every time a floor runs and venv-tui never opens them: the compiled
``__pycache__/*.pyc`` of the packages it imports, the console scripts in ``bin`` and, in a floor
made with ``--copies``, the interpreter file itself. Their newest access time is when the floor
was last used. Only ``stat`` is called on them: opening one would make every scan look like a use.

What it can know depends on the mount: under ``relatime`` (Linux's default) an access time moves
at most once a day unless the file changed, so the answer is right to about a day; under
``noatime`` it never moves, and the answer is when the files were written (the install).
Symbolic links (the usual ``bin/python``) carry no use of their own and are skipped.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Iterable

# Scripts venv and virtualenv write, which are sourced or read rather than run by Python.
_NOT_SCRIPTS = ("activate", "Activate", "deactivate")


def _newest_pyc(folder: str) -> float:
    newest = 0.0
    try:
        entries = os.scandir(folder)
    except OSError:
        return newest
    with entries:
        for entry in entries:
            if entry.name.endswith(".pyc"):
                try:
                    newest = max(newest, entry.stat(follow_symlinks=False).st_atime)
                except OSError:
                    continue
    return newest


_TAGS: dict[str, str | None] = {}  # a lib folder's name -> its cache tag (few distinct ones)


def _cache_tag(site: str) -> str | None:
    """``cpython-311`` for ``lib/python3.11/site-packages``, ``pypy310`` for pypy3.10."""
    end = site.rfind(os.sep)
    name = site[site.rfind(os.sep, 0, end) + 1 : end] if end > 0 else ""
    tag = _TAGS.get(name, "")
    if tag == "":
        tag = _TAGS[name] = _tag_of(name.lower())
    return tag


def _tag_of(name: str) -> str | None:
    for prefix, tag in (("python", "cpython-"), ("pypy", "pypy")):
        if name.startswith(prefix):
            digits = name[len(prefix) :].rstrip("t").replace(".", "")
            return tag + digits if digits.isdigit() else None
    return None


def _site_newest(site: str) -> float:
    """The newest access of a top-level module's or package's compiled file: importing a
    package reads its ``__pycache__/__init__.TAG.pyc`` every time (deeper modules are not
    needed to tell that the package was used, and would cost a full walk)."""
    newest = 0.0
    tag = _cache_tag(site)
    try:
        entries = os.scandir(site)
    except OSError:
        return newest
    init = f"{os.sep}__pycache__{os.sep}__init__.{tag}.pyc"
    with entries:
        # One pass, few statements per entry: a floor's site folder holds hundreds of them.
        for entry in entries:
            name = entry.name
            if name.endswith((".dist-info", ".egg-info", "__pycache__")):
                if name == "__pycache__":  # the site folder's own: top-level modules' files
                    newest = max(newest, _newest_pyc(entry.path))
                continue  # .dist-info, .egg-info: metadata, never imported
            try:
                if not entry.is_dir(follow_symlinks=False):
                    continue
                if tag is None:
                    newest = max(newest, _newest_pyc(entry.path + os.sep + "__pycache__"))
                    continue
                used = os.stat(entry.path + init).st_atime
            except OSError:
                continue  # a namespace package, or never imported
            if used > newest:
                newest = used
    return newest


def site_folders(floor: str) -> list[str]:
    """A venv's own site-packages folders, from the layout alone."""
    found = []
    for top in ("lib", "lib64"):
        lib = os.path.join(floor, top)
        if top == "lib64" and os.path.islink(lib):
            continue  # venv's lib64 -> lib
        try:
            names = sorted(os.listdir(lib))
        except OSError:
            continue
        for name in names:
            if name.startswith(("python", "pypy")):
                site = os.path.join(lib, name, "site-packages")
                if os.path.isdir(site) and site not in found:
                    found.append(site)
    windows = os.path.join(floor, "Lib", "site-packages")
    if os.path.isdir(windows):
        found.append(windows)
    return found


def _bin_newest(bin_dir: str) -> float:
    """The newest access of a regular executable in ``bin_dir``; -1 when it cannot be listed."""
    newest = 0.0
    try:
        entries = os.scandir(bin_dir)
    except OSError:
        return -1.0
    with entries:
        for entry in entries:
            # Links (the usual bin/python) carry no use of their own: told by the listing.
            if entry.is_symlink() or entry.name.startswith(_NOT_SCRIPTS):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            # A regular executable file: a console script or a copied interpreter.
            if st.st_atime > newest and st.st_mode & 0o111 and stat.S_ISREG(st.st_mode):
                newest = st.st_atime
    return newest


def last_used(floor: str, site_dirs: Iterable[str] | None = None) -> float | None:
    """The newest access time (seconds since the epoch) of what runs when ``floor`` is used,
    or None when there is nothing to tell from. ``site_dirs`` default to the venv's own."""
    if site_dirs is None:
        site_dirs = site_folders(floor)
    newest = _bin_newest(floor + os.sep + "bin")
    if newest < 0:  # no bin: a floor made on Windows
        newest = max(_bin_newest(floor + os.sep + "Scripts"), 0.0)
    for site in site_dirs:
        used = _site_newest(site)
        if used > newest:
            newest = used
    return newest if newest > 0 else None


def iso(timestamp: float | None) -> str | None:
    """ISO 8601 in UTC, to the second (``2026-11-25T19:17:08+00:00``), or None."""
    if timestamp is None:
        return None
    import time  # not datetime: its import would cost every ``envs`` run more than this

    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(timestamp))
