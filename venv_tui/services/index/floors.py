"""The floors asked about, read once, and what of each the index is asked about."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from venv_tui.errors import VenvTuiError
from venv_tui.model import PackageSet


@dataclass(frozen=True)
class Installed:
    key: str  # canonical name: what is asked about, once across all floors
    name: str  # as the floor spells it
    version: Version
    text: str  # the version as installed ("1.0"), what a service is asked about


@dataclass(frozen=True)
class FloorRead:
    path: str
    packages: PackageSet | None
    problem: str | None = None


def read_floors(paths: Sequence[str], read: Callable[[str], PackageSet]) -> list[FloorRead]:
    """Every floor's packages; one that cannot be read carries its sentence, the rest go on."""
    floors: list[FloorRead] = []
    for path in dict.fromkeys(paths):
        try:
            floors.append(FloorRead(path, read(path)))
        except VenvTuiError as err:
            floors.append(FloorRead(path, None, str(err)))
        except OSError as err:
            floors.append(FloorRead(path, None, f"{path}: cannot be read ({err.strerror or err})"))
    return floors


def installed(packages: PackageSet) -> list[Installed]:
    """What a floor holds that the index can be asked about.

    Editable installs are the user's own projects, not the index's; a name that is not a project
    name (read from a hostile METADATA) never goes into a URL; a version ``packaging`` cannot
    read cannot be compared. The first copy of a name wins, as it does on ``sys.path``.
    """
    from venv_tui.text import is_project_name

    seen: dict[str, Installed] = {}
    for dist in packages.distributions:
        if dist.editable or not is_project_name(dist.name):
            continue
        try:
            version = Version(dist.version)
        except InvalidVersion:
            continue
        key = canonicalize_name(dist.name)
        seen.setdefault(key, Installed(key, dist.name, version, dist.version))
    return sorted(seen.values(), key=lambda i: i.key)
