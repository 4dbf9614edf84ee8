"""Speed benchmark: whole processes side by side, medians and ratios.

Run:  python tests/benchmark.py [--quick] [--no-app] [--paint]

Builds, offline, a ~120-package floor from wheels it writes itself, a floor of 5000 synthetic
packages, trees of 2000 and 200 floors and a yard of 200 floors with pip; installs the peers (uv, pipdeptree) into the benchmark's own
venv with pip; writes a bare reader (a Python script that only reads dist-info names and METADATA
headers). Then runs each command and its peers as processes, interleaved (so the machine's load
falls on all alike), and prints medians and ratios. No in-process figure is ever compared with
another tool's process. Not part of the test run: speed is shown here, not by timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from venv_tui.services import story

N_PACKAGES = 119  # + pip itself = 120, the size DESIGN.md's targets are given for
N_SYNTHETIC = 5000
N_ENVS = 2000  # floors under one root, the size DESIGN.md's target is given for
N_ENVS_SMALL = 200  # the same tree, smaller: the figure earlier rounds reported
N_FLOORS_SIZED = 200  # floors measured with --sizes (DESIGN.md: "sizes of 200 floors")

# The floor of "what reading costs": names and METADATA headers, nothing else.
BARE_READER = """\
import os, sys
site = sys.argv[1]
found = []
for name in os.listdir(site):
    if name.endswith(".dist-info"):
        with open(os.path.join(site, name, "METADATA"), "rb") as fh:
            head = fh.read(16384).split(b"\\n\\n", 1)[0]
        fields = {}
        for line in head.splitlines():
            key, sep, value = line.partition(b": ")
            if sep and key in (b"Name", b"Version"):
                fields[key] = value.decode()
        found.append((fields.get(b"Name"), fields.get(b"Version")))
sys.stdout.write(repr(sorted(found)))
"""


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def processes_ms(
    commands: dict[str, Sequence[str]],
    runs: int,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, float]:
    """Median wall time of each command run as a process, the commands interleaved run by run."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False, "cwd": cwd, "env": env}
    for argv in commands.values():  # one warm-up each: caches and bytecode
        subprocess.run(argv, **quiet)  # type: ignore[call-overload]
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, **quiet)  # type: ignore[call-overload]
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


# Header lines every real METADATA carries besides the ones read (the reader must skip them).
REAL_HEADERS = (
    "Author-email: A Maintainer <maintainer@example.invalid>",
    "License: MIT",
    "Project-URL: Homepage, https://example.invalid/project",
    "Project-URL: Source, https://example.invalid/project/src",
    "Classifier: Development Status :: 5 - Production/Stable",
    "Classifier: Intended Audience :: Developers",
    "Classifier: License :: OSI Approved :: MIT License",
    "Classifier: Operating System :: OS Independent",
    "Classifier: Programming Language :: Python :: 3",
    "Classifier: Programming Language :: Python :: 3.11",
    "Requires-Python: >=3.8",
    "Provides-Extra: docs",
    "Provides-Extra: test",
    "Description-Content-Type: text/markdown",
)


def realistic_requires(names: list[str], i: int) -> list[str]:
    """Requires-Dist lines of the shapes real floors hold (rich, textual, requests, pytest):
    extras in brackets, several specifiers, parenthesised specifiers, ~=, python_version and
    platform markers, parentheses around a condition joined to an extra, and extra-only lines."""
    n = len(names)

    def later(k: int) -> str:
        return names[min(i + k, n - 1)]

    needs = []
    if i == n - 2:
        needs.append(f"{names[i + 1]}>=1.0")  # the post-release
    elif i % 3 == 0 and i + 1 < n:
        needs.append(f"{names[i + 1]}>=1.0")
    if i % 4 == 1 and i + 2 < n:
        needs.append(f"{later(2)}[speedups]<3.0.0,>=1.0")  # like markdown-it-py[plugins]
    if i % 5 == 2 and i + 3 < n:
        needs.append(f"{later(3)} (<2.0.0,>=1.0)")  # like botocore (<2.0,>=1.37)
    if i % 6 == 3 and i + 4 < n:
        needs.append(f'{later(4)}>=1.0; python_version >= "3.8" and platform_system != "Windows"')
    if i % 8 == 5 and i + 5 < n:
        needs.append(f"{later(5)}~=1.{min(i + 5, n - 1)}")
    if i % 7 == 0:
        needs.append('colorama; sys_platform == "win32"')
    if i % 9 == 4:
        needs.append('typing-extensions>=4.0.0; python_version < "3.9"')
    if i % 10 == 6:
        needs.append("importlib-metadata>=3.6 ; python_full_version < '3.10'")
    if i % 12 == 7:
        needs.append("pywin32>=304; platform_system == 'Windows'")
    if i % 11 == 0:
        needs.append('pytest>=7; extra == "test"')
    if i % 2 == 0:
        needs.append("sphinx (>=5,<8) ; extra == 'docs'")
        needs.append("pytest-cov>=4 ; (platform_python_implementation != 'PyPy') and extra == 'test'")
    return needs


def realistic_version(names: list[str], i: int) -> str:
    """Release numbers, and for the last package a post-release (as certifi ships them), which
    the package before it requires with `>=`."""
    return f"1.{i}.0.post1" if i == len(names) - 1 else f"1.{i}.0"


def build_realistic_wheels(wheels: str, names: list[str]) -> None:
    """A wheel for each of ``names``, each requiring later ones as real floors' METADATA does."""
    for i, name in enumerate(names):
        story.build_wheel(
            wheels,
            name,
            realistic_version(names, i),
            realistic_requires(names, i),
            extra_metadata=REAL_HEADERS,
        )


def build_big_env(root: str) -> str:
    """A venv with pip plus 119 story-like packages that depend on each other through
    Requires-Dist lines of the shapes real floors hold, with the header lines real METADATA
    carries."""
    wheels = os.path.join(root, "wheels")
    names = [f"robot-{i:03d}" for i in range(N_PACKAGES)]
    build_realistic_wheels(wheels, names)
    env = os.path.join(root, "big-env")
    subprocess.run([sys.executable, "-m", "venv", env], check=True, env=story.clean_pip_env())
    story.pip_install_offline(env, wheels, names)
    return env


def build_synthetic_env(root: str) -> str:
    """A venv (no pip) whose site-packages holds 5000 dist-info folders written directly, each
    with METADATA, INSTALLER and a short RECORD, some requiring others."""
    env = os.path.join(root, "synthetic-env")
    story.make_venv(env)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    site = os.path.join(env, "lib", f"python{version}", "site-packages")
    for i in range(N_SYNTHETIC):
        name = f"pkg-{i:05d}"
        info = os.path.join(site, f"pkg_{i:05d}-1.{i % 50}.0.dist-info")
        os.makedirs(info)
        requires = [f"pkg-{(i * 7 + 1) % N_SYNTHETIC:05d}>=1.0", f"pkg-{(i * 13 + 5) % N_SYNTHETIC:05d}"]
        if i % 5 == 0:
            requires.append('colorama; sys_platform == "win32"')
        lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: 1.{i % 50}.0", f"Summary: package {i}"]
        lines += [f"Requires-Dist: {r}" for r in requires]
        with open(os.path.join(info, "METADATA"), "w") as fh:
            fh.write("\n".join(lines) + "\n\nA description.\n")
        with open(os.path.join(info, "INSTALLER"), "w") as fh:
            fh.write("pip\n")
        with open(os.path.join(info, "RECORD"), "w") as fh:
            fh.write(f"{os.path.basename(info)}/METADATA,,\n")
    return env


def build_env_tree(root: str, count: int = N_ENVS) -> str:
    """``count`` environments in nested project folders, with noise folders between them.

    Written by hand (a ``pyvenv.cfg``, ``bin/python`` linked to this interpreter, a
    ``site-packages`` full of package folders): what a search reads is all there, and 2000 of
    them take seconds to make rather than minutes of ``python -m venv``."""
    tree = os.path.join(root, f"projects-{count}")
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    cfg = (
        f"home = {os.path.dirname(sys.executable)}\n"
        "include-system-site-packages = false\n"
        f"version = {version}.0\n"
    )
    for i in range(count):
        project = os.path.join(tree, f"group-{i % 10}", f"project-{i:04d}")
        for noise in ("src/pkg/sub", "docs/build/html", "tests/data"):
            os.makedirs(os.path.join(project, noise), exist_ok=True)
        env = os.path.join(project, ".venv")
        os.makedirs(os.path.join(env, "bin"))
        site = os.path.join(env, "lib", f"python{version}", "site-packages")
        for j in range(20):  # what an unpruned walk has to wade through
            os.makedirs(os.path.join(site, f"pkg{j}", "sub"), exist_ok=True)
        os.symlink(sys.executable, os.path.join(env, "bin", "python"))
        with open(os.path.join(env, "pyvenv.cfg"), "w") as fh:
            fh.write(cfg)
    return tree


def install_peers(root: str) -> dict[str, str]:
    """uv and pipdeptree in the benchmark's own venv, installed with pip (from the index)."""
    tools = os.path.join(root, "tools")
    subprocess.run([sys.executable, "-m", "venv", tools], check=True)
    bin_dir = os.path.join(tools, "bin")
    done = subprocess.run(
        [os.path.join(bin_dir, "python"), "-m", "pip", "install", "-q", "uv", "pipdeptree"],
        check=False,
    )
    if done.returncode != 0:
        print("(uv and pipdeptree could not be installed: their columns are left out)", file=sys.stderr)
        return {}
    return {name: os.path.join(bin_dir, name) for name in ("uv", "pipdeptree")}


def venv_tui_command() -> list[str]:
    """The installed console script, its bytecode compiled as an install compiles it."""
    import venv_tui

    package = os.path.dirname(venv_tui.__file__)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], stdout=subprocess.DEVNULL, check=False)
    exe = shutil.which("venv-tui") or os.path.join(os.path.dirname(sys.executable), "venv-tui")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "venv_tui"]


def first_paint_ms(argv: Sequence[str], marker: bytes, runs: int, cwd: str) -> float | None:
    """Time from spawn to the first frame holding ``marker``, in a real pseudo-terminal."""
    times = []
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    for _ in range(runs):
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the app
            os.chdir(cwd)
            os.execvpe(argv[0], list(argv), env)
        start = time.perf_counter()
        seen = b""
        elapsed = None
        deadline = start + 10
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
                if marker in seen:
                    elapsed = (time.perf_counter() - start) * 1000
                    break
        try:
            os.write(fd, b"q")
            time.sleep(0.3)
        except OSError:
            pass
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
        if elapsed is None:
            return None
        times.append(elapsed)
    return statistics.median(times)


# -- the app against bare Textual, measured in the same run ------------------------------------

BARE_APP = """
from textual.app import App
from textual.widgets import Label
class Bare(App):
    def compose(self):
        yield Label("Interpreters")
Bare().run()
"""


def app_first_paint_ratio(exe: str, project: str, runs: int) -> tuple[float | None, float | None]:
    """First paint of venv-tui and of a bare Textual app with one Label, both in a pty, one of
    each in turn (a shared machine's load then weighs on both alike); medians."""
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        for argv, times in (([exe, project], ours), ([sys.executable, "-c", BARE_APP], bare)):
            got = first_paint_ms(argv, b"Interpreters", 1, project)
            if got is None:
                return None, None
            times.append(got)
    return statistics.median(ours), statistics.median(bare)


def paint_only(runs: int) -> int:
    """The first-paint row alone, on an empty project folder."""
    ours = venv_tui_command()
    if os.path.basename(ours[0]) != "venv-tui":
        print("the venv-tui command is not installed next to this Python", file=sys.stderr)
        return 2
    root = tempfile.mkdtemp(prefix="venv-tui-bench-")
    try:
        project = os.path.join(root, "empty-project")
        os.makedirs(project)
        paint, bare = app_first_paint_ratio(ours[0], project, runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(line("app first paint in a pseudo-terminal", paint, {"bare Textual": bare}, "<= 1.2x bare Textual"))
    return 0


def watch_stalls(lag: list[float]) -> list[asyncio.TimerHandle]:
    """A 1 ms heartbeat on the running UI loop; ``lag[0]``: the longest gap between two beats."""
    loop = asyncio.get_running_loop()
    beat = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lag[0] = max(lag[0], now - beat[0])
        beat[0] = now
        handle[0] = loop.call_later(0.001, tick)

    handle = [loop.call_later(0.001, tick)]
    return handle


def app_big_floor_ms(count: int = 5000) -> tuple[float, float, float, float, float]:
    """With a ``count``-package floor lit: seconds from the first frame to the packages panel
    filled; the longest time the UI thread was busy from the first frame until the full panel
    was drawn (ms); the same for a bare ``count``-row DataTable app whose rows are added in the
    same phase (after its first frame, Textual's own ``add_rows``), and its seconds to filled;
    and a cursor move in the panel against one in the bare DataTable (ratio of medians)."""

    from textual.app import App, ComposeResult
    from textual.widgets import DataTable
    from ui_data import ManyPackages, demo_app


    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Name", "Version", "Flags")
            table.focus()

    async def moves(app: App[Any], pilot: object, table: DataTable) -> float:
        times = []
        for i in range(60):
            start = time.perf_counter()
            await pilot.press("down" if i % 2 == 0 else "up")  # type: ignore[attr-defined]
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    out: list[float] = []

    async def filled(app: App[Any], table: DataTable, lag: list[float]) -> None:
        """From the first frame: the table filled, then watched on for half a second (DataTable
        measures new rows when idle, and the first frames of a full table come after)."""
        start = time.perf_counter()
        handle = watch_stalls(lag)
        if not isinstance(app, Bare):
            while table.row_count < count and time.perf_counter() - start < 20:
                await asyncio.sleep(0.002)
        else:  # the bare app's rows arrive now, as ours arrive from the reading after its first frame
            table.add_rows((f"robot-{i:05d}", f"1.{i}.0", "") for i in range(count))
            await asyncio.sleep(0)
        out.append(time.perf_counter() - start)
        await asyncio.sleep(0.5)
        handle[0].cancel()
        out.append(lag[0] * 1000)

    async def ours() -> None:
        app = demo_app(services=ManyPackages(count))  # floor 1 lit and selected
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.query_one("#packages-table", DataTable)
            await filled(app, table, [0.0])
            app.action_panel("packages")
            await pilot.pause()
            out.append(await moves(app, pilot, table))

    async def bare() -> None:
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.query_one(DataTable)
            await filled(app, table, [0.0])
            await pilot.pause()
            out.append(await moves(app, pilot, table))

    asyncio.run(ours())
    asyncio.run(bare())
    return out[0], out[1], out[4], out[3], out[2] / out[5]


SCREENFUL_CSS = """
#status { height: 1; }
#main { layout: grid; grid-size: 2 3; grid-columns: 3fr 2fr; grid-rows: 3fr 4fr 4fr; height: 1fr; }
.panel { border: round $primary 40%; height: 1fr; padding: 0 1; }
#p3 { row-span: 3; }
.panel > DataTable { height: 1fr; scrollbar-size-vertical: 1; background: transparent; overflow-x: hidden; }
.panel > Static { height: auto; max-height: 9; }
"""


def bare_screenful_ms(count: int = 5000) -> float:
    """The longest UI-thread stall of a bare Textual app when a screen like the app's is drawn
    for the first time: the same grid of four bordered DataTables (4, 6, 9 and ``count`` rows,
    as the demo house with the big floor) with a few lines of text under each, its rows in
    place, shown at once. What one full frame of such a screen costs on this machine: the floor
    under the app's longest stall, since every table must be drawn once."""

    from textual.app import App, ComposeResult
    from textual.containers import Container, Vertical
    from textual.widgets import DataTable, Footer, Static

    shapes = {  # panel: (columns, rows, lines of text under the table)
        "p0": (("Name", "Version", "Found", "Path"), 4, 3),
        "p1": (("", "Name", "Python", "Creator", "Health", "Size", "Path"), 6, 2),
        "p2": (("Robot",), 9, 1),
        "p3": (("Name", "Version", "Flags"), count, 7),
    }

    class Screenful(App[None]):
        CSS = SCREENFUL_CSS

        def compose(self) -> ComposeResult:
            yield Static("status line", id="status")
            with Container(id="main"):
                for pid in ("p0", "p3", "p1", "p2"):
                    with Vertical(classes="panel", id=pid):
                        yield DataTable(cursor_type="row")
                        yield Static("", classes="note")
            yield Footer()

        def on_mount(self) -> None:
            self.query_one("#main").display = False  # filled while hidden, drawn at once later
            for pid, (columns, rows, lines) in shapes.items():
                panel = self.query_one(f"#{pid}")
                table = panel.query_one(DataTable)
                table.add_columns(*columns)
                table.add_rows(tuple(f"{c or 'x'}-{i:05d}" for c in columns) for i in range(rows))
                panel.query_one(Static).update("\n".join(f"line {n} under the table" for n in range(lines)))

    async def run() -> float:
        app = Screenful()
        async with app.run_test(size=(120, 40)):
            lag = [0.0]
            handle = watch_stalls(lag)
            await asyncio.sleep(0.5)  # the rows measured, the first (empty) frames drawn
            lag[0] = 0.0
            app.query_one("#main").display = True
            await asyncio.sleep(0.5)
            handle[0].cancel()
            return lag[0] * 1000

    return asyncio.run(run())


def line(what: str, ours: float | None, peers: dict[str, float | None], target: str) -> str:
    """One row: our median, each peer's median and the ratio ours/peer (below 1: we are faster)."""
    ours_s = f"{ours:7.1f} ms" if ours is not None else "    n/a   "
    parts = [
        f"{name} {value:.1f} ms (x{ours / value:.2f})"
        for name, value in peers.items()
        if value is not None and ours is not None
    ]
    return f"{what:<40} {ours_s}   target {target:<26} " + "; ".join(parts)


# -- the house at a glance: sizes of 200 floors, where a package is --------------------------


def build_floor_yard(root: str) -> list[str]:
    """N_FLOORS_SIZED floors with pip in each, as uv and ``cp -al`` make them: one real venv, the rest
    hard-linked copies (every entry is still a directory entry to walk and stat)."""
    yard = os.path.join(root, "yard")
    first = os.path.join(yard, "floor-000")
    subprocess.run([sys.executable, "-m", "venv", first], check=True, env=story.clean_pip_env())
    floors = [first]
    for i in range(1, N_FLOORS_SIZED):
        floor = os.path.join(yard, f"floor-{i:03d}")
        subprocess.run(["cp", "-al", first, floor], check=True)
        floors.append(floor)
    return floors


def inventory_rows(root: str, runs: int, cli: Sequence[str]) -> list[str]:
    """``envs --sizes`` cold (no cache) and warm against ``du -s`` over the same folders, and
    ``where`` over the same 200 floors; every figure a whole process, run side by side. ``cli``:
    venv-tui as the other rows run it (the installed command, its bytecode written)."""
    if not shutil.which("du") or not shutil.which("cp"):
        return ["(du or cp is missing here: the sizes rows are left out)"]
    floors = build_floor_yard(root)
    yard = os.path.dirname(floors[0])
    cache = os.path.join(root, "sizes-cache")
    env = {**os.environ, "VENV_TUI_CACHE_DIR": cache, "HOME": os.path.join(root, "home")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed venv-tui has its bytecode written
    envs = [*cli, "envs", "--root", yard, "--sizes", "--json"]

    # From an empty folder, as the envs rows: du measures the floors alone.
    neutral = os.path.join(root, "empty-cwd")
    os.makedirs(neutral, exist_ok=True)

    def quiet(argv: Sequence[str]) -> float:
        start = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False, cwd=neutral
        )
        return (time.perf_counter() - start) * 1000

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return quiet(envs)

    du_argv = ["du", "-s", "-x", *floors]
    quiet(du_argv)  # the same page cache for both
    # Side by side, turn by turn: a machine whose load drifts shifts both the same way.
    plain_argv = [*cli, "envs", "--root", yard, "--json"]
    # The warm runs are short: three of each per turn, so that their medians hold as well as du's.
    turns = [
        (quiet(du_argv), cold(), *(quiet(argv) for argv in (envs, plain_argv) * 3)) for _ in range(runs)
    ]
    du = statistics.median(t[0] for t in turns)
    ours_cold = statistics.median(t[1] for t in turns)
    ours_warm = statistics.median(v for t in turns for v in t[2::2])
    plain = statistics.median(v for t in turns for v in t[3::2])
    where = statistics.median(quiet([*cli, "where", "pip", "--root", yard]) for _ in range(runs))

    def of_du(what: str, ours: float, target: str) -> str:
        return f"{what:<44} {ours:8.1f} ms   target {target:<10} {ours / du:.3f}x du -s ({du:.0f} ms)"

    n = len(floors)
    return [
        of_du(f"envs --sizes, {n} floors, cold (process)", ours_cold, "<= 1.5x du"),
        of_du(f"envs --sizes, {n} floors, warm (process)", ours_warm, "<= 0.1x du"),
        of_du(f"envs, {n} floors, no --sizes (process)", plain, "(base)"),
        f"{f'where pip, {n} floors, warm (process)':<44} {where:8.1f} ms   target <= 500 ms",
    ]


# -- a requirements file of 100 MB against pip's own parser ----------------------------------------


def requirements_file_vs_pip(root: str, megabytes: int) -> list[str]:
    """Parse a requirements file of ordinary lines (pins, ranges, extras, markers, comments)
    with venv-tui and with pip's own parser (``pip._internal.req.req_file``), in this process,
    once each: venv-tui must take no longer than pip."""
    path = os.path.join(root, f"requirements-{megabytes}mb.txt")
    kinds = (
        "{n}=={a}.{b}.{c}",
        "{n}>={a}.{b},<{a1}",
        "{n}[extra]~={a}.{b}",
        "{n}  # pinned by hand",
        '{n}=={a}.{b}.{c} ; python_version >= "3.8"',
        "# section {a}",
        "",
    )
    size = count = 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < megabytes * 1024 * 1024:
            i = count
            text = kinds[i % len(kinds)].format(
                n=f"project-{i % 9973}", a=i % 30, b=i % 17, c=i % 11, a1=i % 30 + 1
            )
            fh.write(text + "\n")
            size += len(text) + 1
            count += 1
    from venv_tui.services.sources.requirements import parse_requirements_file

    start = time.perf_counter()
    ours = len(parse_requirements_file(path).requirements)
    ours_s = time.perf_counter() - start
    try:
        from pip._internal.network.session import PipSession
        from pip._internal.req.req_file import parse_requirements
    except ImportError:
        return [line(f"{megabytes} MB requirements file, in-process", ours_s * 1000, {}, "<= 1x pip")]
    start = time.perf_counter()
    theirs = sum(1 for _ in parse_requirements(path, session=PipSession()))
    pip_s = time.perf_counter() - start
    assert ours == theirs, (ours, theirs)
    what = f"{megabytes} MB requirements file, in-process"
    return [line(what, ours_s * 1000, {"pip's own parser": pip_s * 1000}, "<= 1x pip")]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--no-app", action="store_true", help="leave out the app's rows")
    parser.add_argument(
        "--paint", action="store_true", help="only the app's first paint against bare Textual"
    )
    parser.add_argument(
        "--requirements-mb",
        type=int,
        default=0,
        metavar="MB",
        help="also parse a requirements file of MB megabytes with venv-tui and with pip's own parser "
        "(pip takes tens of minutes for 100 MB)",
    )
    args = parser.parse_args()
    runs = 7 if args.quick else 25
    if args.paint:
        return paint_only(3 if args.quick else 15)

    root = tempfile.mkdtemp(prefix="venv-tui-bench-")
    try:
        print(f"building the benchmark data in {root} ...", file=sys.stderr)
        env = build_big_env(root)
        synthetic = build_synthetic_env(root)
        tree = build_env_tree(root)
        small_tree = build_env_tree(root, N_ENVS_SMALL)
        peers = install_peers(root)
        reader = os.path.join(root, "bare_reader.py")
        with open(reader, "w") as fh:
            fh.write(BARE_READER)
        ours = venv_tui_command()
        uv, pipdeptree = peers.get("uv"), peers.get("pipdeptree")
        lines = []

        def site_of(env_path: str) -> str:
            version = f"{sys.version_info[0]}.{sys.version_info[1]}"
            return os.path.join(env_path, "lib", f"python{version}", "site-packages")

        count = N_PACKAGES + 1
        # venv-tui keeps what it read of each dist-info folder in its cache folder: the rows
        # measure later reads (the warm-up run keeps them), and for the 5000-package floor also
        # a first read, with a cache folder that cannot be made (nothing kept, nothing reused).
        kept = {**os.environ, "VENV_TUI_CACHE_DIR": os.path.join(root, "packages-cache")}
        blocker = os.path.join(root, "no-cache")
        with open(blocker, "w") as fh:
            fh.write("a file where the cache folder would be: nothing can be kept\n")
        nothing_kept = {**os.environ, "VENV_TUI_CACHE_DIR": blocker}
        for label, floor, n, env_vars in (
            ("", env, count, kept),
            ("5000: ", synthetic, N_SYNTHETIC, kept),
            ("5000 first read: ", synthetic, N_SYNTHETIC, nothing_kept),
        ):
            python = story.env_python(floor)
            commands: dict[str, Sequence[str]] = {
                "ours": [*ours, "packages", floor, "--json"],
                "bare reader": [sys.executable, reader, site_of(floor)],
            }
            if uv:
                commands["uv pip list"] = [uv, "pip", "list", "--python", python]
            got = processes_ms(commands, runs if n < 1000 else max(5, runs // 3), env=env_vars)
            target = "<= 2.0x uv, <= 1.5x reader" if not label else "<= 2.0x uv"
            if env_vars is nothing_kept:
                target = "none (first read)"
            lines.append(
                line(f"{label}packages --json ({n})", got.pop("ours"), dict(got), target)
            )
            commands = {"ours": [*ours, "check", "--env", floor]}
            if uv:
                commands["uv pip check"] = [uv, "pip", "check", "--python", python]
            if pipdeptree and not label:
                commands["pipdeptree -w fail"] = [pipdeptree, "--python", python, "-w", "fail"]
            got = processes_ms(commands, runs if n < 1000 else max(5, runs // 3), env=env_vars)
            target = "<= 2.0x uv, < 1x pipdeptree" if not label else "<= 2.0x uv"
            if env_vars is nothing_kept:
                target = "none (first read)"
            lines.append(line(f"{label}check --env ({n})", got.pop("ours"), dict(got), target))

        find = shutil.which("find")
        # From an empty folder: find searches the root alone, and venv-tui's search of the
        # current folder (a project's own .venv) would be other work than the row compares.
        neutral = os.path.join(root, "empty-cwd")
        os.makedirs(neutral, exist_ok=True)
        for folder, n in ((tree, N_ENVS), (small_tree, N_ENVS_SMALL)):
            commands = {"ours": [*ours, "envs", "--root", folder, "--json"]}
            if find:
                commands["find -name pyvenv.cfg"] = [find, folder, "-name", "pyvenv.cfg"]
            got = processes_ms(commands, runs if n < 1000 else max(5, runs // 2), cwd=neutral)
            lines.append(line(f"envs --root ({n} floors)", got.pop("ours"), dict(got), "<= 1.0x find"))

        commands = {"ours": [*ours, "pythons", "--json"]}
        if uv:
            commands["uv python list"] = [uv, "python", "list"]
        got = processes_ms(commands, max(5, runs // 3))
        lines.append(line("pythons --json", got.pop("ours"), dict(got), "<= 0.5x uv"))

        if not args.no_app and os.path.basename(ours[0]) == "venv-tui":
            project = os.path.join(root, "empty-project")
            os.makedirs(project)
            paint, bare = app_first_paint_ratio(ours[0], project, 3 if args.quick else 7)
            lines.append(
                line("app first paint in a pseudo-terminal", paint, {"bare Textual": bare}, "<= 1.2x bare Textual")
            )
            try:
                screenful = bare_screenful_ms()
                filled, busiest, bare_busiest, bare_filled, ratio = app_big_floor_ms()
            except Exception as err:  # the app's own rows must not lose the rows above
                print(f"(the 5000-package floor could not be measured in the app: {err!r})", file=sys.stderr)
            else:
                lines.append(
                    f"5000-package floor lit: panel filled {filled:.2f} s after the first frame "
                    f"(target <= 0.3 s); longest UI-thread stall {busiest:.0f} ms (target <= 16 ms; "
                    f"a bare 5000-row DataTable app, rows added after its first frame: "
                    f"{bare_busiest:.0f} ms, filled {bare_filled:.2f} s; a bare Textual screen of the "
                    f"same four tables drawn at once: {screenful:.0f} ms); cursor move {ratio:.2f}x a "
                    "bare DataTable (target <= 1.1x)"
                )

        lines += inventory_rows(root, 5 if args.quick else 9, ours)
        if args.requirements_mb:
            lines += requirements_file_vs_pip(root, args.requirements_mb)

        print()
        print(
            f"venv-tui benchmark on Python {sys.version.split()[0]}, {os.cpu_count()} cores "
            f"(medians of whole processes, interleaved; ratio = venv-tui / peer)"
        )
        print("-" * 110)
        for text in lines:
            print(text)
        if not peers:
            print("(uv and pipdeptree are not installed here: their columns are left out)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
