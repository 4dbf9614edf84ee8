"""What venv-tui remembers about floors: a one-line note and a "keep" mark.

They live in ``state.toml`` in the platform's user state folder (``~/.local/state/venv-tui`` on
Linux; ``VENV_TUI_STATE_DIR`` overrides it), a file the app owns and rewrites — never the user's
``config.toml``, which is only read. Floors are keyed by their real path, so a floor named
through a link carries the same marks.

The file is written with tomli-w to a temporary file beside it, then ``os.replace``: a reader
sees the old file or the new one, never half. A broken file (invalid TOML or types, not a
regular file, unreadable) gives one warning and the defaults; before anything is written over
it, it is moved aside (``state.toml.broken-N``) and the warning names where, so nothing the user
had is lost silently.
"""

from __future__ import annotations

import os
import sys

from venv_tui.errors import BadInput

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Mapping

STATE_ENV = "VENV_TUI_STATE_DIR"
STATE_NAME = "state.toml"
NOTE_LIMIT = 500  # characters: a note is a line on a screen, not a document


class Mark:
    """What is remembered about one floor. (A plain class: ``envs`` reads marks on every run,
    and ``dataclasses`` would cost that run its import.)"""

    __slots__ = ("keep", "note")

    def __init__(self, note: str | None = None, keep: bool = False) -> None:
        self.note = note
        self.keep = keep

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mark) and (self.note, self.keep) == (other.note, other.keep)

    def __hash__(self) -> int:
        return hash((self.note, self.keep))

    def __repr__(self) -> str:
        return f"Mark(note={self.note!r}, keep={self.keep!r})"


class State:
    """Every floor's mark, keyed by real path, and a sentence when the file was broken."""

    __slots__ = ("broken", "marks", "warning")

    def __init__(
        self, marks: dict[str, Mark] | None = None, warning: str | None = None, broken: bool = False
    ) -> None:
        self.marks = marks if marks is not None else {}
        self.warning = warning  # one sentence about a broken state file, or None
        self.broken = broken  # the file could not be read: move it aside before writing

    def mark(self, path: str) -> Mark:
        if not self.marks:
            return Mark()  # the common case: nothing remembered, no path resolved
        return self.marks.get(os.path.realpath(path), Mark())


def state_dir(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if env.get(STATE_ENV):
        return env[STATE_ENV]
    if sys.platform.startswith("linux"):
        # What platformdirs answers on Linux, without its import on every headless run.
        value = env.get("XDG_STATE_HOME", "").strip()
        if not (value and os.path.isabs(value)):
            value = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".local", "state")
        return os.path.join(value, "venv-tui")
    from platformdirs import user_state_dir

    return user_state_dir("venv-tui", appauthor=False)


def state_path(environ: Mapping[str, str] | None = None) -> str:
    return os.path.join(state_dir(environ), STATE_NAME)


def parse_state(text: str, path: str) -> dict[str, Mark]:
    """The marks in a state file's text; BadInput (with the line where there is one) for
    invalid TOML or a value of the wrong type."""
    from venv_tui import tomlread

    data = tomlread.loads(text, path=path, what="the state file")
    floors = data.get("floors", {})
    if not isinstance(floors, dict):
        raise BadInput("in the state file, 'floors' must be a table", path=path)
    marks: dict[str, Mark] = {}
    for key, value in floors.items():
        if not isinstance(value, dict):
            raise BadInput(f"in the state file, the entry for {key} must be a table", path=path)
        note, keep = value.get("note"), value.get("keep", False)
        if note is not None and not isinstance(note, str):
            raise BadInput(f"in the state file, the note of {key} must be a string", path=path)
        if not isinstance(keep, bool):
            raise BadInput(f"in the state file, 'keep' of {key} must be true or false", path=path)
        marks[key] = Mark(note=note or None, keep=keep)
    return marks


def load_state(path: str | None = None, *, environ: Mapping[str, str] | None = None) -> State:
    """The remembered marks; no file is no marks. Never raises: a broken file is a warning."""
    from venv_tui import files

    path = path or state_path(environ)
    try:
        text = files.read_text(path, files.LIMIT_CONFIG)
    except files.Unreadable as err:
        if err.reason == "does not exist":
            return State()
        return State(
            warning=f"the state file (notes, keep marks) cannot be read: {err}; using none",
            broken=True,
        )
    try:
        return State(marks=parse_state(text, path))
    except BadInput as err:
        return State(warning=f"{err}; notes and keep marks are not used", broken=True)


def _aside(path: str) -> str:
    n = 1
    while os.path.lexists(f"{path}.broken-{n}"):
        n += 1
    return f"{path}.broken-{n}"


def _dump(marks: Mapping[str, Mark]) -> bytes:
    import tomli_w

    floors: dict[str, dict[str, object]] = {}
    for key in sorted(marks):
        mark = marks[key]
        entry: dict[str, object] = {}
        if mark.note:
            entry["note"] = mark.note
        if mark.keep:
            entry["keep"] = True
        if entry:
            floors[key] = entry
    return tomli_w.dumps({"floors": floors}).encode("utf-8")


def clean_note(text: str) -> str | None:
    """A note as stored: one line, stripped; None for an empty one. BadInput for a note of
    several lines or one too long."""
    if "\n" in text or "\r" in text or "\0" in text:
        raise BadInput("a note is one line")
    note = text.strip()
    if len(note) > NOTE_LIMIT:
        raise BadInput(f"a note is at most {NOTE_LIMIT} characters ({len(note)} given)")
    return note or None


def update_mark(
    floor: str,
    *,
    note: str | bool | None = False,
    keep: bool | None = None,
    path: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Mark, str | None]:
    """Set ``floor``'s note (a string; None clears it; False leaves it) and/or keep mark, and
    write the state file. Returns the new mark and a warning sentence (a broken file that was
    moved aside) or None. BadInput when the file cannot be written."""
    path = path or state_path(environ)
    state = load_state(path)
    warning = None
    if state.broken and os.path.lexists(path):
        aside = _aside(path)
        try:
            os.rename(path, aside)
        except OSError as err:
            raise BadInput(
                f"the state file cannot be read and cannot be moved aside ({err.strerror}); "
                "nothing was written",
                path=path,
            ) from None
        warning = f"{state.warning}; the broken file was kept as {aside}"
    key = os.path.realpath(floor)
    old = state.marks.get(key, Mark())
    new = Mark(
        note=old.note if note is False else clean_note(note) if isinstance(note, str) else None,
        keep=old.keep if keep is None else keep,
    )
    marks = dict(state.marks)
    marks[key] = new
    try:
        from venv_tui.config import write_atomic

        write_atomic(path, _dump(marks))
    except OSError as err:
        reason = "permission denied" if isinstance(err, PermissionError) else (err.strerror or str(err))
        raise BadInput(f"the state file could not be written ({reason})", path=path) from None
    return new, warning
