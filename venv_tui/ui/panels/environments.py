"""The house: each environment is a floor, the lit lamp marks the active one."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from venv_tui.model import Environment
from venv_tui.ui.actions import bindings_for
from venv_tui.ui.marks import floor_count, floor_line
from venv_tui.ui.panels.base import Panel, Table, tilde
from venv_tui.ui.state import FloorIndex

LAMP_ON = "●"
LAMP_OFF = "○"
# A floor marked for clean-up (space): the same mark in its row, the note and the border.
CLEAN_UP = "✂"
CLEAN_UP_STYLE = "bold magenta"


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


@dataclass(frozen=True)
class Inventory:
    """What the inventory knows of one floor, as the row and the note show it."""

    size: int | None = None
    used: float | None = None
    note: str | None = None
    keep: bool = False
    found: str | None = None  # "numpy 1.26.4": it holds what "where is" asked for
    clean_up: bool = False  # marked for clean-up (space)
    breaks: Sequence[str] = ()  # a base interpreter: the floors built on it


def size_text(size: int | None) -> Text:
    if size is None:
        return Text("…", "dim")
    from venv_tui.services.sizes import format_size

    return Text(format_size(size), justify="right")


def environment_row(
    env: Environment,
    lit: bool,
    home: str | None = None,
    index: FloorIndex | None = None,
    inventory: Inventory | None = None,
) -> tuple[Text, ...]:
    broken = env.health == "broken"
    lamp = Text.styled(LAMP_ON, "bold yellow") if lit else Text.styled(LAMP_OFF, "dim")
    name_style = "bold red" if broken else ("bold" if lit else "")
    name = floor_name(env) if env.is_venv else f"{floor_name(env)} (base)"
    inv = inventory or Inventory()
    name_cell = Text.styled(name, name_style)
    if inv.keep:
        name_cell.append(" (keep)", "dim")
    if inv.found is not None:
        name_cell = Text.assemble(Text("◆ ", "bold cyan"), name_cell)
    if inv.clean_up:
        name_cell = Text.assemble(Text(f"{CLEAN_UP} ", CLEAN_UP_STYLE), name_cell)
    health = health_mark(env)
    count = floor_count(index)
    if count:
        health = Text.assemble(health, " ", count)
    return (
        lamp,
        name_cell,
        Text(env.python_version or "?"),
        Text(env.creator),
        health,
        size_text(inv.size) if env.is_venv else Text(""),  # an interpreter is not one folder
        Text.styled(tilde(env.path, home), "dim"),
    )


def describe(
    env: Environment,
    lit: bool,
    home: str | None = None,
    index: FloorIndex | None = None,
    inventory: Inventory | None = None,
) -> Text:
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
        if inventory is not None and inventory.breaks:
            from venv_tui.ui.panels.interpreters import breakage

            text.append(" · ")
            text.append(breakage(env.python_version or env.path, inventory.breaks), "yellow")
    if env.problem and env.health == "ok":
        text.append(f" · {env.problem}", style="yellow")
    if index is not None:
        text.append(" · ")
        text.append(floor_line(index))
    if inventory is not None:
        _inventory_line(text, inventory)
    return text


def _inventory_line(text: Text, inv: Inventory) -> None:
    if inv.clean_up:
        text.append(f" · {CLEAN_UP} marked for clean-up (D deletes the marked)", CLEAN_UP_STYLE)
    if inv.found is not None:
        text.append(f" · ◆ holds {inv.found}", "bold cyan")
    if inv.used is not None:
        import time

        text.append(" · last used " + time.strftime("%Y-%m-%d", time.localtime(inv.used)), "dim")
    if inv.keep:
        text.append(" · kept", "bold")
    if inv.note:
        text.append(" · note: ", "dim")
        text.append(inv.note)  # the user's words, from the state file: never markup


class EnvironmentsPanel(Panel):
    PANEL_ID = "environments"
    TITLE = "Environments · the house's floors"
    SHORT = "Floors"

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("floors")

    home: str | None = None
    # What the index said per floor, and the running check's progress: set by the flows.
    index: Mapping[str, FloorIndex] = {}
    inventory: Mapping[str, Inventory] = {}
    progress: str | None = None
    marked: str | None = None  # "2 marked · 40 MB would be freed"
    clean_up: frozenset[str] = frozenset()  # the floors marked for clean-up
    built: Mapping[str, Sequence[str]] = {}  # the floors built on each interpreter (by its path)
    order: str = "found"  # said in the subtitle unless it is the services' own order
    _shown: tuple[Sequence[Environment], str | None] = ((), None)

    def compose(self) -> ComposeResult:
        table = Table(id="environments-table")
        # The path gives way first (the note under the table says it whole), then the name.
        table.set_columns(
            "", "Name", "Python", "Creator", "Health", "Size", "Path", giving=("Path", "Name")
        )
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
        self._shown = (environments, active)
        table = self.table
        index = self.index
        table.refill(
            [
                (env.path, environment_row(env, env.path == active, home, index.get(env.path), self.of(env)))
                for env in environments
            ]
        )
        table.move_to_key(selected)
        self.show_progress(self.progress)
        self.note(environments, active)

    def note(self, environments: Sequence[Environment], active: str | None) -> None:
        key = self.table.selected_key()
        env = next((e for e in environments if e.path == key), None)
        if env is None:
            self.query_one("#environment-note", Static).update("")
            return
        self.query_one("#environment-note", Static).update(
            describe(env, env.path == active, self.home, self.index.get(env.path), self.of(env))
        )

    def of(self, env: Environment) -> Inventory | None:
        """What the row and the note show of ``env`` besides its own facts: the inventory, the
        clean-up mark and, for a base interpreter, the floors built on it."""
        inventory = self.inventory.get(env.path)
        breaks = () if env.is_venv else tuple(self.built.get(env.path, ()))
        marked = env.path in self.clean_up
        if not marked and not breaks:
            return inventory
        return replace(inventory or Inventory(), clean_up=marked, breaks=breaks)

    def show_progress(self, progress: str | None) -> None:
        """The subtitle: how many floors, how many broken, the index check under way."""
        self.progress = progress
        environments = self._shown[0]
        broken = sum(1 for e in environments if e.health == "broken")
        stale = sum(1 for e in environments if e.health == "stale")
        subtitle = f"{len(environments)} floors"
        subtitle += f" · {broken} broken" if broken else ""
        subtitle += f" · {stale} stale" if stale else ""
        if self.marked:
            subtitle += f" · {CLEAN_UP} {self.marked}"
        if self.order != "found":
            subtitle += f" · by {self.order}"
        if progress is not None:
            subtitle += f" · index: {progress} (x stops)"
        self.border_subtitle = subtitle

    def show_inventory(
        self, inventory: Mapping[str, Inventory], floors: Sequence[Environment] | None = None
    ) -> None:
        """Sizes, last uses, notes, keep and "where" marks, on the floors as shown (or in the
        order given: a sort by size changes as the sizes arrive)."""
        self.inventory = inventory
        environments, active = self._shown
        environments = environments if floors is None else floors
        self.show(environments, active, self.table.selected_key(), self.home)

    def show_index(self, index: Mapping[str, FloorIndex], progress: str | None) -> None:
        """The index's counts and the running check's progress, on the floors as shown."""
        self.index, self.progress = index, progress
        environments, active = self._shown
        self.show(environments, active, self.table.selected_key(), self.home)

    def selected_path(self) -> str | None:
        return self.table.selected_key()
