"""The house at a glance: sizes and last use measured after the first paint, a note and a keep
mark per floor (kept in the app's own state file through the services), "where is package X".

Nothing here runs on the UI thread longer than a frame: every read is a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import get_current_worker

from venv_tui.ui import state as S
from venv_tui.ui import tidy as T
from venv_tui.ui.flows_index import IndexFlows, _sentence
from venv_tui.ui.messages import EnvironmentsLoaded
from venv_tui.ui.panels.environments import Inventory as FloorInventory
from venv_tui.ui.panels.environments import floor_name
from venv_tui.ui.protocol import Inventory

if TYPE_CHECKING:
    from venv_tui.ui.protocol import StateLike


class InventoryFlows(IndexFlows):
    """Sizes, notes, keep marks and "where is": the main screen's inventory actions."""

    @on(EnvironmentsLoaded)
    def _measure_after_paint(self) -> None:
        # Runs after the main screen's own handler (the floors are in the house by now).
        if isinstance(self.services, Inventory) and self.house.floors:
            self._measure([e.path for e in self.house.floors if e.is_venv])

    @work(thread=True, exclusive=True, group="inventory", exit_on_error=False)
    def _measure(self, paths: list[str]) -> None:
        services = self.services
        assert isinstance(services, Inventory)
        sizes: dict[str, int] = {}
        used: dict[str, float | None] = {}
        notes: dict[str, str] = {}
        kept: list[str] = []
        state: StateLike | None = None
        try:
            state = services.state()
            for path in paths:
                mark = state.mark(path)
                if mark.note:
                    notes[path] = mark.note
                if mark.keep:
                    kept.append(path)
            self.app.call_from_thread(self._inventory_read, {}, {}, notes, kept, state.warning)
            for path, found in services.floor_sizes(paths).items():
                sizes[path] = found.size
            for path in paths:
                used[path] = services.last_used(path)
        except Exception:  # an unreadable corner must not stop the app; the column says "…"
            pass
        if not get_current_worker().is_cancelled:
            try:
                self.app.call_from_thread(self._inventory_read, sizes, used, None, None, None)
            except RuntimeError:  # closing
                pass

    def _inventory_read(
        self,
        sizes: Mapping[str, int],
        used: Mapping[str, float | None],
        notes: Mapping[str, str] | None,
        kept: list[str] | None,
        warning: str | None,
    ) -> None:
        if notes is not None and kept is not None:
            self.house = S.marks_loaded(self.house, notes, kept)
        if warning:
            self.app.notify(warning, severity="warning", markup=False)
        self.house = S.sized(self.house, sizes, used)
        self.render_inventory()

    def tidy_marks(self) -> None:
        """What both panels show of tidying the house, from the house: the floors built on each
        interpreter (counted in the interpreters' rows, named in the breakage lines of both
        panels) and the floors marked for clean-up (each row's mark, the border's count)."""
        from venv_tui.ui.panels import EnvironmentsPanel, InterpretersPanel

        built = T.built_on(self.house)
        self.query_one(InterpretersPanel).built = built
        floors = self.query_one(EnvironmentsPanel)
        floors.built = built
        floors.marked = T.marked_line(self.house)  # measured sizes count in what is freed
        floors.clean_up = self.house.marked

    def render_inventory(self) -> None:
        from venv_tui.ui.panels import EnvironmentsPanel

        house = self.house
        found = house.found
        panel = self.query_one(EnvironmentsPanel)
        self.tidy_marks()
        panel.show_inventory(
            {
                e.path: FloorInventory(
                    size=house.sizes.get(e.path),
                    used=house.used.get(e.path),
                    note=house.notes.get(e.path),
                    keep=e.path in house.kept,
                    found=found[0] if found is not None and e.path in found[1] else None,
                )
                for e in house.floors
            },
            T.shown_floors(house),
        )

    def _need_inventory(self) -> Inventory | None:
        services = self.services
        if not isinstance(services, Inventory):
            self.app.notify("This build cannot keep notes or marks.", severity="warning")
            return None
        return services

    # -- keep and note ---------------------------------------------------------------------

    async def _store_mark(self, path: str, write: Callable[[], tuple[object, str | None]]) -> None:
        """Write a floor's mark to the state file in a thread; a failure or the file's warning
        is one notification (the mark still holds for this session)."""

        def store() -> str | None:
            try:
                _mark, warning = write()
            except Exception as err:
                return _sentence(err, path)
            return warning

        error = await self.run_worker(store, thread=True, group="marks").wait()
        if error:
            self.app.notify(error, severity="warning", markup=False)

    @work(group="flow", exit_on_error=False)
    async def action_keep(self) -> None:
        env, services = self._need_floor(), self._need_inventory()
        if env is None or services is None:
            return
        keep = env.path not in self.house.kept
        await self._store_mark(env.path, lambda: services.set_keep(env.path, keep))
        self.house = S.kept_marked(self.house, env.path, keep)
        self.render_inventory()
        self.app.notify(
            f"{floor_name(env)} is kept: never offered for clean-up"
            if keep
            else f"{floor_name(env)} is no longer kept",
            markup=False,
        )

    @work(group="flow", exit_on_error=False)
    async def action_note(self) -> None:
        from venv_tui.ui.dialogs import AskScreen

        env, services = self._need_floor(), self._need_inventory()
        if env is None or services is None:
            return
        answer = await self.app.push_screen_wait(
            AskScreen(
                f"Note on {floor_name(env)}",
                "One line about this floor (empty removes the note).",
                initial=self.house.notes.get(env.path, ""),
            )
        )
        if answer is None:
            return
        note = " ".join(answer.split()) or None
        await self._store_mark(env.path, lambda: services.set_note(env.path, note))
        self.house = S.noted(self.house, env.path, note)
        self.render_inventory()

    # -- clean-up: the marked floors, deleted after one confirmation --------------------------

    @work(group="flow", exit_on_error=False)
    async def action_clean_marked(self) -> None:
        from venv_tui.errors import VenvTuiError
        from venv_tui.ui.decide import delete_message
        from venv_tui.ui.dialogs import ConfirmScreen
        from venv_tui.ui.protocol import Planner

        paths = sorted(self.house.marked)
        if not paths:
            self.app.notify("No floor is marked: space marks one for clean-up.", markup=False)
            return
        services = self.services

        def plan() -> tuple[list[tuple[str, str]], list[str]]:
            ready: list[tuple[str, str]] = []  # (folder to delete, what the confirmation says)
            refused: list[str] = []
            for path in paths:
                try:
                    if isinstance(services, Planner):
                        found = services.plan_delete(path)
                        ready.append((found.folder, delete_message(found)))
                    else:
                        target = services.check_deletable(path)
                        ready.append((target, f"This removes the folder {target}."))
                except (VenvTuiError, OSError) as err:
                    refused.append(_sentence(err, path))
            return ready, refused

        ready, refused = await self.run_worker(plan, thread=True, group="delete").wait()
        for sentence in refused:
            self.app.notify(sentence, title="Not cleaned", severity="warning", markup=False)
        if not ready:
            return
        message = "\n\n".join(said for _folder, said in ready)
        title = f"Delete {len(ready)} marked floor{'s' if len(ready) != 1 else ''}?"
        if not await self.app.push_screen_wait(ConfirmScreen(title, message)):
            return

        def delete() -> list[str]:
            failed: list[str] = []
            for n, (folder, _said) in enumerate(ready, 1):
                self.app.call_from_thread(
                    self.app.notify, f"Deleting {n}/{len(ready)}: {folder}", markup=False
                )
                try:  # one failure does not stop the rest; all are said at the end
                    services.delete(folder)
                except (VenvTuiError, OSError) as err:
                    failed.append(_sentence(err, folder))
            return failed

        failed = await self.run_worker(delete, thread=True, group="delete").wait()
        for sentence in failed:
            self.app.notify(sentence, title="Delete failed", severity="error", markup=False)
        done = len(ready) - len(failed)
        self.app.notify(f"Deleted {done} of {len(ready)} marked floors", markup=False)
        self.house = S.replace(self.house, marked=frozenset())
        self.load_floors()

    # -- where is package X ----------------------------------------------------------------

    @work(group="flow", exit_on_error=False)
    async def action_where(self) -> None:
        from venv_tui.ui.dialogs import AskScreen

        services = self._need_inventory()
        if services is None:
            return
        spec = await self.app.push_screen_wait(
            AskScreen(
                "Where is…",
                "A requirement: numpy, numpy<2, requests[socks]>=2.30 (empty clears the marks).",
                initial=self.house.found[0] if self.house.found else "",
            )
        )
        if spec is None:
            return
        spec = spec.strip()
        if not spec:
            self.house = S.where_found(self.house, None)
            self.render_inventory()
            return
        roots = self.options.roots

        def find() -> tuple[list[str], str | None]:
            try:
                found, _unreadable = services.where(spec, roots)
            except Exception as err:
                return [], _sentence(err)
            return [f.path for f in found], None

        paths, error = await self.run_worker(find, thread=True, group="where").wait()
        if error:
            self.app.notify(error, title="Where is…", severity="error", markup=False)
            return
        known = {e.path for e in self.house.floors}
        self.house = S.where_found(self.house, spec, [p for p in paths if p in known])
        self.render_inventory()
        shown = len(self.house.found[1]) if self.house.found else 0
        said = f"{spec}: {shown} floor{'s' if shown != 1 else ''} hold it (marked ◆)"
        self.app.notify(said if shown else f"No floor holds {spec}", markup=False)
