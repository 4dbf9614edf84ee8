"""Fixed data for the UI tests and screenshots: the article's house as a user's machine.

:class:`FakeServices` answers from the tables below (fixed paths under /home/user, never this
machine's), so pictures are the same everywhere. Sources that are real files (a test's temp
script) are read from disk, so the watch -> reload -> warning path is exercised for real.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence

from venv_tui.errors import BadInput, Refused
from venv_tui.model import (
    AuditReport,
    DeletePlan,
    Distribution,
    Environment,
    FloorAudit,
    FloorOutdated,
    Interpreter,
    OutdatedPackage,
    OutdatedReport,
    PackageSet,
    PipResult,
    RequirementSource,
    ShellCommand,
    Site,
    SourceRequirement,
    Vulnerability,
    VulnerablePackage,
)
from venv_tui.services import Services
from venv_tui.services.actions.export import Export, ExportFailed

HOME = "/home/user"
HOUSE = f"{HOME}/house"
DEFAULT_PY = "/usr/local/bin/python3"
FLOOR = {n: f"{HOUSE}/floor-{n}" for n in (1, 2, 3)}
BASEMENT = f"{HOUSE}/basement/.venv"
ATTIC = f"{HOUSE}/attic/.venv"
ROBOTS = {name: f"{HOUSE}/robots/{name}" for name in ("robot_one.py", "robot_two.py", "robot_three.py")}
BROKEN_SOURCE = f"{HOUSE}/robots/requirements.txt"


def interp(version: str, path: str, *, source: str = "pyenv", default: bool = False) -> Interpreter:
    """An interpreter for fixed data: found where it lives, under one name."""
    return Interpreter(
        path=path,
        real_path=path,
        version=version,
        implementation="cpython",
        source=source,  # type: ignore[arg-type]
        default=default,
        names=(path,),
    )


INTERPRETERS: tuple[Interpreter, ...] = (
    Interpreter(DEFAULT_PY, DEFAULT_PY, "3.12.4", "cpython", "path", default=True),
    Interpreter(
        "/usr/bin/python3",
        "/usr/bin/python3.11",
        "3.11.2",
        "cpython",
        "system",
        shadowed_by=DEFAULT_PY,
    ),
    Interpreter(
        f"{HOME}/.pyenv/versions/3.13.1/bin/python3.13",
        f"{HOME}/.pyenv/versions/3.13.1/bin/python3.13",
        "3.13.1",
        "cpython",
        "pyenv",
    ),
    Interpreter(
        f"{HOME}/.pyenv/versions/3.8.18/bin/python3.8",
        f"{HOME}/.pyenv/versions/3.8.18/bin/python3.8",
        "3.8.18",
        "cpython",
        "pyenv",
    ),
    Interpreter(
        f"{HOME}/.local/share/uv/python/cpython-3.10.16/bin/python3.10",
        f"{HOME}/.local/share/uv/python/cpython-3.10.16/bin/python3.10",
        "3.10.16",
        "cpython",
        "uv",
    ),
    Interpreter("/usr/bin/pypy3", "/usr/bin/pypy3.10", "3.10.14", "pypy", "system"),
)


def _env(path: str, name: str, **kw: object) -> Environment:
    values: dict[str, object] = dict(
        path=path,
        name=name,
        python_version="3.12.4",
        base_interpreter=DEFAULT_PY,
        creator="venv",
        system_site_packages=False,
        health="ok",
        problem=None,
        active=False,
        source="root",
        python=f"{path}/bin/python",
    )
    values.update(kw)
    return Environment(**values)  # type: ignore[arg-type]


BASE_ENV = _env(
    DEFAULT_PY,
    "python3",
    base_interpreter=None,
    creator="interpreter",
    source="interpreter",
    python=DEFAULT_PY,
    is_venv=False,
)
ENVIRONMENTS: tuple[Environment, ...] = (
    _env(FLOOR[1], "floor 1", source="project"),
    _env(FLOOR[2], "floor 2", source="project"),
    _env(FLOOR[3], "floor 3", source="project"),
    _env(
        BASEMENT,
        "basement",
        source="project",
        creator="uv",
        python_version="3.11.2",
        base_interpreter="/usr/bin/python3.11",
        system_site_packages=True,
    ),
    _env(
        ATTIC,
        "attic",
        source="project",
        python_version="3.9.7",
        health="broken",
        base_interpreter=f"{HOME}/.pyenv/versions/3.9.7/bin/python3.9",
        problem=f"its base interpreter {HOME}/.pyenv/versions/3.9.7/bin/python3.9 no longer exists",
    ),
)


def _dist(site: str, name: str, version: str, *requires: str, **kw: object) -> Distribution:
    info = f"{site}/{name.replace('-', '_')}-{version}.dist-info"
    values: dict[str, object] = dict(
        name=name,
        version=version,
        location=site,
        metadata_path=info,
        summary=f"Robot {name}, version {version}",
        requires=tuple(requires),
        installer="pip",
    )
    values.update(kw)
    return Distribution(**values)  # type: ignore[arg-type]


def _site(env: str, version: str = "3.12") -> str:
    return f"{env}/lib/python{version}/site-packages"


BASE_SITE = "/usr/local/lib/python3.12/site-packages"
_BASE_NAMES = (
    ("certifi", "2024.8.30", ()),
    ("charset-normalizer", "3.3.2", ()),
    ("idna", "3.10", ()),
    ("pip", "24.2", ()),
    (
        "requests",
        "2.32.3",
        ("charset-normalizer<4,>=2", "idna<4,>=2.5", "urllib3<3,>=1.21.1", "certifi>=2017.4.17"),
    ),
    ("rich", "13.8.1", ("markdown-it-py>=2.2.0", "pygments<3.0.0,>=2.13.0")),
    ("markdown-it-py", "3.0.0", ("mdurl~=0.1",)),
    ("mdurl", "0.1.2", ()),
    ("pygments", "2.18.0", ()),
    ("urllib3", "2.2.3", ()),
    ("setuptools", "75.1.0", ()),
    ("wheel", "0.44.0", ()),
)

PACKAGES: dict[str, tuple[Distribution, ...]] = {
    DEFAULT_PY: tuple(
        _dist(BASE_SITE, n, v, *r, requested=n in ("requests", "rich", "pip")) for n, v, r in _BASE_NAMES
    ),
    FLOOR[1]: (
        _dist(_site(FLOOR[1]), "A", "1.0.0", requested=True),
        _dist(_site(FLOOR[1]), "B", "2.1.3", requested=True),
    ),
    FLOOR[2]: (_dist(_site(FLOOR[2]), "A", "1.5.7", requested=True),),
    FLOOR[3]: (
        _dist(_site(FLOOR[3]), "A", "2.1.0", "B>=4", requested=True),
        _dist(_site(FLOOR[3]), "B", "4.1.0"),
    ),
    BASEMENT: (
        _dist(_site(BASEMENT, "3.11"), "A", "2.1.0", "B>=4", requested=True, installer="uv"),
        _dist(_site(BASEMENT, "3.11"), "B", "2.1.3", installer="uv"),
        _dist(
            _site(BASEMENT, "3.11"),
            "robot-tools",
            "0.3.0",
            "A>=2",
            requested=True,
            installer="uv",
            editable=True,
            editable_location=f"{HOME}/src/robot-tools",
        ),
        _dist("/usr/lib/python3/dist-packages", "six", "1.16.0", inherited=True, installer=None),
    ),
}


def _robot(path: str, *needs: str) -> RequirementSource:
    reqs = tuple(
        SourceRequirement(text=n, name=n.split("<")[0].split(">")[0].split("=")[0], line=3 + i, origin=path)
        for i, n in enumerate(needs)
    )
    return RequirementSource(path=path, kind="script", requirements=reqs)


SOURCES: dict[str, RequirementSource] = {
    ROBOTS["robot_one.py"]: _robot(ROBOTS["robot_one.py"], "A<1.5", "B>=2,<3"),
    ROBOTS["robot_two.py"]: _robot(ROBOTS["robot_two.py"], "A>=1.5,<2"),
    ROBOTS["robot_three.py"]: _robot(ROBOTS["robot_three.py"], "A>=2", "B>=4"),
}
SOURCE_ERRORS = {BROKEN_SOURCE: f"{BROKEN_SOURCE}, line 2: 'A >= = 2' is not a valid requirement"}

PIP_LINES = (
    "Looking in links: /home/user/house/wheels",
    "Processing ./wheels/A-2.1.0-py2.py3-none-any.whl",
    "Installing collected packages: A",
    "  Attempting uninstall: A",
    "    Found existing installation: A 1.0.0",
    "    Uninstalling A-1.0.0:",
    "      Successfully uninstalled A-1.0.0",
    "Successfully installed A-2.1.0",
)


# What the index says about the house: the newest versions, and one known vulnerability.
NEWEST = {"A": "2.1.0", "B": "4.1.0", "robot-tools": "0.3.0", "requests": "2.32.3"}
VULNS = {
    ("A", "1.0.0"): (
        Vulnerability("GHSA-robo-0001", "A opens every door", ("1.5.7",), ("CVE-2026-0001",)),
    ),
}
INDEX_DOWN = "the index https://pypi.org/simple/ could not be reached: connection refused"
CACHED_AT = 1_700_000_000.0


class FakeServices(Services):
    """The house as fixed data. Records what the app asked to change."""

    def __init__(self, *, active: str | None = None, extra_sources: Sequence[str] = ()) -> None:
        super().__init__(environ={"HOME": HOME}, cwd=HOUSE)
        self.active_path = active
        self.calls: list[tuple[object, ...]] = []
        self.environment_list = list(ENVIRONMENTS)
        self.packages_by_env = dict(PACKAGES)
        self.extra_sources = list(extra_sources)
        self.lock = threading.Lock()
        self.index_down = False  # the index answers "connection refused"; cached answers used
        self.hold_index: threading.Event | None = None  # set: the index waits until cancelled
        self.export_problem: str | None = None  # the export names a distribution not found
        self.marks: dict[str, object] = {}  # notes and keep marks, by path (the state file's)

    def interpreters(self) -> list[Interpreter]:
        return list(INTERPRETERS)

    def default_interpreter(self) -> Interpreter | None:
        return INTERPRETERS[0]

    def environments(
        self, roots: Sequence[str] = (), *, include_interpreters: bool = False
    ) -> list[Environment]:
        return list(self.environment_list)

    def environment(self, path: str) -> Environment:
        if path == DEFAULT_PY:
            return BASE_ENV
        for env in self.environment_list:
            if env.path == path:
                return env
        raise BadInput("is not an environment or an interpreter", path=path)

    def active_environment(self) -> Environment | None:
        return self.environment(self.active_path) if self.active_path else BASE_ENV

    def open_site(self, path: str) -> Site:
        env = self.environment(path)
        if env.health == "broken":
            raise BadInput(env.problem or "broken", path=path)
        own = (
            BASE_SITE if not env.is_venv else _site(path, ".".join((env.python_version or "").split(".")[:2]))
        )
        inherited = ("/usr/lib/python3/dist-packages",) if env.system_site_packages else ()
        return Site(path, env.python, env.python_version, "cpython", (own,), inherited, env.is_venv)

    def packages(self, path_or_site: str | Site) -> PackageSet:
        site = self.open_site(path_or_site) if isinstance(path_or_site, str) else path_or_site
        dists = sorted(self.packages_by_env.get(site.path, ()), key=lambda d: d.name.lower())
        return PackageSet(site, tuple(dists))

    def find_sources(self, folder: str) -> list[str]:
        return [*SOURCES, BROKEN_SOURCE, *self.extra_sources] if folder == HOUSE else list(self.extra_sources)

    def load_source(
        self,
        path: str,
        *,
        extras: Sequence[str] = (),
        groups: Sequence[str] = (),
        packages: PackageSet | None = None,
    ) -> RequirementSource:
        if path in SOURCES:
            return SOURCES[path]
        if path in SOURCE_ERRORS:
            raise BadInput(SOURCE_ERRORS[path].split(": ", 1)[1], path=path, line=2)
        # A real file (a test's temp script): the real parser reads it.
        return super().load_source(path, extras=extras, groups=groups, packages=packages)

    # -- changing: recorded, with fixed output --------------------------------------------

    def _run(
        self,
        args: tuple[str, ...],
        on_line: Callable[[str], None] | None,
        lines: Sequence[str] = PIP_LINES,
    ) -> PipResult:
        self.calls.append(args)
        for line in lines:
            if on_line is not None:
                on_line(line)
        return PipResult(args=args, returncode=0, output_tail=tuple(lines[-3:]))

    def create(
        self,
        path: str,
        *,
        python: str | None = None,
        system_site_packages: bool = False,
        without_pip: bool = False,
        prompt: str | None = None,
        upgrade_pip: bool = False,
        on_line: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> PipResult:
        return self._run(("create", path, python or ""), on_line, (f"Creating {path}", "Done."))

    def check_deletable(self, path: str) -> str:
        env = self.environment(path)
        if not env.is_venv:
            raise Refused(
                "is an interpreter, not an environment; venv-tui deletes only environments",
                path=path,
            )
        return path

    def plan_delete(self, path: str) -> DeletePlan:
        return DeletePlan(self.check_deletable(path), ("bin", "lib", "pyvenv.cfg"), ())

    def delete(self, path: str | DeletePlan) -> None:  # type: ignore[override]
        self.calls.append(("delete", path if isinstance(path, str) else path.folder))

    def rebuild(
        self,
        path: str,
        *,
        python: str,
        on_line: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> PipResult:
        return self._run(("rebuild", path, python), on_line)

    def pip(
        self,
        env_path: str,
        action: str,
        requirements: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        extra_args: Sequence[str] = (),
    ) -> PipResult:
        return self._run(("pip", env_path, action, *requirements), on_line)

    def shell_command(self, env_path: str, *, repl: bool = False) -> ShellCommand:
        self.calls.append(("shell", env_path, repl))
        if repl:
            return ShellCommand((os.path.join(env_path, "bin", "python"),))
        return ShellCommand(("/bin/bash", "--rcfile", "/tmp/venv-tui-rc"), {"VIRTUAL_ENV": env_path})


    # -- export, compare and the index: fixed answers --------------------------------------

    def export(self, packages, *, fmt="requirements", top_level=False, include_all=False, settings=None):  # type: ignore[no-untyped-def]
        self.calls.append(("export", packages.site.path, fmt, top_level))
        if self.export_problem:
            raise ExportFailed([self.export_problem])
        dists = [d for d in packages.distributions if not d.inherited and (d.requested or not top_level)]
        if fmt == "pylock":
            return Export('lock-version = "1.0"\ncreated-by = "venv-tui"\n')
        return Export("".join(f"{d.name}=={d.version}\n" for d in dists))

    def write_export(self, path: str, text: str) -> None:
        self.calls.append(("write_export", path, text))

    def outdated(self, paths, *, progress=None, cancel=None, **kw):  # type: ignore[no-untyped-def]
        self.calls.append(("outdated", tuple(paths)))
        floors = []
        for i, path in enumerate(paths):
            if progress is not None:
                progress(i + 1, len(paths))
            if self.hold_index is not None and cancel is not None:
                self.hold_index.set()  # the test knows the check is under way
                cancel.wait(10)
                return OutdatedReport(tuple(floors), cancelled=True)
            newer = tuple(
                OutdatedPackage(d.name, d.version, NEWEST[d.name])
                for d in self.packages(path).distributions
                if d.name in NEWEST and NEWEST[d.name] != d.version
            )
            cached = CACHED_AT if self.index_down else None
            floors.append(FloorOutdated(path, newer, index="https://pypi.org/simple/", cached_at=cached))
        return OutdatedReport(tuple(floors), problem=INDEX_DOWN if self.index_down else None)

    def audit(self, paths, *, progress=None, cancel=None, **kw):  # type: ignore[no-untyped-def]
        self.calls.append(("audit", tuple(paths)))
        floors = []
        for i, path in enumerate(paths):
            if progress is not None:
                progress(i + 1, len(paths))
            found = tuple(
                VulnerablePackage(d.name, d.version, VULNS[(d.name, d.version)])
                for d in self.packages(path).distributions
                if (d.name, d.version) in VULNS
            )
            floors.append(FloorAudit(path, found))
        return AuditReport("osv", "https://api.osv.dev", tuple(floors))


    # -- the inventory: fixed sizes and uses, marks in memory -------------------------------

    def floor_sizes(self, paths, *, use_cache=True):  # type: ignore[no-untyped-def]
        from venv_tui.services.sizes import FloorSize

        return {p: FloorSize(p, SIZES[p]) for p in paths if p in SIZES}

    def last_used(self, path: str) -> float | None:
        return LAST_USED.get(path)

    def state(self):  # type: ignore[no-untyped-def]
        from venv_tui.services.state import State

        return State(dict(self.marks))

    def _mark(self, path: str, **change: object):  # type: ignore[no-untyped-def]
        from venv_tui.services.state import Mark

        old = self.marks.get(path, Mark())
        new = Mark(change.get("note", old.note), bool(change.get("keep", old.keep)))  # type: ignore[arg-type]
        self.marks[path] = new
        self.calls.append(("mark", path, new.note, new.keep))
        return new, None

    def set_note(self, path: str, note: str | None):  # type: ignore[no-untyped-def]
        return self._mark(path, note=note)

    def set_keep(self, path: str, keep: bool):  # type: ignore[no-untyped-def]
        return self._mark(path, keep=keep)

    def where(self, spec: str, roots: Sequence[str] = ()):  # type: ignore[no-untyped-def]
        from venv_tui.services.where import find, parse_spec

        parse_spec(spec)
        return find(spec, [BASE_ENV, *self.environment_list], self.packages)


# Sizes on disk and last uses of the floors (fixed).
SIZES = {
    FLOOR[1]: 21_500_000,
    FLOOR[2]: 18_200_000,
    FLOOR[3]: 25_100_000,
    BASEMENT: 1_300_000,
    ATTIC: 9_800_000,
}
# Noon UTC: the same day in the pictures whatever the drawing machine's time zone.
LAST_USED = {FLOOR[1]: 1_763_035_200.0, BASEMENT: 1_700_049_600.0}


def demo_app(**kw: object):
    """The app on the house with floor 1's lamp on, no watcher thread: a stable picture."""
    from venv_tui.ui.app import VenvTuiApp

    services = kw.pop("services", None) or FakeServices()
    kw.setdefault("project", HOUSE)
    kw.setdefault("active", FLOOR[1])
    kw.setdefault("live", False)
    app = VenvTuiApp(services, **kw)  # type: ignore[arg-type]
    app.animation_level = "none"  # no tab underline sliding in a picture
    return app


async def wait_readers(app: object) -> None:
    """Wait for the app's workers except the flows: a flow waits on its dialog until the test
    answers, so waiting for it would wait forever. (``wait_for_complete([])`` waits for all.)"""
    import asyncio

    workers = [w for w in app.workers if w.group != "flow"]  # type: ignore[attr-defined]
    await asyncio.gather(*(w.wait() for w in workers), return_exceptions=True)


class ManyPackages(FakeServices):
    """The house with floor 1 holding ``count`` packages, each requiring the next: a big floor
    for the packages panel's tests and its benchmark."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def packages(self, path_or_site):  # type: ignore[no-untyped-def]
        base = super().packages(path_or_site)
        if base.site.path != FLOOR[1]:
            return base
        count = self.count
        dists = tuple(
            Distribution(
                f"robot-{i:05d}",
                f"1.{i}.0",
                "/x",
                f"/x/robot-{i}.dist-info",
                requires=(f"robot-{(i + 1) % count:05d}>=1",),
            )
            for i in range(count)
        )
        return PackageSet(site=base.site, distributions=dists)


async def settle(pilot: object, rounds: int = 4) -> None:
    """Let the app finish what a key press started: its readers, then a last repaint."""
    for _ in range(rounds):
        await pilot.pause()  # type: ignore[attr-defined]
        await wait_readers(pilot.app)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


# Names as long as real floors hold them: the wide columns give way, the short ones stay whole.
LONG_PACKAGES = (
    ("opentelemetry-instrumentation-asgi", "0.48b0", {"requested": True, "editable": True}),
    ("types-backports.ssl_match_hostname", "3.7.4.6", {"requested": True}),
    ("sphinxcontrib-applehelp", "2.0.0", {"inherited": True}),
    ("zope.interface-with-a-name-longer-than-any-panel-of-the-app-is-wide", "7.1.1", {}),
)
LONG_FLOOR = f"{HOUSE}/services/observability/opentelemetry-collector-playground/.venv"
LONG_FLOOR_NAME = "opentelemetry-collector-playground-environment"
LONG_PYTHON = f"{HOME}/.local/share/uv/python/cpython-3.14.0rc1-linux-x86_64-gnu/bin/python3.14"
LONG_ROBOT = f"{HOUSE}/robots/nightly_opentelemetry_collector_configuration_checker.py"
SIZES[LONG_FLOOR] = 123_400_000


class LongNames(FakeServices):
    """The house with floor 1 also holding packages with long names, a floor with a long name
    and path, an interpreter deep under uv, and a robot with a long name."""

    def __init__(self) -> None:
        super().__init__(active=FLOOR[1])
        site = _site(FLOOR[1])
        self.packages_by_env[FLOOR[1]] = PACKAGES[FLOOR[1]] + tuple(
            _dist(site, name, version, **flags) for name, version, flags in LONG_PACKAGES
        )
        self.environment_list.append(_env(LONG_FLOOR, LONG_FLOOR_NAME, creator="virtualenv"))

    def interpreters(self) -> list[Interpreter]:
        return [*INTERPRETERS, interp("3.14.0rc1", LONG_PYTHON, source="uv")]

    def find_sources(self, folder: str) -> list[str]:
        return [*super().find_sources(folder), LONG_ROBOT]

    def load_source(self, path: str, **kw: object) -> RequirementSource:  # type: ignore[override]
        if path == LONG_ROBOT:
            return _robot(LONG_ROBOT, "A>=2")
        return super().load_source(path, **kw)  # type: ignore[arg-type]
