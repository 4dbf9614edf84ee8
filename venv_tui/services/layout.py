"""Every on-disk fact about an interpreter or a virtual environment, computed here and only here.

Where a venv keeps its python (``bin/python``, ``Scripts/python.exe``), which executable belongs
to which venv, what an interpreter's file is called (``python3.12``, not ``python3-config``),
which site folders a prefix has (``lib/python3.12/site-packages``, Debian's ``dist-packages``),
and what version the files say (``patchlevel.h``, ``lib/pythonX.Y``, a pyenv or uv folder name).
Nothing here runs a process; every file is read through :mod:`venv_tui.files`.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

PYVENV_CFG = "pyvenv.cfg"
WINDOWS = os.name == "nt"

# The names below are read by hand rather than with regular expressions: ``re`` and its
# compiled patterns would cost every headless run its import (tests hold the patterns they match).
_INTERPRETER_STEMS = ("python", "pypy", "graalpy")
_SUFFIXES = ("a", "b", "rc")  # pre-releases in a version: 3.13.0rc1
_SPACE = b" \t\n\r\f\v"
# The names a venv's own python may have, the usual one first (some creators make only python3).
_VENV_PYTHON_NAMES = ("python", "python3", "pypy3", "pypy", "python.exe", "pypy3.exe")


# -- a venv's folders ---------------------------------------------------------------------------


def bin_dir(prefix: str) -> str:
    """The folder of a venv's (or a prefix's) executables."""
    return join_name(prefix, "Scripts" if WINDOWS else "bin")


def venv_python(env: str) -> str:
    """Where a venv's own python should be, whether or not it is there."""
    return os.path.join(bin_dir(env), "python.exe" if WINDOWS else "python")


def find_venv_python(env: str) -> str | None:
    """The venv's python as it is on disk (a dangling link counts), also when only ``python3``
    was made; None when there is none."""
    found = venv_python_entry(env)
    return found[0] if found is not None else None


def venv_python_entry(env: str) -> tuple[str, int] | None:
    """:func:`find_venv_python` with its ``lstat`` mode (a link or a file): asked once."""
    folder = bin_dir(env)
    for name in _VENV_PYTHON_NAMES:
        candidate = join_name(folder, name)
        try:
            return candidate, os.lstat(candidate).st_mode
        except OSError:
            continue
        except ValueError:  # a NUL byte in the path
            return None
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


def join_name(folder: str, name: str) -> str:
    """``os.path.join`` for one plain name: called many times per floor, kept cheap."""
    if not folder or folder.endswith(os.sep):
        return folder + name
    return folder + os.sep + name


def venv_site_dirs(env: str, listing: Sequence[tuple[str, bool]] | None = None) -> list[tuple[str, str]]:
    """(version "3.12" or "", folder) for every site-packages folder of a venv: ``lib`` first,
    then ``lib64`` and friends (venv makes ``lib64`` a link to ``lib``), then Windows's ``Lib``.
    ``listing``: the venv folder's (name, is a link) entries when a walk has just listed it."""
    found: list[tuple[str, str]] = []
    if listing is None:
        try:
            with os.scandir(env) as it:
                listing = [(e.name, e.is_symlink()) for e in it]
        except OSError:
            return found
    tops = [entry for entry in listing if entry[0][:3].lower() == "lib"]
    if len(tops) > 1:
        tops.sort(key=lambda t: (t[0] != "lib", t[0]))
    has_lib = bool(tops) and tops[0][0] == "lib"  # sorted first when it is there
    prefix, sep = join_name(env, ""), os.sep  # for every floor: paths made by concatenation
    for top, link in tops:
        lib = prefix + top
        if link and top != "lib" and has_lib and _links_to_lib(lib):
            continue  # venv's lib64 -> lib: the same folders again
        try:
            with os.scandir(lib) as it:
                # The listing says which entries are folders: no stat for each.
                entries = [(e.name, e.is_dir()) for e in it]
        except OSError:
            continue
        if ("site-packages", True) in entries:  # Windows: Lib/site-packages
            found.append(("", lib + sep + "site-packages"))
        for sub, version in sorted((name, v) for name, _ in entries if (v := lib_version_dir(name))):
            candidate = lib + sep + sub + sep + "site-packages"
            if os.path.isdir(candidate):
                found.append((version, candidate))
    return found


def _links_to_lib(folder: str) -> bool:
    try:
        return os.readlink(folder) in ("lib", "lib" + os.sep)
    except (OSError, ValueError):
        return False


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


def _digits(text: str) -> bool:
    return text.isdecimal()  # what a regular expression's \d matches in a str


def _name_version(name: str) -> str | None:
    """The version part of an interpreter's file name ("3.12" in ``python3.12t.exe``, "" in
    ``python``), None when the name is not an interpreter's: python, python3, python3.12,
    python3.13t, python2.7, pypy3, pypy3.10, graalpy (".exe" elsewhere). Leaves out
    python3-config, python3.12-gdb.py and python3.6m (a hard link to python3.6 on old versions,
    which would list one interpreter twice). Letters in any case."""
    low = name.lower()
    if len(low) != len(name):
        return None  # a letter whose lower case is longer is none of these names
    for stem in _INTERPRETER_STEMS:
        if low.startswith(stem):
            rest = name[len(stem) :]
            break
    else:
        return None
    if rest[-4:].lower() == ".exe":
        rest = rest[:-4]
    if not rest:
        return ""
    number = rest[:-1] if rest[-1] in "tT" else rest
    major, dot, minor = number.partition(".")
    if not _digits(major) or (dot and not _digits(minor)):
        return None
    return number


def is_interpreter_name(name: str) -> bool:
    """``python3.12`` yes, ``python3-config`` no."""
    return _name_version(name) is not None


def version_from_name(name: str) -> str | None:
    """The short version in a file name: "3.12" for ``python3.12``, None for ``python3``."""
    number = _name_version(name)
    return number if number and "." in number else None


def lib_version_dir(name: str) -> str | None:
    """ "3.12" for a ``python3.12`` (``python3.13t``, ``pypy3.10``) folder under ``lib/``."""
    low = name.lower()
    if len(low) != len(name):
        return None
    for stem in ("python", "pypy"):
        if low.startswith(stem):
            number = name[len(stem) :]
            break
    else:
        return None
    if number[-1:] in ("t", "T"):
        number = number[:-1]
    major, dot, minor = number.partition(".")
    return number if dot and _digits(major) and _digits(minor) else None


def _full_version_at(text: str, i: int) -> str | None:
    """The X.Y.Z (with an a/b/rc pre-release) starting at ``text[i]``, or None."""
    n = len(text)
    end = i
    for part in range(3):
        start = end
        while end < n and text[end].isdecimal():
            end += 1
        if end == start:
            return None
        if part < 2:
            if end >= n or text[end] != ".":
                return None
            end += 1
    for suffix in _SUFFIXES:
        if text.startswith(suffix, end):
            after = end + len(suffix)
            stop = after
            while stop < n and text[stop].isdecimal():
                stop += 1
            if stop > after:
                return text[i:stop]
    return text[i:end]


def version_from_folder(folder_name: str) -> str | None:
    """The version in a pyenv (``3.12.1``) or uv (``cpython-3.12.1-linux-x86_64-gnu``) folder."""
    for i, char in enumerate(folder_name):
        if char.isdecimal():
            found = _full_version_at(folder_name, i)
            if found is not None:
                return found
    return None


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


# -- what a venv's scripts name --------------------------------------------------------------


def release_numbers(version: str) -> tuple[int, ...]:
    """(3, 12, 1) from "3.12.1rc1": the leading dotted numbers."""
    parts: list[int] = []
    for piece in version.split("."):
        digits = _leading_digits(piece)
        if digits:
            parts.append(int(digits))
        if len(digits) != len(piece) or not digits:
            break
    return tuple(parts)


def _leading_digits(text: str) -> str:
    end = 0
    while end < len(text) and text[end].isdecimal():
        end += 1
    return text[:end]


def activate_home(text: str) -> str | None:
    """The folder a ``bin/activate`` script sets: the first line ``VIRTUAL_ENV="/path"`` (venv),
    ``VIRTUAL_ENV='/path'`` (virtualenv, uv) or ``export VIRTUAL_ENV=/path`` (3.12+), the value
    an absolute path without quotes inside. Read by hand, not with ``re`` (start-up)."""
    at = text.find("VIRTUAL_ENV=")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        line = text[start:] if end < 0 else text[start:end]
        found = _activate_line(line)
        if found is not None:
            return found
        at = text.find("VIRTUAL_ENV=", at + 1)
    return None


def _activate_line(line: str) -> str | None:
    """``line`` read as ``\\s*(export\\s+)?VIRTUAL_ENV=(["']?)(/[^"']*)\\1\\s*`` would read it."""
    head, _, value = line.partition("VIRTUAL_ENV=")
    head = head.lstrip()
    if head and not (head.startswith("export") and head[6:].isspace()):
        return None
    if value[:1] in ("'", '"'):
        ends = [i for i in (value.find("'", 1), value.find('"', 1)) if i > 0]
        close = min(ends) if ends else -1
        rest = value[close + 1 :] if close > 0 else ""
        if close < 0 or value[close] != value[0] or (rest and not rest.isspace()):
            return None
        inner = value[1:close]
    elif "'" in value or '"' in value:
        return None
    else:
        inner = value  # unquoted: the value runs to the end of the line
    return inner if inner.startswith("/") else None


def shebang_interpreter(head: bytes) -> bytes | None:
    """The interpreter a ``#!`` line names (its first word), or None."""
    if not head.startswith(b"#!"):
        return None
    i = 2
    while i < len(head) and head[i] in _SPACE:
        i += 1
    end = i
    while end < len(head) and head[end] not in _SPACE:
        end += 1
    return head[i:end] or None


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
    found = {v for v in map(lib_version_dir, names) if v}
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
        found = _patchlevel(data)
        if found:
            return found.decode("ascii", "replace").rstrip("+")
    return None


def _patchlevel(data: bytes) -> bytes | None:
    """The value of ``#define PY_VERSION "3.12.1"`` in a C header."""
    at = data.find(b"#define")
    while at >= 0:
        i = at + 7
        if data[i : i + 1] and data[i] in _SPACE:
            i = _skip_space(data, i)
            if data.startswith(b"PY_VERSION", i):
                j = i + 10
                k = _skip_space(data, j)
                if k > j and data[k : k + 1] == b'"':
                    close = data.find(b'"', k + 1)
                    if close > k + 1:
                        return data[k + 1 : close]
        at = data.find(b"#define", at + 1)
    return None


def _skip_space(data: bytes, i: int) -> int:
    while i < len(data) and data[i] in _SPACE:
        i += 1
    return i


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


def real_path(path: str, memo: dict[str, str]) -> str:
    """``os.path.realpath(path)``, the parent folders of many paths resolved once (``memo``):
    floors side by side in one folder then cost one ``lstat`` each, not one per component."""
    parent, _, name = path.rpartition(os.sep)
    known = memo.get(parent)  # the usual case, a known parent: no normalising, no splitting
    if known is None or name in ("", ".", ".."):
        if not os.path.isabs(path) or os.path.normpath(path) != path:
            return os.path.realpath(path)
        parent, name = os.path.split(path)
        if not name or parent == path:
            return os.path.realpath(path)
        known = memo.get(parent) or memo.setdefault(parent, real_path(parent, memo))
    full = known + name if known.endswith(os.sep) else known + os.sep + name
    return os.path.realpath(full) if os.path.islink(full) else full


def dedupe_real(paths: Iterable[str]) -> tuple[str, ...]:
    """Keep the first of paths that are one folder on disk (``lib64 -> lib``)."""
    paths = tuple(paths)
    if len(paths) < 2:
        return paths  # nothing to tell apart: no path resolved
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
