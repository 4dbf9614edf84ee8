"""What the index knows about the floors: ``outdated`` and ``audit``.

The only commands that talk to the network. Without ENV they look at the active floor, as
``check`` does; with ``--all`` at every floor found. Exit 0 when there is nothing to report, 1
when something is outdated or vulnerable, or when the server could not be asked (one sentence
on stderr; what was cached is still shown).
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any

from venv_tui.cli.common import EXIT_CONFLICT, EXIT_OK, Command, add_json, add_roots, err, existing, out
from venv_tui.errors import BadInput

if TYPE_CHECKING:
    from venv_tui.model import AuditReport, FloorAudit
    from venv_tui.services import Services


def _floor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "env",
        nargs="?",
        metavar="ENV",
        help="an environment folder or an interpreter (default: $VIRTUAL_ENV, else python3 on PATH)",
    )
    p.add_argument("--all", action="store_true", help="every environment and interpreter found")
    add_roots(p)
    p.add_argument(
        "--timeout",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="give up on a server that has not answered in this time (default: 15)",
    )
    add_json(p)


def _paths(args: argparse.Namespace, services: Services) -> list[str]:
    if args.env is not None and args.all:
        raise BadInput("name one environment or give --all, not both")
    if not args.timeout > 0 or args.timeout > 600:
        raise BadInput("--timeout must be a number of seconds above 0 and at most 600")
    for root in args.root:
        existing(root, "the folder")
    if args.all:
        return [env.path for env in services.environments(args.root, include_interpreters=True)]
    if args.env is not None:
        existing(args.env, "the environment")
        services.open_site(args.env)  # BadInput (exit 2) for a path that is no floor
        return [args.env]
    active = services.active_environment()
    if active is None:
        raise BadInput("no environment is active and no python3 is on PATH; name one or give --all")
    return [active.path]


def _when(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def _shown(text: str) -> str:
    from venv_tui.text import printable

    return printable(text)


def _one_or_all(
    args: argparse.Namespace, floors: list[dict[str, Any]], problem: str | None
) -> dict[str, Any]:
    if args.all:
        return {"environments": floors, "problem": problem}
    only = dict(floors[0])
    only["problem"] = only.get("problem") or problem
    return only


def _single_floor_problem(args: argparse.Namespace, problem: str | None) -> None:
    if not args.all and problem:
        raise BadInput(problem)


# -- audit -----------------------------------------------------------------------------------


def _audit_args(p: argparse.ArgumentParser) -> None:
    _floor_args(p)
    p.add_argument(
        "--service",
        choices=("osv", "pypi"),
        default="osv",
        help="where known vulnerabilities come from (default: osv)",
    )
    p.add_argument(
        "--service-url",
        metavar="URL",
        help="the service's root, for a mirror (default: https://api.osv.dev or https://pypi.org;"
        " the config key audit_service_url sets it for good)",
    )


def audit_floor_json(floor: FloorAudit, service: str, service_url: str) -> dict[str, Any]:
    return {
        "environment": floor.environment,
        "service": service,
        "service_url": service_url,
        "packages": [
            {
                "name": p.name,
                "version": p.version,
                "vulnerabilities": [
                    {
                        "id": v.id,
                        "summary": v.summary,
                        "fixed_in": list(v.fixed_in),
                        "aliases": list(v.aliases),
                    }
                    for v in p.vulnerabilities
                ],
            }
            for p in floor.packages
        ],
        "unchecked": list(floor.unchecked),
        "problem": floor.problem,
    }


def audit_text(report: AuditReport) -> str:
    lines: list[str] = []
    for floor in report.floors:
        lines.append(_shown(floor.environment))
        if floor.problem:
            lines.append(f"  cannot be read: {_shown(floor.problem)}")
            continue
        for package in floor.packages:
            lines.append(f"  {_shown(package.name)} {_shown(package.version)}")
            for vuln in package.vulnerabilities:
                also = f" ({', '.join(vuln.aliases)})" if vuln.aliases else ""
                fixed = (
                    f"; fixed in {', '.join(vuln.fixed_in)}" if vuln.fixed_in else "; no fixed version yet"
                )
                summary = f": {vuln.summary}" if vuln.summary else ""
                lines.append(_shown(f"    {vuln.id}{also}{summary}{fixed}"))
        if floor.unchecked:
            lines.append(f"  not checked: {_shown(', '.join(floor.unchecked))}")
        if not floor.packages and not floor.unchecked:
            lines.append("  no known vulnerabilities")
    return "\n".join(lines)


def cmd_audit(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report as render

    paths = _paths(args, services)
    result = services.audit(paths, service=args.service, service_url=args.service_url, timeout=args.timeout)
    _single_floor_problem(args, result.floors[0].problem if result.floors else None)
    if args.json:
        floors = [audit_floor_json(f, result.service, result.service_url) for f in result.floors]
        out(render.dumps(_one_or_all(args, floors, result.problem)))
    else:
        out(audit_text(result))
    if result.problem:
        err(result.problem)
    found = any(f.packages for f in result.floors)
    return EXIT_CONFLICT if found or result.problem else EXIT_OK


COMMANDS = {
    "audit": Command(
        "known vulnerabilities of what one or every environment holds (OSV or PyPI)",
        _audit_args,
        cmd_audit,
        description="Asks OSV (or PyPI's JSON API) about every installed version, each once.",
    ),
}
