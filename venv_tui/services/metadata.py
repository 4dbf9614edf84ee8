"""A fast reader of the headers of ``METADATA`` / ``PKG-INFO`` files (core metadata).

The format is RFC 822 style: ``Key: value`` lines, continuation lines starting with a space or
a tab, then a blank line and a body (often a whole README). Only the header part is read and
only the fields venv-tui shows are kept, so a package with a large description costs no more
than a small one. Nothing here raises for a malformed file: the result carries a ``problem``
sentence instead, and the caller decides whether the entry can still be listed.
"""

from __future__ import annotations

import os
import re

from venv_tui.model import record

# The fields kept, in one pass of a compiled pattern over the header part (a Python loop over
# every line costs more than all the file reading): a field, then its continuation lines.
# The pattern starts with a literal newline (the text is searched with one prepended), which
# the regex engine scans for quickly; a ``^`` anchor would be tried at every position.
_FIELD = re.compile(
    r"\n(?i:(name|version|summary|requires-dist|requires-python|provides-extra)):[ \t]*"
    r"(.*(?:\r?\n[ \t].*)*)"
)
_FOLD = re.compile(r"[ \t]*\r?\n[ \t]*")
# Versions that are certainly valid PEP 440 (the common case), so packaging is rarely needed.
_SIMPLE_VERSION = re.compile(r"^\d+(\.\d+)*$")

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
    from venv_tui.files import read_head as read_start

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


def parse_metadata(data: bytes, file_name: str = "METADATA") -> Metadata:
    """Parse the header part of ``data``; a ``problem`` sentence says what is wrong with it.

    ``file_name`` ("METADATA", "PKG-INFO") is only used to word the sentences.
    """
    if not data or data.isspace():
        return Metadata(None, None, problem=f"{file_name} is empty")
    if data.find(b"\0", 0, _CHUNK) >= 0:
        return Metadata(None, None, problem=f"{file_name} is not a text file")
    problem: str | None = None
    head = data[: _head_end(data)]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        # pip stops with a traceback here; listing it with a warning is more use to anyone.
        text = head.decode("utf-8", "replace")
        problem = f"{file_name} is not valid UTF-8 (byte {err.start + 1})"
    fields = _parse_headers(text)
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


def read_metadata(path: str) -> Metadata:
    """Read and parse one METADATA / PKG-INFO file (or an egg-info file). Never raises."""
    from venv_tui.files import Unreadable

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
    return parse_metadata(data, file_name)


def is_valid_version(version: str) -> bool:
    """True for a PEP 440 version."""
    if _SIMPLE_VERSION.match(version):
        return True
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


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


def _parse_headers(head: str) -> dict[str, list[str]]:
    """The kept fields of the header part, continuation lines unfolded."""
    fields: dict[str, list[str]] = {}
    for key, value in _FIELD.findall("\n" + head):
        if "\n" in value:
            value = _FOLD.sub(" ", value)
        values = fields.get(key)
        if values is None:
            # Looked up under the spelling met (one dict look-up for the next line of the same
            # field) and under the lower-case name the readers ask for.
            values = fields[key] = fields.setdefault(key.lower(), [])
        values.append(value.strip())
    return fields
