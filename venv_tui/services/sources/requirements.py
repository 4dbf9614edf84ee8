"""pip's requirements-file format, read the way ``pip install -r`` reads it.

What pip does (``pip/_internal/req/req_file.py``) and is kept here: a line ending in ``\\`` joins
the next; ``#`` at the start or after whitespace starts a comment; ``${VAR}`` is expanded from
the environment; ``-r``/``-c`` include other files relative to the including one (anywhere on
disk, as pip allows, including a parent folder; everything under a ``-c`` is a constraint);
option lines (``--index-url`` ...) are kept aside and never acted on; ``--hash`` belongs to a
requirement line but not to its text. What pip would fetch over the network (a ``-r`` URL) is
not read: a warning says so.

Every step is linear in the line's length (no expression that backtracks: a line of 80,000
spaces costs what its length costs), and what one source may hold is bounded:
:data:`MAX_INCLUDE_DEPTH` files inside each other, :data:`MAX_INCLUDED_FILES` files read in all,
:data:`MAX_REQUIREMENTS` requirements.
"""

from __future__ import annotations

import os
import re
import shlex

from venv_tui.errors import BadInput
from venv_tui.files import shown
from venv_tui.model import RequirementSource, SourceRequirement
from venv_tui.services.sources import decode, invalid, quoted, read_text, requirement, unreadable_sentence

_ENV_VAR = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^file:")
_NAME_START = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EGG = re.compile(r"[#&]egg=([^&#\s]+)")

# Options that take a value, by every spelling pip accepts, mapped to their long name.
_WITH_VALUE = {
    "-r": "--requirement",
    "--requirement": "--requirement",
    "-c": "--constraint",
    "--constraint": "--constraint",
    "-e": "--editable",
    "--editable": "--editable",
    "-i": "--index-url",
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "-f": "--find-links",
    "--find-links": "--find-links",
    "--no-binary": "--no-binary",
    "--only-binary": "--only-binary",
    "--trusted-host": "--trusted-host",
    "--use-feature": "--use-feature",
}
_FLAGS = frozenset({"--pre", "--prefer-binary", "--no-index", "--require-hashes"})
# Options pip accepts after a requirement on the same line.
_PER_REQUIREMENT = frozenset({"--hash", "--config-settings", "--global-option"})
MAX_INCLUDE_DEPTH = 100  # files included inside each other (-r a -> -r b -> ...)
MAX_INCLUDED_FILES = 1000  # files read in all for one source
MAX_REQUIREMENTS = 5_000_000  # a 100 MB file of ordinary lines holds about 3.3 million
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")


def parse_requirements_file(path: str, *, text: str | None = None) -> RequirementSource:
    """Every requirement of ``path`` and what it includes. Raises BadInput with file and line."""
    state = _State()
    _parse(path, text if text is not None else read_text(path), False, (), state)
    return RequirementSource(
        path=path,
        kind="requirements",
        requirements=tuple(state.requirements),
        options=tuple(state.options),
        warnings=tuple(state.warnings),
    )


class _State:
    def __init__(self) -> None:
        self.requirements: list[SourceRequirement] = []
        self.options: list[str] = []
        self.warnings: list[str] = []
        self.files_read = 1
        # A requirement text already parsed in this source (a file of one line repeated a million
        # times must not cost a million parses): its name and URL.
        self.known: dict[str, tuple[str, str | None]] = {}


def strip_comment(line: str) -> str:
    """``line`` without its comment: pip's ``(^|\\s+)#.*$``, found without backtracking."""
    start = 0
    while True:
        at = line.find("#", start)
        if at < 0:
            return line
        if at == 0 or line[at - 1].isspace():
            return line[:at]
        start = at + 1


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, line) after joining continuations and dropping comments, as pip."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    first = 0

    def add(number: int, line: str) -> None:
        line = strip_comment(line).strip()
        if line:
            result.append((number, _expand(line) if "${" in line else line))

    for number, line in enumerate(text.split("\n"), 1):
        is_comment = line.lstrip().startswith("#")
        if not line.endswith("\\") or is_comment:
            if is_comment:
                line = " " + line  # so the comment is still stripped once joined
            if pending:
                pending.append(line)
                add(first, "".join(pending))
                pending = []
            else:
                add(number, line)
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        add(first, "".join(pending))
    return result


def _expand(line: str) -> str:
    for match in _ENV_VAR.finditer(line):
        value = os.environ.get(match.group("name"))
        if value:
            line = line.replace(match.group("var"), value)
    return line


def _parse(path: str, text: str, constraint: bool, stack: tuple[str, ...], state: _State) -> None:
    here = os.path.realpath(path)
    stack = (*stack, here)
    for number, line in logical_lines(text):
        if line[0] == "-":
            _option_line(path, number, line, constraint, stack, state)
        else:
            if len(state.requirements) >= MAX_REQUIREMENTS:
                raise BadInput(
                    f"more than {MAX_REQUIREMENTS:,} requirements; the rest is not read",
                    path=path,
                    line=number,
                )
            state.requirements.append(_requirement_line(path, number, line, constraint, state.known))


def _split(path: str, number: int, line: str) -> list[str]:
    try:
        return shlex.split(line, comments=False)
    except ValueError as err:
        raise BadInput(f"the line cannot be read ({quoted(str(err))})", path=path, line=number) from None


def _option_line(
    path: str, number: int, line: str, constraint: bool, stack: tuple[str, ...], state: _State
) -> None:
    tokens = _split(path, number, line)
    while tokens:
        name, value, tokens = _take_option(path, number, tokens)
        if name == "--requirement" or name == "--constraint":
            _include(path, number, value, constraint or name == "--constraint", stack, state)
        elif name == "--editable":
            state.requirements.append(_editable(path, number, value, constraint))
        else:
            state.options.append(f"{name} {value}" if value is not None else name)


def _take_option(path: str, number: int, tokens: list[str]) -> tuple[str, str | None, list[str]]:
    """One option from the front of ``tokens``: (long name, value or None, the rest)."""
    token = tokens[0]
    rest = tokens[1:]
    key, eq, inline = token.partition("=")
    if not eq and not token.startswith("--") and len(token) > 2:
        key, inline = token[:2], token[2:]  # "-rfile": pip (optparse) reads it as "-r file"
        eq = "=" if key in _WITH_VALUE else ""
    if key in _FLAGS and not eq:
        return key, None, rest
    if key in _WITH_VALUE:
        if eq:
            return _WITH_VALUE[key], inline, rest
        if not rest:
            raise BadInput(f"option '{quoted(key)}' needs a value", path=path, line=number)
        return _WITH_VALUE[key], rest[0], rest[1:]
    if key in _PER_REQUIREMENT:
        raise BadInput(f"option '{quoted(key)}' belongs after a requirement", path=path, line=number)
    if not key.startswith("-"):
        raise BadInput(
            f"'{quoted(token)}' is not an option (one line holds one requirement)", path=path, line=number
        )
    raise BadInput(f"unknown option '{quoted(key)}'", path=path, line=number)


def _include(
    path: str,
    number: int,
    value: str | None,
    constraint: bool,
    stack: tuple[str, ...],
    state: _State,
) -> None:
    value = value or ""
    if "\0" in value:
        raise BadInput("the included file's path contains a NUL byte", path=path, line=number)
    if _SCHEME.match(value) and not value.startswith("file:"):
        state.warnings.append(
            f"{_shown(path)}, line {number}: {_shown(value)} is on the network and was not read"
        )
        return
    if value.startswith("file:"):
        value = re.sub(r"^file:(//)?", "", value)
    if len(stack) >= MAX_INCLUDE_DEPTH:
        raise BadInput(
            f"including {_shown(value)} would nest files more than {MAX_INCLUDE_DEPTH} deep",
            path=path,
            line=number,
        )
    if state.files_read >= MAX_INCLUDED_FILES:
        raise BadInput(
            f"including {_shown(value)} would read more than {MAX_INCLUDED_FILES} files",
            path=path,
            line=number,
        )
    target = os.path.join(os.path.dirname(path), os.path.expanduser(value))
    target = os.path.normpath(target)
    real = os.path.realpath(target)
    if real in stack:
        chain = " -> ".join(os.path.basename(p) for p in (*stack, real))
        message = f"including {_shown(value)} makes a cycle ({quoted(chain, 200)})"
        raise BadInput(message, path=path, line=number)
    from venv_tui import files

    try:
        data = files.read_bytes(target, files.LIMIT_SOURCE)
    except files.Unreadable as err:
        reason = unreadable_sentence(err.reason)
        message = f"the included file {_shown(value)} {reason}"
        raise BadInput(message, path=path, line=number) from None
    try:
        text = decode(data, target)
    except BadInput as err:
        message = f"the included file {_shown(value)}: {err}"
        raise BadInput(message, path=path, line=number) from None
    state.files_read += 1
    _parse(target, text, constraint, stack, state)


def _shown(value: str) -> str:
    """A path from the file as it goes into a message: cut short, control characters escaped."""
    from venv_tui.text import printable

    return printable(shown(value))


def _editable(path: str, number: int, value: str | None, constraint: bool) -> SourceRequirement:
    value = (value or "").strip()
    egg = _EGG.search(value)
    name = egg.group(1) if egg else ""
    if not _SCHEME.match(value) and not _looks_like_path(value) and "@" in value:
        # "-e name @ git+https://..." is a named URL requirement.
        req = requirement(value, path=path, line=number)
        name = req.name
    if name:
        _check_name(name, path, number)
    return SourceRequirement(
        text=value,
        name=name,
        line=number,
        origin=path,
        editable=True,
        url=value,
        constraint=constraint,
    )


def _requirement_line(
    path: str, number: int, line: str, constraint: bool, known: dict[str, tuple[str, str | None]]
) -> SourceRequirement:
    # pip: the requirement is every token up to the first that starts with "-".
    text = line
    if " -" in line:
        words = line.split(" ")
        for index, word in enumerate(words):
            if word.startswith("-"):
                text = " ".join(words[:index]).strip()
                _per_requirement_options(path, number, " ".join(words[index:]))
                break
    found = known.get(text)
    if found is None:
        if _SCHEME.match(text) or _looks_like_path(text):
            return _url_line(path, number, text, constraint)
        req = requirement(text, path=path, line=number)
        found = known[text] = (req.name, req.url or None)
    return SourceRequirement(
        text=text,
        name=found[0],
        line=number,
        origin=path,
        url=found[1],
        constraint=constraint,
    )


def _per_requirement_options(path: str, number: int, options: str) -> None:
    for token in _split(path, number, options):
        key = token.partition("=")[0]
        if key not in _PER_REQUIREMENT and token.startswith("-"):
            raise BadInput(f"unknown option '{quoted(key)}'", path=path, line=number)


def _looks_like_path(text: str) -> bool:
    head = text.split(";", 1)[0].strip()
    if _is_named_url(head):
        return False
    return (
        head.startswith((".", "/", "~"))
        or (os.sep != "/" and head.startswith(os.sep))
        or (("/" in head or os.sep in head) and "@" not in head)
        or head.lower().endswith(_ARCHIVES)
    )


def _is_named_url(head: str) -> bool:
    """``name [extras] @ ...``: read left to right, once (an expression with two optional
    runs of spaces around the extras backtracks quadratically on a long line of spaces)."""
    match = _NAME_START.match(head)
    if match is None:
        return False
    rest = head[match.end() :].lstrip()
    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            return False
        rest = rest[close + 1 :].lstrip()
    return rest.startswith("@")


def _url_line(path: str, number: int, text: str, constraint: bool) -> SourceRequirement:
    """A bare URL or path: pip splits a marker off with "; " (a URL may hold ";")."""
    location, sep, marker = text.partition("; ") if _SCHEME.match(text) else text.partition(";")
    if sep:
        from packaging.markers import InvalidMarker, Marker

        try:
            Marker(marker.strip())
        except InvalidMarker as err:
            raise invalid("marker", marker.strip(), err, path=path, line=number) from None
    egg = _EGG.search(location)
    name = egg.group(1) if egg else ""
    if name:
        _check_name(name, path, number)
    return SourceRequirement(
        text=text,
        name=name,
        line=number,
        origin=path,
        url=location.strip(),
        constraint=constraint,
    )


def _check_name(name: str, path: str, number: int) -> None:
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name):
        raise BadInput(f"'{quoted(name)}' is not a valid project name", path=path, line=number)
