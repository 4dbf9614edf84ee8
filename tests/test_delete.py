"""Deleting an environment: the plan, and every guard, on real folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from venv_tui.errors import Refused
from venv_tui.services import Services, story
from venv_tui.services.actions.delete import (
    BASE_INTERPRETER,
    check_deletable,
    delete,
    delete_environment,
    plan_delete,
)

pytestmark = pytest.mark.services


def snapshot(folder: str | Path) -> dict[str, bytes | str]:
    """Every file's bytes (a link's target, a folder's mark) under ``folder``, by relative path."""
    out: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in files + dirs:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                out[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                out[rel] = "dir"
            else:
                with open(path, "rb") as fh:
                    out[rel] = fh.read()
    return out


def environ_for(tmp: Path) -> dict[str, str]:
    return {
        "HOME": str(tmp / "home"),
        "PYENV_ROOT": str(tmp / "pyenv"),
        "WORKON_HOME": str(tmp / "workon"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
    }


# -- what is refused, and nothing changes -------------------------------------------------------


def test_a_link_to_an_environment_is_refused_naming_the_real_folder(make_venv, tmp_path) -> None:
    env = make_venv("real")
    link = tmp_path / "shortcut"
    link.symlink_to(env)
    before = snapshot(env)
    for action in (check_deletable, delete_environment):
        with pytest.raises(Refused, match="symbolic link") as info:
            action(str(link))
        assert f"is a symbolic link to {env}" in str(info.value)
    assert link.is_symlink()
    assert snapshot(env) == before


def test_a_folder_without_pyvenv_cfg_is_refused(tmp_path) -> None:
    folder = tmp_path / "project"
    (folder / "bin").mkdir(parents=True)
    (folder / "main.py").write_text("print('hi')")
    with pytest.raises(Refused, match=r"not a virtual environment \(no pyvenv.cfg at its top\)"):
        delete_environment(str(folder))
    assert (folder / "main.py").read_text() == "print('hi')"


@pytest.mark.parametrize("to", ["a-file", "another-floor"])
def test_a_pyvenv_cfg_that_is_a_link_makes_nothing_deletable(make_venv, tmp_path, to) -> None:
    """The folder looked like a venv only through a link: it was deleted with all it held."""
    folder = tmp_path / "photos"
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python3").write_text("")
    (folder / "lib").mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8 precious")
    if to == "a-file":
        target = tmp_path / "some.cfg"
        target.write_text("home = /usr/bin\n")
    else:
        target = Path(make_venv("other")) / "pyvenv.cfg"
    (folder / "pyvenv.cfg").symlink_to(target)
    before = snapshot(folder)
    with pytest.raises(Refused, match=r"its pyvenv\.cfg is a symbolic link"):
        plan_delete(str(folder))
    with pytest.raises(Refused):
        delete_environment(str(folder))
    assert snapshot(folder) == before
    assert target.exists()


def test_a_pyvenv_cfg_that_is_a_folder_is_refused(make_venv) -> None:
    env = Path(make_venv("odd"))
    (env / "pyvenv.cfg").unlink()
    (env / "pyvenv.cfg").mkdir()
    before = snapshot(env)
    with pytest.raises(Refused, match=r"its pyvenv\.cfg is a folder, not a file"):
        delete_environment(str(env))
    assert snapshot(env) == before


def test_a_folder_without_a_venvs_shape_is_refused(tmp_path) -> None:
    folder = tmp_path / "stray"
    folder.mkdir()
    (folder / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (folder / "thesis.tex").write_text("years of work")
    with pytest.raises(Refused, match=r"no python in bin/ or Scripts/"):
        delete_environment(str(folder))
    (folder / "bin").mkdir()
    (folder / "bin" / "python").write_text("")
    with pytest.raises(Refused, match="no lib folder"):
        delete_environment(str(folder))
    (folder / "lib").symlink_to(tmp_path)  # a link is not the venv's own lib tree
    with pytest.raises(Refused, match="no lib folder"):
        delete_environment(str(folder))
    assert (folder / "thesis.tex").read_text() == "years of work"


def test_a_broken_floor_with_a_dangling_python_can_be_removed(make_venv) -> None:
    env = Path(make_venv("broken"))
    for name in os.listdir(env / "bin"):
        if name.startswith("python"):
            (env / "bin" / name).unlink()
    (env / "bin" / "python").symlink_to("/nonexistent/python3.99")
    plan = plan_delete(str(env))
    assert plan.whole
    delete(plan)
    assert not os.path.lexists(env)


def test_home_and_what_holds_it_are_refused(make_venv) -> None:
    env = make_venv("home-like")  # a pyvenv.cfg does not make a home folder deletable
    before = snapshot(env)
    with pytest.raises(Refused, match="is your home folder"):
        delete_environment(env, home=env)
    with pytest.raises(Refused, match="holds your home folder"):
        delete_environment(env, home=os.path.join(env, "lib"))
    assert snapshot(env) == before


def test_the_root_folder_is_refused() -> None:
    with pytest.raises(Refused, match="root folder"):
        check_deletable(os.sep)


def test_the_running_environment_is_refused(make_venv) -> None:
    env = make_venv("running")
    before = snapshot(env)
    with pytest.raises(Refused, match="the environment venv-tui runs in"):
        delete_environment(env, running_prefix=env)
    with pytest.raises(Refused, match="the environment venv-tui runs in"):
        delete_environment(os.path.dirname(env) + os.sep + "." + os.sep + "running", running_prefix=env)
    assert snapshot(env) == before
    if sys.prefix != sys.base_prefix:  # with the defaults, this very test run's environment
        with pytest.raises(Refused, match="runs in"):
            check_deletable(sys.prefix)


@pytest.mark.parametrize("path", ["", "   ", "a\0b"])
def test_empty_and_nul_paths_are_refused(path: str) -> None:
    with pytest.raises(Refused, match=r"no path was given|NUL byte"):
        plan_delete(path)


def test_a_missing_path_and_a_path_too_long(tmp_path) -> None:
    with pytest.raises(Refused, match="does not exist"):
        delete_environment(str(tmp_path / "gone"))
    long = str(tmp_path / ("x" * 5000))
    with pytest.raises(Refused) as info:
        plan_delete(long)
    assert "longer than the system allows" in str(info.value)
    assert len(str(info.value)) < 400, "the path is not echoed whole"


def base_interpreters() -> list[str]:
    found = [os.path.realpath(sys.executable)]
    base = getattr(sys, "_base_executable", None)
    # Often a link (python3 -> python3.11): still not "a symbolic link". Python 3.10 inside a
    # venv names the venv's own python here, which is no base interpreter.
    if base and not os.path.abspath(base).startswith(os.path.abspath(sys.prefix) + os.sep):
        found.append(base)
    found.append(sys.base_prefix)  # the installation's folder
    return found


@pytest.mark.parametrize("path", base_interpreters())
def test_a_base_interpreter_is_refused_with_the_true_reason(path: str) -> None:
    with pytest.raises(Refused) as info:
        plan_delete(path)
    assert BASE_INTERPRETER in str(info.value)
    assert "symbolic link" not in str(info.value)


def test_a_pyenv_version_and_its_link_are_base_interpreters(tmp_path) -> None:
    """A pyenv-like prefix built from links to the real interpreter: bin/python3 -> python3.X."""
    prefix = tmp_path / "pyenv" / "versions" / "3.99.0"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib" / "python3.99").mkdir(parents=True)
    (prefix / "lib" / "python3.99" / "os.py").write_text("")
    shutil.copy(os.path.realpath(sys.executable), prefix / "bin" / "python3.99")
    (prefix / "bin" / "python3").symlink_to("python3.99")
    for path in (prefix, prefix / "bin" / "python3", prefix / "bin" / "python3.99"):
        with pytest.raises(Refused, match="a base interpreter, not an environment"):
            plan_delete(str(path))
    assert (prefix / "bin" / "python3.99").exists()


def test_an_environments_own_python_names_its_folder(make_venv) -> None:
    env = make_venv("floor")
    with pytest.raises(Refused, match=f"is the Python of the environment {env}; delete that folder"):
        plan_delete(story.env_python(env))


# -- what goes and what stays ----------------------------------------------------------------------


def test_a_floor_alone_in_its_folder_goes_whole_with_its_tool_files(make_venv, tmp_path) -> None:
    env = Path(make_venv("doomed"))
    (env / ".gitignore").write_text("# created by virtualenv automatically\n*\n")
    (env / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    (env / ".lock").write_bytes(b"")
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "data.txt").write_text("keep me")
    os.symlink(outside, env / "lib" / "linked-folder")
    plan = plan_delete(str(env))
    assert plan.whole and plan.entries_that_stay == ()
    assert {".gitignore", "CACHEDIR.TAG", ".lock", "bin", "lib", "pyvenv.cfg"} <= set(plan.entries_to_remove)
    delete(plan)
    assert not os.path.lexists(env)
    assert (outside / "data.txt").read_text() == "keep me"


def test_a_floor_made_in_a_project_folder_takes_only_its_own_entries(tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text("print('mine')\n")
    (project / "notes.txt").write_text("user's file")
    (project / ".gitignore").write_text("*.pyc\n")  # the project's own, not a tool's
    story.make_venv(str(project))
    kept = {k: v for k, v in snapshot(project).items() if k.split(os.sep)[0] in {".git", "src", "notes.txt", ".gitignore"}}
    plan = plan_delete(str(project))
    assert not plan.whole
    assert set(plan.entries_that_stay) == {".git", "src", "notes.txt", ".gitignore"}
    assert {"bin", "lib", "include", "pyvenv.cfg"} <= set(plan.entries_to_remove)
    assert not set(plan.entries_to_remove) & set(plan.entries_that_stay)
    delete(plan)
    assert snapshot(project) == kept
    assert sorted(os.listdir(project)) == [".git", ".gitignore", "notes.txt", "src"]


def test_delete_carries_out_the_plan_only_if_nothing_changed(make_venv) -> None:
    env = Path(make_venv("changing"))
    plan = plan_delete(str(env))
    (env / "report.docx").write_bytes(b"written after the question was asked")
    with pytest.raises(Refused, match="changed since it was checked; nothing was deleted"):
        delete(plan)
    assert (env / "report.docx").exists() and (env / "bin").is_dir()
    (env / "report.docx").unlink()
    plan = plan_delete(str(env))
    cfg = (env / "pyvenv.cfg").read_bytes()
    (env / "pyvenv.cfg").unlink()
    (env / "real.cfg").write_bytes(cfg)
    (env / "pyvenv.cfg").symlink_to(env / "real.cfg")
    with pytest.raises(Refused, match="symbolic link"):
        delete(plan)
    assert (env / "bin").is_dir()


def test_a_deep_tree_is_removed_without_recursion(make_venv) -> None:
    env = Path(make_venv("deep"))
    deep = env / "lib"
    for _ in range(300):
        deep = deep / "d"
    os.makedirs(deep)
    # Deeper than any recursion limit, built relative to keep paths short enough.
    fd = os.open(deep, os.O_RDONLY)
    try:
        for _ in range(1500):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
    finally:
        os.close(fd)
    delete(plan_delete(str(env)))
    assert not os.path.lexists(env)


# -- other file systems ----------------------------------------------------------------------------


def _can_bind_mount(tmp: Path) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount") or not os.path.exists("/proc/self/mountinfo"):
        return False
    a, b = tmp / "probe-a", tmp / "probe-b"
    a.mkdir()
    b.mkdir()
    done = subprocess.run(["mount", "--bind", str(a), str(b)], capture_output=True, timeout=20)
    if done.returncode == 0:
        subprocess.run(["umount", str(b)], capture_output=True, timeout=20)
    a.rmdir()
    b.rmdir()
    return done.returncode == 0


@pytest.mark.parametrize("where", ["top", "lib"])
def test_a_bind_mount_inside_a_floor_is_refused_before_anything_goes(make_venv, tmp_path, where) -> None:
    if not _can_bind_mount(tmp_path):
        pytest.skip("bind mounts need root and a mount command that works here")
    env = Path(make_venv("mounted"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "database.sqlite").write_bytes(b"a year of records")
    point = env / "srv" if where == "top" else env / "lib" / "cache"
    point.mkdir()
    subprocess.run(["mount", "--bind", str(data), str(point)], check=True, timeout=20)
    try:
        before = snapshot(env)
        if where == "top":
            # The floor's own entries hold no mount: they go, the mounted folder stays.
            plan = plan_delete(str(env))
            assert "srv" in plan.entries_that_stay
        else:
            with pytest.raises(Refused, match="holds a mount point") as info:
                plan_delete(str(env))
            assert str(point) in str(info.value)
            with pytest.raises(Refused, match="holds a mount point"):
                delete_environment(str(env))
            assert snapshot(env) == before
    finally:
        subprocess.run(["umount", str(point)], check=True, timeout=20)
    assert (data / "database.sqlite").read_bytes() == b"a year of records"


# -- links that go with a floor, tools that own one -------------------------------------------------


def test_pyenv_virtualenv_floor_goes_with_its_known_links_and_nothing_else(tmp_path) -> None:
    environ = environ_for(tmp_path)
    versions = tmp_path / "pyenv" / "versions"
    real = Path(story.make_venv(str(versions / "3.99.0" / "envs" / "robots")))
    (versions / "robots").symlink_to(real)
    (tmp_path / "workon").mkdir()
    (tmp_path / "workon" / "robots").symlink_to(real)
    other = Path(story.make_venv(str(versions / "3.99.0" / "envs" / "other")))
    (versions / "other").symlink_to(other)
    elsewhere = tmp_path / "my-link"  # not a place venv tools keep links: left alone
    elsewhere.symlink_to(real)

    with pytest.raises(Refused, match=f"is a symbolic link to {real}"):
        plan_delete(str(versions / "robots"), environ=environ)
    plan = plan_delete(str(real), environ=environ)
    assert plan.links == tuple(sorted((str(versions / "robots"), str(tmp_path / "workon" / "robots"))))
    delete(plan, environ=environ)
    assert not os.path.lexists(real)
    assert not os.path.lexists(versions / "robots")
    assert not os.path.lexists(tmp_path / "workon" / "robots")
    assert elsewhere.is_symlink()
    assert (versions / "other").is_symlink() and (other / "pyvenv.cfg").is_file()


def test_floors_owned_by_a_tool_name_the_tools_own_command(tmp_path) -> None:
    environ = environ_for(tmp_path)
    environ["PIPX_HOME"] = str(tmp_path / "pipx")
    environ["POETRY_VIRTUALENVS_PATH"] = str(tmp_path / "poetry")
    floors = {
        "pipx": (tmp_path / "pipx" / "venvs" / "black", "pipx uninstall black"),
        "uv tool": (tmp_path / "data" / "uv" / "tools" / "ruff", "uv tool uninstall ruff"),
        "poetry": (tmp_path / "poetry" / "app-Xy12-py3.11", "poetry env remove app-Xy12-py3.11"),
        "hatch": (tmp_path / "data" / "hatch" / "env" / "virtual" / "app" / "h4sh" / "test", "hatch env remove test"),
    }
    for tool, (path, command) in floors.items():
        story.make_venv(str(path))
        plan = plan_delete(str(path), environ=environ)
        assert plan.managed_by == tool
        assert plan.command is not None and plan.command.startswith(command)
    plain = story.make_venv(str(tmp_path / "plain"))
    assert plan_delete(plain, environ=environ).managed_by is None
    # A marker file tells even outside the tool's folder (pipx's own metadata).
    marked = Path(story.make_venv(str(tmp_path / "moved-pipx")))
    (marked / "pipx_metadata.json").write_text("{}")
    assert plan_delete(str(marked), environ=environ).managed_by == "pipx"


def test_the_facade_plans_and_deletes(make_venv, tmp_path) -> None:
    services = Services(environ=environ_for(tmp_path), cwd=str(tmp_path))
    env = make_venv("facade")
    assert services.check_deletable(env) == env
    plan = services.plan_delete(env)
    assert plan.folder == env and plan.whole
    services.delete(plan)
    assert not os.path.lexists(env)
    env = make_venv("by-path")
    services.delete(env)
    assert not os.path.lexists(env)


def test_a_shared_folder_is_never_confirmed_as_a_whole(tmp_path) -> None:
    """Clients that ask "delete this folder and everything in it" get a refusal for a floor that
    shares its folder; rebuild, which moves the whole folder, is refused the same way."""
    from venv_tui.services.actions.rebuild import rebuild_environment

    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "app.py").write_text("print('mine')\n")
    story.make_venv(str(project))
    with pytest.raises(Refused, match=r"also holds what is not the environment's \(src\)"):
        check_deletable(str(project))
    with pytest.raises(Refused, match="never removed whole"):
        Services(environ=environ_for(tmp_path), cwd=str(tmp_path)).check_deletable(str(project))
    with pytest.raises(Refused, match="never removed whole"):
        rebuild_environment(str(project), python=sys.executable)
    assert (project / "src" / "app.py").read_text() == "print('mine')\n"
    assert (project / "pyvenv.cfg").is_file()


def test_names_from_disk_in_a_refusal_are_printable(tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "\x1b]0;pwned\x07").write_text("a file named to take over the terminal")
    story.make_venv(str(project))
    with pytest.raises(Refused) as info:
        check_deletable(str(project))
    assert "\x1b" not in str(info.value) and "\\x1b]0;pwned\\x07" in str(info.value)
    assert plan_delete(str(project)).entries_that_stay == ("\x1b]0;pwned\x07",)  # the data as it is


def test_the_home_folder_of_the_given_environment_is_refused_too(tmp_path) -> None:
    home = Path(story.make_venv(str(tmp_path / "home")))
    with pytest.raises(Refused, match="is your home folder"):
        plan_delete(str(home), environ={"HOME": str(home)})


def test_the_apps_confirmation_reads_a_real_plan(tmp_path) -> None:
    """The app asks the facade for a plan and words it; what stays is named before anything goes."""
    from venv_tui.ui.decide import delete_message

    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    story.make_venv(str(project))
    plan = Services(environ=environ_for(tmp_path), cwd=str(tmp_path)).plan_delete(str(project))
    assert (plan.removed, plan.kept) == (plan.entries_to_remove, plan.entries_that_stay)
    message = delete_message(plan)
    assert "these stay: src" in message and "everything in it" not in message
