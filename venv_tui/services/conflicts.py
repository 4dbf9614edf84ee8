"""Do a source's requirements fit an environment? Pure functions over model objects.

The rules follow pip: a marker is evaluated for the *environment's* interpreter; an installed
prerelease satisfies a specifier that would allow it with prereleases (as ``pip check``); a
requirement with a URL or path can only be checked by name.

Decisions kept here:

- a constraint (``-c`` file) whose package is absent is ``not-applicable``: it limits a version
  and asks for nothing;
- the environment's own problems (what ``pip check`` says) are reported with a target check but
  do not make it fail: the target's needs may still be met. :func:`check_environment`, which has
  no target, fails on them;
- in a ranking, a missing package counts as a smaller problem than a wrong version: installing
  adds, while changing a version may break what else needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from venv_tui.errors import BadInput
from venv_tui.model import (
    CheckResult,
    Distribution,
    Environment,
    Fit,
    PackageSet,
    PythonCheck,
    RequirementCheck,
    RequirementSource,
    SourceRequirement,
)

if TYPE_CHECKING:
    from packaging.requirements import Requirement

_FAILING = ("missing", "wrong-version", "extra-missing")


def check_requirement(
    req: SourceRequirement, packages: PackageSet, markers: Mapping[str, str], target_name: str
) -> RequirementCheck:
    """One requirement of ``target_name`` against what ``packages`` holds."""
    from packaging.utils import canonicalize_name

    if req.inferred and not req.name_known:
        # No installed project provides the import, and which one would is not known: missing,
        # with no project name (none may be guessed from the module's name).
        return RequirementCheck(
            "",
            "",
            "missing",
            None,
            f"nothing installed provides the module {req.import_name}, which {target_name} "
            "imports; which project to install for it is not known",
            req.line,
            import_name=req.import_name,
            name_known=False,
        )
    parsed = _parse(req.text)
    name = parsed.name if parsed is not None else req.name
    text = req.text

    def result(status: str, installed: str | None, message: str) -> RequirementCheck:
        # ``status`` is one of model.Status; a plain str keeps the calls below short.
        return RequirementCheck(
            text, name, status, installed, message, req.line, import_name=req.import_name  # type: ignore
        )

    if parsed is not None and parsed.marker is not None:
        try:
            applies = parsed.marker.evaluate({**markers, "extra": ""})
        except Exception:  # an undefined marker variable: pip would refuse the line too
            return result(
                "unverifiable", None, f"{target_name} needs {text}: its marker cannot be evaluated"
            )
        if not applies:
            python = markers.get("python_full_version") or markers.get("python_version", "?")
            return result(
                "not-applicable",
                None,
                f"{name} is not needed here (Python {python}), {target_name} asks for {text}",
            )
    if not name:
        return result(
            "unverifiable",
            None,
            f"{target_name} needs {text}; what that installs is only known once pip builds it",
        )
    dist = _by_key(packages).get(canonicalize_name(name))
    if dist is None:
        if req.constraint:
            return result(
                "not-applicable",
                None,
                f"{name} is not installed; {target_name} only limits its version ({text})",
            )
        if req.inferred:
            module = req.import_name
            how = f"imports it as {module}" if module and module != name else "imports it"
            return result("missing", None, f"{name} is not installed, {target_name} {how}")
        return result("missing", None, f"{name} is not installed, {target_name} needs {text}")
    have = f"{dist.name} {dist.version}"
    if req.url is not None or req.editable:
        from venv_tui.services.directurl import installed_from

        same = installed_from(dist, req.url) if req.url else None
        if same is True:
            return result("ok", dist.version, f"{have} is installed from {req.url}, as {target_name} needs")
        if same is False:
            return result(
                "wrong-version",
                dist.version,
                f"{have} is installed, but not from {req.url}, where {target_name} wants it from",
            )
        return result(
            "unverifiable",
            dist.version,
            f"{have} is installed; {target_name} wants it from {req.url}, "
            "and where it came from cannot be checked",
        )
    if parsed is None:
        return result("unverifiable", dist.version, f"{have} is installed; {text} cannot be read")
    if parsed.specifier:
        fits = _contains(parsed, dist.version)
        if fits is None:
            return result(
                "unverifiable",
                dist.version,
                f"{have} is installed, but its version cannot be compared with {text}",
            )
        if not fits:
            return result(
                "wrong-version", dist.version, f"{have} is installed, {target_name} needs {text}"
            )
    for extra in sorted(parsed.extras):
        lacking = _extra_lacking(dist, extra, packages, markers)
        if lacking:
            return result(
                "extra-missing",
                dist.version,
                f"{have} is installed, but {target_name} needs {name}[{extra}], "
                f"and that needs {lacking}",
            )
    if req.inferred:
        return result("ok", dist.version, f"{have} is installed, as {target_name} imports it")
    return result("ok", dist.version, f"{have} is installed, as {target_name} needs ({text})")


def check_python(requires: str, actual: str | None) -> PythonCheck:
    """``requires-python`` against the environment's Python version. Raises BadInput for a
    specifier that does not parse."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        spec = SpecifierSet(requires)
    except InvalidSpecifier:
        raise BadInput(f"'{requires}' is not a valid requires-python (like '>=3.10')") from None
    if not actual:
        return PythonCheck(
            requires,
            actual,
            "unverifiable",
            f"the Python version here is unknown; Python {requires} is needed",
        )
    try:
        version = Version(actual)
    except InvalidVersion:
        return PythonCheck(
            requires, actual, "unverifiable", f"Python {actual} cannot be compared with {requires}"
        )
    # pip compares requires-python with sys.version_info[:3]: a 3.13.0rc1 counts as 3.13.0.
    release = Version(".".join(str(part) for part in version.release[:3]))
    if spec.contains(release, prereleases=True):
        return PythonCheck(
            requires, actual, "ok", f"Python {actual} runs here, as {requires} needs"
        )
    return PythonCheck(
        requires,
        actual,
        "wrong-version",
        f"Python {actual} runs here, but Python {requires} is needed",
    )


def check_source(source: RequirementSource, packages: PackageSet) -> CheckResult:
    """Every requirement of ``source`` against ``packages``, plus requires-python and the
    environment's own problems (reported, but not failing the target: see the module's notes).
    """
    from venv_tui.services.consistency import environment_problems
    from venv_tui.services.markers import marker_environment

    markers = marker_environment(packages.site.python_version, packages.site.implementation)
    name = source.display_name
    checks = tuple(check_requirement(r, packages, markers, name) for r in source.requirements)
    python = (
        check_python(source.requires_python, packages.site.python_version)
        if source.requires_python
        else None
    )
    if source.environments and (python is None or python.status != "wrong-version"):
        from venv_tui.services.sources.pylock import check_environments

        python = check_environments(source.environments, markers, packages.site.python_version) or python
    ok = not any(c.status in _FAILING for c in checks) and not (
        python is not None and python.status == "wrong-version"
    )
    return CheckResult(
        environment=packages.site.path,
        target=source.path,
        ok=ok,
        requirements=checks,
        python=python,
        environment_problems=environment_problems(packages, markers),
    )


def check_environment(packages: PackageSet) -> CheckResult:
    """What ``pip check`` says about ``packages``: ok when nothing is missing or conflicting."""
    from venv_tui.services.consistency import environment_problems

    problems = environment_problems(packages)
    return CheckResult(
        environment=packages.site.path, target=None, ok=not problems, environment_problems=problems
    )


def rank_fits(
    source: RequirementSource,
    candidates: Sequence[tuple[Environment, PackageSet | None, str | None]],
) -> list[Fit]:
    """One :class:`Fit` per environment, best first: those that fit, then fewer failures (a
    wrong Python counts as many), then virtual environments before base interpreters (a
    user should not have to install into a system Python, PEP 668), then fewer wrong
    versions, then the active one, then path. An environment whose packages could not be
    read (its error sentence given) comes last."""
    ranked: list[tuple[tuple[int, ...], str, Fit]] = []
    for env, packages, error in candidates:
        if packages is None or error is not None:
            problem = error or "its installed packages could not be read"
            score = (1, 1, 0, 0, 0, 0, 0 if env.active else 1)
            ranked.append((score, env.path, Fit(env.path, False, (problem,), score)))
            continue
        try:
            result = check_source(source, packages)
        except BadInput as err:  # requires-python that does not parse: the same everywhere
            score = (1, 1, 0, 0, 0, 0, 0 if env.active else 1)
            ranked.append((score, env.path, Fit(env.path, False, (str(err),), score)))
            continue
        problems: list[str] = []
        python_bad = result.python is not None and result.python.status == "wrong-version"
        if python_bad and result.python is not None:
            problems.append(result.python.message)
        failures = result.failures
        problems += [c.message for c in failures]
        wrong = sum(1 for c in failures if c.status != "missing")
        score = (
            0,
            0 if result.ok else 1,
            1 if python_bad else 0,
            len(failures),
            0 if env.is_venv else 1,
            wrong,
            0 if env.active else 1,
        )
        ranked.append((score, env.path, Fit(env.path, result.ok, tuple(problems), score)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [fit for _, _, fit in ranked]


# -- helpers ---------------------------------------------------------------------------------


# The last PackageSet's name index: one check asks it once per requirement, and building it
# canonicalises every installed name. Kept by identity, so it is never stale.
_INDEX: list[tuple[PackageSet, dict[str, Distribution]]] = []


def _by_key(packages: PackageSet) -> dict[str, Distribution]:
    last = _INDEX[-1] if _INDEX else None  # one read: worker threads may check at once
    if last is not None and last[0] is packages:
        return last[1]
    index = packages.by_key()
    _INDEX[:] = [(packages, index)]
    return index


def _parse(text: str) -> Requirement | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(text)
    except InvalidRequirement:
        return None  # a bare URL, a path, an editable: only its name can be checked


def _contains(req: Requirement, version: str) -> bool | None:
    """Whether ``version`` fits ``req`` (prereleases allowed, as pip check); None when the
    version cannot be read."""
    from packaging.version import InvalidVersion, Version

    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    return req.specifier.contains(parsed, prereleases=True)


def _extra_lacking(
    dist: Distribution, extra: str, packages: PackageSet, markers: Mapping[str, str]
) -> str | None:
    """The first requirement that ``dist[extra]`` adds and that is not met, or None."""
    from packaging.utils import canonicalize_name

    installed = _by_key(packages)
    with_extra = {**markers, "extra": extra}
    without = {**markers, "extra": ""}
    for raw in dist.requires:
        dep = _parse(raw)
        if dep is None or dep.marker is None:
            continue
        try:
            if not dep.marker.evaluate(with_extra) or dep.marker.evaluate(without):
                continue
        except Exception:  # an undefined marker variable: pip skips such a line as well
            continue
        have = installed.get(canonicalize_name(dep.name))
        if have is None:
            return f"{dep.name}{dep.specifier}, which is not installed"
        if dep.specifier and not _contains(dep, have.version):
            return f"{dep.name}{dep.specifier}, but {have.name} {have.version} is installed"
    return None
