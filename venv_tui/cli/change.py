"""Deleting a floor headless: ``delete`` (the other actions live in ``actions``).

Without ``--yes`` it asks on a terminal, naming the folder and the links that go with it; with
no terminal it refuses (exit 2). The delete guard decides first; nothing is asked before it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from venv_tui.cli.common import EXIT_OK, Command, add_json, err, existing, out
from venv_tui.errors import Refused

if TYPE_CHECKING:
    from venv_tui.services import Services


def _dumps(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)


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
    "delete": Command(
        "delete an environment (asks first; --yes without a terminal)", _delete_args, cmd_delete
    ),
}
