"""The house at a glance: ``where``, ``clean``, ``note``, ``keep``."""

from __future__ import annotations

import sys

from venv_tui.cli.common import (
    EXIT_BAD,
    EXIT_CONFLICT,
    EXIT_OK,
    Command,
    QuickArgs,
    add_json,
    add_roots,
    dumps_indented,
    err,
    existing,
    out,
)
from venv_tui.errors import Refused

TYPE_CHECKING = False  # typing is not imported at run time: ``where`` stays a light process
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from venv_tui.services import Services
    from venv_tui.services.clean import Match
    from venv_tui.services.where import Found


def confirm(question: str) -> bool:
    """Ask on the terminal; anything but y/yes is no."""
    sys.stderr.write(question + " [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")


def on_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


# -- where ------------------------------------------------------------------------------------


def _where_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a requirement: numpy, 'numpy<2', 'requests[socks]>=2.30'")
    add_json(p)
    add_roots(p)


def cmd_where(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.cli.house import check_roots
    from venv_tui.text import printable

    check_roots(args.root)
    found, problems = services.where(args.spec, args.root)
    for problem in problems:
        err(f"warning: {printable(problem)}")
    if args.json:
        out(_where_json(args.spec, found))
    elif found:
        from venv_tui.report import table

        rows = [
            [printable(f.distribution), printable(f.version), printable(f.name), printable(f.path)]
            for f in found
        ]
        out(table(rows, ["package", "version", "floor", "path"]))
    else:
        out(f"No environment holds {printable(args.spec)}.")
    return EXIT_OK if found else EXIT_CONFLICT


def _where_json(spec: str, found: list[Found]) -> str:
    """``json.dumps(..., indent=2, ensure_ascii=False)`` of where's answer, written with json's
    C string encoder: ``json`` itself would import ``re`` (and its indenting encoder is Python)."""
    try:
        from _json import encode_basestring as quote
    except ImportError:  # an interpreter without the C accelerator
        return dumps_indented(
            {
                "spec": spec,
                "environments": [{"path": f.path, "name": f.name, "version": f.version} for f in found],
            }
        )
    items = [
        "    {\n"
        f'      "path": {quote(f.path)},\n'
        f'      "name": {quote(f.name)},\n'
        f'      "version": {quote(f.version)}\n'
        "    }"
        for f in found
    ]
    listed = "[\n" + ",\n".join(items) + "\n  ]" if items else "[]"
    return f'{{\n  "spec": {quote(spec)},\n  "environments": {listed}\n}}'


# -- clean ------------------------------------------------------------------------------------


def _clean_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--broken", action="store_true", help="floors that cannot run")
    p.add_argument(
        "--stale", action="store_true", help="floors that run but were moved or whose base changed"
    )
    p.add_argument("--older-than", metavar="AGE", help="not used for AGE: N followed by d, w, m or y (90d)")
    p.add_argument("--larger-than", metavar="SIZE", help="larger than SIZE: K, M, G in powers of 1024 (1G)")
    p.add_argument(
        "--include-managed", action="store_true", help="also floors pipx, uv tool, poetry or hatch keep"
    )
    add_roots(p, help="only clean floors under DIR")
    p.add_argument("--dry-run", action="store_true", help="list what would go; delete nothing")
    p.add_argument("--yes", action="store_true", help="delete without asking")
    add_json(p)


def _match_json(m: Match) -> dict[str, Any]:
    return {"path": m.path, "size": m.size, "reasons": list(m.reasons)}


def _clean_text(going: list[Match], staying: list[Match], total: int, freed: int) -> str:
    from venv_tui.report import table
    from venv_tui.services.sizes import format_size
    from venv_tui.text import printable

    lines: list[str] = []
    if going:
        rows = [[format_size(m.size), printable(m.path), printable("; ".join(m.reasons))] for m in going]
        lines.append(table(rows, ["size", "path", "why"]))
    else:
        lines.append("No floor to clean.")
    if staying:
        lines.append("")
        lines.append("Matching, but staying:")
        lines += [f"  {printable(m.path)}: {printable(m.skipped or '')}" for m in staying]
    if going:
        lines.append("")
        summary = f"{len(going)} floor{'s' if len(going) != 1 else ''}, {format_size(total)}"
        if freed < total:
            summary += (
                f"; deleting them frees {format_size(freed)}: the rest is hard-linked from "
                "outside them (uv's cache, a copy made with cp -al)"
            )
        lines.append(summary + ".")
    return "\n".join(lines)


def cmd_clean(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.cli.common import progress
    from venv_tui.cli.house import check_roots
    from venv_tui.services.clean import Filters, parse_age, parse_size
    from venv_tui.text import printable

    filters = Filters(
        broken=args.broken,
        stale=args.stale,
        older_than=parse_age(args.older_than) if args.older_than is not None else None,
        larger_than=parse_size(args.larger_than) if args.larger_than is not None else None,
    )
    if filters.empty:
        err("say what to clean: --broken, --stale, --older-than AGE or --larger-than SIZE")
        return EXIT_BAD
    check_roots(args.root)
    warning = services.state().warning
    if warning:
        err(f"warning: {printable(warning)}")
    matches = services.clean_matches(filters, args.root, include_managed=args.include_managed)
    going = [m for m in matches if m.skipped is None]
    staying = [m for m in matches if m.skipped is not None]
    total, freed = services.clean_sizes(going)

    def report(deleted: list[str] | None, failed: list[tuple[str, str]]) -> None:
        if not args.json:
            return
        out(
            dumps_indented(
                {
                    "environments": [_match_json(m) for m in going],
                    "total_size": total,
                    "freed": freed,
                    "deleted": deleted,
                    "failed": [{"path": p, "error": e} for p, e in failed],
                    "skipped": [
                        {**_match_json(m), "reason": m.skipped, "command": m.command} for m in staying
                    ],
                }
            )
        )

    if not args.json:
        out(_clean_text(going, staying, total, freed))
    if args.dry_run or not going:
        report(None if args.dry_run else [], [])
        return EXIT_CONFLICT if (args.dry_run and going) else EXIT_OK
    if not args.yes:
        if not on_terminal():
            raise Refused(
                "nothing was deleted: give --yes to delete without a terminal (--dry-run only lists)"
            )
        if not confirm(f"Delete these {len(going)} floors for good?"):
            err("nothing was deleted")
            report([], [])
            return EXIT_OK
    outcome = services.delete_floors(going, on_progress=progress)
    for path, sentence in outcome.failed:
        err(f"could not delete {printable(path)}: {printable(sentence)}")
    report(list(outcome.deleted), list(outcome.failed))
    if not args.json:
        out(f"Deleted {len(outcome.deleted)} of {len(going)}.")
    return EXIT_CONFLICT if outcome.failed else EXIT_OK


# -- note, keep -------------------------------------------------------------------------------


def _floor(services: Services, path: str) -> str:
    """The floor a user named: its folder (or interpreter path), BadInput when it is none."""
    existing(path, "the environment")
    return services.environment(path).path


def _note_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV")
    p.add_argument("text", metavar="TEXT", nargs="?", help="the note (one line); without it, show the note")
    p.add_argument("--clear", action="store_true", help="remove the note")
    add_json(p)


def _mark_out(args: argparse.Namespace, path: str, note: str | None, keep: bool, text: str) -> None:
    if args.json:
        out(dumps_indented({"path": path, "note": note, "keep": keep}))
    else:
        out(text)


def cmd_note(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.text import printable

    if args.clear and args.text is not None:
        err("give a note or --clear, not both")
        return EXIT_BAD
    floor = _floor(services, args.env)
    if args.text is None and not args.clear:
        state = services.state()
        if state.warning:
            err(f"warning: {printable(state.warning)}")
        mark = state.mark(floor)
        _mark_out(
            args,
            floor,
            mark.note,
            mark.keep,
            printable(mark.note) if mark.note else f"No note on {printable(floor)}.",
        )
        return EXIT_OK
    mark, warning = services.set_note(floor, None if args.clear else args.text)
    if warning:
        err(f"warning: {printable(warning)}")
    text = (
        f"Note on {printable(floor)}: {printable(mark.note)}"
        if mark.note
        else f"No note on {printable(floor)}."
    )
    _mark_out(args, floor, mark.note, mark.keep, text)
    return EXIT_OK


def _keep_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV")
    p.add_argument("--off", action="store_true", help="take the keep mark off")
    add_json(p)


def cmd_keep(args: argparse.Namespace, services: Services) -> int:
    from venv_tui.text import printable

    floor = _floor(services, args.env)
    mark, warning = services.set_keep(floor, not args.off)
    if warning:
        err(f"warning: {printable(warning)}")
    text = (
        f"Kept: {printable(floor)} is never offered for clean-up."
        if mark.keep
        else f"No longer kept: {printable(floor)}."
    )
    _mark_out(args, floor, mark.note, mark.keep, text)
    return EXIT_OK


COMMANDS = {
    "where": Command(
        "every environment holding a package that matches SPEC (exit 0 found, 1 not)",
        _where_args,
        cmd_where,
        quick=QuickArgs(positionals=(("spec", True),), flags=("--json",), lists=("--root",)),
    ),
    "clean": Command(
        "delete the environments that match every filter given (broken, stale, unused, large)",
        _clean_args,
        cmd_clean,
    ),
    "note": Command("show, set or clear an environment's one-line note", _note_args, cmd_note),
    "keep": Command("mark an environment to keep: never offered for clean-up", _keep_args, cmd_keep),
}
