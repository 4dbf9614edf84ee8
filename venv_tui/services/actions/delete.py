"""Deleting an environment, behind a guard that refuses everything that is not plainly one.

The confirmation that names the path belongs to the client (UI or CLI); :func:`check_deletable`
is the guard both call first and :func:`delete_environment` calls again right before removing,
so nothing changes between the question and the answer unnoticed.
"""

from __future__ import annotations

import os
import shutil
import sys

from venv_tui.errors import Refused, ToolFailed
from venv_tui.services.pyvenv import PYVENV_CFG


def _inside(child: str, parent: str) -> bool:
    """Whether real path ``child`` is ``parent`` or lies below it."""
    if child == parent:
        return True
    prefix = parent if parent.endswith(os.sep) else parent + os.sep
    return child.startswith(prefix)


def check_deletable(
    path: str, *, running_prefix: str | None = None, home: str | None = None
) -> str:
    """The absolute path that :func:`delete_environment` would remove, or Refused with the
    reason: a missing path, a symbolic link, the root folder, the home folder or one holding
    it, a folder without ``pyvenv.cfg`` at its top, or the environment venv-tui runs in."""
    if not path or not path.strip():
        raise Refused("no path was given to delete")
    target = os.path.abspath(os.path.expanduser(path))
    # A link is judged before anything follows it: deleting must never reach its target.
    if os.path.islink(target):
        raise Refused("is a symbolic link; delete what it points to by its own path", path=target)
    if not os.path.exists(target):
        raise Refused("does not exist", path=target)
    if not os.path.isdir(target):
        raise Refused("is not a folder, so not a virtual environment", path=target)
    real = os.path.realpath(target)
    if real == os.path.realpath(os.sep) or os.path.dirname(real) == real:
        raise Refused("is the root folder", path=target)
    home_real = os.path.realpath(os.path.expanduser(home or "~"))
    if _inside(home_real, real):
        what = "your home folder" if home_real == real else "a folder that holds your home folder"
        raise Refused(f"is {what}", path=target)
    if not os.path.isfile(os.path.join(target, PYVENV_CFG)):
        raise Refused("is not a virtual environment (no pyvenv.cfg at its top)", path=target)
    prefix = running_prefix if running_prefix is not None else sys.prefix
    if _inside(os.path.realpath(prefix), real):
        raise Refused("is the environment venv-tui runs in", path=target)
    executable = sys.executable
    if executable:
        # The link itself (env/bin/python) and what it resolves to: either under PATH means
        # the running interpreter would lose its files.
        for candidate in (os.path.abspath(executable), os.path.realpath(executable)):
            if _inside(os.path.realpath(os.path.dirname(candidate)), real):
                raise Refused("holds the Python that venv-tui runs on", path=target)
    return target


def delete_environment(
    path: str, *, running_prefix: str | None = None, home: str | None = None
) -> None:
    """Check again, then remove the environment folder. Links inside it are removed as links:
    ``shutil.rmtree`` never follows them (and refuses a link at the top, which the check has
    already ruled out). Raises Refused or ToolFailed with one sentence."""
    target = check_deletable(path, running_prefix=running_prefix, home=home)
    failures: list[str] = []

    def note(_func: object, failed_path: str, exc: object) -> None:
        error = exc[1] if isinstance(exc, tuple) else exc
        reason = getattr(error, "strerror", None) or str(error)
        failures.append(f"{failed_path} ({reason})")

    if sys.version_info >= (3, 12):
        shutil.rmtree(target, onexc=note)
    else:
        shutil.rmtree(target, onerror=note)
    if failures:
        more = f" and {len(failures) - 1} more" if len(failures) > 1 else ""
        raise ToolFailed(f"could not delete everything: {failures[0]}{more}", path=target)
