"""Faults on real environments: pip killed half-way, a base interpreter removed under a live
environment (and rebuilt), an environment removed between two reads. Each leaves what the
user has readable and says what happened in a sentence."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from venv_tui.errors import BadInput
from venv_tui.services import Services, story
from venv_tui.services.actions.pip import run_pip
from venv_tui.services.actions.rebuild import rebuild_environment
from venv_tui.services.discover.environments import inspect_environment
from venv_tui.services.packages import read_packages
from venv_tui.services.site import open_site


def listing(env: str) -> dict[str, str]:
    return {d.name: d.version for d in read_packages(open_site(env)).distributions}


def pip_list(env: str) -> dict[str, str]:
    import json

    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", story.env_python(env), "list", "--format=json"],
        capture_output=True,
        text=True,
        env=story.clean_pip_env(),
        check=True,
    )
    return {p["name"]: p["version"] for p in json.loads(done.stdout)}


def pip_children(env: str) -> list[int]:
    """Processes whose command line names pip and this environment (Linux /proc)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if " pip " in cmdline and env in cmdline:
            found.append(int(pid))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finding pip's process needs /proc")
def test_pip_killed_half_way_leaves_a_readable_environment(tmp_path: Path, story_wheels: str) -> None:
    env = story.make_venv(str(tmp_path / "env"))
    other = story.make_venv(str(tmp_path / "other"))
    story.pip_install_offline(env, story_wheels, ["A==1.0.0"])
    story.pip_install_offline(other, story_wheels, ["B==2.1.3"])
    other_before = listing(other)
    killed = threading.Event()

    def kill_on_first_line(line: str) -> None:
        if killed.is_set():
            return
        for pid in pip_children(env):
            try:
                os.kill(pid, signal.SIGKILL)
                killed.set()
            except ProcessLookupError:
                pass

    result = run_pip(
        env,
        "install",
        ["A==2.1.0", "B==4.1.0"],
        on_line=kill_on_first_line,
        extra_args=["--no-index", "--find-links", story_wheels],
    )
    assert killed.is_set(), "the test found pip's process"
    assert not result.ok and result.returncode is not None and result.returncode < 0
    # Whatever pip managed before it died, the disk reads consistently and as pip sees it.
    assert listing(env) == pip_list(env)
    assert listing(env).get("A") in {"1.0.0", "2.1.0"}
    assert listing(other) == other_before, "nothing else changed"
    # And the environment still takes a clean install afterwards.
    again = run_pip(
        env, "install", ["A==2.1.0", "B==4.1.0"], extra_args=["--no-index", "--find-links", story_wheels]
    )
    assert again.ok, again.error_lines
    assert listing(env) == {"A": "2.1.0", "B": "4.1.0"}


def _env_on_removable_base(tmp_path: Path) -> tuple[Path, Path]:
    """A venv made through a symlinked interpreter in a folder the test can delete."""
    base = tmp_path / "base" / "bin"
    base.mkdir(parents=True)
    os.symlink(os.path.realpath(sys.executable), base / "python3")
    env = tmp_path / "env"
    subprocess.run(
        [str(base / "python3"), "-m", "venv", "--without-pip", str(env)],
        check=True,
        env=story.clean_pip_env(),
        capture_output=True,
    )
    return env, base.parent


def test_base_interpreter_removed_then_rebuilt(tmp_path: Path, story_wheels: str) -> None:
    env, base = _env_on_removable_base(tmp_path)
    story.pip_install_offline(str(env), story_wheels, ["A==1.5.7"])
    assert inspect_environment(str(env)).health == "ok"

    shutil.rmtree(base)

    broken = inspect_environment(str(env))
    assert broken.health == "broken"
    assert broken.problem is not None and "no longer exists" in broken.problem
    assert str(base / "bin") in broken.problem
    site = open_site(str(env))
    assert site.problem and "no longer exists" in site.problem
    # What it holds can still be read, which is what a rebuild needs.
    assert listing(str(env)) == {"A": "1.5.7"}

    result = rebuild_environment(
        str(env), python=sys.executable, extra_args=["--no-index", "--find-links", story_wheels]
    )
    assert result.ok, result.error_lines
    healed = inspect_environment(str(env))
    assert healed.health == "ok", healed.problem
    assert listing(str(env)) == {"A": "1.5.7"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env"], "no old copy is left behind"


def test_an_environment_removed_between_two_reads(tmp_path: Path) -> None:
    env = story.make_venv(str(tmp_path / "env"))
    keep = story.make_venv(str(tmp_path / "keep"))
    services = Services(
        environ={"HOME": str(tmp_path / "home"), "PATH": os.environ.get("PATH", "")}, cwd=str(tmp_path)
    )
    found = {e.path for e in services.environments([str(tmp_path)])}
    assert {env, keep} <= found
    shutil.rmtree(env)
    assert {e.path for e in services.environments([str(tmp_path)])} >= {keep}
    assert env not in {e.path for e in services.environments([str(tmp_path)])}
    with pytest.raises(BadInput, match="does not exist"):
        services.packages(env)
