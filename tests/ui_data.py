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
    DeletePlan,
    Distribution,
    Environment,
    Interpreter,
    PackageSet,
    PipResult,
    RequirementSource,
    ShellCommand,
    Site,
    SourceRequirement,
)
from venv_tui.services import Services

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
