"""The flows that write a floor down, compare two, and ask the index about them.

Each reads like the conversation it is (ask, work in a thread, show); the network is reached
only when the user asks, in a worker, cancellable, and its failure is one sentence.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from venv_tui.errors import VenvTuiError
from venv_tui.model import Environment, PipResult
from venv_tui.ui import state as S
from venv_tui.ui.decide import cached_words, export_folder, fix_version, index_options
from venv_tui.ui.flows import Flows
from venv_tui.ui.panels.base import tilde
from venv_tui.ui.panels.environments import floor_name

if TYPE_CHECKING:
    from venv_tui.model import AuditReport, OutdatedReport
    from venv_tui.services.diff import FloorDiff
    from venv_tui.ui.dialogs import ExportRequest


def _sentence(err: Exception, path: str = "") -> str:
    if isinstance(err, VenvTuiError):
        return str(err)
    if isinstance(err, OSError):
        return f"{err.filename or path}: {err.strerror or err}"
    return f"{type(err).__name__}: {err}"


class IndexFlows(Flows):
    """Export, compare, outdated and vulnerable: the main screen's actions over the index."""

    _index_cancel: threading.Event | None = None

    # Provided by the main screen.
    def render_floors(self) -> None: ...

    # -- export ----------------------------------------------------------------------------

    @work(group="flow", exit_on_error=False)
    async def action_export(self) -> None:
        from venv_tui.ui.dialogs import ConfirmScreen, ExportScreen

        env = self._need_floor()
        if env is None:
            return
        folder = export_folder(env.path, env.is_venv, self.options.project, self.services.cwd)
        request: ExportRequest | None = await self.app.push_screen_wait(ExportScreen(floor_name(env), folder))
        if request is None:
            return
        services = self.services
        links, no_index = index_options(self.options.pip_args)
        if request.fmt == "pylock":
            self.app.notify("Looking up each file on the index…", markup=False)

        def make() -> tuple[str | None, str | None, bool, tuple[str, ...]]:
            try:
                packages = services.packages(env.path)
                settings = None
                if links or no_index:
                    settings = services.index_settings(packages.site, find_links=links, no_index=no_index)
                result = services.export(
                    packages, fmt=request.fmt, top_level=request.top_level, settings=settings
                )
                return result.text, None, os.path.lexists(request.path), result.warnings
            except Exception as err:  # nothing is written; the sentence says why
                return None, _sentence(err, env.path), False, ()

        text, error, exists, warnings = await self.run_worker(make, thread=True, group="export").wait()
        if text is None:
            self.app.notify(
                error or "nothing to export", title="Export failed", severity="error", markup=False
            )
            return
        if exists and not await self.app.push_screen_wait(
            ConfirmScreen(
                f"Replace {os.path.basename(request.path)}?",
                f"{request.path} exists; the export replaces it.",
                confirm_label="Replace",
            )
        ):
            return

        def write() -> str | None:
            try:
                services.write_export(request.path, text)
            except Exception as err:
                return _sentence(err, request.path)
            return None

        error = await self.run_worker(write, thread=True, group="export").wait()
        if error:
            self.app.notify(error, title="Export failed", severity="error", markup=False)
            return
        for warning in warnings[:3]:
            self.app.notify(warning, severity="warning", markup=False)
        self.app.notify(f"Wrote {request.path}", title=f"Export of {floor_name(env)}", markup=False)

    # -- compare ---------------------------------------------------------------------------

    @work(group="flow", exit_on_error=False)
    async def action_compare(self) -> None:
        from venv_tui.ui.dialogs import PickFloorScreen
        from venv_tui.ui.diffscreen import DiffScreen

        env = self._need_floor()
        if env is None:
            return
        self.house = S.compare_marked(self.house, env.path)
        home = self.services.environ.get("HOME")
        choices = [
            (e.path, f"{floor_name(e)} · Python {e.python_version or '?'} · {tilde(e.path, home)}")
            for e in self.house.floors
            if e.path != env.path and e.health != "broken"
        ]
        if not choices:
            self.house = S.compare_marked(self.house, None)
            self.app.notify("There is no other floor to compare with.", severity="warning")
            return
        other = await self.app.push_screen_wait(
            PickFloorScreen(
                f"Compare {floor_name(env)} with…",
                f"{floor_name(env)} is the left side; pick the right.",
                choices,
            )
        )
        left_path = self.house.compare_from
        self.house = S.compare_marked(self.house, None)
        right = self.house.floor(other)
        if right is None or left_path is None:
            return
        services = self.services

        def compare() -> tuple[FloorDiff | None, str | None]:
            try:
                return services.diff(services.packages(left_path), services.packages(right.path)), None
            except Exception as err:
                return None, _sentence(err)

        diff, error = await self.run_worker(compare, thread=True, group="compare").wait()
        if diff is None:
            self.app.notify(error or "cannot compare", title="Compare failed", severity="error", markup=False)
            return
        await self.app.push_screen_wait(DiffScreen(diff, floor_name(env), floor_name(right)))

    # -- the index: outdated and vulnerable ------------------------------------------------

    def action_index_check(self) -> None:
        env = self._need_floor()
        if env is not None:
            self.check_index([env.path], floor_name(env))

    def action_index_check_all(self) -> None:
        paths = [e.path for e in self.house.floors if e.health != "broken"]
        if paths:
            self.check_index(paths, "every floor")

    def action_index_stop(self) -> None:
        if self._index_cancel is None:
            return
        self._index_cancel.set()
        self.app.notify("Stopping the index check…")

    def render_index(self) -> None:
        from venv_tui.ui.marks import all_package_marks
        from venv_tui.ui.panels import EnvironmentsPanel, PackagesPanel

        self.query_one(EnvironmentsPanel).show_index(self.house.index, self.house.index_progress)
        self.query_one(PackagesPanel).set_marks(all_package_marks(self.house.index))

    def _index_progressed(self, phase: str, done: int, total: int) -> None:
        from venv_tui.ui.panels import EnvironmentsPanel

        self.house = S.index_progressed(self.house, phase, done, total)
        self.query_one(EnvironmentsPanel).show_progress(self.house.index_progress)

    @work(group="index", exit_on_error=False)
    async def check_index(self, paths: list[str], what: str) -> None:
        if self._index_cancel is not None:
            self.app.notify("The index is being asked already (x stops it).", severity="warning")
            return
        cancel = self._index_cancel = threading.Event()
        self.house = S.index_started(self.house)
        self.render_index()
        services, app = self.services, self.app
        links, no_index = index_options(self.options.pip_args)

        def progress(phase: str) -> Callable[[int, int], None]:
            def report(done: int, total: int) -> None:
                try:
                    app.call_from_thread(self._index_progressed, phase, done, total)
                except RuntimeError:  # the app is closing
                    pass

            return report

        def ask() -> tuple[OutdatedReport | None, AuditReport | None, str | None]:
            try:
                outdated = services.outdated(
                    paths, find_links=links, no_index=no_index, progress=progress("outdated"), cancel=cancel
                )
                if outdated.cancelled or cancel.is_set():
                    return outdated, None, None
                audit = services.audit(paths, progress=progress("vulnerable"), cancel=cancel)
                return outdated, audit, None
            except Exception as err:
                return None, None, _sentence(err)

        try:
            outdated, audit, error = await self.run_worker(ask, thread=True, group="index-ask").wait()
        finally:
            self._index_cancel = None
        if outdated is not None:
            self.house = S.outdated_found(self.house, outdated)
        if audit is not None:
            self.house = S.audited(self.house, audit)
        self.house = S.index_finished(self.house)
        self.render_index()
        self._say_index(what, outdated, audit, error, cancel.is_set())

    def _say_index(
        self,
        what: str,
        outdated: OutdatedReport | None,
        audit: AuditReport | None,
        error: str | None,
        stopped: bool,
    ) -> None:
        """One notification for the result, one sentence for a network failure (the same as
        the CLI's: which server, how much was left unchecked, why)."""
        from venv_tui.services.index.shortfall import audit_shortfall, outdated_shortfall

        if error is not None:
            self.app.notify(error, title="The index check failed", severity="error", markup=False)
            return
        gaps = [outdated_shortfall(outdated) if outdated else None, audit_shortfall(audit) if audit else None]
        problems = [
            gap.sentence if gap is not None else report.problem
            for report, gap in zip((outdated, audit), gaps, strict=True)
            if report is not None and (gap is not None or report.problem)
        ]
        cached = [f.cached_at for f in (outdated.floors if outdated else ()) if f.cached_at is not None]
        for problem in dict.fromkeys(problems):
            extra = f"; showing answers {cached_words(min(cached))}" if cached else ""
            self.app.notify(f"{problem}{extra}", title="Index", severity="warning", markup=False)
        old = sum(len(f.packages) for f in outdated.floors) if outdated else 0
        bad = sum(len(f.packages) for f in audit.floors) if audit else 0
        said = f"{old} outdated, {bad} vulnerable on {what}"
        if stopped:
            self.app.notify(f"Stopped: {said} so far", title="Index", severity="warning", markup=False)
        else:
            self.app.notify(said, title="Index", markup=False)

    @work(group="flow", exit_on_error=False)
    async def action_fix(self) -> None:
        from packaging.utils import canonicalize_name

        from venv_tui.ui.dialogs import ConfirmScreen

        env, dist = self._need_floor(), self.selected_package()
        if env is None:
            return
        if dist is None:
            self.app.notify("Select a package first (3 jumps to the packages).", severity="warning")
            return
        index = self.house.floor_index(env.path)
        if index is None:
            self.app.notify(f"Ask the index about {floor_name(env)} first (o on the floor).", markup=False)
            return
        key = canonicalize_name(dist.name)
        vulns = index.vulnerable.get(key, ())
        version = fix_version(dist.version, index.outdated.get(key), vulns)
        if version is None:
            self.app.notify(f"The index knows no newer version of {dist.name} to install.", markup=False)
            return
        fixes = f"; it fixes {', '.join(v.id for v in vulns)}" if vulns else ""
        yes = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Upgrade {dist.name}?",
                f"pip installs {dist.name} {version} into {env.path} (now {dist.version}){fixes}; "
                "what depends on the old version may stop fitting.",
                confirm_label="Upgrade",
                danger=False,
            )
        )
        if yes:
            await self._fix(env, dist.name, version)

    async def _fix(self, env: Environment, name: str, version: str) -> None:
        services, extra, req = self.services, self.options.pip_args, f"{name}=={version}"

        def upgrade(on_line: Callable[[str], None], cancel: threading.Event) -> PipResult:
            return services.pip(env.path, "upgrade", [req], on_line=on_line, cancel=cancel, extra_args=extra)

        result, _refusal = await self.run_task(f"Upgrade {name} in {floor_name(env)}", upgrade)
        if result.ok:
            self.house = S.fixed(self.house, env.path, name)
            self.render_index()
