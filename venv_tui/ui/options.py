"""How the app was started: light, so that the app imports it before its first frame."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    """How the app was started: what to watch, where the house is, what to light first."""

    watch: tuple[str, ...] = ()
    project: str | None = None
    roots: tuple[str, ...] = ()
    active: str | None = None  # a floor to light at start
    active_reason: str = ""  # what asked for it ("--demo"), said on screen
    only_under: str | None = None  # the demo: show only the floors of its house
    live: bool = True
    poll_interval: float = 0.5
    pip_args: tuple[str, ...] = field(default=())  # the demo's offline wheels: --find-links DIR
