"""The streaming runner and pip, on real environments with the story's wheels, offline."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from venv_tui.errors import BadInput, Refused, ToolFailed
from venv_tui.services import story
from venv_tui.services.actions.create import create_environment
from venv_tui.services.actions.pip import has_pip, pip_argv, run_pip, validate_requirement
from venv_tui.services.process import error_lines, run_streaming


def offline(wheels: str) -> list[str]:
    return ["--no-index", "--find-links", wheels]


def dist_infos(env: str) -> set[str]:
    """The ``*.dist-info`` folder names in the environment's site-packages, read directly."""
    found: set[str] = set()
    lib = os.path.join(env, "lib")
    for version_dir in os.listdir(lib):
        site = os.path.join(lib, version_dir, "site-packages")
        if os.path.isdir(site):
            found |= {n for n in os.listdir(site) if n.endswith(".dist-info")}
    return found


# -- the runner ------------------------------------------------------------------------------


def test_lines_arrive_while_the_process_still_runs() -> None:
    arrivals: list[tuple[str, float]] = []
    code = "import time; print('one'); time.sleep(0.6); print('two')"
    result = run_streaming(
        [sys.executable, "-c", code], on_line=lambda line: arrivals.append((line, time.monotonic()))
    )
    end = time.monotonic()
    assert result.ok
    assert [line for line, _ in arrivals] == ["one", "two"]
    # "one" was delivered before the process had finished its sleep.
    assert end - arrivals[0][1] >= 0.4
    assert result.output_tail == ("one", "two")


def test_stdout_and_stderr_are_merged_and_errors_are_picked_out() -> None:
    code = (
        "import sys; print('working'); sys.stdout.flush(); "
        "print('ERROR: No matching distribution found for C', file=sys.stderr); sys.exit(3)"
    )
    result = run_streaming([sys.executable, "-c", code])
    assert result.returncode == 3
    assert not result.ok
    assert "working" in result.output_tail
    assert result.error_lines == ("ERROR: No matching distribution found for C",)


def test_a_traceback_is_reported_by_its_last_line() -> None:
    result = run_streaming([sys.executable, "-c", "import no_such_module_here"])
    assert result.returncode == 1
    assert result.error_lines[-1] == "ModuleNotFoundError: No module named 'no_such_module_here'"


def test_error_lines_falls_back_to_the_last_line_of_a_failure() -> None:
    assert error_lines(["building", "it went wrong somehow", ""]) == ("it went wrong somehow",)
    assert error_lines(["all fine"], failed=False) == ()


def test_the_child_never_waits_for_input_and_is_unbuffered() -> None:
    code = (
        "import os; print(os.environ['PIP_NO_INPUT'], os.environ['PYTHONUNBUFFERED'], "
        "os.environ['PIP_DISABLE_PIP_VERSION_CHECK'], os.environ['MINE'])"
    )
    result = run_streaming([sys.executable, "-c", code], env={**os.environ, "MINE": "kept"})
    assert result.output_tail == ("1 1 1 kept",)


def test_no_shell_in_between(tmp_path) -> None:
    marker = tmp_path / "should-not-exist"
    result = run_streaming(
        [sys.executable, "-c", "import sys; print(sys.argv[1])", f"; touch {marker}"]
    )
    assert result.output_tail == (f"; touch {marker}",)
    assert not marker.exists()


def test_a_missing_executable_is_one_sentence(tmp_path) -> None:
    missing = str(tmp_path / "no-such-tool")
    with pytest.raises(ToolFailed, match="no-such-tool was not found"):
        run_streaming([missing, "--version"])


def test_cancel_stops_the_process_and_its_children(tmp_path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    cancel = threading.Event()

    def on_line(line: str) -> None:
        if line == "started":
            cancel.set()

    began = time.monotonic()
    result = run_streaming([sys.executable, "-c", code], on_line=on_line, cancel=cancel)
    assert result.cancelled
    assert result.returncode is None
    assert not result.ok
    assert time.monotonic() - began < 15
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the grandchild process outlived the cancel")


def test_a_cancel_set_before_the_start_runs_nothing(tmp_path) -> None:
    marker = tmp_path / "ran"
    cancel = threading.Event()
    cancel.set()
    code = f"open({str(marker)!r}, 'w').write('x')"
    result = run_streaming([sys.executable, "-c", code], cancel=cancel)
    assert result.cancelled
    assert not marker.exists()


def test_a_failing_callback_does_not_leave_the_process_running(tmp_path) -> None:
    code = "import time; print('go', flush=True); time.sleep(60)"

    def on_line(line: str) -> None:
        raise RuntimeError("the client broke")

    began = time.monotonic()
    with pytest.raises(RuntimeError):
        run_streaming([sys.executable, "-c", code], on_line=on_line)
    assert time.monotonic() - began < 15


# -- requirements ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A>=1", "A>=1"),
        ("  A>=1  ", "A>=1"),
        ('A; python_version < "3.8"', 'A; python_version < "3.8"'),
        ("A @ https://x/y.whl", "A@ https://x/y.whl"),
        ("A @ https://x/y.whl?a=1&b=2", "A@ https://x/y.whl?a=1&b=2"),
        ("A[extra]==1.0", "A[extra]==1.0"),
    ],
)
def test_valid_requirements_pass(text: str, expected: str) -> None:
    assert validate_requirement(text).replace(" @", "@") == expected


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("--index-url=x", Refused, "looks like an option"),
        ("-e .", Refused, "looks like an option"),
        ("-r requirements.txt", Refused, "looks like an option"),
        ("A; rm -rf /", Refused, "not an environment marker"),
        ("`x`", Refused, "shell character '`'"),
        ("$(x)", Refused, "shell character '$('"),
        ("A | tee", Refused, "shell character '|'"),
        ("A && B", Refused, "shell character '&'"),
        ("", Refused, "empty"),
        ("   ", Refused, "empty"),
        ("A\nB", Refused, "line break"),
        ("A\0", Refused, "NUL"),
        ("https://x/y.whl", Refused, "name @ URL"),
        ("./dist/a-1.0.tar.gz", Refused, "name @ URL"),
        ("a-1.0-py3-none-any.whl", Refused, "file name"),
        ('A; python_version < "3.8', BadInput, "not a valid requirement"),
        ("A>=", BadInput, "not a valid requirement"),
    ],
)
def test_bad_requirements_are_refused_with_a_sentence(text: str, error: type, words: str) -> None:
    with pytest.raises(error) as caught:
        validate_requirement(text)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


# -- pip on real environments ----------------------------------------------------------------


@pytest.fixture(scope="module")
def env_with_pip(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An environment with its own pip (ensurepip, offline): a few seconds, built once."""
    path = str(tmp_path_factory.mktemp("with-pip") / "env")
    result = create_environment(path)
    assert result.ok, result.output_tail
    return path


def test_an_environment_without_pip_is_served_by_our_pip(make_venv) -> None:
    env = make_venv("bare")
    assert not has_pip(env)
    argv = pip_argv(env, "install", ["A==1.0.0"])
    assert argv == [
        sys.executable,
        "-m",
        "pip",
        "--python",
        story.env_python(env),
        "install",
        "A==1.0.0",
    ]


def test_an_environment_with_pip_uses_its_own(env_with_pip: str, story_wheels: str) -> None:
    assert has_pip(env_with_pip)
    argv = pip_argv(env_with_pip, "upgrade", ["A"], offline(story_wheels))
    assert argv[:3] == [story.env_python(env_with_pip), "-m", "pip"]
    assert argv[3:5] == ["install", "--upgrade"]
    result = run_pip(env_with_pip, "install", ["A==1.0.0"], extra_args=offline(story_wheels))
    assert result.ok, result.output_tail
    assert "A-1.0.0.dist-info" in dist_infos(env_with_pip)


def test_uninstall_takes_names_only(make_venv) -> None:
    env = make_venv("names")
    assert pip_argv(env, "uninstall", ["A"])[-3:] == ["uninstall", "--yes", "A"]
    with pytest.raises(BadInput, match="names only"):
        pip_argv(env, "uninstall", ["A>=1"])


def test_unknown_action_missing_and_broken_environments(make_venv, tmp_path) -> None:
    env = make_venv("broken")
    with pytest.raises(BadInput, match="unknown pip action"):
        pip_argv(env, "download", ["A"])
    with pytest.raises(BadInput, match="does not exist"):
        run_pip(str(tmp_path / "nowhere"), "install", ["A"])
    with pytest.raises(BadInput, match="not a virtual environment"):
        run_pip(str(tmp_path), "install", ["A"])
    with pytest.raises(BadInput, match="nothing to install"):
        run_pip(env, "install", [])
    for name in os.listdir(os.path.join(env, "bin")):
        if name.startswith("python"):
            os.unlink(os.path.join(env, "bin", name))
    with pytest.raises(BadInput, match="broken"):
        run_pip(env, "install", ["A"])


def test_a_refused_requirement_stops_everything_before_pip_runs(make_venv, story_wheels) -> None:
    env = make_venv("guarded")
    with pytest.raises(Refused):
        run_pip(
            env,
            "install",
            ["A==1.0.0", "--index-url=https://example.invalid"],
            extra_args=offline(story_wheels),
        )
    assert dist_infos(env) == set()  # A was not installed either: validation comes first


def test_install_then_uninstall_a_story_wheel(make_venv, story_wheels: str) -> None:
    env = make_venv("floor")
    lines: list[str] = []
    result = run_pip(
        env, "install", ["A==2.1.0"], on_line=lines.append, extra_args=offline(story_wheels)
    )
    assert result.ok, result.output_tail
    assert any("Successfully installed" in line for line in lines)
    # A 2.1.0 needs B>=4: pip resolved it from the story's wheels.
    assert {"A-2.1.0.dist-info", "B-4.1.0.dist-info"} <= dist_infos(env)
    out = subprocess.run(
        [story.env_python(env), "-c", "import a; print(a.__version__)"],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "2.1.0"

    lines.clear()
    result = run_pip(env, "uninstall", ["A"], on_line=lines.append)
    assert result.ok, result.output_tail
    assert any("Successfully uninstalled A-2.1.0" in line for line in lines)
    assert dist_infos(env) == {"B-4.1.0.dist-info"}


def test_a_failed_install_reports_pips_error(make_venv, story_wheels: str) -> None:
    env = make_venv("unsatisfied")
    result = run_pip(env, "install", ["A>=9"], extra_args=offline(story_wheels))
    assert not result.ok
    assert any("No matching distribution found for A>=9" in line for line in result.error_lines)
    assert dist_infos(env) == set()


def test_pip_cancelled_half_way_leaves_the_environment_readable(
    make_venv, story_wheels: str
) -> None:
    from venv_tui.services.packages import read_packages
    from venv_tui.services.site import open_site

    env = make_venv("interrupted")
    cancel = threading.Event()
    result = run_pip(
        env,
        "install",
        ["A==2.1.0"],
        on_line=lambda line: cancel.set(),  # stop at pip's very first line
        cancel=cancel,
        extra_args=offline(story_wheels),
    )
    assert result.cancelled
    packages = read_packages(open_site(env))
    assert packages.problems == ()
    assert all(d.problem is None for d in packages.distributions)
    ran = subprocess.run(
        [story.env_python(env), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
    )
    assert ran.stdout.strip() == env
    # And it still takes a normal install afterwards.
    again = run_pip(env, "install", ["A==2.1.0"], extra_args=offline(story_wheels))
    assert again.ok, again.output_tail
    assert {"A-2.1.0.dist-info", "B-4.1.0.dist-info"} <= dist_infos(env)


def test_an_old_driving_pip_is_explained_in_a_sentence() -> None:
    from venv_tui.model import PipResult
    from venv_tui.services.actions.pip import explain_pip_failure

    # What pip 23.0 prints when `pip --python` runs it under Python 3.12 (its real last line).
    crash = "AttributeError: module 'pkgutil' has no attribute 'ImpImporter'. Did you mean: 'zipimporter'?"
    driven = PipResult(
        args=("/app/bin/python", "-m", "pip", "--python", "/env/bin/python", "install", "A"),
        returncode=2,
        error_lines=("ERROR: Exception:", crash),
    )
    explained = explain_pip_failure(driven)
    assert explained.error_lines[:2] == driven.error_lines
    assert "is too old for its Python" in explained.error_lines[-1]
    assert "python -m pip install --upgrade pip" in explained.error_lines[-1]
    own = PipResult(args=("/env/bin/python", "-m", "pip", "install", "A"), returncode=2, error_lines=(crash,))
    assert explain_pip_failure(own) == own  # the environment's own pip: another cause
    assert explain_pip_failure(PipResult(args=driven.args, returncode=0)).error_lines == ()


# -- the first floor: a base interpreter is a floor ---------------------------------------------


def test_install_upgrade_uninstall_on_a_base_interpreter(copied_python: str, story_wheels: str) -> None:
    prefix = os.path.dirname(os.path.dirname(copied_python))
    result = run_pip(copied_python, "install", ["A==1.5.7"], extra_args=offline(story_wheels))
    assert result.ok, result.output_tail
    assert dist_infos(prefix) == {"A-1.5.7.dist-info"}
    # The interpreter itself now imports it: it went to its own site-packages.
    out = subprocess.run(
        [copied_python, "-c", "import a; print(a.__version__)"], capture_output=True, text=True
    )
    assert out.stdout.strip() == "1.5.7"
    result = run_pip(copied_python, "upgrade", ["A"], extra_args=offline(story_wheels))
    assert result.ok, result.output_tail
    assert {"A-2.1.0.dist-info", "B-4.1.0.dist-info"} == dist_infos(prefix)
    result = run_pip(copied_python, "uninstall", ["A", "B"])
    assert result.ok, result.output_tail
    assert dist_infos(prefix) == set()


def test_the_prefix_folder_of_a_base_interpreter_names_it_too(copied_python: str) -> None:
    prefix = os.path.dirname(os.path.dirname(copied_python))
    argv = pip_argv(prefix, "install", ["A==1.0.0"])
    assert argv[-4:] == ["--python", copied_python, "install", "A==1.0.0"]


MANAGED = """\
[externally-managed]
Error=To install Python packages system-wide, try apt install
 python3-xyz, where xyz is the package you are trying to
 install.
"""


def test_an_externally_managed_interpreter_is_refused_with_its_own_message(
    copied_python: str, story_wheels: str
) -> None:
    from venv_tui.errors import ExternallyManaged

    prefix = os.path.dirname(os.path.dirname(copied_python))
    stdlib = os.path.join(prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}")
    marker = os.path.join(stdlib, "EXTERNALLY-MANAGED")
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(MANAGED)
    # pip itself agrees that this interpreter is managed: the marker is where PEP 668 puts it.
    direct = subprocess.run(
        [sys.executable, "-m", "pip", "--python", copied_python, "install", "--no-index", "A"],
        capture_output=True,
        text=True,
        env=story.clean_pip_env(),
    )
    assert "externally-managed-environment" in direct.stdout + direct.stderr
    for action, names in (("install", ["A==1.0.0"]), ("upgrade", ["A"]), ("uninstall", ["A"])):
        with pytest.raises(ExternallyManaged) as caught:
            run_pip(copied_python, action, names, extra_args=offline(story_wheels))
        refusal = caught.value
        assert isinstance(refusal, Refused)  # the CLI's exit 2, one sentence
        assert refusal.python == copied_python and refusal.marker == marker
        assert refusal.error == (
            "To install Python packages system-wide, try apt install\n"
            "python3-xyz, where xyz is the package you are trying to\ninstall."
        )
        assert "try apt install python3-xyz" in str(refusal)
        assert "new floor" in str(refusal) and "\n" not in str(refusal)
    assert dist_infos(prefix) == set()
    # Without an Error key: PEP 668's generic sentence.
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write("[externally-managed]\n")
    with pytest.raises(ExternallyManaged, match="is managed externally"):
        run_pip(copied_python, "install", ["A"])


def test_the_marker_never_applies_inside_a_venv(copied_python: str, story_wheels: str, tmp_path) -> None:
    prefix = os.path.dirname(os.path.dirname(copied_python))
    stdlib = os.path.join(prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}")
    with open(os.path.join(stdlib, "EXTERNALLY-MANAGED"), "w", encoding="utf-8") as fh:
        fh.write(MANAGED)
    env = story.make_venv(str(tmp_path / "floor"), copied_python)
    result = run_pip(env, "install", ["A==1.0.0"], extra_args=offline(story_wheels))
    assert result.ok, result.output_tail
    assert "A-1.0.0.dist-info" in dist_infos(env)


# -- the same through the command line ----------------------------------------------------------


def test_cli_install_and_uninstall_on_a_base_interpreter(
    copied_python: str, story_wheels: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from venv_tui.cli import main

    prefix = os.path.dirname(os.path.dirname(copied_python))
    code = main(["install", copied_python, "A==1.0.0", "--no-index", "--find-links", story_wheels, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True and data["environment"] == copied_python
    assert data["requirements"] == ["A==1.0.0"] and data["error"] is None
    assert dist_infos(prefix) == {"A-1.0.0.dist-info"}
    code = main(["uninstall", copied_python, "A"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == f"Uninstalled A in {copied_python}\n"
    assert dist_infos(prefix) == set()


def test_cli_refuses_an_externally_managed_interpreter(
    copied_python: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from venv_tui.cli import main

    prefix = os.path.dirname(os.path.dirname(copied_python))
    stdlib = os.path.join(prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}")
    with open(os.path.join(stdlib, "EXTERNALLY-MANAGED"), "w", encoding="utf-8") as fh:
        fh.write(MANAGED)
    code = main(["install", copied_python, "A", "--no-index"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"venv-tui: {copied_python} is marked as externally managed")
    assert "try apt install python3-xyz" in err and err.count("\n") == 1


def test_cli_index_values_that_look_like_options_are_refused(
    copied_python: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from venv_tui.cli import main

    code = main(["install", copied_python, "A", "--find-links=--no-deps"])
    _, err = capsys.readouterr()
    assert code == 2 and "--find-links needs a URL or a folder" in err
