"""What every dialog shares: a centred box that fits 80x24, escape and a Cancel button that
cancel, the shared CSS, and notifications kept at the top so they never cover the buttons.

A flow awaits a dialog's answer with ``await app.push_screen_wait(Dialog(...))`` inside a
worker; ``cancel_result`` is what escape answers.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button

ResultT = TypeVar("ResultT")

# Titles in the border, state said in words, focus shown by reverse video: the meaning stays
# without colour.
DIALOG_CSS = """
.dialog {
    width: 96;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    overflow-y: auto;  /* a long path may wrap: scroll rather than cut the buttons off */
    border: round $primary;
    border-title-style: bold;
    border-title-color: $text;
    border-subtitle-color: $text-muted;
    background: $surface;
    padding: 0 1;
}
.dialog .buttons {
    height: auto;
    width: 100%;
    align-horizontal: right;
}
.dialog .buttons Button {
    margin-left: 2;
    min-width: 10;
}
.dialog .problem {
    color: $text-error;
    text-style: bold;
    height: auto;
}
.dialog .hint {
    color: $text-muted;
}
.dialog Input {
    border: round $border-blurred;
    border-title-color: $text-muted;
    height: 3;
}
.dialog Input:focus {
    border: round $border;
    border-title-color: $text;
    border-title-style: bold;
}
"""


class Dialog(ModalScreen[ResultT], Generic[ResultT]):
    """A modal dialog: escape (or the #cancel button) dismisses it with ``cancel_result``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    DEFAULT_CSS = (
        """
    Dialog {
        align: center middle;
    }
    /* Toasts dock at the top over a dialog: its buttons sit at the bottom right. */
    Dialog ToastRack {
        dock: top;
        align: right top;
        margin-bottom: 0;
    }
    """
        + DIALOG_CSS
    )

    cancel_result: Any = None

    def action_cancel(self) -> None:
        self.dismiss(self.cancel_result)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
