"""Rebuilding an environment (on another interpreter, or because its base Python is gone) with
the same packages, so that the old one survives every failure.

Why not build the new one beside it and swap: a venv has its own path baked in (``bin/activate``,
every script's ``#!`` line), so an environment built at ``PATH.tmp`` and renamed to ``PATH``
would have broken scripts. Instead:

1. read the package list and options (system-site-packages, prompt, pip or not) from disk;
2. rename the old environment aside to ``PATH.old-TIMESTAMP`` (one rename, same folder);
3. create the new environment at ``PATH`` and install the list into it;
4. on success remove the old copy; on any failure or cancel, remove the new ``PATH`` and rename
   the old copy back, so the user has exactly what they had.

What is reinstalled: every distribution of the environment itself (not what it inherits from
its base with ``--system-site-packages``), pinned ``name==version``, except pip, setuptools and
wheel (the new environment gets those from venv, matched to its Python). Dependencies are
resolved again, so a dependency that the new Python needs and the old did not (a marker such as
``python_version < "3.11"``) is added. An editable install is reinstalled from its project
folder with ``--editable DIR``: that option is built here from what the disk says, never from
user text. A distribution whose metadata cannot be read is left out and named in the output.
The new environment is made by ``python -m venv``, whatever tool made the old one. A name read
from the disk becomes a requirement only when it is a valid project name (a METADATA ``Name:
evil @ file:///...`` is left out, with a sentence). Afterwards the ``REQUESTED`` marks are as
they were: pip marks everything it was told to install, so the marks of what the user had not
asked for are taken off again.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from venv_tui.errors import BadInput
from venv_tui.model import PackageSet, PipResult

LineCallback = Callable[[str], None]

# The new environment brings its own: their versions belong to its Python, not the old one's.
NOT_REINSTALLED = frozenset({"pip", "setuptools", "wheel", "distribute"})


@dataclass(frozen=True)
class RebuildPlan:
    """What a rebuild would reinstall, decided from the packages on disk (pure)."""

    requirements: tuple[str, ...]  # "name==version"
    editables: tuple[str, ...]  # project folders of editable installs
    skipped: tuple[str, ...]  # sentences about what is left out
    requested: frozenset[str] = frozenset()  # canonical names the user asked for (REQUESTED)


# A legacy version pinned with ===: plain characters only, so the pin stays one requirement.
_LEGACY_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+!-]*")


def plan_rebuild(packages: PackageSet) -> RebuildPlan:
    from packaging.version import InvalidVersion, Version

    from venv_tui.text import is_project_name, printable

    requirements: list[str] = []
    editables: list[str] = []
    skipped: list[str] = []
    requested: set[str] = set()
    for dist in packages.distributions:
        if dist.inherited:
            continue
        if not is_project_name(dist.name):
            # A METADATA Name such as "evil @ file:///..." would be a whole requirement for pip.
            skipped.append(
                f"{printable(dist.name)!r} is left out: its metadata Name is not a project name"
            )
            continue
        if dist.key in NOT_REINSTALLED:
            continue
        if dist.problem:
            skipped.append(f"{dist.name} is left out: {dist.problem}")
            continue
        if dist.requested:
            requested.add(dist.key)
        if dist.editable:
            if dist.editable_location and os.path.isdir(dist.editable_location):
                editables.append(dist.editable_location)
            else:
                skipped.append(f"{dist.name} is left out: its editable project folder is gone")
            continue
        try:
            Version(dist.version)
            operator = "=="
        except InvalidVersion:
            operator = "==="  # a legacy version string: only an exact text match pins it
            if not _LEGACY_VERSION.fullmatch(dist.version):
                skipped.append(
                    f"{dist.name} is left out: its version {printable(dist.version)!r} cannot be pinned"
                )
                continue
        requirements.append(f"{dist.name}{operator}{dist.version}")
    return RebuildPlan(tuple(requirements), tuple(editables), tuple(skipped), frozenset(requested))


def restore_requested(env: str, requested: frozenset[str]) -> list[str]:
    """Put the ``REQUESTED`` marks back as they were before the rebuild.

    pip marks every requirement named on its command line as requested, and a rebuild names
    every package it reinstalls; afterwards only what the user had asked for keeps the mark
    (``pip list --not-required`` and the app's "top level" depend on it). The mark is a file in
    the dist-info folder listed in ``RECORD``: both change together, so ``pip uninstall`` still
    removes everything. Returns sentences about marks that could not be changed."""
    from venv_tui.services.packages import read_packages
    from venv_tui.services.site import open_site

    problems: list[str] = []
    for dist in read_packages(open_site(env)).distributions:
        if dist.inherited or dist.kind != "dist-info" or dist.key in NOT_REINSTALLED:
            continue
        want = dist.key in requested
        if want == dist.requested:
            continue
        try:
            _set_requested(dist.metadata_path, want)
        except OSError as err:
            problems.append(f"the REQUESTED mark of {dist.name} could not be changed ({err.strerror})")
    return problems


def _set_requested(dist_info: str, want: bool) -> None:
    from venv_tui import files
    from venv_tui.config import write_atomic

    marker = os.path.join(dist_info, "REQUESTED")
    record = os.path.join(dist_info, "RECORD")
    line = f"{os.path.basename(dist_info)}/REQUESTED,,"
    try:
        lines = files.read_text(record, files.LIMIT_RECORD).splitlines()
    except files.Unreadable:
        lines = []
    kept = [entry for entry in lines if entry.split(",", 1)[0] != line.split(",", 1)[0]]
    if want:
        with open(marker, "wb"):
            pass
        kept.append(line)
    else:
        os.unlink(marker)
    if lines:
        write_atomic(record, ("\n".join(kept) + "\n").encode("utf-8"))


def _aside_path(target: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = f"{target}.old-{stamp}"
    number = 1
    while os.path.lexists(candidate):
        number += 1
        candidate = f"{target}.old-{stamp}-{number}"
    return candidate


def _restore(target: str, aside: str, say: LineCallback) -> None:
    """Put the old environment back where it was."""
    if os.path.lexists(target):
        shutil.rmtree(target, ignore_errors=True)
    if os.path.lexists(target):
        say(f"venv-tui: could not remove the new {target}; the old environment is kept at {aside}")
        return
    os.rename(aside, target)
    say(f"venv-tui: the old environment is back at {target}")


def rebuild_environment(
    path: str,
    *,
    python: str,
    on_line: LineCallback | None = None,
    cancel: threading.Event | None = None,
    extra_args: Sequence[str] = (),
) -> PipResult:
    """Rebuild ``path`` on ``python`` with the same packages. Raises BadInput/Refused before
    anything changes; returns the result of the last step (ok, failed or cancelled). After a
    failure the old environment is in place, unchanged."""
    from venv_tui.services.actions.create import create_environment, resolve_python
    from venv_tui.services.actions.delete import check_deletable
    from venv_tui.services.actions.pip import has_pip, pip_command, validate_requirement
    from venv_tui.services.packages import read_packages
    from venv_tui.services.process import run_streaming
    from venv_tui.services.pyvenv import read_pyvenv_cfg
    from venv_tui.services.site import open_site

    def say(line: str) -> None:
        if on_line is not None:
            on_line(line)

    # Everything that can be refused is refused before the old environment is touched.
    target = check_deletable(path)
    cfg = read_pyvenv_cfg(target)
    interpreter = resolve_python(python)
    plan = plan_rebuild(read_packages(open_site(target)))
    with_pip = has_pip(target)
    # Validated like a user's requirements, though they come from the disk's metadata.
    reqs = [validate_requirement(r) for r in plan.requirements]
    for sentence in plan.skipped:
        say(f"venv-tui: {sentence}")
    if cancel is not None and cancel.is_set():
        return PipResult(args=(), returncode=None, cancelled=True)

    aside = _aside_path(target)
    try:
        os.rename(target, aside)
    except OSError as err:
        raise BadInput(
            f"cannot be moved aside for the rebuild ({err.strerror})", path=target
        ) from None
    say(f"venv-tui: the old environment is kept at {aside} until the new one works")
    try:
        result = create_environment(
            target,
            python=interpreter,
            system_site_packages=cfg.system_site_packages,
            without_pip=not with_pip,
            prompt=cfg.prompt,
            on_line=on_line,
            cancel=cancel,
        )
        if result.ok and (reqs or plan.editables):
            editable_args: list[str] = []
            for folder in plan.editables:
                editable_args += ["--editable", folder]
            argv = [*pip_command(target), "install", *extra_args, *editable_args, *reqs]
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "VIRTUAL_ENV")}
            result = run_streaming(argv, on_line=on_line, cancel=cancel, env=env, cwd=target)
    except BaseException:
        _restore(target, aside, say)
        raise
    if not result.ok:
        _restore(target, aside, say)
        return result
    for sentence in restore_requested(target, plan.requested):
        say(f"venv-tui: {sentence}")
    shutil.rmtree(aside, ignore_errors=True)
    if os.path.lexists(aside):
        say(
            f"venv-tui: the new environment works, but the old copy at {aside} could not be removed"
        )
    return result
