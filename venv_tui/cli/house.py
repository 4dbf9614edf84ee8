"""The house at a glance: ``pythons`` and ``envs``."""

from __future__ import annotations

import os

from venv_tui.cli.common import EXIT_OK, Command, QuickArgs, add_json, add_roots, out
from venv_tui.errors import BadInput

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from venv_tui.model import Environment, Floor
    from venv_tui.services import Services


def _pythons_args(p: argparse.ArgumentParser) -> None:
    add_json(p)


def cmd_pythons(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    found = services.interpreters()
    python3 = services.python3()
    # The floors built on each interpreter, by its real path: JSON lists them, the text counts.
    built: dict[str, list[str]] = {}
    for env in services.environments():
        if env.is_venv and env.base_interpreter:
            built.setdefault(os.path.realpath(env.base_interpreter), []).append(env.path)
    if not args.json:
        out(report.pythons_text(found, python3, built))
        return EXIT_OK
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
    _inventory_args(p)


def cmd_envs(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    check_roots(args.root)
    if args.sort is not None:
        _check_sort(args.sort)
    with _no_collection():
        floors = services.floors(args.root)
        found, extra, total = _inventory(args, services, floors)
        if args.json:
            out(report.dumps(report.envs_json(found, extra, total)))
        else:
            out(report.envs_text(found, extra if args.sizes else None, total))
    return EXIT_OK


class _no_collection:
    """The cyclic garbage collector paused while the floors are read and shown: what is made for
    each floor lives to the end of the command, so its passes over them (a dozen for 200 floors)
    would free nothing, and a headless run ends right after. Only a pause: it runs again after,
    as it was."""

    def __enter__(self) -> None:
        import gc

        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was:
            import gc

            gc.enable()


# -- inventory: sizes, last use, notes and keep marks, sort and filter ----------------------


def _inventory_args(p: argparse.ArgumentParser) -> None:
    from venv_tui.services.inventory import SORTS

    p.add_argument("--sizes", action="store_true", help="measure each floor's size on disk (cached)")
    p.add_argument(
        "--sort", choices=SORTS, help="name; size (largest first); age (longest unused first); python"
    )
    for option, metavar, what in (
        ("--health", "HEALTH", "of this health (ok, stale, broken)"),
        ("--tool", "TOOL", "TOOL made or keeps (venv, uv, pipx, poetry, ...)"),
        ("--python", "X.Y", "on this Python version"),
    ):
        p.add_argument(option, action="append", default=[], metavar=metavar, help=f"only floors {what}")


def _check_sort(sort: str) -> None:
    """A --sort read without argparse: one that is not among its choices goes to argparse, for
    its own message."""
    from venv_tui.services.inventory import SORTS

    if sort not in SORTS:
        from venv_tui.cli import build_parser

        build_parser(only="envs").parse_args(["envs", "--sort", sort])


def _inventory(
    args: argparse.Namespace, services: Services, floors: list[Floor]
) -> tuple[list[Environment], dict[str, dict[str, Any]], int | None]:
    """Filter and sort the floors; each one's size (with --sizes), last use, note and keep."""
    from venv_tui.cli.common import err
    from venv_tui.services.usage import iso, last_used

    found = [f.environment for f in floors]
    # The site folders the inspection already found: last use and the sizes' stamps stat only
    # those, without listing the floor again.
    site_dirs = {f.environment.path: f.site.own_dirs for f in floors}
    if args.health or args.tool or args.python:
        from venv_tui.services.inventory import filter_floors

        found = filter_floors(found, health=args.health, tool=args.tool, python=args.python)
    venvs = [e.path for e in found if e.is_venv]
    measured = services.floor_sizes(venvs, site_dirs=site_dirs) if args.sizes or args.sort == "size" else {}
    used = {p: last_used(p, site_dirs[p]) for p in venvs}
    state = services.state()
    if state.warning:
        from venv_tui.text import printable

        err(f"warning: {printable(state.warning)}")
    if args.sort:
        from venv_tui.services.inventory import sort_floors

        sizes = {p: s.size for p, s in measured.items()}
        found = sort_floors(found, args.sort, sizes=sizes, last_used=used)
    extra: dict[str, dict[str, Any]] = {}
    for env in found:
        mark = state.mark(env.path)
        size = measured.get(env.path)
        extra[env.path] = {
            "size": size.size if size is not None and args.sizes else None,
            "last_used": iso(used.get(env.path)),
            "note": mark.note,
            "keep": mark.keep,
        }
    total = services.total_size(list(measured.values())) if args.sizes else None
    return found, extra, total


COMMANDS = {
    "pythons": Command(
        "list the Python interpreters (no process is run)",
        _pythons_args,
        cmd_pythons,
        quick=QuickArgs(flags=("--json",)),
    ),
    "envs": Command(
        "list the virtual environments",
        _envs_args,
        cmd_envs,
        # --sort is read here too and checked against its choices in cmd_envs.
        quick=QuickArgs(
            flags=("--json", "--sizes"),
            options=("--sort",),
            lists=("--root", "--health", "--tool", "--python"),
        ),
    ),
}
