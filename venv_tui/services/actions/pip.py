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
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from venv_tui.errors import BadInput, Refused
from venv_tui.model import PipResult
from venv_tui.services import process
from venv_tui.services.pyvenv import existing_environment

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


def has_pip(env_path: str) -> bool:
    """Whether pip is installed in the environment itself (read from disk, no process)."""
    from venv_tui.services.layout import venv_site_dirs

    return any(
        os.path.isfile(os.path.join(folder, "pip", "__main__.py"))
        for _, folder in venv_site_dirs(env_path)
    )


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
    """(the environment folder, its python) or BadInput when it is missing or broken."""
    target = existing_environment(env_path)
    python = env_python(target)
    if not os.path.exists(python):  # also false for a link whose base interpreter is gone
        raise BadInput(
            f"this environment is broken: {python} is missing or points to a removed Python; "
            "rebuild it",
            path=target,
        )
    return target, python


def pip_command(env_path: str) -> list[str]:
    """How to run pip for the environment: its own ``python -m pip``, or the running
    interpreter's pip with ``--python`` when it has none. BadInput when neither can work."""
    target, python = check_environment(env_path)
    if has_pip(target):
        return [python, "-m", "pip"]
    version = _own_pip_version()
    if version is None or version < PIP_PYTHON_OPTION:
        raise BadInput(
            "this environment has no pip, and venv-tui's own Python has no pip 22.3 or newer "
            "to work on it from outside; create the environment with pip",
            path=target,
        )
    return [sys.executable, "-m", "pip", "--python", python]


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
    argv = pip_command(env_path)
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
    target = os.path.abspath(os.path.expanduser(env_path))
    env = dict(os.environ)
    # pip must work on the environment it was told, not on one activated around the app.
    for name in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"):
        env.pop(name, None)
    result = process.run_streaming(argv, on_line=on_line, cancel=cancel, env=env, cwd=target)
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
