"""A floor written down, and two floors compared: ``export``, ``diff``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from venv_tui.cli.common import EXIT_CONFLICT, EXIT_OK, Command, add_index, add_json, err, existing, out

if TYPE_CHECKING:
    from venv_tui.services import Services
    from venv_tui.services.diff import FloorDiff
    from venv_tui.services.index.pipconf import IndexSettings


def index_settings(args: argparse.Namespace, services: Services, env: str) -> IndexSettings:
    for folder in args.find_links:
        if "://" not in folder:
            existing(folder, "the --find-links folder")
    return services.index_settings(
        env,
        index_url=args.index_url,
        extra_index_urls=args.extra_index_url,
        find_links=args.find_links,
        no_index=args.no_index,
    )


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV", help="an environment folder or an interpreter path")
    p.add_argument(
        "--top-level",
        action="store_true",
        help="only what was asked for (REQUESTED) and what nothing else requires (requirements only)",
    )
    p.add_argument("--all", action="store_true", help="include pip, setuptools, wheel and distribute")
    p.add_argument(
        "--format",
        choices=("requirements", "pylock"),
        default="requirements",
        help="a requirements file (default) or a PEP 751 pylock.toml",
    )
    add_index(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of printing")


def cmd_export(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.errors import Refused
    from venv_tui.services.actions.export import ExportFailed

    if args.top_level and args.format == "pylock":
        raise Refused("a lock holds every distribution; --top-level goes with --format requirements only")
    existing(args.env, "the environment")
    if args.output is not None and not args.output:
        existing(args.output, "-o")  # an empty path: one sentence
    packages = services.packages(args.env)
    settings = index_settings(args, services, args.env) if args.format == "pylock" else None
    try:
        result = services.export(
            packages, fmt=args.format, top_level=args.top_level, include_all=args.all, settings=settings
        )
    except ExportFailed as failed:
        for problem in failed.problems:
            err(problem)
        err("nothing was written")
        return EXIT_CONFLICT
    for warning in result.warnings:
        err(f"warning: {warning}")
    if args.output:
        services.write_export(args.output, result.text)
    else:
        out(result.text.rstrip("\n"))
    return EXIT_OK


def _diff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("left", metavar="ENV_A", help="an environment folder or an interpreter path")
    p.add_argument("right", metavar="ENV_B", help="another one")
    p.add_argument("--all", action="store_true", help="also list what both hold at the same version")
    add_json(p)


def diff_json(diff: FloorDiff, include_same: bool) -> dict[str, Any]:
    return {
        "left": diff.left,
        "right": diff.right,
        "python": {"left": diff.left_python, "right": diff.right_python},
        "same": diff.same,
        "packages": [
            {"name": r.name, "left": r.left, "right": r.right, "change": r.change}
            for r in diff.shown(include_same)
        ],
    }


def diff_text(diff: FloorDiff, include_same: bool) -> str:
    from venv_tui.text import printable

    lp, rp = diff.left_python or "unknown", diff.right_python or "unknown"
    python = f"Python {lp} on both" if lp == rp else f"Python {lp} | Python {rp}"
    lines = [f"{printable(diff.left)}  |  {printable(diff.right)}", python]
    rows = diff.shown(include_same)
    if not rows:
        lines.append("Both hold the same distributions.")
        return "\n".join(lines)
    width = max(len(r.name) for r in rows)
    left_width = max(len(r.left or "-") for r in rows)
    for r in rows:
        lines.append(
            f"{printable(r.name):<{width}}  {printable(r.left or '-'):<{left_width}}  "
            f"{printable(r.right or '-'):<12}  {r.change}"
        )
    return "\n".join(lines)


def cmd_diff(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    existing(args.left, "the first environment")
    existing(args.right, "the second environment")
    diff = services.diff(services.packages(args.left), services.packages(args.right))
    out(report.dumps(diff_json(diff, args.all)) if args.json else diff_text(diff, args.all))
    return EXIT_OK if diff.same else EXIT_CONFLICT


COMMANDS = {
    "export": Command(
        "write an environment down: a requirements file or a PEP 751 pylock.toml",
        _export_args,
        cmd_export,
        description="Writes to stdout, or atomically to -o FILE. A lock names the exact file of every "
        "distribution with its sha256 (from the index, or computed); if one cannot be found, nothing "
        "is written and the exit status is 1.",
    ),
    "diff": Command(
        "compare what two environments hold",
        _diff_args,
        cmd_diff,
        description="Exit status 0 when both hold the same distributions at the same versions, 1 otherwise.",
    ),
}
