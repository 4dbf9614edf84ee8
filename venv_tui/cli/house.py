"""The house at a glance: ``pythons`` and ``envs``."""

from __future__ import annotations

import os

from venv_tui.cli.common import EXIT_OK, Command, add_json, add_roots, out
from venv_tui.errors import BadInput

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    import argparse

    from venv_tui.services import Services


def _pythons_args(p: argparse.ArgumentParser) -> None:
    add_json(p)


def cmd_pythons(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    found = services.interpreters()
    python3 = services.python3()
    if not args.json:
        out(report.pythons_text(found, python3))
        return EXIT_OK
    built: dict[str, list[str]] = {}
    for env in services.environments():
        if env.is_venv and env.base_interpreter:
            built.setdefault(os.path.realpath(env.base_interpreter), []).append(env.path)
    out(report.dumps(report.pythons_json(found, built, python3)))
    return EXIT_OK


def check_roots(roots: list[str]) -> None:
    for root in roots:
        if not root:
            raise BadInput("an empty path was given for a --root folder")
        if not os.path.isdir(root):
            raise BadInput(
                f"the folder {root} does not exist"
                if not os.path.lexists(root)
                else f"{root} is not a folder"
            )


def _envs_args(p: argparse.ArgumentParser) -> None:
    add_json(p)
    add_roots(p)


def cmd_envs(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    check_roots(args.root)
    found = services.environments(args.root)
    out(report.dumps(report.envs_json(found)) if args.json else report.envs_text(found))
    return EXIT_OK


COMMANDS = {
    "pythons": Command("list the Python interpreters (no process is run)", _pythons_args, cmd_pythons),
    "envs": Command("list the virtual environments", _envs_args, cmd_envs),
}
