"""Command line: the TUI by default, headless subcommands otherwise.

The headless path never imports textual (a test proves it), so ``venv-tui packages --json``
stays a fast process. Exit status: 0 all satisfied, 1 conflicts found (or the action failed),
2 bad input or usage, with one line on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from venv_tui import __version__
from venv_tui.errors import BadInput, Refused, ToolFailed, VenvTuiError

if TYPE_CHECKING:
    from venv_tui.model import Environment, PackageSet
    from venv_tui.services import Services

PROG = "venv-tui"
EXIT_OK, EXIT_CONFLICT, EXIT_BAD = 0, 1, 2

SUBCOMMANDS = ("pythons", "envs", "packages", "check", "fit", "create", "shell")

DESCRIPTION = """\
See every Python interpreter and virtual environment on this machine, what each has
installed, and whether your scripts can run in the environment that is switched on.

Without a subcommand, opens the app (PATH: a project folder or a script to watch)."""

EPILOG = """\
exit status: 0 all satisfied, 1 conflicts found (or the action failed), 2 bad input or usage.
Run 'venv-tui SUBCOMMAND --help' for a subcommand's options."""


class UsageError(Exception):
    """argparse's complaint, raised instead of its own exit so we control the message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_Parser)

    p = sub.add_parser("pythons", help="list the Python interpreters (no process is run)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("envs", help="list the virtual environments")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--root", action="append", default=[], metavar="DIR", help="also search DIR (repeatable)")

    p = sub.add_parser("packages", help="list what an environment has installed (read from disk)")
    p.add_argument("env", metavar="ENV", help="an environment folder or an interpreter path")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "check",
        help="check a script/requirements/pyproject against an environment (or do what pip check does)",
        description="Without TARGET, reports the environment's own broken requirements, as `pip check`.",
    )
    p.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="a .py script, a requirements file or a pyproject.toml (or its folder)",
    )
    p.add_argument(
        "--env",
        metavar="ENV",
        help="environment folder or interpreter (default: $VIRTUAL_ENV, else python3 on PATH)",
    )
    p.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME",
        help="pyproject optional-dependencies to include",
    )
    p.add_argument(
        "--group", action="append", default=[], metavar="NAME", help="pyproject dependency-groups to include"
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("fit", help="rank every known environment for a script or requirements file")
    p.add_argument("target", metavar="TARGET")
    p.add_argument(
        "--root", action="append", default=[], metavar="DIR", help="also search DIR for environments"
    )
    p.add_argument("--extra", action="append", default=[], metavar="NAME")
    p.add_argument("--group", action="append", default=[], metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("create", help="create a virtual environment with python -m venv")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--python", metavar="INTERP", help="the interpreter to create it with")
    p.add_argument("--system-site-packages", action="store_true")
    p.add_argument("--without-pip", action="store_true")
    p.add_argument("--prompt", metavar="P")
    p.add_argument(
        "--upgrade-pip", action="store_true", help="upgrade pip after creating (needs the network)"
    )

    p = sub.add_parser("shell", help="open your shell inside an environment ('exit' to leave)")
    p.add_argument("env", metavar="ENV")
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [PATH] [--demo] [--root DIR] | {PROG} SUBCOMMAND ...",
        description=DESCRIPTION,
        epilog="subcommands: " + ", ".join(SUBCOMMANDS) + "\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("path", nargs="?", metavar="PATH", help="a project folder or a script to watch")
    parser.add_argument(
        "--demo", action="store_true", help="build the article's house offline and open the app on it"
    )
    parser.add_argument(
        "--root", action="append", default=[], metavar="DIR", help="also search DIR for environments"
    )
    return parser


# -- helpers ---------------------------------------------------------------------------------


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


def _services() -> Services:
    from venv_tui.services import make_services

    return make_services()


def _existing(path: str, what: str) -> str:
    if not path:
        raise BadInput(f"an empty path was given for {what}")
    if not os.path.lexists(path):
        raise BadInput(f"{what} {path} does not exist")
    return path


def _resolve_env(services: Services, env: str | None) -> tuple[Environment | None, PackageSet]:
    """The environment named by --env, else $VIRTUAL_ENV, else python3 on PATH; and its packages."""
    if env:
        _existing(env, "the environment")
        return None, services.packages(env)
    active = services.active_environment()
    if active is None:
        raise BadInput("no environment is active and no python3 is on PATH; name one with --env ENV")
    return active, services.packages(active.path)


# -- subcommands -----------------------------------------------------------------------------


def cmd_pythons(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    found = services.interpreters()
    _out(report.dumps(report.pythons_json(found)) if args.json else report.pythons_text(found))
    return EXIT_OK


def cmd_envs(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    for root in args.root:
        if not os.path.isdir(root):
            raise BadInput(
                f"the folder {root} does not exist"
                if not os.path.lexists(root)
                else f"{root} is not a folder"
            )
    found = services.environments(args.root)
    _out(report.dumps(report.envs_json(found)) if args.json else report.envs_text(found))
    return EXIT_OK


def cmd_packages(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    _existing(args.env, "the environment")
    packages = services.packages(args.env)
    _out(report.dumps(report.packages_json(packages)) if args.json else report.packages_text(packages))
    return EXIT_OK


def cmd_check(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    source = None
    if args.target:
        _existing(args.target, "the target")
    _, packages = _resolve_env(services, args.env)
    if args.target:
        source = services.load_source(args.target, extras=args.extra, groups=args.group, packages=packages)
    result = services.check(source, packages)
    _out(report.dumps(report.check_json(result)) if args.json else report.check_text(result))
    if not args.json and source is not None:
        for warning in source.warnings:
            _err(f"warning: {warning}")
    return EXIT_OK if result.ok else EXIT_CONFLICT


def cmd_fit(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    _existing(args.target, "the target")
    for root in args.root:
        _existing(root, "the folder")
    source = services.load_source(args.target, extras=args.extra, groups=args.group)
    fits = services.fit(source, services.environments(args.root, include_interpreters=True))
    _out(
        report.dumps(report.fit_json(args.target, fits)) if args.json else report.fit_text(args.target, fits)
    )
    return EXIT_OK if fits and fits[0].ok else EXIT_CONFLICT


def _progress(line: str) -> None:
    """A tool's output, as it comes, on stderr (stdout stays for results)."""
    sys.stderr.write(line + "\n")


def cmd_create(args: argparse.Namespace, services: Services) -> int:
    if args.python:
        _existing(args.python, "the interpreter")
    result = services.create(
        args.path,
        python=args.python,
        system_site_packages=args.system_site_packages,
        without_pip=args.without_pip,
        prompt=args.prompt,
        upgrade_pip=args.upgrade_pip,
        on_line=_progress,
    )
    if result.ok:
        _out(f"Created {os.path.abspath(args.path)}")
        return EXIT_OK
    reason = result.error_lines[-1] if result.error_lines else f"exit status {result.returncode}"
    _err(f"could not create {args.path}: {reason}")
    return EXIT_CONFLICT


def cmd_shell(args: argparse.Namespace, services: Services) -> int:
    import subprocess

    _existing(args.env, "the environment")
    command = services.shell_command(args.env)
    env = services.environment(args.env)
    if env.health == "broken":
        # Still let the user in (to look around, or rebuild), but say why python will fail.
        _err(f"warning: this environment is broken: {env.problem}")
    try:
        sys.stderr.write(f"Entering {args.env}; type 'exit' to leave.\n")
        return subprocess.run(list(command.argv), env=command.env, check=False).returncode
    except FileNotFoundError:
        raise BadInput(f"the shell {command.argv[0]} was not found") from None
    finally:
        from venv_tui.services.shell import cleanup

        cleanup(command)


COMMANDS = {
    "pythons": cmd_pythons,
    "envs": cmd_envs,
    "packages": cmd_packages,
    "check": cmd_check,
    "fit": cmd_fit,
    "create": cmd_create,
    "shell": cmd_shell,
}


def run_app(args: argparse.Namespace) -> int:
    """Open the TUI (imports textual; only here)."""
    services = _services()
    watch: list[str] = []
    project: str | None = None
    roots = list(args.root)
    if args.demo:
        from venv_tui.config import cache_dir
        from venv_tui.ui.demo import prepare_demo

        sys.stderr.write("Building the article's house (offline, first time only)...\n")
        project, watch = prepare_demo(cache_dir())
        roots.append(project)
        services.cwd = project
    elif args.path:
        path = os.path.abspath(_existing(args.path, "the path"))
        if os.path.isdir(path):
            project = path
            services.cwd = path
        else:
            watch.append(path)
            project = os.path.dirname(path)
    from venv_tui.ui.app import run

    return run(services, watch=watch, project=project, roots=roots, demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if (args_list and args_list[0] in SUBCOMMANDS) or args_list[:1] in (["-h"], ["--help"]):
            args = build_parser().parse_args(args_list)
            if args.command is None:
                build_parser().print_help()
                return EXIT_OK
            return COMMANDS[args.command](args, _services())
        return run_app(build_app_parser().parse_args(args_list))
    except UsageError as err:
        _err(str(err))
        return EXIT_BAD
    except (BadInput, Refused) as err:
        _err(str(err))
        return EXIT_BAD
    except ToolFailed as err:
        _err(str(err))
        return EXIT_CONFLICT
    except VenvTuiError as err:
        _err(str(err))
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
        _err(f"internal error: {type(err).__name__}: {err} (set VENV_TUI_DEBUG=1 for the traceback)")
        return EXIT_BAD
