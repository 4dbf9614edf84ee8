"""The demo: the article's house built offline in the cache folder, then opened in the app.

``venv-tui --demo`` calls :func:`prepare_demo`; the first time it builds three floors (real
environments with the story's tiny wheels, no network), later it reuses them if they are still
whole. The app then opens with floor 1's lamp on: robot_one fits, robot_two and robot_three
don't, and one key builds them a floor of their own.
"""

from __future__ import annotations

import os
import shutil

MARKER = ".venv-tui-demo"  # written last: a house without it was never finished


def demo_root(cache_dir: str) -> str:
    return os.path.join(cache_dir, "demo")


def _robots(root: str) -> list[str]:
    from venv_tui.services.story import STORY_ROBOTS

    return [os.path.join(root, "robots", name) for name in STORY_ROBOTS]


def _floors(root: str) -> list[str]:
    from venv_tui.services.story import STORY_FLOORS

    return [os.path.join(root, f"floor-{n}") for n in STORY_FLOORS]


def is_whole(root: str) -> bool:
    """Finished, every floor's interpreter still runs from disk, each has its packages, and
    every robot is there. Only stat calls: reusing the demo must stay instant."""
    from venv_tui.services.story import STORY_FLOORS

    if not os.path.isfile(os.path.join(root, MARKER)):
        return False
    for number, installed in STORY_FLOORS.items():
        floor = os.path.join(root, f"floor-{number}")
        python = os.path.join(floor, "Scripts" if os.name == "nt" else "bin", "python")
        if not os.path.isfile(os.path.join(floor, "pyvenv.cfg")) or not os.path.exists(python):
            return False
        names = _installed_names(floor)
        for requirement in installed:
            name, _, version = requirement.partition("==")
            if f"{name.lower()}-{version}" not in names:
                return False
    return all(os.path.isfile(path) for path in _robots(root))


def _installed_names(floor: str) -> set[str]:
    found: set[str] = set()
    for dirpath, dirnames, _ in os.walk(floor):
        if os.path.basename(dirpath) == "site-packages":
            found.update(
                d[: -len(".dist-info")].lower() for d in dirnames if d.endswith(".dist-info")
            )
            dirnames[:] = []
    return found


def prepare_demo(cache_dir: str) -> tuple[str, list[str]]:
    """Build (or reuse) the house under ``cache_dir/demo``; return the project folder (the
    house's root: also the extra environment root) and the robots to watch."""
    from venv_tui.services.story import build_house

    root = demo_root(cache_dir)
    if not is_whole(root):
        # A half-built or damaged house is rebuilt from scratch; it only ever holds demo data.
        if os.path.lexists(root):
            shutil.rmtree(root)
        build_house(root)
        with open(os.path.join(root, MARKER), "w", encoding="utf-8") as fh:
            fh.write("The article's house, built by venv-tui --demo. Safe to delete.\n")
    return root, _robots(root)


def demo_active(project: str | None) -> str | None:
    """Floor 1 when ``project`` is the demo house (so the app opens with its lamp on)."""
    if not project or not os.path.isfile(os.path.join(project, MARKER)):
        return None
    return _floors(project)[0]
