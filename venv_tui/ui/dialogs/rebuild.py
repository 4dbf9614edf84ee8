"""Choose the interpreter to rebuild an environment on (a floor moved to a new Power Station).

The dialog says what the rebuild keeps (the installed packages) and what happens on a failure
(the old environment stays), so choosing is the only decision left to the user.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from venv_tui.model import Environment, Interpreter
from venv_tui.ui.dialogs.base import Dialog
from venv_tui.ui.dialogs.create import InterpreterList, pick_interpreter


def _preselect(environment: Environment, interpreters: Sequence[Interpreter]) -> int | None:
    """The interpreter the environment was made from, if it is still listed; else the default."""
    base = environment.base_interpreter
    if base:
        real = os.path.realpath(base)
        for index, interp in enumerate(interpreters):
            if base == interp.path or base in interp.names or real == interp.real_path:
                return index
    return pick_interpreter(interpreters)


class RebuildScreen(Dialog[str | None]):
    """Dismisses with the chosen interpreter's path, or None when cancelled."""

    AUTO_FOCUS = "#python"

    BINDINGS = [
        Binding("enter", "submit", "Rebuild", show=False),
        Binding("ctrl+s", "submit", "Rebuild", priority=True),
    ]

    DEFAULT_CSS = """
    RebuildScreen #about, RebuildScreen #explain {
        padding: 0 1;
        height: auto;
    }
    RebuildScreen #explain {
        margin-bottom: 1;
    }
    RebuildScreen InterpreterList {
        max-height: 10;
    }
    """

    def __init__(self, environment: Environment, interpreters: Sequence[Interpreter]) -> None:
        super().__init__()
        self.environment = environment
        self.interpreters = tuple(interpreters)

    def compose(self) -> ComposeResult:
        env = self.environment
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Rebuild {env.name}"
            dialog.border_subtitle = "↑/↓ choose · enter rebuild · esc cancel"
            yield Static(
                Content.assemble(
                    ("Now: ", "dim"),
                    (f"Python {env.python_version or '?'}", "bold"),
                    (" in ", "dim"),
                    env.path,
                ),
                id="about",
            )
            yield Static(
                "The installed packages are reinstalled on the Python you choose. The old "
                "environment is kept until the new one works: if the rebuild fails, it stays "
                "as it was.",
                id="explain",
                markup=False,
            )
            python = InterpreterList(
                self.interpreters,
                selected=_preselect(env, self.interpreters),
                empty="No interpreter was found to rebuild on.",
                id="python",
            )
            python.border_title = "Rebuild on"
            yield python
            with Horizontal(classes="buttons"):
                yield Button("Rebuild", variant="primary", id="rebuild")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#rebuild", Button).disabled = not self.interpreters

    def action_submit(self) -> None:
        chosen = self.query_one(InterpreterList).selected_interpreter
        if chosen is None:
            self.app.bell()
            return
        self.dismiss(chosen.path)

    @on(Button.Pressed, "#rebuild")
    def _rebuild(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

