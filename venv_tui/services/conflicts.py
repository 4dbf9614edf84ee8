"""Do a source's requirements fit a floor? Pure functions over model objects.

The rules follow pip: a marker is evaluated for the *floor's* interpreter (the installed-set
index decides, :mod:`venv_tui.services.installed`); an installed prerelease satisfies a specifier
that would allow it with prereleases (as ``pip check``); a requirement with a URL or path can only
be checked by name; an installed version that is not a valid version satisfies no specifier.

Decisions kept here:

- a broken floor satisfies nothing: its check fails with the reason first, and it never fits;
- a constraint (``-c`` file) whose package is absent is ``not-applicable``: it limits a version
  and asks for nothing;
- the floor's own problems (what ``pip check`` says) are reported with a target check but do
  not make it fail: the target's needs may still be met. :func:`check_environment`, which has
  no target, fails on them;
- in a ranking, a missing package counts as a smaller problem than a wrong version: installing
  adds, while changing a version may break what else needs it — and the fit says what
  (installed packages and the other robots that fit that floor now).
"""

from __future__ import annotations

import os

from venv_tui.errors import BadInput, location
from venv_tui.model import (
    CheckResult,
    Environment,
    Fit,
    PackageSet,
    PythonCheck,
    RequirementCheck,
    RequirementSource,
    SourceRequirement,
)
from venv_tui.services.installed import (
    InstalledIndex,
    index_of,
    needs_added_by_extra,
    parse_requirement,
    version_fits,
)

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from packaging.requirements import Requirement

_FAILING = ("missing", "wrong-version", "extra-missing")


def check_requirement(
    req: SourceRequirement,
    packages: PackageSet,
    markers: Mapping[str, str] | None = None,
    target_name: str = "the target",
    *,
    source_path: str | None = None,
) -> RequirementCheck:
    """One requirement of ``target_name`` against what ``packages`` holds."""
    from venv_tui.services.installed import InstalledIndex, marker_applies

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
    index = index_of(packages) if markers is None else InstalledIndex(packages, markers)
    parsed = parse_requirement(req.text)
    name = parsed.name if parsed is not None else req.name
    text = req.text
    file = _shown_file(req.origin, source_path)
    # A requirement written in another file than the target (an -r/-c include) says where.
    included = bool(file and source_path and not _same_file(req.origin, source_path))
    where = f" ({location(file, req.line)})" if included else ""

    def result(status: str, installed: str | None, message: str) -> RequirementCheck:
        # ``status`` is one of model.Status; a plain str keeps the calls below short.
        return RequirementCheck(
            text,
            name,
            status,  # type: ignore[arg-type]
            installed,
            message + where,
            req.line,
            import_name=req.import_name,
            file=file,
        )

    if parsed is not None and parsed.marker is not None:
        verdict = marker_applies(parsed, index.markers)
        if verdict is None:  # an undefined marker variable: pip would refuse the line too
            return result(
                "unverifiable", None, f"{target_name} needs {text}: its marker cannot be evaluated"
            )
        if not verdict:
            python = index.markers.get("python_full_version") or index.markers.get("python_version", "?")
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
    dist = index.get(name)
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
        fits = version_fits(str(parsed.specifier), dist.version)
        if fits is None:
            return result(
                "wrong-version",
                dist.version,
                f"{have} is installed, but {dist.version!r} is not a valid version, so it cannot "
                f"satisfy {text}, which {target_name} needs",
            )
        if not fits:
            return result(
                "wrong-version", dist.version, f"{have} is installed, {target_name} needs {text}"
            )
    for extra in sorted(parsed.extras):
        lacking = _extra_lacking(index, dist.name, extra)
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
    floor's own problems (reported, but not failing the target: see the module's notes). A
    broken floor fails whatever its packages say."""
    from venv_tui.services.consistency import problems_of

    index = index_of(packages)
    name = source.display_name
    checks = tuple(
        check_requirement(r, packages, None, name, source_path=source.path)
        for r in source.requirements
    )
    python = (
        check_python(source.requires_python, packages.site.python_version)
        if source.requires_python
        else None
    )
    if source.environments and (python is None or python.status != "wrong-version"):
        from venv_tui.services.sources.pylock import check_environments

        python = (
            check_environments(source.environments, index.markers, packages.site.python_version)
            or python
        )
    site = packages.site
    ok = (
        site.health != "broken"
        and not any(c.status in _FAILING for c in checks)
        and not (python is not None and python.status == "wrong-version")
    )
    return CheckResult(
        environment=site.path,
        target=source.path,
        ok=ok,
        requirements=checks,
        python=python,
        environment_problems=problems_of(index),
        health=site.health,
        problem=site.problem,
    )


def check_environment(packages: PackageSet) -> CheckResult:
    """What ``pip check`` says about ``packages``: ok when nothing is missing or conflicting and
    the floor can run."""
    from venv_tui.services.consistency import problems_of

    problems = problems_of(index_of(packages))
    site = packages.site
    return CheckResult(
        environment=site.path,
        target=None,
        ok=not problems and site.health != "broken",
        environment_problems=problems,
        health=site.health,
        problem=site.problem,
    )


def rank_fits(
    source: RequirementSource,
    candidates: Sequence[tuple[Environment, PackageSet | None, str | None]],
    robots: Sequence[RequirementSource] = (),
) -> list[Fit]:
    """One :class:`Fit` per floor, best first: those that fit, then fewer failures (a wrong
    Python counts as many), then virtual environments before base interpreters (a user should
    not have to install into a system Python, PEP 668), then fewer wrong versions (an empty
    floor before one holding other versions), then the active one, then path. A broken floor,
    or one whose packages could not be read, comes last and never fits.

    ``robots`` are the other sources the user cares about: where the source needs another
    version of something installed, the installed packages and the robots that fit that floor
    now and would break are named ("upgrading would break robot_two.py")."""
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
        broken = packages.site.health == "broken" or env.health == "broken"
        if broken:
            problems.append(f"it cannot run: {env.problem or packages.site.problem}")
        python_bad = result.python is not None and result.python.status == "wrong-version"
        if python_bad and result.python is not None:
            problems.append(result.python.message)
        failures = result.failures
        others = [r for r in robots if os.path.normpath(r.path) != os.path.normpath(source.path)]
        fitting = [r for r in others if check_source(r, packages).ok] if others else []
        for check in failures:
            problems.append(_with_breakage(check, source, packages, fitting))
        wrong = sum(1 for c in failures if c.status != "missing")
        ok = result.ok and not broken
        score = (
            1 if broken else 0,
            0 if ok else 1,
            1 if python_bad else 0,
            len(failures),
            0 if env.is_venv else 1,
            wrong,
            0 if env.active else 1,
        )
        ranked.append((score, env.path, Fit(env.path, ok, tuple(problems), score)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [fit for _, _, fit in ranked]


def _with_breakage(
    check: RequirementCheck,
    source: RequirementSource,
    packages: PackageSet,
    robots: Sequence[RequirementSource],
) -> str:
    """The check's sentence, and for a wrong version what changing it would break there."""
    if check.status != "wrong-version" or check.installed is None:
        return check.message
    wanted = parse_requirement(check.requirement)
    if wanted is None:
        return check.message
    change = _changed_version(wanted, check.installed)
    if change is None:
        return check.message
    verb, version = change
    broken: list[str] = []
    index = index_of(packages)
    for dist, need in index.dependents(wanted.name):
        if need.specifier and version_fits(need.specifier, version) is False:
            broken.append(f"{dist.name} {dist.version}")
    key = index.get(wanted.name)
    for robot in robots:
        for req in robot.requirements:
            parsed = parse_requirement(req.text)
            if parsed is None or key is None or _key(parsed.name) != _key(key.name):
                continue
            if parsed.specifier and version_fits(str(parsed.specifier), version) is False:
                broken.append(robot.display_name)
                break
    if not broken:
        return check.message
    return (
        f"{wanted.name} {check.installed} is installed; {source.display_name} needs "
        f"{check.requirement}; {verb} would break {', '.join(broken)}"
    )


def _changed_version(req: Requirement, installed: str) -> tuple[str, str] | None:
    """("upgrading", "2") when ``req`` asks for more than ``installed``, ("downgrading", "1.4")
    when it asks for less: the bound a change would have to reach. None when unclear."""
    from packaging.version import InvalidVersion, Version

    try:
        have = Version(installed)
    except InvalidVersion:
        return None
    lower = [s.version for s in req.specifier if s.operator in (">=", ">", "==", "~=", "===")]
    upper = [s.version for s in req.specifier if s.operator in ("<", "<=")]
    for bound in lower:
        try:
            if Version(bound.rstrip(".*")) > have:
                return "upgrading", bound.rstrip(".*")
        except InvalidVersion:
            continue
    for bound in upper:
        try:
            if Version(bound) <= have:
                return "downgrading", bound
        except InvalidVersion:
            continue
    return None


# -- helpers ---------------------------------------------------------------------------------


def _key(name: str) -> str:
    from venv_tui.services.installed import canonical

    return canonical(name)


def _shown_file(origin: str | None, source_path: str | None) -> str | None:
    """An include's path as the user knows it: relative to the target's folder when inside."""
    if not origin:
        return None
    if source_path:
        folder = os.path.dirname(os.path.abspath(source_path))
        full = os.path.abspath(origin)
        if full.startswith(folder + os.sep):
            return os.path.relpath(full, folder)
    return origin


def _same_file(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return os.path.abspath(a) == os.path.abspath(b)


def _extra_lacking(index: InstalledIndex, name: str, extra: str) -> str | None:
    """The first requirement that ``name[extra]`` adds and that is not met, or None."""
    dist = index.get(name)
    if dist is None:
        return None
    for need in needs_added_by_extra(dist, extra, index.markers):
        have = index.get(need.name)
        if have is None:
            return f"{need.name}{need.specifier}, which is not installed"
        if need.specifier and not version_fits(need.specifier, have.version):
            return f"{need.name}{need.specifier}, but {have.name} {have.version} is installed"
    return None
