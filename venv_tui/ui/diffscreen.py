"""Two floors compared, on a screen of its own: what only one holds, what differs in version.

Rows that are the same are hidden until ``a`` shows them; escape goes back to the house.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from venv_tui.ui.panels.base import Table

if TYPE_CHECKING:
    from venv_tui.services.diff import DiffRow, FloorDiff

# The change in words and a mark, so it reads without colour.
CHANGES: dict[str, tuple[str, str]] = {
    "only-left": ("< only left", "bold cyan"),
    "only-right": ("> only right", "bold magenta"),
    "different": ("≠ different", "bold yellow"),
    "same": ("= same", "dim"),
}


def header(diff: FloorDiff, left: str, right: str) -> Text:
    text = Text()
    text.append("left: ", style="dim")
    text.append(left, style="bold")
    text.append(f" (Python {diff.left_python or '?'})")
    text.append("   right: ", style="dim")
    text.append(right, style="bold")
    text.append(f" (Python {diff.right_python or '?'})")
    if diff.left_python != diff.right_python:
        text.append("   Python versions differ", style="bold yellow")
    counts = {c: sum(1 for r in diff.rows if r.change == c) for c in CHANGES}
    text.append("\n")
    text.append(
        f"{counts['only-left']} only left · {counts['only-right']} only right · "
        f"{counts['different']} different · {counts['same']} same"
    )
    if diff.same:
        text.append(" — they hold the same", style="bold green")
    return text


def diff_cells(row: DiffRow) -> tuple[Text, Text, Text, Text]:
    word, style = CHANGES[row.change]
    return (Text(word, style), Text(row.name), Text(row.left or "—"), Text(row.right or "—"))


class DiffScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back"),
        Binding("a", "toggle_same", "Show same"),
    ]

    DEFAULT_CSS = """
    DiffScreen #diff-header {
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-style: bold;
    }
    DiffScreen Table {
        height: 1fr;
        overflow-x: hidden;  /* the Name column gives way: the versions are always in view */
    }
    """

    def __init__(self, diff: FloorDiff, left: str, right: str) -> None:
        super().__init__()
        self.diff = diff
        self.left = left
        self.right = right
        self.show_same = False

    def compose(self) -> ComposeResult:
        head = Static(header(self.diff, self.left, self.right), id="diff-header")
        head.border_title = f"Compare {self.left} with {self.right}"
        yield head
        table = Table(id="diff-table")
        table.zebra_stripes = True
        table.cursor_foreground_priority = "css"  # the cursor row in the cursor's colours
        # Left and Right, not the floors' names (the header above says them): a long name would
        # widen a column of versions; a long package name is cut, the versions stay whole.
        table.set_columns("Change", "Name", "Left", "Right", giving=("Name",))
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#diff-table", Table)
        rows = self.diff.shown(self.show_same)
        cells: list[tuple[str, tuple[Text, ...]]] = [(row.name, diff_cells(row)) for row in rows]
        if not rows:
            cells.append(("\0none", (Text("nothing differs", "dim"), Text(""), Text(""), Text(""))))
        table.refill(cells)
        hidden = len(self.diff.rows) - len(rows)
        self.query_one("#diff-header", Static).border_subtitle = (
            f"{hidden} same hidden · a shows them" if hidden else "a hides the same"
        )

    def action_toggle_same(self) -> None:
        self.show_same = not self.show_same
        self._fill()

    def action_close(self) -> None:
        self.dismiss(None)
