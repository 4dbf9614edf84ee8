"""Every action of the app, headless: ``install``, ``uninstall``, ``upgrade``, ``rebuild``,
``delete``.

pip's own output streams to stderr as it comes; stdout holds the result (with ``--json``: the
exit status and the last error lines). Requirements are validated by the services exactly as in
the app before pip runs; nothing starting with ``-`` is taken as a requirement.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from venv_tui.cli.common import EXIT_CONFLICT, EXIT_OK, Command, add_json, err, existing, out, progress
from venv_tui.errors import BadInput, Refused, shorten

if TYPE_CHECKING:
    from venv_tui.model import PipResult
    from venv_tui.services import Services


def _dumps(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)


def add_index(p: argparse.ArgumentParser) -> None:
    """INDEX: the options pip takes to choose where packages come from, passed on as given."""
    g = p.add_argument_group("where packages come from (passed to pip)")
    g.add_argument("--index-url", metavar="URL")
    g.add_argument("--extra-index-url", metavar="URL", action="append", default=[])
    g.add_argument("--find-links", metavar="DIR", action="append", default=[])
    g.add_argument("--no-index", action="store_true")


def index_args(args: argparse.Namespace) -> list[str]:
    """The INDEX options as pip arguments, each value its own argument after its option; a value
    that is empty or looks like an option is refused (pip would read it as one)."""
    pairs = [("--index-url", args.index_url)] if args.index_url is not None else []
    pairs += [("--extra-index-url", url) for url in args.extra_index_url]
    pairs += [("--find-links", folder) for folder in args.find_links]
    out_args: list[str] = []
    for option, value in pairs:
        if not value.strip() or value.startswith("-") or "\0" in value or "\n" in value:
            raise BadInput(f"{option} needs a URL or a folder, not '{shorten(value)}'")
        out_args += [option, value]
    if args.no_index:
        out_args.append("--no-index")
    return out_args


def _reason(result: PipResult) -> str:
    if result.cancelled:
        return "cancelled"
    return result.error_lines[-1] if result.error_lines else f"exit status {result.returncode}"


def result_json(env: str, action: str, items: list[str], result: PipResult) -> dict[str, Any]:
    return {
        "environment": env,
        "action": action,
        "requirements": items,
        "ok": result.ok,
        "returncode": result.returncode,
        "cancelled": result.cancelled,
        "error": None if result.ok else _reason(result),
        "error_lines": list(result.error_lines),
    }


def _finish(args: argparse.Namespace, action: str, items: list[str], result: PipResult) -> int:
    from venv_tui.text import printable

    if args.json:
        out(_dumps(result_json(args.env, action, items, result)))
    if result.ok:
        if not args.json:
            out(f"{action}: done in {printable(args.env)}")
        return EXIT_OK
    err(f"{action} failed in {printable(args.env)}: {printable(_reason(result))}")
    return EXIT_CONFLICT


# -- install, uninstall, upgrade --------------------------------------------------------------


def _pip_args(what: str, index: bool) -> Callable[[argparse.ArgumentParser], None]:
    def configure(p: argparse.ArgumentParser) -> None:
        p.add_argument("env", metavar="ENV", help="an environment folder or an interpreter path")
        p.add_argument("items", metavar=what, nargs="+")
        if index:
            add_index(p)
        add_json(p)

    return configure


def _pip_run(action: str) -> Callable[[argparse.Namespace, Services], int]:
    def run(args: argparse.Namespace, services: Services) -> int:
        existing(args.env, "the environment")
        extra = index_args(args) if action != "uninstall" else []
        result = services.pip(args.env, action, list(args.items), on_line=progress, extra_args=extra)
        return _finish(args, action, list(args.items), result)

    return run


# -- rebuild ----------------------------------------------------------------------------------


def _rebuild_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV", help="the environment folder")
    p.add_argument("--python", metavar="SPEC", required=True, help="3.12, python3.13, pypy3, a path")
    add_index(p)
    add_json(p)


def cmd_rebuild(args: argparse.Namespace, services: Services) -> int:
    existing(args.env, "the environment")
    if not args.python.strip():
        raise BadInput("an empty value was given for --python")
    result = services.rebuild(args.env, python=args.python, on_line=progress, extra_args=index_args(args))
    return _finish(args, "rebuild", [], result)


# -- delete -----------------------------------------------------------------------------------


def _delete_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV", help="the environment folder (its real path, not a link)")
    p.add_argument("--yes", action="store_true", help="delete without asking")
    add_json(p)


def _links_to(services: Services, real: str) -> list[str]:
    """Links the house knows that point at ``real`` (pyenv-virtualenv's ``versions/NAME``)."""
    import os

    found = []
    for env in services.environments():
        aliases = [env.path, *getattr(env, "aliases", ())]
        found += [a for a in aliases if a != real and os.path.islink(a) and os.path.realpath(a) == real]
    return sorted(set(found))


def cmd_delete(args: argparse.Namespace, services: Services) -> int:
    import os

    from venv_tui.cli.inventory import confirm, on_terminal
    from venv_tui.text import printable

    existing(args.env, "the environment")
    target = services.check_deletable(args.env)  # Refused (exit 2) before any question
    links = _links_to(services, os.path.realpath(target))
    if not args.yes:
        if not on_terminal():
            raise Refused(f"{target} was not deleted: give --yes to delete without a terminal")
        lines = [f"Delete {printable(target)} and everything in it?"]
        lines += [f"  and the link {printable(link)} that points to it" for link in links]
        err("\n".join(lines))
        if not confirm("Delete?"):
            err("nothing was deleted")
            return EXIT_OK
    services.delete(target)  # checks again right before removing; ToolFailed -> exit 1
    removed_links = []
    for link in links:
        try:
            if os.path.islink(link) and not os.path.exists(link):
                os.unlink(link)
                removed_links.append(link)
        except OSError as error:
            err(f"the link {printable(link)} could not be removed ({error.strerror})")
    if args.json:
        out(_dumps({"path": target, "deleted": True, "links": removed_links}))
    else:
        out(f"Deleted {printable(target)}")
    return EXIT_OK


COMMANDS = {
    "install": Command(
        "install requirements into an environment with its pip", _pip_args("REQ", True), _pip_run("install")
    ),
    "uninstall": Command(
        "uninstall packages from an environment", _pip_args("NAME", False), _pip_run("uninstall")
    ),
    "upgrade": Command("upgrade packages in an environment", _pip_args("NAME", True), _pip_run("upgrade")),
    "rebuild": Command(
        "rebuild an environment on another interpreter, keeping its packages", _rebuild_args, cmd_rebuild
    ),
    "delete": Command(
        "delete an environment (asks first; --yes without a terminal)", _delete_args, cmd_delete
    ),
}
