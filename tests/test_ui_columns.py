"""Long names in every table: the wide column gives way (cut, ending in "…"), the short columns
beside it (a version, the flags, the health) and their headers are always seen whole."""

from __future__ import annotations

from typing import Any

import pytest
from ui_data import (
    FLOOR,
    HOME,
    LONG_FLOOR,
    LONG_FLOOR_NAME,
    LONG_PACKAGES,
    LONG_PYTHON,
    LONG_ROBOT,
    PACKAGES,
    LongNames,
    _dist,
    demo_app,
    settle,
)

from venv_tui.ui.panels.base import Table
from venv_tui.ui.panels.widths import Span, fitted

WIDTHS = (80, 100, 120)
HEIGHT = 50  # every row of every panel on screen at once, also in the wide grid

# The marks of floor 1's packages, by name, as the Flags column must show them whole.
MARKS = {"A": "R", "B": "R", **{
    name: " ".join(
        mark for mark, flag in (("R", "requested"), ("E", "editable"), ("I", "inherited")) if flags.get(flag)
    )
    for name, _, flags in LONG_PACKAGES
}}
VERSIONS = {d.name: d.version for d in PACKAGES[FLOOR[1]]} | {n: v for n, v, _ in LONG_PACKAGES}


def drawn(table: Table) -> list[dict[str, str]]:
    """What the table shows on screen, line by line (the header first when it has one), cut
    into its columns where they are drawn; a column past the visible width shows nothing."""
    visible = table.scrollable_content_region.width
    spans = []
    x = 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        spans.append((column.key.value, x, width))
        x += width
    lines = []
    for y in range(table.scrollable_content_region.height):
        text = table.render_line(y).text[:visible]
        if not text.strip():
            continue
        lines.append({key: text[x : x + width].strip() for key, x, width in spans})
    return lines


def whole(table: Table, key: str) -> bool:
    """The column ``key`` is drawn inside the visible width, its padding included."""
    x = 0
    for column in table.ordered_columns:
        x += column.get_render_width(table)
        if column.key.value == key:
            return x <= table.scrollable_content_region.width
    raise KeyError(key)


def cut_from(shown: str, value: str) -> bool:
    """``shown`` is ``value`` whole, or its beginning ending in "…"."""
    return shown == value or (shown.endswith("…") and len(shown) > 1 and value.startswith(shown[:-1]))


async def _open(pilot: Any, panel: str) -> Table:
    await settle(pilot)
    pilot.app.action_panel(panel)
    await settle(pilot)
    return pilot.app.query_one(f"#{panel}-table", Table)


# -- the rule ---------------------------------------------------------------------------------


def test_the_wide_column_gives_way_and_the_short_ones_keep_their_width() -> None:
    # Name (natural 40, cut to 12 at least), Version 9, Flags 7: 56 wide.
    row = [Span(40, 12, 6), Span(9, 9, 9), Span(7, 7, 7)]
    assert fitted(row, [0], 100, 2) == [40, 9, 7]  # room: nothing cut
    assert fitted(row, [0], 44, 2) == [28, 9, 7]
    assert fitted(row, [0], 20, 2) == [12, 9, 7]  # never below its least: the edge cuts the rest


def test_a_path_at_the_edge_steps_aside_before_the_name_is_cut() -> None:
    # lamp 3, Name (natural 48, least 12), Python 8, Path (natural 40, least 12, header 6).
    row = [Span(3, 3, 3), Span(48, 12, 6), Span(8, 8, 8), Span(40, 12, 6)]
    path_then_name = [3, 1]
    assert fitted(row, path_then_name, 99, 2) == [3, 48, 8, 40]
    assert fitted(row, path_then_name, 80, 2) == [3, 48, 8, 21]  # the path gives first
    assert fitted(row, path_then_name, 71, 2) == [3, 48, 8, 12]
    # A path narrower than its least says nothing: it steps aside, drawn as its padding past
    # the edge, and the name is whole with room to spare...
    assert fitted(row, path_then_name, 65, 2) == [3, 48, 8, 6]  # 6 holds its header whole
    assert fitted(row, path_then_name, 64, 2) == [3, 48, 8, 2]
    # ...or cut to fill the row exactly, the path past the edge.
    assert fitted(row, path_then_name, 40, 2) == [3, 29, 8, 2]
    # A wide column that does not end the row never steps aside.
    assert fitted(row, [1], 40, 2) == [3, 12, 8, 40]


# -- the panels ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
async def test_packages_show_version_and_flags_whole_and_cut_the_name(width: int) -> None:
    app = demo_app(services=LongNames())
    async with app.run_test(size=(width, HEIGHT)) as pilot:
        table = await _open(pilot, "packages")
        header, *rows = drawn(table)
        assert header == {"Name": "Name", "Version": "Version", "Flags": "Flags"}
        assert whole(table, "Version") and whole(table, "Flags")
        seen = {}
        for row in rows:
            name = next(n for n in VERSIONS if cut_from(row["Name"], n))
            assert row["Version"] == VERSIONS[name]
            assert row["Flags"] == MARKS[name]
            seen[name] = row["Name"]
        assert set(seen) == set(VERSIONS)  # every package on screen, one row each
        longest = max(VERSIONS, key=len)
        assert seen[longest].endswith("…") and len(seen[longest]) < len(longest)
        assert seen["A"] == "A"
        # The full name is in the detail under the list.
        table.move_to_key(next(str(k.value) for k in table.rows if longest.replace("-", "_") in str(k.value)))
        await pilot.pause()
        assert str(app.query_one("#package-detail").render()).startswith(f"{longest} 7.1.1")


@pytest.mark.parametrize("width", WIDTHS)
async def test_floors_keep_python_creator_health_and_size_whole(width: int) -> None:
    app = demo_app(services=LongNames())
    async with app.run_test(size=(width, HEIGHT)) as pilot:
        table = await _open(pilot, "environments")
        header, *rows = drawn(table)
        for key in ("Name", "Python", "Creator", "Health", "Size"):
            assert header[key] == key
            assert whole(table, key)
        long_row = next(r for r in rows if r["Creator"] == "virtualenv")
        assert (long_row["Python"], long_row["Health"], long_row["Size"]) == ("3.12.4", "ok", "118 MiB")
        assert long_row["Name"].endswith("…") and cut_from(long_row["Name"], LONG_FLOOR_NAME)
        base = next(r for r in rows if r["Creator"] == "interpreter")
        assert cut_from(base["Name"], "python3 (base)")
        # The path: whole header and the beginning of the path, or not drawn at all.
        if header["Path"]:
            assert header["Path"] == "Path"
            assert cut_from(long_row["Path"], LONG_FLOOR.replace(HOME, "~"))
        else:
            assert all(not r["Path"] for r in rows)


@pytest.mark.parametrize("width", WIDTHS)
async def test_interpreters_keep_version_and_found_whole(width: int) -> None:
    app = demo_app(services=LongNames())
    async with app.run_test(size=(width, HEIGHT)) as pilot:
        table = await _open(pilot, "interpreters")
        header, *rows = drawn(table)
        assert (header["Version"], header["Found"], header["Path"]) == ("Version", "Found", "Path")
        assert whole(table, "Version") and whole(table, "Found")
        long_row = next(r for r in rows if r["Version"] == "3.14.0rc1")
        assert long_row["Found"] == "uv"
        assert long_row["Path"].endswith("…")
        assert cut_from(long_row["Path"], LONG_PYTHON.replace(HOME, "~"))


@pytest.mark.parametrize("width", WIDTHS)
async def test_robots_keep_their_mark_and_cut_the_sentence(width: int) -> None:
    app = demo_app(services=LongNames())
    async with app.run_test(size=(width, HEIGHT)) as pilot:
        table = await _open(pilot, "scripts")
        rows = drawn(table)
        name = LONG_ROBOT.rsplit("/", 1)[1]
        row = next(r for r in rows if r["Fit"].startswith(name[:8]))
        assert row[""] == "✗"
        assert row["Fit"].endswith("…")
        assert cut_from(row["Fit"], f"{name} does not fit floor 1: 1 problem")
        assert whole(table, "")


async def test_the_columns_fit_again_when_the_terminal_is_resized() -> None:
    app = demo_app(services=LongNames())
    longest = max(VERSIONS, key=len)
    async with app.run_test(size=(120, HEIGHT)) as pilot:
        table = await _open(pilot, "packages")
        narrow = {r["Name"] for r in drawn(table)}
        await pilot.resize_terminal(260, HEIGHT)
        await settle(pilot)
        assert longest in {r["Name"] for r in drawn(table)}  # room: the name whole
        assert whole(table, "Flags")
        await pilot.resize_terminal(120, HEIGHT)
        await settle(pilot)
        assert {r["Name"] for r in drawn(table)} == narrow
        assert whole(table, "Flags")


def test_long_names_picture(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The house with long names at 120 columns: every panel's short columns whole."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")

    async def steps(pilot: Any) -> None:
        await _open(pilot, "packages")

    assert snap_compare(demo_app(services=LongNames()), terminal_size=(120, 40), run_before=steps)


@pytest.mark.parametrize(("width", "cut"), [(80, True), (120, False)])
async def test_a_comparison_keeps_both_versions_whole(width: int, cut: bool) -> None:
    from test_snapshots_dialogs import Host, steady

    from venv_tui.model import PackageSet, Site
    from venv_tui.services.diff import diff_packages
    from venv_tui.ui.diffscreen import DiffScreen

    def floor(path: str, suffix: str, count: int) -> PackageSet:
        site = Site(path, f"{path}/bin/python", "3.12.4", "cpython", (f"{path}/lib",), (), True)
        return PackageSet(site, tuple(
            _dist(f"{path}/lib", name, version + suffix) for name, version, _ in LONG_PACKAGES[:count]
        ))

    diff = diff_packages(floor(FLOOR[1], "", 4), floor(FLOOR[2], ".post1", 2))
    # A floor's name is never read as markup, and never widens a column of versions.
    app = Host(DiffScreen(diff, LONG_FLOOR_NAME, "floor [bold]2[/bold]"))
    async with app.run_test(size=(width, 24)) as pilot:
        await steady(pilot)
        table = app.screen.query_one("#diff-table", Table)
        header, *rows = drawn(table)
        assert header == {"Change": "Change", "Name": "Name", "Left": "Left", "Right": "Right"}
        assert whole(table, "Right")
        shown = {r["Left"]: r for r in rows}
        for name, version, _ in LONG_PACKAGES:
            row = shown[version]
            assert cut_from(row["Name"], name)
            on_both = name in {n for n, _, _ in LONG_PACKAGES[:2]}
            assert row["Right"] == (f"{version}.post1" if on_both else "—")
        longest = max((n for n, _, _ in LONG_PACKAGES), key=len)
        assert (shown["7.1.1"]["Name"] != longest) is cut  # cut only when there is no room
        assert "right: floor [bold]2[/bold]" in str(app.screen.query_one("#diff-header").render())
