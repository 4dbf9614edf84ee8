"""Deleting an environment: a plan that says exactly what goes, behind guards that refuse
everything that is not plainly a venv's own files.

:func:`plan_delete` decides (and raises Refused with the reason); the client shows the plan
(what goes, what stays, the links, the tool that owns the floor) and asks; :func:`delete`
carries out exactly that plan, checking the folder again first and, while it removes, that it
never leaves the plan's file system and never follows a link.

The guards, each from a real way data was lost:
- ``pyvenv.cfg`` must be a regular file and the folder must have a venv's shape (a ``python*``
  entry in ``bin``/``Scripts``, a ``lib``/``Lib`` folder): a link or a stray cfg makes nothing
  deletable;
- a folder that also holds other things (sources, ``.git``) loses only the venv's own entries;
- a mount point under the folder (another file system, or a bind mount of this one) is refused
  before anything is removed;
- a link is never followed: a delete asked through one is refused and names the real folder;
  the links pyenv-virtualenv and virtualenvwrapper keep to a floor go with it;
- never ``/``, the home folder, the environment venv-tui runs in, or a base interpreter.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import sys
from collections.abc import Iterable, Mapping

from venv_tui.errors import Refused, ToolFailed, shorten
from venv_tui.files import LIMIT_SMALL, Unreadable, kind_of, os_reason, read_bytes, shown
from venv_tui.model import DeletePlan
from venv_tui.services.actions.remove import DIR_FLAGS, mount_points, remove_entry
from venv_tui.text import printable

PYVENV_CFG = "pyvenv.cfg"
BASE_INTERPRETER = "is a base interpreter, not an environment: remove it with the tool that installed it"

# What a venv is made of at its top: these go, everything else stays.
_OWN_FOLDERS = frozenset({"bin", "Scripts", "lib", "Lib", "lib64", "include", "Include", "share"})
# Files the venv tools write at the top (uv, virtualenv, pipx, uv tool).
_OWN_FILES = frozenset({PYVENV_CFG, "pipx_metadata.json", "uv-receipt.toml"})
_CACHEDIR_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
_INTERPRETER_NAME = re.compile(r"^(python|pypy|graalpy)[0-9.]*(\.exe)?$", re.IGNORECASE)


def _inside(child: str, parent: str) -> bool:
    """Whether real path ``child`` is ``parent`` or lies below it."""
    if child == parent:
        return True
    prefix = parent if parent.endswith(os.sep) else parent + os.sep
    return child.startswith(prefix)


def plan_delete(
    path: str,
    *,
    running_prefix: str | None = None,
    home: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> DeletePlan:
    """What deleting ``path`` would remove, or Refused with the reason. Nothing is changed."""
    env = os.environ if environ is None else environ
    if not path or not path.strip():
        raise Refused("no path was given to delete")
    if "\0" in path:
        raise Refused("the path contains a NUL byte", path=shown(path.replace("\0", "\\0")))
    target = os.path.abspath(os.path.expanduser(path))
    try:
        st = os.lstat(target)
    except OSError as err:
        raise Refused(os_reason(err), path=shown(target)) from None
    # Before the link rule: /usr/bin/python3 is often a link, and the true reason is what it is.
    if _is_base_interpreter(target):
        raise Refused(BASE_INTERPRETER, path=shown(target))
    owner = None if os.path.isdir(target) else _venv_of_executable(target)
    if owner:
        raise Refused(
            f"is the Python of the environment {printable(shown(owner))}; delete that folder",
            path=shown(target),
        )
    if stat.S_ISLNK(st.st_mode):
        real = os.path.realpath(target)
        raise Refused(
            f"is a symbolic link to {printable(shown(real))}; a link is never followed to delete: "
            "name the environment by its own path",
            path=shown(target),
        )
    if not stat.S_ISDIR(st.st_mode):
        raise Refused("is not a folder, so not a virtual environment", path=shown(target))
    real = os.path.realpath(target)
    _refuse_protected(target, real, running_prefix, home, env.get("HOME"))
    _check_shape(target, real)
    own, stays = _top_entries(real)
    device = os.lstat(real).st_dev
    _refuse_mounts(real, own, device, whole=not stays)
    managed_by, command = _managed(real, env)
    return DeletePlan(
        folder=real,
        entries_to_remove=tuple(sorted(own)),
        entries_that_stay=tuple(sorted(stays)),
        links=tuple(_links_to(real, env)),
        managed_by=managed_by,
        command=command,
        device=device,
    )


def check_deletable(
    path: str,
    *,
    running_prefix: str | None = None,
    home: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The folder that deleting ``path`` removes whole, or Refused with the reason.

    For clients that confirm "this folder and everything in it": a floor that shares its folder
    with other things is refused here (it is never removed whole); :func:`plan_delete` is what
    lets a client remove just the venv's entries after showing what stays."""
    plan = plan_delete(path, running_prefix=running_prefix, home=home, environ=environ)
    if not plan.whole:
        raise Refused(
            f"also holds what is not the environment's ({_some(plan.entries_that_stay)}), "
            "so it is never removed whole",
            path=shown(plan.folder),
        )
    return plan.folder


def _some(names: tuple[str, ...], shown_at_most: int = 4) -> str:
    more = len(names) - shown_at_most
    listed = ", ".join(printable(shorten(name, 40)) for name in names[:shown_at_most])
    return listed + (f" and {more} more" if more > 0 else "")


def delete_environment(
    path: str, *, running_prefix: str | None = None, home: str | None = None
) -> None:
    """Plan, then carry out the plan (for callers that confirmed the path already)."""
    plan = plan_delete(path, running_prefix=running_prefix, home=home)
    delete(plan, running_prefix=running_prefix, home=home)


def delete(
    plan: DeletePlan,
    *,
    running_prefix: str | None = None,
    home: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Remove exactly what ``plan`` names. The folder is checked again first: if anything the
    plan relies on changed, Refused and nothing is removed. Raises ToolFailed naming what could
    not be removed."""
    now = plan_delete(plan.folder, running_prefix=running_prefix, home=home, environ=environ)
    if (
        now.device != plan.device
        or not set(plan.entries_to_remove) <= set(now.entries_to_remove)
        or (plan.whole and not now.whole)
    ):
        raise Refused("changed since it was checked; nothing was deleted", path=shown(plan.folder))
    failures: list[str] = []
    mounts = mount_points()
    try:
        top = os.open(plan.folder, DIR_FLAGS)
    except OSError as err:
        raise ToolFailed(f"could not open it ({os_reason(err)})", path=shown(plan.folder)) from None
    try:
        if os.fstat(top).st_dev != plan.device:
            raise Refused("is now on another file system; nothing was deleted", path=shown(plan.folder))
        for name in plan.entries_to_remove:
            remove_entry(top, name, os.path.join(plan.folder, name), plan.device, mounts, failures)
    finally:
        os.close(top)
    for link in plan.links:
        # Only a link that still points here: one re-pointed since is someone else's.
        if os.path.islink(link) and os.path.realpath(link) == plan.folder:
            try:
                os.unlink(link)
            except OSError as err:
                failures.append(f"{link} ({os_reason(err)})")
    if plan.whole and not failures:
        try:
            os.rmdir(plan.folder)
        except OSError as err:
            failures.append(f"{plan.folder} ({os_reason(err)})")
    if failures:
        more = f" and {len(failures) - 1} more" if len(failures) > 1 else ""
        raise ToolFailed(f"could not delete everything: {failures[0]}{more}", path=shown(plan.folder))


# -- the guards --------------------------------------------------------------------------------


def _refuse_protected(
    target: str, real: str, running_prefix: str | None, home: str | None, env_home: str | None
) -> None:
    if os.path.dirname(real) == real:
        raise Refused("is the root folder", path=shown(target))
    homes = {os.path.expanduser(home)} if home else {os.path.expanduser("~"), env_home or "~"}
    for home_real in sorted(os.path.realpath(os.path.expanduser(h)) for h in homes):
        if _inside(home_real, real):
            what = "your home folder" if home_real == real else "a folder that holds your home folder"
            raise Refused(f"is {what}", path=shown(target))
    prefix = running_prefix if running_prefix is not None else sys.prefix
    if _inside(os.path.realpath(prefix), real):
        raise Refused("is the environment venv-tui runs in", path=shown(target))
    executable = sys.executable
    if executable:
        # The link itself (env/bin/python) and what it resolves to: either under the folder
        # means the running interpreter would lose its files.
        for candidate in (os.path.abspath(executable), os.path.realpath(executable)):
            if _inside(os.path.realpath(os.path.dirname(candidate)), real):
                raise Refused("holds the Python that venv-tui runs on", path=shown(target))


def _check_shape(target: str, real: str) -> None:
    cfg = os.path.join(real, PYVENV_CFG)
    try:
        mode = os.lstat(cfg).st_mode
    except FileNotFoundError:
        raise Refused("is not a virtual environment (no pyvenv.cfg at its top)", path=shown(target)) from None
    except OSError as err:
        raise Refused(f"its pyvenv.cfg cannot be checked ({os_reason(err)})", path=shown(target)) from None
    if stat.S_ISLNK(mode):
        raise Refused(
            "its pyvenv.cfg is a symbolic link, not the file a venv tool writes; not deleted",
            path=shown(target),
        )
    if not stat.S_ISREG(mode):
        raise Refused(f"its pyvenv.cfg is {kind_of(mode)}, not a file; not deleted", path=shown(target))
    if not any(_has_python(os.path.join(real, d)) for d in ("bin", "Scripts")):
        raise Refused(
            "does not have a virtual environment's shape (no python in bin/ or Scripts/); not deleted",
            path=shown(target),
        )
    if not any(_is_real_dir(os.path.join(real, d)) for d in ("lib", "Lib")):
        raise Refused(
            "does not have a virtual environment's shape (no lib folder); not deleted", path=shown(target)
        )


def _is_real_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _has_python(bin_dir: str) -> bool:
    """A ``python*`` entry in a real bin folder; a dangling link counts (a broken floor)."""
    if not _is_real_dir(bin_dir):
        return False
    try:
        names = os.listdir(bin_dir)
    except OSError:
        return False
    return any(name.lower().startswith("python") for name in names)


def _top_entries(real: str) -> tuple[list[str], list[str]]:
    try:
        entries = list(os.scandir(real))
    except OSError as err:
        raise Refused(f"cannot be listed ({os_reason(err)})", path=shown(real)) from None
    own: list[str] = []
    stays: list[str] = []
    for entry in entries:
        (own if _is_own(entry) else stays).append(entry.name)
    return own, stays


def _is_own(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    try:
        is_link = entry.is_symlink()
        is_dir = entry.is_dir(follow_symlinks=False)
        is_file = entry.is_file(follow_symlinks=False)
    except OSError:
        return False
    if name in _OWN_FOLDERS:
        # lib64 is a link to lib in a venv; any other folder name must be a real folder.
        return is_dir or is_link
    if not is_file:
        return False
    if name in _OWN_FILES:
        return True
    # A project's own .gitignore or lock file looks the same by name: only the tools' exact
    # content counts as the venv's.
    if name == ".gitignore":
        return _small(entry.path, lambda data: _only_star(data))
    if name == "CACHEDIR.TAG":
        return _small(entry.path, lambda data: data.startswith(_CACHEDIR_SIGNATURE))
    if name == ".lock":
        return _small(entry.path, lambda data: data == b"")
    if name == ".project":  # virtualenvwrapper: one line, the project's folder
        return _small(entry.path, lambda data: _one_folder_line(data))
    return False


def _small(path: str, test: object) -> bool:
    try:
        data = read_bytes(path, LIMIT_SMALL)
    except Unreadable:
        return False
    return bool(test(data))  # type: ignore[operator]


def _only_star(data: bytes) -> bool:
    lines = [ln.strip() for ln in data.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith(b"#")] == [b"*"]


def _one_folder_line(data: bytes) -> bool:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return len(lines) == 1 and os.path.isabs(lines[0]) and "\0" not in lines[0] and os.path.isdir(lines[0])


def _is_base_interpreter(target: str) -> bool:
    """An interpreter executable outside any venv, or an installation prefix (bin/python and a
    standard library, no pyvenv.cfg)."""
    try:
        real = os.path.realpath(target)
        st = os.stat(real)
    except (OSError, ValueError):
        return False
    if stat.S_ISREG(st.st_mode):
        names = (os.path.basename(target), os.path.basename(real))
        return any(_INTERPRETER_NAME.match(n) for n in names) and _venv_of_executable(target) is None
    if not stat.S_ISDIR(st.st_mode) or os.path.lexists(os.path.join(real, PYVENV_CFG)):
        return False
    has_python = any(_has_python(os.path.join(real, d)) for d in ("bin", "Scripts")) or os.path.isfile(
        os.path.join(real, "python.exe")
    )
    if not has_python:
        return False
    if os.path.isfile(os.path.join(real, "Lib", "os.py")):
        return True
    try:
        stdlib_names = os.listdir(os.path.join(real, "lib"))
    except OSError:
        return False
    stdlibs = [n for n in stdlib_names if n.startswith(("python", "pypy"))]
    return any(os.path.isfile(os.path.join(real, "lib", n, "os.py")) for n in stdlibs)


def _venv_of_executable(target: str) -> str | None:
    """The environment folder whose bin/ holds ``target`` (as given, not resolved), if any."""
    folder = os.path.dirname(os.path.dirname(os.path.abspath(target)))
    return folder if os.path.lexists(os.path.join(folder, PYVENV_CFG)) else None


# -- file systems ------------------------------------------------------------------------------


def _refuse_mounts(real: str, own: Iterable[str], device: int, *, whole: bool) -> None:
    """Refused when a mount point lies under what would be removed, found before anything is."""
    mounts = mount_points()
    if whole and real in mounts:
        raise Refused("is a mount point; another file system is never deleted into", path=shown(real))
    roots = [os.path.join(real, name) for name in own]
    for point in sorted(mounts):
        if any(_inside(point, root) for root in roots):
            raise Refused(
                f"holds a mount point ({printable(shown(point))}); another file system is never deleted into",
                path=shown(real),
            )
    # Without a mount table (or for a mount made since), a folder on another device tells.
    stack = [r for r in roots if _is_real_dir(r)]
    while stack:
        folder = stack.pop()
        try:
            if os.lstat(folder).st_dev != device:
                raise Refused(
                    f"holds another file system at {printable(shown(folder))}; it is never deleted into",
                    path=shown(real),
                )
            with os.scandir(folder) as it:
                stack.extend(e.path for e in it if e.is_dir(follow_symlinks=False))
        except OSError:
            continue  # unreadable: removing will fail there and say so


# -- links and owners --------------------------------------------------------------------------


def _links_to(real: str, env: Mapping[str, str]) -> list[str]:
    """Links to ``real`` where pyenv-virtualenv (``versions/NAME``) and virtualenvwrapper keep
    them; they go with the floor, and nothing else is searched."""
    home = env.get("HOME") or os.path.expanduser("~")
    pyenv = env.get("PYENV_ROOT") or os.path.join(home, ".pyenv")
    folders = [os.path.join(pyenv, "versions"), env.get("WORKON_HOME") or os.path.join(home, ".virtualenvs")]
    found: list[str] = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_symlink() and os.path.realpath(entry.path) == real:
                    found.append(entry.path)
            except OSError:
                continue
    return sorted(set(found))


def _managed(real: str, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The tool that owns the floor and its own command to remove it, if one does."""
    name = os.path.basename(real)
    home = env.get("HOME") or os.path.expanduser("~")
    data = env.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    cache = env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    parent = os.path.dirname(real)

    def under(*folders: str | None) -> bool:
        return any(f and os.path.realpath(f) == parent for f in folders)

    pipx_home = env.get("PIPX_HOME")
    if os.path.isfile(os.path.join(real, "pipx_metadata.json")) or under(
        pipx_home and os.path.join(pipx_home, "venvs"),
        os.path.join(home, ".local", "pipx", "venvs"),
        os.path.join(data, "pipx", "venvs"),
    ):
        return "pipx", f"pipx uninstall {shlex.quote(name)}"
    if os.path.isfile(os.path.join(real, "uv-receipt.toml")) or under(
        env.get("UV_TOOL_DIR"), os.path.join(data, "uv", "tools")
    ):
        return "uv tool", f"uv tool uninstall {shlex.quote(name)}"
    if under(env.get("POETRY_VIRTUALENVS_PATH"), os.path.join(cache, "pypoetry", "virtualenvs")):
        return "poetry", f"poetry env remove {shlex.quote(name)} (in the project's folder)"
    hatch_data = env.get("HATCH_DATA_DIR") or os.path.join(data, "hatch")
    hatch = os.path.realpath(os.path.join(hatch_data, "env", "virtual"))
    if _inside(real, hatch) and real != hatch:
        return "hatch", f"hatch env remove {shlex.quote(name)} (in the project's folder)"
    return None, None
