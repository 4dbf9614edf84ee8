"""The main screen: interpreters, the house's floors, the lit floor's packages, the robots.

The app only talks to a :class:`~venv_tui.services.Services` object handed to its constructor.
Every disk read and every process runs in a thread worker that posts a message back; message
handlers (on the UI thread) are the only code that touches widgets. Nothing is read before the
first paint: ``compose`` shows empty "loading" panels and ``on_mount`` starts the workers.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Static, Tab, Tabs
from textual.worker import Worker, get_current_worker

from venv_tui.errors import VenvTuiError
from venv_tui.model import CheckResult, Environment, Interpreter, PackageSet, PipResult
from venv_tui.ui.commands import VenvCommands
from venv_tui.ui.messages import (
    ChecksDone,
    DeleteChecked,
    Deleted,
    EnvironmentsLoaded,
    InterpretersLoaded,
    PackagesLoaded,
    PanelFocused,
    SourceResult,
    SourcesFound,
    TaskDone,
    WatchChanged,
)
from venv_tui.ui.panels import EnvironmentsPanel, InterpretersPanel, PackagesPanel, ScriptsPanel
from venv_tui.ui.panels.base import Panel
from venv_tui.ui.panels.environments import floor_name

if TYPE_CHECKING:
    from venv_tui.services import Services
    from venv_tui.ui.watch import Watcher

PANEL_ORDER = ("interpreters", "environments", "packages", "scripts")
SCAN_GROUPS = ("interpreters", "environments", "sources", "packages", "checks")

LineCallback = Callable[[str], None]
TaskFunction = Callable[[LineCallback, threading.Event], PipResult]


class PanelTabs(Tabs, can_focus=False):
    """The narrow layout's panel switcher: clicked, never focused (tab keys move panels)."""


# -- pure decisions --------------------------------------------------------------------------


def same_path(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def floor_label(env: Environment | None) -> str:
    if env is None:
        return "no floor"
    return floor_name(env)


def pick_interpreter(
    interpreters: Sequence[Interpreter], requires_python: str | None, default: str | None = None
) -> str | None:
    """The interpreter a new floor for a script should use: the default one when it satisfies
    ``requires_python``, else the newest that does, else the default."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    usable = [i for i in interpreters if i.version and not i.shadowed_by]
    if not requires_python:
        return default or (usable[0].path if usable else None)
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return default
    fitting = [i for i in usable if spec.contains(i.version or "", prereleases=True)]
    for interp in fitting:
        if interp.default or interp.path == default:
            return interp.path
    if not fitting:
        return default

    def version_key(interp: Interpreter) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in (interp.version or "0").split("."))

    return max(fitting, key=version_key).path


def new_conflicts(before: set[str] | None, after: set[str]) -> list[str]:
    """Conflict sentences that were not there before (None before = first look: none new)."""
    if before is None:
        return []
    return sorted(after - before)


def conflict_sentences(results: Sequence[SourceResult], env_check: object | None) -> set[str]:
    sentences: set[str] = set()
    for result in results:
        if result.check is not None:
            sentences.update(r.message for r in result.check.failures)
            python = result.check.python
            if python is not None and python.status == "wrong-version":
                sentences.add(python.message or f"{result.name} needs Python {python.requires}")
    problems = getattr(env_check, "environment_problems", ()) or ()
    sentences.update(
        p.message or f"{p.package} {p.version} requires {p.requirement}" for p in problems
    )
    return sentences


def site_dirs(packages: PackageSet | None) -> list[str]:
    if packages is None:
        return []
    return [*packages.site.own_dirs, *packages.site.inherited_dirs]


def bindings_help(bindings: Sequence[BindingType]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(_key_name(k) for k in binding.key.split(","))
        rows.append((keys, binding.tooltip or binding.description))
    return rows


def _key_name(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "shift+tab": "shift+tab", "escape": "esc"}
    return names.get(key.strip(), key.strip())


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys, grouped as the footer shows them: everywhere, then per panel."""
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        (
            "Everywhere",
            [*bindings_help(VenvTuiApp.BINDINGS), ("ctrl+p", "Command palette: every action")],
        ),
        (
            "Moving",
            [
                ("tab, shift+tab", "Next / previous panel"),
                ("1-4", "Jump to a panel"),
                ("↑ ↓, j k", "Move in a list"),
                ("enter", "Light the lamp on the selected floor"),
            ],
        ),
    ]
    for panel in (EnvironmentsPanel, PackagesPanel, ScriptsPanel, InterpretersPanel):
        sections.append((panel.TITLE, bindings_help(panel.BINDINGS)))
    return sections


# -- the app ---------------------------------------------------------------------------------


class VenvTuiApp(App[int]):
    """See every interpreter and environment, what each holds, and whether the robots fit."""

    # Absolute, so that a subclass defined elsewhere (a test, a plugin) still finds it.
    CSS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app.tcss")
    TITLE = "venv-tui"
    COMMANDS = App.COMMANDS | {VenvCommands}
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave venv-tui"),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="Show every key"),
        Binding(
            "r",
            "rescan",
            "Rescan",
            id="rescan",
            tooltip="Read interpreters, floors and robots again",
        ),
        Binding(
            "slash", "filter", "Filter", show=False, id="filter", tooltip="Filter packages by name"
        ),
        Binding("1", "panel('interpreters')", "Interpreters", show=False, id="panel-1"),
        Binding("2", "panel('environments')", "Floors", show=False, id="panel-2"),
        Binding("3", "panel('packages')", "Packages", show=False, id="panel-3"),
        Binding("4", "panel('scripts')", "Robots", show=False, id="panel-4"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        watch: Sequence[str] = (),
        project: str | None = None,
        roots: Sequence[str] = (),
        active: str | None = None,
        live: bool = True,
        poll_interval: float = 0.5,
        pip_args: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.pip_args = tuple(pip_args)  # e.g. the demo's offline wheels: --find-links DIR
        self.services = services
        self.watch_paths = tuple(watch)
        self.project = project
        self.roots = tuple(roots)
        self.active_override = active
        self.live = live
        self.poll_interval = poll_interval
        self.interpreters: list[Interpreter] = []
        self.default_interpreter: Interpreter | None = None
        self.environments: list[Environment] = []
        self.active_path: str | None = None
        self.selected_path: str | None = None
        self.source_paths: list[str] = []
        self.sources_known = False
        self.results: list[SourceResult] = []
        self.env_check: CheckResult | None = None
        self.active_packages: PackageSet | None = None
        self._conflicts: set[str] | None = None
        self._checked_env: str | None = None
        self._watcher: Watcher | None = None
        self.current_panel = "environments"
        self.home = services.environ.get("HOME")
        # Replaces the create form's disk check (pictures must not depend on the drawing machine).
        self.location_check: Callable[[str, str], tuple[str, str | None]] | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("venv-tui · scanning…"), id="status")
        yield PanelTabs(
            *(Tab(p.SHORT, id=f"tab-{p.PANEL_ID}") for p in self._panel_classes()),
            active=f"tab-{self.current_panel}",
            id="panel-tabs",
        )
        with Container(id="main"):
            yield InterpretersPanel()
            yield PackagesPanel()
            yield EnvironmentsPanel()
            yield ScriptsPanel()
        yield Footer(compact=True)

    @staticmethod
    def _panel_classes() -> tuple[type[Panel], ...]:
        return (InterpretersPanel, EnvironmentsPanel, PackagesPanel, ScriptsPanel)

    def panel(self, panel_id: str) -> Panel:
        return self.query_one(f"#{panel_id}", Panel)

    def on_mount(self) -> None:
        self._set_current("environments")
        self.panel("environments").focus_main()
        if self.live:
            from venv_tui.ui.watch import Watcher

            self._watcher = Watcher(self.post_message_from_watcher, self.poll_interval)
            self._watcher.start()
        # Paint the empty house first, then read the disk: the first frame never waits.
        self.call_after_refresh(self.scan)

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def post_message_from_watcher(self, groups: frozenset[str]) -> None:
        self.post_message(WatchChanged(groups))

    # -- panels and focus ------------------------------------------------------------------

    def _set_current(self, panel_id: str) -> None:
        self.current_panel = panel_id
        for panel in self.query(".panel"):
            panel.set_class(panel.id == panel_id, "current")
        try:
            tabs = self.query_one("#panel-tabs", Tabs)
        except NoMatches:  # the app is closing
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
        packages = self.panel("packages")
        assert isinstance(packages, PackagesPanel)
        packages.open_filter()

    # -- reading (workers) -----------------------------------------------------------------

    def scan(self) -> None:
        """Read everything again: interpreters, floors (then packages and checks), robots."""
        self._load_interpreters()
        self._load_environments()
        self._discover_sources()
        self.update_status()

    def action_rescan(self) -> None:
        self.scan()

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
    def _load_environments(self) -> None:
        services = self.services
        error = None
        try:
            found = list(services.environments(self.roots))
        except Exception as err:
            found, error = [], f"environments could not be listed: {err}"
        try:
            active = services.active_environment()
        except Exception:
            active = None
        floors: list[Environment] = []
        # The base interpreter that `python3` finds first is the house's first floor.
        try:
            default = services.default_interpreter()
            if default is not None and not any(same_path(e.path, default.path) for e in found):
                floors.append(services.environment(default.path))
        except Exception:
            pass
        if active is not None and not any(same_path(e.path, active.path) for e in found + floors):
            floors.append(active)
        floors.extend(found)
        if self.active_override:
            wanted = os.path.realpath(self.active_override)
            match = next((e for e in floors if os.path.realpath(e.path) == wanted), None)
            # Said once: when a lamp was already lit, a floor deleted since is no new error.
            gone = self.active_path is not None and not os.path.lexists(self.active_override)
            if match is None and not gone:
                try:
                    match = services.environment(self.active_override)
                    floors.append(match)
                except Exception as err:
                    error = str(err)
            active = match or active
        if not get_current_worker().is_cancelled:
            self.post_message(EnvironmentsLoaded(floors, active, error))

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def _discover_sources(self) -> None:
        paths: list[str] = list(self.watch_paths) + list(self.services.config.watch)
        error = None
        if self.project:
            try:
                paths.extend(self.services.find_sources(self.project))
            except Exception as err:
                error = str(err)
        unique: dict[str, str] = {}
        for path in paths:
            unique.setdefault(os.path.abspath(path), path)
        if not get_current_worker().is_cancelled:
            self.post_message(SourcesFound(list(unique.values()), error))

    @work(thread=True, exclusive=True, group="packages", exit_on_error=False)
    def _load_packages(self, env_path: str) -> None:
        try:
            packages, error = self.services.packages(env_path), None
        except Exception as err:
            packages, error = None, str(err)
        if not get_current_worker().is_cancelled:
            self.post_message(PackagesLoaded(env_path, packages, error))

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def _run_checks(self, env_path: str, source_paths: tuple[str, ...]) -> None:
        services = self.services
        try:
            packages = services.packages(env_path)
        except Exception as err:
            self.post_message(ChecksDone(env_path, None, [], None, str(err)))
            return
        results: list[SourceResult] = []
        for path in source_paths:
            try:
                source = services.load_source(path, packages=packages)
                results.append(SourceResult(path, source, services.check(source, packages)))
            except VenvTuiError as err:
                results.append(SourceResult(path, None, None, str(err)))
            except Exception as err:  # one bad source is reported in place, the rest still checks
                results.append(
                    SourceResult(path, None, None, f"{path}: {type(err).__name__}: {err}")
                )
        try:
            env_check = services.check(None, packages)
        except Exception:
            env_check = None
        if not get_current_worker().is_cancelled:
            self.post_message(ChecksDone(env_path, packages, results, env_check, None))

    def run_checks(self) -> None:
        if self.active_path is not None and self.sources_known:
            self._run_checks(self.active_path, tuple(self.source_paths))

    def load_selected_packages(self) -> None:
        if self.selected_path is not None:
            self._load_packages(self.selected_path)

    # -- results (UI thread) ---------------------------------------------------------------

    @on(InterpretersLoaded)
    def _interpreters_loaded(self, message: InterpretersLoaded) -> None:
        self.interpreters = message.interpreters
        self.default_interpreter = message.default
        panel = self.panel("interpreters")
        assert isinstance(panel, InterpretersPanel)
        panel.show(self.interpreters, self.home)

    @on(EnvironmentsLoaded)
    def _environments_loaded(self, message: EnvironmentsLoaded) -> None:
        self.environments = message.environments
        known = {e.path for e in self.environments}
        previous_active = self.active_path
        if self.active_path not in known:
            if same_path(self.active_path, self.active_override):
                self.active_override = None  # its floor is gone: the lamp falls back for good
            self.active_path = message.active.path if message.active is not None else None
        if self.selected_path not in known:
            self.selected_path = self.active_path or (
                self.environments[0].path if self.environments else None
            )
        self._show_environments()
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        self._watch_roots()
        if self.active_path != previous_active:
            self._conflicts = None
        self.run_checks()
        self.load_selected_packages()
        self.update_status()

    def _show_environments(self) -> None:
        panel = self.panel("environments")
        assert isinstance(panel, EnvironmentsPanel)
        panel.show(self.environments, self.active_path, self.selected_path, self.home)

    @on(SourcesFound)
    def _sources_found(self, message: SourcesFound) -> None:
        self.source_paths = message.paths
        self.sources_known = True
        if message.error:
            self.notify(message.error, severity="warning", markup=False)
        if self._watcher is not None:
            self._watcher.drop_groups(lambda name: not name.startswith("source:"))
        self.run_checks()

    @on(PackagesLoaded)
    def _packages_loaded(self, message: PackagesLoaded) -> None:
        if message.env_path != self.selected_path:
            return  # the user has moved on to another floor
        panel = self.panel("packages")
        assert isinstance(panel, PackagesPanel)
        env = self.environment_at(message.env_path)
        panel.show(floor_label(env), message.env_path, message.packages, message.error)
        if self._watcher is not None:
            self._watcher.set_group("env:selected", site_dirs(message.packages))

    @on(ChecksDone)
    def _checks_done(self, message: ChecksDone) -> None:
        if message.env_path != self.active_path:
            return  # the lamp has moved since this check started
        self.results = message.results
        self.env_check = message.env_check
        self.active_packages = message.packages
        panel = self.panel("scripts")
        assert isinstance(panel, ScriptsPanel)
        panel.show(
            self.results, self.env_check, floor_label(self.active_environment()), message.error
        )
        sentences = conflict_sentences(self.results, self.env_check)
        if self._checked_env == message.env_path:
            fresh = new_conflicts(self._conflicts, sentences)
            for sentence in fresh[:3]:
                self.notify(sentence, title="New conflict", severity="warning", markup=False)
        self._conflicts = sentences
        self._checked_env = message.env_path
        if self._watcher is not None:
            self._watcher.set_group("env:active", site_dirs(message.packages))
            for result in self.results:
                files = {result.path}
                if result.source is not None:
                    files.update(r.origin for r in result.source.requirements if r.origin)
                self._watcher.set_group(f"source:{result.path}", sorted(files))
        self.update_status()

    @on(WatchChanged)
    def _watch_changed(self, message: WatchChanged) -> None:
        groups = message.groups
        if "roots" in groups:
            self._load_environments()
            self._discover_sources()
            return
        if "bases" in groups:
            self._load_environments()
        if "env:active" in groups or any(g.startswith("source:") for g in groups):
            self.run_checks()
        if "env:selected" in groups or (
            "env:active" in groups and self.selected_path == self.active_path
        ):
            self.load_selected_packages()

    def _watch_roots(self) -> None:
        if self._watcher is None:
            return
        folders = [p for p in (self.project, *self.roots) if p]
        self._watcher.set_group("roots", folders)
        # A floor breaks when its base interpreter goes (pyenv uninstall, a removed folder)
        # though nothing in the roots changed: stat each floor's python (through its links)
        # and its base, and read the floors again when one appears or disappears.
        bases: list[str] = []
        for env in self.environments:
            if env.is_venv:
                bases += [p for p in (env.python, env.base_interpreter) if p]
                if env.base_interpreter:
                    bases.append(os.path.dirname(env.base_interpreter))
        self._watcher.set_group("bases", sorted(set(bases)))

    @on(DataTable.RowHighlighted, "#environments-table")
    def _environment_highlighted(self, event: DataTable.RowHighlighted) -> None:
        path = event.row_key.value
        panel = self.panel("environments")
        assert isinstance(panel, EnvironmentsPanel)
        panel.note(self.environments, self.active_path)
        if path is not None and path != self.selected_path:
            self.selected_path = path
            self.load_selected_packages()

    @on(DataTable.RowSelected, "#environments-table")
    def _environment_chosen(self) -> None:
        self.action_lamp()

    @on(DataTable.RowHighlighted, "#interpreters-table")
    def _interpreter_highlighted(self) -> None:
        panel = self.panel("interpreters")
        assert isinstance(panel, InterpretersPanel)
        panel.note(self.interpreters)

    @on(DataTable.RowHighlighted, "#scripts-table")
    def _script_highlighted(self) -> None:
        panel = self.panel("scripts")
        assert isinstance(panel, ScriptsPanel)
        panel.note()

    @on(DataTable.RowHighlighted, "#packages-table")
    def _package_highlighted(self) -> None:
        panel = self.panel("packages")
        assert isinstance(panel, PackagesPanel)
        panel.show_detail()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group in SCAN_GROUPS:
            self.update_status()

    # -- the status line -------------------------------------------------------------------

    def environment_at(self, path: str | None) -> Environment | None:
        return next((e for e in self.environments if e.path == path), None)

    def active_environment(self) -> Environment | None:
        return self.environment_at(self.active_path)

    def selected_environment(self) -> Environment | None:
        return self.environment_at(self.selected_path)

    def update_status(self) -> None:
        text = Text()
        text.append(" venv-tui ", style="bold reverse")
        text.append("  ")
        env = self.active_environment()
        if env is None:
            text.append("○ no lamp lit", style="dim")
        else:
            text.append("● ", style="bold yellow")
            text.append(floor_name(env), style="bold")
            text.append(f"  · Python {env.python_version or '?'}")
        if self.results:
            fits = sum(1 for r in self.results if r.fits)
            misfits = len(self.results) - fits
            text.append("  │  robots: ")
            text.append(f"{fits} fit", style="green" if fits else "")
            if misfits:
                text.append(", ")
                text.append(f"{misfits} don't", style="bold red")
        problems = len(getattr(self.env_check, "environment_problems", ()) or ())
        if problems:
            text.append("  │  ")
            text.append(
                f"{problems} broken requirement{'s' if problems != 1 else ''} on this floor",
                style="bold red",
            )
        if any(w.is_running for w in self.workers if w.group in SCAN_GROUPS):
            text.append("  │  scanning…", style="dim")
        self.query_one("#status", Static).update(text)

    # -- the lamp --------------------------------------------------------------------------

    def action_lamp(self) -> None:
        env = self.selected_environment()
        if env is None or env.path == self.active_path:
            return
        if env.health == "broken":
            self.notify(
                f"{floor_name(env)} is broken: {env.problem or 'it cannot be used'}",
                severity="warning",
                markup=False,
            )
        self.active_path = env.path
        self._conflicts = None
        self._checked_env = None
        self._show_environments()
        self.run_checks()
        self.update_status()

    # -- changing: tasks with a live log ---------------------------------------------------

    def run_task(
        self, title: str, function: TaskFunction, after: Callable[[PipResult], None] | None = None
    ) -> None:
        """Run ``function(on_line, cancel)`` in a worker, its output streaming into a log screen."""
        from venv_tui.ui.dialogs import TaskLogScreen

        cancel = threading.Event()
        log = TaskLogScreen(title, on_cancel=cancel.set)
        self.push_screen(log)
        self._task_worker(title, log, function, cancel, after)

    @work(thread=True, group="task", exit_on_error=False)
    def _task_worker(
        self,
        title: str,
        log: object,
        function: TaskFunction,
        cancel: threading.Event,
        after: Callable[[PipResult], None] | None,
    ) -> None:
        def on_line(line: str) -> None:
            try:
                self.call_from_thread(log.write_line, line)  # type: ignore[attr-defined]
            except RuntimeError:  # the app is closing
                pass

        try:
            result = function(on_line, cancel)
        except VenvTuiError as err:
            result = PipResult(args=(), returncode=1, error_lines=(str(err),))
        except Exception as err:
            result = PipResult(args=(), returncode=1, error_lines=(f"{type(err).__name__}: {err}",))
        try:
            self.call_from_thread(log.finish, result)  # type: ignore[attr-defined]
        except RuntimeError:
            pass
        self.post_message(TaskDone(title, result, after))

    @on(TaskDone)
    def _task_done(self, message: TaskDone) -> None:
        result = message.result
        if result.ok:
            self.notify(f"{message.title}: done", markup=False)
            if message.after is not None:
                message.after(result)
        elif result.cancelled:
            self.notify(f"{message.title}: cancelled", severity="warning", markup=False)
        else:
            reason = (
                result.error_lines[-1] if result.error_lines else f"exit status {result.returncode}"
            )
            self.notify(f"{message.title} failed: {reason}", severity="error", markup=False)
        # Whatever happened, read the disk again: a failed pip may have changed half of it.
        self._load_environments()

    def _need_environment(self) -> Environment | None:
        env = self.selected_environment()
        if env is None:
            self.notify("Select an environment first.", severity="warning")
        return env

    def action_create_env(self) -> None:
        from venv_tui.ui.dialogs import CreateEnvScreen

        suggested = None
        if self.current_panel == "interpreters":
            panel = self.panel("interpreters")
            assert isinstance(panel, InterpretersPanel)
            suggested = panel.selected_path()
        folder = self.project or self.services.config.envs_folder or self.services.cwd
        self.push_screen(
            CreateEnvScreen(
                self.interpreters, folder, suggested_python=suggested, check=self.location_check
            ),
            self._create_chosen,
        )

    def _create_chosen(
        self, request: object | None, install: Sequence[str] = (), light: bool = False
    ) -> None:
        if request is None:
            return
        services = self.services
        path = request.path  # type: ignore[attr-defined]

        def create(on_line: LineCallback, cancel: threading.Event) -> PipResult:
            result = services.create(
                path,
                python=request.python,  # type: ignore[attr-defined]
                system_site_packages=request.system_site_packages,  # type: ignore[attr-defined]
                without_pip=request.without_pip,  # type: ignore[attr-defined]
                prompt=request.prompt,  # type: ignore[attr-defined]
                upgrade_pip=request.upgrade_pip,  # type: ignore[attr-defined]
                on_line=on_line,
                cancel=cancel,
            )
            if result.ok and install:
                on_line(f"Installing {', '.join(install)} into {path}")
                result = services.pip(
                    path,
                    "install",
                    list(install),
                    on_line=on_line,
                    cancel=cancel,
                    extra_args=self.pip_args,
                )
            return result

        def after(_result: PipResult) -> None:
            if light:
                # The new floor gets the lamp once the rescan finds it.
                self.active_override = path
                self.active_path = None

        self.run_task(f"Create {path}", create, after)

    def action_delete_env(self) -> None:
        env = self._need_environment()
        if env is not None:
            self._check_delete(env)

    @work(thread=True, group="delete", exit_on_error=False)
    def _check_delete(self, env: Environment) -> None:
        try:
            target, refusal = self.services.check_deletable(env.path), None
        except VenvTuiError as err:
            target, refusal = None, str(err)
        except OSError as err:
            target, refusal = None, f"{env.path}: {err.strerror or err}"
        self.post_message(DeleteChecked(env, target, refusal))

    @on(DeleteChecked)
    def _delete_checked(self, message: DeleteChecked) -> None:
        if message.refusal is not None or message.target is None:
            self.notify(
                message.refusal or "nothing to delete",
                title="Delete refused",
                severity="error",
                markup=False,
            )
            return
        from venv_tui.ui.dialogs import ConfirmScreen

        target = message.target

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(target)

        self.push_screen(
            ConfirmScreen(
                f"Delete {floor_name(message.env)}?",
                f"This removes the folder {target} and everything in it.",
            ),
            confirmed,
        )

    @work(thread=True, group="delete", exit_on_error=False)
    def _delete(self, path: str) -> None:
        try:
            self.services.delete(path)
            error = None
        except VenvTuiError as err:
            error = str(err)
        except OSError as err:
            error = f"{path}: {err.strerror or err}"
        self.post_message(Deleted(path, error))

    @on(Deleted)
    def _deleted(self, message: Deleted) -> None:
        if message.error:
            self.notify(message.error, title="Delete failed", severity="error", markup=False)
        else:
            self.notify(f"Deleted {message.path}", markup=False)
            if same_path(message.path, self.active_path):
                self.active_path = None
                self.active_override = None
        self._load_environments()

    def action_rebuild_env(self) -> None:
        env = self._need_environment()
        if env is None:
            return
        if not env.is_venv:
            self.notify(
                f"{floor_name(env)} is an interpreter, not an environment: nothing to rebuild.",
                severity="warning",
                markup=False,
            )
            return
        from venv_tui.ui.dialogs import RebuildScreen

        def chosen(python: str | None) -> None:
            if not python:
                return
            services = self.services
            self.run_task(
                f"Rebuild {floor_name(env)}",
                lambda on_line, cancel: services.rebuild(
                    env.path, python=python, on_line=on_line, cancel=cancel
                ),
            )

        self.push_screen(RebuildScreen(env, self.interpreters), chosen)

    def pip_task(
        self, env: Environment, action: str, requirements: Sequence[str], title: str
    ) -> None:
        services = self.services
        reqs = list(requirements)
        # Index options (the demo's --find-links) mean nothing to uninstall, which rejects them.
        extra = self.pip_args if action != "uninstall" else ()
        self.run_task(
            title,
            lambda on_line, cancel: services.pip(
                env.path, action, reqs, on_line=on_line, cancel=cancel, extra_args=extra
            ),
        )

    def action_install(self) -> None:
        env = self._need_environment()
        if env is None:
            return
        from venv_tui.ui.dialogs import InstallScreen

        def chosen(requirements: list[str] | None) -> None:
            if requirements:
                self.pip_task(env, "install", requirements, f"Install into {floor_name(env)}")

        self.push_screen(InstallScreen(floor_name(env)), chosen)

    def _selected_package(self) -> tuple[Environment, object] | None:
        env = self._need_environment()
        panel = self.panel("packages")
        assert isinstance(panel, PackagesPanel)
        dist = panel.selected()
        if env is None:
            return None
        if dist is None:
            self.notify("Select a package first (3 jumps to the packages).", severity="warning")
            return None
        return env, dist

    def action_uninstall(self) -> None:
        chosen = self._selected_package()
        if chosen is None:
            return
        env, dist = chosen
        name, version = dist.name, dist.version  # type: ignore[attr-defined]
        from venv_tui.ui.dialogs import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.pip_task(env, "uninstall", [name], f"Uninstall {name} from {floor_name(env)}")

        self.push_screen(
            ConfirmScreen(
                f"Uninstall {name}?",
                f"pip removes {name} {version} from {env.path}.",
                confirm_label="Uninstall",
            ),
            confirmed,
        )

    def action_upgrade(self) -> None:
        chosen = self._selected_package()
        if chosen is not None:
            env, dist = chosen
            name = dist.name  # type: ignore[attr-defined]
            self.pip_task(env, "upgrade", [name], f"Upgrade {name} in {floor_name(env)}")

    def _selected_result(self) -> SourceResult | None:
        panel = self.panel("scripts")
        assert isinstance(panel, ScriptsPanel)
        path = panel.selected_path()
        result = next((r for r in self.results if r.path == path), None)
        if result is None:
            self.notify(
                "Select a script in the robots panel first (4 jumps there).", severity="warning"
            )
        elif result.error is not None:
            self.notify(result.error, severity="error", markup=False)
            return None
        return result

    def action_install_missing(self) -> None:
        result = self._selected_result()
        env = self.active_environment()
        if result is None or env is None or result.check is None:
            return
        missing = [r.requirement for r in result.check.failures]
        floor = floor_name(env)
        if not missing:
            self.notify(f"{result.name} already fits {floor}: nothing to install.", markup=False)
            return
        self.pip_task(env, "install", missing, f"Install what {result.name} needs into {floor}")

    def action_new_floor(self) -> None:
        result = self._selected_result()
        if result is None or result.source is None:
            return
        from venv_tui.ui.dialogs import CreateEnvScreen

        source = result.source
        default = self.default_interpreter.path if self.default_interpreter else None
        python = pick_interpreter(self.interpreters, source.requires_python, default)
        stem = os.path.splitext(result.name)[0]
        needs = [r.text for r in source.requirements if r.text and not r.constraint]
        # A new floor of the house: next to the others when there is a project folder.
        folder = self.project or os.path.dirname(os.path.abspath(result.path))

        def chosen(request: object | None) -> None:
            self._create_chosen(request, install=needs, light=True)

        self.push_screen(
            CreateEnvScreen(
                self.interpreters,
                folder,
                suggested_name=f".venv-{stem}",
                suggested_python=python,
                title=f"New floor for {result.name}",
                check=self.location_check,
            ),
            chosen,
        )

    # -- shells ----------------------------------------------------------------------------

    def action_shell(self) -> None:
        self.open_shell(repl=False)

    def action_repl(self) -> None:
        self.open_shell(repl=True)

    def open_shell(self, *, repl: bool) -> None:
        env = self._need_environment()
        if env is None:
            return
        try:
            command = self.services.shell_command(env.path, repl=repl)
        except VenvTuiError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        what = "Python" if repl else "a shell"
        try:
            with self.suspend():
                print(f"venv-tui: {what} inside {env.path}; type exit to come back.", flush=True)
                subprocess.run(list(command.argv), env=command.env or None, check=False)
        except SuspendNotSupported:
            self.notify(
                f"This terminal cannot hand over to {what}; "
                f"run `venv-tui shell {env.path}` instead.",
                title="Cannot suspend",
                severity="warning",
                markup=False,
            )
        except FileNotFoundError:
            self.notify(f"{command.argv[0]} was not found.", severity="error", markup=False)
        finally:
            from venv_tui.services.actions.shell import cleanup

            cleanup(command)  # files and the temporary ZDOTDIR folder of a zsh session
        self.scan()

    # -- help ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from venv_tui.ui.dialogs import HelpScreen

        self.push_screen(HelpScreen(help_sections()))


def run(
    services: Services,
    *,
    watch: Sequence[str] = (),
    project: str | None = None,
    roots: Sequence[str] = (),
    active: str | None = None,
    demo: bool = False,
) -> int:
    """Build the app and run it in this terminal; the exit status for the command line."""
    from venv_tui.ui.demo import demo_active

    if active is None and (demo or project):
        # The demo house opens with floor 1's lamp on (a stat call; nothing else is read here).
        active = demo_active(project)
    pip_args: list[str] = []
    if project and demo_active(project) is not None:
        # The demo house is offline: pip finds the story's packages in its wheels folder.
        pip_args = ["--no-index", "--find-links", os.path.join(project, "wheels")]
    app = VenvTuiApp(
        services, watch=watch, project=project, roots=roots, active=active, pip_args=pip_args
    )
    result = app.run()
    return result if isinstance(result, int) else 0
