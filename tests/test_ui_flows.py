"""The flows a user walks through, with the pilot on fixed data: upgrade asks first, a PEP 668
refusal offers a new floor, an import of unknown origin is asked for by name, delete says what
stays, the first floor takes every action, home/end move the robots' cursor."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ui_data import DEFAULT_PY, FLOOR, HOUSE, ROBOTS, SOURCES, FakeServices, demo_app, wait_readers

from venv_tui.errors import Refused
from venv_tui.model import PipResult, RequirementSource, SourceRequirement
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)


async def settle(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def screen_name(app) -> str:
    return type(app.screen).__name__


def status(app) -> str:
    return str(app.query_one("#status").render())


async def test_upgrade_asks_first_and_runs_only_when_confirmed() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_panel("packages")
        await pilot.pause()
        await pilot.press("U")
        await settle(pilot)
        assert screen_name(app) == "ConfirmScreen"
        assert "Upgrade A?" in str(app.screen.query_one(".dialog").border_title)
        await pilot.press("escape")
        await settle(pilot)
        assert not [c for c in services.calls if c[:1] == ("pip",)]
        await pilot.press("U")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert ("pip", FLOOR[1], "upgrade", "A") in services.calls


class ManagedBase(FakeServices):
    """The first floor is marked externally managed (PEP 668): pip is refused there."""

    def pip(self, env_path, action, requirements, **kw):  # type: ignore[no-untyped-def]
        if env_path == DEFAULT_PY:
            raise Refused("is externally managed: install with apt, or make a virtual environment", path=env_path)
        return super().pip(env_path, action, requirements, **kw)


async def test_the_first_floor_takes_every_action_and_pep_668_offers_a_new_floor() -> None:
    services = ManagedBase()
    app = demo_app(services=services, active=None)  # nothing activated: the first floor is lit
    app.location_check = lambda folder, name: (f"{folder}/{name}", None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.active_path == DEFAULT_PY
        assert "nothing activated: python3 on PATH runs this interpreter" in status(app)
        await pilot.press("p")
        await settle(pilot)
        assert ("shell", DEFAULT_PY, True) in services.calls
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"B==4.1.0", "enter")
        await settle(pilot)
        # The log shows the refusal; the offer comes on top of it, with the file's sentence.
        assert screen_name(app) == "ConfirmScreen", screen_name(app)
        assert "externally managed" in str(app.screen.query_one("#message").render())
        await pilot.press("y")
        await settle(pilot)
        assert screen_name(app) == "CreateEnvScreen"
        app.screen.query_one("#name").value = "robots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = [c for c in services.calls if c[0] == "create"]
        assert created and created[0][1].endswith("/robots")
        assert ("pip", created[0][1], "install", "B==4.1.0") in services.calls


class ImportingRobot(FakeServices):
    """robot_two.py has no PEP 723 block: it imports yaml, which no known distribution maps."""

    def load_source(self, path, **kw):  # type: ignore[no-untyped-def]
        if path == ROBOTS["robot_two.py"]:
            return RequirementSource(
                path, "imports", (SourceRequirement("yaml", "yaml", inferred=True, origin=path),)
            )
        return super().load_source(path, **kw)


async def test_an_unknown_import_is_asked_for_and_never_sent_to_pip() -> None:
    services = ImportingRobot()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_panel("scripts")
        app.query_one("#scripts-table", Table).move_to_key(ROBOTS["robot_two.py"])
        await pilot.press("i")
        await settle(pilot)
        assert screen_name(app) == "InstallScreen"
        question = " ".join(str(s.render()) for s in app.screen.query(".hint"))
        assert "imports yaml" in question
        await pilot.press(*"PyYAML", "enter")
        await settle(pilot)
        pips = [c for c in services.calls if c[0] == "pip"]
        assert pips == [("pip", FLOOR[1], "install", "PyYAML")]
        assert not any("yaml" in c for c in pips[0][3:])


@dataclass(frozen=True)
class Plan:
    folder: str
    removed: tuple[str, ...]
    kept: tuple[str, ...]
    links: tuple[str, ...]
    managed_by: str | None
    command: str | None


class Planning(FakeServices):
    def plan_delete(self, path: str) -> Plan:
        return Plan(path, ("bin", "lib", "pyvenv.cfg"), (".git", "robot.py"), (f"{HOUSE}/current",), None, None)


async def test_delete_lists_what_stays_and_the_links_before_asking() -> None:
    services = Planning()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#environments-table", Table).move_to_key(FLOOR[2])
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        message = str(app.screen.query_one("#message").render())
        assert "these stay: .git, robot.py" in message
        assert f"Links to it are removed too: {HOUSE}/current" in message
        await pilot.press("y")
        await settle(pilot)
        assert ("delete", FLOOR[2]) in services.calls


async def test_home_and_end_move_the_robots_cursor_and_keep_the_status_column() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        table = app.query_one("#scripts-table", Table)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1 and table.scroll_x == 0
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_x == 0


async def test_a_failed_install_on_a_new_floor_says_the_floor_was_made() -> None:
    class Failing(FakeServices):
        def pip(self, env_path, action, requirements, **kw):  # type: ignore[no-untyped-def]
            self.calls.append(("pip", env_path, action, *requirements))
            return PipResult(("pip",), 1, error_lines=("ERROR: No matching distribution found for B>=4",))

    services = Failing()
    app = demo_app(services=services)
    app.location_check = lambda folder, name: (f"{folder}/{name}", None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_panel("scripts")
        app.query_one("#scripts-table", Table).move_to_key(ROBOTS["robot_three.py"])
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        failed = [n.message for n in app._notifications if n.severity == "error"]
        assert any("the floor was made; installing A>=2, B>=4 failed" in m for m in failed), failed


def test_fixed_sources_are_what_the_flows_expect() -> None:
    # The robots of the fixed house declare their hands (no imports): install sends them as is.
    assert all(not r.inferred for s in SOURCES.values() for r in s.requirements)
    assert replace(SOURCES[ROBOTS["robot_one.py"]]).kind == "script"
