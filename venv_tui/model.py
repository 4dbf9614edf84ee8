"""Immutable records shared by every layer.

In the article's picture: an :class:`Interpreter` is a Power Station, an :class:`Environment`
is a Power Station on a higher floor, a :class:`Distribution` is a Robot package, and a
:class:`RequirementSource` is a Robot script whose hands (:class:`SourceRequirement`) must fit.

Nothing here does I/O; the service layer fills these in and every client (the headless CLI, the
TUI) only reads them. To a type checker they are frozen dataclasses; at run time :func:`record`
completes the same classes with a generated ``__init__``, equality and ``repr``, without importing
``dataclasses`` (which imports ``inspect``) or ``typing``: that import work was a third of a
headless command's run. Copy with changes through :func:`replace`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass as record
    from dataclasses import field as field
    from dataclasses import replace as replace
    from typing import Literal
else:
    from venv_tui._record import Literal, field, record
    from venv_tui._record import replace as replace

# Where an interpreter was found.
InterpreterSource = Literal["path", "pyenv", "uv", "system", "conda", "config", "environment"]

# How an environment was found.
EnvironmentSource = Literal[
    "active",  # $VIRTUAL_ENV
    "project",  # the current folder, its parents and children
    "workon",  # $WORKON_HOME / ~/.virtualenvs
    "pyenv",  # pyenv-virtualenv
    "pipx",
    "poetry",
    "hatch",
    "uv-tool",
    "config",  # a root from the user's config
    "root",  # a --root given on the command line
    "interpreter",  # a base interpreter counted as an environment
]
if TYPE_CHECKING:
    ENVIRONMENT_SOURCES: tuple[str, ...]
else:
    ENVIRONMENT_SOURCES = EnvironmentSource  # at run time a Literal is its values, in order

# ok: it runs as made. stale: it runs, but something is off (moved after it was made; its base is
# now another patch release). broken: it cannot run (its base gone, its python dangling, its
# pyvenv.cfg unreadable, its base now another minor version).
Health = Literal["ok", "stale", "broken"]

# Status of one requirement against one environment (DESIGN.md, `check`).
Status = Literal["ok", "missing", "wrong-version", "extra-missing", "not-applicable", "unverifiable"]

DistributionKind = Literal["dist-info", "egg-info", "egg-link"]
PythonStatus = Literal["ok", "wrong-version", "unverifiable"]
ProblemStatus = Literal["missing", "wrong-version"]

AuditService = Literal["osv", "pypi"]

SourceKind = Literal["script", "requirements", "pyproject", "imports", "pylock"]


@record(frozen=True)
class Interpreter:
    """A Python interpreter found on disk (a Power Station)."""

    path: str  # the path as found (may be a symlink, e.g. /usr/bin/python3)
    real_path: str  # os.path.realpath(path); interpreters are deduplicated on this
    version: str | None  # "3.12.1"; None when files cannot tell and no probe ran
    implementation: str  # "cpython", "pypy", "graalpy", ... ("unknown" when unsure)
    source: InterpreterSource
    default: bool = False  # what `python3` finds first on PATH: the article's first floor
    shadowed_by: str | None = None  # path of the PATH entry that hides this one, if any
    names: tuple[str, ...] = ()  # every path found that resolves to real_path

    @property
    def short_version(self) -> str | None:
        """ "3.12" from "3.12.1"."""
        if not self.version:
            return None
        return ".".join(self.version.split(".")[:2])


@record(frozen=True)
class Environment:
    """A virtual environment (a Power Station on a higher floor) or a base interpreter."""

    path: str  # the environment folder (holding pyvenv.cfg); for an interpreter, its executable
    name: str  # the prompt if one was set, else the folder name
    python_version: str | None
    base_interpreter: str | None  # the base executable the environment was made from
    creator: str  # "venv", "virtualenv", "uv", "conda", "interpreter", "unknown"
    system_site_packages: bool
    health: Health
    problem: str | None  # one plain sentence when health is not "ok"
    active: bool  # the lamp is on
    source: EnvironmentSource
    python: str | None = None  # the environment's own executable (bin/python), if present
    implementation: str = "cpython"
    is_venv: bool = True  # False for a base interpreter counted as an environment
    aliases: tuple[str, ...] = ()  # symbolic links found that point to this folder


@record(frozen=True)
class Site:
    """Where one environment's packages live: what `pip list` of its interpreter would read."""

    path: str  # the environment folder or interpreter path it was opened from
    python: str | None  # executable that runs there
    python_version: str | None
    implementation: str
    own_dirs: tuple[str, ...]  # site-packages folders of the environment itself
    inherited_dirs: tuple[str, ...] = ()  # base's folders, seen with system-site-packages
    is_venv: bool = True
    problem: str | None = None  # the floor's health sentence (the same as its Environment's)
    health: Health = "ok"


@record(frozen=True)
class Distribution:
    """An installed distribution (a Robot package)."""

    name: str  # as spelled by METADATA `Name`
    version: str
    location: str  # the site-packages folder holding its metadata
    metadata_path: str  # the .dist-info / .egg-info folder (or file)
    editable: bool = False
    editable_location: str | None = None  # the project folder of an editable install
    requested: bool = False  # a REQUESTED file: the user asked for it, not pulled in
    inherited: bool = False  # seen from the base interpreter of a system-site-packages env
    summary: str = ""
    requires: tuple[str, ...] = ()  # raw Requires-Dist values
    requires_python: str | None = None
    installer: str | None = None  # contents of INSTALLER ("pip", "uv", ...)
    kind: DistributionKind = "dist-info"
    problem: str | None = None  # a malformed-metadata sentence; the entry is still listed

    @property
    def key(self) -> str:
        """The canonical (PEP 503) name, for lookups."""
        from packaging.utils import canonicalize_name

        return canonicalize_name(self.name)


@record(frozen=True)
class PackageSet:
    """Everything installed in a :class:`Site`, as `pip list` would see it."""

    site: Site
    distributions: tuple[Distribution, ...]  # sorted by name, case-insensitively
    problems: tuple[str, ...] = ()  # sentences about entries that could not be read
    shadowed: tuple[Distribution, ...] = ()  # a second copy of a name hidden by the first

    def by_key(self) -> dict[str, Distribution]:
        return {d.key: d for d in self.distributions}


@record(frozen=True)
class SourceRequirement:
    """One hand of a Robot script: a requirement as written in its source."""

    text: str  # the requirement as written, without comments/hashes ("A>=1.5,<2")
    name: str  # the project name as written ("" for a bare URL/path pip must build to know)
    line: int | None = None  # 1-based line in ``origin`` where it was written
    origin: str | None = None  # the file it came from (a -r include may differ from the source)
    editable: bool = False  # a `-e` entry
    url: str | None = None  # a URL or path requirement: only the name can be checked
    inferred: bool = False  # guessed from an import statement, not declared
    constraint: bool = False  # from a -c file: limits a version, does not ask for install
    import_name: str | None = None  # the module an inferred requirement was imported as
    # False when no installed project provides the import and the shipped table does not know
    # it: then ``text`` and ``name`` are empty, and the project must be asked of the user.
    name_known: bool = True


@record(frozen=True)
class RequirementSource:
    """A Robot script: something that declares what it needs."""

    path: str
    kind: SourceKind
    requirements: tuple[SourceRequirement, ...]
    requires_python: str | None = None
    options: tuple[str, ...] = ()  # requirement-file option lines kept aside (--index-url ...)
    extras: tuple[str, ...] = ()  # pyproject optional-dependency groups that were chosen
    groups: tuple[str, ...] = ()  # pyproject dependency-groups that were chosen
    warnings: tuple[str, ...] = ()  # sentences about parts that were skipped (dynamic deps ...)
    environments: tuple[str, ...] = ()  # a lock's environment markers: one must hold for the floor

    @property
    def display_name(self) -> str:
        import os

        return os.path.basename(self.path.rstrip(os.sep)) or self.path


@record(frozen=True)
class RequirementCheck:
    """One requirement checked against one environment."""

    requirement: str
    name: str
    status: Status
    installed: str | None  # installed version, if any
    message: str  # a plain sentence, e.g. "A 1.5.7 is installed, robot_three.py needs A>=2"
    line: int | None = None
    import_name: str | None = None  # the module, for a requirement inferred from an import
    name_known: bool = True  # False: which project provides the import is not known
    file: str | None = None  # where it was written (an -r/-c include names its own file)


@record(frozen=True)
class PythonCheck:
    """A source's requires-python against the environment's Python."""

    requires: str
    actual: str | None
    status: PythonStatus
    message: str = ""


@record(frozen=True)
class DependencyProblem:
    """One line of what `pip check` reports for an environment."""

    package: str  # the installed distribution that has the requirement
    version: str
    requirement: str  # the Requires-Dist value, e.g. "B>=4"
    name: str  # the required project's name
    status: ProblemStatus
    installed: str | None
    message: str = ""  # e.g. "A 2.1.0 requires B>=4, but B 2.1.3 is installed"


@record(frozen=True)
class CheckResult:
    """What `venv-tui check` reports."""

    environment: str
    target: str | None
    ok: bool
    requirements: tuple[RequirementCheck, ...] = ()
    python: PythonCheck | None = None
    environment_problems: tuple[DependencyProblem, ...] = ()
    health: Health = "ok"  # the floor's verdict: a broken floor never satisfies anything
    problem: str | None = None

    @property
    def failures(self) -> tuple[RequirementCheck, ...]:
        bad = ("missing", "wrong-version", "extra-missing")
        return tuple(r for r in self.requirements if r.status in bad)


@record(frozen=True)
class Fit:
    """How well one environment fits one source (a line of `venv-tui fit`)."""

    path: str
    ok: bool
    problems: tuple[str, ...]  # plain sentences, empty when ok
    score: tuple[int, ...] = field(default=(), compare=False)  # lower is better; for sorting


@record(frozen=True)
class PipResult:
    """The outcome of one pip (or venv) run."""

    args: tuple[str, ...]
    returncode: int | None  # None when it was cancelled before it finished
    cancelled: bool = False
    error_lines: tuple[str, ...] = ()  # the last lines that look like errors
    output_tail: tuple[str, ...] = ()  # the last lines of output

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.cancelled


@record(frozen=True)
class ShellCommand:
    """How to open a shell (or a REPL) inside an environment."""

    argv: tuple[str, ...]
    env: dict[str, str] = {}
    cleanup: tuple[str, ...] = ()  # temporary files (an rcfile) to remove afterwards


@record(frozen=True)
class Floor:
    """One folder (or interpreter) read once: what it is, and where its packages live. The
    environment's ``health``/``problem`` and the site's are one verdict."""

    environment: Environment
    site: Site


# -- the index: outdated and vulnerable packages (services/index) ---------------------------


@record(frozen=True)
class OutdatedPackage:
    """A distribution with a newer version on the index that its floor can install."""

    name: str
    version: str  # installed
    latest: str  # the newest installable on the index


@record(frozen=True)
class FloorOutdated:
    """What is outdated on one floor."""

    environment: str
    packages: tuple[OutdatedPackage, ...]  # only what is outdated, sorted by name
    index: str | None = None  # the main index its pip would use (None: --no-index)
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    cached_at: float | None = None  # oldest cached answer used (epoch seconds); None: all fresh
    unchecked: tuple[str, ...] = ()  # names with no answer at all (index down, nothing cached)
    problem: str | None = None  # a sentence when the floor itself could not be read
    checked: int = 0  # how many of its distributions the index answered about


@record(frozen=True)
class OutdatedReport:
    floors: tuple[FloorOutdated, ...]
    problem: str | None = None  # the index could not be reached, or answered garbage
    cancelled: bool = False


@record(frozen=True)
class Vulnerability:
    id: str  # "GHSA-...", "PYSEC-..."
    summary: str
    fixed_in: tuple[str, ...]  # versions that fix it (newer than the installed one)
    aliases: tuple[str, ...]  # "CVE-..." and the other ids of the same vulnerability


@record(frozen=True)
class VulnerablePackage:
    name: str
    version: str
    vulnerabilities: tuple[Vulnerability, ...]


@record(frozen=True)
class FloorAudit:
    environment: str
    packages: tuple[VulnerablePackage, ...]  # only affected packages, sorted by name
    unchecked: tuple[str, ...] = ()  # names the service gave no answer for
    problem: str | None = None  # a sentence when the floor itself could not be read
    checked: int = 0  # how many of its distributions the service answered about


@record(frozen=True)
class AuditReport:
    service: AuditService
    service_url: str
    floors: tuple[FloorAudit, ...]
    problem: str | None = None  # the service could not be reached, or answered garbage
    cancelled: bool = False


@record(frozen=True)
class DeletePlan:
    """Exactly what deleting a floor removes, shown before it is confirmed."""

    folder: str  # the floor's real folder
    entries_to_remove: tuple[str, ...]  # names at the folder's top that are the venv's own
    entries_that_stay: tuple[str, ...]  # everything else there (sources, .git): never removed
    links: tuple[str, ...] = ()  # links known to point to the folder (pyenv-virtualenv, WORKON_HOME)
    managed_by: str | None = None  # "pipx", "uv tool", "poetry", "hatch"
    command: str | None = None  # that tool's own command, e.g. "pipx uninstall black"
    device: int = 0  # st_dev of the folder: removing never leaves this file system

    @property
    def whole(self) -> bool:
        """The folder itself goes too (it holds nothing but the venv)."""
        return not self.entries_that_stay

    @property
    def removed(self) -> tuple[str, ...]:
        """``entries_to_remove``, by the name the app's confirmation reads."""
        return self.entries_to_remove

    @property
    def kept(self) -> tuple[str, ...]:
        """``entries_that_stay``, by the name the app's confirmation reads."""
        return self.entries_that_stay
