"""Every action headless: install, uninstall, upgrade, rebuild, delete — real pip, offline
wheels, the same validation as the app, pip's output on stderr and the result as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from venv_tui.cli import main
from venv_tui.services import Services, story

pytestmark = pytest.mark.services

if TYPE_CHECKING:
    from conftest import Hermetic


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def installed(floor: str) -> dict[str, str]:
    return {d.name: d.version for d in Services().packages(floor).distributions}


def test_install_upgrade_uninstall_offline(capsys, make_venv, story_wheels: str) -> None:
    floor = make_venv("changed")
    offline = ["--no-index", "--find-links", story_wheels]
    code, out, err = run(capsys, "install", floor, "A==1.5.7", *offline, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True and data["returncode"] == 0 and data["error_lines"] == []
    assert data["action"] == "install" and data["requirements"] == ["A==1.5.7"]
    assert "A-1.5.7" in err or "a-1.5.7" in err.lower()  # pip's own output went to stderr
    assert installed(floor) == {"A": "1.5.7"}

    code, out, err = run(capsys, "upgrade", floor, "A", *offline, "--json")
    assert code == 0, err
    assert installed(floor) == {"A": "2.1.0", "B": "4.1.0"}

    code, out, err = run(capsys, "uninstall", floor, "A", "B")
    assert code == 0, err
    assert installed(floor) == {}
    assert "Uninstalled A B" in out


def test_a_failed_install_is_exit_1_with_the_error_lines(capsys, make_venv, story_wheels: str) -> None:
    floor = make_venv("failing")
    code, out, _ = run(capsys, "install", floor, "A>=9", "--no-index", "--find-links", story_wheels, "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and data["returncode"] not in (0, None)
    assert data["error"] == data["error_lines"][-1]
    assert any("A>=9" in line or "matching distribution" in line for line in data["error_lines"])
    assert installed(floor) == {}


@pytest.mark.parametrize(
    "bad", ["-e .", "--index-url=http://127.0.0.1:9/", "-r", "A>>1", "../project", "A; rm -rf ~"]
)
def test_nothing_starting_with_a_dash_or_invalid_reaches_pip(capsys, make_venv, bad: str) -> None:
    floor = make_venv("guarded")
    code, out, err = run(capsys, "install", floor, "--no-index", "--", bad)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""


def test_empty_index_values_and_missing_env_are_bad_input(capsys, make_venv) -> None:
    floor = make_venv("index")
    assert run(capsys, "install", floor, "A", "--index-url", "")[0] == 2
    code, _, err = run(capsys, "install", floor, "A", "--find-links=--no-deps")
    assert code == 2 and "--find-links needs a URL or a folder" in err
    code, _, err = run(capsys, "install", os.path.join(floor, "missing"), "A")
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, "install", "", "A")
    assert code == 2 and "empty path" in err


def test_rebuild_keeps_the_packages(capsys, make_venv, story_wheels: str) -> None:
    floor = make_venv("rebuilt")
    story.pip_install_offline(floor, story_wheels, ["A==1.5.7"])
    before = os.stat(os.path.join(floor, "pyvenv.cfg")).st_ino
    python = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    code, out, err = run(
        capsys, "rebuild", floor, "--python", python, "--no-index", "--find-links", story_wheels, "--json"
    )
    assert code == 0, err
    assert json.loads(out)["ok"] is True
    assert installed(floor) == {"A": "1.5.7"}
    assert os.stat(os.path.join(floor, "pyvenv.cfg")).st_ino != before  # a new floor, not patched


def test_delete_without_a_terminal_refuses(capsys, make_venv) -> None:
    floor = make_venv("doomed")
    code, out, err = run(capsys, "delete", floor)
    assert code == 2 and "--yes" in err
    assert os.path.isdir(floor)
    done = subprocess.run(
        [sys.executable, "-m", "venv_tui", "delete", floor],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--yes" in done.stderr
    assert os.path.isdir(floor)
    code, out, err = run(capsys, "delete", floor, "--yes", "--json")
    assert code == 0, err
    assert json.loads(out) == {"path": floor, "deleted": True, "links": [], "kept": []}
    assert not os.path.exists(floor)


def test_delete_refuses_what_is_not_a_floor_and_links(capsys, make_venv, tmp_path) -> None:
    floor = make_venv("linked")
    link = str(tmp_path / "link")
    os.symlink(floor, link)
    code, _, err = run(capsys, "delete", link, "--yes")
    assert code == 2 and "symbolic link" in err
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "keep.txt").write_text("mine")
    code, _, err = run(capsys, "delete", str(plain), "--yes")
    assert code == 2
    assert (plain / "keep.txt").read_text() == "mine"
    assert os.path.isdir(floor)


def test_delete_a_pyenv_virtualenv_floor_takes_its_link(capsys, hermetic: Hermetic) -> None:
    versions = os.path.join(os.environ["PYENV_ROOT"], "versions")
    real = story.make_venv(os.path.join(versions, "3.11.99", "envs", "proj"))
    link = os.path.join(versions, "proj")
    os.symlink(real, link)
    code, out, err = run(capsys, "delete", real, "--yes", "--json")
    assert code == 0, err
    assert json.loads(out)["links"] == [link]
    assert not os.path.lexists(real) and not os.path.lexists(link)
    assert os.path.isdir(os.path.join(versions, "3.11.99", "envs"))


def _on_a_terminal(argv: list[str], answer: bytes) -> subprocess.CompletedProcess[str]:
    """Run the real command with a pseudo-terminal as its stdin and type ``answer``."""
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, answer)
        return subprocess.run(
            [sys.executable, "-m", "venv_tui", *argv],
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(master)
        os.close(slave)


def test_delete_asks_on_a_terminal(make_venv) -> None:
    floor = make_venv("asked")
    done = _on_a_terminal(["delete", floor], b"n\n")
    assert done.returncode == 0, done.stderr
    assert floor in done.stderr and "[y/N]" in done.stderr
    assert "nothing was deleted" in done.stderr
    assert os.path.isdir(floor)
    done = _on_a_terminal(["delete", floor], b"y\n")
    assert done.returncode == 0, done.stderr
    assert not os.path.exists(floor)
