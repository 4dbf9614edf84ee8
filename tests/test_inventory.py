"""The house at a glance: sizes as du counts them (hard links once), the cache, last use from
access times, who stands on which interpreter, where a package is, sort and filter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from venv_tui.cli import main
from venv_tui.model import Environment, Interpreter
from venv_tui.services import Services, sizes, story
from venv_tui.services.inventory import filter_floors, floors_by_interpreter, sort_floors
from venv_tui.services.story import House

pytestmark = pytest.mark.services

if TYPE_CHECKING:
    from conftest import Hermetic

needs_du = pytest.mark.skipif(shutil.which("du") is None, reason="this machine has no du to compare with")
needs_cp = pytest.mark.skipif(shutil.which("cp") is None, reason="this machine has no cp for cp -al")


def du(*paths: str) -> int:
    """What GNU du says, in bytes, for all ``paths`` together (each inode once, one file system)."""
    done = subprocess.run(
        ["du", "-s", "-x", "-B1", "-c", *paths], capture_output=True, text=True, check=True, timeout=60
    )
    return int(done.stdout.splitlines()[-1].split()[0])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fill(floor: str, files: int = 20, size: int = 5000) -> None:
    """Give a floor some bytes: a package with modules of ``size`` bytes in its site folder."""
    site = site_dir(floor)
    pkg = os.path.join(site, "filler")
    os.makedirs(pkg, exist_ok=True)
    for n in range(files):
        with open(os.path.join(pkg, f"m{n}.py"), "w") as fh:
            fh.write("x" * size)


def site_dir(floor: str) -> str:
    lib = os.path.join(floor, "lib")
    (name,) = [n for n in os.listdir(lib) if n.startswith("python")]
    return os.path.join(lib, name, "site-packages")


# -- sizes ------------------------------------------------------------------------------------


@needs_du
def test_size_is_what_du_counts(make_venv) -> None:
    floor = make_venv("sized")
    fill(floor)
    os.link(os.path.join(site_dir(floor), "filler", "m0.py"), os.path.join(floor, "twice.py"))
    measured = sizes.measure(floor)
    assert measured.size == du(floor)
    assert measured.freed == measured.size  # every link of the shared file lies inside


@needs_du
def test_only_the_named_entries(make_venv) -> None:
    """What a delete removes from a folder that also holds a project: its own entries only."""
    floor = make_venv("project")
    with open(os.path.join(floor, "notes.txt"), "wb") as fh:
        fh.write(b"\1" * 300_000)
    own = [n for n in os.listdir(floor) if n != "notes.txt"]
    measured = sizes.measure(floor, only=own)
    assert measured.size == du(*(os.path.join(floor, n) for n in own))
    assert measured.size + 300_000 < sizes.measure(floor).size


@needs_du
def test_symlinks_are_not_followed(make_venv, tmp_path) -> None:
    floor = make_venv("linking")
    big = tmp_path / "outside.bin"
    big.write_bytes(b"\1" * 2_000_000)
    os.symlink(big, os.path.join(floor, "big-link"))
    os.symlink(tmp_path, os.path.join(floor, "folder-link"))
    measured = sizes.measure(floor)
    assert measured.size == du(floor)
    assert measured.size < 1_000_000


@needs_du
def test_another_file_system_inside_is_not_counted(make_venv) -> None:
    floor = make_venv("mounted")
    inner = os.path.join(floor, "mnt")
    os.mkdir(inner)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "venv-tui-test", inner], capture_output=True, timeout=30
    )
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs needs a privilege this test does not have")
    try:
        with open(os.path.join(inner, "big.bin"), "wb") as fh:
            fh.write(b"\1" * 4_000_000)
        measured = sizes.measure(floor)
        assert measured.size == du(floor)
        assert measured.size < 2_000_000
    finally:
        subprocess.run(["umount", inner], check=True, timeout=30)


@needs_du
@needs_cp
def test_hard_linked_copies_count_once_and_free_little(make_venv, tmp_path) -> None:
    first = make_venv("first")
    fill(first, files=30, size=20000)
    second = str(tmp_path / "second")
    subprocess.run(["cp", "-al", first, second], check=True, timeout=60)
    a, b = sizes.measure(first), sizes.measure(second)
    assert a.size == du(first) and b.size == du(second)
    assert sizes.total_size([a, b]) == du(first, second)
    # Deleting one copy frees only what is not linked from the other: folders and symlinks.
    assert a.freed < a.size // 4
    assert sizes.freed_by([a, b]) == du(first, second)


def test_cache_answers_until_a_package_changes(make_venv, story_wheels: str) -> None:
    floor = make_venv("cached")
    services = Services()
    cold = services.floor_sizes([floor])[floor]
    warm = services.floor_sizes([floor])[floor]
    assert not cold.cached and warm.cached
    assert warm.size == cold.size
    story.pip_install_offline(floor, story_wheels, ["A==1.0.0"])
    after = services.floor_sizes([floor])[floor]
    assert not after.cached
    assert after.size > cold.size
    assert after.size == sizes.measure(floor).size


def test_a_moved_floor_is_measured_again(make_venv, tmp_path) -> None:
    floor = make_venv("before")
    fill(floor)
    services = Services()
    first = services.floor_sizes([floor])[floor]
    moved = str(tmp_path / "after")
    os.rename(floor, moved)
    again = services.floor_sizes([moved])[moved]
    assert not again.cached
    assert again.path == os.path.realpath(moved)
    assert again.size == first.size


def test_a_broken_cache_is_only_a_cache(make_venv) -> None:
    floor = make_venv("recache")
    cache = os.path.join(os.environ["VENV_TUI_CACHE_DIR"], sizes.CACHE_NAME)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache, "w") as fh:
        fh.write("{not json")
    measured = Services().floor_sizes([floor])[floor]
    assert not measured.cached and measured.size > 0
    assert Services().floor_sizes([floor])[floor].cached  # rewritten whole


def test_the_inspection_s_site_folders_give_the_same_stamp(make_venv, story_wheels: str) -> None:
    """envs hands the sizes the site folders its inspection found (nothing is listed again);
    the app and clean find them from the layout: both stamps are one, so each answers from the
    other's cache, and installing a package changes both."""
    floor = os.path.realpath(make_venv("stamped"))
    services = Services()
    (found,) = [f for f in services.floors([os.path.dirname(floor)]) if f.environment.path == floor]
    own = {floor: found.site.own_dirs}
    assert sizes.stamp(floor, own[floor]) == sizes.stamp(floor)
    cold = services.floor_sizes([floor], site_dirs=own)[floor]
    assert not cold.cached
    assert services.floor_sizes([floor])[floor].cached
    assert services.floor_sizes([floor], site_dirs=own)[floor].cached
    story.pip_install_offline(floor, story_wheels, ["B==2.1.3"])
    after = services.floor_sizes([floor], site_dirs=own)[floor]
    assert not after.cached and after.size > cold.size
    assert services.floor_sizes([floor])[floor].cached


def test_a_floor_made_on_windows_is_stamped_by_its_scripts_and_site(tmp_path) -> None:
    floor = tmp_path / "winfloor"
    (floor / "Scripts").mkdir(parents=True)
    (floor / "Lib" / "site-packages").mkdir(parents=True)
    (floor / "pyvenv.cfg").write_text("home = C:\\Python312\nversion = 3.12.1\n")
    first = sizes.stamp(str(floor))
    # floor, no bin (-1), Scripts, no lib (-1; the same folder where names ignore case), the site
    assert len(first) == 5 and first[1] == -1 and first[2] >= 0 and first[4] >= 0
    os.utime(floor / "Lib" / "site-packages", ns=(1, 1))
    assert sizes.stamp(str(floor))[-1] == 1


def test_an_old_python_folder_removed_is_measured_again(make_venv) -> None:
    """A venv upgraded in place keeps lib/pythonX.Y of its old Python, which its interpreter no
    longer reads (not among the inspection's site folders): removing it still changes the stamp."""
    floor = os.path.realpath(make_venv("upgraded"))
    old = os.path.join(floor, "lib", "python3.0", "site-packages")
    os.makedirs(os.path.join(old, "leftover"))
    for n in range(5):
        with open(os.path.join(old, "leftover", f"m{n}.py"), "w") as fh:
            fh.write("x" * 50000)
    services = Services()
    (found,) = [f for f in services.floors([os.path.dirname(floor)]) if f.environment.path == floor]
    assert old not in found.site.own_dirs
    own = {floor: found.site.own_dirs}
    before = services.floor_sizes([floor], site_dirs=own)[floor]
    shutil.rmtree(os.path.dirname(old))
    after = services.floor_sizes([floor], site_dirs=own)[floor]
    assert not after.cached and after.size < before.size


def test_the_total_s_key_is_the_same_in_every_process(make_venv) -> None:
    """The remembered total of a set of floors is found by a key that no per-process random
    seed changes (string hashes have one)."""
    floor = make_venv("keyed")
    measured = list(Services().floor_sizes([floor]).values())
    here = sizes._set_key(measured)
    probe = (
        "import sys; from venv_tui.services import sizes; "
        "f = sizes.FloorSize(sys.argv[1], 0, stamp=tuple(int(n) for n in sys.argv[2:])); "
        "print(sizes._set_key([f]))"
    )
    keys = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", probe, measured[0].path, *map(str, measured[0].stamp)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        keys.add(done.stdout.strip())
    assert keys == {here}
    other = sizes.FloorSize(measured[0].path, 0, stamp=(*measured[0].stamp[:-1], measured[0].stamp[-1] + 1))
    assert sizes._set_key([other]) != here


def test_envs_leaves_the_garbage_collector_as_it_found_it(capsys, hermetic: Hermetic) -> None:
    import gc

    story.make_venv(os.path.join(hermetic.root, "floors", "one"))
    root = os.path.join(hermetic.root, "floors")
    assert gc.isenabled()
    assert run(capsys, "envs", "--root", root, "--json")[0] == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert run(capsys, "envs", "--root", root, "--json")[0] == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


@needs_du
def test_envs_sizes_json(capsys, hermetic: Hermetic, make_venv) -> None:
    root = os.path.join(hermetic.root, "floors")
    os.makedirs(root)
    one = story.make_venv(os.path.join(root, "one"))
    fill(one, files=40, size=9000)
    two = os.path.join(root, "two")
    subprocess.run(["cp", "-al", one, two], check=True, timeout=60)
    code, out, err = run(capsys, "envs", "--root", root, "--sizes", "--json")
    assert code == 0, err
    data = json.loads(out)
    by_path = {e["path"]: e for e in data["environments"]}
    assert by_path[one]["size"] == du(one)
    assert by_path[two]["size"] == du(two)
    assert data["total_size"] == du(one, two)
    # Without --sizes: the keys are there, null.
    code, out, _ = run(capsys, "envs", "--root", root, "--json")
    data = json.loads(out)
    assert data["total_size"] is None
    for env in data["environments"]:
        assert env["size"] is None
        assert env["note"] is None and env["keep"] is False
        assert "last_used" in env


def test_envs_sizes_text_sorted_largest_first(capsys, hermetic: Hermetic) -> None:
    root = os.path.join(hermetic.root, "floors")
    small = story.make_venv(os.path.join(root, "small"))
    large = story.make_venv(os.path.join(root, "large"))
    fill(large, files=50, size=20000)
    code, out, _ = run(capsys, "envs", "--root", root, "--sizes", "--sort", "size")
    assert code == 0
    lines = [line for line in out.splitlines() if line.rstrip().endswith((small, large))]
    assert lines[0].endswith(large) and lines[1].endswith(small)
    assert "MiB" in lines[0] or "KiB" in lines[0]
    assert "in all" in out


# -- last used ----------------------------------------------------------------------------------


def _pyc(floor: str, package: str = "filler") -> str:
    cache = os.path.join(site_dir(floor), package, "__pycache__")
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, f"__init__.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc")
    with open(path, "wb") as fh:
        fh.write(b"\0" * 16)
    return path


def test_last_used_is_the_newest_access_of_what_runs(make_venv) -> None:
    floor = make_venv("used")
    fill(floor, files=1)
    old, new = 1_600_000_000, 1_700_000_000
    pyc = _pyc(floor)
    os.utime(pyc, (old, old))
    script = os.path.join(floor, "bin", "robot")
    with open(script, "w") as fh:
        fh.write("#!/bin/sh\n")
    os.chmod(script, 0o755)
    os.utime(script, (new, new))
    services = Services()
    assert services.last_used(floor) == new
    os.utime(script, (old - 5, old - 5))
    assert services.last_used(floor) == old
    # activate scripts are sourced by shells, not run by Python: they tell nothing.
    os.utime(os.path.join(floor, "bin", "activate"), (new + 99, new + 99))
    assert services.last_used(floor) == old


def test_last_used_of_a_copied_interpreter(make_venv) -> None:
    floor = make_venv("copies", None, "--copies")
    python = os.path.join(floor, "bin", "python")
    assert not os.path.islink(python)
    os.utime(python, (1_650_000_000, 1_650_000_000))
    for name in os.listdir(os.path.join(floor, "bin")):
        path = os.path.join(floor, "bin", name)
        if path != python and not os.path.islink(path):
            os.utime(path, (1_600_000_000, 1_600_000_000))
    assert Services().last_used(floor) == 1_650_000_000


def test_nothing_to_tell_from_is_null(make_venv, capsys, hermetic: Hermetic) -> None:
    floor = story.make_venv(os.path.join(hermetic.root, "floors", "empty"))
    for name in os.listdir(os.path.join(floor, "bin")):
        path = os.path.join(floor, "bin", name)
        if not os.path.islink(path):
            os.chmod(path, 0o644)  # activate scripts and the like: not run by Python
    code, out, _ = run(capsys, "envs", "--root", os.path.dirname(floor), "--json")
    assert code == 0
    (env,) = json.loads(out)["environments"]
    assert env["last_used"] is None


def test_scanning_never_touches_access_times(capsys, hermetic: Hermetic) -> None:
    """Listing and measuring stat the files; opening one would look like a use (and under
    relatime an access time older than the file's change time always moves on a read)."""
    floor = story.make_venv(os.path.join(hermetic.root, "floors", "quiet"))
    fill(floor, files=3)
    pyc = _pyc(floor)
    watched = [pyc, *(os.path.join(site_dir(floor), "filler", f"m{n}.py") for n in range(3))]
    for path in watched:
        os.utime(path, (1_500_000_000, 1_600_000_000))
    code, out, _ = run(capsys, "envs", "--root", os.path.dirname(floor), "--sizes", "--json")
    assert code == 0
    assert [os.stat(p).st_atime for p in watched] == [1_500_000_000] * len(watched)
    (env,) = json.loads(out)["environments"]
    assert env["last_used"] is not None


# -- who stands on which interpreter ------------------------------------------------------------


def _env(path: str, base: str | None, version: str = "3.11.7", **kw: object) -> Environment:
    values: dict[str, object] = {
        "path": path,
        "name": os.path.basename(path),
        "python_version": version,
        "base_interpreter": base,
        "creator": "venv",
        "system_site_packages": False,
        "health": "ok",
        "problem": None,
        "active": False,
        "source": "root",
    }
    values.update(kw)
    return Environment(**values)  # type: ignore[arg-type]


def test_floors_by_interpreter(tmp_path) -> None:
    bin_dir = tmp_path / "py" / "bin"
    bin_dir.mkdir(parents=True)
    real = bin_dir / "python3.11"
    real.write_text("")
    (bin_dir / "python3").symlink_to("python3.11")
    other = tmp_path / "other" / "python3.12"
    interpreters = [
        Interpreter(str(bin_dir / "python3"), str(real), "3.11.7", "cpython", "pyenv"),
        Interpreter(str(other), str(other), "3.12.1", "cpython", "pyenv"),
    ]
    floors = [
        _env("/f/a", str(bin_dir / "python3")),  # through the link
        _env("/f/b", str(bin_dir / "python3.11")),
        _env("/f/c", str(bin_dir / "python"), version="3.11.2"),  # home + minor version
        _env("/f/d", "/gone/python3.9", version="3.9.1"),
    ]
    standing = floors_by_interpreter(interpreters, floors)
    assert standing == {str(bin_dir / "python3"): ["/f/a", "/f/b", "/f/c"], str(other): []}


def test_pythons_json_lists_the_floors_on_each(capsys, hermetic: Hermetic, monkeypatch) -> None:
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    monkeypatch.setenv("PATH", os.path.dirname(base))
    floor = story.make_venv(os.path.join(hermetic.root, "work", ".venv"))
    code, out, _ = run(capsys, "pythons", "--json")
    assert code == 0
    data = json.loads(out)
    holding = [i for i in data["interpreters"] if floor in i["environments"]]
    assert len(holding) == 1
    assert os.path.realpath(holding[0]["path"]) == base
    code, out, _ = run(capsys, "pythons")
    assert "floors" in out.splitlines()[0]


# -- where --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extras_house(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Two floors with R 2.31; only one also has what R[socks] adds."""
    root = str(tmp_path_factory.mktemp("extras"))
    wheels = os.path.join(root, "wheels")
    story.build_wheel(
        wheels, "R", "2.31.0", ['S>=1; extra == "socks"'], extra_metadata=["Provides-Extra: socks"]
    )
    story.build_wheel(wheels, "S", "1.7.1")
    floors = {}
    for name, reqs in (("with-socks", ["R", "S"]), ("plain", ["R"])):
        path = story.make_venv(os.path.join(root, "floors", name))
        story.pip_install_offline(path, wheels, reqs)
        floors[name] = path
    floors["root"] = os.path.join(root, "floors")
    return floors


def where(capsys, *argv: str) -> tuple[int, list[tuple[str, str]]]:
    code, out, err = run(capsys, "where", *argv, "--json")
    assert out, err
    data = json.loads(out)
    assert data["spec"] == argv[0]
    return code, sorted((e["path"], e["version"]) for e in data["environments"])


def test_where_with_versions(capsys, hermetic: Hermetic, house: House) -> None:
    floors = house.floors
    assert where(capsys, "A", "--root", house.root) == (
        0,
        sorted([(floors[1], "1.0.0"), (floors[2], "1.5.7"), (floors[3], "2.1.0")]),
    )
    assert where(capsys, "A<1.5", "--root", house.root) == (0, [(floors[1], "1.0.0")])
    assert where(capsys, "a>=1.5,<3", "--root", house.root) == (
        0,
        sorted([(floors[2], "1.5.7"), (floors[3], "2.1.0")]),
    )
    assert where(capsys, "B>=5", "--root", house.root) == (1, [])
    assert where(capsys, "no-such-thing", "--root", house.root) == (1, [])


def test_where_with_extras(capsys, hermetic: Hermetic, extras_house: dict[str, str]) -> None:
    root = extras_house["root"]
    assert where(capsys, "R", "--root", root)[1] == sorted(
        [(extras_house["with-socks"], "2.31.0"), (extras_house["plain"], "2.31.0")]
    )
    assert where(capsys, "r[socks]>=2.30", "--root", root) == (0, [(extras_house["with-socks"], "2.31.0")])
    assert where(capsys, "R[socks]>=2.32", "--root", root) == (1, [])


def test_where_text_and_bad_specs(capsys, hermetic: Hermetic, house: House) -> None:
    code, out, _ = run(capsys, "where", "B", "--root", house.root)
    assert code == 0
    assert house.floors[1] in out and house.floors[3] in out and house.floors[2] not in out
    for bad in ("A>>1", "--index-url=x", "", "A @ https://example.invalid/a.whl"):
        code, out, err = run(capsys, "where", bad, "--root", house.root)
        assert code == 2, bad
        assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "spec",
    ["A", "a", "zope.interface", "Zope_Interface", "x--y", "a._-b", "pip", "A1", "1a", "a", "a-", "_a", "a b",
     "A>=1", "a[x]", "a;python_version>'3'", "a @ https://x.invalid/a.whl", "é", "a.", "a,b"],
)
def test_a_bare_name_is_read_as_packaging_reads_it(spec: str) -> None:
    """A bare name skips packaging: only when packaging would read it as that name alone, and
    then with the same canonical name."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    from venv_tui.services.where import canonical, is_bare_name, parse_spec

    try:
        req = Requirement(spec)
    except InvalidRequirement:
        assert not is_bare_name(spec)
        return
    bare = not (req.extras or req.specifier or req.marker or req.url)
    assert is_bare_name(spec) == (bare and str(req) == spec)
    if is_bare_name(spec):
        assert parse_spec(spec) == (str(req), canonicalize_name(req.name))
        assert canonical(spec) == canonicalize_name(spec)


def test_where_json_is_what_json_writes(capsys, hermetic: Hermetic, house: House) -> None:
    """``where --json`` is written without json, byte for byte as ``json.dumps(indent=2,
    ensure_ascii=False)`` writes it: found, not found, and names json must escape."""
    found_code, found_out, _ = run(capsys, "where", "A", "--root", house.root, "--json")
    data = json.loads(found_out)
    assert found_code == 0 and len(data["environments"]) == 3
    assert found_out == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    for spec in ("no-such-thing", "B>=5", 'A ; python_version > "9"'):
        code, out, _ = run(capsys, "where", spec, "--root", house.root, "--json")
        assert code == 1
        assert out == json.dumps({"spec": spec, "environments": []}, indent=2, ensure_ascii=False) + "\n"
    from venv_tui.cli.inventory import _where_json
    from venv_tui.services.where import Found

    odd = [Found('/a "quoted"\\path\n', "é\x1b", "1.0", "A"), Found("/b", "b", "2", "B")]
    expected = {"spec": "x\t", "environments": [{"path": f.path, "name": f.name, "version": f.version} for f in odd]}
    assert _where_json("x\t", odd) == json.dumps(expected, indent=2, ensure_ascii=False)


# -- sort and filter ----------------------------------------------------------------------------


def test_sort_and_filter_floors() -> None:
    floors = [
        _env("/f/b", None, version="3.9.18", creator="virtualenv"),
        _env("/f/a", None, version="3.12.1", health="broken", problem="x"),
        _env("/f/c", None, version="3.11.7", source="pipx"),
    ]
    names = lambda envs: [e.path for e in envs]  # noqa: E731
    assert names(sort_floors(floors, "name")) == ["/f/a", "/f/b", "/f/c"]
    assert names(sort_floors(floors, "python")) == ["/f/a", "/f/c", "/f/b"]
    assert names(sort_floors(floors, "size", sizes={"/f/a": 10, "/f/c": 99})) == ["/f/c", "/f/a", "/f/b"]
    used = {"/f/a": 300.0, "/f/b": 100.0}
    assert names(sort_floors(floors, "age", last_used=used)) == ["/f/c", "/f/b", "/f/a"]
    assert names(filter_floors(floors, health=["broken"])) == ["/f/a"]
    assert names(filter_floors(floors, tool=["virtualenv", "pipx"])) == ["/f/b", "/f/c"]
    assert names(filter_floors(floors, python=["3.11"])) == ["/f/c"]
    assert names(filter_floors(floors, python=["3"], health=["ok"])) == ["/f/b", "/f/c"]
    assert filter_floors(floors, python=["3.1"]) == []  # 3.1 is not 3.12


def test_envs_filter_options(capsys, hermetic: Hermetic, house: House) -> None:
    code, out, _ = run(capsys, "envs", "--root", house.root, "--json", "--health", "ok", "--sort", "name")
    assert code == 0
    paths = [e["path"] for e in json.loads(out)["environments"]]
    assert paths == [house.floors[1], house.floors[2], house.floors[3]]
    code, out, _ = run(capsys, "envs", "--root", house.root, "--json", "--health", "broken")
    assert json.loads(out)["environments"] == []
    code, _, err = run(capsys, "envs", "--health", "sick")
    assert code == 2 and "sick" in err
