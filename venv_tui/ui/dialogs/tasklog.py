"""The output of a running task (pip, venv, a rebuild), line by line, and how it ended.

While the task runs, escape or ctrl+c cancels it at once (no question: the worker stops the
process and the task still calls :meth:`TaskLogScreen.finish`); afterwards the same keys close
the dialog. The lines that look like errors are repeated below the log, so the reason for a
failure is visible without scrolling through pip's output.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Log, ProgressBar, Static

from venv_tui.model import PipResult
from venv_tui.ui.dialogs.base import Dialog

# Enough to read back a long pip run; older lines are dropped so memory stays bounded.
MAX_LINES = 5000


def outcome(result: PipResult) -> str:
    """``done``, ``failed (exit N)`` or ``cancelled``, in words (they carry the meaning when
    the terminal shows no colour)."""
    if result.cancelled:
        return "cancelled"
    if result.returncode == 0:
        return "done"
    if result.returncode is None:
        return "failed"
    return f"failed (exit {result.returncode})"


class TaskLogScreen(Dialog[bool]):
    """Streams lines from a task; dismisses with ``result.ok`` once finished and closed."""

    AUTO_FOCUS = "#log"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+c", "stop_or_close", "Cancel", priority=True, show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    DEFAULT_CSS = """
    TaskLogScreen .dialog {
        width: 110;
        height: 90%;
    }
    TaskLogScreen #log {
        height: 1fr;
        width: 100%;
        padding: 0 1;
        overflow: auto auto;
        border: round $border-blurred;
        background: $surface;
    }
    TaskLogScreen #log:focus {
        border: round $border;
    }
    TaskLogScreen #state {
        height: 1;
        margin: 0 1;
    }
    TaskLogScreen #progress {
        width: 22;
        margin-right: 2;
    }
    TaskLogScreen #status {
        width: 1fr;
        text-style: bold;
    }
    TaskLogScreen #status.-ok {
        color: $text-success;
    }
    TaskLogScreen #status.-failed, TaskLogScreen #status.-cancelled {
        color: $text-error;
    }
    TaskLogScreen #errors {
        display: none;
        height: auto;
        max-height: 8;
        border: round $error;
        border-title-style: bold;
        color: $text-error;
        padding: 0 1;
    }
    TaskLogScreen #errors.-shown {
        display: block;
    }
    """

    def __init__(self, title: str, on_cancel: Callable[[], None]) -> None:
        super().__init__()
        self.dialog_title = title
        self.on_cancel = on_cancel
        self.result: PipResult | None = None
        self.cancel_requested = False
        # Lines (and a result) that arrive before the widgets exist are kept until mount.
        self._pending: list[str] = []
        self._ready = False

    @property
    def finished(self) -> bool:
        return self.result is not None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.dialog_title
            dialog.border_subtitle = "esc/ctrl+c cancel"
            yield Log(max_lines=MAX_LINES, id="log")
            with Horizontal(id="state"):
                yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="progress")
                yield Static("running…", id="status", markup=False)
            errors = Static("", id="errors", markup=False)
            errors.border_title = "Errors"
            yield errors
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self._ready = True
        if self._pending:
            self.query_one(Log).write_lines(self._pending)
            self._pending.clear()
        if self.result is not None:
            self._show_result(self.result)

    # -- called by the app (on the UI thread) ----------------------------------------------

    def write_line(self, line: str) -> None:
        """Append one line of the task's output."""
        line = line.rstrip("\r\n")
        if not self._ready:
            self._pending.append(line)
            return
        try:
            self.query_one(Log).write_line(line)
        except NoMatches:  # the dialog is already closing
            pass

    def finish(self, result: PipResult) -> None:
        """Show how the task ended; the Cancel button becomes Close."""
        self.result = result
        if self._ready:
            self._show_result(result)

    def _show_result(self, result: PipResult) -> None:
        self.query_one("#progress", ProgressBar).display = False
        status = self.query_one("#status", Static)
        status.update(outcome(result))
        if result.cancelled:
            status.add_class("-cancelled")
        elif result.ok:
            status.add_class("-ok")
        else:
            status.add_class("-failed")
        if result.error_lines:
            errors = self.query_one("#errors", Static)
            errors.update("\n".join(result.error_lines))
            errors.add_class("-shown")
        button = self.query_one("#close", Button)
        button.label = "Close"
        button.variant = "primary" if result.ok else "default"
        self.query_one(Vertical).border_subtitle = "enter/esc close"
        button.focus()

    # -- keys ------------------------------------------------------------------------------

    def _request_cancel(self) -> None:
        if self.cancel_requested:
            return
        self.cancel_requested = True
        self.query_one("#status", Static).update("cancelling…")
        self.on_cancel()

    def action_cancel(self) -> None:
        """Escape: cancel the running task at once, or close the finished log."""
        self.action_stop_or_close()

    def action_stop_or_close(self) -> None:
        if self.result is None:
            self._request_cancel()
        else:
            self.dismiss(self.result.ok)

    def action_close(self) -> None:
        if self.result is not None:
            self.dismiss(self.result.ok)

    @on(Button.Pressed, "#close")
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_stop_or_close()
