"""``pyproject.toml``: ``[project]`` dependencies, chosen extras and PEP 735 dependency groups.

Only what the file declares statically is read: ``dynamic = ["dependencies"]`` means the build
backend decides, and guessing would be wrong, so a warning says so instead. Dependency groups
are resolved by ``packaging.dependency_groups``; before it runs, the includes are walked once
without recursion, so an unknown group, a cycle or a chain deeper than
:data:`MAX_INCLUDE_DEPTH` is one sentence, never a RecursionError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from venv_tui.errors import BadInput
from venv_tui.model import RequirementSource, SourceRequirement
from venv_tui.services.sources import parse_requirement, quoted
from venv_tui.tomlread import Positions

MAX_INCLUDE_DEPTH = 100  # groups including groups; real projects use two or three

_NAME_SEP = re.compile(r"[-_.]+")


def _normal(name: str) -> str:
    """PEP 685 / PEP 735 name normalisation (extras and group names compare like this)."""
    return _NAME_SEP.sub("-", name).lower()


def parse_pyproject(
    text: str, path: str, *, extras: Sequence[str] = (), groups: Sequence[str] = ()
) -> RequirementSource:
    """The requirements ``path`` declares (``text`` is its content). Raises BadInput."""
    from venv_tui import tomlread

    data = tomlread.loads(text, path=path, what="the file")
    lines = Positions(text)
    warnings: list[str] = []
    requirements: list[SourceRequirement] = []
    project = data.get("project")
    requires_python: str | None = None
    if project is None:
        if not groups:
            warnings.append("there is no [project] table, so no dependencies are declared here")
        project = {}
    if not isinstance(project, dict):
        raise BadInput("'project' must be a table", path=path, line=lines.key_line("project"))
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list):
        raise BadInput("'dynamic' must be a list of strings", path=path, line=lines.key_line("dynamic"))
    raw_python = project.get("requires-python")
    if raw_python is not None:
        if not isinstance(raw_python, str):
            raise BadInput(
                "'requires-python' must be a string, like \">=3.11\"",
                path=path,
                line=lines.key_line("requires-python"),
            )
        requires_python = raw_python
    if "dependencies" in dynamic:
        warnings.append("dependencies are dynamic: only the build backend knows them")
    deps = project.get("dependencies", [])
    section = lines.find(r"^[ \t]*\[project\]")
    at = lines.key("dependencies", section, in_table=True) if section is not None else None
    requirements += _strings(deps, "dependencies", path, lines, at)
    if extras:
        requirements += _extras(project, extras, dynamic, path, lines, warnings)
    if groups:
        requirements += _groups(data, groups, path, lines)
    return RequirementSource(
        path=path,
        kind="pyproject",
        requirements=tuple(requirements),
        requires_python=requires_python,
        extras=tuple(extras),
        groups=tuple(groups),
        warnings=tuple(warnings),
    )


def _extras(
    project: dict[str, Any],
    chosen: Sequence[str],
    dynamic: list[Any],
    path: str,
    lines: Positions,
    warnings: list[str],
) -> list[SourceRequirement]:
    table = project.get("optional-dependencies", {})
    if not isinstance(table, dict):
        raise BadInput(
            "'optional-dependencies' must be a table",
            path=path,
            line=lines.key_line("optional-dependencies"),
        )
    if "optional-dependencies" in dynamic:
        warnings.append("optional dependencies are dynamic: only the build backend knows them")
        return []
    by_name = {_normal(name): name for name in table}
    section = lines.find(r"^[ \t]*\[project\.optional-dependencies\]")
    result: list[SourceRequirement] = []
    for extra in chosen:
        name = by_name.get(_normal(extra))
        if name is None:
            raise BadInput(f"there is no extra '{extra}' ({_existing('extras', table)})", path=path)
        at = lines.key(name, section, in_table=True) if section is not None else None
        result += _strings(table[name], f"optional-dependencies.{name}", path, lines, at)
    return result


def _groups(
    data: dict[str, Any], chosen: Sequence[str], path: str, lines: Positions
) -> list[SourceRequirement]:
    """PEP 735, resolved by ``packaging``; each requirement keeps its own line."""
    from packaging.dependency_groups import DependencyGroupResolver, DuplicateGroupNames
    from packaging.errors import ExceptionGroup

    table = data.get("dependency-groups", {})
    if not isinstance(table, dict):
        raise BadInput(
            "'dependency-groups' must be a table", path=path, line=lines.key_line("dependency-groups")
        )
    by_name: dict[str, str] = {}
    for name in table:
        if _normal(name) in by_name:
            raise BadInput(
                f"dependency groups '{quoted(by_name[_normal(name)])}' and '{quoted(name)}' "
                "have the same name",
                path=path,
            )
        by_name[_normal(name)] = name
    section = lines.find(r"^[ \t]*\[dependency-groups\]")
    # Every group reachable from the chosen ones: its entries checked, its strings validated
    # with their lines (packaging would say "invalid" without saying where).
    written: dict[str, list[SourceRequirement]] = {}
    for group in chosen:
        if _normal(group) not in by_name:
            raise BadInput(
                f"there is no dependency group '{group}' ({_existing('groups', table)})", path=path
            )
        _walk(by_name[_normal(group)], table, by_name, path, lines, section, written)
    try:
        resolver = DependencyGroupResolver(table)
        resolved = [req for group in chosen for req in resolver.resolve(group)]
        parsed = {_normal(name): resolver.lookup(name) for name in written}
    except (ExceptionGroup, DuplicateGroupNames, LookupError, TypeError, ValueError) as err:
        causes = getattr(err, "exceptions", None) or [err]
        message = f"the dependency groups cannot be resolved: {quoted(str(causes[0]), 200)}"
        raise BadInput(message, path=path) from None
    # packaging hands back the very Requirement objects it parsed per group: map each to the
    # string it came from, and so to its line.
    origin: dict[int, SourceRequirement] = {}
    for key, items in parsed.items():
        ours = iter(written[by_name[key]])
        for item in items:
            if not hasattr(item, "include_group"):
                origin[id(item)] = next(ours)
    result: list[SourceRequirement] = []
    for req in resolved:
        found = origin.get(id(req))
        result.append(found or parse_requirement(str(req), path=path, line=None))
    return result


def _walk(
    start: str,
    table: dict[str, Any],
    by_name: dict[str, str],
    path: str,
    lines: Positions,
    section: int | None,
    written: dict[str, list[SourceRequirement]],
) -> None:
    """Check ``start`` and every group it includes, with an explicit stack: unknown includes,
    cycles and chains deeper than MAX_INCLUDE_DEPTH are refused with a sentence."""
    trail: list[str] = []  # the include chain being followed
    pending: list[list[str]] = []  # for each group on the trail, the includes left to visit
    on_trail: set[str] = set()

    def enter(name: str) -> None:
        if len(trail) >= MAX_INCLUDE_DEPTH:
            raise BadInput(
                f"dependency group '{quoted(trail[0])}' includes groups more than {MAX_INCLUDE_DEPTH} deep "
                f"({quoted(' -> '.join(trail[:3]), 200)} -> …)",
                path=path,
                line=_key_line(lines, trail[-1], section),
            )
        trail.append(name)
        on_trail.add(name)
        pending.append(_own_entries(name, table, by_name, path, lines, section, written))

    enter(start)
    while trail:
        if not pending[-1]:
            on_trail.discard(trail.pop())
            pending.pop()
            continue
        include = pending[-1].pop(0)
        name = by_name.get(_normal(include))
        if name is None:
            raise BadInput(
                f"there is no dependency group '{quoted(include)}' ({_existing('groups', table)})",
                path=path,
                line=_key_line(lines, trail[-1], section),
            )
        if name in on_trail:
            chain = " -> ".join((*trail[trail.index(name) :], name))
            message = f"dependency groups include each other in a cycle ({quoted(chain, 200)})"
            raise BadInput(message, path=path)
        if name not in written:
            enter(name)


def _own_entries(
    name: str,
    table: dict[str, Any],
    by_name: dict[str, str],
    path: str,
    lines: Positions,
    section: int | None,
    written: dict[str, list[SourceRequirement]],
) -> list[str]:
    """Validate group ``name``'s own entries (recording its requirements in ``written``) and
    return the names it includes, in order."""
    entries = table[name]
    where = lines.key(name, section, in_table=True) if section is not None else None
    line = None if where is None else lines.line(where)
    if not isinstance(entries, list):
        raise BadInput(f"dependency group '{quoted(name)}' must be a list", path=path, line=line)
    includes: list[str] = []
    strings: list[Any] = []
    for entry in entries:
        if isinstance(entry, dict):
            include = entry.get("include-group")
            if set(entry) != {"include-group"} or not isinstance(include, str):
                raise BadInput(
                    f"dependency group '{quoted(name)}' has a table that is not {{include-group = \"name\"}}",
                    path=path,
                    line=line,
                )
            includes.append(include)
        else:
            strings.append(entry)
    written[name] = _strings(strings, name, path, lines, where)
    return includes


def _key_line(lines: Positions, key: str, section: int | None) -> int | None:
    found = lines.key(key, section, in_table=True) if section is not None else None
    return None if found is None else lines.line(found)


def _existing(what: str, table: dict[str, Any]) -> str:
    if not table:
        return f"the file declares no {what}"
    return quoted(f"the {what} are: " + ", ".join(sorted(table)), 300)


def _strings(
    values: Any, where: str, path: str, lines: Positions, key_at: int | None
) -> list[SourceRequirement]:
    """Each string of the list assigned at ``key_at``, with the line it is written on."""
    key_line = None if key_at is None else lines.line(key_at)
    if not isinstance(values, list):
        raise BadInput(f"'{quoted(where)}' must be a list of strings", path=path, line=key_line)
    string_lines = lines.array_string_lines(key_at)
    if len(string_lines) != sum(isinstance(v, str) for v in values):
        string_lines = []  # written in a way the scan does not follow (dotted keys): no lines
    result = []
    strings = iter(string_lines)
    for index, value in enumerate(values, 1):
        if not isinstance(value, str):
            raise BadInput(f"entry {index} of '{quoted(where)}' is not a string", path=path, line=key_line)
        result.append(parse_requirement(value, path=path, line=next(strings, None)))
    return result
