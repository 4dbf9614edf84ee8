"""The app with the real services while the disk goes wrong under it.

Every test opens the app on real environments in a temp folder (a fake HOME, so the user's own
home is never scanned), breaks something the way a user's machine breaks (a base interpreter
removed, an environment or a script deleted, pip killed, malformed files), and asserts what the
user sees: panel rows, the sentence under a table, notifications. Nothing is mocked but the list
of folders to look in.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from ui_data import wait_readers

from venv_tui.model import Environment, PipResult
from venv_tui.services import Services, story
from venv_tui.ui.app import VenvTuiApp
from venv_tui.ui.panels.base import Table
from venv_tui.ui.panels.environments import environment_row, floor_name

SIZE = (120, 40)


# -- helpers ---------------------------------------------------------------------------------


def real_services(folder: str) -> Services:
    """The real services over ``folder``: a fake HOME inside it, no active environment, no pip
    settings of the machine running the tests."""
    home = os.path.join(folder, "home")
    os.makedirs(home, exist_ok=True)
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "VIRTUAL_ENV"
    }
    environ["HOME"] = home
    return Services(environ=environ, cwd=folder)


async def settle(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll the screen until ``condition`` holds or the deadline passes (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if condition():
            return True
    return False


def rows(app: VenvTuiApp, table_id: str) -> list[str]:
    table = app.query_one(f"#{table_id}", Table)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def note(app: VenvTuiApp, widget_id: str) -> str:
    return str(app.query_one(f"#{widget_id}").render())


def notifications(app: VenvTuiApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def listing(folder: str) -> list[str]:
    """Every path under ``folder``: the test's proof that nothing else changed on disk."""
    found = []
    for top, dirs, files in os.walk(folder):
        found += [os.path.join(top, n) for n in dirs + files]
    return sorted(found)


async def select_env(pilot, app: VenvTuiApp, path: str) -> None:
    app.action_panel("environments")
    app.query_one("#environments-table", Table).move_to_key(path)
    await settle(pilot)
    assert app.selected_path == path


def env_row(app: VenvTuiApp, path: str) -> str | None:
    table = app.query_one("#environments-table", Table)
    try:
        index = table.get_row_index(path)
    except Exception:
        return None
    return " ".join(str(cell) for cell in table.get_row_at(index))


# -- names -----------------------------------------------------------------------------------


def test_a_base_interpreter_reads_without_double_parentheses() -> None:
    base = Environment(
        path="/opt/py/bin/python3.11",
        name="python3.11 (pyenv)",
        python_version="3.11.7",
        base_interpreter="/opt/py/bin/python3.11",
        creator="interpreter",
        system_site_packages=False,
        health="ok",
        problem=None,
        active=False,
        source="interpreter",
        is_venv=False,
    )
    assert floor_name(base) == "python3.11 · pyenv"
    assert str(environment_row(base, False)[1]) == "python3.11 · pyenv (base)"
    plain = replace(base, name="python3")
    assert str(environment_row(plain, False)[1]) == "python3 (base)"
    floor = replace(base, name="floor (1)", is_venv=True, creator="venv")
    assert floor_name(floor) == "floor (1)"  # a prompt the user chose is shown as written


# -- a. the base interpreter goes away -------------------------------------------------------


async def test_base_interpreter_removed_turns_the_floor_broken_and_offers_rebuild(
    tmp_path,
) -> None:
    base_bin = tmp_path / "base" / "bin"
    base_bin.mkdir(parents=True)
    os.symlink(os.path.realpath(sys.executable), base_bin / "python3")
    roots = tmp_path / "envs"
    roots.mkdir()
    env = story.make_venv(str(roots / "floor"), str(base_bin / "python3"))
    with open(os.path.join(env, "pyvenv.cfg"), encoding="utf-8") as fh:
        assert f"home = {base_bin}" in fh.read()  # the floor stands on the temp base
    services = real_services(str(tmp_path))
    app = VenvTuiApp(services, roots=[str(roots)], poll_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "ok" in (env_row(app, env) or ""), rows(app, "environments-table")
        before = listing(env)
        shutil.rmtree(tmp_path / "base")
        # Only the base went away: the live watcher must notice it all the same.
        assert await wait_for(pilot, lambda: "✗ broken" in (env_row(app, env) or ""), 2.0), rows(
            app, "environments-table"
        )
        await select_env(pilot, app, env)
        reason = note(app, "environment-note")
        assert f"its base interpreter folder {base_bin} no longer exists" in reason, reason
        assert app.panel("environments").border_subtitle.endswith("1 broken")
        # Rebuild is offered: the key is in the footer and opens the rebuild form for it.
        actions = {b.binding.action.split(".")[-1] for b in app.active_bindings.values()}
        assert "rebuild_env" in actions
        await pilot.press("b")
        await settle(pilot)
        assert type(app.screen).__name__ == "RebuildScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert listing(env) == before  # looking is not changing


# -- b. an environment deleted -----------------------------------------------------------------


async def test_deleting_the_lit_floor_outside_the_app_drops_it_and_the_lamp_falls_back(
    tmp_path,
) -> None:
    roots = tmp_path / "envs"
    roots.mkdir()
    lit = story.make_venv(str(roots / "lit"))
    other = story.make_venv(str(roots / "other"))
    services = real_services(str(tmp_path))
    app = VenvTuiApp(services, roots=[str(roots)], active=lit, poll_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.active_path == lit
        await select_env(pilot, app, lit)
        shutil.rmtree(lit)
        assert await wait_for(pilot, lambda: env_row(app, lit) is None, 2.0), rows(
            app, "environments-table"
        )
        await settle(pilot)
        assert env_row(app, other) is not None
        # The lamp moves to what `python3` finds (or goes out), never stays on a missing floor.
        assert app.active_path != lit
        assert app.active_path is None or os.path.exists(app.active_path)
        assert app.selected_path != lit
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors == [], notifications(app)
        # The app keeps working: a rescan reads the same house.
        await pilot.press("r")
        await settle(pilot)
        assert env_row(app, other) is not None and env_row(app, lit) is None
    assert os.path.isdir(other)


# -- c. a watched script deleted -------------------------------------------------------------


async def test_a_watched_script_deleted_is_said_in_one_sentence(tmp_path) -> None:
    env = story.make_venv(str(tmp_path / "floor"))
    gone = tmp_path / "robot_gone.py"
    gone.write_text(story.robot_script(["A"]))
    stays = tmp_path / "robot_stays.py"
    stays.write_text(story.robot_script([]))
    services = real_services(str(tmp_path))
    app = VenvTuiApp(
        services, watch=[str(gone), str(stays)], roots=[], active=env, poll_interval=0.1
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("robot_gone.py does not fit" in r for r in rows(app, "scripts-table"))
        gone.unlink()

        def says_gone() -> bool:
            return any(str(gone) in r and "!" in r for r in rows(app, "scripts-table"))

        assert await wait_for(pilot, says_gone, 2.0), rows(app, "scripts-table")
        scripts = rows(app, "scripts-table")
        line = next(r for r in scripts if str(gone) in r)
        assert "Traceback" not in line and "Error:" not in line
        assert "does not exist" in line or "no longer exists" in line, line
        assert line.count(". ") == 0 and len(line) < 200, line  # one sentence
        assert any("robot_stays.py fits" in r for r in scripts), scripts
        app.action_panel("scripts")
        app.query_one("#scripts-table", Table).move_to_key(str(gone))
        await pilot.pause()
        assert str(gone) in note(app, "script-note")


# -- d. pip killed half-way ------------------------------------------------------------------


def pip_children(env_path: str) -> list[int]:
    """Processes whose command line names pip and the environment: the app's pip run."""
    found = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as fh:
                words = fh.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        text = " ".join(words)
        if "pip" in text and env_path in text:
            found.append(int(cmdline.split("/")[2]))
    return found


class KillingServices(Services):
    """The real services; pip is killed (SIGKILL to its process group) at its first line."""

    def __init__(self, wheels: str, folder: str) -> None:
        base = real_services(folder)
        super().__init__(environ=base.environ, cwd=folder)
        self.wheels = wheels
        self.killed: list[int] = []

    def pip(
        self, env_path: str, action: str, requirements: Sequence[str], **kw: object
    ) -> PipResult:
        outer = kw.get("on_line")

        def on_line(line: str) -> None:
            if not self.killed:
                for pid in pip_children(env_path):
                    try:
                        os.killpg(os.getpgid(pid), signal.SIGKILL)
                        self.killed.append(pid)
                    except OSError:
                        pass
            if callable(outer):
                outer(line)

        kw["on_line"] = on_line
        kw["extra_args"] = ["--no-index", "--find-links", self.wheels]
        return super().pip(env_path, action, requirements, **kw)  # type: ignore[arg-type]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds pip through /proc")
async def test_pip_killed_half_way_fails_in_the_log_and_the_packages_are_read_again(
    tmp_path, story_wheels, monkeypatch
) -> None:
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    env = story.make_venv(str(tmp_path / "floor"))
    story.pip_install_offline(env, story_wheels, ["B==2.1.3"])
    services = KillingServices(story_wheels, str(tmp_path))
    app = VenvTuiApp(services, roots=[str(tmp_path)], active=env, poll_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_env(pilot, app, env)
        assert [r.split()[0] for r in rows(app, "packages-table")] == ["B"]
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"A==1.0.0")
        await pilot.press("enter")
        assert await wait_for(
            pilot, lambda: getattr(app.screen, "result", None) is not None, 10.0
        ), "pip never ended"
        log = app.screen
        assert services.killed, "pip was not found to kill"
        assert log.result is not None and not log.result.ok and not log.result.cancelled
        assert str(log.query_one("#status").render()).startswith("failed"), log.result
        assert pip_children(env) == []  # nothing left running
        await pilot.press("escape")
        await settle(pilot)
        assert any("failed" in n for n in notifications(app)), notifications(app)
        # Read again after the failure: what the panel lists is what is on disk now.
        site = glob.glob(os.path.join(env, "lib", "python*", "site-packages"))[0]
        on_disk = sorted(
            name.split("-")[0].upper() for name in os.listdir(site) if name.endswith(".dist-info")
        )
        assert sorted(r.split()[0] for r in rows(app, "packages-table")) == on_disk
        # The app keeps working: the next install goes through.
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "InstallScreen"
        await pilot.press("escape")


# -- e. bad inputs ---------------------------------------------------------------------------


async def test_bad_files_are_each_one_sentence_in_their_panel(tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "unclosed.py").write_text('# /// script\n# dependencies = ["A"]\nimport a\n')
    (project / "good.py").write_text(story.robot_script([]))
    (project / "requirements.txt").write_text("C\nB>>2\n")
    (project / "pyproject.toml").write_text('[project]\nname = = "x"\n')
    lit = story.make_venv(str(project / ".venv"))
    binary = story.make_venv(str(project / "binary-cfg"))
    with open(os.path.join(binary, "pyvenv.cfg"), "wb") as fh:
        fh.write(b"\x00\xff\xfe\x00home")
    bad_meta = story.make_venv(str(project / "bad-metadata"))
    site = glob.glob(os.path.join(bad_meta, "lib", "python*", "site-packages"))[0]
    os.makedirs(os.path.join(site, "Bad-1.0.dist-info"))
    with open(os.path.join(site, "Bad-1.0.dist-info", "METADATA"), "wb") as fh:
        fh.write(b"\xff\xfe\x00 not metadata\n")
    # A good package beside it: the cursor sits on its row, the bad entry's sentence still shows.
    os.makedirs(os.path.join(site, "Good-1.0.dist-info"))
    with open(os.path.join(site, "Good-1.0.dist-info", "METADATA"), "w", encoding="utf-8") as fh:
        fh.write("Metadata-Version: 2.1\nName: Good\nVersion: 1.0\n")
    before = listing(str(project))
    services = real_services(str(tmp_path))
    app = VenvTuiApp(services, project=str(project), roots=[str(project)], active=lit, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scripts = rows(app, "scripts-table")
        expected = {
            "unclosed.py": "unclosed.py, line 1: the '# /// script' block has no closing",
            "requirements.txt": "requirements.txt, line 2: 'B>>2' is not a valid requirement",
            "pyproject.toml": "pyproject.toml, line 2: the file is not valid TOML",
        }
        for name, sentence in expected.items():
            assert any(r.startswith("!") and sentence in r for r in scripts), (name, scripts)
        assert any("good.py fits" in r for r in scripts), scripts  # the good source is checked
        assert not any("Traceback" in r for r in scripts)

        await select_env(pilot, app, binary)
        assert "✗ broken" in (env_row(app, binary) or "")
        assert "pyvenv.cfg is not a text file" in note(app, "environment-note")

        await select_env(pilot, app, bad_meta)
        assert [r.split()[0] for r in rows(app, "packages-table")] == ["Good"]
        detail = note(app, "package-detail")
        assert "Good 1.0" in detail
        assert "METADATA is not a text file" in detail, detail
        assert "1 unreadable" in app.panel("packages").border_subtitle
        assert not [n for n in app._notifications if n.severity == "error"], notifications(app)
    assert listing(str(project)) == before


# -- f. deletes that must be refused ---------------------------------------------------------


async def test_delete_is_refused_for_a_pretend_environment_and_for_the_app_s_own(
    tmp_path,
) -> None:
    roots = tmp_path / "envs"
    roots.mkdir()
    pretend = story.make_venv(str(roots / "pretend"))
    services = real_services(str(tmp_path))
    # The environment venv-tui runs in is listed too: the lamp is put on it.
    own = sys.prefix
    if own == sys.base_prefix:
        pytest.skip("the tests do not run inside a virtual environment")
    app = VenvTuiApp(services, roots=[str(roots)], active=own, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The folder loses its pyvenv.cfg after it was listed: it only pretends to be one now.
        os.unlink(os.path.join(pretend, "pyvenv.cfg"))
        before = listing(str(roots))
        await select_env(pilot, app, pretend)
        await pilot.press("d")
        assert await wait_for(
            pilot, lambda: any("Delete refused" in n for n in notifications(app))
        )
        assert type(app.screen).__name__ != "ConfirmScreen"
        assert any("no pyvenv.cfg at its top" in n for n in notifications(app)), notifications(app)
        own_path = next(e.path for e in app.environments if os.path.samefile(e.path, own))
        await select_env(pilot, app, own_path)
        await pilot.press("d")
        assert await wait_for(
            pilot, lambda: any("the environment venv-tui runs in" in n for n in notifications(app))
        ), notifications(app)
        assert type(app.screen).__name__ != "ConfirmScreen"
    assert listing(str(roots)) == before
    assert os.path.isfile(os.path.join(own, "pyvenv.cfg"))
