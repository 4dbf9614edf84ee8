"""The wheel tags a floor's interpreter accepts, worked out from the disk.

``packaging.tags.sys_tags()`` answers for the running interpreter only; a floor may be another
Python (3.7 with its ``m`` ABI, a free-threaded 3.13t, PyPy). Its version and implementation come
from the :class:`~venv_tui.model.Site`; its ABI flags from the ``_sysconfigdata_*.py`` file of its
standard library (the ``ABIFLAGS`` and ``SOABI`` values CPython and PyPy write there at build
time). The platform is the running machine's: floors are local. The interpreter is run (once,
cached by the probe) only when the disk does not tell its version.
"""

from __future__ import annotations

import functools
import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.tags import Tag, compatible_tags, cpython_tags, generic_tags, platform_tags
from packaging.version import InvalidVersion, Version

from venv_tui.model import Site

_ABIFLAGS = re.compile(r"""['"]ABIFLAGS['"]\s*:\s*['"]([a-z]*)['"]""")
_SOABI = re.compile(r"""['"]SOABI['"]\s*:\s*['"]([A-Za-z0-9_.-]*)['"]""")
_UNICODE_SIZE = re.compile(r"""['"]Py_UNICODE_SIZE['"]\s*:\s*(\d+)""")
_SYSCONFIG_LIMIT = 2 * 1024 * 1024  # a real _sysconfigdata file is ~50 KiB

# packaging's short names for interpreter tags (PEP 425).
_SHORT = {"cpython": "cp", "pypy": "pp", "ironpython": "ip", "jython": "jy", "graalpy": "graalpy"}


@dataclass(frozen=True)
class FloorPython:
    """What the index needs to know about a floor's interpreter."""

    version: Version  # "3.12.1" (or "3.12" when the disk tells no more)
    implementation: str  # "cpython", "pypy", ...
    abi: str | None  # "cp313t", "cp37m", "pypy310_pp73"; None when unknown (the usual one assumed)

    @property
    def short(self) -> tuple[int, int]:
        release = self.version.release
        return (release[0], release[1] if len(release) > 1 else 0)


def supported_tags(python: FloorPython, platforms: Sequence[str]) -> list[Tag]:
    """Every tag ``python`` accepts on ``platforms``, best first (as ``sys_tags`` orders them)."""
    short = python.short
    nodot = f"{short[0]}{short[1]}"
    name = _SHORT.get(python.implementation, python.implementation)
    if python.implementation == "cpython":
        abis = _cpython_abis(short, python.abi)
        tags = list(cpython_tags(short, abis, platforms))
        tags += compatible_tags(short, f"cp{nodot}", platforms)
        return tags
    abi_list = [python.abi] if python.abi else []
    tags = list(generic_tags(f"{name}{nodot}", abi_list, platforms))
    # pip's sys_tags offers PyPy the generic "pp3" interpreter tag for pure wheels.
    tags += compatible_tags(short, "pp3" if name == "pp" else None, platforms)
    return tags


def _cpython_abis(short: tuple[int, int], abi: str | None) -> list[str]:
    nodot = f"{short[0]}{short[1]}"
    if abi is None:
        # What a default build of that version has: pymalloc's "m" before 3.8, none after.
        abi = f"cp{nodot}m" if (3, 0) <= short < (3, 8) else f"cp{nodot}"
    abis = [abi]
    flags = abi[len(f"cp{nodot}") :]
    if short >= (3, 8) and "d" in flags:
        # A debug build loads normal extension modules too (as packaging's _cpython_abis says).
        abis.append(f"cp{nodot}{flags.replace('d', '')}")
    return abis


@functools.lru_cache(maxsize=1)
def machine_platforms() -> tuple[str, ...]:
    """The running machine's platform tags (manylinux levels from its glibc, and so on)."""
    return tuple(platform_tags())


@functools.lru_cache(maxsize=64)
def floor_tags(python: FloorPython) -> frozenset[Tag]:
    return frozenset(supported_tags(python, machine_platforms()))


# -- from the disk -------------------------------------------------------------------------


def floor_python(site: Site, environ: dict[str, str] | None = None) -> FloorPython | None:
    """The floor's interpreter as the index sees it; None when even a probe cannot tell its
    version (a broken floor)."""
    version = _version(site.python_version)
    implementation = site.implementation or "cpython"
    if version is None and site.python:
        from venv_tui.services.discover.probe import probe

        answer = probe(site.python, environ=environ)
        if answer is not None:
            version = _version(answer.version)
            implementation = answer.implementation
    if version is None:
        return None
    return FloorPython(version, implementation, _abi_from_disk(site, version, implementation))


def _version(text: str | None) -> Version | None:
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _abi_from_disk(site: Site, version: Version, implementation: str) -> str | None:
    short = f"{version.major}.{version.minor}"
    nodot = f"{version.major}{version.minor}"
    # A free-threaded venv's packages live in lib/python3.13t; its base's stdlib has that name.
    threaded = any(os.path.basename(os.path.dirname(d)).endswith("t") for d in site.own_dirs)
    text = _sysconfig_text(_stdlib_dirs(site, short + ("t" if threaded else "")))
    if implementation == "cpython":
        if text is not None:
            flags = _ABIFLAGS.search(text)
            if flags is not None:
                return f"cp{nodot}{flags.group(1)}"
            if version.major == 2:  # no ABIFLAGS before 3.2: pymalloc, and "u" for wide unicode
                size = _UNICODE_SIZE.search(text)
                return f"cp{nodot}m" + ("u" if size is not None and size.group(1) == "4" else "")
        if threaded:
            return f"cp{nodot}t"
        return None
    if text is not None:
        soabi = _SOABI.search(text)
        if soabi is not None and soabi.group(1):
            # "pypy310-pp73-x86_64-linux-gnu" -> "pypy310_pp73", as packaging normalizes it.
            return "_".join(soabi.group(1).split("-")[:2]).replace(".", "_")
    return None


def _stdlib_dirs(site: Site, name: str) -> list[str]:
    """Candidate standard-library folders of the floor's base interpreter, the one named
    ``python{name}`` ("3.12", "3.13t") first."""
    prefixes: list[str] = []
    if site.is_venv:
        from venv_tui.services.pyvenv import read_pyvenv_cfg

        try:
            cfg = read_pyvenv_cfg(site.path)
        except Exception:  # an unreadable pyvenv.cfg: the defaults will do
            cfg = None
        if cfg is not None:
            for named in (cfg.base_executable, os.path.join(cfg.home, "python") if cfg.home else None):
                if named:
                    prefixes.append(os.path.dirname(os.path.dirname(os.path.realpath(named))))
    else:
        executable = site.python or site.path
        prefixes.append(os.path.dirname(os.path.dirname(os.path.realpath(executable))))
    found: list[str] = []
    for prefix in dict.fromkeys(prefixes):
        found.append(os.path.join(prefix, "lib", f"python{name}"))
        for pattern in (f"python{name.rstrip('t')}*", f"pypy{name.rstrip('t')}*"):
            found += sorted(glob.glob(os.path.join(glob.escape(prefix), "lib", pattern)))
        found.append(os.path.join(prefix, "lib_pypy"))
    return list(dict.fromkeys(found))


def _sysconfig_text(folders: Sequence[str]) -> str | None:
    from venv_tui.files import read_text

    for folder in folders:
        names = sorted(glob.glob(os.path.join(glob.escape(folder), "_sysconfigdata*.py")))
        for name in names:
            try:
                return read_text(name, _SYSCONFIG_LIMIT, errors="replace")
            except Exception:  # unreadable: try the next, or fall back to the defaults
                continue
    return None
