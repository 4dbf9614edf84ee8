"""Export a floor: the format (requirements or pylock.toml), only what was asked for, the file.

The file follows the format until the user types one: ``requirements-<floor>.txt`` or
``pylock.toml`` in the project folder. A lock holds everything, so "top-level only" is offered
for requirements alone (the command line refuses the pair too).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from venv_tui.ui.decide import EXPORT_FORMATS, export_file
from venv_tui.ui.dialogs.base import Dialog

FORMAT_LABELS = {
    "requirements": "requirements (name==version)",
    "pylock": "pylock.toml (PEP 751, with hashes)",
}


@dataclass(frozen=True)
class ExportRequest:
    fmt: str  # "requirements" or "pylock"
    top_level: bool
    path: str


class ExportScreen(Dialog["ExportRequest | None"]):
    """Dismisses with what to write where, or None when cancelled."""

    AUTO_FOCUS = "#format"

    BINDINGS = [Binding("ctrl+s", "submit", "Export", priority=True)]

    DEFAULT_CSS = """
    ExportScreen .dialog {
        width: 76;
    }
    ExportScreen RadioSet {
        width: 100%;
        border: round $border-blurred;
    }
    ExportScreen RadioSet:focus-within {
        border: round $border;
    }
    ExportScreen Checkbox {
        width: 100%;
    }
    ExportScreen #export-problem, ExportScreen .hint {
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, floor: str, folder: str) -> None:
        super().__init__()
        self.floor = floor
        self.folder = folder
        self.fmt = "requirements"
        self._typed = False  # the user typed a file: a format change no longer replaces it

    def default_path(self) -> str:
        return os.path.join(self.folder, export_file(self.fmt, self.floor))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Export {self.floor}"
            dialog.border_subtitle = "ctrl+s export · esc cancel"
            with RadioSet(id="format") as formats:
                formats.border_title = "Format"
                for fmt in EXPORT_FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == self.fmt, id=f"format-{fmt}")
            yield Checkbox("Only what was asked for (top-level)", id="top-level")
            path = Input(self.default_path(), id="path")
            path.border_title = "File"
            yield path
            yield Static("", id="export-problem", classes="problem")
            yield Static(
                "Written whole or not at all; a lock looks up each file on the floor's index.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", variant="primary", id="export")

    @on(RadioSet.Changed, "#format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt = (event.pressed.id or "format-requirements").removeprefix("format-")
        top = self.query_one("#top-level", Checkbox)
        top.disabled = self.fmt == "pylock"
        if top.disabled:
            top.value = False
        if not self._typed:
            self.query_one("#path", Input).value = self.default_path()

    @on(Input.Changed, "#path")
    def _path_typed(self, event: Input.Changed) -> None:
        # The field's own first value (and a format change) are no typing.
        self._typed = event.value != self.default_path()
        self.query_one("#export-problem", Static).update("")

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#export")
    def _submit(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.query_one("#export-problem", Static).update("Name a file to write.")
            return
        path = os.path.join(self.folder, os.path.expanduser(path))  # relative: to the project
        top = self.query_one("#top-level", Checkbox).value and self.fmt != "pylock"
        self.dismiss(ExportRequest(self.fmt, top, path))
