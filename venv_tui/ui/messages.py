"""Messages that workers (threads) post to the app; the app alone touches widgets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

from venv_tui.model import (
    CheckResult,
    Environment,
    Interpreter,
    PackageSet,
    PipResult,
    RequirementSource,
)


@dataclass(frozen=True)
class SourceResult:
    """One watched source checked against the lit floor: its fit, or why it could not be read."""

    path: str
    source: RequirementSource | None
    check: CheckResult | None
    error: str | None = None  # the BadInput sentence when the source could not be read

    @property
    def name(self) -> str:
        import os

        return os.path.basename(self.path.rstrip(os.sep)) or self.path

    @property
    def fits(self) -> bool:
        return self.error is None and self.check is not None and self.check.ok


class InterpretersLoaded(Message):
    def __init__(self, interpreters: list[Interpreter], default: Interpreter | None) -> None:
        super().__init__()
        self.interpreters = interpreters
        self.default = default


class EnvironmentsLoaded(Message):
    def __init__(
        self, environments: list[Environment], active: Environment | None, error: str | None
    ) -> None:
        super().__init__()
        self.environments = environments
        self.active = active
        self.error = error


class SourcesFound(Message):
    def __init__(self, paths: list[str], error: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.error = error


class PackagesLoaded(Message):
    """The packages of one environment, or the sentence saying why they cannot be read."""

    def __init__(self, env_path: str, packages: PackageSet | None, error: str | None) -> None:
        super().__init__()
        self.env_path = env_path
        self.packages = packages
        self.error = error


class ChecksDone(Message):
    """Every watched source and the environment itself checked against the lit floor."""

    def __init__(
        self,
        env_path: str,
        packages: PackageSet | None,
        results: list[SourceResult],
        env_check: CheckResult | None,
        error: str | None,
    ) -> None:
        super().__init__()
        self.env_path = env_path
        self.packages = packages
        self.results = results
        self.env_check = env_check
        self.error = error


class WatchChanged(Message):
    """The watcher saw these groups of paths change on disk."""

    def __init__(self, groups: frozenset[str]) -> None:
        super().__init__()
        self.groups = groups


class DeleteChecked(Message):
    def __init__(self, env: Environment, target: str | None, refusal: str | None) -> None:
        super().__init__()
        self.env = env
        self.target = target
        self.refusal = refusal


class Deleted(Message):
    def __init__(self, path: str, error: str | None) -> None:
        super().__init__()
        self.path = path
        self.error = error


class TaskDone(Message):
    """A create/rebuild/pip task ended; ``after`` runs on success (e.g. light the new floor)."""

    def __init__(
        self, title: str, result: PipResult, after: Callable[[PipResult], None] | None
    ) -> None:
        super().__init__()
        self.title = title
        self.result = result
        self.after = after


class PanelFocused(Message):
    """Focus entered a panel (the narrow layout shows it, the footer shows its keys)."""

    def __init__(self, panel_id: str) -> None:
        super().__init__()
        self.panel_id = panel_id
