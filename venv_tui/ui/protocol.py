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
    CheckResult,
    Environment,
    Interpreter,
    PackageSet,
    PipResult,
    RequirementSource,
    ShellCommand,
    Site,
)

if TYPE_CHECKING:
    from venv_tui.config import Config

LineCallback = Callable[[str], None]


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
