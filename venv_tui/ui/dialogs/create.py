"""The "new environment" form: where (folder + name), on which interpreter, with which options.

The form checks the location on every keystroke (a stat or two, nothing spawned) and keeps
Create disabled while the sentence under the path says what is wrong, so the dialog never hands
back a request that ``python -m venv`` would refuse or that would overwrite something.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from venv_tui.model import Interpreter
from venv_tui.ui.dialogs.base import Dialog


@dataclass(frozen=True)
class CreateRequest:
    """What the user asked for; the app hands it to ``Services.create``."""

    path: str
    python: str | None
    system_site_packages: bool
    without_pip: bool
    upgrade_pip: bool
    prompt: str | None




def interpreter_label(interpreter: Interpreter) -> Content:
    """``3.12.1  pyenv   /path/to/python3.12  (default)`` as one line."""
    version = interpreter.version or "?"
    if interpreter.implementation not in ("cpython", "unknown"):
        version = f"{interpreter.implementation} {version}"
    parts: list[str | tuple[str, str]] = [
        (f"{version:<9}", "bold"),
        " ",
        (f"{interpreter.source:<7}", "dim"),
        " ",
        interpreter.path,
    ]
    if interpreter.default:
        parts.append(("  (default)", "bold"))
    return Content.assemble(*parts)


def pick_interpreter(
    interpreters: Sequence[Interpreter], suggested: str | None = None
) -> int | None:
    """Index of the interpreter to preselect: ``suggested`` (a path, a resolved path or a
    version like "3.12"), else the default one (the first floor), else the first."""
    if not interpreters:
        return None
    if suggested:
        real = os.path.realpath(suggested) if os.sep in suggested else None
        for index, interp in enumerate(interpreters):
            if suggested == interp.path or suggested in interp.names:
                return index
        for index, interp in enumerate(interpreters):
            if real is not None and real == interp.real_path:
                return index
        for index, interp in enumerate(interpreters):
            version = interp.version or ""
            if version == suggested or version.startswith(suggested + "."):
                return index
    for index, interp in enumerate(interpreters):
        if interp.default:
            return index
    return 0


class InterpreterList(OptionList, inherit_bindings=False):
    """The interpreters, one per line; the highlighted one is the choice.

    Enter is left to the dialog (it submits the form) instead of "selecting" an option, so the
    bindings are those of OptionList without ``enter``.
    """

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
    ]

    DEFAULT_CSS = """
    InterpreterList {
        height: auto;
        max-height: 7;
        border: round $border-blurred;
        border-title-color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    InterpreterList:focus {
        border: round $border;
        border-title-color: $text;
        border-title-style: bold;
    }
    /* Without colour the highlight bar vanishes, and the highlighted line is the choice. */
    InterpreterList:nocolor > .option-list--option-highlighted {
        text-style: reverse;
    }
    """

    def __init__(
        self,
        interpreters: Sequence[Interpreter],
        *,
        selected: int | None = None,
        empty: str = "No interpreter was found; the default one will be used.",
        id: str | None = None,
    ) -> None:
        self.interpreters: tuple[Interpreter, ...] = tuple(interpreters)
        options = [
            Option(interpreter_label(interp), id=str(index))
            for index, interp in enumerate(self.interpreters)
        ]
        if not options:
            options = [Option(Content(empty))]
        super().__init__(*options, id=id)
        self._initial = selected

    def on_mount(self) -> None:
        if self._initial is not None:
            self.highlighted = self._initial

    @property
    def selected_interpreter(self) -> Interpreter | None:
        index = self.highlighted
        if index is None or not self.interpreters:
            return None
        return self.interpreters[index]


class _FormCheckbox(Checkbox, inherit_bindings=False):
    """Space toggles; enter is left to the dialog, which submits the form.

    Drawn as ``[x]`` / ``[ ]``: Textual's box shows an X in both states and tells them apart by
    colour alone, which is lost with 16 colours or NO_COLOR.
    """

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

    DEFAULT_CSS = """
    _FormCheckbox:nocolor:focus > .toggle--label {
        text-style: reverse;
    }
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.styled("[x]" if self.value else "[ ]", style)


def check_location(folder: str, name: str) -> tuple[str, str | None]:
    """The full path that would be created, and a sentence saying why it cannot be (or None).

    A relative folder is taken from the current folder; ``~`` is expanded.
    """
    from venv_tui.services.pyvenv import is_environment

    folder = folder.strip()
    name = name.strip()
    base = os.path.abspath(os.path.expanduser(folder)) if folder else ""
    path = os.path.join(base, name) if base and name else base or name
    if not folder:
        return path, "Type the folder to create the environment in."
    if not name:
        return path, "Type a name for the environment (for example .venv)."
    if name in (".", "..") or os.sep in name or (os.altsep and os.altsep in name):
        return path, f"The name {name!r} must be one folder name, without {os.sep!r}."
    if not os.path.exists(base):
        return path, f"The folder {base} does not exist."
    if not os.path.isdir(base):
        return path, f"{base} is a file, not a folder."
    # The form shows the full path just above this sentence: it is not repeated here, so the
    # sentence fits one line at 80 columns.
    if os.path.lexists(path):
        if is_environment(path):
            return path, f"{name} is already an environment there; choose another name."
        if os.path.isdir(path):
            return path, f"A folder {name} already exists there; choose another name."
        return path, f"A file {name} already exists there; choose another name."
    if not os.access(base, os.W_OK | os.X_OK):
        return path, f"You cannot write in {base}."
    return path, None


class CreateEnvScreen(Dialog[CreateRequest | None]):
    """A form for a new environment; dismisses with a :class:`CreateRequest` or None."""

    AUTO_FOCUS = "#name"

    BINDINGS = [
        Binding("ctrl+s", "submit", "Create", priority=True),
        Binding("enter", "submit", "Create", show=False),
    ]

    DEFAULT_CSS = """
    CreateEnvScreen .row {
        height: auto;
    }
    CreateEnvScreen #folder {
        width: 1fr;
    }
    CreateEnvScreen #name {
        width: 26;
        margin-left: 1;
    }
    CreateEnvScreen #target {
        height: auto;
        padding: 0 1;
    }
    CreateEnvScreen .problem {
        padding: 0 1;
        min-height: 1;
    }
    CreateEnvScreen .options {
        height: 1;
        margin: 0 1;
    }
    CreateEnvScreen .options Checkbox {
        margin-right: 3;
    }
    CreateEnvScreen .bottom {
        height: auto;
    }
    CreateEnvScreen #prompt {
        width: 1fr;
    }
    CreateEnvScreen .bottom .buttons {
        width: auto;
    }
    """

    def __init__(
        self,
        interpreters: Sequence[Interpreter],
        default_folder: str,
        *,
        suggested_name: str = ".venv",
        suggested_python: str | None = None,
        title: str = "New environment",
        check: Callable[[str, str], tuple[str, str | None]] | None = None,
    ) -> None:
        """``check(folder, name) -> (path, problem)`` replaces :func:`check_location` (a
        picture of the form must not depend on the disk of the machine drawing it)."""
        super().__init__()
        self._check = check or check_location
        self.interpreters = tuple(interpreters)
        self.default_folder = default_folder
        self.suggested_name = suggested_name
        self.suggested_python = suggested_python
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.dialog_title
            dialog.border_subtitle = "enter/ctrl+s create · esc cancel"
            with Horizontal(classes="row"):
                folder = Input(self.default_folder, id="folder", select_on_focus=False)
                folder.border_title = "Folder"
                yield folder
                name = Input(self.suggested_name, id="name", select_on_focus=False)
                name.border_title = "Name"
                yield name
            yield Static(id="target", markup=False)
            yield Static("", id="problem", classes="problem", markup=False)
            python = InterpreterList(
                self.interpreters,
                selected=pick_interpreter(self.interpreters, self.suggested_python),
                id="python",
            )
            python.border_title = "Python (↑/↓)"
            yield python
            with Horizontal(classes="options"):
                yield _FormCheckbox("system site packages", id="system", compact=True)
                yield _FormCheckbox("without pip", id="without-pip", compact=True)
                yield _FormCheckbox("upgrade pip", id="upgrade-pip", compact=True)
            with Horizontal(classes="bottom"):
                prompt = Input(
                    "", placeholder="shell prompt; default: the folder name", id="prompt"
                )
                prompt.border_title = "Prompt (optional)"
                yield prompt
                with Horizontal(classes="buttons"):
                    yield Button("Create", variant="primary", id="create")
                    yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._revalidate()

    # -- validation ------------------------------------------------------------------------

    def _location(self) -> tuple[str, str | None]:
        folder = self.query_one("#folder", Input).value
        name = self.query_one("#name", Input).value
        return self._check(folder, name)

    def _revalidate(self) -> str | None:
        path, problem = self._location()
        target = self.query_one("#target", Static)
        target.update(Content.assemble(("Creates ", "dim"), (path or "…", "bold")))
        self.query_one("#problem", Static).update(problem or "")
        self.query_one("#create", Button).disabled = problem is not None
        return problem

    @on(Input.Changed, "#folder, #name")
    def _location_changed(self, event: Input.Changed) -> None:
        self._revalidate()

    @on(Checkbox.Changed, "#without-pip")
    def _pip_toggled(self, event: Checkbox.Changed) -> None:
        # Upgrading a pip that is not installed makes no sense: the two exclude each other.
        upgrade = self.query_one("#upgrade-pip", Checkbox)
        if event.value:
            upgrade.value = False
        upgrade.disabled = event.value

    # -- submitting ------------------------------------------------------------------------

    def request(self) -> CreateRequest | None:
        """The request the form describes now, or None while it has a problem."""
        path, problem = self._location()
        if problem is not None:
            return None
        chosen = self.query_one(InterpreterList).selected_interpreter
        prompt = self.query_one("#prompt", Input).value.strip()
        without_pip = self.query_one("#without-pip", Checkbox).value
        return CreateRequest(
            path=path,
            python=chosen.path if chosen is not None else None,
            system_site_packages=self.query_one("#system", Checkbox).value,
            without_pip=without_pip,
            upgrade_pip=self.query_one("#upgrade-pip", Checkbox).value and not without_pip,
            prompt=prompt or None,
        )

    def action_submit(self) -> None:
        if self._revalidate() is not None:
            self.app.bell()
            return
        request = self.request()
        if request is None:
            self.app.bell()
            return
        self.dismiss(request)

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#create")
    def _create_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

