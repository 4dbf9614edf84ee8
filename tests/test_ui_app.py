"""The app driven by Textual's pilot: fixed data for the picture, real files and real
environments where the behaviour depends on the disk (watching, installing, deleting)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import pytest
from ui_data import ATTIC, DEFAULT_PY, FLOOR, HOUSE, INTERPRETERS, FakeServices, demo_app, wait_readers

from venv_tui.model import Environment, PipResult
from venv_tui.services import Services, story
from venv_tui.ui.app import VenvTuiApp
from venv_tui.ui.panels.base import Table, tilde
from venv_tui.ui.state import new_conflicts, pick_interpreter
from venv_tui.ui.watch import FloorSite, SourceFiles, Watcher, changed_groups, take_snapshot

SIZE = (120, 40)


async def settle(pilot, rounds: int = 4) -> None:
    """Workers start workers (floors -> packages, checks): wait until the chain is done."""
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def rows(app: VenvTuiApp, table_id: str) -> list[str]:
    table = app.query_one(f"#{table_id}", Table)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def notifications(app: VenvTuiApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def wait_for(pilot, condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if condition():
            return True
    return False


async def select_env(pilot, app: VenvTuiApp, path: str) -> None:
    app.action_panel("environments")
    table = app.query_one("#environments-table", Table)
    table.move_to_key(path)
    await settle(pilot)
    assert app.selected_path == path


# -- pure parts ------------------------------------------------------------------------------


def test_pick_interpreter_prefers_default_then_newest_fitting() -> None:
    assert pick_interpreter(INTERPRETERS, None, DEFAULT_PY) == DEFAULT_PY
    assert pick_interpreter(INTERPRETERS, ">=3.12", DEFAULT_PY) == DEFAULT_PY
    # The default (3.12.4) is too new; the newest interpreter that fits is chosen.
    assert pick_interpreter(INTERPRETERS, "<3.11", DEFAULT_PY).endswith("python3.10")
    # The shadowed 3.11 is never picked, even when it would fit.
    assert pick_interpreter(INTERPRETERS, "==3.11.*", DEFAULT_PY) == DEFAULT_PY
    assert pick_interpreter(INTERPRETERS, "not a specifier", DEFAULT_PY) == DEFAULT_PY


def test_new_conflicts_only_after_a_first_look() -> None:
    assert new_conflicts(None, {"a"}) == []
    assert new_conflicts({"a"}, {"a", "b"}) == ["b"]
    assert new_conflicts({"a", "b"}, {"a"}) == []


def test_tilde_only_under_home() -> None:
    assert tilde("/home/user/house/floor-1", "/home/user") == "~/house/floor-1"
    assert tilde("/home/username/x", "/home/user") == "/home/username/x"
    assert tilde("/usr/bin/python3", None) == "/usr/bin/python3"


def test_watcher_reports_changed_groups_only(tmp_path) -> None:
    script = tmp_path / "robot.py"
    script.write_text("# one\n")
    folder = tmp_path / "site"
    folder.mkdir()
    seen: list[frozenset[object]] = []
    watcher = Watcher(seen.append)
    source, site = SourceFiles(str(script)), FloorSite(str(folder))
    watcher.set_group(source, [str(script)])
    watcher.set_group(site, [str(folder)])
    assert watcher.poll() == frozenset()
    script.write_text("# two, longer\n")
    assert watcher.poll() == frozenset({source})
    (folder / "A-1.0.dist-info").mkdir()
    os.utime(folder, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert watcher.poll() == frozenset({site})
    script.unlink()
    assert watcher.poll() == frozenset({source})
    assert seen == [frozenset({source}), frozenset({site}), frozenset({source})]


def test_changed_groups_ignores_new_groups(tmp_path) -> None:
    before = take_snapshot({"a": [str(tmp_path)]})
    after = take_snapshot({"a": [str(tmp_path)], "b": [str(tmp_path / "x")]})
    assert changed_groups(before, after) == frozenset()


def test_watcher_thread_stops(tmp_path) -> None:
    watcher = Watcher(lambda groups: None, interval=0.01)
    watcher.start()
    watcher.stop()
    assert watcher._thread is None


# -- the main screen -------------------------------------------------------------------------


async def test_main_screen_shows_the_house_and_its_conflicts() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        envs = rows(app, "environments-table")
        assert envs[0].startswith("○ python3 (base)")
        assert any(r.startswith("● floor 1") for r in envs)
        assert any("attic" in r and "broken" in r for r in envs)
        scripts = rows(app, "scripts-table")
        assert "✓ robot_one.py fits floor 1" in scripts
        assert any("robot_three.py does not fit floor 1: 2 problems" in r for r in scripts)
        assert any("A 1.0.0 is installed, robot_three.py needs A>=2" in r for r in scripts)
        # The malformed source is reported in place, with its line; the others still checked.
        assert any("requirements.txt, line 2" in r for r in scripts)
        status = str(app.query_one("#status").render())
        assert "floor 1" in status and "1 fit" in status and "3 don't" in status
        assert [r.split()[0] for r in rows(app, "packages-table")] == ["A", "B"]


async def test_switching_the_lamp_changes_the_warnings() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "✓ robot_one.py fits floor 1" in rows(app, "scripts-table")
        await select_env(pilot, app, FLOOR[3])
        await pilot.press("l")
        await settle(pilot)
        assert app.active_path == FLOOR[3]
        scripts = rows(app, "scripts-table")
        assert "✓ robot_three.py fits floor 3" in scripts
        assert any("robot_one.py does not fit floor 3" in r for r in scripts)
        envs = rows(app, "environments-table")
        assert any(r.startswith("● floor 3") for r in envs)
        assert any(r.startswith("○ floor 1") for r in envs)
        # Lighting a floor is the user's choice: no "new conflict" noise.
        assert not [n for n in notifications(app) if n.startswith("New conflict")]


async def test_a_floor_with_broken_requirements_says_so() -> None:
    app = demo_app(active=f"{HOUSE}/basement/.venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scripts = rows(app, "scripts-table")
        assert any("basement itself: 1 broken requirement" in r for r in scripts)
        assert any("A 2.1.0 requires B>=4, but B 2.1.3 is installed" in r for r in scripts)
        assert "1 broken requirement" in str(app.query_one("#status").render())


async def test_a_broken_environment_says_why() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_env(pilot, app, ATTIC)
        note = str(app.query_one("#environment-note").render())
        assert "broken" in note and "no longer exists" in note
        detail = str(app.query_one("#package-detail").render())
        assert "no longer exists" in detail
        assert rows(app, "packages-table") == []


async def test_filter_as_you_type() -> None:
    app = demo_app(active=DEFAULT_PY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(rows(app, "packages-table")) == 12
        await pilot.press("slash", "u", "r", "l", "l")
        await pilot.pause(0.3)  # the filter applies once typing pauses (FILTER_DELAY)
        assert [r.split()[0] for r in rows(app, "packages-table")] == ["urllib3"]
        detail = str(app.query_one("#package-detail").render())
        assert "required by: requests" in detail
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert len(rows(app, "packages-table")) == 12


async def test_watched_file_edit_updates_warnings_and_notifies(tmp_path) -> None:
    needs = tmp_path / "requirements.txt"
    needs.write_text("A>=1\n")
    services = FakeServices()
    app = VenvTuiApp(services, watch=[str(needs)], active=FLOOR[1], poll_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "✓ requirements.txt fits floor 1" in rows(app, "scripts-table")
        needs.write_text("A>=2\nB>=4\n")
        changed = await wait_for(
            pilot,
            lambda: any("requirements.txt does not fit" in r for r in rows(app, "scripts-table")),
        )
        assert changed, rows(app, "scripts-table")
        assert any("A 1.0.0 is installed" in r for r in rows(app, "scripts-table"))
        assert await wait_for(
            pilot, lambda: any(n.startswith("New conflict") and "A>=2" in n for n in notifications(app))
        ), notifications(app)
        # A file that becomes unreadable is reported in place; nothing crashes.
        needs.write_text("A >= = 2\n")
        assert await wait_for(
            pilot, lambda: any("line 1" in r for r in rows(app, "scripts-table"))
        ), rows(app, "scripts-table")


async def test_shell_under_headless_driver_says_it_cannot_suspend() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert ("shell", FLOOR[1], False) in services.calls
        assert any(n.startswith("Cannot suspend") for n in notifications(app))
        await pilot.press("p")
        await settle(pilot)
        assert ("shell", FLOOR[1], True) in services.calls


async def test_delete_of_an_interpreter_is_refused_with_the_reason() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_env(pilot, app, DEFAULT_PY)
        await pilot.press("d")
        await settle(pilot)
        assert any(
            n.startswith("Delete refused") and "not an environment" in n for n in notifications(app)
        )
        assert not [c for c in services.calls if c[0] == "delete"]


async def test_delete_asks_then_deletes() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_env(pilot, app, FLOOR[2])
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert not [c for c in services.calls if c[0] == "delete"]
        await pilot.press("d")
        await settle(pilot)
        app.screen.dismiss(True)
        await settle(pilot)
        assert ("delete", FLOOR[2]) in services.calls


class _SymlinkServices(FakeServices):
    """The house plus a real symlink to a real environment; deleting uses the real guard."""

    def __init__(self, link: str) -> None:
        super().__init__()
        self.link = link
        self.environment_list.append(
            Environment(
                link, "linked", "3.12.4", DEFAULT_PY, "venv", False, "ok", None, False, "root"
            )
        )

    def check_deletable(self, path: str) -> str:
        return Services.check_deletable(self, path)

    def delete(self, path: str) -> None:
        Services.delete(self, path)


async def test_delete_refuses_a_symlink_and_removes_nothing(tmp_path) -> None:
    real = story.make_venv(str(tmp_path / "real-env"))
    link = tmp_path / "linked-env"
    link.symlink_to(real, target_is_directory=True)
    services = _SymlinkServices(str(link))
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_env(pilot, app, str(link))
        await pilot.press("d")
        await settle(pilot)
        refusals = [n for n in notifications(app) if n.startswith("Delete refused")]
        assert refusals and "link" in refusals[0].lower(), notifications(app)
        assert type(app.screen).__name__ != "ConfirmScreen"
    assert link.is_symlink() and os.path.isfile(os.path.join(real, "pyvenv.cfg"))


async def test_narrow_terminal_shows_one_panel_and_tab_moves_on() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = [p.id for p in app.query(".panel") if p.display and p.region.height > 0]
        assert shown == ["environments"]
        await pilot.press("tab")
        await pilot.pause()
        shown = [p.id for p in app.query(".panel") if p.region.height > 0]
        assert shown == ["packages"]
        await pilot.press("4")
        await pilot.pause()
        assert [p.id for p in app.query(".panel") if p.region.height > 0] == ["scripts"]
        # Growing the terminal brings every panel back.
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert len([p for p in app.query(".panel") if p.region.height > 0]) == 4


async def test_install_missing_for_a_script_runs_pip_on_the_lit_floor() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_panel("scripts")
        app.query_one("#scripts-table", Table).move_to_key(f"{HOUSE}/robots/robot_three.py")
        await pilot.press("i")
        await settle(pilot)
        assert ("pip", FLOOR[1], "install", "A>=2", "B>=4") in services.calls


async def test_help_lists_panel_keys() -> None:
    from venv_tui.ui.actions import help_sections

    sections = dict(help_sections())
    envs = dict(next(v for k, v in sections.items() if k.startswith("Environments")))
    assert "l" in envs and "d" in envs and "s" in envs
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


# -- with the real services ------------------------------------------------------------------


class OfflineServices(Services):
    """The real services, but pip finds the story's wheels and never the network."""

    def __init__(self, wheels: str, cwd: str) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        environ.pop("VIRTUAL_ENV", None)
        super().__init__(environ=environ, cwd=cwd)
        self.wheels = wheels

    def pip(
        self, env_path: str, action: str, requirements: Sequence[str], **kw: object
    ) -> PipResult:
        kw["extra_args"] = ["--no-index", "--find-links", self.wheels]
        return super().pip(env_path, action, requirements, **kw)  # type: ignore[arg-type]


async def test_install_through_the_app_into_a_real_environment(
    tmp_path, story_wheels, monkeypatch
) -> None:
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    env = story.make_venv(str(tmp_path / "floor"))
    services = OfflineServices(story_wheels, str(tmp_path))
    app = VenvTuiApp(services, roots=[str(tmp_path)], active=env, poll_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert os.path.realpath(app.active_path or "") == os.path.realpath(env)
        await select_env(pilot, app, app.active_path or "")
        assert rows(app, "packages-table") == []
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "InstallScreen"
        await pilot.press(*"A==1.0.0")
        await pilot.press("enter")
        await settle(pilot)  # waits for the pip worker too; the log stays until closed
        assert type(app.screen).__name__ == "TaskLogScreen"
        await pilot.press("escape")
        assert await wait_for(
            pilot, lambda: [r.split()[0] for r in rows(app, "packages-table")] == ["A"], timeout=5
        ), rows(app, "packages-table")
    assert any(
        name.startswith("A-1.0.0.dist-info") or name.startswith("a-1.0.0.dist-info")
        for _, dirs, _ in os.walk(env)
        for name in dirs
    )


# -- the demo --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("demo-cache"))


def test_demo_house_is_built_once_and_rebuilt_when_damaged(demo_cache: str) -> None:
    import shutil

    from venv_tui.ui.demo import MARKER, demo_active, is_whole, prepare_demo

    root, robots = prepare_demo(demo_cache)
    assert is_whole(root)
    assert [os.path.basename(r) for r in robots] == [
        "robot_one.py",
        "robot_two.py",
        "robot_three.py",
    ]
    assert demo_active(root) == os.path.join(root, "floor-1")
    assert demo_active(demo_cache) is None  # not a demo house: no lamp chosen for the user
    marker = os.path.join(root, MARKER)
    built = os.stat(marker).st_mtime_ns
    assert prepare_demo(demo_cache)[0] == root
    assert os.stat(marker).st_mtime_ns == built  # reused, not rebuilt
    shutil.rmtree(os.path.join(root, "floor-2"))
    assert not is_whole(root)
    prepare_demo(demo_cache)
    assert is_whole(root) and os.stat(marker).st_mtime_ns != built


async def test_the_app_opens_on_the_demo_house_with_real_services(demo_cache: str) -> None:
    from venv_tui.ui.demo import demo_active, prepare_demo

    root, robots = prepare_demo(demo_cache)
    environ = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    services = Services(environ=environ, cwd=root)
    app = VenvTuiApp(
        services, watch=robots, project=root, roots=[root], active=demo_active(root), live=False
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        envs = rows(app, "environments-table")
        assert any(r.startswith("● floor 1") for r in envs), envs
        assert sum(1 for r in envs if r.startswith("○ floor")) == 2
        scripts = rows(app, "scripts-table")
        assert "✓ robot_one.py fits floor 1" in scripts, scripts
        assert any("robot_two.py does not fit floor 1" in r for r in scripts)
        assert any("A 1.0.0 is installed, robot_three.py needs A>=2" in r for r in scripts)
