"""Ask for one line of text (a note on a floor, a requirement to look for)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from venv_tui.ui.dialogs.base import Dialog


class AskScreen(Dialog["str | None"]):
    """Dismisses with the typed line (possibly empty), or None when cancelled."""

    AUTO_FOCUS = "#answer"

    DEFAULT_CSS = """
    AskScreen .dialog {
        width: 72;
    }
    AskScreen #question {
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, title: str, question: str, *, initial: str = "") -> None:
        super().__init__()
        self.dialog_title = title
        self.question = question
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.dialog_title
            dialog.border_subtitle = "enter ok · esc cancel"
            yield Static(Text(self.question), id="question")
            yield Input(self.initial, id="answer")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("OK", variant="primary", id="ok")

    @on(Input.Submitted, "#answer")
    @on(Button.Pressed, "#ok")
    def _done(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.query_one("#answer", Input).value)
