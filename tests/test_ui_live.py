"""Live, with no key pressed: real files and real `python -m venv` in a temporary house, the
app's watcher only stat-ing folders. Each change must be on screen within a second (the bound
here leaves room for a loaded machine)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from conftest import isolated_environ
from ui_data import wait_readers

from venv_tui.services import Services, story
from venv_tui.ui.app import VenvTuiApp
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)
# Live means "with no key pressed"; how fast is a benchmark matter, not a bound that a busy CI
# machine could break.
LIMIT = 10.0


async def settle(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def rows(app: VenvTuiApp, table_id: str) -> list[str]:
    table = app.query_one(f"#{table_id}", Table)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def paths(app: VenvTuiApp) -> set[str]:
    return {os.path.realpath(e.path) for e in app.environments}


async def within(pilot, condition, limit: float = LIMIT) -> float | None:
    """Seconds until ``condition`` held, or None when it did not within ``limit``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        await pilot.pause(0.05)
        if condition():
            return time.monotonic() - started
    return None


def make_app(tmp_path, project: str, active: str | None = None) -> VenvTuiApp:
    workon = tmp_path / "workon"
    workon.mkdir(exist_ok=True)
    services = Services(environ=isolated_environ(tmp_path, WORKON_HOME=str(workon)), cwd=project)
    return VenvTuiApp(services, project=project, active=active, poll_interval=0.1)


def venv(path: str) -> str:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], check=True, timeout=60)
    return path


async def test_a_floor_made_or_removed_anywhere_searched_shows_at_once(tmp_path) -> None:
    project = tmp_path / "project"
    (project / "apps" / "web").mkdir(parents=True)
    app = make_app(tmp_path, str(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert paths(app) == set()
        # Two levels down in the project folder (scan_depth 3), by the real venv module.
        deep = venv(str(project / "apps" / "web" / ".venv"))
        assert await within(pilot, lambda: os.path.realpath(deep) in paths(app)), rows(app, "environments-table")
        # In WORKON_HOME, where virtualenvwrapper keeps them.
        kept = venv(str(tmp_path / "workon" / "tools"))
        assert await within(pilot, lambda: os.path.realpath(kept) in paths(app))
        # A new folder holding a floor, below a folder that did not exist at start.
        fresh = venv(str(project / "services" / "api" / "env"))
        assert await within(pilot, lambda: os.path.realpath(fresh) in paths(app))
        shutil.rmtree(deep)
        assert await within(pilot, lambda: os.path.realpath(deep) not in paths(app))
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_a_new_script_and_an_edited_include_at_any_depth_refit_at_once(tmp_path, story_wheels) -> None:
    project = tmp_path / "project"
    (project / "reqs" / "more").mkdir(parents=True)
    floor = story.make_venv(str(tmp_path / "floor"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", os.path.join(floor, "bin", "python"), "install",
         "--no-index", "--find-links", story_wheels, "--quiet", "A==1.0.0"],
        check=True, timeout=120, env={k: v for k, v in os.environ.items() if not k.startswith("PIP_")},
    )
    (project / "reqs" / "more" / "deep.txt").write_text("A<2\n")
    (project / "reqs" / "base.txt").write_text("-r more/deep.txt\n")
    (project / "constraints.txt").write_text("A>=0.5\n")
    (project / "requirements.txt").write_text("-r reqs/base.txt\n-c constraints.txt\n")
    app = make_app(tmp_path, str(project), active=floor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("requirements.txt fits" in r for r in rows(app, "scripts-table")), rows(app, "scripts-table")
        # An include two files down changes: the robot no longer fits.
        (project / "reqs" / "more" / "deep.txt").write_text("A>=2\n")
        assert await within(pilot, lambda: any("requirements.txt does not fit" in r for r in rows(app, "scripts-table"))), rows(app, "scripts-table")
        (project / "reqs" / "more" / "deep.txt").write_text("A<2\n")
        assert await within(pilot, lambda: any("requirements.txt fits" in r for r in rows(app, "scripts-table")))
        # A constraint file changes: the installed A is outside it now.
        (project / "constraints.txt").write_text("A>=1.5\n")
        assert await within(pilot, lambda: any("requirements.txt does not fit" in r for r in rows(app, "scripts-table"))), rows(app, "scripts-table")
        # A new script in the watched folder: a new robot, checked against the lit floor.
        (project / "robot_new.py").write_text(
            "# /// script\n# dependencies = ['B>=4']\n# ///\nimport B\n"
        )
        assert await within(pilot, lambda: any("robot_new.py does not fit" in r for r in rows(app, "scripts-table"))), rows(app, "scripts-table")
