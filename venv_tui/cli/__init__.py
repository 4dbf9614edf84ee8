"""Command line: the TUI by default, headless subcommands otherwise.

The headless path never imports textual (a test proves it), so ``venv-tui packages --json``
stays a fast process. Exit status: 0 all satisfied, 1 conflicts found (or the action failed),
2 bad input or usage, with one line on stderr and no traceback.
"""

from __future__ import annotations

import os
import sys

from venv_tui import __version__
from venv_tui.cli.common import EXIT_BAD, EXIT_CONFLICT, EXIT_OK, PROG, Command, existing
from venv_tui.cli.common import err as say_error
from venv_tui.errors import BadInput, Refused, ToolFailed, VenvTuiError

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import NoReturn

    from venv_tui.services import Services

# Each subcommand lives in the module of its group; only that module is imported for a run, and
# only its parser is built (the whole tree is built for --help alone): a headless command stays a
# fast process. A new command adds one line here and a Command in its module.
COMMAND_MODULES: dict[str, str] = {
    "pythons": "house",
    "envs": "house",
    "packages": "checks",
    "check": "checks",
    "fit": "checks",
    "create": "actions",
    "install": "actions",
    "uninstall": "actions",
    "upgrade": "actions",
    "rebuild": "actions",
    "shell": "actions",
    "where": "inventory",
    "clean": "inventory",
    "note": "inventory",
    "keep": "inventory",
    "delete": "change",
    "outdated": "index",
    "audit": "index",
    "export": "export",
    "diff": "export",
}
SUBCOMMANDS = tuple(COMMAND_MODULES)
# Read-only commands whose process may end without the interpreter's teardown.
FAST_EXIT = frozenset({"pythons", "envs", "packages", "check", "fit"})

DESCRIPTION = """\
See every Python interpreter and virtual environment on this machine, what each has
installed, and whether your scripts can run in the environment that is switched on.

Without a subcommand, opens the app (PATH: a project folder or a script to watch, default the
current folder)."""

EPILOG = """\
exit status: 0 all satisfied, 1 conflicts found (or the action failed), 2 bad input or usage.
Run 'venv-tui SUBCOMMAND --help' for a subcommand's options."""


APP_USAGE = f"{PROG} [PATH] [--demo] [--root DIR] | {PROG} SUBCOMMAND ..."
APP_OPTIONS = """\
the app:
  PATH        a project folder or a script to watch (default: this folder)
  --demo      build the article's house offline and open the app on it
  --root DIR  also search DIR for environments (repeatable)

"""


class UsageError(Exception):
    """argparse's complaint, raised instead of its own exit so we control the message."""


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse's parser raising UsageError instead of exiting, so we control the message.
    Made on first use: a command read by its QuickArgs never imports argparse."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{message} (see '{self.prog} --help')")

    return _Parser


def command(name: str) -> Command:
    """The Command of ``name``: its group's module imported (and only that one)."""
    # __import__ rather than importlib.import_module: importlib itself is not needed for this.
    module = __import__(f"venv_tui.cli.{COMMAND_MODULES[name]}", fromlist=["COMMANDS"])
    found: Command = module.COMMANDS[name]
    return found


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The headless parser; with ``only``, just that subcommand's branch."""
    import argparse

    _Parser = _parser_class()
    parser = _Parser(
        prog=PROG,
        usage=None if only else APP_USAGE,
        description=DESCRIPTION,
        epilog=None if only else APP_OPTIONS + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_Parser)
    for name in (only,) if only else SUBCOMMANDS:
        cmd = command(name)
        p = sub.add_parser(name, help=cmd.help, description=cmd.description or cmd.help)
        cmd.configure(p)
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    import argparse

    _Parser = _parser_class()
    parser = _Parser(
        prog=PROG,
        usage=APP_USAGE,
        description=DESCRIPTION,
        epilog="subcommands: " + ", ".join(SUBCOMMANDS) + "\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="a project folder or a script to watch (default: this folder)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="build the article's house offline and open the app on it"
    )
    parser.add_argument(
        "--root", action="append", default=[], metavar="DIR", help="also search DIR for environments"
    )
    return parser


def _services(*, headless: bool = False) -> Services:
    from venv_tui.services import make_services

    services = make_services()
    if headless and services.config.warning:
        # Once, on stderr; the command goes on with the defaults and its own exit status.
        from venv_tui.text import printable

        say_error(f"warning: {printable(services.config.warning)}")
    return services


def run_app(args: argparse.Namespace) -> int:
    """Open the TUI (imports textual; only here). Only the PATH argument is looked at before the
    first frame; the config is read by the app right after it (``make``)."""
    import gc

    # Start-up makes thousands of objects that live as long as the app, and next to no garbage:
    # the cyclic collector's passes over them only delay the first frame. The app turns it back
    # on once its main screen is up (Textual pauses it the same way while scrolling).
    gc.disable()
    try:
        watch: list[str] = []
        project: str | None = None
        roots = list(args.root)
        if args.demo:
            from venv_tui.config import cache_dir
            from venv_tui.ui.demo import prepare_demo

            sys.stderr.write("Building the article's house (offline, first time only)...\n")
            project, watch = prepare_demo(cache_dir())
            roots.append(project)
        else:
            # No PATH: the current folder is the project, watched like any other.
            path = os.path.abspath(existing(args.path or ".", "the path"))
            if os.path.isdir(path):
                project = path
            else:
                watch.append(path)
                project = os.path.dirname(path)
        cwd = project if args.demo or not watch else None

        def make() -> Services:
            services = _services()
            if cwd is not None:
                services.cwd = cwd
            return services

        from venv_tui.ui.app import run

        return run(make, watch=watch, project=project, roots=roots, demo=args.demo)
    finally:
        gc.enable()


def _leave(code: int) -> NoReturn:
    """End a headless run now: output flushed, the interpreter's teardown (freeing every module
    and object one by one) skipped. It costs a headless command a sizeable part of its time and
    changes nothing on disk."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or EXIT_OK
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in COMMAND_MODULES:
            name = args_list[0]
            cmd = command(name)
            args = cmd.quick.parse(args_list[1:]) if cmd.quick is not None else None
            if args is None:
                args = build_parser(only=name).parse_args(args_list)
            code = cmd.run(args, _services(headless=True))
            if argv is None and name in FAST_EXIT:
                _leave(code)  # run as a program (not called by a test or a script)
            return code
        if args_list[:1] in (["-h"], ["--help"]):
            build_parser().print_help()
            return EXIT_OK
        return run_app(build_app_parser().parse_args(args_list))
    except UsageError as err:
        say_error(str(err))
        return EXIT_BAD
    except (BadInput, Refused) as err:
        say_error(str(err))
        return EXIT_BAD
    except ToolFailed as err:
        say_error(str(err))
        return EXIT_CONFLICT
    except VenvTuiError as err:
        say_error(str(err))
        return EXIT_BAD
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `venv-tui packages | head`: the reader went away; not an error worth a word.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return EXIT_OK
    except Exception as err:  # a bug: one line, the trace only on request
        if os.environ.get("VENV_TUI_DEBUG"):
            raise
        say_error(f"internal error: {type(err).__name__}: {err} (set VENV_TUI_DEBUG=1 for the traceback)")
        return EXIT_BAD
