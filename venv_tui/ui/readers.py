"""What the main screen's workers do, off the UI thread: read the floors, find the robots, read
one floor, check the robots. Each returns plain values (or the message to post)."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from venv_tui.errors import VenvTuiError
from venv_tui.model import CheckResult, Environment, PackageSet
from venv_tui.ui import state as S
from venv_tui.ui.messages import EnvironmentsLoaded, SourcesFound
from venv_tui.ui.state import Reading, SourceResult
from venv_tui.ui.watch import search_folders

if TYPE_CHECKING:
    from venv_tui.ui.main import Options
    from venv_tui.ui.protocol import HouseServices


def read_floors(
    services: HouseServices, options: Options, had_lamp: bool, wanted: str | None
) -> EnvironmentsLoaded:
    """Every floor (the first floor first), what is active outside the app and why, and the
    folders and base interpreters whose stamps tell that the house changed."""
    error = None
    try:
        found = list(services.environments(options.roots))
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
        if default is not None and not any(S.same_path(e.path, default.path) for e in found):
            floors.append(services.environment(default.path))
    except Exception:
        pass
    if active is not None and not any(S.same_path(e.path, active.path) for e in found + floors):
        floors.append(active)
    floors.extend(found)
    if options.only_under:
        top = os.path.realpath(options.only_under) + os.sep
        floors = [e for e in floors if os.path.realpath(e.path).startswith(top)]
    # Said once: a lamp already lit whose floor was deleted since is no new error.
    gone = had_lamp and wanted is not None and not os.path.lexists(wanted)
    if wanted is not None and not gone:
        real = os.path.realpath(wanted)
        if not any(os.path.realpath(e.path) == real for e in floors):
            try:
                floors.append(services.environment(wanted))
            except Exception as err:
                error = str(err)
    reason: S.LampReason = "virtual_env" if services.environ.get("VIRTUAL_ENV") else "default"
    tops = [p for p in (options.project, *options.roots, *services.config.roots) if p]
    workon = services.environ.get("WORKON_HOME")
    tops += [workon] if workon else []
    folders = search_folders(
        [os.path.expanduser(t) for t in tops],
        services.config.scan_depth,
        [e.path for e in floors if e.is_venv],
    )
    bases: list[str] = []
    for env in floors:
        if env.is_venv:
            bases += [p for p in (env.python, env.base_interpreter) if p]
            if env.base_interpreter:
                bases.append(os.path.dirname(env.base_interpreter))
    return EnvironmentsLoaded(
        floors, active, error, reason=reason, folders=tuple(folders), bases=tuple(sorted(set(bases)))
    )


def find_robots(services: HouseServices, options: Options) -> SourcesFound:
    paths: list[str] = list(options.watch) + list(services.config.watch)
    error = None
    if options.project:
        try:
            paths.extend(services.find_sources(options.project))
        except Exception as err:
            error = str(err)
    unique: dict[str, str] = {}
    for path in paths:
        unique.setdefault(os.path.abspath(path), path)
    return SourcesFound(list(unique.values()), error)


_building = 0  # readings being built now
_collecting = True  # whether the collector ran before the first of them
_building_lock = threading.Lock()


@contextmanager
def long_lived() -> Iterator[None]:
    """Build a floor's reading (for 5000 packages some 90 000 objects, kept until the floor
    is read again) without the collector scanning it, then and later.

    A full collection walks every tracked object: once a big reading is in, each costs tens of
    milliseconds, during which the UI thread (or a worker holding the GIL) draws no frame. No
    collection runs while readings are built; then everything alive is frozen, so that later
    collections walk only what is new. The readings hold no reference cycles: they are freed
    as usual when replaced. The app thaws the frozen objects when it closes (:func:`thaw`).
    """
    global _building, _collecting
    with _building_lock:
        _building += 1
        if _building == 1:
            _collecting = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _building_lock:
            _building -= 1
            if _building == 0:
                gc.freeze()
                if _collecting:
                    gc.enable()


def thaw() -> None:
    """Let the collector see again what :func:`long_lived` froze (the app is closing)."""
    gc.unfreeze()


def read_floor(services: HouseServices, path: str) -> Reading:
    with long_lived():
        return _read_floor(services, path)


def _read_floor(services: HouseServices, path: str) -> Reading:
    try:
        packages, error = services.packages(path), None
    except Exception as err:
        packages, error = None, str(err)
    index: dict[str, tuple[str, ...]] = {}
    if packages is not None:
        try:
            from venv_tui.services.packages import required_by_index

            index = required_by_index(packages)
        except Exception:  # the detail then says "nothing here"; the list still shows
            index = {}
    rows = None
    if packages is not None:
        from venv_tui.ui.panels.packages import package_rows

        rows = package_rows(packages)
    return Reading(path, packages, error, index, rows)


def check_robots(
    services: HouseServices, packages: PackageSet, sources: Sequence[str]
) -> tuple[list[SourceResult], CheckResult | None]:
    results: list[SourceResult] = []
    for path in sources:
        try:
            source = services.load_source(path, packages=packages)
            results.append(SourceResult(path, source, services.check(source, packages)))
        except VenvTuiError as err:
            results.append(SourceResult(path, None, None, str(err)))
        except Exception as err:  # one bad source is reported in place, the rest still checks
            results.append(SourceResult(path, None, None, f"{path}: {type(err).__name__}: {err}"))
    try:
        env_check = services.check(None, packages)
    except Exception:
        env_check = None
    return results, env_check
