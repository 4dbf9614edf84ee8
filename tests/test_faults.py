"""Faults on real environments: pip killed half-way, a base interpreter removed under a live
environment (and rebuilt), an environment removed between two reads. Each leaves what the
user has readable and says what happened in a sentence."""

from __future__ import annotations

import json
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

pytestmark = pytest.mark.services


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


# -- a hostile disk: special files, huge headers, NUL bytes, permissions, control characters -------


RUNNER = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _site(env: str) -> str:
    return os.path.join(env, "lib", f"python{RUNNER}", "site-packages")


def _dist(site: str, name: str, version: str) -> str:
    info = os.path.join(site, f"{name}-{version}.dist-info")
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as fh:
        fh.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return info


def _cli(*argv: str, drop_privileges: bool = False) -> subprocess.CompletedProcess[str]:
    """The real command in a process, bounded in time (a FIFO read would hang it forever)."""
    prefix: list[str] = []
    if drop_privileges and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file permissions cannot be exercised")
        # Root without the capabilities that override file modes: a mode-000 file is refused.
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "venv_tui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_special_files_in_a_floor_are_named_and_never_hang(tmp_path: Path) -> None:
    env = story.make_venv(str(tmp_path / "env"))
    site = _site(env)
    _dist(site, "Good", "1.0")
    os.mkfifo(os.path.join(_dist(site, "Piped", "1.0"), "INSTALLER"))
    os.mkfifo(os.path.join(_dist(site, "Linked", "1.0"), "direct_url.json"))
    fifo_meta = os.path.join(site, "Fifo-1.0.dist-info")
    os.makedirs(fifo_meta)
    os.mkfifo(os.path.join(fifo_meta, "METADATA"))
    os.mkfifo(os.path.join(site, "Dev.egg-link"))
    done = _cli("packages", env, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [p["name"] for p in data["packages"]] == ["Good", "Linked", "Piped"]
    problems = "\n".join(data["problems"])
    assert f"{fifo_meta}: METADATA cannot be read (not a regular file (a named pipe))" in problems
    assert "Dev.egg-link: not a regular file (a named pipe)" in problems


def test_a_nul_byte_in_an_egg_link_hides_nothing_else(tmp_path: Path) -> None:
    env = story.make_venv(str(tmp_path / "env"))
    site = _site(env)
    _dist(site, "Kept", "2.0")
    with open(os.path.join(site, "Bad.egg-link"), "wb") as fh:
        fh.write(b"/some/where\x00/else\n.\n")
    packages = read_packages(open_site(env))
    assert [(d.name, d.version) for d in packages.distributions] == [("Kept", "2.0")]
    [problem] = packages.problems
    assert "Bad.egg-link" in problem and "NUL byte" in problem


def test_a_name_after_a_huge_header_line_gets_a_true_message(tmp_path: Path) -> None:
    env = story.make_venv(str(tmp_path / "env"))
    info = os.path.join(_site(env), "Huge-1.0.dist-info")
    os.makedirs(info)
    with open(os.path.join(info, "METADATA"), "wb") as fh:
        fh.write(b"Metadata-Version: 2.1\nX-Filler: " + b"x" * (50 * 1024 * 1024) + b"\nName: Huge\nVersion: 1.0\n")
    packages = read_packages(open_site(env))
    assert packages.distributions == ()
    [problem] = packages.problems
    assert "has no end to its headers within the first 4 MiB" in problem
    assert "has no Name field" not in problem


def test_control_characters_from_disk_are_shown_escaped(tmp_path: Path) -> None:
    root = tmp_path / "floors"
    env = story.make_venv(str(root / "env"))
    cfg = os.path.join(env, "pyvenv.cfg")
    with open(cfg, "a", encoding="utf-8") as fh:
        fh.write("prompt = evil\x1b]0;owned\x07\n")
    info = os.path.join(_site(env), "Evil-1.0.dist-info")
    os.makedirs(info)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as fh:
        fh.write("Name: Evil\x1b[2J\nVersion: 1.0\n")
    envs = _cli("envs", "--root", str(root))
    packages = _cli("packages", env)
    for done in (envs, packages):
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "evil\\x1b]0;owned\\x07" in envs.stdout
    assert "Evil\\x1b[2J" in packages.stdout


def test_unreadable_places_say_permission_denied(tmp_path: Path) -> None:
    root = tmp_path / "floors"
    readable = story.make_venv(str(root / "a-readable"))
    locked = story.make_venv(str(root / "b-locked"))
    closed_cfg = story.make_venv(str(root / "c-closed-cfg"))
    os.chmod(os.path.join(closed_cfg, "pyvenv.cfg"), 0)
    os.chmod(locked, 0)
    try:
        done = _cli("envs", "--root", str(root), "--json", drop_privileges=True)
        assert done.returncode == 0, done.stderr
        by_path = {e["path"]: e for e in json.loads(done.stdout)["environments"]}
        assert by_path[readable]["health"] == "ok"
        assert by_path[locked]["health"] == "broken"
        assert by_path[locked]["problem"] == f"{locked} cannot be read (permission denied)"
        assert by_path[closed_cfg]["health"] == "broken"
        assert by_path[closed_cfg]["problem"] == "pyvenv.cfg cannot be read (permission denied)"
        named = _cli("packages", locked, drop_privileges=True)
        assert named.returncode == 2
        assert f"{locked}: cannot be read (permission denied)" in named.stderr
    finally:
        os.chmod(locked, 0o755)
