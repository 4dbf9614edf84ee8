"""export: requirements and pylock.toml from real floors, re-installed with real pip (offline),
locks looked up on a real HTTP index on 127.0.0.1 and validated by packaging."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from packaging.pylock import Pylock
from packaging.utils import canonicalize_name

from tests.indexserver import IndexServer, sha256
from venv_tui.services import Services, story
from venv_tui.tomlread import loads

pytestmark = pytest.mark.services

# A build backend in the project's own folder (PEP 517 backend-path): pip builds wheels and
# editables from it offline, with nothing to download.
BACKEND = textwrap.dedent(
    """
    import base64, hashlib, os, zipfile

    NAME, VERSION = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "meta.txt")).read().split()
    HERE = os.path.dirname(os.path.abspath(__file__))

    def _wheel(folder, files):
        info = f"{NAME}-{VERSION}.dist-info"
        files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n".encode()
        files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
        record = []
        for path, data in files.items():
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        files[f"{info}/RECORD"] = "\\n".join(record).encode()
        name = f"{NAME}-{VERSION}-py3-none-any.whl"
        with zipfile.ZipFile(os.path.join(folder, name), "w") as zf:
            for path, data in files.items():
                zf.writestr(path, data)
        return name

    def get_requires_for_build_wheel(config_settings=None):
        return []

    get_requires_for_build_editable = get_requires_for_build_wheel

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        return _wheel(wheel_directory, {f"{NAME.lower()}.py": b"WHERE = 'wheel'\\n"})

    def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
        return _wheel(wheel_directory, {f"_{NAME.lower()}.pth": (HERE + "\\n").encode()})
    """
)


def make_project(folder: str, name: str, version: str) -> str:
    os.makedirs(folder, exist_ok=True)
    files = {
        "backend.py": BACKEND,
        "meta.txt": f"{name} {version}\n",
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n',
        f"{name.lower()}.py": "WHERE = 'source'\n",
    }
    for path, text in files.items():
        with open(os.path.join(folder, path), "w", encoding="utf-8") as fh:
            fh.write(text)
    return folder


def pip_install(env: str, *args: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            story.env_python(env),
            "install",
            "--no-index",
            "--quiet",
            *args,
        ],
        env=story.clean_pip_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def listing(env: str) -> set[tuple[str, str, bool]]:
    return {
        (canonicalize_name(d.name), d.version, d.editable) for d in Services().packages(env).distributions
    }


# -- requirements ------------------------------------------------------------------------------


def test_requirements_round_trip(house: story.House, make_venv, cli, tmp_path) -> None:
    status, out, err = cli("export", house.floors[3])
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"# venv-tui export of {house.floors[3]} (Python 3.")
    assert lines[1:] == ["A==2.1.0", "B==4.1.0"]
    target = tmp_path / "requirements.txt"
    assert cli("export", house.floors[3], "-o", str(target))[0] == 0
    assert target.read_text() == out
    rebuilt = make_venv("rebuilt")
    pip_install(rebuilt, "--find-links", house.wheels, "-r", str(target))
    assert listing(rebuilt) == listing(house.floors[3])


def test_top_level_and_tools(story_wheels: str, make_venv, cli, tmp_path) -> None:
    wheels = str(tmp_path / "w")
    story.build_story_wheels(wheels)
    story.build_wheel(wheels, "setuptools", "99.0")
    story.build_wheel(wheels, "Loose", "1.0")
    env = make_venv("top")
    pip_install(
        env, "--find-links", wheels, "A==2.1.0", "setuptools==99.0", "Loose==1.0"
    )  # B comes as A's need
    # Loose was asked for, then its REQUESTED mark lost (as an old installer leaves it):
    # still top-level, since nothing requires it.
    loose = next(d for d in Services().packages(env).distributions if d.name == "Loose")
    os.remove(os.path.join(loose.metadata_path, "REQUESTED"))
    assert cli("export", env)[1].splitlines()[1:] == ["A==2.1.0", "B==4.1.0", "Loose==1.0"]
    assert cli("export", env, "--top-level")[1].splitlines()[1:] == ["A==2.1.0", "Loose==1.0"]
    assert cli("export", env, "--all")[1].splitlines()[1:] == [
        "A==2.1.0",
        "B==4.1.0",
        "Loose==1.0",
        "setuptools==99.0",
    ]


def test_empty_floor_exports_empty_valid_files(make_venv, cli, tmp_path) -> None:
    env = make_venv("empty")
    status, out, _ = cli("export", env)
    assert status == 0 and out.splitlines()[1:] == []
    target = tmp_path / "pylock.toml"
    assert cli("export", env, "--format", "pylock", "--no-index", "-o", str(target))[0] == 0
    lock = Pylock.from_dict(loads(target.read_text()))
    assert lock.packages == [] and str(lock.lock_version) == "1.0" and lock.created_by == "venv-tui"
    assert lock.requires_python is not None


def test_editable_direct_url_and_vcs_round_trip(story_wheels: str, make_venv, cli, tmp_path) -> None:
    editable = make_project(str(tmp_path / "editable"), "Tinker", "0.3")
    repo = make_project(str(tmp_path / "repo"), "Versioned", "2.0")
    git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.org"]
    try:
        subprocess.run([*git, "init", "-q"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not usable on this machine")
    subprocess.run([*git, "add", "."], check=True, capture_output=True, timeout=60)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True, capture_output=True, timeout=60)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = story.build_wheel(str(tmp_path / "archives"), "Packed", "1.2")
    env = make_venv("direct")
    pip_install(env, "-e", editable)
    pip_install(env, f"git+file://{repo}@{commit}")
    pip_install(env, archive)
    pip_install(env, "--find-links", story_wheels, "B==2.1.3")
    status, out, err = cli("export", env)
    assert status == 0, err
    assert out.splitlines()[1:] == [
        "B==2.1.3",
        f"Packed @ file://{archive}#sha256={sha256(archive)}",
        f"-e {editable}",
        f"Versioned @ git+file://localhost{repo}@{commit}",
    ]
    target = tmp_path / "requirements.txt"
    target.write_text(out)
    again = make_venv("again")
    pip_install(again, "--find-links", story_wheels, "-r", str(target))
    assert listing(again) == listing(env)
    assert ("tinker", "0.3", True) in listing(again)

    # The same floor as a lock: directory, vcs with its commit, archive with its hash.
    lock_path = tmp_path / "pylock.toml"
    status, _, err = cli(
        "export", env, "--format", "pylock", "--no-index", "--find-links", story_wheels, "-o", str(lock_path)
    )
    assert status == 0, err
    lock = Pylock.from_dict(loads(lock_path.read_text()))
    by_name = {p.name: p for p in lock.packages}
    assert by_name["tinker"].directory is not None and by_name["tinker"].directory.editable
    assert by_name["tinker"].directory.path == editable and by_name["tinker"].version is None
    assert by_name["versioned"].vcs is not None and by_name["versioned"].vcs.commit_id == commit
    assert by_name["versioned"].version is None
    assert by_name["packed"].archive is not None
    assert dict(by_name["packed"].archive.hashes) == {"sha256": sha256(archive)}
    assert by_name["b"].wheels and by_name["b"].wheels[0].hashes == {
        "sha256": sha256(os.path.join(story_wheels, "B-2.1.3-py2.py3-none-any.whl"))
    }
    # Checked against the floor it came from, and against one that has the same names from elsewhere.
    assert cli("check", str(lock_path), "--env", env)[0] == 0
    other = make_venv("other")
    pip_install(other, "-e", make_project(str(tmp_path / "elsewhere"), "Tinker", "0.3"))
    status, out, _ = cli("check", str(lock_path), "--env", other, "--json")
    assert status == 1
    import json

    checks = {c["name"]: c for c in json.loads(out)["requirements"]}
    assert checks["tinker"]["status"] == "wrong-version" and "not from" in checks["tinker"]["message"]
    assert checks["versioned"]["status"] == "missing"


# -- pylock against a real index -------------------------------------------------------------------


@pytest.fixture
def floor_one(house: story.House) -> str:
    return house.floors[1]


@pytest.mark.parametrize(
    ("json_pages", "hashes"),
    [(False, True), (False, False), (True, True)],
    ids=["html-sha256", "html-no-hash", "json"],
)
def test_pylock_from_an_http_index(
    house: story.House, floor_one: str, cli, tmp_path, json_pages: bool, hashes: bool
) -> None:
    with IndexServer(house.wheels, json=json_pages, hashes=hashes) as index:
        target = tmp_path / "pylock.toml"
        status, _, err = cli(
            "export", floor_one, "--format", "pylock", "--index-url", index.url, "-o", str(target)
        )
        assert status == 0, err
        downloads = [p for p, _ in index.requests if p.startswith("/files/")]
    # Without a hash on the page the file itself is fetched and hashed; with one it is not.
    assert len(downloads) == (0 if hashes else 2)
    lock = Pylock.from_dict(loads(target.read_text()))
    assert [(p.name, str(p.version)) for p in lock.packages] == [("a", "1.0.0"), ("b", "2.1.3")]
    for package in lock.packages:
        (wheel,) = package.wheels or []
        assert package.index == index.url
        assert wheel.url == index.file_url(wheel.filename)
        assert wheel.hashes == {"sha256": sha256(os.path.join(house.wheels, wheel.filename))}
    assert cli("check", str(target), "--env", floor_one)[0] == 0
    status, out, _ = cli("check", str(target), "--env", house.floors[3])
    assert status == 1 and "A 2.1.0 is installed, pylock.toml needs a==1.0.0" in out


def test_the_installed_wheel_is_the_one_named(house: story.House, floor_one: str, cli, tmp_path) -> None:
    """An index with several files of the version: the lock names the one whose tags the
    installed WHEEL file lists, not a look-alike."""
    wheels = str(tmp_path / "index")
    os.makedirs(wheels)
    for name in os.listdir(house.wheels):
        with (
            open(os.path.join(house.wheels, name), "rb") as src,
            open(os.path.join(wheels, name), "wb") as dst,
        ):
            dst.write(src.read())
    with open(os.path.join(wheels, "A-1.0.0-cp399-cp399-manylinux_2_17_x86_64.whl"), "wb") as fh:
        fh.write(b"not this one")
    with open(os.path.join(wheels, "A-1.0.0.tar.gz"), "wb") as fh:
        fh.write(b"nor this one")
    with IndexServer(wheels) as index:
        status, out, err = cli("export", floor_one, "--format", "pylock", "--index-url", index.url)
    assert status == 0, err
    lock = Pylock.from_dict(loads(out))
    assert [w.filename for p in lock.packages for w in p.wheels or []] == [
        "A-1.0.0-py2.py3-none-any.whl",
        "B-2.1.3-py2.py3-none-any.whl",
    ]


def test_index_down_writes_nothing(house: story.House, floor_one: str, cli, tmp_path) -> None:
    target = tmp_path / "pylock.toml"
    target.write_text("previous\n")
    with IndexServer(house.wheels) as index:
        index.down = True
        status, out, err = cli(
            "export", floor_one, "--format", "pylock", "--index-url", index.url, "-o", str(target)
        )
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert (
        lines[0].startswith("venv-tui: 127.0.0.1 cannot be reached")
        and lines[-1] == "venv-tui: nothing was written"
    )
    assert len(lines) == 2  # one sentence, however many distributions asked
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pylock.toml"]  # no temporary file left


def test_a_distribution_not_on_the_index_is_named(house: story.House, floor_one: str, cli, tmp_path) -> None:
    wheels = str(tmp_path / "only-a")
    story.build_wheel(wheels, "A", "1.0.0")
    with IndexServer(wheels) as index:
        status, out, err = cli("export", floor_one, "--format", "pylock", "--index-url", index.url)
    assert status == 1 and out == ""
    assert "B 2.1.3 was not found on 127.0.0.1" in err
    assert "A 1.0.0" not in err


def test_a_wheel_rebuilt_differently_is_not_matched(
    house: story.House, floor_one: str, cli, tmp_path
) -> None:
    """The index has A 1.0.0 only for another Python: the installed file is not there."""
    wheels = str(tmp_path / "other-tags")
    os.makedirs(wheels)
    with open(os.path.join(wheels, "A-1.0.0-cp399-cp399-manylinux_2_17_x86_64.whl"), "wb") as fh:
        fh.write(b"other")
    story.build_wheel(wheels, "B", "2.1.3")
    with IndexServer(wheels) as index:
        status, _, err = cli("export", floor_one, "--format", "pylock", "--index-url", index.url)
    assert status == 1 and "A 1.0.0 was not found" in err


def test_find_links_folder(house: story.House, floor_one: str, cli) -> None:
    status, out, err = cli(
        "export", floor_one, "--format", "pylock", "--no-index", "--find-links", house.wheels
    )
    assert status == 0, err
    lock = Pylock.from_dict(loads(out))
    wheel = (lock.packages[0].wheels or [])[0]
    assert wheel.url == "file://" + os.path.join(house.wheels, wheel.filename)
    assert wheel.hashes == {"sha256": sha256(os.path.join(house.wheels, wheel.filename))}


def test_pip_configuration_is_the_default(house: story.House, floor_one: str, cli, monkeypatch) -> None:
    with IndexServer(house.wheels) as index:
        monkeypatch.setenv("PIP_INDEX_URL", index.url)
        status, out, err = cli("export", floor_one, "--format", "pylock")
        assert status == 0, err
        assert index.project_requests("a") == 1
    assert all(p.index == index.url for p in Pylock.from_dict(loads(out)).packages)


def test_refusals(house: story.House, floor_one: str, cli, tmp_path) -> None:
    status, out, err = cli("export", floor_one, "--format", "pylock", "--top-level")
    assert status == 2 and out == "" and "--top-level" in err
    assert cli("export", str(tmp_path / "nowhere"))[0] == 2
    status, _, err = cli("export", floor_one, "-o", str(tmp_path))
    assert status == 2 and "is a folder" in err
    assert cli("export", floor_one, "--format", "poetry")[0] == 2


def test_a_name_that_is_not_a_name_is_left_out(make_venv, story_wheels: str, cli) -> None:
    env = make_venv("hostile")
    story.pip_install_offline(env, story_wheels, ["A==1.0.0"])
    site = Services().packages(env).distributions[0].location
    info = os.path.join(site, "evil-1.0.dist-info")
    os.makedirs(info)
    with open(os.path.join(info, "METADATA"), "w") as fh:
        fh.write("Metadata-Version: 2.1\nName: evil @ file:///etc\nVersion: 1.0\n")
    status, out, err = cli("export", env)
    assert status == 0
    assert out.splitlines()[1:] == ["A==1.0.0"]
    assert "is not a valid project name; left out" in err
