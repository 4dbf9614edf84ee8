"""Finding and inspecting virtual environments, from files alone.

An environment is a folder with ``pyvenv.cfg`` at its top. It is found in the usual places
(``$VIRTUAL_ENV``, the project folder, virtualenvwrapper, pyenv-virtualenv, pipx, poetry,
hatch, uv tools, the config's roots and ``--root`` folders) and described by reading that file
and looking at its ``bin/python``: nothing is run. One unreadable or broken environment is
listed with the reason, never allowed to hide the others.
"""

from __future__ import annotations

import os

from venv_tui.errors import BadInput
from venv_tui.model import ENVIRONMENT_SOURCES, Environment, EnvironmentSource, Floor, Interpreter
from venv_tui.services.discover.places import data_home, home_dir, pyenv_root
from venv_tui.services.discover.walk import Listing, walk_floors
from venv_tui.services.inspect import (
    Memo,
    inspect_folder,
    interpreter_floor,
    missing_active,
    unreadable_floor,
)
from venv_tui.services.layout import is_environment, venv_python

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

PROJECT_NAMES = (".venv", "venv", "env", ".env")
_SOURCE_ORDER = {name: i for i, name in enumerate(ENVIRONMENT_SOURCES)}


# -- one environment (the inspection itself lives in services/inspect.py) ----------------------


def env_python(path: str) -> str:
    """Where an environment's own python should be (whether or not it is there)."""
    return venv_python(path)


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
    return inspect_folder(path, source=source, active_path=active_path).environment


def interpreter_environment(interpreter: Interpreter, *, active: bool = False) -> Environment:
    """A base interpreter counted as an environment: its own site-packages."""
    return interpreter_floor(interpreter, active=active).environment


def inspect_path(
    path: str,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Environment:
    """An environment folder, an environment's python, or a base interpreter. Raises BadInput
    with one sentence when ``path`` is missing or is none of these."""
    from venv_tui.services.inspect import inspect_path as inspect_floor_path

    return inspect_floor_path(path, environ=environ, cwd=cwd).environment


def active_floor(
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Floor | None:
    """Where the lamp is on: ``$VIRTUAL_ENV`` (broken if it is gone), else the interpreter
    ``python3`` finds first on PATH; None when there is neither."""
    env = os.environ if environ is None else environ
    virtual_env = env.get("VIRTUAL_ENV")
    if virtual_env:
        if is_environment(virtual_env):
            return inspect_folder(virtual_env, source="active", active_path=virtual_env)
        return missing_active(virtual_env)
    from venv_tui.services.discover.interpreters import default_interpreter

    found = default_interpreter(environ=env, cwd=cwd)
    return interpreter_floor(found, active=True) if found is not None else None


def active_environment(
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Environment | None:
    """Where the lamp is on: ``$VIRTUAL_ENV`` (broken if it is gone), else the interpreter
    ``python3`` finds first on PATH; None when there is neither."""
    floor = active_floor(environ=environ, cwd=cwd)
    return floor.environment if floor is not None else None


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
    unreadable: Callable[[str, EnvironmentSource], Callable[[str, str], None]],
) -> Iterator[tuple[str, EnvironmentSource, str | None, Listing | None]]:
    """(path, where it was found, its real path when the walk knows it, else None, and its
    listing when the walk made one)."""
    home = home_dir(env)
    data = data_home(env)
    cache = env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")

    virtual_env = env.get("VIRTUAL_ENV")
    if virtual_env:
        yield virtual_env, "active", None, None
    for path in _project(cwd):
        yield path, "project", None, None
    for path in _children(env.get("WORKON_HOME") or os.path.join(home, ".virtualenvs")):
        yield path, "workon", None, None

    versions = os.path.join(pyenv_root(env), "versions")
    for path in _children(versions):
        yield path, "pyenv", None, None
    try:
        version_names = sorted(os.listdir(versions))
    except OSError:
        version_names = []
    for name in version_names:
        for path in _children(os.path.join(versions, name, "envs")):
            yield path, "pyenv", None, None

    pipx_homes = [os.path.join(env["PIPX_HOME"], "venvs")] if env.get("PIPX_HOME") else []
    pipx_homes += [
        os.path.join(home, ".local", "pipx", "venvs"),
        os.path.join(data, "pipx", "venvs"),
    ]
    for folder in pipx_homes:
        for path in _children(folder):
            yield path, "pipx", None, None

    poetry = [env["POETRY_VIRTUALENVS_PATH"]] if env.get("POETRY_VIRTUALENVS_PATH") else []
    poetry += [
        os.path.join(cache, "pypoetry", "virtualenvs"),
        os.path.join(home, "Library", "Caches", "pypoetry", "virtualenvs"),
    ]
    for folder in poetry:
        for path in _children(folder):
            yield path, "poetry", None, None

    hatch_data = env.get("HATCH_DATA_DIR") or os.path.join(data, "hatch")
    # hatch keeps env/virtual/PROJECT/HASH/ENV-NAME.
    for path, real, listing in walk_floors(os.path.join(hatch_data, "env", "virtual"), 3):
        yield path, "hatch", real, listing

    for path in _children(env.get("UV_TOOL_DIR") or os.path.join(data, "uv", "tools")):
        yield path, "uv-tool", None, None

    # The current folder's children come after the tool folders, so that running from $HOME
    # still labels ~/.virtualenvs/x "workon" rather than "project" (the first source wins).
    if os.path.dirname(cwd) != cwd:  # never walk the whole disk from "/"
        for path, real, listing in walk_floors(cwd, depth):
            yield path, "project", real, listing

    # Under roots the user named, a folder that cannot be read is listed with the reason.
    for root in config_roots:
        for path, real, listing in walk_floors(
            _absolute(root, cwd), depth, on_unreadable=unreadable(root, "config")
        ):
            yield path, "config", real, listing
    for root in roots:
        for path, real, listing in walk_floors(
            _absolute(root, cwd), depth, on_unreadable=unreadable(root, "root")
        ):
            yield path, "root", real, listing


def _absolute(path: str, cwd: str) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


def sort_key(env: Environment) -> tuple[bool, int, str]:
    """Active first, then by where they were found, then by path."""
    return (not env.active, _SOURCE_ORDER.get(env.source, len(_SOURCE_ORDER)), env.path)


def sort_environments(environments: Sequence[Environment]) -> list[Environment]:
    """Active first, then by where they were found, then by path."""
    return sorted(environments, key=sort_key)


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
    floors = find_floors(
        env, here, depth, roots, config_roots, virtual_env, include_interpreters=include_interpreters
    )
    return sort_environments([f.environment for f in floors])


def find_floors(
    env: Mapping[str, str],
    here: str,
    depth: int,
    roots: Sequence[str],
    config_roots: Sequence[str],
    virtual_env: str | None,
    *,
    include_interpreters: bool = False,
) -> list[Floor]:
    """Every floor found, each once under its real folder; the links that led to it are kept
    as its aliases. A link never hides the floor it points to."""
    unreadable_found: list[tuple[str, EnvironmentSource, str]] = []

    def unreadable(_root: str, source: EnvironmentSource) -> Callable[[str, str], None]:
        return lambda path, reason: unreadable_found.append((path, source, reason))

    order: list[str] = []
    first: dict[str, tuple[str, EnvironmentSource, Listing | None]] = {}
    aliases: dict[str, list[str]] = {}
    for path, source, known, listing in _candidates(env, here, depth, roots, config_roots, unreadable):
        real = known or os.path.realpath(path)
        if real not in first:
            # The first source wins; $VIRTUAL_ENV comes first, so it keeps "active".
            first[real] = (path, source, listing)
            order.append(real)
            aliases[real] = []
        if path != real and os.path.normpath(path) != real and path not in aliases[real]:
            aliases[real].append(os.path.normpath(path))

    found: list[Floor] = []
    memo: Memo = {}  # what one floor learns of a shared base, the next ones reuse
    for real in order:
        path, source, listing = first[real]
        links = tuple(aliases[real])
        if source == "active" and not is_environment(path):
            found.append(missing_active(path))
            continue
        try:
            found.append(
                inspect_folder(
                    real,
                    source=source,
                    active_path=virtual_env,
                    aliases=links,
                    real=real,
                    memo=memo,
                    listing=listing,
                )
            )
        except BadInput:
            continue  # gone between listing and reading: nothing left to show
    seen = set(order)
    for path, source, reason in unreadable_found:
        if os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            found.append(unreadable_floor(path, source, reason))

    if include_interpreters:
        from venv_tui.services.discover.interpreters import find_interpreters

        for interpreter in find_interpreters(environ=env, cwd=here):
            active = interpreter.default and not virtual_env
            found.append(interpreter_floor(interpreter, active=active))
    return found


def what_python3_runs(
    *, environ: Mapping[str, str] | None = None, cwd: str | None = None
) -> dict[str, str | None]:
    """``{"path", "environment", "interpreter"}``: the ``python3`` found first on PATH (a pyenv
    shim read as what it runs), the floor whose bin folder that is (None for a base
    interpreter), and the base interpreter it runs on."""
    from venv_tui.services.discover.interpreters import (
        is_pyenv_shim,
        path_dirs,
        resolve_pyenv_shim,
    )
    from venv_tui.services.layout import venv_of_executable

    env = os.environ if environ is None else environ
    path: str | None = None
    for folder in path_dirs(env):
        candidate = os.path.join(folder, "python3")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            path = candidate
            break
    if path is None:
        return {"path": None, "environment": None, "interpreter": None}
    runs = path
    if is_pyenv_shim(path, env):
        runs = resolve_pyenv_shim("python3", env, cwd) or path
    owner = venv_of_executable(runs)
    if owner is None:
        return {"path": path, "environment": None, "interpreter": runs}
    try:
        base = inspect_folder(owner).environment.base_interpreter
    except BadInput:
        base = None
    return {"path": path, "environment": owner, "interpreter": base}
