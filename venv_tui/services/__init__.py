"""The service layer: plain Python over real interpreters and environments.

Never imports textual (a test proves it). :class:`Services` is the one object both clients use:
the headless CLI calls it directly, the TUI receives it in its constructor (so UI tests can hand
the app a subclass with fixed data). Submodules are imported lazily, inside the methods, so that
a headless command pays only for what it uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from venv_tui.model import (
    AuditReport,
    CheckResult,
    Environment,
    Fit,
    Interpreter,
    OutdatedReport,
    PackageSet,
    PipResult,
    RequirementSource,
    ShellCommand,
    Site,
)

if TYPE_CHECKING:
    import threading

    from venv_tui.config import Config
    from venv_tui.services.actions.create import NewFloorResult
    from venv_tui.services.actions.export import Export
    from venv_tui.services.clean import Filters as CleanFilters
    from venv_tui.services.clean import Match as CleanMatch
    from venv_tui.services.clean import Outcome as CleanOutcome
    from venv_tui.services.diff import FloorDiff
    from venv_tui.services.index.pipconf import IndexSettings
    from venv_tui.services.sizes import FloorSize
    from venv_tui.services.state import Mark, State
    from venv_tui.services.where import Found

LineCallback = Callable[[str], None]


class Services:
    """Everything venv-tui knows how to read and change, behind one object."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        from venv_tui.config import Config

        self.config = config if config is not None else Config()
        self.environ: Mapping[str, str] = environ if environ is not None else os.environ
        self.cwd = cwd or os.getcwd()

    # -- reading ---------------------------------------------------------------------------

    def interpreters(self) -> list[Interpreter]:
        """Every interpreter on PATH, in pyenv, uv, conda and the system folders. No process."""
        from venv_tui.services.discover.interpreters import find_interpreters

        return find_interpreters(environ=self.environ, extra=self.config.interpreters, cwd=self.cwd)

    def default_interpreter(self) -> Interpreter | None:
        """What ``python3`` finds first on PATH (the article's first floor)."""
        from venv_tui.services.discover.interpreters import default_interpreter

        return default_interpreter(environ=self.environ, cwd=self.cwd)

    def environments(
        self, roots: Sequence[str] = (), *, include_interpreters: bool = False
    ) -> list[Environment]:
        """Every environment found: $VIRTUAL_ENV, the project folder, the usual tool folders,
        the config's roots and ``roots``. With ``include_interpreters`` the base interpreters
        are listed too (each counts as an environment: its own site-packages)."""
        from venv_tui.services.discover.environments import find_environments

        return find_environments(
            roots=roots,
            config_roots=self.config.roots,
            depth=self.config.scan_depth,
            environ=self.environ,
            cwd=self.cwd,
            include_interpreters=include_interpreters,
        )

    def resolve(self, path: str) -> str:
        """``path``, or for a pyenv shim (what ``which python3`` gives under pyenv) the
        interpreter it would run, read from pyenv's files without running it."""
        from venv_tui.services.discover.interpreters import is_pyenv_shim, resolve_pyenv_shim

        if not is_pyenv_shim(path, self.environ):
            return path
        target = resolve_pyenv_shim(os.path.basename(path), self.environ, self.cwd)
        if target is None:
            from venv_tui.errors import BadInput

            raise BadInput(
                "is a pyenv shim, and the Python versions pyenv selects here do not provide it", path=path
            )
        return target

    def environment(self, path: str) -> Environment:
        """One environment folder or interpreter path, inspected. Raises BadInput."""
        from venv_tui.services.discover.environments import inspect_path

        return inspect_path(self.resolve(path), environ=self.environ, cwd=self.cwd)

    def active_environment(self) -> Environment | None:
        """``$VIRTUAL_ENV`` if set, else the default interpreter: where the lamp is on."""
        from venv_tui.services.discover.environments import active_environment

        return active_environment(environ=self.environ, cwd=self.cwd)

    def open_site(self, path: str) -> Site:
        """Where the packages of an environment folder or interpreter live. Raises BadInput."""
        from venv_tui.services.site import open_site

        return open_site(self.resolve(path))

    def packages(self, path_or_site: str | Site) -> PackageSet:
        """What ``pip list`` of that environment's interpreter shows, read from disk."""
        from venv_tui.services.packages import read_packages

        site = self.open_site(path_or_site) if isinstance(path_or_site, str) else path_or_site
        return read_packages(site)

    def load_source(
        self,
        path: str,
        *,
        extras: Sequence[str] = (),
        groups: Sequence[str] = (),
        packages: PackageSet | None = None,
    ) -> RequirementSource:
        """A script (PEP 723 or its imports), a requirements file, or a pyproject.toml (or the
        folder holding one). Raises BadInput with the file and line."""
        from venv_tui.services.sources import load_source

        return load_source(path, extras=extras, groups=groups, packages=packages)

    def find_sources(self, folder: str) -> list[str]:
        """Requirement sources in a project folder: PEP 723 scripts, requirements*.txt,
        pyproject.toml, pylock.toml and pylock.NAME.toml."""
        from venv_tui.services.sources import find_sources

        return find_sources(folder)

    def check(self, source: RequirementSource | None, packages: PackageSet) -> CheckResult:
        """A source against an environment; without a source, what ``pip check`` says."""
        from venv_tui.services.conflicts import check_environment, check_source

        if source is None:
            return check_environment(packages)
        return check_source(source, packages)

    def fit(self, source: RequirementSource, environments: Sequence[Environment] | None = None) -> list[Fit]:
        """Every known environment ranked for ``source``, best first."""
        from venv_tui.services.conflicts import rank_fits

        envs = environments if environments is not None else self.environments()
        candidates: list[tuple[Environment, PackageSet | None, str | None]] = []
        for env in envs:
            try:
                candidates.append((env, self.packages(env.path), None))
            except Exception as err:  # one unreadable environment must not hide the others
                candidates.append((env, None, str(err)))
        return rank_fits(source, candidates)

    # -- changing --------------------------------------------------------------------------

    def create(
        self,
        path: str,
        *,
        python: str | None = None,
        system_site_packages: bool = False,
        without_pip: bool = False,
        prompt: str | None = None,
        upgrade_pip: bool = False,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> PipResult:
        """``python -m venv PATH`` with the interpreter ``python`` names (a spec as people type
        it, see :meth:`resolve_python`; default: the base of the Python running venv-tui)."""
        from venv_tui.services.actions.create import create_environment

        return create_environment(
            path,
            python=self.resolve_python(python).path if python else None,
            system_site_packages=system_site_packages,
            without_pip=without_pip,
            prompt=prompt,
            upgrade_pip=upgrade_pip,
            on_line=on_line,
            cancel=cancel,
        )

    def check_deletable(self, path: str) -> str:
        """The path that delete would remove, or Refused with the reason."""
        from venv_tui.services.actions.delete import check_deletable

        return check_deletable(path)

    def delete(self, path: str) -> None:
        from venv_tui.services.actions.delete import delete_environment

        delete_environment(path)

    def rebuild(
        self,
        path: str,
        *,
        python: str,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
        extra_args: Sequence[str] = (),
    ) -> PipResult:
        """The environment again on the interpreter ``python`` names (a spec, see
        :meth:`resolve_python`), with the same packages and the same ``REQUESTED`` marks; the
        old one is back in place after any failure. ``extra_args``: pip's index options."""
        from venv_tui.services.actions.rebuild import rebuild_environment

        interpreter = self.resolve_python(python).path
        return rebuild_environment(
            path, python=interpreter, on_line=on_line, cancel=cancel, extra_args=extra_args
        )

    def pip(
        self,
        env_path: str,
        action: str,
        requirements: Sequence[str],
        *,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
        extra_args: Sequence[str] = (),
    ) -> PipResult:
        """``install``, ``uninstall`` or ``upgrade`` through the floor's own pip; a floor is an
        environment folder or a base interpreter. Each requirement is validated first
        (Refused/BadInput before pip runs); an interpreter marked externally managed (PEP 668)
        raises :class:`~venv_tui.errors.ExternallyManaged` (a Refused with the marker's own
        message; offer :meth:`new_floor` instead)."""
        from venv_tui.services.actions.pip import run_pip

        path = self.resolve(env_path)
        return run_pip(path, action, requirements, on_line=on_line, cancel=cancel, extra_args=extra_args)

    def new_floor(
        self,
        path: str,
        *,
        python: str | None = None,
        requirements: Sequence[str] = (),
        without_pip: bool = False,
        on_line: LineCallback | None = None,
        cancel: threading.Event | None = None,
        extra_args: Sequence[str] = (),
    ) -> NewFloorResult:
        """A new floor for a robot (or for a refused install on an externally managed
        interpreter): a venv at ``path`` from the interpreter ``python`` names (a spec), then
        ``requirements`` installed into it. When the venv was made but the install failed, the
        floor stays and the result says so ("the floor PATH was made; installing X failed:
        ..."). Requirements are validated before anything is made."""
        from venv_tui.services.actions.create import new_floor

        interpreter = self.resolve_python(python).path if python else None
        return new_floor(
            path,
            python=interpreter,
            requirements=requirements,
            without_pip=without_pip,
            on_line=on_line,
            cancel=cancel,
            extra_args=extra_args,
        )

    def resolve_python(self, spec: str) -> Interpreter:
        """The interpreter a user means: ``3.12``, ``3.8.18``, ``python3.13``, ``pypy3``, a path
        (an executable or its prefix folder), a pyenv version name; among :meth:`interpreters`
        the newest patch wins. BadInput with one sentence listing what exists."""
        from venv_tui.services.discover.specs import resolve_spec

        text = spec.strip() if isinstance(spec, str) else ""
        if text and (os.sep in text or text.startswith(("~", "."))):
            # A path needs no search of the whole machine.
            return resolve_spec(text, (), environ=self.environ, cwd=self.cwd)
        return resolve_spec(text, self.interpreters(), environ=self.environ, cwd=self.cwd)

    def shell_command(self, env_path: str, *, repl: bool = False) -> ShellCommand:
        """The user's shell (or with ``repl`` the floor's Python) on a floor: inside an
        environment, or with a base interpreter's bin folder first on PATH."""
        from venv_tui.services.actions.shell import python_command, shell_command

        path = self.resolve(env_path)
        if repl:
            return python_command(path, environ=self.environ)
        return shell_command(path, shell=self.config.shell, environ=self.environ)

    # -- the house at a glance: sizes, use, marks, where, clean-up ------------------------------

    def floor_sizes(self, paths: Sequence[str], *, use_cache: bool = True) -> dict[str, FloorSize]:
        """Each floor folder's size on disk as ``du`` counts it (keyed by the path as given),
        cached in the cache folder until the floor's folder, bin or site folders change."""
        from venv_tui.services.sizes import floor_sizes

        return floor_sizes(paths, environ=self.environ, use_cache=use_cache)

    def total_size(self, sizes: Sequence[FloorSize]) -> int:
        """The bytes under all those floors together, a file hard-linked between them counted
        once (remembered in the cache for this set of floors as they are now)."""
        from venv_tui.services.sizes import cached_total

        return cached_total(sizes, environ=self.environ)

    def last_used(self, path: str) -> float | None:
        """When the floor last ran (seconds since the epoch), from access times, by stat only."""
        from venv_tui.services.usage import last_used

        return last_used(path)

    def state(self) -> State:
        """Notes and keep marks (a broken state file: ``.warning`` and no marks)."""
        from venv_tui.services.state import load_state

        return load_state(environ=self.environ)

    def set_note(self, path: str, note: str | None) -> tuple[Mark, str | None]:
        """Set (or with None clear) a floor's one-line note; the new mark and a warning or None."""
        from venv_tui.services.state import update_mark

        return update_mark(path, note=note, environ=self.environ)

    def set_keep(self, path: str, keep: bool) -> tuple[Mark, str | None]:
        """Mark a floor to keep (never offered for clean-up), or take the mark off."""
        from venv_tui.services.state import update_mark

        return update_mark(path, keep=keep, environ=self.environ)

    def where(self, spec: str, roots: Sequence[str] = ()) -> tuple[list[Found], list[str]]:
        """Every floor and base interpreter where ``spec`` (``numpy<2``, ``requests[socks]``)
        is satisfied, and a sentence for each floor that could not be read."""
        from venv_tui.services.where import find, parse_spec

        parse_spec(spec)  # bad input is said before anything is searched
        floors = self.environments(roots, include_interpreters=True)
        return find(spec, floors, self.packages)

    def environments_by_interpreter(
        self, interpreters: Sequence[Interpreter], environments: Sequence[Environment] | None = None
    ) -> dict[str, list[str]]:
        """For each interpreter path, the floors built on it."""
        from venv_tui.services.inventory import floors_by_interpreter

        floors = environments if environments is not None else self.environments()
        return floors_by_interpreter(interpreters, floors)

    def clean_matches(
        self,
        filters: CleanFilters,
        roots: Sequence[str] = (),
        *,
        include_managed: bool = False,
        now: float | None = None,
    ) -> list[CleanMatch]:
        """The floors that match ``filters`` (only under ``roots`` when given), each free to go
        or with the reason it stays."""
        from venv_tui.services.clean import gather

        return gather(self, filters, roots, include_managed=include_managed, now=now)

    def delete_floors(
        self, matches: Sequence[CleanMatch], *, on_progress: LineCallback | None = None
    ) -> CleanOutcome:
        """Delete the matches that may go, one by one through the delete guard; a failure is
        recorded and the rest go on."""
        from venv_tui.services.clean import delete_floors

        return delete_floors(matches, self.delete, on_progress=on_progress)

    def clean_sizes(self, matches: Sequence[CleanMatch]) -> tuple[int, int]:
        """(bytes under the matches that would go, shared files once; bytes deleting them would
        free: only files whose every hard link lies inside them)."""
        from venv_tui.services.clean import matched_sizes

        return matched_sizes(self, matches)

    # -- export, lock and diff ---------------------------------------------------------------

    def index_settings(
        self,
        path_or_site: str | Site,
        *,
        index_url: str | None = None,
        extra_index_urls: Sequence[str] = (),
        find_links: Sequence[str] = (),
        no_index: bool = False,
    ) -> IndexSettings:
        """The indexes and find-links folders the floor's pip would use (pip's configuration
        files and ``PIP_*`` variables, read without running pip), these options on top."""
        from venv_tui.services.index.pipconf import floor_prefix, pip_settings, with_options

        site = self.open_site(path_or_site) if isinstance(path_or_site, str) else path_or_site
        configured = pip_settings(floor_prefix(site.python, site.path, site.is_venv), self.environ)
        return with_options(
            configured,
            index_url=index_url,
            extra_index_urls=extra_index_urls,
            find_links=find_links,
            no_index=no_index,
        )

    def export(
        self,
        packages: PackageSet,
        *,
        fmt: str = "requirements",
        top_level: bool = False,
        include_all: bool = False,
        settings: IndexSettings | None = None,
    ) -> Export:
        """The floor as a requirements file or a validated ``pylock.toml`` (the text; nothing
        is written). Raises ExportFailed naming each distribution whose file cannot be found."""
        from venv_tui.services.actions.export import export

        if fmt == "pylock" and settings is None:
            settings = self.index_settings(packages.site)
        return export(packages, fmt=fmt, top_level=top_level, include_all=include_all, settings=settings)

    def write_export(self, path: str, text: str) -> None:
        """An export written atomically: readers see the old file or the new one."""
        from venv_tui.services.actions.export import write_atomic

        write_atomic(path, text)

    def diff(self, left: PackageSet, right: PackageSet) -> FloorDiff:
        """Two floors compared, distribution by distribution."""
        from venv_tui.services.diff import diff_packages

        return diff_packages(left, right)

    # -- the index (the only network code; never on its own, always when asked) -----------

    def outdated(
        self,
        paths: Sequence[str],
        *,
        index_url: str | None = None,
        extra_index_urls: Sequence[str] = (),
        find_links: Sequence[str] = (),
        no_index: bool = False,
        pre: bool = False,
        timeout: float = 15.0,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> OutdatedReport:
        """The newest version each floor in ``paths`` could install, where it is newer than
        what it holds. The indexes are what each floor's pip would use (its configuration
        files, ``PIP_*``), the options given here on top, as pip applies its own. Each
        (index, name) is asked once, answers cached for the config's ``index_cache_hours``.
        Never raises for the network: an index that cannot be reached is the report's
        ``problem``, its cached answers used. For a worker thread, as :meth:`audit`."""
        from venv_tui.config import cache_dir
        from venv_tui.services.index.cache import AnswerCache, cache_hours
        from venv_tui.services.index.outdated import outdated

        def settings_for(site: Site) -> IndexSettings:
            return self.index_settings(
                site,
                index_url=index_url,
                extra_index_urls=extra_index_urls,
                find_links=find_links,
                no_index=no_index,
            )

        return outdated(
            paths,
            self.packages,
            settings_for,
            cache=AnswerCache(cache_dir(self.environ)),
            hours=cache_hours(self.config),
            pre=pre,
            timeout=timeout,
            cancel=cancel,
            progress=progress,
            environ=dict(self.environ),
        )

    def audit(
        self,
        paths: Sequence[str],
        *,
        service: str = "osv",
        service_url: str | None = None,
        timeout: float = 15.0,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> AuditReport:
        """Known vulnerabilities of what every floor in ``paths`` holds, from OSV or PyPI's
        JSON API, each (name, version) asked once. Never raises for the network: a service that
        cannot be reached is the report's ``problem``. Meant for a worker thread: ``progress``
        is called as answers come, ``cancel`` returns at once with what was gathered."""
        from venv_tui.services.index.audit import SERVICE_URLS, audit

        if service not in SERVICE_URLS:
            from venv_tui.errors import BadInput

            raise BadInput(f"the vulnerability service must be osv or pypi, not {service!r}")
        configured = getattr(self.config, "audit_service_url", None)
        return audit(
            paths,
            self.packages,
            service="pypi" if service == "pypi" else "osv",  # narrowed for the type checker
            service_url=service_url or (configured if isinstance(configured, str) and configured else None),
            timeout=timeout,
            cancel=cancel,
            progress=progress,
        )


def make_services(*, environ: Mapping[str, str] | None = None, cwd: str | None = None) -> Services:
    """The one factory the CLI and the app use. Reads the config; a file that cannot be used
    gives the defaults, is left untouched, and its sentence is ``services.config.warning`` (the
    CLI prints it on stderr, the app shows it as a notification)."""
    from venv_tui.config import load_config

    return Services(load_config(environ=environ), environ=environ, cwd=cwd)
