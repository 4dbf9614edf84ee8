"""Reading TOML with errors that name the file and line (config, pyproject, PEP 723 blocks).

Also where things are written: :class:`Positions` finds a key's line and the line of each string
of an array in one pass over the text, so a file of ten thousand entries (escaped or not) costs
one scan, never a search per entry. Arrays and inline tables nested deeper than
:data:`MAX_NESTING` are refused before the parser (which recurses) sees them.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from typing import Any

from venv_tui.errors import BadInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MAX_NESTING = 100  # arrays and inline tables inside each other; real files use a handful

_AT = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$|\s*\(at end of document\)\s*$")
# The characters that change what follows: quotes, comments, brackets, newlines.
_SPECIAL = re.compile(r"[\"'#\[\]{}]")
# The rest of a basic string: each character is matched by exactly one branch (no backtracking).
_BASIC_REST = re.compile(r'(?:[^"\\\n]|\\.)*"')
_MULTI_BASIC_REST = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S)


def loads(
    text: str, *, path: str | None = None, what: str = "the file", line_offset: int = 0
) -> dict[str, Any]:
    """Parse TOML; raise BadInput "PATH, line N: WHAT is not valid TOML (reason)".

    ``line_offset`` shifts the reported line, for TOML embedded in another file (PEP 723).
    """
    positions = Positions(text)
    too_deep = positions.nesting_beyond(MAX_NESTING)
    if too_deep is not None:
        raise BadInput(
            f"{what} is nested too deeply (arrays or tables more than {MAX_NESTING} deep)",
            path=path,
            line=positions.line(too_deep) + line_offset,
        )
    try:
        return tomllib.loads(text)
    except RecursionError:  # nesting the scan above did not see (should not happen)
        raise BadInput(f"{what} is nested too deeply to be read", path=path) from None
    except tomllib.TOMLDecodeError as err:
        message = str(err.args[0]) if err.args else str(err)
        match = _AT.search(message)
        line: int | None = getattr(err, "lineno", None)
        if match and match.group(1):
            line = int(match.group(1))
        elif match:
            line = text.count("\n") + 1
        reason = _AT.sub("", message).strip().rstrip(".")
        reason = reason[:1].lower() + reason[1:]
        raise BadInput(
            f"{what} is not valid TOML: {reason}",
            path=path,
            line=(line + line_offset) if line else None,
        ) from None


class Positions:
    """Where things are written in a TOML text. Each question costs one pass at most."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None

    def line(self, position: int) -> int:
        """The 1-based line of ``position`` (a binary search, after one scan for newlines)."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._newlines, position) + 1

    def find(self, pattern: str, start: int = 0) -> int | None:
        """Offset of the first line at or after ``start`` matching ``pattern`` (anchored at a
        line start; written with ``[ \\t]`` rather than ``\\s`` so it never spans lines)."""
        match = re.compile(pattern, re.M).search(self.text, start)
        return match.start() if match else None

    def key(self, key: str, start: int = 0, *, in_table: bool = False) -> int | None:
        """Offset of the line that assigns ``key`` (bare or quoted) at or after ``start``; with
        ``in_table``, only before the next ``[table]`` header (the key of another table is not
        this one's)."""
        found = self.find(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", start)
        if found is not None and in_table:
            newline = self.text.find("\n", start)
            header = self.find(r"^[ \t]*\[", newline + 1) if newline >= 0 else None
            if header is not None and header < found:
                return None
        return found

    def key_line(self, key: str, start: int = 0) -> int | None:
        found = self.key(key, start)
        return None if found is None else self.line(found)

    def array_string_lines(self, start: int | None) -> list[int]:
        """The line of each string directly in the array assigned on the line at ``start``
        (strings inside inline tables or inner arrays are not counted), in order."""
        if start is None:
            return []
        opening = self.text.find("[", self.text.find("=", start))
        if opening < 0:
            return []
        lines: list[int] = []
        depth = 0
        for kind, position in _events(self.text, opening):
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    break
            elif depth == 1:
                lines.append(self.line(position))
        return lines

    def nesting_beyond(self, limit: int) -> int | None:
        """Offset of the first bracket that nests deeper than ``limit``, else None."""
        depth = 0
        for kind, position in _events(self.text, 0):
            if kind == "open":
                depth += 1
                if depth > limit:
                    return position
            elif kind == "close":
                depth = max(depth - 1, 0)
        return None


def _events(text: str, start: int) -> Iterator[tuple[str, int]]:
    """("open" | "close" | "string", offset) for the brackets and strings from ``start``,
    skipping comments and string contents. Linear: each character is looked at once."""
    position = start
    end = len(text)
    while position < end:
        match = _SPECIAL.search(text, position)
        if match is None:
            return
        at = match.start()
        char = text[at]
        if char in "[{":
            yield "open", at
            position = at + 1
        elif char in "]}":
            yield "close", at
            position = at + 1
        elif char == "#":
            newline = text.find("\n", at)
            position = end if newline < 0 else newline + 1
        else:
            yield "string", at
            position = _string_end(text, at)


def _string_end(text: str, at: int) -> int:
    """The offset just after the string that opens at ``at`` (or the line's end when it is not
    closed: the parser reports that)."""
    if text.startswith('"""', at):
        found = _MULTI_BASIC_REST.match(text, at + 3)
        return found.end() if found else len(text)
    if text.startswith("'''", at):
        close = text.find("'''", at + 3)
        return len(text) if close < 0 else close + 3
    if text[at] == '"':
        found = _BASIC_REST.match(text, at + 1)
        if found:
            return found.end()
    else:
        close = text.find("'", at + 1)
        newline = text.find("\n", at + 1)
        if close >= 0 and (newline < 0 or close < newline):
            return close + 1
    newline = text.find("\n", at)
    return len(text) if newline < 0 else newline + 1
