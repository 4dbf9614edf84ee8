"""What every group of commands shares: exit statuses, output, the services object, the checks
on paths a user typed. Kept small: a headless command imports this and its own module only."""

from __future__ import annotations

import os
import sys

from venv_tui.errors import BadInput

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

    from venv_tui.model import Environment, PackageSet
    from venv_tui.services import Services

PROG = "venv-tui"
EXIT_OK, EXIT_CONFLICT, EXIT_BAD = 0, 1, 2


class QuickArgs:
    """The plain shapes of a command's arguments, read without argparse: building a parser costs
    a headless run more than reading a floor. Anything else (``--help``, ``--opt=value``, an
    abbreviation, a value that starts with "-", a missing or extra argument) gives None, and
    argparse reads it, with its messages. It must name every option its ``configure`` declares
    (a test compares the two)."""

    __slots__ = ("flags", "lists", "options", "positionals")

    def __init__(
        self,
        positionals: tuple[tuple[str, bool], ...] = (),  # (name, required)
        flags: tuple[str, ...] = (),
        options: tuple[str, ...] = (),
        lists: tuple[str, ...] = (),
    ) -> None:
        self.positionals = positionals
        self.flags = flags
        self.options = options
        self.lists = lists

    def parse(self, argv: list[str]) -> argparse.Namespace | None:
        values: dict[str, object] = {name: None for name, _ in self.positionals}
        values.update({_dest(f): False for f in self.flags})
        values.update({_dest(o): None for o in self.options})
        values.update({_dest(o): [] for o in self.lists})
        waiting = [name for name, _ in self.positionals]
        given: set[str] = set()
        tokens = iter(argv)
        for token in tokens:
            if token.startswith("-"):
                if token in self.flags:
                    values[_dest(token)] = True
                    continue
                if token not in self.options and token not in self.lists:
                    return None
                value = next(tokens, None)
                if value is None or value.startswith("-"):
                    return None
                if token in self.lists:
                    target = values[_dest(token)]
                    assert isinstance(target, list)
                    target.append(value)
                else:
                    values[_dest(token)] = value
                continue
            if not waiting:
                return None
            name = waiting.pop(0)
            values[name] = token
            given.add(name)
        if any(required and name not in given for name, required in self.positionals):
            return None
        return _Args(values)  # type: ignore[return-value]


class _Args:
    """What ``argparse.Namespace`` is to a command: attributes by name."""

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(values)


def _dest(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


class Command:
    """One subcommand: its one-line help, how its arguments are declared, and what it runs."""

    __slots__ = ("configure", "description", "help", "quick", "run")

    def __init__(
        self,
        help: str,
        configure: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace, Services], int],
        description: str | None = None,
        quick: QuickArgs | None = None,
    ) -> None:
        self.help = help
        self.configure = configure
        self.run = run
        self.description = description
        self.quick = quick


def dumps_indented(data: dict[str, Any]) -> str:
    """``json.dumps`` with two-space indents: the JSON of ``where``, ``clean``, ``delete``,
    ``note`` and ``keep`` (the listings' JSON is ``report.dumps``)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)


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


def resolve_env(
    services: Services, env: str | None, *, details: bool = True
) -> tuple[Environment | None, PackageSet]:
    """The environment named by --env, else $VIRTUAL_ENV, else python3 on PATH; and its packages
    (without ``details``: only what a dependency check reads, see ``Services.dependencies``)."""
    read = services.packages if details else services.dependencies
    if env is not None:
        existing(env, "the environment")
        return None, read(env)
    floor = services.active_floor()
    if floor is None:
        raise BadInput("no environment is active and no python3 is on PATH; name one with --env ENV")
    # Read through the same inspection: a $VIRTUAL_ENV that is gone is a broken floor (its
    # reason first, exit 1), not a path that "does not exist".
    return floor.environment, read(floor.site)


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
    pairs = [("--index-url", args.index_url)] if args.index_url is not None else []  # "" too
    pairs += [("--extra-index-url", url) for url in args.extra_index_url]
    pairs += [("--find-links", folder) for folder in args.find_links]
    for option, value in pairs:
        if not value or value.startswith("-") or "\0" in value or "\n" in value:
            raise BadInput(f"{option} needs a URL or a folder, not '{value}'")
        options += [option, value]
    if args.no_index:
        options.append("--no-index")
    return options
