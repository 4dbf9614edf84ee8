"""The status line: the lit floor, why its lamp is lit, the robots' fit, in any width from 80
columns up.

Why the lamp is lit is never cut (the user must always see it); what gives way when the line is
too long, in this order: the app's name badge, the floor's version (the floors panel shows it),
the words around the robots' counts, then the counts (their panel shows them). Only then is the
end cut with an ellipsis.
"""

from __future__ import annotations

from rich.text import Text

from venv_tui.ui.panels.environments import floor_name
from venv_tui.ui.state import House, lamp_sentence


def status_text(house: House, *, width: int, scanning: bool) -> Text:
    for badge, version, short, robots in (
        (True, True, False, True),
        (False, True, False, True),
        (False, False, False, True),
        (False, False, True, True),
        (False, False, True, False),  # the Robots panel (a tab when narrow) still counts them
    ):
        text = _status(house, badge=badge, version=version, short=short, robots=robots, scanning=scanning)
        if text.cell_len <= width:
            return text
    text.truncate(width, overflow="ellipsis")
    return text


def _status(house: House, *, badge: bool, version: bool, short: bool, robots: bool, scanning: bool) -> Text:
    text = Text(no_wrap=True)
    if badge:
        text.append(" venv-tui ", style="bold reverse")
        text.append(" ")
    env = house.lit_floor
    if env is None:
        text.append("○ no lamp lit", style="dim")
    else:
        text.append("● ", style="bold yellow")
        text.append(floor_name(env), style="bold")
        if version:
            text.append(f" {env.python_version or '?'}")
        text.append(f" · {lamp_sentence(house)}", style="italic")
    if robots and house.results:
        fits = sum(1 for r in house.results if r.fits)
        misfits = len(house.results) - fits
        text.append(" │ " if short else " │ robots: ")
        text.append(f"{fits} fit", style="green" if fits else "")
        if misfits:
            text.append(", ")
            text.append(f"{misfits} don't", style="bold red")
    problems = len(house.env_check.environment_problems) if house.env_check else 0
    if problems:
        text.append(" │ ")
        noun = "broken" if short else f"broken requirement{'s' if problems != 1 else ''}"
        text.append(f"{problems} {noun}", style="bold red")
    if scanning:
        text.append(" │ scanning…", style="dim")
    return text
