"""Notes and keep marks: the app's own state file, written atomically, keyed by real paths; a
broken file is one warning and the defaults, and is kept aside before anything is written."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from venv_tui import tomlread
from venv_tui.cli import main
from venv_tui.services import Services, story
from venv_tui.services.state import load_state, state_path

pytestmark = pytest.mark.services

if TYPE_CHECKING:
    from conftest import Hermetic


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def floor(hermetic: Hermetic) -> str:
    return story.make_venv(os.path.join(hermetic.root, "floors", "noted"))


def envs_entry(capsys: pytest.CaptureFixture[str], floor: str) -> dict:
    code, out, err = run(capsys, "envs", "--root", os.path.dirname(floor), "--json")
    assert code == 0, err
    (entry,) = [e for e in json.loads(out)["environments"] if e["path"] == floor]
    return entry


def test_note_and_keep_round_trip(capsys, floor: str, hermetic: Hermetic) -> None:
    assert run(capsys, "note", floor, "robot two's floor, do not touch")[0] == 0
    assert run(capsys, "keep", floor)[0] == 0
    entry = envs_entry(capsys, floor)
    assert entry["note"] == "robot two's floor, do not touch"
    assert entry["keep"] is True
    # The file is the app's own, in the state folder, never the user's config.toml.
    path = state_path()
    assert path.startswith(os.environ["VENV_TUI_STATE_DIR"])
    assert not os.path.exists(os.path.join(os.environ["VENV_TUI_CONFIG_DIR"], "config.toml"))
    with open(path, encoding="utf-8") as fh:
        data = tomlread.loads(fh.read())
    assert data == {
        "floors": {os.path.realpath(floor): {"note": "robot two's floor, do not touch", "keep": True}}
    }
    code, out, _ = run(capsys, "note", floor)
    assert code == 0 and out.strip() == "robot two's floor, do not touch"
    assert run(capsys, "note", floor, "--clear")[0] == 0
    assert run(capsys, "keep", floor, "--off")[0] == 0
    entry = envs_entry(capsys, floor)
    assert entry["note"] is None and entry["keep"] is False
    assert load_state().marks == {}
    # Nothing but the state file was left in its folder (no temporary files).
    assert os.listdir(os.path.dirname(path)) == [os.path.basename(path)]


def test_marks_follow_the_real_folder(capsys, floor: str, hermetic: Hermetic) -> None:
    link = os.path.join(hermetic.root, "link-to-floor")
    os.symlink(floor, link)
    code, out, _ = run(capsys, "keep", link, "--json")
    assert code == 0
    assert json.loads(out)["keep"] is True
    assert Services().state().mark(floor).keep


def test_note_is_one_line(capsys, floor: str) -> None:
    code, _, err = run(capsys, "note", floor, "two\nlines")
    assert code == 2 and "one line" in err
    code, _, err = run(capsys, "note", floor, "x" * 501)
    assert code == 2 and "500" in err
    code, _, err = run(capsys, "note", floor, "text", "--clear")
    assert code == 2
    code, _, err = run(capsys, "note", os.path.join(floor, "nothing-here"), "text")
    assert code == 2 and "does not exist" in err
    assert not os.path.exists(state_path())


def test_control_characters_in_a_note_are_not_printed_raw(capsys, floor: str) -> None:
    assert run(capsys, "note", floor, "title\x1b]0;owned\x07")[0] == 0
    code, out, _ = run(capsys, "note", floor)
    assert code == 0
    assert "\x1b" not in out and "\\x1b" in out


@pytest.mark.parametrize(
    "content",
    [b"[floors\nbroken = ", b'[floors."/x"]\nkeep = "yes"\n', b"floors = 3\n", b"\xff\xfe\x00binary"],
)
def test_a_broken_state_file_is_one_warning_and_kept_aside(capsys, floor: str, content: bytes) -> None:
    path = state_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(content)
    entry_code, out, err = run(capsys, "envs", "--root", os.path.dirname(floor), "--json")
    assert entry_code == 0
    assert err.count("warning:") == 1 and "state file" in err
    (entry,) = json.loads(out)["environments"]
    assert entry["note"] is None and entry["keep"] is False
    with open(path, "rb") as fh:
        assert fh.read() == content  # reading never rewrites it
    code, _, err = run(capsys, "keep", floor)
    assert code == 0
    assert "kept as" in err
    with open(path + ".broken-1", "rb") as fh:
        assert fh.read() == content  # never lost silently
    assert load_state().mark(floor).keep


def test_a_state_file_that_is_a_fifo_does_not_hang(capsys, floor: str) -> None:
    path = state_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.mkfifo(path)
    state = load_state()
    assert state.warning is not None and "named pipe" in state.warning
    assert state.marks == {}


def test_state_folder_follows_xdg(hermetic: Hermetic, monkeypatch) -> None:
    monkeypatch.delenv("VENV_TUI_STATE_DIR")
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("the XDG state folder is a Linux convention")
    assert state_path() == os.path.join(os.environ["XDG_STATE_HOME"], "venv-tui", "state.toml")
