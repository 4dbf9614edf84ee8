"""Commands that change an environment or step into one: ``create``, ``shell``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from venv_tui.cli.common import EXIT_CONFLICT, EXIT_OK, Command, err, existing, out, progress
from venv_tui.errors import BadInput

if TYPE_CHECKING:
    from venv_tui.services import Services


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH")
    p.add_argument("--python", metavar="SPEC", help="the interpreter to create it with")
    p.add_argument("--system-site-packages", action="store_true")
    p.add_argument("--without-pip", action="store_true")
    p.add_argument("--prompt", metavar="P")
    p.add_argument(
        "--upgrade-pip", action="store_true", help="upgrade pip after creating (needs the network)"
    )


def cmd_create(args: argparse.Namespace, services: Services) -> int:
    existing_python = args.python
    if existing_python is not None:
        existing(existing_python, "the interpreter")
    result = services.create(
        args.path,
        python=args.python,
        system_site_packages=args.system_site_packages,
        without_pip=args.without_pip,
        prompt=args.prompt,
        upgrade_pip=args.upgrade_pip,
        on_line=progress,
    )
    if result.ok:
        out(f"Created {os.path.abspath(args.path)}")
        return EXIT_OK
    reason = result.error_lines[-1] if result.error_lines else f"exit status {result.returncode}"
    err(f"could not create {args.path}: {reason}")
    return EXIT_CONFLICT


def _shell_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV")


def cmd_shell(args: argparse.Namespace, services: Services) -> int:
    import subprocess

    existing(args.env, "the environment")
    command = services.shell_command(args.env)
    env = services.environment(args.env)
    if env.health == "broken":
        # Still let the user in (to look around, or rebuild), but say why python will fail.
        err(f"warning: this environment is broken: {env.problem}")
    try:
        sys.stderr.write(f"Entering {args.env}; type 'exit' to leave.\n")
        return subprocess.run(list(command.argv), env=command.env, check=False).returncode
    except FileNotFoundError:
        raise BadInput(f"the shell {command.argv[0]} was not found") from None
    finally:
        from venv_tui.services.actions.shell import cleanup

        cleanup(command)


COMMANDS = {
    "create": Command("create a virtual environment with python -m venv", _create_args, cmd_create),
    "shell": Command("open your shell inside an environment ('exit' to leave)", _shell_args, cmd_shell),
}
