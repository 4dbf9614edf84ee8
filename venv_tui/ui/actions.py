"""Every action of the app, once: its key, where it applies, its title and its help line.

The panels' bindings, the footer, the command palette and the help screen are all generated
from :data:`ACTIONS`. A new capability adds one :class:`Action` here and one ``action_<id>``
method on the main screen (or a flow it starts); nothing else is written by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.app import App

    from venv_tui.model import Distribution, Environment
    from venv_tui.ui.state import House, SourceResult

# Where an action's key works: everywhere, or while a panel has focus.
Where = Literal["app", "interpreters", "floors", "packages", "robots"]

# The panel ids of the main screen, by the words of the action table.
PANELS: dict[Where, str] = {
    "interpreters": "interpreters",
    "floors": "environments",
    "packages": "packages",
    "robots": "scripts",
}


@dataclass(frozen=True)
class Context:
    """What is selected when the palette opens: it offers only what applies to that."""

    house: House
    panel: str  # the current panel's id
    package: Distribution | None = None
    robot: SourceResult | None = None

    @property
    def floor(self) -> Environment | None:
        return self.house.selected_floor


Applies = Callable[[Context], bool]


def always(_ctx: Context) -> bool:
    return True


def _floor(ctx: Context) -> bool:
    return ctx.floor is not None


def _venv(ctx: Context) -> bool:
    return ctx.floor is not None and ctx.floor.is_venv


def _other_floor(ctx: Context) -> bool:
    return ctx.floor is not None and ctx.floor.path != ctx.house.lit


def _two_floors(ctx: Context) -> bool:
    return ctx.floor is not None and len(ctx.house.floors) > 1


def _package(ctx: Context) -> bool:
    return ctx.package is not None


def _misfit(ctx: Context) -> bool:
    return ctx.robot is not None and ctx.robot.check is not None and not ctx.robot.check.ok


def _robot(ctx: Context) -> bool:
    return ctx.robot is not None and ctx.robot.source is not None


@dataclass(frozen=True)
class Action:
    id: str  # the screen's action_<id>; also the binding id (dashes for underscores)
    keys: str  # Textual key names, comma-separated ("question_mark,f1")
    where: tuple[Where, ...]
    title: str  # in the palette
    help: str  # one line, in the help screen and the tooltip
    short: str = ""  # the footer's word (default: the title)
    show: bool = True  # in the footer
    palette: bool = True
    applies: Applies = always
    target: str = "screen"  # the namespace the action runs in ("app" for quit)

    @property
    def action(self) -> str:
        return f"{self.target}.{self.id}"

    def binding(self, where: Where | None = None) -> Binding:
        # An action of a panel that also works everywhere shows in the footer of its panel only.
        show = self.show and not (where == "app" and len(self.where) > 1)
        return Binding(
            self.keys,
            self.action,
            self.short or self.title,
            show=show,
            id=self.id.replace("_", "-"),
            tooltip=self.help,
        )


def _panel(n: int, name: str, words: str) -> Action:
    return Action(
        f"panel('{name}')",
        str(n),
        ("app",),
        f"Go to the {words}",
        f"Jump to the {words} panel",
        show=False,
    )


ACTIONS: tuple[Action, ...] = (
    Action("quit", "q", ("app",), "Quit", "Leave venv-tui", target="app"),
    Action("help", "question_mark,f1", ("app",), "Show the keys", "Every key, per panel", "Help"),
    Action(
        "rescan",
        "r",
        ("app",),
        "Rescan everything",
        "Read interpreters, floors and robots again",
        "Rescan",
    ),
    Action("filter", "slash", ("app", "packages"), "Filter packages", "Filter packages by name", "Filter"),
    _panel(1, "interpreters", "interpreters"),
    _panel(2, "environments", "environments (floors)"),
    _panel(3, "packages", "packages (robots on the floor)"),
    _panel(4, "scripts", "robots (scripts)"),
    Action(
        "lamp",
        "l",
        ("floors",),
        "Light the lamp on the selected floor",
        "Light the lamp here: this floor becomes the active one",
        "Lamp",
        applies=_other_floor,
    ),
    Action(
        "create_env",
        "c",
        ("floors", "interpreters"),
        "Create an environment",
        "Create an environment (python -m venv, an interpreter of your choice)",
        "New",
    ),
    Action(
        "delete_env",
        "d",
        ("floors",),
        "Delete the selected environment",
        "Delete this environment, after a confirmation saying what goes and what stays",
        "Delete",
        applies=_venv,
    ),
    Action(
        "rebuild_env",
        "b",
        ("floors",),
        "Rebuild the selected environment on another Python",
        "Rebuild this environment on another interpreter, keeping its packages",
        "Rebuild",
        applies=_venv,
    ),
    Action(
        "install",
        "i",
        ("floors", "packages"),
        "Install packages into the selected floor",
        "Install packages into this floor (pip, its output live)",
        "Install",
        applies=_floor,
    ),
    Action(
        "shell",
        "s",
        ("floors",),
        "Open a shell in the selected floor",
        "Open a shell with this floor first on PATH (exit comes back)",
        "Shell",
        applies=_floor,
    ),
    Action(
        "repl",
        "p",
        ("floors",),
        "Open Python in the selected floor",
        "Open this floor's own Python (exit() comes back)",
        "Python",
        applies=_floor,
    ),
    Action(
        "export",
        "e",
        ("floors",),
        "Export the selected floor",
        "Write this floor down: a requirements file or a pylock.toml (next to the project)",
        "Export",
        applies=_floor,
    ),
    Action(
        "compare",
        "equals_sign",
        ("floors",),
        "Compare the selected floor with…",
        "Compare this floor with another you pick: what only one holds, what differs",
        "Compare",
        show=False,  # a palette command first; the footer keeps room for the daily keys
        applies=_two_floors,
    ),
    Action(
        "keep",
        "K",
        ("floors",),
        "Keep the selected floor (or take the mark off)",
        "Mark this floor to keep: never offered for clean-up (K again takes it off)",
        "Keep",
        show=False,
        applies=_venv,
    ),
    Action(
        "note",
        "m",
        ("floors",),
        "Write a note on the selected floor",
        "A one-line note on this floor, kept in the app's own state file",
        "Note",
        show=False,
        applies=_floor,
    ),
    Action(
        "where",
        "w",
        ("app",),
        "Where is a package…",
        "Ask for a requirement (numpy<2) and mark the floors that hold it with ◆",
        show=False,
    ),
    Action(
        "index_check",
        "o",
        ("floors",),
        "Check the selected floor against the index",
        "Ask the index which packages here are outdated or vulnerable (network; x stops)",
        "Outdated",
        applies=_floor,
    ),
    Action(
        "index_check_all",
        "O",
        ("app",),
        "Check all floors against the index",
        "Ask the index about every floor: outdated and vulnerable packages, a count per floor",
        show=False,
    ),
    Action(
        "index_stop",
        "x,escape",
        ("app",),
        "Stop the index check",
        "Stop asking the index (what was answered stays shown)",
        show=False,
        palette=False,
    ),
    Action(
        "uninstall",
        "u",
        ("packages",),
        "Uninstall the selected package",
        "Uninstall this package, after a confirmation",
        "Uninstall",
        applies=_package,
    ),
    Action(
        "upgrade",
        "U",
        ("packages",),
        "Upgrade the selected package",
        "Upgrade this package to the newest its index offers, after a confirmation",
        "Upgrade",
        applies=_package,
    ),
    Action(
        "fix",
        "F",
        ("packages",),
        "Fix the selected package (newest safe version)",
        "Upgrade this package to the newest version that fixes its known vulnerabilities, "
        "after a confirmation",
        "Fix",
        applies=_package,
    ),
    Action(
        "clear_filter",
        "escape",
        ("packages",),
        "Clear the filter",
        "Show every package",
        show=False,
        palette=False,
    ),
    Action(
        "install_missing",
        "i",
        ("robots",),
        "Install what the selected robot lacks",
        "Install what this robot lacks into the lit floor (an unknown import is asked for)",
        "Install missing",
        applies=_misfit,
    ),
    Action(
        "new_floor",
        "n",
        ("robots",),
        "Build a new floor for the selected robot",
        "Build a new floor for this robot, on a Python it accepts",
        "New floor",
        applies=_robot,
    ),
)

# Moving around: keys of the widgets themselves, listed in help but run by Textual.
MOVING: tuple[tuple[str, str], ...] = (
    ("tab, shift+tab", "Next / previous panel"),
    ("↑ ↓, j k", "Move in a list"),
    ("home, end", "First / last row"),
    ("enter", "Light the lamp on the selected floor"),
    ("ctrl+p", "Command palette: what applies to the selection"),
)

SECTION_TITLES: dict[Where, str] = {
    "app": "Everywhere",
    "floors": "Environments · floors",
    "packages": "Packages · robots on the floor",
    "robots": "Robots · scripts and their fit",
    "interpreters": "Interpreters · power stations",
}


def bindings_for(where: Where) -> list[BindingType]:
    return [a.binding(where) for a in ACTIONS if where in a.where]


def palette_actions(ctx: Context) -> list[Action]:
    """What the palette offers for this selection: actions of the current panel and
    everywhere, whose condition holds."""
    here = {w for w, panel in PANELS.items() if panel == ctx.panel}
    return [
        a
        for a in ACTIONS
        if a.palette
        and (a.id.startswith("panel(") or "app" in a.where or here & set(a.where))
        and a.applies(ctx)
    ]


def help_sections(app: App[object] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys by section, each key shown as the footer shows it (``App.get_key_display``)."""

    def keys(action: Action) -> str:
        binding = action.binding()
        if app is None:
            return binding.key.replace(",", ", ")
        return ", ".join(
            app.get_key_display(Binding(key.strip(), binding.action)) for key in binding.key.split(",")
        )

    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for where in ("app", "floors", "packages", "robots", "interpreters"):
        rows = [
            (keys(a), a.help)
            for a in ACTIONS
            if where in a.where and not a.id.startswith("panel(") and a.id != "clear_filter"
        ]
        sections.append((SECTION_TITLES[where], rows))
        if where == "app":
            sections.append(("Moving", [("1-4", "Jump to a panel"), *MOVING]))
    return sections
