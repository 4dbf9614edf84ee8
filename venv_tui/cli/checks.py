"""What an environment holds and whether a robot fits it: ``packages``, ``check``, ``fit``."""

from __future__ import annotations

from venv_tui.cli.common import (
    EXIT_CONFLICT,
    EXIT_OK,
    Command,
    QuickArgs,
    add_json,
    add_roots,
    err,
    existing,
    out,
    resolve_env,
)

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    import argparse

    from venv_tui.model import RequirementSource
    from venv_tui.services import Services


def _packages_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV", help="an environment folder or an interpreter path")
    add_json(p)


def cmd_packages(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    existing(args.env, "the environment")
    if args.json:  # the JSON shows no summary nor requirements: they are not read
        out(report.packages_dumps(services.listing(args.env)))
    else:
        out(report.packages_text(services.packages(args.env)))
    return EXIT_OK


def _extras_groups(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME",
        help="pyproject optional-dependencies to include",
    )
    p.add_argument(
        "--group", action="append", default=[], metavar="NAME", help="pyproject dependency-groups to include"
    )


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="a .py script, a requirements file, a pyproject.toml (or its folder) or a pylock.toml",
    )
    p.add_argument(
        "--env",
        metavar="ENV",
        help="environment folder or interpreter (default: $VIRTUAL_ENV, else python3 on PATH)",
    )
    _extras_groups(p)
    add_json(p)


def cmd_check(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    source = None
    if args.target is not None:
        existing(args.target, "the target")
    # Without a target the question is pip check's: names, versions and requirements only.
    _, packages = resolve_env(services, args.env, details=args.target is not None)
    if args.target is not None:
        source = services.load_source(args.target, extras=args.extra, groups=args.group, packages=packages)
    result = services.check(source, packages)
    out(report.dumps(report.check_json(result)) if args.json else report.check_text(result))
    if not args.json and source is not None:
        for warning in source.warnings:
            err(f"warning: {warning}")
    return EXIT_OK if result.ok else EXIT_CONFLICT


def _fit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET")
    add_roots(p)
    _extras_groups(p)
    add_json(p)


def cmd_fit(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    existing(args.target, "the target")
    for root in args.root:
        existing(root, "the folder")
    source = services.load_source(args.target, extras=args.extra, groups=args.group)
    floors = services.floors(args.root, include_interpreters=True)
    fits = services.fit_robot(source, _robots_beside(services, args.target), floors=floors)
    out(report.dumps(report.fit_json(args.target, fits)) if args.json else report.fit_text(args.target, fits))
    return EXIT_OK if fits and fits[0].ok else EXIT_CONFLICT


def _robots_beside(services: Services, target: str) -> list[RequirementSource]:
    """The other sources in the target's folder: the robots a change on a floor could break.
    One that cannot be read is left out (it is not what was asked about)."""
    import os

    from venv_tui.errors import BadInput

    here = os.path.abspath(target)
    folder = here if os.path.isdir(here) else os.path.dirname(here)
    robots: list[RequirementSource] = []
    for path in services.find_sources(folder):
        if os.path.abspath(path) == here:
            continue
        try:
            robots.append(services.load_source(path))
        except BadInput:
            continue
    return robots


COMMANDS = {
    "packages": Command(
        "list what an environment has installed (read from disk)",
        _packages_args,
        cmd_packages,
        quick=QuickArgs(positionals=(("env", True),), flags=("--json",)),
    ),
    "check": Command(
        "check a script/requirements/pyproject against an environment (or do what pip check does)",
        _check_args,
        cmd_check,
        description="Without TARGET, reports the environment's own broken requirements, as `pip check`.",
        quick=QuickArgs(
            positionals=(("target", False),),
            flags=("--json",),
            options=("--env",),
            lists=("--extra", "--group"),
        ),
    ),
    "fit": Command("rank every known environment for a script or requirements file", _fit_args, cmd_fit),
}
