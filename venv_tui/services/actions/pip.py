"""Installing, upgrading and uninstalling with the real pip, guarded.

What a user types reaches pip only as validated PEP 508 requirements, one argument each, never
through a shell. pip has no reliable ``--`` separator between options and requirements, so the
guard is that no requirement may start with ``-`` (``--index-url=x``, ``-e .``, ``-r file``):
options come only from code (``extra_args``, e.g. the tests' ``--no-index --find-links DIR``).
Bare paths and URLs are refused too (pip would build whatever they point at); ``name @ URL`` is
the explicit form. pip runs in the environment's own folder, so a requirement like ``lib`` can
never be mistaken for a project folder that happens to sit in the app's working directory.

The environment's own ``bin/python -m pip`` is used when pip is installed there (looked up on
disk, no process); otherwise the running interpreter's pip with ``--python ENV_PYTHON``.

A base interpreter is a floor too: pip works on it as on a venv, unless its distributor marked
it externally managed (PEP 668: an ``EXTERNALLY-MANAGED`` file in its stdlib folder). Then the
action is refused before pip runs, with that file's own message, as :class:`ExternallyManaged`:
the clients offer a new floor (a venv) instead.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from venv_tui.errors import BadInput, ExternallyManaged, Refused
from venv_tui.model import PipResult
from venv_tui.services import process
from venv_tui.services.pyvenv import existing_environment, is_environment

LineCallback = Callable[[str], None]

ACTIONS = ("install", "upgrade", "uninstall")
PIP_PYTHON_OPTION = (22, 3)  # the first pip with ``--python``

# Characters a shell would act on. None of them can appear in a valid name, specifier or
# marker; in a ``name @ URL`` requirement only ``&`` may (a query string), and is accepted there.
_SHELL_ALWAYS = ("`", "$(", "${", "|", "\n", "\r", "\0")
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")
_MARKER_START = (
    "python_version",
    "python_full_version",
    "os_name",
    "os.name",
    "sys_platform",
    "sys.platform",
    "platform_",
    "platform.",
    "implementation_",
    "python_implementation",
    "extra",
    "dependency_groups",
    "(",
    '"',
    "'",
)


def _looks_like_path_or_url(text: str) -> bool:
    return (
        "://" in text
        or text.startswith((".", "~", "/", "\\"))
        or "/" in text
        or "\\" in text
        or text.lower().endswith(_ARCHIVES)
    )


def validate_requirement(text: str) -> str:
    """A PEP 508 requirement, normalised (``str(Requirement(text))``).

    Refused: empty text, an option (``-...``), line breaks or NUL, shell characters, a bare path
    or URL. BadInput: anything else that is not a valid requirement, with packaging's reason."""
    from packaging.requirements import InvalidRequirement, Requirement

    raw = text if isinstance(text, str) else str(text)
    stripped = raw.strip()
    if not stripped:
        raise Refused("the requirement is empty")
    shown = stripped if len(stripped) <= 80 else stripped[:77] + "..."
    if stripped.startswith("-"):
        raise Refused(f"'{shown}' looks like an option; venv-tui passes only requirements to pip")
    for char in _SHELL_ALWAYS:
        if char in raw:
            what = {"\n": "a line break", "\r": "a line break", "\0": "a NUL character"}.get(
                char, f"the shell character '{char}'"
            )
            first = shown.splitlines()[0] if shown else ""
            raise Refused(f"'{first}' contains {what}; a requirement is one line like 'name>=1.0'")
    try:
        req = Requirement(stripped)
    except InvalidRequirement as err:
        name_part, semicolon, after = stripped.partition(";")
        if semicolon and not after.strip().startswith(_MARKER_START):
            raise Refused(
                f"'{shown}' has something after ';' that is not an environment marker; "
                "venv-tui passes only requirements to pip"
            ) from None
        if _looks_like_path_or_url(name_part.strip()):
            raise Refused(
                f"'{shown}' is a path or URL; name the project it holds as 'name @ URL' "
                "(for a file: 'name @ file:///full/path')"
            ) from None
        if "&" in stripped:
            raise Refused(f"'{shown}' contains the shell character '&'") from None
        reason = str(err).splitlines()[0].strip().rstrip(".") if str(err) else "not understood"
        reason = reason[:1].lower() + reason[1:]
        raise BadInput(f"'{shown}' is not a valid requirement: {reason}") from None
    if req.url is None:
        if "&" in stripped:
            raise Refused(f"'{shown}' contains the shell character '&'")
        if _looks_like_path_or_url(req.name):
            raise Refused(
                f"'{shown}' looks like a file name; name the project it holds as "
                "'name @ file:///full/path'"
            )
    return str(req)


def validate_name(text: str) -> str:
    """A bare project name (for uninstall): a valid requirement with nothing but a name."""
    from packaging.requirements import Requirement

    normal = validate_requirement(text)
    req = Requirement(normal)
    if req.specifier or req.url or req.marker or req.extras:
        raise BadInput(f"uninstall takes project names only ('{req.name}', not '{normal}')")
    return req.name


def env_python(env_path: str) -> str:
    from venv_tui.services.layout import venv_python

    return venv_python(env_path)


# -- what an action works on: a venv, or a base interpreter (the first floor is a floor) --------


@dataclass(frozen=True)
class Floor:
    """Where an action runs: a virtual environment folder, or a base interpreter."""

    python: str  # the executable that runs there (a venv's bin/python, or the interpreter)
    bin_dir: str  # what goes first on PATH in a shell there
    prefix: str  # the venv folder, or the interpreter's installation prefix
    name: str  # for prompts: the venv's prompt or folder name, the interpreter's name
    is_venv: bool


_VERSIONED = re.compile(r"\d+\.\d+")


def open_floor(path: str) -> Floor:
    """The floor a user named: an environment folder, an executable inside one, a base
    interpreter's executable, or the prefix folder of one. BadInput saying why otherwise."""
    from venv_tui.files import check_path
    from venv_tui.services.discover.interpreters import is_interpreter_name, is_venv_executable

    if not path:
        raise BadInput("no environment was given")
    check_path(path)
    full = os.path.abspath(os.path.expanduser(path))
    if os.path.isfile(full) and is_venv_executable(full):
        full = os.path.dirname(os.path.dirname(full))  # bin/python of a venv: the venv
    if os.path.isdir(full) and not is_environment(full):
        # A base installation's prefix (pyenv's versions/3.12.1): its python3 is the floor.
        for name in ("python3", "python", "pypy3"):
            candidate = os.path.join(full, "bin", name)
            if _is_executable(candidate):
                full = candidate
                break
    if os.path.isfile(full):
        names = (os.path.basename(full), os.path.basename(os.path.realpath(full)))
        if not _is_executable(full) or not any(is_interpreter_name(n) for n in names):
            raise BadInput("is neither a virtual environment nor a Python interpreter", path=full)
        return Floor(
            python=full,
            bin_dir=os.path.dirname(full),
            prefix=_prefix_of(full),
            name=interpreter_label(full),
            is_venv=False,
        )
    env = existing_environment(path)
    python = env_python(env)
    if not os.path.isdir(os.path.dirname(python)):
        folder = os.path.basename(os.path.dirname(python))
        raise BadInput(f"this environment is broken: it has no {folder} folder", path=env)
    if not os.path.exists(python):  # also false for a link whose base interpreter is gone
        raise BadInput(
            f"this environment is broken: {python} is missing or points to a removed Python; "
            "rebuild it",
            path=env,
        )
    return Floor(python=python, bin_dir=os.path.dirname(python), prefix=env, name="", is_venv=True)


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def interpreter_label(python: str) -> str:
    """How a base interpreter is named in a prompt: ``python3.12``; a bare ``python3`` gets the
    version its real file's name says (``/usr/bin/python3`` -> ``python3.11``)."""
    name = os.path.basename(python)
    if _VERSIONED.search(name):
        return name
    real = os.path.basename(os.path.realpath(python))
    return real if _VERSIONED.search(real) else name


def _prefix_of(python: str) -> str:
    # The installation prefix as Python computes it: from the executable's real path.
    # (A fact about a base interpreter's layout; it belongs with the other on-disk facts.)
    folder = os.path.dirname(os.path.realpath(python))
    if os.name == "nt":
        return folder
    return os.path.dirname(folder)


# -- PEP 668: an interpreter marked as managed by its distributor ---------------------------

_MANAGED_DEFAULT = (
    "The Python environment under {prefix} is managed externally, and may not be manipulated "
    "by the user. Please use specific tooling from the distributor of the Python installation "
    "to interact with this Python environment instead."
)
# realpath of the interpreter -> (its mtime, the stdlib folder), so the one spawn (when the disk
# cannot tell) happens once per interpreter per process.
_STDLIB_CACHE: dict[str, tuple[int, str | None]] = {}


def stdlib_dir(python: str) -> str | None:
    """The folder ``sysconfig.get_path("stdlib")`` names for a base interpreter, found on disk:
    ``PREFIX/lib/python3.12`` (``lib64`` where the platform's libdir is that, ``pypy3.10`` for
    PyPy, ``Lib`` on Windows), the one holding ``os.py``. Only when the layout leaves two
    candidates and the name no version, the interpreter is asked, once."""
    real = os.path.realpath(python)
    try:
        stamp = os.stat(real).st_mtime_ns
    except OSError:
        return None
    cached = _STDLIB_CACHE.get(real)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    found = _stdlib_from_disk(python)
    if found is _AMBIGUOUS:
        found = _stdlib_from_interpreter(python)
    _STDLIB_CACHE[real] = (stamp, found)
    return found


_AMBIGUOUS = "\0ambiguous"
_STDLIB_NAME = re.compile(r"^(?:python|pypy)(\d+\.\d+)t?$")


def _stdlib_from_disk(python: str) -> str | None:
    prefix = _prefix_of(python)
    if os.name == "nt":
        lib = os.path.join(prefix, "Lib")
        return lib if os.path.isfile(os.path.join(lib, "os.py")) else None
    from venv_tui.services.discover.interpreters import version_from_files

    version = version_from_files([os.path.realpath(python), python])
    short = ".".join(version.split(".")[:2]) if version else None
    candidates: list[tuple[str | None, str]] = []
    for lib in ("lib", "lib64"):
        try:
            names = sorted(os.listdir(os.path.join(prefix, lib)))
        except OSError:
            continue
        for name in names:
            match = _STDLIB_NAME.match(name)
            folder = os.path.join(prefix, lib, name)
            if match and os.path.isfile(os.path.join(folder, "os.py")):
                candidates.append((match.group(1), folder))
    if short is not None:
        candidates = [c for c in candidates if c[0] == short]
    folders = list(dict.fromkeys(os.path.realpath(f) for _, f in candidates))
    if not folders:
        return None
    if len(folders) == 1:
        return next(f for _, f in candidates)
    return _AMBIGUOUS


def _stdlib_from_interpreter(python: str) -> str | None:
    import subprocess

    code = "import sysconfig, sys; sys.stdout.write(sysconfig.get_path('stdlib'))"
    try:
        done = subprocess.run(
            [python, "-E", "-S", "-c", code],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    answer = done.stdout.decode("utf-8", "replace").strip()
    return answer if done.returncode == 0 and os.path.isdir(answer) else None


def externally_managed(floor: Floor) -> ExternallyManaged | None:
    """The PEP 668 refusal for a base interpreter whose stdlib folder holds EXTERNALLY-MANAGED,
    with that file's own ``Error`` text; None for a venv (the marker never applies there) and
    for an interpreter without the file."""
    if floor.is_venv:
        return None
    stdlib = stdlib_dir(floor.python)
    if stdlib is None:
        return None
    marker = os.path.join(stdlib, "EXTERNALLY-MANAGED")
    if not os.path.lexists(marker):
        return None
    return ExternallyManaged(
        python=floor.python, marker=marker, error=_managed_error(marker, floor.prefix)
    )


def _managed_error(marker: str, prefix: str) -> str:
    """The ``[externally-managed] Error`` value, or the generic sentence PEP 668 gives when the
    file has none (or cannot be read)."""
    import configparser

    from venv_tui import files

    try:
        text = files.read_text(marker, files.LIMIT_SMALL, errors="replace")
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text, source=marker)
        error = parser.get("externally-managed", "Error", fallback=None)
    except (files.Unreadable, BadInput, configparser.Error):
        error = None
    if not error or not error.strip():
        return _MANAGED_DEFAULT.format(prefix=prefix)
    return error.strip()


def has_pip(env_path: str) -> bool:
    """Whether pip is installed in the environment itself (read from disk, no process)."""
    from venv_tui.services.layout import venv_site_dirs

    if any(
        os.path.isfile(os.path.join(folder, "pip", "__main__.py"))
        for _, folder in venv_site_dirs(env_path)
    ):
        return True
    # Debian and Ubuntu's own Python keeps pip in dist-packages.
    return env_path == "/usr" and os.path.isfile("/usr/lib/python3/dist-packages/pip/__main__.py")


def _own_pip_version() -> tuple[int, ...] | None:
    from importlib import metadata

    try:
        raw = metadata.version("pip")
    except metadata.PackageNotFoundError:
        return None
    parts: list[int] = []
    for piece in raw.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def check_environment(env_path: str) -> tuple[str, str]:
    """(the floor's folder, its python) or BadInput when it is missing or broken."""
    floor = open_floor(env_path)
    return floor.prefix, floor.python


def pip_command(env_path: str | Floor) -> list[str]:
    """How to run pip for the floor: its own ``python -m pip``, or the running interpreter's
    pip with ``--python`` when it has none. BadInput when neither can work."""
    floor = env_path if isinstance(env_path, Floor) else open_floor(env_path)
    if has_pip(floor.prefix):
        return [floor.python, "-m", "pip"]
    version = _own_pip_version()
    if version is None or version < PIP_PYTHON_OPTION:
        raise BadInput(
            "this environment has no pip, and venv-tui's own Python has no pip 22.3 or newer "
            "to work on it from outside; create the environment with pip",
            path=floor.prefix,
        )
    return [sys.executable, "-m", "pip", "--python", floor.python]


def pip_argv(
    env_path: str, action: str, requirements: Sequence[str], extra_args: Sequence[str] = ()
) -> list[str]:
    """The pip command for ``action`` on ``requirements`` (each validated; BadInput/Refused)."""
    if action not in ACTIONS:
        raise BadInput(f"unknown pip action '{action}' (use {', '.join(ACTIONS)})")
    if isinstance(requirements, str):
        requirements = [requirements]
    if not requirements:
        raise BadInput(f"nothing to {action}: no requirement was given")
    if action == "uninstall":
        reqs = [validate_name(r) for r in requirements]
    else:
        reqs = [validate_requirement(r) for r in requirements]
    floor = open_floor(env_path)
    refusal = externally_managed(floor)
    if refusal is not None:
        raise refusal
    argv = pip_command(floor)
    if action == "install":
        argv += ["install", *extra_args, *reqs]
    elif action == "upgrade":
        argv += ["install", "--upgrade", *extra_args, *reqs]
    else:
        argv += ["uninstall", "--yes", *extra_args, *reqs]
    return argv


def run_pip(
    env_path: str,
    action: str,
    requirements: Sequence[str],
    *,
    on_line: LineCallback | None = None,
    cancel: threading.Event | None = None,
    extra_args: Sequence[str] = (),
) -> PipResult:
    """Validate everything (raising before anything runs), then run pip, streaming its lines."""
    argv = pip_argv(env_path, action, requirements, extra_args)
    floor = open_floor(env_path)
    env = dict(os.environ)
    # pip must work on the environment it was told, not on one activated around the app.
    for name in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"):
        env.pop(name, None)
    if floor.is_venv:
        result = process.run_streaming(argv, on_line=on_line, cancel=cancel, env=env, cwd=floor.prefix)
        return explain_pip_failure(result)
    # A base interpreter's prefix (/usr) holds folders a bare name could be mistaken for: pip
    # runs in an empty folder of its own instead.
    import tempfile

    with tempfile.TemporaryDirectory(prefix="venv-tui-pip-") as empty:
        result = process.run_streaming(argv, on_line=on_line, cancel=cancel, env=env, cwd=empty)
    return explain_pip_failure(result)


def explain_pip_failure(result: PipResult) -> PipResult:
    """Add a plain sentence to a failure whose cause is known (pure).

    ``pip --python`` runs the driving pip's own code under the target interpreter: a pip older
    than 23.3 (what Python 3.10 bundles) crashes on Python 3.12+ with ``pkgutil.ImpImporter``.
    """
    if result.ok or "--python" not in result.args:
        return result
    if not any("ImpImporter" in line for line in (*result.error_lines, *result.output_tail)):
        return result
    sentence = (
        f"the pip that drives this environment ({' '.join(result.args[:3])}) is too old for its "
        "Python; upgrade it with 'python -m pip install --upgrade pip', or create the "
        "environment with pip"
    )
    return replace(result, error_lines=(*result.error_lines, sentence))
