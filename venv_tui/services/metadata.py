"""A fast reader of the headers of ``METADATA`` / ``PKG-INFO`` files (core metadata).

The format is RFC 822 style: ``Key: value`` lines, continuation lines starting with a space or
a tab, then a blank line and a body (often a whole README). Only the header part is read and
only the fields venv-tui shows are kept, so a package with a large description costs no more
than a small one. Nothing here raises for a malformed file: the result carries a ``problem``
sentence instead, and the caller decides whether the entry can still be listed.
"""

from __future__ import annotations

import os

from venv_tui.files import Unreadable
from venv_tui.files import read_head as read_start
from venv_tui.model import record

# The fields kept. Each is found by ``bytes.find`` in the lower-cased header part (a Python loop
# over every line, or a compiled pattern with its ``re`` import, costs more than all the file
# reading): a field starts a line, its continuation lines start with a blank.
Fields = tuple[tuple[bytes, str], ...]  # (b"\nname:", "name"): how a field starts, its key
ALL_FIELDS: Fields = (
    (b"\nname:", "name"),
    (b"\nversion:", "version"),
    (b"\nsummary:", "summary"),
    (b"\nrequires-dist:", "requires-dist"),
    (b"\nrequires-python:", "requires-python"),
    (b"\nprovides-extra:", "provides-extra"),
)
# What a listing shows (``packages --json``), and what a dependency check reads.
LISTING_FIELDS: Fields = ALL_FIELDS[:2]
CHECK_FIELDS: Fields = ALL_FIELDS[:2] + ALL_FIELDS[3:4]

_CHUNK = 16 * 1024
_LIMIT = 4 * 1024 * 1024  # a header part larger than this is not metadata


@record(frozen=True)
class Metadata:
    """The header fields of one METADATA / PKG-INFO file."""

    name: str | None
    version: str | None
    summary: str = ""
    requires: tuple[str, ...] = ()  # Requires-Dist values, as written
    requires_python: str | None = None
    provides_extra: tuple[str, ...] = ()
    problem: str | None = None  # a plain sentence about what is wrong with the file

    @property
    def usable(self) -> bool:
        """A name and a version: enough to list the distribution (as pip does)."""
        return bool(self.name) and bool(self.version)


class HeaderTooLarge(Exception):
    """The header part runs past the limit: not metadata a tool would write."""


def read_head(path: str) -> bytes:
    """The header part of ``path``: its bytes up to the empty line that ends the headers (or,
    for a file of under 16 KiB, simply all of it: one read is cheaper than looking).

    Raises ``files.Unreadable`` for what is not a readable regular file, HeaderTooLarge when
    no end of the headers comes within 4 MiB.
    """
    data, whole = read_start(path, _CHUNK)
    if whole:
        return data
    end = _head_end(data)
    if end < len(data):
        return data[: end + 1]
    data, whole = read_start(path, _LIMIT)
    end = _head_end(data)
    if end < len(data):
        return data[: end + 1]  # the last header's line break, not the empty line
    if whole:
        return data
    raise HeaderTooLarge


def parse_metadata(
    data: bytes, file_name: str = "METADATA", keys: tuple[tuple[bytes, str], ...] = ALL_FIELDS
) -> Metadata:
    """Parse the header part of ``data``; a ``problem`` sentence says what is wrong with it.

    ``file_name`` ("METADATA", "PKG-INFO") is only used to word the sentences; ``keys``
    (name and version always among them) are the ones read, the others are left empty.
    """
    if not data or data.isspace():
        return Metadata(None, None, problem=f"{file_name} is empty")
    if data.find(b"\0", 0, _CHUNK) >= 0:
        return Metadata(None, None, problem=f"{file_name} is not a text file")
    problem: str | None = None
    head = data[: _head_end(data)]
    text = None
    if head.isascii():  # the usual case: valid, and its text's positions are its bytes'
        text = head.decode("ascii")
    else:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as err:
            # pip stops with a traceback here; listing it with a warning is more use to anyone.
            problem = f"{file_name} is not valid UTF-8 (byte {err.start + 1})"
    fields = _parse_headers(head, keys, text)
    name = _first(fields, "name")
    version = _first(fields, "version")
    if not name:
        return Metadata(None, version, problem=problem or f"{file_name} has no Name field")
    if not version:
        return Metadata(name, None, problem=problem or f"{file_name} has no Version field")
    if problem is None and not is_valid_version(version):
        problem = (
            f"{file_name} gives the version {version!r}, which is not a valid version (PEP 440)"
        )
    return Metadata(
        name=name,
        version=version,
        summary=_first(fields, "summary") or "",
        requires=tuple(fields.get("requires-dist", ())),
        requires_python=_first(fields, "requires-python"),
        provides_extra=tuple(fields.get("provides-extra", ())),
        problem=problem,
    )


def read_metadata(path: str, keys: tuple[tuple[bytes, str], ...] = ALL_FIELDS) -> Metadata:
    """Read and parse one METADATA / PKG-INFO file (or an egg-info file). Never raises."""
    file_name = os.path.basename(path)
    try:
        data = read_head(path)
    except Unreadable as err:
        if err.reason == "does not exist":
            return Metadata(None, None, problem=f"{file_name} is missing")
        if err.reason.endswith("(a folder)"):
            return Metadata(None, None, problem=f"{file_name} is a folder, not a file")
        return Metadata(None, None, problem=f"{file_name} cannot be read ({err.reason})")
    except HeaderTooLarge:
        return Metadata(
            None,
            None,
            problem=f"{file_name} has no end to its headers within the first {_LIMIT // (1024 * 1024)} MiB "
            "(a header line that long is not metadata), so its Name and Version cannot be read",
        )
    return parse_metadata(data, file_name, keys)


def is_valid_version(version: str) -> bool:
    """True for a PEP 440 version (read as packaging reads it, without importing it)."""
    if version.isascii() and all(part.isdigit() for part in version.split(".")):
        return True  # plain release numbers, the common case
    from venv_tui.services.pep440 import version_parts

    return version_parts(version) is not None


def _first(fields: dict[str, list[str]], key: str) -> str | None:
    values = fields.get(key)
    return values[0] if values else None


def _head_end(data: bytes) -> int:
    """Where the header part ends: the first empty line (a line of blanks is a continuation
    line, as in the email parser), or the end of the data."""
    end = data.find(b"\n\n")
    if end < 0:
        end = len(data)
    crlf = data.find(b"\n\r\n", 0, end)  # searched only up to the LF one: it is rare
    return crlf if crlf >= 0 else end


def _parse_headers(
    head: bytes, keys: Fields = ALL_FIELDS, text: str | None = None
) -> dict[str, list[str]]:
    """The kept fields of the header part (lower-case names), continuation lines unfolded.
    ``text``: the header part decoded, when it is ASCII (then positions are shared)."""
    low = b"\n" + head.lower()  # ASCII-only: every position stays that of ``head`` plus one
    fields: dict[str, list[str]] = {}
    size = len(low)
    find = low.find
    for marker, key in keys:
        pos = find(marker)
        if pos < 0:
            continue
        values = fields[key] = []
        skip = len(marker) - 1  # from ``low``'s position to the value's in ``head``
        while pos >= 0:
            start = pos + skip
            end = find(b"\n", pos + 1)
            if end < 0:
                end = size
            elif end + 1 < size and low[end + 1] in (32, 9):  # continuation lines follow
                while 0 <= end < size - 1 and low[end + 1] in (32, 9):
                    end = find(b"\n", end + 1)
                if end < 0:
                    end = size
            # ASCII (the usual case): the text's positions are the bytes'; else decode a slice.
            if text is not None:
                value = text[start : end - 1]
            else:
                value = head[start : end - 1].decode("utf-8", "replace")
            if "\n" in value:
                value = " ".join(_unfold(value))
            values.append(value.strip())
            pos = find(marker, end)
    return fields


def _unfold(value: str) -> list[str]:
    """The pieces of a folded value: each line without the blanks (and CR) around the break."""
    lines = value.split("\n")
    last = len(lines) - 1
    return [
        (line if i == 0 else line.lstrip(" \t")).removesuffix("\r").rstrip(" \t")
        if i < last
        else line.lstrip(" \t")
        for i, line in enumerate(lines)
    ]
