"""``python tests/screenshots.py [NAME ...]``: draw the app on the article's house into
screenshots/.

The pictures come from fixed data (``tests/ui_data.py``: paths under /home/user, never this
machine's), so they are the same on every machine and match the snapshot tests, which use the
same scenes (``tests/test_snapshots.py``). It writes ``screenshots/NAME.svg`` of the checkout.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Step = Callable[[Any], Awaitable[None]]  # receives a textual Pilot


@dataclass(frozen=True)
class Scene:
    name: str
    size: tuple[int, int]
    steps: Step | None = None
    active: str | None = None  # the floor whose lamp is on (default: floor 1)
    caption: str = ""


async def settle(pilot: Any, rounds: int = 4) -> None:
    """Wait until the chain of workers (floors -> packages and checks) has finished, then
    freeze what still moves (cursor blink), so the picture is the same every time."""
    from textual.widgets import Input
    from ui_data import wait_readers

    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
    await pilot.pause()


def _on_floor(path_key: str) -> Step:
    async def steps(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.query_one("#environments-table").move_to_key(path_key)
        await settle(pilot)

    return steps


def _press(*keys: str, before: Step | None = None) -> Step:
    async def steps(pilot: Any) -> None:
        await settle(pilot)
        if before is not None:
            await before(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return steps


async def _fixed_location(pilot: Any) -> None:
    # The create form checks the folder on disk; the picture must not depend on this machine.
    pilot.app.location_check = lambda folder, name: (os.path.join(folder, name), None)


async def _pick_robot_three(pilot: Any) -> None:
    from ui_data import ROBOTS

    pilot.app.action_panel("scripts")
    pilot.app.query_one("#scripts-table").move_to_key(ROBOTS["robot_three.py"])
    await _fixed_location(pilot)


async def _install_log(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("3", "i")
    await settle(pilot)
    await pilot.press(*"A==2.1.0", "enter")
    await settle(pilot)


async def _clean_up_marks(pilot: Any) -> None:
    """Floor 2 and the basement marked for clean-up, then the first floor's interpreter
    selected: its note names the floors that break if it goes."""
    from ui_data import BASEMENT, DEFAULT_PY, FLOOR

    await settle(pilot)
    table = pilot.app.query_one("#environments-table")
    for path in (FLOOR[2], BASEMENT):
        table.move_to_key(path)
        await settle(pilot)
        await pilot.press("space")
    table.move_to_key(DEFAULT_PY)
    await settle(pilot)


async def _palette(pilot: Any) -> None:
    await settle(pilot)
    # A query only this app's commands match: hits from the built-in provider would arrive in
    # whatever order the providers finish, and the picture must not depend on that.
    await pilot.press("ctrl+p", *"selected")
    # The palette gathers its commands in the background; wait until the list stops growing.
    from textual.widgets import OptionList

    last = -1
    for _ in range(40):
        await pilot.pause(0.05)
        lists = pilot.app.screen.query(OptionList)
        count = lists.first().option_count if lists else 0
        if count and count == last:
            break
        last = count
    await settle(pilot)


def scenes() -> list[Scene]:
    from ui_data import ATTIC, BASEMENT, FLOOR

    return [
        Scene("main", (120, 40), caption="The house: floor 1's lamp on, which robots fit"),
        Scene("interpreters", (120, 40), _press("1")),
        Scene("packages", (120, 40), _press("3", "j"), caption="Packages of the selected floor"),
        Scene("scripts", (120, 40), _press("4")),
        Scene("broken", (120, 40), _on_floor(ATTIC), caption="A broken environment says why"),
        Scene("conflicts", (120, 40), active=BASEMENT, caption="A floor with broken requirements"),
        Scene("lamp-floor-3", (120, 40), _press("j", "j", "l", before=_on_floor(FLOOR[1]))),
        Scene("create", (120, 40), _press("c", before=_fixed_location)),
        Scene("new-floor", (120, 40), _press("n", before=_pick_robot_three)),
        Scene("delete", (120, 40), _press("j", "d")),
        Scene("install-log", (120, 40), _install_log),
        Scene("help", (120, 40), _press("f1")),
        Scene("palette", (120, 40), _palette),
        Scene("clean-up", (120, 40), _clean_up_marks, caption="Floors marked for clean-up (space)"),
        Scene("narrow-80x24", (80, 24), caption="80x24 over SSH: one panel at a time"),
        Scene("narrow-robots-80x24", (80, 24), _press("4")),
    ]


def make_app(scene: Scene) -> Any:
    from ui_data import FLOOR, demo_app

    app = demo_app(active=scene.active or FLOOR[1])
    app.animation_level = "none"
    return app


async def draw(scene: Scene) -> str:
    app = make_app(scene)
    async with app.run_test(size=scene.size) as pilot:
        await (scene.steps or settle)(pilot)
        await settle(pilot)
        return app.export_screenshot(title=f"venv-tui · {scene.caption or scene.name}")


def use_test_data() -> str:
    """Put the tests folder on sys.path (for ui_data); return the checkout root."""
    tests = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(tests)
    if tests not in sys.path:
        sys.path.insert(0, tests)
    return root


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    root = use_test_data()
    wanted = set(argv if argv is not None else sys.argv[1:])
    out = os.path.join(root, "screenshots")
    os.makedirs(out, exist_ok=True)
    for scene in scenes():
        if wanted and scene.name not in wanted:
            continue
        svg = asyncio.run(draw(scene))
        path = os.path.join(out, f"{scene.name}.svg")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(svg)
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
