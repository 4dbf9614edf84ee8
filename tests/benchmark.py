"""Speed benchmark: medians, and ratios to the peers (pip, uv where installed).

Run:  python tests/benchmark.py [--quick]

Builds, offline, a ~116-package environment from wheels it writes itself, a tree of 200
environments, and times venv-tui's readers against ``pip list``, ``pip check``, ``uv pip list``,
``uv pip check``, ``uv python list`` and an unpruned ``os.walk``; then the app's first paint in a
real pseudo-terminal. Not part of the test run: speed is proven here, not by timed tests.
"""

from __future__ import annotations

import argparse
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

from venv_tui.services import story

N_PACKAGES = 115  # + pip itself = 116, the size DESIGN.md's targets are given for
N_ENVS = 200


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run_quiet(argv: Sequence[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)


def build_big_env(root: str) -> str:
    """A venv with pip plus 115 story-like packages that depend on each other."""
    wheels = os.path.join(root, "wheels")
    names = [f"robot-{i:03d}" for i in range(N_PACKAGES)]
    for i, name in enumerate(names):
        needs = [f"{names[i + 1]}>=1.0"] if i + 1 < len(names) and i % 3 == 0 else []
        if i % 7 == 0:
            needs.append('colorama; sys_platform == "win32"')
        story.build_wheel(wheels, name, f"1.{i}.0", needs)
    env = os.path.join(root, "big-env")
    subprocess.run([sys.executable, "-m", "venv", env], check=True, env=story.clean_pip_env())
    story.pip_install_offline(env, wheels, names)
    return env


def build_env_tree(root: str) -> str:
    """200 environments in nested project folders, with noise folders between them."""
    tree = os.path.join(root, "projects")
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for i in range(N_ENVS):
        project = os.path.join(tree, f"group-{i % 10}", f"project-{i:03d}")
        for noise in ("src/pkg/sub", "docs/build/html", "tests/data"):
            os.makedirs(os.path.join(project, noise), exist_ok=True)
        env = os.path.join(project, ".venv")
        os.makedirs(os.path.join(env, "bin"))
        site = os.path.join(env, "lib", f"python{version}", "site-packages")
        for j in range(20):  # what an unpruned walk has to wade through
            os.makedirs(os.path.join(site, f"pkg{j}", "sub"), exist_ok=True)
        os.symlink(sys.executable, os.path.join(env, "bin", "python"))
        with open(os.path.join(env, "pyvenv.cfg"), "w") as fh:
            fh.write(
                f"home = {os.path.dirname(sys.executable)}\n"
                "include-system-site-packages = false\n"
                f"version = {version}.0\n"
            )
    return tree


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


def big_table_ms(count: int = 5000) -> tuple[float, float]:
    """The packages panel with ``count`` packages: a whole refill, and the work of one cursor
    move (the detail of the package under it), measured inside a headless app."""
    import asyncio

    from ui_data import FakeServices  # fixed data, beside this file

    from venv_tui.model import Distribution, PackageSet
    from venv_tui.ui.app import VenvTuiApp

    class Many(FakeServices):
        def packages(self, path_or_site):  # type: ignore[no-untyped-def]
            base = super().packages(path_or_site)
            dists = tuple(
                Distribution(
                    name=f"robot-{i:05d}",
                    version=f"1.{i}.0",
                    location="/x",
                    metadata_path=f"/x/robot-{i}.dist-info",
                    requires=(f"robot-{(i + 1) % count:05d}>=1",),
                )
                for i in range(count)
            )
            return PackageSet(site=base.site, distributions=dists)

    result: list[float] = []

    async def measure() -> None:
        app = VenvTuiApp(Many(), live=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            panel = app.query_one("#packages")
            result.append(median_ms(panel._fill, 5))
            result.append(median_ms(panel.show_detail, 50))

    asyncio.run(measure())
    return result[0], result[1]


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
    """First paint of venv-tui and of a bare Textual app with one Label, both in a pty."""
    ours = first_paint_ms([exe, project], b"Interpreters", runs, project)
    bare = first_paint_ms([sys.executable, "-c", BARE_APP], b"Interpreters", runs, project)
    return ours, bare


def app_big_floor_ms(count: int = 5000) -> tuple[float, float, float]:
    """With a ``count``-package floor lit: seconds from the first frame to the packages panel
    filled, the longest time the UI thread was busy meanwhile, and a cursor move in the panel
    against a cursor move in a bare ``count``-row DataTable (median ms each)."""
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import DataTable
    from ui_data import FLOOR, FakeServices, demo_app

    from venv_tui.model import Distribution, PackageSet

    class Many(FakeServices):
        def packages(self, path_or_site):  # type: ignore[no-untyped-def]
            base = super().packages(path_or_site)
            if base.site.path != FLOOR[1]:
                return base
            dists = tuple(
                Distribution(f"robot-{i:05d}", f"1.{i}.0", "/x", f"/x/robot-{i}.dist-info",
                             requires=(f"robot-{(i + 1) % count:05d}>=1",))
                for i in range(count)
            )
            return PackageSet(site=base.site, distributions=dists)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Name", "Version", "Flags")
            table.add_rows((f"robot-{i:05d}", f"1.{i}.0", "") for i in range(count))
            table.focus()

    async def moves(app: App[object], pilot: object, table: DataTable) -> float:
        times = []
        for i in range(60):
            start = time.perf_counter()
            await pilot.press("down" if i % 2 == 0 else "up")  # type: ignore[attr-defined]
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    out: list[float] = []

    async def ours() -> None:
        app = demo_app(services=Many())  # floor 1 lit and selected
        lag = [0.0]

        async with app.run_test(size=(120, 40)) as pilot:
            start = time.perf_counter()
            loop = asyncio.get_running_loop()
            beat = [time.perf_counter()]

            def tick() -> None:
                now = time.perf_counter()
                lag[0] = max(lag[0], now - beat[0])
                beat[0] = now
                handle[0] = loop.call_later(0.001, tick)

            handle = [loop.call_later(0.001, tick)]
            table = app.query_one("#packages-table", DataTable)
            while table.row_count < count and time.perf_counter() - start < 20:
                await asyncio.sleep(0.002)
            out.append(time.perf_counter() - start)
            # The stall is watched on past the fill: DataTable measures new rows when idle and
            # the first frames of a full table are drawn after the rows are in.
            await asyncio.sleep(0.5)
            handle[0].cancel()
            out.append(lag[0] * 1000)
            app.action_panel("packages")
            await pilot.pause()
            out.append(await moves(app, pilot, table))

    async def bare() -> None:
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            out.append(await moves(app, pilot, app.query_one(DataTable)))

    asyncio.run(ours())
    asyncio.run(bare())
    return out[0], out[1], out[2] / out[3]


def row(what: str, ours: float | None, peers: list[tuple[str, float | None]], target: str) -> str:
    ours_s = f"{ours:8.1f} ms" if ours is not None else "     n/a   "
    parts = []
    for name, value in peers:
        if value is None or ours is None:
            continue
        ratio = value / ours
        parts.append(
            f"{name} {value:.0f} ms (x{ratio:.0f})"
            if ratio >= 10
            else f"{name} {value:.0f} ms (x{ratio:.1f})"
        )
    return f"{what:<44} {ours_s}   target {target:<10} " + "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs_fast, runs_proc = (20, 3) if args.quick else (100, 10)

    from venv_tui.services.consistency import environment_problems
    from venv_tui.services.discover.environments import find_environments
    from venv_tui.services.discover.interpreters import find_interpreters
    from venv_tui.services.packages import read_packages
    from venv_tui.services.site import open_site

    uv = shutil.which("uv")
    root = tempfile.mkdtemp(prefix="venv-tui-bench-")
    try:
        print(f"building the benchmark data in {root} ...", file=sys.stderr)
        env = build_big_env(root)
        tree = build_env_tree(root)
        env_python = story.env_python(env)
        pip_env = story.clean_pip_env()
        lines = []

        site = open_site(env)
        count = len(read_packages(site).distributions)
        ours = median_ms(lambda: read_packages(open_site(env)), runs_fast)
        pip_list = median_ms(lambda: run_quiet([env_python, "-m", "pip", "list"], pip_env), runs_proc)
        uv_list = (
            median_ms(lambda: run_quiet([uv, "pip", "list", "--python", env_python]), runs_proc)
            if uv
            else None
        )
        lines.append(
            row(
                f"list a {count}-package environment (in-process)",
                ours,
                [("pip list", pip_list), ("uv pip list", uv_list)],
                "<= 5 ms",
            )
        )
        exe = shutil.which("venv-tui") or ""
        cli = [exe] if exe else [sys.executable, "-m", "venv_tui"]
        ours_proc = median_ms(lambda: run_quiet([*cli, "packages", env, "--json"]), runs_proc)
        lines.append(
            row(
                "venv-tui packages --json (process)",
                ours_proc,
                [("pip list", pip_list), ("uv pip list", uv_list)],
                "<= 25 ms",
            )
        )

        ours_check = median_ms(lambda: environment_problems(read_packages(open_site(env))), runs_fast)
        pip_check = median_ms(lambda: run_quiet([env_python, "-m", "pip", "check"], pip_env), runs_proc)
        uv_check = (
            median_ms(lambda: run_quiet([uv, "pip", "check", "--python", env_python]), runs_proc)
            if uv
            else None
        )
        lines.append(
            row(
                "dependency check, read + check (in-process)",
                ours_check,
                [("pip check", pip_check), ("uv pip check", uv_check)],
                "<= 15 ms",
            )
        )

        fake_home = os.path.join(root, "home")
        os.makedirs(fake_home)
        scan_env = {"HOME": fake_home, "PATH": os.environ.get("PATH", "")}
        found = find_environments(roots=[tree], depth=4, environ=scan_env, cwd=fake_home)
        ours_scan = median_ms(
            lambda: find_environments(roots=[tree], depth=4, environ=scan_env, cwd=fake_home),
            runs_fast // 4 or 5,
        )
        walk = median_ms(lambda: sum(1 for _ in os.walk(tree)), 5)
        lines.append(
            row(
                f"find {len(found)} environments under a folder (warm)",
                ours_scan,
                [("os.walk", walk)],
                "<= 50 ms",
            )
        )

        interpreters = find_interpreters()
        ours_interp = median_ms(find_interpreters, runs_fast)
        uv_py = median_ms(lambda: run_quiet([uv, "python", "list"]), runs_proc) if uv else None
        lines.append(
            row(
                f"find {len(interpreters)} interpreters (no process)",
                ours_interp,
                [("uv python list", uv_py)],
                "<= 50 ms",
            )
        )

        paint = None
        if exe:
            project = os.path.join(root, "empty-project")
            os.makedirs(project)
            paint = first_paint_ms([exe, project], b"Interpreters", 3 if args.quick else 7, project)
        lines.append(row("app first paint in a pseudo-terminal", paint, [], "<= 350 ms"))
        fill, move = big_table_ms()
        lines.append(row("packages panel, 5000 rows: refill", fill, [], "smooth"))
        lines.append(row("packages panel, 5000 rows: one cursor move", move, [], "smooth"))
        # The app against bare Textual, in this run (ratios).
        if exe:
            ours, bare = app_first_paint_ratio(exe, project, 3 if args.quick else 7)
            if ours and bare:
                lines.append(f"app first paint {ours:.0f} ms, bare Textual {bare:.0f} ms: {ours / bare:.2f}x (target <= 1.2x)")
        filled, busiest, ratio = app_big_floor_ms()
        lines.append(f"5000-package floor lit: panel filled {filled:.2f} s after the first frame (target <= 0.3 s); "
                     f"longest UI-thread stall {busiest:.0f} ms; cursor move {ratio:.2f}x a bare DataTable (target <= 1.1x)")

        print()
        print(f"venv-tui benchmark on Python {sys.version.split()[0]}, {os.cpu_count()} cores (medians)")
        print("-" * 100)
        for line in lines:
            print(line)
        if not uv:
            print("(uv is not installed here: its columns are left out)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
