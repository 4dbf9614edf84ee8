"""The dialogs, driven by the keyboard through Textual's pilot on a tiny host app.

Each test pushes one dialog with a callback that records what it was dismissed with, so a test
proves both what the user sees and what the app receives.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Log, Static
from ui_data import interp

from venv_tui.errors import BadInput, Refused
from venv_tui.model import Environment, PipResult
from venv_tui.services import story
from venv_tui.ui.dialogs import (
    ConfirmScreen,
    CreateEnvScreen,
    CreateRequest,
    HelpScreen,
    InstallScreen,
    InterpreterList,
    RebuildScreen,
    TaskLogScreen,
    check_requirements,
    split_requirements,
)
from venv_tui.ui.dialogs.create import check_location

SIZE = (100, 30)


INTERPRETERS = (
    interp("3.12.1", "/usr/bin/python3", default=True, source="path"),
    interp("3.11.9", "/opt/pythons/3.11.9/bin/python3.11"),
    interp("3.8.18", "/opt/pythons/3.8.18/bin/python3.8"),
)


class Host(App[None]):
    """Pushes one dialog at start and records every value it is dismissed with."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def text_of(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def clear_and_type(pilot: Any, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    field.value = ""
    if len(text) <= 16:
        await pilot.press(*text)  # typed key by key, as a user would
    else:
        field.value = text  # a long path: the same Changed event, without a keystroke each
    await pilot.pause()


# -- create ------------------------------------------------------------------------------------


async def test_create_submits_the_typed_request(tmp_path: Any) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, str(tmp_path))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is dialog.query_one("#name", Input)  # the field most often edited
        assert dialog.query_one(InterpreterList).selected_interpreter == INTERPRETERS[0]
        await pilot.press(*["backspace"] * 5, *"robot-env")
        assert text_of(dialog, "#target") == f"Creates {tmp_path / 'robot-env'}"
        await pilot.press("tab", "down")  # to the interpreters, one down: 3.11
        await pilot.press("tab", "space")  # system site packages
        await pilot.press("tab", "tab", "tab", *"robots")  # past pip options, into the prompt
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [
        CreateRequest(
            path=str(tmp_path / "robot-env"),
            python=INTERPRETERS[1].path,
            system_site_packages=True,
            without_pip=False,
            upgrade_pip=False,
            prompt="robots",
        )
    ]


async def test_create_preselects_the_suggested_python_and_submits_with_ctrl_s(
    tmp_path: Any,
) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, str(tmp_path), suggested_name="floor-4", suggested_python="3.8")
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    [request] = app.results
    assert request.path == str(tmp_path / "floor-4")
    assert request.python == INTERPRETERS[2].path
    assert request.prompt is None


async def test_create_refuses_an_existing_environment(tmp_path: Any) -> None:
    story.make_venv(str(tmp_path / ".venv"))
    dialog = CreateEnvScreen(INTERPRETERS, str(tmp_path))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert text_of(dialog, "#problem") == (".venv is already an environment there; choose another name.")
        assert dialog.query_one("#create", Button).disabled
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert app.results == []  # nothing is returned while the problem stands
        await pilot.press("2")  # ".venv2" is free
        assert text_of(dialog, "#problem") == ""
        assert not dialog.query_one("#create", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
    assert [r.path for r in app.results] == [str(tmp_path / ".venv2")]


async def test_create_says_what_is_wrong_as_you_type(tmp_path: Any) -> None:
    (tmp_path / "taken").mkdir()
    dialog = CreateEnvScreen(INTERPRETERS, str(tmp_path))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await clear_and_type(pilot, "#name", "taken")
        assert text_of(dialog, "#target") == f"Creates {tmp_path / 'taken'}"
        taken = "A folder taken already exists there; choose another name."
        assert text_of(dialog, "#problem") == taken
        await clear_and_type(pilot, "#name", "")
        assert "Type a name" in text_of(dialog, "#problem")
        await clear_and_type(pilot, "#name", "a/b")
        assert "one folder name" in text_of(dialog, "#problem")
        await clear_and_type(pilot, "#name", "env")
        await clear_and_type(pilot, "#folder", str(tmp_path / "missing"))
        assert text_of(dialog, "#problem") == f"The folder {tmp_path / 'missing'} does not exist."
        assert dialog.query_one("#create", Button).disabled
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_create_without_pip_cannot_upgrade_pip(tmp_path: Any) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, str(tmp_path))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        upgrade = dialog.query_one("#upgrade-pip", Checkbox)
        upgrade.value = True
        dialog.query_one("#without-pip", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert upgrade.disabled and not upgrade.value
        await pilot.press("ctrl+s")
        await pilot.pause()
    [request] = app.results
    assert request.without_pip and not request.upgrade_pip


def test_check_location_sentences(tmp_path: Any) -> None:
    (tmp_path / "file.txt").write_text("x")
    assert check_location(str(tmp_path), ".venv") == (str(tmp_path / ".venv"), None)
    _path, problem = check_location(str(tmp_path / "file.txt"), ".venv")
    assert problem == f"{tmp_path / 'file.txt'} is a file, not a folder."
    _path, problem = check_location(str(tmp_path), "file.txt")
    assert problem == "A file file.txt already exists there; choose another name."
    assert check_location("", "x")[1] == "Type the folder to create the environment in."


# -- confirm -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [(("enter",), False), (("y",), True), (("n",), False), (("escape",), False), (("tab", "enter"), True)],
)
async def test_confirm_answers(keys: tuple[str, ...], expected: bool) -> None:
    dialog = ConfirmScreen("Delete environment", "Delete /home/user/project/.venv?")
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is dialog.query_one("#cancel", Button)  # the safe default
        assert "/home/user/project/.venv" in text_of(dialog, "#message")
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [expected]


# -- install -----------------------------------------------------------------------------------


async def test_install_refuses_options_and_shell_and_accepts_a_requirement() -> None:
    dialog = InstallScreen("floor-2")
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert dialog.query_one("#go", Button).disabled  # nothing typed yet
        for bad, words in (("--index-url=x", "option"), ("A; rm -rf /", "shell")):
            await clear_and_type(pilot, "#requirements", bad)
            assert words in text_of(dialog, "#problem")
            assert dialog.query_one("#go", Button).disabled
            await pilot.press("enter")
            await pilot.pause()
            assert app.results == []
        await clear_and_type(pilot, "#requirements", "A>=1")
        assert not dialog.query_one("#problem").display
        assert text_of(dialog, "#preview") == "Install: A>=1"
        assert not dialog.query_one("#go", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [["A>=1"]]


async def test_install_returns_several_and_cancels_with_escape() -> None:
    dialog = InstallScreen("floor-3", initial="A>=2,<3 \"B; python_version>'3'\"")
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    [result] = app.results
    assert len(result) == 2
    assert result[0].replace(" ", "") in ("A>=2,<3", "A<3,>=2")
    assert result[1].startswith("B")
    cancelled = Host(InstallScreen("floor-3", initial="A"))
    async with cancelled.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert cancelled.results == [None]


def test_split_requirements() -> None:
    assert split_requirements('requests>=2 "A < 2"') == ["requests>=2", "A < 2"]
    assert split_requirements("a, b,c") == ["a", "b", "c"]
    assert split_requirements("A>=1,<2 A[x,y]>=1,B") == ["A>=1,<2", "A[x,y]>=1", "B"]
    assert split_requirements("B @ https://example.org/b.whl") == ["B @ https://example.org/b.whl"]
    with pytest.raises(BadInput):
        split_requirements('"A')
    for command in ("A; rm -rf /", "A && B", "A | cat"):
        with pytest.raises(Refused):
            split_requirements(command)


@pytest.mark.parametrize(
    "text", ["--index-url=x", "-e .", "A; rm -rf /", "$(reboot)", "A`id`", "A>=", "", '"A']
)
def test_check_requirements_refuses(text: str) -> None:
    valid, problem = check_requirements(text)
    assert valid == [] and problem


@pytest.mark.parametrize("text", ["A>=1", "A==1.*", "A!=2", "A[x]~=1.0", "a,b"])
def test_check_requirements_accepts(text: str) -> None:
    valid, problem = check_requirements(text)
    assert problem is None and valid


# -- rebuild -----------------------------------------------------------------------------------


def env(base: str | None) -> Environment:
    return Environment(
        path="/home/user/project/.venv",
        name=".venv",
        python_version="3.11.9",
        base_interpreter=base,
        creator="venv",
        system_site_packages=False,
        health="ok",
        problem=None,
        active=False,
        source="project",
    )


async def test_rebuild_preselects_the_base_and_returns_the_choice() -> None:
    dialog = RebuildScreen(env(INTERPRETERS[1].path), INTERPRETERS)
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3.11.9" in text_of(dialog, "#about")
        assert "/home/user/project/.venv" in text_of(dialog, "#about")
        assert dialog.query_one(InterpreterList).selected_interpreter == INTERPRETERS[1]
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.results == [INTERPRETERS[2].path]


async def test_rebuild_without_a_known_base_starts_on_the_default_and_cancels() -> None:
    dialog = RebuildScreen(env("/gone/python3.9"), INTERPRETERS)
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert dialog.query_one(InterpreterList).selected_interpreter == INTERPRETERS[0]
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


# -- task log ----------------------------------------------------------------------------------


def result(returncode: int | None, *, cancelled: bool = False, errors: tuple[str, ...] = ()) -> PipResult:
    return PipResult(
        args=("pip", "install", "A"), returncode=returncode, cancelled=cancelled, error_lines=errors
    )


async def test_task_log_streams_lines_and_closes_with_ok() -> None:
    cancels: list[int] = []
    dialog = TaskLogScreen("Install A", lambda: cancels.append(1))
    dialog.write_line("before the dialog is shown\n")  # kept until the log exists
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog.write_line("Collecting A")
        dialog.write_line("Successfully installed A-2.1.0")
        await pilot.pause()
        assert list(dialog.query_one(Log).lines) == [
            "before the dialog is shown",
            "Collecting A",
            "Successfully installed A-2.1.0",
        ]
        assert text_of(dialog, "#status") == "running…"
        assert str(dialog.query_one("#close", Button).label) == "Cancel"
        dialog.finish(result(0))
        await pilot.pause()
        assert text_of(dialog, "#status") == "done"
        assert str(dialog.query_one("#close", Button).label) == "Close"
        assert not dialog.query_one("#errors").display
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [True]
    assert cancels == []


async def test_task_log_failure_shows_the_error_lines() -> None:
    dialog = TaskLogScreen("Install A", lambda: None)
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog.finish(result(1, errors=("ERROR: No matching distribution found for A>=9",)))
        await pilot.pause()
        assert text_of(dialog, "#status") == "failed (exit 1)"
        errors = dialog.query_one("#errors", Static)
        assert errors.display
        assert "No matching distribution found for A>=9" in str(errors.render())
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [False]


@pytest.mark.parametrize("key", ["escape", "ctrl+c"])
async def test_task_log_cancel_calls_on_cancel_and_waits_for_finish(key: str) -> None:
    cancels: list[int] = []
    dialog = TaskLogScreen("Install A", lambda: cancels.append(1))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert cancels == [1]
        assert app.results == []  # still open: the worker reports how it ended
        assert text_of(dialog, "#status") == "cancelling…"
        await pilot.press(key)  # asking twice does not cancel twice
        await pilot.pause()
        assert cancels == [1]
        dialog.finish(result(None, cancelled=True))
        await pilot.pause()
        assert text_of(dialog, "#status") == "cancelled"
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [False]


async def test_task_log_cancel_button_cancels() -> None:
    cancels: list[int] = []
    dialog = TaskLogScreen("Rebuild", lambda: cancels.append(1))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#close")
        await pilot.pause()
    assert cancels == [1]


# -- help --------------------------------------------------------------------------------------

SECTIONS = (
    ("Moving", (("tab", "next panel"), ("/", "filter"))),
    ("Changing", (("n", "new environment"), ("d", "delete"))),
)


@pytest.mark.parametrize("key", ["escape", "q", "question_mark", "f1"])
async def test_help_shows_the_keys_and_closes(key: str) -> None:
    dialog = HelpScreen(SECTIONS)
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = " ".join(str(s.render()) for s in dialog.query(Static))
        assert "new environment" in shown and "Changing" in shown
        assert "lamp" in shown and "hands" in shown
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [None]


# -- fits 80x24 --------------------------------------------------------------------------------


def _environment() -> Environment:
    return env("/usr/bin/python3")


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: CreateEnvScreen(INTERPRETERS, str(tmp)),
        lambda tmp: ConfirmScreen("Delete environment", f"Delete {tmp}/.venv?"),
        lambda tmp: InstallScreen("floor-2", initial="--index-url=x"),
        lambda tmp: RebuildScreen(_environment(), INTERPRETERS * 3),
        lambda tmp: TaskLogScreen("Install A", lambda: None),
    ],
    ids=["create", "confirm", "install", "rebuild", "tasklog"],
)
async def test_every_dialog_fits_80x24(make: Any, tmp_path: Any) -> None:
    """Nothing is cut off or hidden behind a scroll at 80x24: every button is on screen."""
    dialog = make(tmp_path)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = dialog.query_one(".dialog")
        assert box.max_scroll_y == 0
        screen_region = dialog.region
        for button in dialog.query(Button):
            assert screen_region.contains_region(button.region), button.id
            assert button.region.height == 3


async def test_create_enter_on_a_checkbox_submits(tmp_path: Any) -> None:
    dialog = CreateEnvScreen(INTERPRETERS, str(tmp_path))
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab")  # name -> interpreters -> first checkbox
        assert app.focused is dialog.query_one("#system", Checkbox)
        await pilot.press("space", "enter")
        await pilot.pause()
    [request] = app.results
    assert request.system_site_packages and request.path == str(tmp_path / ".venv")
