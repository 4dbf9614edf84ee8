"""Every action of the table, driven by the pilot from its own entry: its key runs it where it
applies, the palette offers it (and runs it) when it applies to the selection, and the help
screen shows its line with the key as the footer shows it."""

from __future__ import annotations

import time

import pytest
from ui_data import FLOOR, ROBOTS, demo_app, wait_readers

from venv_tui.ui.actions import ACTIONS, PANELS, Action, Context, help_sections, palette_actions
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)
KEYED = [a for a in ACTIONS if a.target == "screen"]


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def _method(action: Action) -> tuple[str, tuple[str, ...]]:
    name, _, args = action.id.partition("(")
    return name, tuple(a.strip("'\")") for a in args.rstrip(")").split(",") if a)


async def _place(pilot, action: Action) -> None:
    """Focus the panel the action belongs to, with something it applies to selected."""
    app = pilot.app
    where = next((w for w in action.where if w != "app"), None)
    app.action_panel("environments")
    app.query_one("#environments-table", Table).move_to_key(FLOOR[2])
    await settle(pilot)
    if where == "robots":
        app.action_panel("scripts")
        app.query_one("#scripts-table", Table).move_to_key(ROBOTS["robot_three.py"])
    elif where is not None:
        app.action_panel(PANELS[where])
    await settle(pilot)


def _spy(app, action: Action) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    name, _ = _method(action)
    setattr(app.main, f"action_{name}", lambda *args: calls.append(tuple(args)))
    return calls


@pytest.mark.parametrize("action", KEYED, ids=lambda a: a.id)
async def test_the_key_runs_the_action_where_it_applies(action: Action) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _place(pilot, action)
        if action.id == "clear_filter":
            await pilot.press("slash")  # escape clears a filter that is open
            app.main.query_one("#packages-table").focus()
            await pilot.pause()
        calls = _spy(app, action)
        await pilot.press(action.keys.split(",")[0])
        await settle(pilot)
        _, args = _method(action)
        assert calls and calls[0] == args, (action.id, calls)


@pytest.mark.parametrize("action", [a for a in KEYED if a.palette], ids=lambda a: a.id)
async def test_the_palette_offers_and_runs_the_action(action: Action) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _place(pilot, action)
        calls = _spy(app, action)
        await pilot.press("ctrl+p")
        await pilot.press(*action.title)
        deadline = time.monotonic() + 3
        found = False
        while time.monotonic() < deadline and not found:
            await pilot.pause(0.05)
            options = app.screen.query(OptionList)
            if options and options.first().option_count:
                first = options.first().get_option_at_index(0)
                found = action.title in str(first.prompt)
        assert found, action.title
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        assert calls, action.id


def test_the_palette_offers_only_what_applies() -> None:
    from ui_data import BASE_ENV, ENVIRONMENTS, INTERPRETERS

    from venv_tui.ui import state as S

    house = S.loaded(S.House(), (BASE_ENV, *ENVIRONMENTS), BASE_ENV)
    house = S.interpreters_loaded(house, INTERPRETERS, INTERPRETERS[0])
    on_base = {a.id for a in palette_actions(Context(house, "environments"))}
    # The lit base interpreter: no lamp to switch, nothing to delete or rebuild.
    assert not {"lamp", "delete_env", "rebuild_env"} & on_base
    assert {"install", "shell", "repl", "create_env"} <= on_base
    on_floor2 = {a.id for a in palette_actions(Context(S.selected(house, FLOOR[2]), "environments"))}
    assert {"lamp", "delete_env", "rebuild_env"} <= on_floor2
    # No package selected: nothing to uninstall; robot actions only in the robots panel.
    packages = {a.id for a in palette_actions(Context(house, "packages"))}
    assert "uninstall" not in packages and "install_missing" not in packages


async def test_help_shows_every_action_line_with_its_displayed_key() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        shown = "\n".join(str(s.render()) for s in app.screen.query(".section"))
        rows = {desc: key for _title, keys in help_sections(app) for key, desc in keys}
        for action in ACTIONS:
            if action.id.startswith("panel(") or action.id == "clear_filter":
                continue
            assert action.help in shown, action.id
            assert action.help in rows
        # Keys as the footer shows them, not Textual's names.
        assert rows["Every key, per panel"] == "?, f1"
        assert rows["Filter packages by name"] == "/"
