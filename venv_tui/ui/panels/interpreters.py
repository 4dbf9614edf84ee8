"""The Power Stations: every interpreter found, the default one as the house's first floor."""

from __future__ import annotations

from collections.abc import Sequence
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


def interpreter_row(interp: Interpreter, home: str | None = None) -> tuple[Text, ...]:
    """The cells of one row: shadowed entries dimmed, the default one marked."""
    dim = "dim" if interp.shadowed_by else ""
    mark = Text.styled("1st floor", "bold yellow") if interp.default else Text("")
    version = interp.version or "?"
    impl = "" if interp.implementation == "cpython" else interp.implementation
    where = SOURCE_WORDS.get(interp.source, interp.source)
    return (
        mark,
        Text.styled(f"{version} {impl}".strip(), dim),
        Text.styled(where, dim),
        Text.styled(tilde(interp.path, home), dim),
    )


class InterpretersPanel(Panel):
    PANEL_ID = "interpreters"
    TITLE = "Interpreters · power stations"
    SHORT = "Pythons"

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("interpreters")

    home: str | None = None

    def compose(self) -> ComposeResult:
        table = Table(id="interpreters-table")
        table.set_columns("", "Version", "Found", "Path")
        yield table
        yield Static("", id="interpreter-note", classes="note")

    def show(self, interpreters: Sequence[Interpreter], home: str | None = None) -> None:
        self.home = home
        table = self.table
        keep = table.selected_key()
        table.reset()
        for interp in interpreters:
            table.add_row(*interpreter_row(interp, home), key=interp.path)
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
        self.query_one("#interpreter-note", Static).update(text)

    def selected_path(self) -> str | None:
        return self.table.selected_key()
