"""A floor read once: a venv folder (or an interpreter path) becomes its :class:`Environment`
and its :class:`Site` together, with one health verdict and one sentence.

Health (DESIGN.md): ``ok``; ``stale`` when it runs but something is off (moved after it was made:
``bin/activate`` or a console script's shebang names another folder; its base is now another
patch release than ``pyvenv.cfg`` records); ``broken`` when it cannot run (its base gone, its
python a dangling link, its ``pyvenv.cfg`` unreadable, binary or a folder, its base now another
minor version whose ``lib/pythonX.Y`` no longer matches). The first reason found is the one
sentence; ``envs``, ``packages``, ``check``, ``fit`` and the app all show it.
"""

from __future__ import annotations

import os
import stat

from venv_tui.errors import BadInput
from venv_tui.files import LIMIT_SMALL, Unreadable, read_head
from venv_tui.model import Environment as Environment
from venv_tui.model import EnvironmentSource, Floor, Health, Interpreter, PackageSet, Site, replace
from venv_tui.services import layout
from venv_tui.services.pyvenv import PyvenvCfg, read_pyvenv_cfg
from venv_tui.services.site import venv_site

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

_SHEBANGS_READ = 3  # console scripts looked at: one is enough to see a move, a few for safety

# Facts many floors share, learnt once in one search (their base folder, the interpreter their
# python links to): {(kind, path): answer}. A search makes a new one, so nothing goes stale.
Memo = dict[tuple[str, str], object]


def inspect_folder(
    path: str,
    *,
    source: EnvironmentSource = "root",
    active_path: str | None = None,
    aliases: tuple[str, ...] = (),
    real: str | None = None,
    memo: Memo | None = None,
    listing: Sequence[tuple[str, bool]] | None = None,
) -> Floor:
    """A venv folder, described from its ``pyvenv.cfg`` and its files. Raises BadInput when
    ``path`` has no pyvenv.cfg; a pyvenv.cfg that cannot be read gives a broken floor.
    ``real``: the folder's real path when the caller knows it; ``memo``: what the other floors
    of one search have already learnt; ``listing``: the folder's entries, (name, is a link),
    when a walk has just listed it."""
    memo = {} if memo is None else memo
    active = _same(path, active_path)
    entry = layout.venv_python_entry(path)
    python, python_mode = entry if entry is not None else (None, None)
    found = layout.venv_site_dirs(path, listing)
    name = os.path.basename(path if path == real else os.path.normpath(path))
    try:
        cfg = read_pyvenv_cfg(path)
    except BadInput as err:
        if not layout.is_environment(path):
            raise BadInput(
                f"{path} is not a virtual environment (it has no {layout.PYVENV_CFG})"
            ) from None
        versions = layout.lib_versions(path)
        version = versions[-1] if versions else None
        implementation = _implementation(None, path, found)
        env = Environment(
            path=path,
            name=name,
            python_version=version,
            base_interpreter=None,
            creator="unknown",
            system_site_packages=False,
            health="broken",
            problem=err.message,  # "pyvenv.cfg cannot be read (permission denied)"
            active=active,
            source=source,
            python=python,
            implementation=implementation,
            aliases=aliases,
        )
        return Floor(env, _site(env, found, None, None))
    version = cfg.version or _only_version(found)
    short = layout.short_version(version)
    base = _base_interpreter(cfg, short, memo)
    health, problem = verdict(
        path, cfg, base, python, version, real=real, memo=memo, python_mode=python_mode
    )
    env = Environment(
        path=path,
        name=cfg.prompt or name,
        python_version=version,
        base_interpreter=base,
        creator=cfg.creator,
        system_site_packages=cfg.system_site_packages,
        health=health,
        problem=problem,
        active=active,
        source=source,
        python=python,
        implementation=_implementation(cfg, path, found),
        aliases=aliases,
    )
    return Floor(env, _site(env, found, base, cfg.home))


def _site(env: Environment, found: list[tuple[str, str]], base: str | None, home: str | None) -> Site:
    return venv_site(
        env.path,
        python=env.python,
        version=env.python_version,
        implementation=env.implementation,
        found=found,
        system_site_packages=env.system_site_packages,
        base=base,
        home=home,
        health=env.health,
        problem=env.problem,
    )


def verdict(
    path: str,
    cfg: PyvenvCfg,
    base: str | None,
    python: str | None,
    version: str | None,
    *,
    real: str | None = None,
    memo: Memo | None = None,
    python_mode: int | None = None,
) -> tuple[Health, str | None]:
    """The floor's health and its one sentence (None when ok): the first reason it cannot run,
    else the first thing that is off. ``python_mode``: its python's ``lstat`` mode, when known."""
    memo = {} if memo is None else memo
    home = cfg.home
    if home:
        reason = _remembered(memo, "folder", home, _folder_problem)
        if reason is not None:
            return "broken", f"its base interpreter folder {home} {reason}"
    if base and cfg.base_executable and not _remembered(memo, "exists", base, os.path.exists):
        return "broken", f"its base interpreter {base} no longer exists"
    if python is None:
        return "broken", f"it has no python executable ({layout.venv_python(path)} is missing)"
    mode = python_mode
    if mode is None:
        try:
            mode = os.lstat(python).st_mode
        except (OSError, ValueError):
            return "broken", f"its python {python} is missing"
    runs = base
    if stat.S_ISLNK(mode):
        try:
            st = os.stat(python)
        except (OSError, ValueError):
            try:
                target = os.readlink(python)
            except OSError:
                return "broken", f"its python {python} is missing"
            return "broken", f"its python {python} points to {target}, which no longer exists"
        # Floors on one base link to one file: its real path is resolved once, by its inode.
        runs = _remembered(memo, "file", f"{st.st_dev}:{st.st_ino}", lambda _: os.path.realpath(python))
    if runs and version:
        # Floors on one base made with one version share this answer: worked out once.
        changed = _remembered(memo, "versions", f"{runs}\0{version}", _version_change)
        if changed is not None:
            return changed
    moved = _moved_from(path, real, memo)
    if moved is not None:
        return "stale", f"it was moved after it was made: {moved}"
    return "ok", None


def _version_change(key: str) -> tuple[Health, str] | None:
    """Whether the base (``runs``) now is another release than a floor was made with."""
    runs, made = key.split("\0")
    now = _base_version(runs)
    if not now:
        return None
    now_short, made_short = layout.short_version(now), layout.short_version(made)
    if now_short and made_short and now_short != made_short:
        return "broken", (
            f"its base interpreter is now Python {now_short}, but it was made with Python "
            f"{made}: lib/python{made_short} no longer matches"
        )
    now_release, made_release = layout.release_numbers(now), layout.release_numbers(made)
    if len(now_release) >= 3 and len(made_release) >= 3 and now_release != made_release:
        return "stale", f"its base interpreter is now Python {now}; it was made with Python {made}"
    return None


def _remembered(memo: Memo, kind: str, key: str, compute: Callable[[str], object]) -> Any:
    found = memo.get((kind, key), memo)  # the memo itself: "not there yet" (None is an answer)
    if found is memo:
        found = memo[(kind, key)] = compute(key)
    return found


def _folder_problem(folder: str) -> str | None:
    try:
        mode = os.stat(folder).st_mode
    except PermissionError:
        return "cannot be reached (permission denied)"
    except (OSError, ValueError):
        return "no longer exists"
    return None if stat.S_ISDIR(mode) else "no longer exists"


def _base_version(executable: str) -> str | None:
    # Many floors share one base: its headers are read once per search (the memo), and read
    # again by the next search, so a base upgraded in place is seen.
    return layout.interpreter_version(executable)


def _moved_from(path: str, real: str | None = None, memo: Memo | None = None) -> str | None:
    """What names another folder than ``path``: ``bin/activate``, else a console script."""
    memo = {} if memo is None else memo
    here = {path} if path == real else {os.path.normpath(path), real or os.path.realpath(path)}
    bin_dir = layout.bin_dir(path)
    try:
        data, _ = read_head(activate := layout.join_name(bin_dir, "activate"), LIMIT_SMALL)
    except Unreadable:
        data = b""
    named = layout.activate_home(data.decode("utf-8", "replace")) if data else None
    if named is not None:
        named = os.path.normpath(named)
        if named not in here and _remembered(memo, "real", named, os.path.realpath) not in here:
            return f"{activate} names {named}"
        return None
    try:
        with os.scandir(bin_dir) as it:
            scripts = sorted(
                e.name
                for e in it
                if not layout.is_interpreter_name(e.name) and not e.name.startswith("activate")
            )
    except OSError:
        return None
    for name in scripts[:_SHEBANGS_READ]:
        try:
            head, _ = read_head(os.path.join(bin_dir, name), 512)
        except Unreadable:
            continue
        shebang = layout.shebang_interpreter(head)
        if shebang is None:
            continue
        exe = shebang.decode("utf-8", "replace")
        if not os.path.isabs(exe) or not layout.is_interpreter_name(os.path.basename(exe)):
            continue
        owner = os.path.normpath(os.path.dirname(os.path.dirname(exe)))
        if owner not in here and os.path.realpath(owner) not in here:
            return f"{os.path.join(bin_dir, name)} runs {exe}"
    return None


def _base_interpreter(cfg: PyvenvCfg, short: str | None, memo: Memo | None = None) -> str | None:
    """The base executable: named in the file, else looked for in ``home``."""
    named = cfg.base_executable
    if named:
        return named
    home = cfg.home
    if not home:
        return None
    found = _remembered(
        {} if memo is None else memo, "home", f"{short}\0{home}", lambda _: layout.base_in_home(home, short)
    )
    if found is not None:
        return found
    return os.path.join(home, "python.exe" if layout.WINDOWS else f"python{short or '3'}")


def _implementation(cfg: PyvenvCfg | None, path: str, found: list[tuple[str, str]]) -> str:
    raw = (cfg.get("implementation") if cfg else None) or ""  # virtualenv and uv write it
    if raw.strip():
        return raw.strip().lower()
    if any(os.sep + "pypy" in d.lower() for _, d in found):
        return "pypy"
    home = ((cfg.home if cfg else None) or "").lower()
    if "pypy" in home:
        return "pypy"
    if "graalpy" in home:
        return "graalpy"
    return "cpython"


def _only_version(found: list[tuple[str, str]]) -> str | None:
    versions = {v for v, _ in found if v}
    return versions.pop() if len(versions) == 1 else None


def _same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return os.path.realpath(a) == os.path.realpath(b)


# -- base interpreters ------------------------------------------------------------------------


def interpreter_floor(interpreter: Interpreter, *, active: bool = False) -> Floor:
    """A base interpreter counted as a floor: its own site-packages."""
    from venv_tui.services.site import interpreter_site

    short = interpreter.short_version
    label = f"python{short}" if short else os.path.basename(interpreter.path)
    env = Environment(
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
    site = interpreter_site(
        interpreter.path, version=interpreter.version, implementation=interpreter.implementation
    )
    return Floor(env, site)


def missing_active(path: str) -> Floor:
    """``$VIRTUAL_ENV`` names something that is no longer an environment: say so."""
    if not os.path.lexists(path):
        problem = f"VIRTUAL_ENV points to {path}, which no longer exists"
    else:
        problem = f"VIRTUAL_ENV points to {path}, which is not a virtual environment"
    return _broken_floor(path, "active", problem, active=True)


def unreadable_floor(path: str, source: EnvironmentSource, reason: str) -> Floor:
    """A folder under a root that cannot be listed: shown with the reason, never dropped."""
    return _broken_floor(path, source, f"{path} cannot be read ({reason})", active=False)


def _broken_floor(path: str, source: EnvironmentSource, problem: str, *, active: bool) -> Floor:
    """A floor known only by its path and why it cannot run: no interpreter, nothing installed."""
    env = Environment(
        path=path,
        name=os.path.basename(os.path.normpath(path)) or path,
        python_version=None,
        base_interpreter=None,
        creator="unknown",
        system_site_packages=False,
        health="broken",
        problem=problem,
        active=active,
        source=source,
        python=None,
    )
    return Floor(env, _empty_site(env))


def _empty_site(env: Environment) -> Site:
    return Site(
        path=env.path,
        python=None,
        python_version=None,
        implementation="cpython",
        own_dirs=(),
        problem=env.problem,
        health=env.health,
    )


# -- what a user named ------------------------------------------------------------------------


def inspect_path(
    path: str,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Floor:
    """An environment folder (or its pyvenv.cfg), an executable in one, a Python installation's
    folder, or a base interpreter. Raises BadInput with one sentence when ``path`` is missing or
    is none of these."""
    from venv_tui.files import check_path, os_reason

    check_path(path)
    env = os.environ if environ is None else environ
    full = os.path.expanduser(path)
    if not os.path.isabs(full):
        full = os.path.join(cwd or os.getcwd(), full)
    full = os.path.normpath(full)
    try:
        os.lstat(full)
    except OSError as err:
        raise BadInput(os_reason(err), path=path) from None
    if os.path.isdir(full):
        if layout.is_environment(full):
            return inspect_folder(full)
        if not os.access(full, os.R_OK | os.X_OK):
            raise BadInput("cannot be read (permission denied)", path=path)
        # A Python installation's folder (a conda env, a pyenv version): its interpreter.
        for name in ("python3", "python"):
            exe = os.path.join(layout.bin_dir(full), name)
            if os.path.isfile(exe) and layout.venv_of_executable(exe) is None:
                return _interpreter_path(exe, env, cwd, path)
        raise BadInput(
            f"is not a virtual environment (it has no {layout.PYVENV_CFG}) nor a Python installation",
            path=path,
        )
    if os.path.basename(full) == layout.PYVENV_CFG:
        return inspect_folder(os.path.dirname(full))
    owner = layout.venv_of_executable(full)
    if owner is not None:
        floor = inspect_folder(owner)
        if os.path.normpath(full) != floor.environment.python:
            # Named by another of its executables: that one is what runs.
            return Floor(floor.environment, replace(floor.site, python=full))
        return floor
    if not os.path.exists(full):
        raise BadInput(f"is a link to {os.readlink(full)}, which does not exist", path=path)
    if not layout.looks_like_interpreter(full):
        raise BadInput(
            f"is not a virtual environment (it has no {layout.PYVENV_CFG}) nor a Python interpreter",
            path=path,
        )
    return _interpreter_path(full, env, cwd, path)


def _interpreter_path(exe: str, environ: Mapping[str, str], cwd: str | None, named: str) -> Floor:
    from venv_tui.services.discover.interpreters import describe_interpreter

    found = describe_interpreter(exe, environ=environ, cwd=cwd)
    if found is None:
        raise BadInput("is a pyenv shim for a version that is not installed", path=named)
    return interpreter_floor(found)


def candidates_of(
    pairs: Sequence[tuple[Environment, Site | Callable[[], Site]]],
    cache_root: str | None = None,
) -> list[tuple[Environment, PackageSet | None, str | None]]:
    """(floor, its packages, None) for each floor, or (floor, None, the reason) for one whose
    site or packages cannot be read: one such floor never hides the others (for a fit).
    ``cache_root``: where what was read of each floor is kept (see ``read_packages``)."""
    from venv_tui.services.packages import read_packages

    out: list[tuple[Environment, PackageSet | None, str | None]] = []
    for env, site in pairs:
        try:
            site_now = site if isinstance(site, Site) else site()
            out.append((env, read_packages(site_now, cache_root=cache_root), None))
        except Exception as err:
            out.append((env, None, str(err)))
    return out
