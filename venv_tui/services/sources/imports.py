"""A script without a PEP 723 block: what it imports, guessed as requirements.

Every requirement is ``inferred``: an import says which *module* is used, not which project or
version. A module is mapped to a project in two steps:

1. the floor's own installed files: the distribution whose ``top_level.txt`` (else the first
   part of each path in its ``RECORD``) provides it;
2. else the table shipped in ``venv_tui/data/import_names.json``, compiled from the wheels of
   well-known projects by ``tools/import_names.py`` (``yaml`` -> PyYAML, ``cv2`` ->
   opencv-python).

A module neither knows stays unknown (``name_known`` False, no requirement text): a name on the
index may belong to someone else, so an import name is never handed to pip as a project name;
the clients ask the user. Standard-library modules (of the floor's Python where its standard
library can be read on disk) and modules next to the script are never requirements.
"""

from __future__ import annotations

import ast
import os
import sys

from venv_tui.errors import BadInput
from venv_tui.model import Distribution, PackageSet, RequirementSource, SourceRequirement

# metadata_path -> (mtime of the metadata folder, the top-level modules it installs)
_MODULES_CACHE: dict[str, tuple[int, frozenset[str]]] = {}
_SKIP_PARTS = ("..", "__pycache__")


def parse_imports(text: str, path: str, packages: PackageSet | None) -> RequirementSource:
    """The script's third-party imports as inferred requirements. Raises BadInput."""
    modules = imported_modules(text, path)
    here = os.path.dirname(os.path.abspath(path))
    provider = module_providers(packages) if packages is not None else {}
    stdlib = stdlib_names(packages)
    requirements: list[SourceRequirement] = []
    seen: set[str] = set()
    for module, line in modules:
        if module in stdlib or _is_local(here, module):
            continue
        dist = provider.get(module)
        name = dist.name if dist is not None else known_distribution(module)
        key = (name or f"import {module}").lower()
        if key in seen:
            continue
        seen.add(key)
        requirements.append(
            SourceRequirement(
                text=name or "",
                name=name or "",
                line=line,
                origin=path,
                inferred=True,
                import_name=module,
                name_known=name is not None,
            )
        )
    return RequirementSource(path=path, kind="imports", requirements=tuple(requirements))


# -- the shipped table: module -> project, read from each project's wheel -----------------------

_TABLE: dict[str, str] | None = None


def import_table() -> dict[str, str]:
    """``module -> project`` from the table shipped with venv-tui (read once)."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _load_table()
    return _TABLE


def _load_table() -> dict[str, str]:
    import json

    from venv_tui import files
    from venv_tui.text import is_project_name

    # Read as a file next to the package (importlib.resources costs ~15 ms of imports).
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        data = json.loads(files.read_bytes(os.path.join(here, "data", "import_names.json"), files.MIB))
    except (files.Unreadable, ValueError):
        return {}  # an installation without its data file knows only the floor's own files
    modules = data.get("modules") if isinstance(data, dict) else None
    if not isinstance(modules, dict):
        return {}
    return {
        str(m): str(d)
        for m, d in modules.items()
        if isinstance(m, str) and isinstance(d, str) and m.isidentifier() and is_project_name(d)
    }


def known_distribution(module: str) -> str | None:
    """The project that installs ``module`` according to the shipped table, or None."""
    return import_table().get(module)


def imported_modules(text: str, path: str) -> list[tuple[str, int]]:
    """(top-level module, line) of every absolute import, in the order written."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as err:
        reason = (err.msg or "invalid syntax").rstrip(".")
        raise BadInput(
            f"the script is not valid Python ({reason})", path=path, line=err.lineno
        ) from None
    except RecursionError:
        raise BadInput("the script is nested too deeply to be read", path=path) from None
    except ValueError as err:  # source holding a NUL byte
        raise BadInput(f"the script is not valid Python ({err})", path=path) from None
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.module.split(".")[0], node.lineno))
    found.sort(key=lambda item: item[1])
    return [(m, line) for m, line in found if m != "__future__"]


def module_providers(packages: PackageSet) -> dict[str, Distribution]:
    """Top-level module name -> the distribution that installs it. Where two install the same
    name (a namespace package), the first in name order is kept: any of them is installed."""
    providers: dict[str, Distribution] = {}
    for dist in packages.distributions:
        for module in sorted(top_level_modules(dist)):
            providers.setdefault(module, dist)
    return providers


def top_level_modules(dist: Distribution) -> frozenset[str]:
    """The top-level modules ``dist`` installs, read once per metadata folder (and again only
    when that folder changes)."""
    path = dist.metadata_path
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return frozenset()
    cached = _MODULES_CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    modules = _read_top_level(path) or _read_record(path)
    _MODULES_CACHE[path] = (stamp, modules)
    return modules


def _read_top_level(path: str) -> frozenset[str]:
    from venv_tui import files

    try:
        text = files.read_text(os.path.join(path, "top_level.txt"), files.LIMIT_RECORD)
    except files.Unreadable:
        return frozenset()
    names = [line.strip().replace("/", ".").split(".")[0] for line in text.splitlines()]
    return frozenset(n for n in names if n)


def _read_record(path: str) -> frozenset[str]:
    from venv_tui import files

    try:
        lines = files.read_text(os.path.join(path, "RECORD"), files.LIMIT_RECORD).splitlines()
    except files.Unreadable:
        return frozenset()
    names: set[str] = set()
    for line in lines:
        first = line.split(",", 1)[0].strip().strip('"').replace("\\", "/").split("/")[0]
        if not first or first in _SKIP_PARTS or first.endswith((".dist-info", ".data", ".pth")):
            continue
        # "mod.py" and "mod.cpython-312-x86_64-linux-gnu.so" are the module "mod".
        names.add(first.split(".")[0])
    return frozenset(n for n in names if n.isidentifier())


# -- the standard library of the floor's Python ------------------------------------------------

# stdlib folder -> the module names found in it
_STDLIB_CACHE: dict[str, frozenset[str]] = {}


def stdlib_names(packages: PackageSet | None) -> frozenset[str]:
    """The standard library's top-level module names for the floor's Python.

    Where the floor runs the same minor version as venv-tui, ``sys.stdlib_module_names``; for
    another version, the modules found in that Python's own stdlib folder (read from disk, so
    2.7's ``urllib2`` counts and 3.13's removed ``imp`` does not) plus the built-in ones; when
    that folder cannot be found, venv-tui's own list."""
    running = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names)
    if packages is None:
        return running
    site = packages.site
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    version = site.python_version or ""
    if not version or version == mine or version.startswith(mine + "."):
        return running
    folder = _floor_stdlib_dir(site.python)
    if folder is None:
        return running
    cached = _STDLIB_CACHE.get(folder)
    if cached is None:
        cached = _list_stdlib(folder) | frozenset(sys.builtin_module_names)
        _STDLIB_CACHE[folder] = cached
    return cached


def _floor_stdlib_dir(python: str | None) -> str | None:
    if not python or not os.path.lexists(python):
        return None
    from venv_tui.services.actions.pip import stdlib_dir

    # A venv's python links to its base interpreter: the base's stdlib is the floor's.
    return stdlib_dir(os.path.realpath(python))


def _list_stdlib(folder: str) -> frozenset[str]:
    names: set[str] = set()
    for sub in (folder, os.path.join(folder, "lib-dynload")):
        try:
            entries = os.listdir(sub)
        except OSError:
            continue
        for entry in entries:
            if entry in ("site-packages", "dist-packages", "__pycache__"):
                continue
            stem = entry.split(".")[0]
            if stem.isidentifier():
                names.add(stem)
    return frozenset(names)


def _is_local(folder: str, module: str) -> bool:
    """A module that is a file or folder next to the script is the script's own."""
    if os.path.exists(os.path.join(folder, module + ".py")) or os.path.isdir(os.path.join(folder, module)):
        return True
    try:
        # A compiled module next to it: mod.cpython-312-x86_64-linux-gnu.so, mod.pyd.
        return any(
            n.startswith(module + ".") and n.endswith((".so", ".pyd")) for n in os.listdir(folder)
        )
    except OSError:
        return False
