"""Opening a shell or a REPL inside a real environment: the commands are built, and run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from venv_tui.errors import BadInput
from venv_tui.services import story
from venv_tui.services.actions.shell import cleanup, fish_quote, prompt_label, python_command, shell_command


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("shell")
    return story.make_venv(str(folder / "floor-2"), None, "--prompt", "floor 2")


@pytest.fixture
def home(tmp_path) -> str:
    """A home folder whose start-up files leave a mark and push something in front of PATH,
    as ``pyenv init`` does."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / ".bashrc").write_text('echo "user bashrc read"\nexport PATH="/opt/first:$PATH"\n')
    return str(folder)


def base_environ(home: str, **more: str) -> dict[str, str]:
    return {
        "HOME": home,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONHOME": "/somewhere/else",
        "LANG": "C.UTF-8",
        **more,
    }


def run(command, script: str) -> list[str]:
    """Run the interactive shell once with a command (``-i -c`` reads the start-up files)."""
    done = subprocess.run(
        [*command.argv, "-c", script],
        env=command.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=20,
    )
    return done.stdout.splitlines()


def test_the_environment_variables_are_those_of_activate(env: str, home: str) -> None:
    other = "/srv/other-env"
    environ = base_environ(home, SHELL="/bin/sh", VIRTUAL_ENV=other)
    environ["PATH"] = f"{other}/bin:/usr/bin:/bin"
    command = shell_command(env, environ=environ)
    assert command.env["VIRTUAL_ENV"] == env
    assert command.env["VIRTUAL_ENV_PROMPT"] == "floor 2"
    assert command.env["PATH"] == f"{env}/bin:/usr/bin:/bin"  # the other env's bin is gone
    assert "PYTHONHOME" not in command.env
    assert command.env["HOME"] == home


def test_bash_reads_the_users_bashrc_then_puts_the_environment_first(env: str, home: str) -> None:
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("this machine has no bash")
    command = shell_command(env, environ=base_environ(home, SHELL=bash))
    try:
        assert command.argv[0] == bash
        assert command.argv[1] == "--rcfile"
        assert command.argv[3] == "-i"
        out = run(
            command, 'echo "VE=$VIRTUAL_ENV"; command -v python; echo "PS1=$PS1"; echo "$PATH"'
        )
    finally:
        cleanup(command)
    assert "user bashrc read" in out
    assert f"VE={env}" in out
    assert f"{env}/bin/python" in out
    assert any(line.startswith("PS1=(floor 2) ") for line in out)
    path_line = out[-1]
    assert path_line.startswith(
        f"{env}/bin:/opt/first:"
    )  # re-prepended after the user's PATH change
    assert not any(os.path.exists(p) for p in command.cleanup)


def test_a_hostile_environment_name_runs_nothing(tmp_path, home: str) -> None:
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("this machine has no bash")
    marker = tmp_path / "pwned"
    name = f"it's $(touch {marker}) `touch {marker}`"
    hostile = story.make_venv(str(tmp_path / name))
    command = shell_command(hostile, shell=bash, environ=base_environ(home))
    try:
        out = run(command, 'echo "VE=$VIRTUAL_ENV"; command -v python; echo "PS1=$PS1"')
    finally:
        cleanup(command)
    assert f"VE={hostile}" in out
    assert f"{hostile}/bin/python" in out
    assert not marker.exists()
    prompt = next(line for line in out if line.startswith("PS1="))
    assert "$(" not in prompt and "`" not in prompt


def test_sh_gets_the_variables_and_a_prompt(env: str, home: str) -> None:
    sh = shutil.which("dash") or shutil.which("sh")
    if not sh:
        pytest.skip("this machine has no sh")
    command = shell_command(env, shell=sh, environ=base_environ(home))
    assert command.argv == (sh, "-i")
    assert command.env["PS1"] == "(floor 2) $ "
    assert command.cleanup == ()
    out = run(command, 'echo "VE=$VIRTUAL_ENV"; command -v python')
    assert out[-2:] == [f"VE={env}", f"{env}/bin/python"]


def test_zsh_gets_a_zdotdir_that_sources_the_users_files(env: str, home: str, tmp_path) -> None:
    fake_zsh = tmp_path / "bin" / "zsh"  # only its name matters to build the command
    fake_zsh.parent.mkdir()
    fake_zsh.write_text("")
    user_zdotdir = tmp_path / "zconf"
    command = shell_command(
        env, shell=str(fake_zsh), environ=base_environ(home, ZDOTDIR=str(user_zdotdir))
    )
    try:
        zdotdir = command.env["ZDOTDIR"]
        assert command.argv == (str(fake_zsh), "-i")
        assert zdotdir != str(user_zdotdir)
        with open(os.path.join(zdotdir, ".zshrc"), encoding="utf-8") as fh:
            zshrc = fh.read()
        with open(os.path.join(zdotdir, ".zshenv"), encoding="utf-8") as fh:
            zshenv = fh.read()
        assert f"ZDOTDIR={user_zdotdir}" in zshenv
        assert '. "$ZDOTDIR/.zshrc"' in zshrc
        # The user's file is read before PATH is set, so a PATH it rewrites is overridden.
        assert zshrc.index('. "$ZDOTDIR/.zshrc"') < zshrc.index(f"export PATH={env}/bin")
    finally:
        cleanup(command)
    assert not os.path.exists(zdotdir)


def test_zsh_really_runs_when_the_machine_has_it(env: str, home: str) -> None:
    zsh = shutil.which("zsh")
    if not zsh:
        pytest.skip("this machine has no zsh")
    with open(os.path.join(home, ".zshrc"), "w", encoding="utf-8") as fh:
        fh.write('echo "user zshrc read"\nexport PATH="/opt/first:$PATH"\n')
    command = shell_command(env, shell=zsh, environ=base_environ(home))
    try:
        out = run(command, 'echo "VE=$VIRTUAL_ENV"; command -v python')
    finally:
        cleanup(command)
    assert "user zshrc read" in out
    assert out[-2:] == [f"VE={env}", f"{env}/bin/python"]


def test_fish_gets_an_init_command_quoted_for_fish(tmp_path, home: str) -> None:
    odd = story.make_venv(str(tmp_path / "it's a \\ floor"))
    fake_fish = tmp_path / "bin" / "fish"
    fake_fish.parent.mkdir()
    fake_fish.write_text("")
    command = shell_command(odd, shell=str(fake_fish), environ=base_environ(home))
    assert command.argv[:2] == (str(fake_fish), "--init-command")
    init = command.argv[2]
    assert f"set -gx PATH {fish_quote(odd + '/bin')} $PATH" in init
    assert fish_quote(odd + "/bin") == "'" + odd.replace("\\", "\\\\").replace("'", "\\'") + "/bin'"
    assert "functions -c fish_prompt _venv_tui_old_prompt" in init
    fish = shutil.which("fish")
    if fish:
        real = shell_command(odd, shell=fish, environ=base_environ(home))
        out = subprocess.run(
            [*real.argv, "-c", "command -v python"],
            env=real.env,
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert out.stdout.strip() == f"{odd}/bin/python"


def test_the_python_repl_runs_inside_the_environment(env: str, home: str) -> None:
    command = python_command(env, environ=base_environ(home))
    assert command.argv == (f"{env}/bin/python",)
    done = subprocess.run(
        [
            *command.argv,
            "-c",
            "import os, sys; print(sys.prefix); print(os.environ['VIRTUAL_ENV'])",
        ],
        env=command.env,
        capture_output=True,
        text=True,
    )
    assert done.stdout.splitlines() == [env, env]


def test_what_is_not_an_environment_is_bad_input(tmp_path, home: str) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        shell_command(str(tmp_path / "nowhere"), environ=base_environ(home))
    with pytest.raises(BadInput, match="not a virtual environment"):
        python_command(str(tmp_path), environ=base_environ(home))
    with pytest.raises(BadInput, match="was not found on PATH"):
        shell_command(
            story.make_venv(str(tmp_path / "e")), shell="no-such-shell", environ=base_environ(home)
        )


def test_prompt_labels_keep_plain_characters_only() -> None:
    assert prompt_label("floor 2") == "floor 2"
    assert prompt_label("a$(b)`c`%d\\e") == "a__b__c__d_e"


# -- the first floor: a base interpreter ---------------------------------------------------------


def test_bash_on_a_base_interpreter_puts_its_bin_first_without_virtual_env(
    copied_python: str, home: str
) -> None:
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("this machine has no bash")
    bin_dir = os.path.dirname(copied_python)
    short = f"{sys.version_info[0]}.{sys.version_info[1]}"
    environ = base_environ(home, VIRTUAL_ENV="/srv/other-env", VIRTUAL_ENV_PROMPT="other")
    environ["PATH"] = "/srv/other-env/bin:/usr/bin:/bin"
    command = shell_command(copied_python, shell=bash, environ=environ)
    try:
        assert "VIRTUAL_ENV" not in command.env and "VIRTUAL_ENV_PROMPT" not in command.env
        assert command.env["PATH"] == f"{bin_dir}:/usr/bin:/bin"
        out = run(
            command,
            'echo "VE=${VIRTUAL_ENV-unset}"; command -v python3; echo "PS1=$PS1"; echo "$PATH";'
            ' python3 -c "import sys; print(sys.prefix)"',
        )
    finally:
        cleanup(command)
    assert "user bashrc read" in out
    assert "VE=unset" in out
    assert f"{bin_dir}/python3" in out
    assert any(line.startswith(f"PS1=(python{short}) ") for line in out), out
    assert f"{bin_dir}:/opt/first:" in "\n".join(out)  # first again after the user's .bashrc
    assert out[-1] == os.path.dirname(bin_dir)  # python3 there is that interpreter


def test_the_repl_of_a_base_interpreter_is_that_interpreter(copied_python: str, home: str) -> None:
    command = python_command(copied_python, environ=base_environ(home, VIRTUAL_ENV="/srv/x"))
    assert command.argv == (copied_python,)
    assert "VIRTUAL_ENV" not in command.env
    done = subprocess.run(
        [*command.argv, "-c", "import sys; print(sys.prefix == sys.base_prefix, sys.prefix)"],
        env=command.env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.stdout.split() == ["True", os.path.dirname(os.path.dirname(copied_python))]


def test_sh_and_fish_on_a_base_interpreter(copied_python: str, home: str) -> None:
    from venv_tui.services.actions.pip import open_floor
    from venv_tui.services.actions.shell import fish_init

    sh = shutil.which("dash") or shutil.which("sh")
    if sh:
        command = shell_command(copied_python, shell=sh, environ=base_environ(home))
        short = f"{sys.version_info[0]}.{sys.version_info[1]}"
        assert command.env["PS1"] == f"(python{short}) $ "
        out = run(command, 'echo "VE=${VIRTUAL_ENV-unset}"; command -v python3')
        assert out[-2:] == ["VE=unset", copied_python]
    init = fish_init(open_floor(copied_python))
    assert "set -e VIRTUAL_ENV;" in init and f"set -gx PATH '{os.path.dirname(copied_python)}'" in init


def test_a_file_that_is_no_interpreter_is_bad_input(tmp_path, home: str) -> None:
    script = tmp_path / "tool"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    with pytest.raises(BadInput, match="neither a virtual environment nor a Python interpreter"):
        shell_command(str(script), environ=base_environ(home))


def test_cli_shell_on_an_interpreter_path(
    copied_python: str, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from venv_tui.cli import main

    record = tmp_path / "seen"
    fake = tmp_path / "fakesh"
    fake.write_text(f'#!/bin/sh\necho "$PATH|${{VIRTUAL_ENV-unset}}|$PS1" > {record}\n')
    fake.chmod(0o755)
    monkeypatch.setenv("SHELL", str(fake))
    monkeypatch.setenv("VIRTUAL_ENV", "/srv/other")
    code = main(["shell", copied_python])
    _, err = capsys.readouterr()
    assert code == 0, err
    path, virtual_env, prompt = record.read_text().rstrip("\n").split("|")
    assert path.split(os.pathsep)[0] == os.path.dirname(copied_python)
    assert virtual_env == "unset"
    assert prompt == f"(python{sys.version_info[0]}.{sys.version_info[1]}) $ "
