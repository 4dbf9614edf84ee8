"""The part of :class:`~venv_tui.services.Services` that takes in the whole house: sizes on disk,
last use, notes and keep marks, where a package is, who stands on which interpreter, clean-up.

A mixin, so that the facade keeps one name for every capability while its file stays short;
what it needs of the rest of the facade is declared below for the type checker only.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from venv_tui.model import DeletePlan, Environment, Interpreter, PackageSet, Site
    from venv_tui.services.clean import Filters as CleanFilters
    from venv_tui.services.clean import Match as CleanMatch
    from venv_tui.services.clean import Outcome as CleanOutcome
    from venv_tui.services.sizes import FloorSize
    from venv_tui.services.state import Mark, State
    from venv_tui.services.where import Found

    LineCallback = Callable[[str], None]


class Glance:
    """Sizes, use, marks, where, clean-up: methods of the services facade."""

    if TYPE_CHECKING:
        environ: Mapping[str, str]
        cwd: str

        def environments(
            self, roots: Sequence[str] = (), *, include_interpreters: bool = False
        ) -> list[Environment]: ...

        def packages(self, path_or_site: str | Site) -> PackageSet: ...

        def plan_delete(self, path: str, /) -> DeletePlan: ...

        def delete(self, path_or_plan: str | DeletePlan, /) -> None: ...

    def floor_sizes(
        self,
        paths: Sequence[str],
        *,
        use_cache: bool = True,
        site_dirs: Mapping[str, Sequence[str]] | None = None,
    ) -> dict[str, FloorSize]:
        """Each floor folder's size on disk as ``du`` counts it (keyed by the path as given),
        cached in the cache folder until the floor's folder, bin, lib or site folders change.
        ``site_dirs``: each floor's site folders, when known (from :meth:`floors`)."""
        from venv_tui.services.sizes import floor_sizes

        return floor_sizes(paths, environ=self.environ, use_cache=use_cache, site_dirs=site_dirs)

    def total_size(self, sizes: Sequence[FloorSize]) -> int:
        """The bytes under all those floors together, a file hard-linked between them counted
        once (remembered in the cache for this set of floors as they are now)."""
        from venv_tui.services.sizes import cached_total

        return cached_total(sizes, environ=self.environ)

    def last_used(self, path: str, *, site_dirs: Sequence[str] | None = None) -> float | None:
        """When the floor last ran (seconds since the epoch), from access times, by stat only.
        ``site_dirs``: its site folders when already known (from :meth:`floors`)."""
        from venv_tui.services.usage import last_used

        return last_used(path, site_dirs)

    def state(self) -> State:
        """Notes and keep marks (a broken state file: ``.warning`` and no marks)."""
        from venv_tui.services.state import load_state

        return load_state(environ=self.environ)

    def set_note(self, path: str, note: str | None) -> tuple[Mark, str | None]:
        """Set (or with None clear) a floor's one-line note; the new mark and a warning or None."""
        from venv_tui.services.state import update_mark

        return update_mark(path, note=note, environ=self.environ)

    def set_keep(self, path: str, keep: bool) -> tuple[Mark, str | None]:
        """Mark a floor to keep (never offered for clean-up), or take the mark off."""
        from venv_tui.services.state import update_mark

        return update_mark(path, keep=keep, environ=self.environ)

    def where(self, spec: str, roots: Sequence[str] = ()) -> tuple[list[Found], list[str]]:
        """Every floor and base interpreter where ``spec`` (``numpy<2``, ``requests[socks]``)
        is satisfied, and a sentence for each floor that could not be read."""
        from venv_tui.services.where import find, parse_spec

        parse_spec(spec)  # bad input is said before anything is searched
        floors = self.environments(roots, include_interpreters=True)
        return find(spec, floors, self.packages)

    def environments_by_interpreter(
        self, interpreters: Sequence[Interpreter], environments: Sequence[Environment] | None = None
    ) -> dict[str, list[str]]:
        """For each interpreter path, the floors built on it."""
        from venv_tui.services.inventory import floors_by_interpreter

        floors = environments if environments is not None else self.environments()
        return floors_by_interpreter(interpreters, floors)

    def clean_matches(
        self,
        filters: CleanFilters,
        roots: Sequence[str] = (),
        *,
        include_managed: bool = False,
        now: float | None = None,
    ) -> list[CleanMatch]:
        """The floors that match ``filters`` (only under ``roots`` when given), each free to go
        or with the reason it stays."""
        from venv_tui.services.clean import gather

        return gather(self, filters, roots, include_managed=include_managed, now=now)

    def delete_floors(
        self, matches: Sequence[CleanMatch], *, on_progress: LineCallback | None = None
    ) -> CleanOutcome:
        """Delete the matches that may go, one by one through the delete guard; a failure is
        recorded and the rest go on."""
        from venv_tui.services.clean import delete_floors

        delete: Callable[[Any], None] = self.delete
        return delete_floors(matches, delete, on_progress=on_progress)

    def clean_sizes(self, matches: Sequence[CleanMatch]) -> tuple[int, int]:
        """(bytes under the matches that would go, shared files once; bytes deleting them would
        free: only files whose every hard link lies inside them)."""
        from venv_tui.services.clean import matched_sizes

        return matched_sizes(self, matches)
