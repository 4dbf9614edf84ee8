"""Deleting a floor headless: ``delete`` (the other actions live in ``actions``).

Without ``--yes`` it asks on a terminal, naming the folder and the links that go with it; with
no terminal it refuses (exit 2). The delete guard decides first; nothing is asked before it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from venv_tui.cli.common import EXIT_OK, Command, add_json, dumps_indented, err, existing, out
from venv_tui.errors import Refused

if TYPE_CHECKING:
    from venv_tui.services import Services


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
    from venv_tui.services.clean import plan_or_refusal
    from venv_tui.text import printable

    existing(args.env, "the environment")
    plan, refused = plan_or_refusal(services, args.env)
    if refused is not None:
        raise Refused(refused, path=args.env)  # exit 2, before any question
    if plan is not None:
        target, links = plan.folder, list(plan.links)
        removed, kept = list(plan.entries_to_remove), list(plan.entries_that_stay)
    else:
        target = os.path.abspath(args.env)
        links, removed, kept = _links_to(services, os.path.realpath(target)), [], []
    if not args.yes:
        if not on_terminal():
            raise Refused(f"{target} was not deleted: give --yes to delete without a terminal")
        if kept:
            lines = [f"Delete the environment in {printable(target)}?"]
            lines.append(f"  removes: {printable(', '.join(removed))}")
            lines.append(f"  keeps:   {printable(', '.join(kept))} (not the environment's)")
        else:
            lines = [f"Delete {printable(target)} and everything in it?"]
        lines += [f"  and the link {printable(link)} that points to it" for link in links]
        if plan is not None and plan.command:
            lines.append(f"  {plan.managed_by} keeps it; its own way is: {printable(plan.command)}")
        err("\n".join(lines))
        if not confirm("Delete?"):
            err("nothing was deleted")
            return EXIT_OK
    services.delete(plan if plan is not None else target)  # checked again first; ToolFailed: 1
    if plan is None:
        for link in links:  # the plan removes its links itself
            try:
                if os.path.islink(link) and not os.path.exists(link):
                    os.unlink(link)
            except OSError as error:
                err(f"the link {printable(link)} could not be removed ({error.strerror})")
    gone = [link for link in links if not os.path.lexists(link)]
    if args.json:
        out(dumps_indented({"path": target, "deleted": True, "links": gone, "kept": kept}))
    else:
        out(f"Deleted {printable(target)}" + (f" (kept: {printable(', '.join(kept))})" if kept else ""))
    return EXIT_OK


COMMANDS = {
    "delete": Command(
        "delete an environment (asks first; --yes without a terminal)", _delete_args, cmd_delete
    ),
}
