"""The house at a glance in the app: sizes and last use filled after the first paint, a note
and a keep mark stored through the services, "where is" marking the floors that hold a package.
The transitions are tested without a pilot, then the pilot on fixed data."""

from __future__ import annotations

from ui_data import BASEMENT, FLOOR, FakeServices, demo_app, wait_readers

from venv_tui.ui import state as S
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)


def test_inventory_transitions() -> None:
    house = S.sized(S.House(), {"/a": 10}, {"/a": 5.0, "/b": None})
    assert dict(house.sizes) == {"/a": 10} and dict(house.used) == {"/a": 5.0}
    house = S.sized(house, {"/b": 3}, {})
    assert dict(house.sizes) == {"/a": 10, "/b": 3}
    house = S.marks_loaded(house, {"/a": "for the robots"}, ["/b"])
    assert house.kept == {"/b"} and house.notes["/a"] == "for the robots"
    assert S.kept_marked(house, "/b", False).kept == frozenset()
    assert S.kept_marked(house, "/a", True).kept == {"/a", "/b"}
    assert "/a" not in S.noted(house, "/a", None).notes
    assert S.noted(house, "/b", "x").notes["/b"] == "x"
    found = S.where_found(house, "A<2", ["/a"])
    assert found.found == ("A<2", frozenset({"/a"}))
    assert S.where_found(found, None).found is None


async def settle(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def row(app, path: str) -> list[str]:
    return [str(c) for c in app.query_one("#environments-table", Table).get_row(path)]


def note_line(app) -> str:
    return str(app.query_one("#environment-note").render())


async def test_sizes_and_last_use_arrive_after_the_first_paint() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await settle(pilot)
        assert row(app, FLOOR[1])[5] == "21 MiB"
        assert row(app, BASEMENT)[5] == "1.2 MiB"
        assert "last used 2025-" in note_line(app)  # floor 1 is selected (its lamp is on)


async def test_keep_and_note_are_stored_through_the_services_and_shown() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#environments-table", Table).move_to_key(FLOOR[2])
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert ("mark", FLOOR[2], None, True) in services.calls
        assert row(app, FLOOR[2])[1] == "floor 2 (keep)"
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "AskScreen"
        await pilot.press(*"[bold]old robots[/]", "enter")
        await settle(pilot)
        assert ("mark", FLOOR[2], "[bold]old robots[/]", True) in services.calls
        assert "note: [bold]old robots[/]" in note_line(app)  # shown as typed, never markup
        await pilot.press("K")
        await settle(pilot)
        assert row(app, FLOOR[2])[1] == "floor 2"


async def test_marks_from_the_state_file_are_shown_at_start() -> None:
    from venv_tui.services.state import Mark

    services = FakeServices()
    services.marks[FLOOR[3]] = Mark("the robots' workshop", True)
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row(app, FLOOR[3])[1] == "floor 3 (keep)"
        app.query_one("#environments-table", Table).move_to_key(FLOOR[3])
        await settle(pilot)
        assert "note: the robots' workshop" in note_line(app)


async def test_where_marks_the_floors_that_hold_the_package() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"A>=2", "enter")
        await settle(pilot)
        marked = [p for p in (FLOOR[1], FLOOR[2], FLOOR[3], BASEMENT) if row(app, p)[1].startswith("◆ ")]
        assert marked == [FLOOR[3], BASEMENT]
        assert any("A>=2: 2 floors hold it" in n.message for n in app._notifications)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        await settle(pilot)
        assert not row(app, FLOOR[3])[1].startswith("◆")


async def test_a_bad_spec_is_one_sentence() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"A >= = 2", "enter")
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "A >= = 2" in errors[0]
        assert app.house.found is None
