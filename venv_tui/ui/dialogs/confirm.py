"""A yes/no question before something that cannot be undone (deleting an environment).

Focus starts on Cancel, so an absent-minded enter changes nothing; ``y`` confirms, ``n`` and
escape cancel. The caller puts the path in the message: the user sees exactly what goes.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from venv_tui.ui.dialogs.base import Dialog


class ConfirmScreen(Dialog[bool]):
    """Dismisses with True only when the user confirms."""

    AUTO_FOCUS = "#cancel"

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    cancel_result = False

    DEFAULT_CSS = """
    ConfirmScreen .dialog {
        width: 72;
    }
    ConfirmScreen .dialog.-danger {
        border: heavy $error;
    }
    ConfirmScreen #message {
        padding: 1 1;
        height: auto;
    }
    """

    def __init__(
        self,
        title: str,
        message: str,
        *,
        confirm_label: str = "Delete",
        danger: bool = True,
    ) -> None:
        super().__init__()
        self.dialog_title = title
        self.message = message
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -danger" if self.danger else "dialog") as dialog:
            dialog.border_title = self.dialog_title
            dialog.border_subtitle = f"y {self.confirm_label.lower()} · n/esc cancel"
            # markup=False: a path may hold "[" and must be shown exactly as it is.
            yield Static(self.message, id="message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(
                    self.confirm_label,
                    variant="error" if self.danger else "primary",
                    id="confirm",
                )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm")
    def _confirm(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

