"""What every panel shares: a bordered container with a title and a row table with j/k."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import ColumnKey, Row, RowKey

from venv_tui.ui.messages import PanelFocused


def tilde(path: str, home: str | None) -> str:
    """``~/house/floor-1`` for a path under the user's home: narrow columns, same meaning."""
    if home and home != "/" and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "~" + path[len(home.rstrip("/")) :]
    return path


class Cell:
    """A cell's words and style, made into a :class:`Text` only when the row is drawn: a floor
    of 5000 packages has 15 000 cells, of which a screen shows about a hundred. Never markup."""

    __slots__ = ("plain", "style")

    def __init__(self, plain: str, style: str = "") -> None:
        self.plain = plain
        self.style = style

    def __rich__(self) -> Text:
        return Text(self.plain, self.style)

    def __str__(self) -> str:
        return self.plain

    @property
    def cell_len(self) -> int:
        plain = self.plain  # printable ASCII, as most names are: one column a character
        return len(plain) if plain.isascii() and plain.isprintable() else cell_len(plain)


CellType = Text | Cell


@dataclass(frozen=True)
class Batch:
    """Rows in the shape DataTable keeps them, made off the UI thread by :func:`prepare`."""

    columns: tuple[str, ...]
    cells: Sequence[tuple[str, Sequence[CellType]]]
    locations: dict[RowKey, int]
    data: dict[RowKey, dict[ColumnKey, CellType]]
    rows: dict[RowKey, Row]
    widths: tuple[int, ...]
    # What DataTable works out at its first frame after a change (the rows in order, the row
    # under each line), also made off the UI thread: for 5000 rows a few milliseconds.
    ordered: tuple[Row, ...] = ()
    offsets: tuple[tuple[RowKey, int], ...] = ()
    cell_widths: tuple[tuple[int, ...], ...] = ()  # per row, in the order of ``cells``

    def subset(self, picked: Sequence[int]) -> Batch:
        """The batch of some of these rows (indices into ``cells``, in order), sharing their
        cells: a filter over thousands of rows places them without making them again."""
        ordered = tuple(self.ordered[i] for i in picked)
        data = self.data
        widths = tuple(
            max((self.cell_widths[i][column] for i in picked), default=0)
            for column in range(len(self.widths))
        )
        return Batch(
            self.columns,
            [self.cells[i] for i in picked],
            {row.key: index for index, row in enumerate(ordered)},
            {row.key: data[row.key] for row in ordered},
            {row.key: row for row in ordered},
            widths,
            ordered,
            tuple((row.key, 0) for row in ordered),
            tuple(self.cell_widths[i] for i in picked),
        )


def prepare(rows: Sequence[tuple[str, Sequence[CellType]]], columns: Sequence[str]) -> Batch:
    """The dictionaries a :class:`Table` with these column labels keeps for ``rows`` (unique
    keys), and the widest cell of each column. Pure: runs in a worker."""
    column_keys = [ColumnKey(label) for label in columns]
    widths = [0] * len(column_keys)
    locations: dict[RowKey, int] = {}
    data: dict[RowKey, dict[ColumnKey, CellType]] = {}
    table_rows: dict[RowKey, Row] = {}
    ordered: list[Row] = []
    cell_widths: list[tuple[int, ...]] = []
    for index, (key, cells) in enumerate(rows):
        row_key = RowKey(key)
        locations[row_key] = index
        data[row_key] = dict(zip(column_keys, cells, strict=False))
        table_rows[row_key] = row = Row(row_key, 1, None, False)
        ordered.append(row)
        lengths = tuple(cell.cell_len for cell in cells)
        cell_widths.append(lengths)
        for column, length in enumerate(lengths):
            if length > widths[column]:
                widths[column] = length
    offsets = tuple((row.key, 0) for row in ordered)
    return Batch(
        tuple(columns), rows, locations, data, table_rows, tuple(widths),
        tuple(ordered), offsets, tuple(cell_widths),
    )


class Table(DataTable):
    """A row-cursor table that also moves with j/k; home and end move the cursor to the first
    and last row (DataTable's own scroll the columns sideways, hiding the first one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("home", "first_row", "First", show=False, id="first"),
        Binding("end", "last_row", "Last", show=False, id="last"),
    ]

    def _highlight_row(self, row_index: int) -> None:
        super()._highlight_row(row_index)
        if self.on_cursor is not None:
            self.on_cursor()

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)
        self.scroll_x = 0

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
        self.scroll_x = 0

    def __init__(self, *, id: str | None = None) -> None:
        self._frame_style: Style | None = None
        # Called when the cursor lands on a row, before the frame that shows it is drawn: what
        # depends on the row is then drawn in the same frame, not one message later.
        self.on_cursor: Callable[[], None] | None = None
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=False, cursor_foreground_priority="renderable"
        )

    @property
    def rich_style(self) -> Style:
        """The table's style, worked out once per frame rather than once per line: each time
        walks every ancestor (a panel's table is four deep), a third of a long table's frame."""
        if self._frame_style is not None:
            return self._frame_style
        return super().rich_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        """Add a row and widen its auto-width columns now.

        DataTable measures new rows later, in an idle pass that (seen with Textual 8.2) can miss
        rows added by a refill that follows another closely, leaving columns as narrow as their
        headers. Every panel refills in one go, so measuring here is exact and cheap.
        """
        row_key = super().add_row(*cells, **kwargs)
        columns = getattr(self, "_ordered", None) or self.ordered_columns
        for column, cell in zip(columns, cells, strict=False):
            if column.auto_width:
                width = cell.cell_len if isinstance(cell, Text | Cell) else cell_len(str(cell))
                if width > column.content_width:
                    column.content_width = width
        return row_key

    def fill(self, rows: Sequence[tuple[str, Sequence[CellType]]] | Batch) -> None:
        """Show many rows at once (unique keys), for thousands of packages.

        ``rows`` may be a :class:`Batch` made off the UI thread with :func:`prepare`; then the UI
        thread only merges dictionaries. DataTable's own path re-validates the cursor for every
        row and measures every cell again when idle, which for 5000 rows held the UI thread for
        a large fraction of a second.
        """
        batch = rows if isinstance(rows, Batch) else prepare(rows, getattr(self, "_labels", ()))
        columns = getattr(self, "_ordered", None) or self.ordered_columns
        if self.row_count or [c.key.value for c in columns] != list(batch.columns):
            for key, cells in batch.cells:  # rare: rows appended, or columns of another shape
                self.add_row(*cells, key=key)
            return
        self._row_locations = TwoWayDict(dict(batch.locations))
        self._data.update(batch.data)
        self.rows.update(batch.rows)
        for column, width in zip(columns, batch.widths, strict=True):
            if column.auto_width and width > column.content_width:
                column.content_width = width
        self._update_count += 1
        # Seeded as DataTable's own caches keyed by this update (lists: clear() empties one).
        self._ordered_row_cache[(self.row_count, self._update_count)] = list(batch.ordered)
        self._offset_cache[self._update_count] = list(batch.offsets)
        self.cursor_coordinate = self.cursor_coordinate
        if self.row_count and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        # What DataTable's idle pass would compute, without measuring the cells again.
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self.row_count + header)
        self.refresh()

    def set_columns(self, *labels: str) -> None:
        self._labels = labels
        for label in labels:
            self.add_column(label, key=label)  # known keys: a Batch can be made elsewhere
        self._ordered = list(self.ordered_columns)  # looked up once, not once per row

    def reset(self) -> None:
        """Empty the table, columns too, so that widths are measured again from the new rows
        (a plain ``clear()`` sometimes kept the header-only widths of the first fill)."""
        # clear() works out the line-to-row list of every row just to empty it: for 5000 rows
        # that alone held the UI thread for milliseconds at every refill. No rows, no work.
        self.rows.clear()
        self.clear(columns=True)
        for label in getattr(self, "_labels", ()):
            self.add_column(label, key=label)
        self._ordered = list(self.ordered_columns)

    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None when the table is empty."""
        if self.row_count == 0:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:  # the cursor can sit past the end for a moment while rows change
            return None
        return row_key.value

    def move_to_key(self, key: str | None) -> None:
        if key is None:
            return
        try:
            index = self.get_row_index(key)
        except Exception:  # the row is gone (filtered out, deleted): leave the cursor where it is
            return
        self.move_cursor(row=index, animate=False)


class Panel(Vertical):
    """A titled part of the main screen. Its BINDINGS show in the footer while it has focus."""

    PANEL_ID: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    SHORT: ClassVar[str] = ""  # the tab label when the screen is narrow

    # Panel keys, not Screen's focus_next: tab moves between panels, also when only one shows.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "screen.next_panel(1)", "Next panel", show=False, id="next-panel"),
        Binding(
            "shift+tab", "screen.next_panel(-1)", "Previous panel", show=False, id="previous-panel"
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id=self.PANEL_ID, classes="panel")
        self.border_title = self.TITLE
        self.border_subtitle = "reading…"  # until the first worker answers

    @property
    def table(self) -> Table:
        return self.query_one(Table)

    def on_descendant_focus(self) -> None:
        self.post_message(PanelFocused(self.PANEL_ID))

    def focus_main(self) -> None:
        self.table.focus()
