"""Every on-disk fact about an interpreter or a virtual environment, computed here and only here.

Where a venv keeps its python (``bin/python``, ``Scripts/python.exe``), which executable belongs
to which venv, what an interpreter's file is called (``python3.12``, not ``python3-config``),
which site folders a prefix has (``lib/python3.12/site-packages``, Debian's ``dist-packages``),
and what version the files say (``patchlevel.h``, ``lib/pythonX.Y``, a pyenv or uv folder name).
Nothing here runs a process; every file is read through :mod:`venv_tui.files`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

PYVENV_CFG = "pyvenv.cfg"
WINDOWS = os.name == "nt"

# python, python3, python3.12, python3.13t, python2.7, pypy3, pypy3.10, graalpy (".exe"
# elsewhere). Leaves out python3-config, python3.12-gdb.py and python3.6m (a hard link to
# python3.6 on old versions, which would list one interpreter twice).
_INTERPRETER_NAME = re.compile(r"^(python|pypy|graalpy)(\d+(\.\d+)?t?)?(\.exe)?$", re.IGNORECASE)
_SHORT_IN_NAME = re.compile(r"(\d+\.\d+)t?(?:\.exe)?$", re.IGNORECASE)
# "python3.12", "python3.13t", "pypy3.10" folders under lib/.
_LIB_VERSION_DIR = re.compile(r"^(?:python|pypy)(\d+\.\d+)t?$", re.IGNORECASE)
_FULL_VERSION = re.compile(r"(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)")
_PATCHLEVEL = re.compile(rb'#define\s+PY_VERSION\s+"([^"]+)"')
# The names a venv's own python may have, the usual one first (some creators make only python3).
_VENV_PYTHON_NAMES = ("python", "python3", "pypy3", "pypy", "python.exe", "pypy3.exe")


# -- a venv's folders ---------------------------------------------------------------------------


def bin_dir(prefix: str) -> str:
    """The folder of a venv's (or a prefix's) executables."""
    return os.path.join(prefix, "Scripts" if WINDOWS else "bin")


def venv_python(env: str) -> str:
    """Where a venv's own python should be, whether or not it is there."""
    return os.path.join(bin_dir(env), "python.exe" if WINDOWS else "python")


def find_venv_python(env: str) -> str | None:
    """The venv's python as it is on disk (a dangling link counts), also when only ``python3``
    was made; None when there is none."""
    folder = bin_dir(env)
    for name in _VENV_PYTHON_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.lexists(candidate):
            return candidate
    return None


def is_environment(folder: str) -> bool:
    """A folder is a virtual environment when ``pyvenv.cfg`` stands at its top (a folder in its
    place counts too: such a floor is listed as broken rather than hidden)."""
    try:
        return os.path.lexists(os.path.join(folder, PYVENV_CFG))
    except ValueError:  # a NUL byte in the path
        return False


def venv_of_executable(path: str) -> str | None:
    """The venv folder when ``path`` is an executable in a venv's ``bin``/``Scripts``."""
    folder = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    return folder if os.path.isfile(os.path.join(folder, PYVENV_CFG)) else None


def venv_site_dirs(env: str) -> list[tuple[str, str]]:
    """(version "3.12" or "", folder) for every site-packages folder of a venv: ``lib`` first,
    then ``lib64`` and friends (venv makes ``lib64`` a link to ``lib``), then Windows's ``Lib``."""
    found: list[tuple[str, str]] = []
    try:
        with os.scandir(env) as it:
            tops = sorted(
                (e.name for e in it if e.name.lower().startswith("lib")),
                key=lambda n: (n != "lib", n),
            )
    except OSError:
        return found
    for top in tops:
        lib = os.path.join(env, top)
        direct = os.path.join(lib, "site-packages")
        if os.path.isdir(direct):  # Windows: Lib/site-packages
            found.append(("", direct))
        try:
            with os.scandir(lib) as it:
                subs = sorted(e.name for e in it if _LIB_VERSION_DIR.match(e.name))
        except OSError:
            continue
        for sub in subs:
            candidate = os.path.join(lib, sub, "site-packages")
            if os.path.isdir(candidate):
                match = _LIB_VERSION_DIR.match(sub)
                found.append((match.group(1) if match else "", candidate))
    return found


def expected_venv_site(env: str, short: str | None) -> str:
    """The site-packages folder a venv of Python ``short`` should have."""
    if WINDOWS:
        return os.path.join(env, "Lib", "site-packages")
    return os.path.join(env, "lib", f"python{short or '3'}", "site-packages")


def base_in_home(home: str, short: str | None) -> str | None:
    """The base executable in a ``pyvenv.cfg`` ``home`` folder, if one is there."""
    names = [f"python{short}"] if short else []
    names += ["python3", "python", "pypy3", "pypy", "python.exe", "pypy3.exe"]
    for name in names:
        candidate = os.path.join(home, name)
        if os.path.isfile(candidate):
            return candidate
    return None


# -- names ----------------------------------------------------------------------------------


def is_interpreter_name(name: str) -> bool:
    """``python3.12`` yes, ``python3-config`` no."""
    return bool(_INTERPRETER_NAME.match(name))


def version_from_name(name: str) -> str | None:
    """The short version in a file name: "3.12" for ``python3.12``, None for ``python3``."""
    if not is_interpreter_name(name):
        return None
    match = _SHORT_IN_NAME.search(name)
    return match.group(1) if match else None


def version_from_folder(folder_name: str) -> str | None:
    """The version in a pyenv (``3.12.1``) or uv (``cpython-3.12.1-linux-x86_64-gnu``) folder."""
    match = _FULL_VERSION.search(folder_name)
    return match.group(1) if match else None


def implementation_from_names(names: Iterable[str]) -> str:
    """The implementation ("pypy", "graalpy" or "cpython"), guessed from file and folder names."""
    text = " ".join(names).lower()
    if "pypy" in text:
        return "pypy"
    if "graalpy" in text or "graalpython" in text:
        return "graalpy"
    return "cpython"


def looks_like_interpreter(path: str) -> bool:
    """An executable file named like an interpreter (by its name or its real file's name)."""
    try:
        if not os.path.isfile(path) or not os.access(path, os.X_OK):
            return False
    except ValueError:
        return False
    names = (os.path.basename(path), os.path.basename(os.path.realpath(path)))
    return any(is_interpreter_name(n) for n in names)


def short_version(version: str | None) -> str | None:
    """ "3.12" from "3.12.1"; None when there is no minor part."""
    if not version:
        return None
    parts = version.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


# -- a base installation ------------------------------------------------------------------------


def prefix_of(executable: str) -> str:
    """The installation prefix: the folder holding ``bin/`` (or, on Windows, the executable).
    Python computes its prefix from the executable's real path, so links are followed."""
    folder = os.path.dirname(os.path.realpath(executable))
    if os.path.isdir(os.path.join(folder, "Lib")) and not os.path.isdir(
        os.path.join(folder, "lib")
    ):
        return folder  # Windows layout: python.exe next to Lib/
    return os.path.dirname(folder)


def lib_versions(prefix: str) -> list[str]:
    """The short versions of the ``lib/pythonX.Y`` folders of a prefix (or a venv), sorted."""
    try:
        with os.scandir(os.path.join(prefix, "lib")) as it:
            names = [e.name for e in it]
    except OSError:
        return []
    found = {m.group(1) for m in map(_LIB_VERSION_DIR.match, names) if m}
    return sorted(found, key=_numeric)


def patchlevel_version(prefix: str, short: str) -> str | None:
    """ "3.12.1" from the C headers a CPython prefix ships (``include/python3.12/patchlevel.h``)."""
    from venv_tui.files import Unreadable, read_head

    for suffix in ("", "t", "m"):
        path = os.path.join(prefix, "include", f"python{short}{suffix}", "patchlevel.h")
        try:
            data, _ = read_head(path, 64 * 1024)
        except Unreadable:
            continue
        match = _PATCHLEVEL.search(data)
        if match:
            return match.group(1).decode("ascii", "replace").rstrip("+")
    return None


def version_from_files(paths: Sequence[str]) -> str | None:
    """An interpreter's version from its names and the files around it; no process.

    ``paths`` are the names it was found under, the real path first.
    """
    short = None
    for path in paths:
        short = version_from_name(os.path.basename(path))
        if short:
            break
    prefixes = list(dict.fromkeys(os.path.dirname(os.path.dirname(p)) for p in paths))
    if short is None:
        for prefix in prefixes:
            found = lib_versions(prefix)
            if len(found) == 1:
                short = found[0]
                break
    if short:
        for prefix in prefixes:
            full = patchlevel_version(prefix, short)
            if full and full.startswith(short + "."):
                return full
    for prefix in prefixes:
        folder = version_from_folder(os.path.basename(prefix))
        if folder and (short is None or folder.startswith(short + ".")):
            return folder
    return short


def interpreter_version(executable: str) -> str | None:
    """The version of a base interpreter from the disk alone (names, headers, folders)."""
    real = os.path.realpath(executable)
    return version_from_files([real, executable] if real != executable else [real])


def prefix_site_dirs(prefix: str, short: str | None, implementation: str) -> tuple[str, ...]:
    """The existing site folders of a base installation at ``prefix``, in sys.path order."""
    candidates: list[str] = []
    if short:
        if prefix == "/usr":
            # Debian and Ubuntu: pip installs to /usr/local, the distribution to /usr/lib.
            candidates += [
                f"/usr/local/lib/python{short}/dist-packages",
                "/usr/lib/python3/dist-packages",
                f"/usr/lib/python{short}/dist-packages",
            ]
        stem = "pypy" if implementation == "pypy" else "python"
        for lib in ("lib", "lib64"):
            candidates.append(os.path.join(prefix, lib, f"{stem}{short}", "site-packages"))
    candidates.append(os.path.join(prefix, "Lib", "site-packages"))
    if implementation == "pypy":
        candidates.append(os.path.join(prefix, "site-packages"))  # PyPy before 3.8
    return dedupe_real(c for c in candidates if os.path.isdir(c))


def dedupe_real(paths: Iterable[str]) -> tuple[str, ...]:
    """Keep the first of paths that are one folder on disk (``lib64 -> lib``)."""
    seen: set[str] = set()
    kept: list[str] = []
    for p in paths:
        real = os.path.realpath(p)
        if real in seen:
            continue
        seen.add(real)
        kept.append(p)
    return tuple(kept)


def _numeric(short: str) -> tuple[int, ...]:
    return tuple(int(p) for p in short.split(".") if p.isdigit())
