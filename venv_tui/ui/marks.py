"""What the index said, as the panels show it: a mark per package (↑ outdated, V vulnerable)
and a count per floor. Marks are words and letters, so they read without colour."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from venv_tui.ui.decide import cached_words, index_words
from venv_tui.ui.state import FloorIndex

OUTDATED = "↑"
VULNERABLE = "V"
LEGEND = f"{OUTDATED} outdated · {VULNERABLE} vulnerable"

# Per package (canonical name): the cell mark and the line under the list.
PackageMark = tuple[Text, Text]


def package_marks(index: FloorIndex) -> dict[str, PackageMark]:
    marks: dict[str, PackageMark] = {}
    for name in sorted(set(index.outdated) | set(index.vulnerable)):
        cell, line = Text(), Text()
        vulns = index.vulnerable.get(name, ())
        latest = index.outdated.get(name)
        if vulns:
            cell.append(VULNERABLE, "bold red")
            line.append(f"{VULNERABLE} vulnerable: ", "bold red")
            # Summaries come from the service: plain text, never markup.
            line.append("; ".join(_vulnerability(v.id, v.summary, v.fixed_in) for v in vulns))
        if latest is not None:
            if cell:
                cell.append(" ")
                line.append("\n")
            cell.append(OUTDATED, "bold yellow")
            line.append(f"{OUTDATED} newest on the index: ", "bold yellow")
            line.append(latest)
        if cached_words(index.cached_at):
            line.append(f" ({cached_words(index.cached_at)})", "dim")
        marks[name] = (cell, line)
    return marks


def _vulnerability(vid: str, summary: str, fixed_in: tuple[str, ...]) -> str:
    fixed = f" (fixed in {', '.join(fixed_in)})" if fixed_in else " (no fix yet)"
    return f"{vid}{': ' + summary if summary else ''}{fixed}"


def all_package_marks(index: Mapping[str, FloorIndex]) -> dict[str, dict[str, PackageMark]]:
    return {path: package_marks(floor) for path, floor in index.items()}


def floor_count(index: FloorIndex | None) -> Text:
    """The short count in the floors table: "↑2 V1"."""
    text = Text()
    if index is None:
        return text
    if index.problem:
        return Text("?", "dim")
    outdated, vulnerable = index.counts
    if vulnerable:
        text.append(f"{VULNERABLE}{vulnerable}", "bold red")
    if outdated:
        text.append(" " if text else "")
        text.append(f"{OUTDATED}{outdated}", "bold yellow")
    return text


def floor_line(index: FloorIndex | None) -> Text:
    """The floor's index result in words, for the line under the floors table."""
    if index is None:
        return Text()
    text = Text("index: ", "dim")
    text.append(index_words(index))
    if index.problem:
        text.append(f" ({index.problem})", "dim")
    if index.cached_at is not None:
        text.append(f" · {cached_words(index.cached_at)}", "dim")
    return text
