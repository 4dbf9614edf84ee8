"""Finding interpreters (no process spawned) and probing one (spawned once, then cached).

Fake PATH folders, pyenv roots and uv folders are real folders holding real symlinks to the
machine's real interpreters; expected versions come from running those interpreters directly.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import isolated_environ as _environ
from conftest import other_python, pyenv_python

from venv_tui.services.discover import interpreters as interp
from venv_tui.services.discover import probe as probe_mod
from venv_tui.services.discover import specs
from venv_tui.services.discover.interpreters import (
    default_interpreter,
    find_interpreters,
    is_interpreter_name,
    resolve_pyenv_shim,
    version_from_folder,
    version_from_name,
)
from venv_tui.services.discover.probe import cache_path, cached_probe, probe


def _real_version(executable: str) -> str:
    """The interpreter's own answer, asked without the code under test."""
    out = subprocess.run(
        [executable, "-c", "import platform; print(platform.python_version())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


# The interpreter running the tests (its base, not a venv's link) and one of another version.
BASE = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
OTHER = other_python()
needs_other = pytest.mark.skipif(OTHER is None, reason="no Python of another version here")


@pytest.fixture(scope="module")
def versions() -> dict[str, str]:
    found = {BASE: _real_version(BASE)}
    if OTHER:
        found[os.path.realpath(OTHER)] = _real_version(OTHER)
    return found


def _link(target: str, link: Path) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def _script(path: Path, text: str, mode: int = 0o755) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def _by_real(found: list, executable: str):
    real = os.path.realpath(executable)
    matches = [i for i in found if i.real_path == real]
    assert len(matches) == 1, f"{real} listed {len(matches)} times"
    return matches[0]


# -- pure helpers --------------------------------------------------------------------------------


def test_names_and_folders_give_versions() -> None:
    assert version_from_name("python3.12") == "3.12"
    assert version_from_name("pypy3.10") == "3.10"
    assert version_from_name("python3") is None
    assert version_from_name("python3.12-config") is None
    assert version_from_folder("3.12.1") == "3.12.1"
    assert version_from_folder("cpython-3.11.9-linux-x86_64-gnu") == "3.11.9"
    assert version_from_folder("3.13.0rc1") == "3.13.0rc1"
    assert version_from_folder("system") is None


@pytest.mark.parametrize(
    "text", ["3.12.1", "3.13.0rc1", "cpython-3.12.1-linux", "v", "", "10.0.0b2.dev3", "3.١٢.1", "x3y45z"]
)
def test_version_numbers_are_read_as_the_pattern_read_them(text: str) -> None:
    import re

    assert interp._digit_runs(text) == re.findall(r"\d+", text)
    expected = tuple(int(p) for p in re.findall(r"\d+", text)[:3]) if text else ()
    assert interp.version_key(text) == expected


@pytest.mark.parametrize("raw", ["3.12.1", "3.12:3.11", " 3.12 \t system:: 3.8 ", "a\u2003b", ":", "3.12\n"])
def test_pyenv_version_names_split_as_pyenv_splits_them(raw: str) -> None:
    import re

    expected = [v for v in re.split(r"[:\s]+", raw) if v]
    assert interp.pyenv_selected_versions({"PYENV_VERSION": raw}, "/") == expected


@pytest.mark.parametrize(
    "text",
    ['{"a": [1, 2.5, -3e2, true, false, null, "x\\u00e9\\n"]}', " [NaN, Infinity, -Infinity] ", "{}", '"s"',
     "", "  ", "{", "[1] x", '{"a":}', "nul", '"\x01"', "[1,]"],
)
def test_the_probe_cache_is_read_as_json_reads_it(text: str) -> None:
    import json

    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            probe_mod._loads(text)
        return
    assert repr(probe_mod._loads(text)) == repr(expected)


def test_only_interpreter_names_count() -> None:
    for name in ("python", "python3", "python3.12", "python2.7", "pypy3", "graalpy", "python.exe"):
        assert is_interpreter_name(name), name
    for name in ("python3-config", "python3.12-gdb.py", "python3.6m", "pythonw-x", "ipython3"):
        assert not is_interpreter_name(name), name


# -- PATH ------------------------------------------------------------------------------------------


@needs_other
def test_path_order_gives_default_and_shadowing(tmp_path: Path, versions: dict[str, str]) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _link(BASE, first / "python3")
    short = ".".join(versions[BASE].split(".")[:2])
    _link(BASE, first / f"python{short}")
    _link(OTHER, second / "python3")
    env = _environ(tmp_path, PATH=f"{first}{os.pathsep}{second}")

    found = find_interpreters(environ=env)

    mine = _by_real(found, BASE)
    assert mine.default and mine.path == str(first / "python3")
    assert mine.shadowed_by is None
    assert mine.source == "path"
    # Both names in the first folder resolve to one file: listed once, with both names.
    assert set(mine.names) >= {str(first / "python3"), str(first / f"python{short}")}
    assert mine.version == versions[BASE]

    hidden = _by_real(found, OTHER)
    assert not hidden.default
    assert hidden.path == str(second / "python3")
    assert hidden.shadowed_by == str(first / "python3")
    assert hidden.version == versions[os.path.realpath(OTHER)]

    assert found[0] is mine  # default first
    assert sum(i.default for i in found) == 1
    assert default_interpreter(environ=env) == mine


def test_venv_pythons_config_scripts_and_plain_files_are_not_interpreters(tmp_path: Path, make_venv) -> None:
    venv = make_venv("active-env")
    folder = tmp_path / "bin"
    _link(BASE, folder / "python3")
    _script(folder / "python3-config", "#!/bin/sh\n")
    _script(folder / "python3.99", "not a program\n", mode=0o644)
    env = _environ(tmp_path, PATH=f"{venv}/bin{os.pathsep}{folder}")

    found = find_interpreters(environ=env)

    paths = {n for i in found for n in i.names}
    assert not any(p.startswith(venv) for p in paths), "a venv's python is an environment"
    assert str(folder / "python3-config") not in paths
    assert str(folder / "python3.99") not in paths
    # The venv's bin comes first on PATH, yet the default is the first real interpreter.
    assert _by_real(found, BASE).default


def test_find_interpreters_spawns_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _link(BASE, tmp_path / "bin" / "python3")
    env = _environ(tmp_path, PATH=str(tmp_path / "bin"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("find_interpreters started a process")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(os, "posix_spawn", refuse, raising=False)
    monkeypatch.setattr(os, "fork", refuse, raising=False)
    found = find_interpreters(environ=env)
    assert _by_real(found, BASE).default
    # The machine's real PATH and pyenv (shims and all) are also read without a process.
    assert isinstance(find_interpreters(), list)


# -- pyenv shims -----------------------------------------------------------------------------------


@pytest.fixture
def pyenv_tree(tmp_path: Path, versions: dict[str, str]) -> dict[str, object]:
    """A fake pyenv root: shims that would fail if run, versions linking to real interpreters."""
    if OTHER is None:
        pytest.skip("no Python of another version here")
    root = tmp_path / "pyenv"
    shim = "#!/bin/sh\necho 'a shim must not be run' >&2\nexit 99\n"
    for name in ("python", "python3"):
        _script(root / "shims" / name, shim)
    mine, other = versions[BASE], versions[os.path.realpath(OTHER)]
    for version, target in ((mine, BASE), (other, OTHER)):
        _link(target, root / "versions" / version / "bin" / "python3")
    system = tmp_path / "system-bin"
    _link(BASE, system / "python3")
    return {"root": root, "mine": mine, "other": other, "system": system}


def test_shim_follows_pyenv_version(tmp_path: Path, pyenv_tree: dict) -> None:
    root = pyenv_tree["root"]
    env = _environ(
        tmp_path,
        PATH=f"{root / 'shims'}{os.pathsep}{pyenv_tree['system']}",
        PYENV_VERSION=pyenv_tree["other"],
    )
    expected = root / "versions" / pyenv_tree["other"] / "bin" / "python3"
    assert resolve_pyenv_shim("python3", env, str(tmp_path)) == str(expected)

    found = find_interpreters(environ=env, cwd=str(tmp_path))
    default = found[0]
    assert default.default and default.real_path == os.path.realpath(OTHER)
    assert default.source == "pyenv"
    assert default.version == pyenv_tree["other"]
    assert str(root / "shims" / "python3") in default.names
    # system-bin/python3 comes later on PATH and is another file: hidden by what the shim runs.
    assert _by_real(found, BASE).shadowed_by == default.path


def test_shim_prefix_version_picks_newest_match(tmp_path: Path, pyenv_tree: dict) -> None:
    short = pyenv_tree["other"].rsplit(".", 1)[0]
    env = _environ(tmp_path, PYENV_VERSION=short)
    expected = pyenv_tree["root"] / "versions" / pyenv_tree["other"] / "bin" / "python3"
    assert resolve_pyenv_shim("python3", env, str(tmp_path)) == str(expected)


def test_shim_reads_python_version_upward_then_global(tmp_path: Path, pyenv_tree: dict) -> None:
    root = pyenv_tree["root"]
    env = _environ(tmp_path, PATH=f"{root / 'shims'}{os.pathsep}{pyenv_tree['system']}")
    project = tmp_path / "project"
    deep = project / "src" / "pkg"
    deep.mkdir(parents=True)
    (project / ".python-version").write_text(f"# chosen for the project\n{pyenv_tree['other']}\n")
    (root / "version").write_text(pyenv_tree["mine"] + "\n")

    # From a subfolder, the nearest .python-version above wins over the global version file.
    got = resolve_pyenv_shim("python3", env, str(deep))
    assert got == str(root / "versions" / pyenv_tree["other"] / "bin" / "python3")
    # Outside the project the global file decides.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    got = resolve_pyenv_shim("python3", env, str(elsewhere))
    assert got == str(root / "versions" / pyenv_tree["mine"] / "bin" / "python3")


def test_shim_system_means_next_on_path(tmp_path: Path, pyenv_tree: dict) -> None:
    root = pyenv_tree["root"]
    env = _environ(tmp_path, PATH=f"{root / 'shims'}{os.pathsep}{pyenv_tree['system']}")
    # No PYENV_VERSION, no .python-version, no version file: "system".
    assert resolve_pyenv_shim("python3", env, str(tmp_path)) == str(pyenv_tree["system"] / "python3")
    default = default_interpreter(environ=env, cwd=str(tmp_path))
    assert default is not None and default.real_path == BASE
    # A version that is not installed resolves to nothing (pyenv would fail too).
    env["PYENV_VERSION"] = "0.0.1"
    assert resolve_pyenv_shim("python3", env, str(tmp_path)) is None


# -- the other places ------------------------------------------------------------------------------


@needs_other
def test_each_place_is_labelled(tmp_path: Path, versions: dict[str, str]) -> None:
    other_version = versions[os.path.realpath(OTHER)]
    pyenv_exe = _link(BASE, tmp_path / "pyenv" / "versions" / versions[BASE] / "bin" / "python3")
    uv_folder = f"cpython-{other_version}-linux-x86_64-gnu"
    uv_exe = _link(OTHER, tmp_path / "uv-python" / uv_folder / "bin" / "python3")
    env = _environ(tmp_path)

    found = find_interpreters(environ=env)
    assert _by_real(found, BASE).source == "pyenv"
    assert str(pyenv_exe) in _by_real(found, BASE).names
    assert _by_real(found, OTHER).source == "uv"
    assert _by_real(found, OTHER).path == str(uv_exe)

    # conda's base in the (fake) home, and an extra path from the config.
    conda_home = _environ(tmp_path / "c")
    conda_exe = _link(OTHER, tmp_path / "c" / "home" / "miniconda3" / "bin" / "python3")
    config_exe = _link(BASE, tmp_path / "custom" / "bin" / "python3")
    found = find_interpreters(environ=conda_home, extra=[str(tmp_path / "custom")])
    assert _by_real(found, OTHER).source == "conda"
    assert _by_real(found, OTHER).path == str(conda_exe)
    if os.path.dirname(BASE) not in interp.SYSTEM_FOLDERS:
        assert _by_real(found, BASE).source == "config"
        assert _by_real(found, BASE).path == str(config_exe)
    # A missing config entry is skipped, not an error.
    assert find_interpreters(environ=conda_home, extra=[str(tmp_path / "nowhere")]) is not None


def test_full_version_and_implementation_from_files(tmp_path: Path) -> None:
    # Never run: a file that only looks like an interpreter, next to CPython's header.
    prefix = tmp_path / "pypy3.42-v7"
    exe = _script(prefix / "bin" / "python", "#!/bin/sh\nexit 1\n")
    (prefix / "lib" / "python3.42").mkdir(parents=True)
    header = prefix / "include" / "python3.42" / "patchlevel.h"
    header.parent.mkdir(parents=True)
    header.write_text('#define PY_MINOR_VERSION 42\n#define PY_VERSION      "3.42.7+"\n')

    found = _by_real(find_interpreters(environ=_environ(tmp_path), extra=[str(exe)]), str(exe))
    assert found.version == "3.42.7"
    assert found.implementation == "pypy"
    assert found.source == "config"


# -- probe -----------------------------------------------------------------------------------------


@pytest.fixture
def wrapper(tmp_path: Path) -> Path:
    """An executable of our own that runs the real interpreter: its mtime is ours to change."""
    return _script(tmp_path / "wrapped" / "bin" / "python", f'#!/bin/sh\nexec "{BASE}" "$@"\n')


def test_probe_reports_and_caches(wrapper: Path, versions: dict[str, str], monkeypatch) -> None:
    exe = str(wrapper)
    assert cached_probe(exe) is None
    # Files alone cannot tell this wrapper's version...
    env = dict(os.environ)
    assert _by_real(find_interpreters(environ=env, extra=[exe]), exe).version is None

    result = probe(exe)
    assert result is not None
    assert result.version == versions[BASE]
    assert result.implementation == "cpython"
    assert result.base_prefix == result.prefix  # a base interpreter, not an environment
    assert any(p.endswith(("site-packages", "dist-packages")) for p in result.site_packages)
    cache_file = cache_path(exe)
    assert cache_file is not None and os.path.isfile(cache_file)

    # ...but once probed, discovery reads the answer from the cache.
    assert _by_real(find_interpreters(environ=env, extra=[exe]), exe).version == versions[BASE]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("probe ran the interpreter again")

    with monkeypatch.context() as patched:
        patched.setattr(subprocess, "run", refuse)
        assert probe(exe) == result

    # Replacing the executable (a new mtime) invalidates the cache.
    st = wrapper.stat()
    os.utime(wrapper, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert cached_probe(exe) is None
    assert probe(exe) == result


@needs_other
def test_probe_of_environments_keeps_them_apart(make_venv, versions: dict[str, str]) -> None:
    one = make_venv("one", OTHER)
    two = make_venv("two", OTHER, "--system-site-packages")
    a = probe(os.path.join(one, "bin", "python"))
    b = probe(os.path.join(two, "bin", "python"))
    assert a is not None and b is not None
    assert a.version == versions[os.path.realpath(OTHER)]
    assert os.path.realpath(a.prefix) == os.path.realpath(one)
    assert os.path.realpath(b.prefix) == os.path.realpath(two)
    assert os.path.realpath(a.base_prefix) != os.path.realpath(one)
    assert any(os.path.realpath(p).startswith(os.path.realpath(one)) for p in a.site_packages)
    # Only the environment with system site packages sees the base's folder and user site.
    assert len(b.site_packages) > len(a.site_packages)
    assert not a.user_site_enabled


def test_probe_runs_python_2_7() -> None:
    old = pyenv_python("2.7")
    if old is None:
        pytest.skip("this machine has no Python 2.7")
    result = probe(old)
    assert result is not None
    assert result.version == _real_version(old)
    assert result.version.startswith("2.7.")


def test_probe_never_raises(tmp_path: Path) -> None:
    assert probe(str(tmp_path / "missing")) is None
    assert probe(str(_script(tmp_path / "fails", "#!/bin/sh\nexit 3\n"))) is None
    assert probe(str(_script(tmp_path / "chatty", "#!/bin/sh\necho hello\n"))) is None
    assert probe(str(_script(tmp_path / "noexec", "#!/bin/sh\n", mode=0o644))) is None
    slow = _script(tmp_path / "slow", "#!/bin/sh\nsleep 5\n")
    assert probe(str(slow), timeout=0.3) is None
    assert not stat.S_ISDIR(os.stat(slow).st_mode)
    # Nothing was cached for any of them.
    assert cached_probe(str(slow)) is None
    assert probe_mod.cached_probe(str(tmp_path / "fails")) is None


# -- what people type: --python SPEC ------------------------------------------------------------


def _found(path: str, version: str | None, implementation: str = "cpython", default: bool = False):
    from venv_tui.model import Interpreter

    return Interpreter(
        path=path,
        real_path=path,
        version=version,
        implementation=implementation,
        source="pyenv",
        default=default,
        names=(path,),
    )


HOUSE = [
    _found("/p/3.12.1/bin/python3.12", "3.12.1"),
    _found("/p/3.12.9/bin/python3.12", "3.12.9"),
    _found("/usr/bin/python3", "3.11.2", default=True),
    _found("/p/3.8.18/bin/python3.8", "3.8.18"),
    _found("/p/3.13.0/bin/python3.13", "3.13.0"),
    _found("/p/pypy3.10-7.3.12/bin/pypy3", "3.10.12", "pypy"),
]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("3.12", "/p/3.12.9/bin/python3.12"),  # the newest patch wins
        ("3.12.1", "/p/3.12.1/bin/python3.12"),
        ("3.8.18", "/p/3.8.18/bin/python3.8"),
        ("python3.13", "/p/3.13.0/bin/python3.13"),
        ("3", "/p/3.13.0/bin/python3.13"),
        ("python3", "/p/3.13.0/bin/python3.13"),
        ("cpython-3.11", "/usr/bin/python3"),
        ("pypy3", "/p/pypy3.10-7.3.12/bin/pypy3"),
        ("pypy3.10", "/p/pypy3.10-7.3.12/bin/pypy3"),
        ("3.10", "/p/pypy3.10-7.3.12/bin/pypy3"),  # only a PyPy is a 3.10 here
        (" 3.11 ", "/usr/bin/python3"),
    ],
)
def test_specs_resolve_among_the_interpreters_found(spec: str, expected: str) -> None:
    assert specs.resolve_spec(spec, HOUSE, environ={"PYENV_ROOT": "/nowhere"}).path == expected


def test_a_pyenv_version_name_is_a_spec() -> None:
    pyenv = [
        _found("/r/versions/3.12.1/bin/python3.12", "3.12.1"),
        _found("/r/versions/3.12.2/bin/python3.12", "3.12.2"),
        _found("/r/versions/pypy3.10-7.3.12/bin/pypy3", "3.10.12", "pypy"),
        _found("/r/versions/miniconda3-latest/bin/python3", None),
    ]
    for name, path in (
        ("pypy3.10-7.3.12", "/r/versions/pypy3.10-7.3.12/bin/pypy3"),
        ("3.12.1", "/r/versions/3.12.1/bin/python3.12"),
        ("miniconda3-latest", "/r/versions/miniconda3-latest/bin/python3"),
    ):
        assert specs.resolve_spec(name, pyenv, environ={"PYENV_ROOT": "/r/"}).path == path


@pytest.mark.parametrize("spec", ["3.9", "python2.7", "graalpy", "banana", "4"])
def test_an_unknown_spec_is_one_sentence_listing_what_exists(spec: str) -> None:
    from venv_tui.errors import BadInput

    with pytest.raises(BadInput) as caught:
        specs.resolve_spec(spec, HOUSE, environ={"PYENV_ROOT": "/nowhere"})
    assert str(caught.value) == (
        f"no Python found matches '{spec}'; the interpreters found are: "
        "3.11.2, 3.13.0, 3.12.9, 3.12.1, pypy 3.10.12, 3.8.18"
    )


def test_empty_and_nul_specs_are_bad_input() -> None:
    from venv_tui.errors import BadInput

    with pytest.raises(BadInput, match="no Python was named"):
        specs.resolve_spec("  ", HOUSE)
    with pytest.raises(BadInput, match="NUL"):
        specs.resolve_spec("3.1\0", HOUSE)


def test_paths_as_specs(tmp_path: Path, make_venv) -> None:
    from venv_tui.errors import BadInput

    link = _link(BASE, tmp_path / "prefix" / "bin" / "python3")
    assert specs.resolve_spec(str(link), ()).path == str(link)
    # The prefix folder of an installation names its python3.
    assert specs.resolve_spec(str(tmp_path / "prefix"), ()).path == str(link)
    assert specs.resolve_spec("./prefix/bin/python3", (), cwd=str(tmp_path)).path == str(link)
    with pytest.raises(BadInput, match="this interpreter does not exist"):
        specs.resolve_spec(str(tmp_path / "python9"), ())
    tool = _script(tmp_path / "bin" / "tool", "#!/bin/sh\n")
    with pytest.raises(BadInput, match="is not a Python interpreter"):
        specs.resolve_spec(str(tool), ())
    env = make_venv("e")
    with pytest.raises(BadInput, match="a virtual environment's python"):
        specs.resolve_spec(os.path.join(env, "bin", "python"), ())


def test_services_resolve_python_on_a_real_pyenv_root(hermetic, versions: dict[str, str]) -> None:
    from venv_tui.services import Services

    mine = versions[BASE]
    short = ".".join(mine.split(".")[:2])
    root = Path(hermetic.folders["PYENV_ROOT"])
    _link(BASE, root / "versions" / mine / "bin" / f"python{short}")
    services = Services(environ={**os.environ, "PATH": ""})
    found = services.resolve_python(short)
    assert os.path.realpath(found.path) == BASE and found.version == mine
    assert services.resolve_python(mine).path == str(root / "versions" / mine / "bin" / f"python{short}")
    assert services.resolve_python(f"python{short}").version == mine
