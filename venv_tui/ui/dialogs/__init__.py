"""The app's modal dialogs: each is a ``Dialog`` (dialogs/base.py) that returns its answer
through ``dismiss`` and holds its own CSS, laid out to fit an 80x24 terminal."""

from __future__ import annotations

from venv_tui.ui.dialogs.ask import AskScreen
from venv_tui.ui.dialogs.confirm import ConfirmScreen
from venv_tui.ui.dialogs.create import CreateEnvScreen, CreateRequest, InterpreterList
from venv_tui.ui.dialogs.export import ExportRequest, ExportScreen
from venv_tui.ui.dialogs.help import HelpScreen
from venv_tui.ui.dialogs.install import InstallScreen, check_requirements, split_requirements
from venv_tui.ui.dialogs.pick import PickFloorScreen
from venv_tui.ui.dialogs.rebuild import RebuildScreen
from venv_tui.ui.dialogs.tasklog import TaskLogScreen

__all__ = [
    "AskScreen",
    "ConfirmScreen",
    "CreateEnvScreen",
    "CreateRequest",
    "ExportRequest",
    "ExportScreen",
    "HelpScreen",
    "InstallScreen",
    "InterpreterList",
    "PickFloorScreen",
    "RebuildScreen",
    "TaskLogScreen",
    "check_requirements",
    "split_requirements",
]
