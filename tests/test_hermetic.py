"""The suite passes on a machine full of environments: every test's discovery looks only inside
its own temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HERMETIC_FOLDERS, Hermetic

from venv_tui.services import Services, story

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parent.parent


def test_every_tool_folder_points_into_the_tests_own_folder(hermetic: Hermetic) -> None:
    for variable in HERMETIC_FOLDERS:
        value = os.environ[variable]
        assert value.startswith(hermetic.root + os.sep), variable
        assert os.listdir(value) == [], variable  # made empty: nothing to discover
    assert "VIRTUAL_ENV" not in os.environ
    assert os.environ["PATH"].split(os.pathsep)[0] == hermetic.bin


def test_discovery_finds_only_what_a_test_makes(hermetic: Hermetic, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert [e.path for e in Services().environments()] == []
    made = story.make_venv(os.path.join(hermetic.folders["WORKON_HOME"], "mine"))
    assert [(e.path, e.source) for e in Services().environments()] == [(made, "workon")]


def test_the_fit_test_passes_with_floors_in_the_real_home(tmp_path: Path) -> None:
    """The machine's HOME holds a pyenv-virtualenv floor and a WORKON_HOME floor: the fit test,
    run as its own pytest, must not see them."""
    home = tmp_path / "home"
    pyenv = home / ".pyenv"
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    version = f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"
    (pyenv / "versions" / version / "bin").mkdir(parents=True)
    os.symlink(base, pyenv / "versions" / version / "bin" / "python3")
    story.make_venv(str(pyenv / "versions" / version / "envs" / "tools"))
    os.symlink(pyenv / "versions" / version / "envs" / "tools", pyenv / "versions" / "tools")
    story.make_venv(str(home / ".virtualenvs" / "work"))
    env = {
        **os.environ,
        "HOME": str(home),
        "PYENV_ROOT": str(pyenv),
        "WORKON_HOME": str(home / ".virtualenvs"),
    }
    env.pop("VENV_TUI_CONFIG_DIR", None)
    env.pop("VENV_TUI_CACHE_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "tests/test_cli.py", "-k", "fit_ranks_floor_three_first_for_robot_three"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
    # Without the isolation those floors are there to be found.
    found = {e.path for e in Services(environ=env, cwd=str(tmp_path)).environments()}
    assert str(home / ".virtualenvs" / "work") in found
