"""The headless command line: DESIGN.md's contract (JSON shapes, exit codes, sentences),
run on the article's house as real environments."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from venv_tui.cli import main
from venv_tui.services.story import House

pytestmark = pytest.mark.services


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, err = run(capsys, *argv, "--json")
    assert out, err
    return code, json.loads(out)


def process(*argv: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as scripts and CI run it."""
    return subprocess.run(
        [sys.executable, "-m", "venv_tui", *argv], capture_output=True, text=True, cwd=cwd, timeout=60
    )


# -- packages ---------------------------------------------------------------------------------


def test_packages_json_of_each_floor(capsys: pytest.CaptureFixture[str], house: House) -> None:
    expected = {1: {"A": "1.0.0", "B": "2.1.3"}, 2: {"A": "1.5.7"}, 3: {"A": "2.1.0", "B": "4.1.0"}}
    for floor, wanted in expected.items():
        code, data = run_json(capsys, "packages", house.floors[floor])
        assert code == 0
        assert data["environment"] == house.floors[floor]
        assert data["python"] == f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"
        got = {p["name"]: p["version"] for p in data["packages"]}
        assert got == wanted
        for p in data["packages"]:
            assert set(p) >= {"name", "version", "location", "editable", "requested", "inherited"}
            assert p["location"].startswith(house.floors[floor])
            assert p["requested"] is True  # pip marks what it was asked for
            assert p["editable"] is False and p["inherited"] is False


def test_packages_by_interpreter_path(capsys: pytest.CaptureFixture[str], house: House) -> None:
    python = os.path.join(house.floors[2], "bin", "python")
    code, data = run_json(capsys, "packages", python)
    assert code == 0
    assert {p["name"] for p in data["packages"]} == {"A"}


def test_packages_text(capsys: pytest.CaptureFixture[str], house: House) -> None:
    code, out, _ = run(capsys, "packages", house.floors[3])
    assert code == 0
    assert "2 packages" in out
    assert any(line.split()[:2] == ["A", "2.1.0"] for line in out.splitlines())


# -- check --------------------------------------------------------------------------------------


def test_check_robot_fits_its_own_floor(capsys: pytest.CaptureFixture[str], house: House) -> None:
    for floor, robot in ((1, "robot_one.py"), (2, "robot_two.py"), (3, "robot_three.py")):
        code, data = run_json(capsys, "check", house.robots[robot], "--env", house.floors[floor])
        assert code == 0, data
        assert data["ok"] is True
        assert data["environment"] == house.floors[floor]
        assert data["target"] == house.robots[robot]
        assert {r["status"] for r in data["requirements"]} == {"ok"}
        assert data["python"] is None  # the robots declare no requires-python
        assert data["environment_problems"] == []


def test_check_robot_three_on_floor_two_says_what_is_wrong(
    capsys: pytest.CaptureFixture[str], house: House
) -> None:
    code, data = run_json(capsys, "check", house.robots["robot_three.py"], "--env", house.floors[2])
    assert code == 1
    assert data["ok"] is False
    by_name = {r["name"]: r for r in data["requirements"]}
    assert by_name["A"]["status"] == "wrong-version"
    assert by_name["A"]["installed"] == "1.5.7"
    assert by_name["A"]["message"] == "A 1.5.7 is installed, robot_three.py needs A>=2"
    assert by_name["B"]["status"] == "missing"
    assert by_name["B"]["installed"] is None
    assert "B" in by_name["B"]["message"] and "not installed" in by_name["B"]["message"]


def test_check_text_output_and_exit_status(capsys: pytest.CaptureFixture[str], house: House) -> None:
    code, out, _ = run(capsys, "check", house.robots["robot_one.py"], "--env", house.floors[3])
    assert code == 1
    assert "A 2.1.0 is installed, robot_one.py needs A<1.5" in out
    assert out.rstrip().endswith("2 problems found: 2 requirements not met.")
    assert "All requirements are satisfied" not in out


def test_check_without_target_is_pip_check(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path
) -> None:
    from venv_tui.services import story

    # Floor 3's A 2.1.0 needs B>=4: an environment holding A 2.1.0 with B 2.1.3 is broken.
    env = story.make_venv(str(tmp_path / "broken"))
    story.pip_install_offline(env, house.wheels, ["A==2.1.0", "B==2.1.3"])
    code, data = run_json(capsys, "check", "--env", env)
    assert code == 1
    assert data["target"] is None
    [problem] = data["environment_problems"]
    assert (problem["package"], problem["version"], problem["name"]) == ("A", "2.1.0", "B")
    assert problem["status"] == "wrong-version" and problem["installed"] == "2.1.3"
    code, data = run_json(capsys, "check", "--env", house.floors[3])
    assert code == 0 and data["environment_problems"] == []


def test_check_uses_virtual_env_by_default(
    capsys: pytest.CaptureFixture[str], house: House, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", house.floors[2])
    code, data = run_json(capsys, "check", house.robots["robot_two.py"])
    assert code == 0
    assert data["environment"] == house.floors[2]


# -- fit ------------------------------------------------------------------------------------------


# Every variable that names a place where environments or interpreters live.
_PLACES = (
    "HOME",
    "PYENV_ROOT",
    "WORKON_HOME",
    "PIPX_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "POETRY_VIRTUALENVS_PATH",
    "HATCH_DATA_DIR",
    "UV_TOOL_DIR",
    "UV_PYTHON_INSTALL_DIR",
)


def isolate(monkeypatch: pytest.MonkeyPatch, base) -> str:
    """Point every place where floors live into ``base`` (empty), leave no floor active, run from
    an empty folder: only what a test builds (and the machine's interpreters) is found."""
    home = base / "home"
    home.mkdir(parents=True, exist_ok=True)
    for name in _PLACES:
        monkeypatch.setenv(name, str(home if name == "HOME" else base / name.lower()))
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_EXE", "PYENV_VERSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(home)
    return str(home)


@pytest.fixture
def neutral_place(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder with an empty HOME and no active environment, so that only the
    house (and the machine's interpreters) are found, wherever the suite runs."""
    isolate(monkeypatch, tmp_path / "neutral")


def test_fit_ranks_floor_three_first_for_robot_three(
    capsys: pytest.CaptureFixture[str], house: House, neutral_place: None
) -> None:
    code, data = run_json(capsys, "fit", house.robots["robot_three.py"], "--root", house.root)
    assert code == 0
    assert data["target"] == house.robots["robot_three.py"]
    envs = data["environments"]
    assert envs[0]["path"] == house.floors[3]
    # The other floors come next, before bare interpreters that have nothing installed.
    assert [e["path"] for e in envs[:3]] == [house.floors[3], house.floors[2], house.floors[1]]
    assert envs[0]["ok"] is True and envs[0]["problems"] == []
    by_path = {e["path"]: e for e in envs}
    assert by_path[house.floors[2]]["ok"] is False
    # What a change would break there: the robots beside the target that fit that floor now.
    assert (
        "A 1.5.7 is installed; robot_three.py needs A>=2; upgrading would break robot_two.py"
        in by_path[house.floors[2]]["problems"]
    )
    assert (
        "A 1.0.0 is installed; robot_three.py needs A>=2; upgrading would break robot_one.py"
        in by_path[house.floors[1]]["problems"]
    )
    assert (
        "B 2.1.3 is installed; robot_three.py needs B>=4; upgrading would break robot_one.py"
        in by_path[house.floors[1]]["problems"]
    )


def test_fit_text(capsys: pytest.CaptureFixture[str], house: House, neutral_place: None) -> None:
    code, out, _ = run(capsys, "fit", house.robots["robot_one.py"], "--root", house.root)
    assert code == 0
    first = out.splitlines()[1]
    assert first.startswith("1. fits:") and first.endswith(house.floors[1])


# -- envs and pythons -------------------------------------------------------------------------------


def test_envs_json_lists_the_floors(
    capsys: pytest.CaptureFixture[str], house: House, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", house.floors[1])
    code, data = run_json(capsys, "envs", "--root", house.root)
    assert code == 0
    by_path = {e["path"]: e for e in data["environments"]}
    for number, path in house.floors.items():
        env = by_path[path]
        assert env["name"] == f"floor {number}"
        assert env["health"] == "ok" and env["problem"] is None
        assert env["creator"] == "venv"
        assert env["system_site_packages"] is False
        assert env["python_version"] == ".".join(map(str, sys.version_info[:3]))
        assert env["active"] is (number == 1)
        assert set(env) >= {"base_interpreter", "source"}
    assert sum(e["active"] for e in data["environments"]) == 1


def test_pythons_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "pythons")
    assert code == 0
    assert data["interpreters"], "the machine running the tests has at least one Python"
    for i in data["interpreters"]:
        assert set(i) >= {"path", "version", "implementation", "source", "default", "shadowed_by"}
    assert sum(i["default"] for i in data["interpreters"]) <= 1


# -- create and shell ---------------------------------------------------------------------------------


def test_create_makes_an_environment(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    target = tmp_path / "new env"
    code, _out, _ = run(capsys, "create", str(target), "--without-pip", "--prompt", "robots")
    assert code == 0
    assert (target / "pyvenv.cfg").is_file()
    code, data = run_json(capsys, "envs", "--root", str(tmp_path))
    [env] = [e for e in data["environments"] if e["path"] == str(target)]
    assert env["name"] == "robots"


def test_create_into_an_existing_environment_is_refused(
    capsys: pytest.CaptureFixture[str], house: House
) -> None:
    before = sorted(os.listdir(house.floors[1]))
    code, _, err = run(capsys, "create", house.floors[1], "--without-pip")
    assert code == 2
    assert house.floors[1] in err
    assert sorted(os.listdir(house.floors[1])) == before


# -- bad input: exit 2, one sentence, no traceback -----------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (("packages", "/no/such/env"), "/no/such/env does not exist"),
        (("check", "/no/such/robot.py", "--env", "/no/such/env"), "does not exist"),
        (("fit", "/no/such/robot.py"), "/no/such/robot.py does not exist"),
        (("envs", "--root", "/no/such/folder"), "/no/such/folder does not exist"),
        (("packages",), "the following arguments are required: ENV"),
        (("frobnicate",), "the path frobnicate does not exist"),
        (("check", "--no-such-option"), "unrecognized arguments: --no-such-option"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv, fragment: str) -> None:
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_folder_that_is_not_an_environment(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    code, _, err = run(capsys, "packages", str(tmp_path))
    assert code == 2
    assert str(tmp_path) in err and "pyvenv.cfg" in err


def test_unclosed_pep723_block_names_its_line(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path
) -> None:
    script = tmp_path / "robot.py"
    script.write_text('import os\n# /// script\n# dependencies = ["A"]\nprint(1)\n')
    code, _, err = run(capsys, "check", str(script), "--env", house.floors[1])
    assert code == 2
    assert "line 2" in err
    assert "Traceback" not in err


def test_bad_requirement_line_names_its_line(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path
) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("A>=1\n# a comment\nB>>2\n")
    code, _, err = run(capsys, "check", str(req), "--env", house.floors[1])
    assert code == 2
    assert "line 3" in err and "B>>2" in err


def test_broken_config_file_is_named_once_and_the_command_goes_on(
    capsys: pytest.CaptureFixture[str], house: House
) -> None:
    config = os.path.join(os.environ["VENV_TUI_CONFIG_DIR"], "config.toml")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    broken = b'roots = ["/a",\nscan_depth = \n'
    with open(config, "wb") as fh:
        fh.write(broken)
    code, out, err = run(capsys, "check", house.robots["robot_two.py"], "--env", house.floors[2])
    assert code == 0 and "satisfied" in out
    assert err.count("venv-tui: warning: ") == 1
    assert f"{config}, line 2: the config file is not valid TOML" in err
    code, _, err = run(capsys, "check", house.robots["robot_two.py"], "--env", house.floors[3])
    assert code == 1  # the exit status is the command's own
    assert err.count("warning:") == 1
    with open(config, "rb") as fh:
        assert fh.read() == broken


# -- as a real process --------------------------------------------------------------------------------


def test_process_exit_codes_and_json(house: House) -> None:
    ok = process("check", house.robots["robot_two.py"], "--env", house.floors[2], "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    bad = process("check", house.robots["robot_two.py"], "--env", house.floors[3], "--json")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["ok"] is False
    usage = process("packages", "/no/such/env")
    assert usage.returncode == 2
    assert usage.stderr.startswith("venv-tui: ") and "Traceback" not in usage.stderr


def test_version_and_help() -> None:
    from venv_tui import __version__

    version = process("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"venv-tui {__version__}"
    helped = process("--help")
    assert helped.returncode == 0
    for sub in ("pythons", "envs", "packages", "check", "fit", "create", "shell"):
        assert sub in helped.stdout
    sub_help = process("check", "--help")
    assert sub_help.returncode == 0 and "--env" in sub_help.stdout


def test_a_pyenv_shim_is_read_as_the_interpreter_it_runs(
    capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`venv-tui packages $(which python3)` under pyenv: the shim is resolved from pyenv's
    files (never run) to the selected version's interpreter."""
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    shim = root / "shims" / "python3"
    shim.write_text("#!/bin/sh\necho 'a shim must not be run' >&2; exit 3\n")
    shim.chmod(0o755)
    real = os.path.realpath(sys.executable)
    selected = root / "versions" / "3.99.0" / "bin" / "python3"
    selected.parent.mkdir(parents=True)
    # A link to a real interpreter is that interpreter: CPython finds its prefix through it.
    os.symlink(real, selected)
    monkeypatch.setenv("PYENV_ROOT", str(root))
    monkeypatch.setenv("PYENV_VERSION", "3.99.0")
    code, data = run_json(capsys, "packages", str(shim))
    assert code == 0
    assert data["environment"] == str(selected)
    code, direct = run_json(capsys, "packages", real)
    assert [(p["name"], p["version"]) for p in data["packages"]] == [
        (p["name"], p["version"]) for p in direct["packages"]
    ]
    monkeypatch.setenv("PYENV_VERSION", "0.0.1")  # a version pyenv does not have
    code, _, err = run(capsys, "packages", str(shim))
    assert code == 2 and "is a pyenv shim" in err


def test_an_empty_path_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "packages", "")
    assert code == 2
    assert err == "venv-tui: an empty path was given for the environment\n"


def test_shell_warns_when_the_base_interpreter_is_gone(
    capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from venv_tui.services import story

    env = story.make_venv(str(tmp_path / "env"))
    cfg = os.path.join(env, "pyvenv.cfg")
    with open(cfg) as fh:
        lines = [f"home = {tmp_path / 'gone' / 'bin'}\n" if x.startswith("home") else x for x in fh]
    with open(cfg, "w") as fh:
        fh.writelines(lines)
    monkeypatch.setenv("SHELL", "/bin/true")  # a "shell" that leaves at once
    code, _, err = run(capsys, "shell", env)
    assert code == 0
    assert "warning: this environment is broken:" in err and "no longer exists" in err


def test_fit_is_hermetic_on_a_machine_with_other_floors(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's machine holds a pyenv-virtualenv floor and a virtualenvwrapper floor, both empty:
    found, they would rank before floor 2 (an empty floor before one holding other versions).
    The suite's isolation must keep them out."""
    from venv_tui.services import story

    machine = tmp_path / "machine"
    home = machine / "home"
    pyenv_floor = story.make_venv(str(machine / "pyenv" / "versions" / "extra-floor"))
    workon_floor = story.make_venv(str(home / ".virtualenvs" / "other-floor"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PYENV_ROOT", str(machine / "pyenv"))
    monkeypatch.delenv("WORKON_HOME", raising=False)
    monkeypatch.chdir(machine)
    code, data = run_json(capsys, "envs")
    assert {pyenv_floor, workon_floor} <= {e["path"] for e in data["environments"]}, "the trap is set"

    isolate(monkeypatch, tmp_path / "isolated")
    code, data = run_json(capsys, "fit", house.robots["robot_three.py"], "--root", house.root)
    assert code == 0
    paths = [e["path"] for e in data["environments"]]
    assert paths[:3] == [house.floors[3], house.floors[2], house.floors[1]]
    assert pyenv_floor not in paths and workon_floor not in paths


# -- one verdict for one floor, in every command ----------------------------------------------------


def _orphan(root, wheels: str) -> tuple[str, str]:
    """A floor holding A 1.5.7 whose base interpreter folder was removed: broken."""
    from venv_tui.services import story

    env = story.make_venv(str(root / "orphan"))
    story.pip_install_offline(env, wheels, ["A==1.5.7"])
    gone = str(root / "removed-python" / "bin")
    cfg = os.path.join(env, "pyvenv.cfg")
    with open(cfg, encoding="utf-8") as fh:
        lines = [ln for ln in fh.read().splitlines() if ln.split("=")[0].strip() not in ("home", "executable")]
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write("\n".join([*lines, f"home = {gone}", f"executable = {gone}/python3"]) + "\n")
    return env, f"its base interpreter folder {gone} no longer exists"


def test_a_broken_floor_says_the_same_in_four_commands(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate(monkeypatch, tmp_path / "place")
    root = tmp_path / "floors"
    env, sentence = _orphan(root, house.wheels)
    robot = root / "robot.py"
    robot.write_text(story_script(["A>=1"]))

    code, data = run_json(capsys, "envs", "--root", str(root))
    [listed] = [e for e in data["environments"] if e["path"] == env]
    assert (listed["health"], listed["problem"]) == ("broken", sentence)

    code, data = run_json(capsys, "packages", env)
    assert code == 0, "its packages are still listed"
    assert (data["health"], data["problem"]) == ("broken", sentence)
    assert [(p["name"], p["version"]) for p in data["packages"]] == [("A", "1.5.7")]

    code, data = run_json(capsys, "check", str(robot), "--env", env)
    assert code == 1 and data["ok"] is False
    assert (data["health"], data["problem"]) == ("broken", sentence)
    assert [r["status"] for r in data["requirements"]] == ["ok"]  # A fits; the floor cannot run
    code, out, _ = run(capsys, "check", str(robot), "--env", env)
    assert code == 1
    assert out.splitlines()[0] == f"{env} cannot run: {sentence}"
    assert "All requirements are satisfied" not in out

    code, data = run_json(capsys, "fit", str(robot), "--root", str(root))
    [fit] = [e for e in data["environments"] if e["path"] == env]
    assert fit["ok"] is False
    assert fit["problems"][0] == f"it cannot run: {sentence}"


def story_script(needs: list[str]) -> str:
    from venv_tui.services import story

    return story.robot_script(needs)


def test_a_moved_floor_is_stale(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from venv_tui.services import story

    isolate(monkeypatch, tmp_path / "place")
    root = tmp_path / "floors"
    made = story.make_venv(str(root / "made-here"))
    story.pip_install_offline(made, house.wheels, ["A==1.5.7"])
    moved = str(root / "moved-there")
    os.rename(made, moved)
    sentence = f"it was moved after it was made: {moved}/bin/activate names {made}"
    code, data = run_json(capsys, "envs", "--root", str(root))
    [listed] = data["environments"]
    assert (listed["path"], listed["health"], listed["problem"]) == (moved, "stale", sentence)
    code, data = run_json(capsys, "packages", moved)
    assert (data["health"], data["problem"]) == ("stale", sentence)
    code, data = run_json(capsys, "check", "--env", moved)
    assert code == 0, "a stale floor still runs"
    assert (data["health"], data["problem"]) == ("stale", sentence)
    code, out, _ = run(capsys, "envs", "--root", str(root))
    assert f"STALE: {sentence}" in out


def test_a_link_to_a_floor_is_an_alias(
    capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from venv_tui.services import story

    isolate(monkeypatch, tmp_path / "place")
    root = tmp_path / "floors"
    real = story.make_venv(str(root / "a-real-floor"))
    link = root / "0-link"  # met first in the walk: it still must not hide the floor
    link.symlink_to(real)
    code, data = run_json(capsys, "envs", "--root", str(root))
    assert code == 0
    [listed] = data["environments"]
    assert listed["path"] == real
    assert listed["aliases"] == [str(link)]


def test_what_python3_runs_when_a_floor_comes_first_on_path(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate(monkeypatch, tmp_path / "place")
    floor = house.floors[2]
    base_dir = os.path.dirname(os.path.realpath(sys.executable))
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.join(floor, "bin"), base_dir]))
    monkeypatch.chdir(house.root)  # the floors are found as the project's
    code, data = run_json(capsys, "pythons")
    assert code == 0
    python3 = data["python3"]
    assert python3["path"] == os.path.join(floor, "bin", "python3")
    assert python3["environment"] == floor
    assert python3["interpreter"] and os.path.realpath(python3["interpreter"]) == os.path.realpath(
        sys.executable
    )
    [runner] = [
        i for i in data["interpreters"] if i["real_path"] == os.path.realpath(sys.executable)
    ]
    assert set(house.floors.values()) <= set(runner["environments"])
    code, out, _ = run(capsys, "pythons")
    assert f"`python3` runs {python3['path']}: the environment {floor} comes first on PATH" in out

    monkeypatch.setenv("PATH", base_dir)
    code, data = run_json(capsys, "pythons")
    assert data["python3"]["environment"] is None
    assert data["python3"]["path"] == os.path.join(base_dir, "python3")


# -- check: where a requirement came from, and a summary that counts ------------------------------


def test_a_requirement_from_an_include_names_its_file(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path
) -> None:
    project = tmp_path / "project"
    (project / "reqs").mkdir(parents=True)
    (project / "reqs" / "constraints.txt").write_text("A<1.5\n")
    (project / "requirements.txt").write_text("A>=1\n-c reqs/constraints.txt\n")
    code, data = run_json(capsys, "check", str(project / "requirements.txt"), "--env", house.floors[2])
    assert code == 1
    own, included = data["requirements"]
    assert (own["file"], own["line"]) == ("requirements.txt", 1)
    assert (included["file"], included["line"]) == ("reqs/constraints.txt", 1)
    assert included["status"] == "wrong-version"
    assert included["message"].endswith("(reqs/constraints.txt, line 1)")
    assert "requirements.txt, line" not in own["message"]


def test_check_never_says_all_is_satisfied_beside_a_problem(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path
) -> None:
    from venv_tui.services import story

    env = story.make_venv(str(tmp_path / "half"))
    story.pip_install_offline(env, house.wheels, ["A==2.1.0", "B==2.1.3"])  # A 2.1.0 needs B>=4
    robot = tmp_path / "robot.py"
    robot.write_text(story_script(["A>=2"]))
    code, out, _ = run(capsys, "check", str(robot), "--env", env)
    assert code == 0  # the robot's own needs are met
    assert "All requirements are satisfied" not in out
    assert out.rstrip().endswith("1 problem found: 1 dependency problem in the environment itself.")


# -- the quick reading of plain command lines -------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["packages", "ENV"],
        ["packages", "ENV", "--json"],
        ["packages", "--json", ""],
        ["check"],
        ["check", "robot.py"],
        ["check", "--env", "ENV", "--json"],
        ["check", "pyproject.toml", "--extra", "a", "--extra", "b", "--group", "g", "--env", "E"],
        ["envs"],
        ["envs", "--json"],
        ["envs", "--root", "a", "--root", "b", "--sizes", "--json"],
        ["envs", "--sort", "size", "--health", "ok", "--health", "stale", "--tool", "uv", "--python", "3.12"],
        ["pythons"],
        ["pythons", "--json"],
        ["where", "numpy"],
        ["where", "numpy<2", "--json", "--root", "a", "--root", "b"],
    ],
)
def test_quick_arguments_read_what_argparse_reads(argv: list[str]) -> None:
    from venv_tui.cli import build_parser, command

    quick = command(argv[0]).quick
    assert quick is not None
    fast = quick.parse(argv[1:])
    assert fast is not None
    slow = vars(build_parser(only=argv[0]).parse_args(argv))
    slow.pop("command")
    assert vars(fast) == slow


@pytest.mark.parametrize(
    "argv",
    [
        ["packages"],
        ["packages", "A", "B"],
        ["packages", "ENV", "--js"],
        ["packages", "--help"],
        ["check", "--env"],
        ["check", "--env=ENV"],
        ["check", "--env", "-x"],
        ["check", "--", "robot.py"],
        ["where"],
        ["where", "a", "b"],
        ["where", "-numpy"],
    ],
)
def test_quick_arguments_leave_the_rest_to_argparse(argv: list[str]) -> None:
    from venv_tui.cli import command

    quick = command(argv[0]).quick
    assert quick is not None and quick.parse(argv[1:]) is None


def test_when_nothing_fits_the_first_line_suggests_a_new_floor(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path, neutral_place: None
) -> None:
    robot = tmp_path / "robot_four.py"
    robot.write_text(story_script(["A>=3"]))
    code, out, _ = run(capsys, "fit", str(robot), "--root", house.root)
    assert code == 1
    first, second = out.splitlines()[:2]
    assert first.startswith(f"Nothing here fits {robot}: make it a new floor")
    assert second == f"Environments for {robot}, best first:"


def test_a_virtual_env_that_is_gone_fails_the_check_with_its_reason(
    capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = str(tmp_path / "deleted-floor")
    monkeypatch.setenv("VIRTUAL_ENV", gone)
    code, data = run_json(capsys, "check")
    assert code == 1
    assert data["health"] == "broken"
    assert data["problem"] == f"VIRTUAL_ENV points to {gone}, which no longer exists"
