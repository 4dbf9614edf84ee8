"""Where an environment's packages live: the folders ``pip list`` of its interpreter would read.

Worked out from the disk alone (``pyvenv.cfg``, the ``lib*/python*/site-packages`` layout, the
interpreter's file name). For a base interpreter a cached probe answer, when one exists, is
preferred: only the interpreter itself knows for sure (Debian's ``dist-packages``, a user site,
a distribution's patches); this module never spawns it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from venv_tui.errors import BadInput
from venv_tui.model import Site
from venv_tui.services.pyvenv import PYVENV_CFG, PyvenvCfg, read_pyvenv_cfg

# "python3.12", "python3.12t", "pypy3.10", "python3.12.exe"
_VERSIONED_NAME = re.compile(r"^(?:python|pypy)(\d+\.\d+)", re.IGNORECASE)
# An interpreter's file name: python, python3, python3.12, python3.6m, python3.13t, pypy3.10,
# pythonw.exe; not python3.12-config nor python3.12-gdb.py.
_INTERPRETER_NAME = re.compile(
    r"^(?:python|pypy|graalpy|jython|ipy)w?(?:\d+(?:\.\d+)*)?[a-z]?(?:\.exe)?$", re.IGNORECASE
)
# "python3.12" / "pypy3.10" folders under lib/.
_LIB_VERSION_DIR = re.compile(r"^(python|pypy)(\d+\.\d+)t?$", re.IGNORECASE)


def open_site(path: str) -> Site:
    """The :class:`Site` of an environment folder, an executable inside one, or a base
    interpreter's executable. Raises BadInput for a path that is none of these."""
    if not os.path.lexists(path):
        raise BadInput("does not exist", path=path)
    path = os.path.abspath(path)
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, PYVENV_CFG)):
            return _venv_site(path, python=_env_python(path))
        raise BadInput(
            "is not a virtual environment (it has no pyvenv.cfg) nor a Python interpreter",
            path=path,
        )
    env = _env_of_executable(path)
    if env is not None:
        return _venv_site(env, python=path)
    if not _looks_like_interpreter(path):
        raise BadInput(
            "is not a virtual environment (it has no pyvenv.cfg) nor a Python interpreter",
            path=path,
        )
    return _interpreter_site(path)


# -- virtual environments ------------------------------------------------------------------


def _venv_site(env: str, *, python: str | None) -> Site:
    cfg = read_pyvenv_cfg(env)
    found = _venv_site_dirs(env)
    version = cfg.version or _version_from_dirs(found)
    short = _short(version)
    if short and any(v == short for v, _ in found):
        # A venv upgraded in place keeps the old lib/pythonX.Y; its interpreter reads only its own.
        found = [(v, d) for v, d in found if v == short]
    own = _dedupe(d for _, d in found)
    if not own:
        # No site-packages folder at all: name the expected one, so the reader reports it missing.
        own = (_expected_venv_dir(env, short),)
    implementation = _venv_implementation(cfg, found)
    base = _base_executable(cfg, short)
    problem = _venv_problem(cfg, python, base)
    inherited: tuple[str, ...] = ()
    if cfg.system_site_packages:
        base_dirs = _base_dirs_for_venv(cfg, base, short, implementation)
        own_real = {os.path.realpath(d) for d in own}
        inherited = tuple(d for d in base_dirs if os.path.realpath(d) not in own_real)
    return Site(
        path=env,
        python=python,
        python_version=version,
        implementation=implementation,
        own_dirs=own,
        inherited_dirs=inherited,
        is_venv=True,
        problem=problem,
    )


def _env_python(env: str) -> str | None:
    for rel in (("bin", "python"), ("bin", "python3"), ("Scripts", "python.exe")):
        candidate = os.path.join(env, *rel)
        if os.path.lexists(candidate):
            return candidate
    return None


def _env_of_executable(path: str) -> str | None:
    """The environment folder when ``path`` is an executable inside one (bin/ or Scripts/)."""
    folder = os.path.dirname(os.path.dirname(path))
    if os.path.isfile(os.path.join(folder, PYVENV_CFG)):
        return folder
    return None


def _venv_site_dirs(env: str) -> list[tuple[str, str]]:
    """(version "3.12" or "", folder) for every site-packages folder of a venv: ``lib`` first,
    then ``lib64`` and friends (venv makes ``lib64`` a link to ``lib``), then Windows's ``Lib``."""
    found: list[tuple[str, str]] = []
    try:
        tops = sorted(
            (e.name for e in os.scandir(env) if e.name.lower().startswith("lib")),
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
            subs = sorted(e.name for e in os.scandir(lib) if _LIB_VERSION_DIR.match(e.name))
        except OSError:
            continue
        for sub in subs:
            candidate = os.path.join(lib, sub, "site-packages")
            if os.path.isdir(candidate):
                match = _LIB_VERSION_DIR.match(sub)
                found.append((match.group(2) if match else "", candidate))
    return found


def _expected_venv_dir(env: str, short: str | None) -> str:
    if os.name == "nt":
        return os.path.join(env, "Lib", "site-packages")
    return os.path.join(env, "lib", f"python{short or '3'}", "site-packages")


def _version_from_dirs(found: list[tuple[str, str]]) -> str | None:
    versions = {v for v, _ in found if v}
    return versions.pop() if len(versions) == 1 else None


def _venv_implementation(cfg: PyvenvCfg, found: list[tuple[str, str]]) -> str:
    named = (cfg.get("implementation") or "").strip().lower()  # uv and virtualenv write it
    if named:
        return named
    if any(os.sep + "pypy" in d.lower() for _, d in found):
        return "pypy"
    home = (cfg.home or "").lower()
    if "pypy" in home:
        return "pypy"
    if "graalpy" in home:
        return "graalpy"
    return "cpython"


def _base_executable(cfg: PyvenvCfg, short: str | None) -> str | None:
    """The base interpreter's executable, if it can still be found."""
    named = cfg.base_executable
    if named and os.path.exists(named):
        return named
    home = cfg.home
    if home:
        names = [f"python{short}"] if short else []
        names += ["python3", "python", "pypy3", "pypy", "python.exe", "pypy3.exe"]
        for name in names:
            candidate = os.path.join(home, name)
            if os.path.isfile(candidate):
                return candidate
    return None


def _venv_problem(cfg: PyvenvCfg, python: str | None, base: str | None) -> str | None:
    if python and os.path.islink(python) and not os.path.exists(python):
        target = os.readlink(python)
        return f"its interpreter {python} points to {target}, which no longer exists"
    if base is not None:
        return None if python else "it has no interpreter of its own (bin/python is missing)"
    named = cfg.base_executable or cfg.home
    if named:
        return f"the base interpreter {named} no longer exists"
    return "its pyvenv.cfg does not say which interpreter it was made from"


def _base_dirs_for_venv(
    cfg: PyvenvCfg, base: str | None, short: str | None, implementation: str
) -> tuple[str, ...]:
    """The base interpreter's site folders, as a system-site-packages venv sees them (no user
    site: that belongs to the person, not to the interpreter)."""
    if base is not None:
        probed = _probed_dirs(base, with_user_site=False)
        if probed is not None:
            return probed[0]
        return _prefix_dirs(_prefix_of(base), short, implementation)
    home = cfg.home
    if home:
        return _prefix_dirs(_prefix_of(os.path.join(home, "python")), short, implementation)
    return ()


# -- base interpreters -------------------------------------------------------------------


def _looks_like_interpreter(path: str) -> bool:
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        return False
    names = (os.path.basename(path), os.path.basename(os.path.realpath(path)))
    return any(_INTERPRETER_NAME.match(n) for n in names)


def _interpreter_site(path: str) -> Site:
    real = os.path.realpath(path)
    version = _version_from_name(path, real)
    implementation = "pypy" if "pypy" in os.path.basename(real).lower() else "cpython"
    probed = _probed_dirs(path, with_user_site=True)
    if probed is not None:
        dirs, probed_version, probed_impl = probed
        return Site(
            path=path,
            python=path,
            python_version=probed_version,
            implementation=probed_impl,
            own_dirs=dirs,
            is_venv=False,
        )
    prefix = _prefix_of(path)
    if version is None:
        version = _version_from_prefix(prefix)
    version = _full_version(prefix, version) or version
    dirs = _prefix_dirs(prefix, _short(version), implementation)
    if not dirs:
        dirs = (os.path.join(prefix, "lib", f"python{_short(version) or '3'}", "site-packages"),)
    return Site(
        path=path,
        python=path,
        python_version=version,
        implementation=implementation,
        own_dirs=dirs,
        is_venv=False,
    )


def _version_from_name(*paths: str) -> str | None:
    for p in paths:
        match = _VERSIONED_NAME.match(os.path.basename(p))
        if match:
            return match.group(1)
    return None


def _prefix_of(executable: str) -> str:
    """The installation prefix: the folder holding ``bin/`` (or, on Windows, the executable).

    Python computes its prefix from the executable's real path, so links are followed.
    """
    folder = os.path.dirname(os.path.realpath(executable))
    if os.path.isdir(os.path.join(folder, "Lib")) and not os.path.isdir(
        os.path.join(folder, "lib")
    ):
        return folder  # Windows layout: python.exe next to Lib/
    return os.path.dirname(folder)


def _version_from_prefix(prefix: str) -> str | None:
    try:
        names = [n for n in os.listdir(os.path.join(prefix, "lib")) if _LIB_VERSION_DIR.match(n)]
    except OSError:
        return None
    versions = {m.group(2) for n in names if (m := _LIB_VERSION_DIR.match(n))}
    return versions.pop() if len(versions) == 1 else None


_PY_VERSION = re.compile(rb'#define\s+PY_VERSION\s+"(\d+\.\d+\.\d+)')
_FULL_VERSION = re.compile(r"(\d+\.\d+\.\d+)")


def _full_version(prefix: str, short: str | None) -> str | None:
    """ "3.12.1" for a "3.12" installation: from the C headers it ships (CPython's
    ``patchlevel.h``), else from a prefix named for it (pyenv's ``3.12.1``, uv's
    ``cpython-3.12.1-linux-x86_64-gnu``). None when neither says."""
    if not short:
        return None
    header = os.path.join(prefix, "include", f"python{short}", "patchlevel.h")
    try:
        with open(header, "rb") as fh:
            match = _PY_VERSION.search(fh.read(16 * 1024))
    except OSError:
        match = None
    if match and match.group(1).decode().startswith(short + "."):
        return match.group(1).decode()
    named = _FULL_VERSION.search(os.path.basename(prefix))
    if named and named.group(1).startswith(short + "."):
        return named.group(1)
    return None


def _prefix_dirs(prefix: str, short: str | None, implementation: str) -> tuple[str, ...]:
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
    return _dedupe(c for c in candidates if os.path.isdir(c))


def _probed_dirs(
    executable: str, *, with_user_site: bool
) -> tuple[tuple[str, ...], str, str] | None:
    """(site folders, version, implementation) from a cached probe answer, if there is one."""
    try:
        from venv_tui.services.discover.probe import cached_probe
    except ImportError:
        return None
    try:
        result = cached_probe(executable)
    except Exception:  # a damaged cache must not stop the listing: fall back to the layout
        return None
    if result is None:
        return None
    dirs: list[str] = []
    if with_user_site and result.user_site_enabled and result.user_site:
        dirs.append(result.user_site)  # site.py puts the user site before the others
    dirs += list(result.site_packages) or [result.purelib, result.platlib]
    existing = _dedupe(d for d in dirs if os.path.isdir(d))
    return existing, result.version, result.implementation


# -- helpers -----------------------------------------------------------------------------


def _short(version: str | None) -> str | None:
    if not version:
        return None
    parts = version.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def _dedupe(paths: Iterable[str]) -> tuple[str, ...]:
    """Keep the first of folders that are one folder on disk (``lib64 -> lib``)."""
    seen: set[str] = set()
    kept: list[str] = []
    for p in paths:
        real = os.path.realpath(p)
        if real in seen:
            continue
        seen.add(real)
        kept.append(p)
    return tuple(kept)
