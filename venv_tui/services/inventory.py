"""The house at a glance: floors sorted and filtered, and who stands on which interpreter.

Pure functions over plain data, shared by ``envs`` and the app.
"""

from __future__ import annotations

import os

from venv_tui.errors import BadInput
from venv_tui.model import Environment, Interpreter

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SORTS = ("name", "size", "age", "python")
HEALTHS = ("ok", "stale", "broken")


def _version_key(version: str | None) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in (version or "").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def sort_floors(
    floors: Sequence[Environment],
    by: str,
    *,
    sizes: Mapping[str, int | None] | None = None,
    last_used: Mapping[str, float | None] | None = None,
) -> list[Environment]:
    """``floors`` by ``name`` (A-Z), ``size`` (largest first), ``age`` (longest unused first;
    never-used floors first of all) or ``python`` (newest version first). Ties keep the given
    order; floors whose size is unknown go last."""
    if by == "name":
        return sorted(floors, key=lambda e: (e.name.casefold(), e.path))
    if by == "size":
        known = sizes or {}
        return sorted(floors, key=lambda e: (known.get(e.path) is None, -(known.get(e.path) or 0)))
    if by == "age":
        used = last_used or {}
        return sorted(floors, key=lambda e: used.get(e.path) or 0.0)
    if by == "python":
        return sorted(floors, key=lambda e: tuple(-n for n in _version_key(e.python_version)))
    raise BadInput(f"cannot sort by '{by}' (use {', '.join(SORTS)})")


def python_matches(version: str | None, wanted: str) -> bool:
    """``3.11`` matches 3.11.7; ``3.11.7`` only itself; ``3`` every 3.x."""
    if not version:
        return False
    want = wanted.strip().removeprefix("python")
    return version == want or version.startswith(want + ".")


def filter_floors(
    floors: Sequence[Environment],
    *,
    health: Sequence[str] = (),
    tool: Sequence[str] = (),
    python: Sequence[str] = (),
) -> list[Environment]:
    """The floors that pass every given filter; within one filter any value may match.
    ``tool`` matches what made the floor (``venv``, ``virtualenv``, ``uv``, ``conda``) or the
    tool that keeps it (``pipx``, ``poetry``, ``hatch``, ``uv-tool``, ``pyenv``, ``workon``)."""
    for value in health:
        if value not in HEALTHS:
            raise BadInput(f"unknown health '{value}' (use {', '.join(HEALTHS)})")
    tools = {t.lower() for t in tool}
    out = []
    for env in floors:
        if health and env.health not in health:
            continue
        if tools and env.creator.lower() not in tools and env.source.lower() not in tools:
            continue
        if python and not any(python_matches(env.python_version, p) for p in python):
            continue
        out.append(env)
    return out


def floors_by_interpreter(
    interpreters: Sequence[Interpreter], floors: Sequence[Environment]
) -> dict[str, list[str]]:
    """For each interpreter (keyed by its ``path``), the paths of the virtual environments
    built on it: "remove 3.11.7 and these floors break". A floor is matched by the real path of
    its base executable, else by its ``home`` folder and minor version."""
    by_real = {i.real_path: i.path for i in interpreters}
    by_folder: dict[tuple[str, str | None], str] = {}
    for i in interpreters:
        by_folder.setdefault((os.path.dirname(i.real_path), i.short_version), i.path)
    out: dict[str, list[str]] = {i.path: [] for i in interpreters}
    for env in floors:
        if not env.is_venv or not env.base_interpreter:
            continue
        real = os.path.realpath(env.base_interpreter)
        owner = by_real.get(real)
        if owner is None:
            short = ".".join((env.python_version or "").split(".")[:2]) or None
            owner = by_folder.get((os.path.dirname(real), short))
        if owner is not None:
            out[owner].append(env.path)
    return out
