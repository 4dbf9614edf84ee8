"""The app: start-up, the services object, the screens. Everything else is the main screen's.

The app only talks to a services object handed to its constructor (typed by
:class:`~venv_tui.ui.protocol.HouseServices`). Nothing is read before the first paint: the main
screen shows empty "reading…" panels and starts its workers after the first frame.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import BindingType

from venv_tui.ui.main import MainScreen, Options
from venv_tui.ui.panels.base import Panel

if TYPE_CHECKING:
    from venv_tui.model import Environment
    from venv_tui.ui.protocol import HouseServices
    from venv_tui.ui.state import House


class VenvTuiApp(App[int]):
    """See every interpreter and environment, what each holds, and whether the robots fit."""

    # Absolute, so that a subclass defined elsewhere (a test, a plugin) still finds it.
    CSS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app.tcss")
    TITLE = "venv-tui"
    # The palette offers the main screen's actions (ActionCommands), then Textual's own.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(
        self,
        services: HouseServices,
        *,
        watch: Sequence[str] = (),
        project: str | None = None,
        roots: Sequence[str] = (),
        active: str | None = None,
        active_reason: str = "",
        only_under: str | None = None,
        live: bool = True,
        poll_interval: float = 0.5,
        pip_args: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.services = services
        self.options = Options(
            watch=tuple(watch),
            project=project,
            roots=tuple(roots),
            active=active,
            active_reason=active_reason,
            only_under=only_under,
            live=live,
            poll_interval=poll_interval,
            pip_args=tuple(pip_args),
        )
        # Replaces the create form's disk check (pictures must not depend on the drawing machine).
        self.location_check: Callable[[str, str], tuple[str, str | None]] | None = None

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.services, self.options)

    # -- the main screen's state, for scripts and tests that drive the app ------------------

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def house(self) -> House:
        return self.main.house

    @property
    def active_path(self) -> str | None:
        return self.house.lit

    @property
    def selected_path(self) -> str | None:
        return self.house.selected

    @property
    def environments(self) -> tuple[Environment, ...]:
        return self.house.floors

    def panel(self, panel_id: str) -> Panel:
        return self.main.panel(panel_id)

    def action_panel(self, panel_id: str) -> None:
        self.main.action_panel(panel_id)


def run(
    services: HouseServices,
    *,
    watch: Sequence[str] = (),
    project: str | None = None,
    roots: Sequence[str] = (),
    active: str | None = None,
    demo: bool = False,
) -> int:
    """Build the app and run it in this terminal; the exit status for the command line."""
    from venv_tui.ui.demo import demo_active

    reason = ""
    if active is None and (demo or project):
        # The demo house opens with floor 1's lamp on (a stat call; nothing else is read here).
        active = demo_active(project)
        reason = "--demo" if active else ""
    pip_args: list[str] = []
    only_under = None
    if project and demo_active(project) is not None:
        # The demo house is offline: pip finds the story's packages in its wheels folder, and
        # only its floors are shown.
        pip_args = ["--no-index", "--find-links", os.path.join(project, "wheels")]
        only_under = project if demo else None
    app = VenvTuiApp(
        services,
        watch=watch,
        project=project,
        roots=roots,
        active=active,
        active_reason=reason,
        only_under=only_under,
        pip_args=pip_args,
    )
    result = app.run()
    return result if isinstance(result, int) else 0
