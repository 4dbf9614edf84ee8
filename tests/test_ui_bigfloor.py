"""A floor of thousands of packages in the app: rows placed from batches made off the UI thread,
a filter that picks from them, the detail drawn with the cursor, the reading kept out of the
collector's walks."""

from __future__ import annotations

import gc

from rich.console import Console
from rich.text import Text
from ui_data import ManyPackages, demo_app, settle

from venv_tui.ui import readers
from venv_tui.ui.panels.base import Cell, Table, prepare
from venv_tui.ui.panels.packages import PackagesPanel

SIZE = (120, 40)
COUNT = 2000


def names(table: Table) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def detail(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.query_one("#package-detail").render())


# -- pure parts ------------------------------------------------------------------------------


def test_a_subset_is_the_batch_of_those_rows_alone() -> None:
    rows = [
        ("a", [Cell("alpha"), Cell("1.0"), Cell("")]),
        ("b", [Cell("b"), Cell("10.20.30"), Cell("R E")]),
        ("c", [Cell("日本語"), Cell("2"), Cell("I")]),
        ("d", [Text("delta-delta-delta"), Cell("3"), Cell("")]),
    ]
    columns = ("Name", "Version", "Flags")
    picked = prepare(rows, columns).subset([1, 2])
    alone = prepare([rows[1], rows[2]], columns)
    assert picked.widths == alone.widths == (6, 8, 3)  # the wide characters count twice
    assert picked.locations == alone.locations
    assert picked.data == alone.data
    assert [r.key for r in picked.ordered] == [r.key for r in alone.ordered]
    assert picked.offsets == alone.offsets
    assert list(picked.cells) == list(alone.cells)
    assert prepare(rows, columns).subset([]).widths == (0, 0, 0)


def test_a_cell_draws_its_words_as_they_are() -> None:
    cell = Cell("[bold]pkg[/bold]", "red")
    assert str(cell) == "[bold]pkg[/bold]"
    assert cell.__rich__() == Text("[bold]pkg[/bold]", "red")  # never read as markup
    console = Console(width=40, color_system=None)
    with console.capture() as seen:
        console.print(cell)
    assert seen.get().strip() == "[bold]pkg[/bold]"
    assert Cell("日本").cell_len == 4
    assert Cell("a\tb").cell_len == Text("a\tb").cell_len


def test_a_reading_is_built_unwatched_then_frozen() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with readers.long_lived():
            assert not gc.isenabled()  # no collection walks a half-built reading
            kept = [object() for _ in range(10)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)  # later collections leave the reading alone
        readers.thaw()
        assert gc.get_freeze_count() == 0
        gc.disable()
        with readers.long_lived():
            pass
        assert not gc.isenabled()  # a collector turned off stays off
    finally:
        readers.thaw()
        if was:
            gc.enable()
        else:
            gc.disable()


# -- the app ---------------------------------------------------------------------------------


async def test_thousands_of_packages_filter_and_follow_the_cursor() -> None:
    app = demo_app(services=ManyPackages(COUNT))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#packages-table", Table)
        assert table.row_count == COUNT
        assert names(table)[:2] == ["robot-00000", "robot-00001"]
        app.action_panel("packages")
        await pilot.pause()
        assert detail(app).startswith("robot-00000 1.0.0")
        assert f"required by: robot-{COUNT - 1:05d}" in detail(app)
        assert gc.get_freeze_count() > 0

        box = app.query_one("#package-detail")
        drawn: list[object] = []
        update = box.update
        box.update = lambda *a, **k: (drawn.append(a), update(*a, **k))[1]  # type: ignore[method-assign]
        await pilot.press("down")
        # Drawn once, with the cursor: the row's message later finds it already said.
        assert len(drawn) == 1
        assert detail(app).startswith("robot-00001 1.1.0")
        assert "required by: robot-00000" in detail(app)
        await pilot.press("up")
        assert len(drawn) == 2 and detail(app).startswith("robot-00000")

        panel = app.query_one(PackagesPanel)
        for text, expected in (("ROBOT-0019", 10), ("robot-01999", 1), ("nothing-like-it", 0)):
            panel.filter_text = text
            panel._apply_filter()
            await pilot.pause()
            assert table.row_count == expected
            assert all(text.lower() in name for name in names(table))
            assert panel.border_subtitle.startswith(f"{expected} of {COUNT}")
        assert detail(app) == "no package matches “nothing-like-it”"
        panel.filter_text = "robot-0199"
        panel._apply_filter()
        await pilot.pause()
        assert detail(app).startswith("robot-01990")  # the first row picked is said
        column = table.ordered_columns[0]
        assert column.content_width == len("robot-01990")
        panel.clear_filter()
        await pilot.pause()
        assert table.row_count == COUNT
    assert gc.get_freeze_count() == 0  # the app gone, the collector sees everything again


async def test_cells_are_drawn_as_datatable_draws_them() -> None:
    """The packages table's own cell drawing gives, line for line, what DataTable's gives:
    plain, styled, empty and cut cells (ending in "…"), under the cursor and not."""
    from textual.strip import Strip
    from textual.widgets import DataTable

    app = demo_app(services=ManyPackages(COUNT))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#packages-table", Table)
        table.fill([("styled", [Cell("red-one", "red"), Cell("1.0", "dim"), Cell("", "dim")])])
        long = "opentelemetry-instrumentation-asgi"
        table.fill([("long", [Cell(long, "red"), Cell("0.48b0.post1+local"), Cell("R E I !")])])
        await pilot.pause()
        compared = 0
        cut = 0
        for row in (0, 1, table.row_count - 2, table.row_count - 1):
            for column in range(3):
                for cursor, width in ((False, 12), (True, 12), (False, 3), (True, 7)):
                    args = (row, column, table.rich_style, width, cursor, False)
                    ours = table._render_cell(*args)
                    table._cell_render_cache.clear()
                    theirs = DataTable._render_cell(table, *args)
                    table._cell_render_cache.clear()
                    assert [list(Strip(line).simplify()) for line in ours] == [
                        list(Strip(line).simplify()) for line in theirs
                    ]
                    compared += 1
                    cut += "…" in Strip(ours[0]).text
        assert compared == 48
        assert cut >= 6  # the long name, version and flags at the narrow widths
        assert Strip(table._render_cell(table.row_count - 1, 0, table.rich_style, 12)[0]).text == (
            " opentelem… "
        )


async def test_the_floors_table_is_not_drawn_again_for_the_same_rows() -> None:
    from venv_tui.ui.panels import EnvironmentsPanel

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.query_one(EnvironmentsPanel)
        before = panel.table._update_count
        app.screen.render_floors()  # type: ignore[attr-defined]
        assert panel.table._update_count == before
        panel.inventory = {}  # sizes forgotten: the Size column changes, the rows are placed again
        panel.show_inventory({})
        assert panel.table._update_count > before
