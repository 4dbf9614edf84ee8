"""What every panel shares: a bordered container with a title and a row table with j/k."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import ColumnKey, Row, RowKey, RowRenderables

from venv_tui.ui.messages import PanelFocused
from venv_tui.ui.panels.widths import LEAST, Span, fitted


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
        # Cut to its column, it ends in "…": the reader sees that more is there.
        return Text(self.plain, self.style, overflow="ellipsis")

    def __str__(self) -> str:
        return self.plain

    @property
    def cell_len(self) -> int:
        plain = self.plain  # printable ASCII, as most names are: one column a character
        return len(plain) if plain.isascii() and plain.isprintable() else cell_len(plain)


CellType = Text | Cell


def _cell_signature(cell: object) -> object:
    """What a cell shows: its words, styles and alignment (``Text.__eq__`` leaves out the
    base style and the alignment)."""
    if isinstance(cell, Text):
        return (cell.plain, str(cell.style), cell.justify, cell.overflow, cell.no_wrap, tuple(cell.spans))
    if isinstance(cell, Cell):
        return (cell.plain, cell.style)
    return (type(cell), str(cell))


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

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """A :class:`Cell` of one line, as DataTable draws it (padding, the cell's style between
        the table's and the cursor's), made without Rich's general layout: for a packages
        panel's first frame that layout was half the time of the frame."""
        cell = row_key = column_key = None
        if row_index >= 0 and column_index >= 0 and not self.fixed_rows and not self.fixed_columns:
            row_key = self._row_locations.get_key(row_index)
            column_key = self._column_locations.get_key(column_index)
            row = self.rows.get(row_key) if row_key is not None else None
            if row is not None and row.height == 1 and row.label is None and column_key is not None:
                cell = self._data.get(row.key, {}).get(column_key)
        pad = self.cell_padding
        if (
            row_key is None
            or column_key is None
            or not isinstance(cell, Cell)
            or not cell.plain.isascii()
            or not cell.plain.isprintable()
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        plain = cell.plain
        inner = width - 2 * pad
        if inner < 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if len(plain) > inner:  # as Rich cuts a Text whose overflow is "ellipsis"
            plain = plain[: inner - 1] + "…"
        cache_key = (
            row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
            self._update_count, self._pseudo_class_state,
        )
        lines = self._cell_render_cache.get(cache_key)
        if lines is None:
            component_style, post_style = self._get_styles_to_render_cell(
                False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
                self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
            )
            pre = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
            null = Style.null()
            text_style = self.app.console.get_style(cell.style) if cell.style else null
            raw = [Segment(" " * pad, null)]
            if plain:
                raw.append(Segment(plain, text_style))
            if inner > len(plain):
                raw.append(Segment(" " * (inner - len(plain)), null))
            raw.append(Segment(" " * pad, null))
            lines = [list(Segment.apply_style(raw, pre, post_style))]
            self._cell_render_cache[cache_key] = lines
        return lines

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
        self._signature: tuple[object, ...] | None = None  # what refill() placed last
        # Called when the cursor lands on a row, before the frame that shows it is drawn: what
        # depends on the row is then drawn in the same frame, not one message later.
        self.on_cursor: Callable[[], None] | None = None
        self._labels: tuple[str, ...] = ()
        self._giving: tuple[str, ...] = ()  # the columns that give way, the first first
        self._giving_at: tuple[int, ...] = ()  # where they are in a row
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
            # A giving column's natural width too: what it shows when there is room.
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
        batch = rows if isinstance(rows, Batch) else prepare(rows, self._labels)
        columns = getattr(self, "_ordered", None) or self.ordered_columns
        if self.row_count or [c.key.value for c in columns] != list(batch.columns):
            for key, cells in batch.cells:  # rare: rows appended, or columns of another shape
                self.add_row(*cells, key=key)
            self._fit()  # drawn anew: the rows added moved the update count on
            return
        self._row_locations = TwoWayDict(dict(batch.locations))
        self._data.update(batch.data)
        self.rows.update(batch.rows)
        for column, width in zip(columns, batch.widths, strict=True):
            if width > column.content_width:
                column.content_width = width
        self._fit()  # before the update count moves on: no cell is drawn at the old widths
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

    def refill(self, rows: Sequence[tuple[str, Sequence[CellType]]]) -> bool:
        """Show ``rows`` (unique keys) in place of the table's rows, unless they are the rows
        already shown, cell for cell: then nothing is redrawn. A refill makes DataTable draw
        every visible line again (8-20 ms for a panel's few wide rows), and the panels are
        rendered again from the house on messages that often change nothing they show (the
        marks read before the sizes, the floors loaded again). Returns whether it refilled."""
        signature = tuple((key, tuple(_cell_signature(c) for c in cells)) for key, cells in rows)
        if signature == self._signature:
            return False
        self.reset()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        self._fit()
        self._signature = signature
        return True

    def set_columns(self, *labels: str, giving: Sequence[str] = ()) -> None:
        """The columns, by their labels (also their keys). ``giving`` names the wide columns
        that give way when a row is wider than the table, the first one first: each is cut,
        ending in "…", down to :data:`LEAST` (or its header), so that the short columns
        beside it (a version, the flags) are always seen whole with their headers."""
        self._labels = labels
        self._giving = tuple(giving)
        self._giving_at = tuple(labels.index(label) for label in giving)
        self._add_columns()

    def _add_columns(self) -> None:
        for label in self._labels:
            self.add_column(label, key=label)  # known keys: a Batch can be made elsewhere
        self._ordered = list(self.ordered_columns)  # looked up once, not once per row
        for label in self._giving:
            # Drawn at the width _fit() sets; DataTable keeps measuring its content_width.
            self.columns[ColumnKey(label)].auto_width = False

    def _room(self) -> int | None:
        """The columns the rows have beside the scrollbar, or None before the first layout."""
        width, height = self.container_size
        if not width:
            return None
        styles = self.styles
        # Every row of these tables is one line: the row count says whether the bar shows.
        lines = self.row_count + (self.header_height if self.show_header else 0)
        bar = (
            styles.overflow_y == "scroll"
            or (styles.overflow_y == "auto" and lines > height)
            or styles.scrollbar_gutter == "stable"
        )
        return width - styles.scrollbar_size_vertical if bar else width

    def _fit(self) -> bool:
        """Narrow the giving columns so that a row fits the table's width (each at its natural
        width when there is room). Whether a width changed."""
        if not self._giving:
            return False
        columns = self._ordered
        pad = 2 * self.cell_padding
        row = []
        for column in columns:
            if column.auto_width:
                width = column.get_render_width(self)
                row.append(Span(width, width, width))
            else:
                header = column.label.cell_len
                least = min(column.content_width, max(LEAST, header))
                row.append(Span(pad + column.content_width, pad + least, pad + header))
        room = self._room()
        if room is None:  # not laid out yet: natural widths until the first resize
            widths = [span.natural for span in row]
        else:
            widths = fitted(row, self._giving_at, room - self._row_label_column_width, pad)
        changed = False
        for index in self._giving_at:
            column = columns[index]
            if column.width != widths[index] - pad:
                column.width = widths[index] - pad
                changed = True
        return changed

    def _refit(self) -> None:
        """Fit the columns again where the update count does not move on (the cells drawn are
        cached under it): what was drawn at the old widths is forgotten."""
        if not self._fit():
            return
        self._cell_render_cache.clear()
        self._row_render_cache.clear()
        self._line_cache.clear()
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self.row_count + header)
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        # DataTable's own handler (called after this one) moves the update count on.
        self._refit()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """DataTable's measuring when idle, then the giving columns fitted to what it found."""
        super()._update_dimensions(new_rows)
        self._refit()

    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        """A row's cells as DataTable draws them; a :class:`Text` in a giving column ends in
        "…" when it is cut (a :class:`Cell` does already)."""
        renderables = super()._compute_row_renderables(row_index)
        if row_index < 0 or not self._giving_at:
            return renderables
        cells = renderables.cells
        for index in self._giving_at:
            if index < len(cells):
                cell = cells[index]
                if isinstance(cell, Text) and cell.overflow is None:
                    cell = cell.copy()  # the panel's own Text is left as it made it
                    cell.overflow = "ellipsis"
                    cells[index] = cell
        return renderables

    def reset(self) -> None:
        """Empty the table, columns too, so that widths are measured again from the new rows
        (a plain ``clear()`` sometimes kept the header-only widths of the first fill)."""
        # clear() works out the line-to-row list of every row just to empty it: for 5000 rows
        # that alone held the UI thread for milliseconds at every refill. No rows, no work.
        self._signature = None
        self.rows.clear()
        self.clear(columns=True)
        self._add_columns()

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
