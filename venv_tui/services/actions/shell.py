"""How to open the user's own shell (or a Python REPL) on a floor: inside an environment, or on
a base interpreter (its bin folder first on ``PATH``, no ``VIRTUAL_ENV``, the prompt marked with
the interpreter's name).

In an environment the shell starts with it first on ``PATH`` and ``VIRTUAL_ENV`` set, and still reads
the user's own start-up file: bash gets a temporary rcfile that sources ``~/.bashrc`` and then
puts the environment first again (a ``.bashrc`` that runs ``pyenv init`` would otherwise push it
back); zsh gets a temporary ``ZDOTDIR`` whose files source the user's; fish gets an
``--init-command``, which runs after its config; other shells get the variables and a ``PS1``.

Names shown in prompts are reduced to plain characters first: a folder called ``$(rm -rf ~)``
must not become a command inside a prompt that the shell expands.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace

from venv_tui.errors import BadInput
from venv_tui.model import ShellCommand
from venv_tui.services.actions.pip import Floor, open_floor
from venv_tui.services.pyvenv import read_pyvenv_cfg

_UNSAFE_LABEL = re.compile(r"[^A-Za-z0-9._+:@=,/ -]")


def prompt_label(name: str) -> str:
    """``name`` with every character a shell prompt could expand replaced by ``_``."""
    return _UNSAFE_LABEL.sub("_", name)[:60] or "venv"


def fish_quote(text: str) -> str:
    """A fish single-quoted string (fish knows ``\\\\`` and ``\\'`` inside single quotes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _bin_dir(env: str) -> str:
    from venv_tui.services.layout import bin_dir

    return bin_dir(env)


def _floor(env_path: str) -> Floor:
    """The floor to enter (with its prompt name), or BadInput when it cannot be entered."""
    floor = open_floor(env_path)
    if not floor.is_venv:
        return floor
    env = floor.prefix
    if not os.path.isdir(_bin_dir(env)):
        folder = os.path.basename(_bin_dir(env))
        raise BadInput(f"this environment is broken: it has no {folder} folder", path=env)
    try:
        name = read_pyvenv_cfg(env).prompt
    except BadInput:
        name = None
    return replace(floor, name=name or os.path.basename(env.rstrip(os.sep)) or env)


def activated_environ(
    env: str | Floor, name: str = "", environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What ``bin/activate`` would set: the floor's bin first on PATH (and an other activated
    environment's bin removed), no PYTHONHOME; for a venv VIRTUAL_ENV and VIRTUAL_ENV_PROMPT,
    for a base interpreter neither (it is no virtual environment)."""
    if isinstance(env, str):
        floor = Floor(python="", bin_dir=_bin_dir(env), prefix=env, name=name, is_venv=True)
    else:
        floor = env
    out = dict(os.environ if environ is None else environ)
    drop = {floor.bin_dir}
    previous = out.get("VIRTUAL_ENV")
    if previous:
        drop.add(_bin_dir(previous))
    entries = [p for p in out.get("PATH", "").split(os.pathsep) if p and p not in drop]
    out["PATH"] = os.pathsep.join([floor.bin_dir, *entries])
    if floor.is_venv:
        out["VIRTUAL_ENV"] = floor.prefix
        out["VIRTUAL_ENV_PROMPT"] = floor.name
    else:
        out.pop("VIRTUAL_ENV", None)
        out.pop("VIRTUAL_ENV_PROMPT", None)
    out.pop("PYTHONHOME", None)
    return out


def _exports(floor: Floor, quote: Callable[[str], str]) -> list[str]:
    """The POSIX-shell lines that enter ``floor`` after the user's own start-up file."""
    if floor.is_venv:
        lines = [
            f"export VIRTUAL_ENV={quote(floor.prefix)}",
            f"export VIRTUAL_ENV_PROMPT={quote(floor.name)}",
        ]
    else:
        lines = ["unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT"]
    return [*lines, f'export PATH={quote(floor.bin_dir)}:"$PATH"', "unset PYTHONHOME"]


def _which_shell(shell: str, environ: Mapping[str, str]) -> str:
    if os.sep in shell:
        if not os.path.isfile(shell):
            raise BadInput(f"the shell {shell} does not exist")
        return shell
    found = shutil.which(shell, path=environ.get("PATH"))
    if not found:
        raise BadInput(f"the shell '{shell}' was not found on PATH")
    return found


def _temp_file(text: str, *, suffix: str, folder: str | None = None) -> str:
    fd, path = tempfile.mkstemp(prefix="venv-tui-", suffix=suffix, dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def _as_floor(env: str | Floor, name: str) -> Floor:
    if isinstance(env, Floor):
        return env
    return Floor(python="", bin_dir=_bin_dir(env), prefix=env, name=name, is_venv=True)


def bash_rc(env: str | Floor, name: str = "") -> str:
    floor = _as_floor(env, name)
    label = prompt_label(floor.name)
    return "\n".join(
        [
            "# venv-tui: your own bash start-up first, then this floor first on PATH.",
            'if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi',
            *_exports(floor, shlex.quote),
            f'PS1={shlex.quote("(" + label + ") ")}"${{PS1-}}"',
            "hash -r 2>/dev/null",
            "",
        ]
    )


def zsh_files(env: str | Floor, name: str, user_zdotdir: str, tmp_dir: str) -> dict[str, str]:
    """The temporary ZDOTDIR's ``.zshenv`` and ``.zshrc``: each sources the user's own file,
    ``.zshenv`` points ZDOTDIR back at the temporary folder so zsh then reads our ``.zshrc``."""
    floor = _as_floor(env, name)
    label = prompt_label(floor.name)
    user = shlex.quote(user_zdotdir)
    zshenv = "\n".join(
        [
            "# venv-tui: your own .zshenv, then back to venv-tui's folder for .zshrc.",
            f"ZDOTDIR={user}",
            '[ -f "$ZDOTDIR/.zshenv" ] && . "$ZDOTDIR/.zshenv"',
            '_venv_tui_user_zdotdir="$ZDOTDIR"',
            f"ZDOTDIR={shlex.quote(tmp_dir)}",
            "",
        ]
    )
    zshrc = "\n".join(
        [
            "# venv-tui: your own .zshrc first, then this floor first on PATH.",
            'ZDOTDIR="$_venv_tui_user_zdotdir"',
            "unset _venv_tui_user_zdotdir",
            '[ -f "$ZDOTDIR/.zshrc" ] && . "$ZDOTDIR/.zshrc"',
            *_exports(floor, shlex.quote),
            f'PROMPT={shlex.quote("(" + label + ") ")}"$PROMPT"',
            "rehash",
            "",
        ]
    )
    return {".zshenv": zshenv, ".zshrc": zshrc}


def fish_init(env: str | Floor, name: str = "") -> str:
    floor = _as_floor(env, name)
    label = prompt_label(floor.name)
    if floor.is_venv:
        variables = [
            f"set -gx VIRTUAL_ENV {fish_quote(floor.prefix)}",
            f"set -gx VIRTUAL_ENV_PROMPT {fish_quote(floor.name)}",
        ]
    else:
        variables = ["set -e VIRTUAL_ENV", "set -e VIRTUAL_ENV_PROMPT"]
    return "; ".join(
        [
            *variables,
            f"set -gx PATH {fish_quote(floor.bin_dir)} $PATH",
            "set -e PYTHONHOME",
            "functions -q fish_prompt; and functions -c fish_prompt _venv_tui_old_prompt",
            f"function fish_prompt; echo -n {fish_quote('(' + label + ') ')}; "
            "functions -q _venv_tui_old_prompt; and _venv_tui_old_prompt; end",
        ]
    )


def shell_command(
    env_path: str, *, shell: str | None = None, environ: Mapping[str, str] | None = None
) -> ShellCommand:
    """The user's shell (``shell``, else ``$SHELL``, else ``/bin/sh``) on a floor: inside a
    venv, or with a base interpreter's bin folder first on PATH. Temporary files it needs are
    listed in ``cleanup`` (remove them with :func:`cleanup`)."""
    source = dict(os.environ if environ is None else environ)
    floor = _floor(env_path)
    executable = _which_shell(shell or source.get("SHELL") or "/bin/sh", source)
    child = activated_environ(floor, environ=source)
    kind = os.path.basename(executable).lower()
    if kind.endswith(".exe"):
        kind = kind[:-4]

    if kind == "bash":
        rc = _temp_file(bash_rc(floor), suffix=".bashrc")
        return ShellCommand(argv=(executable, "--rcfile", rc, "-i"), env=child, cleanup=(rc,))
    if kind == "zsh":
        home = source.get("HOME") or os.path.expanduser("~")
        user_zdotdir = source.get("ZDOTDIR") or home
        tmp_dir = tempfile.mkdtemp(prefix="venv-tui-zsh-")
        files = []
        for file_name, text in zsh_files(floor, floor.name, user_zdotdir, tmp_dir).items():
            files.append(os.path.join(tmp_dir, file_name))
            with open(files[-1], "w", encoding="utf-8") as fh:
                fh.write(text)
        child["ZDOTDIR"] = tmp_dir
        return ShellCommand(argv=(executable, "-i"), env=child, cleanup=(*files, tmp_dir))
    if kind == "fish":
        return ShellCommand(argv=(executable, "--init-command", fish_init(floor)), env=child)
    # sh, dash, ksh, mksh, yash and the rest: no rcfile option to rely on, so the variables
    # and a prompt go in the environment.
    child["PS1"] = f"({prompt_label(floor.name)}) $ "
    return ShellCommand(argv=(executable, "-i"), env=child)


def python_command(env_path: str, *, environ: Mapping[str, str] | None = None) -> ShellCommand:
    """The floor's own Python REPL (a venv's ``bin/python``, or the base interpreter itself),
    with the same variables a shell there would have."""
    floor = _floor(env_path)
    return ShellCommand(argv=(floor.python,), env=activated_environ(floor, environ=environ))


def cleanup(command: ShellCommand) -> None:
    """Remove a command's temporary files, then its temporary folders (zsh's ZDOTDIR)."""
    for path in command.cleanup:
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass
