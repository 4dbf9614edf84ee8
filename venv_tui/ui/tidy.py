"""Tidying the house: the floors panel's order, what breaks when an interpreter goes, the
floors marked for clean-up. Pure functions over :class:`House`, tested without a pilot."""

from __future__ import annotations

from dataclasses import replace

from venv_tui.model import Environment
from venv_tui.ui.state import House

# -- the floors' order ----------------------------------------------------------------------

# "found" keeps the services' order (the first paint); the rest cycle with one key.
ORDERS = ("found", "name", "size", "age", "health", "python")
_HEALTH_RANK = {"broken": 0, "stale": 1, "ok": 2}


def next_order(house: House) -> House:
    """The floors panel's next order: found → name → size → age → health → python → found."""
    at = ORDERS.index(house.order) if house.order in ORDERS else 0
    return replace(house, order=ORDERS[(at + 1) % len(ORDERS)])


def shown_floors(house: House) -> tuple[Environment, ...]:
    """The floors in the order the panel shows them (the house keeps the services' order)."""
    if house.order == "found":
        return house.floors
    if house.order == "health":  # the floors needing care first; ties keep the found order
        return tuple(sorted(house.floors, key=lambda e: _HEALTH_RANK.get(e.health, 3)))
    from venv_tui.services.inventory import sort_floors

    return tuple(sort_floors(house.floors, house.order, sizes=house.sizes, last_used=house.used))


def built_on(house: House) -> dict[str, list[str]]:
    """For each interpreter (by path), the names of the floors built on it: what breaks if it
    goes. A floor naming an interpreter's own path is matched as written; the rest by the
    services' rule (real paths, then the folder and minor version)."""
    from venv_tui.services.inventory import floors_by_interpreter

    named: dict[str, str] = {}
    for i in house.interpreters:
        named.setdefault(i.real_path, i.path)
        named[i.path] = i.path
    out: dict[str, list[str]] = {i.path: [] for i in house.interpreters}
    rest = []
    for env in house.floors:
        owner = named.get(env.base_interpreter or "") if env.is_venv else None
        if owner is not None:
            out[owner].append(env.name)
        else:
            rest.append(env)
    for path, floors in floors_by_interpreter(house.interpreters, rest).items():
        names = {e.path: e.name for e in rest}
        out[path].extend(names[p] for p in floors)
    return out


# -- clean-up marks -------------------------------------------------------------------------


def mark_refusal(house: House, env: Environment) -> str | None:
    """Why ``env`` cannot be marked for clean-up, in one sentence; None: it can."""
    from venv_tui.services.clean import why_it_stays

    reason = why_it_stays(env, keep=env.path in house.kept, active=env.path == house.lit)
    return f"{env.name}: {reason}" if reason else None


def clean_marked(house: House, path: str) -> House:
    """Space on a floor: marked for clean-up, or the mark taken off."""
    marked = house.marked - {path} if path in house.marked else house.marked | {path}
    return replace(house, marked=marked)


def marked_line(house: House) -> str | None:
    """ "2 marked · 40 MB would be freed" (sizes as measured; "…" while one is unknown)."""
    if not house.marked:
        return None
    from venv_tui.services.sizes import format_size

    sizes = [house.sizes.get(p) for p in house.marked]
    freed = "…" if any(s is None for s in sizes) else format_size(sum(s or 0 for s in sizes))
    return f"{len(house.marked)} marked · {freed} would be freed"
