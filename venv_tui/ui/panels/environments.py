"""The house: each environment is a floor, the lit lamp marks the active one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from venv_tui.model import Environment
from venv_tui.ui.actions import bindings_for
from venv_tui.ui.panels.base import Panel, Table, tilde

LAMP_ON = "●"
LAMP_OFF = "○"


# "python3.11 (pyenv)": how the services name a base interpreter counted as a floor.
_FOUND_IN = re.compile(r"(?P<label>.+?) \((?P<source>[^()]+)\)")


def floor_name(env: Environment) -> str:
    """The name a floor is shown by everywhere. A base interpreter's "python3.11 (pyenv)" reads
    "python3.11 · pyenv", so that the row's "(base)" marker is not a second parenthesis."""
    if env.is_venv:
        return env.name
    match = _FOUND_IN.fullmatch(env.name)
    return f"{match['label']} · {match['source']}" if match else env.name


def health_mark(env: Environment) -> Text:
    """Health in words and a mark, so it reads without colour: ok, ~ stale, ✗ broken."""
    if env.health == "broken":
        return Text.styled("✗ broken", "bold red")
    if env.health == "stale":
        return Text.styled("~ stale", "bold yellow")
    return Text.styled("ok", "green")


def environment_row(env: Environment, lit: bool, home: str | None = None) -> tuple[Text, ...]:
    broken = env.health == "broken"
    lamp = Text.styled(LAMP_ON, "bold yellow") if lit else Text.styled(LAMP_OFF, "dim")
    name_style = "bold red" if broken else ("bold" if lit else "")
    name = floor_name(env) if env.is_venv else f"{floor_name(env)} (base)"
    health = health_mark(env)
    return (
        lamp,
        Text.styled(name, name_style),
        Text(env.python_version or "?"),
        Text(env.creator),
        health,
        Text.styled(tilde(env.path, home), "dim"),
    )


def describe(env: Environment, lit: bool, home: str | None = None) -> Text:
    """The line under the table: where the floor is (the Path column may be cut at the right
    edge), then why a broken floor is broken, or where this one stands."""
    text = Text(tilde(env.path, home), style="dim")
    text.append(" · ")
    if env.health == "broken":
        text.append("✗ broken: ", style="bold red")
        text.append(env.problem or "this environment cannot be used")
        return text
    if env.health == "stale":
        text.append("~ stale: ", style="bold yellow")
        text.append(env.problem or "it runs, but something is off")
        text.append(" · ")
    if lit:
        text.append(f"{LAMP_ON} lamp on", style="bold yellow")
        text.append(" · ")
    if env.is_venv:
        known = env.base_interpreter
        base = tilde(known, home) if known else "an unknown interpreter"
        text.append(f"built on {base}")
        if env.system_site_packages:
            text.append(" · sees the base's packages")
    else:
        text.append("a base interpreter: its own site-packages")
    if env.problem and env.health == "ok":
        text.append(f" · {env.problem}", style="yellow")
    return text


class EnvironmentsPanel(Panel):
    PANEL_ID = "environments"
    TITLE = "Environments · the house's floors"
    SHORT = "Floors"

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("floors")

    home: str | None = None

    def compose(self) -> ComposeResult:
        table = Table(id="environments-table")
        table.set_columns("", "Name", "Python", "Creator", "Health", "Path")
        yield table
        yield Static("", id="environment-note", classes="note")

    def show(
        self,
        environments: Sequence[Environment],
        active: str | None,
        selected: str | None,
        home: str | None = None,
    ) -> None:
        self.home = home
        table = self.table
        table.reset()
        for env in environments:
            table.add_row(*environment_row(env, env.path == active, home), key=env.path)
        table.move_to_key(selected)
        broken = sum(1 for e in environments if e.health == "broken")
        stale = sum(1 for e in environments if e.health == "stale")
        subtitle = f"{len(environments)} floors"
        subtitle += f" · {broken} broken" if broken else ""
        subtitle += f" · {stale} stale" if stale else ""
        self.border_subtitle = subtitle
        self.note(environments, active)

    def note(self, environments: Sequence[Environment], active: str | None) -> None:
        key = self.table.selected_key()
        env = next((e for e in environments if e.path == key), None)
        self.query_one("#environment-note", Static).update(
            describe(env, env.path == active, self.home) if env is not None else ""
        )

    def selected_path(self) -> str | None:
        return self.table.selected_key()
