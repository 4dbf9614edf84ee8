"""Command line: the TUI by default, headless subcommands otherwise (placeholder)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("venv-tui: not built yet", file=sys.stderr)
    return 2
