"""What the index knows about the floors: ``outdated`` and ``audit``.

The only commands that talk to the network. Without ENV they look at the active floor, as
``check`` does; with ``--all`` at every floor found. Exit 0 when there is nothing to report, 1
when something is outdated or vulnerable, or when the server could not be asked (one sentence
on stderr naming it; what was checked or cached is still shown). Nothing checked at all is a
failed check (exit 1), never "nothing to report".
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from venv_tui.cli.common import (
    EXIT_CONFLICT,
    EXIT_OK,
    Command,
    add_index,
    add_json,
    add_roots,
    err,
    existing,
    out,
)
from venv_tui.errors import BadInput

if TYPE_CHECKING:
    from venv_tui.model import AuditReport, FloorAudit, FloorOutdated, OutdatedReport
    from venv_tui.services import Services
    from venv_tui.services.index.shortfall import Shortfall


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


def _url(value: str | None, what: str, schemes: tuple[str, ...] = ("http", "https")) -> None:
    """BadInput (exit 2) for an address no request can be made to."""
    import urllib.parse

    if value is None:
        return
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.scheme == "file"):
        raise BadInput(f"{what} must be an {' or '.join(s + '://' for s in schemes)} address, not {value!r}")


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


def _floors_text(
    floors: Sequence[FloorOutdated] | Sequence[FloorAudit],
    body: Callable[[Any], list[str]],
    unchecked: str,
    clean: str,
) -> str:
    """Each floor's path, then what ``body`` says of it, what was not checked, or ``clean``."""
    lines: list[str] = []
    for floor in floors:
        lines.append(_shown(floor.environment))
        if floor.problem:
            lines.append(f"  cannot be read: {_shown(floor.problem)}")
            continue
        lines += body(floor)
        if floor.unchecked:
            lines.append(f"  {unchecked}: {_shown(', '.join(floor.unchecked))}")
        if not floor.packages and not floor.unchecked:
            lines.append(f"  {clean}")
    return "\n".join(lines)


def _finish(
    args: argparse.Namespace,
    text: str,
    floors: list[dict[str, Any]],
    problem: str | None,
    found: bool,
    shortfall: Shortfall | None,
) -> int:
    """Print the report, one sentence on stderr, and the exit status: 1 when something was
    found, the server failed, or nothing at all was checked."""
    from venv_tui import report as render

    said = shortfall.sentence if shortfall is not None else problem
    if args.json:
        out(render.dumps(_one_or_all(args, floors, said)))
    else:
        out(text)
    if said:
        err(said)
    failed = problem is not None or (shortfall is not None and shortfall.nothing)
    return EXIT_CONFLICT if found or failed else EXIT_OK


# -- outdated --------------------------------------------------------------------------------


def _outdated_args(p: argparse.ArgumentParser) -> None:
    _floor_args(p)
    add_index(p)
    p.add_argument("--pre", action="store_true", help="count pre-releases and development releases")


def outdated_floor_json(floor: FloorOutdated) -> dict[str, Any]:
    return {
        "environment": floor.environment,
        "index": floor.index,
        "extra_index_urls": list(floor.extra_index_urls),
        "find_links": list(floor.find_links),
        "packages": [{"name": p.name, "version": p.version, "latest": p.latest} for p in floor.packages],
        "cached_at": _when(floor.cached_at),
        "unchecked": list(floor.unchecked),
        "checked": floor.checked,
        "problem": floor.problem,
    }


def _outdated_lines(floor: FloorOutdated) -> list[str]:
    width = max((len(p.name) for p in floor.packages), default=0)
    lines = [_shown(f"  {p.name:<{width}}  {p.version} -> {p.latest}") for p in floor.packages]
    if floor.cached_at is not None:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(floor.cached_at))
        lines.append(f"  (index answers from {stamp})")
    return lines


def outdated_text(report: OutdatedReport) -> str:
    return _floors_text(
        report.floors,
        _outdated_lines,
        "not checked (no answer from the index, nothing cached)",
        "nothing outdated",
    )


def cmd_outdated(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.services.index.shortfall import outdated_shortfall

    _url(args.index_url, "--index-url", ("http", "https", "file"))
    for extra in args.extra_index_url:
        _url(extra, "--extra-index-url", ("http", "https", "file"))
    for folder in args.find_links:
        if "://" in folder:
            _url(folder, "--find-links", ("http", "https", "file"))
        else:
            existing(folder, "the --find-links folder")
    paths = _paths(args, services)
    result = services.outdated(
        paths,
        index_url=args.index_url,
        extra_index_urls=args.extra_index_url,
        find_links=[os.path.abspath(f) if "://" not in f else f for f in args.find_links],
        no_index=args.no_index,
        pre=args.pre,
        timeout=args.timeout,
    )
    _single_floor_problem(args, result.floors[0].problem if result.floors else None)
    return _finish(
        args,
        "" if args.json else outdated_text(result),
        [outdated_floor_json(f) for f in result.floors],
        result.problem,
        any(f.packages for f in result.floors),
        outdated_shortfall(result),
    )


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
        "checked": floor.checked,
        "problem": floor.problem,
    }


def _audit_lines(floor: FloorAudit) -> list[str]:
    lines = []
    for package in floor.packages:
        lines.append(f"  {_shown(package.name)} {_shown(package.version)}")
        for vuln in package.vulnerabilities:
            also = f" ({', '.join(vuln.aliases)})" if vuln.aliases else ""
            fixed = f"; fixed in {', '.join(vuln.fixed_in)}" if vuln.fixed_in else "; no fixed version yet"
            summary = f": {vuln.summary}" if vuln.summary else ""
            lines.append(_shown(f"    {vuln.id}{also}{summary}{fixed}"))
    return lines


def audit_text(report: AuditReport) -> str:
    return _floors_text(report.floors, _audit_lines, "not checked", "no known vulnerabilities")


def cmd_audit(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.services.index.shortfall import audit_shortfall

    _url(args.service_url, "--service-url")
    paths = _paths(args, services)
    result = services.audit(paths, service=args.service, service_url=args.service_url, timeout=args.timeout)
    _single_floor_problem(args, result.floors[0].problem if result.floors else None)
    return _finish(
        args,
        "" if args.json else audit_text(result),
        [audit_floor_json(f, result.service, result.service_url) for f in result.floors],
        result.problem,
        any(f.packages for f in result.floors),
        audit_shortfall(result),
    )


COMMANDS = {
    "outdated": Command(
        "newer versions on the index that one or every environment could install",
        _outdated_args,
        cmd_outdated,
        description="Asks the index each environment's pip would use about every installed distribution,"
        " each name once; answers are cached (config key index_cache_hours, default 6).",
    ),
    "audit": Command(
        "known vulnerabilities of what one or every environment holds (OSV or PyPI)",
        _audit_args,
        cmd_audit,
        description="Asks OSV (or PyPI's JSON API) about every installed version, each once.",
    ),
}
