"""The environment's own consistency: what ``pip check`` says, as a pure function.

pip's rules (``pip/_internal/operations/check.py``), kept here:

- only requirements without an extra count: a marker is evaluated with ``extra == ""``, so
  ``B; extra == "fast"`` never applies, and one whose marker is false for the environment's
  interpreter (``C; python_version < "3.0"``) is ignored altogether;
- a requirement is *missing* when no installed distribution has its name, *conflicting* when
  the installed version is outside its specifier; prereleases are accepted;
- the first installed copy of a name is the one that counts (``sys.path`` order).

Where pip would stop or drop a whole distribution (a Requires-Dist line that does not parse,
a marker naming an unknown variable), only that one line is skipped here: the rest of the
distribution's requirements are still checked, and nothing that depends on it is reported as
missing because of it.
"""

from __future__ import annotations

from venv_tui.model import DependencyProblem, PackageSet
from venv_tui.services.installed import (
    InstalledIndex,
    Need,
    canonical,
    index_of,
    parse_requirement,
    version_fits,
)

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Mapping


def environment_problems(
    packages: PackageSet, markers: Mapping[str, str] | None = None
) -> tuple[DependencyProblem, ...]:
    """Missing and conflicting dependencies among ``packages``, sorted by package then name.

    ``markers`` is the marker environment of the environment's interpreter; by default it is
    made from the site's Python version and implementation (the index's own).
    """
    index = index_of(packages) if markers is None else InstalledIndex(packages, markers)
    return problems_of(index)


def problems_of(index: InstalledIndex) -> tuple[DependencyProblem, ...]:
    """What ``pip check`` says about the floor ``index`` describes."""
    problems: list[DependencyProblem] = []
    installed = index.by_key
    for dist in index.packages.distributions:
        seen: set[tuple[str, str]] = set()
        for need in index.needs(dist):
            if (need.key, need.raw) in seen:
                continue  # pip collects the problems of one package in a set
            seen.add((need.key, need.raw))
            have = installed.get(need.key)
            if have is None:
                problems.append(
                    DependencyProblem(
                        package=dist.name,
                        version=dist.version,
                        requirement=need.raw,
                        name=need.name,
                        status="missing",
                        installed=None,
                        message=f"{dist.name} {dist.version} requires {_without_marker(need)}, "
                        "which is not installed",
                    )
                )
            elif not version_fits(need.specifier, have.version):
                problems.append(
                    DependencyProblem(
                        package=dist.name,
                        version=dist.version,
                        requirement=need.raw,
                        name=have.name,
                        status="wrong-version",
                        installed=have.version,
                        message=f"{dist.name} {dist.version} requires {_without_marker(need)}, "
                        f"but {have.name} {have.version} is installed",
                    )
                )
    problems.sort(key=lambda p: (canonical(p.package), canonical(p.name), p.requirement))
    return tuple(problems)


def _without_marker(need: Need) -> str:
    """The requirement as written, without its marker: "B>=4" from "B>=4; python_version>'3'"."""
    if not need.marker:
        return need.raw
    if need.url:
        # The marker of a URL requirement follows " ;" (PEP 508); rebuild rather than guess.
        req = parse_requirement(need.raw)
        extras = f"[{','.join(sorted(req.extras))}]" if req is not None and req.extras else ""
        return f"{need.name}{extras} @ {need.url}"
    return need.raw.split(";", 1)[0].strip()
