"""The main screen: it owns the panels and the house state.

Workers read the disk and post messages; each handler turns one message into one transition of
:mod:`venv_tui.ui.state` and renders the panels from the new state. Every floor is read once per
change (:class:`~venv_tui.ui.state.Reading`), shared by the packages panel and the checks.
Actions and their modal flows live in :mod:`venv_tui.ui.flows`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.css.query import NoMatches
from textual.lazy import Lazy
from textual.widgets import DataTable, Footer, Static, Tab, Tabs
from textual.worker import Worker, get_current_worker

from venv_tui.model import PackageSet
from venv_tui.ui import readers
from venv_tui.ui import state as S
from venv_tui.ui import tidy as T
from venv_tui.ui.actions import bindings_for
from venv_tui.ui.flows_inventory import InventoryFlows
from venv_tui.ui.frame import STATUS, set_breakpoints
from venv_tui.ui.messages import (
    ChecksDone,
    EnvironmentsLoaded,
    FloorRead,
    InterpretersLoaded,
    PanelFocused,
    SourcesFound,
    WatchChanged,
)
from venv_tui.ui.options import Options
from venv_tui.ui.panels import EnvironmentsPanel, InterpretersPanel, PackagesPanel, ScriptsPanel
from venv_tui.ui.panels.base import Panel
from venv_tui.ui.panels.environments import floor_name
from venv_tui.ui.state import House
from venv_tui.ui.status import status_text
from venv_tui.ui.watch import (
    Bases,
    FloorSite,
    Folders,
    SourceFiles,
    Watcher,
    WatchKey,
)

if TYPE_CHECKING:
    from textual.command import Provider

    from venv_tui.ui.protocol import HouseServices

PANEL_ORDER = ("interpreters", "environments", "packages", "scripts")
SCAN_GROUPS = ("interpreters", "environments", "sources", "read", "checks")


class PanelTabs(Tabs, can_focus=False):
    """The narrow layout's panel switcher: clicked, never focused (tab keys move panels)."""


def site_dirs(packages: PackageSet | None) -> list[str]:
    if packages is None:
        return []
    return [*packages.site.own_dirs, *packages.site.inherited_dirs]


def action_commands() -> type[Provider]:
    from venv_tui.ui.commands import ActionCommands

    return ActionCommands


class MainScreen(InventoryFlows):
    # A callable, so that the palette's machinery is imported when the palette first opens.
    COMMANDS: ClassVar = {action_commands}
    AUTO_FOCUS = "#environments-table"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")

    def __init__(self, services: HouseServices, options: Options) -> None:
        super().__init__()
        self.services = services
        self.options = options
        self.house = S.started(House(), wanted=options.active, reason=options.active_reason)
        self.current_panel = "environments"
        self.home = services.environ.get("HOME")
        self.watcher: Watcher | None = None
        self._inflight: set[str] = set()

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        set_breakpoints(self)
        yield Static(Text(STATUS), id="status")
        # The tabs (shown on narrow screens) and the footer are mounted after the first frame:
        # the panels show sooner.
        yield Lazy(
            PanelTabs(
                *(Tab(p.SHORT, id=f"tab-{p.PANEL_ID}") for p in _panel_classes()),
                active=f"tab-{self.current_panel}",
                id="panel-tabs",
            )
        )
        with Container(id="main"):
            for panel in (InterpretersPanel(), PackagesPanel(), EnvironmentsPanel(), ScriptsPanel()):
                # Styled once as current, rather than restyled at mount.
                panel.set_class(self.current_panel == panel.PANEL_ID, "current")
                yield panel
        yield Lazy(Footer(compact=True))

    def panel(self, panel_id: str) -> Panel:
        return self.query_one(f"#{panel_id}", Panel)

    def on_mount(self) -> None:
        self._set_current("environments")
        self.panel("environments").focus_main()
        # Paint the empty house first, then start the watcher and read the disk: the first
        # frame never waits.
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        if self.options.live and self.is_attached:
            self.watcher = Watcher(self._post_watch, self.options.poll_interval)
            self.watcher.start()
        self.scan()

    def _post_watch(self, groups: frozenset[WatchKey]) -> None:
        self.post_message(WatchChanged(groups))  # thread-safe: called on the watcher's thread

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    # -- panels and focus ------------------------------------------------------------------

    def _set_current(self, panel_id: str) -> None:
        self.current_panel = panel_id
        for panel in self.query(".panel"):
            panel.set_class(panel.id == panel_id, "current")
        try:
            tabs = self.query_one("#panel-tabs", Tabs)
        except NoMatches:  # closing
            return
        if tabs.active != f"tab-{panel_id}":
            tabs.active = f"tab-{panel_id}"

    @on(PanelFocused)
    def _panel_focused(self, event: PanelFocused) -> None:
        if event.panel_id != self.current_panel:
            self._set_current(event.panel_id)

    @on(Tabs.TabActivated, "#panel-tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id != event.tabs.active:
            return  # a stale echo of an earlier programmatic switch, not the user's click
        panel_id = (event.tab.id or "").removeprefix("tab-")
        if panel_id and panel_id != self.current_panel:
            self.action_panel(panel_id)

    def action_panel(self, panel_id: str) -> None:
        self._set_current(panel_id)
        self.panel(panel_id).focus_main()

    def action_next_panel(self, step: int = 1) -> None:
        index = PANEL_ORDER.index(self.current_panel) if self.current_panel in PANEL_ORDER else 0
        self.action_panel(PANEL_ORDER[(index + step) % len(PANEL_ORDER)])

    def action_filter(self) -> None:
        self._set_current("packages")
        self.query_one(PackagesPanel).open_filter()

    def action_clear_filter(self) -> None:
        self.query_one(PackagesPanel).action_clear_filter()

    # -- reading (workers) -----------------------------------------------------------------

    def scan(self) -> None:
        """Read everything again: interpreters, floors (then packages and checks), robots."""
        self._load_interpreters()
        self.load_floors()
        self._discover_sources()
        self.render_status()

    def action_rescan(self) -> None:
        self.house = S.forgotten(self.house, list(self.house.readings))
        self.scan()

    def load_floors(self) -> None:
        # The lit floor is looked at again even when no search finds it (a floor named on the
        # command line, outside every root), until it is gone.
        house = self.house
        self._load_environments(house.lit is not None, house.wanted or house.lit)

    @work(thread=True, exclusive=True, group="interpreters", exit_on_error=False)
    def _load_interpreters(self) -> None:
        try:
            found = self.services.interpreters()
            default = self.services.default_interpreter()
        except Exception:  # an unreadable corner of the disk must not stop the rest
            found, default = [], None
        if not get_current_worker().is_cancelled:
            self.post_message(InterpretersLoaded(found, default))

    @work(thread=True, exclusive=True, group="environments", exit_on_error=False)
    def _load_environments(self, had_lamp: bool, wanted: str | None) -> None:
        message = readers.read_floors(self.services, self.options, had_lamp, wanted)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def _discover_sources(self) -> None:
        message = readers.find_robots(self.services, self.options)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def _read_floor(self, path: str) -> None:
        """One read of a floor, with its required-by index, off the UI thread."""
        self.post_message(FloorRead(readers.read_floor(self.services, path)))

    def ensure_reads(self) -> None:
        """Start a read for the lit and the selected floor unless one is in hand or under way."""
        for path in self.house.wanted_reads:
            if path not in self.house.readings and path not in self._inflight:
                self._inflight.add(path)
                self.run_worker(
                    partial(self._read_floor, path),
                    thread=True,
                    group="read",
                    exit_on_error=False,
                )

    # A description, so that Textual does not repr the arguments (5000 packages) on the UI thread.
    @work(thread=True, exclusive=True, group="checks", exit_on_error=False, description="checks")
    def _run_checks(self, env_path: str, packages: PackageSet, sources: tuple[str, ...]) -> None:
        results, env_check = readers.check_robots(self.services, packages, sources)
        if not get_current_worker().is_cancelled:
            self.post_message(ChecksDone(env_path, results, env_check))

    def run_checks(self) -> None:
        house = self.house
        reading = house.reading(house.lit)
        if house.lit is None or not house.sources_known:
            return
        if reading is None:
            self.ensure_reads()
            return
        if reading.packages is None:
            self.post_message(ChecksDone(house.lit, [], None))
            return
        self._run_checks(house.lit, reading.packages, house.sources)

    # -- messages -> transitions -> panels ------------------------------------------------

    @on(InterpretersLoaded)
    def _interpreters_loaded(self, message: InterpretersLoaded) -> None:
        self.house = S.interpreters_loaded(self.house, message.interpreters, message.default)
        self.tidy_marks()
        self.query_one(InterpretersPanel).show(self.house.interpreters, self.home)
        self.query_one(EnvironmentsPanel).note(self.house.floors, self.house.lit)

    @on(EnvironmentsLoaded)
    def _environments_loaded(self, message: EnvironmentsLoaded) -> None:
        before = self.house
        self.house = S.loaded(before, message.environments, message.active, message.reason)
        self._inflight &= set(self.house.wanted_reads)
        self.render_floors()
        if message.error:
            self.app.notify(message.error, severity="error", markup=False)
        if self.watcher is not None:
            self.watcher.set_group(Folders(), message.folders)
            self.watcher.set_group(Bases(), message.bases)
        if self.house.lit != before.lit:
            self.run_checks()
        self.ensure_reads()
        self.render_packages()
        self.render_status()

    @on(SourcesFound)
    def _sources_found(self, message: SourcesFound) -> None:
        self.house = S.sources_found(self.house, message.paths)
        if message.error:
            self.app.notify(message.error, severity="warning", markup=False)
        if self.watcher is not None:
            keep = set(message.paths)
            self.watcher.drop_groups(lambda k: not isinstance(k, SourceFiles) or k.path in keep)
        self.run_checks()

    @on(FloorRead)
    def _floor_read(self, message: FloorRead) -> None:
        reading = message.reading
        self._inflight.discard(reading.path)
        self.house = S.read(self.house, reading)
        if self.watcher is not None and reading.path in self.house.readings:
            self.watcher.set_group(FloorSite(reading.path), site_dirs(reading.packages))
            wanted = set(self.house.wanted_reads)
            self.watcher.drop_groups(lambda k: not isinstance(k, FloorSite) or k.path in wanted)
        if reading.path == self.house.selected:
            self.render_packages()
        if reading.path == self.house.lit:
            self.run_checks()

    @on(ChecksDone)
    def _checks_done(self, message: ChecksDone) -> None:
        self.house, fresh = S.checked(self.house, message.env_path, message.results, message.env_check)
        if self.house.checked != message.env_path:
            return  # the lamp has moved since this check started
        for sentence in fresh[:3]:
            self.app.notify(sentence, title="New conflict", severity="warning", markup=False)
        self.render_robots()
        if self.watcher is not None:
            for result in self.house.results:
                files = {result.path}
                if result.source is not None:
                    files.update(r.origin for r in result.source.requirements if r.origin)
                self.watcher.set_group(SourceFiles(result.path), sorted(files))
        self.render_status()

    @on(WatchChanged)
    def _watch_changed(self, message: WatchChanged) -> None:
        groups = message.groups
        if Folders() in groups:
            self.load_floors()
            self._discover_sources()
        elif Bases() in groups:
            self.load_floors()
        floors = [k.path for k in groups if isinstance(k, FloorSite)]
        if floors:
            self.house = S.forgotten(self.house, floors)
            self.ensure_reads()
        elif any(isinstance(k, SourceFiles) for k in groups):
            self.run_checks()

    @on(DataTable.RowHighlighted, "#environments-table")
    def _environment_highlighted(self) -> None:
        # The cursor as it is now, not as the event saw it: a refill passes through row 0 and
        # back, and reading the floor at row 0 on the way would be wasted.
        panel = self.query_one(EnvironmentsPanel)
        panel.note(self.house.floors, self.house.lit)
        path = panel.selected_path()
        if path is not None and path != self.house.selected:
            self.house = S.selected(self.house, path)
            self.ensure_reads()
            self.render_packages()

    @on(DataTable.RowSelected, "#environments-table")
    def _environment_chosen(self) -> None:
        self.action_lamp()

    @on(DataTable.RowHighlighted, "#interpreters-table")
    def _interpreter_highlighted(self) -> None:
        self.query_one(InterpretersPanel).note(self.house.interpreters)

    @on(DataTable.RowHighlighted, "#scripts-table")
    def _script_highlighted(self) -> None:
        self.query_one(ScriptsPanel).note()

    @on(DataTable.RowHighlighted, "#packages-table")
    def _package_highlighted(self) -> None:
        self.query_one(PackagesPanel).show_detail()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group in SCAN_GROUPS:
            self.render_status()

    # -- the lamp --------------------------------------------------------------------------

    def action_lamp(self) -> None:
        env = self.house.selected_floor
        if env is None or env.path == self.house.lit:
            return
        if env.health == "broken":
            self.app.notify(
                f"{floor_name(env)} is broken: {env.problem or 'it cannot be used'}",
                severity="warning",
                markup=False,
            )
        self.house = S.lit(self.house, env.path)
        self.render_floors()
        self.render_robots()
        self.run_checks()
        self.render_status()

    # -- rendering -------------------------------------------------------------------------

    def render_floors(self) -> None:
        self.tidy_marks()
        self.query_one(InterpretersPanel).show(self.house.interpreters, self.home)
        panel = self.query_one(EnvironmentsPanel)
        panel.order = self.house.order
        panel.show(T.shown_floors(self.house), self.house.lit, self.house.selected, self.home)

    def action_mark_clean(self) -> None:
        env = self.house.selected_floor
        if env is None:
            return
        refusal = None if env.path in self.house.marked else T.mark_refusal(self.house, env)
        if refusal:
            self.app.notify(refusal, title="Not marked", severity="warning", markup=False)
            return
        self.house = T.clean_marked(self.house, env.path)
        self.render_floors()

    def action_sort(self) -> None:
        self.house = T.next_order(self.house)
        self.render_floors()
        self.app.notify(f"Floors ordered by {self.house.order}", markup=False)

    def render_packages(self) -> None:
        house = self.house
        path = house.selected
        reading = house.reading(path)
        if path is None or reading is None:
            return  # the panel keeps the last floor until the new one is read
        env = house.floor(path)
        label = floor_name(env) if env is not None else "no floor"
        self.query_one(PackagesPanel).show(
            label, path, reading.packages, reading.error, reading.required_by, reading.rows
        )

    def render_robots(self) -> None:
        house = self.house
        env = house.lit_floor
        error = None
        reading = house.reading(house.lit)
        if reading is not None and reading.packages is None:
            error = reading.error
        self.query_one(ScriptsPanel).show(
            house.results, house.env_check, floor_name(env) if env else "no floor", error
        )

    def render_status(self) -> None:
        scanning = any(w.is_running for w in self.workers if w.group in SCAN_GROUPS)
        try:
            self.query_one("#status", Static).update(
                status_text(self.house, width=self.app.size.width, scanning=scanning)
            )
        except NoMatches:  # closing
            pass

    def on_resize(self) -> None:
        self.render_status()


def _panel_classes() -> tuple[type[Panel], ...]:
    return (InterpretersPanel, EnvironmentsPanel, PackagesPanel, ScriptsPanel)
