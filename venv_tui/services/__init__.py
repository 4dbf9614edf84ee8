"""The service layer: plain Python over real interpreters and environments.

Never imports textual (a test proves it). :class:`Services` is the one object both clients use:
the headless CLI calls it directly, the TUI receives it in its constructor (so UI tests can hand
the app a subclass with fixed data). Submodules are imported lazily, inside the methods, so that
a headless command pays only for what it uses.
"""

from __future__ import annotations

import os

from venv_tui.model import (
    AuditReport,
    CheckResult,
    Environment,
    Fit,
    Floor,
    Interpreter,
    OutdatedReport,
    PackageSet,
    PipResult,
    RequirementSource,
    ShellCommand,
    Site,
)
from venv_tui.services.deleting import DeleteFacade
from venv_tui.services.glance import Glance
from venv_tui.services.reading import Reading

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Mapping, Sequence

    from venv_tui.config import Config
    from venv_tui.services.actions.create import NewFloorResult
    from venv_tui.services.actions.export import Export
    from venv_tui.services.diff import FloorDiff
    from venv_tui.services.index.pipconf import IndexSettings

if TYPE_CHECKING:
    LineCallback = Callable[[str], None]


class Services(DeleteFacade, Glance, Reading):
    """Everything venv-tui knows how to read and change, behind one object (deleting, the
    inventory and lean reads: its bases in services/deleting.py, glance.py and reading.py)."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        from venv_tui.config import Config
        from venv_tui.files import working_folder

        self.config = config if config is not None else Config()
        self.environ: Mapping[str, str] = environ if environ is not None else os.environ
        self.cwd = cwd or working_folder()  # a deleted working folder leaves absolute paths usable

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
        shims = os.path.join(
            self.environ.get("PYENV_ROOT")
            or os.path.join(self.environ.get("HOME") or os.path.expanduser("~"), ".pyenv"),
            "shims",
        )
        if os.path.dirname(os.path.abspath(path)) != os.path.abspath(shims):
            return path  # the common case, told without importing interpreter discovery
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

    def floor(self, path: str) -> Floor:
        """One environment folder or interpreter path, read once: its Environment and its Site
        with one health verdict. Raises BadInput."""
        from venv_tui.services.inspect import inspect_path

        return inspect_path(self.resolve(path), environ=self.environ, cwd=self.cwd)

    def environment(self, path: str) -> Environment:
        """One environment folder or interpreter path, inspected. Raises BadInput."""
        return self.floor(path).environment

    def active_environment(self) -> Environment | None:
        """``$VIRTUAL_ENV`` if set, else the default interpreter: where the lamp is on."""
        from venv_tui.services.discover.environments import active_environment

        return active_environment(environ=self.environ, cwd=self.cwd)

    def open_site(self, path: str) -> Site:
        """Where the packages of an environment folder or interpreter live. Raises BadInput."""
        return self.floor(path).site

    def packages(self, path_or_site: str | Site) -> PackageSet:
        """What ``pip list`` of that environment's interpreter shows, read from disk."""
        from venv_tui.services.packages import read_packages

        site = self.open_site(path_or_site) if isinstance(path_or_site, str) else path_or_site
        return read_packages(site, cache_root=self.cache_root())

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
        return self.fit_robot(source, (), environments)

    def floors(
        self, roots: Sequence[str] = (), *, include_interpreters: bool = False
    ) -> list[Floor]:
        """Like :meth:`environments`, each with its site (read in the same inspection)."""
        from venv_tui.services.discover.environments import find_floors, sort_key

        found = find_floors(
            self.environ,
            os.path.abspath(self.cwd),
            self.config.scan_depth,
            roots,
            self.config.roots,
            self.environ.get("VIRTUAL_ENV") or None,
            include_interpreters=include_interpreters,
        )
        return sorted(found, key=lambda f: sort_key(f.environment))

    def fit_robot(
        self,
        source: RequirementSource,
        robots: Sequence[RequirementSource] = (),
        environments: Sequence[Environment] | None = None,
        *,
        floors: Sequence[Floor] | None = None,
    ) -> list[Fit]:
        """Every known floor (or ``environments``) ranked for ``source``, best first. ``robots``
        are the other sources the user watches: a floor where ``source`` needs another version
        of something says which of them (and which installed packages) the change would break.
        """
        from venv_tui.services.conflicts import rank_fits
        from venv_tui.services.inspect import candidates_of

        if floors is None and environments is None:
            floors = self.floors()
        if floors is not None:
            candidates = candidates_of([(f.environment, f.site) for f in floors], self.cache_root())
        else:
            from functools import partial

            pairs = [(e, partial(self.open_site, e.path)) for e in environments or ()]
            candidates = candidates_of(pairs, self.cache_root())
        return rank_fits(source, candidates, robots)

    def active_floor(self) -> Floor | None:
        """:meth:`active_environment` with its site, from the same inspection."""
        from venv_tui.services.discover.environments import active_floor

        return active_floor(environ=self.environ, cwd=self.cwd)

    def python3(self) -> dict[str, str | None]:
        """What ``python3`` on PATH runs: its path, its floor (or None), its base interpreter."""
        from venv_tui.services.discover.environments import what_python3_runs

        return what_python3_runs(environ=self.environ, cwd=self.cwd)

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
