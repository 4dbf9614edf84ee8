"""The app: start-up, the services object, the screens. Everything else is the main screen's.

The app only talks to a services object handed to its constructor (typed by
:class:`~venv_tui.ui.protocol.HouseServices`). Nothing is read before the first paint: the main
screen shows empty "reading…" panels and starts its workers after the first frame. Started from
the command line (:func:`run`), the first frame is the house's frame alone
(:mod:`venv_tui.ui.frame`), drawn from what Textual imports anyway; the main screen, its
tables, flows and dialogs, and the services (the config file) are loaded in a worker right after
it and take its place.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from venv_tui.ui.options import Options

if TYPE_CHECKING:
    from venv_tui.model import Environment
    from venv_tui.ui.main import MainScreen
    from venv_tui.ui.panels.base import Panel
    from venv_tui.ui.protocol import HouseServices
    from venv_tui.ui.state import House

MAIN_MODE = "main"


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
        services: HouseServices | Callable[[], HouseServices],
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
        frame_first: bool = False,
    ) -> None:
        """``services``: the object, or a function making it (called in a worker after the first
        frame when ``frame_first``). ``frame_first``: paint the house's frame before the main
        screen is imported (the command line's start; tests open the main screen at once)."""
        super().__init__()
        self._make_services = services if callable(services) else None
        self.services: HouseServices | None = None if callable(services) else services
        self.frame_first = frame_first
        # Paused by the command line for the start-up: on again once the main screen is up.
        self._collector_paused = frame_first and not gc.isenabled()
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

    def get_default_screen(self) -> Screen[Any]:
        if self.frame_first:
            from venv_tui.ui.frame import FrameScreen

            return FrameScreen(self._load_main)
        return self._main_screen(self._built_services())

    def _built_services(self) -> HouseServices:
        if self.services is None:
            assert self._make_services is not None
            self.services = self._make_services()
        return self.services

    def _main_screen(self, services: HouseServices) -> MainScreen:
        from venv_tui.ui.main import MainScreen

        return MainScreen(services, self.options)

    def _load_main(self) -> None:
        """Right after the frame is on screen: import the main screen and make the services in
        a worker, then show the main screen in the frame's place."""

        def load() -> None:
            import venv_tui.ui.main  # noqa: F401 - the import is the work done off the UI thread

            self.call_from_thread(self._open_main, self._built_services())

        self.run_worker(load, thread=True, group="start", exit_on_error=True)

    def _open_main(self, services: HouseServices) -> None:
        screen = self._main_screen(services)
        # A mode of its own: Textual cannot replace the default mode's first screen (and a named
        # mode for the frame would make the first frame restyle everything once more). The frame
        # stays behind in the default mode, emptied and never shown again.
        frame = self.screen_stack[0]
        self.add_mode(MAIN_MODE, lambda: screen)
        self.switch_mode(MAIN_MODE)
        frame.remove_children()
        # The app's own queries (app.query_one) look in the screen it composed first: the main
        # screen from now on, as when it opens at once.
        self._compose_screen = screen
        if self._collector_paused:
            gc.enable()
        warning = services.config.warning
        if warning:
            self.notify(warning, title="Config", severity="warning", markup=False)

    # -- the main screen's state, for scripts and tests that drive the app ------------------

    @property
    def main(self) -> MainScreen:
        from venv_tui.ui.main import MainScreen

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
    services: HouseServices | Callable[[], HouseServices],
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
        frame_first=True,
    )
    result = app.run()
    return result if isinstance(result, int) else 0
