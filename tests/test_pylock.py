"""pylock.toml as a source: checked and fitted against real floors, read through packaging."""

from __future__ import annotations

import json
import os

import pytest

from venv_tui.services import Services, story

pytestmark = pytest.mark.services

A_WHEEL = """
[[packages.wheels]]
name = "A-{version}-py2.py3-none-any.whl"
url = "https://files.example/A-{version}-py2.py3-none-any.whl"
hashes = {{sha256 = "{digest}"}}
"""


def lock(*packages: str, head: str = "") -> str:
    return 'lock-version = "1.0"\ncreated-by = "a test"\n' + head + "\n" + "\n".join(packages)


def package(name: str, version: str, extra: str = "") -> str:
    wheel = A_WHEEL.format(version=version, digest="0" * 64).replace("A-", f"{name}-")
    return f'[[packages]]\nname = "{name.lower()}"\nversion = "{version}"\n{extra}\n{wheel}'


def write(tmp_path, text: str, name: str = "pylock.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def statuses(out: str) -> dict[str, str]:
    return {c["name"]: c["status"] for c in json.loads(out)["requirements"]}


def test_versions_must_match_exactly(house: story.House, cli, tmp_path) -> None:
    path = write(tmp_path, lock(package("A", "1.5.7")))
    assert cli("check", path, "--env", house.floors[2])[0] == 0
    status, out, _ = cli("check", path, "--env", house.floors[3], "--json")
    assert status == 1 and statuses(out) == {"a": "wrong-version"}
    status, out, _ = cli("fit", path, "--root", house.root, "--json")
    assert status == 0 and json.loads(out)["environments"][0]["path"] == house.floors[2]


def test_requires_python_and_environments(house: story.House, cli, tmp_path) -> None:
    path = write(tmp_path, lock(package("A", "1.5.7"), head='requires-python = ">=3.99"\n'))
    status, out, _ = cli("check", path, "--env", house.floors[2])
    assert status == 1 and "but Python >=3.99 is needed" in out
    path = write(tmp_path, lock(package("A", "1.5.7"), head="environments = ['sys_platform == \"plan9\"']\n"))
    status, out, _ = cli("check", path, "--env", house.floors[2], "--json")
    data = json.loads(out)
    assert status == 1 and not data["ok"]
    assert "the lock is made for 'sys_platform == \"plan9\"'" in data["python"]["message"]
    here = 'sys_platform == "plan9" or python_version >= "3"'
    path = write(tmp_path, lock(package("A", "1.5.7"), head=f"environments = ['{here}']\n"))
    assert cli("check", path, "--env", house.floors[2])[0] == 0


def test_markers_are_the_floors(house: story.House, other_interpreter: str, make_venv, cli, tmp_path) -> None:
    other = make_venv("other", other_interpreter)
    story.pip_install_offline(other, house.wheels, ["B==4.1.0"])
    version = Services().packages(other).site.python_version or ""
    minor = ".".join(version.split(".")[:2])
    marker = f"marker = 'python_version == \"{minor}\"'"
    path = write(tmp_path, lock(package("B", "4.1.0", marker)))
    assert cli("check", path, "--env", other)[0] == 0
    status, out, _ = cli("check", path, "--env", house.floors[2], "--json")
    assert status == 0 and statuses(out) == {"b": "not-applicable"}


def test_extras_and_groups(house: story.House, cli, tmp_path) -> None:
    text = lock(
        package("A", "1.5.7"),
        package("B", "4.1.0", "marker = \"'dev' in dependency_groups\""),
        package("C", "1.0", "marker = \"'speed' in extras and python_version >= '3'\""),
        head='extras = ["speed"]\ndependency-groups = ["dev"]\ndefault-groups = []\n',
    )
    path = write(tmp_path, text)
    status, out, _ = cli("check", path, "--env", house.floors[2], "--json")
    assert status == 0 and statuses(out) == {"a": "ok"}
    status, out, _ = cli(
        "check", path, "--env", house.floors[2], "--group", "dev", "--extra", "speed", "--json"
    )
    assert status == 1 and statuses(out) == {"a": "ok", "b": "missing", "c": "missing"}
    status, _, err = cli("check", path, "--env", house.floors[2], "--group", "docs")
    assert status == 2 and "declares no dependency group docs" in err
    defaults = text.replace("default-groups = []", 'default-groups = ["dev"]')
    status, out, _ = cli("check", write(tmp_path, defaults), "--env", house.floors[3], "--json")
    assert statuses(out) == {"a": "wrong-version", "b": "ok"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            lock(package("A", "1.0"), head="").replace('lock-version = "1.0"', 'lock-version = "2.0"'),
            "lock-version 2.0 is not supported",
        ),
        (lock(package("A", "1.0")).replace('created-by = "a test"\n', ""), "not a valid lock: "),
        (
            lock(
                '[[packages]]\nname = "a"\nversion = "1.0"\ndirectory = {path = "x"}\n'
                + A_WHEEL.format(version="1.0", digest="0")
            ),
            "not a valid lock: None of vcs, directory, archive",
        ),
        (
            lock('[[packages]]\nname = "Not_Normal"\nversion = "1"\ndirectory = {path = "x"}\n'),
            "not a valid lock: ",
        ),
        ("lock-version = \n", "is not valid TOML"),
    ],
    ids=["major-2", "no-created-by", "two-sources", "unnormalized-name", "not-toml"],
)
def test_bad_locks_are_one_sentence(house: story.House, cli, tmp_path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    status, out, err = cli("check", path, "--env", house.floors[2])
    assert status == 2 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"venv-tui: {path}")


def test_directory_and_vcs_packages_are_checked_against_their_source(
    story_wheels: str, make_venv, cli, tmp_path
) -> None:
    """A relative directory is the lock's folder's; a vcs package needs that very commit."""
    from tests.test_export import make_project, pip_install

    project = make_project(str(tmp_path / "proj"), "Tinker", "0.3")
    env = make_venv("dir")
    pip_install(env, project)
    path = write(tmp_path, lock('[[packages]]\nname = "tinker"\ndirectory = {path = "proj"}\n'))
    assert cli("check", path, "--env", env)[0] == 0
    moved = write(
        tmp_path,
        lock('[[packages]]\nname = "tinker"\ndirectory = {path = "elsewhere"}\n'),
        "pylock.moved.toml",
    )
    status, out, _ = cli("check", moved, "--env", env, "--json")
    assert status == 1 and statuses(out) == {"tinker": "wrong-version"}
    vcs = lock(
        '[[packages]]\nname = "tinker"\nvcs = {type = "git", url = "https://example.org/t.git", commit-id = "abc"}\n'
    )
    status, out, _ = cli("check", write(tmp_path, vcs, "pylock.vcs.toml"), "--env", env, "--json")
    assert status == 1 and statuses(out) == {"tinker": "wrong-version"}


def test_find_sources_lists_locks(tmp_path) -> None:
    for name in ("pylock.toml", "pylock.dev.toml", "pylock.a.b.toml", "notpylock.toml"):
        (tmp_path / name).write_text("")
    found = [os.path.basename(p) for p in Services().find_sources(str(tmp_path))]
    assert found == ["pylock.dev.toml", "pylock.toml"]


def test_a_lock_written_by_export_is_read_back(house: story.House, cli, tmp_path) -> None:
    path = str(tmp_path / "pylock.toml")
    status, _, err = cli(
        "export",
        house.floors[3],
        "--format",
        "pylock",
        "--no-index",
        "--find-links",
        house.wheels,
        "-o",
        path,
    )
    assert status == 0, err
    source = Services().load_source(path)
    assert source.kind == "pylock" and [r.text for r in source.requirements] == ["a==2.1.0", "b==4.1.0"]
