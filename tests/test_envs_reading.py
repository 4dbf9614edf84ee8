"""How ``envs`` reads the house: its command line without argparse, each floor's real path from
the walk, facts a search shares read once per search (and again by the next), the floor's own
listing reused, and a light process (no argparse, dataclasses, typing, json, hashlib).

Real folders throughout: venvs made by ``python -m venv`` and floors written by hand where a
base interpreter's files must change under the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Hermetic

from venv_tui.cli import command, main
from venv_tui.services import Services, layout, story
from venv_tui.services.discover.walk import walk_floors

pytestmark = pytest.mark.services


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the command line, read without argparse ---------------------------------------------------


@pytest.mark.parametrize(
    "argv", [["envs", "--root"], ["envs", "--root=a"], ["envs", "--sizes", "x"], ["pythons", "--jso"]]
)
def test_the_rest_goes_to_argparse(argv: list[str]) -> None:
    quick = command(argv[0]).quick
    assert quick is not None and quick.parse(argv[1:]) is None


def test_an_unknown_sort_gets_argparse_s_own_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "envs", "--sort", "bogus")
    assert code == 2 and out == ""
    assert "argument --sort: invalid choice: 'bogus' (choose from 'name', 'size', 'age', 'python')" in err


# -- real paths from the walk ----------------------------------------------------------------------


def test_a_root_named_through_a_link_lists_each_floor_under_its_real_folder(
    capsys: pytest.CaptureFixture[str], hermetic: Hermetic, tmp_path: Path
) -> None:
    real_root = tmp_path / "real" / "projects"
    floor = story.make_venv(str(real_root / "app" / ".venv"))
    link = tmp_path / "link"
    link.symlink_to(real_root)
    code, out, err = run(capsys, "envs", "--root", str(link), "--json")
    assert code == 0, err
    listed = [e for e in json.loads(out)["environments"] if e["path"].startswith(str(tmp_path))]
    assert [e["path"] for e in listed] == [os.path.realpath(floor)]
    assert listed[0]["aliases"] == [str(link / "app" / ".venv")]


def test_the_walk_knows_real_paths_and_leaves_links_to_be_resolved(tmp_path: Path) -> None:
    floor = story.make_venv(str(tmp_path / "tree" / "a" / "env"))
    (tmp_path / "tree" / "b").symlink_to(tmp_path / "elsewhere")
    other = story.make_venv(str(tmp_path / "elsewhere" / "env"))
    found = {path: (real, listing) for path, real, listing in walk_floors(str(tmp_path / "tree"), 3)}
    real, listing = found[floor]
    assert real == os.path.realpath(floor)
    # The floor's own listing comes along, and reads as the folder's own.
    assert listing is not None
    assert layout.venv_site_dirs(floor, listing) == layout.venv_site_dirs(floor)
    # Reached through a link: the walk does not guess its real path.
    assert found[str(tmp_path / "tree" / "b" / "env")][0] is None
    assert os.path.realpath(str(tmp_path / "tree" / "b" / "env")) == os.path.realpath(other)


def test_a_lib64_that_is_its_own_folder_is_read_too(tmp_path: Path) -> None:
    floor = story.make_venv(str(tmp_path / "env"))
    short = f"{sys.version_info[0]}.{sys.version_info[1]}"
    lib64 = Path(floor) / "lib64"
    if lib64.is_symlink():
        lib64.unlink()
    (lib64 / f"python{short}" / "site-packages").mkdir(parents=True)
    site = Services().floor(floor).site
    assert os.path.join(floor, "lib64", f"python{short}", "site-packages") in site.own_dirs
    assert os.path.join(floor, "lib", f"python{short}", "site-packages") in site.own_dirs


def test_a_venv_s_lib64_link_is_not_read_twice(tmp_path: Path) -> None:
    floor = story.make_venv(str(tmp_path / "env"))
    lib64 = Path(floor) / "lib64"
    if not lib64.exists():
        lib64.symlink_to("lib")
    short = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert [d for _, d in layout.venv_site_dirs(floor)] == [
        os.path.join(floor, "lib", f"python{short}", "site-packages")
    ]


# -- what a search learns once, the next search learns again -------------------------------------


def _hand_made_base(root: Path, short: str, release: str) -> Path:
    """A base interpreter's files as far as a floor looks: bin/python3.X and the C header that
    says its release (an executable that is never run)."""
    exe = root / "bin" / f"python{short}"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    header = root / "include" / f"python{short}" / "patchlevel.h"
    header.parent.mkdir(parents=True)
    header.write_text(f'#define PY_VERSION_HEX 0\n#define PY_VERSION      "{release}"\n')
    return exe


def _hand_made_floor(folder: Path, exe: Path, short: str, release: str) -> str:
    """A venv as ``python -m venv`` lays it out: python -> python3.X -> the base, by name then
    by absolute path."""
    (folder / "bin").mkdir(parents=True)
    (folder / "lib" / f"python{short}" / "site-packages").mkdir(parents=True)
    (folder / "bin" / f"python{short}").symlink_to(exe)
    (folder / "bin" / "python").symlink_to(f"python{short}")
    (folder / "pyvenv.cfg").write_text(
        f"home = {exe.parent}\ninclude-system-site-packages = false\nversion = {release}\n"
    )
    return str(folder)


def test_a_base_upgraded_between_two_searches_is_seen_by_the_second(tmp_path: Path) -> None:
    exe = _hand_made_base(tmp_path / "base", "3.99", "3.99.1")
    root = tmp_path / "floors"
    floors = [_hand_made_floor(root / name, exe, "3.99", "3.99.1") for name in ("one", "two")]
    services = Services()
    first = {e.path: (e.health, e.problem) for e in services.environments([str(root)])}
    assert [first[f] for f in floors] == [("ok", None), ("ok", None)]
    # The base is upgraded in place (the same path, another patch release).
    header = tmp_path / "base" / "include" / "python3.99" / "patchlevel.h"
    header.write_text('#define PY_VERSION "3.99.2"\n')
    second = {e.path: (e.health, e.problem) for e in services.environments([str(root)])}
    sentence = "its base interpreter is now Python 3.99.2; it was made with Python 3.99.1"
    assert [second[f] for f in floors] == [("stale", sentence), ("stale", sentence)]


def test_a_link_chain_to_a_base_that_is_gone_names_the_first_link(tmp_path: Path) -> None:
    exe = _hand_made_base(tmp_path / "base", "3.99", "3.99.1")
    floor = _hand_made_floor(tmp_path / "floor", exe, "3.99", "3.99.1")
    exe.unlink()
    (tmp_path / "base" / "bin" / "python3").write_text("")  # home stays a folder with a python
    env = Services().environment(floor)
    assert env.health == "broken"
    assert env.problem == (
        f"its python {os.path.join(floor, 'bin', 'python')} points to python3.99, which no longer exists"
    )


# -- a light process --------------------------------------------------------------------------------

PROBE = r"""
import sys
from venv_tui.cli import main
code = main(sys.argv[1:])
names = ("argparse", "dataclasses", "typing", "json", "hashlib", "tempfile", "textual", "packaging")
sys.stderr.write("LOADED:" + ",".join(n for n in names if n in sys.modules) + f"\nCODE:{code}\n")
"""


def test_envs_with_sizes_warm_is_a_light_process(hermetic: Hermetic, tmp_path: Path) -> None:
    root = tmp_path / "floors"
    story.make_venv(str(root / "one"))
    empty = tmp_path / "empty"
    empty.mkdir()

    def loaded() -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "envs", "--root", str(root), "--sizes", "--json"],
            capture_output=True,
            text=True,
            cwd=str(empty),
            timeout=60,
        )
        fields = dict(line.split(":", 1) for line in done.stderr.splitlines() if ":" in line)
        assert fields.get("CODE") == "0", done.stderr
        return fields["LOADED"]

    loaded()  # cold: the sizes are measured and cached
    assert loaded() == ""  # warm: none of them
