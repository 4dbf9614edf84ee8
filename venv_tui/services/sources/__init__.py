"""Requirement sources: what a script, a requirements file or a pyproject.toml needs.

:func:`load_source` picks the reader by what the path is; each reader lives in its own module
(``pep723``, ``requirements``, ``pyproject``, ``imports``) and returns a
:class:`~venv_tui.model.RequirementSource`. Every problem with the input is a BadInput naming the
file and line; nothing here runs a process or touches the network.

The submodules import the small helpers below, so this module imports them only inside
functions (no cycle, and a caller pays only for the reader it uses).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from venv_tui.errors import BadInput, shorten
from venv_tui.model import PackageSet, RequirementSource, SourceRequirement

if TYPE_CHECKING:
    from packaging.requirements import Requirement

# Folders that hold no project sources of their own: searching them costs time and finds
# other people's files (a venv's site-packages is full of requirements*.txt and pyprojects).
_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", "site-packages", "dist-packages"})
_SCRIPT_SUFFIXES = (".py", ".pyw")
_FILE_SUFFIXES = (".py", ".pyw", ".toml", ".txt", ".in")
_FIND_DEPTH = 2
_LOCK_NAME = re.compile(r"pylock(\.[^.]+)?\.toml")  # PEP 751: pylock.toml, pylock.NAME.toml
_SNIFF_BYTES = 1 << 20  # a PEP 723 block further than 1 MiB into a file is not worth finding


def load_source(
    path: str,
    *,
    extras: Sequence[str] = (),
    groups: Sequence[str] = (),
    packages: PackageSet | None = None,
) -> RequirementSource:
    """Read what ``path`` needs: a folder (its pyproject.toml, else its requirements.txt), a
    ``*.toml`` (pyproject), a script (its PEP 723 block, else its imports, mapped to
    distributions through ``packages``) or a requirements file. Raises BadInput."""
    # A folder named like a file ("robot.py/") is a mistake, not a project: say so.
    if os.path.isdir(path) and not path.rstrip(os.sep).endswith(_FILE_SUFFIXES):
        for name in ("pyproject.toml", "requirements.txt"):
            candidate = os.path.join(path, name)
            try:
                os.stat(candidate)
            except FileNotFoundError:
                continue
            except OSError as err:  # an unreadable project is not a project without sources
                from venv_tui.files import os_reason, shown

                raise BadInput(f"{shown(candidate)} cannot be read ({os_reason(err)})") from None
            return load_source(candidate, extras=extras, groups=groups, packages=packages)
        raise BadInput(f"{path} has no pyproject.toml or requirements.txt")
    from venv_tui.services.sources.pylock import is_lock_path

    if is_lock_path(path):
        from venv_tui.services.sources.pylock import parse_pylock

        return parse_pylock(read_text(path), path, extras=extras, groups=groups)
    if (extras or groups) and not path.endswith(".toml"):
        chosen = "extras" if extras else "dependency groups"
        raise BadInput(f"{chosen} can only be chosen for a pyproject.toml", path=path)
    text = read_text(path)
    if path.endswith(".toml"):
        from venv_tui.services.sources.pyproject import parse_pyproject

        return parse_pyproject(text, path, extras=extras, groups=groups)
    from venv_tui.services.sources import pep723

    is_script = path.endswith(_SCRIPT_SUFFIXES)
    if is_script or _starts_as_script(text):
        source = pep723.parse_script(text, path)
        if source is not None:
            return source
        if is_script:
            from venv_tui.services.sources.imports import parse_imports

            return parse_imports(text, path, packages)
    from venv_tui.services.sources.requirements import parse_requirements_file

    return parse_requirements_file(path, text=text)


def find_sources(folder: str) -> list[str]:
    """Requirement sources in a project folder, sorted: scripts with a PEP 723 ``script``
    block, ``requirements*.txt`` (and ``requirements/*.txt``), ``pyproject.toml``, ``pylock.toml``
    and ``pylock.NAME.toml``.

    Looks at most two folders deep and never inside environments, ``.git`` or
    ``node_modules``; an unreadable folder or file is skipped.
    """
    found: list[str] = []
    _scan(folder, 0, found)
    return sorted(found)


def _scan(folder: str, depth: int, found: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    in_requirements_dir = os.path.basename(folder.rstrip(os.sep)) == "requirements"
    for entry in entries:
        name = entry.name
        try:
            if entry.is_dir():
                if depth < _FIND_DEPTH and _worth_entering(entry.path, name):
                    _scan(entry.path, depth + 1, found)
                continue
            if not entry.is_file():
                continue
        except OSError:
            continue
        if _is_source(entry.path, name, in_requirements_dir):
            found.append(entry.path)


def _is_source(path: str, name: str, in_requirements_dir: bool) -> bool:
    if name == "pyproject.toml" or _LOCK_NAME.fullmatch(name):
        return True
    if name.endswith(".txt"):
        return name.startswith("requirements") or in_requirements_dir
    return name.endswith(_SCRIPT_SUFFIXES) and _has_script_block(path)


def _worth_entering(path: str, name: str) -> bool:
    if name in _SKIP_DIRS or name.startswith("."):
        return False
    # An environment (pyvenv.cfg) or a conda prefix holds installed packages, not sources.
    return not (
        os.path.exists(os.path.join(path, "pyvenv.cfg"))
        or os.path.isdir(os.path.join(path, "conda-meta"))
    )


def _has_script_block(path: str) -> bool:
    from venv_tui import files

    try:
        head, _ = files.read_head(path, _SNIFF_BYTES)
    except files.BadInput:
        return False
    return re.search(rb"(?m)^# /// script\r?$", head) is not None


def _starts_as_script(text: str) -> bool:
    """A file without ``.py`` that is a script: it opens with a shebang or with the block."""
    from venv_tui.services.sources import pep723

    first = text.split("\n", 1)[0]
    return (first.startswith("#!") or first == "# /// script") and pep723.has_block(text)


# -- helpers shared by the readers -----------------------------------------------------------


def read_text(path: str) -> str:
    """The file's text (UTF-8, a BOM allowed, newlines made ``\\n``), read through the one
    bounded reader: a named pipe, a device or a folder is refused, never read. Raises BadInput."""
    from venv_tui import files

    try:
        data = files.read_bytes(path, files.LIMIT_SOURCE)
    except files.Unreadable as err:
        from venv_tui.text import printable

        raise BadInput(f"{printable(files.shown(path))} {unreadable_sentence(err.reason)}") from None
    return decode(data, path)


def decode(data: bytes, path: str) -> str:
    """UTF-8 (a BOM allowed) with newlines made ``\\n``; BadInput naming the line otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BadInput(
            f"the file is not UTF-8 text (byte {err.start + 1} cannot be read)",
            path=path,
            line=line,
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def unreadable_sentence(reason: str) -> str:
    """files.Unreadable's reason as the end of a sentence about a path."""
    if reason.startswith("not a regular file ("):
        return f"is {reason[len('not a regular file (') : -1]}, not a file"
    if reason.startswith(("does not exist", "larger than")):
        return reason
    return f"cannot be read ({reason})"


def line_of(text: str, position: int) -> int:
    """The 1-based line number of ``position`` in ``text``."""
    return text.count("\n", 0, position) + 1


def find_line(text: str, pattern: re.Pattern[str], start: int = 0) -> int | None:
    """The 1-based line of the first match of ``pattern`` at or after ``start``, or None."""
    match = pattern.search(text, start)
    return line_of(text, match.start()) if match else None


def quoted(text: str, limit: int = 80) -> str:
    """Text from a file as it goes into a message: one short line, control characters escaped
    (a requirement or a group name can hold a terminal escape sequence)."""
    from venv_tui.text import printable

    return printable(shorten(text, limit))


def invalid(what: str, text: str, err: Exception, *, path: str | None, line: int | None) -> BadInput:
    """BadInput "'B>>2' is not a valid requirement (packaging's reason)", the text cut short."""
    reason = str(err).strip().splitlines()[0] if str(err).strip() else "it cannot be read"
    return BadInput(
        f"'{quoted(text)}' is not a valid {what} ({quoted(reason.rstrip('.'), 200)})", path=path, line=line
    )


def requirement(text: str, *, path: str | None, line: int | None) -> Requirement:
    """``packaging``'s Requirement, or BadInput "'xx>>1' is not a valid requirement (why)"."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(text)
    except InvalidRequirement as err:
        raise invalid("requirement", text, err, path=path, line=line) from None


def parse_requirement(
    text: str, *, path: str | None, line: int | None, **fields: object
) -> SourceRequirement:
    """A declared requirement string (PEP 508), validated, as a SourceRequirement."""
    text = text.strip()
    req = requirement(text, path=path, line=line)
    return SourceRequirement(
        text=text,
        name=req.name,
        line=line,
        origin=path,
        url=req.url or None,
        **fields,  # type: ignore[arg-type]
    )
