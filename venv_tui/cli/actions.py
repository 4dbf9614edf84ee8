"""Commands that change a floor or step onto one: ``create``, ``install``, ``uninstall``,
``upgrade``, ``rebuild``, ``shell``. A floor (ENV) is an environment folder or an interpreter."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from venv_tui.cli.common import (
    EXIT_CONFLICT,
    EXIT_OK,
    Command,
    add_index,
    add_json,
    err,
    existing,
    index_options,
    out,
    progress,
)
from venv_tui.errors import BadInput

if TYPE_CHECKING:
    from venv_tui.model import PipResult
    from venv_tui.services import Services


def _python_arg(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    p.add_argument(
        "--python",
        metavar="SPEC",
        required=required,
        help="the interpreter: 3.12, 3.8.18, python3.13, pypy3, a pyenv version name or a path",
    )


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH")
    _python_arg(p)
    p.add_argument("--system-site-packages", action="store_true")
    p.add_argument("--without-pip", action="store_true")
    p.add_argument("--prompt", metavar="P")
    p.add_argument(
        "--upgrade-pip", action="store_true", help="upgrade pip after creating (needs the network)"
    )


def cmd_create(args: argparse.Namespace, services: Services) -> int:
    # SPEC is what people type (3.12, pypy3, a path): resolved by the services, not checked here.
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
    err(f"could not create {args.path}: {_reason(result)}")
    return EXIT_CONFLICT


def _reason(result: PipResult) -> str:
    if result.cancelled:
        return "cancelled"
    return result.error_lines[-1] if result.error_lines else f"exit status {result.returncode}"


def _result_json(env: str, action: str, names: list[str], result: PipResult) -> dict[str, Any]:
    return {
        "environment": env,
        "action": action,
        "requirements": names,
        "ok": result.ok,
        "returncode": result.returncode,
        "error": None if result.ok else _reason(result),
        "cancelled": result.cancelled,
        "error_lines": list(result.error_lines),  # pip's last lines that look like errors
    }


def _pip_args(what: str, *, index: bool) -> Callable[[argparse.ArgumentParser], None]:
    def configure(p: argparse.ArgumentParser) -> None:
        p.add_argument("env", metavar="ENV", help="an environment folder or an interpreter path")
        p.add_argument("names", nargs="+", metavar=what)
        if index:
            add_index(p)
        add_json(p)

    return configure


_DONE = {"install": "Installed", "uninstall": "Uninstalled", "upgrade": "Upgraded"}


def _run_pip(action: str, args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    existing(args.env, "the environment")
    extra = index_options(args) if action != "uninstall" else []
    # With --json, pip's own lines go to stderr all the same: stdout holds the JSON alone.
    result = services.pip(args.env, action, args.names, on_line=progress, extra_args=extra)
    if args.json:
        out(report.dumps(_result_json(args.env, action, list(args.names), result)))
    elif result.ok:
        out(f"{_DONE[action]} {' '.join(args.names)} in {args.env}")
    else:
        err(f"{action} failed in {args.env}: {_reason(result)}")
    return EXIT_OK if result.ok else EXIT_CONFLICT


def cmd_install(args: argparse.Namespace, services: Services) -> int:
    return _run_pip("install", args, services)


def cmd_uninstall(args: argparse.Namespace, services: Services) -> int:
    return _run_pip("uninstall", args, services)


def cmd_upgrade(args: argparse.Namespace, services: Services) -> int:
    return _run_pip("upgrade", args, services)


def _rebuild_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV", help="the environment folder")
    _python_arg(p, required=True)
    add_index(p)
    add_json(p)


def cmd_rebuild(args: argparse.Namespace, services: Services) -> int:
    from venv_tui import report

    existing(args.env, "the environment")
    result = services.rebuild(
        args.env, python=args.python, on_line=progress, extra_args=index_options(args)
    )
    if args.json:
        out(report.dumps(_result_json(args.env, "rebuild", [], result)))
    elif result.ok:
        out(f"Rebuilt {os.path.abspath(args.env)}")
    else:
        err(f"could not rebuild {args.env}: {_reason(result)}; the old environment is in place")
    return EXIT_OK if result.ok else EXIT_CONFLICT


def _shell_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", metavar="ENV", help="an environment folder or an interpreter path")


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
    "install": Command(
        "install requirements into an environment or interpreter with its pip",
        _pip_args("REQ", index=True),
        cmd_install,
    ),
    "uninstall": Command(
        "uninstall projects from an environment or interpreter",
        _pip_args("NAME", index=False),
        cmd_uninstall,
    ),
    "upgrade": Command(
        "upgrade projects in an environment or interpreter", _pip_args("NAME", index=True), cmd_upgrade
    ),
    "rebuild": Command(
        "make an environment again on another interpreter, keeping its packages", _rebuild_args, cmd_rebuild
    ),
    "shell": Command(
        "open your shell on a floor: inside an environment, or with an interpreter first on PATH",
        _shell_args,
        cmd_shell,
    ),
}
