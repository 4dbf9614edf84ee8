"""The app's start from the command line: the house's frame first, drawn before the main screen,
its tables, flows and dialogs and the services are imported; then the main screen in its place."""

from __future__ import annotations

import gc
import os
import pty
import select
import subprocess
import sys
import threading
import time

import pytest
from ui_data import FLOOR, HOUSE, FakeServices, demo_app, wait_readers

from venv_tui.config import Config
from venv_tui.ui.frame import FRAME, READING, STATUS, FrameScreen
from venv_tui.ui.main import MainScreen
from venv_tui.ui.panels import EnvironmentsPanel, InterpretersPanel, PackagesPanel, ScriptsPanel
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)


async def settle(pilot, rounds: int = 6) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def rows(app, table_id: str) -> list[str]:
    table = app.query_one(f"#{table_id}", Table)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def test_the_frame_has_the_panels_titles_in_the_main_screens_order() -> None:
    panels = (InterpretersPanel, PackagesPanel, EnvironmentsPanel, ScriptsPanel)
    assert tuple((p.PANEL_ID, p.TITLE) for p in panels) == FRAME
    assert InterpretersPanel().border_subtitle == READING


def test_the_app_module_imports_no_table_flow_or_dialog() -> None:
    """What the first frame needs is what a bare Textual app imports, and the frame."""
    probe = (
        "import sys, venv_tui.ui.app, venv_tui.ui.frame, venv_tui.cli;"
        "print(sorted(m for m in sys.modules if m.startswith(('venv_tui.ui.', 'venv_tui.services',"
        " 'textual.widgets._data_table', 'textual.widgets._footer', 'venv_tui.config'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert (
        out.stdout.strip()
        == "['venv_tui.ui.actions', 'venv_tui.ui.app', 'venv_tui.ui.frame', 'venv_tui.ui.options']"
    ), out.stdout


async def test_the_frame_comes_first_then_the_main_screen_with_the_house() -> None:
    made: list[FakeServices] = []
    threads: list[threading.Thread] = []
    go = threading.Event()

    def make() -> FakeServices:
        threads.append(threading.current_thread())
        go.wait(10)  # the frame stays on screen until the test has looked at it
        made.append(FakeServices())
        return made[-1]

    app = demo_app(services=make, frame_first=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frame = app.screen
        assert isinstance(frame, FrameScreen)
        assert [(p.id, p.border_title, p.border_subtitle) for p in frame.query(".panel")] == [
            (panel_id, title, READING) for panel_id, title in FRAME
        ]
        assert str(frame.query_one("#status").render()) == STATUS
        go.set()
        await settle(pilot)
        assert len(made) == 1
        assert threads != [threading.main_thread()]  # the config is read off the UI thread
        assert isinstance(app.screen, MainScreen) and app.main is app.screen
        assert not frame.children  # the frame is emptied, never shown again
        assert app.services is made[0]
        assert app.focused is not None and app.focused.id == "environments-table"
        shown = rows(app, "environments-table")

    # The same house as an app opened on the main screen at once.
    direct = demo_app()
    async with direct.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows(direct, "environments-table") == shown
    assert any(FLOOR[1].removeprefix(HOUSE) in row or "floor 1" in row for row in shown)


async def test_a_config_warning_is_shown_once_the_main_screen_opens() -> None:
    def make() -> FakeServices:
        services = FakeServices()
        services.config = Config(
            warning="config.toml line 3: expected '=' after a key; the defaults are used"
        )
        return services

    app = demo_app(services=make, frame_first=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert messages == ["config.toml line 3: expected '=' after a key; the defaults are used"]


async def test_q_on_the_frame_quits() -> None:
    go = threading.Event()

    def make() -> FakeServices:
        go.wait(10)
        return FakeServices()

    app = demo_app(services=make, frame_first=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, FrameScreen)
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
    finally:
        go.set()
    assert app.return_code == 0


def _read_until(fd: int, marker: bytes, seen: bytearray, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            seen += chunk
    return marker in seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_command_paints_the_frame_then_reads_the_config(tmp_path) -> None:
    """``venv-tui PATH`` in a real terminal: the frame, then the main screen with the config's
    sentence (a broken config.toml); q quits with status 0."""
    from conftest import isolated_environ

    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("scan_depth = [\n")
    project = tmp_path / "project"
    project.mkdir()
    env = isolated_environ(
        tmp_path, VENV_TUI_CONFIG_DIR=str(config), TERM="xterm-256color", COLUMNS="120", LINES="40"
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child becomes the app
        os.chdir(project)
        os.execve(sys.executable, [sys.executable, "-m", "venv_tui", str(project)], env)
    seen = bytearray()
    try:
        assert _read_until(fd, b"Interpreters", seen, 30), bytes(seen[-2000:])
        # The main screen's tables, then the config's sentence (one word: a toast wraps lines).
        assert _read_until(fd, b"Version", seen, 30), bytes(seen[-2000:])
        assert _read_until(fd, b"defaults", seen, 30), bytes(seen[-2000:])
        os.write(fd, b"q")
        deadline = time.monotonic() + 15
        status = None
        while time.monotonic() < deadline:
            _read_until(fd, b"\0never", seen, 0.2)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        assert status is not None and os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


async def test_the_collector_paused_for_the_start_is_on_again_with_the_main_screen() -> None:
    gc.disable()
    try:
        app = demo_app(services=FakeServices, frame_first=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            assert gc.isenabled()
    finally:
        gc.enable()
