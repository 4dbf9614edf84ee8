"""Pure decisions the flows make: which refusal offers a new floor, which imports must be asked
for by name, what a delete confirmation says. Tested without a pilot."""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from venv_tui.errors import Refused
    from venv_tui.model import Vulnerability
    from venv_tui.ui.protocol import DeletePlan
    from venv_tui.ui.state import FloorIndex, SourceResult


def offers_new_floor(err: Refused) -> bool:
    """A refusal to change a base interpreter marked externally managed (PEP 668): the answer
    is a new floor, one key away."""
    if getattr(err, "externally_managed", False) or "ExternallyManaged" in type(err).__name__:
        return True
    return "externally managed" in str(err).lower() or "externally-managed" in str(err).lower()


def unknown_imports(result: SourceResult) -> tuple[list[str], list[str]]:
    """The failing hands of a robot split in two: requirements pip may be given, and imports
    whose distribution is unknown (never sent to pip: a name on the index may be someone
    else's). An import counts as known only when the services mapped it to a distribution."""
    if result.check is None or result.source is None:
        return [], []
    inferred = {r.text: r for r in result.source.requirements if r.inferred}
    known: list[str] = []
    unknown: list[str] = []
    for check in result.check.failures:
        module = getattr(check, "import_name", None) or getattr(check, "module", None)
        source_req = inferred.get(check.requirement)
        if module is not None and check.name:
            known.append(check.requirement)  # mapped by the services to a distribution
        elif module is not None:
            unknown.append(module)
        elif source_req is not None:
            unknown.append(source_req.name or check.requirement)
        else:
            known.append(check.requirement)
    return known, unknown


def delete_message(plan: DeletePlan) -> str:
    """What deleting does, in plain words: what goes, what stays, which links go with it."""
    lines = []
    if plan.managed_by:
        how = f": its own command is `{plan.command}`" if plan.command else ""
        lines.append(f"{plan.folder} is managed by {plan.managed_by}{how}.")
    if plan.kept:
        lines.append(
            f"Only the environment's own entries in {plan.folder} are removed "
            f"({', '.join(plan.removed) or 'its files'}); these stay: {', '.join(plan.kept)}."
        )
    else:
        lines.append(f"This removes the folder {plan.folder} and everything in it.")
    if plan.links:
        lines.append(f"Links to it are removed too: {', '.join(plan.links)}.")
    return "\n".join(lines)


def _version(text: str) -> object | None:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        return None


def fix_version(
    installed: str, latest: str | None, vulnerabilities: Sequence[Vulnerability] = ()
) -> str | None:
    """The version a fix installs: the newest the floor can install, unless that is older than
    a version fixing every known vulnerability, then that fixing version. None when nothing
    newer is known (or a vulnerability has no fix yet and nothing newer is known)."""
    from packaging.version import Version

    needed: Version | None = None
    for vuln in vulnerabilities:
        fixes = [v for v in (_version(f) for f in vuln.fixed_in) if isinstance(v, Version)]
        if fixes and (needed is None or min(fixes) > needed):
            needed = min(fixes)
    newest = _version(latest) if latest else None
    current = _version(installed)
    if isinstance(newest, Version) and (needed is None or newest >= needed):
        choice: Version | None = newest
    else:
        choice = needed
    if choice is None or (isinstance(current, Version) and choice <= current):
        return None
    return str(choice) if choice != newest else latest


def index_words(index: FloorIndex | None) -> str:
    """A floor's count, as the floors panel shows it: "2 outdated, 1 vulnerable"."""
    if index is None:
        return ""
    if index.problem:
        return "not checked"
    outdated, vulnerable = index.counts
    words = [f"{outdated} outdated"] if outdated else []
    words += [f"{vulnerable} vulnerable"] if vulnerable else []
    return ", ".join(words) or "up to date"


def cached_words(cached_at: float | None, now: float | None = None) -> str:
    """When cached answers were fetched: "cached 14:05" today, else "cached 2026-11-24 14:05"."""
    if cached_at is None:
        return ""
    stamp = time.localtime(cached_at)
    today = time.localtime(now if now is not None else time.time())
    if stamp[:3] == today[:3]:
        return "cached " + time.strftime("%H:%M", stamp)
    return "cached " + time.strftime("%Y-%m-%d %H:%M", stamp)


EXPORT_FORMATS = ("requirements", "pylock")


def export_file(fmt: str, floor: str) -> str:
    """The default file name of an export: ``requirements-<floor>.txt`` or ``pylock.toml``."""
    if fmt == "pylock":
        return "pylock.toml"
    # A floor's name may hold spaces or a leading dot (".venv"): keep a plain file name.
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", floor).strip(".-") or "floor"
    return f"requirements-{stem}.txt"


def export_folder(env_path: str, is_venv: bool, project: str | None, cwd: str) -> str:
    """Where an export goes by default: the project folder, else the folder that holds the
    floor (a ``.venv`` sits in its project), else the current folder."""
    if project:
        return project
    if is_venv:
        return os.path.dirname(os.path.abspath(env_path))
    return cwd


def index_options(pip_args: Sequence[str]) -> tuple[tuple[str, ...], bool]:
    """The index options the app was started with (the demo's offline wheels), as the index
    services take them: each ``--find-links DIR``, and whether ``--no-index`` was given."""
    links = tuple(b for a, b in itertools.pairwise(pip_args) if a == "--find-links")
    return links, "--no-index" in pip_args
