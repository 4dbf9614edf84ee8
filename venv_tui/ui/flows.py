"""What the keys do: each action a coroutine that asks with a dialog and waits for the answer.

``await self.app.push_screen_wait(Dialog(...))`` inside ``@work`` reads top to bottom like the
conversation it is: ask, check, confirm, run with a live log, read the disk again. The disk and
processes are reached only through the services, in thread workers.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported
from textual.screen import Screen

from venv_tui.errors import Refused, VenvTuiError
from venv_tui.model import Distribution, Environment, PipResult
from venv_tui.ui import state as S
from venv_tui.ui.actions import Context
from venv_tui.ui.decide import delete_message, offers_new_floor, unknown_imports
from venv_tui.ui.panels.environments import floor_name
from venv_tui.ui.protocol import Planner
from venv_tui.ui.state import SourceResult

if TYPE_CHECKING:
    from venv_tui.ui.dialogs.create import CreateRequest
    from venv_tui.ui.main import Options
    from venv_tui.ui.protocol import DeletePlan, HouseServices

LineCallback = Callable[[str], None]
TaskFunction = Callable[[LineCallback, threading.Event], PipResult]


class Flows(Screen[None]):
    """The main screen's actions. Subclassed by :class:`~venv_tui.ui.main.MainScreen`, which
    provides the state, the panels and the readers used here."""

    services: HouseServices
    options: Options
    house: S.House
    current_panel: str

    # Provided by the main screen.
    def load_floors(self) -> None: ...
    def scan(self) -> None: ...
    def action_panel(self, panel_id: str) -> None: ...

    # -- what is selected ------------------------------------------------------------------

    def context(self) -> Context:
        return Context(self.house, self.current_panel, self.selected_package(), self.selected_robot())

    def selected_package(self) -> Distribution | None:
        from venv_tui.ui.panels import PackagesPanel

        return self.query_one(PackagesPanel).selected()

    def selected_robot(self) -> SourceResult | None:
        from venv_tui.ui.panels import ScriptsPanel

        return self.house.result(self.query_one(ScriptsPanel).selected_path())

    def _need_floor(self) -> Environment | None:
        env = self.house.selected_floor
        if env is None:
            self.app.notify("Select an environment first.", severity="warning")
        return env

    def _need_robot(self) -> SourceResult | None:
        result = self.selected_robot()
        if result is None:
            self.app.notify("Select a script in the robots panel first (4 jumps there).", severity="warning")
        elif result.error is not None:
            self.app.notify(result.error, severity="error", markup=False)
            return None
        return result

    def location_check(self) -> Callable[[str, str], tuple[str, str | None]] | None:
        check: Callable[[str, str], tuple[str, str | None]] | None = getattr(self.app, "location_check", None)
        return check

    # -- running a task with a live log ----------------------------------------------------

    async def run_task(self, title: str, function: TaskFunction) -> tuple[PipResult, Refused | None]:
        """Run ``function(on_line, cancel)`` in a thread, its output streaming into a log;
        then read the floors again (a failed pip may have changed half of them)."""
        from venv_tui.ui.dialogs import TaskLogScreen

        cancel = threading.Event()
        log = TaskLogScreen(title, on_cancel=cancel.set)
        await self.app.push_screen(log)
        app = self.app

        def job() -> tuple[PipResult, Refused | None]:
            def on_line(line: str) -> None:
                try:
                    app.call_from_thread(log.write_line, line)
                except RuntimeError:  # the app is closing
                    pass

            try:
                return function(on_line, cancel), None
            except Refused as err:
                return PipResult(args=(), returncode=1, error_lines=(str(err),)), err
            except VenvTuiError as err:
                return PipResult(args=(), returncode=1, error_lines=(str(err),)), None
            except Exception as err:
                return PipResult(args=(), returncode=1, error_lines=(f"{type(err).__name__}: {err}",)), None

        worker = self.run_worker(job, thread=True, group="task", exit_on_error=False)
        result, refusal = await worker.wait()
        log.finish(result)
        if result.ok:
            self.app.notify(f"{title}: done", markup=False)
        elif result.cancelled:
            self.app.notify(f"{title}: cancelled", severity="warning", markup=False)
        else:
            reason = result.error_lines[-1] if result.error_lines else f"exit status {result.returncode}"
            self.app.notify(f"{title} failed: {reason}", severity="error", markup=False)
        self.house = S.forgotten(self.house, list(self.house.readings))
        self.load_floors()
        return result, refusal

    async def _pip(self, env: Environment, action: str, requirements: Sequence[str], title: str) -> None:
        services = self.services
        reqs = list(requirements)
        # Index options (the demo's --find-links) mean nothing to uninstall, which rejects them.
        extra = self.options.pip_args if action != "uninstall" else ()
        _result, refusal = await self.run_task(
            title,
            lambda on_line, cancel: services.pip(
                env.path, action, reqs, on_line=on_line, cancel=cancel, extra_args=extra
            ),
        )
        if refusal is not None and action == "install" and offers_new_floor(refusal):
            await self._offer_new_floor(env, reqs, str(refusal))

    async def _offer_new_floor(self, env: Environment, reqs: list[str], sentence: str) -> None:
        from venv_tui.ui.dialogs import ConfirmScreen

        yes = await self.app.push_screen_wait(
            ConfirmScreen(
                f"{floor_name(env)} is not yours to change",
                f"{sentence}\n\nBuild a new floor with {', '.join(reqs)} instead?",
                confirm_label="New floor",
                danger=False,
            )
        )
        if yes:
            await self._create(
                os.path.dirname(env.path) if env.is_venv else self._project_folder(),
                install=reqs,
                light=True,
                python=env.python or env.path,
            )

    def _project_folder(self) -> str:
        return self.options.project or self.services.config.envs_folder or self.services.cwd

    # -- floors ----------------------------------------------------------------------------

    @work(group="flow", exit_on_error=False)
    async def action_create_env(self) -> None:
        suggested = None
        if self.current_panel == "interpreters":
            from venv_tui.ui.panels import InterpretersPanel

            suggested = self.query_one(InterpretersPanel).selected_path()
        await self._create(self._project_folder(), python=suggested)

    async def _create(
        self,
        folder: str,
        *,
        install: Sequence[str] = (),
        light: bool = False,
        python: str | None = None,
        name: str = ".venv",
        title: str = "New environment",
    ) -> None:
        from venv_tui.ui.dialogs import CreateEnvScreen

        request: CreateRequest | None = await self.app.push_screen_wait(
            CreateEnvScreen(
                self.house.interpreters,
                folder,
                suggested_name=name,
                suggested_python=python,
                title=title,
                check=self.location_check(),
            )
        )
        if request is None:
            return
        services, pip_args, path = self.services, self.options.pip_args, request.path

        def create(on_line: LineCallback, cancel: threading.Event) -> PipResult:
            result = services.create(
                path,
                python=request.python,
                system_site_packages=request.system_site_packages,
                without_pip=request.without_pip,
                prompt=request.prompt,
                upgrade_pip=request.upgrade_pip,
                on_line=on_line,
                cancel=cancel,
            )
            if result.ok and install:
                on_line(f"Installing {', '.join(install)} into {path}")
                installed = services.pip(
                    path, "install", list(install), on_line=on_line, cancel=cancel, extra_args=pip_args
                )
                if not installed.ok:
                    # The floor exists: say exactly that, and keep it listed.
                    why = installed.error_lines[-1] if installed.error_lines else "see the log"
                    lines = (f"the floor was made; installing {', '.join(install)} failed: {why}",)
                    return PipResult(installed.args, installed.returncode, installed.cancelled, lines)
                result = installed
            return result

        if light:
            # The new floor gets the lamp as soon as a reading of the floors finds it.
            self.house = S.wanted(self.house, path)
        await self.run_task(f"Create {path}", create)

    @work(group="flow", exit_on_error=False)
    async def action_delete_env(self) -> None:
        from venv_tui.ui.dialogs import ConfirmScreen

        env = self._need_floor()
        if env is None:
            return
        services = self.services

        def plan() -> tuple[DeletePlan | str | None, str | None]:
            try:
                if isinstance(services, Planner):
                    return services.plan_delete(env.path), None
                return services.check_deletable(env.path), None
            except VenvTuiError as err:
                return None, str(err)
            except OSError as err:
                return None, f"{env.path}: {err.strerror or err}"

        found, refusal = await self.run_worker(plan, thread=True, group="delete").wait()
        if found is None:
            self.app.notify(
                refusal or "nothing to delete", title="Delete refused", severity="error", markup=False
            )
            return
        if isinstance(found, str):
            target, message = found, f"This removes the folder {found} and everything in it."
        else:
            target, message = found.folder, delete_message(found)
        if not await self.app.push_screen_wait(ConfirmScreen(f"Delete {floor_name(env)}?", message)):
            return

        def delete() -> str | None:
            try:
                services.delete(target)
            except VenvTuiError as err:
                return str(err)
            except OSError as err:
                return f"{target}: {err.strerror or err}"
            return None

        error = await self.run_worker(delete, thread=True, group="delete").wait()
        if error:
            self.app.notify(error, title="Delete failed", severity="error", markup=False)
        else:
            self.app.notify(f"Deleted {target}", markup=False)
            self.house = S.deleted(self.house, env.path)
        self.load_floors()

    @work(group="flow", exit_on_error=False)
    async def action_rebuild_env(self) -> None:
        from venv_tui.ui.dialogs import RebuildScreen

        env = self._need_floor()
        if env is None:
            return
        if not env.is_venv:
            self.app.notify(
                f"{floor_name(env)} is an interpreter, not an environment: nothing to rebuild.",
                severity="warning",
                markup=False,
            )
            return
        python = await self.app.push_screen_wait(RebuildScreen(env, self.house.interpreters))
        if python:
            services = self.services
            await self.run_task(
                f"Rebuild {floor_name(env)}",
                lambda on_line, cancel: services.rebuild(
                    env.path, python=python, on_line=on_line, cancel=cancel
                ),
            )

    # -- packages --------------------------------------------------------------------------

    @work(group="flow", exit_on_error=False)
    async def action_install(self) -> None:
        from venv_tui.ui.dialogs import InstallScreen

        env = self._need_floor()
        if env is None:
            return
        requirements = await self.app.push_screen_wait(InstallScreen(floor_name(env)))
        if requirements:
            await self._pip(env, "install", requirements, f"Install into {floor_name(env)}")

    async def _confirm_package(self, verb: str, what: str) -> tuple[Environment, str] | None:
        from venv_tui.ui.dialogs import ConfirmScreen

        env = self._need_floor()
        dist = self.selected_package()
        if env is None:
            return None
        if dist is None:
            self.app.notify("Select a package first (3 jumps to the packages).", severity="warning")
            return None
        yes = await self.app.push_screen_wait(
            ConfirmScreen(
                f"{verb} {dist.name}?",
                what.format(name=dist.name, version=dist.version, path=env.path),
                confirm_label=verb,
                danger=verb == "Uninstall",
            )
        )
        return (env, dist.name) if yes else None

    @work(group="flow", exit_on_error=False)
    async def action_uninstall(self) -> None:
        chosen = await self._confirm_package("Uninstall", "pip removes {name} {version} from {path}.")
        if chosen is not None:
            env, name = chosen
            await self._pip(env, "uninstall", [name], f"Uninstall {name} from {floor_name(env)}")

    @work(group="flow", exit_on_error=False)
    async def action_upgrade(self) -> None:
        chosen = await self._confirm_package(
            "Upgrade",
            "pip installs the newest {name} its index offers into {path} (now {version}); "
            "what depends on the old version may stop fitting.",
        )
        if chosen is not None:
            env, name = chosen
            await self._pip(env, "upgrade", [name], f"Upgrade {name} in {floor_name(env)}")

    # -- robots ----------------------------------------------------------------------------

    @work(group="flow", exit_on_error=False)
    async def action_install_missing(self) -> None:
        from venv_tui.ui.dialogs import InstallScreen

        result = self._need_robot()
        env = self.house.lit_floor
        if result is None or env is None or result.check is None:
            return
        floor = floor_name(env)
        known, unknown = unknown_imports(result)
        if not known and not unknown:
            self.app.notify(f"{result.name} already fits {floor}: nothing to install.", markup=False)
            return
        for module in unknown:
            # An import name is not a distribution name: ask, never guess.
            answer = await self.app.push_screen_wait(
                InstallScreen(
                    floor,
                    question=f"{result.name} imports {module}, and no known distribution provides "
                    "it. Type the distribution to install for it (esc skips it).",
                )
            )
            known += answer or []
        if known:
            await self._pip(env, "install", known, f"Install what {result.name} needs into {floor}")

    @work(group="flow", exit_on_error=False)
    async def action_new_floor(self) -> None:
        result = self._need_robot()
        if result is None or result.source is None:
            return
        source = result.source
        default = self.house.default.path if self.house.default else None
        python = S.pick_interpreter(self.house.interpreters, source.requires_python, default)
        stem = os.path.splitext(result.name)[0]
        needs = [r.text for r in source.requirements if r.text and not r.constraint and not r.inferred]
        known, _unknown = unknown_imports(result)
        needs += [k for k in known if k not in needs and any(r.inferred for r in source.requirements)]
        # A new floor of the house: next to the others when there is a project folder.
        folder = self.options.project or os.path.dirname(os.path.abspath(result.path))
        await self._create(
            folder,
            install=needs,
            light=True,
            python=python,
            name=f".venv-{stem}",
            title=f"New floor for {result.name}",
        )

    # -- shells ----------------------------------------------------------------------------

    def action_shell(self) -> None:
        self.open_shell(repl=False)

    def action_repl(self) -> None:
        self.open_shell(repl=True)

    def open_shell(self, *, repl: bool) -> None:
        env = self._need_floor()
        if env is None:
            return
        try:
            command = self.services.shell_command(env.path, repl=repl)
        except VenvTuiError as err:
            self.app.notify(str(err), severity="error", markup=False)
            return
        what = "Python" if repl else "a shell"
        try:
            with self.app.suspend():
                print(f"venv-tui: {what} inside {env.path}; type exit to come back.", flush=True)
                subprocess.run(list(command.argv), env=command.env or None, check=False)
        except SuspendNotSupported:
            self.app.notify(
                f"This terminal cannot hand over to {what}; run `venv-tui shell {env.path}` instead.",
                title="Cannot suspend",
                severity="warning",
                markup=False,
            )
        except FileNotFoundError:
            self.app.notify(f"{command.argv[0]} was not found.", severity="error", markup=False)
        finally:
            from venv_tui.services.actions.shell import cleanup

            cleanup(command)  # files and the temporary ZDOTDIR folder of a zsh session
        self.scan()

    # -- help ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from venv_tui.ui.actions import help_sections
        from venv_tui.ui.dialogs import HelpScreen

        self.app.push_screen(HelpScreen(help_sections(self.app)))
