"""The exceptions the service layer raises for problems a user can fix.

Each carries one plain sentence (with a file and line number where there is one); clients print
``str(err)`` and never a traceback. The headless CLI maps :class:`BadInput` and :class:`Refused`
to exit status 2.
"""

from __future__ import annotations


class VenvTuiError(Exception):
    """A problem described by one plain sentence."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = location(self.path, self.line)
        return f"{where}: {self.message}" if where else self.message


class BadInput(VenvTuiError):
    """Malformed or missing input: a file, a path, a requirement, a config value."""


class Refused(VenvTuiError):
    """A guarded action that was refused (delete outside an environment, an option as a
    requirement, ...). Nothing was changed."""


class ExternallyManaged(Refused):
    """pip was not run on a base interpreter that its distributor marked as externally managed
    (PEP 668). ``error`` is the marker file's own message; the alternative a client offers is a
    new floor (a virtual environment) made from this interpreter."""

    def __init__(self, *, python: str, marker: str, error: str) -> None:
        self.python = python
        self.marker = marker
        self.error = error
        super().__init__(
            f"{python} is marked as externally managed ({marker}): {' '.join(error.split())} "
            "— make a new floor (a virtual environment) from it and install there instead"
        )


class ToolFailed(VenvTuiError):
    """A real tool (venv, pip) ran and failed; the message holds its last error line."""


def location(path: str | None, line: int | None) -> str:
    """``"robot.py, line 3"``, ``"robot.py"`` or ``""``."""
    if path and line:
        return f"{path}, line {line}"
    if path:
        return path
    if line:
        return f"line {line}"
    return ""


def shorten(text: str, limit: int = 80) -> str:
    """User text as it goes into a message: one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
