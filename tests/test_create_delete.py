"""Creating and rebuilding real environments (deleting: test_delete.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

import pytest

from tests.conftest import pyenv_python
from venv_tui.errors import BadInput, Refused, ToolFailed
from venv_tui.services import story
from venv_tui.services.actions.create import create_environment, explain_venv_failure
from venv_tui.services.actions.rebuild import rebuild_environment
from venv_tui.services.pyvenv import read_pyvenv_cfg


def version_of(python: str) -> str:
    code = "import platform; print(platform.python_version())"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def snapshot(folder: str) -> dict[str, bytes | str]:
    """Every file's bytes (a link's target) under ``folder``, by relative path."""
    out: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                out[rel] = "-> " + os.readlink(path)
            else:
                with open(path, "rb") as fh:
                    out[rel] = fh.read()
    return out


def site_packages(env: str) -> str:
    (version_dir,) = os.listdir(os.path.join(env, "lib"))
    return os.path.join(env, "lib", version_dir, "site-packages")


def dist_infos(env: str) -> set[str]:
    return {n for n in os.listdir(site_packages(env)) if n.endswith(".dist-info")}


# -- create ----------------------------------------------------------------------------------


def test_create_with_the_running_interpreter(tmp_path) -> None:
    target = tmp_path / "new-floor"
    result = create_environment(str(target), without_pip=True, prompt="new floor")
    assert result.ok, result.output_tail
    cfg = read_pyvenv_cfg(str(target))
    assert cfg.prompt == "new floor"
    assert cfg.version == version_of(sys.executable)
    # Made from the base interpreter, not as an environment of venv-tui's own environment.
    base = getattr(sys, "_base_executable", sys.executable)
    assert cfg.home == os.path.dirname(base)
    out = subprocess.run(
        [story.env_python(str(target)), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == str(target)


def test_create_with_another_interpreter(tmp_path, other_interpreter: str) -> None:
    target = tmp_path / "other"
    lines: list[str] = []
    result = create_environment(
        str(target),
        python=other_interpreter,
        without_pip=True,
        system_site_packages=True,
        on_line=lines.append,
    )
    assert result.ok, result.output_tail
    cfg = read_pyvenv_cfg(str(target))
    assert cfg.version == version_of(other_interpreter)
    assert cfg.version != version_of(sys.executable)
    assert cfg.system_site_packages


def test_an_empty_folder_is_accepted(tmp_path) -> None:
    target = tmp_path / "made-first"
    target.mkdir()
    assert create_environment(str(target), without_pip=True).ok
    assert (target / "pyvenv.cfg").is_file()


def test_targets_in_the_way_are_refused_and_left_alone(tmp_path, make_venv) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(BadInput, match="already exists and is not empty"):
        create_environment(str(busy), without_pip=True)
    assert os.listdir(busy) == ["notes.txt"]

    env = make_venv("floor")
    before = snapshot(env)
    with pytest.raises(BadInput, match="already an environment; delete or rebuild it"):
        create_environment(env, without_pip=True)
    assert snapshot(env) == before

    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(BadInput, match="not a folder"):
        create_environment(str(a_file), without_pip=True)
    assert a_file.read_text() == "x"

    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BadInput, match="symbolic link"):
        create_environment(str(link), without_pip=True)
    assert not (tmp_path / "elsewhere").exists()


def test_a_missing_interpreter_is_bad_input(tmp_path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        create_environment(str(tmp_path / "e"), python=str(tmp_path / "python9"))
    with pytest.raises(BadInput, match="was found on PATH"):
        create_environment(str(tmp_path / "e"), python="no-such-python-anywhere")
    assert not (tmp_path / "e").exists()


def test_cancelled_creation_removes_the_folders_it_made(tmp_path) -> None:
    top = tmp_path / "a"
    target = top / "b" / "env"
    cancel = threading.Event()
    # ensurepip takes seconds; by then venv has made the folders. Cancel in the middle.
    timer = threading.Timer(0.8, cancel.set)
    timer.start()
    try:
        result = create_environment(str(target), cancel=cancel)
    finally:
        timer.cancel()
    assert result.cancelled
    assert not top.exists()
    assert os.listdir(tmp_path) == []


def test_python2_has_no_venv_module(tmp_path) -> None:
    python27 = pyenv_python("2.7")
    if not python27:
        pytest.skip("this machine has no Python 2.7")
    with pytest.raises(BadInput, match="Python 2, which has no venv module"):
        create_environment(str(tmp_path / "old"), python=python27)
    # A copy under a name that does not tell (a link would: its target is looked at too):
    # venv's own failure is explained the same way.
    disguised = tmp_path / "bin" / "legacy-python"
    disguised.parent.mkdir()
    shutil.copy2(python27, disguised)
    target = tmp_path / "x" / "old"
    with pytest.raises(ToolFailed, match="Python 2, which has no venv module"):
        create_environment(str(target), python=str(disguised))
    assert not (tmp_path / "x").exists()


# Real output of `python3 -m venv` on Debian without python3-venv, kept as data: faking a
# Python without ensurepip would mean copying an interpreter tree.
DEBIAN_NO_ENSUREPIP = """\
The virtual environment was not created successfully because ensurepip is not
available.  On Debian/Ubuntu systems, you need to install the python3-venv
package using the following command.

    apt install python3.11-venv

You may need to use sudo with that command.  After installing the python3-venv
package, recreate your virtual environment.

Failing command: /home/user/env/bin/python3
"""


def test_missing_ensurepip_is_explained_from_venvs_own_words() -> None:
    message = explain_venv_failure("/usr/bin/python3", DEBIAN_NO_ENSUREPIP.splitlines())
    assert message == (
        "/usr/bin/python3 has no ensurepip (on Debian/Ubuntu install the python3-venv package), "
        "or create the environment without pip"
    )
    upstream = ["/usr/bin/python3: No module named ensurepip"]
    assert message == explain_venv_failure("/usr/bin/python3", upstream)
    assert explain_venv_failure("/usr/bin/python3", ["Error: [Errno 28] No space left on device"]) is None


# -- rebuild ---------------------------------------------------------------------------------


def floor_three(make_venv, wheels: str) -> str:
    env = make_venv("floor-3", None, "--prompt", "floor 3")
    story.pip_install_offline(env, wheels, ["A==2.1.0", "B==4.1.0"])
    return env


def test_rebuild_on_another_interpreter_keeps_the_packages(
    make_venv, story_wheels, other_interpreter
) -> None:
    env = floor_three(make_venv, story_wheels)
    old_version = read_pyvenv_cfg(env).version
    lines: list[str] = []
    result = rebuild_environment(
        env,
        python=other_interpreter,
        on_line=lines.append,
        extra_args=["--no-index", "--find-links", story_wheels],
    )
    assert result.ok, result.output_tail
    cfg = read_pyvenv_cfg(env)
    assert cfg.version == version_of(other_interpreter)
    assert cfg.version != old_version
    assert cfg.prompt == "floor 3"
    assert dist_infos(env) == {"A-2.1.0.dist-info", "B-4.1.0.dist-info"}
    out = subprocess.run(
        [story.env_python(env), "-c", "import a, b; print(a.__version__, b.__version__)"],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "2.1.0 4.1.0"
    assert os.listdir(os.path.dirname(env)) == ["floor-3"]  # the old copy is gone


def test_a_failed_rebuild_leaves_the_old_environment_as_it_was(make_venv, story_wheels, tmp_path) -> None:
    env = floor_three(make_venv, story_wheels)
    before = snapshot(env)
    # A wheel folder without B: installing the pinned list must fail half-way.
    only_a = str(tmp_path / "only-a")
    story.build_wheel(only_a, "A", "2.1.0", ["B>=4"])
    lines: list[str] = []
    result = rebuild_environment(
        env,
        python=sys.executable,
        on_line=lines.append,
        extra_args=["--no-index", "--find-links", only_a],
    )
    assert not result.ok
    assert any("B==4.1.0" in line for line in result.error_lines)
    assert snapshot(env) == before
    assert os.listdir(os.path.dirname(env)) == ["floor-3"]
    assert any("old environment is back" in line for line in lines)


def test_a_cancelled_rebuild_puts_the_old_environment_back(make_venv, story_wheels) -> None:
    env = floor_three(make_venv, story_wheels)
    before = snapshot(env)
    cancel = threading.Event()

    def on_line(line: str) -> None:
        if "kept at" in line:  # the old one has just been moved aside
            assert not os.path.exists(env)
            cancel.set()

    result = rebuild_environment(env, python=sys.executable, on_line=on_line, cancel=cancel)
    assert result.cancelled
    assert snapshot(env) == before
    assert os.listdir(os.path.dirname(env)) == ["floor-3"]


def test_rebuild_refuses_what_delete_refuses(make_venv, tmp_path) -> None:
    env = make_venv("target")
    link = tmp_path / "link"
    link.symlink_to(env)
    with pytest.raises(Refused, match="symbolic link"):
        rebuild_environment(str(link), python=sys.executable)
    with pytest.raises(Refused, match="not a virtual environment"):
        rebuild_environment(str(tmp_path), python=sys.executable)


def _pip_offline(env: str, wheels: str, *args: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            story.env_python(env),
            *args[:1],
            "--no-index",
            "--find-links",
            wheels,
            "--quiet",
            *args[1:],
        ],
        check=True,
        capture_output=True,
        env=story.clean_pip_env(),
    )


def requested(env: str) -> dict[str, bool]:
    """dist-info folder -> whether it holds REQUESTED, read directly."""
    site = next(os.path.join(env, "lib", d, "site-packages") for d in os.listdir(os.path.join(env, "lib")))
    return {
        n: os.path.exists(os.path.join(site, n, "REQUESTED"))
        for n in os.listdir(site)
        if n.endswith(".dist-info")
    }


def test_rebuild_keeps_requested_as_it_was(make_venv, story_wheels) -> None:
    env = make_venv("floor")
    _pip_offline(env, story_wheels, "install", "A==2.1.0")  # B comes as A's dependency
    before = requested(env)
    assert before == {"A-2.1.0.dist-info": True, "B-4.1.0.dist-info": False}
    result = rebuild_environment(
        env, python=sys.executable, extra_args=["--no-index", "--find-links", story_wheels]
    )
    assert result.ok, result.output_tail
    assert requested(env) == before
    # pip still removes all of B (its RECORD says what it has), and leaves A as the user's.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", story.env_python(env), "uninstall", "--yes", "B"],
        check=True,
        capture_output=True,
        env=story.clean_pip_env(),
    )
    assert requested(env) == {"A-2.1.0.dist-info": True}


def test_a_name_that_is_no_project_name_is_left_out_of_a_rebuild(make_venv, story_wheels) -> None:
    from venv_tui.services.actions.rebuild import plan_rebuild
    from venv_tui.services.packages import read_packages
    from venv_tui.services.site import open_site

    env = make_venv("floor")
    story.pip_install_offline(env, story_wheels, ["A==1.0.0"])
    site = open_site(env).own_dirs[0]
    evil = os.path.join(site, "evil-1.0.dist-info")
    os.makedirs(evil)
    with open(os.path.join(evil, "METADATA"), "w", encoding="utf-8") as fh:
        fh.write("Metadata-Version: 2.1\nName: evil @ file:///tmp/evil\nVersion: 1.0\n")
    plan = plan_rebuild(read_packages(open_site(env)))
    assert plan.requirements == ("A==1.0.0",)
    assert plan.skipped == ("'evil @ file:///tmp/evil' is left out: its metadata Name is not a project name",)
    lines: list[str] = []
    result = rebuild_environment(
        env,
        python=sys.executable,
        on_line=lines.append,
        extra_args=["--no-index", "--find-links", story_wheels],
    )
    assert result.ok, result.output_tail
    assert "venv-tui: 'evil @ file:///tmp/evil' is left out: its metadata Name is not a project name" in lines
    assert set(requested(env)) == {"A-1.0.0.dist-info"}


def test_cli_create_takes_a_version_as_people_type_it(hermetic, tmp_path, capsys) -> None:
    from venv_tui.cli import main

    mine = version_of(sys.executable)
    short = ".".join(mine.split(".")[:2])
    real = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    link = os.path.join(hermetic.folders["PYENV_ROOT"], "versions", mine, "bin", f"python{short}")
    os.makedirs(os.path.dirname(link))
    os.symlink(real, link)
    target = tmp_path / "made"
    code = main(["create", str(target), "--python", short, "--without-pip"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert read_pyvenv_cfg(str(target)).version == mine
    code = main(["create", str(tmp_path / "other"), "--python", "2.5", "--without-pip"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("venv-tui: no Python found matches '2.5'; the interpreters found are: ")
    assert mine in err and err.count("\n") == 1
    assert not (tmp_path / "other").exists()


def test_new_floor_makes_the_venv_and_installs(tmp_path, story_wheels) -> None:
    from venv_tui.services import Services

    target = tmp_path / "robot-three"
    result = Services().new_floor(
        str(target),
        requirements=["A>=2", "B>=4"],
        without_pip=True,
        extra_args=["--no-index", "--find-links", story_wheels],
    )
    assert result.ok and result.created
    assert result.message == f"the floor {target} was made, with A>=2, B>=4 installed"
    assert dist_infos(str(target)) == {"A-2.1.0.dist-info", "B-4.1.0.dist-info"}


def test_a_failed_install_keeps_the_new_floor_and_says_so(tmp_path, story_wheels) -> None:
    from venv_tui.services import Services

    target = tmp_path / "robot"
    result = Services().new_floor(
        str(target),
        requirements=["A>=9"],
        without_pip=True,
        extra_args=["--no-index", "--find-links", story_wheels],
    )
    assert not result.ok and result.created
    assert result.install_result is not None and not result.install_result.ok
    assert result.message.startswith(f"the floor {target} was made; installing A>=9 failed: ")
    assert "A>=9" in result.message.split("failed: ", 1)[1]  # pip's own last error line
    assert read_pyvenv_cfg(str(target)).version == version_of(sys.executable)


def test_new_floor_validates_before_making_anything(tmp_path) -> None:
    from venv_tui.services import Services

    target = tmp_path / "robot"
    with pytest.raises(Refused, match="looks like an option"):
        Services().new_floor(str(target), requirements=["A", "--index-url=http://x"], without_pip=True)
    with pytest.raises(BadInput, match="no Python found matches"):
        Services().new_floor(str(target), python="1.2", requirements=["A"], without_pip=True)
    assert not target.exists()


def test_cli_rebuild_takes_a_spec_and_index_options(hermetic, make_venv, story_wheels, capsys) -> None:
    import json

    from venv_tui.cli import main

    env = floor_three(make_venv, story_wheels)
    mine = version_of(sys.executable)
    real = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    link = os.path.join(hermetic.folders["PYENV_ROOT"], "versions", mine, "bin", "python3")
    os.makedirs(os.path.dirname(link))
    os.symlink(real, link)
    code = main(["rebuild", env, "--python", mine, "--no-index", "--find-links", story_wheels, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out) == {
        "environment": env,
        "action": "rebuild",
        "requirements": [],
        "ok": True,
        "returncode": 0,
        "error": None,
        "cancelled": False,
        "error_lines": [],
    }
    assert read_pyvenv_cfg(env).prompt == "floor 3"
    assert dist_infos(env) == {"A-2.1.0.dist-info", "B-4.1.0.dist-info"}
