"""The keys, by section, and a few lines on the picture the app draws.

The caller passes the sections (the app knows its bindings); this screen only lays them out in a
scrollable list that fits 80x24.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from venv_tui.ui.dialogs.base import Dialog

PICTURE = (
    "Your machine is a house. Each floor is a Python: the first floor is the "
    "interpreter that python3 finds first on PATH, the floors above are virtual environments "
    "built on it. The lamp marks the active floor, the one your scripts run in. Robots are "
    "scripts: their hands are the requirements they declare, and a hand fits when the "
    "lit floor has a matching package installed. When a hand does not fit, install the "
    "package on this floor, or build a new floor for the robot."
)

Section = tuple[str, Sequence[tuple[str, str]]]


def section_content(title: str, keys: Sequence[tuple[str, str]], key_width: int) -> Content:
    """A section title and its ``key  description`` lines, keys padded to one column."""
    parts: list[str | tuple[str, str]] = [(title, "bold underline"), "\n"]
    for index, (key, description) in enumerate(keys):
        parts.append((f"  {key:<{key_width}}", "bold"))
        parts.append(f"  {description}")
        if index < len(keys) - 1:
            parts.append("\n")
    return Content.assemble(*parts)


class HelpScreen(Dialog[None]):
    """Scrollable keys; escape, q, ? or F1 closes."""

    AUTO_FOCUS = "#help-body"

    BINDINGS = [
        Binding("q,question_mark,f1", "cancel", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen .dialog {
        width: 80;
        height: auto;
        max-height: 100%;
    }
    HelpScreen #help-body {
        height: auto;
        max-height: 100%;
    }
    HelpScreen #picture {
        color: $text-muted;
        margin-bottom: 1;
    }
    HelpScreen .section {
        margin-bottom: 1;
    }
    """

    def __init__(self, sections: Sequence[Section], *, title: str = "Keys") -> None:
        super().__init__()
        self.sections = tuple(sections)
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        key_width = max(
            (len(key) for _title, keys in self.sections for key, _desc in keys), default=0
        )
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.dialog_title
            dialog.border_subtitle = "↑/↓ scroll · esc/q/?/F1 close"
            with VerticalScroll(id="help-body"):
                for title, keys in self.sections:
                    yield Static(section_content(title, keys, key_width), classes="section")
                yield Static(
                    Content.assemble(("The picture", "bold underline"), "\n", PICTURE),
                    id="picture",
                )

