"""``pyproject.toml``: ``[project]`` dependencies, chosen extras and PEP 735 dependency groups.

Only what the file declares statically is read: ``dynamic = ["dependencies"]`` means the build
backend decides, and guessing would be wrong, so a warning says so instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from venv_tui.errors import BadInput
from venv_tui.model import RequirementSource, SourceRequirement
from venv_tui.services.sources import parse_requirement

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
    lines = _Lines(text)
    warnings: list[str] = []
    requirements: list[SourceRequirement] = []
    project = data.get("project")
    requires_python: str | None = None
    if project is None:
        if not groups:
            warnings.append("there is no [project] table, so no dependencies are declared here")
        project = {}
    if not isinstance(project, dict):
        raise BadInput("'project' must be a table", path=path, line=lines.key("project"))
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list):
        raise BadInput("'dynamic' must be a list of strings", path=path, line=lines.key("dynamic"))
    raw_python = project.get("requires-python")
    if raw_python is not None:
        if not isinstance(raw_python, str):
            raise BadInput(
                "'requires-python' must be a string, like \">=3.11\"",
                path=path,
                line=lines.key("requires-python"),
            )
        requires_python = raw_python
    if "dependencies" in dynamic:
        warnings.append("dependencies are dynamic: only the build backend knows them")
    deps = project.get("dependencies", [])
    anchor = lines.position(r"^\s*\[project\]")
    anchor = lines.position(r"^\s*dependencies\s*=", anchor)
    requirements += _strings(deps, "dependencies", path, lines, anchor)
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
    lines: _Lines,
    warnings: list[str],
) -> list[SourceRequirement]:
    table = project.get("optional-dependencies", {})
    if not isinstance(table, dict):
        raise BadInput(
            "'optional-dependencies' must be a table",
            path=path,
            line=lines.key("optional-dependencies"),
        )
    if "optional-dependencies" in dynamic:
        warnings.append("optional dependencies are dynamic: only the build backend knows them")
        return []
    by_name = {_normal(name): name for name in table}
    result: list[SourceRequirement] = []
    for extra in chosen:
        name = by_name.get(_normal(extra))
        if name is None:
            raise BadInput(f"there is no extra '{extra}' ({_existing('extras', table)})", path=path)
        anchor = lines.position(r"^\s*\[project\.optional-dependencies\]")
        anchor = lines.position(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", anchor)
        result += _strings(table[name], f"optional-dependencies.{name}", path, lines, anchor)
    return result


def _groups(
    data: dict[str, Any], chosen: Sequence[str], path: str, lines: _Lines
) -> list[SourceRequirement]:
    """PEP 735: a group is a list of requirement strings and ``{include-group = "name"}``."""
    table = data.get("dependency-groups", {})
    if not isinstance(table, dict):
        raise BadInput(
            "'dependency-groups' must be a table", path=path, line=lines.key("dependency-groups")
        )
    by_name: dict[str, str] = {}
    for name in table:
        if _normal(name) in by_name:
            raise BadInput(
                f"dependency groups '{by_name[_normal(name)]}' and '{name}' have the same name",
                path=path,
            )
        by_name[_normal(name)] = name
    section = lines.position(r"^\s*\[dependency-groups\]")
    result: list[SourceRequirement] = []
    done: set[str] = set()

    def add(group: str, trail: tuple[str, ...], line: int | None) -> None:
        name = by_name.get(_normal(group))
        if name is None:
            raise BadInput(
                f"there is no dependency group '{group}' ({_existing('groups', table)})",
                path=path,
                line=line,
            )
        if name in trail:
            chain = " -> ".join((*trail, name))
            raise BadInput(f"dependency groups include each other in a cycle ({chain})", path=path)
        if name in done:
            return
        entries = table[name]
        if not isinstance(entries, list):
            raise BadInput(
                f"dependency group '{name}' must be a list", path=path, line=lines.key(name)
            )
        anchor = lines.position(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", section)
        strings: list[Any] = []
        for entry in entries:
            if isinstance(entry, dict):
                include = entry.get("include-group")
                if set(entry) != {"include-group"} or not isinstance(include, str):
                    raise BadInput(
                        f"dependency group '{name}' has a table that is not "
                        '{include-group = "name"}',
                        path=path,
                        line=lines.key(name),
                    )
                result.extend(_strings(strings, name, path, lines, anchor))
                strings = []
                add(include, (*trail, name), lines.key(name))
            else:
                strings.append(entry)
        result.extend(_strings(strings, name, path, lines, anchor))
        done.add(name)

    for group in chosen:
        add(group, (), None)
    return result


def _existing(what: str, table: dict[str, Any]) -> str:
    if not table:
        return f"the file declares no {what}"
    return f"the {what} are: " + ", ".join(sorted(table))


def _strings(
    values: Any, where: str, path: str, lines: _Lines, anchor: int
) -> list[SourceRequirement]:
    key = where.rsplit(".", 1)[-1]
    if not isinstance(values, list):
        raise BadInput(f"'{where}' must be a list of strings", path=path, line=lines.key(key))
    result = []
    cursor = anchor
    for index, value in enumerate(values, 1):
        if not isinstance(value, str):
            raise BadInput(
                f"entry {index} of '{where}' is not a string", path=path, line=lines.key(key)
            )
        line, cursor = lines.string(value, cursor)
        result.append(parse_requirement(value, path=path, line=line))
    return result


class _Lines:
    """Finds where things are written in the file's text, cheaply, when it can."""

    def __init__(self, text: str) -> None:
        self.text = text

    def line(self, position: int) -> int:
        return self.text.count("\n", 0, position) + 1

    def position(self, pattern: str, start: int = 0) -> int:
        match = re.compile(pattern, re.M).search(self.text, start)
        return match.start() if match else start

    def key(self, key: str) -> int | None:
        match = re.search(rf"(?m)^\s*[\"']?{re.escape(key)}[\"']?\s*=", self.text)
        return self.line(match.start()) if match else None

    def string(self, value: str, start: int) -> tuple[int | None, int]:
        """(line of the quoted ``value`` at or after ``start``, where to look next)."""
        best = -1
        for quoted in (f'"{value}"', f"'{value}'"):
            found = self.text.find(quoted, start)
            if found >= 0 and (best < 0 or found < best):
                best = found
        if best < 0:
            return None, start
        return self.line(best), best + 1
