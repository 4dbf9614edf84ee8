"""Tidying the house in the app: the floors ordered by one key. The transitions are tested
without a pilot, then the pilot on fixed data."""

from __future__ import annotations

from ui_data import ATTIC, BASEMENT, ENVIRONMENTS, FLOOR, demo_app, settle

from venv_tui.ui import state as S
from venv_tui.ui import tidy as T
from venv_tui.ui.panels.base import Table
from venv_tui.ui.panels.environments import CLEAN_UP

SIZE = (120, 40)


def test_the_order_cycles_and_sorts_the_shown_floors_only() -> None:
    house = S.House(floors=ENVIRONMENTS)
    assert T.shown_floors(house) == ENVIRONMENTS  # the services' order until asked
    seen = []
    for _ in T.ORDERS:
        house = T.next_order(house)
        seen.append(house.order)
    assert seen == ["name", "size", "age", "health", "python", "found"]
    by = {order: S.replace(house, order=order) for order in T.ORDERS}
    names = [e.name for e in T.shown_floors(by["name"])]
    assert names == ["attic", "basement", "floor 1", "floor 2", "floor 3"]
    assert T.shown_floors(by["health"])[0].path == ATTIC  # broken first
    assert [e.python_version for e in T.shown_floors(by["python"])][-1] == "3.9.7"
    sized = S.sized(by["size"], {FLOOR[2]: 50, BASEMENT: 900}, {})
    assert [e.path for e in T.shown_floors(sized)][:2] == [BASEMENT, FLOOR[2]]
    assert T.shown_floors(sized)[-1].path not in (BASEMENT, FLOOR[2])  # unknown size last
    assert sized.floors == ENVIRONMENTS  # the house keeps its own order


def order(app) -> list[str]:
    table = app.query_one("#environments-table", Table)
    return [str(table.coordinate_to_cell_key((r, 0)).row_key.value) for r in range(table.row_count)]


async def test_s_cycles_the_floors_order_and_the_border_says_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#environments-table").focus()
        first = order(app)
        await pilot.press("S")  # by name
        await settle(pilot)
        by_name = order(app)
        assert by_name != first and by_name[0] == ATTIC
        panel = app.screen.query_one("#environments")
        assert "by name" in str(panel.border_subtitle)
        await pilot.press("S")  # by size: the largest floor first
        await settle(pilot)
        sizes = {p: app.screen.house.sizes.get(p) for p in order(app)}
        known = [s for s in sizes.values() if s is not None]
        assert known == sorted(known, reverse=True) and known
        for _ in range(len(T.ORDERS) - 2):
            await pilot.press("S")
        await settle(pilot)
        assert order(app) == first
        assert "by " not in str(panel.border_subtitle)


def test_built_on_names_the_floors_each_interpreter_carries() -> None:
    from ui_data import DEFAULT_PY, INTERPRETERS

    house = S.House(interpreters=INTERPRETERS, floors=ENVIRONMENTS)
    built = T.built_on(house)
    assert built[DEFAULT_PY] == ["floor 1", "floor 2", "floor 3"]
    assert built["/usr/bin/python3"] == ["basement"]  # named by its real path
    assert sum(len(v) for v in built.values()) == 4  # the attic's interpreter is gone


def cell(app, table_id: str, key: str, column: int) -> str:
    table = app.screen.query_one(table_id, Table)
    return str(table.get_row(key)[column])


async def test_the_selected_interpreter_says_which_floors_break_wherever_it_is_selected() -> None:
    from ui_data import DEFAULT_PY, HOME

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The floors panel has the focus: the interpreters' note still speaks of its selection.
        assert app.screen.focused is app.screen.query_one("#environments-table")
        note = app.screen.query_one("#interpreter-note")
        said = str(note.render())
        assert "remove 3.12.4 and these 3 floors break: floor 1, floor 2, floor 3" in said
        # Each interpreter's row counts its floors (tidy.built_on: the one matching rule).
        assert cell(app, "#interpreters-table", DEFAULT_PY, 2) == "PATH · 3 floors"
        assert cell(app, "#interpreters-table", "/usr/bin/python3", 2) == "system · 1 floor"
        assert cell(app, "#interpreters-table", f"{HOME}/.pyenv/versions/3.13.1/bin/python3.13", 2) == "pyenv"
        await pilot.press("1", "down")
        await settle(pilot)
        assert "remove 3.11.2 and this floor breaks: basement" in str(note.render())
        # A base interpreter listed among the floors says it in the floors' note too.
        await pilot.press("2")
        app.screen.query_one("#environments-table", Table).move_to_key(DEFAULT_PY)
        await settle(pilot)
        floors_note = str(app.screen.query_one("#environment-note").render())
        assert "remove 3.12.4 and these 3 floors break: floor 1, floor 2, floor 3" in floors_note
        app.screen.query_one("#environments-table", Table).move_to_key(FLOOR[2])
        await settle(pilot)
        assert "break" not in str(app.screen.query_one("#environment-note").render())


def test_marks_for_clean_up_refuse_what_must_stay_and_count_what_is_freed() -> None:
    from ui_data import BASE_ENV

    house = S.House(floors=ENVIRONMENTS, lit=FLOOR[1], kept=frozenset({FLOOR[3]}))
    floor = {e.path: e for e in ENVIRONMENTS}
    assert T.mark_refusal(house, floor[FLOOR[2]]) is None
    assert "marked keep" in (T.mark_refusal(house, floor[FLOOR[3]]) or "")
    assert "active" in (T.mark_refusal(house, floor[FLOOR[1]]) or "")
    assert "base interpreter" in (T.mark_refusal(house, BASE_ENV) or "")
    managed = S.replace(floor[FLOOR[2]], source="pipx")
    assert "pipx" in (T.mark_refusal(house, managed) or "")
    house = T.clean_marked(T.clean_marked(house, FLOOR[2]), BASEMENT)
    assert house.marked == {FLOOR[2], BASEMENT}
    assert T.marked_line(house) == "2 marked · … would be freed"  # sizes not measured yet
    house = S.sized(house, {FLOOR[2]: 3 * 1024 * 1024, BASEMENT: 1024 * 1024}, {})
    assert T.marked_line(house) == "2 marked · 4.0 MiB would be freed"
    assert T.marked_line(T.clean_marked(T.clean_marked(house, FLOOR[2]), BASEMENT)) is None


async def test_space_marks_a_floor_and_refuses_the_lit_one() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#environments")
        lit = app.screen.house.lit
        app.screen.house = S.selected(app.screen.house, lit)
        await pilot.press("space")
        await settle(pilot)
        assert app.screen.house.marked == frozenset()
        assert any("the active environment" in str(n.message) for n in app._notifications)
        other = next(p for p in (FLOOR[2], FLOOR[3]) if p != lit)
        app.screen.query_one("#environments-table", Table).move_to_key(other)
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert app.screen.house.marked == {other}
        assert f"{CLEAN_UP} 1 marked · " in str(panel.border_subtitle)
        assert "would be freed" in str(panel.border_subtitle)
        # The floor's own row carries the mark, and the note under the table says it.
        assert cell(app, "#environments-table", other, 1).startswith(f"{CLEAN_UP} ")
        note = app.screen.query_one("#environment-note")
        assert f"{CLEAN_UP} marked for clean-up" in str(note.render())
        # The mark stays whatever redraws the rows: a keep mark on another floor, a new order.
        third = next(p for p in (FLOOR[2], FLOOR[3], BASEMENT) if p not in (lit, other))
        app.screen.query_one("#environments-table", Table).move_to_key(third)
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert cell(app, "#environments-table", other, 1).startswith(f"{CLEAN_UP} ")
        assert not cell(app, "#environments-table", third, 1).startswith(CLEAN_UP)
        await pilot.press("S")
        await settle(pilot)
        assert cell(app, "#environments-table", other, 1).startswith(f"{CLEAN_UP} ")
        app.screen.query_one("#environments-table", Table).move_to_key(other)
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert "marked" not in str(panel.border_subtitle)
        assert not cell(app, "#environments-table", other, 1).startswith(CLEAN_UP)


async def test_D_deletes_every_marked_floor_after_one_confirmation() -> None:
    from ui_data import FakeServices

    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lit = app.screen.house.lit
        marked = [p for p in (FLOOR[2], FLOOR[3], BASEMENT) if p != lit][:2]
        app.screen.house = S.replace(app.screen.house, marked=frozenset(marked))
        await pilot.press("D")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        app.screen.dismiss(True)
        await settle(pilot)
        deleted = [c[1] for c in services.calls if c[0] == "delete"]
        assert sorted(deleted) == sorted(marked)
        assert app.screen.house.marked == frozenset()
        assert any("Deleted 2 of 2" in str(n.message) for n in app._notifications)
