"""Shared fixtures: a hermetic environment for every test (config, cache, HOME and every tool's
folder inside the test's own folder), the story's wheels and the article's house built as real
environments (session-scoped: built once, read by many tests)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from venv_tui.services import story

# Captured before any test changes the environment: where this machine keeps its Pythons (the
# tests that need a second interpreter use them), and the interpreter running the tests.
REAL_PYENV_ROOT = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
BASE_PYTHON = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)

# Every variable that names a folder where a tool keeps environments or interpreters. Each points
# into the test's own folder, so discovery never sees the machine's real floors.
HERMETIC_FOLDERS = {
    "HOME": "home",
    "PYENV_ROOT": "pyenv",
    "WORKON_HOME": "virtualenvs",
    "PIPX_HOME": "pipx",
    "XDG_CONFIG_HOME": "xdg-config",
    "XDG_DATA_HOME": "xdg-data",
    "XDG_CACHE_HOME": "xdg-cache",
    "XDG_STATE_HOME": "xdg-state",
    "UV_PYTHON_INSTALL_DIR": "uv-python",
    "UV_TOOL_DIR": "uv-tools",
    "POETRY_VIRTUALENVS_PATH": "poetry-virtualenvs",
    "POETRY_CACHE_DIR": "poetry-cache",
    "HATCH_DATA_DIR": "hatch-data",
    "HATCH_ENV_TYPE_VIRTUAL_PATH": "hatch-envs",
    "CONDA_ENVS_PATH": "conda-envs",
}
# Variables that would make discovery look at the machine's own environments or interpreters.
HERMETIC_UNSET = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_EXE", "PYENV_VERSION", "PYENV_DIR", "PYTHONHOME")


@dataclass(frozen=True)
class Hermetic:
    """The folders a test's discovery looks at, all inside its own temporary folder."""

    root: str
    folders: dict[str, str]  # variable -> folder
    bin: str  # first on PATH: holds python3 -> the interpreter running the tests

    @property
    def home(self) -> str:
        return self.folders["HOME"]


def _hermetic_path(bin_dir: str) -> str:
    """PATH with pyenv's shims left out (they would read the real PYENV_ROOT's versions through
    pyenv itself) and ``bin_dir`` first, so that ``python3`` is still the tests' own Python."""
    real_root = os.path.realpath(REAL_PYENV_ROOT)
    kept = [
        d
        for d in os.environ.get("PATH", "").split(os.pathsep)
        if d and not os.path.realpath(d).startswith(real_root + os.sep)
    ]
    return os.pathsep.join([bin_dir, *kept])


@pytest.fixture(autouse=True)
def hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Hermetic:
    """Never read or write the real user's config or cache, and never discover the machine's own
    environments: HOME, PYENV_ROOT, WORKON_HOME, PIPX_HOME, the XDG folders, uv's, poetry's,
    hatch's and conda's folders all point into the test's temporary folder (created empty)."""
    base = tmp_path_factory.mktemp("venv-tui-dirs")
    monkeypatch.setenv("VENV_TUI_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("VENV_TUI_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("VENV_TUI_STATE_DIR", str(base / "state"))  # notes and keep marks
    folders: dict[str, str] = {}
    for variable, name in HERMETIC_FOLDERS.items():
        folder = base / name
        folder.mkdir()
        folders[variable] = str(folder)
        monkeypatch.setenv(variable, str(folder))
    for variable in HERMETIC_UNSET:
        monkeypatch.delenv(variable, raising=False)
    # pip sees no user or machine configuration (an index, find-links): only the test's options.
    for variable in list(os.environ):
        if variable.startswith("PIP_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    os.symlink(BASE_PYTHON, bin_dir / "python3")
    monkeypatch.setenv("PATH", _hermetic_path(str(bin_dir)))
    # The current folder counts for discovery (a project's .venv): an empty one of its own.
    work = base / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return Hermetic(root=str(base), folders=folders, bin=str(bin_dir))


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


def copy_interpreter(dest: str) -> str:
    """A base interpreter of its own at ``dest`` that really runs: the tests' Python's executable
    copied into ``dest/bin`` (so Python finds its prefix there), a ``lib/pythonX.Y`` whose
    entries link to the real standard library, and an empty ``site-packages`` of its own.
    Files placed in its stdlib folder (EXTERNALLY-MANAGED) touch nothing else. Returns
    ``dest/bin/python3``."""
    short = f"{sys.version_info[0]}.{sys.version_info[1]}"
    real_prefix = os.path.dirname(os.path.dirname(BASE_PYTHON))
    real_stdlib = os.path.join(real_prefix, "lib", f"python{short}")
    bin_dir = os.path.join(dest, "bin")
    stdlib = os.path.join(dest, "lib", f"python{short}")
    os.makedirs(bin_dir)
    os.makedirs(os.path.join(stdlib, "site-packages"))
    shutil.copy2(BASE_PYTHON, os.path.join(bin_dir, f"python{short}"))
    os.symlink(f"python{short}", os.path.join(bin_dir, "python3"))
    for name in os.listdir(real_stdlib):
        # Its own site-packages, and no PEP 668 marker unless a test places one.
        if name not in ("site-packages", "dist-packages", "EXTERNALLY-MANAGED"):
            os.symlink(os.path.join(real_stdlib, name), os.path.join(stdlib, name))
    return os.path.join(bin_dir, "python3")


@pytest.fixture
def copied_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A base interpreter of the test's own (see :func:`copy_interpreter`), outside any venv."""
    if not os.path.isdir(os.path.join(os.path.dirname(os.path.dirname(BASE_PYTHON)), "lib")):
        pytest.skip("the tests' Python has no lib/pythonX.Y layout to copy")
    return copy_interpreter(str(tmp_path_factory.mktemp("base") / "prefix"))


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
    versions = os.path.join(REAL_PYENV_ROOT, "versions")
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
def cli(capsys: pytest.CaptureFixture[str]):
    """The headless command line in this process: ``cli("check", ...)`` -> (status, out, err)."""
    from venv_tui.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run
