"""The Robots: each watched source and whether its hands fit the floor whose lamp is on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from venv_tui.model import CheckResult
from venv_tui.ui.actions import bindings_for
from venv_tui.ui.panels.base import Panel, Table
from venv_tui.ui.state import SourceResult

ENV_KEY = "\0environment"  # the row key of the floor's own problems (never a file path)


def source_lines(result: SourceResult, floor: str) -> list[tuple[Text, Text]]:
    """The rows of one source: a headline, then one plain sentence per unmet requirement."""
    if result.error is not None:
        return [
            (
                Text.styled("!", "bold red"),
                Text.styled(result.error, "red"),
            )
        ]
    check = result.check
    assert check is not None
    if check.ok:
        rows = [(Text.styled("✓", "bold green"), Text(f"{result.name} fits {floor}"))]
    else:
        problems = len(check.failures) + (
            1 if check.python and check.python.status == "wrong-version" else 0
        )
        word = "problem" if problems == 1 else "problems"
        rows = [
            (
                Text.styled("✗", "bold red"),
                Text.styled(f"{result.name} does not fit {floor}: {problems} {word}", "bold"),
            )
        ]
    if check.python is not None and check.python.status == "wrong-version":
        message = (
            check.python.message
            or f"needs Python {check.python.requires}, {floor} has {check.python.actual}"
        )
        rows.append((Text(""), Text.styled(f"  {message}", "red")))
    for req in check.failures:
        rows.append((Text(""), Text.styled(f"  {req.message}", "red")))
    for req in check.requirements:
        if req.status == "unverifiable":
            rows.append((Text(""), Text.styled(f"  {req.message}", "yellow")))
    if result.source is not None:
        for warning in result.source.warnings:
            rows.append((Text(""), Text.styled(f"  {warning}", "yellow")))
    return rows


def environment_lines(check: CheckResult | None, floor: str) -> list[tuple[Text, Text]]:
    if check is None:
        return []
    if not check.environment_problems:
        return [
            (
                Text.styled("✓", "bold green"),
                Text(f"{floor} itself: no broken requirements (pip check)"),
            )
        ]
    count = len(check.environment_problems)
    rows = [
        (
            Text.styled("✗", "bold red"),
            Text(
                f"{floor} itself: {count} broken requirement" + ("s" if count != 1 else ""),
                style="bold",
            ),
        )
    ]
    for problem in check.environment_problems:
        message = (
            problem.message or f"{problem.package} {problem.version} requires {problem.requirement}"
        )
        rows.append((Text(""), Text.styled(f"  {message}", "red")))
    return rows


class ScriptsPanel(Panel):
    PANEL_ID = "scripts"
    TITLE = "Robots · scripts vs. the lit floor"
    SHORT = "Robots"

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("robots")

    def compose(self) -> ComposeResult:
        table = Table(id="scripts-table")
        table.set_columns("", "Fit", giving=("Fit",))
        table.show_header = False
        yield table
        yield Static("", id="script-note", classes="note")

    def show(
        self,
        results: Sequence[SourceResult],
        env_check: CheckResult | None,
        floor: str,
        error: str | None = None,
    ) -> None:
        table = self.table
        keep = table.selected_key()
        rows: list[tuple[str, tuple[Text, Text]]] = []
        if error is not None:
            rows.append(("\0error", (Text.styled("!", "bold red"), Text.styled(error, "red"))))
        for result in results:
            for index, (mark, words) in enumerate(source_lines(result, floor)):
                rows.append((result.path if index == 0 else f"{result.path}\0{index}", (mark, words)))
        for index, (mark, words) in enumerate(environment_lines(env_check, floor)):
            rows.append((ENV_KEY if index == 0 else f"{ENV_KEY}\0{index}", (mark, words)))
        if not results and error is None:
            rows.append(
                (
                    "\0none",
                    (Text(""), Text.styled("no scripts watched: pass a script or a project folder", "dim")),
                )
            )
        table.refill(rows)
        table.move_to_key(keep)
        self.note()
        fits = sum(1 for r in results if r.fits)
        self.border_subtitle = f"{fits} of {len(results)} fit" if results else ""

    def note(self) -> None:
        """The whole sentence under the cursor, wrapped: a narrow terminal never cuts it off."""
        table = self.table
        text = ""
        if table.row_count and 0 <= table.cursor_row < table.row_count:
            text = str(table.get_row_at(table.cursor_row)[1]).strip()
        self.query_one("#script-note", Static).update(Text(text))

    def selected_path(self) -> str | None:
        """The source under the cursor (any of its rows), or None."""
        key = self.table.selected_key()
        if key is None or key.startswith("\0"):
            return None
        return key.split("\0", 1)[0]
