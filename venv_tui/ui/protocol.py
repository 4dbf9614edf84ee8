"""What the app needs from the services, as a Protocol.

The real facade (:class:`venv_tui.services.Services`) and the UI tests' fixed data both
implement it; the app is typed against this and nothing else. Capabilities that are still being
added to the facade are separate, runtime-checkable protocols: the app asks
``isinstance(services, Planner)`` and falls back to the older call when it is not there yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from venv_tui.model import (
    AuditReport,
    CheckResult,
    Environment,
    Interpreter,
    OutdatedReport,
    PackageSet,
    PipResult,
    RequirementSource,
    ShellCommand,
    Site,
)

if TYPE_CHECKING:
    from venv_tui.config import Config
    from venv_tui.services.actions.export import Export
    from venv_tui.services.diff import FloorDiff
    from venv_tui.services.index.pipconf import IndexSettings

LineCallback = Callable[[str], None]
Progress = Callable[[int, int], None]


class HouseServices(Protocol):
    """Reading and changing the house: every call the app makes, and only those."""

    config: Config
    environ: Mapping[str, str]
    cwd: str

    def interpreters(self) -> list[Interpreter]: ...

    def default_interpreter(self) -> Interpreter | None: ...

    def environments(
        self, roots: Sequence[str] = (), *, include_interpreters: bool = False
    ) -> list[Environment]: ...

    def environment(self, path: str) -> Environment: ...

    def active_environment(self) -> Environment | None: ...

    def packages(self, path_or_site: str | Site) -> PackageSet: ...

    def load_source(
        self,
        path: str,
        *,
        extras: Sequence[str] = (),
        groups: Sequence[str] = (),
        packages: PackageSet | None = None,
    ) -> RequirementSource: ...

    def find_sources(self, folder: str) -> list[str]: ...

    def check(self, source: RequirementSource | None, packages: PackageSet) -> CheckResult: ...

    def create(
        self,
        path: str,
        *,
        python: str | None = None,
        system_site_packages: bool = False,
        without_pip: bool = False,
        prompt: str | None = None,
        upgrade_pip: bool = False,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> PipResult: ...

    def check_deletable(self, path: str) -> str: ...

    def delete(self, path: str) -> None: ...

    def rebuild(
        self,
        path: str,
        *,
        python: str,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> PipResult: ...

    def pip(
        self,
        env_path: str,
        action: str,
        requirements: Sequence[str],
        *,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
        extra_args: Sequence[str] = (),
    ) -> PipResult: ...

    def shell_command(self, env_path: str, *, repl: bool = False) -> ShellCommand: ...

    # -- export and compare ----------------------------------------------------------------

    def export(
        self,
        packages: PackageSet,
        *,
        fmt: str = "requirements",
        top_level: bool = False,
        include_all: bool = False,
        settings: IndexSettings | None = None,
    ) -> Export: ...

    def write_export(self, path: str, text: str) -> None: ...

    def index_settings(
        self,
        path_or_site: str | Site,
        *,
        index_url: str | None = None,
        extra_index_urls: Sequence[str] = (),
        find_links: Sequence[str] = (),
        no_index: bool = False,
    ) -> IndexSettings: ...

    def diff(self, left: PackageSet, right: PackageSet) -> FloorDiff: ...

    # -- the index: only when the user asks, always in a worker ----------------------------

    def outdated(
        self,
        paths: Sequence[str],
        *,
        index_url: str | None = None,
        extra_index_urls: Sequence[str] = (),
        find_links: Sequence[str] = (),
        no_index: bool = False,
        pre: bool = False,
        timeout: float = 15.0,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> OutdatedReport: ...

    def audit(
        self,
        paths: Sequence[str],
        *,
        service: str = "osv",
        service_url: str | None = None,
        timeout: float = 15.0,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> AuditReport: ...


class DeletePlan(Protocol):
    """What deleting a floor would do: read by the confirmation, never changed."""

    folder: str  # the folder that is the floor
    removed: Sequence[str]  # entries that go
    kept: Sequence[str]  # entries of the folder that stay (project files, .git)
    links: Sequence[str]  # symlinks that point to the floor; removed with it
    managed_by: str | None  # pipx, uv tool, poetry, hatch: the tool that owns it
    command: str | None  # that tool's own command to remove it


@runtime_checkable
class Planner(Protocol):
    """Services that can say what a delete would do (raising Refused when it would not)."""

    def plan_delete(self, path: str) -> DeletePlan: ...


class FloorSizeLike(Protocol):
    path: str
    size: int


class MarkLike(Protocol):
    note: str | None
    keep: bool


class StateLike(Protocol):
    warning: str | None

    def mark(self, path: str) -> MarkLike: ...


class FoundLike(Protocol):
    path: str
    name: str
    version: str
    distribution: str


@runtime_checkable
class Inventory(Protocol):
    """Services that know the house's inventory: sizes, last use, notes and keep marks, where a
    package is, the floors built on each interpreter."""

    def floor_sizes(self, paths: Sequence[str], *, use_cache: bool = True) -> Mapping[str, FloorSizeLike]: ...

    def last_used(self, path: str) -> float | None: ...

    def state(self) -> StateLike: ...

    def set_note(self, path: str, note: str | None) -> tuple[MarkLike, str | None]: ...

    def set_keep(self, path: str, keep: bool) -> tuple[MarkLike, str | None]: ...

    def where(self, spec: str, roots: Sequence[str] = ()) -> tuple[Sequence[FoundLike], Sequence[str]]: ...
