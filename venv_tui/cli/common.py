"""What every group of commands shares: exit statuses, output, the services object, the checks
on paths a user typed. Kept small: a headless command imports this and its own module only."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from venv_tui.errors import BadInput

if TYPE_CHECKING:
    import argparse

    from venv_tui.model import Environment, PackageSet
    from venv_tui.services import Services

PROG = "venv-tui"
EXIT_OK, EXIT_CONFLICT, EXIT_BAD = 0, 1, 2


class Command:
    """One subcommand: its one-line help, how its arguments are declared, and what it runs."""

    __slots__ = ("configure", "description", "help", "run")

    def __init__(
        self,
        help: str,
        configure: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace, Services], int],
        description: str | None = None,
    ) -> None:
        self.help = help
        self.configure = configure
        self.run = run
        self.description = description


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


def progress(line: str) -> None:
    """A tool's output, as it comes, on stderr (stdout stays for results)."""
    sys.stderr.write(line + "\n")


def existing(path: str, what: str) -> str:
    """``path`` when something is there; BadInput naming ``what`` otherwise (an empty path too)."""
    if not path:
        raise BadInput(f"an empty path was given for {what}")
    if not os.path.lexists(path):
        from venv_tui.files import shown, why_missing  # the true reason, the path cut short

        raise BadInput(f"{what} {shown(path)} {why_missing(path)}")
    return path


def resolve_env(services: Services, env: str | None) -> tuple[Environment | None, PackageSet]:
    """The environment named by --env, else $VIRTUAL_ENV, else python3 on PATH; and its packages."""
    if env is not None:
        existing(env, "the environment")
        return None, services.packages(env)
    active = services.active_environment()
    if active is None:
        raise BadInput("no environment is active and no python3 is on PATH; name one with --env ENV")
    return active, services.packages(active.path)


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_roots(parser: argparse.ArgumentParser, help: str = "also search DIR for environments") -> None:
    parser.add_argument("--root", action="append", default=[], metavar="DIR", help=help + " (repeatable)")


def add_index(p: argparse.ArgumentParser) -> None:
    """INDEX: the index options as pip takes them; without them, what the floor's pip would use."""
    group = p.add_argument_group("index (default: what the environment's pip is configured to use)")
    group.add_argument("--index-url", metavar="URL", help="the main package index (simple API)")
    group.add_argument(
        "--extra-index-url", action="append", default=[], metavar="URL", help="another index (repeatable)"
    )
    group.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of distributions (repeatable)",
    )
    group.add_argument("--no-index", action="store_true", help="use no index, only --find-links folders")


def index_options(args: argparse.Namespace) -> list[str]:
    """pip's index options from the parsed INDEX arguments. Each value is one argument after its
    option; a value that looks like an option is refused (it would be read as one)."""
    options: list[str] = []
    pairs = [("--index-url", args.index_url)] if args.index_url else []
    pairs += [("--extra-index-url", url) for url in args.extra_index_url]
    pairs += [("--find-links", folder) for folder in args.find_links]
    for option, value in pairs:
        if not value or value.startswith("-") or "\0" in value or "\n" in value:
            raise BadInput(f"{option} needs a URL or a folder, not '{value}'")
        options += [option, value]
    if args.no_index:
        options.append("--no-index")
    return options
