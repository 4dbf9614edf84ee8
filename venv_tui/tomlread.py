"""Reading TOML with errors that name the file and line (config, pyproject, PEP 723 blocks)."""

from __future__ import annotations

import re
import sys
from typing import Any

from venv_tui.errors import BadInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_AT = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$|\s*\(at end of document\)\s*$")


def loads(
    text: str, *, path: str | None = None, what: str = "the file", line_offset: int = 0
) -> dict[str, Any]:
    """Parse TOML; raise BadInput "PATH, line N: WHAT is not valid TOML (reason)".

    ``line_offset`` shifts the reported line, for TOML embedded in another file (PEP 723).
    """
    try:
        return tomllib.loads(text)
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
