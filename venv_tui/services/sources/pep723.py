"""Inline script metadata (PEP 723): the ``# /// script`` block at the top of a script.

The block is found with the specification's own regular expression, so what counts as a block
here is exactly what ``uv run`` and ``pipx run`` see. Errors name the line in the *script*.
"""

from __future__ import annotations

import re
from typing import Any

from venv_tui.errors import BadInput
from venv_tui.model import RequirementSource, SourceRequirement
from venv_tui.services.sources import find_line, line_of, parse_requirement

# From the specification (packaging.python.org, "Inline script metadata").
BLOCK = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")
_OPENING = re.compile(r"(?m)^# /// script$")


def has_block(text: str) -> bool:
    """Cheap: does ``text`` hold an opening ``# /// script`` line (closed or not)?"""
    return _OPENING.search(text) is not None


def parse_script(text: str, path: str) -> RequirementSource | None:
    """The script's PEP 723 requirements, or None when it has no ``script`` block.

    Raises BadInput for two blocks, an unclosed block, invalid TOML or wrong types.
    """
    blocks = [m for m in BLOCK.finditer(text) if m.group("type") == "script"]
    if len(blocks) > 1:
        first, second = (line_of(text, m.start()) for m in blocks[:2])
        raise BadInput(f"two '# /// script' blocks (lines {first} and {second})", path=path)
    # An opening line that no complete block starts with has no closing '# ///'.
    starts = {m.start() for m in blocks}
    spans = [(m.start(), m.end()) for m in blocks]
    for opening in _OPENING.finditer(text):
        inside = any(a <= opening.start() < b for a, b in spans)
        if opening.start() not in starts and not inside:
            raise BadInput(
                "the '# /// script' block has no closing '# ///' line",
                path=path,
                line=line_of(text, opening.start()),
            )
    if not blocks:
        return None
    block = blocks[0]
    first_line = line_of(text, block.start())  # the '# /// script' line
    raw_lines = block.group("content").splitlines(keepends=True)
    content = "".join(line[2:] if line.startswith("# ") else line[1:] for line in raw_lines)
    from venv_tui import tomlread

    data = tomlread.loads(
        content, path=path, what="the '# /// script' block", line_offset=first_line
    )
    return _source(data, content, path, first_line)


def _source(data: dict[str, Any], content: str, path: str, first_line: int) -> RequirementSource:
    def key_line(key: str) -> int | None:
        found = find_line(content, re.compile(rf"(?m)^\s*{re.escape(key)}\s*="))
        return found + first_line if found else None

    requires_python = data.get("requires-python")
    if requires_python is not None and not isinstance(requires_python, str):
        raise BadInput(
            "'requires-python' must be a string, like \">=3.11\"",
            path=path,
            line=key_line("requires-python"),
        )
    deps = data.get("dependencies", [])
    if not isinstance(deps, list):
        raise BadInput(
            "'dependencies' must be a list of strings", path=path, line=key_line("dependencies")
        )
    requirements: list[SourceRequirement] = []
    cursor = key_line("dependencies") or first_line
    lines = content.splitlines()
    for index, dep in enumerate(deps, 1):
        if not isinstance(dep, str):
            raise BadInput(
                f"entry {index} of 'dependencies' is not a string ({_kind(dep)})",
                path=path,
                line=key_line("dependencies"),
            )
        line = _dependency_line(lines, dep, cursor - first_line)
        if line is not None:
            cursor = line + first_line
        where = line + first_line if line is not None else None
        requirements.append(parse_requirement(dep, path=path, line=where))
    return RequirementSource(
        path=path,
        kind="script",
        requirements=tuple(requirements),
        requires_python=requires_python,
    )


def _dependency_line(lines: list[str], dep: str, start: int) -> int | None:
    """The 1-based line of the block (from ``start``) where ``dep`` is written as a string."""
    quoted = (f'"{dep}"', f"'{dep}'")
    for number in range(max(start, 1), len(lines) + 1):
        if any(q in lines[number - 1] for q in quoted):
            return number
    return None


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", dict: "a table", list: "a list"}
    return names.get(type(value), type(value).__name__)
