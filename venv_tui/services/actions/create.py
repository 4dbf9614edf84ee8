"""Creating an environment with the real tool: ``PYTHON -m venv [options] PATH``.

Decisions:

* The default interpreter is the *base* of the one running venv-tui (``sys._base_executable``):
  when venv-tui itself runs inside an environment (pipx, a dev venv), a new environment made
  from it would be an environment of an environment, tied to venv-tui's own installation.
* Python 2 has no ``venv`` module. venv-tui does not fall back to ``virtualenv`` (it may not be
  installed for that interpreter, and installing it is a network decision the user should make):
  it says so in one sentence before spawning anything when the interpreter's name tells
  (``python2.7``), and maps venv's own "No module named venv" when it does not.
* A target that is an environment already, a file, a symbolic link or a folder with something
  in it is refused: creating must never mix with or overwrite what is there. An empty folder is
  accepted (a user may have made it first).
* A failed or cancelled creation removes what it made: the folders it created (up to the highest
  one that did not exist), or the contents of the empty folder it was given.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from venv_tui.errors import BadInput, ToolFailed
from venv_tui.model import PipResult
from venv_tui.services import process
from venv_tui.services.pyvenv import is_environment

LineCallback = Callable[[str], None]

_PYTHON2_NAME = re.compile(r"^(?:python|pypy)2(?:\.\d+)?(?:\.exe)?$")


def default_python() -> str:
    """The interpreter new environments are made from when the user names none."""
    base = getattr(sys, "_base_executable", None)
    if base and os.path.isfile(base):
        return base
    return sys.executable


def resolve_python(python: str | None) -> str:
    """An executable path for ``python`` (a path, or a name looked up on PATH)."""
    if not python:
        return default_python()
    candidate = os.path.expanduser(python)
    if os.sep in candidate or (os.altsep and os.altsep in candidate):
        if not os.path.isfile(candidate):
            raise BadInput("this interpreter does not exist", path=candidate)
        return os.path.abspath(candidate)
    found = shutil.which(candidate)
    if not found:
        raise BadInput(f"no interpreter called '{python}' was found on PATH")
    return found


def is_python2_name(python: str) -> bool:
    """Whether the interpreter's file name (or its target's) says Python 2."""
    names = {os.path.basename(python), os.path.basename(os.path.realpath(python))}
    return any(_PYTHON2_NAME.match(name) for name in names)


def python2_message(python: str) -> str:
    return (
        f"{python} is Python 2, which has no venv module; pick a Python 3 interpreter, "
        "or create the environment with virtualenv"
    )


def explain_venv_failure(python: str, lines: Iterable[str]) -> str | None:
    """A plain sentence for the failures of ``python -m venv`` a user can act on, else None.

    Pure: it reads the tool's own output (Debian's "ensurepip is not available" wraps over
    lines, so the text is joined before matching)."""
    text = " ".join(" ".join(lines).split())
    if "ensurepip is not available" in text or "No module named ensurepip" in text:
        return (
            f"{python} has no ensurepip (on Debian/Ubuntu install the python3-venv package), "
            "or create the environment without pip"
        )
    if "No module named venv" in text:
        return python2_message(python)
    return None


def check_target(path: str) -> str:
    """The absolute path to create, or BadInput when something is in the way."""
    if not path or not path.strip():
        raise BadInput("no path was given for the new environment")
    if "\0" in path or "\n" in path:
        raise BadInput("the path of the new environment contains a line break or NUL character")
    target = os.path.abspath(os.path.expanduser(path))
    if os.path.islink(target):
        raise BadInput("is a symbolic link; give the folder itself", path=target)
    if not os.path.exists(target):
        return target
    if is_environment(target):
        raise BadInput("is already an environment; delete or rebuild it", path=target)
    if not os.path.isdir(target):
        raise BadInput("already exists and is not a folder", path=target)
    try:
        has_entries = any(True for _ in os.scandir(target))
    except OSError as err:
        raise BadInput(f"cannot be read ({err.strerror})", path=target) from None
    if has_entries:
        raise BadInput("already exists and is not empty", path=target)
    return target


def _highest_missing(target: str) -> str | None:
    """The highest folder on the way to ``target`` that does not exist yet (what venv's
    ``makedirs`` will create), or None when ``target`` exists."""
    if os.path.exists(target):
        return None
    top = target
    parent = os.path.dirname(top)
    while parent != top and not os.path.exists(parent):
        top, parent = parent, os.path.dirname(parent)
    return top


def _undo(target: str, created_top: str | None) -> None:
    """Remove what a failed creation left behind, and nothing else."""
    if created_top is not None:
        shutil.rmtree(created_top, ignore_errors=True)
        return
    # The folder existed (empty) before: empty it again, keep the folder.
    try:
        entries = list(os.scandir(target))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def venv_argv(
    python: str,
    target: str,
    *,
    system_site_packages: bool = False,
    without_pip: bool = False,
    prompt: str | None = None,
    upgrade_pip: bool = False,
) -> list[str]:
    argv = [python, "-m", "venv"]
    if system_site_packages:
        argv.append("--system-site-packages")
    if without_pip:
        argv.append("--without-pip")
    if prompt:
        argv += ["--prompt", prompt]
    if upgrade_pip:
        argv.append("--upgrade-deps")
    argv.append(target)
    return argv


def create_environment(
    path: str,
    *,
    python: str | None = None,
    system_site_packages: bool = False,
    without_pip: bool = False,
    prompt: str | None = None,
    upgrade_pip: bool = False,
    on_line: LineCallback | None = None,
    cancel: threading.Event | None = None,
) -> PipResult:
    """Run ``PYTHON -m venv`` for ``path``. Raises BadInput before spawning for a bad target or
    interpreter, ToolFailed for a failure with a known cause (no ensurepip, no venv module);
    otherwise returns the result, ok or not. Whatever fails, nothing half-made is left."""
    target = check_target(path)
    interpreter = resolve_python(python)
    if is_python2_name(interpreter):
        raise BadInput(python2_message(interpreter))
    if prompt is not None and ("\n" in prompt or "\0" in prompt):
        raise BadInput("the prompt contains a line break or NUL character")
    if upgrade_pip and without_pip:
        raise BadInput("pip cannot be upgraded in an environment created without pip")
    argv = venv_argv(
        interpreter,
        target,
        system_site_packages=system_site_packages,
        without_pip=without_pip,
        prompt=prompt,
        upgrade_pip=upgrade_pip,
    )
    env = dict(os.environ)
    # The new environment must not inherit an activated one's or a relocated Python's settings.
    for name in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"):
        env.pop(name, None)

    created_top = _highest_missing(target)
    output: list[str] = []

    def collect(line: str) -> None:
        output.append(line)
        if on_line is not None:
            on_line(line)

    try:
        result = process.run_streaming(argv, on_line=collect, cancel=cancel, env=env)
    except BaseException:
        _undo(target, created_top)
        raise
    if result.ok:
        return result
    _undo(target, created_top)
    explained = None if result.cancelled else explain_venv_failure(interpreter, output)
    if explained:
        raise ToolFailed(explained)
    return result


# -- a new floor for a robot: create, then install -------------------------------------------------


@dataclass(frozen=True)
class NewFloorResult:
    """What a one-key "new floor" did. ``created`` says whether the venv exists now: a failed
    install keeps the floor (it is listed, and the install can be tried again there)."""

    path: str
    created: bool
    requirements: tuple[str, ...]
    create_result: PipResult
    install_result: PipResult | None  # None when there was nothing to install, or no venv
    message: str  # one sentence, for the task log and the notification

    @property
    def ok(self) -> bool:
        return self.created and (self.install_result is None or self.install_result.ok)


def _reason(result: PipResult) -> str:
    if result.cancelled:
        return "it was cancelled"
    if result.error_lines:
        return result.error_lines[-1]
    return f"exit status {result.returncode}"


def new_floor(
    path: str,
    *,
    python: str | None = None,
    requirements: Sequence[str] = (),
    without_pip: bool = False,
    on_line: LineCallback | None = None,
    cancel: threading.Event | None = None,
    extra_args: Sequence[str] = (),
) -> NewFloorResult:
    """Make a venv at ``path`` from ``python`` (an executable path) and install
    ``requirements`` into it. Every requirement is validated before anything is made
    (Refused/BadInput); the venv's own failures raise as :func:`create_environment` does."""
    from venv_tui.services.actions.pip import run_pip, validate_requirement

    reqs = tuple(validate_requirement(r) for r in requirements)
    target = check_target(path)
    made = create_environment(
        target, python=python, without_pip=without_pip, on_line=on_line, cancel=cancel
    )
    if not made.ok:
        message = f"the floor {target} was not made: {_reason(made)}"
        return NewFloorResult(target, False, reqs, made, None, message)
    if not reqs:
        return NewFloorResult(target, True, reqs, made, None, f"the floor {target} was made")
    installed = run_pip(target, "install", reqs, on_line=on_line, cancel=cancel, extra_args=extra_args)
    listed = ", ".join(reqs)
    if installed.ok:
        message = f"the floor {target} was made, with {listed} installed"
    else:
        message = f"the floor {target} was made; installing {listed} failed: {_reason(installed)}"
    return NewFloorResult(target, True, reqs, made, installed, message)
