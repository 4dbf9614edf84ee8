"""Export a floor and compare two, with the pilot on fixed data: the export dialog's defaults
follow the format, the file is written through the services (or not at all, with the sentence),
a file that exists is replaced only after a question; compare picks the other floor from a list
and opens the difference on its own screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_data import FLOOR, HOUSE, FakeServices, demo_app, settle

from venv_tui.ui.decide import export_file, export_folder
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)


def screen_name(app) -> str:
    return type(app.screen).__name__


def notes(app, severity: str | None = None) -> list[str]:
    return [n.message for n in app._notifications if severity is None or n.severity == severity]


async def on_floor(pilot, path: str) -> None:
    pilot.app.action_panel("environments")
    pilot.app.query_one("#environments-table", Table).move_to_key(path)
    await settle(pilot)


@asynccontextmanager
async def opened(
    key: str, floor: str, services: FakeServices | None = None, **kw: object
) -> AsyncIterator[Pilot]:
    """The app on fixed data, ``floor`` selected and ``key`` pressed (e: export, =: compare)."""
    app = demo_app(services=services or FakeServices(), **kw)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_floor(pilot, floor)
        await pilot.press(key)
        await settle(pilot)
        yield pilot


# -- pure ------------------------------------------------------------------------------------


def test_the_default_file_names_a_plain_file_per_format() -> None:
    assert export_file("requirements", "floor 2") == "requirements-floor-2.txt"
    assert export_file("requirements", ".venv") == "requirements-venv.txt"
    assert export_file("requirements", "../x") == "requirements-x.txt"
    assert export_file("pylock", "floor 2") == "pylock.toml"


def test_the_default_folder_is_the_project_else_the_floors_folder() -> None:
    assert export_folder("/p/.venv", True, "/house", "/cwd") == "/house"
    assert export_folder("/p/.venv", True, None, "/cwd") == "/p"
    assert export_folder("/usr/bin/python3", False, None, "/cwd") == "/cwd"


# -- export ----------------------------------------------------------------------------------


async def test_export_writes_requirements_next_to_the_project() -> None:
    services = FakeServices()
    async with opened("e", FLOOR[3], services) as pilot:
        app = pilot.app
        assert screen_name(app) == "ExportScreen"
        assert app.screen.query_one("#path").value == f"{HOUSE}/requirements-floor-3.txt"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ("export", FLOOR[3], "requirements", False) in services.calls
        assert ("write_export", f"{HOUSE}/requirements-floor-3.txt", "A==2.1.0\nB==4.1.0\n") in services.calls
        assert any(f"Wrote {HOUSE}/requirements-floor-3.txt" in m for m in notes(app))


async def test_top_level_only_and_pylock_change_what_is_asked_and_the_file() -> None:
    services = FakeServices()
    async with opened("e", FLOOR[3], services) as pilot:
        app = pilot.app
        app.screen.query_one("#top-level").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Only what was asked for: B is a dependency of A.
        assert ("write_export", f"{HOUSE}/requirements-floor-3.txt", "A==2.1.0\n") in services.calls
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#format-pylock").value = True
        await settle(pilot)
        assert app.screen.query_one("#path").value == f"{HOUSE}/pylock.toml"
        assert app.screen.query_one("#top-level").disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ("export", FLOOR[3], "pylock", False) in services.calls
        assert [c for c in services.calls if c[:2] == ("write_export", f"{HOUSE}/pylock.toml")]


async def test_a_distribution_not_found_is_the_sentence_and_nothing_is_written() -> None:
    services = FakeServices()
    services.export_problem = "B 4.1.0: no file on https://pypi.org/simple/ matches the installed wheel"
    async with opened("e", FLOOR[3], services) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert services.export_problem in notes(pilot.app, "error")
        assert not [c for c in services.calls if c[0] == "write_export"]


async def test_a_file_that_exists_is_replaced_only_when_confirmed(tmp_path: Path) -> None:
    (tmp_path / "requirements-floor-2.txt").write_text("old\n")
    services = FakeServices()
    async with opened("e", FLOOR[2], services, project=str(tmp_path)) as pilot:
        app = pilot.app
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot)
        assert not [c for c in services.calls if c[0] == "write_export"]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert ("write_export", str(tmp_path / "requirements-floor-2.txt"), "A==1.5.7\n") in services.calls


async def test_a_real_write_lands_on_disk(tmp_path: Path) -> None:
    class Writing(FakeServices):
        def write_export(self, path: str, text: str) -> None:
            from venv_tui.services import Services

            Services.write_export(self, path, text)

    async with opened("e", FLOOR[1], Writing(), project=str(tmp_path)) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (tmp_path / "requirements-floor-1.txt").read_text() == "A==1.0.0\nB==2.1.3\n"


# -- compare ---------------------------------------------------------------------------------


async def test_compare_picks_the_other_floor_and_shows_the_difference() -> None:
    from textual.widgets import DataTable, OptionList

    async with opened("equals_sign", FLOOR[1]) as pilot:
        app = pilot.app
        assert screen_name(app) == "PickFloorScreen"
        assert app.house.compare_from == FLOOR[1]
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert FLOOR[1] not in ids and f"{HOUSE}/attic/.venv" not in ids  # itself, a broken one
        options.highlighted = ids.index(FLOOR[2])
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "DiffScreen"
        assert app.house.compare_from is None
        header = str(app.screen.query_one("#diff-header").render())
        assert "floor 1 (Python 3.12.4)" in header and "floor 2 (Python 3.12.4)" in header
        table = app.screen.query_one("#diff-table", DataTable)
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert rows == [("< only left", "B", "2.1.3", "—"), ("≠ different", "A", "1.0.0", "1.5.7")]
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "MainScreen"


async def test_same_rows_are_hidden_until_asked_for() -> None:
    from textual.widgets import DataTable, OptionList

    services = FakeServices()
    services.packages_by_env[FLOOR[2]] = services.packages_by_env[FLOOR[1]]
    async with opened("equals_sign", FLOOR[1], services) as pilot:
        app = pilot.app
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(FLOOR[2])
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#diff-table", DataTable)
        assert "they hold the same" in str(app.screen.query_one("#diff-header").render())
        assert [str(table.get_row_at(0)[0])] == ["nothing differs"]
        await pilot.press("a")
        await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["= same", "= same"]


@pytest.mark.parametrize("key", ["escape"])
async def test_escape_on_the_pick_leaves_no_floor_marked(key: str) -> None:
    async with opened("equals_sign", FLOOR[2]) as pilot:
        app = pilot.app
        await pilot.press(key)
        await settle(pilot)
        assert screen_name(app) == "MainScreen" and app.house.compare_from is None
