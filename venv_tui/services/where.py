"""Where is package X: every floor holding a distribution that matches a requirement spec.

A spec is what pip takes (``numpy``, ``numpy<2``, ``requests[socks]>=2.30``); a floor matches
when pip would call the spec satisfied there: the distribution is installed, its version is in
the range, and what each named extra adds is installed too (markers for that floor's Python).
"""

from __future__ import annotations

from venv_tui.errors import BadInput, shorten
from venv_tui.services.packages import canonical
from venv_tui.text import is_project_name

# A bare name (the usual ``where numpy``) is answered without packaging, re or dataclasses:
# their imports would cost the search more than reading a few floors.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from dataclasses import dataclass as record

    from venv_tui.model import Distribution, Environment, PackageSet, RequirementCheck
else:
    from venv_tui._record import record



@record(frozen=True)
class Found:
    """A floor that holds what was asked for."""

    path: str
    name: str  # the floor's name
    version: str  # the installed version
    distribution: str  # the distribution's name as installed


def parse_spec(spec: str) -> tuple[str, str]:
    """(the spec normalised, its canonical project name); BadInput for anything that is not a
    name with optional extras, version range and marker."""
    text = spec.strip()
    if not text:
        raise BadInput("the package spec is empty")
    if text.startswith("-"):
        raise BadInput(f"'{shorten(text)}' looks like an option, not a package spec")
    if is_bare_name(text):
        return text, canonical(text)
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        req = Requirement(text)
    except InvalidRequirement as err:
        from venv_tui.services.sources import invalid

        raise invalid("requirement", text, err, path=None, line=None) from None
    if req.url:
        raise BadInput(f"'{shorten(text)}' names a URL; give a name with an optional version range")
    return str(req), canonicalize_name(req.name)


def is_bare_name(text: str) -> bool:
    """A project name and nothing else (``zope.interface``, ``A``): packaging would parse it
    into just that name."""
    return is_project_name(text)


def match(spec: str, packages: PackageSet) -> RequirementCheck | None:
    """The check of ``spec`` against one floor when it is satisfied there, else None."""
    from packaging.requirements import Requirement

    from venv_tui.model import SourceRequirement
    from venv_tui.services.conflicts import check_requirement
    from venv_tui.services.markers import marker_environment

    req = Requirement(spec)
    markers = marker_environment(packages.site.python_version, packages.site.implementation)
    result = check_requirement(SourceRequirement(text=spec, name=req.name), packages, markers, "where")
    return result if result.status == "ok" else None


def _installed(packages: PackageSet, key: str) -> Distribution | None:
    """The distribution installed as ``key`` (a canonical name), as ``packages.by_key()`` gives
    it, without packaging's name normalisation."""
    found = None
    for dist in packages.distributions:
        if canonical(dist.name) == key:
            found = dist  # the last one, as by_key's dict keeps it
    return found


def find(
    spec: str,
    environments: Sequence[Environment],
    read: Callable[[str], PackageSet],
) -> tuple[list[Found], list[str]]:
    """The floors of ``environments`` where ``spec`` is satisfied, in their order, and one
    sentence for each floor that could not be read. ``read`` gives a floor's packages."""
    normalised, key = parse_spec(spec)
    bare = is_bare_name(normalised)
    found: list[Found] = []
    problems: list[str] = []
    for env in environments:
        try:
            packages = read(env.path)
        except Exception as err:  # one unreadable floor must not hide the others
            problems.append(f"{env.path}: {err}")
            continue
        dist = _installed(packages, key)
        if dist is None:
            continue  # the cheap answer for most floors: not installed at all
        # A bare name asks for nothing more than the distribution being there.
        if bare or match(normalised, packages) is not None:
            found.append(Found(env.path, env.name, dist.version, dist.name))
    return found, problems
