"""The status line: the lit floor, why its lamp is lit, the robots' fit, in 80 columns."""

from __future__ import annotations

from rich.text import Text

from venv_tui.ui.panels.environments import floor_name
from venv_tui.ui.state import House, lamp_sentence


def status_text(house: House, *, wide: bool, scanning: bool) -> Text:
    text = Text()
    if wide:
        text.append(" venv-tui ", style="bold reverse")
        text.append(" ")
    env = house.lit_floor
    if env is None:
        text.append("○ no lamp lit", style="dim")
    else:
        text.append("● ", style="bold yellow")
        text.append(floor_name(env), style="bold")
        text.append(f" {env.python_version or '?'}")
        text.append(f" · {lamp_sentence(house)}", style="italic")
    if house.results:
        fits = sum(1 for r in house.results if r.fits)
        misfits = len(house.results) - fits
        text.append(" │ robots: ")
        text.append(f"{fits} fit", style="green" if fits else "")
        if misfits:
            text.append(", ")
            text.append(f"{misfits} don't", style="bold red")
    problems = len(house.env_check.environment_problems) if house.env_check else 0
    if problems:
        text.append(" │ ")
        text.append(f"{problems} broken requirement{'s' if problems != 1 else ''}", style="bold red")
    if scanning:
        text.append(" │ scanning…", style="dim")
    return text
