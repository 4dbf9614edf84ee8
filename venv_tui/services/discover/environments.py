"""Finding and inspecting virtual environments, from files alone.

An environment is a folder with ``pyvenv.cfg`` at its top. It is found in the usual places
(``$VIRTUAL_ENV``, the project folder, virtualenvwrapper, pyenv-virtualenv, pipx, poetry,
hatch, uv tools, the config's roots and ``--root`` folders) and described by reading that file
and looking at its ``bin/python``: nothing is run. One unreadable or broken environment is
listed with the reason, never allowed to hide the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import get_args

from venv_tui.errors import BadInput
from venv_tui.model import Environment, EnvironmentSource, Interpreter
from venv_tui.services.discover.interpreters import (
    data_home,
    describe_interpreter,
    find_interpreters,
    home_dir,
    is_venv_executable,
    pyenv_root,
)
from venv_tui.services.discover.walk import find_environment_folders
from venv_tui.services.pyvenv import PYVENV_CFG, PyvenvCfg, is_environment, read_pyvenv_cfg

PROJECT_NAMES = (".venv", "venv", "env", ".env")
_SOURCE_ORDER = {name: i for i, name in enumerate(get_args(EnvironmentSource))}
_LIB_VERSION = re.compile(r"^(?:python|pypy)(\d+\.\d+)t?$")
_INTERPRETER_NAME = re.compile(r"^(python|pypy|graalpy|jython|ipy)", re.IGNORECASE)


# -- one environment --------------------------------------------------------------------------


def env_python(path: str) -> str:
    """Where an environment's own python should be (whether or not it is there)."""
    if os.name == "nt":
        return os.path.join(path, "Scripts", "python.exe")
    return os.path.join(path, "bin", "python")


def _find_python(path: str) -> str | None:
    """The environment's python, also when only ``python3`` was made (some creators)."""
    primary = env_python(path)
    if os.path.lexists(primary):
        return primary
    for name in ("python3", "pypy3", "pypy"):
        candidate = os.path.join(os.path.dirname(primary), name)
        if os.path.lexists(candidate):
            return candidate
    return None


def _lib_versions(path: str) -> list[str]:
    try:
        names = os.listdir(os.path.join(path, "lib"))
    except OSError:
        return []
    return sorted(m.group(1) for m in map(_LIB_VERSION.match, names) if m)


def _implementation(cfg: PyvenvCfg | None, path: str) -> str:
    raw = (cfg.get("implementation") if cfg else None) or ""  # virtualenv writes it
    if raw.strip():
        return raw.strip().lower()
    try:
        names = os.listdir(os.path.join(path, "lib"))
    except OSError:
        names = []
    if any(n.startswith("pypy") for n in names):
        return "pypy"
    if any(n.startswith("graalpy") for n in names):
        return "graalpy"
    return "cpython"


def _base_interpreter(cfg: PyvenvCfg, version: str | None) -> str | None:
    """The base executable: named in the file, else looked for in ``home``."""
    if cfg.base_executable:
        return cfg.base_executable
    home = cfg.home
    if not home:
        return None
    short = ".".join(version.split(".")[:2]) if version else None
    names = ([f"python{short}"] if short else []) + ["python3", "python"]
    if os.name == "nt":
        names = ["python.exe"]
    candidates = [os.path.join(home, n) for n in names]
    for candidate in candidates:
        if os.path.exists(candidate):
            return candidate
    return candidates[0]


def _problem(path: str, cfg: PyvenvCfg, base: str | None, python: str | None) -> str | None:
    """The first reason the environment cannot run, as one plain sentence."""
    home = cfg.home
    if home and not os.path.isdir(home):
        return f"its base interpreter folder {home} no longer exists"
    if base and cfg.base_executable and not os.path.exists(base):
        return f"its base interpreter {base} no longer exists"
    if python is None:
        return f"it has no python executable ({env_python(path)} is missing)"
    if not os.path.exists(python):
        if os.path.islink(python):
            return f"its python {python} points to {os.readlink(python)}, which no longer exists"
        return f"its python {python} is missing"
    return None


def _same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return os.path.realpath(a) == os.path.realpath(b)


def inspect_environment(
    path: str,
    *,
    source: EnvironmentSource = "root",
    active_path: str | None = None,
) -> Environment:
    """An environment folder, described from its ``pyvenv.cfg`` and ``bin/python``.

    Raises BadInput when ``path`` has no pyvenv.cfg. A pyvenv.cfg that cannot be read (empty,
    binary) gives an environment marked broken with the reason, not an exception.
    """
    if not is_environment(path):
        raise BadInput(f"{path} is not a virtual environment (it has no {PYVENV_CFG})")
    active = _same(path, active_path)
    python = _find_python(path)
    try:
        cfg = read_pyvenv_cfg(path)
    except BadInput as err:
        return Environment(
            path=path,
            name=os.path.basename(os.path.normpath(path)),
            python_version=_last(_lib_versions(path)),
            base_interpreter=None,
            creator="unknown",
            system_site_packages=False,
            health="broken",
            problem=err.message,  # "pyvenv.cfg is empty or has no 'key = value' line"
            active=active,
            source=source,
            python=python,
            implementation=_implementation(None, path),
        )
    version = cfg.version or _last(_lib_versions(path))
    base = _base_interpreter(cfg, version)
    problem = _problem(path, cfg, base, python)
    return Environment(
        path=path,
        name=cfg.prompt or os.path.basename(os.path.normpath(path)),
        python_version=version,
        base_interpreter=base,
        creator=cfg.creator,
        system_site_packages=cfg.system_site_packages,
        health="broken" if problem else "ok",
        problem=problem,
        active=active,
        source=source,
        python=python,
        implementation=_implementation(cfg, path),
    )


def interpreter_environment(interpreter: Interpreter, *, active: bool = False) -> Environment:
    """A base interpreter counted as an environment: its own site-packages."""
    short = interpreter.short_version
    label = f"python{short}" if short else os.path.basename(interpreter.path)
    return Environment(
        path=interpreter.path,
        name=f"{label} ({interpreter.source})",
        python_version=interpreter.version,
        base_interpreter=interpreter.real_path,
        creator="interpreter",
        system_site_packages=False,
        health="ok",
        problem=None,
        active=active,
        source="interpreter",
        python=interpreter.path,
        implementation=interpreter.implementation,
        is_venv=False,
    )


def inspect_path(
    path: str,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Environment:
    """An environment folder, an environment's python, or a base interpreter. Raises BadInput
    with one sentence when ``path`` is missing or is none of these."""
    env = os.environ if environ is None else environ
    full = os.path.expanduser(path)
    if not os.path.isabs(full):
        full = os.path.join(cwd or os.getcwd(), full)
    full = os.path.normpath(full)
    if not os.path.lexists(full):
        raise BadInput(f"{path} does not exist")
    if os.path.isdir(full):
        if is_environment(full):
            return inspect_environment(full)
        # A Python installation's folder (a conda env, a pyenv version): its interpreter.
        for name in ("python3", "python"):
            exe = os.path.join(full, "bin", name)
            if os.path.isfile(exe) and not is_venv_executable(exe):
                found = describe_interpreter(exe, environ=env, cwd=cwd)
                if found is not None:
                    return interpreter_environment(found)
        raise BadInput(
            f"{path} is not a virtual environment (it has no {PYVENV_CFG}) "
            "nor a Python installation"
        )
    if os.path.basename(full) == PYVENV_CFG:
        return inspect_environment(os.path.dirname(full))
    if is_venv_executable(full):
        return inspect_environment(os.path.dirname(os.path.dirname(full)))
    if not os.path.exists(full):
        raise BadInput(f"{path} is a link to {os.readlink(full)}, which does not exist")
    if not os.access(full, os.X_OK) or not _INTERPRETER_NAME.match(os.path.basename(full)):
        raise BadInput(f"{path} is neither a virtual environment folder nor a Python interpreter")
    found = describe_interpreter(full, environ=env, cwd=cwd)
    if found is None:
        raise BadInput(f"{path} is a pyenv shim for a version that is not installed")
    return interpreter_environment(found)


def _missing_active(path: str) -> Environment:
    """``$VIRTUAL_ENV`` names something that is no longer an environment: say so."""
    if not os.path.lexists(path):
        problem = f"VIRTUAL_ENV points to {path}, which no longer exists"
    else:
        problem = f"VIRTUAL_ENV points to {path}, which is not a virtual environment"
    return Environment(
        path=path,
        name=os.path.basename(os.path.normpath(path)) or path,
        python_version=None,
        base_interpreter=None,
        creator="unknown",
        system_site_packages=False,
        health="broken",
        problem=problem,
        active=True,
        source="active",
        python=None,
    )


def active_environment(
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Environment | None:
    """Where the lamp is on: ``$VIRTUAL_ENV`` (broken if it is gone), else the interpreter
    ``python3`` finds first on PATH; None when there is neither."""
    env = os.environ if environ is None else environ
    virtual_env = env.get("VIRTUAL_ENV")
    if virtual_env:
        if is_environment(virtual_env):
            return inspect_environment(virtual_env, source="active", active_path=virtual_env)
        return _missing_active(virtual_env)
    from venv_tui.services.discover.interpreters import default_interpreter

    found = default_interpreter(environ=env, cwd=cwd)
    return interpreter_environment(found, active=True) if found is not None else None


# -- finding many -----------------------------------------------------------------------------


def check_root(path: str) -> None:
    """Raise BadInput unless ``path`` is an existing folder (an explicit ``--root``)."""
    if not os.path.lexists(path):
        raise BadInput(f"the folder {path} does not exist")
    if not os.path.isdir(path):
        raise BadInput(f"{path} is not a folder")


def _children(folder: str) -> Iterator[str]:
    """Environments directly inside ``folder`` (a virtualenvwrapper-style home)."""
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in it)
    except OSError:
        return
    for name in names:
        candidate = os.path.join(folder, name)
        if is_environment(candidate):
            yield candidate


def _project(cwd: str) -> Iterator[str]:
    """The current folder and the ``.venv``-like folders in it and its parents."""
    folder = cwd
    while True:
        if is_environment(folder):
            yield folder
        for name in PROJECT_NAMES:
            candidate = os.path.join(folder, name)
            if is_environment(candidate):
                yield candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent


def _candidates(
    env: Mapping[str, str],
    cwd: str,
    depth: int,
    roots: Sequence[str],
    config_roots: Sequence[str],
) -> Iterator[tuple[str, EnvironmentSource]]:
    home = home_dir(env)
    data = data_home(env)
    cache = env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")

    virtual_env = env.get("VIRTUAL_ENV")
    if virtual_env:
        yield virtual_env, "active"
    for path in _project(cwd):
        yield path, "project"
    for path in _children(env.get("WORKON_HOME") or os.path.join(home, ".virtualenvs")):
        yield path, "workon"

    versions = os.path.join(pyenv_root(env), "versions")
    for path in _children(versions):
        yield path, "pyenv"
    try:
        version_names = sorted(os.listdir(versions))
    except OSError:
        version_names = []
    for name in version_names:
        for path in _children(os.path.join(versions, name, "envs")):
            yield path, "pyenv"

    pipx_homes = [os.path.join(env["PIPX_HOME"], "venvs")] if env.get("PIPX_HOME") else []
    pipx_homes += [
        os.path.join(home, ".local", "pipx", "venvs"),
        os.path.join(data, "pipx", "venvs"),
    ]
    for folder in pipx_homes:
        for path in _children(folder):
            yield path, "pipx"

    poetry = [env["POETRY_VIRTUALENVS_PATH"]] if env.get("POETRY_VIRTUALENVS_PATH") else []
    poetry += [
        os.path.join(cache, "pypoetry", "virtualenvs"),
        os.path.join(home, "Library", "Caches", "pypoetry", "virtualenvs"),
    ]
    for folder in poetry:
        for path in _children(folder):
            yield path, "poetry"

    hatch_data = env.get("HATCH_DATA_DIR") or os.path.join(data, "hatch")
    # hatch keeps env/virtual/PROJECT/HASH/ENV-NAME.
    for path in find_environment_folders(os.path.join(hatch_data, "env", "virtual"), 3):
        yield path, "hatch"

    for path in _children(env.get("UV_TOOL_DIR") or os.path.join(data, "uv", "tools")):
        yield path, "uv-tool"

    # The current folder's children come after the tool folders, so that running from $HOME
    # still labels ~/.virtualenvs/x "workon" rather than "project" (the first source wins).
    if os.path.dirname(cwd) != cwd:  # never walk the whole disk from "/"
        for path in find_environment_folders(cwd, depth):
            yield path, "project"

    for root in config_roots:
        for path in find_environment_folders(_absolute(root, cwd), depth):
            yield path, "config"
    for root in roots:
        for path in find_environment_folders(_absolute(root, cwd), depth):
            yield path, "root"


def _absolute(path: str, cwd: str) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


def sort_environments(environments: Sequence[Environment]) -> list[Environment]:
    """Active first, then by where they were found, then by path."""
    return sorted(
        environments,
        key=lambda e: (not e.active, _SOURCE_ORDER.get(e.source, len(_SOURCE_ORDER)), e.path),
    )


def find_environments(
    *,
    roots: Sequence[str] = (),
    config_roots: Sequence[str] = (),
    depth: int = 3,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
    include_interpreters: bool = False,
) -> list[Environment]:
    """Every environment in the usual places, the config's roots and ``roots``, once each.

    A missing ``roots`` entry raises BadInput (it was asked for); missing usual places and
    config roots are skipped. Exactly one entry is active: ``$VIRTUAL_ENV``'s, or (with
    ``include_interpreters`` and no ``$VIRTUAL_ENV``) the default interpreter.
    """
    env = os.environ if environ is None else environ
    here = os.path.abspath(cwd or os.getcwd())
    for root in roots:
        check_root(_absolute(root, here))
    virtual_env = env.get("VIRTUAL_ENV") or None

    found: list[Environment] = []
    seen: set[str] = set()
    for path, source in _candidates(env, here, depth, roots, config_roots):
        real = os.path.realpath(path)
        if real in seen:
            continue  # first source wins; $VIRTUAL_ENV comes first, so it keeps "active"
        seen.add(real)
        if source == "active" and not is_environment(path):
            found.append(_missing_active(path))
            continue
        try:
            found.append(inspect_environment(path, source=source, active_path=virtual_env))
        except BadInput:
            continue  # gone between listing and reading: nothing left to show

    if include_interpreters:
        interpreters = find_interpreters(environ=env, cwd=here)
        for interpreter in interpreters:
            active = interpreter.default and not virtual_env
            found.append(interpreter_environment(interpreter, active=active))
    return sort_environments(found)


def _last(versions: list[str]) -> str | None:
    return versions[-1] if versions else None
