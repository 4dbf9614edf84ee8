"""The kept readings of dist-info folders (``services/distcache.py``): a read through them gives
what a fresh read gives, whatever the cache held, and every change an installer makes is seen.

Real venvs, real pip installs of wheels the tests write, real files changed on disk. A reading
is kept only when the folder has not changed for ``RACY_NS``; the tests shorten that wait (to
20 ms, then wait 50 ms) rather than sleep two seconds per case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from venv_tui.model import PackageSet
from venv_tui.services import distcache, story
from venv_tui.services.packages import read_packages
from venv_tui.services.site import open_site

pytestmark = pytest.mark.services

RUNNER = f"{sys.version_info[0]}.{sys.version_info[1]}"
MODES = ({}, {"requirements": False}, {"details": False})  # full, listing, dependencies


def site_packages(env: str) -> str:
    return os.path.join(env, "lib", f"python{RUNNER}", "site-packages")


def settle() -> None:
    """Let the folders written so far age past the shortened racy window."""
    time.sleep(0.05)


def summary(packages: PackageSet) -> list[tuple[object, ...]]:
    """Everything a Distribution holds that a read decides, plus the set's problems."""
    return [
        (
            d.name,
            d.version,
            d.location,
            d.metadata_path,
            d.editable,
            d.editable_location,
            d.requested,
            d.installer,
            d.summary,
            d.requires,
            d.requires_python,
            d.problem,
        )
        for d in packages.distributions
    ] + [("problems", *packages.problems)]


def kept_names(cache_root: str, folder: str) -> set[str]:
    return set(distcache.kept(cache_root, folder))


@pytest.fixture
def short_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distcache, "RACY_NS", 20_000_000)


@pytest.fixture
def floor(make_venv, story_wheels: str, short_racy_window: None) -> str:
    """A real venv holding A 1.0.0 and B 2.1.3 (pip installs, REQUESTED on both)."""
    env = make_venv("cached")
    story.pip_install_offline(env, story_wheels, ["A==1.0.0", "B==2.1.3"])
    settle()
    return env


def test_a_kept_reading_is_what_a_fresh_read_gives_in_every_mode(floor: str, tmp_path) -> None:
    root = str(tmp_path / "cache")
    site = open_site(floor)
    for mode in MODES:
        fresh = summary(read_packages(site, **mode))
        assert summary(read_packages(site, **mode, cache_root=root)) == fresh  # read and kept
        assert summary(read_packages(site, **mode, cache_root=root)) == fresh  # from the cache
    folder = site_packages(floor)
    assert kept_names(root, folder) == {"A-1.0.0.dist-info", "B-2.1.3.dist-info"}
    # The entries grew to hold what all three kinds of read need.
    masks = {entry[4] for entry in distcache.kept(root, folder).values()}
    assert masks == {distcache.NAMES | distcache.REQUIRES | distcache.MORE | distcache.DETAILS}


def test_the_cache_is_used_and_its_one_blind_spot_is_a_file_rewritten_in_place(
    floor: str, tmp_path
) -> None:
    """INSTALLER rewritten in place, keeping its name, changes no stamp: no installer does this,
    and it shows that the second read came from the cache. METADATA rewritten so is seen."""
    root = str(tmp_path / "cache")
    site = open_site(floor)
    info = os.path.join(site_packages(floor), "A-1.0.0.dist-info")
    read_packages(site, cache_root=root)
    with open(os.path.join(info, "INSTALLER"), "r+") as fh:
        fh.write("xyz")  # same inode, same length: "pip" -> "xyz"
    assert read_packages(site, cache_root=root).by_key()["a"].installer == "pip"
    assert read_packages(site).by_key()["a"].installer == "xyz"


def test_every_change_an_installer_makes_is_seen(floor: str, story_wheels: str, tmp_path) -> None:
    root = str(tmp_path / "cache")
    site = open_site(floor)
    folder = site_packages(floor)
    read_packages(site, cache_root=root)

    # A file added to a dist-info folder (REQUESTED removed, then back).
    os.unlink(os.path.join(folder, "B-2.1.3.dist-info", "REQUESTED"))
    assert read_packages(site, cache_root=root).by_key()["b"].requested is False
    settle()
    read_packages(site, cache_root=root)
    with open(os.path.join(folder, "B-2.1.3.dist-info", "REQUESTED"), "w"):
        pass
    assert read_packages(site, cache_root=root).by_key()["b"].requested is True

    # METADATA rewritten in place: same inode, new text.
    metadata = os.path.join(folder, "A-1.0.0.dist-info", "METADATA")
    settle()
    read_packages(site, cache_root=root)
    inode = os.stat(metadata).st_ino
    with open(metadata, "r+") as fh:
        text = fh.read().replace("Summary:", "Summary: rewritten;")
        fh.seek(0)
        fh.write(text)
    assert os.stat(metadata).st_ino == inode
    assert read_packages(site, cache_root=root).by_key()["a"].summary.startswith("rewritten;")

    # An upgrade and an uninstall by pip.
    settle()
    story.pip_install_offline(floor, story_wheels, ["A==2.1.0"])
    assert summary(read_packages(site, cache_root=root)) == summary(read_packages(site))
    assert read_packages(site, cache_root=root).by_key()["a"].version == "2.1.0"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", story.env_python(floor), "uninstall", "-y", "B"],
        env=story.clean_pip_env(),
        check=True,
        capture_output=True,
    )
    assert [d.name for d in read_packages(site, cache_root=root).distributions] == ["A"]
    settle()
    read_packages(site, cache_root=root)
    assert kept_names(root, folder) == {"A-2.1.0.dist-info"}  # the gone folder is dropped


def test_a_folder_replaced_under_the_same_name_is_read_again(floor: str, tmp_path) -> None:
    root = str(tmp_path / "cache")
    site = open_site(floor)
    info = os.path.join(site_packages(floor), "A-1.0.0.dist-info")
    read_packages(site, cache_root=root)
    os.rename(info, info + ".old")
    os.mkdir(info)
    with open(os.path.join(info, "METADATA"), "w") as fh:
        fh.write("Metadata-Version: 2.1\nName: A\nVersion: 1.0.0\nSummary: another copy\n\n")
    a = read_packages(site, cache_root=root).by_key()["a"]
    assert (a.summary, a.installer, a.requested) == ("another copy", None, False)


def test_a_recent_change_is_read_but_not_kept(make_venv, story_wheels: str, tmp_path) -> None:
    """With the real two-second window, a floor just installed is not kept yet."""
    env = make_venv("recent")
    story.pip_install_offline(env, story_wheels, ["A==1.0.0"])
    root = str(tmp_path / "cache")
    listed = read_packages(open_site(env), cache_root=root)
    assert [d.name for d in listed.distributions] == ["A"]
    assert kept_names(root, site_packages(env)) == set()


def test_a_reading_with_a_problem_is_never_kept(floor: str, tmp_path) -> None:
    root = str(tmp_path / "cache")
    site = open_site(floor)
    metadata = os.path.join(site_packages(floor), "B-2.1.3.dist-info", "METADATA")
    with open(metadata, "w") as fh:
        fh.write("Metadata-Version: 2.1\nName: B\nVersion: not-a-version\n\n")
    settle()
    for _ in range(2):
        [problem] = [d.problem for d in read_packages(site, cache_root=root).distributions if d.problem]
        assert "not a valid version" in problem
    assert kept_names(root, site_packages(floor)) == {"A-1.0.0.dist-info"}
    with open(metadata, "w") as fh:
        fh.write("Metadata-Version: 2.1\nName: B\nVersion: 2.1.4\n\n")
    assert read_packages(site, cache_root=root).by_key()["b"].version == "2.1.4"


@pytest.mark.parametrize("damage", ["garbage", "foreign", "wrong shape", "folder", "pipe"])
def test_a_damaged_cache_is_an_empty_one(floor: str, tmp_path, damage: str) -> None:
    import marshal

    root = str(tmp_path / "cache")
    site = open_site(floor)
    folder = site_packages(floor)
    path = distcache.cache_path(root, folder)
    os.makedirs(os.path.dirname(path))
    if damage == "garbage":
        with open(path, "wb") as fh:
            fh.write(b"\xff\x00not marshal at all")
    elif damage == "foreign":  # another folder's cache under this name
        with open(path, "wb") as fh:
            fh.write(marshal.dumps((1, "/elsewhere", {"A-1.0.0.dist-info": (0,) * 13})))
    elif damage == "wrong shape":
        with open(path, "wb") as fh:
            fh.write(marshal.dumps((1, folder, {"A-1.0.0.dist-info": ("short",)})))
    elif damage == "folder":
        os.mkdir(path)
    else:
        os.mkfifo(path)
    fresh = summary(read_packages(site))
    assert summary(read_packages(site, cache_root=root)) == fresh
    assert summary(read_packages(site, cache_root=root)) == fresh
    if damage not in ("folder", "pipe"):  # a file in the way is replaced by a good one
        assert kept_names(root, folder) == {"A-1.0.0.dist-info", "B-2.1.3.dist-info"}


def test_a_cache_folder_that_cannot_be_made_is_no_error(floor: str, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    site = open_site(floor)
    assert summary(read_packages(site, cache_root=str(blocker))) == summary(read_packages(site))


def test_the_cli_prints_the_same_listing_from_the_cache(floor: str, tmp_path) -> None:
    """``packages --json`` run twice (read, then from the cache) and with no cache at all."""
    env = {**os.environ, "VENV_TUI_CACHE_DIR": str(tmp_path / "cache")}
    argv = [sys.executable, "-m", "venv_tui", "packages", floor, "--json"]
    first = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    # The window is not shortened in a new process: let the floor age past the real one.
    folder = site_packages(floor)
    infos = [os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".dist-info")]
    newest = max(os.stat(p).st_ctime for i in infos for p in (i, os.path.join(i, "METADATA")))
    time.sleep(max(0.0, 2.1 - (time.time() - newest)))
    runs = [subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout for _ in range(2)]
    assert kept_names(str(tmp_path / "cache"), site_packages(floor)) == {
        "A-1.0.0.dist-info",
        "B-2.1.3.dist-info",
    }
    assert runs == [first, first]
    names = [(p["name"], p["version"], p["requested"], p["installer"]) for p in json.loads(first)["packages"]]
    assert names == [("A", "1.0.0", True, "pip"), ("B", "2.1.3", True, "pip")]


def test_deleting_a_floor_drops_what_was_kept_of_it(floor: str) -> None:
    from venv_tui.config import cache_dir
    from venv_tui.services import Services

    services = Services()
    services.packages(floor)
    folder = site_packages(floor)
    assert kept_names(cache_dir(), folder) == {"A-1.0.0.dist-info", "B-2.1.3.dist-info"}
    services.delete(floor)
    assert not os.path.lexists(floor)
    assert not os.path.lexists(distcache.cache_path(cache_dir(), folder))


def test_a_folder_has_one_cache_file_whatever_the_process() -> None:
    """Named without a hash module, and not by ``hash(str)``, which is seeded per process."""
    code = "import sys; from venv_tui.services import distcache; print(distcache.cache_path('/c', sys.argv[1]))"
    names = {
        folder: {
            subprocess.run(
                [sys.executable, "-c", code, folder],
                env={**os.environ, "PYTHONHASHSEED": seed},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for seed in ("1", "2", "random")
        }
        for folder in ("/srv/a/lib/python3.12/site-packages", "/srv/b/lib/python3.12/site-packages")
    }
    assert all(len(found) == 1 for found in names.values())
    assert len({name for found in names.values() for name in found}) == 2
