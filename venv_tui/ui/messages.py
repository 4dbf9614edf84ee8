"""Messages that workers (threads) post to the main screen; each becomes one state transition."""

from __future__ import annotations

from textual.message import Message

from venv_tui.model import CheckResult, Environment, Interpreter
from venv_tui.ui.state import LampReason, Reading, SourceResult
from venv_tui.ui.watch import WatchKey

__all__ = [
    "ChecksDone",
    "EnvironmentsLoaded",
    "FloorRead",
    "InterpretersLoaded",
    "PanelFocused",
    "SourceResult",
    "SourcesFound",
    "WatchChanged",
]


class InterpretersLoaded(Message):
    def __init__(self, interpreters: list[Interpreter], default: Interpreter | None) -> None:
        super().__init__()
        self.interpreters = interpreters
        self.default = default


class EnvironmentsLoaded(Message):
    """The floors, what is active outside the app and why, and the folders to watch for more."""

    def __init__(
        self,
        environments: list[Environment],
        active: Environment | None,
        error: str | None,
        *,
        reason: LampReason = "default",
        folders: tuple[str, ...] = (),
        bases: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.environments = environments
        self.active = active
        self.error = error
        self.reason = reason
        self.folders = folders
        self.bases = bases


class SourcesFound(Message):
    def __init__(self, paths: list[str], error: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.error = error


class FloorRead(Message):
    """One floor's packages read (or why not), with its required-by index."""

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading


class ChecksDone(Message):
    """Every watched source and the floor itself checked against the lit floor."""

    def __init__(
        self, env_path: str, results: list[SourceResult], env_check: CheckResult | None
    ) -> None:
        super().__init__()
        self.env_path = env_path
        self.results = results
        self.env_check = env_check


class WatchChanged(Message):
    """The watcher saw these groups of paths change on disk."""

    def __init__(self, groups: frozenset[WatchKey]) -> None:
        super().__init__()
        self.groups = groups


class PanelFocused(Message):
    """Focus entered a panel (the narrow layout shows it, the footer shows its keys)."""

    def __init__(self, panel_id: str) -> None:
        super().__init__()
        self.panel_id = panel_id
