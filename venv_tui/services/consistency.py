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

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from venv_tui.model import DependencyProblem, PackageSet

if TYPE_CHECKING:
    from packaging.requirements import Requirement


def environment_problems(
    packages: PackageSet, markers: Mapping[str, str] | None = None
) -> tuple[DependencyProblem, ...]:
    """Missing and conflicting dependencies among ``packages``, sorted by package then name.

    ``markers`` is the marker environment of the environment's interpreter; by default it is
    made from the site's Python version and implementation.
    """
    from packaging.utils import canonicalize_name

    if markers is None:
        from venv_tui.services.markers import marker_environment

        markers = marker_environment(packages.site.python_version, packages.site.implementation)
    env = dict(markers)
    env["extra"] = ""  # what pip evaluates with: requirements behind an extra do not count
    installed = {canonicalize_name(d.name): d for d in packages.distributions}
    problems: list[DependencyProblem] = []
    for dist in packages.distributions:
        seen: set[tuple[str, str]] = set()
        for raw in dist.requires:
            req = _parse(raw)
            if req is None:
                continue  # pip cannot read it either; see the module's docstring
            if req.marker is not None and not _applies(req, env):
                continue
            key = canonicalize_name(req.name)
            shown = raw.strip()
            if (key, shown) in seen:
                continue  # pip collects the problems of one package in a set
            seen.add((key, shown))
            have = installed.get(key)
            if have is None:
                problems.append(
                    DependencyProblem(
                        package=dist.name,
                        version=dist.version,
                        requirement=shown,
                        name=req.name,
                        status="missing",
                        installed=None,
                        message=f"{dist.name} {dist.version} requires {_without_marker(raw, req)}, "
                        "which is not installed",
                    )
                )
            elif not _contains(req, have.version):
                problems.append(
                    DependencyProblem(
                        package=dist.name,
                        version=dist.version,
                        requirement=shown,
                        name=have.name,
                        status="wrong-version",
                        installed=have.version,
                        message=f"{dist.name} {dist.version} requires {_without_marker(raw, req)}, "
                        f"but {have.name} {have.version} is installed",
                    )
                )
    problems.sort(
        key=lambda p: (canonicalize_name(p.package), canonicalize_name(p.name), p.requirement)
    )
    return tuple(problems)


@lru_cache(maxsize=8192)
def _parse(raw: str) -> Requirement | None:
    """A parsed requirement (cached: the same lines come back on every check), or None."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(raw)
    except InvalidRequirement:
        return None


def _applies(req: Requirement, env: Mapping[str, str]) -> bool:
    assert req.marker is not None
    try:
        return bool(req.marker.evaluate(dict(env)))
    except Exception:  # an undefined marker variable or an unsupported comparison
        return False


def _contains(req: Requirement, version: str) -> bool:
    specifier = req.specifier
    if not str(specifier):
        return True  # "B" or "B @ url": any installed version will do
    try:
        return bool(specifier.contains(version, prereleases=True))
    except Exception:  # not a PEP 440 version: no specifier can be checked against it
        return False


def _without_marker(raw: str, req: Requirement) -> str:
    """The requirement as written, without its marker: "B>=4" from "B>=4; python_version>'3'"."""
    if req.marker is None:
        return raw.strip()
    if req.url:
        # The marker of a URL requirement follows " ;" (PEP 508); rebuild rather than guess.
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        return f"{req.name}{extras} @ {req.url}"
    return raw.split(";", 1)[0].strip()
