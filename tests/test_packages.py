"""Reading installed packages from disk, compared with what real ``pip list`` says.

Every environment here is a real venv; packages are installed by real pip from wheels the tests
build, or written by hand exactly as setuptools writes them (egg-info, .egg-link), and then
``pip list`` of that environment is the reference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import other_python

from venv_tui.errors import BadInput
from venv_tui.model import PackageSet
from venv_tui.services import story
from venv_tui.services.metadata import parse_metadata, read_head, read_metadata
from venv_tui.services.packages import read_packages, required_by, required_by_index
from venv_tui.services.site import open_site

RUNNER = f"{sys.version_info[0]}.{sys.version_info[1]}"


def pip_list(python: str) -> list[dict[str, str]]:
    """``pip list --format=json`` for ``python``'s environment, offline, PIP_* vars stripped."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "list", "--format=json"],
        env=story.clean_pip_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def pairs(packages: PackageSet) -> list[tuple[str, str]]:
    return [(d.name, d.version) for d in packages.distributions]


def pip_pairs(python: str) -> list[tuple[str, str]]:
    return [(p["name"], p["version"]) for p in pip_list(python)]


def site_packages(env: str) -> str:
    return os.path.join(env, "lib", f"python{RUNNER}", "site-packages")


def write(path: str, text: str | bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    with open(path, "wb") as fh:
        fh.write(data)


# -- the story's floors ----------------------------------------------------------------------


@pytest.mark.parametrize("floor", [1, 2, 3])
def test_floors_match_pip_list(house: story.House, floor: int) -> None:
    env = house.floors[floor]
    packages = read_packages(open_site(env))
    assert pairs(packages) == pip_pairs(story.env_python(env))
    expected = {spec.split("==")[0]: spec.split("==")[1] for spec in story.STORY_FLOORS[floor]}
    assert dict(pairs(packages)) == expected
    for dist in packages.distributions:
        assert dist.location == site_packages(env)
        assert dist.installer == "pip"
        assert dist.requested  # pip install named each of them
        assert not dist.editable and not dist.inherited
        assert dist.summary == f"Robot {dist.name}, version {dist.version}"
    assert packages.problems == () and packages.shadowed == ()


def test_floor_three_requires(house: story.House) -> None:
    packages = read_packages(open_site(house.floors[3]))
    a = packages.by_key()["a"]
    assert a.requires == ("B>=4",)
    assert a.metadata_path == os.path.join(site_packages(house.floors[3]), "A-2.1.0.dist-info")


def test_required_by_on_floor_three(house: story.House) -> None:
    packages = read_packages(open_site(house.floors[3]))
    assert required_by(packages, "B") == ("A",)
    assert required_by(packages, "b") == ("A",)  # names compare canonically
    assert required_by(packages, "A") == ()
    floor_one = read_packages(open_site(house.floors[1]))
    assert required_by(floor_one, "B") == ()  # A 1.0.0 needs nothing


def test_required_by_ignores_false_markers_and_extras(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = str(tmp_path_factory.mktemp("reqby"))
    wheels = os.path.join(root, "wheels")
    story.build_wheel(wheels, "B", "4.1.0")
    story.build_wheel(wheels, "Old", "1.0", ['B; python_version < "3.0"'])
    story.build_wheel(
        wheels, "Fast", "1.0", ['B>=4; extra == "speed"'], extra_metadata=["Provides-Extra: speed"]
    )
    story.build_wheel(wheels, "Now", "1.0", [f'b>=1; python_version == "{RUNNER}"'])
    env = story.make_venv(os.path.join(root, "env"))
    story.pip_install_offline(env, wheels, ["B", "Old", "Fast", "Now"])
    packages = read_packages(open_site(env))
    assert required_by(packages, "B") == ("Now",)
    # The index the app uses answers the same, for every name at once.
    index = required_by_index(packages)
    assert index == {"b": ("Now",)}
    for dist in packages.distributions:
        assert index.get(dist.key, ()) == required_by(packages, dist.name)


# -- opening a site --------------------------------------------------------------------------


def test_open_site_from_folder_and_from_its_python(house: story.House) -> None:
    env = house.floors[2]
    by_folder = open_site(env)
    by_python = open_site(story.env_python(env))
    assert by_folder.own_dirs == by_python.own_dirs == (site_packages(env),)
    assert by_folder.is_venv and by_folder.inherited_dirs == ()
    assert by_folder.python_version is not None
    assert by_folder.python_version.startswith(RUNNER + ".")
    assert by_folder.problem is None
    assert by_python.python == story.env_python(env)


def test_open_site_refuses_what_is_not_an_environment(tmp_path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        open_site(str(tmp_path / "nowhere"))
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(BadInput, match=r"is not a virtual environment .* nor a Python installation"):
        open_site(str(plain))
    for name in ("notes.txt", "python3.99-config"):
        path = tmp_path / name
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        with pytest.raises(BadInput, match="nor a Python interpreter"):
            open_site(str(path))


def test_lib64_link_is_counted_once(make_venv, story_wheels: str) -> None:
    env = make_venv("env64")
    lib64 = os.path.join(env, "lib64")
    if not os.path.lexists(lib64):
        os.symlink("lib", lib64)  # what venv itself does on 64-bit Linux
    assert os.path.realpath(lib64) == os.path.realpath(os.path.join(env, "lib"))
    story.pip_install_offline(env, story_wheels, ["A==2.1.0", "B==4.1.0"])
    site = open_site(env)
    assert site.own_dirs == (site_packages(env),)
    packages = read_packages(site)
    assert [d.name for d in packages.distributions] == ["A", "B"]
    assert packages.shadowed == ()


def test_base_interpreter_gone_is_a_problem_not_an_error(
    tmp_path_factory, story_wheels: str
) -> None:
    env = story.make_venv(str(tmp_path_factory.mktemp("orphan") / "env"))
    story.pip_install_offline(env, story_wheels, ["A==1.5.7"])
    gone = os.path.join(str(tmp_path_factory.getbasetemp()), "removed-python", "bin")
    cfg = os.path.join(env, "pyvenv.cfg")
    with open(cfg, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    kept = [ln for ln in lines if ln.split("=")[0].strip() not in ("home", "executable", "command")]
    kept += [f"home = {gone}", f"executable = {gone}/python{RUNNER}"]
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write("\n".join(kept) + "\n")
    site = open_site(env)
    # The same sentence as `envs` gives for this floor: one inspection, one verdict.
    assert site.health == "broken"
    assert site.problem == f"its base interpreter folder {gone} no longer exists"
    assert pairs(read_packages(site)) == [("A", "1.5.7")]


def test_broken_interpreter_link_is_a_problem(make_venv) -> None:
    env = make_venv("dangling")
    write(
        os.path.join(site_packages(env), "Here-1.0.dist-info", "METADATA"),
        "Name: Here\nVersion: 1\n",
    )
    python = os.path.join(env, "bin", "python")
    for name in os.listdir(os.path.join(env, "bin")):
        if name.startswith("python"):
            os.remove(os.path.join(env, "bin", name))
    assert open_site(env).problem == f"it has no python executable ({python} is missing)"
    gone = os.path.join(env, "no-such-python")
    os.symlink(gone, python)
    site = open_site(python)
    assert site.problem == f"its python {python} points to {gone}, which no longer exists"
    assert pairs(read_packages(site)) == [("Here", "1")]


# -- egg-info, .egg-link and PEP 660 editables ---------------------------------------------------


@pytest.fixture(scope="module")
def legacy_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One venv holding what setuptools and distutils leave behind, and a PEP 660 editable."""
    root = str(tmp_path_factory.mktemp("legacy"))
    env = story.make_venv(os.path.join(root, "env"))
    site = site_packages(env)
    # setup.py install (setuptools, --single-version-externally-managed): an egg-info folder.
    info = os.path.join(site, f"Legacy_Pkg-0.3-py{RUNNER}.egg-info")
    write(
        os.path.join(info, "PKG-INFO"),
        "Metadata-Version: 1.2\nName: Legacy-Pkg\nVersion: 0.3\nSummary: Set up the old way\n\n"
        "A long description.\n",
    )
    write(
        os.path.join(info, "requires.txt"),
        'B>=2\n\n[speed]\nFast>=1\n\n[:sys_platform == "win32"]\nwin\n',
    )
    write(os.path.join(info, "top_level.txt"), "legacy_pkg\n")
    # distutils' install_egg_info: the egg-info is a single file.
    write(
        os.path.join(site, f"oldfile-1.2-py{RUNNER}.egg-info"),
        "Metadata-Version: 1.0\nName: oldfile\nVersion: 1.2\nSummary: distutils\n",
    )
    # setup.py develop: NAME.egg-link naming the project folder, plus easy-install.pth.
    project = os.path.join(root, "devproject")
    write(os.path.join(project, "devpkg", "__init__.py"), "")
    write(
        os.path.join(project, "DevPkg.egg-info", "PKG-INFO"),
        "Metadata-Version: 2.1\nName: DevPkg\nVersion: 0.0.1.dev0\nSummary: in development\n",
    )
    write(os.path.join(site, "DevPkg.egg-link"), f"{project}\n.")
    write(os.path.join(site, "easy-install.pth"), f"{project}\n")
    # pip install -e (PEP 660): a dist-info whose direct_url.json says editable.
    wheels = os.path.join(root, "wheels")
    story.build_wheel(wheels, "Editme", "0.2")
    story.pip_install_offline(env, wheels, ["Editme"])
    source = os.path.join(root, "editme src")  # a space, so the file URL is quoted
    os.makedirs(source)
    from pathlib import Path

    url = Path(source).as_uri()
    write(
        os.path.join(site, "Editme-0.2.dist-info", "direct_url.json"),
        json.dumps({"url": url, "dir_info": {"editable": True}}),
    )
    return {"env": env, "site": site, "project": project, "source": source}


def test_legacy_and_editable_installs_match_pip_list(legacy_env: dict[str, str]) -> None:
    env = legacy_env["env"]
    packages = read_packages(open_site(env))
    listed = pip_list(story.env_python(env))
    assert pairs(packages) == [(p["name"], p["version"]) for p in listed]
    assert [d.name for d in packages.distributions] == ["DevPkg", "Editme", "Legacy-Pkg", "oldfile"]
    pip_editable = {p["name"]: p.get("editable_project_location") for p in listed}
    ours = packages.by_key()
    assert ours["editme"].editable_location == pip_editable["Editme"] == legacy_env["source"]
    assert ours["devpkg"].editable_location == pip_editable["DevPkg"] == legacy_env["project"]
    assert packages.problems == ()


def test_egg_info_folder_and_file(legacy_env: dict[str, str]) -> None:
    by_key = read_packages(open_site(legacy_env["env"])).by_key()
    legacy = by_key["legacy-pkg"]
    assert legacy.kind == "egg-info" and not legacy.editable
    assert legacy.summary == "Set up the old way"
    # requires.txt turned into Requires-Dist the way pip does it
    assert legacy.requires == (
        "B>=2",
        'Fast>=1 ; extra == "speed"',
        'win ; sys_platform == "win32"',
    )
    oldfile = by_key["oldfile"]
    assert oldfile.kind == "egg-info"
    assert oldfile.metadata_path == os.path.join(
        legacy_env["site"], f"oldfile-1.2-py{RUNNER}.egg-info"
    )


def test_egg_link_and_pep660_editables(legacy_env: dict[str, str]) -> None:
    by_key = read_packages(open_site(legacy_env["env"])).by_key()
    dev = by_key["devpkg"]
    assert dev.kind == "egg-link" and dev.editable
    assert dev.location == legacy_env["site"]
    assert dev.metadata_path == os.path.join(legacy_env["project"], "DevPkg.egg-info")
    editme = by_key["editme"]
    assert editme.kind == "dist-info" and editme.editable and editme.installer == "pip"


def test_egg_link_to_a_missing_project_is_a_problem(tmp_path_factory) -> None:
    env = story.make_venv(str(tmp_path_factory.mktemp("deadlink") / "env"))
    gone = os.path.join(str(tmp_path_factory.getbasetemp()), "deleted-project")
    write(os.path.join(site_packages(env), "Gone.egg-link"), f"{gone}\n.")
    write(
        os.path.join(site_packages(env), "Here-1.0.dist-info", "METADATA"),
        "Name: Here\nVersion: 1.0\n",
    )
    packages = read_packages(open_site(env))
    assert pairs(packages) == [("Here", "1.0")]
    assert len(packages.problems) == 1
    assert f"points to {gone}, which no longer exists" in packages.problems[0]


# -- system site packages and base interpreters ----------------------------------------------------


def test_system_site_packages_env_matches_pip_list(tmp_path_factory, story_wheels: str) -> None:
    root = str(tmp_path_factory.mktemp("shared"))
    env = story.make_venv(os.path.join(root, "env"), sys.executable, "--system-site-packages")
    site = open_site(env)
    assert site.inherited_dirs, "a system-site-packages venv sees its base's site-packages"
    assert not set(site.inherited_dirs) & set(site.own_dirs)
    seen_from_base = [d.name for d in read_packages(site).distributions]
    # Hide one of the base's packages behind another version in the venv, if the base has any.
    shadow = next((n for n in seen_from_base if n.lower() not in ("pip", "setuptools")), None)
    story.pip_install_offline(env, story_wheels, ["A==1.0.0"])
    if shadow is not None:
        wheels = os.path.join(root, "wheels")
        story.build_wheel(wheels, shadow, "0.0.1", module="shadow_of_base")
        story.pip_install_offline(env, wheels, [f"{shadow}==0.0.1"])
    packages = read_packages(site)
    assert pairs(packages) == pip_pairs(story.env_python(env))
    own = {d.name for d in packages.distributions if not d.inherited}
    assert own == {"A"} | ({shadow} if shadow else set())
    for dist in packages.distributions:
        assert dist.inherited == (dist.location in site.inherited_dirs)
    if shadow is not None:
        hidden = [d for d in packages.shadowed if d.name == shadow]
        assert len(hidden) == 1 and hidden[0].inherited and hidden[0].version != "0.0.1"


def test_base_interpreter_matches_pip_list() -> None:
    python = other_python()
    if python is None:
        pytest.skip("this machine has no Python of another version than the one running the tests")
    site = open_site(python)
    assert not site.is_venv
    assert site.python_version is not None
    minor = os.path.basename(python).removeprefix("python")
    assert site.python_version.startswith(minor)
    expected = pip_pairs(python)
    assert pairs(read_packages(site)) == expected
    # Once the interpreter has been asked (and the answer cached), its own word is used.
    from venv_tui.services.discover.probe import probe

    assert probe(python) is not None
    probed = open_site(python)
    assert probed.python_version is not None and probed.python_version.startswith(minor + ".")
    assert probed.python_version.startswith(site.python_version)  # the files told no lie
    assert pairs(read_packages(probed)) == expected


# -- malformed metadata ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def malformed_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Entries pip skips (with a warning) next to good ones: pip list still works here."""
    env = story.make_venv(str(tmp_path_factory.mktemp("malformed") / "env"))
    site = site_packages(env)
    entries: dict[str, bytes | None] = {
        "good-1.0.dist-info": b"Metadata-Version: 2.1\nName: Good\nVersion: 1.0\n",
        "noname-1.0.dist-info": b"Metadata-Version: 2.1\nVersion: 1.0\n",
        "badver-1.0.dist-info": b"Metadata-Version: 2.1\nName: badver\nVersion: 1.0-foo bar\n",
        "empty-1.0.dist-info": b"",
        "junk-1.0.dist-info": b"\x00\x01\x02\x03garbage\x00",
        "nometa-1.0.dist-info": None,
        "dup-1.0.dist-info": b"Metadata-Version: 2.1\nName: dup\nVersion: 1.0\n",
        "Dup-2.0.dist-info": b"Metadata-Version: 2.1\nName: Dup\nVersion: 2.0\n",
    }
    for folder, data in entries.items():
        os.makedirs(os.path.join(site, folder))
        if data is not None:
            write(os.path.join(site, folder, "METADATA"), data)
    return {"env": env, "site": site}


def test_malformed_entries_match_pip_list(malformed_env: dict[str, str]) -> None:
    if sys.version_info < (3, 11):
        pytest.skip(
            "pip reads with pkg_resources before Python 3.11, which takes a malformed entry's "
            "name and version from its folder name"
        )
    packages = read_packages(open_site(malformed_env["env"]))
    assert pairs(packages) == pip_pairs(story.env_python(malformed_env["env"]))
    names = sorted(d.name.lower() for d in packages.distributions)
    assert names == ["badver", "dup", "good"]


def test_malformed_entries_are_explained(malformed_env: dict[str, str]) -> None:
    site = malformed_env["site"]
    packages = read_packages(open_site(malformed_env["env"]))
    expected = {
        "noname-1.0.dist-info": "METADATA has no Name field",
        "empty-1.0.dist-info": "METADATA is empty",
        "junk-1.0.dist-info": "METADATA is not a text file",
        "nometa-1.0.dist-info": "METADATA is missing",
    }
    assert sorted(packages.problems) == sorted(
        f"{os.path.join(site, folder)}: {why}; it is left out of the list."
        for folder, why in expected.items()
    )
    badver = packages.by_key()["badver"]
    assert badver.version == "1.0-foo bar"  # pip lists it as written too
    assert (
        badver.problem is not None
        and "'1.0-foo bar', which is not a valid version" in badver.problem
    )
    assert packages.by_key()["good"].problem is None


def test_two_copies_in_one_folder(malformed_env: dict[str, str]) -> None:
    packages = read_packages(open_site(malformed_env["env"]))
    kept = packages.by_key()["dup"]
    assert len(packages.shadowed) == 1
    other = packages.shadowed[0]
    assert {kept.version, other.version} == {"1.0", "2.0"}
    assert other.problem is not None
    assert f"is a second copy of {kept.name}" in other.problem
    assert f"{kept.version} from {kept.metadata_path} is the one in use" in other.problem


def test_entries_pip_cannot_read_are_still_listed(tmp_path_factory) -> None:
    """pip stops with a traceback on these two; here the rest of the listing goes on."""
    env = story.make_venv(str(tmp_path_factory.mktemp("worse") / "env"))
    site = site_packages(env)
    write(
        os.path.join(site, "nover-1.0.dist-info", "METADATA"),
        "Metadata-Version: 2.1\nName: nover\n",
    )
    write(
        os.path.join(site, "latin-1.0.dist-info", "METADATA"),
        b"Metadata-Version: 2.1\nName: latin\nVersion: 1.0\nSummary: caf\xe9\n",
    )
    write(os.path.join(site, "fine-2.0.dist-info", "METADATA"), "Name: fine\nVersion: 2.0\n")
    packages = read_packages(open_site(env))
    assert pairs(packages) == [("fine", "2.0"), ("latin", "1.0")]
    latin = packages.by_key()["latin"]
    assert latin.summary == "caf\N{REPLACEMENT CHARACTER}"
    assert latin.problem is not None and "METADATA is not valid UTF-8 (byte 60)" in latin.problem
    assert packages.problems == (
        f"{os.path.join(site, 'nover-1.0.dist-info')}: METADATA has no Version field;"
        " it is left out of the list.",
    )


def test_missing_site_folder_is_a_problem(tmp_path_factory) -> None:
    env = story.make_venv(str(tmp_path_factory.mktemp("nosite") / "env"))
    import shutil

    shutil.rmtree(site_packages(env))
    packages = read_packages(open_site(env))
    assert packages.distributions == ()
    assert len(packages.problems) == 1 and "does not exist" in packages.problems[0]


# -- the METADATA reader itself ----------------------------------------------------------------


def test_metadata_headers() -> None:
    text = (
        "Metadata-Version: 2.1\r\n"
        "name: Folded\r\n"
        "VERSION: 3.0rc1\r\n"
        "Summary: a summary\r\n"
        "   that goes on\r\n"
        "Requires-Dist: one>=1\r\n"
        "Classifier: Programming Language :: Python\r\n"
        'Requires-Dist: two; extra == "x"\r\n'
        "Provides-Extra: x\r\n"
        "Requires-Python: >=3.8\r\n"
        "\r\n"
        "Requires-Dist: not-a-header-this-is-the-body\r\n"
    )
    meta = parse_metadata(text.encode())
    assert meta.problem is None
    assert (meta.name, meta.version) == ("Folded", "3.0rc1")
    assert meta.summary == "a summary that goes on"
    assert meta.requires == ("one>=1", 'two; extra == "x"')
    assert meta.provides_extra == ("x",)
    assert meta.requires_python == ">=3.8"


def test_metadata_reads_only_the_header(tmp_path) -> None:
    path = tmp_path / "METADATA"
    body = "x" * 79 + "\n"
    path.write_text("Name: big\nVersion: 1\n\n" + body * 20000)  # a 1.6 MB description
    head = read_head(str(path))
    assert head == b"Name: big\nVersion: 1\n"
    meta = read_metadata(str(path))
    assert (meta.name, meta.version, meta.problem) == ("big", "1", None)


def test_metadata_problems() -> None:
    assert parse_metadata(b"").problem == "METADATA is empty"
    assert parse_metadata(b"Version: 1\n").problem == "METADATA has no Name field"
    assert parse_metadata(b"Name: x\n", "PKG-INFO").problem == "PKG-INFO has no Version field"
    assert not parse_metadata(b"Name: x\n").usable
    bad = parse_metadata(b"Name: x\nVersion: one\n")
    assert bad.usable and bad.problem is not None and "'one'" in bad.problem


# -- folders that .pth files add --------------------------------------------------------------------


def test_pth_folders_are_read_as_pip_sees_them(make_venv, tmp_path) -> None:
    env = make_venv("pth")
    site = site_packages(env)
    extra = tmp_path / "extra"
    write(str(extra / "Extra-1.0.dist-info" / "METADATA"), "Name: Extra\nVersion: 1.0\n")
    relative = os.path.join(env, "relative-folder")
    write(os.path.join(relative, "Near-2.0.dist-info", "METADATA"), "Name: Near\nVersion: 2.0\n")
    write(
        os.path.join(site, "a-extra.pth"),
        f"# a comment\n\n{extra}\nimport os  # code: run by site.py, never by venv-tui\n"
        f"{tmp_path / 'no-such-folder'}\n",
    )
    # A relative line is taken from the site folder. (Import lines are code: venv-tui never runs
    # them, so a folder only code would add is the one place it may differ from pip.)
    write(os.path.join(site, "b-near.pth"), os.path.relpath(relative, site) + "\n")
    packages = read_packages(open_site(env))
    assert pairs(packages) == pip_pairs(story.env_python(env))
    assert ("Extra", "1.0") in pairs(packages) and ("Near", "2.0") in pairs(packages)
    by_name = {d.name: d for d in packages.distributions}
    assert by_name["Extra"].location == str(extra)


def test_a_pth_file_that_is_a_pipe_is_one_sentence(make_venv, tmp_path) -> None:
    env = make_venv("pth-fifo")
    site = site_packages(env)
    write(os.path.join(site, "Here-1.0.dist-info", "METADATA"), "Name: Here\nVersion: 1.0\n")
    os.mkfifo(os.path.join(site, "pipe.pth"))
    packages = read_packages(open_site(env))
    assert pairs(packages) == [("Here", "1.0")]
    [problem] = packages.problems
    assert "pipe.pth" in problem and "named pipe" in problem


# -- reading less for callers that show less ----------------------------------------------------


def test_the_lean_reads_keep_what_their_callers_show(
    legacy_env: dict[str, str], house: story.House
) -> None:
    """``packages --json`` (no summary nor requirements read) prints what the full read prints,
    and a dependency check (METADATA alone) finds what it finds on the full read."""
    from venv_tui import report
    from venv_tui.services.conflicts import check_environment

    for env in (legacy_env["env"], *house.floors.values()):
        site = open_site(env)
        full = read_packages(site)
        listing = read_packages(site, requirements=False)
        assert report.packages_json(listing) == report.packages_json(full)
        assert all(d.requires == () and d.summary == "" for d in listing.distributions)
        lean = read_packages(site, details=False)
        assert [(d.name, d.version, d.requires) for d in lean.distributions] == [
            (d.name, d.version, d.requires) for d in full.distributions
        ]
        assert check_environment(lean) == check_environment(full)
    # The editable install is still told apart in the listing.
    listed = read_packages(open_site(legacy_env["env"]), requirements=False).by_key()
    assert listed["editme"].editable_location == legacy_env["source"]


def test_the_listing_text_is_the_json_shape_written_out(
    legacy_env: dict[str, str], malformed_env: dict[str, str], house: story.House
) -> None:
    """``packages --json`` writes each package from a template: the text is exactly what the
    general writer makes of ``packages_json``, on real floors (editables, problems, inherited)
    and on values that need escaping."""
    from venv_tui import report
    from venv_tui.model import Distribution, replace

    for env in (legacy_env["env"], malformed_env["env"], *house.floors.values()):
        listing = read_packages(open_site(env), requirements=False)
        assert report.packages_dumps(listing) == report.dumps(report.packages_json(listing))
    odd = Distribution(
        name='quo"te\\ ünï',
        version="1.0",
        location="/sp\tace/s\u2028p",
        metadata_path="/x",
        editable=True,
        editable_location="/pro\nject",
        requested=True,
        inherited=True,
        installer="\x1b[31m",
        problem="it's 'odd'",
    )
    listing = replace(listing, distributions=(odd, replace(odd, editable=False, editable_location=None)))
    text = report.packages_dumps(listing)
    assert text == report.dumps(report.packages_json(listing))
    assert json.loads(text) == report.packages_json(listing)
