"""A script without a PEP 723 block: what it imports, guessed as requirements.

Every name is ``inferred``: an import says which *module* is used, not which distribution or
version. A module is mapped to the distribution that installs it in the environment being
checked (its ``top_level.txt``, else the first part of each path in its ``RECORD``); a module
no installed distribution provides keeps its own name, which is often the project's name too.
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
    requirements: list[SourceRequirement] = []
    seen: set[str] = set()
    for module, line in modules:
        if module in _stdlib() or _is_local(here, module):
            continue
        dist = provider.get(module)
        name = dist.name if dist is not None else module
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        requirements.append(
            SourceRequirement(text=name, name=name, line=line, origin=path, inferred=True)
        )
    return RequirementSource(path=path, kind="imports", requirements=tuple(requirements))


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
    try:
        with open(os.path.join(path, "top_level.txt"), encoding="utf-8") as fh:
            names = [line.strip().replace("/", ".").split(".")[0] for line in fh]
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(n for n in names if n)


def _read_record(path: str) -> frozenset[str]:
    try:
        with open(os.path.join(path, "RECORD"), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    names: set[str] = set()
    for line in lines:
        first = line.split(",", 1)[0].strip().strip('"').replace("\\", "/").split("/")[0]
        if not first or first in _SKIP_PARTS or first.endswith((".dist-info", ".data", ".pth")):
            continue
        # "mod.py" and "mod.cpython-312-x86_64-linux-gnu.so" are the module "mod".
        names.add(first.split(".")[0])
    return frozenset(n for n in names if n.isidentifier())


def _stdlib() -> frozenset[str]:
    return frozenset(sys.stdlib_module_names)


def _is_local(folder: str, module: str) -> bool:
    """A module that is a file or folder next to the script is the script's own."""
    return os.path.exists(os.path.join(folder, module + ".py")) or os.path.isdir(
        os.path.join(folder, module)
    )
