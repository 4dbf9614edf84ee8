"""Pick one floor from a list (the other side of a comparison)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from venv_tui.ui.dialogs.base import Dialog


class PickFloorScreen(Dialog["str | None"]):
    """Dismisses with the chosen floor's path, or None when cancelled. ``choices`` are
    (path, label) pairs; labels are text from disk, never markup."""

    AUTO_FOCUS = "#floors"

    DEFAULT_CSS = """
    PickFloorScreen .dialog {
        width: 72;
    }
    PickFloorScreen OptionList {
        max-height: 12;
        border: round $border;
    }
    PickFloorScreen #question {
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, title: str, question: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.dialog_title = title
        self.question = question
        self.choices = tuple(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.dialog_title
            dialog.border_subtitle = "enter pick · esc cancel"
            yield Static(Text(self.question), id="question")
            yield OptionList(*(Option(Text(label), id=path) for path, label in self.choices), id="floors")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")

    @on(OptionList.OptionSelected, "#floors")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
