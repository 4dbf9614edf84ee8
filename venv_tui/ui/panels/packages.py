"""The Robot packages installed on the selected floor: filter as you type, details below."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.timer import Timer
from textual.widgets import Input, Static

from venv_tui.model import Distribution, PackageSet
from venv_tui.ui.actions import bindings_for
from venv_tui.ui.panels.base import Batch, Cell, CellType, Panel, Table, prepare

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

FILTER_DELAY = 0.15  # seconds of quiet typing before the package filter applies


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# Short marks keep the Flags column narrow at 120 columns; the legend under the list says them.
FLAG_MARKS = (("R", "requested"), ("E", "editable"), ("I", "inherited"), ("!", "unreadable"))
LEGEND = " · ".join(f"{mark} {word}" for mark, word in FLAG_MARKS[:3])


def flags(dist: Distribution) -> str:
    marks = [
        mark
        for mark, on in zip(
            ("R", "E", "I", "!"),
            (dist.requested, dist.editable, dist.inherited, bool(dist.problem)),
            strict=True,
        )
        if on
    ]
    return " ".join(marks)


Row = tuple[Distribution, tuple[CellType, CellType, CellType]]
COLUMNS = ("Name", "Version", "Flags")


class PackageRows(list[Row]):
    """Every package's cells, and the table's rows for all of them (:class:`Batch`), both made
    once per reading in the reading worker: the UI thread only places them."""

    def __init__(self, rows: list[Row]) -> None:
        super().__init__(rows)
        self.names = [dist.name.lower() for dist, _ in rows]  # what the filter looks in
        self.batch = prepare([(dist.metadata_path, cells) for dist, cells in rows], COLUMNS)


def package_rows(packages: PackageSet) -> PackageRows:
    """The cells of every package, made once per reading (in the reading worker)."""
    rows: list[Row] = []
    for dist in packages.distributions:
        style = "red" if dist.problem else ("dim" if dist.inherited else "")
        rows.append((dist, (Cell(dist.name, style), Cell(dist.version, style), Cell(flags(dist), "dim"))))
    return PackageRows(rows)


def _marked(row: Row, mark: tuple[Text, Text] | None) -> Row:
    dist, (name, version, flag) = row
    if mark is None:
        return row
    flag_text = flag if isinstance(flag, Text) else flag.__rich__()
    return dist, (name, version, Text.assemble(flag_text, " " if flag.plain else "", mark[0]))


def matches(dist: Distribution, text: str) -> bool:
    return not text or text.lower() in dist.name.lower()


def detail(dist: Distribution, required_by: Sequence[str]) -> Text:
    text = Text()
    text.append(f"{dist.name} {dist.version}", style="bold")
    if dist.summary:
        text.append(f" — {dist.summary}")
    text.append("\n")
    if dist.problem:
        text.append(f"{dist.problem}\n", style="red")
    text.append("requires: ", style="dim")
    text.append(", ".join(dist.requires) or "nothing")
    text.append("\nrequired by: ", style="dim")
    text.append(", ".join(required_by) or "nothing here")
    text.append("\nlocation: ", style="dim")
    text.append(dist.editable_location or dist.location)
    if dist.editable:
        text.append(" (editable)")
    text.append("\ninstaller: ", style="dim")
    text.append(dist.installer or "unknown")
    if dist.requires_python:
        text.append(" · requires-python: ", style="dim")
        text.append(dist.requires_python)
    text.append(f"\n{LEGEND}", style="dim")
    return text


def _update(widget: Static, content: Text | str) -> None:
    """Show ``content``, laying the screen out again only when the box's height changes: a
    cursor move in a long list then repaints the box alone, not the whole screen."""
    width = widget.content_size.width
    rules = cast("RulesMap", widget.styles)  # what Widget.get_content_height passes too
    before = widget.visual.get_height(rules, width) if width else -1
    widget.update(content, layout=False)
    if not width or widget.visual.get_height(rules, width) != before:
        widget.clear_cached_dimensions()
        widget.refresh(layout=True)


class PackagesPanel(Panel):
    PANEL_ID = "packages"
    TITLE = "Packages · robots on this floor"
    SHORT = "Packages"

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("packages")

    def __init__(self) -> None:
        super().__init__()
        self.packages: PackageSet | None = None
        self.env_path: str | None = None
        self.filter_text = ""
        # Reverse dependencies of the shown package set, built with the reading in a worker: a
        # cursor move looks one name up.
        self._required_by: Mapping[str, tuple[str, ...]] = {}
        self._filter_timer: Timer | None = None
        self._rows: Sequence[Row] | None = None
        self._by_key: dict[str, Distribution] | None = None
        # The index's marks per floor and package (canonical name), set by the index flow.
        self.index_marks: Mapping[str, Mapping[str, tuple[Text, Text]]] = {}
        self._placing = False  # rows are being placed: the cursor passes through row 0
        self._shown: tuple[object, ...] = ()  # what the detail box was made from

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter by name (esc clears)", id="package-filter")
        table = Table(id="packages-table")
        table.set_columns(*COLUMNS, giving=("Name",))  # the detail says it whole
        table.on_cursor = self._cursor_moved
        yield table
        yield Static("", id="package-detail", classes="detail")

    def on_mount(self) -> None:
        self.query_one("#package-filter", Input).display = False

    def on_unmount(self) -> None:
        from venv_tui.ui.readers import thaw

        thaw()  # what the readings froze is collected as usual once the app is gone

    def show(
        self,
        env_label: str,
        env_path: str,
        packages: PackageSet | None,
        error: str | None,
        required_by: Mapping[str, tuple[str, ...]] | None = None,
        rows: Sequence[Row] | None = None,
    ) -> None:
        """``rows``: the cells made in the reading worker (the UI thread only places them)."""
        same_env = env_path == self.env_path
        self.env_path = env_path
        self.packages = packages
        self._rows = rows if isinstance(rows, PackageRows) else (list(rows) if rows is not None else None)
        self._by_key = None
        self._required_by = required_by if required_by is not None else {}
        self.border_title = f"Packages · robots on {env_label}"
        keep = self.table.selected_key() if same_env else None
        self._place(keep, error)

    def _place(self, keep: str | None, error: str | None = None) -> None:
        """Fill the table, put the cursor back on ``keep``, then say the package under it."""
        self._placing = True
        try:
            self._fill(error)
            self.table.move_to_key(keep)
        finally:
            self._placing = False
        self.show_detail()

    def _cursor_moved(self) -> None:
        if not self._placing:
            self.show_detail()

    def _fill(self, error: str | None = None) -> None:
        table = self.table
        table.reset()
        detail_widget = self.query_one("#package-detail", Static)
        if self.packages is None:
            self.border_subtitle = ""
            detail_widget.update(Text.styled(error or "", "bold red"))
            return
        if self._rows is None:
            self._rows = package_rows(self.packages)
        text = self.filter_text
        every = self._rows
        picked = None
        if text and isinstance(every, PackageRows):
            needle = text.lower()
            picked = [i for i, name in enumerate(every.names) if needle in name]
        elif text:
            picked = [i for i, row in enumerate(every) if matches(row[0], text)]
        shown = [every[i] for i in picked] if picked is not None else every
        marks = self.index_marks.get(self.env_path or "")
        # One batch, then one refresh: thousands of rows stay smooth.
        batch: Batch | list[tuple[str, Sequence[CellType]]]
        if marks:
            shown = [_marked(row, marks.get(canonical(row[0].name))) for row in shown]
            batch = [(dist.metadata_path, cells) for dist, cells in shown]
        elif isinstance(every, PackageRows):  # made in the reading worker: placed, or picked from
            batch = every.batch if picked is None else every.batch.subset(picked)
        else:
            batch = [(dist.metadata_path, cells) for dist, cells in shown]
        table.fill(batch)
        total = len(self.packages.distributions)
        count = f"{len(shown)} of {total}" if self.filter_text else f"{total}"
        self.border_subtitle = f"{count} packages" + (
            f" · {len(self.packages.problems)} unreadable" if self.packages.problems else ""
        )

    def selected(self) -> Distribution | None:
        key = self.table.selected_key()
        if self.packages is None or key is None:
            return None
        if self._by_key is None:
            self._by_key = {d.metadata_path: d for d in self.packages.distributions}
        return self._by_key.get(key)

    def show_detail(self) -> None:
        """Say the package under the cursor. Twice for the same package and the same data (the
        cursor's own call, then the screen's on the row's message) is drawn once."""
        widget = self.query_one("#package-detail", Static)
        if self.packages is None:
            self._shown = ()
            return
        dist = self.selected()
        marks = self.index_marks.get(self.env_path or "")
        shown = (dist, self.packages, self._required_by, marks, self.filter_text)
        if len(shown) == len(self._shown) and all(a is b for a, b in zip(shown, self._shown, strict=True)):
            return
        self._shown = shown
        if dist is not None:
            text = detail(dist, self._required_by.get(canonical(dist.name), ()))
            mark = (marks or {}).get(canonical(dist.name))
            if mark is not None:
                text = Text.assemble(mark[1], "\n", text)  # first: the detail's end may be cut
            if self.packages.problems:
                # Entries that could not be read are in no row: their sentences stay in view.
                text = Text.assemble(
                    Text.styled("\n".join(self.packages.problems), "red"), "\n", text
                )
            _update(widget, text)
        elif self.packages.problems:
            _update(widget, Text.styled("\n".join(self.packages.problems), "red"))
        elif self.filter_text:
            _update(widget, f"no package matches “{self.filter_text}”")
        else:
            where = ", ".join(os.path.basename(d) for d in self.packages.site.own_dirs)
            _update(widget, f"nothing installed in {where or 'this environment'}")

    def set_marks(self, marks: Mapping[str, Mapping[str, tuple[Text, Text]]]) -> None:
        """The index's marks (outdated, vulnerable) per floor; the shown list is redrawn."""
        self.index_marks = marks
        if self.packages is not None:
            self._place(self.table.selected_key())

    def open_filter(self) -> None:
        box = self.query_one("#package-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#package-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        # Refill once typing pauses, not at every key: with thousands of rows a refill is
        # a noticeable fraction of a second.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self._apply_filter)

    def _apply_filter(self) -> None:
        self._filter_timer = None
        self._place(None)

    @on(Input.Submitted, "#package-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        if self.filter_text or self.query_one("#package-filter", Input).display:
            self.clear_filter()

    def clear_filter(self) -> None:
        box = self.query_one("#package-filter", Input)
        box.value = ""
        box.display = False
        self.filter_text = ""
        self._place(None)
        self.table.focus()
