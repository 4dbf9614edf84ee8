"""Outdated packages on the article's floors, against a real index on 127.0.0.1
(tests/indexserver.py) serving wheels the tests write."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from packaging.tags import Tag
from packaging.version import Version

from tests.conftest import isolated_environ, pyenv_python
from tests.indexserver import IndexServer
from tests.osvserver import closed_port_url
from venv_tui.cli import main
from venv_tui.config import cache_dir
from venv_tui.services import Services
from venv_tui.services.index.cache import AnswerCache
from venv_tui.services.index.outdated import Known, installable, newest, outdated
from venv_tui.services.index.tags import FloorPython, floor_python, floor_tags, supported_tags
from venv_tui.services.site import open_site
from venv_tui.services.story import House, build_wheel, make_venv, pip_install_offline

pytestmark = pytest.mark.services


@pytest.fixture
def index(tmp_path: os.PathLike[str], story_wheels: str) -> Iterator[IndexServer]:
    """The story's wheels (A 1.0.0, 1.5.7, 2.1.0; B 2.1.3, 4.1.0) on an index of their own."""
    folder = os.path.join(os.fspath(tmp_path), "index-files")
    shutil.copytree(story_wheels, folder)
    with IndexServer(folder) as server:
        yield server


def add_file(server: IndexServer, filename: str, name: str = "A", version: str = "3.0.0") -> str:
    """A distribution file on the index under ``filename`` (the index only reads the name)."""
    built = build_wheel(os.path.join(server.folder, ".build"), name, version)
    target = os.path.join(server.folder, filename)
    shutil.move(built, target)
    return target


def services() -> Services:
    return Services(environ=dict(os.environ))


def latest(report_floor: object) -> dict[str, str]:
    return {p.name: p.latest for p in report_floor.packages}  # type: ignore[attr-defined]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the decisions ----------------------------------------------------------------------------

PY311 = FloorPython(Version("3.11.7"), "cpython", "cp311")


def test_installable_file_rules() -> None:
    tags = frozenset(supported_tags(PY311, ("manylinux_2_17_x86_64", "linux_x86_64")))
    ok = Known("a-2.0-py3-none-any.whl")
    assert installable(ok, "a", PY311, tags) == Version("2.0")
    assert installable(Known("a-2.0.tar.gz"), "a", PY311, tags) == Version("2.0")  # an sdist builds anywhere
    assert installable(Known("a-2.0-py3-none-any.whl", yanked=True), "a", PY311, tags) is None
    assert installable(Known("a-2.0-py3-none-any.whl", ">=3.12"), "a", PY311, tags) is None
    assert installable(Known("a-2.0-py3-none-any.whl", ">=3.11.7"), "a", PY311, tags) == Version("2.0")
    assert installable(Known("a-2.0-py3-none-any.whl", "not a specifier"), "a", PY311, tags) == Version("2.0")
    assert installable(Known("a-2.0-cp312-cp312-manylinux_2_17_x86_64.whl"), "a", PY311, tags) is None
    assert installable(Known("a-2.0-cp311-cp311-manylinux_2_17_x86_64.whl"), "a", PY311, tags) == Version(
        "2.0"
    )
    assert installable(Known("a-2.0-cp38-abi3-manylinux_2_17_x86_64.whl"), "a", PY311, tags) == Version("2.0")
    assert installable(Known("a-2.0-cp311-cp311-win_amd64.whl"), "a", PY311, tags) is None
    assert installable(Known("a-3.0rc1-py3-none-any.whl"), "a", PY311, tags) is None
    assert installable(Known("a-3.0rc1-py3-none-any.whl"), "a", PY311, tags, pre=True) == Version("3.0rc1")
    assert installable(Known("a-3.0.dev1.tar.gz"), "a", PY311, tags) is None
    assert installable(Known("ab-2.0-py3-none-any.whl"), "a", PY311, tags) is None  # another project
    assert installable(Known("a-2.0.exe"), "a", PY311, tags) is None
    files = [ok, Known("a-10.0-py3-none-any.whl", yanked=True), Known("a-9.0-py3-none-any.whl", ">=4")]
    assert newest(files, "a", PY311, tags) == Version("2.0")


def test_floor_tags_for_other_pythons() -> None:
    platforms = ("manylinux_2_17_x86_64",)
    py37 = set(supported_tags(FloorPython(Version("3.7.16"), "cpython", None), platforms))
    assert Tag("cp37", "cp37m", "manylinux_2_17_x86_64") in py37  # pymalloc's ABI before 3.8
    assert Tag("cp311", "cp311", "manylinux_2_17_x86_64") not in py37
    threaded = set(supported_tags(FloorPython(Version("3.13.0"), "cpython", "cp313t"), platforms))
    assert Tag("cp313", "cp313t", "manylinux_2_17_x86_64") in threaded
    assert Tag("cp313", "cp313", "manylinux_2_17_x86_64") not in threaded
    assert Tag("cp313", "abi3", "manylinux_2_17_x86_64") not in threaded  # abi3 needs the GIL
    pypy = set(supported_tags(FloorPython(Version("3.10.14"), "pypy", "pypy310_pp73"), platforms))
    assert Tag("pp310", "pypy310_pp73", "manylinux_2_17_x86_64") in pypy
    assert Tag("py3", "none", "any") in pypy and Tag("cp310", "cp310", "manylinux_2_17_x86_64") not in pypy


def test_running_interpreter_tags_match_packaging() -> None:
    """For the interpreter running the tests, the tags worked out from the disk are exactly
    what packaging says from inside it."""
    from packaging.tags import sys_tags

    python = floor_python(open_site(sys.executable))
    assert python is not None
    assert python.version == Version(".".join(map(str, sys.version_info[:3])))
    assert frozenset(sys_tags()) == floor_tags(python)


# -- against a real index -----------------------------------------------------------------------


def test_newer_versions_across_floors_one_request_per_name(house: House, index: IndexServer) -> None:
    floors = [house.floors[n] for n in (1, 2, 3)]
    report = services().outdated(floors, index_url=index.url)
    assert report.problem is None
    by_floor = {f.environment: f for f in report.floors}
    assert latest(by_floor[house.floors[1]]) == {"A": "2.1.0", "B": "4.1.0"}
    assert [(p.name, p.version) for p in by_floor[house.floors[1]].packages] == [
        ("A", "1.0.0"),
        ("B", "2.1.3"),
    ]
    assert latest(by_floor[house.floors[2]]) == {"A": "2.1.0"}
    assert latest(by_floor[house.floors[3]]) == {}
    assert all(f.index == index.url and f.cached_at is None for f in report.floors)
    assert index.project_requests("A") == 1 and index.project_requests("B") == 1


@pytest.mark.parametrize("page", ["json", "html"])
def test_requires_python_yanked_and_foreign_tags_are_passed_over(
    house: House, index: IndexServer, page: str
) -> None:
    index.json = page == "json"
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    index.requires_python[os.path.basename(add_file(index, "A-5.0.0-py3-none-any.whl", version="5.0.0"))] = (
        f">{mine}.999"
    )
    index.yanked[os.path.basename(add_file(index, "A-4.0.0-py3-none-any.whl", version="4.0.0"))] = "broken"
    add_file(index, "A-3.5.0-cp27-cp27mu-manylinux1_x86_64.whl", version="3.5.0")
    add_file(index, "A-3.4.0-py3-none-win_arm64.whl", version="3.4.0")
    add_file(index, "A-3.0.0-py2.py3-none-any.whl", version="3.0.0")
    report = services().outdated([house.floors[2]], index_url=index.url)
    assert latest(report.floors[0]) == {"A": "3.0.0"}


def test_wheel_only_for_another_python_counts_on_that_floor(
    tmp_path: os.PathLike[str], house: House, index: IndexServer
) -> None:
    old = pyenv_python("3.7")
    if old is None:
        pytest.skip("this machine has no Python 3.7 to make a floor with")
    floor37 = make_venv(os.path.join(os.fspath(tmp_path), "floor-37"), old)
    pip_install_offline(floor37, house.wheels, ["A==1.5.7"])
    python = floor_python(open_site(floor37))
    assert python is not None and python.abi == "cp37m"  # from its base's _sysconfigdata file
    add_file(index, "A-3.0.0-cp37-cp37m-manylinux2014_x86_64.whl")
    report = services().outdated([floor37, house.floors[2]], index_url=index.url)
    by_floor = {f.environment: f for f in report.floors}
    if sys.platform == "linux" and os.uname().machine == "x86_64":
        assert latest(by_floor[floor37]) == {"A": "3.0.0"}
    assert latest(by_floor[house.floors[2]]) == {"A": "2.1.0"}  # a cp37m wheel is not for this Python


def test_pre_releases_only_when_asked(
    capsys: pytest.CaptureFixture[str], house: House, index: IndexServer
) -> None:
    add_file(index, "A-3.0.0rc1-py3-none-any.whl", version="3.0.0rc1")
    code, out, _ = run(capsys, "outdated", house.floors[3], "--index-url", index.url, "--json")
    assert code == 0 and json.loads(out)["packages"] == []
    code, out, _ = run(capsys, "outdated", house.floors[3], "--index-url", index.url, "--json", "--pre")
    assert code == 1
    assert json.loads(out)["packages"] == [{"name": "A", "version": "2.1.0", "latest": "3.0.0rc1"}]


def test_default_index_is_what_the_floors_pip_uses(
    house: House, index: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    report = services().outdated([house.floors[1]])
    assert report.floors[0].index == index.url
    assert latest(report.floors[0]) == {"A": "2.1.0", "B": "4.1.0"}


def test_find_links_without_index(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str], house: House, story_wheels: str
) -> None:
    folder = os.path.join(os.fspath(tmp_path), "links")
    shutil.copytree(story_wheels, folder)
    code, out, err = run(capsys, "outdated", house.floors[2], "--no-index", "--find-links", folder, "--json")
    assert code == 1, err
    data = json.loads(out)
    assert data["index"] is None and data["find_links"] == [folder]
    assert data["packages"] == [{"name": "A", "version": "1.5.7", "latest": "2.1.0"}]


# -- the CLI contract ---------------------------------------------------------------------------


def test_cli_json_and_exit_status(
    capsys: pytest.CaptureFixture[str], house: House, index: IndexServer
) -> None:
    code, out, err = run(capsys, "outdated", house.floors[1], "--index-url", index.url, "--json")
    assert code == 1, err
    data = json.loads(out)
    assert {"environment", "index", "packages"} <= set(data)
    assert data["environment"] == house.floors[1] and data["index"] == index.url
    assert data["packages"] == [
        {"name": "A", "version": "1.0.0", "latest": "2.1.0"},
        {"name": "B", "version": "2.1.3", "latest": "4.1.0"},
    ]
    code, out, _ = run(capsys, "outdated", house.floors[3], "--index-url", index.url)
    assert code == 0 and "nothing outdated" in out
    code, out, _ = run(capsys, "outdated", house.floors[2], "--index-url", index.url)
    assert code == 1 and "1.5.7 -> 2.1.0" in out


def test_cli_all(tmp_path: os.PathLike[str], house: House, index: IndexServer) -> None:
    env = isolated_environ(tmp_path, PIP_CONFIG_FILE=os.devnull)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "venv_tui",
            "outdated",
            "--all",
            "--root",
            house.root,
            "--index-url",
            index.url,
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=os.fspath(tmp_path),
    )
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    found = {e["environment"]: e["packages"] for e in data["environments"]}
    assert [p["name"] for p in found[house.floors[1]]] == ["A", "B"]
    assert [p["latest"] for p in found[house.floors[2]]] == ["2.1.0"]
    assert found[house.floors[3]] == []
    assert index.project_requests("A") == 1


def test_bad_usage_exits_2(
    capsys: pytest.CaptureFixture[str], house: House, tmp_path: os.PathLike[str]
) -> None:
    assert main(["outdated", house.floors[1], "--all"]) == 2
    assert main(["outdated", house.wheels, "--index-url", closed_port_url()]) == 2
    assert main(["outdated", house.floors[1], "--find-links", os.path.join(os.fspath(tmp_path), "nope")]) == 2
    assert main(["outdated", house.floors[1], "--timeout", "0"]) == 2
    assert main(["outdated", house.floors[1], "--index-url", "pypi.org/simple"]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err


# -- offline --------------------------------------------------------------------------------------


def test_index_down_one_sentence_in_bounded_time(capsys: pytest.CaptureFixture[str], house: House) -> None:
    started = time.monotonic()
    code, out, err = run(
        capsys, "outdated", house.floors[1], "--index-url", closed_port_url() + "/simple", "--json"
    )
    assert time.monotonic() - started < 10
    assert code == 1
    assert "cannot be reached" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "nothing was checked against the index http://127.0.0.1:" in err
    data = json.loads(out)
    assert data["packages"] == [] and data["unchecked"] == ["A", "B"] and data["cached_at"] is None
    assert data["checked"] == 0


def test_index_down_with_some_answers_cached_lists_those(
    capsys: pytest.CaptureFixture[str], house: House, index: IndexServer
) -> None:
    code, _, err = run(capsys, "outdated", house.floors[2], "--index-url", index.url)  # caches A
    assert code == 1, err
    index.down = True
    code, out, err = run(capsys, "outdated", house.floors[1], "--index-url", index.url)
    assert code == 1
    assert "1.0.0 -> 2.1.0" in out  # A, from the cache
    assert "not checked (no answer from the index, nothing cached): B" in out
    assert err.startswith(f"venv-tui: 1 of 2 not checked against the index {index.url}: ")
    assert len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "outdated", house.floors[1], "--index-url", index.url, "--json")
    data = json.loads(out)
    assert data["checked"] == 1 and data["unchecked"] == ["B"] and "1 of 2" in data["problem"]


def test_index_that_drops_connections(
    capsys: pytest.CaptureFixture[str], house: House, index: IndexServer
) -> None:
    index.down = True
    code, _, err = run(capsys, "outdated", house.floors[1], "--index-url", index.url)
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_index_that_never_answers_is_given_up_once(house: House, index: IndexServer) -> None:
    index.delay = 30
    started = time.monotonic()
    report = services().outdated([house.floors[n] for n in (1, 2, 3)], index_url=index.url, timeout=1.0)
    assert time.monotonic() - started < 5
    assert report.problem is not None and "did not answer" in report.problem


def test_index_answers_garbage(capsys: pytest.CaptureFixture[str], house: House, index: IndexServer) -> None:
    index.garbage = b"\x00\x01 this is no project page"
    index.garbage_type = "application/octet-stream"
    code, _, err = run(capsys, "outdated", house.floors[1], "--index-url", index.url)
    assert code == 1
    assert "not a project page" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cache_is_used_and_shown_offline(
    capsys: pytest.CaptureFixture[str], house: House, index: IndexServer
) -> None:
    code, _, _ = run(capsys, "outdated", house.floors[1], "--index-url", index.url)
    assert code == 1 and index.project_requests("A") == 1
    # A second look within index_cache_hours asks nothing.
    code, out, _ = run(capsys, "outdated", house.floors[1], "--index-url", index.url, "--json")
    assert code == 1 and index.project_requests("A") == 1
    assert json.loads(out)["cached_at"] is not None
    # Offline: the cached answers, with their time, and the sentence.
    cache = AnswerCache(cache_dir())
    for name in ("a", "b"):
        path = cache.path(index.url, name)
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
        record["fetched_at"] -= 7 * 3600  # older than the default 6 hours: stale
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
    index.down = True
    code, out, err = run(capsys, "outdated", house.floors[1], "--index-url", index.url, "--json")
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    data = json.loads(out)
    assert [p["latest"] for p in data["packages"]] == ["2.1.0", "4.1.0"]
    assert data["unchecked"] == [] and data["problem"]
    stamp = time.strptime(data["cached_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert time.time() - time.mktime(stamp) + time.timezone > 6 * 3600


def test_cache_lifetime_zero_always_asks(house: House, index: IndexServer) -> None:
    cache = AnswerCache(cache_dir())
    floors = [house.floors[1]]
    svc = services()

    def once() -> None:
        from venv_tui.services.index.pipconf import IndexSettings

        outdated(floors, svc.packages, lambda site: IndexSettings(index_url=index.url), cache=cache, hours=0)

    once()
    once()
    assert index.project_requests("A") == 2


def test_cancel_returns_at_once(house: House, index: IndexServer) -> None:
    index.delay = 30
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    seen: list[tuple[int, int]] = []
    started = time.monotonic()
    report = services().outdated(
        [house.floors[1]],
        index_url=index.url,
        timeout=20,
        cancel=cancel,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert time.monotonic() - started < 3
    assert report.cancelled and seen[0] == (0, 2)


def test_config_index_cache_hours(
    capsys: pytest.CaptureFixture[str], house: House, index: IndexServer
) -> None:
    from venv_tui.config import config_path

    os.makedirs(os.path.dirname(config_path()), exist_ok=True)
    with open(config_path(), "w", encoding="utf-8") as fh:
        fh.write("index_cache_hours = 0\n")
    for _ in range(2):
        code, out, _ = run(capsys, "outdated", house.floors[2], "--index-url", index.url, "--json")
        assert code == 1 and json.loads(out)["cached_at"] is None
    assert index.project_requests("A") == 2  # 0 hours: every look asks again
