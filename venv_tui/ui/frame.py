"""The house's frame: what the first frame shows while the main screen is still being imported.

It is drawn from what a bare Textual app imports anyway: the status line and the four panels'
borders, with their titles and "reading…". The main screen, its tables, flows and dialogs, and
the services are imported right after this frame is on screen, and replace it; the picture keeps
its place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import Static

from venv_tui.ui.actions import ACTIONS

if TYPE_CHECKING:
    from textual.app import ComposeResult

# (panel id, title) in the main screen's order; the panels' own TITLE (a test holds them equal).
FRAME: tuple[tuple[str, str], ...] = (
    ("interpreters", "Interpreters · power stations"),
    ("packages", "Packages · robots on this floor"),
    ("environments", "Environments · the house's floors"),
    ("scripts", "Robots · scripts vs. the lit floor"),
)
FIRST_PANEL = "environments"  # the panel that has focus when the main screen opens
STATUS = "venv-tui · scanning…"
READING = "reading…"


def set_breakpoints(screen: Screen[Any]) -> None:
    """The breakpoint classes Textual would add at the first resize, set before the first
    styling: otherwise every node is styled and laid out twice before the first frame."""
    width, height = screen.app.size
    for dimension, breakpoints in (
        (width, screen.app.HORIZONTAL_BREAKPOINTS or []),
        (height, screen.app.VERTICAL_BREAKPOINTS or []),
    ):
        for name in screen._get_breakpoint_classes(dimension, breakpoints):
            screen.set_class(True, name, update=False)


class FrameScreen(Screen[None]):
    """The main screen's layout with empty panels; ``painted`` runs once it is on screen."""

    # Quit works from the first frame on; the other keys need the main screen.
    BINDINGS: ClassVar[list[BindingType]] = [a.binding() for a in ACTIONS if a.id == "quit"]

    def __init__(self, painted: Callable[[], object]) -> None:
        super().__init__()
        self._painted = painted

    def compose(self) -> ComposeResult:
        set_breakpoints(self)
        yield Static(Text(STATUS), id="status")
        with Container(id="main"):
            for panel_id, title in FRAME:
                # The ids and classes of the real panels: the app's stylesheet draws both alike.
                panel = Vertical(id=panel_id, classes="panel")
                panel.set_class(panel_id == FIRST_PANEL, "current")
                panel.border_title = title
                panel.border_subtitle = READING
                yield panel

    def on_mount(self) -> None:
        self.call_after_refresh(self._painted)
