"""The Power Stations: every interpreter found, the default one as the house's first floor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from venv_tui.model import Interpreter
from venv_tui.ui.actions import bindings_for
from venv_tui.ui.panels.base import Panel, Table, tilde

SOURCE_WORDS = {
    "path": "PATH",
    "pyenv": "pyenv",
    "uv": "uv",
    "system": "system",
    "conda": "conda",
    "config": "config",
    "environment": "env",
}


def interpreter_row(
    interp: Interpreter, home: str | None = None, floors: int = 0
) -> tuple[Text, ...]:
    """The cells of one row: shadowed entries dimmed, the default one marked, how many floors
    are built on it."""
    dim = "dim" if interp.shadowed_by else ""
    mark = Text.styled("1st floor", "bold yellow") if interp.default else Text("")
    version = interp.version or "?"
    impl = "" if interp.implementation == "cpython" else interp.implementation
    where = SOURCE_WORDS.get(interp.source, interp.source)
    return (
        mark,
        Text.styled(f"{version} {impl}".strip(), dim),
        Text.styled(f"{where} · {floors} floor{'' if floors == 1 else 's'}" if floors else where, dim),
        Text.styled(tilde(interp.path, home), dim),
    )


def breakage(what: str, floors: Sequence[str]) -> str:
    """"remove 3.11.7 and these 2 floors break: a, b": the floors built on an interpreter
    (``what`` is its version, or its path when the version is unknown)."""
    n = len(floors)
    these = "this floor breaks" if n == 1 else f"these {n} floors break"
    return f"remove {what} and {these}: {', '.join(floors)}"


class InterpretersPanel(Panel):
    PANEL_ID = "interpreters"
    TITLE = "Interpreters · power stations"
    SHORT = "Pythons"

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("interpreters")

    home: str | None = None
    # The names of the floors built on each interpreter (by its path), from the one place that
    # matches floors to interpreters (tidy.built_on): counted in the rows, named in the note.
    built: Mapping[str, Sequence[str]] = {}

    def compose(self) -> ComposeResult:
        table = Table(id="interpreters-table")
        table.set_columns("", "Version", "Found", "Path", giving=("Path",))
        yield table
        yield Static("", id="interpreter-note", classes="note")

    def show(self, interpreters: Sequence[Interpreter], home: str | None = None) -> None:
        self.home = home
        table = self.table
        keep = table.selected_key()
        table.refill(
            [
                (interp.path, interpreter_row(interp, home, len(self.built.get(interp.path, ()))))
                for interp in interpreters
            ]
        )
        table.move_to_key(keep)
        self.border_subtitle = f"{len(interpreters)} found"
        self.note(interpreters)

    def note(self, interpreters: Sequence[Interpreter]) -> None:
        key = self.table.selected_key()
        interp = next((i for i in interpreters if i.path == key), None)
        text = Text()
        if interp is not None:
            # The whole path: the Path column may be cut at the table's right edge.
            text.append(tilde(interp.path, self.home), style="dim")
            if interp.shadowed_by:
                text.append(f" · hidden on PATH by {interp.shadowed_by}")
            elif interp.default:
                text.append(" · what `python3` runs: the house's first floor")
            breaks = self.built.get(interp.path, ())
            if breaks:  # whichever panel has the focus: the selection is what it speaks of
                text.append("\n")
                text.append(breakage(interp.version or interp.path, breaks), style="yellow")
        self.query_one("#interpreter-note", Static).update(text)

    def selected_path(self) -> str | None:
        return self.table.selected_key()
