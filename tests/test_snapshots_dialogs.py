"""Pictures of every dialog with fixed data, compared with the accepted ones in ``__snapshots__``.

Run ``pytest tests/test_snapshots_dialogs.py --snapshot-update`` after an intended change and look
at the new SVGs before committing them. The pictures are deterministic: animations are off, input
cursors do not blink, and the create form's location check is fixed instead of asking the disk of
the machine that draws it.
"""

from __future__ import annotations

import os
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static
from ui_data import interp

from venv_tui.model import Environment, PipResult
from venv_tui.ui.dialogs import (
    ConfirmScreen,
    CreateEnvScreen,
    HelpScreen,
    InstallScreen,
    RebuildScreen,
    TaskLogScreen,
)

WIDE = (100, 30)
SMALL = (80, 24)
PROJECT = "/home/user/project"


INTERPRETERS = (
    interp("3.12.1", "/usr/bin/python3", source="path", default=True),
    interp("3.13.0", "/home/user/.pyenv/versions/3.13.0/bin/python3.13"),
    interp("3.11.9", "/home/user/.pyenv/versions/3.11.9/bin/python3.11"),
    interp("3.10.14", "/home/user/.pyenv/versions/3.10.14/bin/python3.10"),
    interp("3.8.18", "/home/user/.pyenv/versions/3.8.18/bin/python3.8"),
    interp("3.6.15", "/home/user/.pyenv/versions/3.6.15/bin/python3.6"),
)


def fixed_check(folder: str, name: str) -> tuple[str, str | None]:
    """The house of the pictures: ``/home/user/project/.venv`` is an environment already."""
    path = os.path.join(folder, name)
    if not name:
        return path, "Type a name for the environment (for example .venv)."
    if path == f"{PROJECT}/.venv":
        return path, f"{name} is already an environment there; choose another name."
    return path, None


class Host(App[None]):
    """A plain screen under the dialog, as the app's panels would be."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield Static("venv-tui: the house behind the dialog\n" * 30)

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


async def steady(pilot: Pilot[Any]) -> None:
    """No blinking cursor in a picture."""
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_create_80x24(snap_compare: Any) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, PROJECT, suggested_name="robot-env", check=fixed_check)
    assert snap_compare(Host(dialog), terminal_size=SMALL, run_before=steady)


def test_create_existing_environment_80x24(snap_compare: Any) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, PROJECT, suggested_python="3.11", check=fixed_check)
    assert snap_compare(Host(dialog), terminal_size=SMALL, run_before=steady)


def test_create_100x30(snap_compare: Any) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, PROJECT, suggested_name="floor-4", check=fixed_check)
    assert snap_compare(
        Host(dialog), terminal_size=WIDE, run_before=steady, press=["tab", "down", "tab", "space"]
    )


def test_confirm(snap_compare: Any) -> None:
    dialog = ConfirmScreen(
        "Delete environment",
        f"Delete {PROJECT}/.venv and everything installed in it? This cannot be undone.",
    )
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


def test_install_valid(snap_compare: Any) -> None:
    dialog = InstallScreen("floor-2", initial="A>=1.5,<2 \"B; python_version<'3.12'\"")
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


def test_install_refused(snap_compare: Any) -> None:
    dialog = InstallScreen("floor-2", initial="--index-url=x")
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


def test_rebuild(snap_compare: Any) -> None:
    env = Environment(
        path=f"{PROJECT}/.venv",
        name=".venv",
        python_version="3.11.9",
        base_interpreter=INTERPRETERS[2].path,
        creator="venv",
        system_site_packages=False,
        health="ok",
        problem=None,
        active=True,
        source="project",
    )
    dialog = RebuildScreen(env, INTERPRETERS)
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


PIP_LINES = (
    "Looking in links: /home/user/wheels",
    "Processing /home/user/wheels/a-2.1.0-py3-none-any.whl",
    "Collecting B>=4 (from A==2.1.0)",
    "  Using cached b-4.1.0-py3-none-any.whl",
)


def test_task_log_running(snap_compare: Any) -> None:
    dialog = TaskLogScreen("Install A==2.1.0 into floor-1", lambda: None)
    for line in PIP_LINES:
        dialog.write_line(line)
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


def test_task_log_failed(snap_compare: Any) -> None:
    dialog = TaskLogScreen("Install A==9 into floor-1", lambda: None)
    lines = (
        "Looking in links: /home/user/wheels",
        "ERROR: Could not find a version that satisfies the requirement A==9 "
        "(from versions: 1.0.0, 1.5.7, 2.1.0)",
        "ERROR: No matching distribution found for A==9",
    )
    for line in lines:
        dialog.write_line(line)
    dialog.finish(PipResult(args=("pip", "install", "A==9"), returncode=1, error_lines=lines[1:]))
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


def test_task_log_done_80x24(snap_compare: Any) -> None:
    dialog = TaskLogScreen("Install A==2.1.0 into floor-1", lambda: None)
    for line in (*PIP_LINES, "Successfully installed A-2.1.0 B-4.1.0"):
        dialog.write_line(line)
    dialog.finish(PipResult(args=("pip", "install", "A==2.1.0"), returncode=0))
    assert snap_compare(Host(dialog), terminal_size=SMALL, run_before=steady)


HELP = (
    (
        "Moving",
        (
            ("tab / shift+tab", "next / previous panel"),
            ("↑ ↓", "move in a list"),
            ("/", "filter the list"),
        ),
    ),
    (
        "Floors",
        (
            ("enter", "switch the lamp on (make active)"),
            ("n", "new environment"),
            ("r", "rebuild on another Python"),
            ("d", "delete"),
            ("s", "open a shell inside"),
        ),
    ),
    ("Robots", (("i", "install what the robot needs"), ("f", "find the floor that fits"))),
    ("App", (("?", "this help"), ("ctrl+q", "quit"))),
)


def test_help(snap_compare: Any) -> None:
    assert snap_compare(Host(HelpScreen(HELP)), terminal_size=WIDE, run_before=steady)


def test_help_80x24(snap_compare: Any) -> None:
    assert snap_compare(Host(HelpScreen(HELP)), terminal_size=SMALL, run_before=steady)


def test_create_no_color_80x24(snap_compare: Any, monkeypatch: Any) -> None:
    """With NO_COLOR the chosen interpreter and the focused checkbox are still visible."""
    monkeypatch.setenv("NO_COLOR", "1")
    dialog = CreateEnvScreen(INTERPRETERS, PROJECT, check=fixed_check)
    app = Host(dialog)
    assert app.no_color
    assert snap_compare(app, terminal_size=SMALL, run_before=steady, press=["tab", "down", "tab", "space"])
