"""Finding and inspecting environments: real venvs in real folder trees, a fake HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import isolated_environ as _environ

from venv_tui.errors import BadInput
from venv_tui.model import Environment
from venv_tui.services import story
from venv_tui.services.discover.environments import (
    active_environment,
    check_root,
    find_environments,
    inspect_environment,
    inspect_path,
)
from venv_tui.services.discover.walk import find_environment_folders

BASE = os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def _under(found: list[Environment], folder: Path) -> list[Environment]:
    """The results inside ``folder``: a parent folder may hold a ``.venv`` of its own, and the
    search rightly looks at the parents of the current folder."""
    return [e for e in found if os.path.realpath(e.path).startswith(os.path.realpath(folder))]


def _clone(env: str, target: Path) -> str:
    """A copy of a real environment (symlinks kept), cheaper than another ``python -m venv``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(env, target, symlinks=True)
    # A copy is a move as far as bin/activate knows: name the new place, as a fresh venv would.
    activate = target / "bin" / "activate"
    activate.write_text(activate.read_text().replace(env, str(target)))
    return str(target)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> str:
    return story.make_venv(str(tmp_path_factory.mktemp("template") / "template"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, template: str) -> Iterator[dict[str, Path]]:
    """proj/.venv, proj/sub/venv, proj/deep/a/b/c/env (level 5), a symlink loop, a link to an
    environment, a file named like an environment folder, an unreadable folder."""
    root = tmp_path_factory.mktemp("tree")
    proj = root / "proj"
    places = {
        "dot": proj / ".venv",
        "sub": proj / "sub" / "venv",
        "deep": proj / "deep" / "a" / "b" / "c" / "env",
        "locked_env": proj / "locked" / "env",
        "in_git": proj / ".git" / "env",
        "in_modules": proj / "node_modules" / "x" / "env",
    }
    for path in places.values():
        _clone(template, path)
    (proj / "sub" / ".venv").write_text("a file, not a folder\n")  # a file where a folder could be
    (proj / "loop").symlink_to(proj)  # proj/loop/loop/loop/...
    (proj / "sub" / "again").symlink_to(proj / ".venv")  # the same environment reached twice
    (proj / "dangling").symlink_to(proj / "nowhere")
    (proj / "locked").chmod(0)
    yield {"root": root, "proj": proj, **places}
    (proj / "locked").chmod(0o755)


# -- walking ---------------------------------------------------------------------------------------


def test_walk_finds_within_depth_and_prunes(tree: dict[str, Path]) -> None:
    proj = tree["proj"]
    locked_readable = os.access(proj / "locked", os.R_OK | os.X_OK)
    found = set(find_environment_folders(str(proj), 3))
    # sub/again is a link to .venv: yielded too, as the way it was reached (an alias).
    expected = {str(tree["dot"]), str(tree["sub"]), str(tree["proj"] / "sub" / "again")}
    if locked_readable:
        expected.add(str(tree["locked_env"]))
    assert found == expected  # deep/a/b/c/env (level 5), .git and node_modules are not entered

    deeper = set(find_environment_folders(str(proj), 5))
    assert str(tree["deep"]) in deeper


def test_walk_enters_each_folder_once(tree: dict[str, Path]) -> None:
    found = list(find_environment_folders(str(tree["proj"]), 8))
    # The loop adds nothing; the link to .venv is not entered but named, once.
    assert len(found) == len(set(found))
    to_dot = [p for p in found if os.path.realpath(p) == os.path.realpath(tree["dot"])]
    assert sorted(to_dot) == sorted([str(tree["dot"]), str(tree["proj"] / "sub" / "again")])


def test_walk_skips_unreadable_folders(tree: dict[str, Path]) -> None:
    locked = tree["proj"] / "locked"
    if os.access(locked, os.R_OK | os.X_OK):
        pytest.skip("running as root: a folder with mode 000 is still readable here")
    found = set(find_environment_folders(str(tree["proj"]), 3))
    assert str(tree["locked_env"]) not in found
    assert str(tree["dot"]) in found  # the rest of the tree is still searched


def test_walk_of_odd_roots(tree: dict[str, Path], tmp_path: Path) -> None:
    assert list(find_environment_folders(str(tmp_path / "missing"), 3)) == []
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert list(find_environment_folders(str(a_file), 3)) == []
    # The root itself may be the environment; nothing inside it is searched.
    assert list(find_environment_folders(str(tree["dot"]), 3)) == [str(tree["dot"])]
    assert list(find_environment_folders(str(tree["proj"]), 0)) == []


# -- one environment -------------------------------------------------------------------------------


def test_inspect_reads_pyvenv_cfg(make_venv) -> None:
    path = make_venv("named", None, "--prompt", "floor 9", "--system-site-packages")
    env = inspect_environment(path)
    assert env.name == "floor 9"
    assert env.python_version == "{}.{}.{}".format(*sys.version_info[:3])
    assert env.health == "ok" and env.problem is None
    assert env.creator == "venv"
    assert env.system_site_packages
    assert env.python == os.path.join(path, "bin", "python")
    assert env.base_interpreter and os.path.realpath(env.base_interpreter) == BASE
    assert env.is_venv and not env.active and env.source == "root"
    assert inspect_environment(path, active_path=path).active


def test_other_python_version(make_venv, other_interpreter: str) -> None:
    expected = subprocess.run(
        [other_interpreter, "-c", "import platform; print(platform.python_version())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    env = inspect_environment(make_venv("other", other_interpreter))
    assert env.python_version == expected
    assert env.name == "other"
    assert env.health == "ok"
    assert os.path.realpath(env.base_interpreter or "") == os.path.realpath(other_interpreter)


def _set_cfg(env: str, key: str, value: str) -> None:
    cfg = Path(env) / "pyvenv.cfg"
    lines = [ln for ln in cfg.read_text().splitlines() if ln.split("=")[0].strip() != key]
    cfg.write_text("\n".join([*lines, f"{key} = {value}"]) + "\n")


def test_broken_when_base_is_gone(template: str, tmp_path: Path) -> None:
    env = _clone(template, tmp_path / "orphan")
    gone = tmp_path / "deleted-python" / "bin"
    gone.mkdir(parents=True)
    fake_base = gone / "python3"
    fake_base.write_text("")
    python = Path(env) / "bin" / "python"
    python.unlink()
    python.symlink_to(fake_base)
    _set_cfg(env, "home", str(gone))
    _set_cfg(env, "executable", str(fake_base))
    assert inspect_environment(env).health == "ok"

    shutil.rmtree(tmp_path / "deleted-python")
    broken = inspect_environment(env)
    assert broken.health == "broken"
    assert broken.problem == f"its base interpreter folder {gone} no longer exists"


def test_broken_when_python_dangles_or_is_missing(template: str, tmp_path: Path) -> None:
    env = _clone(template, tmp_path / "dangling")
    python = Path(env) / "bin" / "python"
    python.unlink()
    python.symlink_to(tmp_path / "no-such-python")
    broken = inspect_environment(env)
    assert broken.health == "broken"
    assert broken.problem and "no-such-python" in broken.problem
    assert "no longer exists" in broken.problem

    for name in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        (Path(env) / "bin" / name).unlink(missing_ok=True)
    missing = inspect_environment(env)
    assert missing.health == "broken"
    assert missing.problem == f"it has no python executable ({python} is missing)"


def test_malformed_cfg_is_listed_broken_among_good_ones(template: str, tmp_path: Path) -> None:
    root = tmp_path / "envs"
    good = _clone(template, root / "good")
    empty = _clone(template, root / "empty")
    (Path(empty) / "pyvenv.cfg").write_text("")
    binary = _clone(template, root / "binary")
    (Path(binary) / "pyvenv.cfg").write_bytes(b"\x00\x01\x02home = x\n")

    found = {
        e.path: e for e in find_environments(roots=[str(root)], environ=_environ(tmp_path), cwd=str(tmp_path))
    }
    assert found[good].health == "ok"
    assert found[empty].health == "broken" and "empty" in (found[empty].problem or "")
    assert found[binary].health == "broken" and "not a text file" in (found[binary].problem or "")


# -- finding many ----------------------------------------------------------------------------------


def test_project_parents_and_children(tree: dict[str, Path], tmp_path: Path) -> None:
    cwd = tree["proj"] / "sub"
    found = _under(find_environments(environ=_environ(tmp_path), cwd=str(cwd), depth=3), tree["root"])
    by_path = {e.path: e for e in found}
    # proj/.venv from the parent; sub/venv as a child; sub/.venv is a file and is ignored.
    assert str(tree["dot"]) in by_path and str(tree["sub"]) in by_path
    assert all(e.source == "project" for e in found)
    assert str(cwd / ".venv") not in by_path
    assert not any(e.active for e in found)


def test_virtual_env_is_the_one_active(tree: dict[str, Path], tmp_path: Path) -> None:
    env = _environ(tmp_path, VIRTUAL_ENV=str(tree["sub"]))
    everything = find_environments(roots=[str(tree["proj"])], environ=env, cwd=str(tmp_path))
    assert [e.path for e in everything if e.active] == [str(tree["sub"])]
    found = _under(everything, tree["root"])
    assert found[0].path == str(tree["sub"]) and found[0].source == "active"
    # The root search reaches it too, but it is listed once.
    assert sum(os.path.realpath(e.path) == os.path.realpath(tree["sub"]) for e in found) == 1
    assert {e.source for e in found[1:]} == {"root"}

    active = active_environment(environ=env, cwd=str(tmp_path))
    assert active is not None and active.active and active.path == str(tree["sub"])


def test_gone_virtual_env_is_listed_broken(tmp_path: Path) -> None:
    gone = str(tmp_path / "was-here")
    env = _environ(tmp_path, VIRTUAL_ENV=gone)
    found = find_environments(environ=env, cwd=str(tmp_path))
    assert [e.path for e in found if e.active] == [gone]
    assert found[0].active and found[0].health == "broken"
    assert found[0].problem == f"VIRTUAL_ENV points to {gone}, which no longer exists"
    active = active_environment(environ=env, cwd=str(tmp_path))
    assert active is not None and active.health == "broken"


def test_without_virtual_env_the_default_interpreter_is_active(template: str, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(BASE)
    _clone(template, tmp_path / "work" / ".venv")
    env = _environ(tmp_path, PATH=str(bin_dir))

    venvs = find_environments(environ=env, cwd=str(tmp_path / "work"))
    assert venvs and not any(e.active for e in venvs)

    everything = find_environments(environ=env, cwd=str(tmp_path / "work"), include_interpreters=True)
    active = [e for e in everything if e.active]
    assert len(active) == 1
    assert not active[0].is_venv and active[0].creator == "interpreter"
    assert active[0].path == str(bin_dir / "python3")
    assert everything[0] is active[0]

    lamp = active_environment(environ=env, cwd=str(tmp_path))
    assert lamp is not None and lamp.active and not lamp.is_venv
    assert os.path.realpath(lamp.python or "") == BASE
    assert active_environment(environ=_environ(tmp_path), cwd=str(tmp_path)) is None


@pytest.mark.parametrize(
    ("relative", "extra", "source"),
    [
        ("home/.virtualenvs/wrapped", {}, "workon"),
        ("workon/wrapped", {"WORKON_HOME": "workon"}, "workon"),
        ("pyenv/versions/3.12.1/envs/pv", {}, "pyenv"),
        ("home/.local/pipx/venvs/black", {}, "pipx"),
        ("home/.local/share/pipx/venvs/ruff", {}, "pipx"),
        ("home/.cache/pypoetry/virtualenvs/app-x1y2-py3.12", {}, "poetry"),
        ("home/.local/share/hatch/env/virtual/app/h4sh/app", {}, "hatch"),
        ("home/.local/share/uv/tools/httpie", {}, "uv-tool"),
        ("uvtools/httpie", {"UV_TOOL_DIR": "uvtools"}, "uv-tool"),
    ],
)
def test_tool_folders(
    template: str, tmp_path: Path, relative: str, extra: dict[str, str], source: str
) -> None:
    path = _clone(template, tmp_path / relative)
    env = _environ(tmp_path, **{k: str(tmp_path / v) for k, v in extra.items()})
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    found = _under(find_environments(environ=env, cwd=str(cwd)), tmp_path)
    assert [(e.path, e.source) for e in found] == [(path, source)]


def test_tool_folders_keep_their_label_when_run_from_home(template: str, tmp_path: Path) -> None:
    path = _clone(template, tmp_path / "home" / ".virtualenvs" / "wrapped")
    found = find_environments(environ=_environ(tmp_path), cwd=str(tmp_path / "home"))
    assert [(e.path, e.source) for e in _under(found, tmp_path)] == [(path, "workon")]


def test_pyenv_virtualenv_link_is_listed_once(template: str, tmp_path: Path) -> None:
    real = _clone(template, tmp_path / "pyenv" / "versions" / "3.12.1" / "envs" / "tools")
    (tmp_path / "pyenv" / "versions" / "tools").symlink_to(real)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    found = _under(find_environments(environ=_environ(tmp_path), cwd=str(cwd)), tmp_path)
    assert len(found) == 1 and found[0].source == "pyenv" and found[0].name == "tools"


def test_roots_config_roots_and_missing_ones(tree: dict[str, Path], tmp_path: Path) -> None:
    env = _environ(tmp_path)
    found = find_environments(
        config_roots=[str(tree["proj"] / "deep"), str(tmp_path / "gone")],
        roots=[str(tree["proj"])],
        depth=4,
        environ=env,
        cwd=str(tmp_path),
    )
    sources = {e.path: e.source for e in found}
    assert sources[str(tree["deep"])] == "config"  # level 4 below the config root
    assert sources[str(tree["dot"])] == "root"
    assert sources[str(tree["sub"])] == "root"
    with pytest.raises(BadInput, match="does not exist"):
        find_environments(roots=[str(tmp_path / "gone")], environ=env, cwd=str(tmp_path))
    with pytest.raises(BadInput, match="is not a folder"):
        check_root(str(tree["dot"] / "pyvenv.cfg"))
    check_root(str(tree["proj"]))


# -- one path of any kind --------------------------------------------------------------------------


def test_inspect_path_kinds(tree: dict[str, Path], tmp_path: Path) -> None:
    env = _environ(tmp_path)
    dot = str(tree["dot"])
    assert inspect_path(dot, environ=env).path == dot
    assert inspect_path(os.path.join(dot, "bin", "python"), environ=env).path == dot
    assert inspect_path(".venv", environ=env, cwd=str(tree["proj"])).path == dot

    base = inspect_path(BASE, environ=env)
    assert not base.is_venv and base.creator == "interpreter" and base.source == "interpreter"
    short = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert base.name.startswith(f"python{short} (")
    assert base.python_version and base.python_version.startswith(short + ".")

    with pytest.raises(BadInput, match="does not exist"):
        inspect_path(str(tmp_path / "missing"), environ=env)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(BadInput, match=r"is not a virtual environment .* nor a Python interpreter"):
        inspect_path(str(text), environ=env)
    with pytest.raises(BadInput, match="not a virtual environment"):
        inspect_path(str(tmp_path), environ=env)


def test_inspect_path_resolves_a_pyenv_shim(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    shim = root / "shims" / "python3"
    shim.write_text("#!/bin/sh\nexit 99\n")
    shim.chmod(0o755)
    version = "{}.{}.{}".format(*sys.version_info[:3])
    target = root / "versions" / version / "bin" / "python3"
    target.parent.mkdir(parents=True)
    target.symlink_to(BASE)
    env = _environ(tmp_path, PYENV_VERSION=version)
    found = inspect_path(str(shim), environ=env, cwd=str(tmp_path))
    assert found.path == str(target) and found.name == f"python{version.rsplit('.', 1)[0]} (pyenv)"


# -- health: stale and broken by what the base interpreter is now ------------------------------------


def test_a_base_of_another_release_is_stale_or_broken(template: str, tmp_path: Path) -> None:
    from venv_tui.services.layout import interpreter_version

    runs = os.path.realpath(os.path.join(template, "bin", "python"))
    now = interpreter_version(runs)
    if not now or now.count(".") < 2:
        pytest.skip(f"the files next to {runs} do not tell its patch release (no patchlevel.h)")
    major, minor, _ = now.split(".")[:3]

    patch = _clone(template, tmp_path / "patch")
    _set_cfg(patch, "version", f"{major}.{minor}.9999")
    env = inspect_environment(patch)
    assert env.health == "stale"
    assert env.problem == f"its base interpreter is now Python {now}; it was made with Python {major}.{minor}.9999"

    minor_env = _clone(template, tmp_path / "minor")
    other = f"{major}.{int(minor) - 1}"
    _set_cfg(minor_env, "version", f"{other}.4")
    env = inspect_environment(minor_env)
    assert env.health == "broken"
    assert env.problem == (
        f"its base interpreter is now Python {major}.{minor}, but it was made with Python "
        f"{other}.4: lib/python{other} no longer matches"
    )


def test_a_pyvenv_cfg_that_is_a_folder_is_a_broken_floor(template: str, tmp_path: Path) -> None:
    env = _clone(template, tmp_path / "cfg-folder")
    cfg = Path(env) / "pyvenv.cfg"
    cfg.unlink()
    cfg.mkdir()
    assert os.path.realpath(env) in {os.path.realpath(p) for p in find_environment_folders(str(tmp_path), 2)}
    found = inspect_environment(env)
    assert (found.health, found.problem) == ("broken", "pyvenv.cfg is a folder, not a file")
