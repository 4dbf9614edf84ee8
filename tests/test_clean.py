"""Clean-up on real floors: what matches, what stays, and exactly what is left on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from venv_tui.cli import main
from venv_tui.model import Environment
from venv_tui.services import Services, story
from venv_tui.services.clean import Facts, Filters, Match, delete_floors, parse_age, parse_size, select

pytestmark = pytest.mark.services

if TYPE_CHECKING:
    from conftest import Hermetic

DAY = 86400


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def clean_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "clean", *argv, "--json")
    assert out, err
    return code, json.loads(out), err


def break_floor(floor: str) -> str:
    """Point the floor's pyvenv.cfg at a base interpreter folder that does not exist."""
    cfg = os.path.join(floor, "pyvenv.cfg")
    with open(cfg) as fh:
        lines = [line for line in fh if not line.startswith(("home", "executable", "command"))]
    os.unlink(cfg)  # a new file: a hard-linked copy keeps the old one
    with open(cfg, "w") as fh:
        fh.write("home = /nonexistent/python/bin\n" + "".join(lines))
    return floor


def snapshot(folder: str) -> set[str]:
    """Every path under ``folder`` (links not followed), to compare before and after."""
    found = set()
    cache = os.environ["VENV_TUI_CACHE_DIR"]  # venv-tui's own cache may be written meanwhile
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(top, name)
            if path != cache and not path.startswith(cache + os.sep):
                found.add(path)
    return found


@pytest.fixture
def yard(hermetic: Hermetic) -> dict[str, str]:
    """A root with a healthy floor, a broken floor and a user's file beside them; a broken
    floor outside the root (in WORKON_HOME)."""
    root = os.path.join(hermetic.root, "yard")
    os.makedirs(root)
    healthy = story.make_venv(os.path.join(root, "healthy"))
    broken = break_floor(story.make_venv(os.path.join(root, "broken")))
    outside = break_floor(story.make_venv(os.path.join(os.environ["WORKON_HOME"], "elsewhere")))
    notes = os.path.join(root, "notes.txt")
    with open(notes, "w") as fh:
        fh.write("mine\n")
    return {"root": root, "healthy": healthy, "broken": broken, "outside": outside, "notes": notes}


def test_no_filter_bad_age_bad_size_are_usage_errors(capsys, yard: dict[str, str]) -> None:
    for argv in ([], ["--dry-run"], ["--older-than", "90"], ["--older-than", "3h"], ["--larger-than", "1X"]):
        code, _, err = run(capsys, "clean", "--root", yard["root"], *argv)
        assert code == 2, argv
        assert err.count("\n") == 1 and "Traceback" not in err
    assert os.path.isdir(yard["broken"])


def test_parse_age_and_size() -> None:
    assert parse_age("90d") == 90 * DAY
    assert parse_age("2w") == 14 * DAY
    assert parse_age("1m") == 30 * DAY
    assert parse_age("1Y") == 365 * DAY
    assert parse_size("1G") == 1024**3
    assert parse_size("500M") == 500 * 1024**2
    assert parse_size("1.5K") == 1536
    assert parse_size("4096") == 4096


def test_dry_run_lists_and_keeps_everything(capsys, yard: dict[str, str]) -> None:
    before = snapshot(os.path.dirname(yard["root"]))
    code, data, _ = clean_json(capsys, "--broken", "--root", yard["root"], "--dry-run")
    assert code == 1
    assert [e["path"] for e in data["environments"]] == [yard["broken"]]
    (entry,) = data["environments"]
    assert entry["size"] > 0 and entry["reasons"][0].startswith("broken")
    assert data["total_size"] == entry["size"]
    assert data["deleted"] is None
    assert snapshot(os.path.dirname(yard["root"])) == before
    # Nothing matching: 0.
    code, data, _ = clean_json(capsys, "--broken", "--root", yard["healthy"], "--dry-run")
    assert code == 0 and data["environments"] == []


def test_real_run_removes_exactly_the_matching_floor(capsys, yard: dict[str, str]) -> None:
    base = os.path.dirname(yard["root"])
    before = snapshot(base)
    code, data, err = clean_json(capsys, "--broken", "--root", yard["root"], "--yes")
    assert code == 0, err
    assert data["deleted"] == [yard["broken"]]
    left = snapshot(base)
    assert left == {p for p in before if p != yard["broken"] and not p.startswith(yard["broken"] + os.sep)}
    assert os.path.isdir(yard["outside"])  # broken too, but outside --root
    with open(yard["notes"]) as fh:
        assert fh.read() == "mine\n"


def test_without_a_terminal_and_without_yes_nothing_goes(capsys, yard: dict[str, str]) -> None:
    code, _, err = run(capsys, "clean", "--broken", "--root", yard["root"])
    assert code == 2
    assert "--yes" in err
    assert os.path.isdir(yard["broken"])
    done = subprocess.run(
        [sys.executable, "-m", "venv_tui", "clean", "--broken", "--root", yard["root"]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert os.path.isdir(yard["broken"])


def test_older_than_uses_last_use_and_every_filter_must_hold(capsys, yard: dict[str, str]) -> None:
    now = time.time()
    healthy, broken = yard["healthy"], yard["broken"]
    # healthy: made long ago, but a package of it was imported yesterday.
    os.utime(os.path.join(healthy, "pyvenv.cfg"), (now - 400 * DAY, now - 400 * DAY))
    site = os.path.join(healthy, "lib", os.listdir(os.path.join(healthy, "lib"))[0], "site-packages")
    cache = os.path.join(site, "pkg", "__pycache__")
    os.makedirs(cache)
    pyc = os.path.join(cache, f"__init__.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc")
    open(pyc, "wb").close()
    os.utime(pyc, (now - DAY, now - DAY))
    # broken: made 200 days ago, no use recorded.
    os.utime(os.path.join(broken, "pyvenv.cfg"), (now - 200 * DAY, now - 200 * DAY))
    code, data, _ = clean_json(capsys, "--older-than", "90d", "--root", yard["root"], "--dry-run")
    assert code == 1
    (entry,) = data["environments"]
    assert entry["path"] == broken
    assert entry["reasons"] == ["made 200 days ago, no use recorded"]
    os.utime(pyc, (now - 100 * DAY, now - 100 * DAY))
    code, data, _ = clean_json(capsys, "--older-than", "90d", "--root", yard["root"], "--dry-run")
    assert sorted(e["path"] for e in data["environments"]) == sorted([healthy, broken])
    assert "not used for 100 days" in [r for e in data["environments"] for r in e["reasons"]]
    # Every filter must hold: old and broken is only the broken one; old and huge is none.
    code, data, _ = clean_json(capsys, "--older-than", "90d", "--broken", "--root", yard["root"], "--dry-run")
    assert [e["path"] for e in data["environments"]] == [broken]
    code, data, _ = clean_json(
        capsys, "--older-than", "90d", "--larger-than", "1G", "--root", yard["root"], "--dry-run"
    )
    assert code == 0 and data["environments"] == []


def test_kept_and_active_floors_stay(capsys, yard: dict[str, str], monkeypatch) -> None:
    other = break_floor(story.make_venv(os.path.join(yard["root"], "active")))
    assert run(capsys, "keep", yard["broken"])[0] == 0
    monkeypatch.setenv("VIRTUAL_ENV", other)
    code, data, _ = clean_json(capsys, "--broken", "--root", yard["root"], "--yes")
    assert code == 0
    assert data["environments"] == [] and data["deleted"] == []
    reasons = {s["path"]: s["reason"] for s in data["skipped"]}
    assert reasons == {yard["broken"]: "marked keep", other: "the active environment"}
    assert os.path.isdir(yard["broken"]) and os.path.isdir(other)


def test_the_floor_running_venv_tui_stays(capsys, hermetic: Hermetic) -> None:
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a virtual environment")
    root = os.path.dirname(sys.prefix)
    code, data, _ = clean_json(capsys, "--larger-than", "1K", "--root", root, "--dry-run")
    assert code in (0, 1)
    assert sys.prefix not in [e["path"] for e in data["environments"]]
    assert {"path": os.path.realpath(sys.prefix), "reason": "the environment venv-tui runs in"}.items() <= {
        k: v for s in data["skipped"] if s["path"] == os.path.realpath(sys.prefix) for k, v in s.items()
    }.items()


def test_managed_floors_are_named_with_their_tool(capsys, hermetic: Hermetic) -> None:
    pipx_floor = break_floor(story.make_venv(os.path.join(os.environ["PIPX_HOME"], "venvs", "black")))
    code, data, _ = clean_json(capsys, "--broken", "--root", os.environ["PIPX_HOME"], "--yes")
    assert code == 0 and data["deleted"] == []
    (skipped,) = data["skipped"]
    assert skipped["command"] == "pipx uninstall black"
    assert "pipx uninstall black" in skipped["reason"]
    assert os.path.isdir(pipx_floor)
    code, data, _ = clean_json(
        capsys, "--broken", "--root", os.environ["PIPX_HOME"], "--include-managed", "--yes"
    )
    assert data["deleted"] == [pipx_floor]
    assert not os.path.exists(pipx_floor)


def test_hard_linked_copy_frees_little(capsys, hermetic: Hermetic) -> None:
    root = os.path.join(hermetic.root, "linked")
    first = story.make_venv(os.path.join(root, "first"))
    pkg = os.path.join(first, "lib", os.listdir(os.path.join(first, "lib"))[0], "site-packages", "big")
    os.makedirs(pkg)
    with open(os.path.join(pkg, "data.bin"), "wb") as fh:
        fh.write(os.urandom(3_000_000))
    second = os.path.join(root, "second")
    subprocess.run(["cp", "-al", first, second], check=True, timeout=60)
    break_floor(second)  # writes a new pyvenv.cfg: the only file no longer shared
    code, data, _ = clean_json(capsys, "--broken", "--root", root, "--dry-run")
    assert code == 1
    (entry,) = data["environments"]
    assert entry["size"] > 3_000_000
    assert data["freed"] < 500_000
    code, out, _ = run(capsys, "clean", "--broken", "--root", root, "--dry-run")
    assert "hard-linked" in out


def test_pyenv_virtualenv_floor_goes_with_its_link(capsys, hermetic: Hermetic) -> None:
    versions = os.path.join(os.environ["PYENV_ROOT"], "versions")
    version = os.path.join(versions, "3.11.99")
    os.makedirs(os.path.join(version, "bin"))
    keep_me = os.path.join(version, "bin", "python3.11")
    with open(keep_me, "w") as fh:
        fh.write("")
    real = break_floor(story.make_venv(os.path.join(version, "envs", "old-project")))
    link = os.path.join(versions, "old-project")
    os.symlink(real, link)
    before = snapshot(os.environ["PYENV_ROOT"])
    code, data, err = clean_json(capsys, "--broken", "--root", os.environ["PYENV_ROOT"], "--yes")
    assert code == 0, err
    assert data["deleted"] == [real]
    assert not os.path.lexists(link) and not os.path.lexists(real)
    gone = {p for p in before if p == real or p.startswith(real + os.sep)} | {link}
    assert snapshot(os.environ["PYENV_ROOT"]) == before - gone
    assert os.path.isfile(keep_me)


# -- pure decisions and the delete loop ---------------------------------------------------------


def _env(path: str, **kw: object) -> Environment:
    values: dict[str, object] = {
        "path": path,
        "name": os.path.basename(path),
        "python_version": "3.11.7",
        "base_interpreter": None,
        "creator": "venv",
        "system_site_packages": False,
        "health": "broken",
        "problem": "its base is gone",
        "active": False,
        "source": "root",
    }
    values.update(kw)
    return Environment(**values)  # type: ignore[arg-type]


def test_select_protects_and_explains() -> None:
    floors = [
        Facts(_env("/f/a"), size=10),
        Facts(_env("/f/b"), size=10, keep=True),
        Facts(_env("/f/c", health="ok"), size=10),
        Facts(_env("/f/d", source="uv-tool"), size=10),
        Facts(_env("/f/e"), size=10, refused="is a symbolic link"),
        Facts(_env("/nonexistent-bin/python3", is_venv=False), size=10),
        Facts(_env("/f/g"), size=10),
    ]
    matches = select(
        floors, Filters(broken=True), now=0.0, protected={"/f/g": "the environment venv-tui runs in"}
    )
    got = {m.path: m.skipped for m in matches}
    assert got["/f/a"] is None
    assert got["/f/b"] == "marked keep"
    assert "/f/c" not in got
    assert got["/f/d"] == "managed by uv-tool; remove it with: uv tool uninstall d"
    assert got["/f/e"] == "is a symbolic link"
    assert got["/nonexistent-bin/python3"].startswith("a base interpreter")
    assert got["/f/g"] == "the environment venv-tui runs in"
    with pytest.raises(Exception, match="say what to clean"):
        select(floors, Filters(), now=0.0)


def test_one_failure_does_not_stop_the_rest(make_venv) -> None:
    floors = [make_venv(f"f{n}") for n in range(3)]
    services = Services()

    def delete(path: str) -> None:
        if path == floors[0]:
            raise OSError("the disk said no")
        services.delete(path)

    outcome = delete_floors([Match(p, 1, ("broken",)) for p in floors], delete)
    assert outcome.deleted == (floors[1], floors[2])
    assert outcome.failed == ((floors[0], "the disk said no"),)
    assert os.path.isdir(floors[0]) and not os.path.exists(floors[1]) and not os.path.exists(floors[2])


def test_clean_asks_once_on_a_terminal(yard: dict[str, str]) -> None:
    import pty

    def typed(answer: bytes) -> subprocess.CompletedProcess[str]:
        master, slave = pty.openpty()
        try:
            os.write(master, answer)
            return subprocess.run(
                [sys.executable, "-m", "venv_tui", "clean", "--broken", "--root", yard["root"]],
                stdin=slave,
                capture_output=True,
                text=True,
                timeout=60,
                env=dict(os.environ),
            )
        finally:
            os.close(master)
            os.close(slave)

    done = typed(b"no\n")
    assert done.returncode == 0 and "nothing was deleted" in done.stderr
    assert os.path.isdir(yard["broken"])
    done = typed(b"y\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("[y/N]") == 1
    assert not os.path.exists(yard["broken"]) and os.path.isdir(yard["healthy"])


def test_a_moved_floor_is_stale_and_only_it_matches_stale(capsys, yard: dict[str, str]) -> None:
    moved = os.path.join(yard["root"], "moved")
    made = story.make_venv(os.path.join(os.path.dirname(yard["root"]), "made-here"))
    os.rename(made, moved)
    code, data, _ = clean_json(capsys, "--stale", "--root", yard["root"], "--dry-run")
    assert code == 1
    (entry,) = data["environments"]
    assert entry["path"] == moved
    assert entry["reasons"][0].startswith("stale")
    code, data, _ = clean_json(capsys, "--stale", "--broken", "--root", yard["root"], "--dry-run")
    assert code == 0 and data["environments"] == []  # every filter must hold
