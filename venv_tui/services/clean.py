"""Clean-up: which floors match the user's filters, which of those may go, and deleting them.

The decisions are pure functions over plain data (the floors, their sizes, when each was last
used, the keep marks), so the CLI and the app share them; :func:`delete_floors` is the thin edge
that removes, one floor at a time, through the delete guard, and goes on after a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from venv_tui.errors import BadInput
from venv_tui.model import DeletePlan, Environment

if TYPE_CHECKING:
    from venv_tui.services.glance import Glance as Services

DAY = 86400.0
_AGE = re.compile(r"^\s*(\d{1,6})\s*([dwmy])\s*$", re.IGNORECASE)
_AGE_UNITS = {"d": DAY, "w": 7 * DAY, "m": 30 * DAY, "y": 365 * DAY}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}

# Floors another tool made and keeps a record of: removing the folder behind its back leaves
# that tool confused, so the tool's own command is named instead.
MANAGED_SOURCES = ("pipx", "uv-tool", "poetry", "hatch")


def parse_age(text: str) -> float:
    """Seconds from ``90d``, ``6w``, ``3m`` (30 days), ``1y`` (365 days). BadInput otherwise."""
    found = _AGE.match(text or "")
    if not found:
        raise BadInput(f"'{text}' is not an age: give a number followed by d, w, m or y (90d, 6w, 1y)")
    return int(found.group(1)) * _AGE_UNITS[found.group(2).lower()]


def parse_size(text: str) -> int:
    """Bytes from ``500M``, ``1G``, ``1.5G``, ``200K``, ``4096`` (powers of 1024). BadInput
    otherwise."""
    found = _SIZE.match(text or "")
    if not found:
        raise BadInput(f"'{text}' is not a size: give a number with K, M or G (500M, 1G)")
    return int(float(found.group(1)) * _SIZE_UNITS[found.group(2).lower()])


@dataclass(frozen=True)
class Filters:
    """What the user asked for; every filter given must hold."""

    broken: bool = False
    stale: bool = False
    older_than: float | None = None  # seconds
    larger_than: int | None = None  # bytes

    @property
    def empty(self) -> bool:
        return not (self.broken or self.stale or self.older_than is not None or self.larger_than is not None)


@dataclass(frozen=True)
class Facts:
    """What is known about one floor when deciding."""

    env: Environment
    size: int | None = None
    last_used: float | None = None  # seconds since the epoch
    made: float | None = None  # when pyvenv.cfg was written, for floors with no use recorded
    keep: bool = False
    refused: str | None = None  # the delete guard's reason, or None when it would allow it
    plan: DeletePlan | None = None  # what the delete would remove


@dataclass(frozen=True)
class Match:
    """A floor that matches the filters; ``skipped`` says why it stays (None: it may go)."""

    path: str
    size: int | None
    reasons: tuple[str, ...]
    skipped: str | None = None
    command: str | None = None  # for a managed floor: the owning tool's own command
    links: tuple[str, ...] = field(default=())
    plan: DeletePlan | None = None  # the delete plan, carried to the delete


def managed_command(env: Environment) -> str | None:
    """The owning tool's command that removes ``env``, or None for a floor no tool manages."""
    name = os.path.basename(os.path.normpath(env.path))
    if env.source == "pipx":
        return f"pipx uninstall {name}"
    if env.source == "uv-tool":
        return f"uv tool uninstall {name}"
    if env.source == "poetry":
        return f"poetry env remove {name} (in its project's folder)"
    if env.source == "hatch":
        return f"hatch env remove {name} (in its project's folder), or hatch env prune"
    return None


def _days(seconds: float) -> int:
    return int(seconds // DAY)


def why_it_stays(env: Environment, *, keep: bool, active: bool, include_managed: bool = False) -> str | None:
    """Why a floor is never offered for clean-up, in the words every client shows (the CLI's
    ``clean``, the app's marks); None when nothing but the delete guard can still say no."""
    from venv_tui.services.actions.delete import BASE_INTERPRETER

    if not env.is_venv:
        return BASE_INTERPRETER.removeprefix("is ")
    if active or env.active:
        return "the active environment"
    if keep:
        return "marked keep"
    command = managed_command(env)
    if command is not None and not include_managed:
        return f"managed by {env.source}; remove it with: {command}"
    return None


def reasons_for(facts: Facts, filters: Filters, now: float) -> tuple[str, ...] | None:
    """Why the floor matches, one phrase per filter, or None when one filter does not hold."""
    env = facts.env
    reasons: list[str] = []
    if filters.broken:
        if env.health != "broken":
            return None
        reasons.append(f"broken: {env.problem}" if env.problem else "broken")
    if filters.stale:
        if env.health != "stale":
            return None
        reasons.append(f"stale: {env.problem}" if env.problem else "stale")
    if filters.older_than is not None:
        when = facts.last_used if facts.last_used is not None else facts.made
        if when is None or now - when < filters.older_than:
            return None
        if facts.last_used is not None:
            reasons.append(f"not used for {_days(now - when)} days")
        else:
            reasons.append(f"made {_days(now - when)} days ago, no use recorded")
    if filters.larger_than is not None:
        if facts.size is None or facts.size <= filters.larger_than:
            return None
        from venv_tui.services.sizes import format_size

        reasons.append(f"{format_size(facts.size)}, larger than {format_size(filters.larger_than)}")
    return tuple(reasons)


def select(
    floors: Sequence[Facts],
    filters: Filters,
    *,
    now: float,
    include_managed: bool = False,
    protected: Mapping[str, str] | None = None,
) -> list[Match]:
    """The floors that match ``filters``, each either free to go or with the reason it stays.

    ``protected`` maps real paths to a reason they never go (the active floor, the floor
    venv-tui runs in). Base interpreters, kept floors and floors the guard refuses stay too;
    managed floors stay unless ``include_managed``, named with their tool's command."""
    if filters.empty:
        raise BadInput("say what to clean: --broken, --stale, --older-than AGE or --larger-than SIZE")
    guarded = protected or {}
    out: list[Match] = []
    for facts in floors:
        reasons = reasons_for(facts, filters, now)
        if reasons is None:
            continue
        env = facts.env
        real = os.path.realpath(env.path)
        skipped: str | None = None
        plan = facts.plan
        command = getattr(plan, "command", None) or managed_command(env)
        owner = getattr(plan, "managed_by", None) or env.source
        if env.is_venv and real in guarded:
            skipped = guarded[real]
        elif plan is not None and plan.command and not include_managed:
            skipped = f"managed by {owner}; remove it with: {command}"
        else:
            skipped = why_it_stays(env, keep=facts.keep, active=False, include_managed=include_managed)
        if skipped is None and facts.refused is not None:
            skipped = facts.refused
        if plan is not None:
            links = tuple(plan.links)
        else:
            aliases = (env.path, *getattr(env, "aliases", ()))
            links = tuple(p for p in aliases if p != real and os.path.realpath(p) == real)
        out.append(Match(real, facts.size, reasons, skipped, command, links, plan))
    return out


@dataclass(frozen=True)
class Outcome:
    deleted: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (path, sentence)


def delete_floors(
    matches: Sequence[Match],
    delete: Callable[[Any], None],
    *,
    on_progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Delete every match that may go, one at a time, through ``delete`` (which runs the guard
    again). A failure is recorded and the rest go on. Links known to point at a deleted floor
    (pyenv-virtualenv's ``versions/NAME``) go with it, and nothing else."""
    deleted: list[str] = []
    failed: list[tuple[str, str]] = []
    for m in matches:
        if m.skipped is not None:
            continue
        if on_progress is not None:
            on_progress(f"deleting {m.path}")
        try:
            delete(m.plan if m.plan is not None else m.path)
        except Exception as err:  # one failure does not stop the rest
            failed.append((m.path, str(err)))
            continue
        if m.plan is not None:
            deleted.append(m.path)  # the plan's links went with it
            continue
        for link in m.links:
            try:
                if os.path.islink(link) and not os.path.exists(link):
                    os.unlink(link)
            except OSError as err:
                failed.append((link, f"the link could not be removed ({err.strerror})"))
        deleted.append(m.path)
    return Outcome(tuple(deleted), tuple(failed))


def _under(path: str, roots: Sequence[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _made(env: Environment) -> float | None:
    try:
        return os.stat(os.path.join(env.path, "pyvenv.cfg")).st_mtime
    except OSError:
        return None


def gather(
    services: Services,
    filters: Filters,
    roots: Sequence[str] = (),
    *,
    include_managed: bool = False,
    now: float | None = None,
) -> list[Match]:
    """Find the floors (only those under ``roots`` when any are given: there, ``--root``
    limits the search), learn what the filters need about each, and :func:`select`."""
    import sys
    import time

    if filters.empty:
        raise BadInput("say what to clean: --broken, --stale, --older-than AGE or --larger-than SIZE")
    now = time.time() if now is None else now
    if roots:
        floors = services.environments(roots)
        real_roots = [os.path.realpath(os.path.join(services.cwd, os.path.expanduser(r))) for r in roots]
        floors = [e for e in floors if _under(os.path.realpath(e.path), real_roots)]
    else:
        floors = services.environments()
    # The cheap filters first: a size or a last use is learnt only for floors still in the race.
    floors = [
        e
        for e in floors
        if e.is_venv
        and (not filters.broken or e.health == "broken")
        and (not filters.stale or e.health == "stale")
    ]
    protected: dict[str, str] = {
        os.path.realpath(sys.prefix): "the environment venv-tui runs in",
    }
    active = services.environ.get("VIRTUAL_ENV")
    if active:
        protected.setdefault(os.path.realpath(active), "the active environment")
    marks = services.state()
    used: dict[str, float | None] = {}
    if filters.older_than is not None:
        used = {e.path: services.last_used(e.path) for e in floors}
    sizes = services.floor_sizes([e.path for e in floors])
    facts = []
    for env in floors:
        real = os.path.realpath(env.path)
        plan, refused = plan_or_refusal(services, real)
        size = sizes[env.path].size
        if plan is not None and plan.entries_that_stay:
            from venv_tui.services.sizes import measure

            size = measure(real, only=plan.entries_to_remove).size  # what goes, not the project
        facts.append(
            Facts(
                env=env,
                size=size,
                last_used=used.get(env.path),
                made=_made(env),
                keep=marks.mark(real).keep,
                refused=refused,
                plan=plan,
            )
        )
    return select(facts, filters, now=now, include_managed=include_managed, protected=protected)


def plan_or_refusal(services: Services, path: str) -> tuple[DeletePlan | None, str | None]:
    """(what deleting ``path`` would remove: the entries that go and stay, the links that go
    with it, the tool that owns the floor; None), or (None, the delete guard's reason). The plan
    is what the delete then carries out."""
    from venv_tui.errors import Refused

    try:
        return services.plan_delete(path), None
    except Refused as err:
        return None, err.message


def matched_sizes(services: Services, matches: Sequence[Match]) -> tuple[int, int]:
    """(bytes under the floors that would go, an inode shared between them counted once;
    bytes deleting them would free: only files whose every hard link lies inside them)."""
    from venv_tui.services.sizes import freed_by, measure, total_size

    going = [m for m in matches if m.skipped is None]
    whole = services.floor_sizes([m.path for m in going if m.plan is None or not m.plan.entries_that_stay])
    measured = [
        measure(m.path, only=m.plan.entries_to_remove) if m.path not in whole and m.plan else whole[m.path]
        for m in going
    ]
    return total_size(measured), freed_by(measured)
