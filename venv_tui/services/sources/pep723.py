"""Inline script metadata (PEP 723): the ``# /// script`` block at the top of a script.

A block is what the specification's regular expression finds (so what ``uv run`` and
``pipx run`` see): an opening ``# /// TYPE`` line, then lines that are ``#`` or start with
``# ``, up to the *last* ``# ///`` line among them. The expression itself backtracks on
crafted scripts (thousands of ``# /// x`` lines), so the same rule is applied here in two linear
passes over the lines. Errors name the line in the *script*.
"""

from __future__ import annotations

import re
from typing import Any

from venv_tui.errors import BadInput
from venv_tui.model import RequirementSource, SourceRequirement
from venv_tui.services.sources import parse_requirement, quoted

_TYPE = re.compile(r"[a-zA-Z0-9-]+")
_OPENING = re.compile(r"(?m)^# /// script$")
_CLOSING = "# ///"


def has_block(text: str) -> bool:
    """Cheap: does ``text`` hold an opening ``# /// script`` line (closed or not)?"""
    return _OPENING.search(text) is not None


def _is_comment(line: str) -> bool:
    return line == "#" or line.startswith("# ")


def find_blocks(text: str, path: str) -> list[tuple[str, int, int]]:
    """Every block as (type, index of its opening line, index of its closing line), the way the
    specification's expression finds them. Raises BadInput for an opening ``script`` line that
    no block starts with (an unclosed block, or a line in it without ``# ``)."""
    lines = text.split("\n")
    count = len(lines)
    # last_close[k]: the last closing line in the run of comment lines that starts at k.
    last_close: list[int | None] = [None] * (count + 1)
    for k in range(count - 1, -1, -1):
        if _is_comment(lines[k]):
            after = last_close[k + 1]
            last_close[k] = after if after is not None else (k if lines[k] == _CLOSING else None)
    blocks: list[tuple[str, int, int]] = []
    k = 0
    while k < count - 1:  # an opening line is followed by a newline
        line = lines[k]
        if line.startswith("# /// ") and _TYPE.fullmatch(line, 6):
            close = last_close[k + 1]
            if close is not None:
                blocks.append((line[6:], k, close))
                k = close + 1
                continue
            if line == "# /// script":
                _unclosed(lines, k, path)
        k += 1
    return blocks


def _unclosed(lines: list[str], opening: int, path: str) -> None:
    stop = opening + 1
    while stop < len(lines) and _is_comment(lines[stop]):
        stop += 1
    if stop < len(lines) and lines[stop].startswith("#") and _CLOSING in lines[stop + 1 :]:
        raise BadInput(
            "a line of the '# /// script' block must be '#' alone or start with '# ' "
            f"('{quoted(lines[stop], 40)}' does not)",
            path=path,
            line=stop + 1,
        )
    raise BadInput(
        "the '# /// script' block has no closing '# ///' line", path=path, line=opening + 1
    )


def parse_script(text: str, path: str) -> RequirementSource | None:
    """The script's PEP 723 requirements, or None when it has no ``script`` block.

    Raises BadInput for two blocks, an unclosed block, invalid TOML or wrong types.
    """
    blocks = [b for b in find_blocks(text, path) if b[0] == "script"]
    if len(blocks) > 1:
        first, second = (b[1] + 1 for b in blocks[:2])
        raise BadInput(f"two '# /// script' blocks (lines {first} and {second})", path=path)
    if not blocks:
        return None
    _, opening, closing = blocks[0]
    first_line = opening + 1  # the '# /// script' line, 1-based
    raw_lines = text.split("\n", closing)[opening + 1 : closing]
    if not raw_lines:
        return RequirementSource(
            path=path,
            kind="script",
            requirements=(),
            warnings=(f"line {first_line}: the '# /// script' block is empty, so it declares nothing",),
        )
    content = "".join((line[2:] if line.startswith("# ") else line[1:]) + "\n" for line in raw_lines)
    from venv_tui import tomlread

    data = tomlread.loads(content, path=path, what="the '# /// script' block", line_offset=first_line)
    return _source(data, content, path, first_line)


def _source(data: dict[str, Any], content: str, path: str, first_line: int) -> RequirementSource:
    from venv_tui.tomlread import Positions

    positions = Positions(content)

    def key_line(key: str) -> int | None:
        found = positions.key_line(key)
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
    lines = positions.array_string_lines(positions.key("dependencies"))
    if len(lines) != len(deps):
        lines = []  # written in a way the scan does not follow: no lines rather than wrong ones
    requirements: list[SourceRequirement] = []
    for index, dep in enumerate(deps, 1):
        if not isinstance(dep, str):
            raise BadInput(
                f"entry {index} of 'dependencies' is not a string ({_kind(dep)})",
                path=path,
                line=key_line("dependencies"),
            )
        where = lines[index - 1] + first_line if lines else None
        requirements.append(parse_requirement(dep, path=path, line=where))
    return RequirementSource(
        path=path,
        kind="script",
        requirements=tuple(requirements),
        requires_python=requires_python,
    )


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", dict: "a table", list: "a list"}
    return names.get(type(value), type(value).__name__)
