"""Ask for the requirements to install (or uninstall, upgrade) in one environment.

Requirements are separated by spaces (a comma between them is accepted too); one that holds a
space or a marker is quoted, shell-style: ``requests>=2 "B; python_version<'3.12'"``. A comma
inside a specifier (``A>=1,<2``) belongs to it. Every requirement is checked as it is typed with
the same function pip runs use, so the dialog never returns one pip would be handed blindly:
options (``--index-url=x``) and shell characters are refused with a sentence.
"""

from __future__ import annotations

import shlex

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from venv_tui.errors import BadInput, Refused, VenvTuiError
from venv_tui.ui.dialogs.base import Dialog


def validate_one(text: str) -> str:
    """One requirement, validated (and normalised) by the same function pip runs use."""
    from venv_tui.services.actions.pip import validate_requirement

    return validate_requirement(text)


def split_requirements(text: str) -> list[str]:
    """``'requests>=2, "A < 2"'`` -> ``["requests>=2", "A < 2"]``. Raises BadInput for an
    unclosed quote and Refused for an unquoted ``;`` (a command separator, not a marker)."""
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = ""
        tokens = list(lexer)
    except ValueError:
        raise BadInput("A quote is not closed.") from None
    parts: list[str] = []
    for token in tokens:
        if token and set(token) <= set(";&|"):
            hint = " (quote a marker: \"B; python_version<'3.12'\")" if ";" in token else ""
            raise Refused(
                f"{token!r} would start another command in a shell; type requirements only{hint}."
            )
    # "name @ url" typed without quotes: the three tokens are one requirement.
    while "@" in tokens[1:-1]:
        at = tokens.index("@", 1)
        tokens[at - 1 : at + 2] = [f"{tokens[at - 1]} @ {tokens[at + 1]}"]
    for token in tokens:
        for piece in _split_commas(token):
            piece = piece.strip().strip(",").strip()
            if piece:
                parts.append(piece)
    return parts


def _split_commas(token: str) -> list[str]:
    """``"A,B>=2,<3"`` -> ``["A", "B>=2,<3"]``: a comma starts a new requirement only outside
    ``[extras]`` and when a name follows it (a specifier after a comma starts with an operator).
    A marker or a URL is left whole."""
    if ";" in token or "@" in token:
        return [token]
    pieces: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(token):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            rest = token[index + 1 :].lstrip()
            if not rest or rest[0].isalnum():
                pieces.append(token[start:index])
                start = index + 1
    pieces.append(token[start:])
    return pieces


def check_requirements(text: str) -> tuple[list[str], str | None]:
    """The validated requirements, or a sentence saying what is wrong with the first bad one."""
    try:
        parts = split_requirements(text)
    except VenvTuiError as err:
        return [], str(err)
    if not parts:
        return [], "Type at least one requirement."
    valid: list[str] = []
    for part in parts:
        try:
            valid.append(validate_one(part))
        except VenvTuiError as err:
            return [], str(err)
    return valid, None


class InstallScreen(Dialog[list[str] | None]):
    """Dismisses with the validated requirements, or None when cancelled."""

    AUTO_FOCUS = "#requirements"

    BINDINGS = [
        Binding("ctrl+s", "submit", "Install", priority=True),
    ]

    DEFAULT_CSS = """
    InstallScreen .dialog {
        width: 80;
    }
    InstallScreen .hint, InstallScreen .problem, InstallScreen #preview {
        padding: 0 1;
        height: auto;
    }
    InstallScreen .buttons {
        margin-top: 1;
    }
    """

    def __init__(
        self,
        environment_name: str,
        *,
        initial: str = "",
        action_label: str = "Install",
        question: str | None = None,
    ) -> None:
        """``question``: a line above the field (which distribution an import comes from)."""
        super().__init__()
        self.question = question
        self.environment_name = environment_name
        self.initial = initial
        self.action_label = action_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"{self.action_label} — {self.environment_name}"
            dialog.border_subtitle = f"enter {self.action_label.lower()} · esc cancel"
            if self.question:
                yield Static(self.question, classes="hint", markup=False)
            field = Input(
                self.initial,
                placeholder="requests>=2 \"B; python_version<'3.12'\"",
                id="requirements",
                select_on_focus=False,
            )
            field.border_title = "Requirements"
            yield field
            yield Static(
                "Separate them with spaces; quote one with spaces or a marker.",
                classes="hint",
                markup=False,
            )
            yield Static("", id="preview", markup=False)
            yield Static("", id="problem", classes="problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.action_label, variant="primary", id="go")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._revalidate()

    def _revalidate(self) -> tuple[list[str], str | None]:
        text = self.query_one("#requirements", Input).value
        valid, problem = check_requirements(text)
        if not text.strip():
            problem = None  # an empty field is not an error yet, just not submittable
        preview = self.query_one("#preview", Static)
        # One line says either what will be done or what is wrong: the other one is hidden.
        preview.display = bool(valid)
        preview.update(
            Content.assemble((f"{self.action_label}: ", "dim"), (" · ".join(valid), "bold"))
        )
        problem_line = self.query_one("#problem", Static)
        problem_line.display = bool(problem)
        problem_line.update(problem or "")
        self.query_one("#go", Button).disabled = not valid
        return valid, problem

    @on(Input.Changed, "#requirements")
    def _changed(self, event: Input.Changed) -> None:
        self._revalidate()

    def action_submit(self) -> None:
        valid, _problem = self._revalidate()
        if not valid:
            self.app.bell()
            return
        self.dismiss(valid)

    @on(Input.Submitted, "#requirements")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#go")
    def _go(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

