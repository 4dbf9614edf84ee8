"""``pylock.toml`` (PEP 751) as a source: what a lock asks of a floor.

The lock is read and validated by ``packaging.pylock``; a lock it rejects is one sentence with
its reason, and a ``lock-version`` of another major is refused, as the specification says.

Each package becomes a requirement the checker already understands: ``name==version`` for a
package with a version, ``name @ url`` for a directory or VCS package (the checker compares
that with the installed ``direct_url.json``), the package's ``marker`` kept after ``;`` so it
is evaluated for the floor's interpreter. The lock's ``extras`` and ``dependency_groups`` marker
variables are settled here, from ``--extra``/``--group`` (else the lock's ``default-groups``).
What only a lock has: ``requires-python`` (as for a pyproject) and ``environments``, one of
which must hold for the floor, or the check fails (:func:`check_environments`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from venv_tui.errors import BadInput, shorten
from venv_tui.model import PythonCheck, RequirementSource, SourceRequirement

_LOCK_VARIABLES = ("extras", "dependency_groups")


def is_lock_path(path: str) -> bool:
    """``pylock.toml`` or ``pylock.NAME.toml``, as PEP 751 names lock files."""
    from packaging.pylock import is_valid_pylock_path

    return is_valid_pylock_path(Path(path))


def parse_pylock(
    text: str, path: str, *, extras: Sequence[str] = (), groups: Sequence[str] = ()
) -> RequirementSource:
    from packaging.pylock import Pylock, PylockUnsupportedVersionError, PylockValidationError
    from packaging.utils import canonicalize_name

    from venv_tui import tomlread

    data = tomlread.loads(text, path=path, what="the lock")
    try:
        lock = Pylock.from_dict(data)
    except PylockUnsupportedVersionError:
        version = shorten(str(data.get("lock-version")), 20)
        raise BadInput(
            f"lock-version {version} is not supported (only version 1 locks can be read)", path=path
        ) from None
    except PylockValidationError as err:
        raise BadInput(f"not a valid lock: {_reason(err)}", path=path) from None
    chosen_extras = {canonicalize_name(e) for e in extras}
    unknown = sorted(chosen_extras - set(lock.extras or ()))
    if unknown:
        raise BadInput(f"the lock declares no extra {', '.join(unknown)}", path=path)
    declared_groups = {
        canonicalize_name(g) for g in (*(lock.dependency_groups or ()), *(lock.default_groups or ()))
    }
    chosen_groups = {canonicalize_name(g) for g in groups}
    unknown = sorted(chosen_groups - declared_groups)
    if unknown:
        raise BadInput(f"the lock declares no dependency group {', '.join(unknown)}", path=path)
    selection: dict[str, frozenset[str]] = {
        "extras": frozenset(chosen_extras),
        "dependency_groups": frozenset(
            chosen_groups if groups else {canonicalize_name(g) for g in lock.default_groups or ()}
        ),
    }
    folder = os.path.dirname(os.path.abspath(path))
    requirements: list[SourceRequirement] = []
    warnings: list[str] = []
    for package in lock.packages:
        marker = _settle(package.marker, selection) if package.marker is not None else True
        if marker is False:
            continue  # for an extra or group that was not chosen
        req = _requirement(package, folder, marker if isinstance(marker, str) else None, path)
        if req is not None:
            requirements.append(req)
    return RequirementSource(
        path=path,
        kind="pylock",
        requirements=tuple(requirements),
        requires_python=str(lock.requires_python) if lock.requires_python else None,
        extras=tuple(sorted(chosen_extras)),
        groups=tuple(sorted(selection["dependency_groups"])),
        warnings=tuple(warnings),
        environments=tuple(str(m) for m in lock.environments or ()),
    )


def _requirement(package: Any, folder: str, marker: str | None, path: str) -> SourceRequirement | None:
    """The package as a requirement: ``name==version``, or ``name @ url`` for a directory or
    VCS package (which carry no version)."""
    name = str(package.name)
    url: str | None = None
    editable = False
    if package.directory is not None:
        url = Path(_local(package.directory.path, folder)).as_uri()
        if package.directory.subdirectory:
            url += f"#subdirectory={package.directory.subdirectory}"
        editable = bool(package.directory.editable)
    elif package.vcs is not None:
        vcs = package.vcs
        where = vcs.url or Path(_local(vcs.path or "", folder)).as_uri()
        url = f"{vcs.type}+{where}@{vcs.commit_id}"
        if vcs.subdirectory:
            url += f"#subdirectory={vcs.subdirectory}"
    version = package.version
    if version is None and package.wheels:
        version = _wheel_version(package.wheels[0].filename)
    if url is not None:
        text = f"{name} @ {url}"
    elif version is not None:
        text = f"{name}=={version}"
    else:
        text = name  # an archive or sdist without a version: only its presence can be checked
    if marker:
        text += f" ; {marker}"
    return SourceRequirement(text=text, name=name, origin=path, url=url, editable=editable)


def _local(path: str, folder: str) -> str:
    """A lock's path, relative to the lock's folder unless absolute."""
    return os.path.normpath(os.path.join(folder, path))


def _wheel_version(filename: str) -> Any:
    from packaging.utils import parse_wheel_filename

    try:
        return parse_wheel_filename(filename)[1]
    except ValueError:
        return None


def _reason(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return shorten(text.rstrip("."), 160)


# -- markers: the lock's own variables settled now, the floor's left for the checker ----------


def _settle(marker: Any, selection: Mapping[str, frozenset[str]]) -> bool | str:
    """``marker`` with every comparison on ``extras``/``dependency_groups`` replaced by its
    truth for ``selection``: True or False when nothing else is left, else the marker text of
    what the floor decides."""
    text = str(marker)
    if not any(variable in text for variable in _LOCK_VARIABLES):
        return text
    try:
        from packaging.markers import _format_marker

        settled = _simplify(marker._markers, selection)
    except (AttributeError, ImportError, TypeError, ValueError):  # packaging changed its insides
        return text
    if isinstance(settled, bool):
        return settled
    return _format_marker(settled)


def _simplify(markers: list[Any], selection: Mapping[str, frozenset[str]]) -> bool | list[Any]:
    """A marker list (atoms, nested lists, "and"/"or"; "and" binds tighter) simplified."""
    groups: list[list[Any]] = [[]]
    for item in markers:
        if item == "or":
            groups.append([])
        elif item == "and":
            continue
        elif isinstance(item, list):
            groups[-1].append(_simplify(item, selection))
        else:
            groups[-1].append(_atom(item, selection))
    kept: list[list[Any]] = []
    for group in groups:
        if any(part is False for part in group):
            continue
        rest = [part for part in group if part is not True]
        if not rest:
            return True  # one alternative holds whatever the floor
        kept.append(rest)
    if not kept:
        return False
    out: list[Any] = []
    for group in kept:
        if out:
            out.append("or")
        for i, part in enumerate(group):
            if i:
                out.append("and")
            out.append(part)
    return out


def _atom(atom: tuple[Any, Any, Any], selection: Mapping[str, frozenset[str]]) -> bool | tuple[Any, Any, Any]:
    lhs, op, rhs = atom
    variable = rhs.value if type(rhs).__name__ == "Variable" else None
    if variable not in _LOCK_VARIABLES:
        return atom
    present = lhs.value in selection[variable] or _canonical(lhs.value) in selection[variable]
    if op.value == "in":
        return present
    if op.value == "not in":
        return not present
    raise ValueError(op.value)


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


# -- the lock's environments ----------------------------------------------------------------------


def check_environments(
    environments: Sequence[str], markers: Mapping[str, str], python_version: str | None
) -> PythonCheck | None:
    """None when one of the lock's ``environments`` holds for the floor (or the lock names
    none); else a failed check saying so: the specification says such a lock must not be
    installed there."""
    from packaging.markers import InvalidMarker, Marker

    if not environments:
        return None
    for text in environments:
        try:
            if Marker(text).evaluate(dict(markers)):
                return None
        except (InvalidMarker, Exception):  # an undefined variable: that environment does not hold
            continue
    where = f"Python {python_version or 'unknown'} on {markers.get('sys_platform', '?')}"
    wanted = " or ".join(f"'{shorten(e, 80)}'" for e in environments[:3])
    if len(environments) > 3:
        wanted += f" (and {len(environments) - 3} more)"
    return PythonCheck(
        " or ".join(environments),
        python_version,
        "wrong-version",
        f"the lock is made for {wanted}, and {where} here is none of them",
    )
