"""Shared fixtures: an isolated config/cache folder, the story's wheels and the article's house
built as real environments (session-scoped: built once, read by many tests)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator

import pytest

from venv_tui.services import story


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's config or cache."""
    base = tmp_path_factory.mktemp("venv-tui-dirs")
    monkeypatch.setenv("VENV_TUI_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("VENV_TUI_CACHE_DIR", str(base / "cache"))


@pytest.fixture(scope="session")
def story_wheels(tmp_path_factory: pytest.TempPathFactory) -> str:
    return story.build_story_wheels(str(tmp_path_factory.mktemp("wheels")))


@pytest.fixture(scope="session")
def house(tmp_path_factory: pytest.TempPathFactory) -> story.House:
    """DESIGN.md's house: floors 1-3 as real venvs with the story's packages, three robots."""
    return story.build_house(str(tmp_path_factory.mktemp("house")))


@pytest.fixture
def make_venv(tmp_path_factory: pytest.TempPathFactory):
    """``make_venv(name, python=None, *options)``: a real ``--without-pip`` venv."""

    def _make(name: str = "env", python: str | None = None, *options: str) -> str:
        folder = tmp_path_factory.mktemp("venvs")
        return story.make_venv(str(folder / name), python, *options)

    return _make


def isolated_environ(tmp: os.PathLike[str] | str, **extra: str) -> dict[str, str]:
    """A fake, isolated process environment: its own HOME, PYENV_ROOT and uv folder, no PATH,
    the test's cache folder."""
    base = os.fspath(tmp)
    env = {
        "HOME": os.path.join(base, "home"),
        "PYENV_ROOT": os.path.join(base, "pyenv"),
        "UV_PYTHON_INSTALL_DIR": os.path.join(base, "uv-python"),
        "PATH": "",
        "VENV_TUI_CACHE_DIR": os.environ["VENV_TUI_CACHE_DIR"],
    }
    env.update(extra)
    return env


def pyenv_python(minor: str) -> str | None:
    """An interpreter of version ``minor`` ("3.8") if the machine has one, else None."""
    found = shutil.which(f"python{minor}")
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    versions = os.path.join(root, "versions")
    if os.path.isdir(versions):
        for name in sorted(os.listdir(versions), reverse=True):
            if name.startswith(minor + "."):
                candidate = os.path.join(versions, name, "bin", f"python{minor}")
                if os.path.exists(candidate):
                    return candidate
    if found and "shims" not in found:
        return found
    return None


def other_python() -> str | None:
    """An interpreter of another minor version than the one running the tests, if any."""
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for minor in ("3.12", "3.11", "3.13", "3.10", "3.9", "3.8"):
        if minor != mine:
            found = pyenv_python(minor)
            if found:
                return found
    return None


@pytest.fixture
def other_interpreter() -> Iterator[str]:
    found = other_python()
    if not found:
        pytest.skip("this machine has no Python of another version than the one running the tests")
    yield found


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test outside the UI files is a service/CLI test: `-m services` runs just those
    (CI runs them on the oldest supported Python as well)."""
    for item in items:
        name = item.path.name
        if not (name.startswith("test_ui") or name.startswith("test_snapshots")):
            item.add_marker(pytest.mark.services)


@pytest.fixture
def hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """For in-process CLI runs: every folder where floors or marks are looked for points into a
    fresh tmp folder (returned), VIRTUAL_ENV is unset and the working folder is an empty one."""
    base = str(tmp_path_factory.mktemp("hermetic"))
    home = os.path.join(base, "home")
    work = os.path.join(base, "work")
    os.makedirs(home)
    os.makedirs(work)
    for name, value in {
        "HOME": home,
        "PYENV_ROOT": os.path.join(base, "pyenv"),
        "WORKON_HOME": os.path.join(base, "virtualenvs"),
        "PIPX_HOME": os.path.join(base, "pipx"),
        "XDG_DATA_HOME": os.path.join(base, "data"),
        "XDG_CACHE_HOME": os.path.join(base, "xdg-cache"),
        "XDG_STATE_HOME": os.path.join(base, "state"),
        "XDG_CONFIG_HOME": os.path.join(base, "xdg-config"),
        "UV_TOOL_DIR": os.path.join(base, "uv-tools"),
        "UV_PYTHON_INSTALL_DIR": os.path.join(base, "uv-python"),
        "POETRY_VIRTUALENVS_PATH": os.path.join(base, "poetry"),
        "HATCH_DATA_DIR": os.path.join(base, "hatch"),
        "VENV_TUI_STATE_DIR": os.path.join(base, "venv-tui-state"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.chdir(work)
    return base
